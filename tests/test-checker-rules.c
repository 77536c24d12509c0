/* test-checker-rules.c: every rule but names, with the traps each must not fall into
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "cs-test-findings.h"

static CsSpelling *spelling;

static const char school_policy[] =
  "{\"school\": {\"name\": \"Hollybank Primary School\", \"domains\": [\"hollybank.sch.uk\"],"
  " \"emails\": [\"office@hollybank.sch.uk\"], \"phones\": [\"01632 960555\"], \"postcodes\": [\"GL7 4QX\"],"
  " \"handles\": [\"@HollybankPri\"], \"words\": [\"Hollybank\"]}}";

typedef struct
{
  CsPolicy  *policy;
  CsChecker *checker;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsRoster) roster = cs_roster_new ();

  f->policy = cs_policy_new ();
  g_assert_true (cs_policy_load_data (f->policy, school_policy, -1, "school.json", &error));
  g_assert_no_error (error);
  f->checker = cs_checker_new (f->policy, roster, spelling);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->checker);
  g_assert_finalize_object (f->policy);
}

static GPtrArray *
check_on (Fixture    *f,
          const char *text,
          CsPlatform  platform)
{
  return cs_checker_check (f->checker, text, -1, platform);
}

/* @expected must be covered by a finding of @rule. */
static void
assert_flags (Fixture    *f,
              const char *rule,
              const char *text,
              const char *expected)
{
  g_autoptr(GPtrArray) found = check_on (f, text, CS_PLATFORM_FACEBOOK);
  const char *at = strstr (text, expected);
  glong start, end;

  g_assert_nonnull (at);
  start = g_utf8_pointer_to_offset (text, at);
  end = start + g_utf8_strlen (expected, -1);

  for (guint i = 0; i < found->len; i++)
    {
      CsFinding *finding = g_ptr_array_index (found, i);

      if (g_str_equal (finding->rule, rule) && finding->start < end && finding->end > start)
        return;
    }

  g_error ("expected %s on “%s” in: %s", rule, expected, text);
}

static void
assert_clean (Fixture    *f,
              const char *rule,
              const char *text)
{
  g_autoptr(GPtrArray) found = check_on (f, text, CS_PLATFORM_FACEBOOK);
  CsFinding *finding = cs_test_find (found, rule, NULL);

  if (finding != NULL)
    g_error ("expected no %s, found “%s” in: %s", rule, finding->text, text);
}

static void
test_phone_numbers (Fixture *f, gconstpointer data)
{
  assert_flags (f, CS_RULE_PERSONAL_DATA, "Ring me on 07700 900482 after six.", "07700 900482");
  assert_flags (f, CS_RULE_PERSONAL_DATA, "Text him on +44 7700 900731 please.", "+44 7700 900731");
  assert_flags (f, CS_RULE_PERSONAL_DATA, "Call +44 (0)1632 960 222 today.", "+44 (0)1632 960 222");
  assert_flags (f, CS_RULE_PERSONAL_DATA, "Call 01632-960-222 today.", "01632-960-222");
  assert_flags (f, CS_RULE_PERSONAL_DATA, "Call 07700900123 today.", "07700900123");
  /* The school's own number in any spacing, and numbers that are not phones. */
  assert_clean (f, CS_RULE_PERSONAL_DATA, "Ring the office on 01632 960555 or 01632960555 or +44 1632 960555.");
  assert_clean (f, CS_RULE_PERSONAL_DATA, "Lunch is £2.60 at 1.30pm for ages 9-10; we raised £1,340 and 214 tins.");
  assert_clean (f, CS_RULE_PERSONAL_DATA, "Term runs from 03.09.2025 to 22.07.2026, 2025-2026.");
}

