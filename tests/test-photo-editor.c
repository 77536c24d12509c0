/* test-photo-editor.c: the photo editor driven as a person would, under Xvfb
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>
#include <gdk/x11/gdkx.h>
#include <X11/extensions/XTest.h>

#include "cs-photo-editor-private.h"
#include "cs-test-ui.h"

#define PHOTO_ID "photo-1"
#define PHOTO_WIDTH 800
#define PHOTO_HEIGHT 600
#define TIMEOUT_MS 10000

static const char roster_csv[] =
  "id,forename,surname,preferred_name,class,role,photo_consent,name_consent,consent_expires\n"
  "P1,Ada,Quill,,Year 2,pupil,yes,no,2099-08-31\n"
  "P2,Bram,Stokes,,Year 2,pupil,no,no,\n"
  "P3,Cleo,North,,Year 3,pupil,never,no,\n"
  "P4,Dev,Patel,,Year 3,pupil,yes,no,2024-08-31\n"
  "P5,Adaeze,Okafor,Ada,Year 6,pupil,no,no,\n"
  "S1,Helen,Marsh,,,staff,yes,yes,\n";

/* Two faces and a name card, where the fixture photo has them. */
static const CsRect face_a = { 150, 150, 100, 120 };
static const CsRect face_b = { 520, 170, 90, 110 };
static const CsRect name_card = { 300, 480, 200, 50 };

typedef struct
{
  char          *dir;
  char          *photo;
  CsRoster      *roster;
  CsDraft       *draft;
  CsPhotoEditor *editor;
} Fixture;

typedef struct
{
  gboolean faces_checked;
  gboolean with_regions;
  gboolean broken;
  int      width;
  int      height;
} FixtureOptions;

static const FixtureOptions checked = { TRUE, TRUE, FALSE, 1000, 700 };
static const FixtureOptions unchecked = { FALSE, FALSE, FALSE, 1000, 700 };
static const FixtureOptions narrow = { TRUE, TRUE, FALSE, 360, 640 };
static const FixtureOptions broken = { TRUE, TRUE, TRUE, 1000, 700 };

/* Fixtures
 * ========
 */

static void
draw_face (cairo_t      *cr,
           const CsRect *rect)
{
  double cx = rect->x + rect->w / 2, cy = rect->y + rect->h / 2;

  cairo_save (cr);
  cairo_translate (cr, cx, cy);
  cairo_scale (cr, rect->w / 2, rect->h / 2);
  cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
  cairo_restore (cr);
  cairo_set_source_rgb (cr, 0.93, 0.76, 0.62);
  cairo_fill (cr);

  cairo_set_source_rgb (cr, 0.15, 0.1, 0.1);
  cairo_arc (cr, cx - rect->w * 0.2, cy - rect->h * 0.1, rect->w * 0.07, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_arc (cr, cx + rect->w * 0.2, cy - rect->h * 0.1, rect->w * 0.07, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_set_line_width (cr, 4);
  cairo_arc (cr, cx, cy + rect->h * 0.1, rect->w * 0.22, 0.2 * G_PI, 0.8 * G_PI);
  cairo_stroke (cr);
}

/* A playground: sky, grass, two children and a name card. */
static void
write_photo (const char *path)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, PHOTO_WIDTH, PHOTO_HEIGHT);
  cairo_t *cr = cairo_create (surface);
  cairo_pattern_t *sky = cairo_pattern_create_linear (0, 0, 0, 380);

  cairo_pattern_add_color_stop_rgb (sky, 0, 0.45, 0.68, 0.92);
  cairo_pattern_add_color_stop_rgb (sky, 1, 0.82, 0.9, 0.98);
  cairo_set_source (cr, sky);
  cairo_paint (cr);
  cairo_pattern_destroy (sky);

  cairo_set_source_rgb (cr, 0.35, 0.62, 0.3);
  cairo_rectangle (cr, 0, 380, PHOTO_WIDTH, PHOTO_HEIGHT - 380);
  cairo_fill (cr);

  /* Bodies under the faces. */
  cairo_set_source_rgb (cr, 0.8, 0.2, 0.25);
  cairo_rectangle (cr, 140, 270, 120, 180);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.95, 0.75, 0.2);
  cairo_rectangle (cr, 510, 280, 110, 170);
  cairo_fill (cr);

  draw_face (cr, &face_a);
  draw_face (cr, &face_b);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, name_card.x - 10, name_card.y - 10, name_card.w + 20, name_card.h + 20);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.3);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 34);
  cairo_move_to (cr, name_card.x + 12, name_card.y + 38);
  cairo_show_text (cr, "Ada Quill");

  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

static CsPhotoRegion *
make_region (CsRegionKind  kind,
             const CsRect *rect,
             const char   *text)
{
  CsPhotoRegion *region = cs_photo_region_new (kind, rect, kind == CS_REGION_FACE ? 0.92 : 0.8);

  if (text != NULL)
    {
      region->text = g_strdup (text);
      region->reason = g_strdup ("roster name");
    }

  return region;
}

