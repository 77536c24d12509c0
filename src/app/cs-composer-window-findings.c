/* cs-composer-window-findings.c: underlines, the list of problems, and their fixes
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "cs-composer-window-private.h"

static int
tag_for (const CsFinding *finding)
{
  if (g_str_equal (finding->rule, CS_RULE_SPELLING))
    return TAG_SPELLING;

  return finding->severity == CS_SEVERITY_ERROR ? TAG_ERROR : TAG_WARNING;
}

static char *
ignore_key (const CsFinding *finding)
{
  return g_strconcat (finding->rule, "\x1f", finding->text, NULL);
}

static const char *
icon_for (const CsFinding *finding)
{
  if (g_str_equal (finding->rule, CS_RULE_SPELLING))
    return "tools-check-spelling-symbolic";

  return finding->severity == CS_SEVERITY_ERROR ? "dialog-error-symbolic" : "dialog-warning-symbolic";
}

const CsFinding *
cs_composer_window_finding_at (CsComposerWindow *self,
                               guint             offset)
{
  const CsFinding *best = NULL;

  /* Where findings overlap, the most severe wins. */
  for (guint i = 0; i < self->findings->len; i++)
    {
      const CsFinding *finding = g_ptr_array_index (self->findings, i);

      /* A photo's finding has no place in the text. */
      if (finding->photo != NULL)
        continue;

      if (offset >= finding->start && offset <= finding->end &&
          (best == NULL || finding->severity > best->severity))
        best = finding;
    }

  return best;
}

static void
update_summary (CsComposerWindow *self)
{
  g_autofree char *summary = NULL;
  guint errors = 0, warnings = 0;

  for (guint i = 0; i < self->findings->len; i++)
    {
      if (((CsFinding *) g_ptr_array_index (self->findings, i))->severity == CS_SEVERITY_ERROR)
        errors++;
      else
        warnings++;
    }

  if (errors > 0)
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u problem must be fixed", "%u problems must be fixed", errors),
                               errors);
  else if (warnings > 0)
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Ready for approval, with %u thing to check",
                                            "Ready for approval, with %u things to check", warnings),
                               warnings);
  else
    summary = g_strdup (_("Ready for approval"));

  if (g_strcmp0 (gtk_label_get_label (self->summary_label), summary) != 0)
    gtk_label_set_label (self->summary_label, summary);
}

static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  CsComposerWindow *self = user_data;
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "finding-index"));
  const CsFinding *finding;
  const char *text;
  GtkWidget *header;

  if (index >= self->findings->len)
    return;
  finding = g_ptr_array_index (self->findings, index);

  if (before != NULL)
    {
      guint prev = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (before), "finding-index"));

      if (prev < self->findings->len &&
          ((CsFinding *) g_ptr_array_index (self->findings, prev))->severity == finding->severity)
        {
          gtk_list_box_row_set_header (row, NULL);
          return;
        }
    }

  /* A group's header that says the right thing already stays: a new one
   * would have the row measured again. */
  text = finding->severity == CS_SEVERITY_ERROR ? _("Must be fixed") : _("Worth checking");
  header = gtk_list_box_row_get_header (row);
  if (GTK_IS_LABEL (header) && g_str_equal (gtk_label_get_label (GTK_LABEL (header)), text))
    return;

  header = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_set_margin_top (header, 12);
  gtk_widget_set_margin_bottom (header, 6);
  gtk_widget_set_margin_start (header, 6);
  gtk_list_box_row_set_header (row, header);
}

/* The text's findings come before the photos', as the photos follow the
 * text; what a photo shows comes before its missing description. */
static int
severity_then_position (gconstpointer a,
                        gconstpointer b)
{
  const CsFinding *fa = *(const CsFinding * const *) a;
  const CsFinding *fb = *(const CsFinding * const *) b;

  if (fa->severity != fb->severity)
    return fa->severity > fb->severity ? -1 : 1;
  if ((fa->photo != NULL) != (fb->photo != NULL))
    return fa->photo != NULL ? 1 : -1;
  if (fa->photo != NULL &&
      g_str_equal (fa->rule, CS_RULE_ALT_TEXT) != g_str_equal (fb->rule, CS_RULE_ALT_TEXT))
    return g_str_equal (fa->rule, CS_RULE_ALT_TEXT) ? 1 : -1;

  return cs_finding_compare (a, b);
}

