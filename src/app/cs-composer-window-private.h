/* cs-composer-window-private.h: the composer's insides, shared by its files and its tests
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-attachments-strip.h"
#include "cs-composer-window.h"

G_BEGIN_DECLS

struct _CsComposerWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkWidget            *submit_button;
  GtkWidget            *drafts_button;
  GtkPopover           *drafts_popover;
  GtkListBox           *drafts_list;
  GtkRevealer          *banner_revealer;
  GtkLabel             *banner_label;
  /* What the head asked for, over a draft made from a rejected post. */
  GtkRevealer          *changes_revealer;
  GtkLabel             *changes_label;
  AdwFlap              *flap;
  GtkToggleButton      *platform_x;
  GtkToggleButton      *platform_facebook;
  GtkToggleButton      *platform_mastodon;
  GtkToggleButton      *platform_bluesky;
  GtkTextView          *text_view;
  GtkBox               *bottom_bar;
  GtkLabel             *status_label;
  /* Not a label: an inscription's size does not follow its text, so the
   * count changing on every key does not lay out the window again. */
  GtkInscription       *counter_label;
  GtkLabel             *summary_label;
  GtkListBox           *findings_list;

  CsAttachmentsStrip   *attachments;

  CsSession            *session;
  CsDraftStore         *store;
  GSettings            *settings;
  CsDraft              *draft;
  CsLiveCheck          *live;
  GtkTextBuffer        *buffer;
  GtkTextTag           *tags[3];       /* error, warning, spelling */

  GPtrArray            *findings;      /* CsFinding, as shown */
  GHashTable           *ignored;       /* "rule\x1ftext" ignored once */
  guint                 shown_serial;  /* the check the findings came from */
  guint                 autosave_source;
  gboolean              loading;       /* filling the buffer from a draft */
  char                 *submit_blocker; /* why Submit is off, or NULL */
  char                 *counter_tooltip; /* each platform's count */
  /* The counter as it is to be shown, while typing waits for a pause
   * (see update_counter()); the length of the text last counted. */
  char                 *counter_text;
  char                 *counter_accessible;
  gboolean              counter_over;
  guint                 counter_source;
  gsize                 counter_len;

  /* Photo checks. Attachment id → PhotoJob, running or waiting for a
   * worker; the jobs are owned by their tasks (or by @photo_queue). */
  CsPhotoAnalyser      *analyser;
  GHashTable           *photo_jobs;
  GQueue                photo_queue;
  guint                 photos_running;
  /* Attachment id → why the photo could not be checked. */
  GHashTable           *photo_errors;
  GPtrArray            *photo_findings; /* CsFinding, for the photos */
  GPtrArray            *editors;        /* CsPhotoEditor, open on this draft */

  /* Submitting: TRUE while photos are blurred and the post is written to
   * the outbox; then outbox key → the draft it came from, until sent. */
  gboolean              submitting;
  CsOutbox             *outbox;
  GHashTable           *sending;
  GHashTable           *told_waiting;   /* keys whose wait was announced */

  /* Main-thread time spent in the composer's own handlers, for bench/. */
  gint64                busy_usec;
};

enum { TAG_ERROR, TAG_WARNING, TAG_SPELLING };

/* cs-composer-window-findings.c */
void        cs_composer_window_init_findings   (CsComposerWindow *self);
void        cs_composer_window_show_findings   (CsComposerWindow *self,
                                                GPtrArray        *findings);
void        cs_composer_window_reshow_findings (CsComposerWindow *self);
void        cs_composer_window_goto_finding    (CsComposerWindow *self,
                                                gboolean          forward);
const CsFinding *cs_composer_window_finding_at (CsComposerWindow *self,
                                                guint             offset);
void        cs_composer_window_class_init_findings (GtkWidgetClass *widget_class);
/* Works out the photos' findings again, and shows them if they changed. */
void        cs_composer_window_update_photo_findings (CsComposerWindow *self);
/* The findings of attachment @id alone, for its state: a new array. */
GPtrArray  *cs_composer_window_check_photo     (CsComposerWindow *self,
                                                const CsAttachment *attachment);

/* cs-composer-window-submit.c */
/* Blurs the photos, puts the post in the outbox and sends it. */
void        cs_composer_window_submit          (CsComposerWindow *self);

/* cs-composer-window.c */
void        cs_composer_window_update_submit   (CsComposerWindow *self);
void        cs_composer_window_recheck         (CsComposerWindow *self);
void        cs_composer_window_toast           (CsComposerWindow *self,
                                                const char       *message);
/* Why Submit is off, or what it does. */
const char *cs_composer_window_get_submit_tooltip (CsComposerWindow *self);
/* For tests: TRUE while a check is running or waiting. */
gboolean    cs_composer_window_is_checking     (CsComposerWindow *self);
/* For tests: TRUE while any photo is being analysed or waits to be. */
gboolean    cs_composer_window_is_checking_photos (CsComposerWindow *self);
/* For tests: checks still running in any window, wanted or not. */
guint       cs_composer_window_get_photo_threads  (void);
/* Opens attachment @id in the photo editor, or brings its editor forward. */
GtkWindow  *cs_composer_window_open_photo      (CsComposerWindow *self,
                                                const char       *id);

G_END_DECLS
