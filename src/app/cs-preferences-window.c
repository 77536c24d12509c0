/* cs-preferences-window.c: where the roster, policy, queue and its sign-in, platforms and accounts are set
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <glib/gi18n.h>

#include "cs-accounts-page.h"
#include "cs-preferences-window.h"

/* The keys of default-platforms, in the order the rows are shown. */
static const struct
{
  const char *id;
  const char *title;
} platforms[] = {
  { "x",        N_("X") },
  { "facebook", N_("Facebook") },
  { "mastodon", N_("Mastodon") },
  { "bluesky",  N_("Bluesky") },
};

#define N_PLATFORMS G_N_ELEMENTS (platforms)

struct _CsPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  GtkFileChooserNative *chooser;
  char                 *chooser_key;
  AdwToast             *toast;
  char                 *keyring_problem;
  CsTokenStore         *tokens;
  GCancellable         *sign_in_cancellable;
  gboolean              signing_in;

  /* Template widgets */
  AdwActionRow         *roster_row;
  GtkWidget            *roster_reset_button;
  AdwActionRow         *policy_row;
  GtkWidget            *policy_reset_button;
  AdwPreferencesGroup  *queue_group;
  AdwEntryRow          *queue_row;
  AdwPreferencesGroup  *sign_in_group;
  AdwActionRow         *signed_in_row;
  AdwEntryRow          *school_row;
  AdwEntryRow          *username_row;
  AdwEntryRow          *password_row;
  GtkWidget            *sign_in_box;
  GtkLabel             *sign_in_message;
  AdwPreferencesGroup  *platforms_group;
  CsAccountsPage       *accounts_page;

  GtkSwitch            *platform_switches[N_PLATFORMS];

  /* Set while the rows are being made to match the settings, so that the
   * rows' own change handlers do not write the same value straight back. */
  guint                 syncing : 1;
};