static gboolean
editor_loaded (gpointer data)
{
  return !cs_photo_editor_is_loading (data);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const FixtureOptions *options = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) regions = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_photo_region_free);
  CsAttachment attachment = { 0 };

  f->dir = g_dir_make_tmp ("cs-photo-editor-XXXXXX", &error);
  g_assert_no_error (error);
  f->photo = g_build_filename (f->dir, "photo-1.png", NULL);
  if (options->broken)
    g_assert_true (g_file_set_contents (f->photo, "This is not a photo.\n", -1, NULL));
  else
    write_photo (f->photo);

  f->roster = cs_roster_new ();
  g_assert_true (cs_roster_load_data (f->roster, roster_csv, strlen (roster_csv), &error));
  g_assert_no_error (error);

  if (options->with_regions)
    {
      g_ptr_array_add (regions, make_region (CS_REGION_FACE, &face_a, NULL));
      g_ptr_array_add (regions, make_region (CS_REGION_FACE, &face_b, NULL));
      g_ptr_array_add (regions, make_region (CS_REGION_TEXT, &name_card, "Ada Quill"));
    }

  attachment.id = (char *) PHOTO_ID;
  attachment.file = f->photo;
  attachment.original = (char *) "/home/office/Pictures/sports-day.png";
  attachment.alt_text = (char *) "";
  attachment.state = CS_PHOTO_STATE_NEEDS_REVIEW;
  attachment.width = options->with_regions ? PHOTO_WIDTH : 0;
  attachment.height = options->with_regions ? PHOTO_HEIGHT : 0;
  attachment.regions = regions;
  attachment.faces_checked = options->faces_checked;

  f->draft = cs_draft_new ("draft-1");
  cs_draft_add_attachment (f->draft, &attachment);

  f->editor = cs_photo_editor_new (NULL, f->draft, PHOTO_ID, f->roster);
  gtk_window_set_default_size (GTK_WINDOW (f->editor), options->width, options->height);
  gtk_window_present (GTK_WINDOW (f->editor));
  cs_test_wait_for (editor_loaded, f->editor, TIMEOUT_MS, "the photo to load");
  if (!options->broken)
    cs_test_wait_for ((CsTestCondition) gtk_widget_get_mapped, f->editor->canvas, TIMEOUT_MS, "the photo to be shown");
  cs_test_spin (100);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->editor != NULL)
    {
      g_object_ref (f->editor);
      gtk_window_destroy (GTK_WINDOW (f->editor));
      cs_test_spin (50);
      g_assert_finalize_object (f->editor);
    }

  g_assert_finalize_object (f->draft);
  g_assert_finalize_object (f->roster);

  g_unlink (f->photo);
  g_rmdir (f->dir);
  g_free (f->photo);
  g_free (f->dir);
}

/* Helpers
 * =======
 */

static const CsAttachment *
draft_photo (Fixture *f)
{
  const CsAttachment *attachment = cs_draft_find_attachment (f->draft, PHOTO_ID);

  g_assert_nonnull (attachment);
  return attachment;
}

static const CsPhotoRegion *
draft_region (Fixture *f,
              guint    index)
{
  const CsAttachment *attachment = draft_photo (f);

  g_assert_cmpuint (index, <, attachment->regions->len);
  return g_ptr_array_index (attachment->regions, index);
}

static guint
n_draft_regions (Fixture *f)
{
  return draft_photo (f)->regions->len;
}

static void
assert_rect (const CsRect *rect,
             double        x,
             double        y,
             double        w,
             double        h,
             double        tolerance)
{
  g_assert_cmpfloat_with_epsilon (rect->x, x, tolerance + 1e-9);
  g_assert_cmpfloat_with_epsilon (rect->y, y, tolerance + 1e-9);
  g_assert_cmpfloat_with_epsilon (rect->w, w, tolerance + 1e-9);
  g_assert_cmpfloat_with_epsilon (rect->h, h, tolerance + 1e-9);
}

static guint
count_rows (GtkListBox *list)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (list, n) != NULL)
    n++;

  return n;
}

static guint
count_visible_rows (GtkListBox *list)
{
  GtkListBoxRow *row;
  guint n = 0;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    if (gtk_widget_get_child_visible (GTK_WIDGET (row)))
      n++;

  return n;
}

static const char *
row_title (GtkListBox *list,
           int         index)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (gtk_list_box_get_row_at_index (list, index)));
}

static const char *
row_subtitle (GtkListBox *list,
              int         index)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (gtk_list_box_get_row_at_index (list, index)));
}

static double
view_scale (Fixture *f)
{
  double x0, y0, x1, y1;

  g_assert_true (cs_photo_canvas_image_to_widget (f->editor->canvas, 0, 0, &x0, &y0));
  g_assert_true (cs_photo_canvas_image_to_widget (f->editor->canvas, 100, 0, &x1, &y1));
  return (x1 - x0) / 100;
}

/* Where image point (@x, @y) is on the screen, for XTEST. */
static void
image_to_root (Fixture *f,
               double   x,
               double   y,
               int     *root_x,
               int     *root_y)
{
  GtkWidget *canvas = GTK_WIDGET (f->editor->canvas);
  GtkNative *native = gtk_widget_get_native (canvas);
  GdkDisplay *display = gtk_widget_get_display (canvas);
  Display *xdisplay = gdk_x11_display_get_xdisplay (display);
  Window xid = gdk_x11_surface_get_xid (gtk_native_get_surface (native));
  graphene_point_t point;
  double wx, wy, sx, sy;
  Window child;

  g_assert_true (cs_photo_canvas_image_to_widget (f->editor->canvas, x, y, &wx, &wy));
  g_assert_true (gtk_widget_compute_point (canvas, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (wx, wy), &point));
  gtk_native_get_surface_transform (native, &sx, &sy);
  XTranslateCoordinates (xdisplay, xid, DefaultRootWindow (xdisplay),
                         (int) round (point.x + sx), (int) round (point.y + sy),
                         root_x, root_y, &child);
}

