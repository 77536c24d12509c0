/* cs-photo-canvas.c: a photo with its regions, edited by pointer and keyboard
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cs-photo-canvas"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "cs-photo-canvas-private.h"

/* Room around the photo, so that handles on a region at its edge can still
 * be grabbed and the focus ring does not sit on the picture. */
#define PADDING 14.0

/* Handles are drawn this big and can be grabbed this far from their centre. */
#define HANDLE_SIZE 9.0
#define HANDLE_REACH 10.0

/* A press that moves less than this is a click, not a drag. */
#define DRAG_THRESHOLD 4.0

/* Smaller boxes are too small to cover anything and are most likely a
 * click that wobbled, in image pixels and on screen. */
#define MIN_REGION_PX 8.0
#define MIN_DRAWN_SCREEN_PX 6.0

struct _CsPhotoCanvas
{
  GtkWidget     parent_instance;

  GdkTexture   *texture;
  int           image_width;
  int           image_height;

  GPtrArray    *regions;
  GArray       *looks;    /* CsRegionLook, one per region */
  int           selected;

  /* The drag in progress. */
  enum { DRAG_NONE, DRAG_MOVE, DRAG_RESIZE, DRAG_DRAW } drag_mode;
  gboolean      dragging;      /* past the threshold: a real drag */
  int           drag_index;
  guint         drag_edges;    /* EDGE_* of the handle being dragged */
  CsRect        drag_start;    /* the region's rectangle when it began */
  CsRect        drag_rect;     /* what it would become; drawn in its place */
  double        press_x;       /* where it began, in image pixels */
  double        press_y;

  GtkWidget    *menu;
};

G_DEFINE_FINAL_TYPE (CsPhotoCanvas, cs_photo_canvas, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  REGION_EDITED,
  REGION_DRAWN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  EDGE_LEFT   = 1 << 0,
  EDGE_RIGHT  = 1 << 1,
  EDGE_TOP    = 1 << 2,
  EDGE_BOTTOM = 1 << 3,
};

/* The eight handles, clockwise from the top left. */
static const guint handle_edges[] = {
  EDGE_TOP | EDGE_LEFT, EDGE_TOP, EDGE_TOP | EDGE_RIGHT, EDGE_RIGHT,
  EDGE_BOTTOM | EDGE_RIGHT, EDGE_BOTTOM, EDGE_BOTTOM | EDGE_LEFT, EDGE_LEFT,
};

/* Bright enough to read over any photo; each is drawn on a dark halo. */
static const GdkRGBA kind_colours[] = {
  [CS_REGION_FACE]   = { 0.384, 0.627, 0.918, 1.0 },  /* #62a0ea */
  [CS_REGION_TEXT]   = { 0.753, 0.380, 0.796, 1.0 },  /* #c061cb */
  [CS_REGION_MANUAL] = { 1.000, 0.639, 0.282, 1.0 },  /* #ffa348 */
};
static const GdkRGBA error_colour = { 0.929, 0.200, 0.231, 1.0 };    /* #ed333b */
static const GdkRGBA warning_colour = { 0.965, 0.827, 0.176, 1.0 };  /* #f6d32d */
static const GdkRGBA halo_colour = { 0.0, 0.0, 0.0, 0.55 };
static const GdkRGBA handle_fill = { 1.0, 1.0, 1.0, 1.0 };
static const GdkRGBA handle_border = { 0.1, 0.1, 0.1, 1.0 };
/* Under a blur, so that where it fades at the photo's edge nothing shows. */
static const GdkRGBA blur_backing = { 0.5, 0.5, 0.5, 1.0 };

/* Geometry
 * ========
 */

/* Where the image is drawn and at what scale; FALSE with nothing to draw. */
static gboolean
get_view (CsPhotoCanvas   *self,
          graphene_rect_t *area,
          double          *scale)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double s;

  if (self->texture == NULL || self->image_width <= 0 || self->image_height <= 0)
    return FALSE;

  s = MIN ((width - 2 * PADDING) / self->image_width,
           (height - 2 * PADDING) / self->image_height);
  if (s <= 0)
    return FALSE;

  *scale = s;
  graphene_rect_init (area,
                      floor ((width - self->image_width * s) / 2),
                      floor ((height - self->image_height * s) / 2),
                      self->image_width * s,
                      self->image_height * s);
  return TRUE;
}

static void
to_widget_rect (const graphene_rect_t *area,
                double                 scale,
                const CsRect          *rect,
                graphene_rect_t       *out)
{
  graphene_rect_init (out,
                      area->origin.x + rect->x * scale,
                      area->origin.y + rect->y * scale,
                      rect->w * scale,
                      rect->h * scale);
}

