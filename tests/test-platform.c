/* test-platform.c: tests for the platforms and how each counts a post's length
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "cs-platform.h"

/* The emoji and other non-ASCII test strings are spelt out with escapes so
 * that it is clear which code points each one holds. */
#define FAMILY          "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466"
#define THUMBS_TONE     "\U0001F44D\U0001F3FD"
#define FLAG_GB         "\U0001F1EC\U0001F1E7"
#define FLAG_IE         "\U0001F1EE\U0001F1EA"
#define FLAG_ENG        "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"
#define FLAG_SCT        "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"
#define FLAG_WLS        "\U0001F3F4\U000E0067\U000E0062\U000E0077\U000E006C\U000E0073\U000E007F"
#define HANDSHAKE_TONES "\U0001F9D1\U0001F3FF\u200D\U0001F91D\u200D\U0001F9D1\U0001F3FB"
#define PLAYER_WOMAN    "\u26F9\uFE0F\u200D\u2640\uFE0F"
#define KEYCAP_1        "1\uFE0F\u20E3"
#define SUN             "\u2600\uFE0F"
#define RAINBOW         "\U0001F3F3\uFE0F\u200D\U0001F308"
#define CODER_TONE      "\U0001F469\U0001F3FD\u200D\U0001F4BB"

typedef struct
{
  guint x;
  guint mastodon;
  guint bluesky;
  guint facebook;
} Counts;

static void
assert_counts (const char *text,
               Counts      expected)
{
  g_test_message ("counting: %s", text);

  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, text, -1), ==, expected.x);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_MASTODON, text, -1), ==, expected.mastodon);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_BLUESKY, text, -1), ==, expected.bluesky);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_FACEBOOK, text, -1), ==, expected.facebook);
}

static char *
repeat (const char *unit,
        guint       times)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < times; i++)
    g_string_append (s, unit);

  return g_string_free (s, FALSE);
}

static void
test_names (void)
{
  CsPlatform platform;

  g_assert_true (cs_platform_from_string ("x", &platform));
  g_assert_cmpint (platform, ==, CS_PLATFORM_X);
  g_assert_true (cs_platform_from_string ("twitter", &platform));
  g_assert_cmpint (platform, ==, CS_PLATFORM_X);
  g_assert_true (cs_platform_from_string ("mastodon", &platform));
  g_assert_cmpint (platform, ==, CS_PLATFORM_MASTODON);
  g_assert_true (cs_platform_from_string ("bluesky", &platform));
  g_assert_cmpint (platform, ==, CS_PLATFORM_BLUESKY);
  g_assert_true (cs_platform_from_string ("facebook", &platform));
  g_assert_cmpint (platform, ==, CS_PLATFORM_FACEBOOK);
  g_assert_false (cs_platform_from_string ("myspace", &platform));
  g_assert_false (cs_platform_from_string ("", &platform));
  g_assert_false (cs_platform_from_string (NULL, &platform));

  for (guint i = 0; i < CS_N_PLATFORMS; i++)
    {
      g_assert_true (cs_platform_from_string (cs_platform_to_string (i), &platform));
      g_assert_cmpint (platform, ==, i);
    }

  g_assert_cmpstr (cs_platform_to_string (CS_PLATFORM_X), ==, "x");
  g_assert_cmpstr (cs_platform_get_display_name (CS_PLATFORM_X), ==, "X");
  g_assert_cmpstr (cs_platform_get_display_name (CS_PLATFORM_MASTODON), ==, "Mastodon");
  g_assert_cmpstr (cs_platform_get_display_name (CS_PLATFORM_BLUESKY), ==, "Bluesky");
  g_assert_cmpstr (cs_platform_get_display_name (CS_PLATFORM_FACEBOOK), ==, "Facebook");
}

static void
test_limits (void)
{
  g_assert_cmpuint (cs_platform_get_limit (CS_PLATFORM_X), ==, 280);
  g_assert_cmpuint (cs_platform_get_limit (CS_PLATFORM_MASTODON), ==, 500);
  g_assert_cmpuint (cs_platform_get_limit (CS_PLATFORM_BLUESKY), ==, 300);
  g_assert_cmpuint (cs_platform_get_limit (CS_PLATFORM_FACEBOOK), ==, 63206);
}

static void
test_plain_ascii (void)
{
  assert_counts ("", (Counts) { 0, 0, 0, 0 });
  assert_counts ("Hello, world!", (Counts) { 13, 13, 13, 13 });
  assert_counts ("Line one\nLine two\r\nLine three", (Counts) { 29, 28, 28, 29 });

  /* Only the first @len bytes count. */
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, "Hello, world!", 5), ==, 5);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, NULL, -1), ==, 0);
}

