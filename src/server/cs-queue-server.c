/* cs-queue-server.c: the approval queue's HTTP API
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every request but logging in carries a bearer token, and every action is
 * checked against the role of the user it belongs to and their school.
 * Errors are {"error": code, "message": words for the user} with the HTTP
 * status that fits.
 */

#include "cs-queue-server-private.h"

#include <string.h>

#include "cs-queue-submission.h"
#include "cs-school-checks.h"
#include "cs-unicode-private.h"

#define API_PREFIX CS_QUEUE_API_PREFIX

/* Connections the kernel holds for us before we accept them. */
#define LISTEN_BACKLOG 1024

/* Callers remembered by the rate limit before idle ones are forgotten. */
#define MAX_BUCKETS 10000

/* RFC 6585; libsoup 3.2 has no name for it. */
#define STATUS_TOO_MANY_REQUESTS 429

G_DEFINE_FINAL_TYPE (CsQueueServer, cs_queue_server, G_TYPE_OBJECT)

typedef struct
{
  double tokens;
  gint64 updated;  /* monotonic µs */
} RateBucket;

/* One open event stream and whose it is. */
typedef struct
{
  SoupWebsocketConnection *connection;
  CsQueueUser             *user;
} Listener;

static void
listener_free (Listener *listener)
{
  g_object_unref (listener->connection);
  cs_queue_user_free (listener->user);
  g_free (listener);
}

static void
cs_queue_server_dispose (GObject *object)
{
  CsQueueServer *self = CS_QUEUE_SERVER (object);

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (cs_queue_server_parent_class)->dispose (object);
}

static void
cs_queue_server_finalize (GObject *object)
{
  CsQueueServer *self = CS_QUEUE_SERVER (object);

  g_clear_object (&self->publishing);
  g_clear_object (&self->store);
  g_clear_object (&self->checks);
  g_clear_pointer (&self->buckets, g_hash_table_unref);
  g_clear_pointer (&self->listeners, g_ptr_array_unref);

  G_OBJECT_CLASS (cs_queue_server_parent_class)->finalize (object);
}

static void
cs_queue_server_class_init (CsQueueServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cs_queue_server_dispose;
  object_class->finalize = cs_queue_server_finalize;
}

static void
cs_queue_server_init (CsQueueServer *self)
{
  self->max_body = CS_QUEUE_SERVER_DEFAULT_MAX_BODY;
  self->rate_per_minute = CS_QUEUE_SERVER_DEFAULT_RATE;
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->listeners = g_ptr_array_new_with_free_func ((GDestroyNotify) listener_free);
}

/* Replies */

void
cs_queue_server_reply_node (SoupServerMessage *msg,
                            guint              status,
                            JsonNode          *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  gsize len;
  char *data;

  json_generator_set_root (gen, node);
  data = json_generator_to_data (gen, &len);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, data, len);
}

static void
reply_text (SoupServerMessage *msg,
            guint              status,
            const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static void
reply_error_with (SoupServerMessage *msg,
                  guint              status,
                  const char        *code,
                  const char        *message,
                  JsonNode          *findings)
{
  g_autoptr(JsonBuilder) out = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (out);
  json_builder_set_member_name (out, "error");
  json_builder_add_string_value (out, code);
  json_builder_set_member_name (out, "message");
  json_builder_add_string_value (out, message);
  if (findings != NULL)
    {
      json_builder_set_member_name (out, "findings");
      json_builder_add_value (out, json_node_copy (findings));
    }
  json_builder_end_object (out);

  root = json_builder_get_root (out);
  cs_queue_server_reply_node (msg, status, root);
}

void
cs_queue_server_reply_error (SoupServerMessage *msg,
                             guint              status,
                             const char        *code,
                             const char        *message)
{
  reply_error_with (msg, status, code, message, NULL);
}

void
cs_queue_server_reply_gerror (SoupServerMessage *msg,
                              const GError      *error)
{
  if (error->domain == CS_SUBMISSION_ERROR)
    {
      const char *code = error->code == CS_SUBMISSION_ERROR_TOO_LARGE ? "too-large"
                       : error->code == CS_SUBMISSION_ERROR_INVALID ? "invalid" : "malformed";

      cs_queue_server_reply_error (msg, error->code, code, error->message);
    }
  else if (g_error_matches (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_NOT_FOUND))
    cs_queue_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", error->message);
  else if (g_error_matches (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_CONFLICT))
    cs_queue_server_reply_error (msg, SOUP_STATUS_CONFLICT, "conflict", error->message);
  else
    {
      g_warning ("%s", error->message);
      cs_queue_server_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server",
                                   "The approval queue could not complete this. Try again; if it keeps happening, "
                                   "tell your IT technician.");
    }
}

/* Posts as JSON */

static void
add_json_member (JsonBuilder *out,
                 const char  *name,
                 const char  *json)
{
  g_autoptr(JsonNode) node = json_from_string (json != NULL ? json : "[]", NULL);

  json_builder_set_member_name (out, name);
  json_builder_add_value (out, node != NULL ? g_steal_pointer (&node) : json_node_new (JSON_NODE_NULL));
}

