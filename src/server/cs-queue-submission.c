/* cs-queue-submission.c: reads and bounds a submitted post
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-queue-submission.h"

#include <string.h>

#include "cs-platform.h"
#include "cs-unicode-private.h"

G_DEFINE_QUARK (cs-submission-error-quark, cs_submission_error)

static gboolean
fail (GError           **error,
      CsSubmissionError  code,
      const char        *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError           **error,
      CsSubmissionError  code,
      const char        *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (CS_SUBMISSION_ERROR, code, format, args));
  va_end (args);
  return FALSE;
}

/* json-glib's parser recurses once per level, so a body of a million
 * brackets would exhaust the stack: the depth is counted first. */
static gboolean
depth_within (const char *data,
              gsize       len,
              guint       max)
{
  guint depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > max)
            return FALSE;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }
  return TRUE;
}

JsonNode *
cs_submission_parse_json (GBytes      *body,
                          const char  *what,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local = NULL;
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;

  if (len == 0)
    return fail (error, CS_SUBMISSION_ERROR_MALFORMED, "The %s is empty.", what), NULL;
  if (!g_utf8_validate_len (data, len, NULL))
    return fail (error, CS_SUBMISSION_ERROR_MALFORMED, "The %s is not UTF-8 text.", what), NULL;
  if (!depth_within (data, len, CS_SUBMISSION_MAX_JSON_DEPTH))
    return fail (error, CS_SUBMISSION_ERROR_MALFORMED,
                 "The %s is nested more than %d levels deep.", what, CS_SUBMISSION_MAX_JSON_DEPTH), NULL;
  if (!json_parser_load_from_data (parser, data, len, &local))
    return fail (error, CS_SUBMISSION_ERROR_MALFORMED, "The %s is not valid JSON: %s", what, local->message), NULL;

  return json_node_ref (json_parser_get_root (parser));
}

static const char *
member_string (JsonObject  *object,
               const char  *name,
               const char  *field,
               gboolean     required,
               GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        fail (error, CS_SUBMISSION_ERROR_MALFORMED, "“%s” is missing.", field);
      return NULL;
    }
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    {
      fail (error, CS_SUBMISSION_ERROR_MALFORMED, "“%s” must be a string.", field);
      return NULL;
    }
  return json_node_get_string (node);
}

static char *
parse_platforms (JsonObject  *object,
                 GError     **error)
{
  JsonNode *node = json_object_get_member (object, "platforms");
  g_autoptr(JsonBuilder) out = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;
  guint seen = 0;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, CS_SUBMISSION_ERROR_MALFORMED,
                 "“platforms” must be a list such as [\"x\", \"mastodon\"]."), NULL;

  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0)
    return fail (error, CS_SUBMISSION_ERROR_INVALID, "“platforms” is empty: choose where the post goes."), NULL;

  json_builder_begin_array (out);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      CsPlatform platform;

      if (json_node_get_value_type (item) != G_TYPE_STRING ||
          !cs_platform_from_string (json_node_get_string (item), &platform))
        return fail (error, CS_SUBMISSION_ERROR_INVALID,
                     "“platforms[%u]” is not one of x, facebook, mastodon or bluesky.", i), NULL;
      if (seen & (1u << platform))
        return fail (error, CS_SUBMISSION_ERROR_INVALID, "“platforms[%u]” is listed twice.", i), NULL;
      seen |= 1u << platform;
      json_builder_add_string_value (out, cs_platform_to_string (platform));
    }
  json_builder_end_array (out);

  root = json_builder_get_root (out);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static gboolean
number_member (JsonObject  *object,
               const char  *name,
               const char  *field,
               double      *value,
               GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  GType type = node != NULL ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return fail (error, CS_SUBMISSION_ERROR_MALFORMED, "“%s.%s” must be a number.", field, name);
  *value = json_node_get_double (node);
  if (*value < 0 || *value > 100000)
    return fail (error, CS_SUBMISSION_ERROR_INVALID, "“%s.%s” is outside the photo.", field, name);
  return TRUE;
}

/* Tags are re-serialised from what was checked, so nothing unvalidated
 * reaches the database or the content hash. */
