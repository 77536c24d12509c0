/* cs-review-details.c: what a head reads beside a post: findings, pupils, history
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three groups under the post: what the policy checks find in it now (with
 * today's roster and policy, which may have changed since it was sent),
 * the pupils tagged in its photos with their consent as the roster has it
 * today, and the post's history from the queue's audit log, in words.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "cs-post-status.h"
#include "cs-review-details.h"

struct _CsReviewDetails
{
  GtkBox      parent_instance;

  GtkWidget  *findings_group;
  GtkListBox *findings_list;
  GtkWidget  *pupils_group;
  GtkListBox *pupils_list;
  GtkWidget  *history_group;
  GtkListBox *history_list;
};

G_DEFINE_FINAL_TYPE (CsReviewDetails, cs_review_details, GTK_TYPE_BOX)

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* A row of words only; the text is the queue's or a person's, never markup. */
static GtkWidget *
new_row (const char *title,
         const char *subtitle,
         const char *icon_name,
         const char *icon_class)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL && subtitle[0] != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (icon_name != NULL)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);

      if (icon_class != NULL)
        gtk_widget_add_css_class (icon, icon_class);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
    }
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static GtkWidget *
new_loading_row (void)
{
  GtkWidget *row = new_row (_("Checking…"), NULL, NULL, NULL);
  GtkWidget *spinner = gtk_spinner_new ();

  gtk_spinner_start (GTK_SPINNER (spinner));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), spinner);
  return row;
}

/* Findings */

static void
show_findings (CsReviewDetails *self,
               JsonArray       *findings)
{
  guint shown = 0;

  clear_list (self->findings_list);
  for (guint i = 0; findings != NULL && i < json_array_get_length (findings); i++)
    {
      JsonObject *finding = json_array_get_object_element (findings, i);
      const char *severity = json_object_get_string_member_with_default (finding, "severity", "warning");
      const char *clause = json_object_get_string_member_with_default (finding, "clause", NULL);
      gboolean error = g_strcmp0 (severity, "error") == 0;
      g_autofree char *source = NULL;

      if (g_strcmp0 (severity, "off") == 0)
        continue;
      if (clause != NULL && clause[0] != '\0')
        /* Translators: the policy clause a finding rests on: "Policy: Bartons Primary, Important considerations". */
        source = g_strdup_printf (_("Policy: %s"), clause);
      gtk_list_box_append (self->findings_list,
                           new_row (json_object_get_string_member_with_default (finding, "message", ""), source,
                                    error ? "dialog-error-symbolic" : "dialog-warning-symbolic",
                                    error ? "error" : "warning"));
      shown++;
    }
  if (shown == 0)
    gtk_list_box_append (self->findings_list,
                         new_row (_("Nothing against the school's policy"),
                                  _("Checked just now, with today's roster"), "emblem-ok-symbolic", "success"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->findings_group),
                                         shown > 0 ? _("Checked just now against the school's policy and today's roster. "
                                                       "Read each one before approving.")
                                                   : NULL);
}

/* Pupils */

/* "In photo 2", "In photos 1 and 3", "In photos 1, 2 and 4". */
static char *
photos_in_words (JsonArray *photos)
{
  guint n = photos != NULL ? json_array_get_length (photos) : 0;
  g_autoptr(GString) list = g_string_new (NULL);

  if (n == 0)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (list, i == n - 1 ? _(" and ") : ", ");
      g_string_append_printf (list, "%" G_GINT64_FORMAT, json_array_get_int_element (photos, i) + 1);
    }
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "In photo %s", "In photos %s", n), list->str);
}

static GtkWidget *
consent_label (const char *text,
               const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, css_class);
  gtk_widget_add_css_class (label, "cs-consent");
  return label;
}

