/* bench-queue.c: the approval queue under 200 clients at once
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-queue [sqlite|postgres] [SECONDS]
 *
 * Starts the real queue server (SQLite in a temporary folder, or the
 * PostgreSQL server CS_TEST_POSTGRES names, as with-postgres.py sets) and,
 * beside it in the same run, a bare libsoup server whose one handler
 * answers a constant JSON object: the ceiling any handler could reach on
 * this machine. 200 clients then keep a request each in flight against
 * each server in turn: text submits (every one checked against the policy,
 * written with its audit entry and synced to disk), then lists. The load
 * comes from wrk (Debian's package) when it is installed, which costs the
 * machine less than a client of our own; otherwise from libsoup's client.
 * Prints requests per second, median and p99 latency for each.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "cs-files-private.h"
#include "cs-queue-server.h"

#define CLIENTS 200
#define USERS   20

typedef struct
{
  SoupSession  *session;
  const char   *url;
  const char   *method;
  GBytes       *body;
  char        **tokens;
  gint64        until;
  GArray       *latencies;  /* ms */
  guint         in_flight;
  guint         failures;
  guint         sent;
  GMainLoop    *loop;
} Load;

typedef struct
{
  Load   *load;
  gint64  started;
} Request;

static void send_one (Load *load);

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Request *request = data;
  Load *load = request->load;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  guint status = msg != NULL ? soup_message_get_status (msg) : 0;
  double ms = (g_get_monotonic_time () - request->started) / 1000.0;

  if (body == NULL || status >= 300)
    load->failures++;
  else
    g_array_append_val (load->latencies, ms);
  g_free (request);
  load->in_flight--;

  if (g_get_monotonic_time () < load->until)
    send_one (load);
  else if (load->in_flight == 0)
    g_main_loop_quit (load->loop);
}