static void
test_x_limit_boundary (void)
{
  g_autofree char *at_limit = repeat ("a", 280);
  g_autofree char *over = repeat ("a", 281);
  guint limit = cs_platform_get_limit (CS_PLATFORM_X);

  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, at_limit, -1), ==, 280);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, at_limit, -1), <=, limit);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, over, -1), ==, 281);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, over, -1), >, limit);
}

static void
test_x_counts_url_as_23 (void)
{
  /* Shorter than 23 and longer than 23: both count 23. */
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, "https://bit.ly/a", -1), ==, 23);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, "Book via https://bit.ly/3PantoGL7 now", -1), ==, 9 + 23 + 4);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X,
                                       "Letter: https://www.hollinsbrook.sch.uk/news/2025/"
                                       "christmas-arrangements-nativity-carols-and-christmas-lunch-letter",
                                       -1), ==, 8 + 23);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, "See https://example.com/a. And http://example.org!", -1),
                    ==, 4 + 23 + 6 + 23 + 1);
}

/* Cases from twitter-text's conformance suite for config v3 with emoji
 * parsing (conformance/validate.yml), restated here. */
static void
test_x_conformance (void)
{
  static const struct
  {
    const char *text;
    guint       weight;
  } cases[] = {
    { "This is a test.", 15 },
    { "http://test.com", 23 },
    { "https://test.com", 23 },
    { "test.com", 23 },
    { "Test https://test.com test https://test.com test.com test", 86 },
    { "A\u0301B", 2 },
    /* U+FB2C is excluded from composition: NFC splits it into three. */
    { "A\uFB2C", 4 },
    { "\U0001F637\U0001F47E\U0001F621\U0001F525\U0001F4A9", 10 },
    { "\U0001F64B\U0001F3FD\U0001F468\u200D\U0001F3A4", 4 },
    { "H\U0001F431\u263A" FAMILY, 7 },
    { "1\u20E3", 2 },
    { "Unicode 10.0 emoji: \U0001F92A; \U0001F9D5; \U0001F9D5\U0001F3FE; " FLAG_ENG, 34 },
    { "Unicode 9.0 emoji: \U0001F920; \U0001F483; \U0001F483\U0001F3FE", 29 },
    { "This is a tweet with general punctuation characters: "
      "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u200B\u200C\u200D"
      " \u2010 \u2011 \u2012 \u2013 \u2014 \u2015 \u2016  \u2017 \u2018 \u2019 \u201A \u201B"
      " \u201C \u201D \u201E \u201F \u2032 \u2033 \u2034 \u2035 \u2036 \u2037", 112 },
    /* A 64-character label is not a domain, so this is plain text. */
    { "randomurlrandomurlrandomurlrandomurlrandomurlrandomurlrandomurls.com", 68 },
    { "ABC\u202A\uFFFFABC\uFFFE", 12 },
    { "\u2066\u202Ahttp://foobar.\u067E\u0627\u06A9\u0633\u062A\u0627\u0646/\u202C\u2069", 31 },
  };
  g_autofree char *links = repeat ("https://www.twitter.com/aloha ", 10);
  g_autofree char *families = repeat (FAMILY, 140);
  g_autofree char *cjk = repeat ("\u6545", 160);
  g_autofree char *tail = repeat ("xxxxxxxxxx-", 24);
  g_autofree char *middle = g_strconcat ("285 chars- http://www.twitter.com/jack ", tail, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, cases[i].text);
      g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, cases[i].text, -1), ==, cases[i].weight);
    }

  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, links, -1), ==, 240);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, families, -1), ==, 280);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, cjk, -1), ==, 320);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, middle, -1), ==, 299);
}

static void
test_x_counts_bare_domain_and_www_as_url (void)
{
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, "See hollinsbrook.sch.uk/clubs.", -1), ==, 4 + 23 + 1);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, "bit.ly/abc", -1), ==, 23);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, "Tips at www.nhs.uk today", -1), ==, 8 + 23 + 6);
}

static void
test_x_does_not_count_email_as_url (void)
{
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, "Email office@hollinsbrook.sch.uk", -1), ==, 32);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, "Races start at 1.30pm, lunch is £2.60", -1), ==, 37);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, "See report.pdf, e.g. page 2", -1), ==, 27);
}

