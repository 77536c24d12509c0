/* test-preferences-window.c: the preferences window drives and follows its settings
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gio/gio.h>
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>

#include "cs-preferences-window.h"

#define SCHEMA_ID "io.github.countersign.Countersign"

typedef struct
{
  GSettings           *settings;
  CsPreferencesWindow *window;
} Fixture;

/* Lets pending settings signals, idles and redraws run, without waiting
 * for new events. The bound stops a running animation from spinning us. */
static void
flush_main_context (void)
{
  for (guint i = 0; i < 1000 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

static gboolean
set_flag_cb (gpointer data)
{
  gboolean *flag = data;

  *flag = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for a while so the window maps, lays out and paints. */
static void
run_main_loop_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SCHEMA_ID, TRUE);
  if (schema == NULL)
    g_error ("Schema %s not found; set GSETTINGS_SCHEMA_DIR to a directory "
             "where it is compiled", SCHEMA_ID);

  /* A fresh memory backend per test, so every test starts from the defaults. */
  f->settings = g_settings_new_full (schema, backend, NULL);
  f->window = g_object_ref (cs_preferences_window_new (NULL, f->settings));
  /* Tall enough that the screenshots show every row without scrolling. */
  gtk_window_set_default_size (GTK_WINDOW (f->window), 640, 900);
  gtk_window_present (GTK_WINDOW (f->window));
  run_main_loop_for (100);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  flush_main_context ();
  g_assert_finalize_object (f->window);
  /* The window must have let go of the settings too. */
  g_assert_finalize_object (f->settings);
}

static GtkWidget *
find_descendant (GtkWidget  *root,
                 GType       type,
                 const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) &&
          (title == NULL ||
           (ADW_IS_PREFERENCES_ROW (child) &&
            g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0)))
        return child;

      found = find_descendant (child, type, title);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
shows_label (GtkWidget  *root,
             const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) &&
          gtk_widget_get_mapped (child) &&
          g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), text) == 0)
        return TRUE;

      if (shows_label (child, text))
        return TRUE;
    }

  return FALSE;
}

static GtkWidget *
find_row (Fixture    *f,
          GType       type,
          const char *title)
{
  GtkWidget *row = find_descendant (GTK_WIDGET (f->window), type, title);

  g_assert_nonnull (row);
  return row;
}

static GtkSwitch *
find_platform_switch (Fixture    *f,
                      const char *title)
{
  GtkWidget *row = find_row (f, ADW_TYPE_ACTION_ROW, title);
  GtkWidget *sw = find_descendant (row, GTK_TYPE_SWITCH, NULL);

  g_assert_nonnull (sw);
  return GTK_SWITCH (sw);
}

