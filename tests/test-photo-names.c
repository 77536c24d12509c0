/* test-photo-names.c: tests for finding the names to hide among words read in a photo
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The words are made by hand, laid out as OCR reports them, so these tests
 * need no OCR and say exactly which reading each rule is for.
 */

#include <string.h>

#include "cs-photo-names-private.h"

/* Words of a line, laid out left to right from (@x, @y) at height @h, the
 * way a printed line comes back from tesseract. A word written "Hart@0.2"
 * was read with confidence 0.2 (otherwise 0.9). */
static void
add_line (GPtrArray  *words,
          double      x,
          double      y,
          double      h,
          guint       line,
          const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, " ", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      CsTextWord *word = g_new0 (CsTextWord, 1);
      char *at = strchr (parts[i], '@');

      word->confidence = 0.9;
      if (at != NULL)
        {
          *at = '\0';
          word->confidence = g_ascii_strtod (at + 1, NULL);
        }
      word->text = g_strdup (parts[i]);
      word->rect.x = x;
      word->rect.y = y;
      word->rect.w = 0.55 * h * g_utf8_strlen (parts[i], -1);
      word->rect.h = h;
      word->line = line;
      g_ptr_array_add (words, word);

      x += word->rect.w + 0.35 * h;
    }
}

static GPtrArray *
words_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) cs_text_word_free);
}

static CsPerson *
person_new (const char *forename,
            const char *preferred,
            const char *surname)
{
  CsPerson *person = cs_person_new ();

  person->id = g_strdup_printf ("T-%s", surname);
  person->forename = g_strdup (forename);
  person->preferred_name = g_strdup (preferred);
  person->surname = g_strdup (surname);
  person->role = CS_ROLE_PUPIL;

  return person;
}

static GPtrArray *
roster (void)
{
  GPtrArray *people = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_person_unref);

  g_ptr_array_add (people, person_new ("Amelia", NULL, "Hart"));
  g_ptr_array_add (people, person_new ("Priya", NULL, "Nakamura-Osei"));
  g_ptr_array_add (people, person_new ("Theodore", "Theo", "Lindqvist"));
  g_ptr_array_add (people, person_new ("Zoë", NULL, "Ashby"));
  g_ptr_array_add (people, person_new ("Chloé", NULL, "Brennan"));
  g_ptr_array_add (people, person_new ("Kai", NULL, "Mwangi"));
  g_ptr_array_add (people, person_new ("Will", NULL, "Brook"));
  g_ptr_array_add (people, person_new ("May", NULL, "Green"));
  g_ptr_array_add (people, person_new ("Grace", NULL, "Day"));

  return people;
}

static GPtrArray *
find (GPtrArray *words)
{
  g_autoptr(GPtrArray) people = roster ();

  return cs_photo_find_names (words, people);
}

/* The region whose text is @text, failing the test when there is none. */
static const CsPhotoRegion *
region_with (GPtrArray  *regions,
             const char *text)
{
  for (guint i = 0; i < regions->len; i++)
    {
      const CsPhotoRegion *region = g_ptr_array_index (regions, i);

      if (g_strcmp0 (region->text, text) == 0)
        return region;
    }

  g_test_message ("no region reads '%s'; there are %u:", text, regions->len);
  for (guint i = 0; i < regions->len; i++)
    g_test_message ("  '%s'", ((CsPhotoRegion *) g_ptr_array_index (regions, i))->text);
  g_assert_not_reached ();
}

static void
assert_no_regions (GPtrArray *regions)
{
  for (guint i = 0; i < regions->len; i++)
    g_test_message ("unexpected region '%s'", ((CsPhotoRegion *) g_ptr_array_index (regions, i))->text);
  g_assert_cmpuint (regions->len, ==, 0);
}

