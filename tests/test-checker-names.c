/* test-checker-names.c: pupils and staff named in posts, and the words that only look like names
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "cs-test-findings.h"

typedef struct
{
  CsPolicy   *policy;
  CsRoster   *roster;
  CsChecker  *checker;
} Fixture;

static CsSpelling *spelling;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, "checker-roster.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  f->policy = cs_policy_new ();
  f->roster = cs_roster_new ();
  g_assert_true (cs_roster_load_file (f->roster, file, NULL, &error));
  g_assert_no_error (error);
  f->checker = cs_checker_new (f->policy, f->roster, spelling);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->checker);
  g_clear_object (&f->roster);
  g_assert_finalize_object (f->policy);
}

static GPtrArray *
check (Fixture    *f,
       const char *text)
{
  return cs_checker_check (f->checker, text, -1, CS_PLATFORM_FACEBOOK);
}

static void
assert_named (Fixture    *f,
              const char *text,
              const char *rule,
              const char *name)
{
  g_autoptr(GPtrArray) found = check (f, text);

  if (cs_test_find (found, rule, name) == NULL)
    g_error ("expected %s “%s” in: %s", rule, name, text);
}

static void
assert_no_names (Fixture    *f,
                 const char *text)
{
  g_autoptr(GPtrArray) found = check (f, text);
  guint n = cs_test_count_rule (found, CS_RULE_PUPIL_NAME) + cs_test_count_rule (found, CS_RULE_STAFF_NAME);

  if (n != 0)
    g_error ("expected no names, found %u (first: “%s”) in: %s", n,
             ((CsFinding *) g_ptr_array_index (found, 0))->text, text);
}

static void
test_full_name (Fixture *f, gconstpointer data)
{
  assert_named (f, "Well done Grace Adeyemi for a fantastic week!", CS_RULE_PUPIL_NAME, "Grace Adeyemi");
  assert_named (f, "Huge congratulations to Kasia Wiśniewska on her chess win.", CS_RULE_PUPIL_NAME, "Kasia Wiśniewska");
  assert_named (f, "Big well done to Will Hughes and the swimmers.", CS_RULE_PUPIL_NAME, "Will Hughes");
  assert_named (f, "Please keep Theo Smith-Jones in your thoughts.", CS_RULE_PUPIL_NAME, "Theo Smith-Jones");
  assert_named (f, "Team captain Rory O’Neill led the way.", CS_RULE_PUPIL_NAME, "Rory O’Neill");
  assert_named (f, "Star writer: GRACE ADEYEMI", CS_RULE_PUPIL_NAME, "GRACE ADEYEMI");
}

static void
test_initial_and_surname (Fixture *f, gconstpointer data)
{
  assert_named (f, "Happy birthday to M. Nguyen in Year 2!", CS_RULE_PUPIL_NAME, "M. Nguyen");
  assert_named (f, "Happy birthday to M Nguyen today!", CS_RULE_PUPIL_NAME, "M Nguyen");
  /* A surname alone, or with another initial, is not enough. */
  assert_no_names (f, "Thanks to the Nguyen family for the cakes.");
  assert_no_names (f, "Thanks to J. Nguyen from the parish council.");
}

static void
test_forename_forms (Fixture *f, gconstpointer data)
{
  assert_named (f, "Oliver's blue lunchbox is in the office.", CS_RULE_PUPIL_NAME, "Oliver");
  assert_named (f, "Oliver’s blue lunchbox is in the office.", CS_RULE_PUPIL_NAME, "Oliver");
  assert_named (f, "well done freya and the netball squad!!", CS_RULE_PUPIL_NAME, "freya");
  assert_named (f, "Zoe's portrait is now framed in the hall.", CS_RULE_PUPIL_NAME, "Zoe");
  assert_named (f, "What a soloist! #ProudOfYouNell", CS_RULE_PUPIL_NAME, "Nell");
  assert_named (f, "What a week #WellDoneAmelia", CS_RULE_PUPIL_NAME, "Amelia");
  assert_named (f, "What a week #welldoneamelia", CS_RULE_PUPIL_NAME, "amelia");
}

