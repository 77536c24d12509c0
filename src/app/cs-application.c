/* cs-application.c: the Countersign application
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cs-application.h"

#include "cs-token-store-memory.h"
#include "cs-composer-window.h"
#include "cs-my-posts-window.h"
#include "cs-policy-window.h"
#include "cs-preferences-window.h"
#include "cs-review-window.h"
#include "cs-secret-token-store.h"

struct _CsApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  CsSession      *session;
  CsDraftStore   *store;
  /* Loads its models on first use, so it is made when a photo needs it. */
  CsPhotoAnalyser *analyser;
  /* Opened on the first submission; NULL again when the setting changes. */
  CsQueueConnection *queue;
  gboolean           queue_ready;
  GPtrArray         *queue_waiters;  /* GTask, while it opens */
  gboolean           watching_server;
  CsTokenStore      *tokens;
  GPtrArray         *token_waiters;  /* GTask, while the keyring is found */
  /* Why sign-ins to a school server are kept in memory only, if they are. */
  char              *keyring_problem;
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

static void show_queue_problem (CsApplication *self,
                                const GError  *error);

static void
first_queue_opened_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  CsApplication *self = CS_APPLICATION (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsQueueConnection) queue = cs_application_open_queue_finish (self, result, &error);

  /* Said now rather than when the first post fails to go. */
  if (g_error_matches (error, CS_QUEUE_CONNECTION_ERROR, CS_QUEUE_CONNECTION_ERROR_NO_TOKEN))
    show_queue_problem (self, error);
}

static void
cs_application_activate (GApplication *application)
{
  CsApplication *self = CS_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      g_autofree char *server = g_settings_get_string (self->settings, "queue-server");

      window = GTK_WINDOW (cs_composer_window_new (self));
      /* A school server needs a sign-in before anything can be sent. */
      if (server[0] != '\0')
        cs_application_open_queue_async (self, NULL, first_queue_opened_cb, NULL);
    }

  gtk_window_present (window);
}

static void
cs_application_dispose (GObject *object)
{
  CsApplication *self = CS_APPLICATION (object);

  g_clear_object (&self->session);
  g_clear_object (&self->store);
  g_clear_object (&self->analyser);
  g_clear_object (&self->queue);
  g_clear_object (&self->tokens);
  g_clear_pointer (&self->keyring_problem, g_free);
  g_clear_pointer (&self->queue_waiters, g_ptr_array_unref);
  g_clear_pointer (&self->token_waiters, g_ptr_array_unref);
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

static void ensure_token_store_async (CsApplication       *self,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
static void queue_setting_changed_cb (CsApplication *self);

static void
preferences_tokens_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  CsApplication *self = CS_APPLICATION (source);
  GWeakRef *ref = user_data;
  g_autoptr(CsPreferencesWindow) window = g_weak_ref_get (ref);

  g_task_propagate_boolean (G_TASK (result), NULL);
  g_weak_ref_clear (ref);
  g_free (ref);
  if (window == NULL)
    return;
  cs_preferences_window_set_keyring_problem (window, self->keyring_problem);
  cs_preferences_window_set_token_store (window, self->tokens);
}

static void
preferences_queue_opened_cb (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  CsApplication *self = CS_APPLICATION (source);
  GWeakRef *ref = user_data;
  g_autoptr(CsPreferencesWindow) window = g_weak_ref_get (ref);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsQueueConnection) queue = cs_application_open_queue_finish (self, result, &error);

  g_weak_ref_clear (ref);
  g_free (ref);
  if (window == NULL)
    return;
  cs_preferences_window_set_keyring_problem (window, self->keyring_problem);
  if (queue == NULL)
    {
      /* The Accounts page is left out: there is no queue to ask. */
      g_message ("The school’s accounts are not shown: %s", error->message);
      return;
    }
  cs_preferences_window_set_queue_client (window, cs_queue_connection_get_admin_client (queue));
}

static CsPreferencesWindow *
show_preferences (CsApplication *self)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  CsPreferencesWindow *window;
  GListModel *toplevels;
  GWeakRef *ref;

  /* One is enough; a second would only disagree with the first. It is
   * not one of the application's windows, so look among all of them. */
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (CS_IS_PREFERENCES_WINDOW (toplevel))
        {
          gtk_window_present (toplevel);
          return CS_PREFERENCES_WINDOW (toplevel);
        }
    }

  /* Asked from a dialog that closes as it answers: the window it was over
   * is the parent, or Preferences would close with the dialog. */
  if (ADW_IS_MESSAGE_DIALOG (parent))
    parent = gtk_window_get_transient_for (parent);

  window = cs_preferences_window_new (parent, self->settings);
  cs_preferences_window_set_keyring_problem (window, self->keyring_problem);
  /* Signing in or out changes the token the queue is opened with. */
  g_signal_connect_object (window, "sign-in-changed", G_CALLBACK (queue_setting_changed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (window));

  /* The Sign In group needs the keyring, even before a server is set. */
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, window);
  ensure_token_store_async (self, preferences_tokens_cb, ref);

  /* The Accounts page needs the queue, and who is signed in to it. */
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, window);
  cs_application_open_queue_async (self, NULL, preferences_queue_opened_cb, ref);
  return window;
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  show_preferences (CS_APPLICATION (user_data));
}

