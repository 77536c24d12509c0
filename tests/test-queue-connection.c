/* test-queue-connection.c: the queue on this computer and a school's, ready for the app
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The local queue is the real countersign-queue, run as a child process.
 */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "cs-outbox.h"
#include "cs-platform.h"
#include "cs-queue-connection.h"
#include "cs-test-server.h"
#include "cs-token-store-memory.h"

/* Long enough for the queue to start on a busy machine. */
#define WAIT_SECONDS 30

typedef struct
{
  char     *dir;
  guint     sent;
  guint     restarted;
  guint     failed;
  GPtrArray *problems;  /* what the outbox refused or is waiting on */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("queue-connection-XXXXXX", &error);
  g_assert_no_error (error);
  f->problems = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  cs_test_remove_tree (f->dir);
  g_free (f->dir);
  g_ptr_array_unref (f->problems);
}

/* Runs the main context until *@count reaches @n, or fails the test. */
static void
sent_cb (CsOutbox   *outbox,
         const char *key,
         JsonObject *post,
         Fixture    *f)
{
  f->sent++;
}

static void
refused_cb (CsOutbox   *outbox,
            const char *key,
            const char *message,
            JsonArray  *findings,
            Fixture    *f)
{
  g_ptr_array_add (f->problems, g_strdup_printf ("refused: %s", message));
}

static void
waiting_cb (CsOutbox   *outbox,
            const char *key,
            const char *message,
            Fixture    *f)
{
  g_ptr_array_add (f->problems, g_strdup_printf ("waiting: %s", message));
}

static void
restarted_cb (CsQueueConnection *connection,
              Fixture           *f)
{
  f->restarted++;
}

static void
failed_cb (CsQueueConnection *connection,
           const GError      *error,
           Fixture           *f)
{
  g_assert_error (error, CS_QUEUE_CONNECTION_ERROR, CS_QUEUE_CONNECTION_ERROR_LOCAL_QUEUE);
  f->failed++;
}

static CsQueueConnection *
open_connection (Fixture       *f,
                 const char    *executable,
                 const char    *url,
                 CsTokenStore  *tokens,
                 GError       **error)
{
  g_autoptr(CsQueueConnection) connection = cs_queue_connection_new (executable, f->dir, "");
  g_autoptr(GAsyncResult) opened = NULL;

  g_signal_connect (connection, "restarted", G_CALLBACK (restarted_cb), f);
  g_signal_connect (connection, "failed", G_CALLBACK (failed_cb), f);
  cs_queue_connection_open_async (connection, url, tokens, NULL, cs_test_store_result_cb, &opened);
  if (!cs_queue_connection_open_finish (connection, cs_test_wait_for_result (&opened, WAIT_SECONDS), error))
    return NULL;

  g_assert_nonnull (cs_queue_connection_get_outbox (connection));
  g_signal_connect (cs_queue_connection_get_outbox (connection), "sent", G_CALLBACK (sent_cb), f);
  g_signal_connect (cs_queue_connection_get_outbox (connection), "refused", G_CALLBACK (refused_cb), f);
  g_signal_connect (cs_queue_connection_get_outbox (connection), "waiting", G_CALLBACK (waiting_cb), f);
  return g_steal_pointer (&connection);
}

static CsQueueConnection *
open_local (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  CsQueueConnection *connection;

  connection = open_connection (f, CS_TEST_QUEUE_EXECUTABLE, "", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cs_queue_connection_is_local (connection));
  g_assert_true (g_str_has_prefix (cs_queue_connection_get_url (connection), "http://127.0.0.1:"));
  g_assert_nonnull (cs_queue_connection_get_local_pid (connection));
  return connection;
}

/* Sends @text through the outbox and waits for the queue to take it. */
static void
submit (Fixture           *f,
        CsQueueConnection *connection,
        const char        *text)
{
  CsOutbox *outbox = cs_queue_connection_get_outbox (connection);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = cs_outbox_add (outbox, text, 1u << CS_PLATFORM_X, NULL, &error);
  guint before = f->sent;
  gboolean timed_out = FALSE;
  guint source;

  g_assert_no_error (error);
  cs_outbox_flush (outbox);
  source = g_timeout_add_seconds (WAIT_SECONDS, cs_test_timed_out_cb, &timed_out);
  while (f->sent == before && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (source);
  if (f->sent == before)
    g_test_fail_printf ("“%s” was not sent: %s", text,
                        f->problems->len > 0 ? (char *) g_ptr_array_index (f->problems, f->problems->len - 1)
                                             : "no answer");
  g_assert_cmpuint (f->sent, ==, before + 1);
}

static JsonArray *
list_posts (CsQueueClient *client,
            const char    *state,
            GError       **error)
{
  g_autoptr(GAsyncResult) listed = NULL;

  cs_queue_client_list_async (client, state, NULL, cs_test_store_result_cb, &listed);
  return cs_queue_client_list_finish (client, cs_test_wait_for_result (&listed, WAIT_SECONDS), error);
}

static gboolean
lists_text (JsonArray  *posts,
            const char *text)
{
  for (guint i = 0; i < json_array_get_length (posts); i++)
    {
      JsonObject *post = json_array_get_object_element (posts, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (post, "text", NULL), text) == 0)
        return TRUE;
    }
  return FALSE;
}

