/* test-resubmit.c: a rejected post edited and sent again from "Your Posts"
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The whole round, as the office and the head would go through it, with
 * the real queue server in a thread of its own as the school's server and
 * the author's sign-in kept in a keyring of the test's own
 * (with-keyring.py): a post written and submitted in the composer, turned
 * down by the head with a comment, opened again from "Your Posts", put
 * right and submitted as a new post.
 */

#include <string.h>

#include <gio/gio.h>

#include "cs-application.h"
#include "cs-composer-window-private.h"
#include "cs-my-posts-window.h"
#include "cs-outbox.h"
#include "cs-preferences-window.h"
#include "cs-queue-client.h"
#include "cs-secret-token-store.h"
#include "cs-test-queue-ui.h"
#include "cs-test-ui.h"

#define WAIT_MS 60000
#define FIRST_TEXT "Year 5 had a wonderful trip to the science museum today."
#define EDITED_TEXT "Year 5 had a wonderful trip today. Thank you to all the parents who helped."
#define COMMENT "Please leave out where the trip was."
#define ROSTER_CSV \
  "id,forename,surname,class,role,photo_consent,name_consent\n" \
  "P001,Poppy,Whitlow,Year 5,pupil,yes,no\n"

static CsApplication *app;
static char *home;

/* Sam and Hana at Larkfield, with clients for each. */
typedef CsQueueUiFixture Queue;

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  return cs_test_wait_for_result (slot, 30);
}

static void
keep_token (const char *url,
            const char *token)
{
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsTokenStore) tokens = NULL;

  cs_secret_token_store_new_async (NULL, cs_test_store_result_cb, &result);
  tokens = cs_secret_token_store_new_finish (wait_result (&result), &error);
  g_clear_object (&result);
  g_assert_no_error (error);
  cs_token_store_store_async (tokens, url, token, NULL, cs_test_store_result_cb, &result);
  g_assert_true (cs_token_store_store_finish (tokens, wait_result (&result), &error));
  g_clear_object (&result);
  g_assert_no_error (error);
}

static void
queue_start (Queue *q)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base_url = NULL;

  cs_api_fixture_open (&q->api);
  q->api.staff = cs_queue_store_add_user (q->api.store, "larkfield", "sam", CS_USER_STAFF, NULL, &error);
  q->api.head = cs_queue_store_add_user (q->api.store, "larkfield", "hana", CS_USER_HEAD, NULL, &error);
  g_assert_no_error (error);

  q->api.max_body = 8 * 1024 * 1024;
  q->api.rate = 100000;
  cs_api_start_server (&q->api);
  cs_queue_ui_connect (q);

  /* The app signs in with what the keyring holds for the server. */
  base_url = g_strdup_printf ("http://127.0.0.1:%u", q->api.port);
  keep_token (base_url, q->api.staff);
  g_settings_set_string (cs_application_get_settings (app), "queue-server", base_url);
}

/* The head's list of every post, oldest first as the queue gives it. */
static JsonArray *
list_posts (Queue *q)
{
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *posts;

  cs_queue_client_list_async (q->head, NULL, NULL, cs_test_store_result_cb, &result);
  posts = cs_queue_client_list_finish (q->head, wait_result (&result), &error);
  g_clear_object (&result);
  g_assert_no_error (error);
  return posts;
}

static JsonObject *
find_post (JsonArray  *posts,
           const char *text)
{
  for (guint i = 0; i < json_array_get_length (posts); i++)
    {
      JsonObject *post = json_array_get_object_element (posts, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (post, "text", NULL), text) == 0)
        return post;
    }
  return NULL;
}

typedef struct
{
  Queue      *q;
  const char *text;
} Wanted;

static gboolean
post_is_queued (gpointer data)
{
  Wanted *w = data;
  g_autoptr(JsonArray) posts = list_posts (w->q);

  return find_post (posts, w->text) != NULL;
}

/* Waiting on the composer */

static gboolean
session_ready (gpointer data)
{
  return cs_session_is_ready (cs_application_get_session (app));
}

static gboolean
check_done (gpointer data)
{
  return !cs_composer_window_is_checking (data) && !cs_composer_window_is_checking_photos (data);
}