static void
add_post (JsonBuilder       *out,
          const CsQueuePost *post)
{
  json_builder_begin_object (out);
  json_builder_set_member_name (out, "id");
  json_builder_add_int_value (out, post->id);
  json_builder_set_member_name (out, "state");
  json_builder_add_string_value (out, cs_post_state_to_string (post->state));
  json_builder_set_member_name (out, "author");
  json_builder_add_string_value (out, post->author_name);
  json_builder_set_member_name (out, "text");
  json_builder_add_string_value (out, post->text);
  add_json_member (out, "platforms", post->platforms_json);
  json_builder_set_member_name (out, "content_hash");
  json_builder_add_string_value (out, post->content_hash);
  json_builder_set_member_name (out, "comment");
  json_builder_add_string_value (out, post->comment);
  json_builder_set_member_name (out, "created_at");
  json_builder_add_int_value (out, post->created_at);
  json_builder_set_member_name (out, "updated_at");
  json_builder_add_int_value (out, post->updated_at);
  json_builder_set_member_name (out, "photos");
  json_builder_begin_array (out);
  for (guint i = 0; i < post->photos->len; i++)
    {
      const CsQueuePhoto *photo = g_ptr_array_index (post->photos, i);
      g_autofree char *url = g_strdup_printf (API_PREFIX "/posts/%" G_GINT64_FORMAT "/photos/%u", post->id, i);

      json_builder_begin_object (out);
      json_builder_set_member_name (out, "alt");
      json_builder_add_string_value (out, photo->alt);
      add_json_member (out, "tags", photo->tags_json);
      json_builder_set_member_name (out, "url");
      json_builder_add_string_value (out, url);
      json_builder_end_object (out);
    }
  json_builder_end_array (out);
  cs_queue_server_add_deliveries (out, post);
  json_builder_end_object (out);
}

JsonNode *
cs_queue_server_post_to_json (const CsQueuePost *post)
{
  g_autoptr(JsonBuilder) out = json_builder_new ();

  add_post (out, post);
  return json_builder_get_root (out);
}

static char *
post_response (const CsQueuePost *post,
               gpointer           user_data)
{
  g_autoptr(JsonNode) node = cs_queue_server_post_to_json (post);

  return json_to_string (node, FALSE);
}

/* Events */

/* Tells every open event stream that may see @post that it changed: the
 * head's review window and the author's list update at once. */
void
cs_queue_server_broadcast (CsQueueServer     *self,
                           const CsQueuePost *post)
{
  g_autoptr(JsonBuilder) out = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (out);
  json_builder_set_member_name (out, "event");
  json_builder_add_string_value (out, "post-changed");
  json_builder_set_member_name (out, "post");
  add_post (out, post);
  json_builder_end_object (out);
  root = json_builder_get_root (out);
  text = json_to_string (root, FALSE);

  for (guint i = 0; i < self->listeners->len; i++)
    {
      Listener *listener = g_ptr_array_index (self->listeners, i);

      if (g_strcmp0 (listener->user->school, post->school) != 0 ||
          (listener->user->role == CS_USER_STAFF && listener->user->id != post->author))
        continue;
      if (soup_websocket_connection_get_state (listener->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_send_text (listener->connection, text);
    }
}

static void
listener_closed_cb (SoupWebsocketConnection *connection,
                    CsQueueServer           *self)
{
  for (guint i = 0; i < self->listeners->len; i++)
    if (((Listener *) g_ptr_array_index (self->listeners, i))->connection == connection)
      {
        g_ptr_array_remove_index_fast (self->listeners, i);
        break;
      }
}

static void
websocket_cb (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *connection,
              gpointer                 user_data)
{
  CsQueueServer *self = user_data;
  CsQueueUser *user = g_object_get_data (G_OBJECT (msg), "cs-user");
  Listener *listener;

  /* The handler below authenticated the handshake; no user, no stream. */
  if (user == NULL)
    {
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, NULL);
      return;
    }

  listener = g_new0 (Listener, 1);
  listener->connection = g_object_ref (connection);
  listener->user = g_new0 (CsQueueUser, 1);
  *listener->user = (CsQueueUser) { user->id, g_strdup (user->school), g_strdup (user->name), user->role };
  /* Clients only listen; a large message from one is not ours. */
  g_object_set (connection, "max-incoming-payload-size", (guint64) 4096, NULL);
  soup_websocket_connection_set_keepalive_interval (connection, 30);
  g_signal_connect_object (connection, "closed", G_CALLBACK (listener_closed_cb), self, 0);
  g_ptr_array_add (self->listeners, listener);
}

/* Limits */

/* Runs once the headers are in, before the body is read: an oversized
 * body is refused without holding it in memory. A body without a length
 * (chunked) cannot be bounded up front and is refused too. */
static void
early_handler_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  CsQueueServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);

  if (encoding == SOUP_ENCODING_CHUNKED || encoding == SOUP_ENCODING_EOF)
    {
      cs_queue_server_reply_error (msg, SOUP_STATUS_LENGTH_REQUIRED, "length-required",
                                   "The request must say how long its body is (Content-Length).");
      return;
    }
  if (length > (goffset) self->max_body)
    {
      g_autofree char *text = g_strdup_printf ("The request is larger than the %" G_GSIZE_FORMAT " MB the approval "
                                               "queue accepts. Send smaller photos.",
                                               self->max_body / (1024 * 1024));

      cs_queue_server_reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large", text);
    }
}

