/* test-preferences-sign-in.c: signing in to a school's server from Preferences
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Sign In group is driven as office staff would, against the real
 * queue server in a thread of its own. Under with-keyring.py the token
 * goes to a real GNOME Keyring; without one, to the memory store the app
 * falls back to.
 */

#include <gio/gio.h>

#include "cs-preferences-window.h"
#include "cs-queue-client.h"
#include "cs-secret-token-store.h"
#include "cs-test-queue-api.h"
#include "cs-test-ui.h"
#include "cs-token-store-memory.h"

#define WAIT_MS 20000
#define PASSWORD "correct horse battery"

typedef struct
{
  CsApiFixture         api;        /* Sam, with a password, at Larkfield */
  char                *base_url;   /* as typed in Preferences */
  char                *url;        /* as the token store keys it */
  CsTokenStore        *tokens;
  GSettings           *settings;
  CsPreferencesWindow *window;
  guint                changes;    /* ::sign-in-changed */
} Fixture;

static void
store_ready_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static CsTokenStore *
open_token_store (void)
{
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;
  CsTokenStore *tokens;

  cs_secret_token_store_new_async (NULL, store_ready_cb, &result);
  cs_test_wait_for_result (&result, 20);
  tokens = cs_secret_token_store_new_finish (result, &error);
  g_object_unref (result);
  if (tokens != NULL)
    {
      g_test_message ("Tokens go to the keyring");
      return tokens;
    }
  g_test_message ("No keyring (%s); tokens stay in memory", error->message);
  return cs_token_store_memory_new ();
}

static void
sign_in_changed_cb (CsPreferencesWindow *window,
                    Fixture             *f)
{
  f->changes++;
}

static CsPreferencesWindow *
open_window (Fixture *f)
{
  CsPreferencesWindow *window = g_object_ref (cs_preferences_window_new (NULL, f->settings));

  g_signal_connect (window, "sign-in-changed", G_CALLBACK (sign_in_changed_cb), f);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 1000);
  gtk_window_present (GTK_WINDOW (window));
  cs_preferences_window_set_token_store (window, f->tokens);
  cs_test_spin (100);
  return window;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  cs_api_fixture_open (&f->api);
  f->api.staff = cs_queue_store_add_user (f->api.store, "larkfield", "sam", CS_USER_STAFF, PASSWORD, &error);
  g_assert_no_error (error);

  f->api.max_body = 8 * 1024 * 1024;
  f->api.rate = 100000;
  cs_api_start_server (&f->api);
  f->base_url = g_strdup_printf ("http://127.0.0.1:%u", f->api.port);
  f->url = cs_token_store_normalise_url (f->base_url);
  f->tokens = open_token_store ();

  f->settings = cs_test_settings_new ();
  g_settings_set_string (f->settings, "queue-server", f->base_url);

  f->window = open_window (f);
}

static void
clear_token (Fixture *f)
{
  GAsyncResult *result = NULL;

  cs_token_store_clear_async (f->tokens, f->url, NULL, cs_test_store_result_cb, &result);
  g_assert_true (cs_token_store_clear_finish (f->tokens, cs_test_wait_for_result (&result, 20), NULL));
  g_object_unref (result);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  cs_test_spin (50);
  g_assert_finalize_object (f->window);
  g_assert_finalize_object (f->settings);

  /* The keyring outlives the test; leave nothing in it. */
  clear_token (f);
  g_clear_object (&f->tokens);
  cs_api_fixture_teardown (&f->api, data);
  g_free (f->base_url);
  g_free (f->url);
}

/* Finding widgets */

static gboolean
is_row_starting (GtkWidget     *widget,
                 gconstpointer  prefix)
{
  return ADW_IS_ACTION_ROW (widget) &&
         g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), prefix);
}

static gboolean
is_error_label (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "error") &&
         gtk_widget_get_visible (widget);
}

static GtkWidget *
find (Fixture     *f,
      gboolean   (*match) (GtkWidget *widget, gconstpointer data),
      const char  *what)
{
  GtkWidget *found = cs_test_find_widget (GTK_WIDGET (f->window), match, what);

  if (found == NULL)
    g_error ("No “%s” found", what);
  return found;
}

static GtkWidget *
sign_in_group (Fixture *f)
{
  return find (f, cs_test_is_group_titled, "Sign In");
}

/* Waiting */

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

typedef struct
{
  Fixture    *f;
  const char *text;
} Expect;

static gboolean
shows_signed_in (gpointer data)
{
  Expect *e = data;
  GtkWidget *row = cs_test_find_widget (GTK_WIDGET (e->f->window), is_row_starting, "Signed in");

  return row != NULL && gtk_widget_get_mapped (row) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), e->text) == 0;
}

static gboolean
shows_error (gpointer data)
{
  Expect *e = data;
  GtkWidget *label = cs_test_find_widget (GTK_WIDGET (e->f->window), is_error_label, NULL);

  return label != NULL && gtk_widget_get_mapped (label) &&
         g_str_has_prefix (gtk_label_get_text (GTK_LABEL (label)), e->text);
}

static char *
lookup_token (Fixture *f)
{
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;
  char *token;

  cs_token_store_lookup_async (f->tokens, f->url, NULL, cs_test_store_result_cb, &result);
  token = cs_token_store_lookup_finish (f->tokens, cs_test_wait_for_result (&result, 20), &error);
  g_assert_no_error (error);
  g_object_unref (result);
  return token;
}

static void
fill_in (Fixture    *f,
         const char *school,
         const char *name,
         const char *password)
{
  gtk_editable_set_text (GTK_EDITABLE (find (f, cs_test_is_row_titled, "School id")), school);
  gtk_editable_set_text (GTK_EDITABLE (find (f, cs_test_is_row_titled, "Your name")), name);
  gtk_editable_set_text (GTK_EDITABLE (find (f, cs_test_is_row_titled, "Password")), password);
}

