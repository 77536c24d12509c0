/* cs-token-store-memory.c: tokens kept in memory only, for tests
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every call answers on the next main-context iteration, as the keyring
 * would, so that callers cannot come to rely on an answer in the call.
 */

#include "cs-token-store-memory.h"

struct _CsTokenStoreMemory
{
  GObject     parent_instance;

  GHashTable *tokens;  /* normalised server URL → token */
};

static void token_store_iface_init (CsTokenStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CsTokenStoreMemory, cs_token_store_memory, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CS_TYPE_TOKEN_STORE, token_store_iface_init))

static void
cs_token_store_memory_finalize (GObject *object)
{
  g_hash_table_unref (CS_TOKEN_STORE_MEMORY (object)->tokens);

  G_OBJECT_CLASS (cs_token_store_memory_parent_class)->finalize (object);
}

static void
cs_token_store_memory_class_init (CsTokenStoreMemoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cs_token_store_memory_finalize;
}

static void
cs_token_store_memory_init (CsTokenStoreMemory *self)
{
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

CsTokenStore *
cs_token_store_memory_new (void)
{
  return g_object_new (CS_TYPE_TOKEN_STORE_MEMORY, NULL);
}

static void
memory_lookup_async (CsTokenStore        *store,
                     const char          *server_url,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  CsTokenStoreMemory *self = CS_TOKEN_STORE_MEMORY (store);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, memory_lookup_async);
  g_task_return_pointer (task, g_strdup (g_hash_table_lookup (self->tokens, server_url)), g_free);
}

static char *
memory_lookup_finish (CsTokenStore  *store,
                      GAsyncResult  *result,
                      GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
memory_store_async (CsTokenStore        *store,
                    const char          *server_url,
                    const char          *token,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  CsTokenStoreMemory *self = CS_TOKEN_STORE_MEMORY (store);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, memory_store_async);
  g_hash_table_replace (self->tokens, g_strdup (server_url), g_strdup (token));
  g_task_return_boolean (task, TRUE);
}

static void
memory_clear_async (CsTokenStore        *store,
                    const char          *server_url,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  CsTokenStoreMemory *self = CS_TOKEN_STORE_MEMORY (store);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, memory_clear_async);
  g_hash_table_remove (self->tokens, server_url);
  g_task_return_boolean (task, TRUE);
}

static gboolean
memory_boolean_finish (CsTokenStore  *store,
                       GAsyncResult  *result,
                       GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
token_store_iface_init (CsTokenStoreInterface *iface)
{
  iface->lookup_async = memory_lookup_async;
  iface->lookup_finish = memory_lookup_finish;
  iface->store_async = memory_store_async;
  iface->store_finish = memory_boolean_finish;
  iface->clear_async = memory_clear_async;
  iface->clear_finish = memory_boolean_finish;
}
