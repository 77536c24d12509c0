/* cs-token-store-memory.h: tokens kept in memory only, for tests
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-token-store.h"

G_BEGIN_DECLS

#define CS_TYPE_TOKEN_STORE_MEMORY (cs_token_store_memory_get_type ())

G_DECLARE_FINAL_TYPE (CsTokenStoreMemory, cs_token_store_memory, CS, TOKEN_STORE_MEMORY, GObject)

CsTokenStore *cs_token_store_memory_new (void);

G_END_DECLS
