/* cs-x-publisher.c: posts to the school's X account through the X API v2
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each photo is uploaded, then given its approved description, then the
 * post is made with the uploaded photos' ids. X has no idempotency key,
 * so every id is saved in the job's progress as soon as it is known, and
 * when an earlier attempt may have posted already, the account's latest
 * posts are read before another is made.
 */

#include "config.h"

#include "cs-x-publisher.h"

#include "cs-json.h"
#include "cs-platform.h"
#include "cs-publish-match.h"

#include <string.h>

/* X's own limits for one post. */
#define X_MAX_PHOTOS     4
#define X_MAX_ALT_CHARS  1000

/* How many of the account's latest posts are read when looking for one an
 * earlier attempt may have made; X accepts between 5 and 100. A school
 * posts a few times a day, so the lost one is always among the first. */
#define X_LOOKBACK 10

/* X deletes media that no post has used after expires_after_secs. An
 * upload is reused only if it will outlive the rest of this attempt. */
#define X_MEDIA_MARGIN_SECONDS (10 * 60)

struct _CsXPublisher
{
  CsPublisher  parent_instance;

  char        *client_id;
  GMutex       lock;          /* guards the two tokens, which a refresh replaces */
  GMutex       refresh_lock;  /* one refresh at a time: X rotates the refresh
                               * token, so a second refresh would send a spent one */
  char        *access_token;
  char        *refresh_token;
};

G_DEFINE_FINAL_TYPE (CsXPublisher, cs_x_publisher, CS_TYPE_PUBLISHER)

/* One call of publish(); publishers are shared between worker threads,
 * so nothing about a single post lives in the instance. */
typedef struct
{
  CsXPublisher *self;
  CsPublishJob *job;
  GCancellable *cancellable;
  gboolean      refreshed;    /* the sign-in was renewed once already */
} Run;

static char *
dup_access_token (CsXPublisher *self)
{
  char *token;

  g_mutex_lock (&self->lock);
  token = g_strdup (self->access_token);
  g_mutex_unlock (&self->lock);
  return token;
}

static gboolean
can_refresh (CsXPublisher *self)
{
  gboolean can;

  g_mutex_lock (&self->lock);
  can = self->refresh_token != NULL && *self->refresh_token != '\0' &&
        self->client_id != NULL && *self->client_id != '\0';
  g_mutex_unlock (&self->lock);
  return can;
}

/* A member of the "data" object every X API v2 answer wraps its result in. */
static const char *
data_string (JsonNode   *reply,
             const char *name)
{
  return cs_json_get_string (cs_json_get_object (cs_json_node_object (reply), "data"), name);
}

/* A reason from X's answer without its closing full stop, since the
 * sentences it goes into supply their own. */
static char *
trimmed_reason (const char *reason)
{
  char *copy = g_strstrip (g_strdup (reason));
  gsize len = strlen (copy);

  if (len > 0 && copy[len - 1] == '.')
    copy[len - 1] = '\0';
  return copy;
}

static char *
cs_x_publisher_describe_error (CsPublisher *publisher,
                               guint        status,
                               JsonNode    *body)
{
  JsonObject *object = cs_json_node_object (body);
  JsonObject *problem = object;
  JsonArray *errors = cs_json_get_array (object, "errors");
  const char *reason;
  g_autofree char *trimmed = NULL;
  g_autofree char *lower = NULL;

  if (object == NULL)
    return NULL;

  /* X answers with RFC 7807 problem details, either alone or as the first
   * of an "errors" array; the token endpoint with OAuth's own fields. */
  if (errors != NULL && json_array_get_length (errors) > 0)
    {
      JsonNode *first = json_array_get_element (errors, 0);

      if (JSON_NODE_HOLDS_OBJECT (first))
        problem = json_node_get_object (first);
    }
  reason = cs_json_get_string (problem, "detail");
  if (reason == NULL)
    reason = cs_json_get_string (problem, "title");
  if (reason == NULL)
    reason = cs_json_get_string (problem, "message");
  if (reason == NULL)
    reason = cs_json_get_string (object, "error_description");
  if (reason == NULL)
    reason = cs_json_get_string (object, "error");
  if (reason == NULL || *reason == '\0')
    return NULL;

  trimmed = trimmed_reason (reason);
  lower = g_utf8_strdown (trimmed, -1);
  if (status == 403 && strstr (lower, "duplicate") != NULL)
    return g_strdup ("X refused it as a duplicate, because the account has already posted exactly this. "
                     "Change the wording if it should go out again");
  /* A sign-in made before Countersign asked to upload photos lacks that
   * permission, and X says only "forbidden". */
  if (status == 403)
    return g_strdup_printf ("%s. If this keeps happening, connect X again in Countersign's settings so that "
                            "it may post and upload photos", trimmed);
  return g_steal_pointer (&trimmed);
}

