/* cs-policy-window.c: the school's policy rules, each with the clause behind it
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cs-policy-window.h"

struct _CsPolicyWindow
{
  AdwWindow            parent_instance;

  CsSession           *session;
  /* The rule rows of the last fill, so the next one can take them out. */
  GPtrArray           *rows;

  AdwPreferencesGroup *school_group;
  AdwPreferencesGroup *errors_group;
  AdwPreferencesGroup *warnings_group;
  AdwPreferencesGroup *off_group;
};

G_DEFINE_FINAL_TYPE (CsPolicyWindow, cs_policy_window, ADW_TYPE_WINDOW)

static const struct
{
  const char *id;
  const char *title;
} rule_titles[] = {
  { CS_RULE_PUPIL_NAME, N_("Pupils’ names") },
  { CS_RULE_STAFF_NAME, N_("Staff names") },
  { CS_RULE_PERSONAL_DATA, N_("Personal data") },
  { CS_RULE_SENSITIVE_TOPIC, N_("Sensitive matters") },
  { CS_RULE_NEGATIVE_TONE, N_("Negative tone") },
  { CS_RULE_OFFENSIVE_LANGUAGE, N_("Offensive language") },
  { CS_RULE_CONFIDENTIAL, N_("Confidential information") },
  { CS_RULE_MENTION, N_("Mentions of other accounts") },
  { CS_RULE_EXTERNAL_LINK, N_("Links to other websites") },
  { CS_RULE_LENGTH, N_("Length") },
  { CS_RULE_SPELLING, N_("Spelling") },
  { CS_RULE_PHOTO_CONSENT, N_("Photos without consent") },
  { CS_RULE_PHOTO_NEVER, N_("Pupils who must never be in a photo") },
  { CS_RULE_PHOTO_FACE, N_("Faces in photos") },
  { CS_RULE_PHOTO_TEXT, N_("Names in photos") },
  { CS_RULE_ALT_TEXT, N_("Photo descriptions") },
  { CS_RULE_PHOTO_UNCHECKED, N_("Photos not checked") },
};

const char *
cs_policy_window_rule_title (const char *rule_id)
{
  for (guint i = 0; i < G_N_ELEMENTS (rule_titles); i++)
    if (g_strcmp0 (rule_titles[i].id, rule_id) == 0)
      return _(rule_titles[i].title);

  return NULL;
}

static GtkWidget *
rule_row_new (const CsPolicyRule *rule)
{
  const char *title = cs_policy_window_rule_title (rule->id);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  GtkWidget *row;

  /* The clause's own words first, then where in which policy they are. The
   * clause is the school's text, as written, so it is not translated. */
  if (rule->clause_text != NULL && rule->clause_text[0] != '\0')
    {
      g_autofree char *text = g_markup_escape_text (rule->clause_text, -1);

      g_string_append (subtitle, text);
    }
  if (rule->clause != NULL && rule->clause[0] != '\0')
    {
      g_autofree char *clause = g_markup_escape_text (rule->clause, -1);
      g_autofree char *source = g_strdup_printf (_("Policy: %s"), clause);

      if (subtitle->len > 0)
        g_string_append_c (subtitle, '\n');
      g_string_append_printf (subtitle, "<small>%s</small>", source);
    }

  /* A rule a newer policy file adds still shows, by its id. */
  row = g_object_new (ADW_TYPE_ACTION_ROW,
                      "title", title != NULL ? title : rule->id,
                      "subtitle", subtitle->str,
                      "use-markup", TRUE,
                      "title-selectable", FALSE,
                      NULL);
  /* The clause is there to be read and quoted, not to act on. */
  gtk_widget_set_focusable (row, FALSE);
  gtk_widget_add_css_class (row, "property");
  return row;
}

static void
fill (CsPolicyWindow *self)
{
  CsPolicy *policy = cs_session_get_policy (self->session);
  const char * const *ids = cs_policy_get_rule_ids (policy);
  const char *school = cs_policy_get_school_name (policy);
  guint n_errors = 0, n_warnings = 0, n_off = 0;
  g_autoptr(GPtrArray) order = NULL;

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);

  adw_preferences_group_set_title (self->school_group,
                                   school != NULL && school[0] != '\0' ? school : _("The Built-in Policy"));

  /* The rules in the order of rule_titles (text, then photos), and any a
   * newer policy file adds after them. */
  order = g_ptr_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (rule_titles); i++)
    if (ids != NULL && g_strv_contains (ids, rule_titles[i].id))
      g_ptr_array_add (order, (gpointer) rule_titles[i].id);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    if (cs_policy_window_rule_title (ids[i]) == NULL)
      g_ptr_array_add (order, (gpointer) ids[i]);

  for (guint i = 0; i < order->len; i++)
    {
      const CsPolicyRule *rule = cs_policy_get_rule (policy, g_ptr_array_index (order, i));
      AdwPreferencesGroup *group;
      GtkWidget *row;

      if (rule == NULL)
        continue;

      switch (rule->severity)
        {
        case CS_SEVERITY_ERROR:
          group = self->errors_group;
          n_errors++;
          break;
        case CS_SEVERITY_WARNING:
          group = self->warnings_group;
          n_warnings++;
          break;
        case CS_SEVERITY_OFF:
        default:
          group = self->off_group;
          n_off++;
          break;
        }

      row = rule_row_new (rule);
      adw_preferences_group_add (group, row);
      g_ptr_array_add (self->rows, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->errors_group), n_errors > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->warnings_group), n_warnings > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->off_group), n_off > 0);
}

static void
session_changed_cb (CsPolicyWindow *self)
{
  fill (self);
}

static void
cs_policy_window_dispose (GObject *object)
{
  CsPolicyWindow *self = CS_POLICY_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_POLICY_WINDOW);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (cs_policy_window_parent_class)->dispose (object);
}

static void
cs_policy_window_finalize (GObject *object)
{
  CsPolicyWindow *self = CS_POLICY_WINDOW (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (cs_policy_window_parent_class)->finalize (object);
}

static void
cs_policy_window_class_init (CsPolicyWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_policy_window_dispose;
  object_class->finalize = cs_policy_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/countersign/Countersign/ui/policy-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CsPolicyWindow, school_group);
  gtk_widget_class_bind_template_child (widget_class, CsPolicyWindow, errors_group);
  gtk_widget_class_bind_template_child (widget_class, CsPolicyWindow, warnings_group);
  gtk_widget_class_bind_template_child (widget_class, CsPolicyWindow, off_group);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cs_policy_window_init (CsPolicyWindow *self)
{
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

CsPolicyWindow *
cs_policy_window_new (GtkWindow *parent,
                      CsSession *session)
{
  CsPolicyWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CS_IS_SESSION (session), NULL);

  self = g_object_new (CS_TYPE_POLICY_WINDOW,
                       "transient-for", parent,
                       NULL);
  self->session = g_object_ref (session);
  g_signal_connect_object (session, "changed", G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  fill (self);
  return self;
}
