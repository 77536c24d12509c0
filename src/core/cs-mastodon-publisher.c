/* cs-mastodon-publisher.c: posts to the school's Mastodon account
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each photo goes to POST /api/v2/media with its alt text as the
 * description, then one POST /api/v1/statuses names them all. Mastodon
 * keeps an Idempotency-Key for an hour and answers a repeat with the
 * status it already made, so every attempt at one delivery sends the
 * job's key; media ids are saved as soon as they are known so a retry
 * uploads only the photos that never arrived.
 *
 * The key is forgotten after an hour, though, and a retry after a lost
 * answer may come later than that (the server was down, a rate limit,
 * a night). So the time of the first status request is saved before it
 * goes out, and once the key may have been forgotten, the account's
 * latest statuses are read and the post is taken as made if its text
 * and photo descriptions are among them.
 *
 * Progress: "media-N" (a photo ready to attach), "media-N-pending" (one
 * uploaded that the instance was still processing), "post-sent" (unix
 * seconds of the first status request), "url" and "status-id" (the post
 * is made).
 */

#include "config.h"

#include "cs-mastodon-publisher.h"
#include "cs-json.h"
#include "cs-mastodon-publisher-private.h"
#include "cs-publish-match.h"

#include <string.h>

/* Mastodon's default, and what mastodon.social allows. */
#define MAX_PHOTOS 4

/* Images are processed while uploading since Mastodon 4.0; a 202 means
 * a busy instance, which is given this long before the post waits for a
 * later attempt. */
#define PROCESSING_WAIT_MS 30000
#define FIRST_POLL_MS      250
#define LONGEST_POLL_MS    2000

/* Mastodon keeps an Idempotency-Key for an hour. Past this age a repeat
 * may not be recognised, so the status is looked for instead; the margin
 * covers a slow answer and a difference between the clocks. */
#define KEY_TRUSTED_SECONDS (50 * 60)

/* How many of the account's latest statuses are read when looking for
 * one an earlier attempt may have made. A school posts a few times a day,
 * so the lost one is always among the first. */
#define LOOKBACK 20

struct _CsMastodonPublisher
{
  CsPublisher  parent_instance;

  char        *authorization;      /* "Bearer …", or NULL without a token */
  guint        processing_wait_ms;
};

G_DEFINE_FINAL_TYPE (CsMastodonPublisher, cs_mastodon_publisher, CS_TYPE_PUBLISHER)

static gboolean
check_job (CsPublishJob  *job,
           GError       **error)
{
  if (job->photos->len > MAX_PHOTOS)
    {
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                   "Mastodon takes at most %d photos in a post and this one has %u. "
                   "Remove some, then approve the post again.",
                   MAX_PHOTOS, job->photos->len);
      return FALSE;
    }

  for (guint i = 0; i < job->photos->len; i++)
    {
      const CsPublishPhoto *photo = g_ptr_array_index (job->photos, i);
      g_autofree char *alt = g_strstrip (g_strdup (photo->alt != NULL ? photo->alt : ""));

      /* The composer insists on alt text, but a post that reached here
       * some other way must not go out undescribed. */
      if (*alt == '\0')
        {
          g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                       "Photo %u has no description for people who cannot see it. "
                       "Add one, then approve the post again.",
                       i + 1);
          return FALSE;
        }
    }

  if ((job->text == NULL || *job->text == '\0') && job->photos->len == 0)
    {
      g_set_error_literal (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                           "The post has no text and no photos, so there is nothing to publish.");
      return FALSE;
    }

  return TRUE;
}

static SoupMessage *
new_message (CsMastodonPublisher  *self,
             const char           *method,
             const char           *path,
             GError              **error)
{
  SoupMessage *msg = cs_publisher_new_message (CS_PUBLISHER (self), method, path, self->authorization);

  if (msg == NULL)
    g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
                 "The Mastodon address “%s” is not a web address. Correct it in the account's settings.",
                 cs_publisher_get_base_url (CS_PUBLISHER (self)));
  return msg;
}

