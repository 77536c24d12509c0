/* cs-attachments-strip.h: the photos attached to a post, with their state and alt text
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cs-draft-store.h"

G_BEGIN_DECLS

#define CS_TYPE_ATTACHMENTS_STRIP (cs_attachments_strip_get_type ())

G_DECLARE_FINAL_TYPE (CsAttachmentsStrip, cs_attachments_strip, CS, ATTACHMENTS_STRIP, GtkWidget)

/* Shows @draft's photos as thumbnails, each with its state (checking,
 * blurred, needs review) and an ALT badge, and an "Add Photo" button.
 * Activating a photo emits ::photo-activated (the attachment's id), for the
 * photo editor; its ALT badge opens a popover to write its alt text or
 * remove it. Photos dropped on the strip are imported too. Problems (a file
 * that is not a photo, too large) are reported with ::error (a message to
 * show). */
GtkWidget *cs_attachments_strip_new           (void);
void       cs_attachments_strip_set_draft     (CsAttachmentsStrip *self,
                                               CsDraftStore       *store,
                                               CsDraft            *draft);
/* Opens the file chooser, as the "Add Photo" button does. */
void       cs_attachments_strip_add_photo     (CsAttachmentsStrip *self);
/* Imports photos, as a drop does. */
void       cs_attachments_strip_import_files  (CsAttachmentsStrip *self,
                                               GSList             *files);
/* Imports an image pasted from the clipboard. */
void       cs_attachments_strip_import_texture (CsAttachmentsStrip *self,
                                                GdkTexture         *texture);
/* Opens photo @id's alt text popover, as its ALT badge does. */
void       cs_attachments_strip_edit_alt_text (CsAttachmentsStrip *self,
                                               const char         *id);
/* Says on photo @id's tile and in its popover what the photo check could not
 * do: @message (NULL to clear) is why, and what to do instead; @failed when
 * the photo could not be checked at all (it cannot be read). */
void       cs_attachments_strip_set_photo_note (CsAttachmentsStrip *self,
                                                const char         *id,
                                                const char         *message,
                                                gboolean            failed);

G_END_DECLS