G_DEFINE_FINAL_TYPE (CsPreferencesWindow, cs_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum
{
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum { SIGN_IN_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
add_toast (CsPreferencesWindow *self,
           const char          *message)
{
  AdwToast *toast = adw_toast_new (message);

  /* Toasts queue up one after another; a second refusal replaces the
   * first rather than waiting behind it. */
  if (self->toast != NULL)
    adw_toast_dismiss (self->toast);

  g_set_weak_pointer (&self->toast, toast);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
}

/* Roster and policy files */

static void
sync_file_row (CsPreferencesWindow *self,
               const char          *key)
{
  g_autofree char *value = g_settings_get_string (self->settings, key);
  gboolean is_roster = g_str_equal (key, "roster-file");
  AdwActionRow *row = is_roster ? self->roster_row : self->policy_row;
  GtkWidget *reset = is_roster ? self->roster_reset_button : self->policy_reset_button;

  if (value[0] == '\0')
    {
      adw_action_row_set_subtitle (row, is_roster ? _("Demo roster (Larkfield Primary)")
                                                  : _("Demo policy (Larkfield Primary)"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (row), NULL);
      gtk_widget_set_visible (reset, FALSE);
    }
  else
    {
      /* The setting may hold a path or a URI; the application reads it with
       * g_file_new_for_commandline_arg(), so this does too. */
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (value);
      g_autofree char *basename = g_file_get_basename (file);
      g_autofree char *display = g_filename_display_name (basename != NULL ? basename : value);
      g_autofree char *parse_name = g_file_get_parse_name (file);

      adw_action_row_set_subtitle (row, display);
      /* Two schools' exports often share a name; the full path tells them apart. */
      gtk_widget_set_tooltip_text (GTK_WIDGET (row), parse_name);
      gtk_widget_set_visible (reset, TRUE);
    }
}

static void
file_setting_changed_cb (CsPreferencesWindow *self,
                         const char          *key)
{
  sync_file_row (self, key);
}

static void
chooser_response_cb (CsPreferencesWindow *self,
                     int                  response,
                     GtkNativeDialog     *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      /* A path reads best if someone looks at the setting; a file with no
       * local path (a network share) is kept as its URI. */
      if (path != NULL)
        g_settings_set_string (self->settings, self->chooser_key, path);
      else if (file != NULL)
        {
          g_autofree char *uri = g_file_get_uri (file);

          g_settings_set_string (self->settings, self->chooser_key, uri);
        }
    }

  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
  g_clear_pointer (&self->chooser_key, g_free);
}

static void
choose_file_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CsPreferencesWindow *self = CS_PREFERENCES_WINDOW (widget);
  const char *key = g_variant_get_string (parameter, NULL);
  gboolean is_roster = g_str_equal (key, "roster-file");
  g_autofree char *current = NULL;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (!is_roster && !g_str_equal (key, "policy-file"))
    g_return_if_reached ();

  /* The chooser is modal, but a second click can arrive before it maps. */
  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (is_roster ? _("Choose Roster File")
                                                         : _("Choose Policy File"),
                                               GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Choose"),
                                               _("_Cancel"));
  self->chooser_key = g_strdup (key);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  if (is_roster)
    {
      /* MIS exports come out as .csv, or .txt from older versions of SIMS. */
      gtk_file_filter_set_name (filter, _("CSV and text files"));
      gtk_file_filter_add_mime_type (filter, "text/csv");
      gtk_file_filter_add_mime_type (filter, "text/plain");
      gtk_file_filter_add_suffix (filter, "csv");
      gtk_file_filter_add_suffix (filter, "txt");
    }
  else
    {
      gtk_file_filter_set_name (filter, _("JSON files"));
      gtk_file_filter_add_mime_type (filter, "application/json");
      gtk_file_filter_add_suffix (filter, "json");
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);

  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (self->chooser), filter);

  current = g_settings_get_string (self->settings, key);
  if (current[0] != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (current);

      /* The file may have moved since; the chooser then opens where it was. */
      gtk_file_chooser_set_file (GTK_FILE_CHOOSER (self->chooser), file, NULL);
    }

  g_signal_connect_object (self->chooser, "response",
                           G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
reset_file_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CsPreferencesWindow *self = CS_PREFERENCES_WINDOW (widget);
  const char *key = g_variant_get_string (parameter, NULL);
  gboolean is_roster = g_str_equal (key, "roster-file");
  GtkWidget *choose;

  if (!is_roster && !g_str_equal (key, "policy-file"))
    g_return_if_reached ();

  /* The reset button hides itself; keep keyboard focus in the row. */
  choose = adw_action_row_get_activatable_widget (is_roster ? self->roster_row
                                                            : self->policy_row);
  if (choose != NULL)
    gtk_widget_grab_focus (choose);

  g_settings_reset (self->settings, key);
}

/* Approval queue */

static char *
queue_default_description (CsPreferencesWindow *self)
{
  const char *usage = _("Leave empty for a queue on this computer. "
                        "Use https:// for a school server, such as https://queue.myschool.sch.uk.");

  if (self->keyring_problem != NULL)
    return g_strconcat (usage, "\n\n", self->keyring_problem, NULL);
  return g_strdup (usage);
}

static gboolean
is_this_computer (const char *host)
{
  return g_ascii_strcasecmp (host, "localhost") == 0 ||
         g_str_equal (host, "127.0.0.1") ||
         g_str_equal (host, "::1");
}

/* Checks what was typed into the queue row. On success @address is what to
 * save (empty for a queue on this computer); otherwise @problem says, in
 * words the school office can act on, what to type instead. */
static gboolean
check_queue_address (const char  *text,
                     char       **address,
                     char       **problem)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  *address = NULL;
  *problem = NULL;

  if (trimmed[0] == '\0')
    {
      *address = g_steal_pointer (&trimmed);
      return TRUE;
    }

  uri = g_uri_parse (trimmed, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    {
      if (strstr (trimmed, "://") == NULL)
        *problem = g_strdup (_("Start the address with https://, as in https://queue.myschool.sch.uk."));
      else
        *problem = g_strdup_printf (_("“%s” is not a web address. Type it like "
                                      "https://queue.myschool.sch.uk, or leave it empty "
                                      "for a queue on this computer."),
                                    trimmed);
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") != 0 &&
      g_ascii_strcasecmp (scheme, "http") != 0)
    {
      *problem = g_strdup_printf (_("Countersign cannot use a “%s:” address. Type an "
                                    "https:// address, such as https://queue.myschool.sch.uk."),
                                  scheme);
      return FALSE;
    }

  host = g_uri_get_host (uri);
  if (host == NULL || host[0] == '\0')
    {
      *problem = g_strdup_printf (_("Add the server’s name after %s://, as in "
                                    "https://queue.myschool.sch.uk."),
                                  scheme);
      return FALSE;
    }

  /* A user name and password in the address would sit unencrypted in the
   * settings, readable by anything running as the same user. */
  if (g_uri_get_userinfo (uri) != NULL)
    {
      *problem = g_strdup (_("Leave the user name and password out of the address; "
                             "type just the server, such as https://queue.myschool.sch.uk."));
      return FALSE;
    }

  /* Posts and photos of pupils must not cross the school network in the
   * clear, so plain http is only for a queue on this computer. */
  if (g_ascii_strcasecmp (scheme, "http") == 0 && !is_this_computer (host))
    {
      g_autofree char *suggestion = g_strconcat ("https", trimmed + strlen ("http"), NULL);

      *problem = g_strdup_printf (_("Use https:// for a school server, as in %s. "
                                    "Plain http:// is only for a queue on this computer."),
                                  suggestion);
      return FALSE;
    }

  *address = g_steal_pointer (&trimmed);
  return TRUE;
}

static void
set_queue_problem (CsPreferencesWindow *self,
                   const char          *problem)
{
  if (problem != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->queue_row), "error");
      adw_preferences_group_set_description (self->queue_group, problem);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->queue_row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, problem,
                                      -1);
    }
  else
    {
      g_autofree char *description = queue_default_description (self);

      gtk_widget_remove_css_class (GTK_WIDGET (self->queue_row), "error");
      adw_preferences_group_set_description (self->queue_group, description);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->queue_row),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

