/* cs-test-platform.c: a stand-in for a social platform's API, for tests
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-test-platform.h"

#include <string.h>

typedef struct
{
  char                  *path;
  CsTestPlatformHandler  func;
  gpointer               data;
} Route;

struct _CsTestPlatform
{
  char            *dir;
  GTlsCertificate *certificate;
  GPtrArray       *routes;    /* Route */
  char            *url;
  GThread         *thread;
  GMainContext    *context;
  GMainLoop       *loop;
  GMutex           lock;      /* guards requests and listening */
  GCond            ready;
  gboolean         listening;
  GPtrArray       *requests;  /* CsTestRequest */
};

static void
route_free (Route *route)
{
  g_free (route->path);
  g_free (route);
}

void
cs_test_request_free (CsTestRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->method);
  g_free (request->path);
  g_free (request->query);
  soup_message_headers_unref (request->headers);
  g_bytes_unref (request->body);
  g_free (request);
}

static CsTestRequest *
request_copy (const CsTestRequest *request)
{
  CsTestRequest *copy = g_new0 (CsTestRequest, 1);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  copy->method = g_strdup (request->method);
  copy->path = g_strdup (request->path);
  copy->query = g_strdup (request->query);
  copy->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_message_headers_iter_init (&iter, request->headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    soup_message_headers_append (copy->headers, name, value);
  copy->body = g_bytes_ref (request->body);
  return copy;
}

GTlsCertificate *
cs_test_make_certificate (const char *dir,
                          const char *name)
{
  g_autofree char *cert_name = g_strconcat (name, "-cert.pem", NULL);
  g_autofree char *key_name = g_strconcat (name, "-key.pem", NULL);
  g_autofree char *cert = g_build_filename (dir, cert_name, NULL);
  g_autofree char *key = g_build_filename (dir, key_name, NULL);
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                         "-keyout", key, "-out", cert, NULL };
  int status;
  GTlsCertificate *certificate;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                               G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  return certificate;
}

CsTestPlatform *
cs_test_platform_new (const char *dir)
{
  CsTestPlatform *self = g_new0 (CsTestPlatform, 1);

  self->dir = g_strdup (dir);
  self->certificate = cs_test_make_certificate (dir, "platform");
  self->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) route_free);
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_test_request_free);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  g_mutex_init (&self->lock);
  g_cond_init (&self->ready);
  return self;
}

void
cs_test_platform_handle (CsTestPlatform        *self,
                         const char            *path,
                         CsTestPlatformHandler  handler,
                         gpointer               user_data)
{
  Route *route = g_new0 (Route, 1);

  g_assert_null (self->thread);
  route->path = g_strdup (path);
  route->func = handler;
  route->data = user_data;
  g_ptr_array_add (self->routes, route);
}

static void
dispatch_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           data)
{
  CsTestPlatform *self = data;
  GUri *uri = soup_server_message_get_uri (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  CsTestRequest request = {
    .method = (char *) soup_server_message_get_method (msg),
    .path = (char *) path,
    .query = (char *) g_uri_get_query (uri),
    .headers = soup_server_message_get_request_headers (msg),
    .body = bytes,
  };
  const Route *best = NULL;

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->requests, request_copy (&request));
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < self->routes->len; i++)
    {
      const Route *route = g_ptr_array_index (self->routes, i);

      if (g_str_has_prefix (path, route->path) && (best == NULL || strlen (route->path) > strlen (best->path)))
        best = route;
    }
  if (best == NULL)
    {
      cs_test_reply (msg, 404, "{\"error\":\"not found\"}", NULL);
      return;
    }
  best->func (self, msg, &request, best->data);
}

static gpointer
server_thread (gpointer data)
{
  CsTestPlatform *self = data;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  g_main_context_push_thread_default (self->context);
  server = soup_server_new ("tls-certificate", self->certificate, NULL);
  soup_server_add_handler (server, NULL, dispatch_cb, self, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_HTTPS | SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("The test platform cannot listen: %s", error->message);
  uris = soup_server_get_uris (server);

  g_mutex_lock (&self->lock);
  self->url = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uris->data));
  self->listening = TRUE;
  g_cond_signal (&self->ready);
  g_mutex_unlock (&self->lock);

  g_main_loop_run (self->loop);
  soup_server_disconnect (server);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

void
cs_test_platform_start (CsTestPlatform *self)
{
  g_mutex_lock (&self->lock);
  self->thread = g_thread_new ("test-platform", server_thread, self);
  while (!self->listening)
    g_cond_wait (&self->ready, &self->lock);
  g_mutex_unlock (&self->lock);
}

const char *
cs_test_platform_get_url (CsTestPlatform *self)
{
  return self->url;
}

GTlsCertificate *
cs_test_platform_get_certificate (CsTestPlatform *self)
{
  return self->certificate;
}

GPtrArray *
cs_test_platform_get_requests (CsTestPlatform *self)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_test_request_free);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->requests->len; i++)
    g_ptr_array_add (copy, request_copy (g_ptr_array_index (self->requests, i)));
  g_mutex_unlock (&self->lock);
  return copy;
}

guint
cs_test_platform_count (CsTestPlatform *self,
                        const char     *method,
                        const char     *path)
{
  guint n = 0;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->requests->len; i++)
    {
      const CsTestRequest *request = g_ptr_array_index (self->requests, i);

      if (g_str_equal (request->method, method) && g_str_has_prefix (request->path, path))
        n++;
    }
  g_mutex_unlock (&self->lock);
  return n;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
cs_test_platform_free (CsTestPlatform *self)
{
  if (self->thread != NULL)
    {
      g_main_context_invoke (self->context, quit_cb, self->loop);
      g_thread_join (self->thread);
    }
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_clear_object (&self->certificate);
  g_ptr_array_unref (self->routes);
  g_ptr_array_unref (self->requests);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->ready);
  g_free (self->url);
  g_free (self->dir);
  g_free (self);
}

JsonNode *
cs_test_request_json (const CsTestRequest *request)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (request->body, &len);

  json_parser_load_from_data (parser, data, len, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

SoupMultipart *
cs_test_request_multipart (const CsTestRequest *request)
{
  SoupMultipart *multipart = soup_multipart_new_from_message (request->headers, request->body);

  g_assert_nonnull (multipart);
  return multipart;
}

char *
cs_test_multipart_field (SoupMultipart  *multipart,
                         const char     *name,
                         char          **content_type,
                         GBytes        **bytes)
{
  for (int i = 0; i < soup_multipart_get_length (multipart); i++)
    {
      SoupMessageHeaders *headers;
      GBytes *body;
      g_autoptr(GHashTable) params = NULL;

      if (!soup_multipart_get_part (multipart, i, &headers, &body))
        continue;
      if (!soup_message_headers_get_content_disposition (headers, NULL, &params))
        continue;
      if (g_strcmp0 (g_hash_table_lookup (params, "name"), name) != 0)
        continue;
      if (content_type != NULL)
        *content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
      if (bytes != NULL)
        *bytes = g_bytes_ref (body);
      return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
    }
  return NULL;
}

void
cs_test_reply (SoupServerMessage *msg,
               guint              status,
               const char        *json,
               ...)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *name;
  va_list args;

  va_start (args, json);
  while ((name = va_arg (args, const char *)) != NULL)
    soup_message_headers_replace (headers, name, va_arg (args, const char *));
  va_end (args);

  soup_server_message_set_status (msg, status, NULL);
  if (json != NULL)
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

void
cs_test_drop (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  g_io_stream_close (stream, NULL, NULL);
}
