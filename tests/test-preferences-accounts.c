/* test-preferences-accounts.c: the Accounts page of Preferences, against the real queue
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The page is driven as an administrator, a head and an office member
 * would, with the real approval-queue server in a thread of its own.
 */

#include <string.h>

#include <libsoup/soup.h>

#include "cs-accounts-page.h"
#include "cs-preferences-window.h"
#include "cs-queue-client.h"
#include "cs-test-queue-ui.h"
#include "cs-test-ui.h"

#define WAIT_MS 20000
#define TOKEN "mastodon-token-7f3e9a"

typedef struct
{
  CsApiFixture         api;        /* Ada, Hana and Sam at Larkfield */
  CsQueueClient       *admin;      /* the test's own, to set up and check */
  GSettings           *settings;
  CsPreferencesWindow *window;
  CsAccountsPage      *page;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  cs_api_fixture_open (&f->api);
  f->api.admin = cs_queue_store_add_user (f->api.store, "larkfield", "ada", CS_USER_ADMIN, NULL, &error);
  f->api.head = cs_queue_store_add_user (f->api.store, "larkfield", "hana", CS_USER_HEAD, NULL, &error);
  f->api.staff = cs_queue_store_add_user (f->api.store, "larkfield", "sam", CS_USER_STAFF, NULL, &error);
  g_assert_no_error (error);

  cs_api_start_publishing (&f->api, NULL);
  f->admin = cs_queue_ui_client_new (&f->api, f->api.admin);
  f->settings = cs_test_settings_new ();

  f->window = g_object_ref (cs_preferences_window_new (NULL, f->settings));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 640, 900);
  gtk_window_present (GTK_WINDOW (f->window));
  cs_test_spin (100);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  /* A confirmation left open goes with its window. */
  for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i - 1);

      if (ADW_IS_MESSAGE_DIALOG (window))
        gtk_window_destroy (window);
    }
  gtk_window_destroy (GTK_WINDOW (f->window));
  cs_test_spin (50);
  g_assert_finalize_object (f->window);
  g_assert_finalize_object (f->settings);

  g_clear_object (&f->admin);
  cs_api_fixture_teardown (&f->api, data);
}

/* Finding widgets */

static gboolean
is_accounts_page (GtkWidget     *widget,
                  gconstpointer  data)
{
  return CS_IS_ACCOUNTS_PAGE (widget);
}

static gboolean
is_entry_row (GtkWidget     *widget,
              gconstpointer  data)
{
  return ADW_IS_ENTRY_ROW (widget);
}

static gboolean
is_error_label (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "error");
}

static gboolean
is_label_starting (GtkWidget     *widget,
                   gconstpointer  prefix)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix);
}

static GtkWidget *
group (Fixture    *f,
       const char *title)
{
  GtkWidget *found = cs_test_find_widget (GTK_WIDGET (f->page), cs_test_is_group_titled, title);

  g_assert_nonnull (found);
  return found;
}

static GtkWidget *
child_of (GtkWidget  *root,
          gboolean  (*match) (GtkWidget *widget, gconstpointer data),
          const char *what)
{
  GtkWidget *found = cs_test_find_widget (root, match, what);

  if (found == NULL)
    g_error ("No “%s” found", what);
  return found;
}

static gboolean
is_status (GtkWidget     *widget,
           gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_widget_get_name (widget), "account-status") == 0;
}

/* Beside the buttons for an administrator; under the title for a head. */
static const char *
status_of (GtkWidget *group_widget)
{
  GtkWidget *label = cs_test_find_widget (group_widget, is_status, NULL);

  if (label != NULL)
    return gtk_label_get_text (GTK_LABEL (label));
  return adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (group_widget));
}

/* Waiting */

typedef struct
{
  GtkWidget  *widget;
  const char *text;
} Expect;

static gboolean
status_starts_with (gpointer data)
{
  Expect *e = data;

  return g_str_has_prefix (status_of (e->widget), e->text);
}

static gboolean
entry_is_empty (gpointer data)
{
  return gtk_editable_get_text (GTK_EDITABLE (data))[0] == '\0';
}

static gboolean
widget_is_visible (gpointer data)
{
  return gtk_widget_get_visible (data);
}

static gboolean
page_is_loaded (gpointer data)
{
  Fixture *f = data;

  /* Listed: every status says one thing or the other. */
  GtkWidget *mastodon = cs_test_find_widget (GTK_WIDGET (f->page), cs_test_is_group_titled, "Mastodon");

  return gtk_widget_get_visible (GTK_WIDGET (f->page)) && mastodon != NULL &&
         status_of (mastodon) != NULL && status_of (mastodon)[0] != '\0';
}

