/* cs-test-ui.h: waiting for the main loop, screenshots and finding widgets, for UI tests
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
/* Destroys @window and fails unless it is finalized soon after. */
void  cs_test_close_window   (gpointer         window);

/* The app's settings in a memory backend of their own, from the schema
 * compiled in GSETTINGS_SCHEMA_DIR. */
GSettings *cs_test_settings_new (void);

/* Finding widgets */

typedef gboolean (*CsTestMatch) (GtkWidget     *widget,
                                 gconstpointer  data);

/* The first widget below @root (not @root itself), depth first, that
 * @match takes with @data. */
GtkWidget *cs_test_find_widget        (GtkWidget     *root,
                                       CsTestMatch    match,
                                       gconstpointer  data);
/* Matches for cs_test_find_widget(), each on a title or label @data. */
gboolean   cs_test_is_group_titled    (GtkWidget     *widget,
                                       gconstpointer  title);
gboolean   cs_test_is_row_titled      (GtkWidget     *widget,
                                       gconstpointer  title);
gboolean   cs_test_is_button_labelled (GtkWidget     *widget,
                                       gconstpointer  label);

/* The first label, @widget or below it, whose text contains @text. */
GtkLabel  *cs_test_find_label         (GtkWidget     *widget,
                                       const char    *text);
gboolean   cs_test_has_label          (GtkWidget     *widget,
                                       const char    *text);

typedef struct
{
  GtkWidget  *widget;
  const char *text;
} CsTestLabelWait;

/* Conditions on a CsTestLabelWait, for cs_test_wait_for(). */
gboolean   cs_test_label_shown        (gpointer       wait);
gboolean   cs_test_label_gone         (gpointer       wait);
/* Waits until a label in @widget shows @text. */
void       cs_test_wait_for_label     (GtkWidget     *widget,
                                       const char    *text,
                                       guint          timeout_ms);

G_END_DECLS
