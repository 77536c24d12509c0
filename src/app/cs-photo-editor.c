/* cs-photo-editor.c: shows a photo's regions and lets the user change them
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cs-photo-editor"

#include <string.h>

#include <glib/gi18n.h>

#include "cs-photo-editor-private.h"

/* Photos are shown no larger than this on their longer side: enough for a
 * large screen, and it keeps a 48-megapixel photo from taking seconds to
 * upload to the GPU and to blur on every frame. */
#define MAX_TEXTURE_SIDE 2048

/* Enough to back out of a muddle; each arrow key press is one step. */
#define MAX_UNDO 200

/* Read text longer than this is cut short in the list. */
#define MAX_TEXT_CHARS 24

G_DEFINE_FINAL_TYPE (CsPhotoEditor, cs_photo_editor, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_DRAFT,
  PROP_PHOTO_ID,
  PROP_CHECKER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void refresh (CsPhotoEditor *self);

/* The model
 * =========
 */

static const CsAttachment *
get_attachment (CsPhotoEditor *self)
{
  return cs_draft_find_attachment (self->draft, self->photo_id);
}

static GPtrArray *
copy_regions (GPtrArray *regions)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_photo_region_free);

  for (guint i = 0; regions != NULL && i < regions->len; i++)
    g_ptr_array_add (copy, cs_photo_region_copy (g_ptr_array_index (regions, i)));

  return copy;
}

static gboolean
region_equal (const CsPhotoRegion *a,
              const CsPhotoRegion *b)
{
  return a->kind == b->kind &&
         memcmp (&a->rect, &b->rect, sizeof a->rect) == 0 &&
         a->score == b->score &&
         g_strcmp0 (a->text, b->text) == 0 &&
         g_strcmp0 (a->reason, b->reason) == 0 &&
         g_strcmp0 (a->tag, b->tag) == 0 &&
         !a->clear == !b->clear;
}

static gboolean
regions_equal (GPtrArray *a,
               GPtrArray *b)
{
  guint len_a = a != NULL ? a->len : 0;
  guint len_b = b != NULL ? b->len : 0;

  if (len_a != len_b)
    return FALSE;

  for (guint i = 0; i < len_a; i++)
    if (!region_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
      return FALSE;

  return TRUE;
}

static CsPhotoRegion *
get_region (CsPhotoEditor *self,
            int            index)
{
  if (index < 0 || (guint) index >= self->regions->len)
    return NULL;

  return g_ptr_array_index (self->regions, index);
}

static int
get_selected (CsPhotoEditor *self)
{
  return cs_photo_canvas_get_selected (self->canvas);
}

static CsRoster *
get_roster (CsPhotoEditor *self)
{
  return cs_checker_get_roster (self->checker);
}

/* The person @region is tagged with, or NULL: borrowed from the roster. */
static CsPerson *
get_tagged (CsPhotoEditor       *self,
            const CsPhotoRegion *region)
{
  if (region->tag == NULL)
    return NULL;

  return cs_roster_lookup (get_roster (self), region->tag);
}

static gboolean
is_hidden (CsPhotoEditor       *self,
           const CsPhotoRegion *region)
{
  return cs_photo_region_is_hidden (region, get_tagged (self, region), NULL);
}

/* The worst finding about region @index, or NULL. */
static const CsFinding *
get_worst_finding (CsPhotoEditor *self,
                   int            index)
{
  const CsFinding *worst = NULL;

  for (guint i = 0; self->findings != NULL && i < self->findings->len; i++)
    {
      const CsFinding *finding = g_ptr_array_index (self->findings, i);

      if (finding->region == index && (worst == NULL || finding->severity > worst->severity))
        worst = finding;
    }

  return worst;
}

static void
update_undo_action (CsPhotoEditor *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.undo", self->undo_stack->len > 0);
}

/* Keeps the regions as they are now, for Undo; call before changing them. */
static void
push_undo (CsPhotoEditor *self)
{
  if (self->undo_stack->len >= MAX_UNDO)
    g_ptr_array_remove_index (self->undo_stack, 0);

  g_ptr_array_add (self->undo_stack, copy_regions (self->regions));
  update_undo_action (self);
}

/* Writes the regions to the draft at once, so that autosave keeps every
 * change and the composer's photo checks see it, then shows the result. */
static void
commit (CsPhotoEditor *self)
{
  const CsAttachment *attachment = get_attachment (self);

  if (attachment != NULL)
    {
      self->writing = TRUE;
      cs_draft_set_photo_regions (self->draft, self->photo_id,
                                  self->width, self->height,
                                  self->regions, attachment->faces_checked);
      self->writing = FALSE;
    }

  refresh (self);
}

static void
select_region (CsPhotoEditor *self,
               int            index)
{
  cs_photo_canvas_set_selected (self->canvas, index);
}

/* Words
 * =====
 */

static char *
dup_person_name (const CsPerson *person)
{
  return cs_person_dup_display_name (person);
}

static char *
format_date (const GDate *date)
{
  char buffer[64];

  if (g_date_strftime (buffer, sizeof buffer, "%-d %B %Y", date) == 0)
    return g_strdup ("");

  return g_strdup (buffer);
}

/* "Year 2 · Photo consent", beside a name in the list of pupils. */
static char *
dup_person_detail (const CsPerson *person)
{
  g_autofree char *consent = NULL;

  if (person->photo_consent == CS_CONSENT_NEVER)
    consent = g_strdup (_("Must never appear"));
  else if (person->photo_consent == CS_CONSENT_YES && cs_person_is_expired (person, NULL))
    {
      g_autofree char *date = format_date (person->consent_expires);

      /* Translators: %s is a date */
      consent = g_strdup_printf (_("Photo consent ended %s"), date);
    }
  else if (person->photo_consent == CS_CONSENT_YES)
    consent = g_strdup (_("Photo consent"));
  else
    consent = g_strdup (_("No photo consent"));

  if (person->role == CS_ROLE_STAFF)
    return g_strdup_printf ("%s · %s", _("Staff"), consent);
  if (person->class_name != NULL && person->class_name[0] != '\0')
    return g_strdup_printf ("%s · %s", person->class_name, consent);

  return g_steal_pointer (&consent);
}

static char *
dup_short_text (const char *text)
{
  g_autofree char *clean = g_strstrip (g_strdup (text != NULL ? text : ""));

  if (g_utf8_strlen (clean, -1) > MAX_TEXT_CHARS)
    {
      g_autofree char *start = g_utf8_substring (clean, 0, MAX_TEXT_CHARS - 1);

      return g_strdup_printf ("%s…", start);
    }

  return g_steal_pointer (&clean);
}

/* "Blurred · Bram Stokes": what will become of a region, for the list. */
static char *
dup_region_state (CsPhotoEditor       *self,
                  const CsPhotoRegion *region)
{
  GString *state = g_string_new (is_hidden (self, region) ? _("Blurred") : _("Shown"));
  CsPerson *person = get_tagged (self, region);

  if (region->kind == CS_REGION_TEXT && region->text != NULL)
    {
      g_autofree char *text = dup_short_text (region->text);

      g_string_append_printf (state, " · “%s”", text);
    }
  else if (person != NULL)
    {
      g_autofree char *name = dup_person_name (person);

      g_string_append_printf (state, " · %s", name);
    }
  else if (region->tag != NULL)
    g_string_append_printf (state, " · %s", region->tag);

  return g_string_free (state, FALSE);
}

/* Joins "3 faces", "1 name" into "3 faces and 1 name". */
static char *
join_counts (GPtrArray *parts)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < parts->len; i++)
    {
      if (i > 0)
        g_string_append (text, i + 1 == parts->len ? _(" and ") : ", ");
      g_string_append (text, g_ptr_array_index (parts, i));
    }

  return g_string_free (text, FALSE);
}

