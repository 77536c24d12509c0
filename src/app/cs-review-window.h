/* cs-review-window.h: the headteacher's queue of posts: waiting, on their way, published
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cs-queue-client.h"

G_BEGIN_DECLS

#define CS_TYPE_REVIEW_WINDOW (cs_review_window_get_type ())

G_DECLARE_FINAL_TYPE (CsReviewWindow, cs_review_window, CS, REVIEW_WINDOW, AdwWindow)

/* Lists the posts @client (a head's) may see, live: those waiting for
 * approval, those approved and on their way, and those published. */
CsReviewWindow *cs_review_window_new          (GtkApplication *application,
                                               CsQueueClient  *client);

/* For tests: the posts waiting for approval, and whether a request runs. */
guint           cs_review_window_get_n_posts  (CsReviewWindow *self);
gboolean        cs_review_window_is_busy      (CsReviewWindow *self);
/* For tests: photos of the shown post fetched and shown. */
guint           cs_review_window_get_n_photos_shown (CsReviewWindow *self);
/* For tests: selects the post with @id; FALSE when it is not listed. */
gboolean        cs_review_window_select_post  (CsReviewWindow *self,
                                               gint64          id);

G_END_DECLS