static void
test_mastodon_counts_url_as_23 (void)
{
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_MASTODON, "https://bit.ly/a", -1), ==, 23);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_MASTODON, "Book via https://bit.ly/3PantoGL7 now", -1), ==, 9 + 23 + 4);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_MASTODON,
                                       "Letter: https://www.hollinsbrook.sch.uk/news/2025/"
                                       "christmas-arrangements-nativity-carols-and-christmas-lunch-letter",
                                       -1), ==, 8 + 23);

  /* The server only shortens links that carry a scheme
   * (extract_url_without_protocol: false); the rest count as typed. */
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_MASTODON, "See hollinsbrook.sch.uk/clubs.", -1), ==, 30);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_MASTODON, "Tips at www.nhs.uk today", -1), ==, 24);
}

static void
test_mastodon_remote_mention (void)
{
  const char *remote = "Thanks @GL7CommFarm@farm.example.social for hosting Reception today!";

  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_MASTODON, remote, -1),
                    ==, strlen ("Thanks @GL7CommFarm for hosting Reception today!"));
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_BLUESKY, remote, -1), ==, strlen (remote));
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_MASTODON, "@head@school.example.", -1), ==, 6);

  /* Local mentions and email addresses stay as they are. */
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_MASTODON, "Thanks @GL7CommFarm!", -1), ==, 20);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_MASTODON, "Email office@hollinsbrook.sch.uk", -1), ==, 32);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_MASTODON, "a@b@c.example", -1), ==, 13);
}

static void
test_emoji (void)
{
  assert_counts ("\U0001F384", (Counts) { 2, 1, 1, 1 });
  assert_counts ("Merry Christmas! \U0001F384", (Counts) { 19, 18, 18, 18 });
  /* U+2600 with the emoji variation selector is one emoji, not 2 + 2. */
  assert_counts (SUN, (Counts) { 2, 1, 1, 2 });
  assert_counts (FAMILY, (Counts) { 2, 1, 1, 7 });
  assert_counts (THUMBS_TONE, (Counts) { 2, 1, 1, 2 });
  assert_counts (CODER_TONE, (Counts) { 2, 1, 1, 4 });
  assert_counts (RAINBOW, (Counts) { 2, 1, 1, 4 });
  assert_counts (FLAG_GB, (Counts) { 2, 1, 1, 2 });
  assert_counts (FLAG_GB FLAG_IE, (Counts) { 4, 2, 2, 4 });
  assert_counts (FLAG_ENG, (Counts) { 2, 1, 1, 7 });
  assert_counts (FLAG_SCT FLAG_WLS, (Counts) { 4, 2, 2, 14 });
  assert_counts (HANDSHAKE_TONES, (Counts) { 2, 1, 1, 7 });
  assert_counts (PLAYER_WOMAN, (Counts) { 2, 1, 1, 5 });
  assert_counts (KEYCAP_1, (Counts) { 2, 1, 1, 3 });
  assert_counts ("#\u20E3", (Counts) { 2, 1, 1, 2 });
  assert_counts (FAMILY FLAG_GB KEYCAP_1 " ok", (Counts) { 9, 6, 6, 15 });
  /* Text-style © weighs 1 on X until U+FE0F asks for the emoji. */
  assert_counts ("\u00A9 2026", (Counts) { 6, 6, 6, 6 });
  assert_counts ("\u00A9\uFE0F", (Counts) { 2, 1, 1, 2 });
}

static void
test_cjk (void)
{
  assert_counts ("\u65E5\u672C\u8A9E", (Counts) { 6, 3, 3, 3 });
  assert_counts ("\uD55C\uAD6D\uC5B4", (Counts) { 6, 3, 3, 3 });
  assert_counts ("Hi \u3053\u3093\u306B\u3061\u306F", (Counts) { 13, 8, 8, 8 });
}

static void
test_combining_marks (void)
{
  /* e + COMBINING ACUTE becomes é under NFC: one character everywhere. */
  assert_counts ("e\u0301", (Counts) { 1, 1, 1, 1 });
  assert_counts ("Cafe\u0301", (Counts) { 4, 4, 4, 4 });
  /* q with a dot above and a dot below has no precomposed form: one
   * grapheme of three code points, each weighing 1 on X. */
  assert_counts ("q\u0307\u0323", (Counts) { 3, 1, 1, 3 });
  /* Conjoining jamo compose into one Hangul syllable. */
  assert_counts ("\u1112\u1161\u11AB", (Counts) { 2, 1, 1, 1 });
  /* ANGSTROM SIGN normalises to Å, which X weighs 1 rather than 2. */
  assert_counts ("\u212B", (Counts) { 1, 1, 1, 1 });
}

