/* cs-photo-canvas-private.h: what the UI tests need to reach inside the canvas
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-photo-canvas.h"

G_BEGIN_DECLS

/* Where image point (@x, @y) is drawn, in the canvas's own coordinates.
 * FALSE while there is no image or no room to draw it. */
gboolean cs_photo_canvas_image_to_widget (CsPhotoCanvas *self,
                                          double         x,
                                          double         y,
                                          double        *widget_x,
                                          double        *widget_y);

/* A primary-button press at (@x, @y), a move by (@dx, @dy) and a release,
 * in widget coordinates, through the same code the drag gesture runs. */
void     cs_photo_canvas_test_drag       (CsPhotoCanvas *self,
                                          double         x,
                                          double         y,
                                          double         dx,
                                          double         dy);

G_END_DECLS