/* Renews the access token with the refresh token. @stale is the access
 * token X refused; when another post has renewed it meanwhile, that
 * post's token is used instead. */
static gboolean
x_refresh (Run         *run,
           const char  *stale,
           GError     **error)
{
  CsXPublisher *self = run->self;
  CsPublisher *publisher = CS_PUBLISHER (self);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->refresh_lock);
  g_autofree char *current = dup_access_token (self);
  g_autofree char *refresh_token = NULL;
  g_autofree char *form = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) failure = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) secrets = NULL;
  const char *access_token;
  const char *next_refresh_token;
  guint status = 0;

  if (g_strcmp0 (current, stale) != 0)
    return TRUE;

  g_mutex_lock (&self->lock);
  refresh_token = g_strdup (self->refresh_token);
  g_mutex_unlock (&self->lock);

  /* A public OAuth client, as a desktop app is: the client id goes in
   * the form and there is no client secret to send. */
  form = soup_form_encode ("grant_type", "refresh_token",
                           "refresh_token", refresh_token,
                           "client_id", self->client_id,
                           NULL);
  body = g_bytes_new (form, strlen (form));
  msg = cs_publisher_new_message (publisher, "POST", "/2/oauth2/token", NULL);
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
  reply = cs_publisher_send (publisher, msg, run->job, &status, &failure, run->cancellable, &local_error);

  if (reply == NULL)
    {
      g_autofree char *reason = NULL;

      /* With no answer, or trouble at X's end, the refresh token is most
       * likely still good: try again later rather than ask for a new
       * sign-in nobody needs. */
      if (status == 0 || status == 408 || status == 429 || status >= 500)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      reason = cs_x_publisher_describe_error (publisher, status, failure);
      if (reason == NULL)
        reason = g_strdup_printf ("HTTP %u", status);
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REAUTH,
                   "X no longer accepts the school's sign-in and would not renew it (%s). Ask whoever looks "
                   "after the school's accounts to connect X again in Countersign's settings, then publish again.",
                   reason);
      return FALSE;
    }

  access_token = cs_json_get_string (cs_json_node_object (reply), "access_token");
  next_refresh_token = cs_json_get_string (cs_json_node_object (reply), "refresh_token");
  if (access_token == NULL || *access_token == '\0')
    {
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REAUTH,
                   "X renewed the school's sign-in but sent no new token. Ask whoever looks after the "
                   "school's accounts to connect X again in Countersign's settings, then publish again.");
      return FALSE;
    }

  secrets = json_object_new ();
  g_mutex_lock (&self->lock);
  g_free (self->access_token);
  self->access_token = g_strdup (access_token);
  /* X rotates refresh tokens: the one just used is spent. */
  if (next_refresh_token != NULL && *next_refresh_token != '\0')
    {
      g_free (self->refresh_token);
      self->refresh_token = g_strdup (next_refresh_token);
    }
  json_object_set_string_member (secrets, "access_token", self->access_token);
  json_object_set_string_member (secrets, "refresh_token", self->refresh_token);
  g_mutex_unlock (&self->lock);

  cs_publisher_set_changed_secrets (publisher, secrets);
  return TRUE;
}

/* Sends one request with the current access token and returns X's JSON
 * answer. When X refuses the token, it is renewed and the request sent
 * again, but only once per post: a second refusal means the sign-in
 * itself is gone, and going round again would never end. */