static void
test_x_punctuation_weights (void)
{
  /* Curly quotes and en and em dashes are in X's light ranges. */
  assert_counts ("\u2018a\u2019 \u2013 \u201Cb\u201D \u2014 c", (Counts) { 13, 13, 13, 13 });
  assert_counts ("Harvest \u2013 it\u2019s here", (Counts) { 19, 19, 19, 19 });
  /* The ellipsis and the bullet are just outside them. */
  assert_counts ("\u2026", (Counts) { 2, 1, 1, 1 });
  assert_counts ("\u2022 Art", (Counts) { 6, 5, 5, 5 });
}

static void
test_bluesky_graphemes (void)
{
  g_autofree char *letters = repeat ("a", 300);
  g_autofree char *accents = repeat ("e\u0301", 300);
  g_autofree char *families = repeat (FAMILY, 300);
  g_autofree char *over = repeat ("q\u0307\u0323", 301);
  guint limit = cs_platform_get_limit (CS_PLATFORM_BLUESKY);

  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_BLUESKY, letters, -1), ==, limit);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_BLUESKY, accents, -1), ==, limit);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_BLUESKY, families, -1), ==, limit);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_BLUESKY, over, -1), ==, limit + 1);

  /* Links count in full. */
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_BLUESKY, "https://bit.ly/3PantoGL7", -1), ==, 24);
}

static void
test_facebook_code_points (void)
{
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_FACEBOOK, "Hello", -1), ==, 5);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_FACEBOOK, "Zo\u00EB \u00A318.50", -1), ==, 10);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_FACEBOOK, "https://bit.ly/3PantoGL7", -1), ==, 24);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_FACEBOOK, FAMILY, -1), ==, 7);
}

static void
test_grapheme_rules (void)
{
  g_assert_cmpuint (cs_count_graphemes ("", -1), ==, 0);
  g_assert_cmpuint (cs_count_graphemes ("a\r\nb", -1), ==, 3);
  g_assert_cmpuint (cs_count_graphemes ("\n\n", -1), ==, 2);
  g_assert_cmpuint (cs_count_graphemes ("e\u0301\u0302", -1), ==, 1);
  /* A mark at the very start, or after a newline, stands alone. */
  g_assert_cmpuint (cs_count_graphemes ("\u0301a", -1), ==, 2);
  g_assert_cmpuint (cs_count_graphemes ("\n\u0301", -1), ==, 2);
  /* Three regional indicators are a flag and a leftover. */
  g_assert_cmpuint (cs_count_graphemes (FLAG_GB "\U0001F1EE", -1), ==, 2);
  g_assert_cmpuint (cs_count_graphemes ("a" FLAG_GB FLAG_IE "b", -1), ==, 4);
  /* A ZWJ joins emoji, not letters. */
  g_assert_cmpuint (cs_count_graphemes ("a\u200Db", -1), ==, 2);
  g_assert_cmpuint (cs_count_graphemes ("\U0001F468\u200D", -1), ==, 1);
  g_assert_cmpuint (cs_count_graphemes (FAMILY FAMILY, -1), ==, 2);
  /* Hangul jamo without normalising: L V T is one syllable. */
  g_assert_cmpuint (cs_count_graphemes ("\u1112\u1161\u11AB\u1100", -1), ==, 2);
  /* Thai SARA AM and a spacing mark stay with their base. */
  g_assert_cmpuint (cs_count_graphemes ("\u0E01\u0E33", -1), ==, 1);
  g_assert_cmpuint (cs_count_graphemes ("\u0915\u093E", -1), ==, 1);
  /* A prepended concatenation mark holds on to what follows it. */
  g_assert_cmpuint (cs_count_graphemes ("\u06001", -1), ==, 1);
  /* Variation selectors, including the ideographic ones. */
  g_assert_cmpuint (cs_count_graphemes ("\u845B\U000E0100", -1), ==, 1);
  /* Broken UTF-8 counts each bad byte once and does not read past @len. */
  g_assert_cmpuint (cs_count_graphemes ("ab\xff\xfe", -1), ==, 4);
  g_assert_cmpuint (cs_count_graphemes ("\xe2\x80", 2), ==, 2);
}

