/* test-review-details.c: the review window's detail view, against the real queue
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The queue server in a thread with the face model, the head's review
 * window on a virtual display: the post as each platform will show it,
 * with its length against each limit; the photos with the faces left
 * clear outlined and named; today's findings; the tagged pupils' consent,
 * which follows the roster; the history; and the desktop notification for
 * a post that comes in while the head is elsewhere.
 */

#include "config.h"

#include <string.h>

#include "cs-review-window-private.h"
#include "cs-tagged-photo.h"
#include "cs-test-queue-ui.h"
#include "cs-test-ui.h"

#define WAIT_MS 45000

static const char spelling_text[] = "Year 3 had a wonderfull trip to the castle today.";

typedef CsQueueUiFixture Fixture;

/* Steps */

/* The default policy, with the length rule a warning rather than an error:
 * a school that lets the head decide whether a long post may go out. */
static void
allow_long_posts (Fixture *f)
{
  g_autofree char *path = g_build_filename (CS_SOURCE_POLICY_DIR, "default.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CsApiReply) r = NULL;
  g_autofree char *json = NULL;
  JsonObject *rules;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  rules = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "rules");
  json_object_set_string_member (json_object_get_object_member (rules, "length"), "severity", "warning");
  json_generator_set_root (generator, json_parser_get_root (parser));
  json = json_generator_to_data (generator, NULL);
  r = cs_api_request (&f->api, "PUT", "/policy", f->api.admin, json);
  g_assert_cmpuint (r->status, ==, 200);
}

/* Widgets */

static gboolean
details_fetched (gpointer data)
{
  CsReviewWindow *review = data;

  return review->review != NULL;
}

/* Scrolls the detail view so that @widget is at its top, for a screenshot. */
static void
scroll_to (CsReviewWindow *review,
           GtkWidget      *widget)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (review->detail_scroll);
  graphene_point_t point;

  cs_test_spin (100);
  g_assert_true (gtk_widget_compute_point (widget, gtk_scrolled_window_get_child (review->detail_scroll),
                                           &GRAPHENE_POINT_INIT (0, 0), &point));
  /* The point is where the widget is seen, below what is scrolled past. */
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + point.y - 12);
  cs_test_spin (100);
}

/* Tests */

/* A short post for every platform: each card counts it as its platform
 * does; the spelling slip is a finding, and the history says who sent it. */
static void
test_preview_findings_history (Fixture       *f,
                               gconstpointer  data)
{
  CsReviewWindow *review;
  g_autofree char *bluesky = NULL;
  g_autofree char *facebook = NULL;
  GtkLabel *counter;

  cs_api_submit_to (&f->api, spelling_text, "[\"x\",\"mastodon\",\"bluesky\",\"facebook\"]");
  review = cs_queue_ui_open_review (f, 960, 760);
  cs_test_wait_for (details_fetched, review, WAIT_MS, "the post's details");

  counter = cs_post_preview_get_counter (review->preview, CS_PLATFORM_X);
  g_assert_nonnull (counter);
  g_assert_cmpstr (gtk_label_get_text (counter), ==, "49 of 280 characters");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (counter), "error"));
  g_assert_cmpstr (gtk_label_get_text (cs_post_preview_get_counter (review->preview, CS_PLATFORM_MASTODON)), ==,
                   "49 of 500 characters");
  bluesky = g_strdup_printf ("49 of %u characters", cs_platform_get_limit (CS_PLATFORM_BLUESKY));
  g_assert_cmpstr (gtk_label_get_text (cs_post_preview_get_counter (review->preview, CS_PLATFORM_BLUESKY)), ==,
                   bluesky);
  facebook = g_strdup_printf ("49 of %u characters", cs_platform_get_limit (CS_PLATFORM_FACEBOOK));
  g_assert_cmpstr (gtk_label_get_text (cs_post_preview_get_counter (review->preview, CS_PLATFORM_FACEBOOK)), ==,
                   facebook);
  /* Each card names the school the post goes out as. */
  cs_test_wait_for_label (GTK_WIDGET (review->preview), "@larkfield", WAIT_MS);
  g_assert_true (cs_test_has_label (GTK_WIDGET (review->preview), "Larkfield"));
  g_assert_true (cs_test_has_label (GTK_WIDGET (review->preview), spelling_text));

  /* The queue's spelling check, and who sent the post. */
  g_assert_true (cs_test_has_label (GTK_WIDGET (review->details), "wonderfull"));
  g_assert_true (cs_test_has_label (GTK_WIDGET (review->details), "Submitted by sam"));
  /* No photos: no photos to show and no pupils to list. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (review->photos_group)));
  g_assert_false (cs_test_has_label (GTK_WIDGET (review->details), "Photo consent"));

  g_free (cs_test_screenshot (GTK_WIDGET (review), "review-details"));
  scroll_to (review, GTK_WIDGET (review->details));
  g_free (cs_test_screenshot (GTK_WIDGET (review), "review-details-findings"));
  cs_test_close_window (review);
}

/* Too long for X but not for Mastodon: the X card says so in red, with the
 * words to act on; Mastodon's does not. */
