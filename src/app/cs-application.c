/* cs-application.c: the Countersign application
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cs-application.h"
#include "cs-composer-window.h"
#include "cs-preferences-window.h"

struct _CsApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  CsSession      *session;
  CsDraftStore   *store;
  /* Loads its models on first use, so it is made when a photo needs it. */
  CsPhotoAnalyser *analyser;
};

G_DEFINE_FINAL_TYPE (CsApplication, cs_application, ADW_TYPE_APPLICATION)

GFile *
cs_application_dup_demo_file (const char *name)
{
  g_autofree char *installed = g_build_filename (CS_DEMO_DIR, name, NULL);
  g_autofree char *source = g_build_filename (CS_SOURCE_DEMO_DIR, name, NULL);

  /* An uninstalled build (the README's demo) uses the source tree's copy. */
  if (g_file_test (installed, G_FILE_TEST_IS_REGULAR))
    return g_file_new_for_path (installed);

  return g_file_new_for_path (source);
}

/* An empty setting means the demo file. */
static GFile *
file_setting (CsApplication *self,
              const char    *key,
              const char    *demo)
{
  g_autofree char *path = g_settings_get_string (self->settings, key);

  if (path[0] == '\0')
    return cs_application_dup_demo_file (demo);

  return g_file_new_for_commandline_arg (path);
}

static void
roster_setting_changed_cb (CsApplication *self)
{
  g_autoptr(GFile) roster = file_setting (self, "roster-file", "roster.csv");

  cs_session_set_roster_file (self->session, roster);
}

static void
policy_setting_changed_cb (CsApplication *self)
{
  g_autoptr(GFile) policy = file_setting (self, "policy-file", "policy.json");

  cs_session_set_policy_file (self->session, policy);
}

static void
session_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CsApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cs_session_load_finish (CS_SESSION (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Could not load the checker: %s", error->message);
}

static void
cs_application_startup (GApplication *application)
{
  CsApplication *self = CS_APPLICATION (application);
  g_autoptr(GFile) roster = NULL;
  g_autoptr(GFile) policy = NULL;
  g_autoptr(GFile) words = NULL;
  g_autofree char *words_path = NULL;

  G_APPLICATION_CLASS (cs_application_parent_class)->startup (application);

  self->settings = g_settings_new (APP_ID);
  self->store = cs_draft_store_new (NULL);
  self->session = cs_session_new ();

  words_path = g_build_filename (g_get_user_config_dir (), "countersign", "words.txt", NULL);
  words = g_file_new_for_path (words_path);
  cs_session_set_words_file (self->session, words);

  /* GSettings reports a change only for keys read after a handler is
   * connected: connect first, then read. */
  g_signal_connect_swapped (self->settings, "changed::roster-file", G_CALLBACK (roster_setting_changed_cb), self);
  g_signal_connect_swapped (self->settings, "changed::policy-file", G_CALLBACK (policy_setting_changed_cb), self);

  roster = file_setting (self, "roster-file", "roster.csv");
  policy = file_setting (self, "policy-file", "policy.json");
  cs_session_load_async (self->session, roster, policy, NULL, session_loaded_cb, g_object_ref (self));
}

static void
cs_application_activate (GApplication *application)
{
  CsApplication *self = CS_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (cs_composer_window_new (self));

  gtk_window_present (window);
}

static void
cs_application_dispose (GObject *object)
{
  CsApplication *self = CS_APPLICATION (object);

  g_clear_object (&self->session);
  g_clear_object (&self->store);
  g_clear_object (&self->analyser);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (cs_application_parent_class)->dispose (object);
}

static void
cs_application_class_init (CsApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = cs_application_dispose;
  app_class->startup = cs_application_startup;
  app_class->activate = cs_application_activate;
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  CsApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  CsPreferencesWindow *window = cs_preferences_window_new (parent, self->settings);

  gtk_window_present (GTK_WINDOW (window));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  CsApplication *self = user_data;
  const char *developers[] = { "The Countersign authors", NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", _("Countersign"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Write school social-media posts that keep to the school's policy"),
                         "developers", developers,
                         "copyright", "© 2026 The Countersign authors",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  CsApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing each window saves its draft first. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static const GActionEntry app_actions[] = {
  { "preferences", preferences_action },
  { "about", about_action },
  { "quit", quit_action },
};

static void
cs_application_init (CsApplication *self)
{
  const char *quit_accels[] = { "<Control>q", NULL };
  const char *preferences_accels[] = { "<Control>comma", NULL };

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
}

CsApplication *
cs_application_new (void)
{
  return g_object_new (CS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/countersign/Countersign",
                       NULL);
}

CsSession *
cs_application_get_session (CsApplication *self)
{
  g_return_val_if_fail (CS_IS_APPLICATION (self), NULL);
  return self->session;
}

CsDraftStore *
cs_application_get_store (CsApplication *self)
{
  g_return_val_if_fail (CS_IS_APPLICATION (self), NULL);
  return self->store;
}

GSettings *
cs_application_get_settings (CsApplication *self)
{
  g_return_val_if_fail (CS_IS_APPLICATION (self), NULL);
  return self->settings;
}

CsPhotoAnalyser *
cs_application_get_photo_analyser (CsApplication *self)
{
  g_return_val_if_fail (CS_IS_APPLICATION (self), NULL);

  if (self->analyser == NULL)
    self->analyser = cs_photo_analyser_new (CS_FACE_MODEL);

  return self->analyser;
}