static void
sync_queue_row (CsPreferencesWindow *self)
{
  g_autofree char *value = g_settings_get_string (self->settings, "queue-server");

  if (!g_str_equal (gtk_editable_get_text (GTK_EDITABLE (self->queue_row)), value))
    {
      self->syncing = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->queue_row), value);
      self->syncing = FALSE;
    }

  set_queue_problem (self, NULL);
}

static void sync_sign_in (CsPreferencesWindow *self);

static void
queue_setting_changed_cb (CsPreferencesWindow *self)
{
  sync_queue_row (self);
  sync_sign_in (self);
}

static void
queue_apply_cb (CsPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->queue_row));
  g_autofree char *address = NULL;
  g_autofree char *problem = NULL;

  if (!check_queue_address (text, &address, &problem))
    {
      set_queue_problem (self, problem);
      add_toast (self, _("The queue server address was not saved"));
      return;
    }

  g_settings_set_string (self->settings, "queue-server", address);
  /* The setting may not change (the same address again, or only spaces
   * trimmed), so show the saved form and clear any old problem here. */
  sync_queue_row (self);
}

static void
queue_changed_cb (CsPreferencesWindow *self)
{
  /* Editing the address again clears the complaint about the last try. */
  if (!self->syncing)
    set_queue_problem (self, NULL);
}

/* Signing in to a school's server */

/* A call made for the sign-in group; dropped when a newer one replaced it
 * or the window went, which cancelling @cancellable says. */
typedef struct
{
  CsPreferencesWindow *self;
  GCancellable        *cancellable;
  CsQueueClient       *client;
  char                *url;
  char                *username;
  JsonObject          *reply;
} SignInCall;

