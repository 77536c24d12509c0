/* cs-publisher.h: puts an approved post on one of the school's accounts
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One small subclass per destination (Mastodon, Bluesky, X, a Facebook
 * Page, a folder). The queue server calls cs_publisher_publish() from a
 * worker thread, so publishers use libsoup's blocking API and keep no
 * state between posts other than their session and credentials.
 *
 * A post is never published twice. Each delivery carries a stable @key
 * and a @progress object the publisher writes every remote id into as
 * soon as it learns it (uploaded media, the post's id), calling the
 * job's checkpoint so the server saves it before the next request. When
 * an earlier attempt ended with no answer (@resumed), the publisher looks
 * for the post it may already have made before making another.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define CS_PUBLISH_ERROR (cs_publish_error_quark ())

typedef enum
{
  CS_PUBLISH_ERROR_RETRY,     /* network, 5xx, 429: try again later (see retry_at) */
  CS_PUBLISH_ERROR_REAUTH,    /* the platform no longer accepts the account's credentials */
  CS_PUBLISH_ERROR_REJECTED,  /* the platform refused this post: retrying will not help */
  CS_PUBLISH_ERROR_SETUP,     /* the account is not set up well enough to try */
} CsPublishError;

GQuark cs_publish_error_quark (void);

/* One redacted photo, as approved. */
typedef struct
{
  GBytes *jpeg;   /* baseline JPEG with no metadata */
  char   *alt;    /* the approved alt text, never empty */
} CsPublishPhoto;

CsPublishPhoto *cs_publish_photo_new  (GBytes     *jpeg,
                                       const char *alt);
void            cs_publish_photo_free (CsPublishPhoto *photo);

typedef struct _CsPublishJob CsPublishJob;

/* Called after each remote id is added to the job's progress; returns
 * FALSE (with @error set) if it could not be saved, which stops the job. */
typedef gboolean (*CsPublishCheckpointFunc) (CsPublishJob  *job,
                                             gpointer       user_data,
                                             GError       **error);

struct _CsPublishJob
{
  /* In */
  char        *text;
  GPtrArray   *photos;     /* CsPublishPhoto */
  char        *key;        /* stable for this (post, destination): an
                            * Idempotency-Key, a record key, a nonce */
  JsonObject  *progress;   /* remote ids known so far; publishers add to it */
  gboolean     resumed;    /* an earlier attempt's outcome is unknown */
  CsPublishCheckpointFunc checkpoint;
  gpointer     checkpoint_data;

  /* Out */
  char        *remote_id;  /* the post's id on the platform */
  char        *url;        /* where people see it */
  gint64       retry_at;   /* with CS_PUBLISH_ERROR_RETRY: unix seconds the
                            * platform asked us to wait until, or 0 */
};

CsPublishJob *cs_publish_job_new        (const char    *text,
                                         const char    *key);
void          cs_publish_job_add_photo  (CsPublishJob  *job,
                                         GBytes        *jpeg,
                                         const char    *alt);
void          cs_publish_job_free       (CsPublishJob  *job);
/* Records @value under @name in the job's progress and saves it. */
gboolean      cs_publish_job_remember   (CsPublishJob  *job,
                                         const char    *name,
                                         const char    *value,
                                         GError       **error);
/* The value saved under @name, or NULL. */
const char   *cs_publish_job_recall     (CsPublishJob  *job,
                                         const char    *name);

#define CS_TYPE_PUBLISHER (cs_publisher_get_type ())

G_DECLARE_DERIVABLE_TYPE (CsPublisher, cs_publisher, CS, PUBLISHER, GObject)

struct _CsPublisherClass
{
  GObjectClass parent_class;

  /* Runs in a worker thread; blocking. On failure sets a CS_PUBLISH_ERROR
   * whose message a headteacher understands. */
  gboolean (*publish)        (CsPublisher   *self,
                              CsPublishJob  *job,
                              GCancellable  *cancellable,
                              GError       **error);

  /* The platform's reason, in words, for a refused request, from its
   * JSON error body; NULL to use the HTTP status's. */
  char    *(*describe_error) (CsPublisher   *self,
                              guint          status,
                              JsonNode      *body);
};

/* How people call destination @name ("x" is "X", "export" is "The export
 * folder"); @name itself when unknown. */
