/* test-composer.c: the composer window driven as a person would, under Xvfb
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <glib/gstdio.h>

#include "cs-composer-window-private.h"
#include "cs-photo-editor-private.h"
#include "cs-my-posts-window.h"
#include "cs-review-window-private.h"
#include "cs-test-ui.h"

static CsApplication *app;
static char *home;
static char *roster_path;

#define CHECK_TIMEOUT_MS 10000

static gboolean
session_ready (gpointer data)
{
  return cs_session_is_ready (cs_application_get_session (app));
}

static gboolean
check_done (gpointer data)
{
  return !cs_composer_window_is_checking (data);
}

static CsComposerWindow *
open_window_sized (int width,
                   int height)
{
  CsComposerWindow *window = cs_composer_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  cs_test_wait_for (session_ready, NULL, CHECK_TIMEOUT_MS, "the dictionary and roster to load");
  cs_test_wait_for (check_done, window, CHECK_TIMEOUT_MS, "the first check");

  return window;
}

static CsComposerWindow *
open_window (void)
{
  return open_window_sized (1000, 640);
}

static void
close_window (CsComposerWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  cs_test_spin (50);
}

static void
type_text (CsComposerWindow *window,
           const char       *text)
{
  gtk_text_buffer_set_text (window->buffer, text, -1);
  cs_test_wait_for (check_done, window, CHECK_TIMEOUT_MS, "the check of the new text");
}

static CsFinding *
shown_finding (CsComposerWindow *window,
               const char       *rule,
               const char       *text)
{
  for (guint i = 0; i < window->findings->len; i++)
    {
      CsFinding *finding = g_ptr_array_index (window->findings, i);

      if (g_str_equal (finding->rule, rule) && (text == NULL || g_str_equal (finding->text, text)))
        return finding;
    }

  return NULL;
}

static guint
count_rows (GtkListBox *list)
{
  guint n = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL; row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row))
      n++;

  return n;
}

static gboolean
has_tag_at (CsComposerWindow *window,
            const char       *tag_name,
            guint             offset)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (window->buffer), tag_name);
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_offset (window->buffer, &iter, offset);
  return gtk_text_iter_has_tag (&iter, tag);
}

static gboolean
demo_roster_loaded (gpointer data)
{
  CsRoster *roster = cs_session_get_roster (cs_application_get_session (app));

  return cs_roster_lookup (roster, "LK-P003") != NULL;
}

/* The first run, as the README's demo gives it: the demo roster and policy,
 * no drafts yet, and the window opens on the sample post with its findings. */
static void
test_demo_first_run (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  CsComposerWindow *window;
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  g_settings_set_string (settings, "roster-file", "");
  g_settings_set_string (settings, "policy-file", "");
  cs_test_wait_for (session_ready, NULL, CHECK_TIMEOUT_MS, "the dictionary");
  cs_test_wait_for (demo_roster_loaded, NULL, CHECK_TIMEOUT_MS, "the demo roster");

  window = open_window ();
  gtk_text_buffer_get_bounds (window->buffer, &start, &end);
  text = gtk_text_buffer_get_text (window->buffer, &start, &end, FALSE);
  g_assert_true (g_str_has_prefix (text, "What a week at Larkfield!"));
  g_assert_nonnull (shown_finding (window, CS_RULE_PUPIL_NAME, "Poppy"));
  g_assert_nonnull (shown_finding (window, CS_RULE_STAFF_NAME, "Mrs Okoro"));
  g_assert_nonnull (shown_finding (window, CS_RULE_PERSONAL_DATA, "07700 900311"));
  g_assert_null (shown_finding (window, CS_RULE_PUPIL_NAME, "Mark"));
  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-demo"));
  close_window (window);

  /* The rest of the tests use their own roster and policy. */
  g_settings_set_string (settings, "roster-file", roster_path);
  g_settings_set_string (settings, "policy-file", TEST_DATA_DIR "/policy-school.json");
  cs_test_spin (500);
}

static void
test_underlines_pupil_name (void)
{
  CsComposerWindow *window = open_window ();
  const char *text = "Well done to Amelia Hart for a fantastic week, and to Year 4 for their recieved certificates.";
  CsFinding *finding;

  type_text (window, text);

  finding = shown_finding (window, CS_RULE_PUPIL_NAME, "Amelia Hart");
  g_assert_nonnull (finding);
  g_assert_cmpuint (finding->start, ==, 13);
  g_assert_true (has_tag_at (window, "cs-error", 13));
  g_assert_true (has_tag_at (window, "cs-error", 23));
  g_assert_false (has_tag_at (window, "cs-error", 25));
  g_assert_true (has_tag_at (window, "cs-spelling", 75));

  /* The list holds the name and the misspelling, the name first. */
  g_assert_cmpuint (count_rows (window->findings_list), ==, window->findings->len);
  g_assert_cmpuint (window->findings->len, ==, 2);
  g_assert_cmpstr (gtk_label_get_label (window->summary_label), ==, "1 problem must be fixed");

  /* Submit waits for the fix, and says why. */
  g_assert_false (gtk_widget_is_sensitive (window->submit_button));
  g_assert_nonnull (strstr (cs_composer_window_get_submit_tooltip (window), "must be fixed"));

  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-pupil-name"));
  close_window (window);
}

static GPtrArray *
list_rows (GtkListBox *list)
{
  GPtrArray *rows = g_ptr_array_new ();

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL; row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row))
      g_ptr_array_add (rows, row);

  return rows;
}

/* A finding that comes or goes while someone types changes its own row and
 * no other: the rows around it are the same widgets, not set again (each
 * one set again is laid out again, on every key). The title has its
 * subtitle from the start, so it does not jump when typing starts. */
static void
test_rows_kept_while_typing (void)
{
  CsComposerWindow *window = open_window ();
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) again = NULL;
  const char *subtitle;

  subtitle = adw_window_title_get_subtitle (window->window_title);
  g_assert_nonnull (subtitle);
  g_assert_cmpstr (subtitle, !=, "");

  type_text (window, "Well done to Amelia Hart. Our recieved certificates. The sponsered walk.");
  before = list_rows (window->findings_list);
  g_assert_cmpuint (before->len, ==, 3);

  /* A second misspelling between the two: one row more, the others kept. */
  type_text (window, "Well done to Amelia Hart. Our recieved certificates. A wonderfull day. The sponsered walk.");
  after = list_rows (window->findings_list);
  g_assert_cmpuint (after->len, ==, 4);
  g_assert_true (g_ptr_array_index (after, 0) == g_ptr_array_index (before, 0));
  g_assert_true (g_ptr_array_index (after, 1) == g_ptr_array_index (before, 1));
  g_assert_true (g_ptr_array_index (after, 3) == g_ptr_array_index (before, 2));
  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (after, 2)), ==,
                   shown_finding (window, CS_RULE_SPELLING, "wonderfull")->message);
  /* Each row still leads to its own finding. */
  for (guint i = 0; i < after->len; i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_object_get_data (g_ptr_array_index (after, i), "finding-index")), ==, i);

  /* And it goes again, taking only its own row. */
  type_text (window, "Well done to Amelia Hart. Our recieved certificates. The sponsered walk.");
  again = list_rows (window->findings_list);
  g_assert_cmpuint (again->len, ==, 3);
  g_assert_true (g_ptr_array_index (again, 0) == g_ptr_array_index (before, 0));
  g_assert_true (g_ptr_array_index (again, 1) == g_ptr_array_index (before, 1));
  g_assert_true (g_ptr_array_index (again, 2) == g_ptr_array_index (before, 2));
  g_assert_cmpstr (gtk_label_get_label (window->summary_label), ==, "1 problem must be fixed");

  close_window (window);
}

static void
test_quick_fix (void)
{
  CsComposerWindow *window = open_window ();
  CsFinding *finding;
  GtkTextIter start, end;
  g_autofree char *fixed = NULL;
  g_autofree char *undone = NULL;

  type_text (window, "Well done to Amelia Hart for a fantastic week!");
  finding = shown_finding (window, CS_RULE_PUPIL_NAME, "Amelia Hart");
  g_assert_nonnull (finding);
  g_assert_nonnull (finding->suggestions);
  g_assert_cmpstr (g_ptr_array_index (finding->suggestions, 0), ==, "a Reception pupil");

  gtk_widget_activate_action (GTK_WIDGET (window), "composer.apply-fix", "(uuss)", finding->start, finding->end,
                              finding->text, "a Reception pupil");
  cs_test_wait_for (check_done, window, CHECK_TIMEOUT_MS, "the check after the fix");

  gtk_text_buffer_get_bounds (window->buffer, &start, &end);
  fixed = gtk_text_buffer_get_text (window->buffer, &start, &end, FALSE);
  g_assert_cmpstr (fixed, ==, "Well done to a Reception pupil for a fantastic week!");
  g_assert_null (shown_finding (window, CS_RULE_PUPIL_NAME, NULL));
  g_assert_cmpstr (gtk_label_get_label (window->summary_label), ==, "Ready for approval");
  g_assert_true (gtk_widget_is_sensitive (window->submit_button));
  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-quick-fix"));

  /* The fix is one step on the undo stack. */
  g_assert_true (gtk_text_buffer_get_can_undo (window->buffer));
  gtk_text_buffer_undo (window->buffer);
  gtk_text_buffer_get_bounds (window->buffer, &start, &end);
  undone = gtk_text_buffer_get_text (window->buffer, &start, &end, FALSE);
  g_assert_cmpstr (undone, ==, "Well done to Amelia Hart for a fantastic week!");

  close_window (window);
}

