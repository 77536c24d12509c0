/* cs-preferences-window.h: where the roster, policy, queue and default platforms are set
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CS_TYPE_PREFERENCES_WINDOW (cs_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (CsPreferencesWindow, cs_preferences_window, CS, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* Every row is bound to @settings (schema io.github.countersign.Countersign):
 * roster-file and policy-file (chosen with a file chooser, cleared back to
 * the demo files), queue-server (checked to look like an http(s) address
 * before it is saved) and default-platforms (a switch per platform). */
CsPreferencesWindow *cs_preferences_window_new (GtkWindow *parent,
                                                GSettings *settings);

G_END_DECLS
