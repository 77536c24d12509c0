/* cs-bluesky-publisher.c: posts to the school's Bluesky account
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Photos go up as raw blobs, at most 1,000,000 bytes each, and the post
 * is a record written at a record key (a TID) chosen once per delivery
 * and saved before the first attempt: XRPC has no idempotency keys, but a
 * record key can be looked up, and a second record at the same key is
 * refused, so a post whose answer was lost is found rather than made
 * twice. The session the calls are made with (signed in once, refreshed
 * when it expires) is kept by cs-bluesky-publisher-session.c.
 *
 * Progress: "blob-N" (a photo's blob object, as JSON), "created-at" and
 * "rkey" (the record's time and key), "url" and "uri" (the post is made).
 */

#include "config.h"

#include "cs-bluesky-publisher.h"
#include "cs-bluesky-publisher-private.h"
#include "cs-json.h"
#include "cs-platform.h"
#include "cs-url.h"
#include "cs-image.h"

#include <math.h>
#include <string.h>

#define MAX_PHOTOS      4
#define MAX_GRAPHEMES   300
#define MAX_TEXT_BYTES  3000
/* app.bsky.embed.images allows this much per image. */
#define MAX_IMAGE_BYTES 1000000
/* Below this a photo says too little to be worth posting. */
#define MIN_IMAGE_SIDE  320

#define POST_COLLECTION "app.bsky.feed.post"

G_DEFINE_FINAL_TYPE (CsBlueskyPublisher, cs_bluesky_publisher, CS_TYPE_PUBLISHER)

/* Photos */

/* TRUE unless the JPEG is well formed and carries no segment that could
 * hold metadata (EXIF, XMP, IPTC, ICC, comments) or a thumbnail, which
 * might show what redaction hid, before its image data. */
static gboolean
jpeg_may_hold_metadata (GBytes *jpeg)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);
  gsize pos = 2;

  if (len < 4 || data[0] != 0xFF || data[1] != 0xD8)
    return TRUE;

  while (pos + 4 <= len)
    {
      guint8 marker;
      gsize segment;

      if (data[pos] != 0xFF)
        return TRUE;
      marker = data[pos + 1];
      if (marker == 0xFF)
        {
          pos++;
          continue;
        }
      if (marker == 0xDA)
        return FALSE;
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
        {
          pos += 2;
          continue;
        }
      if ((marker >= 0xE1 && marker <= 0xEF) || marker == 0xFE)
        return TRUE;
      segment = ((gsize) data[pos + 2] << 8) | data[pos + 3];
      if (segment < 2)
        return TRUE;
      /* A plain JFIF header is 16 bytes; anything longer, or a JFXX
       * extension, carries a thumbnail. */
      if (marker == 0xE0 && (segment != 16 || pos + 9 > len || memcmp (data + pos + 4, "JFIF", 5) != 0))
        return TRUE;
      pos += 2 + segment;
    }
  return TRUE;
}

/* The bytes to upload for a photo: as approved when they fit and hold
 * nothing but pixels, otherwise encoded again, smaller each time, until
 * they fit. */
static GBytes *
prepare_photo (const CsPublishPhoto  *photo,
               guint                  index,
               GError               **error)
{
  g_autoptr(CsImage) image = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = g_strdup_printf ("photo-%u.jpg", index + 1);
  int side, quality = 90;

  if (g_bytes_get_size (photo->jpeg) <= MAX_IMAGE_BYTES && !jpeg_may_hold_metadata (photo->jpeg))
    return g_bytes_ref (photo->jpeg);

  image = cs_image_load_bytes (photo->jpeg, name, &local_error);
  if (image == NULL)
    {
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                   "Photo %u could not be made ready for Bluesky: %s", index + 1, local_error->message);
      return NULL;
    }
  side = MAX (cs_image_get_width (image), cs_image_get_height (image));

  for (guint attempt = 0; attempt < 16; attempt++)
    {
      g_autoptr(CsImage) scaled = cs_image_scale_to_fit (image, side);
      g_autoptr(GBytes) jpeg = cs_image_encode_jpeg (scaled, quality, &local_error);
      gsize size;
      int smaller;

      if (jpeg == NULL)
        {
          g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                       "Photo %u could not be made ready for Bluesky: %s", index + 1, local_error->message);
          return NULL;
        }
      size = g_bytes_get_size (jpeg);
      if (size <= MAX_IMAGE_BYTES)
        return g_steal_pointer (&jpeg);

      /* A JPEG's size follows its pixel count, so the sides shrink by
       * the square root of how far over it is, and a little more so the
       * next try usually fits. */
      quality = MIN (quality, 85);
      smaller = (int) (side * sqrt ((double) MAX_IMAGE_BYTES / (double) size) * 0.92);
      smaller = MIN (smaller, side - 1);
      if (smaller < MIN_IMAGE_SIDE)
        {
          if (side <= MIN_IMAGE_SIDE)
            quality -= 15;
          smaller = MIN (side, MIN_IMAGE_SIDE);
        }
      if (quality < 40)
        break;
      side = smaller;
    }

  g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
               "Photo %u is too detailed to make small enough for Bluesky. Choose another photo, "
               "then approve the post again.", index + 1);
  return NULL;
}