/* What the list says of @finding. A length finding's message counts the
 * characters, which change on every key; its row says the same without the
 * count (the counter under the text has it), so it stays as it is while
 * someone types. */
static char *
row_title (const CsFinding *finding)
{
  CsPlatform platform;

  if (g_str_equal (finding->rule, CS_RULE_LENGTH) && cs_platform_from_string (finding->detail, &platform))
    return g_strdup_printf (_("The post is longer than %s allows (%u characters): the counter below says by how much. "
                              "Shorten it, or choose a platform that allows longer posts."),
                            cs_platform_get_display_name (platform), cs_platform_get_limit (platform));

  return g_strdup (finding->message);
}

static void
set_row (GtkWidget       *row,
         const CsFinding *finding,
         const char      *key)
{
  g_autofree char *subtitle = g_strdup_printf (_("Policy: %s"), finding->clause);
  g_autofree char *title = row_title (finding);
  GtkWidget *icon = g_object_get_data (G_OBJECT (row), "finding-icon");

  /* Setting a label to what it says already would still re-measure it, and
   * with it the whole window. */
  if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) != 0)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), subtitle) != 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (icon)), icon_for (finding)) != 0)
    gtk_image_set_from_icon_name (GTK_IMAGE (icon), icon_for (finding));
  if (finding->severity == CS_SEVERITY_ERROR)
    {
      gtk_widget_add_css_class (icon, "cs-severity-error");
      gtk_widget_remove_css_class (icon, "cs-severity-warning");
    }
  else
    {
      gtk_widget_add_css_class (icon, "cs-severity-warning");
      gtk_widget_remove_css_class (icon, "cs-severity-error");
    }
  g_object_set_data (G_OBJECT (row), "finding-severity", GINT_TO_POINTER (finding->severity + 1));
  g_object_set_data_full (G_OBJECT (row), "finding-key", g_strdup (key), g_free);
}

static GtkWidget *
new_row (void)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data (G_OBJECT (row), "finding-icon", icon);

  return row;
}

/* What a row shows for @finding, as one string: two findings with the same
 * key look the same in the list, whatever their place in the text. */
static char *
row_key (const CsFinding *finding)
{
  g_autofree char *title = row_title (finding);

  return g_strdup_printf ("%d\x1f%s\x1f%s", finding->severity, title, finding->clause);
}

