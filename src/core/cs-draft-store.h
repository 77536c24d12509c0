/* cs-draft-store.h: drafts kept on disk so that none is ever lost
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cs-draft.h"

G_BEGIN_DECLS

#define CS_DRAFT_STORE_ERROR (cs_draft_store_error_quark ())

typedef enum
{
  CS_DRAFT_STORE_ERROR_NOT_FOUND,
  CS_DRAFT_STORE_ERROR_CORRUPT,
  CS_DRAFT_STORE_ERROR_NOT_A_PHOTO,
  CS_DRAFT_STORE_ERROR_TOO_LARGE,
} CsDraftStoreError;

GQuark cs_draft_store_error_quark (void);

#define CS_TYPE_DRAFT_STORE (cs_draft_store_get_type ())

G_DECLARE_FINAL_TYPE (CsDraftStore, cs_draft_store, CS, DRAFT_STORE, GObject)

/* One folder per draft under @dir (default: $XDG_DATA_HOME/countersign/drafts):
 * draft.json and photos/. Writes are atomic and flushed to disk (write to a
 * temporary file, fsync, rename), so a crash or power cut leaves either the
 * old draft or the new one, never a torn one. */
CsDraftStore *cs_draft_store_new            (const char    *dir);
const char   *cs_draft_store_get_dir        (CsDraftStore  *self);

/* A new empty draft with a fresh id; nothing is written until saved. */
CsDraft      *cs_draft_store_create         (CsDraftStore  *self);
gboolean      cs_draft_store_save           (CsDraftStore  *self,
                                             CsDraft       *draft,
                                             GError       **error);
CsDraft      *cs_draft_store_load           (CsDraftStore  *self,
                                             const char    *id,
                                             GError       **error);
gboolean      cs_draft_store_delete         (CsDraftStore  *self,
                                             const char    *id,
                                             GError       **error);
/* Every draft, most recently modified first. A draft folder that cannot be
 * read is skipped (and logged), never deleted: it may be recoverable. */
GPtrArray    *cs_draft_store_list           (CsDraftStore  *self);

/* Copies the photo @source into @draft's folder and adds it as an
 * attachment in state CHECKING; the source is only read. Refuses files that
 * are not JPEG, PNG, WebP or HEIC by their content, and files over 60 MB. */
const CsAttachment *cs_draft_store_import_photo (CsDraftStore  *self,
                                                 CsDraft       *draft,
                                                 GFile         *source,
                                                 GError       **error);
/* The same for image data already in memory (pasted), saved as PNG. */
const CsAttachment *cs_draft_store_import_photo_bytes (CsDraftStore *self,
                                                       CsDraft      *draft,
                                                       GBytes       *png,
                                                       GError      **error);

G_END_DECLS
