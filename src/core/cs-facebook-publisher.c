/* cs-facebook-publisher.c: posts to the school's Facebook Page through the Graph API
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each photo is uploaded unpublished, with its approved description, and
 * then one post is made on the Page's feed with the text and all the
 * photos attached. Facebook has no idempotency key, so every id is saved
 * in the job's progress as soon as it is known, and when an earlier
 * attempt may have posted already, the Page's latest posts are read
 * before another is made.
 */

#include "config.h"

#include "cs-facebook-publisher.h"
#include "cs-json.h"

#include <string.h>

/* How many of the Page's latest posts are read when looking for one an
 * earlier attempt may have made. A school posts a few times a day, so
 * the lost one is always among the first. */
#define FACEBOOK_LOOKBACK 10

/* Facebook's refusal for too many requests says nothing of when to come
 * back. Its limits are counted over the last hour, so another try within
 * minutes would only be refused again and count against the Page. */
#define FACEBOOK_RATE_LIMIT_PAUSE_SECONDS (15 * 60)

struct _CsFacebookPublisher
{
  CsPublisher  parent_instance;

  char        *page_id;
  char        *page_token;
};

G_DEFINE_FINAL_TYPE (CsFacebookPublisher, cs_facebook_publisher, CS_TYPE_PUBLISHER)

/* The reason in a Graph API error, without its closing full stop: the
 * message meant for people when Facebook gives one, else its own. */
static char *
graph_reason (JsonObject *graph_error)
{
  const char *reason = cs_json_get_string (graph_error, "error_user_msg");
  char *copy;
  gsize len;

  if (reason == NULL || *reason == '\0')
    reason = cs_json_get_string (graph_error, "message");
  if (reason == NULL || *reason == '\0')
    return NULL;
  copy = g_strstrip (g_strdup (reason));
  len = strlen (copy);
  if (len > 0 && copy[len - 1] == '.')
    copy[len - 1] = '\0';
  return copy;
}

static char *
cs_facebook_publisher_describe_error (CsPublisher *publisher,
                                      guint        status,
                                      JsonNode    *body)
{
  return graph_reason (cs_json_get_object (cs_json_node_object (body), "error"));
}

/* When Facebook will take the Page's requests again, as the usage header
 * of a refusal for too many estimates it: Page tokens are counted per
 * business use case, each with its own estimated_time_to_regain_access in
 * minutes, and the longest is the one to wait for. 0 when there is none. */
static gint64
regain_access_at (SoupMessage *msg)
{
  const char *usage = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                    "X-Business-Use-Case-Usage");
  g_autoptr(JsonNode) node = usage != NULL ? json_from_string (usage, NULL) : NULL;
  g_autoptr(GList) ids = cs_json_node_object (node) != NULL ? json_object_get_values (cs_json_node_object (node)) : NULL;
  gint64 minutes = 0;

  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonArray *limits = JSON_NODE_HOLDS_ARRAY (l->data) ? json_node_get_array (l->data) : NULL;

      for (guint i = 0; limits != NULL && i < json_array_get_length (limits); i++)
        minutes = MAX (minutes, cs_json_get_int (cs_json_node_object (json_array_get_element (limits, i)),
                                            "estimated_time_to_regain_access"));
    }
  /* A day ahead is a mistake, not a limit, and would stall the post. */
  minutes = MIN (minutes, 24 * 60);
  return minutes > 0 ? g_get_real_time () / G_USEC_PER_SEC + minutes * 60 : 0;
}

/* Facebook's refusal, classified by its error code rather than by the
 * HTTP status, which is 400 for almost everything. NULL when @failure is
 * not a Graph API error. Every message carries Facebook's trace id, which
 * is what Facebook asks for when the school's IT technician reports a
 * problem. */