static GPtrArray *
list_rows (GtkListBox *list)
{
  GPtrArray *rows = g_ptr_array_new ();

  /* Headers are children of the list too. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child))
      g_ptr_array_add (rows, child);

  return rows;
}

static gboolean
row_shows (GtkWidget  *row,
           const char *key)
{
  return g_strcmp0 (g_object_get_data (G_OBJECT (row), "finding-key"), key) == 0;
}

/* While someone types, findings mostly stay as they were, or one comes or
 * goes. Rows that show the same as before are kept as they are, whatever
 * their place, and only the ones between the unchanged start and the
 * unchanged end of the list are changed, added or removed: a row set again
 * is measured again, and a list of wrapped rows shifted by one row would
 * mean measuring every row below it. */
static void
fill_list (CsComposerWindow *self)
{
  g_autoptr(GPtrArray) rows = list_rows (self->findings_list);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  gboolean regroup = FALSE;
  guint n_old = rows->len, n_new = self->findings->len;
  guint head = 0, tail = 0, changed_old, changed_new, reused;

  for (guint i = 0; i < n_new; i++)
    g_ptr_array_add (keys, row_key (g_ptr_array_index (self->findings, i)));

  while (head < n_old && head < n_new && row_shows (g_ptr_array_index (rows, head), g_ptr_array_index (keys, head)))
    head++;
  while (tail < n_old - head && tail < n_new - head &&
         row_shows (g_ptr_array_index (rows, n_old - 1 - tail), g_ptr_array_index (keys, n_new - 1 - tail)))
    tail++;

  changed_old = n_old - head - tail;
  changed_new = n_new - head - tail;
  reused = MIN (changed_old, changed_new);

  for (guint i = head; i < head + reused; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      const CsFinding *finding = g_ptr_array_index (self->findings, i);

      /* A row that changes group needs its headers worked out again. */
      if (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "finding-severity")) != (int) finding->severity + 1)
        regroup = TRUE;
      set_row (row, finding, g_ptr_array_index (keys, i));
    }

  for (guint i = head + reused; i < head + changed_old; i++)
    {
      gtk_list_box_remove (self->findings_list, g_ptr_array_index (rows, i));
      regroup = TRUE;
    }

  for (guint i = head + reused; i < head + changed_new; i++)
    {
      GtkWidget *fresh = new_row ();

      set_row (fresh, g_ptr_array_index (self->findings, i), g_ptr_array_index (keys, i));
      gtk_list_box_insert (self->findings_list, fresh, (int) i);
      regroup = TRUE;
    }

  /* Every row knows its finding by place, which moves without a re-measure. */
  g_ptr_array_unref (rows);
  rows = list_rows (self->findings_list);
  for (guint i = 0; i < rows->len; i++)
    g_object_set_data (G_OBJECT (g_ptr_array_index (rows, i)), "finding-index", GUINT_TO_POINTER (i));

  if (regroup)
    gtk_list_box_invalidate_headers (self->findings_list);
}

typedef struct
{
  guint start;
  guint end;
} Range;

static int
range_compare (gconstpointer a,
               gconstpointer b)
{
  const Range *ra = a, *rb = b;

  if (ra->start != rb->start)
    return ra->start < rb->start ? -1 : 1;
  return (ra->end > rb->end) - (ra->end < rb->end);
}

/* The ranges @tag covers now; tags move with the text as it is edited. */
static GArray *
tagged_ranges (GtkTextBuffer *buffer,
               GtkTextTag    *tag)
{
  GArray *ranges = g_array_new (FALSE, FALSE, sizeof (Range));
  GtkTextIter iter;

  gtk_text_buffer_get_start_iter (buffer, &iter);
  if (!gtk_text_iter_starts_tag (&iter, tag) && !gtk_text_iter_forward_to_tag_toggle (&iter, tag))
    return ranges;

  do
    {
      Range range;

      range.start = gtk_text_iter_get_offset (&iter);
      gtk_text_iter_forward_to_tag_toggle (&iter, tag);
      range.end = gtk_text_iter_get_offset (&iter);
      g_array_append_val (ranges, range);
    }
  while (gtk_text_iter_forward_to_tag_toggle (&iter, tag));

  return ranges;
}

/* Changes the underlines only where they differ from what is shown. Taking
 * every tag off a long post and putting it back would make the text view lay
 * out every line again on every keystroke. */
static void
apply_tags (CsComposerWindow *self)
{
  for (guint t = 0; t < G_N_ELEMENTS (self->tags); t++)
    {
      g_autoptr(GArray) have = tagged_ranges (self->buffer, self->tags[t]);
      g_autoptr(GArray) want = g_array_new (FALSE, FALSE, sizeof (Range));
      guint i = 0, j = 0;

      for (guint k = 0; k < self->findings->len; k++)
        {
          const CsFinding *finding = g_ptr_array_index (self->findings, k);
          Range range = { finding->start, finding->end };

          if ((guint) tag_for (finding) == t && range.end > range.start)
            g_array_append_val (want, range);
        }
      g_array_sort (want, range_compare);

      /* Overlapping findings of one kind show as one tagged stretch. */
      for (guint k = 1; k < want->len; )
        {
          Range *prev = &g_array_index (want, Range, k - 1);
          Range *cur = &g_array_index (want, Range, k);

          if (cur->start <= prev->end)
            {
              prev->end = MAX (prev->end, cur->end);
              g_array_remove_index (want, k);
            }
          else
            k++;
        }

      while (i < have->len || j < want->len)
        {
          Range *h = i < have->len ? &g_array_index (have, Range, i) : NULL;
          Range *w = j < want->len ? &g_array_index (want, Range, j) : NULL;
          GtkTextIter a, b;

          if (h != NULL && w != NULL && h->start == w->start && h->end == w->end)
            {
              i++;
              j++;
            }
          else if (h != NULL && (w == NULL || range_compare (h, w) < 0))
            {
              gtk_text_buffer_get_iter_at_offset (self->buffer, &a, h->start);
              gtk_text_buffer_get_iter_at_offset (self->buffer, &b, h->end);
              gtk_text_buffer_remove_tag (self->buffer, self->tags[t], &a, &b);
              i++;
            }
          else
            {
              gtk_text_buffer_get_iter_at_offset (self->buffer, &a, w->start);
              gtk_text_buffer_get_iter_at_offset (self->buffer, &b, w->end);
              gtk_text_buffer_apply_tag (self->buffer, self->tags[t], &a, &b);
              j++;
            }
        }
    }
}


