/* test-accessibility.c: names, keyboard use, the About window and each theme and language, under Xvfb
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The composer, the review window (against the real queue in a thread)
 * and Preferences, walked through their accessible trees: every control
 * a person can operate has a name a screen reader can say, and the main
 * ones are reached with Tab alone. Then the About window, and screenshots
 * of the composer and the review window in the light, dark and
 * high-contrast styles, in English and in Welsh, each taken in a process
 * of its own, since libadwaita reads high contrast and gettext its
 * language once, at start-up.
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>

#include "cs-composer-window-private.h"
#include "cs-preferences-window.h"
#include "cs-review-window-private.h"
#include "cs-test-queue-ui.h"
#include "cs-test-ui.h"

#define CHECK_TIMEOUT_MS 10000
#define WAIT_MS 45000

static CsApplication *app;

/* Accessible names
 * ================
 */

/* Roles a person operates, and so ones a screen reader must be able to name. */
static gboolean
is_interactive_role (GtkAccessibleRole role)
{
  switch (role)
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_SWITCH:
    case GTK_ACCESSIBLE_ROLE_TEXT_BOX:
    case GTK_ACCESSIBLE_ROLE_SEARCH_BOX:
    case GTK_ACCESSIBLE_ROLE_SPIN_BUTTON:
    case GTK_ACCESSIBLE_ROLE_COMBO_BOX:
    case GTK_ACCESSIBLE_ROLE_LINK:
    case GTK_ACCESSIBLE_ROLE_SLIDER:
    case GTK_ACCESSIBLE_ROLE_LIST:
    case GTK_ACCESSIBLE_ROLE_LIST_ITEM:
    case GTK_ACCESSIBLE_ROLE_ROW:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_RADIO:
    case GTK_ACCESSIBLE_ROLE_TAB:
    case GTK_ACCESSIBLE_ROLE_GRID:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Roles whose insides are their own business: GTK names the parts of a
 * spin button or an entry, and a button's content is its label. Lists
 * and rows hold controls of their own, so they are walked into. */
static gboolean
is_leaf_role (GtkAccessibleRole role)
{
  return is_interactive_role (role) &&
         role != GTK_ACCESSIBLE_ROLE_LIST &&
         role != GTK_ACCESSIBLE_ROLE_LIST_ITEM &&
         role != GTK_ACCESSIBLE_ROLE_ROW &&
         role != GTK_ACCESSIBLE_ROLE_GRID;
}

/* Text shown inside @widget, which a screen reader reads as its name:
 * a button's label, a row's title. */
static gboolean
has_text (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_visible (child))
        continue;
      if (GTK_IS_LABEL (child) && gtk_label_get_text (GTK_LABEL (child))[0] != '\0')
        return TRUE;
      if (has_text (child))
        return TRUE;
    }

  return FALSE;
}

/* The accessible label set on @widget (in a .ui file's <accessibility>,
 * or by the widget itself), or NULL. GTK 4.8 has no getter for it, but
 * its test context (GTK_A11Y=test) compares it with a value and returns
 * the real one when they differ: compared with "", it gives it back. */
static char *
dup_accessible_label (GtkWidget *widget)
{
  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
    return NULL;

  return gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, "");
}

/* Whether a screen reader has a name to say for @widget: its accessible
 * label, a label whose mnemonic focuses it, or text shown inside it. A
 * tooltip is not one: GTK 4.8 gives it to assistive technologies as the
 * description, so an icon-only button with only a tooltip is read as
 * "button". */
static gboolean
has_name (GtkWidget *widget)
{
  g_autofree char *label = dup_accessible_label (widget);
  g_autoptr(GList) mnemonics = NULL;

  if (label != NULL && label[0] != '\0')
    return TRUE;

  mnemonics = gtk_widget_list_mnemonic_labels (widget);
  for (GList *l = mnemonics; l != NULL; l = l->next)
    if (GTK_IS_LABEL (l->data) && gtk_label_get_text (l->data)[0] != '\0')
      return TRUE;

  return has_text (widget);
}