static void
sign_in_call_free (SignInCall *call)
{
  g_object_unref (call->self);
  g_object_unref (call->cancellable);
  g_clear_object (&call->client);
  g_free (call->url);
  g_free (call->username);
  g_clear_pointer (&call->reply, json_object_unref);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SignInCall, sign_in_call_free)

static SignInCall *
sign_in_call_new (CsPreferencesWindow *self,
                  const char          *url)
{
  SignInCall *call = g_new0 (SignInCall, 1);

  /* Only the latest call's answer is shown. */
  g_cancellable_cancel (self->sign_in_cancellable);
  g_clear_object (&self->sign_in_cancellable);
  self->sign_in_cancellable = g_cancellable_new ();

  call->self = g_object_ref (self);
  call->cancellable = g_object_ref (self->sign_in_cancellable);
  call->url = g_strdup (url);
  return call;
}

/* The school server's normalised address, or NULL for a queue on this computer. */
static char *
dup_server_url (CsPreferencesWindow *self)
{
  g_autofree char *server = g_settings_get_string (self->settings, "queue-server");

  if (server[0] == '\0')
    return NULL;
  return cs_token_store_normalise_url (server);
}

static const char *
describe_role (const char *role)
{
  if (g_strcmp0 (role, "staff") == 0)
    return _("office staff");
  if (g_strcmp0 (role, "head") == 0)
    return _("headteacher");
  if (g_strcmp0 (role, "admin") == 0)
    return _("administrator");
  return role != NULL ? role : "";
}

static void
update_sign_in_action (CsPreferencesWindow *self)
{
  gboolean filled = gtk_editable_get_text (GTK_EDITABLE (self->school_row))[0] != '\0' &&
                    gtk_editable_get_text (GTK_EDITABLE (self->username_row))[0] != '\0' &&
                    gtk_editable_get_text (GTK_EDITABLE (self->password_row))[0] != '\0';

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.sign-in",
                                 self->tokens != NULL && !self->signing_in && filled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.sign-out",
                                 self->tokens != NULL && !self->signing_in);
}

static void
set_sign_in_message (CsPreferencesWindow *self,
                     const char          *message)
{
  gtk_label_set_text (self->sign_in_message, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_message), message != NULL);
  if (message != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->password_row),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->password_row),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/* The rows to sign in with, and @message (NULL for none) under them. */
static void
show_sign_in_form (CsPreferencesWindow *self,
                   const char          *message)
{
  gtk_widget_set_visible (GTK_WIDGET (self->signed_in_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->school_row), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->username_row), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->password_row), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_box), TRUE);
  set_sign_in_message (self, message);
  update_sign_in_action (self);
}

/* Who is signed in, from the server's answer to a sign-in or to "who am
 * I"; or, with @me NULL, that a token is kept but the server could not
 * say whose (@problem says why). */
static void
show_signed_in (CsPreferencesWindow *self,
                JsonObject          *me,
                const char          *url,
                const char          *problem)
{
  g_autofree char *title = NULL;

  if (me != NULL)
    title = g_strdup_printf (_("Signed in as %s (%s) at %s"),
                             json_object_get_string_member_with_default (me, "name", ""),
                             describe_role (json_object_get_string_member_with_default (me, "role", NULL)),
                             json_object_get_string_member_with_default (me, "school", ""));
  else
    title = g_strdup_printf (_("Signed in to %s"), url);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->signed_in_row), title);
  adw_action_row_set_subtitle (self->signed_in_row, problem);
  gtk_widget_set_visible (GTK_WIDGET (self->signed_in_row), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->school_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->username_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->password_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_box), FALSE);
  set_sign_in_message (self, NULL);
  update_sign_in_action (self);
}