static gboolean
can_submit (gpointer data)
{
  CsComposerWindow *window = data;

  return check_done (window) && gtk_widget_is_sensitive (window->submit_button);
}

static void
submit (CsComposerWindow *window,
        Queue            *q,
        const char       *text)
{
  Wanted wanted = { q, text };

  cs_test_wait_for (can_submit, window, WAIT_MS, "Submit to be ready");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "composer.submit", NULL));
  cs_test_wait_for (post_is_queued, &wanted, WAIT_MS, "the post to reach the queue");
}

static char *
buffer_text (CsComposerWindow *window)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (window->buffer, &start, &end);
  return gtk_text_buffer_get_text (window->buffer, &start, &end, FALSE);
}

/* Your Posts */

static gboolean
is_button_labelled (GtkWidget  *widget,
                    const char *label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (is_button_labelled (child, label) && gtk_widget_get_mapped (child))
        return child;
      if ((found = find_button (child, label)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
shows_edit_again (gpointer data)
{
  return find_button (data, "_Edit and Send Again") != NULL;
}

static CsComposerWindow *
find_other_composer (CsComposerWindow *first)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (CS_IS_COMPOSER_WINDOW (l->data) && l->data != (gpointer) first)
      return l->data;
  return NULL;
}

static gboolean
composer_opened (gpointer data)
{
  return find_other_composer (data) != NULL;
}

static void
test_edit_and_send_again (void)
{
  Queue q = { 0 };
  CsComposerWindow *first;
  CsComposerWindow *second;
  CsMyPostsWindow *my_posts;
  GtkWidget *button;
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) posts = NULL;
  g_autoptr(JsonObject) decided = NULL;
  g_autofree char *text = NULL;
  JsonObject *post;
  gint64 rejected_id;

  queue_start (&q);

  /* The office writes a post and sends it. */
  first = cs_composer_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (first), 1000, 640);
  gtk_window_present (GTK_WINDOW (first));
  cs_test_wait_for (session_ready, NULL, WAIT_MS, "the dictionary and roster to load");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (first), "composer.new-draft", NULL));
  gtk_text_buffer_set_text (first->buffer, FIRST_TEXT, -1);
  submit (first, &q, FIRST_TEXT);
  /* A draft not made from a rejected post has no request over it. */
  g_assert_false (gtk_revealer_get_reveal_child (first->changes_revealer));

  /* The head turns it down, saying why. */
  posts = list_posts (&q);
  post = find_post (posts, FIRST_TEXT);
  rejected_id = json_object_get_int_member (post, "id");
  cs_queue_client_decide_async (q.head, rejected_id, "reject", NULL, COMMENT, NULL, cs_test_store_result_cb, &result);
  decided = cs_queue_client_decide_finish (q.head, wait_result (&result), NULL, &error);
  g_clear_object (&result);
  g_assert_no_error (error);

  /* Your Posts offers to put it right. */
  my_posts = g_object_ref (cs_my_posts_window_new (GTK_APPLICATION (app), q.staff));
  gtk_window_set_default_size (GTK_WINDOW (my_posts), 640, 480);
  gtk_window_present (GTK_WINDOW (my_posts));
  cs_test_wait_for (shows_edit_again, my_posts, WAIT_MS, "Edit and Send Again");
  g_free (cs_test_screenshot (GTK_WIDGET (my_posts), "my-posts-rejected"));

  button = find_button (GTK_WIDGET (my_posts), "_Edit and Send Again");
  g_signal_emit_by_name (button, "clicked");
  cs_test_wait_for (composer_opened, first, WAIT_MS, "a composer with the post");
  second = find_other_composer (first);
  gtk_window_set_default_size (GTK_WINDOW (second), 1000, 640);
  cs_test_wait_for (check_done, second, WAIT_MS, "the post's check");

  /* The post's text, and what the head asked for over it. */
  text = buffer_text (second);
  g_assert_cmpstr (text, ==, FIRST_TEXT);
  g_assert_true (gtk_revealer_get_reveal_child (second->changes_revealer));
  g_assert_nonnull (strstr (gtk_label_get_label (second->changes_label), COMMENT));
  g_assert_true (gtk_toggle_button_get_active (second->platform_x));
  g_assert_true (gtk_toggle_button_get_active (second->platform_mastodon) ==
                 gtk_toggle_button_get_active (first->platform_mastodon));
  cs_test_spin (300);
  g_free (cs_test_screenshot (GTK_WIDGET (second), "composer-edit-again"));

  /* Put right and sent again: a new post, the old one left as it was. */
  gtk_text_buffer_set_text (second->buffer, EDITED_TEXT, -1);
  submit (second, &q, EDITED_TEXT);
  g_clear_pointer (&posts, json_array_unref);
  posts = list_posts (&q);
  g_assert_cmpuint (json_array_get_length (posts), ==, 2);
  post = find_post (posts, EDITED_TEXT);
  g_assert_cmpstr (json_object_get_string_member (post, "state"), ==, "pending");
  g_assert_cmpint (json_object_get_int_member (post, "id"), !=, rejected_id);
  post = find_post (posts, FIRST_TEXT);
  g_assert_cmpstr (json_object_get_string_member (post, "state"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (post, "comment"), ==, COMMENT);
  /* The window has moved on to a fresh draft, without the request. */
  g_assert_false (gtk_revealer_get_reveal_child (second->changes_revealer));

  gtk_window_destroy (GTK_WINDOW (my_posts));
  cs_test_spin (50);
  g_assert_finalize_object (my_posts);
  gtk_window_destroy (GTK_WINDOW (second));
  gtk_window_destroy (GTK_WINDOW (first));
  cs_test_spin (50);
  cs_queue_ui_fixture_teardown (&q, NULL);
}