static const char *
role_name (GtkAccessibleRole role)
{
  g_autoptr(GEnumClass) roles = g_type_class_ref (GTK_TYPE_ACCESSIBLE_ROLE);
  GEnumValue *value = g_enum_get_value (roles, role);

  return value != NULL ? value->value_nick : "?";
}

/* Where @widget is, by the ids the .ui files give: enough to find it. */
static char *
describe (GtkWidget *widget)
{
  GString *path = g_string_new (NULL);

  g_string_append_printf (path, "%s (%s)", G_OBJECT_TYPE_NAME (widget),
                          role_name (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget))));
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      const char *id = gtk_buildable_get_buildable_id (GTK_BUILDABLE (w));

      if (id != NULL)
        {
          g_string_append_printf (path, " in #%s", id);
          break;
        }
    }
  g_string_append_printf (path, " of %s", G_OBJECT_TYPE_NAME (gtk_widget_get_root (widget)));
  if (gtk_widget_get_tooltip_text (widget) != NULL)
    g_string_append_printf (path, ", tooltip “%s”", gtk_widget_get_tooltip_text (widget));

  return g_string_free (path, FALSE);
}

/* Parts of libadwaita 1.2's own windows that it leaves unnamed, which an
 * app cannot name in its .ui files: Preferences' search button (named
 * in later versions). */
static gboolean
is_library_part (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  return ADW_IS_PREFERENCES_WINDOW (root) &&
         (GObject *) widget == gtk_widget_get_template_child (GTK_WIDGET (root), ADW_TYPE_PREFERENCES_WINDOW, "search_button");
}

/* Walks what is on screen now: a hidden page or a closed popover is
 * walked when a test shows it. */
static void
collect_unnamed (GtkWidget *widget,
                 GPtrArray *offenders,
                 guint     *n_checked)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkAccessibleRole role = gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (child));

      if (!gtk_widget_get_mapped (child))
        continue;

      /* A menu button's own toggle takes the menu button's name; its
       * popover is the app's, and is walked. */
      if (GTK_IS_MENU_BUTTON (widget) && !GTK_IS_POPOVER (child))
        continue;
      /* The window's own buttons are GTK's, named by it. */
      if (GTK_IS_WINDOW_CONTROLS (child) || is_library_part (child))
        continue;

      if (is_interactive_role (role))
        {
          (*n_checked)++;
          if (!has_name (child))
            g_ptr_array_add (offenders, describe (child));
        }

      /* A calendar's month and year buttons are GTK's own. */
      if (GTK_IS_CALENDAR (child))
        continue;
      if (GTK_IS_MENU_BUTTON (child) || !is_leaf_role (role))
        collect_unnamed (child, offenders, n_checked);
    }
}

/* Fails with every control in @window that a screen reader could not name. */
static void
assert_all_named (GtkWidget *window)
{
  g_autoptr(GPtrArray) offenders = g_ptr_array_new_with_free_func (g_free);
  guint n_checked = 0;

  collect_unnamed (window, offenders, &n_checked);
  g_test_message ("%u controls in %s checked", n_checked, G_OBJECT_TYPE_NAME (window));
  g_assert_cmpuint (n_checked, >, 0);
  if (offenders->len > 0)
    {
      g_autofree char *list = NULL;

      g_ptr_array_add (offenders, NULL);
      list = g_strjoinv ("\n  ", (char **) offenders->pdata);
      g_error ("%u controls in %s have no accessible name:\n  %s",
               offenders->len - 1, G_OBJECT_TYPE_NAME (window), list);
    }
}