/* A real press, move and release of the left button, from image point
 * (@x1, @y1) to (@x2, @y2), in small steps as a hand would. */
static void
pointer_drag (Fixture *f,
              double   x1,
              double   y1,
              double   x2,
              double   y2)
{
  Display *xdisplay = gdk_x11_display_get_xdisplay (gtk_widget_get_display (GTK_WIDGET (f->editor)));
  int rx1, ry1, rx2, ry2;
  const int steps = 8;

  image_to_root (f, x1, y1, &rx1, &ry1);
  image_to_root (f, x2, y2, &rx2, &ry2);

  XTestFakeMotionEvent (xdisplay, -1, rx1, ry1, CurrentTime);
  XSync (xdisplay, False);
  cs_test_spin (30);
  XTestFakeButtonEvent (xdisplay, 1, True, CurrentTime);
  XSync (xdisplay, False);
  cs_test_spin (30);
  for (int i = 1; i <= steps; i++)
    {
      XTestFakeMotionEvent (xdisplay, -1, rx1 + (rx2 - rx1) * i / steps, ry1 + (ry2 - ry1) * i / steps, CurrentTime);
      XSync (xdisplay, False);
      cs_test_spin (15);
    }
  XTestFakeButtonEvent (xdisplay, 1, False, CurrentTime);
  XSync (xdisplay, False);
  cs_test_spin (100);
}

static void
pointer_click (Fixture *f,
               double   x,
               double   y)
{
  pointer_drag (f, x, y, x, y);
}

static void
select_row (Fixture *f,
            int      index)
{
  gtk_list_box_select_row (f->editor->regions_list, gtk_list_box_get_row_at_index (f->editor->regions_list, index));
  cs_test_spin (20);
  g_assert_cmpint (cs_photo_canvas_get_selected (f->editor->canvas), ==, index);
}

static gboolean
popover_shown (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
popover_hidden (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

static void
open_pupils (Fixture    *f,
             const char *search)
{
  gtk_menu_button_popup (f->editor->pupil_button);
  cs_test_wait_for (popover_shown, f->editor->pupil_popover, TIMEOUT_MS, "the pupil chooser");
  gtk_editable_set_text (GTK_EDITABLE (f->editor->pupil_search), search);
  /* The search entry waits a moment after typing before it searches. */
  cs_test_spin (400);
}

/* Chooses the first match, as Enter in the search does. */
static void
choose_pupil (Fixture    *f,
              const char *search)
{
  open_pupils (f, search);
  g_signal_emit_by_name (f->editor->pupil_search, "activate");
  cs_test_wait_for (popover_hidden, f->editor->pupil_popover, TIMEOUT_MS, "the pupil chooser to close");
  cs_test_spin (50);
}

static char *
label_text (GtkLabel *label)
{
  return g_strdup (gtk_label_get_label (label));
}

/* A screenshot of the window with its open popover drawn where it sits. */
static void
screenshot_with_popover (Fixture    *f,
                         GtkPopover *popover,
                         const char *name)
{
  g_autofree char *window_file = cs_test_screenshot (GTK_WIDGET (f->editor), name);
  g_autofree char *popover_file = NULL;
  g_autofree char *popover_name = g_strdup_printf ("%s-popover", name);
  g_autoptr(GdkTexture) window_texture = NULL;
  g_autoptr(GdkTexture) popover_texture = NULL;
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) combined = NULL;
  g_autoptr(GError) error = NULL;
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (popover));
  graphene_rect_t bounds;
  double wx, wy, px, py;
  int width = gtk_widget_get_width (GTK_WIDGET (f->editor));
  int height = gtk_widget_get_height (GTK_WIDGET (f->editor));

  popover_file = cs_test_screenshot (GTK_WIDGET (popover), popover_name);
  window_texture = gdk_texture_new_from_filename (window_file, &error);
  g_assert_no_error (error);
  popover_texture = gdk_texture_new_from_filename (popover_file, &error);
  g_assert_no_error (error);

  /* The popup's surface is placed relative to the window's surface; both
   * have shadows around the widget, which the transforms account for. The
   * picture grows to take in a popover that reaches past the window. */
  gtk_native_get_surface_transform (GTK_NATIVE (f->editor), &wx, &wy);
  gtk_native_get_surface_transform (GTK_NATIVE (popover), &px, &py);
  px += gdk_popup_get_position_x (GDK_POPUP (surface)) - wx;
  py += gdk_popup_get_position_y (GDK_POPUP (surface)) - wy;
  graphene_rect_union (&GRAPHENE_RECT_INIT (0, 0, width, height),
                       &GRAPHENE_RECT_INIT (px, py, gdk_texture_get_width (popover_texture),
                                            gdk_texture_get_height (popover_texture)),
                       &bounds);
  gtk_snapshot_append_texture (snapshot, window_texture, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_append_texture (snapshot, popover_texture,
                               &GRAPHENE_RECT_INIT (px, py,
                                                    gdk_texture_get_width (popover_texture),
                                                    gdk_texture_get_height (popover_texture)));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  combined = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (f->editor)), node, &bounds);
  g_assert_true (gdk_texture_save_to_png (combined, window_file));
  g_unlink (popover_file);
}