static void
me_cb (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  g_autoptr(SignInCall) call = user_data;
  CsPreferencesWindow *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) me = cs_queue_client_get_me_finish (CS_QUEUE_CLIENT (source), result, &error);

  if (g_cancellable_is_cancelled (call->cancellable))
    return;

  if (me != NULL)
    show_signed_in (self, me, call->url, NULL);
  else if (g_error_matches (error, CS_QUEUE_CLIENT_ERROR, CS_QUEUE_CLIENT_ERROR_UNAUTHORIZED))
    {
      g_autofree char *message = g_strdup_printf (_("Your sign-in at %s has ended. Sign in again."), call->url);

      show_sign_in_form (self, message);
    }
  else
    {
      /* The token may well be good; the server is just not answering now. */
      g_autofree char *problem = g_strdup_printf (_("The server could not say who is signed in: %s"),
                                                  error->message);

      show_signed_in (self, NULL, call->url, problem);
    }
}

static void
token_looked_up_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SignInCall) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = cs_token_store_lookup_finish (CS_TOKEN_STORE (source), result, &error);
  CsPreferencesWindow *self = call->self;
  SignInCall *next;

  if (g_cancellable_is_cancelled (call->cancellable))
    return;

  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The keyring could not be read: %s"), error->message);

      show_sign_in_form (self, message);
      return;
    }
  if (token == NULL)
    {
      show_sign_in_form (self, NULL);
      return;
    }

  call->client = cs_queue_client_new (call->url, token);
  /* The arguments are read before the call takes @call over. */
  next = g_steal_pointer (&call);
  cs_queue_client_get_me_async (next->client, next->cancellable, me_cb, next);
}

/* Shows the group for a school server, and whether this computer is
 * signed in to it. */
static void
sync_sign_in (CsPreferencesWindow *self)
{
  g_autofree char *url = dup_server_url (self);
  g_autofree char *description = NULL;
  SignInCall *call;

  if (url == NULL)
    {
      g_cancellable_cancel (self->sign_in_cancellable);
      self->signing_in = FALSE;
      gtk_widget_set_visible (GTK_WIDGET (self->sign_in_group), FALSE);
      return;
    }

  description = g_strdup_printf (_("Sign in to %s with the school id, name and password the school gave you."),
                                 url);
  adw_preferences_group_set_description (self->sign_in_group, description);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_group), TRUE);
  self->signing_in = FALSE;

  if (self->tokens == NULL)
    {
      /* The keyring is still being found; the rows can be filled meanwhile. */
      g_cancellable_cancel (self->sign_in_cancellable);
      show_sign_in_form (self, NULL);
      return;
    }

  call = sign_in_call_new (self, url);
  cs_token_store_lookup_async (self->tokens, url, call->cancellable, token_looked_up_cb, call);
}

static void
token_stored_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SignInCall) call = user_data;
  CsPreferencesWindow *self = call->self;
  g_autoptr(GError) error = NULL;

  if (!cs_token_store_store_finish (CS_TOKEN_STORE (source), result, &error))
    {
      g_autofree char *message = NULL;

      if (g_cancellable_is_cancelled (call->cancellable))
        return;
      message = g_strdup_printf (_("You signed in, but the keyring would not keep the sign-in: %s "
                                   "Unlock the keyring, then sign in again."),
                                 error->message);
      self->signing_in = FALSE;
      show_sign_in_form (self, message);
      return;
    }
  if (g_cancellable_is_cancelled (call->cancellable))
    return;

  self->signing_in = FALSE;
  /* The password is not kept anywhere, not even in the row. */
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  show_signed_in (self, call->reply, call->url, NULL);
  cs_accounts_page_set_client (self->accounts_page, call->client);
  g_signal_emit (self, signals[SIGN_IN_CHANGED], 0);
}

