/* cs-photo-region.c: a part of a photo that may have to be hidden
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

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
