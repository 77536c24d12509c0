/* cs-review-window-private.h: the review window's parts, for its tests
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

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
  GtkLabel          *meta_label;
  GtkLabel          *text_label;
  GtkLabel          *photos_label;
  GtkFlowBox        *photos_box;
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
  GPtrArray         *posts;       /* JsonObject, newest first, every state */
  JsonObject        *selected;    /* the pending post shown, or NULL */
  char              *shown_hash;  /* its version, while it is shown */
  char              *pending_key; /* the waiting posts listed, to tell when they change */
  GDateTime         *publish_at;  /* the time picked to schedule for */
  gboolean           rebuilding;
  guint              busy;        /* requests running */
  guint              tick_source;
};

/* The time picked in the schedule popover, in the local time zone. */
GDateTime *cs_review_window_get_publish_at (CsReviewWindow *self);

G_END_DECLS