static void
sign_in_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  cs_preferences_window_show_sign_in (show_preferences (CS_APPLICATION (user_data)));
}

/* Says why the queue could not be opened; when the reason is that nobody
 * is signed in to the school's server, offers to sign in there and then. */
static void
sign_in_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     CsApplication    *self)
{
  if (g_strcmp0 (response, "sign-in") == 0)
    g_action_group_activate_action (G_ACTION_GROUP (self), "sign-in", NULL);
}

static void
show_queue_problem (CsApplication *self,
                    const GError  *error)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  AdwMessageDialog *dialog;

  if (!g_error_matches (error, CS_QUEUE_CONNECTION_ERROR, CS_QUEUE_CONNECTION_ERROR_NO_TOKEN))
    {
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("The Approval Queue Cannot Be Reached"),
                                                           error->message));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("Sign In to the Approval Queue"),
                                                       error->message));
  adw_message_dialog_add_responses (dialog, "close", _("_Not Now"), "sign-in", _("_Sign In…"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "sign-in", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "sign-in");
  adw_message_dialog_set_close_response (dialog, "close");
  g_signal_connect_object (dialog, "response", G_CALLBACK (sign_in_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Release notes for the About window, read from the metainfo the software
 * centre shows, so the two never disagree. */
typedef struct
{
  const char *version;   /* the release wanted */
  gboolean    in_release;
  gboolean    in_description;
  gboolean    in_ul;
  GString    *text;      /* the paragraph or list item being read, or NULL */
  GString    *notes;     /* AdwAboutWindow's markup */
} ReleaseNotes;

static void
release_notes_start_cb (GMarkupParseContext  *context,
                        const char           *element,
                        const char          **names,
                        const char          **values,
                        gpointer              user_data,
                        GError              **error)
{
  ReleaseNotes *r = user_data;

  if (g_str_equal (element, "release"))
    {
      for (guint i = 0; names[i] != NULL; i++)
        if (g_str_equal (names[i], "version") && g_str_equal (values[i], r->version))
          r->in_release = TRUE;
    }
  else if (r->in_release && g_str_equal (element, "description"))
    r->in_description = TRUE;
  else if (r->in_description && (g_str_equal (element, "ul") || g_str_equal (element, "ol")))
    {
      r->in_ul = TRUE;
      g_string_append (r->notes, "<ul>");
    }
  else if (r->in_description && (g_str_equal (element, "p") || g_str_equal (element, "li")))
    r->text = g_string_new (NULL);
}

static void
release_notes_end_cb (GMarkupParseContext  *context,
                      const char           *element,
                      gpointer              user_data,
                      GError              **error)
{
  ReleaseNotes *r = user_data;

  if (r->text != NULL && (g_str_equal (element, "p") || g_str_equal (element, "li")))
    {
      g_autofree char *msgid = NULL;
      g_autofree char *escaped = NULL;
      g_auto(GStrv) words = g_strsplit_set (r->text->str, " \t\n", -1);
      g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
      g_auto(GStrv) joined = NULL;

      /* The catalogue has each paragraph as the metainfo's translation
       * tools took it: with its white space collapsed. */
      for (guint i = 0; words[i] != NULL; i++)
        if (words[i][0] != '\0')
          g_strv_builder_add (kept, words[i]);
      joined = g_strv_builder_end (kept);
      msgid = g_strjoinv (" ", joined);
      escaped = g_markup_escape_text (msgid[0] != '\0' ? _(msgid) : "", -1);
      g_string_append_printf (r->notes, "<%s>%s</%s>", element, escaped, element);
      g_string_free (g_steal_pointer (&r->text), TRUE);
    }
  else if (r->in_ul && (g_str_equal (element, "ul") || g_str_equal (element, "ol")))
    {
      r->in_ul = FALSE;
      g_string_append (r->notes, "</ul>");
    }
  else if (r->in_description && g_str_equal (element, "description"))
    r->in_description = FALSE;
  else if (r->in_release && g_str_equal (element, "release"))
    r->in_release = FALSE;
}

static void
release_notes_text_cb (GMarkupParseContext  *context,
                       const char           *text,
                       gsize                 len,
                       gpointer              user_data,
                       GError              **error)
{
  ReleaseNotes *r = user_data;

  if (r->text != NULL)
    g_string_append_len (r->text, text, len);
}

/* The notes of release @version as AdwAboutWindow's markup, translated,
 * or NULL when the metainfo has none. */
static char *
dup_release_notes (const char *version)
{
  static const GMarkupParser parser = {
    release_notes_start_cb, release_notes_end_cb, release_notes_text_cb, NULL, NULL,
  };
  ReleaseNotes r = { version, FALSE, FALSE, FALSE, NULL, g_string_new (NULL) };
  g_autoptr(GBytes) metainfo = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data;

  metainfo = g_resources_lookup_data ("/io/github/countersign/Countersign/metainfo.xml",
                                      G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (metainfo == NULL)
    {
      g_string_free (r.notes, TRUE);
      return NULL;
    }

  data = g_bytes_get_data (metainfo, &len);
  context = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &r, NULL);
  if (!g_markup_parse_context_parse (context, data, len, &error) ||
      !g_markup_parse_context_end_parse (context, &error))
    g_message ("Could not read the release notes: %s", error->message);
  if (r.text != NULL)
    g_string_free (r.text, TRUE);

  if (r.notes->len == 0)
    {
      g_string_free (r.notes, TRUE);
      return NULL;
    }

  return g_string_free (r.notes, FALSE);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  CsApplication *self = user_data;
  const char *developers[] = { "The Countersign authors", NULL };
  g_autofree char *release_notes = dup_release_notes (PACKAGE_VERSION);
  AdwAboutWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", _("Countersign"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "comments", _("Write school social-media posts that keep to the school's policy"),
                        "developer-name", "The Countersign authors",
                        "developers", developers,
                        "website", "https://github.com/countersign/countersign",
                        "issue-url", "https://github.com/countersign/countersign/issues",
                        "copyright", "© 2026 The Countersign authors",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: your names and email addresses, one a line. */
                        "translator-credits", _("translator-credits"),
                        NULL);
  if (release_notes != NULL)
    {
      adw_about_window_set_release_notes_version (about, PACKAGE_VERSION);
      adw_about_window_set_release_notes (about, release_notes);
    }
  gtk_window_present (GTK_WINDOW (about));
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

static void
review_queue_opened_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  CsApplication *self = CS_APPLICATION (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsQueueConnection) queue = cs_application_open_queue_finish (self, result, &error);
  CsReviewWindow *window;

  if (queue == NULL)
    {
      show_queue_problem (self, error);
      return;
    }

  window = cs_review_window_new (GTK_APPLICATION (self), cs_queue_connection_get_client (queue, TRUE));
  gtk_window_present (GTK_WINDOW (window));
}

static void
review_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  /* From the "posts waiting" notification too: the window already open,
   * where the head left it, rather than a second one. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (user_data)); l != NULL; l = l->next)
    if (CS_IS_REVIEW_WINDOW (l->data))
      {
        gtk_window_present (l->data);
        return;
      }
  cs_application_open_queue_async (CS_APPLICATION (user_data), NULL, review_queue_opened_cb, NULL);
}

static void
my_posts_queue_opened_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  CsApplication *self = CS_APPLICATION (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsQueueConnection) queue = cs_application_open_queue_finish (self, result, &error);
  CsMyPostsWindow *window;

  if (queue == NULL)
    {
      show_queue_problem (self, error);
      return;
    }

  /* The author's own account: the one submissions go out as. */
  window = cs_my_posts_window_new (GTK_APPLICATION (self), cs_queue_connection_get_client (queue, FALSE));
  gtk_window_present (GTK_WINDOW (window));
}

static void
my_posts_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  cs_application_open_queue_async (CS_APPLICATION (user_data), NULL, my_posts_queue_opened_cb, NULL);
}

