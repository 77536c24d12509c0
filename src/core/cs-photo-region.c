/* cs-photo-region.c: a part of a photo that may have to be hidden
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <string.h>

#include "cs-photo-region.h"

#include "cs-face-detector.h"

static const char * const kind_names[] = { "face", "text", "manual" };

const char *
cs_region_kind_to_string (CsRegionKind kind)
{
  g_return_val_if_fail (kind <= CS_REGION_MANUAL, NULL);

  return kind_names[kind];
}

gboolean
cs_region_kind_from_string (const char   *str,
                            CsRegionKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    {
      if (g_strcmp0 (str, kind_names[i]) == 0)
        {
          *kind = (CsRegionKind) i;
          return TRUE;
        }
    }

  return FALSE;
}

G_DEFINE_BOXED_TYPE (CsPhotoRegion, cs_photo_region,
                     cs_photo_region_copy, cs_photo_region_free)

CsPhotoRegion *
cs_photo_region_new (CsRegionKind  kind,
                     const CsRect *rect,
                     double        score)
{
  CsPhotoRegion *region = g_new0 (CsPhotoRegion, 1);

  region->kind = kind;
  region->rect = *rect;
  region->score = score;

  return region;
}

CsPhotoRegion *
cs_photo_region_copy (const CsPhotoRegion *region)
{
  CsPhotoRegion *copy = g_memdup2 (region, sizeof *region);

  copy->text = g_strdup (region->text);
  copy->reason = g_strdup (region->reason);
  copy->tag = g_strdup (region->tag);

  return copy;
}

void
cs_photo_region_free (CsPhotoRegion *region)
{
  if (region == NULL)
    return;

  g_free (region->text);
  g_free (region->reason);
  g_free (region->tag);
  g_free (region);
}

void
cs_photo_region_get_cover (const CsPhotoRegion *region,
                           int                  width,
                           int                  height,
                           CsRect              *cover)
{
  double x1, y1, x2, y2;

  if (region->kind == CS_REGION_FACE)
    {
      CsFace face = { region->rect, region->score };

      cs_face_cover_rect (&face, cover);
    }
  else
    {
      /* Letters are thin: a margin of a third of the line height hides
       * ascenders, descenders and the ink's anti-aliased fringe. */
      double margin = MAX (4.0, region->rect.h / 3.0);

      cover->x = region->rect.x - margin;
      cover->y = region->rect.y - margin;
      cover->w = region->rect.w + 2 * margin;
      cover->h = region->rect.h + 2 * margin;
    }

  x1 = CLAMP (cover->x, 0, width);
  y1 = CLAMP (cover->y, 0, height);
  x2 = CLAMP (cover->x + cover->w, 0, width);
  y2 = CLAMP (cover->y + cover->h, 0, height);
  *cover = (CsRect) { x1, y1, x2 - x1, y2 - y1 };
}

gboolean
cs_photo_region_is_hidden (const CsPhotoRegion *region,
                           const CsPerson      *tagged,
                           const GDate         *today)
{
  if (!region->clear)
    return TRUE;

  /* Only a face can be shown, and only one that consent covers. Anything
   * else the user left clear is still hidden; the checks tell them why. */
  return (region->kind != CS_REGION_FACE ||
          tagged == NULL ||
          !cs_person_may_be_pictured (tagged, today));
}

void
cs_photo_region_to_json (const CsPhotoRegion *region,
                         JsonBuilder         *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, cs_region_kind_to_string (region->kind));
  json_builder_set_member_name (builder, "x");
  json_builder_add_double_value (builder, region->rect.x);
  json_builder_set_member_name (builder, "y");
  json_builder_add_double_value (builder, region->rect.y);
  json_builder_set_member_name (builder, "w");
  json_builder_add_double_value (builder, region->rect.w);
  json_builder_set_member_name (builder, "h");
  json_builder_add_double_value (builder, region->rect.h);
  json_builder_set_member_name (builder, "score");
  json_builder_add_double_value (builder, region->score);
  if (region->text != NULL)
    {
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, region->text);
    }
  if (region->reason != NULL)
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, region->reason);
    }
  if (region->tag != NULL)
    {
      json_builder_set_member_name (builder, "tag");
      json_builder_add_string_value (builder, region->tag);
    }
  json_builder_set_member_name (builder, "clear");
  json_builder_add_boolean_value (builder, region->clear);
  json_builder_end_object (builder);
}

/* Coordinates beyond any photo Countersign accepts are a damaged file. */
#define MAX_COORDINATE 1.0e6
#define MAX_TEXT_BYTES 1024

static gboolean
invalid (GError     **error,
         const char  *field,
         const char  *member,
         const char  *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "“%s.%s” %s", field, member, what);
  return FALSE;
}

static gboolean
read_number (JsonObject  *object,
             const char  *member,
             const char  *field,
             double       min,
             double       max,
             double      *out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  double value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return invalid (error, field, member, "must be a number");

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
    case G_TYPE_DOUBLE:
      value = json_node_get_double (node);
      break;
    default:
      return invalid (error, field, member, "must be a number");
    }

  if (!isfinite (value) || value < min || value > max)
    return invalid (error, field, member, "is out of range");

  *out = value;
  return TRUE;
}

static gboolean
read_text (JsonObject  *object,
           const char  *member,
           const char  *field,
           char       **out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *str;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, field, member, "must be text");

  str = json_node_get_string (node);
  if (strlen (str) > MAX_TEXT_BYTES || !g_utf8_validate (str, -1, NULL))
    return invalid (error, field, member, "is too long or not valid UTF-8 text");

  *out = g_strdup (str);
  return TRUE;
}

CsPhotoRegion *
cs_photo_region_from_json (JsonNode    *node,
                           const char  *field,
                           GError     **error)
{
  g_autoptr(CsPhotoRegion) region = g_new0 (CsPhotoRegion, 1);
  JsonObject *object;
  JsonNode *member;
  g_autofree char *kind = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "“%s” must describe a region of the photo", field);
      return NULL;
    }

  object = json_node_get_object (node);

  if (!read_text (object, "kind", field, &kind, error))
    return NULL;
  if (kind == NULL || !cs_region_kind_from_string (kind, &region->kind))
    {
      invalid (error, field, "kind", "must be face, text or manual");
      return NULL;
    }

  if (!read_number (object, "x", field, -MAX_COORDINATE, MAX_COORDINATE, &region->rect.x, error) ||
      !read_number (object, "y", field, -MAX_COORDINATE, MAX_COORDINATE, &region->rect.y, error) ||
      !read_number (object, "w", field, 1.0, MAX_COORDINATE, &region->rect.w, error) ||
      !read_number (object, "h", field, 1.0, MAX_COORDINATE, &region->rect.h, error))
    return NULL;

  if (json_object_has_member (object, "score"))
    {
      if (!read_number (object, "score", field, 0.0, 1.0, &region->score, error))
        return NULL;
    }
  else
    region->score = 1.0;

  if (!read_text (object, "text", field, &region->text, error) ||
      !read_text (object, "reason", field, &region->reason, error) ||
      !read_text (object, "tag", field, &region->tag, error))
    return NULL;

  member = json_object_get_member (object, "clear");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        {
          invalid (error, field, "clear", "must be true or false");
          return NULL;
        }
      region->clear = json_node_get_boolean (member);
    }

  return g_steal_pointer (&region);
}