static GtkWidget *
find_view_stack (GtkWidget *widget)
{
  if (ADW_IS_VIEW_STACK (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_view_stack (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Shows each page of @window's view stack in turn, and names what it shows. */
static void
assert_each_page_named (GtkWidget *window)
{
  GtkWidget *stack = find_view_stack (window);
  g_autoptr(GtkSelectionModel) pages = NULL;

  g_assert_nonnull (stack);
  pages = adw_view_stack_get_pages (ADW_VIEW_STACK (stack));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      gtk_selection_model_select_item (pages, i, TRUE);
      cs_test_spin (200);
      assert_all_named (window);
    }
}

/* Keyboard use
 * ============
 */

static GtkWidget *
focused (GtkWidget *window)
{
  return gtk_root_get_focus (GTK_ROOT (window));
}

static gboolean
is_inside (GtkWidget *widget,
           GtkWidget *ancestor)
{
  return widget != NULL && (widget == ancestor || gtk_widget_is_ancestor (widget, ancestor));
}

/* Presses Tab (with @modifiers) until @target, or something inside it,
 * has the focus; returns how many presses that took, or 0 if it never
 * did within @max. Each press is a real one, through the X server. */
static guint
tab_to (GtkWidget       *window,
        GtkWidget       *target,
        GdkModifierType  modifiers,
        guint            max)
{
  for (guint i = 1; i <= max; i++)
    {
      cs_test_press_key (window, GDK_KEY_Tab, modifiers);
      {
        g_autofree char *where = focused (window) != NULL ? describe (focused (window)) : g_strdup ("nothing");

        g_test_message ("Tab: %s", where);
      }
      if (is_inside (focused (window), target))
        return i;
    }

  return 0;
}

static gboolean
trigger_includes (GtkShortcutTrigger *trigger,
                  GtkShortcutTrigger *wanted)
{
  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    return trigger_includes (gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger)), wanted) ||
           trigger_includes (gtk_alternative_trigger_get_second (GTK_ALTERNATIVE_TRIGGER (trigger)), wanted);

  return gtk_shortcut_trigger_equal (trigger, wanted);
}

/* Whether @window has a shortcut @trigger for @action. */
static gboolean
has_shortcut (GtkWidget  *window,
              const char *trigger,
              const char *action)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (window);
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (trigger);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *shortcut_action = gtk_shortcut_get_action (shortcut);

          if (GTK_IS_NAMED_ACTION (shortcut_action) &&
              g_str_equal (gtk_named_action_get_action_name (GTK_NAMED_ACTION (shortcut_action)), action) &&
              trigger_includes (gtk_shortcut_get_trigger (shortcut), wanted))
            return TRUE;
        }
    }

  return FALSE;
}

/* The composer
 * ============
 */

static gboolean
session_ready (gpointer data)
{
  return cs_session_is_ready (cs_application_get_session (app)) &&
         cs_roster_lookup (cs_session_get_roster (cs_application_get_session (app)), "LK-P003") != NULL;
}

static gboolean
check_done (gpointer data)
{
  return !cs_composer_window_is_checking (data);
}

static CsComposerWindow *
open_composer (void)
{
  CsComposerWindow *window;

  cs_test_wait_for (session_ready, NULL, CHECK_TIMEOUT_MS, "the dictionary and the demo roster");
  window = cs_composer_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 640);
  gtk_window_present (GTK_WINDOW (window));
  cs_test_wait_for (check_done, window, CHECK_TIMEOUT_MS, "the first check");
  cs_test_spin (200);

  return window;
}

static void
close_composer (CsComposerWindow *window)
{
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (GTK_WINDOW (window));
  cs_test_spin (100);
  g_assert_null (window);
}

/* The demo's sample post: its findings listed, every control named, the
 * drafts popover's and the main menu's too. */
