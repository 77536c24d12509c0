/* cs-image.h: a photo decoded into upright 8-bit BGR pixels
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The vision library is the only place that touches OpenCV, libheif and
 * tesseract; the rest of Countersign sees this small C API.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Decompression bombs and absurd files are refused before decoding. */
#define CS_IMAGE_MAX_PIXELS (100u * 1000u * 1000u)
#define CS_IMAGE_MAX_BYTES  (60u * 1024u * 1024u)

#define CS_IMAGE_ERROR (cs_image_error_quark ())

typedef enum
{
  CS_IMAGE_ERROR_FAILED,       /* could not read the file at all */
  CS_IMAGE_ERROR_UNSUPPORTED,  /* not JPEG, PNG, WebP or HEIC */
  CS_IMAGE_ERROR_CORRUPT,      /* damaged, truncated, or not what its name says */
  CS_IMAGE_ERROR_TOO_LARGE,    /* over CS_IMAGE_MAX_PIXELS or CS_IMAGE_MAX_BYTES */
} CsImageError;

GQuark cs_image_error_quark (void);

/* A rectangle in upright image pixels. */
typedef struct
{
  double x;
  double y;
  double w;
  double h;
} CsRect;

typedef struct _CsImage CsImage;

/* Reference counted; pixels are BGR, 3 bytes each, rows @stride apart. */
CsImage      *cs_image_new            (int            width,
                                       int            height);
CsImage      *cs_image_ref            (CsImage       *image);
void          cs_image_unref          (CsImage       *image);
CsImage      *cs_image_copy           (const CsImage *image);

/* Load JPEG, PNG, WebP or HEIC, whatever the file name says, and turn it
 * upright by its EXIF orientation (all eight). Errors are CS_IMAGE_ERROR and
 * their messages name the file (its base name) and say what to do, in words
 * for office staff. Thread safe. */
CsImage      *cs_image_load           (const char    *path,
                                       GError       **error);
CsImage      *cs_image_load_bytes     (GBytes        *bytes,
                                       const char    *name,
                                       GError       **error);

int           cs_image_get_width      (const CsImage *image);
int           cs_image_get_height     (const CsImage *image);
gsize         cs_image_get_stride     (const CsImage *image);
guint8       *cs_image_get_data       (CsImage       *image);
const guint8 *cs_image_peek_data      (const CsImage *image);
/* "jpeg", "png", "webp", "heic"; NULL for an image made in memory. */
const char   *cs_image_get_format     (const CsImage *image);
/* The EXIF orientation (1-8) that was applied on load; 1 when none. */
int           cs_image_get_orientation (const CsImage *image);

/* A copy whose longer side is at most @max_side (never enlarged). */
CsImage      *cs_image_scale_to_fit   (const CsImage *image,
                                       int            max_side);

/* A baseline JPEG in sRGB holding nothing but the pixels: no EXIF, GPS, XMP,
 * IPTC, ICC or comment segments. */
GBytes       *cs_image_encode_jpeg    (const CsImage *image,
                                       int            quality,
                                       GError       **error);
/* Writes atomically (a temporary file renamed into place). */
gboolean      cs_image_save_jpeg      (const CsImage *image,
                                       const char    *path,
                                       int            quality,
                                       GError       **error);

/* Hides @rect (clipped to the image) beyond recovery: the pixels are
 * replaced by a very heavy blur of themselves plus noise, so that no
 * feature, letter or edge inside survives. The caller adds any margin. */
void          cs_image_redact         (CsImage       *image,
                                       const CsRect  *rect);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsImage, cs_image_unref)

G_END_DECLS
