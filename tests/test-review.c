/* test-review.c: the head's review window and the author's list, against a publishing queue
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real queue server in a thread, publishing to a stand-in Mastodon
 * (over HTTPS, following Mastodon's API) and an export folder; the real
 * windows on a virtual display, driven through their widgets as a head
 * and an author would. The school has no X account, so posts for X fail
 * there, as they would in a school that never set it up.
 */

#include "config.h"

#include <string.h>

#include "cs-my-posts-window.h"
#include "cs-review-window-private.h"
#include "cs-test-platform.h"
#include "cs-test-queue-ui.h"
#include "cs-test-ui.h"

#define WAIT_MS 45000

typedef struct
{
  CsQueueUiFixture queue;
  CsTestPlatform  *mastodon;
  guint            next_status;
} Fixture;

/* The stand-in Mastodon: every status is accepted. */
static void
statuses_cb (CsTestPlatform      *platform,
             SoupServerMessage   *msg,
             const CsTestRequest *request,
             gpointer             data)
{
  Fixture *f = data;
  g_autofree char *reply = NULL;
  guint id = g_atomic_int_add (&f->next_status, 1) + 1;

  reply = g_strdup_printf ("{\"id\":\"1090%u\",\"url\":\"%s/@larkfield/1090%u\"}", id,
                           cs_test_platform_get_url (platform), id);
  cs_test_reply (msg, 200, reply, NULL);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  cs_api_fixture_setup (&f->queue.api, data);
  f->mastodon = cs_test_platform_new (f->queue.api.dir);
  cs_test_platform_handle (f->mastodon, "/api/v1/statuses", statuses_cb, f);
  cs_test_platform_start (f->mastodon);
  cs_api_switch_to_publishing (&f->queue.api, cs_test_platform_get_certificate (f->mastodon));
  cs_api_set_up_accounts (&f->queue.api, cs_test_platform_get_url (f->mastodon), "t0k3n");
  cs_queue_ui_connect (&f->queue);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->queue.head);
  g_clear_object (&f->queue.staff);
  cs_test_spin (50);
  cs_test_platform_free (f->mastodon);
  cs_api_fixture_teardown (&f->queue.api, data);
}

/* Widgets */

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The Try Again button of @platform's delivery. */
static GtkWidget *
find_retry_button (GtkWidget  *widget,
                   const char *platform)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "review.retry") == 0)
    {
      GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget));
      const char *target_platform = NULL;

      g_variant_get (target, "(x&s)", NULL, &target_platform);
      if (g_strcmp0 (target_platform, platform) == 0)
        return widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_retry_button (child, platform);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A link to a published post whose address starts with @prefix. */
static GtkLinkButton *
find_link (GtkWidget  *widget,
           const char *prefix)
{
  if (GTK_IS_LINK_BUTTON (widget) && g_str_has_prefix (gtk_link_button_get_uri (GTK_LINK_BUTTON (widget)), prefix))
    return GTK_LINK_BUTTON (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLinkButton *found = find_link (child, prefix);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
my_posts_settled (gpointer data)
{
  CsMyPostsWindow *window = data;

  return !cs_my_posts_window_is_busy (window);
}

static CsMyPostsWindow *
open_my_posts (Fixture       *f,
               CsQueueClient *client)
{
  CsMyPostsWindow *window = g_object_ref (cs_my_posts_window_new (NULL, client));

  gtk_window_set_default_size (GTK_WINDOW (window), 640, 720);
  gtk_window_present (GTK_WINDOW (window));
  cs_test_wait_for (my_posts_settled, window, WAIT_MS, "the author's posts to be listed");
  cs_test_spin (500);
  return window;
}

static void
pick_time (CsReviewWindow *review,
           GDateTime      *when)
{
  gtk_check_button_set_active (review->schedule_check, TRUE);
  gtk_calendar_select_day (review->calendar, when);
  gtk_spin_button_set_value (review->hour_spin, g_date_time_get_hour (when));
  gtk_spin_button_set_value (review->minute_spin, g_date_time_get_minute (when));
}

/* "Friday 5 December at 09:30", as the windows are expected to put it. */
static char *
expected_words (GDateTime *when)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (when, g_date_time_get_year (when) == g_date_time_get_year (now)
                                   ? "%A %-d %B at %H:%M" : "%A %-d %B %Y at %H:%M");
}

static GDateTime *
days_ahead_at (int days,
               int hour,
               int minute)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) day = g_date_time_add_days (now, days);

  return g_date_time_new_local (g_date_time_get_year (day), g_date_time_get_month (day),
                                g_date_time_get_day_of_month (day), hour, minute, 0);
}