static void
test_composer_names (void)
{
  CsComposerWindow *window = open_composer ();

  g_assert_cmpuint (window->findings->len, >, 0);
  gtk_test_accessible_assert_role (window->text_view, GTK_ACCESSIBLE_ROLE_TEXT_BOX);
  gtk_test_accessible_assert_role (window->findings_list, GTK_ACCESSIBLE_ROLE_LIST);
  gtk_test_accessible_assert_role (window->submit_button, GTK_ACCESSIBLE_ROLE_BUTTON);
  assert_all_named (GTK_WIDGET (window));

  /* The drafts popover, open, with its list filled. */
  gtk_menu_button_popup (GTK_MENU_BUTTON (window->drafts_button));
  cs_test_spin (200);
  assert_all_named (GTK_WIDGET (window));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (window->drafts_button));

  close_composer (window);
}

/* Tab goes from the platforms to the text, and on to Submit; Ctrl+Enter
 * submits from anywhere. */
static void
test_composer_keyboard (void)
{
  CsComposerWindow *window = open_composer ();
  GtkWidget *platforms[] = {
    GTK_WIDGET (window->platform_x), GTK_WIDGET (window->platform_facebook),
    GTK_WIDGET (window->platform_mastodon), GTK_WIDGET (window->platform_bluesky),
  };
  guint presses;

  /* A post with nothing to fix, so that Submit can take the focus. */
  gtk_widget_activate_action (GTK_WIDGET (window), "composer.new-draft", NULL);
  gtk_text_buffer_set_text (window->buffer, "Year 5 sang beautifully at the harvest festival this morning.", -1);
  cs_test_wait_for (check_done, window, CHECK_TIMEOUT_MS, "the check of the new text");
  cs_composer_window_update_submit (window);
  g_assert_true (gtk_widget_is_sensitive (window->submit_button));

  /* The platforms, in the order they are shown. */
  gtk_toggle_button_set_active (window->platform_x, TRUE);
  gtk_widget_grab_focus (platforms[0]);
  g_assert_true (gtk_widget_has_focus (platforms[0]));
  for (guint i = 1; i < G_N_ELEMENTS (platforms); i++)
    {
      g_autofree char *what = describe (platforms[i]);

      presses = tab_to (GTK_WIDGET (window), platforms[i], 0, 4);
      if (presses != 1)
        g_error ("Tab from the platform before did not reach %s", what);
    }

  /* Then the text: Space on a platform toggles it, as a keyboard user
   * expects. */
  cs_test_press_key (GTK_WIDGET (window), GDK_KEY_space, 0);
  g_assert_true (gtk_toggle_button_get_active (window->platform_bluesky));
  presses = tab_to (GTK_WIDGET (window), GTK_WIDGET (window->text_view), 0, 3);
  g_assert_cmpuint (presses, ==, 1);

  /* Tab in the text moves on rather than typing a tab, which no platform
   * shows, so nobody is trapped in it. */
  presses = tab_to (GTK_WIDGET (window), window->submit_button, 0, 12);
  g_assert_cmpuint (presses, >, 0);
  g_assert_true (has_shortcut (GTK_WIDGET (window), "<Control>Return", "composer.submit"));

  /* The problems list and the header bar's buttons are on the way round. */
  g_assert_cmpuint (tab_to (GTK_WIDGET (window), window->drafts_button, 0, 20), >, 0);

  /* Shift+Tab goes back the way it came. */
  gtk_widget_grab_focus (GTK_WIDGET (window->text_view));
  g_assert_cmpuint (tab_to (GTK_WIDGET (window), platforms[3], GDK_SHIFT_MASK, 1), ==, 1);

  close_composer (window);
}

/* The review window
 * =================
 */

typedef CsQueueUiFixture Fixture;

static void
submit (Fixture    *f,
        const char *text)
{
  cs_api_submit_to (&f->api, text, "[\"mastodon\",\"facebook\"]");
}

static gboolean
review_settled (gpointer data)
{
  CsReviewWindow *review = data;

  return review->posts != NULL && !cs_review_window_is_busy (review) && review->selected != NULL;
}