static GError *
graph_error (CsPublishJob *job,
             JsonNode     *failure,
             gint64        regain_at)
{
  JsonObject *details = cs_json_get_object (cs_json_node_object (failure), "error");
  g_autoptr(GString) reference = NULL;
  g_autofree char *reason = NULL;
  const char *trace;
  gint64 code;
  gint64 subcode;

  if (details == NULL || json_object_get_member (details, "code") == NULL)
    return NULL;

  code = cs_json_get_int (details, "code");
  subcode = cs_json_get_int (details, "error_subcode");
  trace = cs_json_get_string (details, "fbtrace_id");
  reason = graph_reason (details);
  if (reason == NULL)
    reason = g_strdup ("it gave no reason");

  reference = g_string_new (NULL);
  g_string_append_printf (reference, "Facebook error %" G_GINT64_FORMAT, code);
  if (subcode != 0)
    g_string_append_printf (reference, "/%" G_GINT64_FORMAT, subcode);
  g_string_append_printf (reference, ", trace %s", trace != NULL && *trace != '\0' ? trace : "not given");

  switch (code)
    {
    case 190:  /* the token expired or was revoked */
    case 102:  /* the session behind it ended */
      return g_error_new (CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REAUTH,
                          "Facebook no longer accepts the school's connection to its Page (%s). Ask whoever "
                          "looks after the school's accounts to connect Facebook again in Countersign's settings, "
                          "then publish again. For the school's IT technician: %s.",
                          reason, reference->str);

    case 1:    /* an unknown error, usually passing */
    case 2:    /* the service is briefly unavailable */
      return g_error_new (CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY,
                          "Facebook had a problem of its own (%s). It will be tried again shortly; if it keeps "
                          "happening, give the school's IT technician this reference: %s.",
                          reason, reference->str);

    case 4:    /* the app's limit */
    case 17:   /* the user's limit */
    case 32:   /* the Page's limit */
    case 613:  /* a limit of its own for this kind of call */
      if (job != NULL && job->retry_at == 0)
        job->retry_at = regain_at > 0 ? regain_at :
                        g_get_real_time () / G_USEC_PER_SEC + FACEBOOK_RATE_LIMIT_PAUSE_SECONDS;
      return g_error_new (CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY,
                          "Facebook asked for a pause: too many posts or requests for now (%s). It will be "
                          "tried again later, with nothing for you to do. For the school's IT technician: %s.",
                          reason, reference->str);

    case 506:  /* the same post again */
      return g_error_new (CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                          "Facebook refused the post as a duplicate of one already on the Page. Change the "
                          "wording if it should go out again. For the school's IT technician: %s.",
                          reference->str);

    case 368:  /* blocked for a while for going against Facebook's policies */
      return g_error_new (CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                          "Facebook has stopped the Page from posting for a while (%s). Check the Page's "
                          "notifications on Facebook, then publish again later. For the school's IT "
                          "technician: %s.",
                          reason, reference->str);

    default:
      break;
    }

  /* Code 10 and the 200s are missing permissions: only a new connection,
   * granting them, puts that right. */
  if (code == 10 || (code >= 200 && code <= 299))
    return g_error_new (CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REAUTH,
                        "Facebook says the school's connection may not post on the Page (%s). Ask whoever looks "
                        "after the school's accounts to connect Facebook again in Countersign's settings and allow "
                        "it to manage the Page's posts, then publish again. For the school's IT technician: %s.",
                        reason, reference->str);

  /* 100 (a parameter Facebook will not take) and the rest. */
  return g_error_new (CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                      "Facebook did not publish the post (%s). Check the post and its photos, then publish again; "
                      "if Facebook refuses it again, give the school's IT technician this reference: %s.",
                      reason, reference->str);
}

/* Sends one request with the Page's token and returns Facebook's JSON
 * answer; a refusal is worded from Facebook's error code. */
static JsonNode *
graph_call (CsFacebookPublisher  *self,
            CsPublishJob         *job,
            const char           *method,
            const char           *path,
            const char           *content_type,
            GBytes               *body,
            GCancellable         *cancellable,
            GError              **error)
{
  CsPublisher *publisher = CS_PUBLISHER (self);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", self->page_token);
  g_autoptr(SoupMessage) msg = cs_publisher_new_message (publisher, method, path, authorization);
  g_autoptr(JsonNode) failure = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *reply;
  GError *reworded;
  guint status = 0;

  if (msg == NULL)
    {
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
                   "The address for Facebook in Countersign's settings (“%s”) is not a web address. "
                   "Correct it, then publish again.",
                   cs_publisher_get_base_url (publisher));
      return NULL;
    }
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);

  reply = cs_publisher_send (publisher, msg, job, &status, &failure, cancellable, &local_error);
  if (reply != NULL)
    return reply;

  reworded = status != 0 ? graph_error (job, failure, regain_access_at (msg)) : NULL;
  g_propagate_error (error, reworded != NULL ? reworded : g_steal_pointer (&local_error));
  return NULL;
}

