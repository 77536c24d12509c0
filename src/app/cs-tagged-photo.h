/* cs-tagged-photo.h: a redacted photo with the faces left clear outlined and named
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CS_TYPE_TAGGED_PHOTO (cs_tagged_photo_get_type ())

G_DECLARE_FINAL_TYPE (CsTaggedPhoto, cs_tagged_photo, CS, TAGGED_PHOTO, GtkWidget)

GtkWidget    *cs_tagged_photo_new           (void);
/* The photo as the queue holds it; NULL while it is being fetched. */
void          cs_tagged_photo_set_paintable (CsTaggedPhoto *self,
                                             GdkPaintable  *paintable);
GdkPaintable *cs_tagged_photo_get_paintable (CsTaggedPhoto *self);
/* The photo's tags ([{"pupil", "x", "y", "w", "h"}], in image pixels):
 * the faces left clear because the pupil's family agreed to it. */
void          cs_tagged_photo_set_tags      (CsTaggedPhoto *self,
                                             JsonArray     *tags);
/* Names the tagged pupils from a review's "pupils"; those who may no
 * longer be pictured are outlined in red. NULL: only their ids are known. */
void          cs_tagged_photo_set_pupils    (CsTaggedPhoto *self,
                                             JsonArray     *pupils);
guint         cs_tagged_photo_get_n_tags    (CsTaggedPhoto *self);

G_END_DECLS
