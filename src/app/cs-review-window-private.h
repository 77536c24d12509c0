/* cs-review-window-private.h: the review window's parts, for its tests
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-post-preview.h"
#include "cs-review-details.h"
#include "cs-review-window.h"

G_BEGIN_DECLS

struct _CsReviewWindow
{
  AdwWindow          parent_instance;

  AdwToastOverlay   *toast_overlay;
  AdwViewSwitcherTitle *window_title;
  AdwViewStack      *view_stack;
  AdwViewStackPage  *waiting_page;
  AdwViewStackPage  *scheduled_page;
  GtkStack          *scheduled_stack;
  GtkBox            *scheduled_box;
  GtkStack          *published_stack;
  GtkBox            *published_box;
  GtkListBox        *post_list;
  GtkStack          *detail_stack;
  GtkScrolledWindow *detail_scroll;
  GtkLabel          *meta_label;
  CsPostPreview     *preview;
  AdwPreferencesGroup *photos_group;
  GtkBox            *photos_box;
  CsReviewDetails   *details;
  GtkEntry          *comment_entry;
  GtkCheckButton    *now_check;
  GtkCheckButton    *schedule_check;
  GtkMenuButton     *schedule_button;
  GtkCalendar       *calendar;
  GtkSpinButton     *hour_spin;
  GtkSpinButton     *minute_spin;
  GtkLabel          *schedule_error;

  CsQueueClient     *client;
  GCancellable      *cancellable;
  GCancellable      *photos_cancellable;  /* the shown post's photo fetches */
  GCancellable      *review_cancellable;  /* its findings, pupils and history */
  GPtrArray         *tagged_photos;       /* CsTaggedPhoto, borrowed from photos_box */
  JsonObject        *review;      /* the shown post's details, once fetched */
  char              *school;      /* the head's school, for the previews */
  GPtrArray         *posts;       /* JsonObject, newest first, every state */
  JsonObject        *selected;    /* the pending post shown, or NULL */
  char              *shown_hash;  /* its version, while it is shown */
  char              *pending_key; /* the waiting posts listed, to tell when they change */
  GDateTime         *publish_at;  /* the time picked to schedule for */
  gboolean           rebuilding;
  guint              busy;        /* requests running */
  guint              tick_source;

  /* New posts that came while the window was not in use, by id, and what
   * was last sent about them (kept for the tests: no notification daemon
   * need be running). */
  GHashTable        *unseen;
  guint              n_notifications_sent;
  char              *notification_title;
  char              *notification_body;
  gboolean           notification_shown;
};

/* The id the "posts waiting" notification is sent with, so that a new one
 * takes the place of the last. */
#define CS_REVIEW_NOTIFICATION_ID "posts-waiting"

/* cs-review-window-notify.c: tells the head about @post, just come in an
 * event (@was_listed: already in the window's list), when it is new and
 * waiting and the window is not the one in use. */
void cs_review_window_notice_post            (CsReviewWindow *self,
                                              JsonObject     *post,
                                              gboolean        was_listed);
/* The head is looking at the window: what the notification said is seen. */
void cs_review_window_withdraw_notification  (CsReviewWindow *self);

/* The time picked in the schedule popover, in the local time zone. */
GDateTime *cs_review_window_get_publish_at (CsReviewWindow *self);

G_END_DECLS