static GPid
local_pid (CsQueueConnection *connection)
{
  const char *pid = cs_queue_connection_get_local_pid (connection);

  g_assert_nonnull (pid);
  return (GPid) g_ascii_strtoll (pid, NULL, 10);
}

static char *
local_file (Fixture    *f,
            const char *name)
{
  return g_build_filename (f->dir, "local-queue", name, NULL);
}

static void
test_local_submit_and_approve (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(CsQueueConnection) connection = open_local (f);
  CsQueueClient *staff = cs_queue_connection_get_client (connection, FALSE);
  CsQueueClient *head = cs_queue_connection_get_client (connection, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) pending = NULL;
  g_autoptr(JsonArray) mine = NULL;
  g_autoptr(JsonObject) approved = NULL;
  g_autoptr(GAsyncResult) decided = NULL;
  g_autofree char *tokens = local_file (f, "tokens.json");
  g_autofree char *queue_dir = g_build_filename (f->dir, "local-queue", NULL);
  g_autofree char *database = local_file (f, "queue.db");
  const char *text = "Year 4 planted an apple tree by the school gate today.";
  JsonObject *post;
  GStatBuf st;

  g_assert_true (staff != head);

  /* The tokens, and the folder they are in, are the user's alone. */
  g_assert_cmpint (g_stat (tokens, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (queue_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_true (g_file_test (database, G_FILE_TEST_IS_REGULAR));

  submit (f, connection, text);

  pending = list_posts (head, "pending", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (pending), ==, 1);
  post = json_array_get_object_element (pending, 0);
  g_assert_cmpstr (json_object_get_string_member (post, "text"), ==, text);

  cs_queue_client_decide_async (head, json_object_get_int_member (post, "id"), "approve",
                                json_object_get_string_member (post, "content_hash"), NULL, NULL,
                                cs_test_store_result_cb, &decided);
  approved = cs_queue_client_decide_finish (head, cs_test_wait_for_result (&decided, WAIT_SECONDS), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (approved, "state"), ==, "approved");

  /* The office account sees its post approved. */
  mine = list_posts (staff, "approved", &error);
  g_assert_no_error (error);
  g_assert_true (lists_text (mine, text));
  g_assert_cmpuint (f->restarted, ==, 0);
  g_assert_cmpuint (f->failed, ==, 0);
}

static void
test_local_reopen (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CsQueueConnection) first = open_local (f);
  g_autoptr(CsQueueConnection) second = NULL;
  g_autoptr(JsonArray) posts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tokens_path = local_file (f, "tokens.json");
  g_autofree char *tokens_before = NULL;
  g_autofree char *tokens_after = NULL;
  const char *text = "The choir sang at the care home on Friday afternoon.";
  GPid pid = local_pid (first);

  submit (f, first, text);
  g_assert_true (g_file_get_contents (tokens_path, &tokens_before, NULL, NULL));

  /* Letting go of the connection stops its queue. */
  g_assert_finalize_object (g_steal_pointer (&first));
  g_assert_cmpint (kill (pid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);

  second = open_local (f);
  g_assert_cmpint (local_pid (second), !=, pid);
  g_assert_true (g_file_get_contents (tokens_path, &tokens_after, NULL, NULL));
  g_assert_cmpstr (tokens_after, ==, tokens_before);

  posts = list_posts (cs_queue_connection_get_client (second, TRUE), "pending", &error);
  g_assert_no_error (error);
  g_assert_true (lists_text (posts, text));
  g_assert_cmpuint (json_array_get_length (posts), ==, 1);
}

static gboolean
has_file_starting (const char *dir,
                   const char *prefix)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix))
      return TRUE;
  return FALSE;
}