static JsonNode *
x_call (Run         *run,
        const char  *method,
        const char  *path,
        const char  *content_type,
        GBytes      *body,
        GError     **error)
{
  CsPublisher *publisher = CS_PUBLISHER (run->self);

  for (;;)
    {
      g_autofree char *token = dup_access_token (run->self);
      g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);
      g_autoptr(SoupMessage) msg = cs_publisher_new_message (publisher, method, path, authorization);
      g_autoptr(GError) local_error = NULL;
      JsonNode *reply;
      guint status = 0;

      if (msg == NULL)
        {
          g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
                       "The address for X in Countersign's settings (“%s”) is not a web address. "
                       "Correct it, then publish again.",
                       cs_publisher_get_base_url (publisher));
          return NULL;
        }
      if (body != NULL)
        soup_message_set_request_body_from_bytes (msg, content_type, body);

      reply = cs_publisher_send (publisher, msg, run->job, &status, NULL, run->cancellable, &local_error);
      if (reply != NULL)
        return reply;

      if (status != 401 || run->refreshed || !can_refresh (run->self))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      run->refreshed = TRUE;
      if (!x_refresh (run, token, error))
        return NULL;
    }
}

/* The post's text and photos against X's limits, before anything is sent. */
static gboolean
x_check_post (CsPublishJob  *job,
              GError       **error)
{
  const char *text = job->text != NULL ? job->text : "";
  guint limit = cs_platform_get_limit (CS_PLATFORM_X);
  guint length = cs_platform_count (CS_PLATFORM_X, text, -1);
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (job->photos->len > X_MAX_PHOTOS)
    {
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                   "The post has %u photos, but X takes at most %d in one post. "
                   "Remove some of them, then publish again.",
                   job->photos->len, X_MAX_PHOTOS);
      return FALSE;
    }
  if (*stripped == '\0' && job->photos->len == 0)
    {
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                   "The post has no text and no photos, so there is nothing to put on X.");
      return FALSE;
    }
  if (length > limit)
    {
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                   "The post is too long for X: it counts as %u characters and X allows %u "
                   "(every link counts as 23, and each emoji or Chinese, Japanese or Korean character as 2). "
                   "Shorten it by %u, then publish again.",
                   length, limit, length - limit);
      return FALSE;
    }
  for (guint i = 0; i < job->photos->len; i++)
    {
      CsPublishPhoto *photo = g_ptr_array_index (job->photos, i);
      glong alt_chars = photo->alt != NULL ? g_utf8_strlen (photo->alt, -1) : 0;

      if (alt_chars > X_MAX_ALT_CHARS)
        {
          g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                       "The description of photo %u is %ld characters long, but X allows %d. "
                       "Shorten it, then publish again.",
                       i + 1, alt_chars, X_MAX_ALT_CHARS);
          return FALSE;
        }
    }
  return TRUE;
}

/* Whether the upload remembered for photo @i may still be used. Without a
 * saved expiry time (X did not give one) it is trusted. */
static gboolean
upload_still_usable (CsPublishJob *job,
                     guint         i)
{
  g_autofree char *media_name = g_strdup_printf ("media-%u", i);
  g_autofree char *expires_name = g_strdup_printf ("media-%u-expires", i);
  const char *expires = cs_publish_job_recall (job, expires_name);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (cs_publish_job_recall (job, media_name) == NULL)
    return FALSE;
  return expires == NULL || now + X_MEDIA_MARGIN_SECONDS < g_ascii_strtoll (expires, NULL, 10);
}

