/* cs-token-store.h: where the app keeps its sign-in token for each queue server
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The calls are asynchronous because the real store is the desktop's
 * keyring, which answers over D-Bus and may first ask to be unlocked.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CS_TYPE_TOKEN_STORE (cs_token_store_get_type ())

G_DECLARE_INTERFACE (CsTokenStore, cs_token_store, CS, TOKEN_STORE, GObject)

/* Implementations get @server_url already normalised (see
 * cs_token_store_normalise_url()), so they may compare it as a string. */
struct _CsTokenStoreInterface
{
  GTypeInterface parent_iface;

  void     (*lookup_async)  (CsTokenStore         *self,
                             const char           *server_url,
                             GCancellable         *cancellable,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data);
  char    *(*lookup_finish) (CsTokenStore         *self,
                             GAsyncResult         *result,
                             GError              **error);
  void     (*store_async)   (CsTokenStore         *self,
                             const char           *server_url,
                             const char           *token,
                             GCancellable         *cancellable,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data);
  gboolean (*store_finish)  (CsTokenStore         *self,
                             GAsyncResult         *result,
                             GError              **error);
  void     (*clear_async)   (CsTokenStore         *self,
                             const char           *server_url,
                             GCancellable         *cancellable,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data);
  gboolean (*clear_finish)  (CsTokenStore         *self,
                             GAsyncResult         *result,
                             GError              **error);
};

/* "https://Queue.School.example/" and "https://queue.school.example" are
 * the same server: the scheme and host lowered, a trailing slash dropped.
 * Returns NULL for something that is not an http or https address. */
char     *cs_token_store_normalise_url (const char           *server_url);

/* The token kept for @server_url, or NULL with no error when there is none. */
void      cs_token_store_lookup_async  (CsTokenStore         *self,
                                        const char           *server_url,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
char     *cs_token_store_lookup_finish (CsTokenStore         *self,
                                        GAsyncResult         *result,
                                        GError              **error);
/* Keeps @token for @server_url, replacing any before it. */
void      cs_token_store_store_async   (CsTokenStore         *self,
                                        const char           *server_url,
                                        const char           *token,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean  cs_token_store_store_finish  (CsTokenStore         *self,
                                        GAsyncResult         *result,
                                        GError              **error);
/* Forgets the token for @server_url, as on signing out. */
void      cs_token_store_clear_async   (CsTokenStore         *self,
                                        const char           *server_url,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean  cs_token_store_clear_finish  (CsTokenStore         *self,
                                        GAsyncResult         *result,
                                        GError              **error);

G_END_DECLS