/* A plain grey JPEG, as the queue's redacted copies are. */
static char *
write_grey_jpeg (const char *dir)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 320, 240);
  g_autofree char *path = g_build_filename (dir, "grey.jpg", NULL);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pixbuf, 0x808080ff);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "90", NULL));
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
outbox_sent_cb (CsOutbox   *outbox,
                const char *key,
                JsonObject *post,
                guint      *sent)
{
  (*sent)++;
}

static void
outbox_refused_cb (CsOutbox   *outbox,
                   const char *key,
                   const char *message,
                   JsonArray  *findings,
                   gpointer    data)
{
  g_error ("The queue refused the first post: %s", message);
}

static void
outbox_waiting_cb (CsOutbox   *outbox,
                   const char *key,
                   const char *message,
                   gpointer    data)
{
  g_test_message ("The first post waits: %s", message);
}

static gboolean
photos_settled (gpointer data)
{
  CsComposerWindow *window = data;
  CsDraft *draft = cs_composer_window_get_draft (window);

  return cs_draft_get_n_attachments (draft) == 1 &&
         cs_draft_get_attachment (draft, 0)->state != CS_PHOTO_STATE_CHECKING &&
         check_done (window);
}

static void
test_photos_come_back (void)
{
  Queue q = { 0 };
  g_autofree char *outbox_dir = NULL;
  g_autofree char *jpeg = NULL;
  g_autofree char *drafts_dir = NULL;
  g_autoptr(CsOutbox) outbox = NULL;
  g_autoptr(GPtrArray) photos = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) posts = NULL;
  g_autoptr(JsonObject) decided = NULL;
  g_autofree char *key = NULL;
  g_autofree char *roster_path = NULL;
  g_autoptr(GBytes) roster = NULL;
  CsOutboxPhoto photo = { 0 };
  CsMyPostsWindow *my_posts;
  CsComposerWindow *composer;
  CsDraft *draft;
  const CsAttachment *attachment;
  GAsyncResult *result = NULL;
  JsonObject *post;
  JsonArray *sent_photos;
  gboolean tagged = FALSE;
  guint sent = 0;

  queue_start (&q);

  /* The same roster on both sides: Poppy may be shown in photos. */
  roster_path = g_build_filename (q.api.dir, "roster.csv", NULL);
  roster = g_bytes_new_static (ROSTER_CSV, strlen (ROSTER_CSV));
  g_assert_true (g_file_set_contents (roster_path, ROSTER_CSV, -1, &error));
  g_assert_true (cs_queue_store_set_roster (q.api.store, "larkfield", roster, 0, &error));
  g_assert_no_error (error);
  g_settings_set_string (cs_application_get_settings (app), "roster-file", roster_path);

  /* The first post goes through an outbox, with a photo, its alt text
   * and a pupil tagged on a face left clear. */
  outbox_dir = g_build_filename (q.api.dir, "outbox", NULL);
  outbox = cs_outbox_new (outbox_dir, q.staff);
  g_signal_connect (outbox, "sent", G_CALLBACK (outbox_sent_cb), &sent);
  g_signal_connect (outbox, "refused", G_CALLBACK (outbox_refused_cb), NULL);
  g_signal_connect (outbox, "waiting", G_CALLBACK (outbox_waiting_cb), NULL);
  jpeg = write_grey_jpeg (q.api.dir);
  photo.file = jpeg;
  photo.alt = (char *) "Year 5 on the steps of the museum";
  photo.tags_json = (char *) "[{\"pupil\":\"P001\",\"x\":100,\"y\":60,\"w\":40,\"h\":40}]";
  g_ptr_array_add (photos, &photo);
  key = cs_outbox_add (outbox, FIRST_TEXT, 1u << CS_PLATFORM_MASTODON, photos, &error);
  g_assert_no_error (error);
  cs_outbox_flush (outbox);
  cs_test_wait_until (&sent, 1, 30);

  posts = list_posts (&q);
  post = find_post (posts, FIRST_TEXT);
  cs_queue_client_decide_async (q.head, json_object_get_int_member (post, "id"), "reject", NULL, COMMENT, NULL,
                                cs_test_store_result_cb, &result);
  decided = cs_queue_client_decide_finish (q.head, wait_result (&result), NULL, &error);
  g_clear_object (&result);
  g_assert_no_error (error);

  my_posts = g_object_ref (cs_my_posts_window_new (GTK_APPLICATION (app), q.staff));
  gtk_window_present (GTK_WINDOW (my_posts));
  cs_test_wait_for (shows_edit_again, my_posts, WAIT_MS, "Edit and Send Again");
  g_signal_emit_by_name (find_button (GTK_WIDGET (my_posts), "_Edit and Send Again"), "clicked");
  cs_test_wait_for (composer_opened, NULL, WAIT_MS, "a composer with the post");
  composer = find_other_composer (NULL);
  gtk_window_set_default_size (GTK_WINDOW (composer), 1000, 640);
  cs_test_wait_for (session_ready, NULL, WAIT_MS, "the dictionary and roster to load");
  cs_test_wait_for (photos_settled, composer, WAIT_MS, "the photo to be looked at again");

  /* The queue's copy, kept in the draft's own folder, with its alt text,
   * the platforms, and the tag back on its face. */
  draft = cs_composer_window_get_draft (composer);
  g_assert_cmpuint (cs_draft_get_platforms (draft), ==, 1u << CS_PLATFORM_MASTODON);
  attachment = cs_draft_get_attachment (draft, 0);
  g_assert_cmpstr (attachment->alt_text, ==, "Year 5 on the steps of the museum");
  drafts_dir = g_build_filename (g_get_user_data_dir (), "countersign", "drafts", NULL);
  g_assert_true (g_str_has_prefix (attachment->file, drafts_dir));
  g_assert_true (g_file_test (attachment->file, G_FILE_TEST_IS_REGULAR));
  for (guint i = 0; i < attachment->regions->len; i++)
    {
      const CsPhotoRegion *region = g_ptr_array_index (attachment->regions, i);

      if (g_strcmp0 (region->tag, "P001") == 0)
        {
          tagged = TRUE;
          g_assert_true (region->clear);
          g_assert_cmpfloat (region->rect.x, ==, 100);
        }
    }
  g_assert_true (tagged);
  cs_test_spin (300);
  g_free (cs_test_screenshot (GTK_WIDGET (composer), "composer-edit-again-photo"));

  /* Without a face detector here, the author confirms the faces by hand,
   * as with any photo. */
  if (!attachment->faces_checked)
    cs_draft_set_marked_by_hand (draft, attachment->id, TRUE);
  gtk_text_buffer_set_text (composer->buffer, EDITED_TEXT, -1);
  submit (composer, &q, EDITED_TEXT);

  g_clear_pointer (&posts, json_array_unref);
  posts = list_posts (&q);
  post = find_post (posts, EDITED_TEXT);
  sent_photos = json_object_get_array_member (post, "photos");
  g_assert_cmpuint (json_array_get_length (sent_photos), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (sent_photos, 0), "alt"), ==,
                   "Year 5 on the steps of the museum");

  gtk_window_destroy (GTK_WINDOW (my_posts));
  cs_test_spin (50);
  g_assert_finalize_object (my_posts);
  gtk_window_destroy (GTK_WINDOW (composer));
  cs_test_spin (50);
  g_settings_reset (cs_application_get_settings (app), "roster-file");
  g_clear_object (&outbox);
  cs_queue_ui_fixture_teardown (&q, NULL);
}

