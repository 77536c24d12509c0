/* cs-photo-editor-private.h: the photo editor's insides, for its UI tests
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-photo-canvas-private.h"
#include "cs-photo-editor.h"

G_BEGIN_DECLS

struct _CsPhotoEditor
{
  AdwWindow            parent_instance;

  /* Template widgets */
  AdwWindowTitle      *window_title;
  GtkButton           *undo_button;
  GtkToggleButton     *flap_toggle;
  AdwFlap             *flap;
  GtkRevealer         *banner_revealer;
  GtkLabel            *banner_label;
  GtkCheckButton      *marked_check;
  GtkStack            *photo_stack;
  GtkSpinner          *spinner;
  AdwStatusPage       *error_page;
  CsPhotoCanvas       *canvas;
  GtkButton           *add_button;
  GtkLabel            *summary_label;
  GtkListBox          *regions_list;
  GtkWidget           *hint_label;
  GtkWidget           *details_box;
  AdwPreferencesGroup *details_group;
  AdwActionRow        *pupil_row;
  GtkMenuButton       *pupil_button;
  GtkPopover          *pupil_popover;
  GtkSearchEntry      *pupil_search;
  GtkListBox          *pupil_list;
  AdwActionRow        *blur_row;
  GtkSwitch           *blur_switch;
  AdwActionRow        *text_row;
  GtkLabel            *status_label;
  GtkWidget           *problem_box;
  GtkImage            *problem_icon;
  GtkLabel            *problem_label;

  CsDraft             *draft;
  char                *photo_id;
  CsChecker           *checker;
  GCancellable        *cancellable;
  gboolean             loading;

  /* The image the regions' coordinates refer to. */
  int                  width;
  int                  height;

  /* CsPhotoRegion: what is shown, and what was last written to the draft. */
  GPtrArray           *regions;
  /* CsFinding for this photo's regions, as of the last change. */
  GPtrArray           *findings;
  /* Earlier states of @regions (GPtrArray of CsPhotoRegion), newest last. */
  GPtrArray           *undo_stack;

  /* Set while the editor writes to the draft, so that the draft's
   * ::changed is not taken for somebody else's change. */
  gboolean             writing;
  /* Set while widgets are filled from the model, so that doing so is not
   * taken for the user's choice. */
  gboolean             updating;
};

G_END_DECLS