static gboolean
x_upload_photo (Run     *run,
                guint    i,
                GError **error)
{
  CsPublishJob *job = run->job;
  CsPublishPhoto *photo = g_ptr_array_index (job->photos, i);
  g_autofree char *media_name = g_strdup_printf ("media-%u", i);
  g_autofree char *expires_name = g_strdup_printf ("media-%u-expires", i);
  g_autofree char *alt_name = g_strdup_printf ("alt-%u", i);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GBytes) metadata = NULL;
  g_autoptr(JsonNode) done = NULL;
  const char *media_id;

  if (!upload_still_usable (job, i))
    {
      g_autofree char *content_type = NULL;
      g_autoptr(GBytes) body = cs_publish_job_photo_form (job, i, "media", &content_type,
                                                          "media_category", "tweet_image",
                                                          "media_type", "image/jpeg",
                                                          NULL);
      g_autoptr(JsonNode) reply = NULL;
      gint64 lifetime;

      reply = x_call (run, "POST", "/2/media/upload", content_type, body, error);
      if (reply == NULL)
        return FALSE;
      media_id = data_string (reply, "id");
      if (!cs_publisher_require_id (CS_PUBLISHER (run->self), media_id, "uploaded photo", error))
        return FALSE;

      /* A new upload has no description yet, whatever an earlier, now
       * expired one had; the remember below saves both changes. */
      json_object_remove_member (job->progress, alt_name);
      lifetime = cs_json_get_int (cs_json_get_object (cs_json_node_object (reply), "data"), "expires_after_secs");
      if (lifetime > 0)
        {
          g_autofree char *expires = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                      g_get_real_time () / G_USEC_PER_SEC + lifetime);

          json_object_set_string_member (job->progress, expires_name, expires);
        }
      else
        json_object_remove_member (job->progress, expires_name);
      if (!cs_publish_job_remember (job, media_name, media_id, error))
        return FALSE;
    }
  media_id = cs_publish_job_recall (job, media_name);

  if (g_strcmp0 (cs_publish_job_recall (job, alt_name), "done") == 0)
    return TRUE;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, media_id);
  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "alt_text");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, photo->alt != NULL ? photo->alt : "");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  metadata = cs_json_builder_to_bytes (builder);

  done = x_call (run, "POST", "/2/media/metadata", "application/json", metadata, error);
  if (done == NULL)
    return FALSE;
  return cs_publish_job_remember (job, alt_name, "done", error);
}

static gboolean
x_finish (CsPublishJob  *job,
          const char    *id,
          GError       **error)
{
  g_autofree char *url = g_strdup_printf ("https://x.com/i/web/status/%s", id);

  cs_publish_job_set_result (job, id, url);
  if (g_strcmp0 (cs_publish_job_recall (job, "post-id"), id) == 0)
    return TRUE;
  return cs_publish_job_remember (job, "post-id", id, error);
}

static gboolean
x_post (Run     *run,
        GError **error)
{
  CsPublishJob *job = run->job;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  const char *id;

  json_builder_begin_object (builder);
  /* X wants text only when there are no photos; an empty one it refuses. */
  if (job->text != NULL && *job->text != '\0')
    {
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, job->text);
    }
  if (job->photos->len > 0)
    {
      json_builder_set_member_name (builder, "media");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "media_ids");
      json_builder_begin_array (builder);
      for (guint i = 0; i < job->photos->len; i++)
        json_builder_add_string_value (builder, cs_publish_job_recall_nth (job, "media", i));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  body = cs_json_builder_to_bytes (builder);

  /* From here on the outcome may be unknown: a later attempt must look
   * for this post before making another, even if whoever retries it
   * never learnt that the answer was lost. */
  if (!cs_publish_job_remember (job, "post-sent", "yes", error))
    return FALSE;

  reply = x_call (run, "POST", "/2/tweets", "application/json", body, error);
  if (reply == NULL)
    return FALSE;
  id = data_string (reply, "id");
  if (!cs_publisher_require_id (CS_PUBLISHER (run->self), id, "post", error))
    return FALSE;
  return x_finish (job, id, error);
}

/* Looks among the account's latest posts for this one. *@id is NULL when
 * it is not there. */
