/* cs-accounts-page.c: the school's accounts, where approved posts are published
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The approval queue holds the accounts and publishes to them; this page
 * only sends what the administrator types. The queue never sends a
 * password or token back, so their fields always start empty, and since it
 * replaces an account's secrets as a whole, saving needs them all again.
 */

#include <string.h>

#include <glib/gi18n.h>

#include "cs-accounts-page.h"

#define MAX_FIELDS 4

typedef struct
{
  const char *name;      /* the member of "settings" or "secrets" */
  const char *title;
  gboolean    secret;
  gboolean    optional;  /* the queue can do without it */
  const char *fallback;  /* what the queue uses when it is left empty */
} Field;

typedef struct
{
  const char *id;
  const char *title;
  const char *help;
  Field       fields[MAX_FIELDS];
} Platform;

/* The fields each kind of account needs, as the queue's publishers read
 * them (src/core/cs-publisher-factory.c), in the order they are shown. */
static const Platform platforms[] = {
  { "mastodon", N_("Mastodon"),
    N_("The school’s Mastodon server, and an access token made in the account’s Preferences, "
       "under Development, allowed to write statuses and media."),
    { { "base_url", N_("Server address"), FALSE, FALSE, NULL },
      { "access_token", N_("Access token"), TRUE, FALSE, NULL } } },
  { "bluesky", N_("Bluesky"),
    N_("The school’s handle and an app password, made in Bluesky’s Settings under Privacy and "
       "Security. Never use the account’s own password here."),
    { { "identifier", N_("Handle"), FALSE, FALSE, NULL },
      { "base_url", N_("Server address"), FALSE, TRUE, "https://bsky.social" },
      { "app_password", N_("App password"), TRUE, FALSE, NULL } } },
  { "x", N_("X"),
    N_("From the school’s app in the X Developer Portal, with permission to read and write. "
       "The refresh token lets the queue renew the access token when it runs out."),
    { { "client_id", N_("Client ID"), FALSE, FALSE, NULL },
      { "base_url", N_("Server address"), FALSE, TRUE, "https://api.x.com" },
      { "access_token", N_("Access token"), TRUE, FALSE, NULL },
      { "refresh_token", N_("Refresh token"), TRUE, TRUE, NULL } } },
  { "facebook", N_("Facebook Page"),
    N_("The Page’s ID, and a Page access token allowed to publish to the Page, from Meta’s "
       "Graph API Explorer."),
    { { "page_id", N_("Page ID"), FALSE, FALSE, NULL },
      { "base_url", N_("Server address"), FALSE, TRUE, "https://graph.facebook.com/v21.0" },
      { "page_token", N_("Page access token"), TRUE, FALSE, NULL } } },
  { "export", N_("Export Folder"),
    N_("Each approved post is saved as files in this folder, for the school website or for "
       "publishing by hand. The folder is on the computer the approval queue runs on; give its "
       "full path, such as /srv/countersign/posts."),
    { { "folder", N_("Folder"), FALSE, FALSE, NULL } } },
};

#define N_PLATFORMS G_N_ELEMENTS (platforms)

typedef struct _Account Account;

struct _Account
{
  CsAccountsPage      *page;
  const Platform      *platform;
  AdwPreferencesGroup *group;
  GtkWidget           *status;  /* for an administrator; otherwise the group's description */
  /* Entry rows for an administrator; for anyone else, a row showing each
   * setting of an account that is set up, and none for its secrets. */
  GtkWidget           *rows[MAX_FIELDS];
  GtkWidget           *problem;
  GtkWidget           *save_button;
  GtkWidget           *remove_button;
  gboolean             exists;
  gboolean             busy;
  gboolean             removing;  /* what the request under way does */
};

struct _CsAccountsPage
{
  AdwPreferencesPage   parent_instance;

  CsQueueClient       *client;
  GCancellable        *cancellable;  /* the requests for this client */
  gboolean             can_edit;
  gboolean             built;
  Account              accounts[N_PLATFORMS];

  /* Template widgets */
  AdwPreferencesGroup *intro_group;
  GtkLabel            *problem_label;
};

G_DEFINE_FINAL_TYPE (CsAccountsPage, cs_accounts_page, ADW_TYPE_PREFERENCES_PAGE)

static void
add_toast (CsAccountsPage *self,
           const char     *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (message));
}

static void
set_page_problem (CsAccountsPage *self,
                  const char     *problem)
{
  gtk_label_set_text (self->problem_label, problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), problem != NULL);
}

/* One account's state */

