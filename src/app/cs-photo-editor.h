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
 * the pupils of @roster to tag faces with. Problems are judged by the
 * built-in default policy; use cs_photo_editor_new_with_checker() to judge
 * them by the school's. The editor closes itself when the photo is removed
 * from the draft. */
CsPhotoEditor *cs_photo_editor_new              (GtkWindow  *parent,
                                                 CsDraft    *draft,
                                                 const char *photo_id,
                                                 CsRoster   *roster);

/* As cs_photo_editor_new(), with the roster and policy of @checker (the
 * session's), so the editor shows the same problems as the composer. */
CsPhotoEditor *cs_photo_editor_new_with_checker (GtkWindow  *parent,
                                                 CsDraft    *draft,
                                                 const char *photo_id,
                                                 CsChecker  *checker);

CsDraft       *cs_photo_editor_get_draft        (CsPhotoEditor *self);
const char    *cs_photo_editor_get_photo_id     (CsPhotoEditor *self);

/* TRUE until the photo has been decoded (or has failed to). */
gboolean       cs_photo_editor_is_loading       (CsPhotoEditor *self);

G_END_DECLS