/* Tests
 * =====
 */

static void
test_shows_regions (Fixture       *f,
                    gconstpointer  data)
{
  CsPhotoEditor *editor = f->editor;
  g_autofree char *summary = label_text (editor->summary_label);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (editor->photo_stack), ==, "photo");
  g_assert_nonnull (cs_photo_canvas_get_texture (editor->canvas));
  g_assert_cmpstr (adw_window_title_get_subtitle (editor->window_title), ==, "sports-day.png");

  g_assert_cmpuint (count_rows (editor->regions_list), ==, 3);
  g_assert_cmpstr (row_title (editor->regions_list, 0), ==, "Face 1");
  g_assert_cmpstr (row_title (editor->regions_list, 1), ==, "Face 2");
  g_assert_cmpstr (row_title (editor->regions_list, 2), ==, "Name 1");
  g_assert_cmpstr (row_subtitle (editor->regions_list, 0), ==, "Blurred");
  g_assert_cmpstr (row_subtitle (editor->regions_list, 2), ==, "Blurred · “Ada Quill”");
  g_assert_cmpstr (summary, ==, "2 faces and 1 name will be blurred");

  /* Faces were looked for: no banner, and nothing selected yet. */
  g_assert_false (gtk_revealer_get_reveal_child (editor->banner_revealer));
  g_assert_false (gtk_widget_get_visible (editor->details_box));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (editor->undo_button)));

  g_free (cs_test_screenshot (GTK_WIDGET (editor), "photo-editor-regions"));
}

static void
test_select_move_resize (Fixture       *f,
                         gconstpointer  data)
{
  CsPhotoEditor *editor = f->editor;
  double step = cs_photo_canvas_get_step (editor->canvas);
  double scale = view_scale (f);

  g_assert_cmpfloat (step, ==, 4);

  /* From the list. */
  select_row (f, 1);
  g_assert_true (gtk_widget_get_visible (editor->details_box));
  g_assert_cmpstr (adw_preferences_group_get_title (editor->details_group), ==, "Face 2");

  /* A real click on the first face, inside its blur. */
  pointer_click (f, face_a.x + face_a.w / 2, face_a.y + face_a.h / 2);
  g_assert_cmpint (cs_photo_canvas_get_selected (editor->canvas), ==, 0);
  g_assert_cmpint (gtk_list_box_row_get_index (gtk_list_box_get_selected_row (editor->regions_list)), ==, 0);
  g_assert_cmpstr (adw_preferences_group_get_title (editor->details_group), ==, "Face 1");
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (editor->canvas)));
  assert_rect (&draft_region (f, 0)->rect, face_a.x, face_a.y, face_a.w, face_a.h, 0);

  /* The arrow keys, as typed. */
  cs_test_press_key (GTK_WIDGET (editor), GDK_KEY_Right, 0);
  assert_rect (&draft_region (f, 0)->rect, face_a.x + step, face_a.y, face_a.w, face_a.h, 0);
  cs_test_press_key (GTK_WIDGET (editor), GDK_KEY_Down, GDK_SHIFT_MASK);
  assert_rect (&draft_region (f, 0)->rect, face_a.x + step, face_a.y + 10 * step, face_a.w, face_a.h, 0);
  cs_test_press_key (GTK_WIDGET (editor), GDK_KEY_Right, GDK_CONTROL_MASK);
  assert_rect (&draft_region (f, 0)->rect, face_a.x + step, face_a.y + 10 * step, face_a.w + step, face_a.h, 0);
  cs_test_press_key (GTK_WIDGET (editor), GDK_KEY_Up, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  assert_rect (&draft_region (f, 0)->rect, face_a.x + step, face_a.y + 10 * step, face_a.w + step, face_a.h - 10 * step, 0);

  /* Undo takes back one step at a time. */
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (editor->undo_button)));
  cs_test_press_key (GTK_WIDGET (editor), GDK_KEY_z, GDK_CONTROL_MASK);
  assert_rect (&draft_region (f, 0)->rect, face_a.x + step, face_a.y + 10 * step, face_a.w + step, face_a.h, 0);
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.undo", NULL);
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.undo", NULL);
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.undo", NULL);
  assert_rect (&draft_region (f, 0)->rect, face_a.x, face_a.y, face_a.w, face_a.h, 0);
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (editor->undo_button)));
  g_assert_cmpint (cs_photo_canvas_get_selected (editor->canvas), ==, 0);

  /* Dragged by its middle: it moves as far as the pointer did, in the
   * photo's own pixels. */
  pointer_drag (f, face_a.x + 50, face_a.y + 60, face_a.x + 50 + 60 / scale, face_a.y + 60 + 30 / scale);
  assert_rect (&draft_region (f, 0)->rect, face_a.x + 60 / scale, face_a.y + 30 / scale, face_a.w, face_a.h, 1.5 / scale);

  /* Dragged by the bottom-right handle: it grows. */
  {
    CsRect r = draft_region (f, 0)->rect;

    pointer_drag (f, r.x + r.w, r.y + r.h, r.x + r.w + 40 / scale, r.y + r.h + 20 / scale);
    assert_rect (&draft_region (f, 0)->rect, r.x, r.y, r.w + 40 / scale, r.h + 20 / scale, 1.5 / scale);
  }

  /* The other regions were never touched. */
  assert_rect (&draft_region (f, 1)->rect, face_b.x, face_b.y, face_b.w, face_b.h, 0);
  assert_rect (&draft_region (f, 2)->rect, name_card.x, name_card.y, name_card.w, name_card.h, 0);

  g_free (cs_test_screenshot (GTK_WIDGET (editor), "photo-editor-selected"));
}

