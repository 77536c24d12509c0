/* cs-publisher.c: puts an approved post on one of the school's accounts
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cs-publisher.h"

#include "cs-json.h"

#include <stdarg.h>
#include <stdlib.h>

G_DEFINE_QUARK (cs-publish-error-quark, cs_publish_error)

typedef struct
{
  char            *name;
  char            *base_url;
  GTlsCertificate *pinned;
  SoupSession     *session;
  GMutex           lock;           /* guards changed_secrets */
  JsonObject      *changed_secrets;
} CsPublisherPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (CsPublisher, cs_publisher, G_TYPE_OBJECT)

enum { PROP_0, PROP_NAME, PROP_BASE_URL, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* How long one request may take, connect to last byte: a photo upload on
 * a school's slow uplink. */
#define REQUEST_TIMEOUT_SECONDS 120

CsPublishPhoto *
cs_publish_photo_new (GBytes     *jpeg,
                      const char *alt)
{
  CsPublishPhoto *photo = g_new0 (CsPublishPhoto, 1);

  photo->jpeg = g_bytes_ref (jpeg);
  photo->alt = g_strdup (alt);
  return photo;
}

void
cs_publish_photo_free (CsPublishPhoto *photo)
{
  if (photo == NULL)
    return;
  g_bytes_unref (photo->jpeg);
  g_free (photo->alt);
  g_free (photo);
}

CsPublishJob *
cs_publish_job_new (const char *text,
                    const char *key)
{
  CsPublishJob *job = g_new0 (CsPublishJob, 1);

  job->text = g_strdup (text);
  job->key = g_strdup (key);
  job->photos = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_publish_photo_free);
  job->progress = json_object_new ();
  return job;
}

void
cs_publish_job_add_photo (CsPublishJob *job,
                          GBytes       *jpeg,
                          const char   *alt)
{
  g_ptr_array_add (job->photos, cs_publish_photo_new (jpeg, alt));
}

void
cs_publish_job_free (CsPublishJob *job)
{
  if (job == NULL)
    return;
  g_free (job->text);
  g_free (job->key);
  g_ptr_array_unref (job->photos);
  json_object_unref (job->progress);
  g_free (job->remote_id);
  g_free (job->url);
  g_free (job);
}

gboolean
cs_publish_job_remember (CsPublishJob  *job,
                         const char    *name,
                         const char    *value,
                         GError       **error)
{
  json_object_set_string_member (job->progress, name, value);
  if (job->checkpoint != NULL && !job->checkpoint (job, job->checkpoint_data, error))
    {
      g_prefix_error (error, "The progress of publishing could not be saved, so it stopped to avoid posting twice: ");
      return FALSE;
    }
  return TRUE;
}

const char *
cs_publish_job_recall (CsPublishJob *job,
                       const char   *name)
{
  return cs_json_get_string (job->progress, name);
}

void
cs_publish_job_set_result (CsPublishJob *job,
                           const char   *id,
                           const char   *url)
{
  g_free (job->remote_id);
  job->remote_id = g_strdup (id);
  g_free (job->url);
  job->url = g_strdup (url);
}

gboolean
cs_publish_job_restore_result (CsPublishJob *job,
                               const char   *id_name)
{
  const char *done = cs_publish_job_recall (job, id_name);

  if (done == NULL)
    return FALSE;
  cs_publish_job_set_result (job, done, cs_publish_job_recall (job, "url"));
  return TRUE;
}

const char *
cs_publish_job_recall_nth (CsPublishJob *job,
                           const char   *prefix,
                           guint         index)
{
  g_autofree char *name = g_strdup_printf ("%s-%u", prefix, index);

  return cs_publish_job_recall (job, name);
}