static void
set_problem (Account    *account,
             const char *problem)
{
  if (account->problem == NULL)
    return;

  gtk_label_set_text (GTK_LABEL (account->problem), problem != NULL ? problem : "");
  gtk_widget_set_visible (account->problem, problem != NULL);
  if (problem == NULL)
    for (guint i = 0; i < MAX_FIELDS; i++)
      if (account->rows[i] != NULL)
        gtk_widget_remove_css_class (account->rows[i], "error");

  /* Screen readers announce the group's new description with the rows. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (account->save_button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, problem != NULL ? problem : "",
                                  -1);
}

static void
sync_buttons (Account *account)
{
  if (account->save_button == NULL)
    return;

  gtk_widget_set_sensitive (account->save_button, !account->busy);
  gtk_widget_set_sensitive (account->remove_button, !account->busy);
  gtk_widget_set_visible (account->remove_button, account->exists);
}

static char *
describe_status (gboolean exists,
                 gint64   updated_at)
{
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *text = NULL;

  if (!exists)
    return g_strdup (_("Not set up"));

  when = updated_at > 0 ? g_date_time_new_from_unix_local (updated_at) : NULL;
  if (when == NULL)
    return g_strdup (_("Set up"));
  /* TRANSLATORS: when an account was last changed, as in “3 March 2026 at 14:05”;
   * see the GDateTime documentation for the codes. */
  text = g_date_time_format (when, _("%-d %B %Y at %H:%M"));
  /* TRANSLATORS: %s is a date and time, as in “3 March 2026 at 14:05”. */
  return g_strdup_printf (_("Set up — last changed %s"), text);
}

static void
remove_readonly_rows (Account *account)
{
  for (guint i = 0; i < MAX_FIELDS; i++)
    if (account->rows[i] != NULL)
      {
        adw_preferences_group_remove (account->group, account->rows[i]);
        account->rows[i] = NULL;
      }
}

/* Shows @object (an account as the queue lists it, or NULL for none):
 * its status always, and its settings in the fields when @fill is set,
 * which would otherwise lose what the administrator is typing. */
static void
show_account (Account    *account,
              JsonObject *object,
              gboolean    fill)
{
  CsAccountsPage *self = account->page;
  JsonObject *settings = NULL;
  g_autofree char *status = NULL;

  account->exists = object != NULL;
  if (object != NULL && json_object_has_member (object, "settings") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "settings")))
    settings = json_object_get_object_member (object, "settings");

  status = describe_status (account->exists,
                            object != NULL ? json_object_get_int_member_with_default (object, "updated_at", 0) : 0);
  if (!self->can_edit)
    {
      adw_preferences_group_set_description (account->group, status);
      remove_readonly_rows (account);
      if (!account->exists)
        return;
      for (guint i = 0; i < MAX_FIELDS && account->platform->fields[i].name != NULL; i++)
        {
          const Field *field = &account->platform->fields[i];
          const char *value = NULL;
          GtkWidget *row;

          if (field->secret)
            continue;
          if (settings != NULL)
            value = json_object_get_string_member_with_default (settings, field->name, NULL);
          if (value == NULL || value[0] == '\0')
            value = field->fallback != NULL ? field->fallback : _("Not given");

          row = adw_action_row_new ();
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(field->title));
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
          adw_preferences_group_add (account->group, row);
          account->rows[i] = row;
        }
      return;
    }

  gtk_label_set_text (GTK_LABEL (account->status), status);
  if (account->exists)
    gtk_widget_remove_css_class (account->status, "dim-label");
  else
    gtk_widget_add_css_class (account->status, "dim-label");

  if (fill)
    for (guint i = 0; i < MAX_FIELDS && account->platform->fields[i].name != NULL; i++)
      {
        const Field *field = &account->platform->fields[i];
        const char *value = NULL;

        /* Secrets are never sent back, so there is nothing to show. */
        if (!field->secret && settings != NULL)
          value = json_object_get_string_member_with_default (settings, field->name, NULL);
        /* A new account starts from what the queue would use anyway. */
        if ((value == NULL || value[0] == '\0') && !field->secret && !account->exists)
          value = field->fallback;
        gtk_editable_set_text (GTK_EDITABLE (account->rows[i]), value != NULL ? value : "");
      }
  set_problem (account, NULL);
  sync_buttons (account);
}

static JsonObject *
find_account (JsonArray  *accounts,
              const char *id)
{
  for (guint i = 0; accounts != NULL && i < json_array_get_length (accounts); i++)
    {
      JsonNode *node = json_array_get_element (accounts, i);
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      if (g_strcmp0 (json_object_get_string_member_with_default (object, "platform", NULL), id) == 0)
        return object;
    }
  return NULL;
}

