/* cs-test-ui.h: waiting for the main loop and taking screenshots, for UI tests
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef gboolean (*CsTestCondition) (gpointer data);

/* Runs the main loop until @condition holds; fails the test after @timeout_ms. */
void cs_test_wait_for        (CsTestCondition  condition,
                              gpointer         data,
                              guint            timeout_ms,
                              const char      *what);
/* Runs the main loop for about @ms milliseconds. */
void cs_test_spin            (guint            ms);
/* Presses and releases @keyval with @modifiers (Control, Shift, Alt) on
 * @window as a keyboard would: the X server's XTEST extension sends real key
 * events, so shortcuts, bindings and focus all take part. */
void  cs_test_press_key      (GtkWidget       *window,
                              guint            keyval,
                              GdkModifierType  modifiers);

/* Saves what @window shows as screenshots/NAME.png in the build dir. */
char *cs_test_screenshot     (GtkWidget       *window,
                              const char      *name);

G_END_DECLS