static void
test_full_name (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;
  const CsPhotoRegion *region;
  const CsTextWord *first, *last;

  add_line (words, 100, 200, 40, 1, "Well played, Amelia Hart!");
  regions = find (words);

  g_assert_cmpuint (regions->len, ==, 1);
  region = region_with (regions, "Amelia Hart!");
  g_assert_cmpint (region->kind, ==, CS_REGION_TEXT);
  g_assert_cmpstr (region->reason, ==, "roster name");

  /* The rectangle is the union of the two words' boxes. */
  first = g_ptr_array_index (words, 2);
  last = g_ptr_array_index (words, 3);
  g_assert_cmpfloat_with_epsilon (region->rect.x, first->rect.x, 1e-9);
  g_assert_cmpfloat_with_epsilon (region->rect.y, first->rect.y, 1e-9);
  g_assert_cmpfloat_with_epsilon (region->rect.x + region->rect.w, last->rect.x + last->rect.w, 1e-9);
  g_assert_cmpfloat_with_epsilon (region->rect.h, 40, 1e-9);
  g_assert_cmpfloat (region->score, >, 0.8);
}

static void
test_one_part_alone (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;

  /* Forenames, surnames and preferred names each count alone. */
  add_line (words, 100, 100, 30, 1, "Lindqvist");
  add_line (words, 100, 300, 30, 2, "Theo's");
  add_line (words, 100, 500, 30, 3, "Amelia");
  regions = find (words);

  g_assert_cmpuint (regions->len, ==, 3);
  region_with (regions, "Lindqvist");
  region_with (regions, "Theo's");
  region_with (regions, "Amelia");
}

static void
test_case_and_accents (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;

  add_line (words, 100, 100, 30, 1, "ZOE");
  add_line (words, 100, 300, 30, 2, "Chloe");
  add_line (words, 100, 500, 30, 3, "BRENNAN");
  regions = find (words);

  g_assert_cmpuint (regions->len, ==, 3);
  region_with (regions, "ZOE");
  region_with (regions, "Chloe");
  region_with (regions, "BRENNAN");
}

static void
test_ocr_slips (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;

  /* One letter wrong, missing or extra in a name of four letters or more. */
  add_line (words, 100, 100, 30, 1, "Amelja");
  add_line (words, 100, 300, 30, 2, "Lindqvlst");
  add_line (words, 100, 500, 30, 3, "Ashbyy");
  /* Two slips are too many. */
  add_line (words, 100, 700, 30, 4, "Arnelja");
  regions = find (words);

  g_assert_cmpuint (regions->len, ==, 3);
  region_with (regions, "Amelja");
  region_with (regions, "Lindqvlst");
  region_with (regions, "Ashbyy");
}

static void
test_short_names_exact (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;

  add_line (words, 100, 100, 30, 1, "Kai");
  /* One slip from Kai, and Kai read as a faint lower-case scrap. */
  add_line (words, 100, 300, 30, 2, "Kal");
  add_line (words, 100, 500, 30, 3, "kai@0.3");
  regions = find (words);

  g_assert_cmpuint (regions->len, ==, 1);
  region_with (regions, "Kai");
}

static void
test_hyphenated_partial (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;

  add_line (words, 100, 100, 30, 1, "akamura-Osei");
  add_line (words, 100, 300, 30, 2, "Nakamura");
  add_line (words, 100, 500, 30, 3, "Osei.");
  add_line (words, 100, 700, 30, 4, "Nakamura-0sei");
  regions = find (words);

  g_assert_cmpuint (regions->len, ==, 4);
  region_with (regions, "akamura-Osei");
  region_with (regions, "Nakamura");
  region_with (regions, "Osei.");
  region_with (regions, "Nakamura-0sei");
}

static void
test_ordinary_word_names (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;

  /* Will, May, Grace, Green and Day are pupils here, but these are words. */
  add_line (words, 100, 100, 30, 1, "We will go to the green park in May");
  add_line (words, 100, 300, 30, 2, "Amazing Grace");
  add_line (words, 100, 500, 30, 3, "Sports Day");
  regions = find (words);

  assert_no_regions (regions);
}

static void
test_ordinary_word_names_beside_surname (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;

  add_line (words, 100, 100, 30, 1, "Will Brook");
  add_line (words, 100, 300, 30, 2, "well done May Green");
  add_line (words, 100, 500, 30, 3, "Grace Day");
  regions = find (words);

  g_assert_cmpuint (regions->len, ==, 3);
  g_assert_cmpstr (region_with (regions, "Will Brook")->reason, ==, "roster name");
  region_with (regions, "May Green");
  region_with (regions, "Grace Day");
}