/* A token bucket per caller: a burst of a tenth of a minute's allowance,
 * refilled steadily. */
static gboolean
rate_limited (CsQueueServer     *self,
              SoupServerMessage *msg,
              const char        *caller)
{
  RateBucket *bucket = g_hash_table_lookup (self->buckets, caller);
  gint64 now = g_get_monotonic_time ();
  double capacity = MAX (10.0, self->rate_per_minute / 10.0);

  if (bucket == NULL)
    {
      /* Callers are users and, before signing in, addresses: bound the
       * table against a flood of new addresses by forgetting those whose
       * buckets have filled up again, which lose nothing by it. */
      if (g_hash_table_size (self->buckets) >= MAX_BUCKETS)
        {
          GHashTableIter iter;
          RateBucket *old;

          g_hash_table_iter_init (&iter, self->buckets);
          while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &old))
            if (old->tokens + (now - old->updated) / 60e6 * self->rate_per_minute >= capacity)
              g_hash_table_iter_remove (&iter);
        }
      bucket = g_new0 (RateBucket, 1);
      bucket->tokens = capacity;
      bucket->updated = now;
      g_hash_table_insert (self->buckets, g_strdup (caller), bucket);
    }

  bucket->tokens = MIN (capacity, bucket->tokens + (now - bucket->updated) / 60e6 * self->rate_per_minute);
  bucket->updated = now;
  if (bucket->tokens >= 1.0)
    {
      bucket->tokens -= 1.0;
      return FALSE;
    }

  {
    g_autofree char *wait = g_strdup_printf ("%d", (int) ((1.0 - bucket->tokens) * 60.0 / self->rate_per_minute) + 1);

    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", wait);
    cs_queue_server_reply_error (msg, STATUS_TOO_MANY_REQUESTS, "rate-limited",
                                 "Too many requests in a short time. Wait a few seconds and try again.");
  }
  return TRUE;
}

static CsQueueUser *
authenticate (CsQueueServer     *self,
              SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");
  CsQueueUser *user = NULL;

  if (header != NULL && g_ascii_strncasecmp (header, "Bearer ", 7) == 0)
    user = cs_queue_store_authenticate (self->store, header + 7);

  if (user == NULL)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate", "Bearer realm=\"countersign\"");
      cs_queue_server_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                                   header == NULL ? "Sign in to the approval queue first."
                                                  : "Your sign-in has expired or was replaced. Sign in again.");
    }
  return user;
}

gboolean
cs_queue_server_require_role (SoupServerMessage *msg,
                              const CsQueueUser *user,
                              gboolean           allowed,
                              const char        *what)
{
  if (!allowed)
    {
      g_autofree char *text = g_strdup_printf ("Your account (%s) cannot %s.", cs_user_role_to_string (user->role), what);

      cs_queue_server_reply_error (msg, SOUP_STATUS_FORBIDDEN, "forbidden", text);
    }
  return allowed;
}

static GBytes *
request_body (SoupServerMessage *msg)
{
  return soup_message_body_flatten (soup_server_message_get_request_body (msg));
}

/* The post @id when @user may see it: their own, or any of their school's
 * for a head or admin. Another school's post is forbidden, not hidden,
 * so a mistyped server address shows as such. */
CsQueuePost *
cs_queue_server_visible_post (CsQueueServer     *self,
                              SoupServerMessage *msg,
                              const CsQueueUser *user,
                              gint64             id,
                              gboolean           with_photos)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsQueuePost) post = cs_queue_store_get_post (self->store, id, with_photos, &error);

  if (post == NULL)
    {
      cs_queue_server_reply_gerror (msg, error);
      return NULL;
    }
  if (g_strcmp0 (post->school, user->school) != 0 ||
      (user->role == CS_USER_STAFF && post->author != user->id))
    {
      cs_queue_server_reply_error (msg, SOUP_STATUS_FORBIDDEN, "forbidden", "This post belongs to someone else.");
      return NULL;
    }
  return g_steal_pointer (&post);
}

/* Submitting */

typedef struct
{
  CsQueueServer     *self;
  SoupServerMessage *msg;
  CsQueueUser       *user;
  CsQueuePost       *post;
  char              *key;
  char              *request_hash;
  /* Filled in by the worker. */
  guint              status;
  JsonNode          *findings;
  GError            *error;
} Submission;

static void
submission_free (Submission *s)
{
  g_object_unref (s->self);
  g_object_unref (s->msg);
  cs_queue_user_free (s->user);
  cs_queue_post_free (s->post);
  g_free (s->key);
  g_free (s->request_hash);
  g_clear_pointer (&s->findings, json_node_unref);
  g_clear_error (&s->error);
  g_free (s);
}