static void
show_pupils (CsReviewDetails *self,
             JsonArray       *pupils)
{
  guint n = pupils != NULL ? json_array_get_length (pupils) : 0;

  clear_list (self->pupils_list);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *pupil = json_array_get_object_element (pupils, i);
      const char *id = json_object_get_string_member_with_default (pupil, "id", "");
      const char *name = json_object_get_string_member_with_default (pupil, "name", NULL);
      gboolean on_roster = json_object_get_boolean_member_with_default (pupil, "on_roster", FALSE);
      gboolean pictured = json_object_get_boolean_member_with_default (pupil, "may_be_pictured", FALSE);
      gboolean named = json_object_get_boolean_member_with_default (pupil, "may_be_named", FALSE);
      g_autofree char *unknown = g_strdup_printf (_("Pupil %s"), id);
      g_autofree char *where = photos_in_words (json_object_get_array_member (pupil, "photos"));
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      /* Named in the post or not, the head needs to know which families
       * asked for their child's name to stay out of it. */
      if (on_roster && !named)
        subtitle = g_strdup_printf ("%s · %s", where != NULL ? where : "", _("not to be named"));
      row = new_row (name != NULL ? name : unknown, subtitle != NULL ? subtitle : where,
                     pictured ? "avatar-default-symbolic" : "dialog-error-symbolic", pictured ? NULL : "error");
      if (!on_roster)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                   consent_label (_("Not on the roster — do not approve"), "error"));
      else if (!pictured)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                   consent_label (_("Consent withdrawn — do not approve"), "error"));
      else
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), consent_label (_("Photo consent: yes"), "success"));
      gtk_list_box_append (self->pupils_list, row);
    }
  if (n == 0)
    gtk_list_box_append (self->pupils_list,
                         new_row (_("No pupils tagged"), _("Every face in the photos is blurred"),
                                  "emblem-ok-symbolic", "success"));
}

/* History */

/* What follows ", comment: " in a state change's detail, if anything. */
static const char *
detail_comment (const char *detail)
{
  const char *comment = detail != NULL ? strstr (detail, ", comment: ") : NULL;

  return comment != NULL ? comment + strlen (", comment: ") : NULL;
}

/* The platform a delivery entry is about: its detail starts "mastodon: …"
 * or "x, attempt 2". */
static char *
detail_platform (const char *detail)
{
  g_autofree char *id = g_strndup (detail != NULL ? detail : "", detail != NULL ? strcspn (detail, ":,") : 0);

  return g_strdup (cs_post_status_platform_name (id));
}

static const char *
detail_after_colon (const char *detail)
{
  const char *colon = detail != NULL ? strstr (detail, ": ") : NULL;

  return colon != NULL ? colon + 2 : NULL;
}

/* One audit entry in words, or NULL for one a head need not read (each
 * attempt to publish: the outcome follows). */
static char *
describe_entry (JsonObject *entry,
                GDateTime  *now,
                const char **icon_name)
{
  const char *action = json_object_get_string_member_with_default (entry, "action", "");
  const char *actor = json_object_get_string_member_with_default (entry, "actor", "");
  const char *detail = json_object_get_string_member_with_default (entry, "detail", NULL);
  const char *comment = detail_comment (detail);
  g_autofree char *platform = NULL;

  *icon_name = "document-edit-symbolic";
  if (strcmp (action, "submitted") == 0)
    {
      *icon_name = "mail-send-symbolic";
      return g_strdup_printf (_("Submitted by %s"), actor);
    }
  if (strcmp (action, "pending") == 0)
    {
      *icon_name = "mail-send-symbolic";
      return g_strdup_printf (_("Sent again by %s"), actor);
    }
  if (strcmp (action, "approved") == 0)
    {
      *icon_name = "emblem-ok-symbolic";
      return comment != NULL ? g_strdup_printf (_("Approved by %s: “%s”"), actor, comment)
                             : g_strdup_printf (_("Approved by %s"), actor);
    }
  if (strcmp (action, "rejected") == 0)
    {
      *icon_name = "action-unavailable-symbolic";
      return comment != NULL ? g_strdup_printf (_("Rejected by %s: “%s”"), actor, comment)
                             : g_strdup_printf (_("Rejected by %s"), actor);
    }
  if (strcmp (action, "withdrawn") == 0)
    {
      *icon_name = "edit-undo-symbolic";
      return g_strdup_printf (_("Withdrawn by %s"), actor);
    }
  if (strcmp (action, "scheduled") == 0)
    {
      g_autoptr(GDateTime) utc = detail != NULL ? g_date_time_new_from_iso8601 (detail, NULL) : NULL;
      g_autoptr(GDateTime) when = utc != NULL ? g_date_time_to_local (utc) : NULL;
      g_autofree char *words = when != NULL ? cs_post_status_format_time (when, now, FALSE) : NULL;

      *icon_name = "alarm-symbolic";
      return words != NULL ? g_strdup_printf (_("Scheduled by %s for %s"), actor, words)
                           : g_strdup_printf (_("Scheduled by %s"), actor);
    }
  if (strcmp (action, "published") == 0)
    {
      *icon_name = "emblem-ok-symbolic";
      /* The post's own change of state, once every platform has it. */
      if (detail != NULL && strstr (detail, " -> ") != NULL)
        return g_strdup (_("Published everywhere"));
      platform = detail_platform (detail);
      return g_strdup_printf (_("Published to %s"), platform);
    }
  if (strcmp (action, "publish-failed") == 0 || strcmp (action, "publish-retry") == 0)
    {
      const char *reason = detail_after_colon (detail);

      *icon_name = "dialog-warning-symbolic";
      platform = detail_platform (detail);
      return reason != NULL && reason[0] != '\0' ? g_strdup_printf (_("Failed on %s: %s"), platform, reason)
                                                 : g_strdup_printf (_("Failed on %s"), platform);
    }
  if (strcmp (action, "publish-retry-requested") == 0)
    {
      *icon_name = "view-refresh-symbolic";
      platform = detail_platform (detail);
      return g_strdup_printf (_("%s asked to try %s again"), actor, platform);
    }
  if (strcmp (action, "publish-interrupted") == 0)
    {
      *icon_name = "dialog-warning-symbolic";
      platform = detail_platform (detail);
      return g_strdup_printf (_("Publishing to %s was interrupted"), platform);
    }
  if (strcmp (action, "publish-attempt") == 0)
    return NULL;
  return g_strdup_printf ("%s: %s", actor, action);
}

