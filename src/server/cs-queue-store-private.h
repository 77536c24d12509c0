/* cs-queue-store-private.h: the store's internals, for the files it is split into
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-queue-store.h"
#include "cs-db.h"

G_BEGIN_DECLS

struct _CsQueueStore
{
  GObject  parent_instance;

  /* One connection, used by one thread at a time: both databases
   * serialise the writers anyway (every write appends to the audit
   * chain), and reads are short. */
  GMutex   lock;
  CsDb    *db;
};

gint64     cs_queue_store_now          (void);

/* Runs @sql with @params; on failure sets @error to say what could not
 * be @doing. The caller holds the lock. */
CsDbRows  *cs_queue_store_query        (CsQueueStore    *self,
                                        const char      *sql,
                                        const CsDbValue *params,
                                        const char      *doing,
                                        GError         **error);

/* Takes the lock and starts a write transaction; commit() ends both,
 * rolling back when !@ok. */
gboolean   cs_queue_store_begin        (CsQueueStore    *self,
                                        GError         **error);
gboolean   cs_queue_store_commit       (CsQueueStore    *self,
                                        gboolean         ok,
                                        GError         **error);

/* Appends one entry to the audit chain, inside a write transaction. */
gboolean   cs_queue_store_append_audit (CsQueueStore    *self,
                                        const char      *school,
                                        const char      *actor,
                                        const char      *action,
                                        gint64           post,
                                        const char      *detail,
                                        GError         **error);

/* Moves post @id from @from to @to with its audit entry, inside a write
 * transaction; CONFLICT when it is no longer in @from. */
gboolean   cs_queue_store_transition_locked (CsQueueStore  *self,
                                             gint64         id,
                                             CsPostState    from,
                                             CsPostState    to,
                                             const char    *school,
                                             const char    *actor,
                                             const char    *comment,
                                             const char    *approved_hash,
                                             GError       **error);

/* Fills @post's deliveries; the caller holds the lock. */
gboolean   cs_queue_store_load_deliveries_locked   (CsQueueStore  *self,
                                                    CsQueuePost   *post,
                                                    GError       **error);
/* Fills the deliveries of every post in @by_id (id → CsQueuePost), which
 * a list query with @where and @params (the last one the lowest id)
 * found; the caller holds the lock. */
gboolean   cs_queue_store_attach_deliveries_locked (CsQueueStore    *self,
                                                    GHashTable      *by_id,
                                                    const char      *where,
                                                    const CsDbValue *params,
                                                    GError         **error);

G_END_DECLS
