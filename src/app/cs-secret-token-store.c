/* cs-secret-token-store.c: sign-in tokens kept in the desktop's keyring
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every call goes to the Secret Service over D-Bus, which may first ask
 * the person at the computer to unlock the keyring, so none blocks.
 * Tokens are never logged: errors carry the keyring's reason only.
 */

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "cs-secret-token-store.h"

struct _CsSecretTokenStore
{
  GObject        parent_instance;

  SecretService *service;
};

static void token_store_iface_init (CsTokenStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CsSecretTokenStore, cs_secret_token_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CS_TYPE_TOKEN_STORE, token_store_iface_init))

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    CS_SECRET_TOKEN_STORE_SCHEMA, SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

static void
cs_secret_token_store_dispose (GObject *object)
{
  g_clear_object (&CS_SECRET_TOKEN_STORE (object)->service);

  G_OBJECT_CLASS (cs_secret_token_store_parent_class)->dispose (object);
}

static void
cs_secret_token_store_class_init (CsSecretTokenStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cs_secret_token_store_dispose;
}

static void
cs_secret_token_store_init (CsSecretTokenStore *self)
{
}

static void
service_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = secret_service_get_finish (result, &error);
  CsSecretTokenStore *self;

  if (service == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("The keyring cannot be reached (%s)."), error->message);
      return;
    }

  self = g_object_new (CS_TYPE_SECRET_TOKEN_STORE, NULL);
  self->service = g_steal_pointer (&service);
  g_task_return_pointer (task, self, g_object_unref);
}

void
cs_secret_token_store_new_async (GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, cs_secret_token_store_new_async);
  /* In the Flatpak sandbox libsecret keeps passwords in its own file
   * behind the Secret portal, and the keyring's bus name is out of reach
   * on purpose: there is nothing to probe. */
  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    {
      g_task_return_pointer (task, g_object_new (CS_TYPE_SECRET_TOKEN_STORE, NULL), g_object_unref);
      g_object_unref (task);
      return;
    }
  /* Opening a session is a real round trip: a bus with no Secret Service
   * on it fails here rather than on the first sign-in. */
  secret_service_get (SECRET_SERVICE_OPEN_SESSION, cancellable, service_cb, task);
}

CsTokenStore *
cs_secret_token_store_new_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The keyring's own message, with what to do about it. */
static void
return_keyring_error (GTask      *task,
                      GError     *error,
                      const char *format)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, error);
  else
    {
      g_task_return_new_error (task, error->domain, error->code, format, error->message);
      g_error_free (error);
    }
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *secret = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    {
      return_keyring_error (task, error,
                            _("Your sign-in could not be read from the keyring (%s). "
                              "Unlock the keyring, or sign in again."));
      return;
    }

  /* libsecret's copy is wiped when freed; the caller's is plain memory. */
  g_task_return_pointer (task, g_strdup (secret), g_free);
  secret_password_free (secret);
}

static void
secret_lookup_async (CsTokenStore        *store,
                     const char          *server_url,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, secret_lookup_async);
  secret_password_lookup (token_schema (), cancellable, lookup_cb, task,
                          "server", server_url,
                          NULL);
}

static char *
secret_lookup_finish (CsTokenStore  *store,
                      GAsyncResult  *result,
                      GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      return_keyring_error (task, error,
                            _("Your sign-in could not be kept in the keyring (%s). "
                              "Unlock the keyring and sign in again."));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
secret_store_async (CsTokenStore        *store,
                    const char          *server_url,
                    const char          *token,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (store, cancellable, callback, user_data);
  g_autoptr(GUri) uri = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *label = NULL;

  g_task_set_source_tag (task, secret_store_async);
  /* What the keyring's own window (Passwords and Keys) lists it as. */
  label = g_strdup_printf (_("Countersign approval queue at %s"),
                           uri != NULL ? g_uri_get_host (uri) : server_url);
  /* An item with the same attributes is replaced, not added beside. */
  secret_password_store (token_schema (), SECRET_COLLECTION_DEFAULT, label, token, cancellable,
                         store_cb, task,
                         "server", server_url,
                         NULL);
}

static void
clear_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE with no error means there was nothing to forget: done all the same. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      return_keyring_error (task, error,
                            _("Your sign-in could not be removed from the keyring (%s). "
                              "Unlock the keyring and try again."));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
secret_clear_async (CsTokenStore        *store,
                    const char          *server_url,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, secret_clear_async);
  secret_password_clear (token_schema (), cancellable, clear_cb, task,
                         "server", server_url,
                         NULL);
}

static gboolean
secret_boolean_finish (CsTokenStore  *store,
                       GAsyncResult  *result,
                       GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
token_store_iface_init (CsTokenStoreInterface *iface)
{
  iface->lookup_async = secret_lookup_async;
  iface->lookup_finish = secret_lookup_finish;
  iface->store_async = secret_store_async;
  iface->store_finish = secret_boolean_finish;
  iface->clear_async = secret_clear_async;
  iface->clear_finish = secret_boolean_finish;
}