static void
test_local_lost_tokens (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(CsQueueConnection) first = open_local (f);
  g_autoptr(CsQueueConnection) second = NULL;
  g_autoptr(JsonArray) posts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tokens_path = local_file (f, "tokens.json");
  g_autofree char *queue_dir = g_build_filename (f->dir, "local-queue", NULL);

  submit (f, first, "Our netball team won the county cup.");
  g_assert_finalize_object (g_steal_pointer (&first));

  /* Without its tokens the database opens for nobody: a new one is made,
   * and the old one is kept beside it, not deleted. */
  g_assert_cmpint (g_unlink (tokens_path), ==, 0);
  second = open_local (f);
  g_assert_true (has_file_starting (queue_dir, "queue.db.unreachable-"));
  posts = list_posts (cs_queue_connection_get_client (second, TRUE), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (posts), ==, 0);
}

static void
test_local_restarts (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CsQueueConnection) connection = open_local (f);
  g_autoptr(JsonArray) posts = NULL;
  g_autoptr(GError) error = NULL;
  const char *url = NULL;
  g_autofree char *url_before = g_strdup (cs_queue_connection_get_url (connection));
  GPid pid = local_pid (connection);

  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  cs_test_wait_until (&f->restarted, 1, WAIT_SECONDS);
  g_assert_cmpint (local_pid (connection), !=, pid);
  url = cs_queue_connection_get_url (connection);
  g_assert_cmpstr (url, ==, url_before);

  /* The clients made before work with the new process. */
  submit (f, connection, "Class 3 raised £212 at the cake sale.");
  posts = list_posts (cs_queue_connection_get_client (connection, TRUE), "pending", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (posts), ==, 1);
  g_assert_cmpuint (f->failed, ==, 0);
}

static void
test_local_gives_up (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CsQueueConnection) connection = open_local (f);

  /* Three restarts in a row, then it stops trying. */
  for (guint i = 1; i <= 3; i++)
    {
      g_assert_cmpint (kill (local_pid (connection), SIGKILL), ==, 0);
      cs_test_wait_until (&f->restarted, i, WAIT_SECONDS);
    }
  g_assert_cmpint (kill (local_pid (connection), SIGKILL), ==, 0);
  cs_test_wait_until (&f->failed, 1, WAIT_SECONDS);
  g_assert_cmpuint (f->restarted, ==, 3);
  g_assert_null (cs_queue_connection_get_local_pid (connection));
}

static void
test_local_missing_executable (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (f->dir, "no-such-countersign-queue", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsQueueConnection) connection = open_connection (f, missing, NULL, NULL, &error);

  g_assert_null (connection);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "no-such-countersign-queue"));
}

/* A school's own server, in this process. */
typedef struct
{
  CsQueueStore *store;
  CsTestServer *server;
  char         *url;
  char         *staff;
} Remote;

static void
remote_start (Fixture *f,
              Remote  *r)
{
  g_autofree char *path = g_build_filename (f->dir, "server.db", NULL);
  g_autoptr(GError) error = NULL;

  r->store = cs_queue_store_open_sqlite (path, &error);
  g_assert_no_error (error);
  g_assert_true (cs_queue_store_add_school (r->store, "larkfield", "Larkfield Primary", &error));
  r->staff = cs_queue_store_add_user (r->store, "larkfield", "sam", CS_USER_STAFF, NULL, &error);
  g_assert_no_error (error);
  r->server = cs_test_server_start (r->store, 0, 8 * 1024 * 1024, 100000);
  r->url = g_strdup_printf ("http://127.0.0.1:%u/", cs_test_server_get_port (r->server));
}

static void
remote_stop (Remote *r)
{
  cs_test_server_stop (r->server);
  g_clear_object (&r->store);
  g_free (r->url);
  g_free (r->staff);
}

static void
store_token (CsTokenStore *tokens,
             const char   *url,
             const char   *token)
{
  g_autoptr(GAsyncResult) stored = NULL;
  g_autoptr(GError) error = NULL;

  cs_token_store_store_async (tokens, url, token, NULL, cs_test_store_result_cb, &stored);
  g_assert_true (cs_token_store_store_finish (tokens, cs_test_wait_for_result (&stored, WAIT_SECONDS), &error));
  g_assert_no_error (error);
}