static void
test_email_addresses (Fixture *f, gconstpointer data)
{
  assert_flags (f, CS_RULE_PERSONAL_DATA, "Email a.wojcik.hb@gmail.com directly.", "a.wojcik.hb@gmail.com");
  assert_flags (f, CS_RULE_PERSONAL_DATA, "or email lisa.morrow84 at gmail dot com (class rep).", "lisa.morrow84 at gmail dot com");
  assert_flags (f, CS_RULE_PERSONAL_DATA, "Contact jo[at]example[dot]org", "jo[at]example[dot]org");
  /* Any address but the school's listed one is personal data. */
  assert_flags (f, CS_RULE_PERSONAL_DATA, "Email head@hollybank.sch.uk", "head@hollybank.sch.uk");
  assert_clean (f, CS_RULE_PERSONAL_DATA, "Email office@hollybank.sch.uk or OFFICE@hollybank.sch.uk.");
  assert_clean (f, CS_RULE_PERSONAL_DATA, "See you at hollybank.sch.uk and at the fair.");
}

static void
test_addresses_and_birth_dates (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) two = NULL;

  two = check_on (f, "The sale is at 27 Meadow Close, GL7 4RN on Saturday.", CS_PLATFORM_FACEBOOK);
  g_assert_cmpuint (cs_test_count_rule (two, CS_RULE_PERSONAL_DATA), ==, 2);

  assert_flags (f, CS_RULE_PERSONAL_DATA, "The family live on Orchard Lane, opposite the Co-op.", "live on Orchard Lane");
  assert_flags (f, CS_RULE_PERSONAL_DATA, "Happy birthday, born 14.11.2018!", "14.11.2018");
  assert_flags (f, CS_RULE_PERSONAL_DATA, "She was born on 3rd May 2018.", "3rd May 2018");
  assert_clean (f, CS_RULE_PERSONAL_DATA, "Brook Lane is closed, so use the Station Road entrance. Our postcode is GL7 4QX.");
  assert_clean (f, CS_RULE_PERSONAL_DATA, "Thanks @GL7CommFarm and see bit.ly/3PantoGL7 for tickets.");
  assert_clean (f, CS_RULE_PERSONAL_DATA, "Year 6 were born to perform! Happy 7th birthday to our school.");
}

static void
test_sensitive_topics (Fixture *f, gconstpointer data)
{
  assert_flags (f, CS_RULE_SENSITIVE_TOPIC, "Please keep him in your thoughts – he's in hospital with his asthma.", "asthma");
  assert_flags (f, CS_RULE_SENSITIVE_TOPIC, "The two Year 5 boys involved have been given a fixed-term exclusion.", "fixed-term exclusion");
  assert_flags (f, CS_RULE_SENSITIVE_TOPIC, "It has been hard for the family since their dad passed away.", "passed away");
  assert_flags (f, CS_RULE_SENSITIVE_TOPIC, "Reminder to the families of three pupils: as you're on free school meals, collect your vouchers.",
                "on free school meals");
  assert_flags (f, CS_RULE_SENSITIVE_TOPIC, "They are moving because their parents are separating.", "parents are separating");
  /* A family named by its surname is specific, possessive and all. */
  assert_flags (f, CS_RULE_SENSITIVE_TOPIC, "Photos are late because the O’Brien children's social worker has not signed.", "social worker");
  /* "If your child…" speaks of anyone. */
  assert_clean (f, CS_RULE_SENSITIVE_TOPIC, "If you think your child might be a young carer, have a word with their teacher.");
  /* Policy-level and general mentions are about nobody in particular. */
  assert_clean (f, CS_RULE_SENSITIVE_TOPIC, "Our SEND team has set up a sensory corner that any child can use.");
  assert_clean (f, CS_RULE_SENSITIVE_TOPIC, "Reception, Year 1 and Year 2 children get free school meals automatically.");
  assert_clean (f, CS_RULE_SENSITIVE_TOPIC, "We take behaviour very seriously. Flu vaccinations are on Tuesday.");
}