/* The blob object for photo @index, uploading it unless an earlier
 * attempt already did (and @again is FALSE). */
static JsonNode *
ensure_blob (CsBlueskyPublisher  *self,
             CsPublishJob        *job,
             guint                index,
             gboolean             again,
             GCancellable        *cancellable,
             GError             **error)
{
  g_autofree char *name = g_strdup_printf ("blob-%u", index);
  const char *known = again ? NULL : cs_publish_job_recall (job, name);
  g_autoptr(GBytes) jpeg = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *saved = NULL;
  JsonNode *blob;

  if (known != NULL)
    {
      JsonNode *node = json_from_string (known, NULL);

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        return node;
      /* A damaged record of an upload costs one more upload. */
      g_clear_pointer (&node, json_node_unref);
    }

  jpeg = prepare_photo (g_ptr_array_index (job->photos, index), index, error);
  if (jpeg == NULL)
    return NULL;

  reply = cs_bluesky_publisher_xrpc (self, job, "POST", "/xrpc/com.atproto.repo.uploadBlob", "image/jpeg", jpeg,
                                     NULL, NULL, cancellable, error);
  if (reply == NULL)
    return NULL;

  blob = JSON_NODE_HOLDS_OBJECT (reply) ? json_object_get_member (json_node_get_object (reply), "blob") : NULL;
  if (blob == NULL || !JSON_NODE_HOLDS_OBJECT (blob))
    {
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY,
                   "Bluesky took photo %u but did not say where it put it. It will be tried again shortly.",
                   index + 1);
      return NULL;
    }

  saved = json_to_string (blob, FALSE);
  if (!cs_publish_job_remember (job, name, saved, error))
    return NULL;
  return json_node_copy (blob);
}

/* The post */

static gboolean
blob_missing (JsonNode *refusal)
{
  const char *message = cs_bluesky_error_message (refusal);

  return g_strcmp0 (cs_bluesky_error_name (refusal), "BlobNotFound") == 0 ||
         (message != NULL && strstr (message, "Could not find blob") != NULL);
}

static gboolean
check_job (CsPublishJob  *job,
           GError       **error)
{
  const char *text = job->text != NULL ? job->text : "";
  gsize bytes = strlen (text);
  guint graphemes;

  if (!g_utf8_validate (text, bytes, NULL))
    {
      g_set_error_literal (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                           "The post's text is damaged (it is not valid UTF-8). Write it again, then approve it.");
      return FALSE;
    }
  graphemes = cs_count_graphemes (text, bytes);
  if (graphemes > MAX_GRAPHEMES)
    {
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                   "The post is %u characters long and Bluesky takes at most %d. "
                   "Shorten it, then approve it again.", graphemes, MAX_GRAPHEMES);
      return FALSE;
    }
  if (bytes > MAX_TEXT_BYTES)
    {
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                   "The post is too long for Bluesky once its emoji and accented letters are counted "
                   "the way Bluesky does (%" G_GSIZE_FORMAT " bytes; it takes at most %d). "
                   "Shorten it, then approve it again.", bytes, MAX_TEXT_BYTES);
      return FALSE;
    }

  if (job->photos->len > MAX_PHOTOS)
    {
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                   "Bluesky takes at most %d photos in a post and this one has %u. "
                   "Remove some, then approve the post again.", MAX_PHOTOS, job->photos->len);
      return FALSE;
    }
  for (guint i = 0; i < job->photos->len; i++)
    {
      const CsPublishPhoto *photo = g_ptr_array_index (job->photos, i);
      g_autofree char *alt = g_strstrip (g_strdup (photo->alt != NULL ? photo->alt : ""));

      /* Bluesky allows an empty description; the school does not. */
      if (*alt == '\0')
        {
          g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                       "Photo %u has no description for people who cannot see it. "
                       "Add one, then approve the post again.", i + 1);
          return FALSE;
        }
    }

  if (bytes == 0 && job->photos->len == 0)
    {
      g_set_error_literal (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                           "The post has no text and no photos, so there is nothing to publish.");
      return FALSE;
    }
  return TRUE;
}