static gboolean
replay (CsQueueServer     *self,
        SoupServerMessage *msg,
        const CsQueueUser *user,
        const char        *key,
        const char        *request_hash)
{
  g_autofree char *stored_hash = NULL;
  g_autofree char *response = NULL;

  if (key == NULL || !cs_queue_store_lookup_idempotency (self->store, user, key, &stored_hash, &response))
    return FALSE;

  if (g_strcmp0 (stored_hash, request_hash) != 0)
    cs_queue_server_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "key-reused",
                                 "This Idempotency-Key was already used for a different post.");
  else
    {
      reply_text (msg, SOUP_STATUS_CREATED, response);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Idempotent-Replayed", "true");
    }
  return TRUE;
}

/* In a worker: the checks (face detection among them) and the write. */
static void
submit_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Submission *s = task_data;
  g_autoptr(GPtrArray) findings = NULL;

  findings = cs_school_checks_run (s->self->checks, s->post, TRUE, cancellable, &s->error);
  if (findings == NULL)
    {
      /* A photo that does not decode is the sender's fault, not ours. */
      if (s->error->domain == CS_IMAGE_ERROR)
        s->status = SOUP_STATUS_UNPROCESSABLE_ENTITY;
    }
  else if (cs_findings_have_errors (findings))
    {
      s->status = SOUP_STATUS_UNPROCESSABLE_ENTITY;
      s->findings = cs_findings_to_json (findings);
    }
  else if (cs_queue_store_submit (s->self->store, s->user, s->post, s->key, s->request_hash,
                                  post_response, NULL, &s->error))
    s->status = SOUP_STATUS_CREATED;

  g_task_return_boolean (task, TRUE);
}

static void
submit_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Submission *s = g_task_get_task_data (G_TASK (result));
  SoupServerMessage *msg = s->msg;

  if (s->status == SOUP_STATUS_CREATED)
    {
      g_autoptr(JsonNode) node = cs_queue_server_post_to_json (s->post);

      cs_queue_server_reply_node (msg, SOUP_STATUS_CREATED, node);
      cs_queue_server_broadcast (s->self, s->post);
    }
  else if (s->findings != NULL)
    reply_error_with (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "policy",
                      "The post breaks the school's policy; fix what is listed and submit again.", s->findings);
  else if (s->status == SOUP_STATUS_UNPROCESSABLE_ENTITY)
    cs_queue_server_reply_error (msg, s->status, "invalid", s->error->message);
  else if (g_error_matches (s->error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_CONFLICT) &&
           replay (s->self, msg, s->user, s->key, s->request_hash))
    ; /* the same submission raced itself: both get the one post */
  else
    cs_queue_server_reply_gerror (msg, s->error);

  soup_server_message_unpause (msg);
}

static void
handle_submit (CsQueueServer     *self,
               SoupServerMessage *msg,
               CsQueueUser       *user)
{
  g_autoptr(GBytes) body = request_body (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsQueuePost) post = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *request_hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  const char *key = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Idempotency-Key");
  Submission *s;

  if (!cs_queue_server_require_role (msg, user, user->role != CS_USER_ADMIN, "submit posts"))
    return;
  if (key != NULL && (strlen (key) == 0 || strlen (key) > 200))
    {
      cs_queue_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed", "The Idempotency-Key header must be 1 to 200 characters.");
      return;
    }
  if (replay (self, msg, user, key, request_hash))
    return;

  post = cs_submission_parse (soup_server_message_get_request_headers (msg), body, &error);
  if (post == NULL)
    {
      cs_queue_server_reply_gerror (msg, error);
      return;
    }
  post->school = g_strdup (user->school);

  s = g_new0 (Submission, 1);
  s->self = g_object_ref (self);
  s->msg = g_object_ref (msg);
  s->user = g_new0 (CsQueueUser, 1);
  *s->user = (CsQueueUser) { user->id, g_strdup (user->school), g_strdup (user->name), user->role };
  s->post = g_steal_pointer (&post);
  s->key = g_strdup (key);
  s->request_hash = g_steal_pointer (&request_hash);

  soup_server_message_pause (msg);
  task = g_task_new (self, NULL, submit_done_cb, NULL);
  g_task_set_source_tag (task, handle_submit);
  g_task_set_task_data (task, s, (GDestroyNotify) submission_free);
  g_task_run_in_thread (task, submit_thread);
}

/* Reading */

static void
handle_list (CsQueueServer     *self,
             SoupServerMessage *msg,
             CsQueueUser       *user,
             GHashTable        *query)
{
  const char *state_text = query != NULL ? g_hash_table_lookup (query, "state") : NULL;
  CsPostState state;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  g_autoptr(JsonBuilder) out = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  if (state_text != NULL && !cs_post_state_from_string (state_text, &state))
    {
      cs_queue_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed",
                                   "“state” must be pending, approved, rejected, published or withdrawn.");
      return;
    }

  posts = cs_queue_store_list_posts (self->store, user->school, user->role == CS_USER_STAFF ? user->id : 0,
                                     state_text != NULL ? (int) state : -1, &error);
  if (posts == NULL)
    {
      cs_queue_server_reply_gerror (msg, error);
      return;
    }

  json_builder_begin_object (out);
  json_builder_set_member_name (out, "posts");
  json_builder_begin_array (out);
  for (guint i = 0; i < posts->len; i++)
    add_post (out, g_ptr_array_index (posts, i));
  json_builder_end_array (out);
  json_builder_end_object (out);
  root = json_builder_get_root (out);
  cs_queue_server_reply_node (msg, SOUP_STATUS_OK, root);
}