static char *
parse_tags (JsonObject  *photo,
            guint        index,
            GError     **error)
{
  JsonNode *node = json_object_get_member (photo, "tags");
  g_autoptr(JsonBuilder) out = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;

  json_builder_begin_array (out);
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_ARRAY (node))
        return fail (error, CS_SUBMISSION_ERROR_MALFORMED, "“photos[%u].tags” must be a list.", index), NULL;
      array = json_node_get_array (node);
      if (json_array_get_length (array) > CS_SUBMISSION_MAX_TAGS)
        return fail (error, CS_SUBMISSION_ERROR_TOO_LARGE, "“photos[%u].tags” has more than %d tags.",
                     index, CS_SUBMISSION_MAX_TAGS), NULL;

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          g_autofree char *field = g_strdup_printf ("photos[%u].tags[%u]", index, i);
          JsonObject *tag;
          const char *pupil;
          double x, y, w, h;

          if (!JSON_NODE_HOLDS_OBJECT (item))
            return fail (error, CS_SUBMISSION_ERROR_MALFORMED, "“%s” must be an object.", field), NULL;
          tag = json_node_get_object (item);
          pupil = member_string (tag, "pupil", field, TRUE, error);
          if (pupil == NULL)
            return NULL;
          if (*pupil == '\0' || strlen (pupil) > 64)
            return fail (error, CS_SUBMISSION_ERROR_INVALID, "“%s.pupil” is not a pupil's id.", field), NULL;
          if (!number_member (tag, "x", field, &x, error) || !number_member (tag, "y", field, &y, error) ||
              !number_member (tag, "w", field, &w, error) || !number_member (tag, "h", field, &h, error))
            return NULL;

          json_builder_begin_object (out);
          json_builder_set_member_name (out, "pupil");
          json_builder_add_string_value (out, pupil);
          json_builder_set_member_name (out, "x");
          json_builder_add_double_value (out, x);
          json_builder_set_member_name (out, "y");
          json_builder_add_double_value (out, y);
          json_builder_set_member_name (out, "w");
          json_builder_add_double_value (out, w);
          json_builder_set_member_name (out, "h");
          json_builder_add_double_value (out, h);
          json_builder_end_object (out);
        }
    }
  json_builder_end_array (out);

  root = json_builder_get_root (out);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static CsQueuePost *
parse_post_object (JsonNode    *root,
                   guint       *n_photos,
                   GError     **error)
{
  g_autoptr(CsQueuePost) post = cs_queue_post_new ();
  JsonObject *object;
  JsonNode *photos;
  const char *text;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return fail (error, CS_SUBMISSION_ERROR_MALFORMED, "The post must be a JSON object."), NULL;
  object = json_node_get_object (root);

  text = member_string (object, "text", "text", TRUE, error);
  if (text == NULL)
    return NULL;
  if (strlen (text) > CS_SUBMISSION_MAX_TEXT_BYTES)
    return fail (error, CS_SUBMISSION_ERROR_TOO_LARGE, "“text” is longer than any platform allows."), NULL;
  if (*text == '\0')
    return fail (error, CS_SUBMISSION_ERROR_INVALID, "“text” is empty."), NULL;
  post->text = g_strdup (text);

  post->platforms_json = parse_platforms (object, error);
  if (post->platforms_json == NULL)
    return NULL;

  *n_photos = 0;
  photos = json_object_get_member (object, "photos");
  if (photos != NULL && !JSON_NODE_HOLDS_NULL (photos))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (photos))
        return fail (error, CS_SUBMISSION_ERROR_MALFORMED, "“photos” must be a list."), NULL;
      array = json_node_get_array (photos);
      if (json_array_get_length (array) > CS_SUBMISSION_MAX_PHOTOS)
        return fail (error, CS_SUBMISSION_ERROR_INVALID, "A post can have at most %d photos; this one has %u.",
                     CS_SUBMISSION_MAX_PHOTOS, json_array_get_length (array)), NULL;

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          g_autofree char *field = g_strdup_printf ("photos[%u].alt", i);
          g_autoptr(CsQueuePhoto) photo = g_new0 (CsQueuePhoto, 1);
          const char *alt;

          if (!JSON_NODE_HOLDS_OBJECT (item))
            return fail (error, CS_SUBMISSION_ERROR_MALFORMED, "“photos[%u]” must be an object.", i), NULL;
          alt = member_string (json_node_get_object (item), "alt", field, TRUE, error);
          if (alt == NULL)
            return NULL;
          if (g_utf8_strlen (alt, -1) > CS_SUBMISSION_MAX_ALT_CHARS)
            return fail (error, CS_SUBMISSION_ERROR_INVALID, "“%s” is longer than %d characters.",
                         field, CS_SUBMISSION_MAX_ALT_CHARS), NULL;
          if (cs_utf8_is_blank (alt))
            return fail (error, CS_SUBMISSION_ERROR_INVALID,
                         "“%s” is empty: every photo needs a description.", field), NULL;
          photo->alt = g_strdup (alt);
          photo->tags_json = parse_tags (json_node_get_object (item), i, error);
          if (photo->tags_json == NULL)
            return NULL;
          g_ptr_array_add (post->photos, g_steal_pointer (&photo));
        }
      *n_photos = array != NULL ? json_array_get_length (array) : 0;
    }

  return g_steal_pointer (&post);
}