/* A TID: 53 bits of microseconds since 1970, then a 10-bit clock id,
 * written as 13 characters of sortable base32. The clock id comes from
 * the delivery's key so that two posts made in the same microsecond by
 * different deliveries still differ. */
static char *
make_tid (gint64      microseconds,
          const char *key)
{
  static const char alphabet[] = "234567abcdefghijklmnopqrstuvwxyz";
  guint32 hash = 2166136261u;
  guint64 value;
  char tid[14];

  for (const char *p = key; *p != '\0'; p++)
    hash = (hash ^ (guchar) *p) * 16777619u;

  value = (((guint64) microseconds & ((G_GUINT64_CONSTANT (1) << 53) - 1)) << 10) | (hash & 0x3FF);
  for (int i = 0; i < 13; i++)
    tid[i] = alphabet[(value >> (60 - 5 * i)) & 0x1F];
  tid[13] = '\0';
  return g_strdup (tid);
}

static char *
format_created_at (gint64 microseconds)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (microseconds / G_USEC_PER_SEC);
  g_autofree char *seconds = g_date_time_format (when, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, (int) (microseconds % G_USEC_PER_SEC / 1000));
}

/* The record's key and time, chosen once per delivery and saved before
 * the first createRecord, so that every attempt writes the same record. */
static gboolean
ensure_record_key (CsPublishJob  *job,
                   const char   **rkey,
                   const char   **created_at,
                   GError       **error)
{
  if (cs_publish_job_recall (job, "rkey") == NULL || cs_publish_job_recall (job, "created-at") == NULL)
    {
      gint64 now = g_get_real_time ();
      g_autofree char *tid = make_tid (now, job->key != NULL ? job->key : "");
      g_autofree char *stamp = format_created_at (now);

      /* "rkey" last: with it saved, "created-at" is too. */
      if (!cs_publish_job_remember (job, "created-at", stamp, error) ||
          !cs_publish_job_remember (job, "rkey", tid, error))
        return FALSE;
    }
  *rkey = cs_publish_job_recall (job, "rkey");
  *created_at = cs_publish_job_recall (job, "created-at");
  return TRUE;
}

/* Links are not found by Bluesky itself: each needs a facet giving its
 * place in the text in UTF-8 bytes. */
static void
add_link_facets (JsonBuilder *builder,
                 const char  *text)
{
  gsize len = strlen (text);
  gsize from = 0, start, end;
  gboolean any = FALSE;

  while (from < len && cs_url_find_next (text, len, from, &start, &end) && end > start)
    {
      g_autofree char *link = g_strndup (text + start, end - start);
      g_autofree char *uri = NULL;

      if (g_ascii_strncasecmp (link, "https://", 8) == 0 || g_ascii_strncasecmp (link, "http://", 7) == 0)
        uri = g_steal_pointer (&link);
      else
        uri = g_strconcat ("https://", link, NULL);

      if (!any)
        {
          json_builder_set_member_name (builder, "facets");
          json_builder_begin_array (builder);
          any = TRUE;
        }
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "index");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "byteStart");
      json_builder_add_int_value (builder, start);
      json_builder_set_member_name (builder, "byteEnd");
      json_builder_add_int_value (builder, end);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "features");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "$type");
      json_builder_add_string_value (builder, "app.bsky.richtext.facet#link");
      json_builder_set_member_name (builder, "uri");
      json_builder_add_string_value (builder, uri);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);

      from = end;
    }
  if (any)
    json_builder_end_array (builder);
}