static void
handle_photo (CsQueueServer     *self,
              SoupServerMessage *msg,
              CsQueueUser       *user,
              gint64             id,
              guint64            index)
{
  g_autoptr(CsQueuePost) post = cs_queue_server_visible_post (self, msg, user, id, TRUE);
  CsQueuePhoto *photo;
  gsize len;
  const void *data;

  if (post == NULL)
    return;
  if (index >= post->photos->len)
    {
      cs_queue_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "This post has no such photo.");
      return;
    }
  photo = g_ptr_array_index (post->photos, index);
  data = g_bytes_get_data (photo->jpeg, &len);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "image/jpeg", SOUP_MEMORY_COPY, data, len);
}

static void
handle_audit (CsQueueServer     *self,
              SoupServerMessage *msg,
              CsQueueUser       *user,
              GHashTable        *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) entries = NULL;
  const char *format = query != NULL ? g_hash_table_lookup (query, "format") : NULL;

  if (!cs_queue_server_require_role (msg, user, user->role != CS_USER_STAFF, "read the audit log"))
    return;

  entries = cs_queue_store_list_audit (self->store, user->school, &error);
  if (entries == NULL)
    {
      cs_queue_server_reply_gerror (msg, error);
      return;
    }

  if (g_strcmp0 (format, "csv") == 0)
    {
      char *csv = cs_audit_to_csv (entries);

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/csv", SOUP_MEMORY_TAKE, csv, strlen (csv));
      return;
    }

  {
    g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
    JsonObject *object = json_object_new ();

    json_object_set_array_member (object, "entries", g_steal_pointer (&entries));
    json_node_take_object (root, object);
    cs_queue_server_reply_node (msg, SOUP_STATUS_OK, root);
  }
}

/* Deciding */

JsonObject *
cs_queue_server_body_object (SoupServerMessage *msg,
                             gboolean           required)
{
  g_autoptr(GBytes) body = request_body (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (g_bytes_get_size (body) == 0 && !required)
    return json_object_new ();

  root = cs_submission_parse_json (body, "request body", &error);
  if (root == NULL)
    {
      cs_queue_server_reply_gerror (msg, error);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      cs_queue_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed", "The request body must be a JSON object.");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

gboolean
cs_queue_server_optional_string (SoupServerMessage  *msg,
                                 JsonObject         *object,
                                 const char         *name,
                                 const char        **value)
{
  JsonNode *node = json_object_get_member (object, name);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_autofree char *text = g_strdup_printf ("“%s” must be a string.", name);

      cs_queue_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed", text);
      return FALSE;
    }
  *value = json_node_get_string (node);
  if (strlen (*value) > CS_SUBMISSION_MAX_COMMENT)
    {
      g_autofree char *text = g_strdup_printf ("“%s” is longer than %d bytes.", name, CS_SUBMISSION_MAX_COMMENT);

      cs_queue_server_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", text);
      return FALSE;
    }
  return TRUE;
}

static void
handle_decision (CsQueueServer     *self,
                 SoupServerMessage *msg,
                 CsQueueUser       *user,
                 gint64             id,
                 const char        *verb)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(CsQueuePost) post = NULL;
  g_autoptr(GError) error = NULL;
  const char *comment = NULL;
  gint64 publish_at = 0;
  CsPostState to;

  if (strcmp (verb, "withdraw") == 0)
    {
      if (!cs_queue_server_require_role (msg, user, user->role == CS_USER_STAFF || user->role == CS_USER_HEAD, "withdraw posts"))
        return;
    }
  else if (!cs_queue_server_require_role (msg, user, user->role == CS_USER_HEAD, strcmp (verb, "approve") == 0
                                                                                   ? "approve posts" : "reject posts"))
    return;

  body = cs_queue_server_body_object (msg, strcmp (verb, "withdraw") != 0);
  if (body == NULL || !cs_queue_server_optional_string (msg, body, "comment", &comment))
    return;

  /* Without the JPEGs: a decision needs the tags and the hash, and the
   * photos were looked at when the post came in. */
  post = cs_queue_server_visible_post (self, msg, user, id, FALSE);
  if (post == NULL)
    return;

  if (strcmp (verb, "withdraw") == 0)
    {
      if (post->author != user->id)
        {
          cs_queue_server_reply_error (msg, SOUP_STATUS_FORBIDDEN, "forbidden", "Only the person who wrote a post can withdraw it.");
          return;
        }
      to = CS_POST_WITHDRAWN;
    }
  else if (strcmp (verb, "reject") == 0)
    {
      if (cs_utf8_is_blank (comment))
        {
          cs_queue_server_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "comment-required",
                                       "Say why the post is rejected, so its author can put it right.");
          return;
        }
      to = CS_POST_REJECTED;
    }
  else
    {
      const char *hash = NULL;
      g_autoptr(GPtrArray) findings = NULL;

      if (!cs_queue_server_optional_string (msg, body, "content_hash", &hash) ||
          !cs_queue_server_read_publish_at (msg, body, &publish_at))
        return;
      if (hash == NULL)
        {
          cs_queue_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed",
                                       "“content_hash” is missing: an approval names the version of the post it approves.");
          return;
        }
      if (g_strcmp0 (hash, post->content_hash) != 0)
        {
          cs_queue_server_reply_error (msg, SOUP_STATUS_CONFLICT, "changed",
                                       "The post has changed since you opened it. Look at it again before approving.");
          return;
        }

      /* Consent is checked again now, against today's roster: a parent may
       * have withdrawn it since the post was submitted. The photos were
       * looked at on submission and are bound by the hash. */
      findings = cs_school_checks_run (self->checks, post, FALSE, NULL, &error);
      if (findings == NULL)
        {
          cs_queue_server_reply_gerror (msg, error);
          return;
        }
      if (cs_findings_have_errors (findings))
        {
          g_autoptr(JsonNode) node = cs_findings_to_json (findings);

          reply_error_with (msg, SOUP_STATUS_CONFLICT, "policy",
                            "The post can no longer be approved: the roster or policy changed since it "
                            "was submitted (consent may have been withdrawn). Reject it with a note.", node);
          return;
        }
      to = CS_POST_APPROVED;
    }

  if (to == CS_POST_APPROVED
      ? !cs_queue_store_approve (self->store, id, user, comment, post->content_hash, publish_at, &error)
      : !cs_queue_store_transition (self->store, id, CS_POST_PENDING, to, user, comment, NULL, &error))
    {
      cs_queue_server_reply_gerror (msg, error);
      return;
    }

  g_clear_pointer (&post, cs_queue_post_free);
  post = cs_queue_store_get_post (self->store, id, FALSE, &error);
  if (post == NULL)
    {
      cs_queue_server_reply_gerror (msg, error);
      return;
    }
  {
    g_autoptr(JsonNode) node = cs_queue_server_post_to_json (post);

    cs_queue_server_reply_node (msg, SOUP_STATUS_OK, node);
  }
  cs_queue_server_broadcast (self, post);
  if (to == CS_POST_APPROVED && self->publishing != NULL)
    cs_publish_service_wake (self->publishing);
}