static void
assert_platforms (Fixture           *f,
                  const char * const *expected)
{
  g_auto(GStrv) ids = g_settings_get_strv (f->settings, "default-platforms");

  g_assert_cmpstrv (ids, expected);
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer;
  const char *dir;

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  dir = g_test_get_dir (G_TEST_BUILT);
  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    dir = g_get_tmp_dir ();
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

static void
test_platform_switch_updates_settings (Fixture       *f,
                                       gconstpointer  data)
{
  GtkSwitch *x = find_platform_switch (f, "X");
  GtkSwitch *facebook = find_platform_switch (f, "Facebook");
  GtkSwitch *mastodon = find_platform_switch (f, "Mastodon");
  GtkSwitch *bluesky = find_platform_switch (f, "Bluesky");

  /* The defaults are shown. */
  g_assert_true (gtk_switch_get_active (x));
  g_assert_true (gtk_switch_get_active (facebook));
  g_assert_false (gtk_switch_get_active (mastodon));
  g_assert_false (gtk_switch_get_active (bluesky));

  gtk_switch_set_active (mastodon, TRUE);
  flush_main_context ();
  assert_platforms (f, (const char * const[]) { "x", "facebook", "mastodon", NULL });

  gtk_switch_set_active (facebook, FALSE);
  flush_main_context ();
  assert_platforms (f, (const char * const[]) { "x", "mastodon", NULL });

  /* A change made elsewhere moves the switches. */
  g_settings_set_strv (f->settings, "default-platforms",
                       (const char * const[]) { "bluesky", NULL });
  flush_main_context ();
  g_assert_false (gtk_switch_get_active (x));
  g_assert_false (gtk_switch_get_active (facebook));
  g_assert_false (gtk_switch_get_active (mastodon));
  g_assert_true (gtk_switch_get_active (bluesky));
  assert_platforms (f, (const char * const[]) { "bluesky", NULL });
}

static void
test_last_platform_stays_on (Fixture       *f,
                             gconstpointer  data)
{
  GtkSwitch *x = find_platform_switch (f, "X");
  GtkSwitch *facebook = find_platform_switch (f, "Facebook");

  gtk_switch_set_active (facebook, FALSE);
  flush_main_context ();
  assert_platforms (f, (const char * const[]) { "x", NULL });

  g_assert_false (shows_label (GTK_WIDGET (f->window), "Posts need at least one platform"));
  gtk_switch_set_active (x, FALSE);
  run_main_loop_for (100);
  g_assert_true (gtk_switch_get_active (x));
  assert_platforms (f, (const char * const[]) { "x", NULL });
  g_assert_true (shows_label (GTK_WIDGET (f->window), "Posts need at least one platform"));
}

static void
apply_queue_address (Fixture    *f,
                     const char *text)
{
  GtkWidget *row = find_row (f, ADW_TYPE_ENTRY_ROW, "Queue server address");

  gtk_editable_set_text (GTK_EDITABLE (row), text);
  /* What the apply button and Enter do. */
  g_signal_emit_by_name (row, "apply");
  flush_main_context ();
}

static void
assert_queue_server (Fixture    *f,
                     const char *expected)
{
  g_autofree char *value = g_settings_get_string (f->settings, "queue-server");

  g_assert_cmpstr (value, ==, expected);
}

static void
test_queue_accepts_https (Fixture       *f,
                          gconstpointer  data)
{
  GtkWidget *row = find_row (f, ADW_TYPE_ENTRY_ROW, "Queue server address");

  apply_queue_address (f, "https://queue.myschool.sch.uk");
  assert_queue_server (f, "https://queue.myschool.sch.uk");
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  /* Spaces pasted around the address are not saved. */
  apply_queue_address (f, "  https://queue.myschool.sch.uk:8443/  ");
  assert_queue_server (f, "https://queue.myschool.sch.uk:8443/");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "https://queue.myschool.sch.uk:8443/");

  /* A change made elsewhere shows in the row. */
  g_settings_set_string (f->settings, "queue-server", "https://other.sch.uk");
  flush_main_context ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "https://other.sch.uk");
}

static void
test_queue_accepts_this_computer (Fixture       *f,
                                  gconstpointer  data)
{
  apply_queue_address (f, "http://localhost:8080");
  assert_queue_server (f, "http://localhost:8080");

  apply_queue_address (f, "http://127.0.0.1:8080/");
  assert_queue_server (f, "http://127.0.0.1:8080/");

  apply_queue_address (f, "http://[::1]:8080");
  assert_queue_server (f, "http://[::1]:8080");

  /* Empty means the queue on this computer. */
  apply_queue_address (f, "");
  assert_queue_server (f, "");
}

static void
test_queue_refuses_bad_addresses (Fixture       *f,
                                  gconstpointer  data)
{
  static const char * const bad[] = {
    "ftp://x",
    "http://example.org",
    "http://queue.myschool.sch.uk",
    "queue.myschool.sch.uk",
    "https://",
    "https://user:secret@queue.myschool.sch.uk",
    "not an address",
  };
  GtkWidget *row = find_row (f, ADW_TYPE_ENTRY_ROW, "Queue server address");

  apply_queue_address (f, "https://queue.myschool.sch.uk");

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("Trying “%s”", bad[i]);
      apply_queue_address (f, bad[i]);
      assert_queue_server (f, "https://queue.myschool.sch.uk");
      g_assert_true (gtk_widget_has_css_class (row, "error"));
      /* What was typed stays, so it can be corrected. */
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, bad[i]);
    }

  /* Typing again clears the complaint. */
  gtk_editable_set_text (GTK_EDITABLE (row), "https://");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
}

