/* test-welsh.c: the composer and Preferences in Welsh, under Xvfb
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>

#include "cs-composer-window-private.h"
#include "cs-preferences-window.h"
#include "cs-test-ui.h"

#define CHECK_TIMEOUT_MS 10000

static CsApplication *app;

static gboolean
session_ready (gpointer data)
{
  return cs_session_is_ready (cs_application_get_session (app));
}

static gboolean
check_done (gpointer data)
{
  return !cs_composer_window_is_checking (data);
}

static gboolean
demo_roster_loaded (gpointer data)
{
  return cs_roster_lookup (cs_session_get_roster (cs_application_get_session (app)), "LK-P003") != NULL;
}

static CsFinding *
shown_finding (CsComposerWindow *window,
               const char       *rule)
{
  for (guint i = 0; i < window->findings->len; i++)
    {
      CsFinding *finding = g_ptr_array_index (window->findings, i);

      if (g_str_equal (finding->rule, rule))
        return finding;
    }

  return NULL;
}

/* The catalogue is the build tree's, so a missing or stale cy.gmo shows up
 * here as English. */
static void
test_catalogue_loaded (void)
{
  g_assert_cmpstr (_("Preferences"), ==, "Dewisiadau");
  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "a pupil on the roster"), ==, "disgybl ar y gofrestr");
}

/* The demo's first run in Welsh: the window's own labels, the summary and
 * the findings, which come from the built-in policy, are all in Welsh. */
static void
test_composer_in_welsh (void)
{
  CsComposerWindow *window;
  CsFinding *finding;

  cs_test_wait_for (session_ready, NULL, CHECK_TIMEOUT_MS, "the dictionary");
  cs_test_wait_for (demo_roster_loaded, NULL, CHECK_TIMEOUT_MS, "the demo roster");

  window = cs_composer_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 640);
  gtk_window_present (GTK_WINDOW (window));
  cs_test_wait_for (check_done, window, CHECK_TIMEOUT_MS, "the first check");

  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (window->submit_button)), ==, "_Cyflwyno");
  g_assert_nonnull (strstr (gtk_label_get_label (window->summary_label), "Rhaid cywiro"));

  finding = shown_finding (window, CS_RULE_PUPIL_NAME);
  g_assert_nonnull (finding);
  g_assert_true (g_str_has_prefix (finding->message, "Mae “"));
  g_assert_nonnull (strstr (finding->message, "yn enwi disgybl ar y gofrestr"));

  finding = shown_finding (window, CS_RULE_PERSONAL_DATA);
  g_assert_nonnull (finding);
  g_assert_nonnull (strstr (finding->message, "rhif ffôn"));

  g_free (cs_test_screenshot (GTK_WIDGET (window), "welsh-composer"));

  /* Narrow, where long Welsh words are likeliest to be clipped. */
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 640);
  cs_test_spin (500);
  g_free (cs_test_screenshot (GTK_WIDGET (window), "welsh-composer-narrow"));

  gtk_window_destroy (GTK_WINDOW (window));
  cs_test_spin (50);
}

static void
test_preferences_in_welsh (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  CsPreferencesWindow *window = cs_preferences_window_new (NULL, settings);

  gtk_window_set_default_size (GTK_WINDOW (window), 640, 720);
  gtk_window_present (GTK_WINDOW (window));
  cs_test_spin (500);

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Dewisiadau");
  g_free (cs_test_screenshot (GTK_WIDGET (window), "welsh-preferences"));

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (GTK_WINDOW (window));
  cs_test_spin (50);
  g_assert_null (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *home = NULL;
  g_autoptr(GSettings) settings = NULL;
  int ret;

  home = g_dir_make_tmp ("countersign-welsh-XXXXXX", &error);
  g_assert_no_error (error);
  {
    g_autofree char *data = g_build_filename (home, "data", NULL);
    g_autofree char *config = g_build_filename (home, "config", NULL);

    g_setenv ("COUNTERSIGN_TEST_HOME", home, TRUE);
    g_setenv ("XDG_DATA_HOME", data, TRUE);
    g_setenv ("XDG_CONFIG_HOME", config, TRUE);
    g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  }

  /* LANGUAGE picks the catalogue; glibc ignores it only under the plain C
   * locale, so C.UTF-8 (always present) is enough and cy_GB.UTF-8 need not
   * be generated. */
  g_setenv ("LANGUAGE", "cy", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, CS_TEST_LOCALE_DIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  /* Empty files mean the demo roster and the built-in policy. */
  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "roster-file", "");
  g_settings_set_string (settings, "policy-file", "");

  app = cs_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));

  g_test_add_func ("/ui/welsh/catalogue-loaded", test_catalogue_loaded);
  g_test_add_func ("/ui/welsh/composer", test_composer_in_welsh);
  g_test_add_func ("/ui/welsh/preferences", test_preferences_in_welsh);

  ret = g_test_run ();

  g_object_unref (app);
  return ret;
}