/* Shows the Accounts page for a client signed in with @token. */
static void
open_page_as (Fixture    *f,
              const char *token,
              gboolean    expect_page)
{
  g_autoptr(CsQueueClient) client = cs_queue_ui_client_new (&f->api, token);

  f->page = CS_ACCOUNTS_PAGE (cs_test_find_widget (GTK_WIDGET (f->window), is_accounts_page, NULL));
  g_assert_nonnull (f->page);
  cs_preferences_window_set_queue_client (f->window, client);
  if (!expect_page)
    return;
  cs_test_wait_for (page_is_loaded, f, WAIT_MS, "the Accounts page to load");
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (f->window), ADW_PREFERENCES_PAGE (f->page));
  cs_test_spin (100);
}

static JsonArray *
list_accounts (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *accounts;

  cs_queue_client_list_accounts_async (f->admin, NULL, cs_test_store_result_cb, &result);
  accounts = cs_queue_client_accounts_finish (f->admin, cs_test_wait_for_result (&result, 20), &error);
  g_assert_no_error (error);
  return accounts;
}

static JsonObject *
find_platform (JsonArray  *accounts,
               const char *platform)
{
  for (guint i = 0; i < json_array_get_length (accounts); i++)
    {
      JsonObject *account = json_array_get_object_element (accounts, i);

      if (g_strcmp0 (json_object_get_string_member (account, "platform"), platform) == 0)
        return account;
    }
  return NULL;
}

/* What GET /api/v1/accounts sends, every byte of it. */
static char *
raw_accounts (Fixture *f)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *auth = g_strdup_printf ("Bearer %s", f->api.admin);
  g_autoptr(SoupMessage) msg = cs_api_new_message (&f->api, "GET", "/accounts");
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static void
set_up_account (Fixture    *f,
                const char *platform,
                const char *setting,
                const char *value,
                const char *secret,
                const char *secret_value)
{
  g_autoptr(JsonObject) settings = json_object_new ();
  g_autoptr(JsonObject) secrets = json_object_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) accounts = NULL;

  json_object_set_string_member (settings, setting, value);
  if (secret != NULL)
    json_object_set_string_member (secrets, secret, secret_value);
  cs_queue_client_set_account_async (f->admin, platform, settings, secrets, NULL, cs_test_store_result_cb, &result);
  accounts = cs_queue_client_accounts_finish (f->admin, cs_test_wait_for_result (&result, 20), &error);
  g_assert_no_error (error);
}

/* The tests */

static void
test_admin_sets_up_mastodon (Fixture       *f,
                             gconstpointer  data)
{
  GtkWidget *mastodon, *address, *token, *save, *problem;
  g_autoptr(JsonArray) accounts = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *screenshot = NULL;
  JsonObject *account;
  gint64 updated_at;

  open_page_as (f, f->api.admin, TRUE);
  mastodon = group (f, "Mastodon");
  g_assert_cmpstr (status_of (mastodon), ==, "Not set up");
  g_assert_cmpstr (status_of (group (f, "Bluesky")), ==, "Not set up");
  address = child_of (mastodon, cs_test_is_row_titled, "Server address");
  token = child_of (mastodon, cs_test_is_row_titled, "Access token");
  save = child_of (mastodon, cs_test_is_button_labelled, "_Save");
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (token));
  /* Nothing to remove yet. */
  g_assert_false (gtk_widget_get_visible (child_of (mastodon, cs_test_is_button_labelled, "_Remove")));
  /* A new account starts from the queue's own defaults where it has one. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child_of (group (f, "Bluesky"), cs_test_is_row_titled,
                                                                  "Server address"))),
                   ==, "https://bsky.social");
  g_free (cs_test_screenshot (GTK_WIDGET (f->window), "preferences-accounts-admin"));

  gtk_editable_set_text (GTK_EDITABLE (address), "https://mastodon.larkfield.example");
  gtk_editable_set_text (GTK_EDITABLE (token), "  " TOKEN " ");
  g_signal_emit_by_name (save, "clicked");
  cs_test_wait_for (status_starts_with, &(Expect) { mastodon, "Set up — last changed " }, WAIT_MS,
                    "Mastodon to be set up");

  /* The queue has it, token and all, and never sends the token back. */
  accounts = list_accounts (f);
  account = find_platform (accounts, "mastodon");
  g_assert_nonnull (account);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (account, "settings"), "base_url"),
                   ==, "https://mastodon.larkfield.example");
  updated_at = json_object_get_int_member (account, "updated_at");
  raw = raw_accounts (f);
  g_assert_nonnull (strstr (raw, "mastodon.larkfield.example"));
  g_assert_null (strstr (raw, TOKEN));
  /* Nor does the page keep it in view. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (token)), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (address)), ==, "https://mastodon.larkfield.example");
  g_assert_true (gtk_widget_get_visible (child_of (mastodon, cs_test_is_button_labelled, "_Remove")));
  cs_test_spin (200);
  g_free (cs_test_screenshot (GTK_WIDGET (f->window), "preferences-accounts-saved"));

  /* Changing it without the token again is caught here: the queue would
   * take the new address and lose the token. */
  gtk_editable_set_text (GTK_EDITABLE (address), "https://social.larkfield.example");
  g_signal_emit_by_name (save, "clicked");
  problem = child_of (mastodon, is_error_label, "an error label");
  g_assert_true (gtk_widget_get_visible (problem));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (problem)), "Type the Access token again."));
  g_assert_true (gtk_widget_has_css_class (token, "error"));
  cs_test_spin (200);
  screenshot = cs_test_screenshot (GTK_WIDGET (f->window), "preferences-accounts-secret-needed");
  g_clear_pointer (&accounts, json_array_unref);
  accounts = list_accounts (f);
  g_assert_cmpint (json_object_get_int_member (find_platform (accounts, "mastodon"), "updated_at"), ==, updated_at);

  /* Typing clears the complaint; with the token it saves. */
  gtk_editable_set_text (GTK_EDITABLE (token), TOKEN "-2");
  g_assert_false (gtk_widget_get_visible (problem));
  g_assert_false (gtk_widget_has_css_class (token, "error"));
  g_signal_emit_by_name (save, "clicked");
  cs_test_wait_for (entry_is_empty, token, WAIT_MS, "the token to be saved");
  g_clear_pointer (&accounts, json_array_unref);
  accounts = list_accounts (f);
  account = find_platform (accounts, "mastodon");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (account, "settings"), "base_url"),
                   ==, "https://social.larkfield.example");
  g_assert_false (gtk_widget_get_visible (problem));
}

