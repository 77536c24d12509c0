/* cs-test-queue-ui.h: the real queue and the app's clients of it, for UI tests
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The API fixture of cs-test-queue-api.h (Larkfield with its roster and
 * one user of each role, the real server in a thread) with queue
 * clients signed in as the head and as office staff, as the app's
 * windows use them.
 */

#pragma once

#include "cs-queue-client.h"
#include "cs-review-window.h"
#include "cs-test-queue-api.h"

G_BEGIN_DECLS

typedef struct
{
  CsApiFixture   api;
  CsQueueClient *head;    /* signed in as Hana, the head */
  CsQueueClient *staff;   /* signed in as Sam, office staff */
} CsQueueUiFixture;

/* A client of @api's server for the user of @token. */
CsQueueClient  *cs_queue_ui_client_new        (CsApiFixture     *api,
                                               const char       *token);
/* Makes f->head and f->staff, once the server is started. */
void            cs_queue_ui_connect           (CsQueueUiFixture *f);
/* cs_api_fixture_setup(), then cs_queue_ui_connect(). */
void            cs_queue_ui_fixture_setup     (CsQueueUiFixture *f,
                                               gconstpointer     data);
void            cs_queue_ui_fixture_teardown  (CsQueueUiFixture *f,
                                               gconstpointer     data);
/* Whether the review window (given as @data) lists the posts and is
 * not waiting on the queue: a condition for cs_test_wait_for(). */
gboolean        cs_queue_ui_review_settled    (gpointer          data);
/* The head's review window at @width × @height, once it lists the posts
 * and its event stream has had time to connect. */
CsReviewWindow *cs_queue_ui_open_review       (CsQueueUiFixture *f,
                                               int               width,
                                               int               height);

G_END_DECLS
