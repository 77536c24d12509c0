/* cs-token-store.c: where the app keeps its sign-in token for each queue server
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-token-store.h"

#include <string.h>

G_DEFINE_INTERFACE (CsTokenStore, cs_token_store, G_TYPE_OBJECT)

static void
cs_token_store_default_init (CsTokenStoreInterface *iface)
{
}

char *
cs_token_store_normalise_url (const char *server_url)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *text = NULL;
  gsize len;

  if (server_url == NULL)
    return NULL;
  uri = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0' ||
      (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0 &&
       g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0))
    return NULL;

  /* GUri already lowers the scheme; the host is lowered here so that the
   * same server typed two ways finds the same token. */
  {
    g_autofree char *scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
    g_autofree char *host = g_ascii_strdown (g_uri_get_host (uri), -1);
    g_autoptr(GUri) lowered = g_uri_build (G_URI_FLAGS_NONE, scheme, NULL, host, g_uri_get_port (uri),
                                           g_uri_get_path (uri), NULL, NULL);

    text = g_uri_to_string (lowered);
  }
  len = strlen (text);
  while (len > 0 && text[len - 1] == '/')
    text[--len] = '\0';
  return g_steal_pointer (&text);
}

static gboolean
check_url (gpointer             self,
           const char          *server_url,
           char               **normalised,
           GAsyncReadyCallback  callback,
           gpointer             user_data,
           gpointer             source_tag)
{
  *normalised = cs_token_store_normalise_url (server_url);
  if (*normalised == NULL)
    {
      g_task_report_new_error (self, callback, user_data, source_tag, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "“%s” is not the address of a server; it should start with https://.",
                               server_url != NULL ? server_url : "");
      return FALSE;
    }
  return TRUE;
}

/* Errors found before reaching the implementation come back as a plain
 * GTask from g_task_report_new_error(), so each finish looks for one. */
static gboolean
is_reported (GAsyncResult *result,
             gpointer      source_tag)
{
  return G_IS_TASK (result) && g_task_get_source_tag (G_TASK (result)) == source_tag;
}

void
cs_token_store_lookup_async (CsTokenStore        *self,
                             const char          *server_url,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autofree char *url = NULL;

  g_return_if_fail (CS_IS_TOKEN_STORE (self));

  if (check_url (self, server_url, &url, callback, user_data, cs_token_store_lookup_async))
    CS_TOKEN_STORE_GET_IFACE (self)->lookup_async (self, url, cancellable, callback, user_data);
}

char *
cs_token_store_lookup_finish (CsTokenStore  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (CS_IS_TOKEN_STORE (self), NULL);

  if (is_reported (result, cs_token_store_lookup_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  return CS_TOKEN_STORE_GET_IFACE (self)->lookup_finish (self, result, error);
}

void
cs_token_store_store_async (CsTokenStore        *self,
                            const char          *server_url,
                            const char          *token,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *url = NULL;

  g_return_if_fail (CS_IS_TOKEN_STORE (self));
  g_return_if_fail (token != NULL);

  if (check_url (self, server_url, &url, callback, user_data, cs_token_store_store_async))
    CS_TOKEN_STORE_GET_IFACE (self)->store_async (self, url, token, cancellable, callback, user_data);
}

gboolean
cs_token_store_store_finish (CsTokenStore  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (CS_IS_TOKEN_STORE (self), FALSE);

  if (is_reported (result, cs_token_store_store_async))
    return g_task_propagate_boolean (G_TASK (result), error);
  return CS_TOKEN_STORE_GET_IFACE (self)->store_finish (self, result, error);
}

void
cs_token_store_clear_async (CsTokenStore        *self,
                            const char          *server_url,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *url = NULL;

  g_return_if_fail (CS_IS_TOKEN_STORE (self));

  if (check_url (self, server_url, &url, callback, user_data, cs_token_store_clear_async))
    CS_TOKEN_STORE_GET_IFACE (self)->clear_async (self, url, cancellable, callback, user_data);
}

gboolean
cs_token_store_clear_finish (CsTokenStore  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (CS_IS_TOKEN_STORE (self), FALSE);

  if (is_reported (result, cs_token_store_clear_async))
    return g_task_propagate_boolean (G_TASK (result), error);
  return CS_TOKEN_STORE_GET_IFACE (self)->clear_finish (self, result, error);
}