static void
test_misread_words_are_not_names (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;

  /* "the" is one slip from Theo, "hard" from Hart, "then" from Theo. */
  add_line (words, 100, 100, 30, 1, "Work hard in the hall then rest");
  regions = find (words);

  assert_no_regions (regions);
}

static void
test_middle_name (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;

  add_line (words, 100, 100, 30, 1, "Amelia Rose Hart");
  regions = find (words);

  g_assert_cmpuint (regions->len, ==, 1);
  region_with (regions, "Amelia Rose Hart");
}

static void
test_words_far_apart_are_separate (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;

  /* Two labels on a wall, one under the other and one far to the right:
   * they are not one name, so two regions, and nothing in between is hidden. */
  add_line (words, 100, 100, 30, 1, "Amelia");
  add_line (words, 900, 100, 30, 2, "Hart");
  regions = find (words);

  g_assert_cmpuint (regions->len, ==, 2);
  g_assert_cmpfloat (region_with (regions, "Amelia")->rect.w, <, 200);
  g_assert_cmpfloat (region_with (regions, "Hart")->rect.w, <, 200);
}

static void
test_second_pass_repeats (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;

  /* A second, upscaled pass reads the same words with slightly different
   * boxes; they make no second region. */
  add_line (words, 100, 100, 30, 1, "Amelia Hart");
  add_line (words, 102, 101, 29, 2, "Amelia Hart");
  regions = find (words);

  g_assert_cmpuint (regions->len, ==, 1);
}

static void
test_certificate_presented_to (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;
  const CsPhotoRegion *region;

  add_line (words, 500, 100, 60, 1, "Certificate of Merit");
  add_line (words, 520, 200, 25, 2, "This certificate is presented to");
  add_line (words, 480, 260, 55, 3, "Zephyrine Quatermass");
  add_line (words, 500, 350, 25, 4, "for kindness and helping others");
  add_line (words, 300, 600, 20, 5, "Hillcrest Primary School");
  add_line (words, 300, 630, 20, 6, "14 March 2025");
  add_line (words, 900, 630, 20, 7, "Head Teacher");
  regions = find (words);

  /* Not on the roster, but a certificate says whose it is. */
  g_assert_cmpuint (regions->len, ==, 1);
  region = region_with (regions, "Zephyrine Quatermass");
  g_assert_cmpstr (region->reason, ==, "certificate");
  g_assert_cmpfloat_with_epsilon (region->rect.y, 260, 1e-9);
  g_assert_cmpfloat_with_epsilon (region->rect.h, 55, 1e-9);
}

static void
test_certificate_ocr_slips (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;

  /* Sparse OCR breaks words and misreads letters. */
  add_line (words, 520, 200, 25, 1, "Th1s certifcate is pres");
  add_line (words, 880, 200, 25, 2, "ented to");
  add_line (words, 480, 260, 55, 3, "Ottoline Vanderbyl");
  regions = find (words);

  g_assert_cmpuint (regions->len, ==, 1);
  region_with (regions, "Ottoline Vanderbyl");
}

static void
test_certificate_title_only (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;

  /* The "presented to" line was too small to read; the name follows the
   * title, and the noise between is not taken for it. */
  add_line (words, 500, 100, 60, 1, "Star of the Week");
  add_line (words, 620, 190, 12, 2, "ee@0.2 oi@0.1");
  add_line (words, 480, 240, 55, 3, "Ottoline Vanderbyl");
  add_line (words, 500, 330, 25, 4, "for excellent science project work");
  regions = find (words);

  g_assert_cmpuint (regions->len, ==, 1);
  region_with (regions, "Ottoline Vanderbyl");
}

static void
test_certificate_praise_same_line (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;

  add_line (words, 100, 100, 50, 1, "Congratulations Rosalind Abernethy!");
  add_line (words, 100, 400, 30, 2, "well done to everyone in Year 4");
  regions = find (words);

  g_assert_cmpuint (regions->len, ==, 1);
  g_assert_cmpstr (region_with (regions, "Rosalind Abernethy!")->reason, ==, "certificate");
}

static void
test_certificate_roster_name_once (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;

  /* A roster name on the name line makes one region, not two. */
  add_line (words, 520, 200, 25, 1, "This certificate is presented to");
  add_line (words, 480, 260, 55, 2, "Amelia Hart");
  regions = find (words);

  g_assert_cmpuint (regions->len, ==, 1);
  g_assert_cmpstr (region_with (regions, "Amelia Hart")->reason, ==, "roster name");
}

