/* cs-secret-token-store.h: sign-in tokens kept in the desktop's keyring
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-token-store.h"

G_BEGIN_DECLS

#define CS_SECRET_TOKEN_STORE_SCHEMA "io.github.countersign.Countersign.Token"

#define CS_TYPE_SECRET_TOKEN_STORE (cs_secret_token_store_get_type ())

G_DECLARE_FINAL_TYPE (CsSecretTokenStore, cs_secret_token_store, CS, SECRET_TOKEN_STORE, GObject)

/* Reaches the Secret Service (GNOME Keyring, KeePassXC, KWallet…) on the
 * session bus and opens a session with it; fails, with the reason, when
 * there is none to reach. Each token is an item of the schema
 * CS_SECRET_TOKEN_STORE_SCHEMA with the attribute "server" (the queue's
 * normalised address) in the default collection, so that an IT technician
 * can also put one there by hand:
 *   secret-tool store --label=Countersign xdg:schema io.github.countersign.Countersign.Token \
 *     server https://queue.myschool.sch.uk */
void          cs_secret_token_store_new_async  (GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
CsTokenStore *cs_secret_token_store_new_finish (GAsyncResult        *result,
                                                GError             **error);

G_END_DECLS
