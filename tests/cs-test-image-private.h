/* cs-test-image-private.h: a stopgap photo loader for the text tests
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cs_image_load() and cs_image_new() are still being written, so the text
 * reader's tests decode with leptonica and fill a CsImage by hand. The
 * image is freed here, never with cs_image_unref(). Remove this header once
 * cs_image_load() lands.
 */

#pragma once

#include <leptonica/allheaders.h>

#include "cs-image-private.h"

typedef struct
{
  CsImage image;
} CsTestImage;

static inline void
cs_test_image_free (CsTestImage *self)
{
  if (self == NULL)
    return;

  g_free (self->image.data);
  g_free (self);
}

static inline CsTestImage *
cs_test_image_load (const char  *path,
                    GError     **error)
{
  CsTestImage *self;
  PIX *pix = pixRead (path);
  PIX *rgb;

  if (pix == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: cannot be decoded", path);
      return NULL;
    }
  rgb = pixConvertTo32 (pix);
  pixDestroy (&pix);

  self = g_new0 (CsTestImage, 1);
  self->image.ref_count = 1;
  self->image.width = pixGetWidth (rgb);
  self->image.height = pixGetHeight (rgb);
  self->image.stride = (gsize) self->image.width * 3;
  self->image.data = g_malloc ((gsize) self->image.height * self->image.stride);
  self->image.orientation = 1;

  for (int y = 0; y < self->image.height; y++)
    {
      l_uint32 *line = pixGetData (rgb) + (gsize) y * pixGetWpl (rgb);
      guint8 *dst = self->image.data + (gsize) y * self->image.stride;

      for (int x = 0; x < self->image.width; x++, dst += 3)
        {
          l_int32 r, g, b;

          extractRGBValues (line[x], &r, &g, &b);
          dst[0] = b;
          dst[1] = g;
          dst[2] = r;
        }
    }
  pixDestroy (&rgb);

  return self;
}

static inline const CsImage *
cs_test_image_get (CsTestImage *self)
{
  return &self->image;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsTestImage, cs_test_image_free)