static void
test_certificate_ordinary_name (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;

  /* Grace alone is a word, but on a certificate's name line it is hidden. */
  add_line (words, 520, 200, 25, 1, "This certificate is presented to");
  add_line (words, 600, 260, 55, 2, "Grace");
  regions = find (words);

  g_assert_cmpuint (regions->len, ==, 1);
  region_with (regions, "Grace");
}

static void
test_two_certificates (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;

  add_line (words, 150, 200, 25, 1, "This certificate is presented to");
  add_line (words, 100, 260, 55, 2, "Ottoline Vanderbyl");
  add_line (words, 150, 350, 25, 3, "for kindness");
  add_line (words, 1250, 230, 25, 4, "This certificate is Presented to");
  add_line (words, 1200, 290, 55, 5, "Bartholomew Quince");
  add_line (words, 1250, 380, 25, 6, "for reading forty books");
  regions = find (words);

  g_assert_cmpuint (regions->len, ==, 2);
  region_with (regions, "Ottoline Vanderbyl");
  region_with (regions, "Bartholomew Quince");
}

static void
test_not_a_certificate (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;

  add_line (words, 100, 100, 60, 1, "Our Class Rules");
  add_line (words, 100, 200, 40, 2, "Be Kind");
  add_line (words, 100, 300, 40, 3, "Tidy Up Together");
  regions = find (words);

  assert_no_regions (regions);
}

static void
test_no_roster (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = NULL;

  add_line (words, 100, 100, 40, 1, "Amelia Hart");
  add_line (words, 520, 400, 25, 2, "awarded to");
  add_line (words, 480, 460, 55, 3, "Ottoline Vanderbyl");
  regions = cs_photo_find_names (words, NULL);

  g_assert_cmpuint (regions->len, ==, 1);
  region_with (regions, "Ottoline Vanderbyl");
}

static void
test_no_words (void)
{
  g_autoptr(GPtrArray) words = words_new ();
  g_autoptr(GPtrArray) regions = find (words);

  g_assert_cmpuint (regions->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/photo-names/full-name", test_full_name);
  g_test_add_func ("/core/photo-names/one-part-alone", test_one_part_alone);
  g_test_add_func ("/core/photo-names/case-and-accents", test_case_and_accents);
  g_test_add_func ("/core/photo-names/ocr-slips", test_ocr_slips);
  g_test_add_func ("/core/photo-names/short-names-exact", test_short_names_exact);
  g_test_add_func ("/core/photo-names/hyphenated-partial", test_hyphenated_partial);
  g_test_add_func ("/core/photo-names/ordinary-word-names", test_ordinary_word_names);
  g_test_add_func ("/core/photo-names/ordinary-word-names-beside-surname",
                   test_ordinary_word_names_beside_surname);
  g_test_add_func ("/core/photo-names/misread-words-are-not-names", test_misread_words_are_not_names);
  g_test_add_func ("/core/photo-names/middle-name", test_middle_name);
  g_test_add_func ("/core/photo-names/words-far-apart-are-separate", test_words_far_apart_are_separate);
  g_test_add_func ("/core/photo-names/second-pass-repeats", test_second_pass_repeats);
  g_test_add_func ("/core/photo-names/certificate/presented-to", test_certificate_presented_to);
  g_test_add_func ("/core/photo-names/certificate/ocr-slips", test_certificate_ocr_slips);
  g_test_add_func ("/core/photo-names/certificate/title-only", test_certificate_title_only);
  g_test_add_func ("/core/photo-names/certificate/praise-same-line", test_certificate_praise_same_line);
  g_test_add_func ("/core/photo-names/certificate/roster-name-once", test_certificate_roster_name_once);
  g_test_add_func ("/core/photo-names/certificate/ordinary-name", test_certificate_ordinary_name);
  g_test_add_func ("/core/photo-names/certificate/two", test_two_certificates);
  g_test_add_func ("/core/photo-names/certificate/not-a-certificate", test_not_a_certificate);
  g_test_add_func ("/core/photo-names/no-roster", test_no_roster);
  g_test_add_func ("/core/photo-names/no-words", test_no_words);

  return g_test_run ();
}