static gboolean
review_has_no_pending (gpointer data)
{
  CsReviewWindow *review = data;

  return !cs_review_window_is_busy (review) && cs_review_window_get_n_posts (review) == 0;
}

/* Tests */

/* The head picks a day and time: one that has passed is not taken; a
 * later one is what the queue stores for every platform, and both the
 * head and the author see it in words. */
static void
test_schedule (Fixture       *f,
               gconstpointer  data)
{
  static const char text[] = "Year 4 are performing their class assembly for parents on Friday.";
  gint64 id = cs_api_submit_to (&f->queue.api, text, "[\"mastodon\"]");
  CsReviewWindow *review = cs_queue_ui_open_review (&f->queue, 960, 680);
  CsMyPostsWindow *mine;
  GtkWidget *approve = find_button (GTK_WIDGET (review), "_Approve");
  g_autoptr(GDateTime) past = days_ahead_at (-1, 9, 0);
  g_autoptr(GDateTime) when = days_ahead_at (10, 9, 30);
  g_autofree char *words = expected_words (when);
  g_autofree char *scheduled = g_strdup_printf ("Scheduled for %s", words);
  g_autoptr(JsonObject) post = NULL;
  JsonArray *deliveries;

  g_assert_cmpuint (cs_review_window_get_n_posts (review), ==, 1);
  g_assert_true (cs_test_has_label (GTK_WIDGET (review), text));
  /* Publish now is the first choice; the time picker waits until asked for. */
  g_assert_true (gtk_check_button_get_active (review->now_check));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (review->schedule_button)));
  g_assert_true (gtk_widget_is_sensitive (approve));
  g_free (cs_test_screenshot (GTK_WIDGET (review), "review-waiting"));

  /* Yesterday is refused before anything is sent. */
  pick_time (review, past);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (review->schedule_button)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (review->schedule_error)));
  g_assert_false (gtk_widget_is_sensitive (approve));

  pick_time (review, when);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (review->schedule_error)));
  g_assert_true (gtk_widget_is_sensitive (approve));
  g_assert_cmpstr (gtk_menu_button_get_label (review->schedule_button), ==, words);
  g_assert_true (g_date_time_equal (cs_review_window_get_publish_at (review), when));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (review->minute_spin)), ==, "30");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (review->hour_spin)), ==, "09");

  gtk_menu_button_popup (review->schedule_button);
  g_free (cs_test_screenshot (GTK_WIDGET (gtk_menu_button_get_popover (review->schedule_button)),
                              "review-schedule-picker"));
  gtk_menu_button_popdown (review->schedule_button);
  g_free (cs_test_screenshot (GTK_WIDGET (review), "review-schedule-chosen"));

  gtk_widget_activate (approve);
  cs_test_wait_for (review_has_no_pending, review, WAIT_MS, "the approved post to leave the waiting list");
  g_assert_true (cs_test_has_label (GTK_WIDGET (review->scheduled_box), scheduled));
  g_assert_true (cs_test_has_label (GTK_WIDGET (review->scheduled_box), text));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (review->scheduled_stack), ==, "list");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (review->published_stack), ==, "empty");

  /* The queue holds the time picked, to the second, for each platform. */
  post = cs_api_get_post (&f->queue.api, f->queue.api.head, id);
  g_assert_cmpstr (json_object_get_string_member (post, "state"), ==, "approved");
  deliveries = json_object_get_array_member (post, "deliveries");
  g_assert_cmpuint (json_array_get_length (deliveries), ==, 2);  /* Mastodon and the export folder */
  for (guint i = 0; i < json_array_get_length (deliveries); i++)
    {
      JsonObject *delivery = json_array_get_object_element (deliveries, i);

      g_assert_cmpstr (json_object_get_string_member (delivery, "state"), ==, "queued");
      g_assert_cmpint (json_object_get_int_member (delivery, "next_at"), ==, g_date_time_to_unix (when));
    }

  adw_view_stack_set_visible_child_name (review->view_stack, "waiting");
  g_free (cs_test_screenshot (GTK_WIDGET (review), "review-waiting-empty"));
  adw_view_stack_set_visible_child_name (review->view_stack, "scheduled");
  g_free (cs_test_screenshot (GTK_WIDGET (review), "review-scheduled"));
  adw_view_stack_set_visible_child_name (review->view_stack, "published");
  g_free (cs_test_screenshot (GTK_WIDGET (review), "review-published-empty"));

  /* The author sees the same time. */
  mine = open_my_posts (f, f->queue.staff);
  g_assert_cmpuint (cs_my_posts_window_get_n_posts (mine), ==, 1);
  g_assert_true (cs_test_has_label (GTK_WIDGET (mine), scheduled));
  g_free (cs_test_screenshot (GTK_WIDGET (mine), "my-posts-scheduled"));

  cs_test_close_window (mine);
  cs_test_close_window (review);
}