static char *
dup_summary (CsPhotoEditor *self)
{
  guint hidden[CS_REGION_MANUAL + 1] = { 0 };
  guint n_shown = 0, n_problems = 0;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GString *summary = g_string_new (NULL);

  for (guint i = 0; i < self->regions->len; i++)
    {
      const CsPhotoRegion *region = g_ptr_array_index (self->regions, i);

      if (is_hidden (self, region))
        hidden[MIN (region->kind, CS_REGION_MANUAL)]++;
      else
        {
          n_shown++;
          g_ptr_array_add (names, dup_person_name (get_tagged (self, region)));
        }
    }

  for (guint i = 0; self->findings != NULL && i < self->findings->len; i++)
    if (((CsFinding *) g_ptr_array_index (self->findings, i))->severity == CS_SEVERITY_ERROR)
      n_problems++;

  if (hidden[CS_REGION_FACE] > 0)
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u face", "%u faces", hidden[CS_REGION_FACE]),
                                             hidden[CS_REGION_FACE]));
  if (hidden[CS_REGION_TEXT] > 0)
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u name", "%u names", hidden[CS_REGION_TEXT]),
                                             hidden[CS_REGION_TEXT]));
  if (hidden[CS_REGION_MANUAL] > 0)
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u box", "%u boxes", hidden[CS_REGION_MANUAL]),
                                             hidden[CS_REGION_MANUAL]));

  if (parts->len > 0)
    {
      g_autofree char *joined = join_counts (parts);

      /* Translators: %s is "3 faces and 1 name" and the like */
      g_string_append_printf (summary, _("%s will be blurred"), joined);
    }
  else
    g_string_append (summary, _("Nothing will be blurred"));

  if (n_shown > 0)
    {
      g_autofree char *who = NULL;

      g_ptr_array_add (names, NULL);
      who = g_strjoinv (", ", (char **) names->pdata);
      /* Translators: the first %u counts faces shown unblurred; the %s
       * after it lists the pupils whose consent allows it */
      g_string_append_printf (summary, ngettext ("; %u face shown (consent: %s)",
                                                 "; %u faces shown (consent: %s)", n_shown),
                              n_shown, who);
    }

  if (n_problems > 0)
    {
      g_string_append (summary, ". ");
      g_string_append_printf (summary, ngettext ("%u problem must be fixed", "%u problems must be fixed", n_problems),
                              n_problems);
    }

  return g_string_free (summary, FALSE);
}

/* The list of regions
 * ===================
 */

static const char * const kind_classes[] = {
  [CS_REGION_FACE] = "cs-region-face",
  [CS_REGION_TEXT] = "cs-region-text",
  [CS_REGION_MANUAL] = "cs-region-manual",
};

static GtkWidget *
create_region_row (void)
{
  GtkWidget *row = adw_action_row_new ();
  /* Read text and names are shown as they are, never as markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  /* The swatch only echoes the colour on the photo; the title says it all. */
  GtkWidget *swatch = g_object_new (GTK_TYPE_BOX,
                                    "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                    NULL);
  GtkWidget *problem = gtk_image_new ();

  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (swatch, "cs-region-swatch");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), swatch);

  gtk_widget_set_valign (problem, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), problem);

  g_object_set_data (G_OBJECT (row), "cs-swatch", swatch);
  g_object_set_data (G_OBJECT (row), "cs-problem", problem);

  return row;
}

