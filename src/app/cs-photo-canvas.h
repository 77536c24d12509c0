/* cs-photo-canvas.h: a photo with its regions, edited by pointer and keyboard
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "cs-core.h"

G_BEGIN_DECLS

/* How one region is drawn. The canvas does not judge consent or policy:
 * whoever owns the regions says which are hidden and which have problems. */
typedef enum
{
  CS_REGION_LOOK_HIDDEN  = 1 << 0,  /* blurred in the photo that is posted */
  CS_REGION_LOOK_WARNING = 1 << 1,  /* a finding of warning severity */
  CS_REGION_LOOK_ERROR   = 1 << 2,  /* a finding that must be fixed */
} CsRegionLook;

#define CS_TYPE_PHOTO_CANVAS (cs_photo_canvas_get_type ())

G_DECLARE_FINAL_TYPE (CsPhotoCanvas, cs_photo_canvas, CS, PHOTO_CANVAS, GtkWidget)

/* The canvas never changes the regions it is given. It proposes changes
 * through signals, and the owner applies them and hands the regions back:
 *
 * ::region-edited (guint index, const CsRect *rect): region @index was
 *   moved or resized, by a drag or by the arrow keys, to @rect;
 * ::region-drawn (const CsRect *rect): a new box was dragged out on the
 *   photo;
 * notify::selected: a region was clicked, tabbed to, or the selection was
 *   cleared by a click on the photo.
 *
 * Rectangles are in the coordinates of the regions: upright image pixels
 * of an image @width x @height, whatever the size of the texture shown. */
GtkWidget  *cs_photo_canvas_new             (void);

void        cs_photo_canvas_set_image       (CsPhotoCanvas      *self,
                                             GdkTexture         *texture,
                                             int                 width,
                                             int                 height);
GdkTexture *cs_photo_canvas_get_texture     (CsPhotoCanvas      *self);

/* @regions (CsPhotoRegion) is kept by reference and only read; @looks has
 * one entry per region. Call again whenever either changes. */
void        cs_photo_canvas_set_regions     (CsPhotoCanvas      *self,
                                             GPtrArray          *regions,
                                             const CsRegionLook *looks);

/* -1 for none. */
int         cs_photo_canvas_get_selected    (CsPhotoCanvas      *self);
void        cs_photo_canvas_set_selected    (CsPhotoCanvas      *self,
                                             int                 selected);

/* How far one press of an arrow key moves a region, in image pixels; Shift
 * moves ten times as far. */
double      cs_photo_canvas_get_step        (CsPhotoCanvas      *self);

/* "Face 2", "Name 1", "Box 3": kinds are counted separately, in order, so
 * the list beside the photo and the labels on it agree. */
char       *cs_photo_canvas_dup_region_name (GPtrArray          *regions,
                                             guint               index);

G_END_DECLS