static void
test_remote_uses_stored_token (Fixture       *f,
                               gconstpointer  data)
{
  Remote r = { 0 };
  g_autoptr(CsTokenStore) tokens = cs_token_store_memory_new ();
  g_autoptr(CsQueueConnection) connection = NULL;
  g_autoptr(JsonArray) posts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  const char *text = "Reception visited the fire station this morning.";

  remote_start (f, &r);
  store_token (tokens, r.url, r.staff);
  connection = open_connection (f, CS_TEST_QUEUE_EXECUTABLE, r.url, tokens, &error);
  g_assert_no_error (error);
  g_assert_false (cs_queue_connection_is_local (connection));
  g_assert_null (cs_queue_connection_get_local_pid (connection));
  /* One identity, the token's. */
  g_assert_true (cs_queue_connection_get_client (connection, TRUE) == cs_queue_connection_get_client (connection, FALSE));

  submit (f, connection, text);
  posts = list_posts (cs_queue_connection_get_client (connection, FALSE), "pending", &error);
  g_assert_no_error (error);
  g_assert_true (lists_text (posts, text));
  stored = cs_queue_store_list_posts (r.store, "larkfield", 0, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 1);

  /* No local queue was made for it. */
  {
    g_autofree char *queue_dir = g_build_filename (f->dir, "local-queue", NULL);

    g_assert_false (g_file_test (queue_dir, G_FILE_TEST_EXISTS));
  }

  g_assert_finalize_object (g_steal_pointer (&connection));
  remote_stop (&r);
}

static void
test_remote_without_token (Fixture       *f,
                           gconstpointer  data)
{
  Remote r = { 0 };
  g_autoptr(CsTokenStore) tokens = cs_token_store_memory_new ();
  g_autoptr(CsQueueConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;

  remote_start (f, &r);
  /* A token for another server is not one for this. */
  store_token (tokens, "https://queue.other-school.example", r.staff);
  connection = open_connection (f, CS_TEST_QUEUE_EXECUTABLE, r.url, tokens, &error);
  g_assert_null (connection);
  g_assert_error (error, CS_QUEUE_CONNECTION_ERROR, CS_QUEUE_CONNECTION_ERROR_NO_TOKEN);
  expected = g_strndup (r.url, strlen (r.url) - 1);
  g_assert_nonnull (strstr (error->message, expected));
  g_assert_nonnull (strstr (error->message, "Sign in"));
  g_clear_error (&error);

  connection = open_connection (f, CS_TEST_QUEUE_EXECUTABLE, "ftp://queue.school.example", tokens, &error);
  g_assert_null (connection);
  g_assert_error (error, CS_QUEUE_CONNECTION_ERROR, CS_QUEUE_CONNECTION_ERROR_BAD_ADDRESS);
  g_clear_error (&error);

  /* A token is never sent unencrypted off this computer, even if kept. */
  store_token (tokens, "http://queue.school.example", r.staff);
  connection = open_connection (f, CS_TEST_QUEUE_EXECUTABLE, "http://queue.school.example", tokens, &error);
  g_assert_null (connection);
  g_assert_error (error, CS_QUEUE_CONNECTION_ERROR, CS_QUEUE_CONNECTION_ERROR_BAD_ADDRESS);
  g_assert_nonnull (strstr (error->message, "https://"));

  remote_stop (&r);
}

static char *
lookup (CsTokenStore *tokens,
        const char   *url)
{
  g_autoptr(GAsyncResult) found = NULL;
  g_autoptr(GError) error = NULL;
  char *token;

  cs_token_store_lookup_async (tokens, url, NULL, cs_test_store_result_cb, &found);
  token = cs_token_store_lookup_finish (tokens, cs_test_wait_for_result (&found, WAIT_SECONDS), &error);
  g_assert_no_error (error);
  return token;
}

static void
test_token_store_memory (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(CsTokenStore) tokens = cs_token_store_memory_new ();
  g_autoptr(GAsyncResult) cleared = NULL;
  g_autoptr(GAsyncResult) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *none = NULL;
  g_autofree char *same = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *bad = NULL;

  none = lookup (tokens, "https://queue.larkfield.example");
  g_assert_null (none);

  /* The same server, however it is typed. */
  store_token (tokens, "https://Queue.Larkfield.example/", "tok-1");
  same = lookup (tokens, "HTTPS://queue.larkfield.example");
  g_assert_cmpstr (same, ==, "tok-1");

  cs_token_store_clear_async (tokens, "https://queue.larkfield.example", NULL, cs_test_store_result_cb, &cleared);
  g_assert_true (cs_token_store_clear_finish (tokens, cs_test_wait_for_result (&cleared, WAIT_SECONDS), &error));
  gone = lookup (tokens, "https://queue.larkfield.example/");
  g_assert_null (gone);

  cs_token_store_lookup_async (tokens, "queue.larkfield.example", NULL, cs_test_store_result_cb, &refused);
  bad = cs_token_store_lookup_finish (tokens, cs_test_wait_for_result (&refused, WAIT_SECONDS), &error);
  g_assert_null (bad);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static char *
role_of (CsQueueClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) me = NULL;

  cs_queue_client_get_me_async (client, NULL, cs_test_store_result_cb, &result);
  me = cs_queue_client_get_me_finish (client, cs_test_wait_for_result (&result, WAIT_SECONDS), &error);
  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member (me, "role"));
}