static void
update_region_row (CsPhotoEditor *self,
                   GtkWidget     *row,
                   guint          index)
{
  const CsPhotoRegion *region = g_ptr_array_index (self->regions, index);
  const CsFinding *finding = get_worst_finding (self, index);
  GtkWidget *swatch = g_object_get_data (G_OBJECT (row), "cs-swatch");
  GtkWidget *problem = g_object_get_data (G_OBJECT (row), "cs-problem");
  g_autofree char *name = cs_photo_canvas_dup_region_name (self->regions, index);
  g_autofree char *state = dup_region_state (self, region);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), state);

  for (guint i = 0; i < G_N_ELEMENTS (kind_classes); i++)
    gtk_widget_remove_css_class (swatch, kind_classes[i]);
  gtk_widget_add_css_class (swatch, kind_classes[MIN (region->kind, CS_REGION_MANUAL)]);
  if (is_hidden (self, region))
    gtk_widget_add_css_class (swatch, "cs-hidden");
  else
    gtk_widget_remove_css_class (swatch, "cs-hidden");

  gtk_widget_remove_css_class (problem, "cs-severity-error");
  gtk_widget_remove_css_class (problem, "cs-severity-warning");
  if (finding != NULL)
    {
      gboolean error = finding->severity == CS_SEVERITY_ERROR;

      gtk_image_set_from_icon_name (GTK_IMAGE (problem), error ? "dialog-error-symbolic" : "dialog-warning-symbolic");
      gtk_widget_add_css_class (problem, error ? "cs-severity-error" : "cs-severity-warning");
      gtk_accessible_update_property (GTK_ACCESSIBLE (problem),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, error ? _("Must be fixed") : _("Warning"),
                                      -1);
      gtk_widget_set_tooltip_text (problem, finding->message);
      gtk_widget_set_visible (problem, TRUE);
    }
  else
    gtk_widget_set_visible (problem, FALSE);
}

/* Rows are updated in place, not rebuilt, so that keyboard focus and a
 * screen reader's place in the list survive every change. */
static void
sync_regions_list (CsPhotoEditor *self)
{
  GtkListBoxRow *row;
  guint n = 0;
  int selected = get_selected (self);

  while ((row = gtk_list_box_get_row_at_index (self->regions_list, n)) != NULL)
    {
      if (n >= self->regions->len)
        {
          gtk_list_box_remove (self->regions_list, GTK_WIDGET (row));
          continue;
        }
      update_region_row (self, GTK_WIDGET (row), n);
      n++;
    }

  for (; n < self->regions->len; n++)
    {
      GtkWidget *new_row = create_region_row ();

      gtk_list_box_append (self->regions_list, new_row);
      update_region_row (self, new_row, n);
    }

  self->updating = TRUE;
  row = selected >= 0 ? gtk_list_box_get_row_at_index (self->regions_list, selected) : NULL;
  if (row != gtk_list_box_get_selected_row (self->regions_list))
    gtk_list_box_select_row (self->regions_list, row);
  self->updating = FALSE;
}

/* The selected region's details
 * =============================
 */

static void
set_problem (CsPhotoEditor *self,
             CsSeverity     severity,
             const char    *message)
{
  gboolean error = severity == CS_SEVERITY_ERROR;

  gtk_widget_set_visible (self->problem_box, message != NULL);
  gtk_label_set_label (self->problem_label, message != NULL ? message : "");
  gtk_image_set_from_icon_name (self->problem_icon, error ? "dialog-error-symbolic" : "dialog-warning-symbolic");
  gtk_widget_remove_css_class (self->problem_box, "cs-severity-error");
  gtk_widget_remove_css_class (self->problem_box, "cs-severity-warning");
  gtk_widget_add_css_class (self->problem_box, error ? "cs-severity-error" : "cs-severity-warning");
}

static char *
dup_status (CsPhotoEditor       *self,
            const CsPhotoRegion *region)
{
  CsPerson *person = get_tagged (self, region);
  g_autofree char *name = person != NULL ? dup_person_name (person) : NULL;

  if (region->kind == CS_REGION_TEXT)
    return g_strdup (_("Names read in a photo are always blurred."));

  if (region->tag != NULL && person == NULL)
    /* Translators: %s is the roster id a face was tagged with */
    return g_strdup_printf (_("“%s” is not in the roster, so this stays blurred."), region->tag);

  if (person != NULL && person->photo_consent == CS_CONSENT_NEVER)
    return NULL;  /* The problem says it all. */

  if (region->kind == CS_REGION_MANUAL)
    {
      /* Showing a face needs the detector's box, which the cover is
       * shaped for; a hand-drawn box may hide anything. */
      if (person != NULL)
        return g_strdup (_("Boxes you draw are always blurred, whoever is tagged."));
      return g_strdup (_("Boxes you draw are always blurred."));
    }

  if (person == NULL)
    return g_strdup (_("Nobody is tagged, so this face is blurred. To show it, tag the pupil, who must have photo consent."));

  if (person->photo_consent == CS_CONSENT_YES && cs_person_is_expired (person, NULL))
    {
      g_autofree char *date = format_date (person->consent_expires);

      /* Translators: %s is a pupil's name, then a date */
      return g_strdup_printf (_("%s’s photo consent ended on %s, so this face stays blurred."), name, date);
    }

  if (person->photo_consent != CS_CONSENT_YES)
    /* Translators: %s is a pupil's name */
    return g_strdup_printf (_("%s has no photo consent, so this face stays blurred."), name);

  if (region->clear)
    /* Translators: %s is a pupil's name */
    return g_strdup_printf (_("%s has photo consent, so this face will be shown."), name);

  /* Translators: %s is a pupil's name */
  return g_strdup_printf (_("%s has photo consent, but this face is blurred as you asked."), name);
}

