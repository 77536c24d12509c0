/* test-queue-client.c: the app's side of the approval queue, against the real server
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <glib/gstdio.h>

#include "cs-core.h"
#include "cs-outbox.h"
#include "cs-queue-client.h"
#include "cs-test-platform.h"
#include "cs-test-server.h"

typedef struct
{
  char          *dir;
  CsQueueStore  *store;
  CsTestServer  *server;
  guint          port;
  char          *base_url;
  char          *staff;
  char          *head;
  /* What the outbox said. */
  GPtrArray     *sent;
  GPtrArray     *refused;
  GPtrArray     *waiting;
  JsonArray     *findings;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  static const char roster[] = "id,forename,surname,photo_consent\nP001,Poppy,Whitlow,yes\n";
  g_autoptr(GBytes) roster_bytes = g_bytes_new_static (roster, strlen (roster));

  f->dir = g_dir_make_tmp ("queue-client-XXXXXX", &error);
  path = g_build_filename (f->dir, "queue.db", NULL);
  f->store = cs_queue_store_open_sqlite (path, &error);
  g_assert_no_error (error);
  g_assert_true (cs_queue_store_add_school (f->store, "larkfield", "Larkfield Primary", &error));
  g_assert_true (cs_queue_store_set_roster (f->store, "larkfield", roster_bytes, 0, &error));
  f->staff = cs_queue_store_add_user (f->store, "larkfield", "sam", CS_USER_STAFF, NULL, &error);
  f->head = cs_queue_store_add_user (f->store, "larkfield", "hana", CS_USER_HEAD, "swordfish", &error);
  g_assert_no_error (error);

  f->server = cs_test_server_start (f->store, 0, 8 * 1024 * 1024, 100000);
  f->port = cs_test_server_get_port (f->server);
  f->base_url = g_strdup_printf ("http://127.0.0.1:%u/", f->port);
  f->sent = g_ptr_array_new_with_free_func (g_free);
  f->refused = g_ptr_array_new_with_free_func (g_free);
  f->waiting = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->server != NULL)
    cs_test_server_stop (f->server);
  g_clear_object (&f->store);
  cs_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->base_url);
  g_free (f->staff);
  g_free (f->head);
  g_ptr_array_unref (f->sent);
  g_ptr_array_unref (f->refused);
  g_ptr_array_unref (f->waiting);
  g_clear_pointer (&f->findings, json_array_unref);
}

/* Runs the main context until *@count reaches @n or ten seconds pass. */
static void
sent_cb (CsOutbox   *outbox,
         const char *key,
         JsonObject *post,
         Fixture    *f)
{
  g_assert_cmpstr (json_object_get_string_member (post, "state"), ==, "pending");
  g_ptr_array_add (f->sent, g_strdup (key));
}

static void
refused_cb (CsOutbox   *outbox,
            const char *key,
            const char *message,
            JsonArray  *findings,
            Fixture    *f)
{
  g_ptr_array_add (f->refused, g_strdup (key));
  if (findings != NULL)
    f->findings = json_array_ref (findings);
}

static void
waiting_cb (CsOutbox   *outbox,
            const char *key,
            const char *message,
            Fixture    *f)
{
  g_assert_nonnull (strstr (message, "could not be reached"));
  g_ptr_array_add (f->waiting, g_strdup (key));
}

static CsOutbox *
new_outbox (Fixture       *f,
            CsQueueClient *client)
{
  g_autofree char *dir = g_build_filename (f->dir, "outbox", NULL);
  CsOutbox *outbox = cs_outbox_new (dir, client);

  g_signal_connect (outbox, "sent", G_CALLBACK (sent_cb), f);
  g_signal_connect (outbox, "refused", G_CALLBACK (refused_cb), f);
  g_signal_connect (outbox, "waiting", G_CALLBACK (waiting_cb), f);
  return outbox;
}

static guint
count_posts (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) posts = cs_queue_store_list_posts (f->store, "larkfield", 0, -1, &error);

  g_assert_no_error (error);
  return posts->len;
}