/* Sleeps in short slices so that a cancelled job stops promptly. */
static gboolean
pause_for (guint          milliseconds,
           GCancellable  *cancellable,
           GError       **error)
{
  gint64 until = g_get_monotonic_time () + (gint64) milliseconds * 1000;

  for (;;)
    {
      gint64 left = until - g_get_monotonic_time ();

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (left <= 0)
        return TRUE;
      g_usleep (MIN (left, 50 * 1000));
    }
}

static char *
media_id_from (JsonNode  *reply,
               GError   **error)
{
  const char *id = NULL;

  if (reply != NULL && JSON_NODE_HOLDS_OBJECT (reply))
    id = cs_json_get_string (json_node_get_object (reply), "id");
  if (id == NULL || *id == '\0')
    {
      g_set_error_literal (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY,
                           "Mastodon took a photo but did not say where it put it. It will be tried again shortly.");
      return NULL;
    }
  return g_strdup (id);
}

/* Uploads one photo; returns its media id, and whether the instance is
 * still processing it in @processing. */
static char *
upload_photo (CsMastodonPublisher  *self,
              CsPublishJob         *job,
              guint                 index,
              gboolean             *processing,
              GCancellable         *cancellable,
              GError              **error)
{
  const CsPublishPhoto *photo = g_ptr_array_index (job->photos, index);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *content_type = NULL;
  guint status = 0;

  msg = new_message (self, "POST", "/api/v2/media", error);
  if (msg == NULL)
    return NULL;

  body = cs_publish_job_photo_form (job, index, "file", &content_type, "description", photo->alt, NULL);
  soup_message_set_request_body_from_bytes (msg, content_type, body);

  reply = cs_publisher_send (CS_PUBLISHER (self), msg, job, &status, NULL, cancellable, error);
  if (reply == NULL)
    return NULL;

  *processing = (status == SOUP_STATUS_ACCEPTED);
  return media_id_from (reply, error);
}

typedef enum
{
  MEDIA_READY,
  MEDIA_GONE,    /* the instance no longer has it: upload it again */
  MEDIA_FAILED,
} MediaState;

/* Polls GET /api/v1/media/:id, which answers 206 while the instance is
 * still processing the photo and 200 once it may be attached. */
static MediaState
wait_for_processing (CsMastodonPublisher  *self,
                     CsPublishJob         *job,
                     guint                 index,
                     const char           *id,
                     GCancellable         *cancellable,
                     GError              **error)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/api/v1/media/%s", escaped);
  gint64 deadline = g_get_monotonic_time () + (gint64) self->processing_wait_ms * 1000;
  guint pause = FIRST_POLL_MS;

  for (;;)
    {
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(JsonNode) reply = NULL;
      g_autoptr(GError) local_error = NULL;
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      guint status = 0;

      if (left <= 0)
        {
          g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY,
                       "Mastodon is still preparing photo %u. It will be tried again shortly.", index + 1);
          return MEDIA_FAILED;
        }
      /* The upload has only just said "not yet", so asking at once would
       * be wasted. */
      if (!pause_for (MIN ((gint64) pause, left), cancellable, error))
        return MEDIA_FAILED;
      pause = MIN (pause * 2, LONGEST_POLL_MS);

      msg = new_message (self, "GET", path, error);
      if (msg == NULL)
        return MEDIA_FAILED;
      reply = cs_publisher_send (CS_PUBLISHER (self), msg, job, &status, NULL, cancellable, &local_error);
      if (reply == NULL)
        {
          /* Unattached media are removed after a while; a retry a day
           * later finds it gone and sends the photo again. */
          if (status == SOUP_STATUS_NOT_FOUND)
            return MEDIA_GONE;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return MEDIA_FAILED;
        }
      if (status == SOUP_STATUS_OK)
        return MEDIA_READY;
    }
}

/* The id of photo @index, ready to attach, uploading it unless an
 * earlier attempt already did. */
