/* cs-image-codecs.h: JPEG, PNG and WebP straight through their own libraries
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internal to the photo loader and exporter, which probe the bytes before
 * any of these sees them and word the errors for people.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* 8-bit pixels as stored: 1 channel (grey), 2 (grey, alpha), 3 (BGR) or
 * 4 (BGRA, alpha not premultiplied); rows @stride bytes apart. */
typedef struct
{
  guint8 *pixels;      /* the caller's, from its CsPixelsAllocFunc */
  guint   width;
  guint   height;
  guint   channels;
  gsize   stride;
} CsDecodedPixels;

/* Where the decoders write: the caller's buffer for @height rows of @width
 * pixels of @channels bytes, with the distance between rows in @stride;
 * NULL when there is no memory for it. A twelve-megapixel photo is 36 MB:
 * decoded straight where it is wanted, it is not copied again. */
typedef guint8 *(*CsPixelsAllocFunc) (guint     width,
                                      guint     height,
                                      guint     channels,
                                      gsize    *stride,
                                      gpointer  user_data);

gboolean cs_image_decode_jpeg        (const guint8      *data,
                                      gsize              len,
                                      CsPixelsAllocFunc  alloc,
                                      gpointer           user_data,
                                      CsDecodedPixels   *out,
                                      GError           **error);
gboolean cs_image_decode_png         (const guint8      *data,
                                      gsize              len,
                                      CsPixelsAllocFunc  alloc,
                                      gpointer           user_data,
                                      CsDecodedPixels   *out,
                                      GError           **error);
gboolean cs_image_decode_webp        (const guint8      *data,
                                      gsize              len,
                                      CsPixelsAllocFunc  alloc,
                                      gpointer           user_data,
                                      CsDecodedPixels   *out,
                                      GError           **error);

/* Baseline JPEG of 3-channel BGR pixels, with a JFIF header and nothing
 * else; NULL with @error set when libjpeg fails. */
GBytes  *cs_image_encode_jpeg_pixels (const guint8      *bgr,
                                      guint              width,
                                      guint              height,
                                      gsize              stride,
                                      int                quality,
                                      GError           **error);

G_END_DECLS