static void
sync_details (CsPhotoEditor *self)
{
  int index = get_selected (self);
  const CsPhotoRegion *region = get_region (self, index);
  g_autofree char *name = NULL;
  g_autofree char *status = NULL;
  g_autofree char *pupil_label = NULL;
  CsPerson *person;
  const CsFinding *worst;
  gboolean face, never, may_clear;

  gtk_widget_set_visible (self->details_box, region != NULL);
  gtk_widget_set_visible (self->hint_label, region == NULL && self->regions->len > 0);
  if (region == NULL)
    return;

  self->updating = TRUE;

  name = cs_photo_canvas_dup_region_name (self->regions, index);
  {
    /* The group's title is markup, whatever a translation holds. */
    g_autofree char *escaped = g_markup_escape_text (name, -1);

    adw_preferences_group_set_title (self->details_group, escaped);
  }

  person = get_tagged (self, region);
  face = region->kind == CS_REGION_FACE;
  never = person != NULL && person->photo_consent == CS_CONSENT_NEVER;

  /* Who is in the box. */
  gtk_widget_set_visible (GTK_WIDGET (self->pupil_row), region->kind != CS_REGION_TEXT);
  if (person != NULL)
    {
      g_autofree char *detail = dup_person_detail (person);

      pupil_label = dup_person_name (person);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->pupil_row), detail);
    }
  else
    {
      pupil_label = g_strdup (region->tag != NULL ? region->tag : _("Choose…"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->pupil_row),
                                   region->tag != NULL ? _("Not in the roster") : _("Nobody tagged"));
    }
  gtk_menu_button_set_label (self->pupil_button, pupil_label);
  {
    /* Translators: the pupil chooser as a screen reader names it; %s is the
     * pupil chosen, or "Choose…" */
    g_autofree char *accessible = g_strdup_printf (_("Pupil: %s"), pupil_label);

    gtk_accessible_update_property (GTK_ACCESSIBLE (self->pupil_button),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                    -1);
  }

  /* Only a face can be shown, and only once consent allows; a face already
   * left clear keeps the switch so that it can be blurred again. */
  may_clear = face && (person == NULL || cs_person_may_be_pictured (person, NULL));
  {
    const char *title = face ? _("_Blur this face")
                      : region->kind == CS_REGION_TEXT ? _("_Blur this name")
                      : _("_Blur this box");
    g_autofree char *plain = g_strdup (title);
    char *underscore = strchr (plain, '_');

    if (underscore != NULL)
      memmove (underscore, underscore + 1, strlen (underscore));
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->blur_row), title);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->blur_switch),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, plain,
                                    -1);
  }
  /* Names and boxes are always blurred, so there is nothing to switch,
   * unless one was somehow left clear: then the switch is there to fix it. */
  gtk_widget_set_visible (GTK_WIDGET (self->blur_row), face || region->clear);
  gtk_switch_set_active (self->blur_switch, !region->clear);
  gtk_widget_set_sensitive (GTK_WIDGET (self->blur_row), may_clear || region->clear);

  /* What was read. */
  gtk_widget_set_visible (GTK_WIDGET (self->text_row), region->kind == CS_REGION_TEXT);
  if (region->kind == CS_REGION_TEXT)
    {
      g_autofree char *read = g_strdup_printf ("“%s”", region->text != NULL ? region->text : "");

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->text_row), read);
    }

  status = dup_status (self, region);
  gtk_label_set_label (self->status_label, status != NULL ? status : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), status != NULL);

  /* The problem, in the words of the school's policy; a child who must
   * never appear gets the one thing to do. */
  worst = get_worst_finding (self, index);
  if (never)
    set_problem (self, CS_SEVERITY_ERROR, _("This pupil must never appear. Remove this photo."));
  else if (worst != NULL)
    set_problem (self, worst->severity, worst->message);
  else
    set_problem (self, CS_SEVERITY_OFF, NULL);

  self->updating = FALSE;
}

/* Everything else
 * ===============
 */

static void
compute_findings (CsPhotoEditor *self)
{
  const CsAttachment *attachment = get_attachment (self);
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_attachment_free);
  g_autoptr(GPtrArray) all = NULL;
  CsAttachment *copy;

  g_clear_pointer (&self->findings, g_ptr_array_unref);
  self->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_finding_free);
  if (attachment == NULL)
    return;

  copy = cs_attachment_copy (attachment);
  g_clear_pointer (&copy->regions, g_ptr_array_unref);
  copy->regions = g_ptr_array_ref (self->regions);
  g_ptr_array_add (attachments, copy);

  /* Only the regions' own findings: alt text is written elsewhere, and a
   * photo nobody checked has the banner. */
  all = cs_checker_check_photos (self->checker, attachments, NULL);
  for (guint i = 0; i < all->len; i++)
    {
      CsFinding *finding = g_ptr_array_index (all, i);

      if (finding->region >= 0)
        g_ptr_array_add (self->findings, cs_finding_copy (finding));
    }
}

static void
sync_banner (CsPhotoEditor *self)
{
  const CsAttachment *attachment = get_attachment (self);
  gboolean checking, manual;

  if (attachment == NULL)
    return;

  checking = attachment->state == CS_PHOTO_STATE_CHECKING;
  manual = !checking && !attachment->faces_checked;

  if (checking)
    gtk_label_set_label (self->banner_label, _("Still looking for faces and names in this photo. Boxes you draw now may be replaced when that is done."));
  else if (manual)
    gtk_label_set_label (self->banner_label, _("Faces could not be found automatically. Draw a box over every face, then confirm."));

  gtk_revealer_set_reveal_child (self->banner_revealer, checking || manual);
  gtk_widget_set_visible (GTK_WIDGET (self->marked_check), manual);

  self->updating = TRUE;
  gtk_check_button_set_active (self->marked_check, attachment->marked_by_hand);
  self->updating = FALSE;
}