static void
test_ignore_warning_only (void)
{
  CsComposerWindow *window = open_window ();

  type_text (window, "Thanks @AshcombePE for a great match and to Mrs Farrant for the trip.");
  g_assert_nonnull (shown_finding (window, CS_RULE_MENTION, "@AshcombePE"));

  gtk_widget_activate_action (GTK_WIDGET (window), "composer.ignore", "(ss)", CS_RULE_MENTION, "@AshcombePE");
  g_assert_null (shown_finding (window, CS_RULE_MENTION, NULL));
  /* An error stays, and its menu offers no way to ignore it. */
  g_assert_nonnull (shown_finding (window, CS_RULE_STAFF_NAME, "Mrs Farrant"));

  close_window (window);
}

static void
set_platforms (CsComposerWindow *window,
               gboolean          x,
               gboolean          facebook,
               gboolean          mastodon)
{
  /* Switch on first, then off, so that one platform is always on. */
  if (x)
    gtk_toggle_button_set_active (window->platform_x, TRUE);
  if (facebook)
    gtk_toggle_button_set_active (window->platform_facebook, TRUE);
  if (mastodon)
    gtk_toggle_button_set_active (window->platform_mastodon, TRUE);
  gtk_toggle_button_set_active (window->platform_x, x);
  gtk_toggle_button_set_active (window->platform_facebook, facebook);
  gtk_toggle_button_set_active (window->platform_mastodon, mastodon);
  gtk_toggle_button_set_active (window->platform_bluesky, FALSE);
  cs_test_wait_for (check_done, window, CHECK_TIMEOUT_MS, "the check for the platforms");
}

static void
test_counter_and_limit (void)
{
  CsComposerWindow *window = open_window ();
  g_autofree char *over = g_strnfill (281, 'a');

  set_platforms (window, TRUE, FALSE, FALSE);
  type_text (window, "Sports day is on Friday.");
  g_assert_cmpstr (gtk_inscription_get_text (window->counter_label), ==, "256 / 280");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window->counter_label), "error"));

  type_text (window, over);
  g_assert_cmpstr (gtk_inscription_get_text (window->counter_label), ==, "-1 / 280");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window->counter_label), "error"));
  g_assert_nonnull (shown_finding (window, CS_RULE_LENGTH, NULL));
  g_assert_true (has_tag_at (window, "cs-error", 280));
  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-over-limit"));

  /* Several platforms: the strictest limit applies. */
  set_platforms (window, TRUE, FALSE, TRUE);
  g_assert_cmpstr (gtk_inscription_get_text (window->counter_label), ==, "-1 / 280");

  /* Mastodon alone allows 500. */
  set_platforms (window, FALSE, FALSE, TRUE);
  g_assert_cmpstr (gtk_inscription_get_text (window->counter_label), ==, "219 / 500");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window->counter_label), "error"));
  g_assert_null (shown_finding (window, CS_RULE_LENGTH, NULL));

  /* The last platform cannot be switched off. */
  gtk_toggle_button_set_active (window->platform_mastodon, FALSE);
  g_assert_true (gtk_toggle_button_get_active (window->platform_mastodon));

  close_window (window);
}

static void
write_roster (const char *extra_rows)
{
  g_autofree char *base = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *tmp = g_strconcat (roster_path, ".part", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (TEST_DATA_DIR "/checker-roster.csv", &base, NULL, &error));
  contents = g_strconcat (base, extra_rows, NULL);
  /* Replaced by a rename, as MIS exports and editors do. */
  g_assert_true (g_file_set_contents (tmp, contents, -1, &error));
  g_assert_cmpint (g_rename (tmp, roster_path), ==, 0);
}

typedef struct
{
  CsComposerWindow *window;
  const char       *rule;
  const char       *text;
  gboolean          present;
} Expect;

/* While someone types far from the limit, the counter changes when they
 * pause; near the limit, and on crossing it, with every key. */
static void
test_counter_while_typing (void)
{
  CsComposerWindow *window = open_window ();
  g_autofree char *near = g_strnfill (265, 'a');
  g_autofree char *full = g_strnfill (280, 'a');

  set_platforms (window, TRUE, FALSE, FALSE);
  type_text (window, "Sports day is on Friday.");
  g_assert_cmpstr (gtk_inscription_get_text (window->counter_label), ==, "256 / 280");

  gtk_text_buffer_insert_at_cursor (window->buffer, "!", 1);
  g_assert_cmpstr (gtk_inscription_get_text (window->counter_label), ==, "256 / 280");
  cs_test_spin (400);
  g_assert_cmpstr (gtk_inscription_get_text (window->counter_label), ==, "255 / 280");

  type_text (window, near);
  g_assert_cmpstr (gtk_inscription_get_text (window->counter_label), ==, "15 / 280");
  gtk_text_buffer_insert_at_cursor (window->buffer, "b", 1);
  g_assert_cmpstr (gtk_inscription_get_text (window->counter_label), ==, "14 / 280");

  type_text (window, full);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window->counter_label), "error"));
  gtk_text_buffer_insert_at_cursor (window->buffer, "b", 1);
  g_assert_cmpstr (gtk_inscription_get_text (window->counter_label), ==, "-1 / 280");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window->counter_label), "error"));

  close_window (window);
}

static gboolean
finding_as_expected (gpointer data)
{
  Expect *e = data;

  return !cs_composer_window_is_checking (e->window) &&
         (shown_finding (e->window, e->rule, e->text) != NULL) == e->present;
}

static void
test_roster_change_rechecks (void)
{
  CsComposerWindow *window = open_window ();
  Expect expect = { window, CS_RULE_PUPIL_NAME, "Ptolemy", TRUE };

  type_text (window, "Well done Ptolemy for the brilliant model of the Globe!");
  g_assert_null (shown_finding (window, CS_RULE_PUPIL_NAME, NULL));

  write_roster ("T-P99,Ptolemy,Frost,,Year 3,pupil,yes,no,\n");
  cs_test_wait_for (finding_as_expected, &expect, CHECK_TIMEOUT_MS, "the roster change to be noticed");
  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-roster-changed"));

  close_window (window);
}

static gboolean
banner_shown (gpointer data)
{
  return gtk_revealer_get_reveal_child (((CsComposerWindow *) data)->banner_revealer);
}

static gboolean
banner_says_left_out (gpointer data)
{
  return strstr (gtk_label_get_label (((CsComposerWindow *) data)->banner_label), "left out") != NULL;
}

static void
test_bad_roster_banner (void)
{
  CsComposerWindow *window = open_window ();
  Expect expect = { window, CS_RULE_PUPIL_NAME, "Ptolemy", TRUE };
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_strconcat (roster_path, ".part", NULL);
  const char *label;

  write_roster ("T-P99,Ptolemy,Frost,,Year 3,pupil,yes,no,\n");
  type_text (window, "Well done Ptolemy for the brilliant model of the Globe!");
  cs_test_wait_for (finding_as_expected, &expect, CHECK_TIMEOUT_MS, "the roster with Ptolemy");

  g_assert_true (g_file_set_contents (tmp, "id,forename,class,photo_consent\nX1,Someone,Year 2,yes\n", -1, &error));
  g_assert_cmpint (g_rename (tmp, roster_path), ==, 0);
  cs_test_wait_for (banner_shown, window, CHECK_TIMEOUT_MS, "the roster banner");

  label = gtk_label_get_label (window->banner_label);
  g_assert_nonnull (strstr (label, "surname"));
  g_assert_nonnull (strstr (label, "last roster that loaded is still in use"));

  /* The old roster still names Ptolemy. */
  cs_composer_window_recheck (window);
  cs_test_wait_for (check_done, window, CHECK_TIMEOUT_MS, "the re-check");
  g_assert_nonnull (shown_finding (window, CS_RULE_PUPIL_NAME, "Ptolemy"));
  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-bad-roster"));

  /* A bad row is reported with its line, and the good rows load. */
  write_roster ("T-P98,Quentin,Marlowe,,Year 3,pupil,maybe,no,\n");
  cs_test_wait_for (banner_says_left_out, window, CHECK_TIMEOUT_MS, "the roster problems banner");
  label = gtk_label_get_label (window->banner_label);
  {
    g_autofree char *base = NULL;
    g_autofree char *line = NULL;
    guint lines = 0;

    /* The bad row is the one after the fixture's last line. */
    g_assert_true (g_file_get_contents (TEST_DATA_DIR "/checker-roster.csv", &base, NULL, NULL));
    for (const char *p = base; *p; p++)
      lines += *p == '\n';
    line = g_strdup_printf ("Line %u", lines + 1);
    if (strstr (label, line) == NULL)
      g_error ("banner “%s” lacks “%s”", label, line);
  }
  g_assert_nonnull (strstr (label, "maybe"));

  close_window (window);
}

static void
test_navigation_and_narrow (void)
{
  CsComposerWindow *window = open_window ();
  GtkTextIter cursor;

  type_text (window, "Thanks to Mrs Farrant. Ring 07700 900482 or see bit.ly/abc today.");
  gtk_text_buffer_get_start_iter (window->buffer, &cursor);
  gtk_text_buffer_place_cursor (window->buffer, &cursor);

  gtk_widget_activate_action (GTK_WIDGET (window), "composer.next-finding", NULL);
  gtk_text_buffer_get_iter_at_mark (window->buffer, &cursor, gtk_text_buffer_get_insert (window->buffer));
  g_assert_cmpint (gtk_text_iter_get_offset (&cursor), ==, 10);
  gtk_widget_activate_action (GTK_WIDGET (window), "composer.next-finding", NULL);
  gtk_text_buffer_get_iter_at_mark (window->buffer, &cursor, gtk_text_buffer_get_insert (window->buffer));
  g_assert_cmpint (gtk_text_iter_get_offset (&cursor), ==, 28);
  gtk_widget_activate_action (GTK_WIDGET (window), "composer.previous-finding", NULL);
  gtk_text_buffer_get_iter_at_mark (window->buffer, &cursor, gtk_text_buffer_get_insert (window->buffer));
  g_assert_cmpint (gtk_text_iter_get_offset (&cursor), ==, 10);

  close_window (window);

  /* At 360 pixels the problems fold away behind a button. */
  window = open_window_sized (360, 640);
  type_text (window, "Thanks to Mrs Farrant. Ring 07700 900482 or see bit.ly/abc today.");
  cs_test_spin (300);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 400);
  g_assert_true (adw_flap_get_folded (window->flap));
  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-narrow"));
  adw_flap_set_reveal_flap (window->flap, TRUE);
  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-narrow-problems"));

  close_window (window);
}