gboolean
cs_photo_canvas_image_to_widget (CsPhotoCanvas *self,
                                 double         x,
                                 double         y,
                                 double        *widget_x,
                                 double        *widget_y)
{
  graphene_rect_t area;
  double scale;

  g_return_val_if_fail (CS_IS_PHOTO_CANVAS (self), FALSE);

  if (!get_view (self, &area, &scale))
    return FALSE;

  *widget_x = area.origin.x + x * scale;
  *widget_y = area.origin.y + y * scale;
  return TRUE;
}

static CsPhotoRegion *
get_region (CsPhotoCanvas *self,
            int            index)
{
  if (self->regions == NULL || index < 0 || (guint) index >= self->regions->len)
    return NULL;

  return g_ptr_array_index (self->regions, index);
}

static CsRegionLook
get_look (CsPhotoCanvas *self,
          int            index)
{
  if (index < 0 || (guint) index >= self->looks->len)
    return CS_REGION_LOOK_HIDDEN;

  return g_array_index (self->looks, CsRegionLook, index);
}

/* The region's rectangle as it is now, or as the drag in progress has it. */
static CsRect
get_rect (CsPhotoCanvas *self,
          int            index)
{
  if (self->dragging && self->drag_index == index &&
      (self->drag_mode == DRAG_MOVE || self->drag_mode == DRAG_RESIZE))
    return self->drag_rect;

  return get_region (self, index)->rect;
}

/* What is drawn over: the cover when it is blurred, the box when not. */
static CsRect
get_body (CsPhotoCanvas *self,
          int            index)
{
  CsPhotoRegion region = *get_region (self, index);
  CsRect cover;

  region.rect = get_rect (self, index);
  if (!(get_look (self, index) & CS_REGION_LOOK_HIDDEN))
    return region.rect;

  cs_photo_region_get_cover (&region, self->image_width, self->image_height, &cover);
  return cover;
}

static void
get_handle_centre (const graphene_rect_t *rect,
                   guint                  edges,
                   double                *x,
                   double                *y)
{
  *x = (edges & EDGE_LEFT) ? rect->origin.x
     : (edges & EDGE_RIGHT) ? rect->origin.x + rect->size.width
     : rect->origin.x + rect->size.width / 2;
  *y = (edges & EDGE_TOP) ? rect->origin.y
     : (edges & EDGE_BOTTOM) ? rect->origin.y + rect->size.height
     : rect->origin.y + rect->size.height / 2;
}

/* A box too small on screen shows only its corner handles, so that there
 * is still somewhere inside it to grab it and move it by. */
static gboolean
is_small_on_screen (const graphene_rect_t *rect)
{
  return rect->size.width < 3 * HANDLE_REACH || rect->size.height < 3 * HANDLE_REACH;
}

static gboolean
handle_shown (const graphene_rect_t *rect,
              guint                  edges)
{
  gboolean corner = (edges & (EDGE_LEFT | EDGE_RIGHT)) && (edges & (EDGE_TOP | EDGE_BOTTOM));

  return corner || !is_small_on_screen (rect);
}

/* Which region is at (@x, @y) in widget coordinates, and which handle of
 * the selected one, if any. The selected region wins, then the smallest,
 * so a face inside a larger box can still be picked. */
static int
hit_test (CsPhotoCanvas *self,
          double         x,
          double         y,
          guint         *edges)
{
  graphene_rect_t area, rect;
  double scale, best_area = G_MAXDOUBLE;
  int best = -1;

  *edges = 0;
  if (!get_view (self, &area, &scale) || self->regions == NULL)
    return -1;

  if (get_region (self, self->selected) != NULL)
    {
      CsRect r = get_rect (self, self->selected);

      to_widget_rect (&area, scale, &r, &rect);
      for (guint i = 0; i < G_N_ELEMENTS (handle_edges); i++)
        {
          double hx, hy;

          if (!handle_shown (&rect, handle_edges[i]))
            continue;
          get_handle_centre (&rect, handle_edges[i], &hx, &hy);
          if (fabs (x - hx) <= HANDLE_REACH && fabs (y - hy) <= HANDLE_REACH)
            {
              /* Inside a small box the body wins: a handle is also
               * reachable from just outside. */
              if (is_small_on_screen (&rect) &&
                  graphene_rect_contains_point (&rect, &GRAPHENE_POINT_INIT (x, y)))
                continue;
              *edges = handle_edges[i];
              return self->selected;
            }
        }
    }

  for (guint i = 0; i < self->regions->len; i++)
    {
      CsRect body = get_body (self, i);
      double size;

      to_widget_rect (&area, scale, &body, &rect);
      if (!graphene_rect_contains_point (&rect, &GRAPHENE_POINT_INIT (x, y)))
        continue;
      if ((int) i == self->selected)
        return i;

      size = body.w * body.h;
      if (size < best_area)
        {
          best_area = size;
          best = i;
        }
    }

  return best;
}