static void
refresh (CsPhotoEditor *self)
{
  g_autofree CsRegionLook *looks = g_new0 (CsRegionLook, MAX (1, self->regions->len));
  g_autofree char *summary = NULL;

  compute_findings (self);

  for (guint i = 0; i < self->regions->len; i++)
    {
      const CsPhotoRegion *region = g_ptr_array_index (self->regions, i);
      const CsFinding *worst = get_worst_finding (self, i);

      if (is_hidden (self, region))
        looks[i] |= CS_REGION_LOOK_HIDDEN;
      if (worst != NULL)
        looks[i] |= worst->severity == CS_SEVERITY_ERROR ? CS_REGION_LOOK_ERROR : CS_REGION_LOOK_WARNING;
    }

  cs_photo_canvas_set_regions (self->canvas, self->regions, looks);
  sync_regions_list (self);
  sync_details (self);
  sync_banner (self);

  summary = dup_summary (self);
  gtk_label_set_label (self->summary_label, summary);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.delete-region", get_selected (self) >= 0);
  /* A box is put where it belongs by looking at the photo. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.add-region",
                                 self->width > 0 && self->height > 0 &&
                                 cs_photo_canvas_get_texture (self->canvas) != NULL);
  update_undo_action (self);
}

/* Somebody else changed the draft: the photo check finished, the photo was
 * removed, or the composer undid something. What the draft says wins. */
static void
draft_changed_cb (CsPhotoEditor *self,
                  CsDraft       *draft)
{
  const CsAttachment *attachment;

  if (self->writing)
    return;

  attachment = get_attachment (self);
  if (attachment == NULL)
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  if (attachment->width > 0 && attachment->height > 0)
    {
      self->width = attachment->width;
      self->height = attachment->height;
    }

  if (!regions_equal (attachment->regions, self->regions))
    {
      int selected = get_selected (self);

      g_clear_pointer (&self->regions, g_ptr_array_unref);
      self->regions = copy_regions (attachment->regions);
      /* Undo would bring back what somebody else replaced. */
      g_ptr_array_set_size (self->undo_stack, 0);
      refresh (self);
      select_region (self, selected);
    }
  else
    sync_banner (self);
}

static void
roster_changed_cb (CsPhotoEditor *self,
                   CsRoster      *roster);

/* Loading the photo
 * =================
 */

typedef struct
{
  CsImage *image;        /* scaled to be shown */
  int      full_width;
  int      full_height;
} LoadResult;

static void
load_result_free (LoadResult *result)
{
  g_clear_pointer (&result->image, cs_image_unref);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadResult, load_result_free)

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(CsImage) image = NULL;
  g_autoptr(LoadResult) result = g_new0 (LoadResult, 1);
  GError *error = NULL;

  image = cs_image_load (path, &error);
  if (image == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  result->full_width = cs_image_get_width (image);
  result->full_height = cs_image_get_height (image);
  if (MAX (result->full_width, result->full_height) > MAX_TEXTURE_SIDE)
    result->image = cs_image_scale_to_fit (image, MAX_TEXTURE_SIDE);
  else
    result->image = g_steal_pointer (&image);

  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) load_result_free);
}

static void
load_cb (GObject      *object,
         GAsyncResult *res,
         gpointer      user_data)
{
  CsPhotoEditor *self = CS_PHOTO_EDITOR (object);
  g_autoptr(LoadResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  CsImage *image;
  const CsAttachment *attachment;

  result = g_task_propagate_pointer (G_TASK (res), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;
  gtk_spinner_stop (self->spinner);

  if (result == NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);

      /* The description is markup; a file may be called "Tom & Jo.jpg". */
      adw_status_page_set_description (self->error_page, escaped);
      gtk_stack_set_visible_child_name (self->photo_stack, "error");
      return;
    }

  /* The texture borrows the image's pixels rather than copying them; GDK
   * reads BGR as it is, so no channel swap is needed either. */
  image = result->image;
  bytes = g_bytes_new_with_free_func (cs_image_peek_data (image),
                                      cs_image_get_stride (image) * cs_image_get_height (image),
                                      (GDestroyNotify) cs_image_unref,
                                      cs_image_ref (image));
  texture = gdk_memory_texture_new (cs_image_get_width (image), cs_image_get_height (image),
                                    GDK_MEMORY_B8G8R8, bytes, cs_image_get_stride (image));

  /* Regions found earlier are in the coordinates the check recorded;
   * otherwise they are in the upright photo's own. */
  attachment = get_attachment (self);
  if (attachment != NULL && attachment->width > 0 && attachment->height > 0)
    {
      self->width = attachment->width;
      self->height = attachment->height;
    }
  else
    {
      self->width = result->full_width;
      self->height = result->full_height;
    }

  cs_photo_canvas_set_image (self->canvas, texture, self->width, self->height);
  gtk_stack_set_visible_child_name (self->photo_stack, "photo");
  refresh (self);
}

static void
start_loading (CsPhotoEditor *self)
{
  const CsAttachment *attachment = get_attachment (self);
  g_autoptr(GTask) task = NULL;

  self->loading = TRUE;
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->photo_stack, "loading");

  task = g_task_new (self, self->cancellable, load_cb, NULL);
  g_task_set_source_tag (task, start_loading);
  g_task_set_task_data (task, g_strdup (attachment->file), g_free);
  g_task_run_in_thread (task, load_thread);
}

/* Tagging
 * =======
 */

static GtkWidget *
create_pupil_row (CsPerson *person)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name_label, *detail_label;
  g_autofree char *name = NULL;
  g_autofree char *detail = NULL;

  if (person != NULL)
    {
      name = dup_person_name (person);
      detail = dup_person_detail (person);
    }
  else
    {
      name = g_strdup (_("Nobody"));
      detail = g_strdup (_("Remove the tag"));
    }

  name_label = gtk_label_new (name);
  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name_label, "heading");
  gtk_box_append (GTK_BOX (box), name_label);

  detail_label = gtk_label_new (detail);
  gtk_label_set_xalign (GTK_LABEL (detail_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (detail_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (detail_label, "caption");
  if (person != NULL && person->photo_consent == CS_CONSENT_NEVER)
    gtk_widget_add_css_class (detail_label, "cs-severity-error");
  else
    gtk_widget_add_css_class (detail_label, "dim-label");
  gtk_box_append (GTK_BOX (box), detail_label);

  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  {
    g_autofree char *accessible = g_strdup_printf ("%s, %s", name, detail);

    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  }

  if (person != NULL)
    {
      g_autofree char *haystack = g_strjoin (" ",
                                             person->forename != NULL ? person->forename : "",
                                             person->preferred_name != NULL ? person->preferred_name : "",
                                             person->surname != NULL ? person->surname : "",
                                             person->class_name != NULL ? person->class_name : "",
                                             person->role == CS_ROLE_STAFF ? _("Staff") : "",
                                             person->id, NULL);

      g_object_set_data_full (G_OBJECT (row), "cs-person", cs_person_ref (person), (GDestroyNotify) cs_person_unref);
      g_object_set_data_full (G_OBJECT (row), "cs-haystack", g_steal_pointer (&haystack), g_free);
    }

  return row;
}

static int
compare_people (gconstpointer a,
                gconstpointer b)
{
  const CsPerson *pa = *(CsPerson **) a;
  const CsPerson *pb = *(CsPerson **) b;
  int cmp;

  /* Pupils first, then staff; each by surname, as registers are. */
  if (pa->role != pb->role)
    return pa->role == CS_ROLE_PUPIL ? -1 : 1;

  cmp = g_utf8_collate (pa->surname != NULL ? pa->surname : "", pb->surname != NULL ? pb->surname : "");
  if (cmp != 0)
    return cmp;

  return g_utf8_collate (cs_person_get_known_as (pa) != NULL ? cs_person_get_known_as (pa) : "",
                         cs_person_get_known_as (pb) != NULL ? cs_person_get_known_as (pb) : "");
}

static void
fill_pupil_list (CsPhotoEditor *self)
{
  g_autoptr(GPtrArray) people = cs_roster_dup_people (get_roster (self));
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (self->pupil_list, 0)) != NULL)
    gtk_list_box_remove (self->pupil_list, GTK_WIDGET (row));

  gtk_list_box_append (self->pupil_list, create_pupil_row (NULL));

  g_ptr_array_sort (people, compare_people);
  for (guint i = 0; i < people->len; i++)
    gtk_list_box_append (self->pupil_list, create_pupil_row (g_ptr_array_index (people, i)));
}