const char *
cs_submission_jpeg_metadata (GBytes *jpeg)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (jpeg, &len);
  gsize pos = 2;

  if (len < 4 || d[0] != 0xFF || d[1] != 0xD8)
    return NULL;

  while (pos + 4 <= len)
    {
      guint8 marker;
      gsize seg_len;

      if (d[pos] != 0xFF)
        return NULL;
      marker = d[pos + 1];
      if (marker == 0xFF)
        {
          pos++;
          continue;
        }
      /* The picture's data follows the start of scan; nothing after it
       * is read by the platforms. */
      if (marker == 0xDA || marker == 0xD9)
        return NULL;
      seg_len = ((gsize) d[pos + 2] << 8) | d[pos + 3];
      if (seg_len < 2 || pos + 2 + seg_len > len)
        return NULL;

      if (marker == 0xFE)
        return "comment";
      if (marker == 0xE1)
        return seg_len >= 8 && memcmp (d + pos + 4, "Exif", 4) == 0 ? "EXIF" : "XMP";
      if (marker == 0xE2)
        return "ICC profile";
      if (marker == 0xED)
        return "IPTC";
      if (marker >= 0xE1 && marker <= 0xEF)
        return "application data";
      pos += 2 + seg_len;
    }

  return NULL;
}

static GBytes *
find_part (SoupMultipart *multipart,
           const char    *name,
           char         **content_type)
{
  for (int i = 0; i < soup_multipart_get_length (multipart); i++)
    {
      SoupMessageHeaders *headers;
      GBytes *body;
      g_autofree char *disposition = NULL;
      g_autoptr(GHashTable) params = NULL;

      if (!soup_multipart_get_part (multipart, i, &headers, &body))
        continue;
      if (!soup_message_headers_get_content_disposition (headers, &disposition, &params))
        continue;
      if (g_strcmp0 (g_hash_table_lookup (params, "name"), name) == 0)
        {
          if (content_type != NULL)
            *content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
          return g_bytes_ref (body);
        }
    }
  return NULL;
}

CsQueuePost *
cs_submission_parse (SoupMessageHeaders  *headers,
                     GBytes              *body,
                     GError             **error)
{
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autoptr(GBytes) post_part = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(CsQueuePost) post = NULL;
  guint n_photos = 0;

  if (g_strcmp0 (type, "application/json") == 0)
    {
      root = cs_submission_parse_json (body, "post", error);
      if (root == NULL)
        return NULL;
      post = parse_post_object (root, &n_photos, error);
      if (post != NULL && n_photos > 0)
        return fail (error, CS_SUBMISSION_ERROR_MALFORMED,
                     "Photos must be sent as multipart/form-data, not in JSON."), NULL;
      return g_steal_pointer (&post);
    }

  if (g_strcmp0 (type, "multipart/form-data") != 0)
    return fail (error, CS_SUBMISSION_ERROR_MALFORMED,
                 "A post must be sent as application/json or multipart/form-data."), NULL;

  multipart = soup_multipart_new_from_message (headers, body);
  if (multipart == NULL)
    return fail (error, CS_SUBMISSION_ERROR_MALFORMED, "The multipart body could not be read."), NULL;
  if (soup_multipart_get_length (multipart) > CS_SUBMISSION_MAX_PHOTOS + 1)
    return fail (error, CS_SUBMISSION_ERROR_INVALID, "The body has more parts than a post and %d photos.",
                 CS_SUBMISSION_MAX_PHOTOS), NULL;

  post_part = find_part (multipart, "post", NULL);
  if (post_part == NULL)
    return fail (error, CS_SUBMISSION_ERROR_MALFORMED, "The multipart body has no “post” part."), NULL;
  root = cs_submission_parse_json (post_part, "“post” part", error);
  if (root == NULL)
    return NULL;
  post = parse_post_object (root, &n_photos, error);
  if (post == NULL)
    return NULL;

  for (guint i = 0; i < n_photos; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo%u", i);
      g_autofree char *content_type = NULL;
      CsQueuePhoto *photo = g_ptr_array_index (post->photos, i);
      const char *metadata;

      photo->jpeg = find_part (multipart, name, &content_type);
      if (photo->jpeg == NULL)
        return fail (error, CS_SUBMISSION_ERROR_MALFORMED, "The part “%s” for photos[%u] is missing.", name, i), NULL;
      if (g_bytes_get_size (photo->jpeg) > CS_SUBMISSION_MAX_PHOTO_BYTES)
        return fail (error, CS_SUBMISSION_ERROR_TOO_LARGE, "“%s” is larger than %u MB.",
                     name, CS_SUBMISSION_MAX_PHOTO_BYTES / (1024 * 1024)), NULL;
      if (g_strcmp0 (content_type, "image/jpeg") != 0 || g_bytes_get_size (photo->jpeg) < 4 ||
          ((const guint8 *) g_bytes_get_data (photo->jpeg, NULL))[0] != 0xFF)
        return fail (error, CS_SUBMISSION_ERROR_INVALID, "“%s” must be a JPEG (image/jpeg).", name), NULL;
      metadata = cs_submission_jpeg_metadata (photo->jpeg);
      if (metadata != NULL)
        return fail (error, CS_SUBMISSION_ERROR_INVALID,
                     "“%s” still carries %s metadata; only photos redacted by Countersign are accepted.",
                     name, metadata), NULL;
    }

  return g_steal_pointer (&post);
}