static void
test_server_refuses_plain_http (Fixture       *f,
                                gconstpointer  data)
{
  GtkWidget *mastodon, *problem;
  g_autoptr(JsonArray) accounts = NULL;
  const char *text;

  open_page_as (f, f->api.admin, TRUE);
  mastodon = group (f, "Mastodon");
  gtk_editable_set_text (GTK_EDITABLE (child_of (mastodon, cs_test_is_row_titled, "Server address")),
                         "http://mastodon.larkfield.example");
  gtk_editable_set_text (GTK_EDITABLE (child_of (mastodon, cs_test_is_row_titled, "Access token")), TOKEN);
  g_signal_emit_by_name (child_of (mastodon, cs_test_is_button_labelled, "_Save"), "clicked");

  problem = child_of (mastodon, is_error_label, "an error label");
  cs_test_wait_for (widget_is_visible, problem, WAIT_MS, "the queue's answer");
  /* The queue's own words, naming what is wrong and what to do. */
  text = gtk_label_get_text (GTK_LABEL (problem));
  g_assert_nonnull (strstr (text, "“http://mastodon.larkfield.example”, which is not an https:// address"));
  g_assert_cmpstr (status_of (mastodon), ==, "Not set up");
  /* The field it names is marked. */
  g_assert_true (gtk_widget_has_css_class (child_of (mastodon, cs_test_is_row_titled, "Server address"), "error"));
  g_assert_false (gtk_widget_has_css_class (child_of (mastodon, cs_test_is_row_titled, "Access token"), "error"));
  /* What was typed stays, to be corrected, the token too. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child_of (mastodon, cs_test_is_row_titled, "Access token"))),
                   ==, TOKEN);
  g_assert_true (gtk_widget_get_sensitive (child_of (mastodon, cs_test_is_button_labelled, "_Save")));
  cs_test_spin (200);
  g_free (cs_test_screenshot (GTK_WIDGET (f->window), "preferences-accounts-refused"));

  accounts = list_accounts (f);
  g_assert_null (find_platform (accounts, "mastodon"));
}

static void
test_head_sees_read_only (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *folder = g_build_filename (f->api.dir, "website", NULL);
  GtkWidget *mastodon, *export, *row;

  set_up_account (f, "mastodon", "base_url", "https://mastodon.larkfield.example", "access_token", TOKEN);
  set_up_account (f, "export", "folder", folder, NULL, NULL);

  open_page_as (f, f->api.head, TRUE);
  mastodon = group (f, "Mastodon");
  export = group (f, "Export Folder");
  g_assert_true (g_str_has_prefix (status_of (mastodon), "Set up — last changed "));
  g_assert_true (g_str_has_prefix (status_of (export), "Set up — last changed "));
  g_assert_cmpstr (status_of (group (f, "Bluesky")), ==, "Not set up");

  /* The settings are shown, but nothing can be typed, saved or removed,
   * and a secret has no row at all. */
  row = child_of (mastodon, cs_test_is_row_titled, "Server address");
  g_assert_true (ADW_IS_ACTION_ROW (row));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "https://mastodon.larkfield.example");
  row = child_of (export, cs_test_is_row_titled, "Folder");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, folder);
  g_assert_null (cs_test_find_widget (GTK_WIDGET (f->page), is_entry_row, NULL));
  g_assert_null (cs_test_find_widget (GTK_WIDGET (f->page), cs_test_is_row_titled, "Access token"));
  g_assert_null (cs_test_find_widget (GTK_WIDGET (f->page), cs_test_is_button_labelled, "_Save"));
  g_assert_null (cs_test_find_widget (GTK_WIDGET (f->page), cs_test_is_button_labelled, "_Remove"));
  g_assert_nonnull (cs_test_find_widget (GTK_WIDGET (f->page), is_label_starting,
                                 "The approval queue publishes each approved post to the accounts set up "
                                 "here. Only your school’s administrator can change them"));
  g_free (cs_test_screenshot (GTK_WIDGET (f->window), "preferences-accounts-read-only"));
}