static void
clamp_to_image (CsPhotoCanvas *self,
                CsRect        *rect)
{
  rect->w = CLAMP (rect->w, MIN (MIN_REGION_PX, self->image_width), self->image_width);
  rect->h = CLAMP (rect->h, MIN (MIN_REGION_PX, self->image_height), self->image_height);
  rect->x = CLAMP (rect->x, 0, self->image_width - rect->w);
  rect->y = CLAMP (rect->y, 0, self->image_height - rect->h);
}

/* @start with the edges in @edges moved by (@dx, @dy) image pixels. An
 * edge stops short of the opposite one rather than crossing it. */
static CsRect
resize_rect (CsPhotoCanvas *self,
             const CsRect  *start,
             guint          edges,
             double         dx,
             double         dy)
{
  double x1 = start->x, y1 = start->y;
  double x2 = start->x + start->w, y2 = start->y + start->h;
  double min_w = MIN (MIN_REGION_PX, self->image_width);
  double min_h = MIN (MIN_REGION_PX, self->image_height);

  if (edges & EDGE_LEFT)
    x1 = CLAMP (x1 + dx, 0, x2 - min_w);
  if (edges & EDGE_RIGHT)
    x2 = CLAMP (x2 + dx, x1 + min_w, self->image_width);
  if (edges & EDGE_TOP)
    y1 = CLAMP (y1 + dy, 0, y2 - min_h);
  if (edges & EDGE_BOTTOM)
    y2 = CLAMP (y2 + dy, y1 + min_h, self->image_height);

  return (CsRect) { x1, y1, x2 - x1, y2 - y1 };
}

char *
cs_photo_canvas_dup_region_name (GPtrArray *regions,
                                 guint      index)
{
  const CsPhotoRegion *region;
  guint n = 0;

  g_return_val_if_fail (regions != NULL && index < regions->len, NULL);

  region = g_ptr_array_index (regions, index);
  for (guint i = 0; i <= index; i++)
    if (((CsPhotoRegion *) g_ptr_array_index (regions, i))->kind == region->kind)
      n++;

  switch (region->kind)
    {
    case CS_REGION_FACE:
      /* Translators: a face found in a photo; %u counts them */
      return g_strdup_printf (_("Face %u"), n);
    case CS_REGION_TEXT:
      /* Translators: a name read in a photo; %u counts them */
      return g_strdup_printf (_("Name %u"), n);
    case CS_REGION_MANUAL:
    default:
      /* Translators: a box the user drew over a photo; %u counts them */
      return g_strdup_printf (_("Box %u"), n);
    }
}

/* Selection and accessibility
 * ===========================
 */

