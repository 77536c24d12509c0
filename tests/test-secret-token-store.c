/* test-secret-token-store.c: sign-in tokens in a real keyring
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run by with-keyring.py, which gives it a GNOME Keyring of its own on a
 * private session bus; never run it against your own keyring.
 */

#include <libsecret/secret.h>

#include "cs-secret-token-store.h"

#define SERVER "https://queue.larkfield.sch.uk"

static const SecretSchema test_schema = {
  CS_SECRET_TOKEN_STORE_SCHEMA, SECRET_SCHEMA_NONE,
  {
    { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  GAsyncResult **slot = data;

  *slot = g_object_ref (result);
}

/* Runs the main context until the call answers; the keyring is on a bus,
 * so this takes a few round trips. */
static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (*slot == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The keyring did not answer within 20 seconds");
      g_main_context_iteration (NULL, TRUE);
    }
  return *slot;
}

static CsTokenStore *
open_store (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CsTokenStore *store;

  cs_secret_token_store_new_async (NULL, store_result_cb, &result);
  store = cs_secret_token_store_new_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_true (CS_IS_TOKEN_STORE (store));
  return store;
}

static char *
lookup (CsTokenStore *store,
        const char   *server)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *token;

  cs_token_store_lookup_async (store, server, NULL, store_result_cb, &result);
  token = cs_token_store_lookup_finish (store, wait_for (&result), &error);
  g_assert_no_error (error);
  return token;
}

static void
store_token (CsTokenStore *store,
             const char   *server,
             const char   *token)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  cs_token_store_store_async (store, server, token, NULL, store_result_cb, &result);
  g_assert_true (cs_token_store_store_finish (store, wait_for (&result), &error));
  g_assert_no_error (error);
}

static void
clear_token (CsTokenStore *store,
             const char   *server)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  cs_token_store_clear_async (store, server, NULL, store_result_cb, &result);
  g_assert_true (cs_token_store_clear_finish (store, wait_for (&result), &error));
  g_assert_no_error (error);
}

/* The items of our schema in the keyring, as another program (Passwords
 * and Keys, secret-tool) would find them. */
static GList *
items_for (const char *server)
{
  g_autoptr(GError) error = NULL;
  GList *items = secret_password_search_sync (&test_schema, SECRET_SEARCH_ALL, NULL, &error,
                                              "server", server,
                                              NULL);

  g_assert_no_error (error);
  return items;
}

static void
test_store_lookup_replace_clear (void)
{
  g_autoptr(CsTokenStore) store = open_store ();
  g_autofree char *none = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *gone = NULL;
  GList *items;

  none = lookup (store, SERVER);
  g_assert_null (none);

  /* The same server typed another way finds the same token. */
  store_token (store, "https://Queue.Larkfield.sch.uk/", "token-one");
  first = lookup (store, SERVER);
  g_assert_cmpstr (first, ==, "token-one");

  items = items_for (SERVER);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  g_assert_cmpstr (secret_retrievable_get_label (items->data), ==,
                   "Countersign approval queue at queue.larkfield.sch.uk");
  g_list_free_full (items, g_object_unref);

  /* Signing in again replaces the token rather than adding a second. */
  store_token (store, SERVER, "token-two");
  second = lookup (store, SERVER "/");
  g_assert_cmpstr (second, ==, "token-two");
  items = items_for (SERVER);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  g_list_free_full (items, g_object_unref);

  clear_token (store, SERVER);
  gone = lookup (store, SERVER);
  g_assert_null (gone);
  g_assert_null (items_for (SERVER));

  /* Forgetting what is not there is not an error. */
  clear_token (store, SERVER);
}

static void
test_servers_kept_apart (void)
{
  g_autoptr(CsTokenStore) store = open_store ();
  g_autofree char *larkfield = NULL;
  g_autofree char *other = NULL;
  g_autofree char *port = NULL;

  store_token (store, SERVER, "larkfield-token");
  store_token (store, "https://queue.other.sch.uk", "other-token");

  larkfield = lookup (store, SERVER);
  other = lookup (store, "https://queue.other.sch.uk");
  port = lookup (store, "https://queue.larkfield.sch.uk:8443");
  g_assert_cmpstr (larkfield, ==, "larkfield-token");
  g_assert_cmpstr (other, ==, "other-token");
  g_assert_null (port);

  clear_token (store, "https://queue.other.sch.uk");
  g_free (larkfield);
  larkfield = lookup (store, SERVER);
  g_assert_cmpstr (larkfield, ==, "larkfield-token");
  clear_token (store, SERVER);
}

static void
test_bad_address (void)
{
  g_autoptr(CsTokenStore) store = open_store ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  cs_token_store_store_async (store, "queue.larkfield.sch.uk", "token", NULL, store_result_cb, &result);
  g_assert_false (cs_token_store_store_finish (store, wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

/* With no Secret Service on the bus the store says so, for the app to
 * keep sign-ins in memory instead. */
static void
test_no_secret_service (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(CsTokenStore) store = NULL;

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/countersign-test-bus", TRUE);
      cs_secret_token_store_new_async (NULL, store_result_cb, &result);
      store = cs_secret_token_store_new_finish (wait_for (&result), &error);
      g_assert_null (store);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
      g_assert_true (g_str_has_prefix (error->message, "The keyring cannot be reached"));
      return;
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/secret-token-store/store-lookup-replace-clear", test_store_lookup_replace_clear);
  g_test_add_func ("/app/secret-token-store/servers-kept-apart", test_servers_kept_apart);
  g_test_add_func ("/app/secret-token-store/bad-address", test_bad_address);
  g_test_add_func ("/app/secret-token-store/no-secret-service", test_no_secret_service);

  return g_test_run ();
}