/* Shows @findings (answering the text as it now is), less those ignored. */
void
cs_composer_window_show_findings (CsComposerWindow *self,
                                  GPtrArray        *findings)
{
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_finding_free);

  GtkTextIter cursor;
  guint at;

  gtk_text_buffer_get_iter_at_mark (self->buffer, &cursor, gtk_text_buffer_get_insert (self->buffer));
  at = gtk_text_iter_get_offset (&cursor);

  for (guint i = 0; i < findings->len; i++)
    {
      const CsFinding *finding = g_ptr_array_index (findings, i);
      g_autofree char *key = NULL;

      /* The photos' findings are added below, as they now are. */
      if (finding->photo != NULL)
        continue;

      key = ignore_key (finding);
      if (finding->severity == CS_SEVERITY_WARNING && g_hash_table_contains (self->ignored, key))
        continue;

      /* The word being typed is not misspelled yet, only unfinished. */
      if (g_str_equal (finding->rule, CS_RULE_SPELLING) && finding->start <= at && at <= finding->end &&
          gtk_widget_has_focus (GTK_WIDGET (self->text_view)))
        continue;

      g_ptr_array_add (shown, cs_finding_copy (finding));
    }

  for (guint i = 0; i < self->photo_findings->len; i++)
    g_ptr_array_add (shown, cs_finding_copy (g_ptr_array_index (self->photo_findings, i)));

  /* The list reads most severe first; the text keeps its order. */
  g_ptr_array_sort (shown, severity_then_position);

  g_ptr_array_unref (self->findings);
  self->findings = g_steal_pointer (&shown);

  /* While typing, the problems mostly just move: rows and underlines change
   * only where their text does. */
  apply_tags (self);
  fill_list (self);
  update_summary (self);
  cs_composer_window_update_submit (self);
}

void
cs_composer_window_reshow_findings (CsComposerWindow *self)
{
  g_autoptr(GPtrArray) copy = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_finding_free);

  for (guint i = 0; i < self->findings->len; i++)
    g_ptr_array_add (copy, cs_finding_copy (g_ptr_array_index (self->findings, i)));

  cs_composer_window_show_findings (self, copy);
}

static void
select_range (CsComposerWindow *self,
              const CsFinding  *finding)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_iter_at_offset (self->buffer, &start, finding->start);
  gtk_text_buffer_get_iter_at_offset (self->buffer, &end, finding->end);
  gtk_text_buffer_select_range (self->buffer, &start, &end);
  gtk_text_view_scroll_to_iter (self->text_view, &start, 0.1, FALSE, 0, 0);
}