static void
update_accessible (CsPhotoCanvas *self)
{
  g_autofree char *description = NULL;

  if (get_region (self, self->selected) != NULL)
    {
      g_autofree char *name = cs_photo_canvas_dup_region_name (self->regions, self->selected);
      gboolean hidden = (get_look (self, self->selected) & CS_REGION_LOOK_HIDDEN) != 0;

      /* Translators: %s is "Face 1" and the like */
      description = g_strdup_printf (hidden ? _("%s selected, blurred. Arrow keys move it, Control with the arrow keys resizes it, Delete removes it, Tab selects the next.")
                                            : _("%s selected, shown. Arrow keys move it, Control with the arrow keys resizes it, Delete removes it, Tab selects the next."),
                                     name);
    }
  else
    description = g_strdup (_("Drag across the photo to draw a box over a face or a name. Tab selects the boxes in turn."));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

int
cs_photo_canvas_get_selected (CsPhotoCanvas *self)
{
  g_return_val_if_fail (CS_IS_PHOTO_CANVAS (self), -1);

  return self->selected;
}

void
cs_photo_canvas_set_selected (CsPhotoCanvas *self,
                              int            selected)
{
  g_return_if_fail (CS_IS_PHOTO_CANVAS (self));

  if (get_region (self, selected) == NULL)
    selected = -1;

  if (self->selected == selected)
    return;

  self->selected = selected;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

void
cs_photo_canvas_set_image (CsPhotoCanvas *self,
                           GdkTexture    *texture,
                           int            width,
                           int            height)
{
  g_return_if_fail (CS_IS_PHOTO_CANVAS (self));
  g_return_if_fail (texture == NULL || GDK_IS_TEXTURE (texture));

  g_set_object (&self->texture, texture);
  self->image_width = texture != NULL ? width : 0;
  self->image_height = texture != NULL ? height : 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GdkTexture *
cs_photo_canvas_get_texture (CsPhotoCanvas *self)
{
  g_return_val_if_fail (CS_IS_PHOTO_CANVAS (self), NULL);

  return self->texture;
}

void
cs_photo_canvas_set_regions (CsPhotoCanvas      *self,
                             GPtrArray          *regions,
                             const CsRegionLook *looks)
{
  g_return_if_fail (CS_IS_PHOTO_CANVAS (self));

  if (regions != NULL)
    g_ptr_array_ref (regions);
  g_clear_pointer (&self->regions, g_ptr_array_unref);
  self->regions = regions;

  g_array_set_size (self->looks, 0);
  if (regions != NULL && looks != NULL)
    g_array_append_vals (self->looks, looks, regions->len);

  /* A drag on a region that has gone makes no sense any more. */
  if (self->drag_mode != DRAG_DRAW && get_region (self, self->drag_index) == NULL)
    {
      self->drag_mode = DRAG_NONE;
      self->dragging = FALSE;
    }

  if (get_region (self, self->selected) == NULL)
    cs_photo_canvas_set_selected (self, -1);
  else
    update_accessible (self);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
cs_photo_canvas_get_step (CsPhotoCanvas *self)
{
  g_return_val_if_fail (CS_IS_PHOTO_CANVAS (self), 1);

  /* A few screen pixels at the size photos are usually seen at, whatever
   * the resolution of the camera. */
  return MAX (1.0, round (MAX (self->image_width, self->image_height) / 200.0));
}

/* Drawing
 * =======
 */

static void
append_frame (GtkSnapshot           *snapshot,
              const graphene_rect_t *rect,
              double                 width,
              const GdkRGBA         *colour)
{
  GskRoundedRect outline;
  graphene_rect_t halo;
  GdkRGBA halo_colours[4] = { halo_colour, halo_colour, halo_colour, halo_colour };
  GdkRGBA colours[4] = { *colour, *colour, *colour, *colour };
  float halo_widths[4] = { 1, 1, 1, 1 };
  float widths[4] = { width, width, width, width };

  /* A dark line round the coloured one keeps it visible over white shirts
   * and blue skies alike. */
  graphene_rect_inset_r (rect, -1, -1, &halo);
  gsk_rounded_rect_init_from_rect (&outline, &halo, 0);
  gtk_snapshot_append_border (snapshot, &outline, halo_widths, halo_colours);

  gsk_rounded_rect_init_from_rect (&outline, rect, 0);
  gtk_snapshot_append_border (snapshot, &outline, widths, colours);
}

/* The cover as the posted photo will have it: the picture under it blurred
 * past recognition. Only the part of the texture near the cover is blurred,
 * so that a photo with many faces stays quick to draw. */
static void
append_blur (CsPhotoCanvas         *self,
             GtkSnapshot           *snapshot,
             const graphene_rect_t *area,
             const graphene_rect_t *cover,
             const GdkRGBA         *tint)
{
  double radius = CLAMP (MIN (cover->size.width, cover->size.height) / 2.0, 8.0, 64.0);
  graphene_rect_t source;

  gtk_snapshot_push_clip (snapshot, cover);
  gtk_snapshot_append_color (snapshot, &blur_backing, cover);
  gtk_snapshot_push_blur (snapshot, radius);
  /* The blur reaches about 1.5 radii; take that much picture around it. */
  graphene_rect_inset_r (cover, -1.5 * radius, -1.5 * radius, &source);
  graphene_rect_intersection (&source, area, &source);
  gtk_snapshot_push_clip (snapshot, &source);
  gtk_snapshot_append_texture (snapshot, self->texture, area);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_pop (snapshot);
  /* A light wash of the region's colour says "this is hidden" even where
   * the blurred picture is plain, such as a face against a white wall. */
  gtk_snapshot_append_color (snapshot, tint, cover);
  gtk_snapshot_pop (snapshot);
}

static void
append_label (CsPhotoCanvas         *self,
              GtkSnapshot           *snapshot,
              const graphene_rect_t *area,
              const graphene_rect_t *rect,
              const char            *text,
              const GdkRGBA         *colour,
              double                 gap)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();
  GdkRGBA ink = { 0, 0, 0, 1 };
  int width, height;
  double x, y;

  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_get_pixel_size (layout, &width, &height);
  width += 8;
  height += 2;

  /* Above the box, or inside it when it touches the top of the photo; kept
   * within the photo sideways, and @gap clear of the box's handles. */
  x = CLAMP (rect->origin.x, area->origin.x, area->origin.x + area->size.width - width);
  y = rect->origin.y - height - gap;
  if (y < area->origin.y)
    y = rect->origin.y + gap;

  gtk_snapshot_append_color (snapshot, colour, &GRAPHENE_RECT_INIT (x, y, width, height));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + 4, y + 1));
  gtk_snapshot_append_layout (snapshot, layout, &ink);
  gtk_snapshot_restore (snapshot);
}

static void
append_handles (GtkSnapshot           *snapshot,
                const graphene_rect_t *rect)
{
  for (guint i = 0; i < G_N_ELEMENTS (handle_edges); i++)
    {
      graphene_rect_t handle;
      double x, y;

      if (!handle_shown (rect, handle_edges[i]))
        continue;

      get_handle_centre (rect, handle_edges[i], &x, &y);
      graphene_rect_init (&handle, x - HANDLE_SIZE / 2, y - HANDLE_SIZE / 2, HANDLE_SIZE, HANDLE_SIZE);
      gtk_snapshot_append_color (snapshot, &handle_border, &handle);
      graphene_rect_inset (&handle, 1.5, 1.5);
      gtk_snapshot_append_color (snapshot, &handle_fill, &handle);
    }
}

static void
append_region (CsPhotoCanvas         *self,
               GtkSnapshot           *snapshot,
               const graphene_rect_t *area,
               double                 scale,
               int                    index,
               gboolean               blur_only)
{
  const CsPhotoRegion *region = get_region (self, index);
  CsRegionLook look = get_look (self, index);
  gboolean selected = index == self->selected;
  gboolean hidden = (look & CS_REGION_LOOK_HIDDEN) != 0;
  CsRect r = get_rect (self, index), body = get_body (self, index);
  graphene_rect_t rect, cover;
  const GdkRGBA *colour = &kind_colours[MIN (region->kind, CS_REGION_MANUAL)];
  g_autofree char *name = NULL;

  to_widget_rect (area, scale, &r, &rect);
  to_widget_rect (area, scale, &body, &cover);

  if (blur_only)
    {
      GdkRGBA tint = *colour;

      tint.alpha = 0.18;
      if (hidden)
        append_blur (self, snapshot, area, &cover, &tint);
      return;
    }

  if (look & CS_REGION_LOOK_ERROR)
    colour = &error_colour;
  else if (look & CS_REGION_LOOK_WARNING)
    colour = &warning_colour;

  /* A blurred region is outlined where the blur ends; a clear one round
   * what was found. */
  append_frame (snapshot, hidden ? &cover : &rect, selected ? 3 : 2, colour);

  name = cs_photo_canvas_dup_region_name (self->regions, index);
  append_label (self, snapshot, area, hidden ? &cover : &rect, name, colour,
                selected && !hidden ? HANDLE_SIZE / 2 + 1 : 1);

  if (selected)
    {
      /* The handles change what was found; the cover follows it. */
      if (hidden && !graphene_rect_equal (&cover, &rect))
        append_frame (snapshot, &rect, 1, &handle_fill);
      append_handles (snapshot, &rect);
    }
}

static void
cs_photo_canvas_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  CsPhotoCanvas *self = CS_PHOTO_CANVAS (widget);
  graphene_rect_t area;
  double scale;
  guint n;

  if (!get_view (self, &area, &scale))
    return;

  gtk_snapshot_append_texture (snapshot, self->texture, &area);

  n = self->regions != NULL ? self->regions->len : 0;

  /* Every blur first, then every outline and label, so that no blur
   * smudges a neighbour's outline; the selected region last, on top. */
  for (guint i = 0; i < n; i++)
    append_region (self, snapshot, &area, scale, i, TRUE);
  for (guint i = 0; i < n; i++)
    if ((int) i != self->selected)
      append_region (self, snapshot, &area, scale, i, FALSE);
  if (get_region (self, self->selected) != NULL)
    append_region (self, snapshot, &area, scale, self->selected, FALSE);

  if (self->dragging && self->drag_mode == DRAG_DRAW)
    {
      GdkRGBA fill = kind_colours[CS_REGION_MANUAL];
      graphene_rect_t rect;

      fill.alpha = 0.3;
      to_widget_rect (&area, scale, &self->drag_rect, &rect);
      gtk_snapshot_append_color (snapshot, &fill, &rect);
      append_frame (snapshot, &rect, 2, &kind_colours[CS_REGION_MANUAL]);
    }
}