/* A time the queue refuses (more than a year ahead) leaves the post
 * waiting, and the head reads the queue's reason. */
static void
test_schedule_refused (Fixture       *f,
                       gconstpointer  data)
{
  gint64 id = cs_api_submit_to (&f->queue.api, "Our harvest festival collection raised food for the local food bank.",
                                "[\"mastodon\"]");
  CsReviewWindow *review = cs_queue_ui_open_review (&f->queue, 960, 680);
  g_autoptr(GDateTime) too_late = days_ahead_at (400, 10, 0);
  g_autoptr(JsonObject) post = NULL;

  pick_time (review, too_late);
  g_assert_true (gtk_widget_is_sensitive (find_button (GTK_WIDGET (review), "_Approve")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (review), "review.approve", NULL));
  cs_test_wait_for_label (GTK_WIDGET (review), "up to a year ahead", WAIT_MS);
  cs_test_wait_for (cs_queue_ui_review_settled, review, WAIT_MS, "the refusal");
  g_assert_cmpuint (cs_review_window_get_n_posts (review), ==, 1);
  /* The head's choice stays, to be changed rather than made again. */
  g_assert_true (gtk_check_button_get_active (review->schedule_check));
  g_free (cs_test_screenshot (GTK_WIDGET (review), "review-schedule-refused"));

  post = cs_api_get_post (&f->queue.api, f->queue.api.head, id);
  g_assert_cmpstr (json_object_get_string_member (post, "state"), ==, "pending");
  cs_test_close_window (review);
}

typedef struct
{
  Fixture    *f;
  gint64      id;
  const char *action;
  const char *detail;
} AuditWait;

static gboolean
audit_has (gpointer data)
{
  AuditWait *wait = data;
  g_autoptr(CsApiReply) r = cs_api_request (&wait->f->queue.api, "GET", "/audit", wait->f->queue.api.head, NULL);
  JsonArray *entries = json_object_get_array_member (json_node_get_object (r->json), "entries");

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      if (g_strcmp0 (json_object_get_string_member (entry, "action"), wait->action) == 0 &&
          json_object_get_int_member (entry, "post") == wait->id &&
          strstr (json_object_get_string_member (entry, "detail"), wait->detail) != NULL)
        return TRUE;
    }
  cs_test_spin (50);
  return FALSE;
}

typedef struct
{
  GtkWidget  *window;
  const char *platform;
} RetryWait;

static gboolean
retry_shown (gpointer data)
{
  RetryWait *wait = data;

  return find_retry_button (wait->window, wait->platform) != NULL;
}

static gboolean
published_links_shown (gpointer data)
{
  GtkWidget *window = data;

  return find_link (window, "https://") != NULL && find_link (window, "file://") != NULL;
}

/* Approved now: Mastodon and the export folder publish, with links; X has
 * no account and fails, with the reason and a Try Again button that asks
 * the queue for just that platform again. */