static gboolean
me_answered (gpointer data)
{
  return *(gboolean *) data;
}

static void
me_cb (GObject      *source,
       GAsyncResult *result,
       gpointer      data)
{
  g_autoptr(JsonObject) me = cs_queue_client_get_me_finish (CS_QUEUE_CLIENT (source), result, NULL);

  g_assert_cmpstr (json_object_get_string_member (me, "role"), ==, "staff");
  *(gboolean *) data = TRUE;
}

static void
test_staff_do_not_see_it (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(CsQueueClient) staff = cs_queue_ui_client_new (&f->api, f->api.staff);
  gboolean answered = FALSE;

  open_page_as (f, f->api.staff, FALSE);
  /* Asked after the page asked, so answered after it too. */
  cs_queue_client_get_me_async (staff, NULL, me_cb, &answered);
  cs_test_wait_for (me_answered, &answered, WAIT_MS, "the queue to say who this is");
  cs_test_spin (200);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->page)));
  g_assert_null (cs_test_find_widget (GTK_WIDGET (f->page), cs_test_is_group_titled, "Mastodon"));

  /* Nor without a client, after an administrator's. */
  open_page_as (f, f->api.admin, TRUE);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->page)));
  cs_preferences_window_set_queue_client (f->window, NULL);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->page)));
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static void
test_admin_removes_account (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *folder = g_build_filename (f->api.dir, "website", NULL);
  g_autoptr(JsonArray) accounts = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *export, *remove;

  set_up_account (f, "export", "folder", folder, NULL, NULL);
  open_page_as (f, f->api.admin, TRUE);
  export = group (f, "Export Folder");
  g_assert_true (g_str_has_prefix (status_of (export), "Set up — last changed "));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child_of (export, cs_test_is_row_titled, "Folder"))),
                   ==, folder);

  remove = child_of (export, cs_test_is_button_labelled, "_Remove");
  g_signal_emit_by_name (remove, "clicked");
  cs_test_spin (100);
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Remove Export Folder?");
  g_free (cs_test_screenshot (GTK_WIDGET (dialog), "preferences-accounts-remove"));

  /* Cancelling keeps it. */
  adw_message_dialog_response (dialog, "cancel");
  cs_test_spin (200);
  accounts = list_accounts (f);
  g_assert_nonnull (find_platform (accounts, "export"));

  g_signal_emit_by_name (remove, "clicked");
  cs_test_spin (100);
  adw_message_dialog_response (find_dialog (), "remove");
  cs_test_wait_for (status_starts_with, &(Expect) { export, "Not set up" }, WAIT_MS, "the export folder to go");
  g_assert_false (gtk_widget_get_visible (remove));
  g_clear_pointer (&accounts, json_array_unref);
  accounts = list_accounts (f);
  g_assert_null (find_platform (accounts, "export"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/ui/preferences/accounts/admin-sets-up-mastodon", test_admin_sets_up_mastodon);
  ADD ("/ui/preferences/accounts/server-refuses-plain-http", test_server_refuses_plain_http);
  ADD ("/ui/preferences/accounts/head-sees-read-only", test_head_sees_read_only);
  ADD ("/ui/preferences/accounts/staff-do-not-see-it", test_staff_do_not_see_it);
  ADD ("/ui/preferences/accounts/admin-removes-account", test_admin_removes_account);

#undef ADD

  return g_test_run ();
}