static void
test_negative_tone (Fixture *f, gconstpointer data)
{
  assert_flags (f, CS_RULE_NEGATIVE_TONE, "Pick-up is 3.15pm. Some parents clearly can't read a letter.", "clearly can't read");
  assert_flags (f, CS_RULE_NEGATIVE_TONE, "The council still haven't fixed the pothole. Useless.", "Useless");
  assert_flags (f, CS_RULE_NEGATIVE_TONE, "Please stop parking on the zigzags. Honestly, some of you.", "Honestly, some of you");
  assert_flags (f, CS_RULE_NEGATIVE_TONE, "Homework is late – someone forgot to photocopy it. Again.", "Again.");
  assert_flags (f, CS_RULE_NEGATIVE_TONE, "Maybe next year he'll actually teach them how to pass.", "he'll actually");
  assert_flags (f, CS_RULE_NEGATIVE_TONE, "Well above Ashcombe Primary, who clearly spend more on leaflets.", "clearly spend");
  assert_clean (f, CS_RULE_NEGATIVE_TONE, "Holly, ivy and an awful lot of glitter: Reception have been busy!");
  assert_clean (f, CS_RULE_NEGATIVE_TONE, "Year 2 told us a joke a day all week, and we're open again on Monday.");
  assert_clean (f, CS_RULE_NEGATIVE_TONE, "A lazy Sunday read: our library is open again after the half-term.");
}

static void
test_offensive_language (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) hell = NULL;
  CsFinding *finding;

  hell = check_on (f, "Bloody hell, what a week.", CS_PLATFORM_FACEBOOK);
  g_assert_cmpuint (cs_test_count_rule (hell, CS_RULE_OFFENSIVE_LANGUAGE), ==, 1);
  finding = cs_test_find (hell, CS_RULE_OFFENSIVE_LANGUAGE, NULL);
  g_assert_cmpstr (finding->text, ==, "Bloody hell");

  assert_flags (f, CS_RULE_OFFENSIVE_LANGUAGE, "Someone will break an ankle in that crap.", "crap");
  assert_flags (f, CS_RULE_OFFENSIVE_LANGUAGE, "We're as pissed off as you are.", "pissed off");
  assert_flags (f, CS_RULE_OFFENSIVE_LANGUAGE, "To the idiots parking on the zigzags.", "idiots");
  /* Rude words inside ordinary ones. */
  assert_clean (f, CS_RULE_OFFENSIVE_LANGUAGE, "Hello! Our class read Dickens, assessed the grass and met Mr Scunthorpe.");
}

static void
test_confidential (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) farewell = NULL;

  assert_flags (f, CS_RULE_CONFIDENTIAL, "We're looking at a £38,000 deficit next year.", "£38,000 deficit");
  assert_flags (f, CS_RULE_CONFIDENTIAL, "Governors are already talking about cutting TA hours.", "cutting TA hours");
  assert_flags (f, CS_RULE_CONFIDENTIAL, "Miss Lee won't be back – she's been signed off with stress.", "signed off with stress");
  /* A departure is a secret when the post says so; the secret is flagged. */
  assert_flags (f, CS_RULE_CONFIDENTIAL, "Sad news – Mr Maddox will be leaving us at Easter. We haven't told the children yet so please keep it to yourselves!",
                "will be leaving us at Easter");
  assert_flags (f, CS_RULE_CONFIDENTIAL, "Ofsted told us informally that we're going to be Good!", "going to be Good");
  /* A marker with no secret found still stops the post. */
  assert_flags (f, CS_RULE_CONFIDENTIAL, "Big news coming soon. Please don't share this yet!", "don't share this yet");

  /* An announced farewell is not a secret. */
  farewell = check_on (f, "Mrs Jones will be retiring this summer after 30 years – thank you!", CS_PLATFORM_FACEBOOK);
  g_assert_null (cs_test_find (farewell, CS_RULE_CONFIDENTIAL, NULL));
}