static void
click (Fixture    *f,
       const char *label)
{
  GtkWidget *button = find (f, cs_test_is_button_labelled, label);

  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* Tests */

static void
test_hidden_for_this_computer (Fixture       *f,
                               gconstpointer  data)
{
  GtkWidget *group = sign_in_group (f);

  g_assert_true (gtk_widget_get_visible (group));
  /* The queue on this computer signs itself in. */
  g_settings_set_string (f->settings, "queue-server", "");
  cs_test_spin (50);
  g_assert_false (gtk_widget_get_visible (group));
  g_settings_set_string (f->settings, "queue-server", f->base_url);
  cs_test_spin (50);
  g_assert_true (gtk_widget_get_visible (group));
}

static void
test_sign_in_and_out (Fixture       *f,
                      gconstpointer  data)
{
  Expect wrong = { f, "The user name or password is wrong" };
  Expect signed_in = { f, "Signed in as sam (office staff) at larkfield" };
  GtkWidget *password = find (f, cs_test_is_row_titled, "Password");
  GtkWidget *sign_in = find (f, cs_test_is_button_labelled, "Sign In");
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  g_autoptr(CsQueueClient) client = NULL;
  g_autoptr(JsonObject) me = NULL;
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;

  cs_test_wait_for (is_mapped, password, WAIT_MS, "the sign-in rows");
  g_assert_null (lookup_token (f));
  /* Nothing to sign in with yet. */
  g_assert_false (gtk_widget_is_sensitive (sign_in));

  /* A wrong password: the server's words, under the rows. */
  fill_in (f, "larkfield", "sam", "wrong");
  click (f, "Sign In");
  cs_test_wait_for (shows_error, &wrong, WAIT_MS, "the server's refusal");
  g_assert_true (gtk_widget_has_css_class (password, "error"));
  g_assert_null (lookup_token (f));
  g_assert_cmpuint (f->changes, ==, 0);
  path = cs_test_screenshot (GTK_WIDGET (f->window), "preferences-sign-in-refused");
  g_test_message ("Screenshot: %s", path);
  g_clear_pointer (&path, g_free);

  /* The right one: signed in, and the token kept for this server. */
  gtk_editable_set_text (GTK_EDITABLE (password), PASSWORD);
  g_assert_false (gtk_widget_has_css_class (password, "error"));
  click (f, "Sign In");
  cs_test_wait_for (shows_signed_in, &signed_in, WAIT_MS, "signed in");
  g_assert_cmpuint (f->changes, ==, 1);
  g_assert_false (gtk_widget_get_mapped (password));
  /* The password is not kept in the window either. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password)), ==, "");
  token = lookup_token (f);
  g_assert_nonnull (token);
  path = cs_test_screenshot (GTK_WIDGET (f->window), "preferences-signed-in");
  g_test_message ("Screenshot: %s", path);
  g_clear_pointer (&path, g_free);

  /* The kept token is one the server takes. */
  client = cs_queue_client_new (f->base_url, token);
  cs_queue_client_get_me_async (client, NULL, cs_test_store_result_cb, &result);
  me = cs_queue_client_get_me_finish (client, cs_test_wait_for_result (&result, 20), &error);
  g_clear_object (&result);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (me, "name"), ==, "sam");

  /* Opened again, Preferences knows who is signed in. */
  gtk_window_destroy (GTK_WINDOW (f->window));
  cs_test_spin (50);
  g_assert_finalize_object (f->window);
  f->window = open_window (f);
  cs_test_wait_for (shows_signed_in, &signed_in, WAIT_MS, "still signed in");

  /* Signing out forgets the token. */
  f->changes = 0;
  click (f, "Sign Out");
  password = find (f, cs_test_is_row_titled, "Password");
  cs_test_wait_for (is_mapped, password, WAIT_MS, "the sign-in rows again");
  g_assert_cmpuint (f->changes, ==, 1);
  g_clear_pointer (&token, g_free);
  token = lookup_token (f);
  g_assert_null (token);
}

static void
test_ended_sign_in (Fixture       *f,
                    gconstpointer  data)
{
  Expect ended = { f, "Your sign-in at" };
  GAsyncResult *result = NULL;
  g_autofree char *path = NULL;

  /* A token the server no longer takes, as after an administrator reset it. */
  cs_token_store_store_async (f->tokens, f->url, "not-a-token-the-server-knows", NULL,
                              cs_test_store_result_cb, &result);
  g_assert_true (cs_token_store_store_finish (f->tokens, cs_test_wait_for_result (&result, 20), NULL));
  g_clear_object (&result);

  gtk_window_destroy (GTK_WINDOW (f->window));
  cs_test_spin (50);
  g_assert_finalize_object (f->window);
  f->window = open_window (f);
  cs_test_wait_for (shows_error, &ended, WAIT_MS, "the sign-in has ended");
  cs_preferences_window_show_sign_in (f->window);
  cs_test_spin (100);
  /* Straight to the first row left to fill. */
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)),
                                         find (f, cs_test_is_row_titled, "School id")));
  path = cs_test_screenshot (GTK_WIDGET (f->window), "preferences-sign-in-ended");
  g_test_message ("Screenshot: %s", path);
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

  ADD ("/ui/preferences/sign-in/hidden-for-this-computer", test_hidden_for_this_computer);
  ADD ("/ui/preferences/sign-in/sign-in-and-out", test_sign_in_and_out);
  ADD ("/ui/preferences/sign-in/ended-sign-in", test_ended_sign_in);

#undef ADD

  return g_test_run ();
}