static void
finding_row_activated_cb (GtkListBox       *list,
                          GtkListBoxRow    *row,
                          CsComposerWindow *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "finding-index"));
  const CsFinding *finding;

  if (index >= self->findings->len)
    return;

  finding = g_ptr_array_index (self->findings, index);

  /* A photo's problem is fixed where it is: alt text on its badge, the
   * rest in the photo editor. */
  if (finding->photo != NULL)
    {
      g_autofree char *id = g_strdup (finding->photo);

      if (adw_flap_get_folded (self->flap))
        adw_flap_set_reveal_flap (self->flap, FALSE);
      if (g_str_equal (finding->rule, CS_RULE_ALT_TEXT))
        cs_attachments_strip_edit_alt_text (self->attachments, id);
      else
        cs_composer_window_open_photo (self, id);
      return;
    }

  select_range (self, finding);
  if (adw_flap_get_folded (self->flap))
    adw_flap_set_reveal_flap (self->flap, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

/* F8 and Shift+F8: the next or previous finding in the text from the cursor. */
void
cs_composer_window_goto_finding (CsComposerWindow *self,
                                 gboolean          forward)
{
  const CsFinding *target = NULL;
  GtkTextIter cursor;
  guint offset;

  gtk_text_buffer_get_iter_at_mark (self->buffer, &cursor, gtk_text_buffer_get_insert (self->buffer));
  offset = gtk_text_iter_get_offset (&cursor);

  for (guint i = 0; i < self->findings->len; i++)
    {
      const CsFinding *f = g_ptr_array_index (self->findings, i);

      if (f->photo != NULL)
        continue;
      if (forward && f->start > offset && (target == NULL || f->start < target->start))
        target = f;
      else if (!forward && f->start < offset && (target == NULL || f->start > target->start))
        target = f;
    }

  /* Round the end of the post back to its start, as search does. */
  for (guint i = 0; target == NULL && i < self->findings->len; i++)
    {
      const CsFinding *f = g_ptr_array_index (self->findings, i);

      if (f->photo != NULL)
        continue;
      if (target == NULL || (forward ? f->start < target->start : f->start > target->start))
        target = f;
    }
  if (target == NULL)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }

  gtk_text_buffer_get_iter_at_offset (self->buffer, &cursor, target->start);
  gtk_text_buffer_place_cursor (self->buffer, &cursor);
  gtk_text_view_scroll_to_iter (self->text_view, &cursor, 0.1, FALSE, 0, 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->findings_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) &&
        g_ptr_array_index (self->findings, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "finding-index"))) == target)
      gtk_list_box_select_row (self->findings_list, GTK_LIST_BOX_ROW (row));
}

static void
next_finding_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  cs_composer_window_goto_finding (CS_COMPOSER_WINDOW (widget), TRUE);
}

static void
previous_finding_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  cs_composer_window_goto_finding (CS_COMPOSER_WINDOW (widget), FALSE);
}

static gboolean
query_tooltip_cb (GtkWidget        *widget,
                  int               x,
                  int               y,
                  gboolean          keyboard,
                  GtkTooltip       *tooltip,
                  CsComposerWindow *self)
{
  const CsFinding *finding;
  g_autofree char *markup = NULL;
  g_autofree char *message = NULL;
  g_autofree char *clause = NULL;
  GtkTextIter iter;
  int bx, by;

  if (keyboard)
    gtk_text_buffer_get_iter_at_mark (self->buffer, &iter, gtk_text_buffer_get_insert (self->buffer));
  else
    {
      gtk_text_view_window_to_buffer_coords (self->text_view, GTK_TEXT_WINDOW_WIDGET, x, y, &bx, &by);
      if (!gtk_text_view_get_iter_at_location (self->text_view, &iter, bx, by))
        return FALSE;
    }

  finding = cs_composer_window_finding_at (self, gtk_text_iter_get_offset (&iter));
  if (finding == NULL)
    return FALSE;

  message = g_markup_escape_text (finding->message, -1);
  clause = g_markup_escape_text (finding->clause, -1);
  markup = g_strdup_printf ("%s\n<small>%s %s</small>", message, _("Policy:"), clause);
  gtk_tooltip_set_markup (tooltip, markup);

  return TRUE;
}

/* The context menu offers the fixes for the finding at the cursor. The
 * live check has worked out spelling suggestions already; only a menu asked
 * for (@asked) may work out any still missing. */