static void
cs_photo_canvas_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  /* The photo fits whatever room it is given; small windows get a small
   * photo rather than a scrolled one. */
  *minimum = 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 360;
}

/* Pointer
 * =======
 */

static const char *
cursor_for_edges (guint edges)
{
  switch (edges)
    {
    case EDGE_TOP | EDGE_LEFT:
    case EDGE_BOTTOM | EDGE_RIGHT:
      return "nwse-resize";
    case EDGE_TOP | EDGE_RIGHT:
    case EDGE_BOTTOM | EDGE_LEFT:
      return "nesw-resize";
    case EDGE_LEFT:
    case EDGE_RIGHT:
      return "ew-resize";
    case EDGE_TOP:
    case EDGE_BOTTOM:
      return "ns-resize";
    default:
      return "move";
    }
}

static void
update_cursor (CsPhotoCanvas *self,
               double         x,
               double         y)
{
  const char *name = NULL;
  graphene_rect_t area;
  double scale;
  guint edges;
  int index;

  if (self->drag_mode == DRAG_DRAW)
    name = "crosshair";
  else if (self->drag_mode == DRAG_MOVE || self->drag_mode == DRAG_RESIZE)
    name = cursor_for_edges (self->drag_edges);
  else if (get_view (self, &area, &scale))
    {
      index = hit_test (self, x, y, &edges);
      if (index >= 0)
        name = cursor_for_edges (edges);
      else if (graphene_rect_contains_point (&area, &GRAPHENE_POINT_INIT (x, y)))
        name = "crosshair";
    }

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), name);
}