/* Administration */

static void
handle_school_file (CsQueueServer     *self,
                    SoupServerMessage *msg,
                    CsQueueUser       *user,
                    gboolean           roster)
{
  g_autoptr(GBytes) body = request_body (msg);
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  gboolean ok;

  if (!cs_queue_server_require_role (msg, user, user->role == CS_USER_ADMIN, roster ? "replace the roster" : "replace the policy"))
    return;

  /* Checked with the same code the app uses, so a file the server takes
   * is one every laptop can load too. */
  if (roster)
    {
      g_autoptr(CsRoster) check = cs_roster_new ();

      ok = cs_roster_load_data (check, data, len, &error);
    }
  else
    {
      g_autoptr(CsPolicy) check = cs_policy_new ();

      ok = cs_policy_load_data (check, data, len, "the policy file", &error);
    }
  if (!ok)
    {
      cs_queue_server_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", error->message);
      return;
    }

  ok = roster ? cs_queue_store_set_roster (self->store, user->school, body, user->id, &error)
              : cs_queue_store_set_policy (self->store, user->school, body, user->id, &error);
  if (!ok)
    {
      cs_queue_server_reply_gerror (msg, error);
      return;
    }
  cs_school_checks_invalidate (self->checks, user->school);
  reply_text (msg, SOUP_STATUS_OK, "{}");
}

static void
handle_login (CsQueueServer     *self,
              SoupServerMessage *msg)
{
  g_autoptr(JsonObject) body = cs_queue_server_body_object (msg, TRUE);
  g_autoptr(CsQueueUser) user = NULL;
  g_autofree char *token = NULL;
  const char *school = NULL, *name = NULL, *password = NULL;
  g_autoptr(JsonBuilder) out = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  if (body == NULL ||
      !cs_queue_server_optional_string (msg, body, "school", &school) ||
      !cs_queue_server_optional_string (msg, body, "username", &name) ||
      !cs_queue_server_optional_string (msg, body, "password", &password))
    return;
  if (school == NULL || name == NULL || password == NULL)
    {
      cs_queue_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed", "Give “school”, “username” and “password”.");
      return;
    }
  if (strlen (school) > 200 || strlen (name) > 200 || strlen (password) > 1024)
    {
      cs_queue_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed", "The school, user name or password is too long.");
      return;
    }

  token = cs_queue_store_login (self->store, school, name, password, &user);
  if (token == NULL)
    {
      cs_queue_server_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                                   "The user name or password is wrong. Check them, or ask your administrator to reset them.");
      return;
    }

  json_builder_begin_object (out);
  json_builder_set_member_name (out, "token");
  json_builder_add_string_value (out, token);
  json_builder_set_member_name (out, "role");
  json_builder_add_string_value (out, cs_user_role_to_string (user->role));
  json_builder_set_member_name (out, "school");
  json_builder_add_string_value (out, user->school);
  json_builder_end_object (out);
  root = json_builder_get_root (out);
  cs_queue_server_reply_node (msg, SOUP_STATUS_OK, root);
}