static void
logged_in_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SignInCall) call = user_data;
  CsPreferencesWindow *self = call->self;
  g_autoptr(GError) error = NULL;
  SignInCall *next;
  const char *token;

  call->reply = cs_queue_client_login_finish (CS_QUEUE_CLIENT (source), result, &error);
  if (g_cancellable_is_cancelled (call->cancellable))
    return;

  token = call->reply != NULL ? json_object_get_string_member_with_default (call->reply, "token", NULL) : NULL;
  if (token == NULL)
    {
      self->signing_in = FALSE;
      /* The server's own words: "wrong name or password", and the like. */
      show_sign_in_form (self, error != NULL ? error->message
                                             : _("The server did not send a sign-in. Try again, or ask "
                                                 "whoever runs the school’s server."));
      gtk_widget_add_css_class (GTK_WIDGET (self->password_row), "error");
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  /* Servers that do not say the name signed in with the one typed. */
  if (!json_object_has_member (call->reply, "name"))
    json_object_set_string_member (call->reply, "name",
                                   call->username);
  next = g_steal_pointer (&call);
  cs_token_store_store_async (self->tokens, next->url, token, next->cancellable, token_stored_cb, next);
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CsPreferencesWindow *self = CS_PREFERENCES_WINDOW (widget);
  g_autofree char *url = dup_server_url (self);
  g_autofree char *school = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->school_row))));
  g_autofree char *username = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->username_row))));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  SignInCall *call;

  if (url == NULL || self->tokens == NULL || self->signing_in)
    return;

  call = sign_in_call_new (self, url);
  call->client = cs_queue_client_new (url, NULL);
  call->username = g_strdup (username);
  self->signing_in = TRUE;
  set_sign_in_message (self, NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->password_row), "error");
  update_sign_in_action (self);
  cs_queue_client_login_async (call->client, school, username, password, call->cancellable,
                               logged_in_cb, call);
}

static void
sign_in_activated_cb (CsPreferencesWindow *self)
{
  /* Enter in any of the rows signs in once all three are filled. */
  gtk_widget_activate_action (GTK_WIDGET (self), "preferences.sign-in", NULL);
}

static void
sign_in_changed_cb (CsPreferencesWindow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->password_row), "error");
  update_sign_in_action (self);
}

static void
token_cleared_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SignInCall) call = user_data;
  CsPreferencesWindow *self = call->self;
  g_autoptr(GError) error = NULL;

  if (!cs_token_store_clear_finish (CS_TOKEN_STORE (source), result, &error))
    {
      g_autofree char *problem = NULL;

      if (g_cancellable_is_cancelled (call->cancellable))
        return;
      self->signing_in = FALSE;
      problem = g_strdup_printf (_("The sign-in could not be removed from the keyring: %s"), error->message);
      adw_action_row_set_subtitle (self->signed_in_row, problem);
      update_sign_in_action (self);
      return;
    }
  if (g_cancellable_is_cancelled (call->cancellable))
    return;

  self->signing_in = FALSE;
  show_sign_in_form (self, NULL);
  cs_accounts_page_set_client (self->accounts_page, NULL);
  g_signal_emit (self, signals[SIGN_IN_CHANGED], 0);
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CsPreferencesWindow *self = CS_PREFERENCES_WINDOW (widget);
  g_autofree char *url = dup_server_url (self);
  SignInCall *call;

  if (url == NULL || self->tokens == NULL || self->signing_in)
    return;

  call = sign_in_call_new (self, url);
  self->signing_in = TRUE;
  update_sign_in_action (self);
  cs_token_store_clear_async (self->tokens, url, call->cancellable, token_cleared_cb, call);
}

/* Default platforms */

static gsize
count_known_platforms (const char * const *ids)
{
  gsize n = 0;

  for (gsize i = 0; i < N_PLATFORMS; i++)
    if (g_strv_contains (ids, platforms[i].id))
      n++;

  return n;
}

static void
sync_platform_switches (CsPreferencesWindow *self)
{
  g_auto(GStrv) ids = g_settings_get_strv (self->settings, "default-platforms");

  self->syncing = TRUE;
  for (gsize i = 0; i < N_PLATFORMS; i++)
    gtk_switch_set_active (self->platform_switches[i],
                           g_strv_contains ((const char * const *) ids, platforms[i].id));
  self->syncing = FALSE;
}

static void
platforms_setting_changed_cb (CsPreferencesWindow *self)
{
  sync_platform_switches (self);
}