static void
test_too_long_for_x (Fixture       *f,
                     gconstpointer  data)
{
  static const char sentence[] = "Our school choir sang at the town hall this afternoon and everyone enjoyed the music.";
  g_autofree char *text = g_strjoin (" ", sentence, sentence, sentence, sentence, NULL);
  CsReviewWindow *review;
  GtkLabel *x, *mastodon;

  allow_long_posts (f);
  cs_api_submit_to (&f->api, text, "[\"x\",\"mastodon\"]");
  review = cs_queue_ui_open_review (f, 960, 760);
  cs_test_wait_for (details_fetched, review, WAIT_MS, "the post's details");

  x = cs_post_preview_get_counter (review->preview, CS_PLATFORM_X);
  mastodon = cs_post_preview_get_counter (review->preview, CS_PLATFORM_MASTODON);
  g_assert_cmpuint (strlen (text), ==, 343);
  g_assert_cmpstr (gtk_label_get_text (x), ==, "Too long for X: 343 of 280 characters. Shorten it by 63.");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (x), "error"));
  g_assert_cmpstr (gtk_label_get_text (mastodon), ==, "343 of 500 characters");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (mastodon), "error"));
  /* The queue's own length check agrees, as a warning for this school. */
  g_assert_true (cs_test_has_label (GTK_WIDGET (review->details), "343 characters long as X counts them"));

  g_free (cs_test_screenshot (GTK_WIDGET (review), "review-details-too-long"));
  cs_test_close_window (review);
}

static gboolean
photo_shown (gpointer data)
{
  return cs_review_window_get_n_photos_shown (data) == 1;
}

/* A photo with Poppy's face left clear: the outline carries her name, and
 * her consent is listed; once her family withdraws it, the head reads so
 * in red, on the list and on the photo. */
static void
test_photo_tags_and_consent (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GBytes) jpeg = NULL;
  g_autoptr(CsApiReply) submitted = NULL;
  g_autoptr(CsApiReply) roster = NULL;
  CsReviewWindow *review;
  CsTaggedPhoto *photo;
  GtkLabel *name;

  if (CS_TEST_FACE_MODEL[0] == '\0')
    {
      g_test_skip ("no face model is configured, so the server refuses every photo");
      return;
    }

  jpeg = cs_api_grey_jpeg ();
  submitted = cs_api_submit_photo (&f->api, f->api.staff, jpeg,
                                   "[{\"pupil\":\"P001\",\"x\":120,\"y\":50,\"w\":80,\"h\":100}]");
  g_assert_cmpuint (submitted->status, ==, 201);

  review = cs_queue_ui_open_review (f, 960, 760);
  cs_test_wait_for (photo_shown, review, WAIT_MS, "the photo to be fetched");
  cs_test_wait_for (details_fetched, review, WAIT_MS, "the post's details");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (review->photos_group)));
  g_assert_cmpuint (review->tagged_photos->len, ==, 1);
  photo = g_ptr_array_index (review->tagged_photos, 0);
  g_assert_cmpuint (cs_tagged_photo_get_n_tags (photo), ==, 1);
  /* The name is drawn on the photo, under the outline of her face. */
  name = cs_test_find_label (GTK_WIDGET (photo), "Poppy Whitlow");
  g_assert_nonnull (name);
  g_assert_true (gtk_widget_get_parent (GTK_WIDGET (name)) == GTK_WIDGET (photo));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (name), "cs-tag-refused"));
  g_assert_true (cs_test_has_label (GTK_WIDGET (review->details), "Poppy Whitlow"));
  g_assert_true (cs_test_has_label (GTK_WIDGET (review->details), "Photo consent: yes"));
  g_assert_true (cs_test_has_label (GTK_WIDGET (review->details), "In photo 1"));
  /* The preview cards have the photo too. */
  g_assert_true (cs_test_has_label (GTK_WIDGET (review->photos_box), "Photo 1: Children planting bulbs"));
  scroll_to (review, GTK_WIDGET (review->photos_group));
  g_free (cs_test_screenshot (GTK_WIDGET (review), "review-details-photo"));

  /* Poppy's parents withdraw consent; the head refreshes the window. */
  roster = cs_api_request (&f->api, "PUT", "/roster", f->api.admin,
                           "id,forename,surname,class,role,photo_consent,name_consent\n"
                           "P001,Poppy,Whitlow,Year 2,pupil,no,no\n");
  g_assert_cmpuint (roster->status, ==, 200);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (review), "review.refresh", NULL));
  cs_test_wait_for_label (GTK_WIDGET (review->details), "Consent withdrawn — do not approve", WAIT_MS);
  g_assert_false (cs_test_has_label (GTK_WIDGET (review->details), "Photo consent: yes"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (cs_test_find_label (GTK_WIDGET (review->details),
                                                                          "Consent withdrawn")),
                                           "error"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (name), "cs-tag-refused"));
  scroll_to (review, GTK_WIDGET (review->photos_group));
  g_free (cs_test_screenshot (GTK_WIDGET (review), "review-details-consent-withdrawn"));
  scroll_to (review, GTK_WIDGET (review->details));
  g_free (cs_test_screenshot (GTK_WIDGET (review), "review-details-consent-withdrawn-list"));
  cs_test_close_window (review);
}

