/* cs-tagged-photo.c: a redacted photo with the faces left clear outlined and named
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every face in a queued photo is blurred except those of pupils whose
 * families agreed to their being shown. A head checking the photo needs to
 * see which clear faces those are and whose they are, so each tag is drawn
 * as an outline with the pupil's name beside it. The names are real labels,
 * children of this widget, so that screen readers and tests find them.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cs-tagged-photo.h"

/* The photo is shown at most this big, and never smaller than this wide. */
#define MAX_WIDTH 560
#define MAX_HEIGHT 420
#define MIN_WIDTH 160
/* Between an outline and the name under it. */
#define LABEL_GAP 3.0

typedef struct
{
  double     x, y, width, height;  /* in image pixels */
  char      *pupil;
  GtkWidget *label;
} Tag;

struct _CsTaggedPhoto
{
  GtkWidget     parent_instance;

  GdkPaintable *paintable;
  GPtrArray    *tags;    /* Tag */
};

G_DEFINE_FINAL_TYPE (CsTaggedPhoto, cs_tagged_photo, GTK_TYPE_WIDGET)

static void
tag_free (Tag *tag)
{
  g_clear_pointer (&tag->label, gtk_widget_unparent);
  g_free (tag->pupil);
  g_free (tag);
}

static void
image_size (CsTaggedPhoto *self,
            double        *width,
            double        *height)
{
  *width = self->paintable != NULL ? gdk_paintable_get_intrinsic_width (self->paintable) : 0;
  *height = self->paintable != NULL ? gdk_paintable_get_intrinsic_height (self->paintable) : 0;
  /* Until the photo arrives, a frame of the usual camera shape. */
  if (*width <= 0 || *height <= 0)
    {
      *width = 4;
      *height = 3;
    }
}

/* Where the photo is drawn in a widget @width × @height: as large as fits,
 * centred, its shape kept. */
static double
fit (CsTaggedPhoto   *self,
     int              width,
     int              height,
     graphene_rect_t *area)
{
  double image_width, image_height, scale;

  image_size (self, &image_width, &image_height);
  scale = MIN (width / image_width, height / image_height);
  graphene_rect_init (area, (width - image_width * scale) / 2, (height - image_height * scale) / 2,
                      image_width * scale, image_height * scale);
  return scale;
}

static void
tag_rect (const Tag             *tag,
          const graphene_rect_t *area,
          double                 scale,
          graphene_rect_t       *rect)
{
  graphene_rect_init (rect, area->origin.x + tag->x * scale, area->origin.y + tag->y * scale,
                      tag->width * scale, tag->height * scale);
}

static GtkSizeRequestMode
cs_tagged_photo_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
cs_tagged_photo_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  CsTaggedPhoto *self = CS_TAGGED_PHOTO (widget);
  double image_width, image_height;
  int natural_width;

  image_size (self, &image_width, &image_height);
  /* As wide as the column allows, a small photo too: the head looks at
   * faces in it. A tall photo is as wide as its height allows. */
  natural_width = MAX (MIN_WIDTH, MIN (MAX_WIDTH, (int) (MAX_HEIGHT * image_width / image_height)));
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MIN_WIDTH;
      *natural = natural_width;
    }
  else
    {
      int width = for_size >= 0 ? MIN (for_size, natural_width) : natural_width;

      *minimum = *natural = (int) (width * image_height / image_width);
    }
}

static void
cs_tagged_photo_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  CsTaggedPhoto *self = CS_TAGGED_PHOTO (widget);
  graphene_rect_t area, rect;
  double scale = fit (self, width, height, &area);

  for (guint i = 0; i < self->tags->len; i++)
    {
      Tag *tag = g_ptr_array_index (self->tags, i);
      GtkRequisition size;
      double x, y;

      gtk_widget_get_preferred_size (tag->label, NULL, &size);
      tag_rect (tag, &area, scale, &rect);
      /* Under the face; above it when the photo ends first; inside it
       * when neither has room. */
      x = CLAMP (rect.origin.x, 0, MAX (0, width - size.width));
      y = rect.origin.y + rect.size.height + LABEL_GAP;
      if (y + size.height > height)
        y = rect.origin.y - size.height - LABEL_GAP;
      if (y < 0)
        y = rect.origin.y + LABEL_GAP;
      gtk_widget_size_allocate (tag->label,
                                &(GtkAllocation) { (int) x, (int) y, MIN (size.width, width), size.height }, -1);
    }
}

