/* cs-photo-editor.h: shows a photo's regions and lets the user change them
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cs-core.h"

G_BEGIN_DECLS

#define CS_TYPE_PHOTO_EDITOR (cs_photo_editor_get_type ())

G_DECLARE_FINAL_TYPE (CsPhotoEditor, cs_photo_editor, CS, PHOTO_EDITOR, AdwWindow)

/* Edits the regions of attachment @photo_id of @draft in place (through
 * cs_draft_set_photo_regions() and cs_draft_set_marked_by_hand()), with
 * the pupils of @roster to tag faces with. */
CsPhotoEditor *cs_photo_editor_new (GtkWindow  *parent,
                                    CsDraft    *draft,
                                    const char *photo_id,
                                    CsRoster   *roster);

G_END_DECLS
