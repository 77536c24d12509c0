/* cs-image-private.h: the layout of CsImage, shared by the vision sources
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-image.h"

G_BEGIN_DECLS

struct _CsImage
{
  gint    ref_count;
  int     width;
  int     height;
  gsize   stride;       /* bytes per row, at least width * 3 */
  guint8 *data;         /* BGR, owned */
  char   *format;       /* interned: "jpeg", "png", ... or NULL */
  int     orientation;  /* EXIF orientation applied on load, 1-8 */
};

G_END_DECLS

#ifdef __cplusplus
#include <opencv2/core.hpp>

/* A cv::Mat header over the image's pixels; no copy is made. */
static inline cv::Mat
cs_image_as_mat (const CsImage *image)
{
  return cv::Mat (image->height, image->width, CV_8UC3,
                  (void *) image->data, image->stride);
}
#endif