static void
policy_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  CsApplication *self = user_data;
  CsPolicyWindow *window;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (CS_IS_POLICY_WINDOW (l->data))
      {
        gtk_window_present (l->data);
        return;
      }

  window = cs_policy_window_new (gtk_application_get_active_window (GTK_APPLICATION (self)), self->session);
  gtk_window_set_application (GTK_WINDOW (window), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (window));
}

static void
help_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  /* The guide in help/, installed under share/help/C/countersign. */
  gtk_show_uri (gtk_application_get_active_window (GTK_APPLICATION (user_data)),
                "help:countersign", GDK_CURRENT_TIME);
}

static const GActionEntry app_actions[] = {
  { "preferences", preferences_action },
  { "sign-in", sign_in_action },
  { "review", review_action },
  { "my-posts", my_posts_action },
  { "policy", policy_action },
  { "help", help_action },
  { "about", about_action },
  { "quit", quit_action },
};

static void
cs_application_init (CsApplication *self)
{
  const char *quit_accels[] = { "<Control>q", NULL };
  const char *preferences_accels[] = { "<Control>comma", NULL };
  const char *help_accels[] = { "F1", NULL };

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.help", help_accels);
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

/* The queue */

static const char *
queue_executable (void)
{
  const char *path = g_getenv ("COUNTERSIGN_QUEUE_EXECUTABLE");

  if (path != NULL && *path != '\0')
    return path;
  /* Uninstalled, the app runs from the build tree beside its own queue. */
  if (!g_file_test (CS_QUEUE_EXECUTABLE, G_FILE_TEST_IS_EXECUTABLE) &&
      g_file_test (CS_BUILD_QUEUE_EXECUTABLE, G_FILE_TEST_IS_EXECUTABLE))
    return CS_BUILD_QUEUE_EXECUTABLE;
  return CS_QUEUE_EXECUTABLE;
}

static void
queue_opened_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CsApplication) self = user_data;
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->queue_waiters);
  g_autoptr(GError) error = NULL;

  if (cs_queue_connection_open_finish (CS_QUEUE_CONNECTION (source), result, &error))
    self->queue_ready = TRUE;
  else if (self->queue == CS_QUEUE_CONNECTION (source))
    g_clear_object (&self->queue);   /* the next submission tries again */

  for (guint i = 0; waiters != NULL && i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, g_object_ref (source), g_object_unref);
    }
}