static void
send_one (Load *load)
{
  g_autoptr(SoupMessage) msg = soup_message_new (load->method, load->url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", load->tokens[load->sent % USERS]);
  Request *request = g_new0 (Request, 1);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  if (load->body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", load->body);
  request->load = load;
  request->started = g_get_monotonic_time ();
  load->in_flight++;
  load->sent++;
  soup_session_send_and_read_async (load->session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, request);
}

/* wrk with 200 connections on 2 threads; its Lua script sets the method,
 * body and headers. Prints the figures in the same columns as run_load(). */
static gboolean
run_wrk (const char *label,
         const char *method,
         const char *url,
         const char *body,
         const char *token,
         double      seconds,
         const char *dir)
{
  g_autofree char *wrk = g_find_program_in_path ("wrk");
  g_autofree char *script = g_build_filename (dir, "request.lua", NULL);
  g_autofree char *duration = g_strdup_printf ("%.0fs", seconds);
  g_autofree char *clients = g_strdup_printf ("%d", CLIENTS);
  g_autofree char *out = NULL;
  g_autoptr(GString) lua = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) rate = g_regex_new ("Requests/sec:\\s+([0-9.]+)", 0, 0, NULL);
  g_autoptr(GRegex) p50 = g_regex_new ("\\s50%\\s+([0-9.]+)(us|ms|s)", 0, 0, NULL);
  g_autoptr(GRegex) p99 = g_regex_new ("\\s99%\\s+([0-9.]+)(us|ms|s)", 0, 0, NULL);
  g_autoptr(GRegex) bad = g_regex_new ("Non-2xx or 3xx responses:\\s+([0-9]+)", 0, 0, NULL);
  g_autoptr(GMatchInfo) m = NULL;
  double figures[3] = { 0, 0, 0 };
  GRegex *regexes[3] = { rate, p50, p99 };
  const char *argv[] = { wrk, "-t2", "-c", clients, "-d", duration, "--latency", "-s", script, url, NULL };
  int status;
  guint64 failed = 0;

  if (wrk == NULL)
    return FALSE;

  g_string_append_printf (lua, "wrk.method = \"%s\"\n", method);
  g_string_append_printf (lua, "wrk.headers[\"Authorization\"] = \"Bearer %s\"\n", token);
  if (body != NULL)
    {
      g_string_append (lua, "wrk.headers[\"Content-Type\"] = \"application/json\"\n");
      g_string_append_printf (lua, "wrk.body = [==[%s]==]\n", body);
    }
  if (!g_file_set_contents (script, lua->str, -1, &error) ||
      !g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, &error))
    g_error ("%s", error->message);

  for (int i = 0; i < 3; i++)
    {
      g_clear_pointer (&m, g_match_info_unref);
      if (g_regex_match (regexes[i], out, 0, &m))
        {
          g_autofree char *number = g_match_info_fetch (m, 1);
          g_autofree char *unit = i > 0 ? g_match_info_fetch (m, 2) : NULL;

          figures[i] = g_ascii_strtod (number, NULL);
          if (g_strcmp0 (unit, "us") == 0)
            figures[i] /= 1000;
          else if (g_strcmp0 (unit, "s") == 0)
            figures[i] *= 1000;
        }
    }
  g_clear_pointer (&m, g_match_info_unref);
  if (g_regex_match (bad, out, 0, &m))
    {
      g_autofree char *number = g_match_info_fetch (m, 1);

      failed = g_ascii_strtoull (number, NULL, 10);
    }

  printf ("  %-34s %8.0f req/s   median %6.1f ms   p99 %7.1f ms   (wrk; %" G_GUINT64_FORMAT " not 2xx)\n",
          label, figures[0], figures[1], figures[2], failed);
  fflush (stdout);
  return TRUE;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
run_load (const char  *label,
          const char  *method,
          const char  *url,
          const char  *body,
          char       **tokens,
          double       seconds)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Load load = { 0 };
  gint64 started = g_get_monotonic_time ();
  double elapsed;
  guint n;

  load.session = soup_session_new_with_options ("max-conns", CLIENTS + 8, "max-conns-per-host", CLIENTS + 8,
                                                "timeout", 60, NULL);
  load.url = url;
  load.method = method;
  load.body = body != NULL ? g_bytes_new_static (body, strlen (body)) : NULL;
  load.tokens = tokens;
  load.until = started + (gint64) (seconds * G_USEC_PER_SEC);
  load.latencies = g_array_new (FALSE, FALSE, sizeof (double));
  load.loop = loop;

  for (int i = 0; i < CLIENTS; i++)
    send_one (&load);
  g_main_loop_run (loop);
  elapsed = (g_get_monotonic_time () - started) / 1e6;

  n = load.latencies->len;
  g_array_sort (load.latencies, compare_double);
  printf ("  %-34s %8.0f req/s   median %6.1f ms   p99 %7.1f ms   (%u done, %u failed)\n",
          label, n / elapsed,
          n > 0 ? g_array_index (load.latencies, double, n / 2) : 0.0,
          n > 0 ? g_array_index (load.latencies, double, MIN (n - 1, (guint) (n * 0.99))) : 0.0,
          n, load.failures);
  fflush (stdout);

  g_array_unref (load.latencies);
  g_clear_pointer (&load.body, g_bytes_unref);
  g_object_unref (load.session);
}

/* The ceiling: a handler that does nothing but answer. */
static void
constant_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           data)
{
  static const char reply[] = "{\"id\":1,\"state\":\"pending\"}";

  soup_server_message_set_status (msg, strcmp (soup_server_message_get_method (msg), "POST") == 0 ? 201 : 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, reply, sizeof reply - 1);
}

typedef struct
{
  CsQueueStore *store;
  gboolean      bare;
  guint         port;
  GMutex        lock;
  GCond         ready;
} ServerThread;

static gpointer
server_thread (gpointer data)
{
  ServerThread *t = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (context, FALSE);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsQueueServer) queue = NULL;
  g_autoptr(SoupServer) bare = NULL;
  guint port;

  g_main_context_push_thread_default (context);
  if (t->bare)
    {
      g_autoptr(GSocketAddress) where = g_inet_socket_address_new (loopback, 0);
      g_autoslist(GUri) uris = NULL;

      g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, &error);

      /* The same listen backlog as the queue's, so the two differ only in
       * what their handlers do. */
      bare = soup_server_new (NULL, NULL);
      soup_server_add_handler (bare, NULL, constant_cb, NULL, NULL);
      g_socket_set_listen_backlog (socket, 1024);
      if (!g_socket_bind (socket, where, TRUE, &error) || !g_socket_listen (socket, &error) ||
          !soup_server_listen_socket (bare, socket, 0, &error))
        g_error ("%s", error->message);
      uris = soup_server_get_uris (bare);
      port = g_uri_get_port (uris->data);
    }
  else
    {
      queue = cs_queue_server_new (t->store, NULL);
      cs_queue_server_set_limits (queue, CS_QUEUE_SERVER_DEFAULT_MAX_BODY, 100000000);
      if (!cs_queue_server_warm_up (queue, &error) || !cs_queue_server_listen (queue, loopback, 0, NULL, &error))
        g_error ("%s", error->message);
      port = cs_queue_server_get_port (queue);
    }

  g_mutex_lock (&t->lock);
  t->port = port;
  g_cond_signal (&t->ready);
  g_mutex_unlock (&t->lock);

  g_main_loop_run (loop);
  return NULL;
}