static void
test_ordinary_words_are_not_names (Fixture *f, gconstpointer data)
{
  assert_no_names (f, "Hope to see you there!");
  assert_no_names (f, "We hope you all had a lovely break.");
  assert_no_names (f, "May half term starts on Friday.");
  assert_no_names (f, "School closes for May half term on the 22nd.");
  assert_no_names (f, "May we remind parents that PE kits need names.");
  assert_no_names (f, "We say grace before lunch every day.");
  assert_no_names (f, "Grace before lunch was led by Year 2.");
  assert_no_names (f, "Our Art Club meets on Tuesdays, and the art club show is next week.");
  assert_no_names (f, "Will you join us for the fair? Will your child need a costume?");
  assert_no_names (f, "Rowan class have been planting bulbs.");
  assert_no_names (f, "Summer term starts on Monday. The Summer Fair is in July.");
  assert_no_names (f, "Brook Lane is closed, so use the Station Road gate.");
  assert_no_names (f, "Holly and ivy wreaths are on sale for £5.");
  assert_no_names (f, "Our play is Jack and the Beanstalk this year!");
  assert_no_names (f, "Ruby wedding congratulations to our lollipop man!");
  assert_no_names (f, "Frank conversations about online safety start at home.");
  assert_no_names (f, "Sunny skies forecast for Sports Day!");
  assert_no_names (f, "The children wove a willow dome by the pond.");
  assert_no_names (f, "Thanks to Dawn Chorus Ltd for the nest boxes, we were up from dawn till dusk.");
}

static void
test_ordinary_words_used_as_names (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) both = NULL;

  assert_named (f, "Hope you all had a good break! Well done to Hope in Year 1, who read 30 books.",
                CS_RULE_PUPIL_NAME, "Hope");
  assert_named (f, "A big thank you to Grace for tidying the library.", CS_RULE_PUPIL_NAME, "Grace");
  assert_named (f, "Congratulations Will on your swimming badge!", CS_RULE_PUPIL_NAME, "Will");
  assert_named (f, "Summer, who is in Year 5, scored twice.", CS_RULE_PUPIL_NAME, "Summer");
  /* Months are ordinary words too, though the dictionary writes them with capitals. */
  assert_no_names (f, "Sports Day is on Friday 20th June, and the fair is in June.");
  assert_named (f, "Well done to June in Year 2 for her poem.", CS_RULE_PUPIL_NAME, "June");

  both = check (f, "Freya and Willow will be leaving us at the end of term.");
  g_assert_nonnull (cs_test_find (both, CS_RULE_PUPIL_NAME, "Freya"));
  g_assert_nonnull (cs_test_find (both, CS_RULE_PUPIL_NAME, "Willow"));
}

static void
test_hope_counts_once (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) found = check (f, "Hope you all had a lovely half term! Well done to Hope in Year 1.");

  g_assert_cmpuint (cs_test_count_rule (found, CS_RULE_PUPIL_NAME), ==, 1);
  /* The second Hope: code points 50 to 54. */
  g_assert_cmpuint (((CsFinding *) g_ptr_array_index (found, 0))->start, ==, 50);
  g_assert_cmpuint (((CsFinding *) g_ptr_array_index (found, 0))->end, ==, 54);
}

static void
test_offsets_are_code_points (Fixture *f, gconstpointer data)
{
  const char *text = "🎉 Zoë’s café trip — well done Amelia!";
  g_autoptr(GPtrArray) found = check (f, text);
  CsFinding *zoe = cs_test_find (found, CS_RULE_PUPIL_NAME, "Zoë");
  CsFinding *amelia = cs_test_find (found, CS_RULE_PUPIL_NAME, "Amelia");

  g_assert_nonnull (zoe);
  g_assert_nonnull (amelia);
  g_assert_cmpuint (zoe->start, ==, 2);
  g_assert_cmpuint (zoe->end, ==, 5);
  g_assert_cmpuint (amelia->start, ==, 30);
  g_assert_cmpuint (amelia->end, ==, 36);
}

static void
test_other_people (Fixture *f, gconstpointer data)
{
  /* A famous person, a parent by title, and an adult not on the roster. */
  assert_no_names (f, "Year 6 are reading Oliver Twist this term.");
  assert_no_names (f, "Thank you to Mrs Hughes for the cakes and Mr Green for the plants.");
  assert_no_names (f, "Our lollipop man Dennis retires this week.");
  assert_no_names (f, "Thank you to Grace from the RNLI, and to Hope and the volunteers from Porthvean Surf Club.");
  assert_named (f, "Thank you to Grace from Year 4 for her help.", CS_RULE_PUPIL_NAME, "Grace");
  assert_no_names (f, "We read about St Amelia and King Oliver, and ate in May and June.");
  /* A slip in the surname still names the pupil. */
  assert_named (f, "Well done Amelia Harte!", CS_RULE_PUPIL_NAME, "Amelia Harte");
}

