/* cs-post-status.h: a queued post and its deliveries, in words and rows
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the head's review window and the author's list, so that both
 * say the same thing about the same post.
 */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* @when in the local time zone, as a part of a sentence: "today at 15:00",
 * "tomorrow at 09:00", "Friday 5 December at 09:30" (with the year when it
 * is not @now's). @capital starts it with a capital letter. */
char       *cs_post_status_format_time       (GDateTime  *when,
                                              GDateTime  *now,
                                              gboolean    capital);
/* "Mastodon", "X", …, "Export Folder" for a delivery's platform. */
const char *cs_post_status_platform_name     (const char *platform);
/* The post's first line, shortened for a title. */
char       *cs_post_status_title             (JsonObject *post);
/* When the post's deliveries are next due (unix seconds), or 0 when none
 * is waiting for its time. */
gint64      cs_post_status_get_scheduled     (JsonObject *post);
/* Whether a delivery of @post failed and waits for someone to retry it. */
gboolean    cs_post_status_has_failed        (JsonObject *post);
/* One delivery in words: "Scheduled for …", "Publishing…", "Published",
 * "Failed: …", "Trying again at …: …". */
char       *cs_post_status_describe_delivery (JsonObject *delivery,
                                              GDateTime  *now);
/* The post as its author needs to know it: "Waiting for approval",
 * "Not approved", "Scheduled for …", "Published", "Failed on X". */
char       *cs_post_status_describe_post     (JsonObject *post,
                                              GDateTime  *now);

/* Puts the queue's latest word on @post (from an event or a reply) in
 * @posts (JsonObject, newest first) in place of what was listed, or
 * among them when it is new. */
void        cs_post_status_upsert            (GPtrArray  *posts,
                                              JsonObject *post);

/* A group titled with the post's first line and described by
 * @description, with a row per delivery (or, before approval, one row for
 * the post's state). With @retry_action ("review.retry"), a failed
 * delivery has a Try Again button that activates it with the target
 * (post id, platform) as "(xs)". */
GtkWidget  *cs_post_status_new_group         (JsonObject *post,
                                              const char *description,
                                              const char *retry_action);

G_END_DECLS
