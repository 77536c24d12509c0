/* cs-image-internal.h: helpers the image sources share, not for callers
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-image-private.h"

G_BEGIN_DECLS

/* Like cs_image_new(), but the pixels are left uninitialised and NULL is
 * returned when there is not enough memory, instead of aborting: a photo
 * too large for the laptop must be an error message, not a crash. */
CsImage *cs_image_try_new (int width,
                           int height);

G_END_DECLS