static gboolean
pupil_filter (GtkListBoxRow *row,
              gpointer       user_data)
{
  CsPhotoEditor *self = user_data;
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->pupil_search));
  const char *haystack = g_object_get_data (G_OBJECT (row), "cs-haystack");
  g_autofree char *trimmed = g_strstrip (g_strdup (query));

  if (trimmed[0] == '\0')
    return TRUE;

  /* "Nobody" is for untagging, not something anybody searches for. */
  if (haystack == NULL)
    return FALSE;

  /* Every word typed must start a word of the name or class, accents and
   * case aside: "ada q", "year 2", "quill" all find Ada Quill. */
  return g_str_match_string (trimmed, haystack, TRUE);
}

static GtkListBoxRow *
first_visible_pupil (CsPhotoEditor *self)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->pupil_list, i)) != NULL; i++)
    if (gtk_widget_get_child_visible (GTK_WIDGET (row)) && pupil_filter (row, self))
      return row;

  return NULL;
}

static void
tag_region (CsPhotoEditor *self,
            CsPerson      *person)
{
  CsPhotoRegion *region = get_region (self, get_selected (self));

  if (region == NULL || region->kind == CS_REGION_TEXT)
    return;

  if (g_strcmp0 (region->tag, person != NULL ? person->id : NULL) == 0)
    return;

  push_undo (self);
  g_free (region->tag);
  region->tag = person != NULL ? g_strdup (person->id) : NULL;

  /* Tagging says who it is and, with it, what consent allows: a child with
   * photo consent is shown, anybody else stays blurred. The switch can
   * still blur a consented face. */
  region->clear = person != NULL &&
                  region->kind == CS_REGION_FACE &&
                  cs_person_may_be_pictured (person, NULL);
  commit (self);
}

static void
pupil_row_activated_cb (CsPhotoEditor *self,
                        GtkListBoxRow *row,
                        GtkListBox    *list)
{
  gtk_popover_popdown (self->pupil_popover);
  tag_region (self, g_object_get_data (G_OBJECT (row), "cs-person"));
}

static void
pupil_search_changed_cb (CsPhotoEditor  *self,
                         GtkSearchEntry *entry)
{
  gtk_list_box_invalidate_filter (self->pupil_list);
}

static void
pupil_search_activate_cb (CsPhotoEditor  *self,
                          GtkSearchEntry *entry)
{
  GtkListBoxRow *row = first_visible_pupil (self);

  if (row != NULL)
    pupil_row_activated_cb (self, row, self->pupil_list);
}

static void
pupil_search_stop_cb (CsPhotoEditor  *self,
                      GtkSearchEntry *entry)
{
  gtk_popover_popdown (self->pupil_popover);
}

static gboolean
pupil_search_key_cb (CsPhotoEditor         *self,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     GtkEventControllerKey *controller)
{
  GtkListBoxRow *row;

  /* Down goes from the search to the matches, as in GNOME's own lists. */
  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return FALSE;

  row = first_visible_pupil (self);
  if (row == NULL)
    return FALSE;

  gtk_widget_grab_focus (GTK_WIDGET (row));
  return TRUE;
}

static void
pupil_popover_show_cb (CsPhotoEditor *self,
                       GtkPopover    *popover)
{
  gtk_editable_set_text (GTK_EDITABLE (self->pupil_search), "");
  gtk_list_box_invalidate_filter (self->pupil_list);
  gtk_widget_grab_focus (GTK_WIDGET (self->pupil_search));
}

static void
roster_changed_cb (CsPhotoEditor *self,
                   CsRoster      *roster)
{
  /* Consent may have been given or withdrawn: what is hidden changes. */
  fill_pupil_list (self);
  refresh (self);
}

/* Signals from the widgets
 * ========================
 */

