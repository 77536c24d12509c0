/* cs-composer-window.h: the window office staff write posts in
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cs-application.h"

G_BEGIN_DECLS

#define CS_TYPE_COMPOSER_WINDOW (cs_composer_window_get_type ())

G_DECLARE_FINAL_TYPE (CsComposerWindow, cs_composer_window, CS, COMPOSER_WINDOW, AdwApplicationWindow)

/* Opens on the most recent draft, or on the demo post the first time. */
CsComposerWindow *cs_composer_window_new        (CsApplication    *application);
void              cs_composer_window_open_draft (CsComposerWindow *self,
                                                 CsDraft          *draft);
CsDraft          *cs_composer_window_get_draft  (CsComposerWindow *self);

G_END_DECLS