static char *
ensure_photo (CsMastodonPublisher  *self,
              CsPublishJob         *job,
              guint                 index,
              GCancellable         *cancellable,
              GError              **error)
{
  g_autofree char *ready_name = g_strdup_printf ("media-%u", index);
  g_autofree char *pending_name = g_strdup_printf ("media-%u-pending", index);
  g_autofree char *id = NULL;
  const char *known;

  known = cs_publish_job_recall (job, ready_name);
  if (known != NULL)
    return g_strdup (known);

  known = cs_publish_job_recall (job, pending_name);
  if (known != NULL)
    {
      switch (wait_for_processing (self, job, index, known, cancellable, error))
        {
        case MEDIA_READY:
          id = g_strdup (known);
          if (!cs_publish_job_remember (job, ready_name, id, error))
            return NULL;
          return g_steal_pointer (&id);
        case MEDIA_GONE:
          break;
        case MEDIA_FAILED:
        default:
          return NULL;
        }
    }

  {
    gboolean processing = FALSE;

    id = upload_photo (self, job, index, &processing, cancellable, error);
    if (id == NULL)
      return NULL;
    if (processing)
      {
        /* Saved before waiting, so that a retry polls this upload
         * rather than sending the photo a second time. */
        if (!cs_publish_job_remember (job, pending_name, id, error))
          return NULL;
        MediaState state = wait_for_processing (self, job, index, id, cancellable, error);

        /* Gone straight after uploading is the instance's fault, not the
         * photo's: the next attempt uploads it again. */
        if (state == MEDIA_GONE)
          g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY,
                       "Mastodon lost photo %u while preparing it. It will be tried again shortly.", index + 1);
        if (state != MEDIA_READY)
          return NULL;
      }
    if (!cs_publish_job_remember (job, ready_name, id, error))
      return NULL;
  }

  return g_steal_pointer (&id);
}

static GBytes *
status_body (CsPublishJob *job,
             GPtrArray    *media_ids)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char *json;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, job->text != NULL ? job->text : "");
  if (media_ids->len > 0)
    {
      json_builder_set_member_name (builder, "media_ids");
      json_builder_begin_array (builder);
      for (guint i = 0; i < media_ids->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (media_ids, i));
      json_builder_end_array (builder);
    }
  json_builder_set_member_name (builder, "visibility");
  json_builder_add_string_value (builder, "public");
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, "en");
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);
  return g_bytes_new_take (json, strlen (json));
}

/* Records @status, made now or by an earlier attempt, as the post. */
static gboolean
take_status (CsPublishJob  *job,
             JsonObject    *status,
             GError       **error)
{
  const char *id = cs_json_get_string (status, "id");
  const char *url = cs_json_get_string (status, "url");

  cs_publish_job_set_result (job, id, url);

  /* The url first: once "status-id" is saved, nothing is asked again. */
  if (url != NULL && !cs_publish_job_remember (job, "url", url, error))
    return FALSE;
  return cs_publish_job_remember (job, "status-id", id, error);
}

static gboolean
post_status (CsMastodonPublisher  *self,
             CsPublishJob         *job,
             GPtrArray            *media_ids,
             GCancellable         *cancellable,
             GError              **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = status_body (job, media_ids);
  g_autoptr(JsonNode) reply = NULL;
  JsonObject *status;

  msg = new_message (self, "POST", "/api/v1/statuses", error);
  if (msg == NULL)
    return FALSE;
  /* The same key on every attempt at this delivery: Mastodon answers a
   * repeat within the hour with the status it made the first time. */
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", job->key);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);

  /* From here on the outcome may be unknown. Only the first request's
   * time counts: the instance remembers the key from then. */
  if (cs_publish_job_recall (job, "post-sent") == NULL)
    {
      g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);

      if (!cs_publish_job_remember (job, "post-sent", now, error))
        return FALSE;
    }

  reply = cs_publisher_send (CS_PUBLISHER (self), msg, job, NULL, NULL, cancellable, error);
  if (reply == NULL)
    return FALSE;

  status = JSON_NODE_HOLDS_OBJECT (reply) ? json_node_get_object (reply) : NULL;
  if (cs_json_get_string (status, "id") == NULL || *cs_json_get_string (status, "id") == '\0')
    {
      /* Asking again is safe: the key brings back this same status. */
      g_set_error_literal (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY,
                           "Mastodon answered the post without saying which post it made. "
                           "It will be checked again shortly.");
      return FALSE;
    }
  return take_status (job, status, error);
}

