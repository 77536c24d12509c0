/* cs-test-ui.c: waiting for the main loop, screenshots and finding widgets, for UI tests
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-test-ui.h"

#include <string.h>

#include <adwaita.h>
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <gdk/x11/gdkx.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

void
cs_test_wait_for (CsTestCondition  condition,
                  gpointer         data,
                  guint            timeout_ms,
                  const char      *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %u ms waiting for %s", timeout_ms, what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
time_passed (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

void
cs_test_spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  cs_test_wait_for (time_passed, &until, ms + 1000, "time to pass");
}

static void
set_true (gboolean *flag)
{
  *flag = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

char *
cs_test_screenshot (GtkWidget  *window,
                    const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  GskRenderer *renderer;
  int width, height;

  /* Let layout and drawing catch up with the last change: wait for a frame
   * painted after this call. On a busy machine the window can have nothing
   * to show at that moment (a frame in between), so it tries a few frames. */
  cs_test_wait_for ((CsTestCondition) gtk_widget_get_mapped, window, 5000, "the window to be shown");
  for (int attempt = 0; node == NULL && attempt < 20; attempt++)
    {
      gboolean painted = FALSE;
      GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
      gulong handler = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (set_true), &painted);

      gtk_widget_queue_draw (window);
      cs_test_wait_for (is_true, &painted, 5000, "a frame to be painted");
      g_signal_handler_disconnect (clock, handler);
      cs_test_spin (50);

      width = gtk_widget_get_width (window);
      height = gtk_widget_get_height (window);
      g_assert_cmpint (width, >, 0);

      g_clear_object (&paintable);
      paintable = gtk_widget_paintable_new (window);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));

  dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".", "screenshots", NULL);
  g_mkdir_with_parents (dir, 0755);
  file = g_strdup_printf ("%s/%s.png", dir, name);
  g_assert_true (gdk_texture_save_to_png (texture, file));
  g_test_message ("screenshot: %s", file);

  return g_steal_pointer (&file);
}

static void
fake_key (Display *xdisplay,
          KeySym   keysym,
          gboolean press)
{
  KeyCode code = XKeysymToKeycode (xdisplay, keysym);

  g_assert_cmpuint (code, !=, 0);
  XTestFakeKeyEvent (xdisplay, code, press, CurrentTime);
}

void
cs_test_press_key (GtkWidget       *window,
                   guint            keyval,
                   GdkModifierType  modifiers)
{
  static const struct { GdkModifierType mask; KeySym keysym; } mods[] = {
    { GDK_CONTROL_MASK, XK_Control_L },
    { GDK_SHIFT_MASK, XK_Shift_L },
    { GDK_ALT_MASK, XK_Alt_L },
  };
  GdkDisplay *display = gtk_widget_get_display (window);
  Display *xdisplay;
  GdkSurface *surface;

  g_assert_true (GDK_IS_X11_DISPLAY (display));
  xdisplay = gdk_x11_display_get_xdisplay (display);
  cs_test_wait_for ((CsTestCondition) gtk_widget_get_mapped, window, 5000, "the window to be shown");
  surface = gtk_native_get_surface (GTK_NATIVE (window));

  /* Without a window manager nobody hands out focus; take it. */
  XSetInputFocus (xdisplay, gdk_x11_surface_get_xid (surface), RevertToParent, CurrentTime);
  XSync (xdisplay, False);
  cs_test_spin (50);

  for (guint i = 0; i < G_N_ELEMENTS (mods); i++)
    if (modifiers & mods[i].mask)
      fake_key (xdisplay, mods[i].keysym, TRUE);
  fake_key (xdisplay, gdk_keyval_to_lower (keyval) == keyval ? keyval : gdk_keyval_to_lower (keyval), TRUE);
  fake_key (xdisplay, gdk_keyval_to_lower (keyval) == keyval ? keyval : gdk_keyval_to_lower (keyval), FALSE);
  for (guint i = G_N_ELEMENTS (mods); i > 0; i--)
    if (modifiers & mods[i - 1].mask)
      fake_key (xdisplay, mods[i - 1].keysym, FALSE);
  XSync (xdisplay, False);

  cs_test_spin (100);
}

void
cs_test_close_window (gpointer window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  /* Requests cancelled in dispose let go of the window on their way out. */
  cs_test_spin (200);
  g_assert_finalize_object (window);
}

GSettings *
cs_test_settings_new (void)
{
  static const char schema_id[] = "io.github.countersign.Countersign";
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, schema_id, TRUE);
  if (schema == NULL)
    g_error ("Schema %s not found; set GSETTINGS_SCHEMA_DIR to a directory where it is compiled", schema_id);
  return g_settings_new_full (schema, backend, NULL);
}

GtkWidget *
cs_test_find_widget (GtkWidget     *root,
                     CsTestMatch    match,
                     gconstpointer  data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (match (child, data))
        return child;
      if ((found = cs_test_find_widget (child, match, data)) != NULL)
        return found;
    }
  return NULL;
}

gboolean
cs_test_is_group_titled (GtkWidget     *widget,
                         gconstpointer  title)
{
  return ADW_IS_PREFERENCES_GROUP (widget) &&
         g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)), title) == 0;
}

gboolean
cs_test_is_row_titled (GtkWidget     *widget,
                       gconstpointer  title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

gboolean
cs_test_is_button_labelled (GtkWidget     *widget,
                            gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

GtkLabel *
cs_test_find_label (GtkWidget  *widget,
                    const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return GTK_LABEL (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = cs_test_find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
cs_test_has_label (GtkWidget  *widget,
                   const char *text)
{
  return cs_test_find_label (widget, text) != NULL;
}

gboolean
cs_test_label_shown (gpointer data)
{
  CsTestLabelWait *wait = data;

  return cs_test_has_label (wait->widget, wait->text);
}

gboolean
cs_test_label_gone (gpointer data)
{
  return !cs_test_label_shown (data);
}

void
cs_test_wait_for_label (GtkWidget  *widget,
                        const char *text,
                        guint       timeout_ms)
{
  CsTestLabelWait wait = { widget, text };
  g_autofree char *what = g_strdup_printf ("“%s” to be shown", text);

  cs_test_wait_for (cs_test_label_shown, &wait, timeout_ms, what);
}