/* Routing */

static gboolean
parse_id (const char *text,
          gint64     *id)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *id = (gint64) value;
  return TRUE;
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  CsQueueServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_auto(GStrv) parts = NULL;
  g_autoptr(CsQueueUser) user = NULL;
  guint n;
  gint64 id = 0;

  /* The early handler has already answered (413, 411). */
  if (soup_server_message_get_status (msg) != 0)
    return;

  if (!g_str_has_prefix (path, API_PREFIX "/"))
    {
      cs_queue_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "There is nothing here.");
      return;
    }
  parts = g_strsplit (path + strlen (API_PREFIX "/"), "/", 5);
  n = g_strv_length (parts);

  if (n == 1 && strcmp (parts[0], "login") == 0)
    {
      GSocketAddress *remote = soup_server_message_get_remote_address (msg);
      g_autofree char *caller = NULL;

      if (remote != NULL && G_IS_INET_SOCKET_ADDRESS (remote))
        caller = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
      if (rate_limited (self, msg, caller != NULL ? caller : "unknown"))
        return;
      if (strcmp (method, "POST") != 0)
        cs_queue_server_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method", "Use POST to sign in.");
      else
        handle_login (self, msg);
      return;
    }

  user = authenticate (self, msg);
  if (user == NULL)
    return;
  {
    g_autofree char *caller = g_strdup_printf ("user:%" G_GINT64_FORMAT, user->id);

    if (rate_limited (self, msg, caller))
      return;
  }

  /* A WebSocket handshake: leaving the status unset lets it go on. */
  if (n == 1 && strcmp (parts[0], "events") == 0 && strcmp (method, "GET") == 0)
    {
      g_object_set_data_full (G_OBJECT (msg), "cs-user", g_steal_pointer (&user),
                              (GDestroyNotify) cs_queue_user_free);
      return;
    }

  if (n >= 2 && strcmp (parts[0], "posts") == 0 && !parse_id (parts[1], &id))
    {
      cs_queue_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "There is no such post.");
      return;
    }

  if (n == 1 && strcmp (parts[0], "posts") == 0 && strcmp (method, "POST") == 0)
    handle_submit (self, msg, user);
  else if (n == 1 && strcmp (parts[0], "posts") == 0 && strcmp (method, "GET") == 0)
    handle_list (self, msg, user, query);
  else if (n == 2 && strcmp (parts[0], "posts") == 0 && strcmp (method, "GET") == 0)
    {
      g_autoptr(CsQueuePost) post = cs_queue_server_visible_post (self, msg, user, id, FALSE);

      if (post != NULL)
        {
          g_autoptr(JsonNode) node = cs_queue_server_post_to_json (post);

          cs_queue_server_reply_node (msg, SOUP_STATUS_OK, node);
        }
    }
  else if (n == 3 && strcmp (parts[0], "posts") == 0 && strcmp (method, "POST") == 0 &&
           (strcmp (parts[2], "approve") == 0 || strcmp (parts[2], "reject") == 0 ||
            strcmp (parts[2], "withdraw") == 0))
    handle_decision (self, msg, user, id, parts[2]);
  else if (n == 4 && strcmp (parts[0], "posts") == 0 && strcmp (parts[2], "photos") == 0 &&
           strcmp (method, "GET") == 0)
    {
      guint64 index;

      if (!g_ascii_string_to_unsigned (parts[3], 10, 0, 3, &index, NULL))
        cs_queue_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "This post has no such photo.");
      else
        handle_photo (self, msg, user, id, index);
    }
  else if (n == 1 && strcmp (parts[0], "audit") == 0 && strcmp (method, "GET") == 0)
    handle_audit (self, msg, user, query);
  else if (n == 1 && (strcmp (parts[0], "roster") == 0 || strcmp (parts[0], "policy") == 0) &&
           strcmp (method, "PUT") == 0)
    handle_school_file (self, msg, user, strcmp (parts[0], "roster") == 0);
  else if (n == 1 && strcmp (parts[0], "me") == 0 && strcmp (method, "GET") == 0)
    {
      g_autoptr(JsonBuilder) out = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (out);
      json_builder_set_member_name (out, "name");
      json_builder_add_string_value (out, user->name);
      json_builder_set_member_name (out, "role");
      json_builder_add_string_value (out, cs_user_role_to_string (user->role));
      json_builder_set_member_name (out, "school");
      json_builder_add_string_value (out, user->school);
      json_builder_end_object (out);
      node = json_builder_get_root (out);
      cs_queue_server_reply_node (msg, SOUP_STATUS_OK, node);
    }
  else if (!cs_queue_server_route_publishing (self, msg, user, method, parts, n, id) &&
           !cs_queue_server_route_review (self, msg, user, method, parts, n, id))
    cs_queue_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "There is no such request in the approval queue's API.");
}