/* Whether @status, from the account's timeline, is this post: the same
 * text (Mastodon gives it as HTML, with links shortened for show) and
 * the same photos, described as approved. */
static gboolean
is_this_post (CsPublishJob *job,
              JsonObject   *status)
{
  JsonNode *reblog = json_object_get_member (status, "reblog");
  JsonNode *media = json_object_get_member (status, "media_attachments");
  JsonArray *attachments = media != NULL && JSON_NODE_HOLDS_ARRAY (media) ? json_node_get_array (media) : NULL;
  const char *content = cs_json_get_string (status, "content");
  const char *id = cs_json_get_string (status, "id");
  g_autofree char *text = NULL;

  /* A boost carries someone else's post. */
  if (id == NULL || *id == '\0' || content == NULL || (reblog != NULL && !JSON_NODE_HOLDS_NULL (reblog)))
    return FALSE;
  text = cs_publish_match_text_from_html (content);
  if (!cs_publish_match_same_text (job->text != NULL ? job->text : "", text, FALSE))
    return FALSE;

  /* The descriptions tell apart two posts of the same words, or of none. */
  if ((attachments != NULL ? json_array_get_length (attachments) : 0) != job->photos->len)
    return FALSE;
  for (guint i = 0; i < job->photos->len; i++)
    {
      const CsPublishPhoto *photo = g_ptr_array_index (job->photos, i);
      JsonNode *node = json_array_get_element (attachments, i);
      const char *description = JSON_NODE_HOLDS_OBJECT (node) ?
                                cs_json_get_string (json_node_get_object (node), "description") : NULL;

      if (description == NULL || !cs_publish_match_same_text (photo->alt, description, FALSE))
        return FALSE;
    }
  return TRUE;
}

/* Looks among the account's latest statuses for this post; *@found is
 * NULL when it is not there. */