static GStrv
menu_labels (GMenuModel *menu)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (int i = 0; menu != NULL && i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *label = NULL;

      g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &label);
      g_strv_builder_add (builder, label);
    }

  return g_strv_builder_end (builder);
}

static void
place_cursor (CsComposerWindow *window,
              guint             offset)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_offset (window->buffer, &iter, offset);
  gtk_text_buffer_place_cursor (window->buffer, &iter);
}

static gboolean
has_label_containing (GtkWidget  *widget,
                      const char *needle)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), needle) != NULL)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (has_label_containing (child, needle))
        return TRUE;
    }

  return FALSE;
}

static GtkWidget *
find_shortcuts_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (GTK_IS_SHORTCUTS_WINDOW (toplevel) && gtk_widget_get_visible (toplevel))
        return toplevel;
    }

  return NULL;
}

static gboolean
shortcuts_window_shown (gpointer data)
{
  return find_shortcuts_window () != NULL;
}

/* Submit has been pressed: the post is being prepared or is in the outbox
 * (the window has moved on to a new, empty draft). */
static gboolean
submission_started (gpointer data)
{
  CsComposerWindow *window = data;

  return window->submitting || g_hash_table_size (window->sending) > 0 ||
         has_label_containing (GTK_WIDGET (window), "Sending to the headteacher");
}

/* Real key presses, through the X server: the bindings, not the actions. */
static void
test_keyboard_shortcuts (void)
{
  CsComposerWindow *window = open_window ();
  GtkWidget *shortcuts;
  GtkTextIter cursor;

  /* Ctrl+Enter does nothing while a problem remains. */
  type_text (window, "Thanks to Mrs Farrant for the trip.");
  place_cursor (window, 0);
  g_assert_false (gtk_widget_is_sensitive (window->submit_button));
  cs_test_press_key (GTK_WIDGET (window), GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_false (has_label_containing (GTK_WIDGET (window), "Ready for approval"));

  /* F8 goes to the problem from the cursor. */
  cs_test_press_key (GTK_WIDGET (window), GDK_KEY_F8, 0);
  gtk_text_buffer_get_iter_at_mark (window->buffer, &cursor, gtk_text_buffer_get_insert (window->buffer));
  g_assert_cmpint (gtk_text_iter_get_offset (&cursor), ==, 10);

  /* Once it is fixed, Ctrl+Enter submits. */
  gtk_text_buffer_set_text (window->buffer, "", -1);
  type_text (window, "Thanks to everyone who came on the trip.");
  g_assert_true (gtk_widget_is_sensitive (window->submit_button));
  cs_test_press_key (GTK_WIDGET (window), GDK_KEY_Return, GDK_CONTROL_MASK);
  cs_test_wait_for (submission_started, window, 60000, "the post to be on its way");

  /* Ctrl+? shows every shortcut. */
  cs_test_press_key (GTK_WIDGET (window), GDK_KEY_question, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  cs_test_wait_for (shortcuts_window_shown, NULL, 5000, "the shortcuts window");
  shortcuts = find_shortcuts_window ();
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (shortcuts)) == GTK_WINDOW (window));
  g_assert_true (has_label_containing (shortcuts, "Submit"));
  g_free (cs_test_screenshot (shortcuts, "composer-shortcuts"));
  gtk_window_destroy (GTK_WINDOW (shortcuts));

  close_window (window);
}

static void
test_context_menu (void)
{
  CsComposerWindow *window = open_window ();
  g_auto(GStrv) spelling = NULL;
  g_auto(GStrv) error = NULL;
  g_auto(GStrv) warning = NULL;

  type_text (window, "Well done Amelia Hart. Tins were recieved, see @AshcombePE.");
  gtk_widget_grab_focus (GTK_WIDGET (window->text_view));

  /* A misspelling: its suggestions, the dictionary, and ignoring it. */
  place_cursor (window, 35);
  spelling = menu_labels (gtk_text_view_get_extra_menu (window->text_view));
  g_assert_true (g_strv_contains ((const char * const *) spelling, "Replace with “received”"));
  g_assert_true (g_strv_contains ((const char * const *) spelling, "Add “recieved” to Dictionary"));
  g_assert_true (g_strv_contains ((const char * const *) spelling, "Ignore Once"));

  /* An error can be fixed, never ignored. */
  place_cursor (window, 12);
  error = menu_labels (gtk_text_view_get_extra_menu (window->text_view));
  g_assert_true (g_strv_contains ((const char * const *) error, "Replace with “a Reception pupil”"));
  g_assert_false (g_strv_contains ((const char * const *) error, "Ignore Once"));

  /* A warning may be set aside. */
  place_cursor (window, 50);
  warning = menu_labels (gtk_text_view_get_extra_menu (window->text_view));
  g_assert_true (g_strv_contains ((const char * const *) warning, "Ignore Once"));

  close_window (window);
}

static void
test_row_moves_cursor (void)
{
  CsComposerWindow *window = open_window ();
  GtkListBoxRow *row;
  GtkTextIter start, end;

  type_text (window, "Thanks to everyone. Ring 07700 900482 today.");
  row = gtk_list_box_get_row_at_index (window->findings_list, 0);
  g_assert_nonnull (row);
  g_signal_emit_by_name (window->findings_list, "row-activated", row);

  g_assert_true (gtk_text_buffer_get_selection_bounds (window->buffer, &start, &end));
  g_assert_cmpint (gtk_text_iter_get_offset (&start), ==, 25);
  g_assert_cmpint (gtk_text_iter_get_offset (&end), ==, 37);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (window->text_view)));

  close_window (window);
}

/* Photos
 * ======
 */

#define PHOTO_TIMEOUT_MS 120000

static void assert_labelled (GtkWidget *widget);
#define FACES_PHOTO TEST_DATA_DIR "/faces/two-players.png"

static gboolean
has_face_model (void)
{
  return CS_FACE_MODEL[0] != '\0';
}

static gboolean
photos_settled (gpointer data)
{
  return !cs_composer_window_is_checking_photos (data);
}

static void
wait_for_photos (CsComposerWindow *window)
{
  cs_test_wait_for (photos_settled, window, PHOTO_TIMEOUT_MS, "the photos to be checked");
  cs_test_wait_for (check_done, window, CHECK_TIMEOUT_MS, "the check after the photos");
}

/* Attaches @paths as a drop or the file chooser would. */
static void
attach_photos (CsComposerWindow   *window,
               const char * const *paths)
{
  GSList *files = NULL;

  for (guint i = 0; paths[i] != NULL; i++)
    files = g_slist_append (files, g_file_new_for_path (paths[i]));
  cs_attachments_strip_import_files (window->attachments, files);
  g_slist_free_full (files, g_object_unref);
}

static void
attach_photo (CsComposerWindow *window,
              const char       *path)
{
  const char *paths[] = { path, NULL };

  attach_photos (window, paths);
}

static void
collect_tiles (GtkWidget *widget,
               GPtrArray *tiles)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && gtk_widget_has_css_class (child, "cs-attachment-tile"))
        g_ptr_array_add (tiles, child);
      collect_tiles (child, tiles);
    }
}

/* The thumbnail button of the @index'th photo, in the order shown. */
static GtkWidget *
tile_at (CsComposerWindow *window,
         guint             index)
{
  g_autoptr(GPtrArray) tiles = g_ptr_array_new ();

  collect_tiles (GTK_WIDGET (window->attachments), tiles);
  g_assert_cmpuint (index, <, tiles->len);
  return g_ptr_array_index (tiles, index);
}

static GtkWidget *
find_by_css_class (GtkWidget  *widget,
                   const char *css_class)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (gtk_widget_has_css_class (child, css_class))
        return child;
      if ((found = find_by_css_class (child, css_class)) != NULL)
        return found;
    }

  return NULL;
}

/* What the state badge on @tile says: "Checking…", "Blurred"… */
static const char *
tile_badge (GtkWidget *tile)
{
  GtkWidget *badge = find_by_css_class (tile, "cs-photo-badge");

  g_assert_nonnull (badge);
  for (GtkWidget *child = gtk_widget_get_first_child (badge); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LABEL (child))
      return gtk_label_get_label (GTK_LABEL (child));

  g_assert_not_reached ();
}

static guint
count_regions (const CsAttachment *photo,
               CsRegionKind        kind)
{
  guint n = 0;

  for (guint i = 0; i < photo->regions->len; i++)
    n += ((CsPhotoRegion *) g_ptr_array_index (photo->regions, i))->kind == kind;

  return n;
}

static CsFinding *
photo_finding (CsComposerWindow *window,
               const char       *rule,
               const char       *photo_id)
{
  for (guint i = 0; i < window->findings->len; i++)
    {
      CsFinding *finding = g_ptr_array_index (window->findings, i);

      if (g_str_equal (finding->rule, rule) && g_strcmp0 (finding->photo, photo_id) == 0)
        return finding;
    }

  return NULL;
}