CsQueueServer *
cs_queue_server_new (CsQueueStore *store,
                     const char   *face_model)
{
  CsQueueServer *self = g_object_new (CS_TYPE_QUEUE_SERVER, NULL);

  self->store = g_object_ref (store);
  self->checks = cs_school_checks_new (store, face_model);
  return self;
}

CsSchoolChecks *
cs_queue_server_get_checks (CsQueueServer *self)
{
  g_return_val_if_fail (CS_IS_QUEUE_SERVER (self), NULL);
  return self->checks;
}

static void
delivery_changed_cb (CsPublishService *service,
                     gint64            id,
                     CsQueueServer    *self)
{
  g_autoptr(CsQueuePost) post = NULL;
  g_autoptr(GError) error = NULL;

  post = cs_queue_store_get_post (self->store, id, FALSE, &error);
  if (post == NULL)
    {
      g_warning ("Post %" G_GINT64_FORMAT " could not be read to tell its viewers: %s", id, error->message);
      return;
    }
  cs_queue_server_broadcast (self, post);
}

void
cs_queue_server_set_publishing (CsQueueServer    *self,
                                CsPublishService *service)
{
  g_return_if_fail (CS_IS_QUEUE_SERVER (self));
  g_return_if_fail (self->publishing == NULL);

  self->publishing = g_object_ref (service);
  g_signal_connect_object (service, "delivery-changed", G_CALLBACK (delivery_changed_cb), self, 0);
}

void
cs_queue_server_set_limits (CsQueueServer *self,
                            gsize          max_body,
                            guint          rate_per_minute)
{
  g_return_if_fail (CS_IS_QUEUE_SERVER (self));

  self->max_body = max_body;
  self->rate_per_minute = MAX (rate_per_minute, 1);
}

gboolean
cs_queue_server_listen (CsQueueServer    *self,
                        GInetAddress     *address,
                        guint             port,
                        GTlsCertificate  *certificate,
                        GError          **error)
{
  g_autoptr(GSocketAddress) where = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoslist(GUri) uris = NULL;

  g_return_val_if_fail (CS_IS_QUEUE_SERVER (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  if (certificate == NULL && !g_inet_address_get_is_loopback (address))
    {
      g_autofree char *text = g_inet_address_to_string (address);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The approval queue only listens on %s with HTTPS: set “certificate” and “key” in its "
                   "configuration, or listen on 127.0.0.1.", text);
      return FALSE;
    }

  self->server = soup_server_new ("server-header", "countersign-queue", NULL);
  if (certificate != NULL)
    soup_server_set_tls_certificate (self->server, certificate);
  /* libsoup keeps one entry per path for both kinds of handler, and a
   * request goes to the longest matching path alone: the API's path needs
   * both, and everything else gets the default (a 404). */
  soup_server_add_early_handler (self->server, API_PREFIX, early_handler_cb, self, NULL);
  soup_server_add_handler (self->server, API_PREFIX, handler_cb, self, NULL);
  soup_server_add_early_handler (self->server, API_PREFIX "/events", early_handler_cb, self, NULL);
  soup_server_add_handler (self->server, API_PREFIX "/events", handler_cb, self, NULL);
  soup_server_add_websocket_handler (self->server, API_PREFIX "/events", NULL, NULL, websocket_cb, self, NULL);
  /* Requests for any other path are refused too, but their bodies must
   * still be bounded before libsoup reads them. */
  soup_server_add_early_handler (self->server, NULL, early_handler_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, handler_cb, self, NULL);

  /* The socket is made here rather than by soup_server_listen() for its
   * backlog: GSocket's default of 10 drops the connections a whole staff
   * room opens at once, and each dropped one waits a second to try again. */
  where = g_inet_socket_address_new (address, port);
  socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    {
      g_clear_object (&self->server);
      return FALSE;
    }
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_bind (socket, where, TRUE, error) || !g_socket_listen (socket, error) ||
      !soup_server_listen_socket (self->server, socket, certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
    {
      g_clear_object (&self->server);
      return FALSE;
    }

  uris = soup_server_get_uris (self->server);
  self->port = uris != NULL ? (guint) g_uri_get_port (uris->data) : port;
  return TRUE;
}

gboolean
cs_queue_server_warm_up (CsQueueServer  *self,
                         GError        **error)
{
  g_return_val_if_fail (CS_IS_QUEUE_SERVER (self), FALSE);
  return cs_school_checks_warm_up (self->checks, error);
}

guint
cs_queue_server_get_port (CsQueueServer *self)
{
  g_return_val_if_fail (CS_IS_QUEUE_SERVER (self), 0);
  return self->port;
}

void
cs_queue_server_disconnect (CsQueueServer *self)
{
  g_return_if_fail (CS_IS_QUEUE_SERVER (self));

  if (self->server != NULL)
    soup_server_disconnect (self->server);
}