const char   *cs_publisher_display_name (const char    *name);

/* "mastodon", "bluesky", "x", "facebook" or "export". */
const char   *cs_publisher_get_name     (CsPublisher   *self);
const char   *cs_publisher_get_base_url (CsPublisher   *self);

gboolean      cs_publisher_publish      (CsPublisher   *self,
                                         CsPublishJob  *job,
                                         GCancellable  *cancellable,
                                         GError       **error);

/* Trust exactly @certificate for this publisher's HTTPS (tests, and a
 * school's own Mastodon with a self-signed certificate). */
void          cs_publisher_pin_certificate (CsPublisher     *self,
                                            GTlsCertificate *certificate);

/* How long one request may take, in seconds (tests use a short one).
 * Call before the first request, from the thread that made @self. */
void          cs_publisher_set_timeout  (CsPublisher     *self,
                                         guint            seconds);

/* Credentials that changed while publishing (a refreshed token), as a
 * JSON object for the server to store again; NULL when none did. Clears
 * the flag. */
JsonObject   *cs_publisher_take_changed_secrets (CsPublisher *self);

/* Makes a publisher from an account's settings ("base_url", and the
 * platform's own fields) and its secrets, both JSON objects. Fails with
 * CS_PUBLISH_ERROR_SETUP naming a missing or bad field. */
CsPublisher  *cs_publisher_new_for_account (const char  *name,
                                            JsonObject  *settings,
                                            JsonObject  *secrets,
                                            GError     **error);

/* For subclasses */

/* A message to @path under the base URL (or @path itself when it is an
 * absolute URL), with @authorization (may be NULL) as its header. */
SoupMessage  *cs_publisher_new_message  (CsPublisher   *self,
                                         const char    *method,
                                         const char    *path,
                                         const char    *authorization);
/* Sends @msg and reads the whole answer. On a 2xx returns the body as
 * JSON (a JSON null node for an empty body). Otherwise sets a
 * CS_PUBLISH_ERROR: RETRY for network failures, time-outs, 408, 429 and
 * 5xx (with job->retry_at from Retry-After or the rate-limit headers),
 * REAUTH for 401, REJECTED for the rest, worded with describe_error().
 * When @status is not NULL it receives the HTTP status (0: no answer),
 * and @reply the parsed body even on failure. */
JsonNode     *cs_publisher_send         (CsPublisher   *self,
                                         SoupMessage   *msg,
                                         CsPublishJob  *job,
                                         guint         *status,
                                         JsonNode     **reply,
                                         GCancellable  *cancellable,
                                         GError       **error);
/* Marks credentials as changed (see cs_publisher_take_changed_secrets). */
void          cs_publisher_set_changed_secrets (CsPublisher *self,
                                                JsonObject  *secrets);

/* Sets the job's result: the post's @id and @url (either may be NULL). */
void          cs_publish_job_set_result (CsPublishJob  *job,
                                         const char    *id,
                                         const char    *url);
/* When an earlier attempt finished (its id saved under @id_name, its
 * address under "url"), sets the job's result from them and returns
 * TRUE; otherwise FALSE. */
gboolean      cs_publish_job_restore_result (CsPublishJob *job,
                                             const char   *id_name);
/* The value saved under "@prefix-@index" (photo @index's upload). */
const char   *cs_publish_job_recall_nth (CsPublishJob  *job,
                                         const char    *prefix,
                                         guint          index);

/* Photo @index of @job as a multipart form: the JPEG under @file_field,
 * named "photo-N.jpg", then the NULL-terminated name/value pairs after
 * @content_type, which receives the form's type (with its boundary). */
GBytes       *cs_publish_job_photo_form (CsPublishJob  *job,
                                         guint          index,
                                         const char    *file_field,
                                         char         **content_type,
                                         ...) G_GNUC_NULL_TERMINATED;

/* Fails with CS_PUBLISH_ERROR_RETRY when the platform's answer lacks
 * the @id it should carry (the id of the @what). The request may have
 * worked, so another try is due, and it looks first. */
gboolean      cs_publisher_require_id   (CsPublisher   *self,
                                         const char    *id,
                                         const char    *what,
                                         GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsPublishJob, cs_publish_job_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsPublishPhoto, cs_publish_photo_free)

G_END_DECLS