static void
update_extra_menu (CsComposerWindow *self,
                   gboolean          asked)
{
  g_autoptr(GMenu) menu = NULL;
  CsFinding *finding;
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_mark (self->buffer, &iter, gtk_text_buffer_get_insert (self->buffer));
  finding = (CsFinding *) cs_composer_window_finding_at (self, gtk_text_iter_get_offset (&iter));
  if (finding == NULL || g_str_equal (finding->rule, CS_RULE_LENGTH))
    {
      gtk_text_view_set_extra_menu (self->text_view, NULL);
      return;
    }

  menu = g_menu_new ();

  if (asked && finding->suggestions == NULL && cs_session_get_checker (self->session) != NULL)
    cs_checker_fill_suggestions (cs_session_get_checker (self->session), finding);
  for (guint i = 0; finding->suggestions != NULL && i < finding->suggestions->len && i < 5; i++)
    {
      const char *suggestion = g_ptr_array_index (finding->suggestions, i);
      g_autofree char *label = g_strdup_printf (_("Replace with “%s”"), suggestion);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "composer.apply-fix",
                                               g_variant_new ("(uuss)", finding->start, finding->end,
                                                              finding->text, suggestion));
      g_menu_append_item (menu, item);
    }

  if (g_str_equal (finding->rule, CS_RULE_SPELLING))
    {
      g_autofree char *label = g_strdup_printf (_("Add “%s” to Dictionary"), finding->text);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "composer.add-word", g_variant_new_string (finding->text));
      g_menu_append_item (menu, item);
    }

  /* Errors can only be fixed; a warning may be set aside for this post. */
  if (finding->severity == CS_SEVERITY_WARNING)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("Ignore Once"), NULL);

      g_menu_item_set_action_and_target_value (item, "composer.ignore",
                                               g_variant_new ("(ss)", finding->rule, finding->text));
      g_menu_append_item (menu, item);
    }

  gtk_text_view_set_extra_menu (self->text_view, G_MENU_MODEL (menu));
}

static void
right_click_cb (GtkGestureClick  *gesture,
                int               n_press,
                double            x,
                double            y,
                CsComposerWindow *self)
{
  GtkTextIter iter;
  int bx, by;

  /* A right click on an underline moves the cursor there first, so the
   * menu offers that finding's fixes. */
  gtk_text_view_window_to_buffer_coords (self->text_view, GTK_TEXT_WINDOW_WIDGET, x, y, &bx, &by);
  if (gtk_text_view_get_iter_at_location (self->text_view, &iter, bx, by) &&
      cs_composer_window_finding_at (self, gtk_text_iter_get_offset (&iter)) != NULL &&
      !gtk_text_buffer_get_has_selection (self->buffer))
    gtk_text_buffer_place_cursor (self->buffer, &iter);

  update_extra_menu (self, TRUE);
}

static void
apply_fix_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CsComposerWindow *self = CS_COMPOSER_WINDOW (widget);
  const char *expected, *replacement;
  g_autofree char *current = NULL;
  GtkTextIter start, end;
  guint s, e;

  g_variant_get (parameter, "(uu&s&s)", &s, &e, &expected, &replacement);
  gtk_text_buffer_get_iter_at_offset (self->buffer, &start, s);
  gtk_text_buffer_get_iter_at_offset (self->buffer, &end, e);
  current = gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);

  /* The text moved since the menu was made: do nothing rather than harm. */
  if (!g_str_equal (current, expected))
    return;

  /* One step on the undo stack. */
  gtk_text_buffer_begin_user_action (self->buffer);
  gtk_text_buffer_delete (self->buffer, &start, &end);
  gtk_text_buffer_insert (self->buffer, &start, replacement, -1);
  gtk_text_buffer_end_user_action (self->buffer);
}

static void
add_word_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CsComposerWindow *self = CS_COMPOSER_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!cs_session_add_word (self->session, g_variant_get_string (parameter, NULL), &error))
    cs_composer_window_toast (self, error->message);

  cs_composer_window_recheck (self);
}

static void
ignore_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CsComposerWindow *self = CS_COMPOSER_WINDOW (widget);
  const char *rule, *text;

  g_variant_get (parameter, "(&s&s)", &rule, &text);
  g_hash_table_add (self->ignored, g_strconcat (rule, "\x1f", text, NULL));
  cs_composer_window_reshow_findings (self);
}