static void
test_mentions (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) found = check_on (f, "Thanks @AshcombePE for hosting!", CS_PLATFORM_X);
  CsFinding *finding = cs_test_find (found, CS_RULE_MENTION, NULL);

  g_assert_nonnull (finding);
  g_assert_cmpstr (finding->text, ==, "@AshcombePE");
  g_assert_cmpstr (g_ptr_array_index (finding->suggestions, 0), ==, "AshcombePE");
  g_assert_cmpint (finding->severity, ==, CS_SEVERITY_WARNING);

  assert_clean (f, CS_RULE_MENTION, "Email office@hollybank.sch.uk, or follow @HollybankPri.");
}

static void
test_external_links (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) found = check_on (f, "Buy online at https://www.raffleworks.co.uk/hollybank-xmas. Thanks!", CS_PLATFORM_X);
  CsFinding *finding = cs_test_find (found, CS_RULE_EXTERNAL_LINK, NULL);

  g_assert_nonnull (finding);
  g_assert_cmpstr (finding->text, ==, "https://www.raffleworks.co.uk/hollybank-xmas");
  g_assert_cmpint (finding->severity, ==, CS_SEVERITY_WARNING);

  assert_flags (f, CS_RULE_EXTERNAL_LINK, "Order by Friday: bit.ly/hbk6 Thank you!", "bit.ly/hbk6");
  assert_flags (f, CS_RULE_EXTERNAL_LINK, "Tips at https://www.nhs.uk/live-well/ ❄️", "https://www.nhs.uk/live-well/");
  assert_flags (f, CS_RULE_EXTERNAL_LINK, "Not us: https://hollybank.sch.uk.evil.example/login", "hollybank.sch.uk.evil.example");
  assert_clean (f, CS_RULE_EXTERNAL_LINK, "See hollybank.sch.uk, www.hollybank.sch.uk/news and https://news.hollybank.sch.uk/a.");
}

static void
test_length (Fixture *f, gconstpointer data)
{
  g_autofree char *fits = g_strnfill (280, 'a');
  g_autofree char *over = g_strnfill (281, 'a');
  g_autofree char *padding = g_strnfill (260, 'b');
  g_autofree char *short_link = NULL;
  g_autoptr(GPtrArray) ok = check_on (f, fits, CS_PLATFORM_X);
  g_autoptr(GPtrArray) bad = check_on (f, over, CS_PLATFORM_X);
  g_autoptr(GPtrArray) mastodon = check_on (f, over, CS_PLATFORM_MASTODON);
  g_autoptr(GPtrArray) link = NULL;
  CsFinding *finding;

  g_assert_null (cs_test_find (ok, CS_RULE_LENGTH, NULL));
  finding = cs_test_find (bad, CS_RULE_LENGTH, NULL);
  g_assert_nonnull (finding);
  g_assert_cmpint (finding->severity, ==, CS_SEVERITY_ERROR);
  /* The underline starts where the post goes over the limit. */
  g_assert_cmpuint (finding->start, ==, 280);
  g_assert_cmpuint (finding->end, ==, 281);
  g_assert_nonnull (strstr (finding->message, "281"));
  g_assert_null (cs_test_find (mastodon, CS_RULE_LENGTH, NULL));

  /* 260 characters and a 11-character link that X counts as 23: 284. */
  short_link = g_strconcat (padding, " bit.ly/hbk6", NULL);
  link = check_on (f, short_link, CS_PLATFORM_X);
  g_assert_nonnull (cs_test_find (link, CS_RULE_LENGTH, NULL));
}

static void
test_spelling (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) found = check_on (f, "Tins are gratefully recieved at Hollybank by the PTA, thank you!", CS_PLATFORM_X);
  CsFinding *finding = cs_test_find (found, CS_RULE_SPELLING, NULL);

  g_assert_cmpuint (cs_test_count_rule (found, CS_RULE_SPELLING), ==, 1);
  g_assert_cmpstr (finding->text, ==, "recieved");
  g_assert_cmpint (finding->severity, ==, CS_SEVERITY_WARNING);
  /* Suggestions are computed only when asked for. */
  g_assert_null (finding->suggestions);
  cs_checker_fill_suggestions (f->checker, finding);
  g_assert_nonnull (finding->suggestions);
  g_assert_true (g_ptr_array_find_with_equal_func (finding->suggestions, "received", g_str_equal, NULL));

  /* British spellings, hyphenated words and curly apostrophes are fine. */
  assert_clean (f, CS_RULE_SPELLING, "Our colourful after-school organisers can’t wait; it’s a screen-free centre.");
}