static gboolean
find_earlier (CsMastodonPublisher  *self,
              CsPublishJob         *job,
              JsonNode            **found,
              GCancellable         *cancellable,
              GError              **error)
{
  g_autoptr(SoupMessage) me_msg = NULL;
  g_autoptr(SoupMessage) latest_msg = NULL;
  g_autoptr(JsonNode) me = NULL;
  g_autoptr(JsonNode) latest = NULL;
  g_autofree char *account = NULL;
  g_autofree char *path = NULL;
  const char *account_id;

  *found = NULL;

  me_msg = new_message (self, "GET", "/api/v1/accounts/verify_credentials", error);
  if (me_msg == NULL)
    return FALSE;
  me = cs_publisher_send (CS_PUBLISHER (self), me_msg, job, NULL, NULL, cancellable, error);
  if (me == NULL)
    return FALSE;
  account_id = JSON_NODE_HOLDS_OBJECT (me) ? cs_json_get_string (json_node_get_object (me), "id") : NULL;
  if (account_id == NULL || *account_id == '\0')
    {
      g_set_error_literal (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY,
                           "Mastodon did not say which account the school's sign-in belongs to, so Countersign "
                           "could not check whether the post is already there. It will be tried again shortly.");
      return FALSE;
    }

  account = g_uri_escape_string (account_id, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/accounts/%s/statuses?limit=%d&exclude_replies=true", account, LOOKBACK);
  latest_msg = new_message (self, "GET", path, error);
  if (latest_msg == NULL)
    return FALSE;
  latest = cs_publisher_send (CS_PUBLISHER (self), latest_msg, job, NULL, NULL, cancellable, error);
  if (latest == NULL)
    return FALSE;

  for (guint i = 0; JSON_NODE_HOLDS_ARRAY (latest) && i < json_array_get_length (json_node_get_array (latest)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (latest), i);

      if (JSON_NODE_HOLDS_OBJECT (node) && is_this_post (job, json_node_get_object (node)))
        {
          *found = json_node_ref (node);
          break;
        }
    }
  return TRUE;
}

/* Whether the status request went out so long ago that the instance may
 * have forgotten its key. */
static gboolean
key_may_be_forgotten (CsPublishJob *job)
{
  const char *sent = cs_publish_job_recall (job, "post-sent");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  /* Saved before the request goes out, so without it no status can have
   * been made, whether or not the last attempt's outcome is known. */
  if (sent == NULL)
    return FALSE;
  return now - g_ascii_strtoll (sent, NULL, 10) > KEY_TRUSTED_SECONDS;
}

static gboolean
cs_mastodon_publisher_publish (CsPublisher   *publisher,
                               CsPublishJob  *job,
                               GCancellable  *cancellable,
                               GError       **error)
{
  CsMastodonPublisher *self = CS_MASTODON_PUBLISHER (publisher);
  g_autoptr(GPtrArray) media_ids = NULL;

  if (cs_publish_job_restore_result (job, "status-id"))
    return TRUE;

  if (cs_publisher_get_base_url (publisher) == NULL)
    {
      g_set_error_literal (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
                           "The school's Mastodon account has no address. "
                           "Add it in the account's settings.");
      return FALSE;
    }
  if (self->authorization == NULL)
    {
      g_set_error_literal (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
                           "The school's Mastodon account has no access token. "
                           "Connect the account again in Countersign's settings.");
      return FALSE;
    }
  if (job->key == NULL || *job->key == '\0')
    {
      g_set_error_literal (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
                           "Countersign cannot publish this post safely because it has no delivery key. "
                           "Please report this problem.");
      return FALSE;
    }
  if (!check_job (job, error))
    return FALSE;

  if (key_may_be_forgotten (job))
    {
      g_autoptr(JsonNode) earlier = NULL;

      if (!find_earlier (self, job, &earlier, cancellable, error))
        return FALSE;
      if (earlier != NULL)
        return take_status (job, json_node_get_object (earlier), error);
    }

  media_ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < job->photos->len; i++)
    {
      char *id = ensure_photo (self, job, i, cancellable, error);

      if (id == NULL)
        return FALSE;
      g_ptr_array_add (media_ids, id);
    }

  return post_status (self, job, media_ids, cancellable, error);
}

static char *
cs_mastodon_publisher_describe_error (CsPublisher *publisher,
                                      guint        status,
                                      JsonNode    *body)
{
  const char *reason;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return NULL;
  reason = cs_json_get_string (json_node_get_object (body), "error");
  return reason != NULL && *reason != '\0' ? g_strdup (reason) : NULL;
}

static void
cs_mastodon_publisher_finalize (GObject *object)
{
  CsMastodonPublisher *self = CS_MASTODON_PUBLISHER (object);

  g_free (self->authorization);

  G_OBJECT_CLASS (cs_mastodon_publisher_parent_class)->finalize (object);
}

static void
cs_mastodon_publisher_class_init (CsMastodonPublisherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CsPublisherClass *publisher_class = CS_PUBLISHER_CLASS (klass);

  object_class->finalize = cs_mastodon_publisher_finalize;
  publisher_class->publish = cs_mastodon_publisher_publish;
  publisher_class->describe_error = cs_mastodon_publisher_describe_error;
}

static void
cs_mastodon_publisher_init (CsMastodonPublisher *self)
{
  self->processing_wait_ms = PROCESSING_WAIT_MS;
}

CsPublisher *
cs_mastodon_publisher_new (const char *base_url,
                           const char *access_token)
{
  CsMastodonPublisher *self = g_object_new (CS_TYPE_MASTODON_PUBLISHER,
                                            "name", "mastodon",
                                            "base-url", base_url,
                                            NULL);

  if (access_token != NULL && *access_token != '\0')
    self->authorization = g_strdup_printf ("Bearer %s", access_token);
  return CS_PUBLISHER (self);
}

void
cs_mastodon_publisher_set_processing_wait (CsMastodonPublisher *self,
                                           guint                milliseconds)
{
  g_return_if_fail (CS_IS_MASTODON_PUBLISHER (self));
  self->processing_wait_ms = milliseconds;
}