static CsReviewWindow *
open_review (Fixture *f)
{
  CsReviewWindow *review = g_object_ref (cs_review_window_new (NULL, f->head));

  gtk_window_set_default_size (GTK_WINDOW (review), 1000, 700);
  gtk_window_present (GTK_WINDOW (review));
  cs_test_wait_for (review_settled, review, WAIT_MS, "the review window to show a post");
  cs_test_spin (500);

  return review;
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *action)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, action);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
test_review_names (Fixture       *f,
                   gconstpointer  data)
{
  CsReviewWindow *review;

  submit (f, cs_api_good_post);
  review = open_review (f);

  gtk_test_accessible_assert_role (review->post_list, GTK_ACCESSIBLE_ROLE_LIST);
  assert_all_named (GTK_WIDGET (review));
  assert_each_page_named (GTK_WIDGET (review));
  adw_view_stack_set_visible_child (review->view_stack, adw_view_stack_page_get_child (review->waiting_page));
  cs_test_spin (200);

  /* The schedule popover, with its calendar and time. */
  gtk_check_button_set_active (review->schedule_check, TRUE);
  gtk_menu_button_popup (review->schedule_button);
  cs_test_spin (200);
  assert_all_named (GTK_WIDGET (review));
  gtk_menu_button_popdown (review->schedule_button);

  cs_test_close_window (review);
}

/* From the list to the post's decision, by keyboard alone: the list,
 * the comment, Reject and Approve, and Approve does approve. */
static void
test_review_keyboard (Fixture       *f,
                      gconstpointer  data)
{
  CsReviewWindow *review;
  GtkWidget *approve, *reject;
  gint64 first;

  submit (f, "Year 6 planted the new school garden this afternoon.");
  submit (f, cs_api_good_post);
  review = open_review (f);
  approve = find_button (GTK_WIDGET (review), "review.approve");
  reject = find_button (GTK_WIDGET (review), "review.reject");
  g_assert_nonnull (approve);
  g_assert_nonnull (reject);

  /* Round from wherever the window put the focus to the list. */
  g_assert_cmpuint (tab_to (GTK_WIDGET (review), GTK_WIDGET (review->post_list), 0, 40), >, 0);
  /* Down picks the other post; the decision follows it. */
  first = json_object_get_int_member (review->selected, "id");
  cs_test_press_key (GTK_WIDGET (review), GDK_KEY_Down, 0);
  cs_test_press_key (GTK_WIDGET (review), GDK_KEY_Return, 0);
  cs_test_wait_for (review_settled, review, WAIT_MS, "the other post to be shown");
  g_assert_cmpint (json_object_get_int_member (review->selected, "id"), !=, first);

  /* Rejecting needs a comment, typed where Tab leads. */
  g_assert_cmpuint (tab_to (GTK_WIDGET (review), GTK_WIDGET (review->comment_entry), 0, 60), >, 0);
  cs_test_press_key (GTK_WIDGET (review), GDK_KEY_n, GDK_SHIFT_MASK);
  cs_test_press_key (GTK_WIDGET (review), GDK_KEY_o, 0);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (review->comment_entry)), ==, "No");
  g_assert_true (gtk_widget_is_sensitive (reject));
  g_assert_cmpuint (tab_to (GTK_WIDGET (review), reject, 0, 5), >, 0);
  g_assert_cmpuint (tab_to (GTK_WIDGET (review), approve, 0, 5), >, 0);

  /* Space on Approve approves. */
  gtk_editable_set_text (GTK_EDITABLE (review->comment_entry), "");
  gtk_widget_grab_focus (approve);
  cs_test_press_key (GTK_WIDGET (review), GDK_KEY_space, 0);
  cs_test_wait_for (review_settled, review, WAIT_MS, "the approval");
  g_assert_cmpuint (cs_review_window_get_n_posts (review), ==, 1);

  cs_test_close_window (review);
}

/* Preferences
 * ===========
 */