/* "/{page-id}/{edge}", the page id made safe for a path. */
static char *
page_path (CsFacebookPublisher *self,
           const char          *edge)
{
  g_autofree char *page = g_uri_escape_string (self->page_id, NULL, FALSE);

  return g_strdup_printf ("/%s/%s", page, edge);
}

static void
append_form_field (GString    *form,
                   const char *name,
                   const char *value)
{
  g_autofree char *escaped_name = g_uri_escape_string (name, NULL, FALSE);
  g_autofree char *escaped_value = g_uri_escape_string (value, NULL, FALSE);

  if (form->len > 0)
    g_string_append_c (form, '&');
  g_string_append_printf (form, "%s=%s", escaped_name, escaped_value);
}

static gboolean
upload_photo (CsFacebookPublisher  *self,
              CsPublishJob         *job,
              guint                 i,
              GCancellable         *cancellable,
              GError              **error)
{
  CsPublishPhoto *photo = g_ptr_array_index (job->photos, i);
  g_autofree char *photo_name = g_strdup_printf ("photo-%u", i);
  g_autofree char *path = page_path (self, "photos");
  g_autofree char *content_type = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  const char *id;

  if (cs_publish_job_recall (job, photo_name) != NULL)
    return TRUE;

  /* Unpublished, so the photo appears only in the one post made below,
   * not as a post of its own. */
  body = cs_publish_job_photo_form (job, i, "source", &content_type,
                                    "published", "false",
                                    "alt_text_custom", photo->alt != NULL ? photo->alt : "",
                                    NULL);

  reply = graph_call (self, job, "POST", path, content_type, body, cancellable, error);
  if (reply == NULL)
    return FALSE;
  id = cs_json_get_string (cs_json_node_object (reply), "id");
  if (!cs_publisher_require_id (CS_PUBLISHER (self), id, "uploaded photo", error))
    return FALSE;
  return cs_publish_job_remember (job, photo_name, id, error);
}

static gboolean
finish (CsPublishJob  *job,
        const char    *id,
        GError       **error)
{
  g_autofree char *url = g_strdup_printf ("https://www.facebook.com/%s", id);

  cs_publish_job_set_result (job, id, url);
  if (g_strcmp0 (cs_publish_job_recall (job, "post-id"), id) == 0)
    return TRUE;
  return cs_publish_job_remember (job, "post-id", id, error);
}

static gboolean
post_to_feed (CsFacebookPublisher  *self,
              CsPublishJob         *job,
              GCancellable         *cancellable,
              GError              **error)
{
  g_autofree char *path = page_path (self, "feed");
  g_autoptr(GString) form = g_string_new (NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  const char *id;

  if (job->text != NULL && *job->text != '\0')
    append_form_field (form, "message", job->text);
  for (guint i = 0; i < job->photos->len; i++)
    {
      g_autofree char *field = g_strdup_printf ("attached_media[%u]", i);
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *value = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "media_fbid");
      json_builder_add_string_value (builder, cs_publish_job_recall_nth (job, "photo", i));
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      value = json_to_string (root, FALSE);
      append_form_field (form, field, value);
    }
  body = g_bytes_new (form->str, form->len);

  /* From here on the outcome may be unknown: a later attempt must look
   * for this post before making another, even if whoever retries it
   * never learnt that the answer was lost. */
  if (!cs_publish_job_remember (job, "post-sent", "yes", error))
    return FALSE;

  reply = graph_call (self, job, "POST", path, "application/x-www-form-urlencoded", body, cancellable, error);
  if (reply == NULL)
    return FALSE;
  id = cs_json_get_string (cs_json_node_object (reply), "id");
  if (!cs_publisher_require_id (CS_PUBLISHER (self), id, "post", error))
    return FALSE;
  return finish (job, id, error);
}

/* @text as it can be compared with what Facebook holds. */
static char *
comparable_text (const char *text)
{
  g_autofree char *nfc = g_utf8_normalize (text, -1, G_NORMALIZE_NFC);

  return g_strstrip (nfc != NULL ? g_steal_pointer (&nfc) : g_strdup (text));
}

/* Looks among the Page's latest posts for this one. *@id is NULL when it
 * is not there. */
