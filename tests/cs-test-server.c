/* cs-test-server.c: the real queue server in a thread of its own, for tests
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-test-server.h"

#include <glib/gstdio.h>

struct _CsTestServer
{
  CsQueueStore *store;
  guint         port;
  gsize         max_body;
  guint         rate;
  GTlsCertificate *certificate;
  char         *accounts_key;     /* publishing, when not NULL */
  GTlsCertificate *trusted;
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  GMutex        lock;
  GCond         ready;
  gboolean      listening;
};

static gpointer
server_thread (gpointer data)
{
  CsTestServer *t = data;
  g_autoptr(CsQueueServer) server = NULL;
  g_autoptr(CsPublishService) publishing = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (t->context);
  server = cs_queue_server_new (t->store, CS_TEST_FACE_MODEL);
  cs_queue_server_set_limits (server, t->max_body, t->rate);
  if (t->accounts_key != NULL)
    {
      CsSecretBox *box = cs_secret_box_load (t->accounts_key, TRUE, &error);

      g_assert_no_error (error);
      publishing = cs_publish_service_new (t->store, cs_queue_server_get_checks (server), box);
      /* Seconds, not minutes, between tries: the tests wait for them. */
      cs_publish_service_set_retry_policy (publishing, 1, 3);
      cs_publish_service_trust_certificate (publishing, t->trusted);
      cs_queue_server_set_publishing (server, publishing);
    }
  if (!cs_queue_server_listen (server, loopback, t->port, t->certificate, &error))
    g_error ("The test server cannot listen: %s", error->message);
  if (publishing != NULL && !cs_publish_service_start (publishing, &error))
    g_error ("The test server cannot publish: %s", error->message);

  g_mutex_lock (&t->lock);
  t->port = cs_queue_server_get_port (server);
  t->listening = TRUE;
  g_cond_signal (&t->ready);
  g_mutex_unlock (&t->lock);

  g_main_loop_run (t->loop);
  if (publishing != NULL)
    cs_publish_service_stop (publishing);
  cs_queue_server_disconnect (server);
  g_main_context_pop_thread_default (t->context);
  return NULL;
}

static CsTestServer *
start (CsQueueStore    *store,
       guint            port,
       gsize            max_body,
       guint            rate_per_minute,
       GTlsCertificate *certificate,
       const char      *accounts_key,
       GTlsCertificate *trusted)
{
  CsTestServer *t = g_new0 (CsTestServer, 1);

  t->accounts_key = g_strdup (accounts_key);
  t->trusted = trusted != NULL ? g_object_ref (trusted) : NULL;
  t->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  t->store = g_object_ref (store);
  t->port = port;
  t->max_body = max_body;
  t->rate = rate_per_minute;
  t->context = g_main_context_new ();
  t->loop = g_main_loop_new (t->context, FALSE);
  g_mutex_init (&t->lock);
  g_cond_init (&t->ready);

  g_mutex_lock (&t->lock);
  t->thread = g_thread_new ("queue-server", server_thread, t);
  while (!t->listening)
    g_cond_wait (&t->ready, &t->lock);
  g_mutex_unlock (&t->lock);

  return t;
}

CsTestServer *
cs_test_server_start (CsQueueStore *store,
                      guint         port,
                      gsize         max_body,
                      guint         rate_per_minute)
{
  return start (store, port, max_body, rate_per_minute, NULL, NULL, NULL);
}

CsTestServer *
cs_test_server_start_tls (CsQueueStore    *store,
                          GTlsCertificate *certificate)
{
  return start (store, 0, CS_QUEUE_SERVER_DEFAULT_MAX_BODY, CS_QUEUE_SERVER_DEFAULT_RATE, certificate, NULL, NULL);
}

CsTestServer *
cs_test_server_start_publishing (CsQueueStore    *store,
                                 guint            port,
                                 const char      *accounts_key,
                                 GTlsCertificate *trusted)
{
  return start (store, port, 4 * 1024 * 1024, 6000, NULL, accounts_key, trusted);
}

guint
cs_test_server_get_port (CsTestServer *server)
{
  return server->port;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
cs_test_server_stop (CsTestServer *t)
{
  g_main_context_invoke (t->context, quit_cb, t->loop);
  g_thread_join (t->thread);
  g_main_loop_unref (t->loop);
  g_main_context_unref (t->context);
  g_object_unref (t->store);
  g_clear_object (&t->certificate);
  g_clear_object (&t->trusted);
  g_free (t->accounts_key);
  g_mutex_clear (&t->lock);
  g_cond_clear (&t->ready);
  g_free (t);
}

void
cs_test_store_result_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

gboolean
cs_test_timed_out_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

GAsyncResult *
cs_test_wait_for_result (GAsyncResult **slot,
                         guint          seconds)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add_seconds (seconds, cs_test_timed_out_cb, &timed_out);

  while (*slot == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (source);
  g_assert_nonnull (*slot);
  return *slot;
}

void
cs_test_wait_until (guint *count,
                    guint  n,
                    guint  seconds)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add_seconds (seconds, cs_test_timed_out_cb, &timed_out);

  while (*count < n && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (source);
  g_assert_cmpuint (*count, >=, n);
}

void
cs_test_remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        cs_test_remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}