static JsonArray *
set_export_folder (CsQueueClient  *client,
                   const char     *folder,
                   GError        **error)
{
  g_autoptr(JsonObject) settings = json_object_new ();
  g_autoptr(JsonObject) secrets = json_object_new ();
  g_autoptr(GAsyncResult) result = NULL;

  json_object_set_string_member (settings, "folder", folder);
  cs_queue_client_set_account_async (client, "export", settings, secrets, NULL, cs_test_store_result_cb, &result);
  return cs_queue_client_accounts_finish (client, cs_test_wait_for_result (&result, WAIT_SECONDS), error);
}

/* The person at this computer also administers its queue, with a third
 * account: the queue lets no one account both submit and set up where
 * posts go. A queue made before there was one gets it on the next start. */
static void
test_local_administrator (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(CsQueueConnection) first = open_local (f);
  g_autoptr(CsQueueConnection) second = NULL;
  g_autofree char *website = g_build_filename (f->dir, "website", NULL);
  g_autofree char *tokens_path = local_file (f, "tokens.json");
  g_autofree char *role = NULL;
  g_autofree char *tokens_text = NULL;
  g_autoptr(JsonArray) accounts = NULL;
  g_autoptr(JsonArray) refused = NULL;
  g_autoptr(JsonArray) posts = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  const char *text = "Class 2 visited the fire station.";
  CsQueueClient *admin = cs_queue_connection_get_admin_client (first);

  g_assert_true (admin != cs_queue_connection_get_client (first, FALSE));
  g_assert_true (admin != cs_queue_connection_get_client (first, TRUE));
  role = role_of (admin);
  g_assert_cmpstr (role, ==, "admin");

  accounts = set_export_folder (admin, website, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (accounts), ==, 1);
  refused = set_export_folder (cs_queue_connection_get_client (first, FALSE), website, &error);
  g_assert_error (error, CS_QUEUE_CLIENT_ERROR, CS_QUEUE_CLIENT_ERROR_FORBIDDEN);
  g_assert_null (refused);
  g_clear_error (&error);

  submit (f, first, text);
  g_assert_finalize_object (g_steal_pointer (&first));

  /* As an older Countersign left it: no administrator's token. */
  g_assert_true (json_parser_load_from_file (parser, tokens_path, &error));
  root = json_node_copy (json_parser_get_root (parser));
  g_assert_true (json_object_has_member (json_node_get_object (root), "admin"));
  json_object_remove_member (json_node_get_object (root), "admin");
  tokens_text = json_to_string (root, FALSE);
  g_assert_true (g_file_set_contents (tokens_path, tokens_text, -1, &error));

  second = open_local (f);
  g_free (role);
  role = role_of (cs_queue_connection_get_admin_client (second));
  g_assert_cmpstr (role, ==, "admin");
  /* The same queue, not a new one: the post and the account are there. */
  posts = list_posts (cs_queue_connection_get_client (second, TRUE), "pending", &error);
  g_assert_no_error (error);
  g_assert_true (lists_text (posts, text));
  g_clear_pointer (&accounts, json_array_unref);
  accounts = set_export_folder (cs_queue_connection_get_admin_client (second), website, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_file (parser, tokens_path, &error));
  g_assert_true (json_object_has_member (json_node_get_object (json_parser_get_root (parser)), "admin"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!g_file_test (CS_TEST_QUEUE_EXECUTABLE, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_printerr ("countersign-queue is not built at %s\n", CS_TEST_QUEUE_EXECUTABLE);
      return 1;
    }

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/connection/local/submit-and-approve", test_local_submit_and_approve);
  ADD ("/connection/local/reopen-keeps-database-and-tokens", test_local_reopen);
  ADD ("/connection/local/lost-tokens-set-the-database-aside", test_local_lost_tokens);
  ADD ("/connection/local/restarts-a-killed-queue", test_local_restarts);
  ADD ("/connection/local/gives-up-after-repeated-deaths", test_local_gives_up);
  ADD ("/connection/local/missing-executable", test_local_missing_executable);
  ADD ("/connection/local/administrator-sets-up-accounts", test_local_administrator);
  ADD ("/connection/remote/uses-the-stored-token", test_remote_uses_stored_token);
  ADD ("/connection/remote/without-a-token", test_remote_without_token);
  ADD ("/connection/token-store/memory", test_token_store_memory);
#undef ADD

  return g_test_run ();
}