static void
canvas_selected_cb (CsPhotoEditor *self,
                    GParamSpec    *pspec,
                    CsPhotoCanvas *canvas)
{
  int selected = get_selected (self);
  GtkListBoxRow *row = selected >= 0 ? gtk_list_box_get_row_at_index (self->regions_list, selected) : NULL;

  if (row != gtk_list_box_get_selected_row (self->regions_list))
    {
      self->updating = TRUE;
      gtk_list_box_select_row (self->regions_list, row);
      self->updating = FALSE;
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.delete-region", selected >= 0);
  sync_details (self);
}

static void
region_selected_cb (CsPhotoEditor *self,
                    GtkListBoxRow *row,
                    GtkListBox    *list)
{
  if (self->updating)
    return;

  select_region (self, row != NULL ? gtk_list_box_row_get_index (row) : -1);
}

/* Enter on a row goes to the photo, where the arrow keys move the region. */
static void
region_activated_cb (CsPhotoEditor *self,
                     GtkListBoxRow *row,
                     GtkListBox    *list)
{
  select_region (self, gtk_list_box_row_get_index (row));
  if (gtk_widget_get_mapped (GTK_WIDGET (self->canvas)))
    gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

static void
region_edited_cb (CsPhotoEditor *self,
                  guint          index,
                  const CsRect  *rect,
                  CsPhotoCanvas *canvas)
{
  CsPhotoRegion *region = get_region (self, index);

  if (region == NULL || memcmp (&region->rect, rect, sizeof *rect) == 0)
    return;

  push_undo (self);
  region->rect = *rect;
  commit (self);
}

static void
add_region (CsPhotoEditor *self,
            const CsRect  *rect)
{
  push_undo (self);
  /* Drawn by somebody who looked, so as sure as can be. */
  g_ptr_array_add (self->regions, cs_photo_region_new (CS_REGION_MANUAL, rect, 1.0));
  commit (self);
  select_region (self, self->regions->len - 1);
}

static void
region_drawn_cb (CsPhotoEditor *self,
                 const CsRect  *rect,
                 CsPhotoCanvas *canvas)
{
  add_region (self, rect);
}

static void
blur_switch_cb (CsPhotoEditor *self,
                GParamSpec    *pspec,
                GtkSwitch     *sw)
{
  CsPhotoRegion *region = get_region (self, get_selected (self));
  gboolean clear = !gtk_switch_get_active (sw);

  if (self->updating || region == NULL || !region->clear == !clear)
    return;

  push_undo (self);
  region->clear = clear;
  commit (self);
}

static void
marked_check_cb (CsPhotoEditor  *self,
                 GParamSpec     *pspec,
                 GtkCheckButton *check)
{
  if (self->updating)
    return;

  cs_draft_set_marked_by_hand (self->draft, self->photo_id, gtk_check_button_get_active (check));
}

/* Actions
 * =======
 */

static void
add_region_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CsPhotoEditor *self = CS_PHOTO_EDITOR (widget);
  double side;

  if (self->width <= 0 || self->height <= 0 || cs_photo_canvas_get_texture (self->canvas) == NULL)
    return;

  /* A square in the middle, big enough to see and grab, to be moved over
   * what it must cover. */
  side = MAX (8.0, MIN (self->width, self->height) / 5.0);
  add_region (self, &(CsRect) { (self->width - side) / 2, (self->height - side) / 2, side, side });
}

static void
delete_region_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CsPhotoEditor *self = CS_PHOTO_EDITOR (widget);
  int index = get_selected (self);

  if (get_region (self, index) == NULL)
    {
      gtk_widget_error_bell (widget);
      return;
    }

  push_undo (self);
  g_ptr_array_remove_index (self->regions, index);
  commit (self);

  /* The next region takes its place, so that Delete can be pressed again. */
  select_region (self, MIN (index, (int) self->regions->len - 1));
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CsPhotoEditor *self = CS_PHOTO_EDITOR (widget);
  int selected = get_selected (self);

  if (self->undo_stack->len == 0)
    return;

  g_clear_pointer (&self->regions, g_ptr_array_unref);
  self->regions = g_ptr_array_steal_index (self->undo_stack, self->undo_stack->len - 1);
  commit (self);
  select_region (self, MIN (selected, (int) self->regions->len - 1));
}

static void
toggle_list_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CsPhotoEditor *self = CS_PHOTO_EDITOR (widget);

  adw_flap_set_reveal_flap (self->flap, !adw_flap_get_reveal_flap (self->flap));
}

/* Object
 * ======
 */

CsDraft *
cs_photo_editor_get_draft (CsPhotoEditor *self)
{
  g_return_val_if_fail (CS_IS_PHOTO_EDITOR (self), NULL);

  return self->draft;
}

const char *
cs_photo_editor_get_photo_id (CsPhotoEditor *self)
{
  g_return_val_if_fail (CS_IS_PHOTO_EDITOR (self), NULL);

  return self->photo_id;
}

gboolean
cs_photo_editor_is_loading (CsPhotoEditor *self)
{
  g_return_val_if_fail (CS_IS_PHOTO_EDITOR (self), FALSE);

  return self->loading;
}