static void
cursor_moved_cb (CsComposerWindow *self)
{
  update_extra_menu (self, FALSE);
}

static gboolean
menu_key_cb (GtkEventControllerKey *controller,
             guint                  keyval,
             guint                  keycode,
             GdkModifierType        state,
             CsComposerWindow      *self)
{
  if (keyval == GDK_KEY_Menu || (keyval == GDK_KEY_F10 && (state & GDK_SHIFT_MASK)))
    update_extra_menu (self, TRUE);

  return GDK_EVENT_PROPAGATE;
}

/* The photos' findings
 * ====================
 */

/* The finding for a photo that could not be read, in place of the checker's
 * "not checked": that one asks for faces to be marked by hand, which cannot
 * be done on a photo nobody can open. */
static CsFinding *
unreadable_finding (CsComposerWindow   *self,
                    const CsAttachment *attachment,
                    const char         *reason)
{
  const CsPolicyRule *rule = cs_policy_get_rule (cs_session_get_policy (self->session), CS_RULE_PHOTO_UNCHECKED);
  g_autofree char *name = g_path_get_basename (attachment->original != NULL && attachment->original[0] != '\0'
                                               ? attachment->original : attachment->file);
  CsFinding *finding = cs_finding_new (CS_RULE_PHOTO_UNCHECKED, CS_SEVERITY_ERROR, 0, 0, name);

  /* The loader's messages name the photo and say what to do already. */
  if (strstr (reason, name) != NULL)
    finding->message = g_strdup (reason);
  else
    /* Translators: "“trip.jpg” could not be checked: <why>" */
    finding->message = g_strdup_printf (_("“%s” could not be checked: %s"), name, reason);
  finding->clause = g_strdup (rule != NULL && rule->clause != NULL ? rule->clause : "");
  finding->photo = g_strdup (attachment->id);
  finding->region = -1;
  finding->suggestions = g_ptr_array_new_with_free_func (g_free);

  return finding;
}

static GPtrArray *
check_photos (CsComposerWindow *self,
              GPtrArray        *attachments)
{
  CsChecker *checker = cs_session_get_checker (self->session);
  GPtrArray *findings;

  if (checker == NULL || !cs_session_is_ready (self->session))
    return g_ptr_array_new_with_free_func ((GDestroyNotify) cs_finding_free);

  findings = cs_checker_check_photos (checker, attachments, NULL);

  for (guint i = 0; i < attachments->len; i++)
    {
      const CsAttachment *attachment = g_ptr_array_index (attachments, i);
      const char *reason = g_hash_table_lookup (self->photo_errors, attachment->id);

      if (reason == NULL)
        continue;

      for (guint j = findings->len; j > 0; j--)
        {
          const CsFinding *finding = g_ptr_array_index (findings, j - 1);

          if (g_strcmp0 (finding->photo, attachment->id) == 0 && g_str_equal (finding->rule, CS_RULE_PHOTO_UNCHECKED))
            g_ptr_array_remove_index (findings, j - 1);
        }
      g_ptr_array_add (findings, unreadable_finding (self, attachment, reason));
    }

  return findings;
}

GPtrArray *
cs_composer_window_check_photo (CsComposerWindow   *self,
                                const CsAttachment *attachment)
{
  g_autoptr(GPtrArray) attachments = g_ptr_array_new ();

  g_ptr_array_add (attachments, (gpointer) attachment);
  return check_photos (self, attachments);
}

static gboolean
findings_equal (GPtrArray *a,
                GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    {
      const CsFinding *fa = g_ptr_array_index (a, i);
      const CsFinding *fb = g_ptr_array_index (b, i);

      if (fa->severity != fb->severity || fa->region != fb->region ||
          g_strcmp0 (fa->rule, fb->rule) != 0 || g_strcmp0 (fa->photo, fb->photo) != 0 ||
          g_strcmp0 (fa->message, fb->message) != 0 || g_strcmp0 (fa->clause, fb->clause) != 0)
        return FALSE;
    }

  return TRUE;
}