/* @changed is the account just saved or removed, whose fields follow the
 * queue; the others keep what is typed in them and update their status. */
static void
show_accounts (CsAccountsPage *self,
               JsonArray      *accounts,
               Account        *changed)
{
  for (guint i = 0; i < N_PLATFORMS; i++)
    {
      Account *account = &self->accounts[i];

      show_account (account, find_account (accounts, account->platform->id),
                    changed == NULL || changed == account);
    }
}

/* Saving */

static void
clear_secrets (Account *account)
{
  for (guint i = 0; i < MAX_FIELDS && account->platform->fields[i].name != NULL; i++)
    if (account->platform->fields[i].secret)
      gtk_editable_set_text (GTK_EDITABLE (account->rows[i]), "");
}

/* Marks the fields the queue's refusal names, by their name in the API
 * (“base_url”) or by what was typed in them; never by a secret's value,
 * which is not looked for in anything. */
static void
mark_named_fields (Account    *account,
                   const char *message)
{
  for (guint i = 0; i < MAX_FIELDS && account->platform->fields[i].name != NULL; i++)
    {
      const Field *field = &account->platform->fields[i];
      g_autofree char *quoted = g_strdup_printf ("“%s”", field->name);
      g_autofree char *typed = NULL;
      gboolean named = strstr (message, quoted) != NULL;

      if (!named && !field->secret)
        {
          typed = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (account->rows[i]))));
          named = typed[0] != '\0' && strstr (message, typed) != NULL;
        }
      if (named)
        gtk_widget_add_css_class (account->rows[i], "error");
    }
}

/* The queue's answer to saving or removing (@account->removing): the
 * accounts as they now are, or an error whose words may name the fields
 * that are missing or wrong. */
static void
answered_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) accounts = cs_queue_client_accounts_finish (CS_QUEUE_CLIENT (source), result, &error);
  Account *account = user_data;
  g_autofree char *toast = NULL;

  /* Cancelled when the page goes, so @account may be gone too. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  account->busy = FALSE;
  sync_buttons (account);
  if (accounts == NULL)
    {
      set_problem (account, error->message);
      if (!account->removing)
        mark_named_fields (account, error->message);
      return;
    }

  show_accounts (account->page, accounts, account);
  clear_secrets (account);
  if (account->removing)
    {
      /* TRANSLATORS: %s is an account, as in “Mastodon was removed”. */
      toast = g_strdup_printf (_("%s was removed"), _(account->platform->title));
    }
  else
    {
      /* TRANSLATORS: %s is an account, as in “Mastodon is set up”. */
      toast = g_strdup_printf (_("%s is set up"), _(account->platform->title));
    }
  add_toast (account->page, toast);
}

static void
save_cb (Account *account)
{
  CsAccountsPage *self = account->page;
  g_autoptr(JsonObject) settings = json_object_new ();
  g_autoptr(JsonObject) secrets = json_object_new ();

  if (account->busy || self->client == NULL)
    return;

  set_problem (account, NULL);
  for (guint i = 0; i < MAX_FIELDS && account->platform->fields[i].name != NULL; i++)
    {
      const Field *field = &account->platform->fields[i];
      g_autofree char *value = g_strdup (gtk_editable_get_text (GTK_EDITABLE (account->rows[i])));

      /* Spaces pasted around a token or an address are never meant. */
      g_strstrip (value);
      if (value[0] == '\0')
        {
          /* The queue replaces the secrets as a whole: saving a changed
           * address without the token would lose the token. */
          if (field->secret && !field->optional && account->exists)
            {
              g_autofree char *problem = NULL;

              /* TRANSLATORS: %s is a field, as in “Type the Access token again”. */
              problem = g_strdup_printf (_("Type the %s again. The approval queue keeps passwords and "
                                           "tokens sealed and never shows them, so every change to "
                                           "this account needs them again."),
                                         _(field->title));
              set_problem (account, problem);
              gtk_widget_add_css_class (account->rows[i], "error");
              gtk_widget_grab_focus (account->rows[i]);
              return;
            }
          continue;
        }
      json_object_set_string_member (field->secret ? secrets : settings, field->name, value);
    }

  account->busy = TRUE;
  account->removing = FALSE;
  sync_buttons (account);
  cs_queue_client_set_account_async (self->client, account->platform->id, settings, secrets,
                                     self->cancellable, answered_cb, account);
}