static gboolean
find_earlier (CsFacebookPublisher  *self,
              CsPublishJob         *job,
              char                **id,
              GCancellable         *cancellable,
              GError              **error)
{
  g_autofree char *feed = page_path (self, "feed");
  g_autofree char *path = g_strdup_printf ("%s?fields=id,message&limit=%d", feed, FACEBOOK_LOOKBACK);
  g_autofree char *ours = comparable_text (job->text != NULL ? job->text : "");
  g_autoptr(JsonNode) latest = NULL;
  JsonArray *posts;

  *id = NULL;

  /* Every post of photos alone would match one with no text, and taking
   * another post for this one would leave it unpublished; posting twice
   * is the lesser harm, and plain to see. */
  if (*ours == '\0')
    return TRUE;

  latest = graph_call (self, job, "GET", path, NULL, NULL, cancellable, error);
  if (latest == NULL)
    return FALSE;

  posts = cs_json_get_array (cs_json_node_object (latest), "data");
  for (guint i = 0; posts != NULL && i < json_array_get_length (posts); i++)
    {
      JsonObject *post = cs_json_node_object (json_array_get_element (posts, i));
      const char *post_id = cs_json_get_string (post, "id");
      g_autofree char *theirs = NULL;

      /* A post with photos only has no "message" at all. */
      theirs = comparable_text (cs_json_get_string (post, "message") != NULL ?
                                cs_json_get_string (post, "message") : "");
      if (post_id != NULL && g_str_equal (ours, theirs))
        {
          *id = g_strdup (post_id);
          break;
        }
    }
  return TRUE;
}

static gboolean
cs_facebook_publisher_publish (CsPublisher   *publisher,
                               CsPublishJob  *job,
                               GCancellable  *cancellable,
                               GError       **error)
{
  CsFacebookPublisher *self = CS_FACEBOOK_PUBLISHER (publisher);
  const char *posted = cs_publish_job_recall (job, "post-id");
  g_autofree char *stripped = g_strstrip (g_strdup (job->text != NULL ? job->text : ""));

  if (posted != NULL)
    return finish (job, posted, error);

  if (self->page_id == NULL || *self->page_id == '\0' || self->page_token == NULL || *self->page_token == '\0')
    {
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
                   "Facebook is not connected: Countersign does not know the school's Page or has no "
                   "sign-in for it. Connect Facebook in Countersign's settings, then publish again.");
      return FALSE;
    }
  if (*stripped == '\0' && job->photos->len == 0)
    {
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                   "The post has no text and no photos, so there is nothing to put on Facebook.");
      return FALSE;
    }

  if (job->resumed || cs_publish_job_recall (job, "post-sent") != NULL)
    {
      g_autofree char *earlier = NULL;

      if (!find_earlier (self, job, &earlier, cancellable, error))
        return FALSE;
      if (earlier != NULL)
        return finish (job, earlier, error);
    }

  for (guint i = 0; i < job->photos->len; i++)
    if (!upload_photo (self, job, i, cancellable, error))
      return FALSE;

  return post_to_feed (self, job, cancellable, error);
}

static void
cs_facebook_publisher_finalize (GObject *object)
{
  CsFacebookPublisher *self = CS_FACEBOOK_PUBLISHER (object);

  g_free (self->page_id);
  g_free (self->page_token);

  G_OBJECT_CLASS (cs_facebook_publisher_parent_class)->finalize (object);
}

static void
cs_facebook_publisher_class_init (CsFacebookPublisherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CsPublisherClass *publisher_class = CS_PUBLISHER_CLASS (klass);

  object_class->finalize = cs_facebook_publisher_finalize;
  publisher_class->publish = cs_facebook_publisher_publish;
  publisher_class->describe_error = cs_facebook_publisher_describe_error;
}

static void
cs_facebook_publisher_init (CsFacebookPublisher *self)
{
}

CsPublisher *
cs_facebook_publisher_new (const char *base_url,
                           const char *page_id,
                           const char *page_token)
{
  CsFacebookPublisher *self;

  g_return_val_if_fail (base_url != NULL, NULL);

  self = g_object_new (CS_TYPE_FACEBOOK_PUBLISHER,
                       "name", "facebook",
                       "base-url", base_url,
                       NULL);
  self->page_id = g_strdup (page_id);
  self->page_token = g_strdup (page_token);
  return CS_PUBLISHER (self);
}