void
cs_composer_window_update_photo_findings (CsComposerWindow *self)
{
  g_autoptr(GPtrArray) attachments = g_ptr_array_new ();
  g_autoptr(GPtrArray) findings = NULL;
  guint n = cs_draft_get_n_attachments (self->draft);

  /* Every key typed changes the draft; a post without photos costs nothing. */
  if (n == 0 && self->photo_findings->len == 0)
    return;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (attachments, (gpointer) cs_draft_get_attachment (self->draft, i));
  findings = check_photos (self, attachments);

  /* Typing alt text changes the draft on every key too; the list is only
   * laid out again when what it says changes. */
  if (findings_equal (findings, self->photo_findings))
    return;

  g_ptr_array_unref (self->photo_findings);
  self->photo_findings = g_steal_pointer (&findings);
  cs_composer_window_reshow_findings (self);
}

void
cs_composer_window_class_init_findings (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "composer.apply-fix", "(uuss)", apply_fix_action);
  gtk_widget_class_install_action (widget_class, "composer.add-word", "s", add_word_action);
  gtk_widget_class_install_action (widget_class, "composer.ignore", "(ss)", ignore_action);
  gtk_widget_class_install_action (widget_class, "composer.next-finding", NULL, next_finding_action);
  gtk_widget_class_install_action (widget_class, "composer.previous-finding", NULL, previous_finding_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F8, 0, "composer.next-finding", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F8, GDK_SHIFT_MASK, "composer.previous-finding", NULL);
}

void
cs_composer_window_init_findings (CsComposerWindow *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  /* Pango has no dotted underline; spelling gets the wavy one GNOME's spell
   * checkers use, policy problems a solid line and a tint. */
  self->tags[TAG_ERROR] = gtk_text_buffer_create_tag (self->buffer, "cs-error",
                                                     "underline", PANGO_UNDERLINE_SINGLE,
                                                     "underline-rgba", &(GdkRGBA) { 0.88, 0.11, 0.14, 1.0 },
                                                     "background-rgba", &(GdkRGBA) { 0.88, 0.11, 0.14, 0.12 },
                                                     NULL);
  self->tags[TAG_WARNING] = gtk_text_buffer_create_tag (self->buffer, "cs-warning",
                                                       "underline", PANGO_UNDERLINE_SINGLE,
                                                       "underline-rgba", &(GdkRGBA) { 0.90, 0.65, 0.04, 1.0 },
                                                       "background-rgba", &(GdkRGBA) { 0.90, 0.65, 0.04, 0.14 },
                                                       NULL);
  self->tags[TAG_SPELLING] = gtk_text_buffer_create_tag (self->buffer, "cs-spelling",
                                                        "underline", PANGO_UNDERLINE_ERROR,
                                                        "underline-rgba", &(GdkRGBA) { 0.21, 0.52, 0.89, 1.0 },
                                                        NULL);

  gtk_list_box_set_header_func (self->findings_list, header_func, self, NULL);
  g_signal_connect (self->findings_list, "row-activated", G_CALLBACK (finding_row_activated_cb), self);
  {
    GtkWidget *empty = gtk_label_new (_("Nothing to fix. Problems appear here as you write, with the part of the policy each one comes from."));

    gtk_label_set_wrap (GTK_LABEL (empty), TRUE);
    gtk_label_set_justify (GTK_LABEL (empty), GTK_JUSTIFY_CENTER);
    gtk_widget_set_margin_top (empty, 24);
    gtk_widget_set_margin_bottom (empty, 24);
    gtk_widget_set_margin_start (empty, 12);
    gtk_widget_set_margin_end (empty, 12);
    gtk_widget_add_css_class (empty, "dim-label");
    gtk_list_box_set_placeholder (self->findings_list, empty);
  }
  g_signal_connect (self->text_view, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);
  g_signal_connect_swapped (self->buffer, "notify::cursor-position", G_CALLBACK (cursor_moved_cb), self);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (right_click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), GTK_EVENT_CONTROLLER (click));

  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (menu_key_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->text_view), keys);
  }

  update_summary (self);
}
