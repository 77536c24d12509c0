/* cs-image-colour.h: bring decoded pixels into sRGB
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exported photos carry no ICC profile, so whatever reads them assumes
 * sRGB. A photo from an iPhone is in Display P3; left as it is, every colour
 * would come out duller. Private to the vision library; C++.
 */

#pragma once

#include <glib.h>

#include <opencv2/core.hpp>

/* The chromaticities and white point (CIE xy) of an RGB space, as HEIF's
 * nclx box describes one when it has no ICC profile. */
struct CsPrimaries
{
  double red_x, red_y;
  double green_x, green_y;
  double blue_x, blue_y;
  double white_x, white_y;
};

/* Converts 8-bit BGR @pixels in place from the colour space described by
 * the ICC profile @icc to sRGB. Does nothing (and returns FALSE) when the
 * profile is unreadable, not RGB, or already sRGB in all but name. */
gboolean cs_image_colour_icc_to_srgb       (cv::Mat            &pixels,
                                            const guint8       *icc,
                                            gsize               icc_len);

/* The same for an RGB space given by primaries and the sRGB tone curve. */
gboolean cs_image_colour_primaries_to_srgb (cv::Mat            &pixels,
                                            const CsPrimaries  *primaries);
