/* cs-test-publish.h: what the publisher tests share, around a stand-in platform
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each publisher's test keeps a scratch folder, a stand-in platform in
 * it, the publisher under test (trusting the stand-in's certificate) and
 * the job's progress as the queue server would have saved it. The
 * stand-ins run in the platform's thread and the tests in theirs, so the
 * scripted trouble they share (CsTestFaults) carries its own lock.
 */

#pragma once

#include "cs-publisher.h"
#include "cs-test-platform.h"

G_BEGIN_DECLS

typedef struct
{
  char           *dir;
  CsTestPlatform *platform;
  CsPublisher    *publisher;
  char           *saved_progress;  /* as the queue server would store it */
  guint           checkpoints;
} CsTestPublish;

/* Makes a scratch folder named after @name ("cs-publish-x") and a
 * stand-in platform in it, to be given handlers and then started with
 * cs_test_publish_start(). */
void          cs_test_publish_set_up      (CsTestPublish  *t,
                                           const char     *name);
/* Starts the stand-in, which then has its address. */
void          cs_test_publish_start       (CsTestPublish  *t);
/* Makes @publisher trust the stand-in's certificate; returns it. */
CsPublisher  *cs_test_publish_pin         (CsTestPublish  *t,
                                           CsPublisher    *publisher);
/* Drops the publisher (a test that must see it finalized steals it
 * first), stops the stand-in and deletes the folder, asserting it went. */
void          cs_test_publish_tear_down   (CsTestPublish  *t);

/* A job for @text under delivery @key whose checkpoint saves its progress
 * in @t (when @t is not NULL). Photo i is photo_func (i), described by
 * alts[i % n_alts] or, with no @alts, as "Photo N: @alt". */
CsPublishJob *cs_test_publish_new_job     (CsTestPublish      *t,
                                           const char         *text,
                                           const char         *key,
                                           guint               n_photos,
                                           GBytes          *(*photo_func) (guint i),
                                           const char *const  *alts,
                                           gsize               n_alts,
                                           const char         *alt);
/* @job as the same delivery tried again: given the progress @t saved. */
CsPublishJob *cs_test_publish_resume_job  (CsTestPublish  *t,
                                           CsPublishJob   *job,
                                           gboolean        resumed);
/* How many requests the stand-in has had. */
guint         cs_test_publish_count_all   (CsTestPublish  *t);

/* A stand-in for a redacted photo: a JPEG's start and end markers round
 * bytes that differ from photo to photo. */
GBytes       *cs_test_photo_bytes         (guint           i);
/* A small real JPEG (64 by 48), different for each @seed. */
GBytes       *cs_test_make_photo          (guint           seed);

/* Request @i of @requests, asserting there is one. */
const CsTestRequest *cs_test_nth_request  (GPtrArray      *requests,
                                           guint           i);
void          cs_test_assert_contains     (const char     *haystack,
                                           const char     *needle);

/* How many items @array holds, read under @lock. */
guint         cs_test_locked_len          (GMutex         *lock,
                                           GPtrArray      *array);

/* Answers @msg with @node, or @object, as JSON. */
void          cs_test_reply_node          (SoupServerMessage *msg,
                                           guint              status,
                                           JsonNode          *node);
void          cs_test_reply_object        (SoupServerMessage *msg,
                                           guint              status,
                                           JsonObject        *object);

/* Trouble a stand-in is scripted to cause. */
typedef enum
{
  CS_TEST_FAULT_REPLY,       /* answer this instead of doing the work */
  CS_TEST_FAULT_DROP_AFTER,  /* do the work, then close the connection unanswered */
  CS_TEST_FAULT_HANG,        /* never answer */
} CsTestFaultKind;

typedef struct
{
  char            *method;    /* NULL: any */
  char            *path;
  gboolean         prefix;    /* @path is a prefix rather than the whole path */
  guint            skip;      /* matching requests to let through first */
  CsTestFaultKind  kind;
  guint            status;
  char            *body;
  char            *header;
  char            *value;
} CsTestFault;

typedef struct
{
  GMutex  lock;
  GQueue  queue;   /* CsTestFault */
} CsTestFaults;

void          cs_test_faults_init         (CsTestFaults   *faults);
void          cs_test_faults_clear        (CsTestFaults   *faults);
/* Scripts the next request with @method to @path after @skip such
 * requests: @kind, and for CS_TEST_FAULT_REPLY the answer (with one
 * header, when @header is not NULL). */
void          cs_test_faults_add          (CsTestFaults   *faults,
                                           const char     *method,
                                           const char     *path,
                                           gboolean        prefix,
                                           guint           skip,
                                           CsTestFaultKind kind,
                                           guint           status,
                                           const char     *body,
                                           const char     *header,
                                           const char     *value);
/* The fault scripted for a request with @method to @path, if it is due
 * now; only the first fault that matches is considered. */
CsTestFault  *cs_test_faults_take         (CsTestFaults   *faults,
                                           const char     *method,
                                           const char     *path);
/* Drops every fault still scripted. */
void          cs_test_faults_forget       (CsTestFaults   *faults);
/* Answers @msg as scripted when a fault is due for @request; returns
 * whether it did. */
gboolean      cs_test_faults_answer       (CsTestFaults        *faults,
                                           SoupServerMessage   *msg,
                                           const CsTestRequest *request);
void          cs_test_fault_free          (CsTestFault    *fault);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsTestFault, cs_test_fault_free)

G_END_DECLS