static void
append_outline (GtkSnapshot           *snapshot,
                const graphene_rect_t *rect,
                const GdkRGBA         *colour)
{
  static const GdkRGBA halo = { 0, 0, 0, 0.6 };
  GskRoundedRect outline;
  graphene_rect_t outer;

  /* A dark edge outside the coloured one keeps it visible on light skin,
   * snow and white shirts alike. */
  graphene_rect_inset_r (rect, -1, -1, &outer);
  gsk_rounded_rect_init_from_rect (&outline, &outer, 4);
  gtk_snapshot_append_border (snapshot, &outline, (float[4]) { 1, 1, 1, 1 },
                              (GdkRGBA[4]) { halo, halo, halo, halo });
  gsk_rounded_rect_init_from_rect (&outline, rect, 3);
  gtk_snapshot_append_border (snapshot, &outline, (float[4]) { 3, 3, 3, 3 },
                              (GdkRGBA[4]) { *colour, *colour, *colour, *colour });
}

static void
cs_tagged_photo_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  /* The palette's green and red: may be shown, may no longer be. */
  static const GdkRGBA shown = { 0.2, 0.82, 0.48, 1 };
  static const GdkRGBA refused = { 0.88, 0.11, 0.14, 1 };
  static const GdkRGBA waiting = { 0.5, 0.5, 0.5, 0.2 };
  CsTaggedPhoto *self = CS_TAGGED_PHOTO (widget);
  graphene_rect_t area, rect;
  GskRoundedRect corners;
  double scale = fit (self, gtk_widget_get_width (widget), gtk_widget_get_height (widget), &area);

  gsk_rounded_rect_init_from_rect (&corners, &area, 8);
  gtk_snapshot_push_rounded_clip (snapshot, &corners);
  if (self->paintable != NULL)
    {
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &area.origin);
      gdk_paintable_snapshot (self->paintable, snapshot, area.size.width, area.size.height);
      gtk_snapshot_restore (snapshot);
    }
  else
    gtk_snapshot_append_color (snapshot, &waiting, &area);
  gtk_snapshot_pop (snapshot);

  for (guint i = 0; i < self->tags->len; i++)
    {
      Tag *tag = g_ptr_array_index (self->tags, i);

      tag_rect (tag, &area, scale, &rect);
      append_outline (snapshot, &rect, gtk_widget_has_css_class (tag->label, "cs-tag-refused") ? &refused : &shown);
    }
  for (guint i = 0; i < self->tags->len; i++)
    gtk_widget_snapshot_child (widget, ((Tag *) g_ptr_array_index (self->tags, i))->label, snapshot);
}

static void
cs_tagged_photo_dispose (GObject *object)
{
  CsTaggedPhoto *self = CS_TAGGED_PHOTO (object);

  g_ptr_array_set_size (self->tags, 0);
  if (self->paintable != NULL)
    g_signal_handlers_disconnect_by_data (self->paintable, self);
  g_clear_object (&self->paintable);

  G_OBJECT_CLASS (cs_tagged_photo_parent_class)->dispose (object);
}

static void
cs_tagged_photo_finalize (GObject *object)
{
  CsTaggedPhoto *self = CS_TAGGED_PHOTO (object);

  g_ptr_array_unref (self->tags);

  G_OBJECT_CLASS (cs_tagged_photo_parent_class)->finalize (object);
}