static GtkListBoxRow *
row_of_finding (CsComposerWindow *window,
                const CsFinding  *finding)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (window->findings_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) &&
        g_ptr_array_index (window->findings, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "finding-index"))) == finding)
      return GTK_LIST_BOX_ROW (row);

  return NULL;
}

static CsPhotoEditor *
find_editor (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (CS_IS_PHOTO_EDITOR (window))
        return CS_PHOTO_EDITOR (window);
    }

  return NULL;
}

static gboolean
editor_shown (gpointer data)
{
  CsPhotoEditor *editor = find_editor ();

  return editor != NULL && gtk_widget_get_mapped (GTK_WIDGET (editor)) && !cs_photo_editor_is_loading (editor);
}

/* A copy of the two faces, @scale times the size, as a JPEG of @quality so
 * that each copy is a file of its own. */
static char *
write_scaled_photo (const char *name,
                    double      scale,
                    int         quality)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) source = gdk_pixbuf_new_from_file (FACES_PHOTO, &error);
  g_autoptr(GdkPixbuf) scaled = NULL;
  g_autofree char *quality_str = g_strdup_printf ("%d", quality);
  char *path = g_build_filename (home, name, NULL);

  g_assert_no_error (error);
  scaled = gdk_pixbuf_scale_simple (source, gdk_pixbuf_get_width (source) * scale,
                                    gdk_pixbuf_get_height (source) * scale, GDK_INTERP_BILINEAR);
  g_assert_true (gdk_pixbuf_save (scaled, path, "jpeg", &error, "quality", quality_str, NULL));
  g_assert_no_error (error);

  return path;
}

static CsComposerWindow *
open_window_on_new_draft (const char *text)
{
  CsComposerWindow *window = open_window ();

  gtk_widget_activate_action (GTK_WIDGET (window), "composer.new-draft", NULL);
  type_text (window, text);

  return window;
}

/* Whether a face region covers most of @face. */
static gboolean
face_found (const CsAttachment *photo,
            const CsRect       *face)
{
  for (guint i = 0; i < photo->regions->len; i++)
    {
      const CsPhotoRegion *region = g_ptr_array_index (photo->regions, i);
      double w = MIN (face->x + face->w, region->rect.x + region->rect.w) - MAX (face->x, region->rect.x);
      double h = MIN (face->y + face->h, region->rect.y + region->rect.h) - MAX (face->y, region->rect.y);

      if (region->kind == CS_REGION_FACE && w > 0 && h > 0 && w * h >= 0.5 * face->w * face->h)
        return TRUE;
    }
  return FALSE;
}

/* The two faces are found, stored in the draft and blurred by default. */
static void
test_photo_faces_found (void)
{
  CsComposerWindow *window;
  const CsAttachment *photo;
  GtkWidget *tile;

  if (!has_face_model ())
    {
      g_test_skip ("No face model: configure with -Dface_model=PATH");
      return;
    }

  window = open_window_on_new_draft ("Our basketball club met the local team this week.");
  attach_photo (window, FACES_PHOTO);
  g_assert_cmpuint (cs_draft_get_n_attachments (window->draft), ==, 1);

  /* The tile says the photo is being checked, with a spinner. */
  tile = tile_at (window, 0);
  g_assert_cmpint (cs_draft_get_attachment (window->draft, 0)->state, ==, CS_PHOTO_STATE_CHECKING);
  g_assert_cmpstr (tile_badge (tile), ==, "Checking…");
  g_assert_true (gtk_widget_get_visible (find_by_css_class (tile, "cs-photo-badge")));
  g_assert_false (gtk_widget_is_sensitive (window->submit_button));
  g_assert_nonnull (strstr (cs_composer_window_get_submit_tooltip (window), "still being checked"));
  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-photo-checking"));

  wait_for_photos (window);
  photo = cs_draft_get_attachment (window->draft, 0);
  g_assert_true (photo->faces_checked);
  g_assert_cmpint (photo->width, ==, 640);
  g_assert_cmpint (photo->height, ==, 480);
  /* Both players' faces are found; the detector may also box the back of
   * the right one's head, which is blurred all the same. */
  g_assert_cmpuint (count_regions (photo, CS_REGION_FACE), >=, 2);
  g_assert_true (face_found (photo, &(CsRect) { 72, 92, 32, 42 }));
  g_assert_true (face_found (photo, &(CsRect) { 512, 58, 42, 64 }));
  for (guint i = 0; i < photo->regions->len; i++)
    g_assert_false (((CsPhotoRegion *) g_ptr_array_index (photo->regions, i))->clear);
  g_assert_cmpint (photo->state, ==, CS_PHOTO_STATE_BLURRED);

  tile = tile_at (window, 0);
  g_assert_cmpstr (tile_badge (tile), ==, "Blurred");
  gtk_test_accessible_assert_property (tile, GTK_ACCESSIBLE_PROPERTY_LABEL, "Photo 1 of 1, blurred, no alt text");
  assert_labelled (GTK_WIDGET (window->attachments));

  /* Nothing in the photo needs fixing; only its description is missing. */
  g_assert_null (photo_finding (window, CS_RULE_PHOTO_FACE, photo->id));
  g_assert_null (photo_finding (window, CS_RULE_PHOTO_UNCHECKED, photo->id));
  g_assert_nonnull (photo_finding (window, CS_RULE_ALT_TEXT, photo->id));
  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-photo-analysed"));

  close_window (window);
}

/* How long the main loop was kept from running, in wall time and in the
 * main thread's own CPU time: on a busy machine other processes stretch the
 * first, while the second is the window's own work alone. */
typedef struct
{
  gint64 last;
  gint64 last_cpu;
  gint64 longest;
  gint64 longest_cpu;
} Gaps;

static gint64
thread_cpu_usec (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
note_gap_cb (gpointer data)
{
  Gaps *gaps = data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_usec ();

  if (gaps->last != 0)
    {
      gaps->longest = MAX (gaps->longest, now - gaps->last);
      gaps->longest_cpu = MAX (gaps->longest_cpu, cpu - gaps->last_cpu);
    }
  gaps->last = now;
  gaps->last_cpu = cpu;

  return G_SOURCE_CONTINUE;
}

/* Four large photos are checked while the user types; every key lands at
 * once, and every photo is checked in the end. */
static void
test_photos_checked_while_typing (void)
{
  CsComposerWindow *window = open_window_on_new_draft ("Sports day");
  g_autofree char *a = write_scaled_photo ("sports-a.jpg", 4, 90);
  g_autofree char *b = write_scaled_photo ("sports-b.jpg", 4, 85);
  g_autofree char *c = write_scaled_photo ("sports-c.jpg", 4, 80);
  g_autofree char *d = write_scaled_photo ("sports-d.jpg", 4, 75);
  const char *paths[] = { a, b, c, d, NULL };
  const guint keys[] = { GDK_KEY_space, GDK_KEY_w, GDK_KEY_a, GDK_KEY_s, GDK_KEY_space, GDK_KEY_f, GDK_KEY_u, GDK_KEY_n };
  GtkTextIter end;
  Gaps gaps = { 0, 0, 0, 0 };
  gint64 busy_before;
  guint gap_source;
  guint still_checking;

  attach_photos (window, paths);
  g_assert_cmpuint (cs_draft_get_n_attachments (window->draft), ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (cs_draft_get_attachment (window->draft, i)->state, ==, CS_PHOTO_STATE_CHECKING);

  gtk_widget_grab_focus (GTK_WIDGET (window->text_view));
  gtk_text_buffer_get_end_iter (window->buffer, &end);
  gtk_text_buffer_place_cursor (window->buffer, &end);

  /* How long the main loop is ever kept from running while keys arrive. */
  busy_before = window->busy_usec;
  gap_source = g_timeout_add (5, note_gap_cb, &gaps);
  g_assert_true (cs_composer_window_is_checking_photos (window));
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    cs_test_press_key (GTK_WIDGET (window), keys[i], 0);
  g_source_remove (gap_source);

  still_checking = 0;
  for (guint i = 0; i < 4; i++)
    still_checking += cs_draft_get_attachment (window->draft, i)->state == CS_PHOTO_STATE_CHECKING;
  g_test_message ("longest main loop stall while typing: %" G_GINT64_FORMAT " ms (%" G_GINT64_FORMAT " ms of it "
                  "the window's own work); %u of 4 photos still checking",
                  gaps.longest / 1000, gaps.longest_cpu / 1000, still_checking);
  g_test_message ("the composer's own handlers: %" G_GINT64_FORMAT " µs a key",
                  (window->busy_usec - busy_before) / (gint64) G_N_ELEMENTS (keys));
  g_assert_cmpstr (cs_draft_get_text (window->draft), ==, "Sports day was fun");
  /* Four photos on the strip cost each key no more than a frame. */
  g_assert_cmpint ((window->busy_usec - busy_before) / (gint64) G_N_ELEMENTS (keys), <, 16000);
  /* A check on the main thread would hold it for seconds. The bound leaves
   * room for a software renderer's first frames on a virtual display. */
  g_assert_cmpint (gaps.longest_cpu, <, 250 * 1000);
  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-photos-checking"));

  wait_for_photos (window);
  for (guint i = 0; i < 4; i++)
    {
      const CsAttachment *photo = cs_draft_get_attachment (window->draft, i);

      g_assert_cmpint (photo->width, ==, 2560);
      g_assert_cmpint (photo->height, ==, 1920);
      if (has_face_model ())
        {
          g_assert_true (photo->faces_checked);
          g_assert_cmpuint (count_regions (photo, CS_REGION_FACE), >=, 1);
          g_assert_cmpint (photo->state, ==, CS_PHOTO_STATE_BLURRED);
        }
      else
        g_assert_cmpint (photo->state, ==, CS_PHOTO_STATE_NEEDS_REVIEW);
    }
  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-photos-analysed"));

  close_window (window);
}

/* The CRC-32 that ends each PNG chunk, over its type and data. */
static guint32
png_crc (const guchar *data,
         gsize         len)
{
  guint32 crc = 0xffffffff;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int bit = 0; bit < 8; bit++)
        crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
    }

  return crc ^ 0xffffffff;
}