static void
test_tab_through_regions (Fixture       *f,
                          gconstpointer  data)
{
  CsPhotoEditor *editor = f->editor;
  GtkWidget *canvas = GTK_WIDGET (editor->canvas);

  g_assert_cmpint (cs_photo_canvas_get_selected (editor->canvas), ==, -1);
  g_assert_true (gtk_widget_child_focus (canvas, GTK_DIR_TAB_FORWARD));
  g_assert_true (gtk_widget_has_focus (canvas));
  g_assert_cmpint (cs_photo_canvas_get_selected (editor->canvas), ==, 0);

  cs_test_press_key (GTK_WIDGET (editor), GDK_KEY_Tab, 0);
  g_assert_cmpint (cs_photo_canvas_get_selected (editor->canvas), ==, 1);
  cs_test_press_key (GTK_WIDGET (editor), GDK_KEY_Tab, 0);
  g_assert_cmpint (cs_photo_canvas_get_selected (editor->canvas), ==, 2);
  g_assert_true (gtk_widget_has_focus (canvas));

  /* Past the last region focus moves on, and the selection stays. */
  cs_test_press_key (GTK_WIDGET (editor), GDK_KEY_Tab, 0);
  g_assert_false (gtk_widget_has_focus (canvas));
  g_assert_cmpint (cs_photo_canvas_get_selected (editor->canvas), ==, 2);
}

static void
test_draw_add_delete (Fixture       *f,
                      gconstpointer  data)
{
  CsPhotoEditor *editor = f->editor;
  const CsPhotoRegion *region;
  g_autofree char *summary = NULL;

  /* Dragged out on the grass, away from every region. */
  pointer_drag (f, 640, 400, 760, 500);
  g_assert_cmpuint (n_draft_regions (f), ==, 4);
  region = draft_region (f, 3);
  g_assert_cmpint (region->kind, ==, CS_REGION_MANUAL);
  assert_rect (&region->rect, 640, 400, 120, 100, 2.0 / view_scale (f));
  g_assert_cmpint (cs_photo_canvas_get_selected (editor->canvas), ==, 3);
  g_assert_cmpuint (count_rows (editor->regions_list), ==, 4);
  g_assert_cmpstr (row_title (editor->regions_list, 3), ==, "Box 1");
  summary = label_text (editor->summary_label);
  g_assert_cmpstr (summary, ==, "2 faces, 1 name and 1 box will be blurred");

  /* Delete, as typed with the photo focused, removes it. */
  cs_test_press_key (GTK_WIDGET (editor), GDK_KEY_Delete, 0);
  g_assert_cmpuint (n_draft_regions (f), ==, 3);
  g_assert_cmpint (cs_photo_canvas_get_selected (editor->canvas), ==, 2);

  /* Insert adds a box in the middle, to be moved into place. */
  cs_test_press_key (GTK_WIDGET (editor), GDK_KEY_Insert, 0);
  g_assert_cmpuint (n_draft_regions (f), ==, 4);
  assert_rect (&draft_region (f, 3)->rect, 340, 240, 120, 120, 0);
  g_assert_cmpint (cs_photo_canvas_get_selected (editor->canvas), ==, 3);

  /* The toolbar's button removes the selected region: the first face. */
  select_row (f, 0);
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.delete-region", NULL);
  g_assert_cmpuint (n_draft_regions (f), ==, 3);
  assert_rect (&draft_region (f, 0)->rect, face_b.x, face_b.y, face_b.w, face_b.h, 0);
  g_assert_cmpint (cs_photo_canvas_get_selected (editor->canvas), ==, 0);
  g_assert_cmpstr (row_title (editor->regions_list, 0), ==, "Face 1");

  /* And Undo brings it back. */
  cs_test_press_key (GTK_WIDGET (editor), GDK_KEY_z, GDK_CONTROL_MASK);
  g_assert_cmpuint (n_draft_regions (f), ==, 4);
  assert_rect (&draft_region (f, 0)->rect, face_a.x, face_a.y, face_a.w, face_a.h, 0);

  /* A click on empty photo clears the selection; a tiny wobble draws nothing. */
  pointer_click (f, 700, 80);
  g_assert_cmpint (cs_photo_canvas_get_selected (editor->canvas), ==, -1);
  g_assert_false (gtk_widget_get_visible (editor->details_box));
  g_assert_cmpuint (n_draft_regions (f), ==, 4);
}