static void
test_preferences_names (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  CsPreferencesWindow *window = cs_preferences_window_new (NULL, settings);

  gtk_window_set_default_size (GTK_WINDOW (window), 640, 720);
  gtk_window_present (GTK_WINDOW (window));
  cs_test_spin (500);
  assert_all_named (GTK_WIDGET (window));

  /* Each page in turn: the hidden ones are walked too, but a page can
   * build its rows when it is first shown. */
  assert_each_page_named (GTK_WIDGET (window));

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (GTK_WINDOW (window));
  cs_test_spin (50);
  g_assert_null (window);
}

/* About
 * =====
 */

static AdwAboutWindow *
find_about_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_ABOUT_WINDOW (window))
        return ADW_ABOUT_WINDOW (window);
    }

  return NULL;
}

static gboolean
about_shown (gpointer data)
{
  return find_about_window () != NULL && gtk_widget_get_mapped (GTK_WIDGET (find_about_window ()));
}

/* Opens the About window from the composer's menu, as app.about. */
static AdwAboutWindow *
open_about (CsComposerWindow *composer)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "app.about", NULL));
  cs_test_wait_for (about_shown, NULL, 5000, "the About window");
  cs_test_spin (200);

  return find_about_window ();
}

static void
test_about (void)
{
  CsComposerWindow *composer = open_composer ();
  AdwAboutWindow *about = open_about (composer);
  const char * const *developers;
  g_autofree char *copyright = NULL;

  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (about)) == GTK_WINDOW (composer));
  g_assert_cmpstr (adw_about_window_get_application_name (about), ==, "Countersign");
  g_assert_cmpstr (adw_about_window_get_application_icon (about), ==, APP_ID);
  g_assert_cmpstr (adw_about_window_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_developer_name (about), ==, "The Countersign authors");
  developers = adw_about_window_get_developers (about);
  g_assert_nonnull (developers);
  g_assert_true (g_strv_contains (developers, "The Countersign authors"));
  g_assert_cmpstr (adw_about_window_get_website (about), ==, "https://github.com/countersign/countersign");
  g_assert_cmpstr (adw_about_window_get_issue_url (about), ==, "https://github.com/countersign/countersign/issues");
  copyright = g_strdup (adw_about_window_get_copyright (about));
  g_assert_nonnull (strstr (copyright, "The Countersign authors"));
  g_assert_cmpint (adw_about_window_get_license_type (about), ==, GTK_LICENSE_GPL_3_0);
  /* In English there is nobody to credit: the untranslated marker, which
   * AdwAboutWindow leaves out. */
  g_assert_cmpstr (adw_about_window_get_translator_credits (about), ==, "translator-credits");

  /* This release's notes, from the metainfo. */
  g_assert_cmpstr (adw_about_window_get_release_notes_version (about), ==, PACKAGE_VERSION);
  g_assert_true (g_str_has_prefix (adw_about_window_get_release_notes (about), "<p>The first release: "));

  g_free (cs_test_screenshot (GTK_WIDGET (about), "about-en"));
  gtk_window_destroy (GTK_WINDOW (about));
  close_composer (composer);
}

/* Themes and languages
 * ====================
 */

typedef struct
{
  const char *style;     /* light, dark, high-contrast */
  const char *language;  /* en, cy */
} Look;

static const Look looks[] = {
  { "light", "en" }, { "dark", "en" }, { "high-contrast", "en" },
  { "light", "cy" }, { "dark", "cy" }, { "high-contrast", "cy" },
};

static void
apply_style (const Look *look)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  if (g_str_equal (look->style, "high-contrast"))
    {
      /* Set from ADW_DEBUG_HIGH_CONTRAST when the process started. */
      g_assert_true (adw_style_manager_get_high_contrast (style));
      adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
    }
  else
    {
      g_assert_false (adw_style_manager_get_high_contrast (style));
      adw_style_manager_set_color_scheme (style, g_str_equal (look->style, "dark")
                                                 ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
      g_assert_true (adw_style_manager_get_dark (style) == g_str_equal (look->style, "dark"));
    }
  cs_test_spin (100);
}

