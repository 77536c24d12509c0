/* cs-files-private.h: folders and files that survive a power cut, kept private
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the draft store and the outbox, which both hold children's
 * photos and posts that must not be lost.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Folders made for drafts and submissions: their owner's alone. */
#define PRIVATE_DIR_MODE 0700

void     cs_sync_path          (const char  *path);
gboolean cs_ensure_private_dir (const char  *path,
                                GError     **error);
gboolean cs_delete_recursively (GFile       *file,
                                GFileType    type,
                                GError     **error);
/* cs_delete_recursively() for @path, whatever it is; FALSE when it was
 * not there or could not be removed. */
gboolean cs_delete_path        (const char  *path,
                                GError     **error);

G_END_DECLS