static void
test_overrides (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  const char *text = "Thanks @AshcombePE for the Bake Off tips!";

  g_assert_true (cs_policy_load_data (f->policy,
                                      "{\"rules\": {\"mention\": {\"severity\": \"error\"},"
                                      " \"confidential\": {\"phrases\": [\"Bake Off\"]},"
                                      " \"spelling\": {\"severity\": \"off\"}}}",
                                      -1, "override.json", &error));
  g_assert_no_error (error);

  found = check_on (f, text, CS_PLATFORM_X);
  g_assert_cmpint (cs_test_find (found, CS_RULE_MENTION, NULL)->severity, ==, CS_SEVERITY_ERROR);
  g_assert_cmpstr (cs_test_find (found, CS_RULE_CONFIDENTIAL, NULL)->text, ==, "Bake Off");
  g_assert_null (cs_test_find (found, CS_RULE_SPELLING, NULL));
}

static void
test_range_matches_full_check (Fixture *f, gconstpointer data)
{
  const char *text = "Zoë’s news 🎉\nPlease ring 07700 900482 or see bit.ly/x1 – bloody brilliant.\nThe end.";
  const char *para = strchr (text, '\n') + 1;
  const char *para_end = strchr (para, '\n');
  g_autoptr(GPtrArray) full = check_on (f, text, CS_PLATFORM_FACEBOOK);
  g_autoptr(GPtrArray) part = cs_checker_check_range (f->checker, text, -1, para - text, para_end - text);
  guint in_para = 0;

  g_assert_cmpuint (part->len, >=, 3);
  for (guint i = 0; i < full->len; i++)
    {
      CsFinding *a = g_ptr_array_index (full, i);

      if (a->start < (guint) g_utf8_pointer_to_offset (text, para))
        continue;
      if (a->start >= (guint) g_utf8_pointer_to_offset (text, para_end))
        continue;

      g_assert_cmpuint (in_para, <, part->len);
      {
        CsFinding *b = g_ptr_array_index (part, in_para++);

        g_assert_cmpstr (a->rule, ==, b->rule);
        g_assert_cmpuint (a->start, ==, b->start);
        g_assert_cmpuint (a->end, ==, b->end);
      }
    }
  g_assert_cmpuint (in_para, ==, part->len);
}

static gpointer
check_in_thread (gpointer data)
{
  Fixture *f = data;
  guint total = 0;

  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(GPtrArray) found = cs_checker_check (f->checker, "Ring 07700 900482, bloody hell @someone", -1, CS_PLATFORM_X);
      total += found->len;
    }

  return GUINT_TO_POINTER (total);
}

static void
test_threads (Fixture *f, gconstpointer data)
{
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("check", check_in_thread, f);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (threads[i])), ==, 50 * 3);
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
  g_test_add ("/core/checker/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("personal-data/phone-numbers", test_phone_numbers);
  ADD ("personal-data/email-addresses", test_email_addresses);
  ADD ("personal-data/addresses-and-birth-dates", test_addresses_and_birth_dates);
  ADD ("sensitive-topic", test_sensitive_topics);
  ADD ("negative-tone", test_negative_tone);
  ADD ("offensive-language", test_offensive_language);
  ADD ("confidential", test_confidential);
  ADD ("mention", test_mentions);
  ADD ("external-link", test_external_links);
  ADD ("length", test_length);
  ADD ("spelling", test_spelling);
  ADD ("policy-overrides", test_overrides);
  ADD ("range-matches-full-check", test_range_matches_full_check);
  ADD ("threads", test_threads);

  ret = g_test_run ();
  g_clear_object (&spelling);

  return ret;
}
