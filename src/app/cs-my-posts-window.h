/* cs-my-posts-window.h: the posts the signed-in author sent, and what became of each
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cs-queue-client.h"

G_BEGIN_DECLS

#define CS_TYPE_MY_POSTS_WINDOW (cs_my_posts_window_get_type ())

G_DECLARE_FINAL_TYPE (CsMyPostsWindow, cs_my_posts_window, CS, MY_POSTS_WINDOW, AdwWindow)

/* Lists the posts of @client's user (an author's), live. */
CsMyPostsWindow *cs_my_posts_window_new        (GtkApplication  *application,
                                                CsQueueClient   *client);

/* For tests: the posts listed, and whether a request runs. */
guint            cs_my_posts_window_get_n_posts (CsMyPostsWindow *self);
gboolean         cs_my_posts_window_is_busy     (CsMyPostsWindow *self);

G_END_DECLS