static GBytes *
record_body (CsPublishJob *job,
             const char   *did,
             const char   *rkey,
             const char   *created_at,
             GPtrArray    *blobs)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *text = job->text != NULL ? job->text : "";

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "repo");
  json_builder_add_string_value (builder, did);
  json_builder_set_member_name (builder, "collection");
  json_builder_add_string_value (builder, POST_COLLECTION);
  json_builder_set_member_name (builder, "rkey");
  json_builder_add_string_value (builder, rkey);

  json_builder_set_member_name (builder, "record");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "$type");
  json_builder_add_string_value (builder, POST_COLLECTION);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "createdAt");
  json_builder_add_string_value (builder, created_at);
  json_builder_set_member_name (builder, "langs");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "en-GB");
  json_builder_end_array (builder);
  add_link_facets (builder, text);

  if (blobs->len > 0)
    {
      json_builder_set_member_name (builder, "embed");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "$type");
      json_builder_add_string_value (builder, "app.bsky.embed.images");
      json_builder_set_member_name (builder, "images");
      json_builder_begin_array (builder);
      for (guint i = 0; i < blobs->len; i++)
        {
          const CsPublishPhoto *photo = g_ptr_array_index (job->photos, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "alt");
          json_builder_add_string_value (builder, photo->alt);
          json_builder_set_member_name (builder, "image");
          json_builder_add_value (builder, json_node_copy (g_ptr_array_index (blobs, i)));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return cs_json_builder_to_bytes (builder);
}

static gboolean
finish (CsPublishJob  *job,
        const char    *uri,
        const char    *profile,
        const char    *rkey,
        GError       **error)
{
  /* A DID's colons stay as they are in bsky.app's addresses. */
  g_autofree char *escaped = g_uri_escape_string (profile, ":", FALSE);
  g_autofree char *url = g_strdup_printf ("https://bsky.app/profile/%s/post/%s", escaped, rkey);

  cs_publish_job_set_result (job, uri, url);

  /* The url first: once "uri" is saved, nothing is asked again. */
  return cs_publish_job_remember (job, "url", job->url, error) &&
         cs_publish_job_remember (job, "uri", job->remote_id, error);
}

/* Whether an earlier attempt already wrote the record: TRUE with @uri
 * when it did, TRUE with @uri NULL when it did not. */
static gboolean
find_record (CsBlueskyPublisher  *self,
             CsPublishJob        *job,
             const char          *did,
             const char          *rkey,
             char               **uri,
             GCancellable        *cancellable,
             GError             **error)
{
  g_autofree char *repo = g_uri_escape_string (did, NULL, FALSE);
  g_autofree char *key = g_uri_escape_string (rkey, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/xrpc/com.atproto.repo.getRecord?repo=%s&collection=%s&rkey=%s",
                                           repo, POST_COLLECTION, key);
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) refusal = NULL;
  g_autoptr(GError) local_error = NULL;
  guint status = 0;
  const char *found;

  *uri = NULL;
  reply = cs_bluesky_publisher_xrpc (self, job, "GET", path, NULL, NULL, &status, &refusal, cancellable,
                                     &local_error);
  if (reply == NULL)
    {
      if (status == SOUP_STATUS_BAD_REQUEST && g_strcmp0 (cs_bluesky_error_name (refusal), "RecordNotFound") == 0)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  found = JSON_NODE_HOLDS_OBJECT (reply) ? cs_json_get_string (json_node_get_object (reply), "uri") : NULL;
  *uri = found != NULL ? g_strdup (found) : g_strdup_printf ("at://%s/%s/%s", did, POST_COLLECTION, rkey);
  return TRUE;
}