static gboolean
x_find_earlier (Run     *run,
                char   **id,
                GError **error)
{
  CsPublishJob *job = run->job;
  g_autoptr(JsonNode) me = NULL;
  g_autoptr(JsonNode) latest = NULL;
  g_autofree char *user_id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *ours = cs_publish_match_comparable (job->text != NULL ? job->text : "");
  JsonArray *posts;

  *id = NULL;

  /* Every post of photos alone would match one with no text, and taking
   * another post for this one would leave it unpublished; posting twice
   * is the lesser harm, and plain to see. */
  if (*ours == '\0')
    return TRUE;

  me = x_call (run, "GET", "/2/users/me", NULL, NULL, error);
  if (me == NULL)
    return FALSE;
  if (!cs_publisher_require_id (CS_PUBLISHER (run->self), data_string (me, "id"), "school's account", error))
    return FALSE;
  user_id = g_uri_escape_string (data_string (me, "id"), NULL, FALSE);

  path = g_strdup_printf ("/2/users/%s/tweets?max_results=%d", user_id, X_LOOKBACK);
  latest = x_call (run, "GET", path, NULL, NULL, error);
  if (latest == NULL)
    return FALSE;

  /* An account with no posts has no "data" at all. */
  posts = cs_json_get_array (cs_json_node_object (latest), "data");
  for (guint i = 0; posts != NULL && i < json_array_get_length (posts); i++)
    {
      JsonObject *post = cs_json_node_object (json_array_get_element (posts, i));
      const char *text = cs_json_get_string (post, "text");
      const char *post_id = cs_json_get_string (post, "id");
      g_autofree char *theirs = NULL;

      if (text == NULL || post_id == NULL)
        continue;
      /* X sends the text back with &, < and > as HTML entities, every
       * link as a t.co one, and after a post's photos a link to them. */
      theirs = cs_publish_match_decode_entities (text);
      if (cs_publish_match_same_text (job->text != NULL ? job->text : "", theirs, job->photos->len > 0))
        {
          *id = g_strdup (post_id);
          break;
        }
    }
  return TRUE;
}

static gboolean
cs_x_publisher_publish (CsPublisher   *publisher,
                        CsPublishJob  *job,
                        GCancellable  *cancellable,
                        GError       **error)
{
  CsXPublisher *self = CS_X_PUBLISHER (publisher);
  Run run = { self, job, cancellable, FALSE };
  const char *posted = cs_publish_job_recall (job, "post-id");
  g_autofree char *token = dup_access_token (self);

  if (posted != NULL)
    return x_finish (job, posted, error);

  if (token == NULL || *token == '\0')
    {
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
                   "X is not connected: there is no sign-in saved for the school's account. "
                   "Connect X in Countersign's settings, then publish again.");
      return FALSE;
    }
  if (!x_check_post (job, error))
    return FALSE;

  if (job->resumed || cs_publish_job_recall (job, "post-sent") != NULL)
    {
      g_autofree char *earlier = NULL;

      if (!x_find_earlier (&run, &earlier, error))
        return FALSE;
      if (earlier != NULL)
        return x_finish (job, earlier, error);
    }

  for (guint i = 0; i < job->photos->len; i++)
    if (!x_upload_photo (&run, i, error))
      return FALSE;

  return x_post (&run, error);
}

static void
cs_x_publisher_finalize (GObject *object)
{
  CsXPublisher *self = CS_X_PUBLISHER (object);

  g_free (self->client_id);
  g_free (self->access_token);
  g_free (self->refresh_token);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->refresh_lock);

  G_OBJECT_CLASS (cs_x_publisher_parent_class)->finalize (object);
}

static void
cs_x_publisher_class_init (CsXPublisherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CsPublisherClass *publisher_class = CS_PUBLISHER_CLASS (klass);

  object_class->finalize = cs_x_publisher_finalize;
  publisher_class->publish = cs_x_publisher_publish;
  publisher_class->describe_error = cs_x_publisher_describe_error;
}

static void
cs_x_publisher_init (CsXPublisher *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->refresh_lock);
}

CsPublisher *
cs_x_publisher_new (const char *base_url,
                    const char *client_id,
                    const char *access_token,
                    const char *refresh_token)
{
  CsXPublisher *self;

  g_return_val_if_fail (base_url != NULL, NULL);

  self = g_object_new (CS_TYPE_X_PUBLISHER,
                       "name", "x",
                       "base-url", base_url,
                       NULL);
  self->client_id = g_strdup (client_id);
  self->access_token = g_strdup (access_token);
  self->refresh_token = g_strdup (refresh_token);
  return CS_PUBLISHER (self);
}
