/* cs-queue-client.c: talks to the approval queue for the app
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cs-queue-client.h"

#include <libsoup/soup.h>
#include <string.h>

/* The largest answer taken from the server: a list of 500 posts. */
#define MAX_REPLY_BYTES (16u * 1024u * 1024u)
#define RECONNECT_SECONDS 5

struct _CsQueueClient
{
  GObject                  parent_instance;

  char                    *base_url;
  char                    *token;
  SoupSession             *session;
  GTlsCertificate         *pinned;

  SoupWebsocketConnection *events;
  gboolean                 listening;
  guint                    reconnect_source;
};

G_DEFINE_FINAL_TYPE (CsQueueClient, cs_queue_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (cs-queue-client-error-quark, cs_queue_client_error)

enum { POST_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

gboolean
cs_queue_client_error_is_transient (const GError *error)
{
  return g_error_matches (error, CS_QUEUE_CLIENT_ERROR, CS_QUEUE_CLIENT_ERROR_NETWORK) ||
         g_error_matches (error, CS_QUEUE_CLIENT_ERROR, CS_QUEUE_CLIENT_ERROR_BUSY);
}

static void
cs_queue_client_dispose (GObject *object)
{
  CsQueueClient *self = CS_QUEUE_CLIENT (object);

  self->listening = FALSE;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  if (self->events != NULL && soup_websocket_connection_get_state (self->events) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->events, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_clear_object (&self->events);
  g_clear_object (&self->session);
  g_clear_object (&self->pinned);

  G_OBJECT_CLASS (cs_queue_client_parent_class)->dispose (object);
}

static void
cs_queue_client_finalize (GObject *object)
{
  CsQueueClient *self = CS_QUEUE_CLIENT (object);

  g_free (self->base_url);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);

  G_OBJECT_CLASS (cs_queue_client_parent_class)->finalize (object);
}

static void
cs_queue_client_class_init (CsQueueClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cs_queue_client_dispose;
  object_class->finalize = cs_queue_client_finalize;

  signals[POST_CHANGED] = g_signal_new ("post-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
}

static void
cs_queue_client_init (CsQueueClient *self)
{
  self->session = soup_session_new_with_options ("timeout", 60, "idle-timeout", 60,
                                                 "user-agent", "Countersign/" PACKAGE_VERSION, NULL);
}

CsQueueClient *
cs_queue_client_new (const char *base_url,
                     const char *token)
{
  CsQueueClient *self = g_object_new (CS_TYPE_QUEUE_CLIENT, NULL);
  g_autofree char *trimmed = g_strdup (base_url);
  gsize len = strlen (trimmed);

  while (len > 0 && trimmed[len - 1] == '/')
    trimmed[--len] = '\0';
  self->base_url = g_strdup_printf ("%s/api/v1", trimmed);
  self->token = g_strdup (token);
  return self;
}

void
cs_queue_client_set_token (CsQueueClient *self,
                           const char    *token)
{
  g_return_if_fail (CS_IS_QUEUE_CLIENT (self));

  g_free (self->token);
  self->token = g_strdup (token);
}

void
cs_queue_client_pin_certificate (CsQueueClient   *self,
                                 GTlsCertificate *certificate)
{
  g_return_if_fail (CS_IS_QUEUE_CLIENT (self));
  g_set_object (&self->pinned, certificate);
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *peer,
                       GTlsCertificateFlags  errors,
                       CsQueueClient        *self)
{
  return self->pinned != NULL && g_tls_certificate_is_same (peer, self->pinned);
}

static SoupMessage *
new_message (CsQueueClient *self,
             const char    *method,
             const char    *path)
{
  g_autofree char *url = g_strdup_printf ("%s%s", self->base_url, path);
  SoupMessage *msg = soup_message_new (method, url);

  if (msg == NULL)
    return NULL;
  if (self->token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", self->token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  g_signal_connect_object (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), self, 0);
  return msg;
}

/* Turns an answer into its JSON object, or an error in the server's
 * words with the findings it gave. */
static JsonNode *
read_reply (SoupMessage  *msg,
            GBytes       *body,
            JsonArray   **findings,
            GError      **error)
{
  guint status = soup_message_get_status (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object = NULL;
  const char *message = NULL;
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  CsQueueClientError code;

  if (len > 0 && json_parser_load_from_data (parser, data, len, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    object = json_node_get_object (json_parser_get_root (parser));

  if (status >= 200 && status < 300)
    {
      if (object == NULL)
        {
          g_set_error_literal (error, CS_QUEUE_CLIENT_ERROR, CS_QUEUE_CLIENT_ERROR_BUSY,
                               _("The approval queue sent an answer Countersign cannot read. Try again later."));
          return NULL;
        }
      return json_node_ref (json_parser_get_root (parser));
    }

  if (object != NULL && json_object_has_member (object, "message"))
    message = json_object_get_string_member (object, "message");
  if (findings != NULL && object != NULL && json_object_has_member (object, "findings"))
    *findings = json_array_ref (json_object_get_array_member (object, "findings"));

  if (status == SOUP_STATUS_UNAUTHORIZED)
    code = CS_QUEUE_CLIENT_ERROR_UNAUTHORIZED;
  else if (status == SOUP_STATUS_FORBIDDEN)
    code = CS_QUEUE_CLIENT_ERROR_FORBIDDEN;
  else if (status == SOUP_STATUS_CONFLICT)
    code = CS_QUEUE_CLIENT_ERROR_CONFLICT;
  else if (status == 429 || status >= 500)
    code = CS_QUEUE_CLIENT_ERROR_BUSY;
  else
    code = CS_QUEUE_CLIENT_ERROR_REFUSED;

  g_set_error (error, CS_QUEUE_CLIENT_ERROR, code, "%s",
               message != NULL ? message
               : code == CS_QUEUE_CLIENT_ERROR_BUSY ? _("The approval queue is busy. Countersign will try again.")
               : _("The approval queue refused the request."));
  return NULL;
}

/* No answer came: cancelled, or a network error the caller may retry. */
static void
return_unanswered (GTask  *task,
                   GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, error);
  else
    {
      g_task_return_new_error (task, CS_QUEUE_CLIENT_ERROR, CS_QUEUE_CLIENT_ERROR_NETWORK,
                               _("The approval queue could not be reached (%s). Countersign will try again "
                               "when it can."), error->message);
      g_error_free (error);
    }
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  JsonArray *findings = NULL;
  JsonNode *reply;

  if (body == NULL)
    {
      return_unanswered (task, g_steal_pointer (&error));
      return;
    }
  if (g_bytes_get_size (body) > MAX_REPLY_BYTES)
    {
      g_task_return_new_error (task, CS_QUEUE_CLIENT_ERROR, CS_QUEUE_CLIENT_ERROR_BUSY,
                               _("The approval queue sent far more than expected."));
      return;
    }

  reply = read_reply (msg, body, &findings, &error);
  if (findings != NULL)
    g_object_set_data_full (G_OBJECT (task), "findings", findings, (GDestroyNotify) json_array_unref);
  if (reply == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) json_node_unref);
}

/* Sends @msg (taking it); @task returns what @done makes of the answer,
 * by default its JSON. */
static void
start_send_with (CsQueueClient       *self,
                 GTask               *task,
                 SoupMessage         *msg,
                 GAsyncReadyCallback  done)
{
  g_task_set_task_data (task, msg, g_object_unref);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                    done, task);
}

static void
start_send (CsQueueClient *self,
            GTask         *task,
            SoupMessage   *msg)
{
  start_send_with (self, task, msg, sent_cb);
}

static void
send (CsQueueClient       *self,
      SoupMessage         *msg,
      gpointer             source_tag,
      GCancellable        *cancellable,
      GAsyncReadyCallback  callback,
      gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  start_send (self, task, msg);
}

static JsonNode *
finish (CsQueueClient  *self,
        GAsyncResult   *result,
        JsonArray     **findings,
        GError        **error)
{
  JsonArray *found;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  found = g_object_get_data (G_OBJECT (result), "findings");
  if (findings != NULL)
    *findings = found != NULL ? json_array_ref (found) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

static JsonObject *
finish_object (CsQueueClient  *self,
               GAsyncResult   *result,
               JsonArray     **findings,
               GError        **error)
{
  g_autoptr(JsonNode) node = finish (self, result, findings, error);

  return node != NULL ? json_object_ref (json_node_get_object (node)) : NULL;
}

static void
set_json_body (SoupMessage *msg,
               JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  char *text = json_to_string (root, FALSE);
  g_autoptr(GBytes) body = g_bytes_new_take (text, strlen (text));

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
}

/* Submitting */

typedef struct
{
  char       *key;
  SoupMessageHeaders *headers;
  GBytes     *body;
} Built;

static void
built_free (Built *built)
{
  g_free (built->key);
  g_clear_pointer (&built->headers, soup_message_headers_unref);
  g_clear_pointer (&built->body, g_bytes_unref);
  g_free (built);
}

/* In a worker: the photos may be megabytes each. */
static void
build_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GFile *folder = task_data;
  g_autoptr(GFile) file = g_file_get_child (folder, "submission.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;
  JsonObject *submission;
  JsonArray *photos;
  Built *built;
  g_autoptr(JsonBuilder) post = json_builder_new ();
  g_autoptr(JsonNode) post_root = NULL;
  g_autofree char *post_text = NULL;

  if (!json_parser_load_from_mapped_file (parser, path, &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_task_return_new_error (task, CS_QUEUE_CLIENT_ERROR, CS_QUEUE_CLIENT_ERROR_REFUSED,
                               _("The saved submission %s cannot be read: %s"), path,
                               error != NULL ? error->message : _("not a JSON object"));
      return;
    }
  submission = json_node_get_object (json_parser_get_root (parser));
  photos = json_object_has_member (submission, "photos") ? json_object_get_array_member (submission, "photos") : NULL;

  json_builder_begin_object (post);
  json_builder_set_member_name (post, "text");
  json_builder_add_string_value (post, json_object_get_string_member (submission, "text"));
  json_builder_set_member_name (post, "platforms");
  json_builder_add_value (post, json_node_copy (json_object_get_member (submission, "platforms")));
  if (photos != NULL && json_array_get_length (photos) > 0)
    {
      json_builder_set_member_name (post, "photos");
      json_builder_begin_array (post);
      for (guint i = 0; i < json_array_get_length (photos); i++)
        {
          JsonObject *photo = json_array_get_object_element (photos, i);

          json_builder_begin_object (post);
          json_builder_set_member_name (post, "alt");
          json_builder_add_string_value (post, json_object_get_string_member (photo, "alt"));
          json_builder_set_member_name (post, "tags");
          json_builder_add_value (post, json_object_has_member (photo, "tags")
                                        ? json_node_copy (json_object_get_member (photo, "tags"))
                                        : json_node_new (JSON_NODE_ARRAY));
          json_builder_end_object (post);
        }
      json_builder_end_array (post);
    }
  json_builder_end_object (post);
  post_root = json_builder_get_root (post);
  post_text = json_to_string (post_root, FALSE);

  built = g_new0 (Built, 1);
  built->key = g_strdup (json_object_get_string_member (submission, "key"));
  built->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);

  if (photos == NULL || json_array_get_length (photos) == 0)
    {
      gsize len = strlen (post_text);

      soup_message_headers_set_content_type (built->headers, "application/json", NULL);
      built->body = g_bytes_new_take (g_steal_pointer (&post_text), len);
    }
  else
    {
      g_autoptr(SoupMultipart) multipart = soup_multipart_new ("multipart/form-data");

      soup_multipart_append_form_string (multipart, "post", post_text);
      for (guint i = 0; i < json_array_get_length (photos); i++)
        {
          JsonObject *photo = json_array_get_object_element (photos, i);
          g_autoptr(GFile) jpeg_file = g_file_get_child (folder, json_object_get_string_member (photo, "file"));
          g_autoptr(GBytes) jpeg = g_file_load_bytes (jpeg_file, cancellable, NULL, &error);
          g_autofree char *name = g_strdup_printf ("photo%u", i);

          if (jpeg == NULL)
            {
              built_free (built);
              g_task_return_new_error (task, CS_QUEUE_CLIENT_ERROR, CS_QUEUE_CLIENT_ERROR_REFUSED,
                                       _("A photo of the saved submission cannot be read: %s"), error->message);
              return;
            }
          soup_multipart_append_form_file (multipart, name, "photo.jpg", "image/jpeg", jpeg);
        }
      soup_multipart_to_message (multipart, built->headers, &built->body);
    }

  g_task_return_pointer (task, built, (GDestroyNotify) built_free);
}

static void
built_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CsQueueClient *self = CS_QUEUE_CLIENT (source);
  g_autoptr(GError) error = NULL;
  Built *built = g_task_propagate_pointer (G_TASK (result), &error);
  SoupMessage *msg;
  SoupMessageHeadersIter iter;
  const char *name, *value;

  if (built == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  msg = new_message (self, "POST", "/posts");
  soup_message_headers_iter_init (&iter, built->headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    soup_message_headers_replace (soup_message_get_request_headers (msg), name, value);
  if (built->key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", built->key);
  soup_message_set_request_body_from_bytes (msg, NULL, built->body);
  built_free (built);

  /* The caller's task finishes when the answer comes. */
  start_send (self, g_steal_pointer (&task), msg);
}

void
cs_queue_client_submit_async (CsQueueClient       *self,
                              GFile               *folder,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  g_autoptr(GTask) build = NULL;

  g_return_if_fail (CS_IS_QUEUE_CLIENT (self));
  g_return_if_fail (G_IS_FILE (folder));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_queue_client_submit_async);
  build = g_task_new (self, cancellable, built_cb, task);
  g_task_set_task_data (build, g_object_ref (folder), g_object_unref);
  g_task_run_in_thread (build, build_thread);
}

JsonObject *
cs_queue_client_submit_finish (CsQueueClient  *self,
                               GAsyncResult   *result,
                               JsonArray     **findings,
                               GError        **error)
{
  return finish_object (self, result, findings, error);
}

#define MAX_PHOTO_BYTES (10u * 1024u * 1024u)

static void
photo_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  const char *type;

  if (body == NULL)
    {
      return_unanswered (task, g_steal_pointer (&error));
      return;
    }
  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  if (soup_message_get_status (msg) != SOUP_STATUS_OK || g_strcmp0 (type, "image/jpeg") != 0 ||
      g_bytes_get_size (body) > MAX_PHOTO_BYTES)
    {
      g_autoptr(JsonNode) ignored = read_reply (msg, body, NULL, &error);

      if (error == NULL)
        g_set_error_literal (&error, CS_QUEUE_CLIENT_ERROR, CS_QUEUE_CLIENT_ERROR_REFUSED,
                             _("The approval queue sent something other than a photo."));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
}

void
cs_queue_client_get_photo_async (CsQueueClient       *self,
                                 gint64               post,
                                 guint                index,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autofree char *path = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/photos/%u", post, index);
  SoupMessage *msg;
  GTask *task;

  g_return_if_fail (CS_IS_QUEUE_CLIENT (self));

  msg = new_message (self, "GET", path);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_queue_client_get_photo_async);
  start_send_with (self, task, msg, photo_cb);
}

GBytes *
cs_queue_client_get_photo_finish (CsQueueClient  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
cs_queue_client_list_async (CsQueueClient       *self,
                            const char          *state,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autofree char *escaped = state != NULL ? g_uri_escape_string (state, NULL, FALSE) : NULL;

  g_return_if_fail (CS_IS_QUEUE_CLIENT (self));

  path = state != NULL ? g_strdup_printf ("/posts?state=%s", escaped) : g_strdup ("/posts");
  send (self, new_message (self, "GET", path), cs_queue_client_list_async, cancellable, callback, user_data);
}

/* The array @member of the answer, which says @what it is when it is not
 * there. */
static JsonArray *
finish_array (CsQueueClient  *self,
              GAsyncResult   *result,
              const char     *member,
              const char     *unreadable,
              GError        **error)
{
  g_autoptr(JsonNode) node = finish (self, result, NULL, error);
  JsonObject *object;

  if (node == NULL)
    return NULL;
  object = json_node_get_object (node);
  if (!json_object_has_member (object, member) || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, member)))
    {
      g_set_error_literal (error, CS_QUEUE_CLIENT_ERROR, CS_QUEUE_CLIENT_ERROR_BUSY, unreadable);
      return NULL;
    }
  return json_array_ref (json_object_get_array_member (object, member));
}

JsonArray *
cs_queue_client_list_finish (CsQueueClient  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  return finish_array (self, result, "posts",
                       _("The approval queue sent a list of posts Countersign cannot read."), error);
}

void
cs_queue_client_decide_async (CsQueueClient       *self,
                              gint64               post,
                              const char          *verb,
                              const char          *content_hash,
                              const char          *comment,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autofree char *path = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/%s", post, verb);
  g_autoptr(JsonBuilder) body = json_builder_new ();
  SoupMessage *msg;

  g_return_if_fail (CS_IS_QUEUE_CLIENT (self));
  g_return_if_fail (g_strcmp0 (verb, "approve") == 0 || g_strcmp0 (verb, "reject") == 0 ||
                    g_strcmp0 (verb, "withdraw") == 0);

  msg = new_message (self, "POST", path);
  json_builder_begin_object (body);
  if (content_hash != NULL)
    {
      json_builder_set_member_name (body, "content_hash");
      json_builder_add_string_value (body, content_hash);
    }
  if (comment != NULL)
    {
      json_builder_set_member_name (body, "comment");
      json_builder_add_string_value (body, comment);
    }
  json_builder_end_object (body);
  set_json_body (msg, body);
  send (self, msg, cs_queue_client_decide_async, cancellable, callback, user_data);
}

JsonObject *
cs_queue_client_decide_finish (CsQueueClient  *self,
                               GAsyncResult   *result,
                               JsonArray     **findings,
                               GError        **error)
{
  return finish_object (self, result, findings, error);
}

void
cs_queue_client_approve_async (CsQueueClient       *self,
                               gint64               post,
                               const char          *content_hash,
                               const char          *comment,
                               GDateTime           *publish_at,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autofree char *path = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/approve", post);
  g_autoptr(JsonBuilder) body = json_builder_new ();
  SoupMessage *msg;

  g_return_if_fail (CS_IS_QUEUE_CLIENT (self));
  g_return_if_fail (content_hash != NULL);

  msg = new_message (self, "POST", path);
  json_builder_begin_object (body);
  json_builder_set_member_name (body, "content_hash");
  json_builder_add_string_value (body, content_hash);
  if (comment != NULL)
    {
      json_builder_set_member_name (body, "comment");
      json_builder_add_string_value (body, comment);
    }
  if (publish_at != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (publish_at);
      g_autofree char *when = g_date_time_format_iso8601 (utc);

      json_builder_set_member_name (body, "publish_at");
      json_builder_add_string_value (body, when);
    }
  json_builder_end_object (body);
  set_json_body (msg, body);
  send (self, msg, cs_queue_client_approve_async, cancellable, callback, user_data);
}

void
cs_queue_client_retry_delivery_async (CsQueueClient       *self,
                                      gint64               post,
                                      const char          *platform,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (CS_IS_QUEUE_CLIENT (self));
  g_return_if_fail (platform != NULL && strchr (platform, '/') == NULL);

  path = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/deliveries/%s/retry", post, platform);
  send (self, new_message (self, "POST", path), cs_queue_client_retry_delivery_async, cancellable, callback,
        user_data);
}

void
cs_queue_client_get_review_async (CsQueueClient       *self,
                                  gint64               post,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char *path = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/review", post);

  g_return_if_fail (CS_IS_QUEUE_CLIENT (self));
  send (self, new_message (self, "GET", path), cs_queue_client_get_review_async, cancellable, callback, user_data);
}

JsonObject *
cs_queue_client_get_review_finish (CsQueueClient  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  return finish_object (self, result, NULL, error);
}

/* Accounts */

void
cs_queue_client_list_accounts_async (CsQueueClient       *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (CS_IS_QUEUE_CLIENT (self));
  send (self, new_message (self, "GET", "/accounts"), cs_queue_client_list_accounts_async, cancellable, callback,
        user_data);
}

void
cs_queue_client_set_account_async (CsQueueClient       *self,
                                   const char          *platform,
                                   JsonObject          *settings,
                                   JsonObject          *secrets,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonBuilder) body = json_builder_new ();
  SoupMessage *msg;

  g_return_if_fail (CS_IS_QUEUE_CLIENT (self));
  g_return_if_fail (platform != NULL && strchr (platform, '/') == NULL);

  path = g_strdup_printf ("/accounts/%s", platform);
  msg = new_message (self, "PUT", path);
  json_builder_begin_object (body);
  json_builder_set_member_name (body, "settings");
  json_builder_add_value (body, json_node_init_object (json_node_alloc (), settings));
  json_builder_set_member_name (body, "secrets");
  json_builder_add_value (body, json_node_init_object (json_node_alloc (), secrets));
  json_builder_end_object (body);
  set_json_body (msg, body);
  send (self, msg, cs_queue_client_set_account_async, cancellable, callback, user_data);
}

void
cs_queue_client_remove_account_async (CsQueueClient       *self,
                                      const char          *platform,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (CS_IS_QUEUE_CLIENT (self));
  g_return_if_fail (platform != NULL && strchr (platform, '/') == NULL);

  path = g_strdup_printf ("/accounts/%s", platform);
  send (self, new_message (self, "DELETE", path), cs_queue_client_remove_account_async, cancellable, callback,
        user_data);
}

JsonArray *
cs_queue_client_accounts_finish (CsQueueClient  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  return finish_array (self, result, "accounts",
                       _("The approval queue sent a list of accounts Countersign cannot read."), error);
}

void
cs_queue_client_login_async (CsQueueClient       *self,
                             const char          *school,
                             const char          *username,
                             const char          *password,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(JsonBuilder) body = json_builder_new ();
  SoupMessage *msg;

  g_return_if_fail (CS_IS_QUEUE_CLIENT (self));

  msg = new_message (self, "POST", "/login");
  soup_message_headers_remove (soup_message_get_request_headers (msg), "Authorization");
  json_builder_begin_object (body);
  json_builder_set_member_name (body, "school");
  json_builder_add_string_value (body, school);
  json_builder_set_member_name (body, "username");
  json_builder_add_string_value (body, username);
  json_builder_set_member_name (body, "password");
  json_builder_add_string_value (body, password);
  json_builder_end_object (body);
  set_json_body (msg, body);
  send (self, msg, cs_queue_client_login_async, cancellable, callback, user_data);
}

JsonObject *
cs_queue_client_login_finish (CsQueueClient  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  JsonObject *reply = finish_object (self, result, NULL, error);

  if (reply != NULL && json_object_has_member (reply, "token"))
    cs_queue_client_set_token (self, json_object_get_string_member (reply, "token"));
  return reply;
}

/* Events */

static void connect_events (CsQueueClient *self);

static gboolean
reconnect_cb (gpointer data)
{
  CsQueueClient *self = data;

  self->reconnect_source = 0;
  connect_events (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (CsQueueClient *self)
{
  if (self->listening && self->reconnect_source == 0)
    self->reconnect_source = g_timeout_add_seconds (RECONNECT_SECONDS, reconnect_cb, self);
}

static void
event_cb (SoupWebsocketConnection *connection,
          int                      type,
          GBytes                  *message,
          CsQueueClient           *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data = g_bytes_get_data (message, &len);
  JsonObject *event;

  if (type != SOUP_WEBSOCKET_DATA_TEXT || !json_parser_load_from_data (parser, data, len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  event = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member_with_default (event, "event", ""), "post-changed") == 0 &&
      json_object_has_member (event, "post") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (event, "post")))
    g_signal_emit (self, signals[POST_CHANGED], 0, json_object_get_object_member (event, "post"));
}

static void
events_closed_cb (SoupWebsocketConnection *connection,
                  CsQueueClient           *self)
{
  g_clear_object (&self->events);
  schedule_reconnect (self);
}

static void
events_connected_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(CsQueueClient) self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  if (connection == NULL)
    {
      g_debug ("Event stream: %s", error->message);
      schedule_reconnect (self);
      return;
    }
  self->events = connection;
  g_signal_connect_object (connection, "message", G_CALLBACK (event_cb), self, 0);
  g_signal_connect_object (connection, "closed", G_CALLBACK (events_closed_cb), self, 0);
}

static void
connect_events (CsQueueClient *self)
{
  g_autoptr(SoupMessage) msg = new_message (self, "GET", "/events");

  if (!self->listening || self->events != NULL || msg == NULL)
    return;
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        events_connected_cb, g_object_ref (self));
}

void
cs_queue_client_listen (CsQueueClient *self)
{
  g_return_if_fail (CS_IS_QUEUE_CLIENT (self));

  self->listening = TRUE;
  connect_events (self);
}

/* Who this client signs in as */

void
cs_queue_client_get_me_async (CsQueueClient       *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (CS_IS_QUEUE_CLIENT (self));
  send (self, new_message (self, "GET", "/me"), cs_queue_client_get_me_async, cancellable, callback, user_data);
}

JsonObject *
cs_queue_client_get_me_finish (CsQueueClient  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_autoptr(JsonObject) me = finish_object (self, result, NULL, error);

  if (me != NULL && json_object_get_string_member_with_default (me, "role", NULL) == NULL)
    {
      g_set_error_literal (error, CS_QUEUE_CLIENT_ERROR, CS_QUEUE_CLIENT_ERROR_BUSY,
                           _("The approval queue did not say what your account may do. Try again later."));
      return NULL;
    }
  return g_steal_pointer (&me);
}