static gboolean
cs_bluesky_publisher_publish (CsPublisher   *publisher,
                              CsPublishJob  *job,
                              GCancellable  *cancellable,
                              GError       **error)
{
  CsBlueskyPublisher *self = CS_BLUESKY_PUBLISHER (publisher);
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *did = NULL;
  g_autofree char *profile = NULL;
  const char *rkey = NULL, *created_at = NULL, *uri;

  if (cs_publish_job_restore_result (job, "uri"))
    return TRUE;

  if (cs_publisher_get_base_url (publisher) == NULL)
    {
      g_set_error_literal (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
                           "The school's Bluesky account has no server address. "
                           "Add it in the account's settings (usually https://bsky.social).");
      return FALSE;
    }
  if (!check_job (job, error))
    return FALSE;

  if (!cs_bluesky_publisher_get_identity (self, job, &did, &profile, cancellable, error))
    return FALSE;

  /* A saved record key means an earlier attempt may have written the
   * record, whether its answer was lost (resumed) or said it failed, as
   * a 5xx can come after the write: look before writing. */
  if (cs_publish_job_recall (job, "rkey") != NULL)
    {
      g_autofree char *existing = NULL;

      if (!find_record (self, job, did, cs_publish_job_recall (job, "rkey"), &existing, cancellable, error))
        return FALSE;
      if (existing != NULL)
        return finish (job, existing, profile, cs_publish_job_recall (job, "rkey"), error);
    }

  for (guint round = 0; reply == NULL; round++)
    {
      g_autoptr(GPtrArray) blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(JsonNode) refusal = NULL;
      g_autoptr(GError) local_error = NULL;
      guint status = 0;

      for (guint i = 0; i < job->photos->len; i++)
        {
          JsonNode *blob = ensure_blob (self, job, i, round > 0, cancellable, error);

          if (blob == NULL)
            return FALSE;
          g_ptr_array_add (blobs, blob);
        }

      if (!ensure_record_key (job, &rkey, &created_at, error))
        return FALSE;
      body = record_body (job, did, rkey, created_at, blobs);
      reply = cs_bluesky_publisher_xrpc (self, job, "POST", "/xrpc/com.atproto.repo.createRecord",
                                         "application/json", body, &status, &refusal, cancellable, &local_error);

      /* Bluesky deletes blobs no record points to within minutes, so
       * photos saved before a long pause (a rate limit, a night) are
       * gone by the retry: upload them again, once. */
      if (reply == NULL && round == 0 && job->photos->len > 0 && status == SOUP_STATUS_BAD_REQUEST &&
          blob_missing (refusal))
        continue;
      if (reply == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  uri = JSON_NODE_HOLDS_OBJECT (reply) ? cs_json_get_string (json_node_get_object (reply), "uri") : NULL;
  if (uri == NULL)
    {
      /* The record key lets the next attempt find what was made. */
      g_set_error_literal (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY,
                           "Bluesky answered the post without saying which post it made. "
                           "It will be checked again shortly.");
      return FALSE;
    }
  return finish (job, uri, profile, rkey, error);
}

static char *
cs_bluesky_publisher_describe_error (CsPublisher *publisher,
                                     guint        status,
                                     JsonNode    *body)
{
  const char *message = cs_bluesky_error_message (body);

  return message != NULL ? g_strdup (message) : NULL;
}

static void
cs_bluesky_publisher_finalize (GObject *object)
{
  CsBlueskyPublisher *self = CS_BLUESKY_PUBLISHER (object);

  g_free (self->identifier);
  g_free (self->app_password);
  g_free (self->access_jwt);
  g_free (self->refresh_jwt);
  g_free (self->did);
  g_free (self->handle);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (cs_bluesky_publisher_parent_class)->finalize (object);
}

static void
cs_bluesky_publisher_class_init (CsBlueskyPublisherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CsPublisherClass *publisher_class = CS_PUBLISHER_CLASS (klass);

  object_class->finalize = cs_bluesky_publisher_finalize;
  publisher_class->publish = cs_bluesky_publisher_publish;
  publisher_class->describe_error = cs_bluesky_publisher_describe_error;
}

static void
cs_bluesky_publisher_init (CsBlueskyPublisher *self)
{
  g_mutex_init (&self->lock);
}

CsPublisher *
cs_bluesky_publisher_new (const char *base_url,
                          const char *identifier,
                          const char *app_password,
                          const char *refresh_jwt)
{
  CsBlueskyPublisher *self = g_object_new (CS_TYPE_BLUESKY_PUBLISHER,
                                           "name", "bluesky",
                                           "base-url", base_url,
                                           NULL);

  self->identifier = g_strdup (identifier);
  self->app_password = g_strdup (app_password);
  if (refresh_jwt != NULL && *refresh_jwt != '\0')
    self->refresh_jwt = g_strdup (refresh_jwt);
  return CS_PUBLISHER (self);
}