static void
test_tag_consented (Fixture       *f,
                    gconstpointer  data)
{
  CsPhotoEditor *editor = f->editor;
  g_autofree char *summary = NULL;
  g_autofree char *status = NULL;

  select_row (f, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor->pupil_row)));
  g_assert_cmpstr (gtk_menu_button_get_label (editor->pupil_button), ==, "Choose…");
  g_assert_true (gtk_switch_get_active (editor->blur_switch));

  /* Search as you type: by name, by preferred name, by class. */
  open_pupils (f, "ada");
  g_assert_cmpuint (count_visible_rows (editor->pupil_list), ==, 2);  /* Ada Quill, Ada Okafor */
  gtk_editable_set_text (GTK_EDITABLE (editor->pupil_search), "year 3");
  cs_test_spin (400);
  g_assert_cmpuint (count_visible_rows (editor->pupil_list), ==, 2);  /* Cleo, Dev */
  gtk_editable_set_text (GTK_EDITABLE (editor->pupil_search), "ada q");
  cs_test_spin (400);
  g_assert_cmpuint (count_visible_rows (editor->pupil_list), ==, 1);
  screenshot_with_popover (f, editor->pupil_popover, "photo-editor-tag-search");

  g_signal_emit_by_name (editor->pupil_search, "activate");
  cs_test_wait_for (popover_hidden, editor->pupil_popover, TIMEOUT_MS, "the pupil chooser to close");

  /* Ada has photo consent: tagging her shows her face. */
  g_assert_cmpstr (draft_region (f, 0)->tag, ==, "P1");
  g_assert_true (draft_region (f, 0)->clear);
  g_assert_false (gtk_switch_get_active (editor->blur_switch));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (editor->blur_row)));
  g_assert_cmpstr (gtk_menu_button_get_label (editor->pupil_button), ==, "Ada Quill");
  g_assert_cmpstr (row_subtitle (editor->regions_list, 0), ==, "Shown · Ada Quill");
  g_assert_false (gtk_widget_get_visible (editor->problem_box));
  summary = label_text (editor->summary_label);
  g_assert_cmpstr (summary, ==, "1 face and 1 name will be blurred; 1 face shown (consent: Ada Quill)");
  status = label_text (editor->status_label);
  g_assert_cmpstr (status, ==, "Ada Quill has photo consent, so this face will be shown.");
  g_free (cs_test_screenshot (GTK_WIDGET (editor), "photo-editor-shown"));

  /* She may still be blurred. */
  gtk_switch_set_active (editor->blur_switch, TRUE);
  cs_test_spin (20);
  g_assert_false (draft_region (f, 0)->clear);
  g_assert_cmpstr (draft_region (f, 0)->tag, ==, "P1");
  g_clear_pointer (&summary, g_free);
  summary = label_text (editor->summary_label);
  g_assert_cmpstr (summary, ==, "2 faces and 1 name will be blurred");
  gtk_switch_set_active (editor->blur_switch, FALSE);
  cs_test_spin (20);
  g_assert_true (draft_region (f, 0)->clear);

  /* Consent that has run out is no consent. */
  select_row (f, 1);
  choose_pupil (f, "dev");
  g_assert_cmpstr (draft_region (f, 1)->tag, ==, "P4");
  g_assert_false (draft_region (f, 1)->clear);
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (editor->blur_row)));
  g_clear_pointer (&status, g_free);
  status = label_text (editor->status_label);
  g_assert_true (g_str_has_prefix (status, "Dev Patel’s photo consent ended on 31 August 2024"));
}

static void
test_tag_never (Fixture       *f,
                gconstpointer  data)
{
  CsPhotoEditor *editor = f->editor;
  g_autofree char *summary = NULL;
  GtkWidget *row;

  select_row (f, 1);
  choose_pupil (f, "cleo");

  g_assert_cmpstr (draft_region (f, 1)->tag, ==, "P3");
  g_assert_false (draft_region (f, 1)->clear);
  g_assert_true (gtk_widget_get_visible (editor->problem_box));
  g_assert_cmpstr (gtk_label_get_label (editor->problem_label), ==, "This pupil must never appear. Remove this photo.");
  g_assert_true (gtk_widget_has_css_class (editor->problem_box, "cs-severity-error"));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (editor->blur_row)));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (editor->pupil_row)), ==, "Year 3 · Must never appear");

  /* The list marks the row, and the summary counts the problem. */
  row = GTK_WIDGET (gtk_list_box_get_row_at_index (editor->regions_list, 1));
  g_assert_true (gtk_widget_get_visible (g_object_get_data (G_OBJECT (row), "cs-problem")));
  summary = label_text (editor->summary_label);
  g_assert_cmpstr (summary, ==, "2 faces and 1 name will be blurred. 1 problem must be fixed");

  g_free (cs_test_screenshot (GTK_WIDGET (editor), "photo-editor-never"));

  /* Untagging takes the problem away. */
  choose_pupil (f, "");
  g_assert_null (draft_region (f, 1)->tag);
  g_assert_false (gtk_widget_get_visible (editor->problem_box));
}

static void
test_no_consent_and_untagged (Fixture       *f,
                              gconstpointer  data)
{
  CsPhotoEditor *editor = f->editor;
  g_autofree char *status = NULL;

  select_row (f, 0);
  choose_pupil (f, "bram");
  g_assert_cmpstr (draft_region (f, 0)->tag, ==, "P2");
  g_assert_false (draft_region (f, 0)->clear);
  g_assert_true (gtk_switch_get_active (editor->blur_switch));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (editor->blur_row)));
  status = label_text (editor->status_label);
  g_assert_cmpstr (status, ==, "Bram Stokes has no photo consent, so this face stays blurred.");
  g_assert_cmpstr (row_subtitle (editor->regions_list, 0), ==, "Blurred · Bram Stokes");

  /* An untagged face left clear is a problem, and is still blurred. */
  select_row (f, 1);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (editor->blur_row)));
  gtk_switch_set_active (editor->blur_switch, FALSE);
  cs_test_spin (20);
  g_assert_true (draft_region (f, 1)->clear);
  g_assert_null (draft_region (f, 1)->tag);
  g_assert_true (gtk_widget_get_visible (editor->problem_box));
  g_assert_nonnull (strstr (gtk_label_get_label (editor->problem_label), "nobody is tagged"));
  g_assert_cmpstr (row_subtitle (editor->regions_list, 1), ==, "Blurred");

  /* Blurring it again settles it. */
  gtk_switch_set_active (editor->blur_switch, TRUE);
  cs_test_spin (20);
  g_assert_false (draft_region (f, 1)->clear);
  g_assert_false (gtk_widget_get_visible (editor->problem_box));
}