static void
cs_tagged_photo_class_init (CsTaggedPhotoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_tagged_photo_dispose;
  object_class->finalize = cs_tagged_photo_finalize;
  widget_class->get_request_mode = cs_tagged_photo_get_request_mode;
  widget_class->measure = cs_tagged_photo_measure;
  widget_class->size_allocate = cs_tagged_photo_size_allocate;
  widget_class->snapshot = cs_tagged_photo_snapshot;

  gtk_widget_class_set_css_name (widget_class, "cs-tagged-photo");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
cs_tagged_photo_init (CsTaggedPhoto *self)
{
  self->tags = g_ptr_array_new_with_free_func ((GDestroyNotify) tag_free);
}

GtkWidget *
cs_tagged_photo_new (void)
{
  return g_object_new (CS_TYPE_TAGGED_PHOTO, NULL);
}

void
cs_tagged_photo_set_paintable (CsTaggedPhoto *self,
                               GdkPaintable  *paintable)
{
  g_return_if_fail (CS_IS_TAGGED_PHOTO (self));

  if (self->paintable == paintable)
    return;
  if (self->paintable != NULL)
    g_signal_handlers_disconnect_by_data (self->paintable, self);
  g_set_object (&self->paintable, paintable);
  if (paintable != NULL)
    {
      g_signal_connect_swapped (paintable, "invalidate-contents", G_CALLBACK (gtk_widget_queue_draw), self);
      g_signal_connect_swapped (paintable, "invalidate-size", G_CALLBACK (gtk_widget_queue_resize), self);
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

GdkPaintable *
cs_tagged_photo_get_paintable (CsTaggedPhoto *self)
{
  g_return_val_if_fail (CS_IS_TAGGED_PHOTO (self), NULL);

  return self->paintable;
}

void
cs_tagged_photo_set_tags (CsTaggedPhoto *self,
                          JsonArray     *tags)
{
  g_return_if_fail (CS_IS_TAGGED_PHOTO (self));

  g_ptr_array_set_size (self->tags, 0);
  for (guint i = 0; tags != NULL && i < json_array_get_length (tags); i++)
    {
      JsonNode *node = json_array_get_element (tags, i);
      JsonObject *object;
      Tag *tag;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      tag = g_new0 (Tag, 1);
      tag->x = json_object_get_double_member_with_default (object, "x", 0);
      tag->y = json_object_get_double_member_with_default (object, "y", 0);
      tag->width = json_object_get_double_member_with_default (object, "w", 0);
      tag->height = json_object_get_double_member_with_default (object, "h", 0);
      tag->pupil = g_strdup (json_object_get_string_member_with_default (object, "pupil", ""));
      tag->label = gtk_label_new (tag->pupil);
      gtk_label_set_ellipsize (GTK_LABEL (tag->label), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (tag->label, "cs-tag-label");
      gtk_widget_set_parent (tag->label, GTK_WIDGET (self));
      g_ptr_array_add (self->tags, tag);
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
cs_tagged_photo_set_pupils (CsTaggedPhoto *self,
                            JsonArray     *pupils)
{
  g_return_if_fail (CS_IS_TAGGED_PHOTO (self));

  for (guint i = 0; i < self->tags->len; i++)
    {
      Tag *tag = g_ptr_array_index (self->tags, i);
      JsonObject *found = NULL;

      for (guint p = 0; pupils != NULL && p < json_array_get_length (pupils); p++)
        {
          JsonObject *pupil = json_array_get_object_element (pupils, p);

          if (g_strcmp0 (json_object_get_string_member_with_default (pupil, "id", NULL), tag->pupil) == 0)
            found = pupil;
        }
      if (found != NULL && json_object_get_string_member_with_default (found, "name", NULL) != NULL)
        gtk_label_set_text (GTK_LABEL (tag->label), json_object_get_string_member (found, "name"));
      else
        gtk_label_set_text (GTK_LABEL (tag->label), tag->pupil);
      if (found != NULL && !json_object_get_boolean_member_with_default (found, "may_be_pictured", FALSE))
        {
          gtk_widget_add_css_class (tag->label, "cs-tag-refused");
          gtk_widget_set_tooltip_text (tag->label, _("Consent withdrawn: this face must not be shown"));
        }
      else
        {
          gtk_widget_remove_css_class (tag->label, "cs-tag-refused");
          gtk_widget_set_tooltip_text (tag->label, NULL);
        }
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
cs_tagged_photo_get_n_tags (CsTaggedPhoto *self)
{
  g_return_val_if_fail (CS_IS_TAGGED_PHOTO (self), 0);

  return self->tags->len;
}