static void
motion_cb (CsPhotoCanvas            *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *controller)
{
  update_cursor (self, x, y);
}

static void
drag_begin (CsPhotoCanvas *self,
            double         x,
            double         y)
{
  graphene_rect_t area;
  double scale;
  guint edges;
  int index;

  self->drag_mode = DRAG_NONE;
  self->dragging = FALSE;

  if (!get_view (self, &area, &scale))
    return;

  gtk_widget_grab_focus (GTK_WIDGET (self));

  self->press_x = (x - area.origin.x) / scale;
  self->press_y = (y - area.origin.y) / scale;

  index = hit_test (self, x, y, &edges);
  if (index >= 0)
    {
      cs_photo_canvas_set_selected (self, index);
      self->drag_mode = edges != 0 ? DRAG_RESIZE : DRAG_MOVE;
      self->drag_index = index;
      self->drag_edges = edges;
      self->drag_start = self->drag_rect = get_region (self, index)->rect;
    }
  else if (graphene_rect_contains_point (&area, &GRAPHENE_POINT_INIT (x, y)))
    {
      self->drag_mode = DRAG_DRAW;
      self->drag_index = -1;
    }
}

static void
drag_update (CsPhotoCanvas *self,
             double         dx,
             double         dy)
{
  graphene_rect_t area;
  double scale, idx, idy;

  if (self->drag_mode == DRAG_NONE || !get_view (self, &area, &scale))
    return;

  if (!self->dragging && hypot (dx, dy) < DRAG_THRESHOLD)
    return;
  self->dragging = TRUE;

  idx = dx / scale;
  idy = dy / scale;

  switch (self->drag_mode)
    {
    case DRAG_MOVE:
      self->drag_rect = self->drag_start;
      self->drag_rect.x += idx;
      self->drag_rect.y += idy;
      clamp_to_image (self, &self->drag_rect);
      break;

    case DRAG_RESIZE:
      self->drag_rect = resize_rect (self, &self->drag_start, self->drag_edges, idx, idy);
      break;

    case DRAG_DRAW:
      {
        double x1 = CLAMP (self->press_x, 0, self->image_width);
        double y1 = CLAMP (self->press_y, 0, self->image_height);
        double x2 = CLAMP (self->press_x + idx, 0, self->image_width);
        double y2 = CLAMP (self->press_y + idy, 0, self->image_height);

        self->drag_rect = (CsRect) { MIN (x1, x2), MIN (y1, y2), fabs (x2 - x1), fabs (y2 - y1) };
      }
      break;

    case DRAG_NONE:
    default:
      break;
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_end (CsPhotoCanvas *self,
          double         dx,
          double         dy)
{
  graphene_rect_t area;
  double scale;
  int mode;
  CsRect rect;

  drag_update (self, dx, dy);

  mode = self->drag_mode;
  rect = self->drag_rect;
  self->drag_mode = DRAG_NONE;

  if (!self->dragging)
    {
      /* A click on the photo, away from every region, clears the selection. */
      if (mode == DRAG_DRAW)
        cs_photo_canvas_set_selected (self, -1);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }

  self->dragging = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));

  if (!get_view (self, &area, &scale))
    return;

  if (mode == DRAG_MOVE || mode == DRAG_RESIZE)
    {
      if (memcmp (&rect, &self->drag_start, sizeof rect) != 0)
        g_signal_emit (self, signals[REGION_EDITED], 0, (guint) self->drag_index, &rect);
    }
  else if (mode == DRAG_DRAW)
    {
      if (rect.w * scale >= MIN_DRAWN_SCREEN_PX && rect.h * scale >= MIN_DRAWN_SCREEN_PX)
        {
          clamp_to_image (self, &rect);
          g_signal_emit (self, signals[REGION_DRAWN], 0, &rect);
        }
      else
        cs_photo_canvas_set_selected (self, -1);
    }
}

static void
drag_begin_cb (CsPhotoCanvas  *self,
               double          x,
               double          y,
               GtkGestureDrag *gesture)
{
  drag_begin (self, x, y);
  if (self->drag_mode != DRAG_NONE)
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  update_cursor (self, x, y);
}

static void
drag_update_cb (CsPhotoCanvas  *self,
                double          dx,
                double          dy,
                GtkGestureDrag *gesture)
{
  drag_update (self, dx, dy);
}

static void
drag_end_cb (CsPhotoCanvas  *self,
             double          dx,
             double          dy,
             GtkGestureDrag *gesture)
{
  double x, y;

  drag_end (self, dx, dy);
  if (gtk_gesture_drag_get_start_point (gesture, &x, &y))
    update_cursor (self, x + dx, y + dy);
}