static void
queue_setting_changed_cb (CsApplication *self)
{
  /* Submissions already in the outbox stay there, sent by whichever queue
   * they were written for when it is opened again. */
  if (self->queue_waiters == NULL)
    {
      g_clear_object (&self->queue);
      self->queue_ready = FALSE;
    }
}

static void
open_queue (CsApplication *self)
{
  g_autofree char *server = g_settings_get_string (self->settings, "queue-server");
  g_autofree char *data_dir = g_build_filename (g_get_user_data_dir (), "countersign", NULL);

  self->queue = cs_queue_connection_new (queue_executable (), data_dir, CS_FACE_MODEL);
  cs_queue_connection_open_async (self->queue, server, self->tokens, NULL, queue_opened_cb, g_object_ref (self));
}

static void
keyring_found_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CsApplication) self = user_data;
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->token_waiters);
  g_autoptr(GError) error = NULL;

  self->tokens = cs_secret_token_store_new_finish (result, &error);
  if (self->tokens == NULL)
    {
      /* Signing in still works, for as long as Countersign runs. */
      g_message ("Sign-ins to school servers will be kept in memory only: %s", error->message);
      self->tokens = cs_token_store_memory_new ();
      self->keyring_problem =
        g_strdup_printf (_("%s Your sign-in to the school’s server will not be remembered after "
                           "Countersign closes. To keep it, start the keyring (GNOME Keyring or another "
                           "password manager), then open Countersign again."),
                         error->message);
    }

  for (guint i = 0; waiters != NULL && i < waiters->len; i++)
    g_task_return_boolean (g_ptr_array_index (waiters, i), TRUE);
}

/* Finds the keyring once, for the queue and for Preferences alike;
 * self->tokens is set (to memory, failing a keyring) when it finishes. */
static void
ensure_token_store_async (CsApplication       *self,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, ensure_token_store_async);
  if (self->tokens != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->token_waiters != NULL)
    {
      g_ptr_array_add (self->token_waiters, g_steal_pointer (&task));
      return;
    }
  self->token_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->token_waiters, g_steal_pointer (&task));
  cs_secret_token_store_new_async (NULL, keyring_found_cb, g_object_ref (self));
}

static void
keyring_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
  open_queue (CS_APPLICATION (source));
}

void
cs_application_open_queue_async (CsApplication       *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *server = NULL;

  g_return_if_fail (CS_IS_APPLICATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_application_open_queue_async);

  if (self->queue != NULL && self->queue_ready)
    {
      g_task_return_pointer (task, g_object_ref (self->queue), g_object_unref);
      return;
    }
  if (self->queue_waiters != NULL)
    {
      g_ptr_array_add (self->queue_waiters, g_steal_pointer (&task));
      return;
    }

  if (!self->watching_server)
    {
      g_signal_connect_swapped (self->settings, "changed::queue-server", G_CALLBACK (queue_setting_changed_cb), self);
      self->watching_server = TRUE;
    }

  self->queue_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->queue_waiters, g_steal_pointer (&task));

  /* The queue on this computer keeps its own tokens; a school server's
   * is kept in the keyring, which is found on first use. */
  server = g_settings_get_string (self->settings, "queue-server");
  if (server[0] != '\0' && self->tokens == NULL)
    {
      ensure_token_store_async (self, keyring_cb, NULL);
      return;
    }

  open_queue (self);
}

CsQueueConnection *
cs_application_open_queue_finish (CsApplication  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