/* A damaged photo, and one too large to open safely, say why on their tiles
 * and in the list; the other photo, and the post, are as they would be
 * without them. */
static void
test_corrupt_photo (void)
{
  CsComposerWindow *window = open_window_on_new_draft ("Pictures from the trip to the farm.");
  g_autofree char *contents = NULL;
  g_autofree char *broken = g_build_filename (home, "farm-trip.png", NULL);
  g_autofree char *huge = g_build_filename (home, "poster.png", NULL);
  g_autoptr(GError) error = NULL;
  const char *paths[] = { FACES_PHOTO, broken, huge, NULL };
  const CsAttachment *good, *bad;
  CsFinding *finding;
  GtkWidget *tile;
  gsize length;

  /* The first 3 kB of a PNG: it looks like a photo until it is read. */
  g_assert_true (g_file_get_contents (FACES_PHOTO, &contents, &length, &error));
  g_assert_true (g_file_set_contents (broken, contents, 3000, &error));
  /* A PNG that says it is 20,000 pixels square: too large to open safely. */
  {
    guchar *chunk = (guchar *) contents + 12;   /* "IHDR", then width and height */
    guint32 crc;

    chunk[4] = 0, chunk[5] = 0, chunk[6] = 0x4e, chunk[7] = 0x20;
    chunk[8] = 0, chunk[9] = 0, chunk[10] = 0x4e, chunk[11] = 0x20;
    crc = png_crc (chunk, 17);
    chunk[17] = crc >> 24, chunk[18] = crc >> 16, chunk[19] = crc >> 8, chunk[20] = crc;
    g_assert_true (g_file_set_contents (huge, contents, length, &error));
  }

  attach_photos (window, paths);
  g_assert_cmpuint (cs_draft_get_n_attachments (window->draft), ==, 3);
  wait_for_photos (window);

  good = cs_draft_get_attachment (window->draft, 0);
  bad = cs_draft_get_attachment (window->draft, 1);
  g_assert_cmpint (bad->state, ==, CS_PHOTO_STATE_NEEDS_REVIEW);
  g_assert_cmpstr (cs_draft_get_text (window->draft), ==, "Pictures from the trip to the farm.");

  tile = tile_at (window, 1);
  g_assert_cmpstr (tile_badge (tile), ==, "Unreadable");
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (tile), "damaged"));

  finding = photo_finding (window, CS_RULE_PHOTO_UNCHECKED, bad->id);
  g_assert_nonnull (finding);
  g_assert_cmpint (finding->severity, ==, CS_SEVERITY_ERROR);
  g_assert_nonnull (strstr (finding->message, "farm-trip.png"));
  g_assert_nonnull (strstr (finding->message, "damaged"));
  /* The photo is called by its own name, not by the draft's copy's. */
  g_assert_null (strstr (finding->message, bad->id));
  g_assert_nonnull (row_of_finding (window, finding));
  g_assert_false (gtk_widget_is_sensitive (window->submit_button));

  finding = photo_finding (window, CS_RULE_PHOTO_UNCHECKED, cs_draft_get_attachment (window->draft, 2)->id);
  g_assert_nonnull (finding);
  g_assert_nonnull (strstr (finding->message, "poster.png"));
  g_assert_nonnull (strstr (finding->message, "megapixels"));
  g_assert_cmpstr (tile_badge (tile_at (window, 2)), ==, "Unreadable");

  /* The good photo is checked as ever. */
  g_assert_cmpstr (tile_badge (tile_at (window, 0)), !=, "Unreadable");
  if (has_face_model ())
    {
      g_assert_cmpint (good->state, ==, CS_PHOTO_STATE_BLURRED);
      g_assert_cmpuint (count_regions (good, CS_REGION_FACE), >=, 1);
      g_assert_null (photo_finding (window, CS_RULE_PHOTO_UNCHECKED, good->id));
    }
  else
    g_assert_cmpint (good->state, ==, CS_PHOTO_STATE_NEEDS_REVIEW);
  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-photo-corrupt"));

  /* Removing it takes its problem away. */
  {
    g_autofree char *id = g_strdup (bad->id);

    cs_draft_remove_attachment (window->draft, id);
    cs_test_spin (50);
    g_assert_null (photo_finding (window, CS_RULE_PHOTO_UNCHECKED, id));
  }

  close_window (window);
}

/* Enter on a thumbnail opens the photo editor; what is changed there shows
 * in the strip and the list. */
static void
test_thumbnail_opens_editor (void)
{
  CsComposerWindow *window;
  CsPhotoEditor *editor;
  const CsAttachment *photo;
  GtkWidget *tile;
  guint n_faces;

  if (!has_face_model ())
    {
      g_test_skip ("No face model: configure with -Dface_model=PATH");
      return;
    }

  window = open_window_on_new_draft ("Our basketball club met the local team this week.");
  attach_photo (window, FACES_PHOTO);
  wait_for_photos (window);
  photo = cs_draft_get_attachment (window->draft, 0);
  g_assert_cmpint (photo->state, ==, CS_PHOTO_STATE_BLURRED);
  n_faces = count_regions (photo, CS_REGION_FACE);
  g_assert_cmpuint (n_faces, >=, 1);

  tile = tile_at (window, 0);
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (tile), GTK_ACCESSIBLE_PROPERTY_LABEL));
  g_assert_true (gtk_widget_grab_focus (tile));
  cs_test_press_key (GTK_WIDGET (window), GDK_KEY_Return, 0);
  cs_test_wait_for (editor_shown, NULL, CHECK_TIMEOUT_MS, "the photo editor");

  editor = find_editor ();
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (editor)) == GTK_WINDOW (window));
  g_assert_true (cs_photo_editor_get_draft (editor) == window->draft);
  g_assert_cmpstr (cs_photo_editor_get_photo_id (editor), ==, photo->id);
  g_free (cs_test_screenshot (GTK_WIDGET (editor), "composer-photo-editor"));

  /* Activating it again brings the same editor forward. */
  g_assert_true (cs_composer_window_open_photo (window, photo->id) == GTK_WINDOW (editor));

  /* A face left clear with nobody tagged is a problem in the composer. */
  gtk_list_box_select_row (editor->regions_list, gtk_list_box_get_row_at_index (editor->regions_list, 0));
  gtk_switch_set_active (editor->blur_switch, FALSE);
  cs_test_wait_for (check_done, window, CHECK_TIMEOUT_MS, "the check after the editor's change");
  photo = cs_draft_get_attachment (window->draft, 0);
  g_assert_cmpuint (count_regions (photo, CS_REGION_FACE), ==, n_faces);
  g_assert_nonnull (photo_finding (window, CS_RULE_PHOTO_FACE, photo->id));
  /* Choosing the problem in the list brings the photo's editor forward,
   * rather than opening a second one. */
  g_signal_emit_by_name (window->findings_list, "row-activated",
                         row_of_finding (window, photo_finding (window, CS_RULE_PHOTO_FACE, photo->id)));
  g_assert_true (find_editor () == editor);
  g_assert_cmpuint (window->editors->len, ==, 1);
  g_assert_cmpint (photo->state, ==, CS_PHOTO_STATE_NEEDS_REVIEW);
  g_assert_cmpstr (tile_badge (tile_at (window, 0)), ==, "Needs review");
  g_assert_false (gtk_widget_is_sensitive (window->submit_button));
  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-photo-after-editor"));

  /* Blurred again, the photo is fine again. */
  gtk_switch_set_active (editor->blur_switch, TRUE);
  cs_test_wait_for (check_done, window, CHECK_TIMEOUT_MS, "the check after blurring again");
  photo = cs_draft_get_attachment (window->draft, 0);
  g_assert_null (photo_finding (window, CS_RULE_PHOTO_FACE, photo->id));
  g_assert_cmpint (photo->state, ==, CS_PHOTO_STATE_BLURRED);

  /* Closing the composer closes its editors. */
  g_object_add_weak_pointer (G_OBJECT (editor), (gpointer *) &editor);
  close_window (window);
  g_assert_null (editor);
}

static GtkWidget *
find_popover_text_view (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_POPOVER (child) && !gtk_widget_get_visible (child))
        continue;
      if (GTK_IS_TEXT_VIEW (child) && gtk_widget_get_ancestor (child, GTK_TYPE_POPOVER) != NULL)
        return child;
      if ((found = find_popover_text_view (child)) != NULL)
        return found;
    }

  return NULL;
}

/* A photo without alt text is a problem in the list, and keeps Submit off;
 * choosing it opens the description. */