static void
show_history (CsReviewDetails *self,
              JsonArray       *history)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  guint shown = 0;

  clear_list (self->history_list);
  for (guint i = 0; history != NULL && i < json_array_get_length (history); i++)
    {
      JsonObject *entry = json_array_get_object_element (history, i);
      g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (json_object_get_int_member_with_default (entry, "at", 0));
      g_autofree char *when = at != NULL ? cs_post_status_format_time (at, now, TRUE) : NULL;
      const char *icon_name = NULL;
      g_autofree char *words = describe_entry (entry, now, &icon_name);

      if (words == NULL)
        continue;
      gtk_list_box_append (self->history_list, new_row (words, when, icon_name, "dim-label"));
      shown++;
    }
  if (shown == 0)
    gtk_list_box_append (self->history_list, new_row (_("No history recorded"), NULL, NULL, NULL));
}

static GtkListBox *
add_group (CsReviewDetails  *self,
           const char       *title,
           GtkWidget       **group)
{
  GtkWidget *list = gtk_list_box_new ();

  *group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (*group), title);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (*group), list);
  gtk_box_append (GTK_BOX (self), *group);
  return GTK_LIST_BOX (list);
}

static void
cs_review_details_class_init (CsReviewDetailsClass *klass)
{
}

static void
cs_review_details_init (CsReviewDetails *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 24);

  self->findings_list = add_group (self, _("Findings"), &self->findings_group);
  self->pupils_list = add_group (self, _("Pupils in the Photos"), &self->pupils_group);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->pupils_group),
                                         _("Their faces are left clear because their families agreed. "
                                           "Consent is as the roster says today."));
  self->history_list = add_group (self, _("History"), &self->history_group);
  cs_review_details_set_loading (self);
}

GtkWidget *
cs_review_details_new (void)
{
  return g_object_new (CS_TYPE_REVIEW_DETAILS, NULL);
}

void
cs_review_details_set_loading (CsReviewDetails *self)
{
  g_return_if_fail (CS_IS_REVIEW_DETAILS (self));

  clear_list (self->findings_list);
  clear_list (self->pupils_list);
  clear_list (self->history_list);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->findings_group), NULL);
  gtk_list_box_append (self->findings_list, new_loading_row ());
  gtk_widget_set_visible (self->pupils_group, FALSE);
  gtk_widget_set_visible (self->history_group, FALSE);
}

void
cs_review_details_set_review (CsReviewDetails *self,
                              JsonObject      *review,
                              guint            n_photos)
{
  g_return_if_fail (CS_IS_REVIEW_DETAILS (self));
  g_return_if_fail (review != NULL);

  show_findings (self, json_object_get_array_member (review, "findings"));
  show_pupils (self, json_object_get_array_member (review, "pupils"));
  show_history (self, json_object_get_array_member (review, "history"));
  gtk_widget_set_visible (self->pupils_group, n_photos > 0);
  gtk_widget_set_visible (self->history_group, TRUE);
}

void
cs_review_details_set_error (CsReviewDetails *self,
                             const char      *message)
{
  g_return_if_fail (CS_IS_REVIEW_DETAILS (self));

  clear_list (self->findings_list);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->findings_group), NULL);
  gtk_list_box_append (self->findings_list,
                       new_row (_("The checks could not be fetched"), message, "dialog-warning-symbolic", "warning"));
  gtk_widget_set_visible (self->pupils_group, FALSE);
  gtk_widget_set_visible (self->history_group, FALSE);
}