static gboolean
n_pending_is (CsReviewWindow *review,
              guint           n)
{
  return !cs_review_window_is_busy (review) && cs_review_window_get_n_posts (review) == n;
}

static gboolean
one_pending (gpointer data)
{
  return n_pending_is (data, 1);
}

static gboolean
two_pending (gpointer data)
{
  return n_pending_is (data, 2);
}

/* While the head works in another window, a new post is notified once; a
 * second takes the first's place with the count; an edit of a listed post
 * is no news; and looking at the window takes the notification away. */
static void
test_notification (Fixture       *f,
                   gconstpointer  data)
{
  CsReviewWindow *review = cs_queue_ui_open_review (f, 960, 760);
  GtkWidget *other = gtk_window_new ();

  /* The head is in another window. */
  gtk_window_present (GTK_WINDOW (other));
  cs_test_spin (300);
  if (gtk_window_is_active (GTK_WINDOW (review)))
    {
      g_test_skip ("the display gives the review window the focus and keeps it");
      gtk_window_destroy (GTK_WINDOW (other));
      cs_test_close_window (review);
      return;
    }
  g_assert_cmpuint (review->n_notifications_sent, ==, 0);

  cs_api_submit_to (&f->api, "Reception have been planting sunflowers in the school garden.", "[\"mastodon\"]");
  cs_test_wait_for (one_pending, review, WAIT_MS, "the new post to be listed");
  g_assert_cmpuint (review->n_notifications_sent, ==, 1);
  g_assert_true (review->notification_shown);
  g_assert_cmpstr (review->notification_title, ==, "New post waiting for approval");
  g_assert_cmpstr (review->notification_body, ==,
                   "From sam: Reception have been planting sunflowers in the school garden.");

  cs_api_submit_to (&f->api, "Year 6 visited the science museum and built their own rockets.", "[\"mastodon\"]");
  cs_test_wait_for (two_pending, review, WAIT_MS, "the second post to be listed");
  g_assert_cmpuint (review->n_notifications_sent, ==, 2);
  g_assert_cmpstr (review->notification_title, ==, "2 posts waiting for approval");
  g_assert_nonnull (strstr (review->notification_body, "Year 6 visited the science museum"));
  g_assert_cmpstr (CS_REVIEW_NOTIFICATION_ID, ==, "posts-waiting");

  /* The head comes back to the window. */
  gtk_window_destroy (GTK_WINDOW (other));
  gtk_window_present (GTK_WINDOW (review));
  cs_test_spin (300);
  /* Without a window manager the display may not hand the focus back. */
  if (!gtk_window_is_active (GTK_WINDOW (review)))
    {
      g_test_message ("the review window did not get the focus back; withdrawing by hand");
      cs_review_window_withdraw_notification (review);
    }
  g_assert_false (review->notification_shown);
  g_assert_cmpuint (g_hash_table_size (review->unseen), ==, 0);
  g_assert_cmpuint (review->n_notifications_sent, ==, 2);

  cs_test_close_window (review);
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

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, cs_queue_ui_fixture_setup, func, cs_queue_ui_fixture_teardown)

  ADD ("/ui/review-details/preview-findings-history", test_preview_findings_history);
  ADD ("/ui/review-details/too-long-for-x", test_too_long_for_x);
  ADD ("/ui/review-details/photo-tags-and-consent", test_photo_tags_and_consent);
  ADD ("/ui/review-details/notification", test_notification);

#undef ADD

  return g_test_run ();
}