static void
test_publish_now_and_retry (Fixture       *f,
                            gconstpointer  data)
{
  static const char text[] = "Well done to our netball team, who won the county tournament today!";
  gint64 id = cs_api_submit_to (&f->queue.api, text, "[\"x\",\"mastodon\"]");
  CsReviewWindow *review = cs_queue_ui_open_review (&f->queue, 960, 680);
  CsMyPostsWindow *mine;
  RetryWait retry_wait = { NULL, "x" };
  AuditWait audit_wait = { f, id, "publish-retry-requested", "x" };
  g_autoptr(JsonObject) post = NULL;
  GtkLinkButton *link;
  GtkWidget *retry;

  g_assert_true (gtk_check_button_get_active (review->now_check));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (review), "review.approve", NULL));
  cs_test_wait_for (review_has_no_pending, review, WAIT_MS, "the approved post to leave the waiting list");

  retry_wait.window = GTK_WIDGET (review->scheduled_box);
  cs_test_wait_for (retry_shown, &retry_wait, WAIT_MS, "X to fail with a Try Again button");
  cs_test_wait_for (published_links_shown, review->scheduled_box, WAIT_MS, "Mastodon and the export folder to publish");
  g_assert_true (cs_test_has_label (GTK_WIDGET (review->scheduled_box),
                                    "Failed: The school has no X account set up"));
  g_assert_null (find_retry_button (GTK_WIDGET (review->scheduled_box), "mastodon"));
  g_assert_null (find_retry_button (GTK_WIDGET (review->scheduled_box), "export"));
  /* The links are the ones the platforms gave. */
  post = cs_api_get_post (&f->queue.api, f->queue.api.head, id);
  link = find_link (GTK_WIDGET (review->scheduled_box), cs_test_platform_get_url (f->mastodon));
  g_assert_nonnull (link);
  g_assert_cmpstr (gtk_link_button_get_uri (link), ==,
                   json_object_get_string_member (cs_api_find_delivery (post, "mastodon"), "url"));
  g_assert_cmpstr (gtk_link_button_get_uri (find_link (GTK_WIDGET (review->scheduled_box), "file://")), ==,
                   json_object_get_string_member (cs_api_find_delivery (post, "export"), "url"));
  /* The page with a failure asks for attention from the other pages. */
  g_assert_true (adw_view_stack_page_get_needs_attention (review->scheduled_page));
  adw_view_stack_set_visible_child_name (review->view_stack, "scheduled");
  g_free (cs_test_screenshot (GTK_WIDGET (review), "review-failed"));

  /* The author sees each platform's outcome, without a button that is the head's. */
  mine = open_my_posts (f, f->queue.staff);
  g_assert_true (cs_test_has_label (GTK_WIDGET (mine), "Failed on X"));
  g_assert_true (cs_test_has_label (GTK_WIDGET (mine), "Failed: The school has no X account set up"));
  g_assert_nonnull (find_link (GTK_WIDGET (mine), cs_test_platform_get_url (f->mastodon)));
  g_assert_null (find_retry_button (GTK_WIDGET (mine), "x"));
  g_free (cs_test_screenshot (GTK_WIDGET (mine), "my-posts-failed"));
  cs_test_close_window (mine);

  retry = find_retry_button (GTK_WIDGET (review->scheduled_box), "x");
  g_assert_true (gtk_widget_is_sensitive (retry));
  gtk_widget_activate (retry);
  cs_test_wait_for (audit_has, &audit_wait, WAIT_MS, "the queue to record the retry");
  g_clear_pointer (&post, json_object_unref);
  post = cs_api_get_post (&f->queue.api, f->queue.api.head, id);
  /* Only X was asked for again; the others stay published. */
  g_assert_cmpstr (json_object_get_string_member (cs_api_find_delivery (post, "mastodon"), "state"), ==, "published");
  g_assert_cmpstr (json_object_get_string_member (cs_api_find_delivery (post, "export"), "state"), ==, "published");

  /* Still no X account: it fails again, and says so again. */
  cs_test_wait_for (retry_shown, &retry_wait, WAIT_MS, "X to fail again after the retry");
  g_assert_true (cs_test_has_label (GTK_WIDGET (review->scheduled_box),
                                    "Failed: The school has no X account set up"));

  cs_test_close_window (review);
}

static gboolean
published_page_has_post (gpointer data)
{
  CsReviewWindow *review = data;

  return g_strcmp0 (gtk_stack_get_visible_child_name (review->published_stack), "list") == 0;
}

/* The author's list: waiting, not approved with the head's words, and
 * published with its links; and it follows the head's decisions live. */