/* Removing */

static void
remove_response_cb (CsAccountsPage   *self,
                    const char       *response,
                    AdwMessageDialog *dialog)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "cs-account"));
  Account *account;

  if (g_strcmp0 (response, "remove") != 0 || index >= N_PLATFORMS || self->client == NULL)
    return;

  account = &self->accounts[index];
  if (account->busy || !account->exists)
    return;

  set_problem (account, NULL);
  account->busy = TRUE;
  account->removing = TRUE;
  sync_buttons (account);
  cs_queue_client_remove_account_async (self->client, account->platform->id, self->cancellable,
                                        answered_cb, account);
}

static void
remove_cb (Account *account)
{
  CsAccountsPage *self = account->page;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  gboolean has_secrets = FALSE;

  /* TRANSLATORS: %s is an account, as in “Remove Mastodon?” */
  heading = g_strdup_printf (_("Remove %s?"), _(account->platform->title));
  for (guint i = 0; i < MAX_FIELDS && account->platform->fields[i].name != NULL; i++)
    has_secrets |= account->platform->fields[i].secret;
  if (has_secrets)
    body = g_strdup_printf (_("Approved posts will no longer be published to %s. To set it up again, "
                              "you will need its passwords and tokens again."),
                            _(account->platform->title));
  else
    body = g_strdup_printf (_("Approved posts will no longer be published to %s."),
                            _(account->platform->title));
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  g_object_set_data (G_OBJECT (dialog), "cs-account", GUINT_TO_POINTER (account - self->accounts));
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
field_changed_cb (Account *account)
{
  /* Typing again clears the complaint about the last try. */
  if (!account->busy && account->problem != NULL && gtk_widget_get_visible (account->problem))
    set_problem (account, NULL);
}

/* Building the page */

static void
build_account (CsAccountsPage *self,
               Account        *account)
{
  const Platform *platform = account->platform;
  GtkWidget *footer;

  account->page = self;
  account->group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (account->group, _(platform->title));
  if (self->can_edit)
    adw_preferences_group_set_description (account->group, _(platform->help));

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), account->group);

  /* Read-only, the status is all there is to say under the title. */
  if (!self->can_edit)
    return;

  /* Under the fields: the status on the left, the buttons on the right. */
  footer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_top (footer, 12);
  account->status = gtk_label_new (NULL);
  gtk_widget_set_name (account->status, "account-status");
  gtk_label_set_wrap (GTK_LABEL (account->status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (account->status), 0);
  gtk_widget_set_hexpand (account->status, TRUE);
  gtk_box_append (GTK_BOX (footer), account->status);

  for (guint i = 0; i < MAX_FIELDS && platform->fields[i].name != NULL; i++)
    {
      const Field *field = &platform->fields[i];
      GtkWidget *row = field->secret ? adw_password_entry_row_new () : adw_entry_row_new ();
      GtkEditable *text;

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(field->title));
      if (g_str_equal (field->name, "base_url"))
        adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), GTK_INPUT_PURPOSE_URL);
      adw_entry_row_set_input_hints (ADW_ENTRY_ROW (row),
                                     GTK_INPUT_HINT_NO_SPELLCHECK | GTK_INPUT_HINT_NO_EMOJI);
      /* Focus lands on the text inside the row; name it for screen readers. */
      text = gtk_editable_get_delegate (GTK_EDITABLE (row));
      if (text != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (text),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, _(field->title),
                                        -1);
      g_signal_connect_swapped (row, "changed", G_CALLBACK (field_changed_cb), account);
      g_signal_connect_swapped (row, "entry-activated", G_CALLBACK (save_cb), account);
      adw_preferences_group_add (account->group, row);
      account->rows[i] = row;
    }

  account->problem = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (account->problem), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (account->problem), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (account->problem), 0);
  gtk_label_set_selectable (GTK_LABEL (account->problem), TRUE);
  gtk_widget_set_margin_top (account->problem, 12);
  gtk_widget_add_css_class (account->problem, "error");
  gtk_widget_set_visible (account->problem, FALSE);
  adw_preferences_group_add (account->group, account->problem);

  account->remove_button = gtk_button_new_with_mnemonic (_("_Remove"));
  gtk_widget_add_css_class (account->remove_button, "destructive-action");
  g_signal_connect_swapped (account->remove_button, "clicked", G_CALLBACK (remove_cb), account);
  gtk_widget_set_valign (account->remove_button, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (footer), account->remove_button);

  account->save_button = gtk_button_new_with_mnemonic (_("_Save"));
  gtk_widget_add_css_class (account->save_button, "suggested-action");
  g_signal_connect_swapped (account->save_button, "clicked", G_CALLBACK (save_cb), account);
  gtk_widget_set_valign (account->save_button, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (footer), account->save_button);

  {
    g_autofree char *save = g_strdup_printf (_("Save %s"), _(platform->title));
    g_autofree char *remove = g_strdup_printf (_("Remove %s"), _(platform->title));

    gtk_accessible_update_property (GTK_ACCESSIBLE (account->save_button),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, save, -1);
    gtk_accessible_update_property (GTK_ACCESSIBLE (account->remove_button),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, remove, -1);
  }

  adw_preferences_group_add (account->group, footer);
  sync_buttons (account);
}