static void
test_photo_finding_blocks_submit (void)
{
  CsComposerWindow *window = open_window_on_new_draft ("Our basketball club met the local team this week.");
  const CsAttachment *photo;
  CsFinding *finding;
  GtkListBoxRow *row;
  GtkWidget *alt_view;

  attach_photo (window, FACES_PHOTO);
  wait_for_photos (window);
  photo = cs_draft_get_attachment (window->draft, 0);

  finding = photo_finding (window, CS_RULE_ALT_TEXT, photo->id);
  g_assert_nonnull (finding);
  g_assert_cmpint (finding->severity, ==, CS_SEVERITY_ERROR);
  row = row_of_finding (window, finding);
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), "two-players.png"));
  g_assert_false (gtk_widget_is_sensitive (window->submit_button));
  g_assert_nonnull (strstr (cs_composer_window_get_submit_tooltip (window), "alt text"));
  /* Not something in the text: F8 does not stop on it. */
  g_assert_null (cs_composer_window_finding_at (window, 0));
  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-photo-finding"));

  /* Choosing the row opens the alt text, where the fix goes. */
  g_signal_emit_by_name (window->findings_list, "row-activated", row);
  cs_test_spin (100);
  alt_view = find_popover_text_view (GTK_WIDGET (window->attachments));
  g_assert_nonnull (alt_view);
  g_assert_true (gtk_widget_has_focus (alt_view));
  /* The preview shows the faces as they will be posted: blurred. */
  g_free (cs_test_screenshot (gtk_widget_get_ancestor (alt_view, GTK_TYPE_POPOVER), "composer-photo-alt-text"));
  /* Spaces are no description. */
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (alt_view)), "   ", -1);
  cs_test_wait_for (check_done, window, CHECK_TIMEOUT_MS, "the check after blank alt text");
  g_assert_nonnull (photo_finding (window, CS_RULE_ALT_TEXT, photo->id));
  g_assert_false (gtk_widget_is_sensitive (window->submit_button));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (alt_view)),
                            "Two players reach for a basketball in a corridor.", -1);
  cs_test_wait_for (check_done, window, CHECK_TIMEOUT_MS, "the check after the alt text");
  g_assert_null (photo_finding (window, CS_RULE_ALT_TEXT, photo->id));

  /* With the faces found and blurred, the post can go. */
  if (has_face_model ())
    g_assert_true (gtk_widget_is_sensitive (window->submit_button));
  else
    {
      g_assert_nonnull (photo_finding (window, CS_RULE_PHOTO_UNCHECKED, photo->id));
      g_assert_false (gtk_widget_is_sensitive (window->submit_button));
    }

  close_window (window);
}

/* A draft saved while its photo was being checked (the app closed, or the
 * power went) has the photo checked again when it opens. */
static void
test_checking_photo_restored (void)
{
  CsDraftStore *store = cs_application_get_store (app);
  g_autoptr(CsDraft) saved = cs_draft_store_create (store);
  g_autoptr(CsDraft) loaded = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (FACES_PHOTO);
  g_autoptr(GError) error = NULL;
  CsComposerWindow *window;
  const CsAttachment *photo;

  cs_draft_set_text (saved, "Basketball club photos.");
  g_assert_nonnull (cs_draft_store_import_photo (store, saved, file, &error));
  g_assert_cmpint (cs_draft_get_attachment (saved, 0)->state, ==, CS_PHOTO_STATE_CHECKING);
  g_assert_true (cs_draft_store_save (store, saved, &error));
  loaded = cs_draft_store_load (store, cs_draft_get_id (saved), &error);
  g_assert_no_error (error);
  g_assert_cmpint (cs_draft_get_attachment (loaded, 0)->state, ==, CS_PHOTO_STATE_CHECKING);

  window = open_window ();
  cs_composer_window_open_draft (window, loaded);
  g_assert_true (cs_composer_window_is_checking_photos (window));
  wait_for_photos (window);

  photo = cs_draft_get_attachment (loaded, 0);
  g_assert_cmpint (photo->width, ==, 640);
  if (has_face_model ())
    {
      g_assert_cmpint (photo->state, ==, CS_PHOTO_STATE_BLURRED);
      g_assert_cmpuint (count_regions (photo, CS_REGION_FACE), >=, 1);
    }
  else
    g_assert_cmpint (photo->state, ==, CS_PHOTO_STATE_NEEDS_REVIEW);

  close_window (window);
}

static GtkWidget *
find_popover_label_containing (GtkWidget  *widget,
                               const char *needle)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && gtk_widget_get_ancestor (child, GTK_TYPE_POPOVER) != NULL &&
          strstr (gtk_label_get_label (GTK_LABEL (child)), needle) != NULL)
        return child;
      if ((found = find_popover_label_containing (child, needle)) != NULL)
        return found;
    }

  return NULL;
}

/* With no face detector, the photo needs review and says why; once the user
 * confirms in the editor that every face is marked, it is settled. */
static void
test_photo_without_detector (void)
{
  CsComposerWindow *window = open_window_on_new_draft ("Our basketball club met the local team this week.");
  const CsAttachment *photo;
  CsPhotoEditor *editor;
  GtkWidget *tile;
  GtkWidget *popover;

  /* As on a computer where the model is missing. */
  g_set_object (&window->analyser, cs_photo_analyser_new (""));
  attach_photo (window, FACES_PHOTO);
  wait_for_photos (window);

  photo = cs_draft_get_attachment (window->draft, 0);
  g_assert_false (photo->faces_checked);
  g_assert_cmpint (photo->width, ==, 640);
  g_assert_cmpint (photo->state, ==, CS_PHOTO_STATE_NEEDS_REVIEW);
  g_assert_nonnull (photo_finding (window, CS_RULE_PHOTO_UNCHECKED, photo->id));
  g_assert_false (gtk_widget_is_sensitive (window->submit_button));

  /* The tile and its popover say why, and what to do. */
  tile = tile_at (window, 0);
  g_assert_cmpstr (tile_badge (tile), ==, "Needs review");
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (tile), "No face detection model"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (tile), "Mark every face by hand"));
  cs_attachments_strip_edit_alt_text (window->attachments, photo->id);
  cs_test_spin (100);
  g_assert_nonnull (find_popover_label_containing (GTK_WIDGET (window->attachments), "No face detection model"));
  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-photo-no-detector"));
  popover = gtk_widget_get_ancestor (find_popover_label_containing (GTK_WIDGET (window->attachments), "No face detection model"),
                                     GTK_TYPE_POPOVER);
  g_free (cs_test_screenshot (popover, "composer-photo-no-detector-popover"));
  gtk_popover_popdown (GTK_POPOVER (popover));
  cs_test_spin (100);

  /* Space on the thumbnail opens the editor, where faces are marked by hand. */
  g_assert_true (gtk_widget_grab_focus (tile));
  cs_test_press_key (GTK_WIDGET (window), GDK_KEY_space, 0);
  cs_test_wait_for (editor_shown, NULL, CHECK_TIMEOUT_MS, "the photo editor");
  editor = find_editor ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor->marked_check)));
  g_free (cs_test_screenshot (GTK_WIDGET (editor), "composer-photo-editor-by-hand"));
  gtk_check_button_set_active (editor->marked_check, TRUE);
  cs_test_wait_for (check_done, window, CHECK_TIMEOUT_MS, "the check after marking by hand");

  photo = cs_draft_get_attachment (window->draft, 0);
  g_assert_true (photo->marked_by_hand);
  g_assert_null (photo_finding (window, CS_RULE_PHOTO_UNCHECKED, photo->id));
  g_assert_cmpint (photo->state, ==, CS_PHOTO_STATE_BLURRED);
  /* No box drawn: nothing is blurred, and the tile does not pretend. */
  g_assert_cmpstr (tile_badge (tile_at (window, 0)), ==, "Checked");

  close_window (window);
}

static gboolean
no_photo_threads (gpointer data)
{
  return cs_composer_window_get_photo_threads () == 0;
}

/* Removing a photo, or closing the window, while it is checked stops the
 * check and leaves the rest alone. */
static void
test_remove_while_checking (void)
{
  CsComposerWindow *window = open_window_on_new_draft ("Sports day");
  g_autofree char *a = write_scaled_photo ("remove-a.jpg", 4, 90);
  g_autofree char *b = write_scaled_photo ("remove-b.jpg", 4, 85);
  const char *paths[] = { a, b, NULL };
  g_autofree char *removed = NULL;

  attach_photos (window, paths);
  g_assert_cmpuint (cs_draft_get_n_attachments (window->draft), ==, 2);
  removed = g_strdup (cs_draft_get_attachment (window->draft, 0)->id);
  g_assert_true (cs_draft_remove_attachment (window->draft, removed));
  g_assert_null (g_hash_table_lookup (window->photo_jobs, removed));

  wait_for_photos (window);
  g_assert_cmpuint (cs_draft_get_n_attachments (window->draft), ==, 1);
  g_assert_cmpint (cs_draft_get_attachment (window->draft, 0)->width, ==, 2560);

  /* Closed mid-check: the window goes at once, and the check's result,
   * when it comes, is dropped. */
  attach_photo (window, a);
  g_assert_true (cs_composer_window_is_checking_photos (window));
  g_assert_cmpuint (cs_composer_window_get_photo_threads (), ==, 1);
  close_window (window);
  cs_test_wait_for (no_photo_threads, NULL, PHOTO_TIMEOUT_MS, "the cancelled check to end");
}

static gboolean
has_attachment (gpointer data)
{
  return cs_draft_get_n_attachments (((CsComposerWindow *) data)->draft) > 0;
}