/* The half that runs in a process of its own, started in @look's
 * language and high-contrast setting. */
static void
take_screenshots (const Look *look)
{
  Fixture f = { 0 };
  CsComposerWindow *composer;
  CsReviewWindow *review;
  g_autofree char *name = NULL;
  gboolean welsh = g_str_equal (look->language, "cy");

  apply_style (look);
  g_assert_cmpstr (_("Preferences"), ==, welsh ? "Dewisiadau" : "Preferences");

  /* The demo's sample post, with its findings. */
  composer = open_composer ();
  g_assert_cmpuint (composer->findings->len, >, 0);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (composer->submit_button)), ==, welsh ? "_Cyflwyno" : "_Submit");
  name = g_strdup_printf ("composer-%s-%s", look->style, look->language);
  g_free (cs_test_screenshot (GTK_WIDGET (composer), name));
  g_clear_pointer (&name, g_free);

  if (welsh)
    {
      AdwAboutWindow *about = open_about (composer);

      g_assert_cmpstr (adw_about_window_get_translator_credits (about), !=, "translator-credits");
      g_assert_true (g_str_has_prefix (adw_about_window_get_release_notes (about), "<p>Y fersiwn gyntaf"));
      name = g_strdup_printf ("about-%s-%s", look->style, look->language);
      g_free (cs_test_screenshot (GTK_WIDGET (about), name));
      g_clear_pointer (&name, g_free);
      gtk_window_destroy (GTK_WINDOW (about));
    }
  close_composer (composer);

  /* A post waiting for the head. */
  cs_queue_ui_fixture_setup (&f, NULL);
  submit (&f, "Year 4 are performing their class assembly for parents on Friday.");
  review = open_review (&f);
  name = g_strdup_printf ("review-%s-%s", look->style, look->language);
  g_free (cs_test_screenshot (GTK_WIDGET (review), name));
  cs_test_close_window (review);
  cs_queue_ui_fixture_teardown (&f, NULL);
}

static GdkTexture *
load_screenshot (const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s/screenshots/%s.png",
                                           g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".", name);
  g_autoptr(GError) error = NULL;
  GdkTexture *texture = gdk_texture_new_from_filename (file, &error);

  g_assert_no_error (error);
  return texture;
}

/* The share of pixels that differ between two screenshots, or 1 if
 * their sizes do. */
static double
difference (const char *a,
            const char *b)
{
  g_autoptr(GdkTexture) ta = load_screenshot (a);
  g_autoptr(GdkTexture) tb = load_screenshot (b);
  int width = gdk_texture_get_width (ta);
  int height = gdk_texture_get_height (ta);
  g_autofree guchar *pa = NULL;
  g_autofree guchar *pb = NULL;
  guint64 differ = 0;

  if (width != gdk_texture_get_width (tb) || height != gdk_texture_get_height (tb))
    return 1;

  pa = g_malloc ((gsize) width * height * 4);
  pb = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (ta, pa, width * 4);
  gdk_texture_download (tb, pb, width * 4);
  for (gsize i = 0; i < (gsize) width * height; i++)
    if (memcmp (pa + i * 4, pb + i * 4, 4) != 0)
      differ++;

  return (double) differ / ((double) width * height);
}

static void
test_look (gconstpointer data)
{
  const Look *look = data;

  if (g_test_subprocess ())
    {
      take_screenshots (look);
      return;
    }

  /* The child reads both when it starts. */
  g_setenv ("LANGUAGE", look->language, TRUE);
  g_setenv ("ADW_DEBUG_HIGH_CONTRAST", g_str_equal (look->style, "high-contrast") ? "1" : "0", TRUE);
  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("LANGUAGE");
  g_unsetenv ("ADW_DEBUG_HIGH_CONTRAST");
  g_test_trap_assert_passed ();
}

