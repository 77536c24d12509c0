/* cs-photo-region.h: a part of a photo that may have to be hidden
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "cs-image.h"
#include "cs-person.h"

G_BEGIN_DECLS

typedef enum
{
  CS_REGION_FACE,    /* a face the detector found */
  CS_REGION_TEXT,    /* a pupil's name (or a certificate's name line) read in the photo */
  CS_REGION_MANUAL,  /* drawn by the user */
} CsRegionKind;

const char *cs_region_kind_to_string   (CsRegionKind  kind);
gboolean    cs_region_kind_from_string (const char   *str,
                                        CsRegionKind *kind);

#define CS_TYPE_PHOTO_REGION (cs_photo_region_get_type ())

typedef struct
{
  CsRegionKind  kind;
  CsRect        rect;    /* what was found, in upright image pixels */
  double        score;   /* the detector's confidence; 1 for manual regions */
  char         *text;    /* text regions: what was read; otherwise NULL */
  char         *reason;  /* text regions: why it is hidden ("roster name", "certificate") */
  char         *tag;     /* the UPN of the pupil tagged on a face, or NULL */
  gboolean      clear;   /* the user chose to leave it unblurred */
} CsPhotoRegion;

GType          cs_photo_region_get_type (void) G_GNUC_CONST;
CsPhotoRegion *cs_photo_region_new      (CsRegionKind         kind,
                                         const CsRect        *rect,
                                         double               score);
CsPhotoRegion *cs_photo_region_copy     (const CsPhotoRegion *region);
void           cs_photo_region_free     (CsPhotoRegion       *region);

/* The rectangle that is blurred for @region: faces grow to cover hair, ears
 * and chin, text gets a margin so no letter edge survives; clipped to the
 * @width x @height image. */
void           cs_photo_region_get_cover (const CsPhotoRegion *region,
                                          int                  width,
                                          int                  height,
                                          CsRect              *cover);

/* Whether @region is hidden in the photo that leaves the laptop. A region
 * stays clear only when the user asked and that is allowed: a face tagged
 * with a pupil whose photo consent is yes and unexpired. @tagged is the
 * person @region->tag names in the roster (NULL when untagged or unknown). */
gboolean       cs_photo_region_is_hidden (const CsPhotoRegion *region,
                                          const CsPerson      *tagged,
                                          const GDate         *today);

/* One region as a JSON object, and back. Reading validates every member
 * and names the field (@field, e.g. "photos[0].regions[2]") in a
 * G_IO_ERROR_INVALID_DATA error. */
void           cs_photo_region_to_json   (const CsPhotoRegion *region,
                                          JsonBuilder         *builder);
CsPhotoRegion *cs_photo_region_from_json (JsonNode            *node,
                                          const char          *field,
                                          GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsPhotoRegion, cs_photo_region_free)

G_END_DECLS