static void
test_paste_photo (void)
{
  CsComposerWindow *window = open_window ();
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 40, 30);
  g_autoptr(GdkTexture) texture = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "composer.new-draft", NULL);
  type_text (window, "Our new reading den is open!");

  gdk_pixbuf_fill (pixbuf, 0xcc6633ff);
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (GTK_WIDGET (window->text_view)), texture);
  g_signal_emit_by_name (window->text_view, "paste-clipboard");
  cs_test_wait_for (has_attachment, window, CHECK_TIMEOUT_MS, "the pasted photo");

  /* The picture joins the post; the text is as it was. */
  g_assert_cmpstr (cs_draft_get_text (window->draft), ==, "Our new reading den is open!");
  wait_for_photos (window);
  g_assert_false (gtk_widget_is_sensitive (window->submit_button));
  if (has_face_model ())
    {
      /* No face in it: blurred is the photo as it is. */
      g_assert_cmpint (cs_draft_get_attachment (window->draft, 0)->state, ==, CS_PHOTO_STATE_BLURRED);
      g_assert_cmpstr (tile_badge (tile_at (window, 0)), ==, "Checked");
      g_assert_cmpstr (gtk_label_get_label (window->summary_label), ==, "A photo needs alt text");
    }
  else
    g_assert_cmpint (cs_draft_get_attachment (window->draft, 0)->state, ==, CS_PHOTO_STATE_NEEDS_REVIEW);
  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-pasted-photo"));

  close_window (window);
}

static guint
count_draft_rows (CsComposerWindow *window)
{
  guint n = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (window->drafts_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row))
      n++;

  return n;
}

static GtkListBoxRow *
draft_row (CsComposerWindow *window,
           const char       *id)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (window->drafts_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row) && g_strcmp0 (g_object_get_data (G_OBJECT (row), "draft-id"), id) == 0)
      return GTK_LIST_BOX_ROW (row);

  return NULL;
}

static void
test_drafts_list (void)
{
  CsComposerWindow *window = open_window ();
  CsDraftStore *store = cs_application_get_store (app);
  g_autofree char *first_id = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  GtkListBoxRow *row;

  gtk_widget_activate_action (GTK_WIDGET (window), "composer.new-draft", NULL);
  type_text (window, "First draft: the harvest assembly.");
  first_id = g_strdup (cs_draft_get_id (window->draft));
  gtk_widget_activate_action (GTK_WIDGET (window), "composer.new-draft", NULL);
  type_text (window, "Second draft: the Christmas fair.");

  /* The list shows both, newest first; choosing one reopens it. */
  gtk_popover_popup (window->drafts_popover);
  cs_test_spin (100);
  g_assert_cmpuint (count_draft_rows (window), >=, 2);
  row = draft_row (window, first_id);
  g_assert_nonnull (row);
  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-drafts"));
  g_signal_emit_by_name (window->drafts_list, "row-activated", row);
  g_assert_cmpstr (cs_draft_get_id (window->draft), ==, first_id);
  g_assert_cmpstr (cs_draft_get_text (window->draft), ==, "First draft: the harvest assembly.");

  /* Deleting the open draft removes it from disk and starts a new one. */
  before = cs_draft_store_list (store);
  gtk_popover_popup (window->drafts_popover);
  cs_test_spin (100);
  row = draft_row (window, first_id);
  {
    GtkWidget *found = NULL;
    GQueue queue = G_QUEUE_INIT;

    g_queue_push_tail (&queue, row);
    while (found == NULL && !g_queue_is_empty (&queue))
      {
        GtkWidget *w = g_queue_pop_head (&queue);

        if (GTK_IS_BUTTON (w) && g_object_get_data (G_OBJECT (w), "draft-id") != NULL)
          found = w;
        for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
          g_queue_push_tail (&queue, c);
      }
    g_queue_clear (&queue);
    g_assert_nonnull (found);
    g_signal_emit_by_name (found, "clicked");
  }
  after = cs_draft_store_list (store);
  g_assert_cmpuint (after->len, ==, before->len - 1);
  g_assert_cmpstr (cs_draft_get_text (window->draft), ==, "");
  g_assert_cmpstr (cs_draft_get_id (window->draft), !=, first_id);

  close_window (window);
}

/* A label inside a button names it, as "Add Photo" does. */
static gboolean
has_text (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if ((GTK_IS_LABEL (child) && *gtk_label_get_label (GTK_LABEL (child)) != '\0') || has_text (child))
      return TRUE;

  return FALSE;
}

/* Every control the composer shows can be named by a screen reader. */
static void
assert_labelled (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (gtk_widget_get_visible (child) && (GTK_IS_BUTTON (child) || GTK_IS_TOGGLE_BUTTON (child) || GTK_IS_MENU_BUTTON (child)))
        {
          const char *label = NULL;
          const char *tooltip = gtk_widget_get_tooltip_text (child);

          if (GTK_IS_BUTTON (child))
            label = gtk_button_get_label (GTK_BUTTON (child));
          if ((label == NULL || *label == '\0') && (tooltip == NULL || *tooltip == '\0') &&
              !gtk_test_accessible_has_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL) &&
              !has_text (child))
            g_error ("A %s has no label, tooltip or accessible name", G_OBJECT_TYPE_NAME (child));
        }
      /* A menu button's own toggle inside it takes the menu button's name;
       * the window's own controls are named by GTK. */
      if (!GTK_IS_MENU_BUTTON (child) && !GTK_IS_WINDOW_CONTROLS (child))
        assert_labelled (child);
    }
}

static void
test_accessible_names (void)
{
  CsComposerWindow *window = open_window ();

  assert_labelled (GTK_WIDGET (window));
  close_window (window);
}

/* The child half of the crash test: writes a draft, then waits to be killed. */
static int
child_main (void)
{
  CsComposerWindow *window;
  const char *text = "Harvest festival draft written just before the power cut.";
  g_autofree char *photo = g_build_filename (home, "harvest.png", NULL);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 48);
  g_autoptr(GFile) file = g_file_new_for_path (photo);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  gdk_pixbuf_fill (pixbuf, 0x3366ccff);
  g_assert_true (gdk_pixbuf_save (pixbuf, photo, "png", &error, NULL));

  window = open_window ();
  gtk_widget_activate_action (GTK_WIDGET (window), "composer.new-draft", NULL);
  gtk_text_buffer_set_text (window->buffer, text, -1);
  g_assert_nonnull (cs_draft_store_import_photo (cs_application_get_store (app), window->draft, file, &error));
  g_assert_no_error (error);

  /* Wait for the autosave, not for a clean exit. */
  json = g_build_filename (cs_draft_store_get_dir (cs_application_get_store (app)),
                           cs_draft_get_id (window->draft), "draft.json", NULL);
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *contents = NULL;

      cs_test_spin (20);
      if (g_file_get_contents (json, &contents, NULL, NULL) && strstr (contents, "power cut") != NULL)
        {
          g_print ("saved %s\n", cs_draft_get_id (window->draft));
          fflush (stdout);
          for (;;)
            g_usleep (G_USEC_PER_SEC);
        }
    }

  return 1;
}

static void
test_draft_survives_kill (void)
{
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  CsComposerWindow *window;
  const CsAttachment *photo;
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "/proc/self/exe", "--child-write-draft", NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "saved "));

  /* A power cut: no close, no save on exit. */
  g_subprocess_send_signal (child, SIGKILL);
  g_subprocess_wait (child, NULL, NULL);
  g_assert_true (g_subprocess_get_if_signaled (child));

  window = open_window ();
  g_assert_cmpstr (cs_draft_get_id (window->draft), ==, line + strlen ("saved "));
  gtk_text_buffer_get_bounds (window->buffer, &start, &end);
  text = gtk_text_buffer_get_text (window->buffer, &start, &end, FALSE);
  g_assert_cmpstr (text, ==, "Harvest festival draft written just before the power cut.");

  g_assert_cmpuint (cs_draft_get_n_attachments (window->draft), ==, 1);
  /* Saved mid-check or after it, the photo ends up checked. */
  wait_for_photos (window);
  photo = cs_draft_get_attachment (window->draft, 0);
  g_assert_true (g_file_test (photo->file, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (photo->width, ==, 64);
  g_assert_cmpint (photo->state, ==, has_face_model () ? CS_PHOTO_STATE_BLURRED : CS_PHOTO_STATE_NEEDS_REVIEW);
  g_assert_false (gtk_widget_is_sensitive (window->submit_button));
  if (has_face_model ())
    g_assert_nonnull (strstr (cs_composer_window_get_submit_tooltip (window), "alt text"));
  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-after-kill"));

  close_window (window);
}

static gboolean
draft_gone (gpointer data)
{
  g_autoptr(CsDraft) draft = cs_draft_store_load (cs_application_get_store (app), data, NULL);

  return draft == NULL;
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static CsReviewWindow *
find_review_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (CS_IS_REVIEW_WINDOW (window))
        return CS_REVIEW_WINDOW (window);
    }
  return NULL;
}

static gboolean
review_has_posts (gpointer data)
{
  CsReviewWindow *review = find_review_window ();

  return review != NULL && !cs_review_window_is_busy (review) && cs_review_window_get_n_posts (review) > 0;
}

static gboolean
review_has_fewer (gpointer data)
{
  CsReviewWindow *review = find_review_window ();

  return !cs_review_window_is_busy (review) && cs_review_window_get_n_posts (review) < GPOINTER_TO_UINT (data);
}

static CsMyPostsWindow *
find_my_posts_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (CS_IS_MY_POSTS_WINDOW (window))
        return CS_MY_POSTS_WINDOW (window);
    }
  return NULL;
}

static gboolean
my_posts_listed (gpointer data)
{
  CsMyPostsWindow *window = find_my_posts_window ();

  return window != NULL && !cs_my_posts_window_is_busy (window) && cs_my_posts_window_get_n_posts (window) > 0;
}

/* With no server set, Submit starts the queue on this computer, and the
 * post reaches it: the head's account sees it waiting, and approves it in
 * the review window. */