static guint
start_server (ServerThread *t)
{
  g_mutex_init (&t->lock);
  g_cond_init (&t->ready);
  g_mutex_lock (&t->lock);
  g_thread_unref (g_thread_new ("server", server_thread, t));
  while (t->port == 0)
    g_cond_wait (&t->ready, &t->lock);
  g_mutex_unlock (&t->lock);
  return t->port;
}

int
main (int   argc,
      char *argv[])
{
  const char *backend = argc > 1 ? argv[1] : "sqlite";
  double seconds = argc > 2 ? g_ascii_strtod (argv[2], NULL) : 5.0;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-queue-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "queue.db", NULL);
  g_autoptr(CsQueueStore) store = NULL;
  ServerThread queue_thread = { 0 }, bare_thread = { 0 };
  char *tokens[USERS];
  g_autofree char *submit_url = NULL;
  g_autofree char *bare_url = NULL;
  static const char body[] = "{\"text\":\"Year 4 enjoyed a wonderful trip to the science museum today. "
                             "Thank you to the parents who helped!\",\"platforms\":[\"x\",\"mastodon\"]}";

  if (strcmp (backend, "postgres") == 0)
    {
      const char *conninfo = g_getenv ("CS_TEST_POSTGRES");

      if (conninfo == NULL)
        g_error ("run under tests/with-postgres.py for the PostgreSQL figures");
      store = cs_queue_store_open_postgres (conninfo, &error);
    }
  else
    store = cs_queue_store_open_sqlite (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);

  if (!cs_queue_store_add_school (store, "bench", "Benchmark Primary", &error))
    g_error ("%s", error->message);
  for (int i = 0; i < USERS; i++)
    {
      g_autofree char *name = g_strdup_printf ("staff%d", i);

      tokens[i] = cs_queue_store_add_user (store, "bench", name, CS_USER_STAFF, NULL, &error);
    }
  g_assert_no_error (error);

  queue_thread.store = store;
  submit_url = g_strdup_printf ("http://127.0.0.1:%u/api/v1/posts", start_server (&queue_thread));
  bare_thread.bare = TRUE;
  bare_url = g_strdup_printf ("http://127.0.0.1:%u/api/v1/posts", start_server (&bare_thread));

  printf ("%d clients, %.0f s each, %s:\n", CLIENTS, seconds, backend);
  if (!run_wrk ("bare libsoup handler, POST", "POST", bare_url, body, tokens[0], seconds, dir))
    run_load ("bare libsoup handler, POST", "POST", bare_url, body, tokens, seconds);
  if (!run_wrk ("queue: text submits", "POST", submit_url, body, tokens[0], seconds, dir))
    run_load ("queue: text submits", "POST", submit_url, body, tokens, seconds);
  /* Lists as the app makes them: a member of staff their own posts, of
   * whom this one has written twenty. */
  for (int i = 0; i < 20; i++)
    {
      g_autoptr(CsQueuePost) post = cs_queue_post_new ();
      g_autoptr(CsQueueUser) user = cs_queue_store_authenticate (store, tokens[1]);

      post->text = g_strdup_printf ("Our class assembly number %d was a delight.", i);
      post->platforms_json = g_strdup ("[\"x\"]");
      if (!cs_queue_store_submit (store, user, post, NULL, NULL, NULL, NULL, &error))
        g_error ("%s", error->message);
    }
  if (!run_wrk ("bare libsoup handler, GET", "GET", bare_url, NULL, tokens[1], seconds, dir))
    run_load ("bare libsoup handler, GET", "GET", bare_url, NULL, tokens, seconds);
  if (!run_wrk ("queue: list own posts (staff)", "GET", submit_url, NULL, tokens[1], seconds, dir))
    run_load ("queue: list own posts (staff)", "GET", submit_url, NULL, tokens, seconds);
  fflush (stdout);

  for (int i = 0; i < USERS; i++)
    g_free (tokens[i]);
  /* The servers' threads end with the process; the folder goes now. */
  cs_delete_path (dir, NULL);
  return 0;
}