/* Not signed in */

static GtkWindow *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_message_dialog () != NULL;
}

static GtkWidget *
find_sign_in_group (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (ADW_IS_PREFERENCES_GROUP (child) &&
          g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (child)), "Sign In") == 0)
        return child;
      if ((found = find_sign_in_group (child)) != NULL)
        return found;
    }
  return NULL;
}

static CsPreferencesWindow *
find_preferences (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (CS_IS_PREFERENCES_WINDOW (window))
        return CS_PREFERENCES_WINDOW (window);
    }
  return NULL;
}

static gboolean
sign_in_shown (gpointer data)
{
  CsPreferencesWindow *window = find_preferences ();
  GtkWidget *group = window != NULL ? find_sign_in_group (GTK_WIDGET (window)) : NULL;

  return group != NULL && gtk_widget_get_mapped (group);
}

static void
test_asks_to_sign_in (void)
{
  CsComposerWindow *composer;
  GtkWindow *dialog;
  CsPreferencesWindow *preferences;

  /* A school server nobody at this computer has signed in to. */
  g_settings_set_string (cs_application_get_settings (app), "queue-server", "https://queue.larkfield.sch.uk");
  composer = cs_composer_window_new (app);
  gtk_window_present (GTK_WINDOW (composer));

  /* "Your Posts" needs the queue: it says why it cannot, and offers to sign in. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "my-posts", NULL);
  cs_test_wait_for (dialog_shown, NULL, WAIT_MS, "the dialog asking to sign in");
  dialog = find_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Sign In to the Approval Queue");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "not signed in"));
  cs_test_spin (200);
  g_free (cs_test_screenshot (GTK_WIDGET (dialog), "asks-to-sign-in"));

  /* Sign In opens Preferences at the Sign In group, which stays open. */
  /* As the button does: the answer, then the dialog closes. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "sign-in");
  gtk_window_close (dialog);
  cs_test_wait_for (sign_in_shown, NULL, WAIT_MS, "Preferences at the Sign In group");
  cs_test_spin (300);
  preferences = find_preferences ();
  g_assert_nonnull (preferences);
  g_assert_null (find_message_dialog ());
  g_free (cs_test_screenshot (GTK_WIDGET (preferences), "asks-to-sign-in-preferences"));

  gtk_window_destroy (GTK_WINDOW (preferences));
  gtk_window_destroy (GTK_WINDOW (composer));
  cs_test_spin (50);
  g_settings_reset (cs_application_get_settings (app), "queue-server");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  home = g_dir_make_tmp ("countersign-resubmit-XXXXXX", &error);
  g_assert_no_error (error);
  {
    g_autofree char *data = g_build_filename (home, "data", NULL);
    g_autofree char *config = g_build_filename (home, "config", NULL);

    g_setenv ("XDG_DATA_HOME", data, TRUE);
    g_setenv ("XDG_CONFIG_HOME", config, TRUE);
    g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  }

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  app = cs_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));

  g_test_add_func ("/ui/my-posts/edit-and-send-again", test_edit_and_send_again);
  g_test_add_func ("/ui/my-posts/photos-come-back", test_photos_come_back);
  g_test_add_func ("/ui/app/asks-to-sign-in", test_asks_to_sign_in);

  ret = g_test_run ();

  g_clear_object (&app);
  cs_test_remove_tree (home);
  g_free (home);
  return ret;
}
