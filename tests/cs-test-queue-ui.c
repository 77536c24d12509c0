/* cs-test-queue-ui.c: the real queue and the app's clients of it, for UI tests
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-test-queue-ui.h"

#include "cs-review-window-private.h"
#include "cs-test-ui.h"

#define WAIT_MS 45000

CsQueueClient *
cs_queue_ui_client_new (CsApiFixture *api,
                        const char   *token)
{
  g_autofree char *base_url = g_strdup_printf ("http://127.0.0.1:%u/", api->port);

  return cs_queue_client_new (base_url, token);
}

void
cs_queue_ui_connect (CsQueueUiFixture *f)
{
  f->head = cs_queue_ui_client_new (&f->api, f->api.head);
  f->staff = cs_queue_ui_client_new (&f->api, f->api.staff);
}

void
cs_queue_ui_fixture_setup (CsQueueUiFixture *f,
                           gconstpointer     data)
{
  cs_api_fixture_setup (&f->api, data);
  cs_queue_ui_connect (f);
}

void
cs_queue_ui_fixture_teardown (CsQueueUiFixture *f,
                              gconstpointer     data)
{
  g_clear_object (&f->head);
  g_clear_object (&f->staff);
  cs_test_spin (50);
  cs_api_fixture_teardown (&f->api, data);
}

gboolean
cs_queue_ui_review_settled (gpointer data)
{
  CsReviewWindow *review = data;

  return review->posts != NULL && !cs_review_window_is_busy (review);
}

CsReviewWindow *
cs_queue_ui_open_review (CsQueueUiFixture *f,
                         int               width,
                         int               height)
{
  CsReviewWindow *review = g_object_ref (cs_review_window_new (NULL, f->head));

  gtk_window_set_default_size (GTK_WINDOW (review), width, height);
  gtk_window_present (GTK_WINDOW (review));
  cs_test_wait_for (cs_queue_ui_review_settled, review, WAIT_MS, "the review window to list the posts");
  /* Time for the event stream to connect, so that no change is missed. */
  cs_test_spin (500);
  return review;
}