static void
test_outbox_sends (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CsQueueClient) client = cs_queue_client_new (f->base_url, f->staff);
  g_autoptr(CsOutbox) outbox = new_outbox (f, client);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = cs_outbox_add (outbox, "Year 2 planted bulbs in the school garden today.",
                                        1u << CS_PLATFORM_X | 1u << CS_PLATFORM_BLUESKY, NULL, &error);
  g_autofree char *sent_dir = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (cs_outbox_get_n_pending (outbox), ==, 1);
  cs_outbox_flush (outbox);
  cs_test_wait_until (&f->sent->len, 1, 10);
  g_assert_cmpstr (g_ptr_array_index (f->sent, 0), ==, key);
  g_assert_cmpuint (cs_outbox_get_n_pending (outbox), ==, 0);
  g_assert_cmpuint (count_posts (f), ==, 1);

  /* Kept, with the queue's answer, not deleted. */
  sent_dir = g_build_filename (f->dir, "outbox", "sent", key, "answer.json", NULL);
  g_assert_true (g_file_test (sent_dir, G_FILE_TEST_IS_REGULAR));
}

static void
test_outbox_with_photo (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(CsQueueClient) client = cs_queue_client_new (f->base_url, f->staff);
  g_autoptr(CsOutbox) outbox = new_outbox (f, client);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsImage) image = cs_image_new (200, 150);
  g_autofree char *jpeg = g_build_filename (f->dir, "redacted.jpg", NULL);
  g_autoptr(GPtrArray) photos = g_ptr_array_new ();
  CsOutboxPhoto photo = { jpeg, (char *) "A sunflower taller than the fence", NULL };
  g_autofree char *key = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  CsQueuePost *post;

  if (CS_TEST_FACE_MODEL[0] == '\0')
    {
      g_test_skip ("no face model is configured, so the server refuses every photo");
      return;
    }

  memset (cs_image_get_data (image), 90, cs_image_get_stride (image) * 150);
  g_assert_true (cs_image_save_jpeg (image, jpeg, 85, &error));
  g_ptr_array_add (photos, &photo);
  key = cs_outbox_add (outbox, "Our sunflower competition has a winner!", 1u << CS_PLATFORM_MASTODON, photos, &error);
  g_assert_no_error (error);
  cs_outbox_flush (outbox);
  cs_test_wait_until (&f->sent->len, 1, 10);

  posts = cs_queue_store_list_posts (f->store, "larkfield", 0, -1, &error);
  g_assert_cmpuint (posts->len, ==, 1);
  post = g_ptr_array_index (posts, 0);
  g_assert_cmpuint (post->photos->len, ==, 1);
  g_assert_cmpstr (((CsQueuePhoto *) g_ptr_array_index (post->photos, 0))->alt, ==,
                   "A sunflower taller than the fence");
}

static void
test_outbox_waits_for_server (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(CsQueueClient) client = cs_queue_client_new (f->base_url, f->staff);
  g_autoptr(CsOutbox) outbox = new_outbox (f, client);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  /* The server is down (the school's server is rebooting). */
  cs_test_server_stop (f->server);
  f->server = NULL;

  key = cs_outbox_add (outbox, "The choir sang at the care home this afternoon.", 1u << CS_PLATFORM_FACEBOOK, NULL, &error);
  g_assert_no_error (error);
  cs_outbox_flush (outbox);
  cs_test_wait_until (&f->waiting->len, 1, 10);
  g_assert_cmpuint (cs_outbox_get_n_pending (outbox), ==, 1);
  g_assert_cmpuint (f->sent->len, ==, 0);

  /* Back on the same address: the retry (after its pause) gets through,
   * once. */
  f->server = cs_test_server_start (f->store, f->port, 8 * 1024 * 1024, 100000);
  cs_test_wait_until (&f->sent->len, 1, 10);
  g_assert_cmpuint (cs_outbox_get_n_pending (outbox), ==, 0);
  g_assert_cmpuint (count_posts (f), ==, 1);
}