static void
platform_switch_active_cb (CsPreferencesWindow *self,
                           GParamSpec          *pspec,
                           GtkSwitch           *sw)
{
  g_auto(GStrv) current = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) updated = NULL;
  gboolean active;
  const char *id = NULL;

  if (self->syncing)
    return;

  for (gsize i = 0; i < N_PLATFORMS; i++)
    if (self->platform_switches[i] == sw)
      id = platforms[i].id;
  g_return_if_fail (id != NULL);

  active = gtk_switch_get_active (sw);
  current = g_settings_get_strv (self->settings, "default-platforms");
  builder = g_strv_builder_new ();

  /* Edit the list rather than rebuild it from the switches, so that a
   * platform added by a newer Countersign survives a round trip here. */
  for (gsize i = 0; current[i] != NULL; i++)
    if (!g_str_equal (current[i], id))
      g_strv_builder_add (builder, current[i]);
  if (active)
    g_strv_builder_add (builder, id);
  updated = g_strv_builder_end (builder);

  if (count_known_platforms ((const char * const *) updated) == 0)
    {
      self->syncing = TRUE;
      gtk_switch_set_active (sw, TRUE);
      self->syncing = FALSE;
      add_toast (self, _("Posts need at least one platform"));
      return;
    }

  if (!g_strv_equal ((const char * const *) current, (const char * const *) updated))
    g_settings_set_strv (self->settings, "default-platforms",
                         (const char * const *) updated);
}

static void
add_platform_rows (CsPreferencesWindow *self)
{
  for (gsize i = 0; i < N_PLATFORMS; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *sw = gtk_switch_new ();
      g_autofree char *label = g_strdup_printf (_("Post to %s by default"),
                                                _(platforms[i].title));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(platforms[i].title));
      gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (sw),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
      adw_preferences_group_add (self->platforms_group, row);

      self->platform_switches[i] = GTK_SWITCH (sw);
      g_signal_connect_object (sw, "notify::active",
                               G_CALLBACK (platform_switch_active_cb), self,
                               G_CONNECT_SWAPPED);
    }
}

/* GObject */