static void
test_author_sees_each_state (Fixture       *f,
                             gconstpointer  data)
{
  static const char waiting_text[] = "Reception have been planting sunflowers in the school garden.";
  static const char rejected_text[] = "Congratulations to Year 6 on their brilliant SATs results.";
  static const char published_text[] = "Our library has lots of new books, chosen by the school council.";
  gint64 waiting = cs_api_submit_to (&f->queue.api, waiting_text, "[\"mastodon\"]");
  gint64 rejected = cs_api_submit_to (&f->queue.api, rejected_text, "[\"mastodon\"]");
  gint64 published = cs_api_submit_to (&f->queue.api, published_text, "[\"mastodon\"]");
  CsReviewWindow *review;
  CsMyPostsWindow *mine;
  CsMyPostsWindow *empty;
  CsQueueClient *other_staff;
  CsTestLabelWait waiting_gone;

  {
    g_autofree char *path = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/reject", rejected);
    g_autoptr(CsApiReply) r = cs_api_request (&f->queue.api, "POST", path, f->queue.api.head,
                                              "{\"comment\":\"Please leave out the results until the school has "
                                              "shared them with parents.\"}");

    g_assert_cmpuint (r->status, ==, 200);
  }

  /* The head approves one in the window; it is published everywhere. */
  review = cs_queue_ui_open_review (&f->queue, 960, 680);
  g_assert_cmpuint (cs_review_window_get_n_posts (review), ==, 2);
  g_assert_true (cs_review_window_select_post (review, published));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (review), "review.approve", NULL));
  cs_test_wait_for (published_page_has_post, review, WAIT_MS, "the post to be published everywhere");
  g_assert_true (cs_test_has_label (GTK_WIDGET (review->published_box), published_text));
  g_assert_nonnull (find_link (GTK_WIDGET (review->published_box), cs_test_platform_get_url (f->mastodon)));
  g_assert_nonnull (find_link (GTK_WIDGET (review->published_box), "file://"));
  g_assert_true (cs_test_has_label (GTK_WIDGET (review->published_box), "published today at"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (review->scheduled_stack), ==, "empty");
  adw_view_stack_set_visible_child_name (review->view_stack, "published");
  g_free (cs_test_screenshot (GTK_WIDGET (review), "review-published"));
  cs_test_close_window (review);

  mine = open_my_posts (f, f->queue.staff);
  g_assert_cmpuint (cs_my_posts_window_get_n_posts (mine), ==, 3);
  g_assert_true (cs_test_has_label (GTK_WIDGET (mine), "Waiting for approval"));
  g_assert_true (cs_test_has_label (GTK_WIDGET (mine), "Not approved"));
  g_assert_true (cs_test_has_label (GTK_WIDGET (mine), "The head said: “Please leave out the results"));
  g_assert_true (cs_test_has_label (GTK_WIDGET (mine), "Sent today at"));
  g_assert_nonnull (find_link (GTK_WIDGET (mine), cs_test_platform_get_url (f->mastodon)));
  g_free (cs_test_screenshot (GTK_WIDGET (mine), "my-posts-states"));

  /* The head approves the waiting one elsewhere; the author's list follows. */
  {
    g_autoptr(JsonObject) post = cs_api_get_post (&f->queue.api, f->queue.api.head, waiting);
    g_autofree char *path = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/approve", waiting);
    g_autofree char *body = g_strdup_printf ("{\"content_hash\":\"%s\"}",
                                             json_object_get_string_member (post, "content_hash"));
    g_autoptr(CsApiReply) r = cs_api_request (&f->queue.api, "POST", path, f->queue.api.head, body);

    g_assert_cmpuint (r->status, ==, 200);
  }
  waiting_gone.widget = GTK_WIDGET (mine);
  waiting_gone.text = "Waiting for approval";
  cs_test_wait_for (cs_test_label_gone, &waiting_gone, WAIT_MS, "the author's list to follow the approval");
  cs_test_close_window (mine);

  /* Someone who has sent nothing yet is told where their posts will be. */
  other_staff = cs_queue_ui_client_new (&f->queue.api, f->queue.api.staff2);
  empty = open_my_posts (f, other_staff);
  g_assert_cmpuint (cs_my_posts_window_get_n_posts (empty), ==, 0);
  g_assert_true (cs_test_has_label (GTK_WIDGET (empty), "No Posts Yet"));
  g_free (cs_test_screenshot (GTK_WIDGET (empty), "my-posts-empty"));
  cs_test_close_window (empty);
  g_object_unref (other_staff);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkCssProvider) css = NULL;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  /* Screenshots show where things end up, not half-way there. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  /* The app's own style sheet, as CsApplication loads it. */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/countersign/Countersign/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_test_add ("/ui/review/schedule", Fixture, NULL, fixture_setup, test_schedule, fixture_teardown);
  g_test_add ("/ui/review/schedule-refused", Fixture, NULL, fixture_setup, test_schedule_refused, fixture_teardown);
  g_test_add ("/ui/review/publish-now-and-retry", Fixture, NULL, fixture_setup, test_publish_now_and_retry,
              fixture_teardown);
  g_test_add ("/ui/review/author-sees-each-state", Fixture, NULL, fixture_setup, test_author_sees_each_state,
              fixture_teardown);

  return g_test_run ();
}