static void
drag_cancel_cb (CsPhotoCanvas    *self,
                GdkEventSequence *sequence,
                GtkGesture       *gesture)
{
  self->drag_mode = DRAG_NONE;
  self->dragging = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
cs_photo_canvas_test_drag (CsPhotoCanvas *self,
                           double         x,
                           double         y,
                           double         dx,
                           double         dy)
{
  g_return_if_fail (CS_IS_PHOTO_CANVAS (self));

  drag_begin (self, x, y);
  if (dx != 0 || dy != 0)
    {
      drag_update (self, dx / 2, dy / 2);
      drag_update (self, dx, dy);
    }
  drag_end (self, dx, dy);
}

static void
popup_menu (CsPhotoCanvas *self,
            double         x,
            double         y)
{
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &(GdkRectangle) { x, y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static void
secondary_pressed_cb (CsPhotoCanvas   *self,
                      int              n_press,
                      double           x,
                      double           y,
                      GtkGestureClick *gesture)
{
  guint edges;
  int index = hit_test (self, x, y, &edges);

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (index < 0)
    return;

  cs_photo_canvas_set_selected (self, index);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_menu (self, x, y);
}

/* Keyboard
 * ========
 */

/* Moving with the keyboard is the same edit as a drag, one step at a time. */
static void
nudge (CsPhotoCanvas *self,
       int            steps_x,
       int            steps_y,
       gboolean       resize)
{
  CsPhotoRegion *region = get_region (self, self->selected);
  double step = cs_photo_canvas_get_step (self);
  CsRect rect;

  if (region == NULL || self->drag_mode != DRAG_NONE)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }

  if (resize)
    rect = resize_rect (self, &region->rect, EDGE_RIGHT | EDGE_BOTTOM, steps_x * step, steps_y * step);
  else
    {
      rect = region->rect;
      rect.x += steps_x * step;
      rect.y += steps_y * step;
      clamp_to_image (self, &rect);
    }

  if (memcmp (&rect, &region->rect, sizeof rect) == 0)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }

  g_signal_emit (self, signals[REGION_EDITED], 0, (guint) self->selected, &rect);
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  int dx, dy;

  g_variant_get (parameter, "(ii)", &dx, &dy);
  nudge (CS_PHOTO_CANVAS (widget), dx, dy, FALSE);
}

static void
resize_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  int dx, dy;

  g_variant_get (parameter, "(ii)", &dx, &dy);
  nudge (CS_PHOTO_CANVAS (widget), dx, dy, TRUE);
}

static void
menu_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CsPhotoCanvas *self = CS_PHOTO_CANVAS (widget);
  graphene_rect_t area, rect;
  double scale;
  CsRect r;

  if (get_region (self, self->selected) == NULL || !get_view (self, &area, &scale))
    {
      gtk_widget_error_bell (widget);
      return;
    }

  r = get_rect (self, self->selected);
  to_widget_rect (&area, scale, &r, &rect);
  popup_menu (self, rect.origin.x + rect.size.width / 2, rect.origin.y + rect.size.height / 2);
}

static gboolean
cancel_drag_cb (GtkWidget *widget,
                GVariant  *args,
                gpointer   user_data)
{
  CsPhotoCanvas *self = CS_PHOTO_CANVAS (widget);

  /* Escape otherwise closes the editor; only a drag in progress keeps it. */
  if (self->drag_mode == DRAG_NONE)
    return FALSE;

  self->drag_mode = DRAG_NONE;
  self->dragging = FALSE;
  gtk_widget_queue_draw (widget);
  return TRUE;
}

/* Each region is a stop for Tab, so that the keyboard reaches them in turn
 * as the pointer would; past the last one, focus moves on. */
static gboolean
cs_photo_canvas_focus (GtkWidget        *widget,
                       GtkDirectionType  direction)
{
  CsPhotoCanvas *self = CS_PHOTO_CANVAS (widget);
  int n = self->regions != NULL ? (int) self->regions->len : 0;
  int next;

  if (!gtk_widget_get_focusable (widget) || self->texture == NULL)
    return FALSE;

  if (!gtk_widget_has_focus (widget))
    {
      /* Coming in by Tab starts from the first region (by Shift+Tab from
       * the last), as it would for a row of buttons. */
      gtk_widget_grab_focus (widget);
      if (n > 0 && direction == GTK_DIR_TAB_FORWARD)
        cs_photo_canvas_set_selected (self, 0);
      else if (n > 0 && direction == GTK_DIR_TAB_BACKWARD)
        cs_photo_canvas_set_selected (self, n - 1);
      return TRUE;
    }

  if (direction == GTK_DIR_TAB_FORWARD)
    next = self->selected + 1;
  else if (direction == GTK_DIR_TAB_BACKWARD)
    next = self->selected - 1;
  else
    return FALSE;

  if (next < 0 || next >= n)
    return FALSE;

  cs_photo_canvas_set_selected (self, next);
  return TRUE;
}

/* Object
 * ======
 */