static void
test_outbox_survives_restart (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  /* Queued by one run of the app that was closed before sending... */
  {
    g_autoptr(CsQueueClient) client = cs_queue_client_new (f->base_url, f->staff);
    g_autoptr(CsOutbox) outbox = new_outbox (f, client);

    key = cs_outbox_add (outbox, "Sports day is on Friday; bring a water bottle.", 1u << CS_PLATFORM_X, NULL, &error);
    g_assert_no_error (error);
  }

  /* ...and sent by the next. */
  {
    g_autoptr(CsQueueClient) client = cs_queue_client_new (f->base_url, f->staff);
    g_autoptr(CsOutbox) outbox = new_outbox (f, client);

    g_assert_cmpuint (cs_outbox_get_n_pending (outbox), ==, 1);
    cs_outbox_flush (outbox);
    cs_test_wait_until (&f->sent->len, 1, 10);
    g_assert_cmpstr (g_ptr_array_index (f->sent, 0), ==, key);
  }
  g_assert_cmpuint (count_posts (f), ==, 1);
}

static void
test_outbox_refused (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CsQueueClient) client = cs_queue_client_new (f->base_url, f->staff);
  g_autoptr(CsOutbox) outbox = new_outbox (f, client);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = cs_outbox_add (outbox, "Well done to Poppy Whitlow for her poem!", 1u << CS_PLATFORM_X, NULL, &error);
  g_autofree char *kept = NULL;

  g_assert_no_error (error);
  cs_outbox_flush (outbox);
  cs_test_wait_until (&f->refused->len, 1, 10);
  g_assert_nonnull (f->findings);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (f->findings, 0), "rule"),
                   ==, "pupil-name");
  g_assert_cmpuint (cs_outbox_get_n_pending (outbox), ==, 0);
  kept = g_build_filename (f->dir, "outbox", "refused", key, "submission.json", NULL);
  g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_posts (f), ==, 0);
}