static void
cs_photo_editor_constructed (GObject *object)
{
  CsPhotoEditor *self = CS_PHOTO_EDITOR (object);
  const CsAttachment *attachment;
  g_autofree char *file_name = NULL;

  G_OBJECT_CLASS (cs_photo_editor_parent_class)->constructed (object);

  g_return_if_fail (CS_IS_DRAFT (self->draft));
  g_return_if_fail (CS_IS_CHECKER (self->checker));

  attachment = get_attachment (self);
  g_return_if_fail (attachment != NULL);

  file_name = g_path_get_basename (attachment->original != NULL && attachment->original[0] != '\0'
                                   ? attachment->original : attachment->file);
  adw_window_title_set_subtitle (self->window_title, file_name);

  self->width = attachment->width;
  self->height = attachment->height;
  self->regions = copy_regions (attachment->regions);

  g_signal_connect_object (self->draft, "changed", G_CALLBACK (draft_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (get_roster (self), "changed", G_CALLBACK (roster_changed_cb), self, G_CONNECT_SWAPPED);

  fill_pupil_list (self);
  refresh (self);
  start_loading (self);
}

static void
cs_photo_editor_dispose (GObject *object)
{
  CsPhotoEditor *self = CS_PHOTO_EDITOR (object);

  g_cancellable_cancel (self->cancellable);

  /* Taking the widgets apart emits their signals (a list whose rows go
   * loses its selection); nothing here should answer them any more. */
  if (self->canvas != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->canvas, self);
      g_signal_handlers_disconnect_by_data (self->regions_list, self);
      g_signal_handlers_disconnect_by_data (self->blur_switch, self);
      g_signal_handlers_disconnect_by_data (self->marked_check, self);
      g_signal_handlers_disconnect_by_data (self->pupil_list, self);
      g_signal_handlers_disconnect_by_data (self->pupil_search, self);
      g_signal_handlers_disconnect_by_data (self->pupil_popover, self);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_PHOTO_EDITOR);

  G_OBJECT_CLASS (cs_photo_editor_parent_class)->dispose (object);
}

static void
cs_photo_editor_finalize (GObject *object)
{
  CsPhotoEditor *self = CS_PHOTO_EDITOR (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->draft);
  g_clear_object (&self->checker);
  g_clear_pointer (&self->photo_id, g_free);
  g_clear_pointer (&self->regions, g_ptr_array_unref);
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  g_clear_pointer (&self->undo_stack, g_ptr_array_unref);

  G_OBJECT_CLASS (cs_photo_editor_parent_class)->finalize (object);
}

static void
cs_photo_editor_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CsPhotoEditor *self = CS_PHOTO_EDITOR (object);

  switch (prop_id)
    {
    case PROP_DRAFT:
      g_value_set_object (value, self->draft);
      break;
    case PROP_PHOTO_ID:
      g_value_set_string (value, self->photo_id);
      break;
    case PROP_CHECKER:
      g_value_set_object (value, self->checker);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_photo_editor_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CsPhotoEditor *self = CS_PHOTO_EDITOR (object);

  switch (prop_id)
    {
    case PROP_DRAFT:
      self->draft = g_value_dup_object (value);
      break;
    case PROP_PHOTO_ID:
      self->photo_id = g_value_dup_string (value);
      break;
    case PROP_CHECKER:
      self->checker = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_photo_editor_class_init (CsPhotoEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cs_photo_editor_constructed;
  object_class->dispose = cs_photo_editor_dispose;
  object_class->finalize = cs_photo_editor_finalize;
  object_class->get_property = cs_photo_editor_get_property;
  object_class->set_property = cs_photo_editor_set_property;

  properties[PROP_DRAFT] =
    g_param_spec_object ("draft", NULL, NULL,
                         CS_TYPE_DRAFT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PHOTO_ID] =
    g_param_spec_string ("photo-id", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHECKER] =
    g_param_spec_object ("checker", NULL, NULL,
                         CS_TYPE_CHECKER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CS_TYPE_PHOTO_CANVAS);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/countersign/Countersign/ui/photo-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, undo_button);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, flap_toggle);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, flap);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, banner_label);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, marked_check);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, photo_stack);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, spinner);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, error_page);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, canvas);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, add_button);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, regions_list);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, hint_label);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, details_box);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, details_group);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, pupil_row);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, pupil_button);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, pupil_popover);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, pupil_search);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, pupil_list);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, blur_row);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, blur_switch);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, text_row);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, status_label);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, problem_box);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, problem_icon);
  gtk_widget_class_bind_template_child (widget_class, CsPhotoEditor, problem_label);

  gtk_widget_class_install_action (widget_class, "editor.add-region", NULL, add_region_action);
  gtk_widget_class_install_action (widget_class, "editor.delete-region", NULL, delete_region_action);
  gtk_widget_class_install_action (widget_class, "editor.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "editor.toggle-list", NULL, toggle_list_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Insert, 0, "editor.add-region", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Insert, 0, "editor.add-region", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "editor.delete-region", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "editor.delete-region", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "editor.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "editor.toggle-list", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cs_photo_editor_init (CsPhotoEditor *self)
{
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->undo_stack = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  self->regions = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_photo_region_free);

  g_signal_connect_swapped (self->canvas, "notify::selected", G_CALLBACK (canvas_selected_cb), self);
  g_signal_connect_swapped (self->canvas, "region-edited", G_CALLBACK (region_edited_cb), self);
  g_signal_connect_swapped (self->canvas, "region-drawn", G_CALLBACK (region_drawn_cb), self);
  g_signal_connect_swapped (self->regions_list, "row-selected", G_CALLBACK (region_selected_cb), self);
  g_signal_connect_swapped (self->regions_list, "row-activated", G_CALLBACK (region_activated_cb), self);
  g_signal_connect_swapped (self->blur_switch, "notify::active", G_CALLBACK (blur_switch_cb), self);
  g_signal_connect_swapped (self->marked_check, "notify::active", G_CALLBACK (marked_check_cb), self);

  gtk_list_box_set_filter_func (self->pupil_list, pupil_filter, self, NULL);
  g_signal_connect_swapped (self->pupil_list, "row-activated", G_CALLBACK (pupil_row_activated_cb), self);
  g_signal_connect_swapped (self->pupil_search, "search-changed", G_CALLBACK (pupil_search_changed_cb), self);
  g_signal_connect_swapped (self->pupil_search, "activate", G_CALLBACK (pupil_search_activate_cb), self);
  g_signal_connect_swapped (self->pupil_search, "stop-search", G_CALLBACK (pupil_search_stop_cb), self);
  g_signal_connect_swapped (self->pupil_popover, "show", G_CALLBACK (pupil_popover_show_cb), self);
  gtk_search_entry_set_key_capture_widget (self->pupil_search, GTK_WIDGET (self->pupil_list));

  controller = gtk_event_controller_key_new ();
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (pupil_search_key_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->pupil_search), controller);
}

CsPhotoEditor *
cs_photo_editor_new_with_checker (GtkWindow  *parent,
                                  CsDraft    *draft,
                                  const char *photo_id,
                                  CsChecker  *checker)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CS_IS_DRAFT (draft), NULL);
  g_return_val_if_fail (cs_draft_find_attachment (draft, photo_id) != NULL, NULL);
  g_return_val_if_fail (CS_IS_CHECKER (checker), NULL);

  return g_object_new (CS_TYPE_PHOTO_EDITOR,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       "draft", draft,
                       "photo-id", photo_id,
                       "checker", checker,
                       NULL);
}

CsPhotoEditor *
cs_photo_editor_new (GtkWindow  *parent,
                     CsDraft    *draft,
                     const char *photo_id,
                     CsRoster   *roster)
{
  g_autoptr(CsPolicy) policy = cs_policy_new ();
  g_autoptr(CsChecker) checker = NULL;

  g_return_val_if_fail (roster == NULL || CS_IS_ROSTER (roster), NULL);

  checker = cs_checker_new (policy, roster, NULL);
  return cs_photo_editor_new_with_checker (parent, draft, photo_id, checker);
}