static void
cs_preferences_window_constructed (GObject *object)
{
  CsPreferencesWindow *self = CS_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (cs_preferences_window_parent_class)->constructed (object);

  g_return_if_fail (G_IS_SETTINGS (self->settings));

  g_signal_connect_object (self->settings, "changed::roster-file",
                           G_CALLBACK (file_setting_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::policy-file",
                           G_CALLBACK (file_setting_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::queue-server",
                           G_CALLBACK (queue_setting_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::default-platforms",
                           G_CALLBACK (platforms_setting_changed_cb), self,
                           G_CONNECT_SWAPPED);

  sync_file_row (self, "roster-file");
  sync_file_row (self, "policy-file");
  sync_queue_row (self);
  sync_sign_in (self);
  sync_platform_switches (self);
}

static void
cs_preferences_window_dispose (GObject *object)
{
  CsPreferencesWindow *self = CS_PREFERENCES_WINDOW (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_pointer (&self->chooser_key, g_free);
  g_clear_pointer (&self->keyring_problem, g_free);
  g_clear_weak_pointer (&self->toast);
  g_cancellable_cancel (self->sign_in_cancellable);
  g_clear_object (&self->sign_in_cancellable);
  g_clear_object (&self->tokens);

  /* The settings object is shared with the application and outlives us. */
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (cs_preferences_window_parent_class)->dispose (object);
}

static void
cs_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  CsPreferencesWindow *self = CS_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  CsPreferencesWindow *self = CS_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_set_object (&self->settings, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_preferences_window_class_init (CsPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cs_preferences_window_constructed;
  object_class->dispose = cs_preferences_window_dispose;
  object_class->get_property = cs_preferences_window_get_property;
  object_class->set_property = cs_preferences_window_set_property;

  g_type_ensure (CS_TYPE_ACCOUNTS_PAGE);

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The sign-in to the school's server was made or removed, so the queue
   * should be opened again with the token now kept for it. */
  signals[SIGN_IN_CHANGED] =
    g_signal_new ("sign-in-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/countersign/Countersign/ui/preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, roster_row);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, roster_reset_button);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, policy_row);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, policy_reset_button);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, queue_group);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, queue_row);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, sign_in_group);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, signed_in_row);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, school_row);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, username_row);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, password_row);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, sign_in_box);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, sign_in_message);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, platforms_group);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, accounts_page);
  gtk_widget_class_bind_template_callback (widget_class, queue_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, queue_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_activated_cb);

  gtk_widget_class_install_action (widget_class, "preferences.choose-file", "s", choose_file_cb);
  gtk_widget_class_install_action (widget_class, "preferences.reset-file", "s", reset_file_cb);
  gtk_widget_class_install_action (widget_class, "preferences.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "preferences.sign-out", NULL, sign_out_action);
}

static void
cs_preferences_window_init (CsPreferencesWindow *self)
{
  GtkEditable *text;
  g_autofree char *description = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Focus lands on the entry inside the row, so name that too for screen
   * readers; the row's own label is not read when the text has focus. */
  text = gtk_editable_get_delegate (GTK_EDITABLE (self->queue_row));
  if (text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (text),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, _("Queue server address"),
                                    -1);

  description = queue_default_description (self);
  adw_preferences_group_set_description (self->queue_group, description);
  add_platform_rows (self);
  update_sign_in_action (self);
}

CsPreferencesWindow *
cs_preferences_window_new (GtkWindow *parent,
                           GSettings *settings)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (CS_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "settings", settings,
                       NULL);
}

void
cs_preferences_window_set_queue_client (CsPreferencesWindow *self,
                                        CsQueueClient       *client)
{
  g_return_if_fail (CS_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (client == NULL || CS_IS_QUEUE_CLIENT (client));

  cs_accounts_page_set_client (self->accounts_page, client);
}

void
cs_preferences_window_set_keyring_problem (CsPreferencesWindow *self,
                                           const char          *problem)
{
  g_return_if_fail (CS_IS_PREFERENCES_WINDOW (self));

  if (g_strcmp0 (problem, self->keyring_problem) == 0)
    return;

  g_free (self->keyring_problem);
  self->keyring_problem = g_strdup (problem);
  /* Unless a typed address is being complained about, show it now. */
  if (!gtk_widget_has_css_class (GTK_WIDGET (self->queue_row), "error"))
    set_queue_problem (self, NULL);
}

void
cs_preferences_window_set_token_store (CsPreferencesWindow *self,
                                       CsTokenStore        *tokens)
{
  g_return_if_fail (CS_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (tokens == NULL || CS_IS_TOKEN_STORE (tokens));

  if (!g_set_object (&self->tokens, tokens))
    return;
  sync_sign_in (self);
}

void
cs_preferences_window_show_sign_in (CsPreferencesWindow *self)
{
  GtkWidget *focus = NULL;

  g_return_if_fail (CS_IS_PREFERENCES_WINDOW (self));

  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (self), "school");
  if (!gtk_widget_get_visible (GTK_WIDGET (self->sign_in_group)))
    {
      /* No school server is set: the address comes first. */
      gtk_widget_grab_focus (GTK_WIDGET (self->queue_row));
      return;
    }

  if (gtk_widget_get_visible (GTK_WIDGET (self->signed_in_row)))
    focus = GTK_WIDGET (self->signed_in_row);
  else if (gtk_editable_get_text (GTK_EDITABLE (self->school_row))[0] == '\0')
    focus = GTK_WIDGET (self->school_row);
  else if (gtk_editable_get_text (GTK_EDITABLE (self->username_row))[0] == '\0')
    focus = GTK_WIDGET (self->username_row);
  else
    focus = GTK_WIDGET (self->password_row);
  gtk_widget_grab_focus (focus);
}