static void
test_same_submission_twice (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(CsQueueClient) client = cs_queue_client_new (f->base_url, f->staff);
  g_autoptr(CsOutbox) outbox = new_outbox (f, client);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = cs_outbox_add (outbox, "Parents' evening is next Tuesday.", 1u << CS_PLATFORM_X, NULL, &error);
  g_autofree char *path = g_build_filename (f->dir, "outbox", "pending", key, NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;

  /* As when the answer to the first was lost on the way back and the
   * same saved submission is sent again. */
  cs_queue_client_submit_async (client, folder, NULL, cs_test_store_result_cb, &first);
  a = cs_queue_client_submit_finish (client, cs_test_wait_for_result (&first, 10), NULL, &error);
  g_assert_no_error (error);
  cs_queue_client_submit_async (client, folder, NULL, cs_test_store_result_cb, &second);
  b = cs_queue_client_submit_finish (client, cs_test_wait_for_result (&second, 10), NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (json_object_get_int_member (a, "id"), ==, json_object_get_int_member (b, "id"));
  g_assert_cmpuint (count_posts (f), ==, 1);
}

static void
changed_cb (CsQueueClient *client,
            JsonObject    *post,
            guint         *changes)
{
  if (g_strcmp0 (json_object_get_string_member (post, "state"), "approved") == 0)
    (*changes)++;
}

static void
test_review_round_trip (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(CsQueueClient) author = cs_queue_client_new (f->base_url, f->staff);
  g_autoptr(CsQueueClient) head = cs_queue_client_new (f->base_url, NULL);
  g_autoptr(CsOutbox) outbox = new_outbox (f, author);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) login = NULL;
  g_autoptr(GAsyncResult) listed = NULL;
  g_autoptr(GAsyncResult) decided = NULL;
  g_autoptr(GAsyncResult) forbidden = NULL;
  g_autoptr(JsonObject) me = NULL;
  g_autoptr(JsonArray) pending = NULL;
  g_autoptr(JsonObject) approved = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autofree char *key = NULL;
  JsonObject *post;
  guint changes = 0;

  /* The head signs in with a password; the token comes back. */
  cs_queue_client_login_async (head, "larkfield", "hana", "swordfish", NULL, cs_test_store_result_cb, &login);
  me = cs_queue_client_login_finish (head, cs_test_wait_for_result (&login, 10), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (me, "role"), ==, "head");

  /* The author listens for changes to their posts. */
  g_signal_connect (author, "post-changed", G_CALLBACK (changed_cb), &changes);
  cs_queue_client_listen (author);

  key = cs_outbox_add (outbox, "Reception visited the fire station this morning.", 1u << CS_PLATFORM_X, NULL, &error);
  cs_outbox_flush (outbox);
  cs_test_wait_until (&f->sent->len, 1, 10);

  cs_queue_client_list_async (head, "pending", NULL, cs_test_store_result_cb, &listed);
  pending = cs_queue_client_list_finish (head, cs_test_wait_for_result (&listed, 10), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (pending), ==, 1);
  post = json_array_get_object_element (pending, 0);

  /* The author cannot approve their own post. */
  cs_queue_client_decide_async (author, json_object_get_int_member (post, "id"), "approve",
                                json_object_get_string_member (post, "content_hash"), NULL, NULL,
                                cs_test_store_result_cb, &forbidden);
  refused = cs_queue_client_decide_finish (author, cs_test_wait_for_result (&forbidden, 10), NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CS_QUEUE_CLIENT_ERROR, CS_QUEUE_CLIENT_ERROR_FORBIDDEN);
  g_clear_error (&error);

  cs_queue_client_decide_async (head, json_object_get_int_member (post, "id"), "approve",
                                json_object_get_string_member (post, "content_hash"), "Lovely", NULL,
                                cs_test_store_result_cb, &decided);
  approved = cs_queue_client_decide_finish (head, cs_test_wait_for_result (&decided, 10), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (approved, "state"), ==, "approved");

  /* The author's stream heard the approval. */
  cs_test_wait_until (&changes, 1, 10);
}

/* The head's side of publishing: an administrator sets up the export
 * folder, the head schedules a post, sees where each delivery stands, and
 * asks again for the one that failed. */
static void
test_publishing_round_trip (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *key_path = g_build_filename (f->dir, "accounts.key", NULL);
  g_autofree char *website = g_build_filename (f->dir, "website", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *admin_token = cs_queue_store_add_user (f->store, "larkfield", "ada", CS_USER_ADMIN, NULL, &error);
  g_autoptr(CsQueueClient) admin = NULL;
  g_autoptr(CsQueueClient) head = NULL;
  g_autoptr(CsQueueClient) author = NULL;
  g_autoptr(CsOutbox) outbox = NULL;
  g_autoptr(JsonObject) settings = json_object_new ();
  g_autoptr(JsonObject) secrets = json_object_new ();
  g_autoptr(GAsyncResult) set = NULL;
  g_autoptr(GAsyncResult) listed = NULL;
  g_autoptr(GAsyncResult) approved_result = NULL;
  g_autoptr(GAsyncResult) retried_result = NULL;
  g_autoptr(GAsyncResult) removed_result = NULL;
  g_autoptr(JsonArray) accounts = NULL;
  g_autoptr(JsonArray) pending = NULL;
  g_autoptr(JsonObject) approved = NULL;
  g_autoptr(JsonObject) retried = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  JsonObject *post;
  JsonArray *deliveries;
  gint64 id;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (website, 0755), ==, 0);
  cs_test_server_stop (f->server);
  f->server = cs_test_server_start_publishing (f->store, f->port, key_path, NULL);
  admin = cs_queue_client_new (f->base_url, admin_token);
  head = cs_queue_client_new (f->base_url, f->head);
  author = cs_queue_client_new (f->base_url, f->staff);

  json_object_set_string_member (settings, "folder", website);
  cs_queue_client_set_account_async (admin, "export", settings, secrets, NULL, cs_test_store_result_cb, &set);
  accounts = cs_queue_client_accounts_finish (admin, cs_test_wait_for_result (&set, 10), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (accounts), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (accounts, 0), "platform"), ==,
                   "export");

  outbox = new_outbox (f, author);
  g_free (cs_outbox_add (outbox, "Year 1 planted a vegetable patch by the hall.", 1u << CS_PLATFORM_MASTODON,
                         NULL, &error));
  g_assert_no_error (error);
  cs_outbox_flush (outbox);
  cs_test_wait_until (&f->sent->len, 1, 10);

  cs_queue_client_list_async (head, "pending", NULL, cs_test_store_result_cb, &listed);
  pending = cs_queue_client_list_finish (head, cs_test_wait_for_result (&listed, 10), &error);
  g_assert_no_error (error);
  post = json_array_get_object_element (pending, 0);
  id = json_object_get_int_member (post, "id");

  /* Scheduled for tomorrow: both deliveries wait for then. */
  cs_queue_client_approve_async (head, id, json_object_get_string_member (post, "content_hash"), NULL, tomorrow,
                                 NULL, cs_test_store_result_cb, &approved_result);
  approved = cs_queue_client_decide_finish (head, cs_test_wait_for_result (&approved_result, 10), NULL, &error);
  g_assert_no_error (error);
  deliveries = json_object_get_array_member (approved, "deliveries");
  g_assert_cmpuint (json_array_get_length (deliveries), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *d = json_array_get_object_element (deliveries, i);

      g_assert_cmpstr (json_object_get_string_member (d, "state"), ==, "queued");
      g_assert_cmpint (json_object_get_int_member (d, "next_at"), ==, g_date_time_to_unix (tomorrow));
    }

  /* Nothing failed yet, so there is nothing to retry. */
  cs_queue_client_retry_delivery_async (head, id, "mastodon", NULL, cs_test_store_result_cb, &retried_result);
  retried = cs_queue_client_decide_finish (head, cs_test_wait_for_result (&retried_result, 10), NULL, &error);
  g_assert_null (retried);
  g_assert_error (error, CS_QUEUE_CLIENT_ERROR, CS_QUEUE_CLIENT_ERROR_CONFLICT);
  g_clear_error (&error);

  cs_queue_client_remove_account_async (admin, "export", NULL, cs_test_store_result_cb, &removed_result);
  g_clear_pointer (&accounts, json_array_unref);
  accounts = cs_queue_client_accounts_finish (admin, cs_test_wait_for_result (&removed_result, 10), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (accounts), ==, 0);
}