static void
test_staff (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) expired = NULL;
  CsFinding *finding;

  assert_named (f, "Thank you to Mrs Farrant for organising the trip.", CS_RULE_STAFF_NAME, "Mrs Farrant");
  assert_named (f, "Thanks to Miss. Farrant for the trip.", CS_RULE_STAFF_NAME, "Miss. Farrant");
  assert_named (f, "Thanks to Louise Farrant for the trip.", CS_RULE_STAFF_NAME, "Louise Farrant");
  assert_named (f, "Thanks to Dawn in the office for sorting the money!", CS_RULE_STAFF_NAME, "Dawn");
  assert_no_names (f, "Thank you to Mrs Ashdown and Mr Park for a brilliant open morning.");
  assert_no_names (f, "Mr Park has built a new log circle.");

  /* Consent that has run out counts as no, and the message says so. */
  expired = check (f, "Thanks to Mrs Halloran for the dance workshops.");
  finding = cs_test_find (expired, CS_RULE_STAFF_NAME, "Mrs Halloran");
  g_assert_nonnull (finding);
  g_assert_nonnull (strstr (finding->message, "ran out"));
  g_assert_nonnull (strstr (finding->message, "2020"));
}

static void
test_message_and_suggestions (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) found = check (f, "Well done Grace Adeyemi!");
  CsFinding *finding = cs_test_find (found, CS_RULE_PUPIL_NAME, "Grace Adeyemi");

  g_assert_nonnull (finding);
  g_assert_cmpint (finding->severity, ==, CS_SEVERITY_ERROR);
  g_assert_nonnull (strstr (finding->message, "Grace Adeyemi"));
  g_assert_nonnull (strstr (finding->message, "Year 4"));
  g_assert_nonnull (strstr (finding->clause, "Sandfield Close"));
  g_assert_nonnull (finding->suggestions);
  g_assert_cmpstr (g_ptr_array_index (finding->suggestions, 0), ==, "a Year 4 pupil");
}

static void
test_consented_first_names (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *text = "Well done Evie for her reading! Evie Thompson read 40 books.";
  g_autoptr(GPtrArray) before = check (f, text);
  g_autoptr(GPtrArray) after = NULL;

  /* Default: no pupil is named, consent or not. */
  g_assert_cmpuint (cs_test_count_rule (before, CS_RULE_PUPIL_NAME), ==, 2);

  g_assert_true (cs_policy_load_data (f->policy, "{\"names\": {\"allow_consented_first_names\": true}}", -1,
                                      "test.json", &error));
  g_assert_no_error (error);

  /* Now her first name may be used; her full name still identifies her. */
  after = check (f, text);
  g_assert_cmpuint (cs_test_count_rule (after, CS_RULE_PUPIL_NAME), ==, 1);
  g_assert_nonnull (cs_test_find (after, CS_RULE_PUPIL_NAME, "Evie Thompson"));
}

static void
test_roster_change_is_picked_up (Fixture *f, gconstpointer data)
{
  const char *csv = "id,forename,surname,photo_consent,name_consent\nX1,Ptolemy,Frost,yes,no\n";
  const char *text = "Well done Ptolemy!";
  g_autoptr(GPtrArray) before = check (f, text);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (cs_test_count_rule (before, CS_RULE_PUPIL_NAME), ==, 0);
  g_assert_true (cs_roster_load_data (f->roster, csv, strlen (csv), &error));
  after = check (f, text);
  g_assert_cmpuint (cs_test_count_rule (after, CS_RULE_PUPIL_NAME), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  spelling = cs_spelling_new ("en_GB", &error);
  g_assert_no_error (error);

#define ADD(path, func) \
  g_test_add ("/core/checker/names/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("full-name", test_full_name);
  ADD ("initial-and-surname", test_initial_and_surname);
  ADD ("forename-forms", test_forename_forms);
  ADD ("ordinary-words-are-not-names", test_ordinary_words_are_not_names);
  ADD ("ordinary-words-used-as-names", test_ordinary_words_used_as_names);
  ADD ("hope-counts-once", test_hope_counts_once);
  ADD ("offsets-are-code-points", test_offsets_are_code_points);
  ADD ("other-people", test_other_people);
  ADD ("staff", test_staff);
  ADD ("message-and-suggestions", test_message_and_suggestions);
  ADD ("consented-first-names", test_consented_first_names);
  ADD ("roster-change-is-picked-up", test_roster_change_is_picked_up);

  ret = g_test_run ();
  g_clear_object (&spelling);

  return ret;
}