GBytes *
cs_publish_job_photo_form (CsPublishJob  *job,
                           guint          index,
                           const char    *file_field,
                           char         **content_type,
                           ...)
{
  const CsPublishPhoto *photo = g_ptr_array_index (job->photos, index);
  g_autoptr(SoupMultipart) multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autofree char *filename = g_strdup_printf ("photo-%u.jpg", index + 1);
  GBytes *body = NULL;
  const char *name;
  va_list args;

  soup_multipart_append_form_file (multipart, file_field, filename, "image/jpeg", photo->jpeg);
  va_start (args, content_type);
  while ((name = va_arg (args, const char *)) != NULL)
    soup_multipart_append_form_string (multipart, name, va_arg (args, const char *));
  va_end (args);
  soup_multipart_to_message (multipart, headers, &body);
  *content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  return body;
}

gboolean
cs_publisher_require_id (CsPublisher  *self,
                         const char   *id,
                         const char   *what,
                         GError      **error)
{
  CsPublisherPrivate *priv = cs_publisher_get_instance_private (self);

  if (id != NULL && *id != '\0')
    return TRUE;
  g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY,
               "%s answered without the id of the %s. It will be tried again shortly.",
               cs_publisher_display_name (priv->name), what);
  return FALSE;
}

const char *
cs_publisher_display_name (const char *name)
{
  static const struct { const char *name, *display; } names[] = {
    { "mastodon", "Mastodon" },
    { "bluesky", "Bluesky" },
    { "x", "X" },
    { "facebook", "Facebook" },
    { "export", "The export folder" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (name, names[i].name) == 0)
      return names[i].display;
  return name;
}

static void
cs_publisher_finalize (GObject *object)
{
  CsPublisherPrivate *priv = cs_publisher_get_instance_private (CS_PUBLISHER (object));

  g_free (priv->name);
  g_free (priv->base_url);
  g_clear_object (&priv->pinned);
  g_clear_object (&priv->session);
  g_clear_pointer (&priv->changed_secrets, json_object_unref);
  g_mutex_clear (&priv->lock);

  G_OBJECT_CLASS (cs_publisher_parent_class)->finalize (object);
}

static void
cs_publisher_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  CsPublisherPrivate *priv = cs_publisher_get_instance_private (CS_PUBLISHER (object));

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, priv->name);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, priv->base_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_publisher_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  CsPublisherPrivate *priv = cs_publisher_get_instance_private (CS_PUBLISHER (object));

  switch (prop_id)
    {
    case PROP_NAME:
      priv->name = g_value_dup_string (value);
      break;
    case PROP_BASE_URL:
      /* Paths are joined with a "/", so a trailing one would double. */
      priv->base_url = g_value_dup_string (value);
      if (priv->base_url != NULL)
        while (g_str_has_suffix (priv->base_url, "/"))
          priv->base_url[strlen (priv->base_url) - 1] = '\0';
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_publisher_class_init (CsPublisherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cs_publisher_finalize;
  object_class->get_property = cs_publisher_get_property;
  object_class->set_property = cs_publisher_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cs_publisher_init (CsPublisher *self)
{
  CsPublisherPrivate *priv = cs_publisher_get_instance_private (self);

  g_mutex_init (&priv->lock);
  /* Made here, in the thread that makes the publisher, as libsoup asks;
   * its blocking API may then be used from the worker threads. */
  priv->session = soup_session_new_with_options ("timeout", REQUEST_TIMEOUT_SECONDS,
                                                 "idle-timeout", 60,
                                                 "user-agent", "Countersign/" PACKAGE_VERSION " ",
                                                 NULL);
}

const char *
cs_publisher_get_name (CsPublisher *self)
{
  CsPublisherPrivate *priv = cs_publisher_get_instance_private (self);

  g_return_val_if_fail (CS_IS_PUBLISHER (self), NULL);
  return priv->name;
}

const char *
cs_publisher_get_base_url (CsPublisher *self)
{
  CsPublisherPrivate *priv = cs_publisher_get_instance_private (self);

  g_return_val_if_fail (CS_IS_PUBLISHER (self), NULL);
  return priv->base_url;
}

void
cs_publisher_pin_certificate (CsPublisher     *self,
                              GTlsCertificate *certificate)
{
  CsPublisherPrivate *priv = cs_publisher_get_instance_private (self);

  g_return_if_fail (CS_IS_PUBLISHER (self));
  g_set_object (&priv->pinned, certificate);
}

void
cs_publisher_set_timeout (CsPublisher *self,
                          guint        seconds)
{
  CsPublisherPrivate *priv = cs_publisher_get_instance_private (self);

  g_return_if_fail (CS_IS_PUBLISHER (self));
  /* libsoup reads this only when it opens a connection, and only from
   * the session's own thread, hence the caveat in the header. */
  g_object_set (priv->session, "timeout", seconds, NULL);
}

gboolean
cs_publisher_publish (CsPublisher   *self,
                      CsPublishJob  *job,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_return_val_if_fail (CS_IS_PUBLISHER (self), FALSE);
  g_return_val_if_fail (job != NULL, FALSE);

  job->retry_at = 0;
  return CS_PUBLISHER_GET_CLASS (self)->publish (self, job, cancellable, error);
}

JsonObject *
cs_publisher_take_changed_secrets (CsPublisher *self)
{
  CsPublisherPrivate *priv = cs_publisher_get_instance_private (self);
  JsonObject *secrets;

  g_return_val_if_fail (CS_IS_PUBLISHER (self), NULL);
  g_mutex_lock (&priv->lock);
  secrets = g_steal_pointer (&priv->changed_secrets);
  g_mutex_unlock (&priv->lock);
  return secrets;
}

void
cs_publisher_set_changed_secrets (CsPublisher *self,
                                  JsonObject  *secrets)
{
  CsPublisherPrivate *priv = cs_publisher_get_instance_private (self);

  g_return_if_fail (CS_IS_PUBLISHER (self));
  g_mutex_lock (&priv->lock);
  g_clear_pointer (&priv->changed_secrets, json_object_unref);
  priv->changed_secrets = json_object_ref (secrets);
  g_mutex_unlock (&priv->lock);
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *peer,
                       GTlsCertificateFlags  errors,
                       CsPublisher          *self)
{
  CsPublisherPrivate *priv = cs_publisher_get_instance_private (self);

  return priv->pinned != NULL && g_tls_certificate_is_same (peer, priv->pinned);
}

SoupMessage *
cs_publisher_new_message (CsPublisher *self,
                          const char  *method,
                          const char  *path,
                          const char  *authorization)
{
  CsPublisherPrivate *priv = cs_publisher_get_instance_private (self);
  g_autofree char *url = NULL;
  SoupMessage *msg;

  g_return_val_if_fail (CS_IS_PUBLISHER (self), NULL);

  if (g_str_has_prefix (path, "https://") || g_str_has_prefix (path, "http://"))
    url = g_strdup (path);
  else
    url = g_strdup_printf ("%s%s%s", priv->base_url, path[0] == '/' ? "" : "/", path);
  msg = soup_message_new (method, url);
  if (msg == NULL)
    return NULL;
  if (authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  /* Never follow a redirect with the credentials on it. */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  g_signal_connect_object (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), self, 0);
  return msg;
}

/* A rate-limit reset is a delay in seconds, a unix time, or (Mastodon)
 * an ISO 8601 time; Retry-After may also be an HTTP date. */
static gint64
parse_reset (const char *value,
             gint64      now)
{
  g_autoptr(GDateTime) when = NULL;
  char *end = NULL;
  gint64 number;

  if (value == NULL || *value == '\0')
    return 0;
  number = g_ascii_strtoll (value, &end, 10);
  if (end != value && *end == '\0' && number >= 0)
    return number > 1000000000 ? number : now + number;

  when = g_date_time_new_from_iso8601 (value, NULL);
  if (when == NULL)
    when = soup_date_time_new_from_http_string (value);
  return when != NULL ? g_date_time_to_unix (when) : 0;
}

static gint64
retry_at_from_headers (SoupMessageHeaders *headers)
{
  /* Mastodon's, X's (one more hyphen), Bluesky's (the IETF draft's). */
  static const char *const names[] = { "Retry-After", "X-RateLimit-Reset", "X-Rate-Limit-Reset", "RateLimit-Reset" };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      gint64 at = parse_reset (soup_message_headers_get_one (headers, names[i]), now);

      /* A platform's clock may run a little behind ours; a day ahead is
       * a mistake, not a limit, and would stall the post. */
      if (at > 0)
        return CLAMP (at, now, now + 24 * 60 * 60);
    }
  return 0;
}

static const char *
status_in_words (guint status)
{
  switch (status)
    {
    case 400: return "it said the request was not valid";
    case 403: return "it said the account is not allowed to do that";
    case 404: return "it could not find the page it was asked for (check the account's address)";
    case 413: return "it said the post or a photo is too large";
    case 415: return "it does not accept that kind of file";
    case 422: return "it said the post is not valid";
    default:  return "it refused the request";
    }
}

JsonNode *
cs_publisher_send (CsPublisher   *self,
                   SoupMessage   *msg,
                   CsPublishJob  *job,
                   guint         *status_out,
                   JsonNode     **reply_out,
                   GCancellable  *cancellable,
                   GError       **error)
{
  CsPublisherPrivate *priv = cs_publisher_get_instance_private (self);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  const char *platform = cs_publisher_display_name (priv->name);
  guint status;

  g_return_val_if_fail (CS_IS_PUBLISHER (self), NULL);

  if (status_out != NULL)
    *status_out = 0;
  if (reply_out != NULL)
    *reply_out = NULL;

  body = soup_session_send_and_read (priv->session, msg, cancellable, &local_error);
  if (body == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY,
                   "%s could not be reached (%s). It will be tried again shortly.",
                   platform, local_error->message);
      return NULL;
    }

  status = soup_message_get_status (msg);
  if (status_out != NULL)
    *status_out = status;

  if (g_bytes_get_size (body) > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize len;
      const char *data = g_bytes_get_data (body, &len);

      if (json_parser_load_from_data (parser, data, len, NULL))
        reply = json_node_ref (json_parser_get_root (parser));
    }
  if (reply_out != NULL && reply != NULL)
    *reply_out = json_node_ref (reply);

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      if (reply == NULL && g_bytes_get_size (body) > 0)
        {
          g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY,
                       "%s answered with something that is not JSON. It will be tried again shortly.", platform);
          return NULL;
        }
      return reply != NULL ? g_steal_pointer (&reply) : json_node_new (JSON_NODE_NULL);
    }

  {
    CsPublisherClass *klass = CS_PUBLISHER_GET_CLASS (self);
    g_autofree char *reason = klass->describe_error != NULL ? klass->describe_error (self, status, reply) : NULL;

    /* The reason goes inside a sentence of ours: its own full stop would
     * double ours. */
    if (reason != NULL)
      {
        g_strstrip (reason);
        while (g_str_has_suffix (reason, "."))
          reason[strlen (reason) - 1] = '\0';
        if (*reason == '\0')
          g_clear_pointer (&reason, g_free);
      }

    if (status == 408 || status == 429 || status >= 500)
      {
        if (job != NULL)
          job->retry_at = retry_at_from_headers (soup_message_get_response_headers (msg));
        if (status == 429)
          g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY,
                       "%s asked for a pause: too many posts or uploads for now%s%s%s. "
                       "It will be tried again when it allows.",
                       platform, reason != NULL ? " (" : "", reason != NULL ? reason : "", reason != NULL ? ")" : "");
        else
          g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY,
                       "%s had a problem of its own (HTTP %u%s%s). It will be tried again shortly.",
                       platform, status, reason != NULL ? ": " : "", reason != NULL ? reason : "");
      }
    else if (status == 401)
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REAUTH,
                   "%s no longer accepts the school's sign-in%s%s. Ask whoever looks after the school's accounts to "
                   "connect it again, then retry.",
                   platform, reason != NULL ? ": " : "", reason != NULL ? reason : "");
    else
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                   "%s did not publish the post: %s.",
                   platform, reason != NULL ? reason : status_in_words (status));
  }
  return NULL;
}