static void
test_roster_subtitle_follows_settings (Fixture       *f,
                                       gconstpointer  data)
{
  AdwActionRow *row = ADW_ACTION_ROW (find_row (f, ADW_TYPE_ACTION_ROW, "Roster file"));
  AdwActionRow *policy = ADW_ACTION_ROW (find_row (f, ADW_TYPE_ACTION_ROW, "Policy file"));

  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Demo roster (Larkfield Primary)");

  /* An ampersand would break the row if the name were read as markup. */
  g_settings_set_string (f->settings, "roster-file", "/srv/mis/Year 6 & staff.csv");
  flush_main_context ();
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Year 6 & staff.csv");

  g_settings_set_string (f->settings, "policy-file", "/srv/mis/policy.json");
  flush_main_context ();
  g_assert_cmpstr (adw_action_row_get_subtitle (policy), ==, "policy.json");

  /* The reset button puts the demo roster back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window),
                                             "preferences.reset-file", "s", "roster-file"));
  flush_main_context ();
  {
    g_autofree char *value = g_settings_get_string (f->settings, "roster-file");

    g_assert_cmpstr (value, ==, "");
  }
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Demo roster (Larkfield Primary)");
  g_assert_cmpstr (adw_action_row_get_subtitle (policy), ==, "policy.json");
}

static GtkFileChooser *
find_file_chooser (Fixture *f)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER (window) &&
          gtk_window_get_transient_for (window) == GTK_WINDOW (f->window))
        return GTK_FILE_CHOOSER (window);
    }

  return NULL;
}

static void
test_choose_roster_file (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "test-roster.csv", NULL);
  g_autoptr(GFile) file = NULL;
  g_autofree char *value = NULL;
  GtkFileChooser *chooser;

  g_assert_true (g_file_set_contents (path, "first_name,last_name\n", -1, NULL));
  file = g_file_new_for_path (path);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window),
                                             "preferences.choose-file", "s", "roster-file"));
  run_main_loop_for (100);

  /* Outside a sandbox GtkFileChooserNative falls back to a GTK dialog,
   * which the test can answer; a portal's dialog it cannot. */
  chooser = find_file_chooser (f);
  if (chooser == NULL)
    {
      g_test_skip ("The file chooser is not a GTK dialog here");
      g_unlink (path);
      return;
    }

  g_assert_true (gtk_file_chooser_set_file (chooser, file, NULL));

  /* The dialog refuses to answer until it has loaded the folder and the
   * file counts as selected, so keep asking, for up to five seconds. */
  for (guint tries = 0; tries < 100; tries++)
    {
      run_main_loop_for (50);
      gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
      flush_main_context ();

      g_free (value);
      value = g_settings_get_string (f->settings, "roster-file");
      if (value[0] != '\0' || find_file_chooser (f) == NULL)
        break;
    }
  g_assert_cmpstr (value, ==, path);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (find_row (f, ADW_TYPE_ACTION_ROW, "Roster file"))),
                   ==, "test-roster.csv");
  g_assert_null (find_file_chooser (f));
  g_unlink (path);
}

static void
test_chooser_closes_with_window (Fixture       *f,
                                 gconstpointer  data)
{
  /* A chooser still open when the window goes must not keep it alive;
   * the fixture's tear-down checks that the window is finalized. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window),
                                             "preferences.choose-file", "s", "policy-file"));
  run_main_loop_for (100);
}

static void
test_screenshot (Fixture       *f,
                 gconstpointer  data)
{
  save_screenshot (GTK_WIDGET (f->window), "preferences-window.png");

  /* The second state: a school's own roster, and an address refused. */
  g_settings_set_string (f->settings, "roster-file", "/home/office/Documents/SIMS export 2026-09.csv");
  gtk_switch_set_active (find_platform_switch (f, "Mastodon"), TRUE);
  apply_queue_address (f, "http://queue.myschool.sch.uk");
  run_main_loop_for (300);
  save_screenshot (GTK_WIDGET (f->window), "preferences-window-error.png");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  adw_init ();

  /* Screenshots and assertions should not catch a switch mid-slide. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/ui/preferences/platform-switch-updates-settings", test_platform_switch_updates_settings);
  ADD ("/ui/preferences/last-platform-stays-on", test_last_platform_stays_on);
  ADD ("/ui/preferences/queue-accepts-https", test_queue_accepts_https);
  ADD ("/ui/preferences/queue-accepts-this-computer", test_queue_accepts_this_computer);
  ADD ("/ui/preferences/queue-refuses-bad-addresses", test_queue_refuses_bad_addresses);
  ADD ("/ui/preferences/roster-subtitle-follows-settings", test_roster_subtitle_follows_settings);
  ADD ("/ui/preferences/choose-roster-file", test_choose_roster_file);
  ADD ("/ui/preferences/chooser-closes-with-window", test_chooser_closes_with_window);
  ADD ("/ui/preferences/screenshot", test_screenshot);

#undef ADD

  return g_test_run ();
}