/* The pupil chooser and the context menu, with the keyboard alone. */
static void
test_keyboard_tagging (Fixture       *f,
                       gconstpointer  data)
{
  CsPhotoEditor *editor = f->editor;
  GtkWidget *window = GTK_WIDGET (editor);

  select_row (f, 0);
  gtk_widget_grab_focus (GTK_WIDGET (editor->pupil_button));
  cs_test_press_key (window, GDK_KEY_space, 0);
  cs_test_wait_for (popover_shown, editor->pupil_popover, TIMEOUT_MS, "the pupil chooser");
  /* Typing goes straight to the search. */
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (editor)), GTK_WIDGET (editor->pupil_search)));

  cs_test_press_key (window, GDK_KEY_b, 0);
  cs_test_press_key (window, GDK_KEY_r, 0);
  cs_test_spin (300);
  g_assert_cmpuint (count_visible_rows (editor->pupil_list), ==, 1);
  cs_test_press_key (window, GDK_KEY_Down, 0);
  cs_test_press_key (window, GDK_KEY_Return, 0);
  cs_test_wait_for (popover_hidden, editor->pupil_popover, TIMEOUT_MS, "the pupil chooser to close");
  g_assert_cmpstr (draft_region (f, 0)->tag, ==, "P2");

  /* Escape in the chooser closes the chooser, not the editor. */
  gtk_widget_grab_focus (GTK_WIDGET (editor->pupil_button));
  cs_test_press_key (window, GDK_KEY_space, 0);
  cs_test_wait_for (popover_shown, editor->pupil_popover, TIMEOUT_MS, "the pupil chooser");
  cs_test_press_key (window, GDK_KEY_Escape, 0);
  cs_test_wait_for (popover_hidden, editor->pupil_popover, TIMEOUT_MS, "the pupil chooser to close");
  g_assert_true (gtk_widget_get_visible (window));

  /* Shift+F10 on the photo opens the menu with Remove Region in it. */
  gtk_widget_grab_focus (GTK_WIDGET (editor->canvas));
  cs_test_press_key (window, GDK_KEY_F10, GDK_SHIFT_MASK);
  {
    GtkWidget *menu = NULL;

    for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (editor->canvas)); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (GTK_IS_POPOVER_MENU (child))
        menu = child;
    g_assert_nonnull (menu);
    cs_test_wait_for (popover_shown, menu, TIMEOUT_MS, "the region's menu");
    cs_test_press_key (window, GDK_KEY_Return, 0);
    cs_test_wait_for (popover_hidden, menu, TIMEOUT_MS, "the region's menu to close");
  }
  g_assert_cmpuint (n_draft_regions (f), ==, 2);
  assert_rect (&draft_region (f, 0)->rect, face_b.x, face_b.y, face_b.w, face_b.h, 0);
}

static void
test_text_region (Fixture       *f,
                  gconstpointer  data)
{
  CsPhotoEditor *editor = f->editor;

  select_row (f, 2);
  g_assert_cmpstr (adw_preferences_group_get_title (editor->details_group), ==, "Name 1");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (editor->pupil_row)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (editor->blur_row)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor->text_row)));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (editor->text_row)), ==, "“Ada Quill”");
  g_assert_cmpstr (gtk_label_get_label (editor->status_label), ==, "Names read in a photo are always blurred.");

  /* What was read is shown as it is, not taken for markup. */
  {
    g_autoptr(GPtrArray) regions = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_photo_region_free);

    g_ptr_array_add (regions, make_region (CS_REGION_TEXT, &name_card, "Tom & <Jo>"));
    cs_draft_set_photo_regions (f->draft, PHOTO_ID, PHOTO_WIDTH, PHOTO_HEIGHT, regions, TRUE);
    select_row (f, 0);
    g_assert_cmpstr (row_subtitle (editor->regions_list, 0), ==, "Blurred · “Tom & <Jo>”");
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (editor->text_row)), ==, "“Tom & <Jo>”");
    cs_test_spin (50);
  }
}

