/* cs-review-details.h: what a head reads beside a post: findings, pupils, history
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CS_TYPE_REVIEW_DETAILS (cs_review_details_get_type ())

G_DECLARE_FINAL_TYPE (CsReviewDetails, cs_review_details, CS, REVIEW_DETAILS, GtkBox)

GtkWidget *cs_review_details_new        (void);
/* While the queue is asked for another post's details. */
void       cs_review_details_set_loading (CsReviewDetails *self);
/* Shows @review (the queue's {"findings", "pupils", "history"} for a post
 * with @n_photos photos); the pupils are listed only for a post with photos. */
void       cs_review_details_set_review (CsReviewDetails *self,
                                         JsonObject      *review,
                                         guint            n_photos);
/* The details could not be fetched: @message says why. */
void       cs_review_details_set_error  (CsReviewDetails *self,
                                         const char      *message);

G_END_DECLS