static void
test_https_pinned (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GTlsCertificate) certificate = cs_test_make_certificate (f->dir, "queue");
  CsTestServer *tls = cs_test_server_start_tls (f->store, certificate);
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/", cs_test_server_get_port (tls));
  g_autoptr(CsQueueClient) trusting = cs_queue_client_new (url, f->head);
  g_autoptr(CsQueueClient) wary = cs_queue_client_new (url, f->head);
  g_autoptr(GAsyncResult) ok = NULL;
  g_autoptr(GAsyncResult) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) posts = NULL;
  g_autoptr(JsonArray) none = NULL;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      cs_test_server_stop (tls);
      g_test_fail_printf ("TLS is not available: install glib-networking");
      return;
    }

  cs_queue_client_pin_certificate (trusting, certificate);
  cs_queue_client_list_async (trusting, NULL, NULL, cs_test_store_result_cb, &ok);
  posts = cs_queue_client_list_finish (trusting, cs_test_wait_for_result (&ok, 10), &error);
  g_assert_no_error (error);
  g_assert_nonnull (posts);

  /* Without the pin, a self-signed certificate is not trusted. */
  cs_queue_client_list_async (wary, NULL, NULL, cs_test_store_result_cb, &refused);
  none = cs_queue_client_list_finish (wary, cs_test_wait_for_result (&refused, 10), &error);
  g_assert_null (none);
  g_assert_error (error, CS_QUEUE_CLIENT_ERROR, CS_QUEUE_CLIENT_ERROR_NETWORK);

  cs_test_server_stop (tls);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/client/outbox/sends-and-keeps-the-answer", test_outbox_sends);
  ADD ("/client/outbox/sends-photos", test_outbox_with_photo);
  ADD ("/client/outbox/waits-for-the-server", test_outbox_waits_for_server);
  ADD ("/client/outbox/survives-a-restart", test_outbox_survives_restart);
  ADD ("/client/outbox/keeps-what-is-refused", test_outbox_refused);
  ADD ("/client/retry/same-submission-twice", test_same_submission_twice);
  ADD ("/client/review/round-trip", test_review_round_trip);
  ADD ("/client/publishing/round-trip", test_publishing_round_trip);
  ADD ("/client/https/pinned-certificate", test_https_pinned);
#undef ADD

  return g_test_run ();
}