static void
clear_accounts (CsAccountsPage *self)
{
  for (guint i = 0; i < N_PLATFORMS; i++)
    {
      if (self->accounts[i].group != NULL)
        adw_preferences_page_remove (ADW_PREFERENCES_PAGE (self), self->accounts[i].group);
      self->accounts[i] = (Account) { .page = self, .platform = &platforms[i] };
    }
  self->built = FALSE;
}

static void
build_accounts (CsAccountsPage *self)
{
  clear_accounts (self);
  adw_preferences_group_set_description (self->intro_group, self->can_edit
    ? _("The approval queue publishes each approved post to the accounts set up here. It keeps "
        "their passwords and tokens sealed and never shows them again, so type them in full "
        "whenever you change an account.")
    : _("The approval queue publishes each approved post to the accounts set up here. Only your "
        "school’s administrator can change them: ask your school’s administrator if posts "
        "should go somewhere else."));
  for (guint i = 0; i < N_PLATFORMS; i++)
    build_account (self, &self->accounts[i]);
  self->built = TRUE;
}

/* Loading */

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) accounts = cs_queue_client_accounts_finish (CS_QUEUE_CLIENT (source), result, &error);
  CsAccountsPage *self = user_data;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (accounts == NULL)
    {
      g_autofree char *problem = g_strdup_printf (_("The school’s accounts could not be loaded. %s"),
                                                  error->message);

      set_page_problem (self, problem);
      return;
    }

  set_page_problem (self, NULL);
  show_accounts (self, accounts, NULL);
}

static void
me_cb (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) me = cs_queue_client_get_me_finish (CS_QUEUE_CLIENT (source), result, &error);
  CsAccountsPage *self = user_data;
  const char *role;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (me == NULL)
    {
      /* Without knowing who this is, the page might offer office staff
       * what they cannot see; it stays hidden until the queue answers. */
      g_message ("The Accounts page is hidden: the approval queue could not say who is signed in: %s",
                 error->message);
      return;
    }

  role = json_object_get_string_member (me, "role");
  if (g_strcmp0 (role, "admin") != 0 && g_strcmp0 (role, "head") != 0)
    return;

  self->can_edit = g_str_equal (role, "admin");
  build_accounts (self);
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  cs_queue_client_list_accounts_async (self->client, self->cancellable, listed_cb, self);
}

void
cs_accounts_page_set_client (CsAccountsPage *self,
                             CsQueueClient  *client)
{
  g_return_if_fail (CS_IS_ACCOUNTS_PAGE (self));
  g_return_if_fail (client == NULL || CS_IS_QUEUE_CLIENT (client));

  if (client == self->client)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_set_object (&self->client, client);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  set_page_problem (self, NULL);
  if (self->built)
    clear_accounts (self);

  if (client == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  cs_queue_client_get_me_async (client, self->cancellable, me_cb, self);
}

/* GObject */

static void
cs_accounts_page_dispose (GObject *object)
{
  CsAccountsPage *self = CS_ACCOUNTS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_ACCOUNTS_PAGE);

  G_OBJECT_CLASS (cs_accounts_page_parent_class)->dispose (object);
}

static void
cs_accounts_page_class_init (CsAccountsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_accounts_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/countersign/Countersign/ui/accounts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CsAccountsPage, intro_group);
  gtk_widget_class_bind_template_child (widget_class, CsAccountsPage, problem_label);
}

static void
cs_accounts_page_init (CsAccountsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < N_PLATFORMS; i++)
    self->accounts[i] = (Account) { .page = self, .platform = &platforms[i] };
}

CsAccountsPage *
cs_accounts_page_new (void)
{
  return g_object_new (CS_TYPE_ACCOUNTS_PAGE, NULL);
}