static void
cs_photo_canvas_dispose (GObject *object)
{
  CsPhotoCanvas *self = CS_PHOTO_CANVAS (object);

  g_clear_pointer (&self->menu, gtk_widget_unparent);
  g_clear_object (&self->texture);
  g_clear_pointer (&self->regions, g_ptr_array_unref);

  G_OBJECT_CLASS (cs_photo_canvas_parent_class)->dispose (object);
}

static void
cs_photo_canvas_finalize (GObject *object)
{
  CsPhotoCanvas *self = CS_PHOTO_CANVAS (object);

  g_array_unref (self->looks);

  G_OBJECT_CLASS (cs_photo_canvas_parent_class)->finalize (object);
}

static void
cs_photo_canvas_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  CsPhotoCanvas *self = CS_PHOTO_CANVAS (widget);

  if (self->menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->menu));
}

static void
cs_photo_canvas_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CsPhotoCanvas *self = CS_PHOTO_CANVAS (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_int (value, self->selected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_photo_canvas_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CsPhotoCanvas *self = CS_PHOTO_CANVAS (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      cs_photo_canvas_set_selected (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
add_arrow_bindings (GtkWidgetClass *widget_class,
                    guint           keyval,
                    guint           kp_keyval,
                    int             dx,
                    int             dy)
{
  static const struct { GdkModifierType mods; const char *action; int factor; } bindings[] = {
    { 0, "canvas.move", 1 },
    { GDK_SHIFT_MASK, "canvas.move", 10 },
    { GDK_CONTROL_MASK, "canvas.resize", 1 },
    { GDK_CONTROL_MASK | GDK_SHIFT_MASK, "canvas.resize", 10 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    {
      int f = bindings[i].factor;

      gtk_widget_class_add_binding_action (widget_class, keyval, bindings[i].mods,
                                           bindings[i].action, "(ii)", dx * f, dy * f);
      gtk_widget_class_add_binding_action (widget_class, kp_keyval, bindings[i].mods,
                                           bindings[i].action, "(ii)", dx * f, dy * f);
    }
}

static void
cs_photo_canvas_class_init (CsPhotoCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_photo_canvas_dispose;
  object_class->finalize = cs_photo_canvas_finalize;
  object_class->get_property = cs_photo_canvas_get_property;
  object_class->set_property = cs_photo_canvas_set_property;

  widget_class->snapshot = cs_photo_canvas_snapshot;
  widget_class->measure = cs_photo_canvas_measure;
  widget_class->size_allocate = cs_photo_canvas_size_allocate;
  widget_class->focus = cs_photo_canvas_focus;

  properties[PROP_SELECTED] =
    g_param_spec_int ("selected", NULL, NULL,
                      -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[REGION_EDITED] =
    g_signal_new ("region-edited",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_POINTER);
  signals[REGION_DRAWN] =
    g_signal_new ("region-drawn",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);

  gtk_widget_class_install_action (widget_class, "canvas.move", "(ii)", move_action);
  gtk_widget_class_install_action (widget_class, "canvas.resize", "(ii)", resize_action);
  gtk_widget_class_install_action (widget_class, "canvas.menu", NULL, menu_action);

  add_arrow_bindings (widget_class, GDK_KEY_Left, GDK_KEY_KP_Left, -1, 0);
  add_arrow_bindings (widget_class, GDK_KEY_Right, GDK_KEY_KP_Right, 1, 0);
  add_arrow_bindings (widget_class, GDK_KEY_Up, GDK_KEY_KP_Up, 0, -1);
  add_arrow_bindings (widget_class, GDK_KEY_Down, GDK_KEY_KP_Down, 0, 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "canvas.menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "canvas.menu", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, cancel_drag_cb, NULL);

  gtk_widget_class_set_css_name (widget_class, "cs-photo-canvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
cs_photo_canvas_init (CsPhotoCanvas *self)
{
  GtkGesture *gesture;
  GtkEventController *controller;
  g_autoptr(GMenu) menu = g_menu_new ();

  self->selected = -1;
  self->drag_index = -1;
  self->looks = g_array_new (FALSE, TRUE, sizeof (CsRegionLook));

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect_swapped (gesture, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect_swapped (gesture, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect_swapped (gesture, "drag-end", G_CALLBACK (drag_end_cb), self);
  g_signal_connect_swapped (gesture, "cancel", G_CALLBACK (drag_cancel_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect_swapped (gesture, "pressed", G_CALLBACK (secondary_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (controller, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  /* The editor window provides the actions; the canvas only offers them. */
  g_menu_append (menu, _("_Remove Region"), "editor.delete-region");
  self->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
  gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->menu, GTK_WIDGET (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Photo"),
                                  -1);
  update_accessible (self);
}

GtkWidget *
cs_photo_canvas_new (void)
{
  return g_object_new (CS_TYPE_PHOTO_CANVAS, NULL);
}