static void
test_marked_by_hand (Fixture       *f,
                     gconstpointer  data)
{
  CsPhotoEditor *editor = f->editor;
  g_autofree char *summary = label_text (editor->summary_label);

  /* Nothing was looked for: the editor asks for every face by hand, in the
   * photo's own coordinates. */
  g_assert_true (gtk_revealer_get_reveal_child (editor->banner_revealer));
  g_assert_cmpstr (gtk_label_get_label (editor->banner_label), ==,
                   "Faces could not be found automatically. Draw a box over every face, then confirm.");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor->marked_check)));
  g_assert_false (gtk_check_button_get_active (editor->marked_check));
  g_assert_cmpstr (summary, ==, "Nothing will be blurred");
  g_assert_cmpuint (count_rows (editor->regions_list), ==, 0);

  pointer_drag (f, face_a.x - 10, face_a.y - 10, face_a.x + face_a.w + 10, face_a.y + face_a.h + 10);
  pointer_drag (f, face_b.x - 10, face_b.y - 10, face_b.x + face_b.w + 10, face_b.y + face_b.h + 10);
  g_assert_cmpuint (n_draft_regions (f), ==, 2);
  g_assert_cmpint (draft_photo (f)->width, ==, PHOTO_WIDTH);
  g_assert_cmpint (draft_photo (f)->height, ==, PHOTO_HEIGHT);
  g_assert_false (draft_photo (f)->faces_checked);

  gtk_check_button_set_active (editor->marked_check, TRUE);
  g_assert_true (draft_photo (f)->marked_by_hand);
  g_free (cs_test_screenshot (GTK_WIDGET (editor), "photo-editor-manual"));

  gtk_check_button_set_active (editor->marked_check, FALSE);
  g_assert_false (draft_photo (f)->marked_by_hand);
}

static void
test_narrow (Fixture       *f,
             gconstpointer  data)
{
  CsPhotoEditor *editor = f->editor;

  /* The list folds away beside a narrow photo, and comes back on demand. */
  g_assert_true (adw_flap_get_folded (editor->flap));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (editor)), <=, 400);
  select_row (f, 0);
  g_free (cs_test_screenshot (GTK_WIDGET (editor), "photo-editor-narrow"));

  cs_test_press_key (GTK_WIDGET (editor), GDK_KEY_F9, 0);
  g_assert_true (adw_flap_get_reveal_flap (editor->flap));
  cs_test_spin (400);
  g_free (cs_test_screenshot (GTK_WIDGET (editor), "photo-editor-narrow-list"));
}

static void
test_outside_changes (Fixture       *f,
                      gconstpointer  data)
{
  CsPhotoEditor *editor = f->editor;
  g_autoptr(GPtrArray) regions = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_photo_region_free);

  /* The photo check finishing again, say: the draft wins. */
  g_ptr_array_add (regions, make_region (CS_REGION_FACE, &face_b, NULL));
  cs_draft_set_photo_regions (f->draft, PHOTO_ID, PHOTO_WIDTH, PHOTO_HEIGHT, regions, TRUE);
  g_assert_cmpuint (count_rows (editor->regions_list), ==, 1);

  /* The photo taken off the post: the editor has nothing left to edit. */
  g_object_ref (editor);
  g_assert_true (cs_draft_remove_attachment (f->draft, PHOTO_ID));
  cs_test_spin (50);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (editor)));
  g_assert_finalize_object (editor);
  f->editor = NULL;
}

static void
test_broken_photo (Fixture       *f,
                   gconstpointer  data)
{
  CsPhotoEditor *editor = f->editor;

  /* The photo cannot be shown, and the editor says why; the regions the
   * check recorded are still listed. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (editor->photo_stack), ==, "error");
  g_assert_nonnull (adw_status_page_get_description (editor->error_page));
  g_assert_nonnull (strstr (adw_status_page_get_description (editor->error_page), "photo-1.png"));
  g_assert_cmpuint (count_rows (editor->regions_list), ==, 3);
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (editor->add_button)));
  g_free (cs_test_screenshot (GTK_WIDGET (editor), "photo-editor-broken"));
}

static void
test_escape_closes (Fixture       *f,
                    gconstpointer  data)
{
  CsPhotoEditor *editor = f->editor;

  select_row (f, 0);
  g_object_ref (editor);
  cs_test_press_key (GTK_WIDGET (editor), GDK_KEY_Escape, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (editor)));
  g_assert_finalize_object (editor);
  f->editor = NULL;

  /* Nothing was lost by closing: the draft had every change already. */
  g_assert_cmpuint (n_draft_regions (f), ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  /* Screenshots show where things end up, not half-way there. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  /* The application loads the style sheet; these tests make no application. */
  gtk_css_provider_load_from_resource (css, "/io/github/countersign/Countersign/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

#define ADD(path, options, func) \
  g_test_add ("/ui/photo-editor/" path, Fixture, options, fixture_set_up, func, fixture_tear_down)

  ADD ("shows-regions", &checked, test_shows_regions);
  ADD ("select-move-resize", &checked, test_select_move_resize);
  ADD ("tab-through-regions", &checked, test_tab_through_regions);
  ADD ("draw-add-delete", &checked, test_draw_add_delete);
  ADD ("tag-consented", &checked, test_tag_consented);
  ADD ("tag-never", &checked, test_tag_never);
  ADD ("no-consent-and-untagged", &checked, test_no_consent_and_untagged);
  ADD ("keyboard-tagging", &checked, test_keyboard_tagging);
  ADD ("text-region", &checked, test_text_region);
  ADD ("marked-by-hand", &unchecked, test_marked_by_hand);
  ADD ("narrow", &narrow, test_narrow);
  ADD ("outside-changes", &checked, test_outside_changes);
  ADD ("broken-photo", &broken, test_broken_photo);
  ADD ("escape-closes", &checked, test_escape_closes);

#undef ADD

  return g_test_run ();
}