static void
test_submit_reaches_queue (void)
{
  static const char text[] = "Year 5 sang beautifully at the harvest festival this morning.";
  CsComposerWindow *window = open_window_on_new_draft (text);
  g_autofree char *draft_id = g_strdup (cs_draft_get_id (window->draft));
  g_autoptr(GAsyncResult) opened = NULL;
  g_autoptr(GAsyncResult) listed = NULL;
  g_autoptr(CsQueueConnection) queue = NULL;
  g_autoptr(JsonArray) pending = NULL;
  g_autoptr(GError) error = NULL;
  CsReviewWindow *review;
  guint waiting;

  g_assert_true (gtk_widget_is_sensitive (window->submit_button));
  gtk_widget_activate_action (GTK_WIDGET (window), "composer.submit", NULL);
  g_assert_false (gtk_widget_is_sensitive (window->submit_button));
  g_assert_nonnull (strstr (cs_composer_window_get_submit_tooltip (window), "Sending"));

  /* Once the queue has it, the draft it came from is gone and the window
   * is on a new, empty one. */
  cs_test_wait_for (draft_gone, draft_id, 90000, "the post to reach the queue");
  g_assert_cmpstr (cs_draft_get_text (window->draft), ==, "");
  g_assert_cmpstr (cs_draft_get_id (window->draft), !=, draft_id);
  g_free (cs_test_screenshot (GTK_WIDGET (window), "composer-submitted"));

  cs_application_open_queue_async (app, NULL, store_result_cb, &opened);
  cs_test_wait_for (has_result, &opened, 10000, "the queue");
  queue = cs_application_open_queue_finish (app, opened, &error);
  g_assert_no_error (error);
  g_assert_true (cs_queue_connection_is_local (queue));

  cs_queue_client_list_async (cs_queue_connection_get_client (queue, TRUE), "pending", NULL, store_result_cb, &listed);
  cs_test_wait_for (has_result, &listed, 10000, "the head's list");
  pending = cs_queue_client_list_finish (cs_queue_connection_get_client (queue, TRUE), listed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (pending), >=, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (pending, 0), "text"), ==, text);

  /* The head opens the queue from the menu, reads the post and approves it. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "review", NULL);
  cs_test_wait_for (review_has_posts, NULL, 20000, "the review window to list the post");
  review = find_review_window ();
  g_assert_true (has_label_containing (GTK_WIDGET (review), text));
  g_assert_true (has_label_containing (GTK_WIDGET (review), "From you"));
  g_free (cs_test_screenshot (GTK_WIDGET (review), "review-pending"));

  /* Rejecting needs a comment; approving does not. */
  g_assert_false (gtk_widget_is_sensitive (find_button (GTK_WIDGET (review), "_Reject")));
  g_assert_true (gtk_widget_is_sensitive (find_button (GTK_WIDGET (review), "_Approve")));
  /* The newest post is selected first: this one. (An earlier test may have
   * left another waiting.) */
  waiting = cs_review_window_get_n_posts (review);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (review), "review.approve", NULL));
  cs_test_wait_for (review_has_fewer, GUINT_TO_POINTER (waiting), 20000, "the approved post to leave the list");
  /* It leaves the waiting list for the page of posts on their way. */
  g_assert_false (has_label_containing (GTK_WIDGET (review->post_list), text));
  g_assert_true (has_label_containing (GTK_WIDGET (review->scheduled_box), text) ||
                 has_label_containing (GTK_WIDGET (review->published_box), text));
  g_free (cs_test_screenshot (GTK_WIDGET (review), "review-approved"));

  /* The author's account sees it approved. */
  {
    g_autoptr(GAsyncResult) mine = NULL;
    g_autoptr(JsonArray) approved = NULL;
    CsQueueClient *author = cs_queue_connection_get_client (queue, FALSE);

    cs_queue_client_list_async (author, "approved", NULL, store_result_cb, &mine);
    cs_test_wait_for (has_result, &mine, 10000, "the author's list");
    approved = cs_queue_client_list_finish (author, mine, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (json_array_get_length (approved), ==, 1);
  }

  /* And in their own list, from the menu. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "my-posts", NULL);
  cs_test_wait_for (my_posts_listed, NULL, 20000, "the author's list");
  g_assert_true (has_label_containing (GTK_WIDGET (find_my_posts_window ()), text));
  gtk_window_destroy (GTK_WINDOW (find_my_posts_window ()));

  gtk_window_destroy (GTK_WINDOW (review));
  close_window (window);
}

static gboolean
review_shows_photo (gpointer data)
{
  CsReviewWindow *review = find_review_window ();

  return review != NULL && cs_review_window_get_n_photos_shown (review) == 1;
}

/* A post with a photo: the review window shows the blurred copy the queue
 * holds, never the original. */
static void
test_review_shows_photos (void)
{
  CsComposerWindow *window;
  g_autofree char *draft_id = NULL;
  CsReviewWindow *review;
  const CsAttachment *photo;

  if (!has_face_model ())
    {
      g_test_skip ("No face model: the queue refuses photos without one");
      return;
    }

  window = open_window_on_new_draft ("Our basketball club played the town team this week.");
  attach_photo (window, FACES_PHOTO);
  wait_for_photos (window);
  photo = cs_draft_get_attachment (window->draft, 0);
  g_assert_true (cs_draft_set_alt_text (window->draft, photo->id, "Two players passing a basketball"));
  cs_composer_window_update_submit (window);
  g_assert_true (gtk_widget_is_sensitive (window->submit_button));

  draft_id = g_strdup (cs_draft_get_id (window->draft));
  gtk_widget_activate_action (GTK_WIDGET (window), "composer.submit", NULL);
  cs_test_wait_for (draft_gone, draft_id, 90000, "the post and its photo to reach the queue");

  g_action_group_activate_action (G_ACTION_GROUP (app), "review", NULL);
  cs_test_wait_for (review_has_posts, NULL, 20000, "the review window to list the post");
  review = find_review_window ();
  g_assert_true (has_label_containing (GTK_WIDGET (review), "Two players passing a basketball"));
  cs_test_wait_for (review_shows_photo, NULL, 20000, "the blurred photo to be shown");
  g_free (cs_test_screenshot (GTK_WIDGET (review), "review-photo"));

  gtk_window_destroy (GTK_WINDOW (review));
  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  gboolean child = argc > 1 && g_str_equal (argv[1], "--child-write-draft");
  int ret;

  /* The child shares the parent's private home, so its drafts are seen. */
  if (!child)
    {
      home = g_dir_make_tmp ("countersign-ui-XXXXXX", &error);
      g_assert_no_error (error);
      g_setenv ("COUNTERSIGN_TEST_HOME", home, TRUE);
    }
  else
    home = g_strdup (g_getenv ("COUNTERSIGN_TEST_HOME"));

  {
    g_autofree char *data = g_build_filename (home, "data", NULL);
    g_autofree char *config = g_build_filename (home, "config", NULL);

    g_setenv ("XDG_DATA_HOME", data, TRUE);
    g_setenv ("XDG_CONFIG_HOME", config, TRUE);
    g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  }

  if (!child)
    g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  /* Screenshots show where things end up, not half-way there. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  roster_path = g_build_filename (home, "roster.csv", NULL);
  if (!child)
    write_roster ("");

  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "roster-file", roster_path);
  g_settings_set_string (settings, "policy-file", TEST_DATA_DIR "/policy-school.json");

  app = cs_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));

  if (child)
    return child_main ();

  g_test_add_func ("/ui/composer/demo-first-run", test_demo_first_run);
  g_test_add_func ("/ui/composer/underlines-pupil-name", test_underlines_pupil_name);
  g_test_add_func ("/ui/composer/quick-fix", test_quick_fix);
  g_test_add_func ("/ui/composer/rows-kept-while-typing", test_rows_kept_while_typing);
  g_test_add_func ("/ui/composer/ignore-warning-only", test_ignore_warning_only);
  g_test_add_func ("/ui/composer/counter-and-limit", test_counter_and_limit);
  g_test_add_func ("/ui/composer/counter-while-typing", test_counter_while_typing);
  g_test_add_func ("/ui/composer/roster-change-rechecks", test_roster_change_rechecks);
  g_test_add_func ("/ui/composer/bad-roster-banner", test_bad_roster_banner);
  g_test_add_func ("/ui/composer/context-menu", test_context_menu);
  g_test_add_func ("/ui/composer/row-moves-cursor", test_row_moves_cursor);
  g_test_add_func ("/ui/composer/paste-photo", test_paste_photo);
  g_test_add_func ("/ui/composer/drafts-list", test_drafts_list);
  g_test_add_func ("/ui/composer/navigation-and-narrow", test_navigation_and_narrow);
  g_test_add_func ("/ui/composer/keyboard-shortcuts", test_keyboard_shortcuts);
  g_test_add_func ("/ui/composer/submit-reaches-queue", test_submit_reaches_queue);
  g_test_add_func ("/ui/composer/review-shows-photos", test_review_shows_photos);
  g_test_add_func ("/ui/composer/accessible-names", test_accessible_names);
  g_test_add_func ("/ui/composer/draft-survives-kill", test_draft_survives_kill);
  g_test_add_func ("/ui/composer/photo-faces-found", test_photo_faces_found);
  g_test_add_func ("/ui/composer/photos-checked-while-typing", test_photos_checked_while_typing);
  g_test_add_func ("/ui/composer/corrupt-photo", test_corrupt_photo);
  g_test_add_func ("/ui/composer/thumbnail-opens-editor", test_thumbnail_opens_editor);
  g_test_add_func ("/ui/composer/photo-without-detector", test_photo_without_detector);
  g_test_add_func ("/ui/composer/photo-finding-blocks-submit", test_photo_finding_blocks_submit);
  g_test_add_func ("/ui/composer/checking-photo-restored", test_checking_photo_restored);
  g_test_add_func ("/ui/composer/remove-while-checking", test_remove_while_checking);

  ret = g_test_run ();

  g_clear_object (&app);
  return ret;
}
