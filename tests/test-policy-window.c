/* test-policy-window.c: the Policy window lists each rule with its severity and clause
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "cs-policy-window.h"
#include "cs-test-ui.h"

typedef struct
{
  CsSession      *session;
  CsPolicyWindow *window;
} Fixture;

/* The demo school, with two rules moved: @mention made an error and
 * spelling turned off, as a school's own file may do. */
static const char school_policy[] =
  "{\"school\": {\"name\": \"Larkfield Primary School\", \"domains\": [\"larkfield.sch.uk\"]},"
  " \"rules\": {\"mention\": {\"severity\": \"error\"}, \"spelling\": {\"severity\": \"off\"}}}";

static gboolean
is_mapped_cb (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->session = cs_session_new ();
  cs_policy_load_data (cs_session_get_policy (f->session), school_policy, -1, "policy.json", &error);
  g_assert_no_error (error);

  f->window = g_object_ref_sink (cs_policy_window_new (NULL, f->session));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 600, 1000);
  gtk_window_present (GTK_WINDOW (f->window));
  cs_test_wait_for (is_mapped_cb, f->window, 5000, "the Policy window to show");
  cs_test_spin (200);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  cs_test_spin (50);
  g_assert_finalize_object (f->window);
  /* The window must have let go of the session, and its signal with it. */
  g_assert_finalize_object (f->session);
}

/* The rows titled @title, wherever they are. */
static void
collect_rows (GtkWidget  *root,
              const char *title,
              GPtrArray  *rows)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (ADW_IS_ACTION_ROW (child) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0)
        g_ptr_array_add (rows, child);
      collect_rows (child, title, rows);
    }
}

static GtkWidget *
find_row (Fixture    *f,
          const char *title)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_rows (GTK_WIDGET (f->window), title, rows);
  g_assert_cmpuint (rows->len, ==, 1);
  return g_ptr_array_index (rows, 0);
}

/* The title of the group @row is in, which names the severity. */
static const char *
group_of (GtkWidget *row)
{
  GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

  g_assert_nonnull (group);
  return adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group));
}

/* Whether a label on screen under @root shows @text among its words. */
static gboolean
shows_text (GtkWidget  *root,
            const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && gtk_widget_get_mapped (child) &&
          strstr (gtk_label_get_text (GTK_LABEL (child)), text) != NULL)
        return TRUE;
      if (shows_text (child, text))
        return TRUE;
    }

  return FALSE;
}

static void
test_shows_rules_and_clauses (Fixture       *f,
                              gconstpointer  data)
{
  CsPolicy *policy = cs_session_get_policy (f->session);
  const CsPolicyRule *rule = cs_policy_get_rule (policy, CS_RULE_PUPIL_NAME);
  const char * const *ids = cs_policy_get_rule_ids (policy);
  GtkWidget *row;

  /* The school whose policy it is. */
  g_assert_true (shows_text (GTK_WIDGET (f->window), "Larkfield Primary School"));

  /* A rule by its name, among the errors, with the clause's words and
   * where they come from under it. */
  g_assert_nonnull (rule);
  g_assert_cmpstr (rule->clause_text, !=, "");
  row = find_row (f, "Pupils’ names");
  g_assert_cmpstr (group_of (row), ==, "Must Be Fixed");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), rule->clause_text));
  g_assert_true (shows_text (row, rule->clause_text));
  g_assert_true (shows_text (row, rule->clause));
  g_assert_true (shows_text (row, "Sandfield Close Primary"));

  /* Severities as the school's file set them, over the defaults. */
  g_assert_cmpstr (group_of (find_row (f, "Mentions of other accounts")), ==, "Must Be Fixed");
  g_assert_cmpstr (group_of (find_row (f, "Links to other websites")), ==, "Warnings");
  g_assert_cmpstr (group_of (find_row (f, "Spelling")), ==, "Not Checked");

  /* Every rule of the policy has a name of its own, not its id. */
  for (guint i = 0; ids[i] != NULL; i++)
    g_assert_nonnull (cs_policy_window_rule_title (ids[i]));

  g_free (cs_test_screenshot (GTK_WIDGET (f->window), "policy-window"));
}

static void
test_follows_policy_changes (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* The school's file changes on disk: the session reloads and says so. */
  cs_policy_load_data (cs_session_get_policy (f->session),
                       "{\"rules\": {\"mention\": {\"severity\": \"off\"}}}", -1, "policy.json", &error);
  g_assert_no_error (error);
  g_signal_emit_by_name (f->session, "changed");
  cs_test_spin (100);

  /* Moved, not copied. */
  g_assert_cmpstr (group_of (find_row (f, "Mentions of other accounts")), ==, "Not Checked");
  g_assert_cmpstr (group_of (find_row (f, "Pupils’ names")), ==, "Must Be Fixed");
}

static void
test_escape_closes (Fixture       *f,
                    gconstpointer  data)
{
  cs_test_press_key (GTK_WIDGET (f->window), GDK_KEY_Escape, 0);
  cs_test_spin (200);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->window)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/ui/policy-window/shows-rules-and-clauses", test_shows_rules_and_clauses);
  ADD ("/ui/policy-window/follows-policy-changes", test_follows_policy_changes);
  ADD ("/ui/policy-window/escape-closes", test_escape_closes);

#undef ADD

  return g_test_run ();
}