static void
test_invalid_utf8 (void)
{
  /* Every byte of a broken sequence becomes one U+FFFD, as GLib's
   * g_utf8_make_valid() repairs it. */
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_FACEBOOK, "ab\xff", -1), ==, 3);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, "ab\xff", -1), ==, 4);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_BLUESKY, "\xf0\x9f\x8e", -1), ==, 3);
}

static void
test_short_link_goes_over (void)
{
  /* 278 characters as typed, but the 11-character link counts 23. */
  const char *post =
    "Year 6 leavers' hoodies can now be ordered online. They are navy with the school "
    "crest on the front and every child's first name on the back. Sizes run from age "
    "9-10 to adult medium, and each hoodie costs \u00A318.50. Please order by Friday 13th "
    "March: bit.ly/hb26 Thank you so much!";

  g_assert_cmpuint (g_utf8_strlen (post, -1), ==, 278);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, post, -1), ==, 290);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, post, -1), >, cs_platform_get_limit (CS_PLATFORM_X));
}

static void
test_long_link_fits (void)
{
  /* 292 characters as typed, but the 119-character link counts 23. */
  const char *post =
    "Our summer fair letter is now on the website, with the rota for stalls, the tombola "
    "rules and the plan for the car park on the day. Please read it before Friday: "
    "https://www.hollinsbrook.sch.uk/news/2026/summer-fair-letter-stall-rota-tombola-rules-"
    "and-car-parking-plan-for-families Thank you!";

  g_assert_cmpuint (g_utf8_strlen (post, -1), ==, 292);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, post, -1), ==, 196);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, post, -1), <=, cs_platform_get_limit (CS_PLATFORM_X));
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_MASTODON, post, -1), ==, 196);
  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_BLUESKY, post, -1), ==, 292);
}

static void
test_nfc_only_where_needed (void)
{
  /* A long text with one decomposed letter in the middle: only that spot
   * changes, and nothing around it is lost or doubled. */
  g_autofree char *before = repeat ("Caf\u00E9 \u2013 \U0001F384 ", 200);
  g_autofree char *text = g_strconcat (before, "Zoe\u0308 ", before, NULL);
  g_autofree char *composed = g_strconcat (before, "Zo\u00EB ", before, NULL);

  for (guint i = 0; i < CS_N_PLATFORMS; i++)
    g_assert_cmpuint (cs_platform_count (i, text, -1), ==, cs_platform_count (i, composed, -1));

  g_assert_cmpuint (cs_platform_count (CS_PLATFORM_FACEBOOK, composed, -1), ==, 2 * 200 * 9 + 4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/platform/names", test_names);
  g_test_add_func ("/core/platform/limits", test_limits);
  g_test_add_func ("/core/platform/counts-plain-ascii", test_plain_ascii);
  g_test_add_func ("/core/platform/x-280-fits-281-does-not", test_x_limit_boundary);
  g_test_add_func ("/core/platform/x-counts-url-as-23", test_x_counts_url_as_23);
  g_test_add_func ("/core/platform/x-matches-twitter-text-conformance", test_x_conformance);
  g_test_add_func ("/core/platform/x-counts-bare-domain-and-www-as-url", test_x_counts_bare_domain_and_www_as_url);
  g_test_add_func ("/core/platform/x-does-not-count-email-as-url", test_x_does_not_count_email_as_url);
  g_test_add_func ("/core/platform/mastodon-counts-url-as-23", test_mastodon_counts_url_as_23);
  g_test_add_func ("/core/platform/mastodon-shortens-remote-mention", test_mastodon_remote_mention);
  g_test_add_func ("/core/platform/counts-emoji-sequences", test_emoji);
  g_test_add_func ("/core/platform/counts-cjk", test_cjk);
  g_test_add_func ("/core/platform/normalises-combining-marks", test_combining_marks);
  g_test_add_func ("/core/platform/x-weighs-quotes-and-dashes-1", test_x_punctuation_weights);
  g_test_add_func ("/core/platform/bluesky-counts-300-graphemes", test_bluesky_graphemes);
  g_test_add_func ("/core/platform/facebook-counts-code-points", test_facebook_code_points);
  g_test_add_func ("/core/platform/grapheme-rules", test_grapheme_rules);
  g_test_add_func ("/core/platform/survives-invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/core/platform/x-short-link-goes-over", test_short_link_goes_over);
  g_test_add_func ("/core/platform/x-long-link-fits", test_long_link_fits);
  g_test_add_func ("/core/platform/normalises-only-where-needed", test_nfc_only_where_needed);

  return g_test_run ();
}