/* High contrast is more than the light style again: its borders and
 * outlines change a good part of the window. */
static void
test_looks_differ (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (looks); i += 3)
    {
      const char *lang = looks[i].language;
      g_autofree char *light = g_strdup_printf ("composer-light-%s", lang);
      g_autofree char *dark = g_strdup_printf ("composer-dark-%s", lang);
      g_autofree char *contrast = g_strdup_printf ("composer-high-contrast-%s", lang);
      g_autofree char *review_light = g_strdup_printf ("review-light-%s", lang);
      g_autofree char *review_contrast = g_strdup_printf ("review-high-contrast-%s", lang);

      g_assert_cmpfloat (difference (light, dark), >, 0.5);
      g_assert_cmpfloat (difference (light, contrast), >, 0.01);
      g_assert_cmpfloat (difference (review_light, review_contrast), >, 0.01);
    }

  /* And the languages differ from each other. */
  g_assert_cmpfloat (difference ("composer-light-en", "composer-light-cy"), >, 0.005);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GtkCssProvider) css = NULL;
  g_autofree char *home = NULL;
  int ret;

  home = g_dir_make_tmp ("countersign-a11y-XXXXXX", &error);
  g_assert_no_error (error);
  {
    g_autofree char *data = g_build_filename (home, "data", NULL);
    g_autofree char *config = g_build_filename (home, "config", NULL);

    g_setenv ("COUNTERSIGN_TEST_HOME", home, TRUE);
    g_setenv ("XDG_DATA_HOME", data, TRUE);
    g_setenv ("XDG_CONFIG_HOME", config, TRUE);
    g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  }

  /* English unless a screenshot's child process is told otherwise (see
   * test-welsh.c for why C.UTF-8 is enough for Welsh). */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, CS_TEST_LOCALE_DIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);
  if (!g_test_subprocess ())
    {
      g_unsetenv ("LANGUAGE");
      setlocale (LC_ALL, "");
    }
  gtk_init ();
  adw_init ();
  /* Screenshots show where things end up, not half-way there. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  /* The app's icon from the source tree, as it is not installed. */
  {
    g_autofree char *icons = g_test_build_filename (G_TEST_DIST, "..", "data", "icons", NULL);

    gtk_icon_theme_add_search_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()), icons);
  }
  /* The app's own style sheet, as CsApplication loads it. */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/countersign/Countersign/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  /* Empty files mean the demo roster and the built-in policy. */
  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "roster-file", "");
  g_settings_set_string (settings, "policy-file", "");

  app = cs_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));

  g_test_add_func ("/ui/accessibility/composer/names", test_composer_names);
  g_test_add_func ("/ui/accessibility/composer/keyboard", test_composer_keyboard);
  g_test_add ("/ui/accessibility/review/names", Fixture, NULL, cs_queue_ui_fixture_setup, test_review_names,
              cs_queue_ui_fixture_teardown);
  g_test_add ("/ui/accessibility/review/keyboard", Fixture, NULL, cs_queue_ui_fixture_setup, test_review_keyboard,
              cs_queue_ui_fixture_teardown);
  g_test_add_func ("/ui/accessibility/preferences/names", test_preferences_names);
  g_test_add_func ("/ui/accessibility/about", test_about);
  for (guint i = 0; i < G_N_ELEMENTS (looks); i++)
    {
      g_autofree char *path = g_strdup_printf ("/ui/accessibility/looks/%s-%s", looks[i].style, looks[i].language);

      g_test_add_data_func (path, &looks[i], test_look);
    }
  g_test_add_func ("/ui/accessibility/looks/differ", test_looks_differ);

  ret = g_test_run ();

  g_clear_object (&app);
  cs_test_remove_tree (home);
  return ret;
}
