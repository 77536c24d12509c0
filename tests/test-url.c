/* test-url.c: tests for finding links in post text
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "cs-url.h"

/* Returns the first link in @text as a string, or NULL when there is none. */
static char *
first_link (const char *text)
{
  gsize start;
  gsize end;

  if (!cs_url_find_next (text, strlen (text), 0, &start, &end))
    return NULL;

  g_assert_cmpuint (start, <, end);
  g_assert_cmpuint (end, <=, strlen (text));

  return g_strndup (text + start, end - start);
}

/* Collects every link in @text, separated by spaces. */
static char *
all_links (const char *text)
{
  g_autoptr(GString) links = g_string_new (NULL);
  gsize len = strlen (text);
  gsize from = 0;
  gsize start;
  gsize end;

  while (cs_url_find_next (text, len, from, &start, &end))
    {
      g_assert_cmpuint (start, >=, from);
      g_assert_cmpuint (end, >, start);

      if (links->len > 0)
        g_string_append_c (links, ' ');
      g_string_append_len (links, text + start, end - start);
      from = end;
    }

  return g_strdup (links->str);
}

static void
assert_link (const char *text,
             const char *expected)
{
  g_autofree char *link = first_link (text);

  g_assert_cmpstr (link, ==, expected);
}

static void
test_https (void)
{
  assert_link ("Book via https://bit.ly/3PantoGL7 now", "https://bit.ly/3PantoGL7");
  assert_link ("https://www.nhs.uk/live-well/", "https://www.nhs.uk/live-well/");
  assert_link ("See HTTPS://Example.COM/Path?q=1&r=2#top today",
               "HTTPS://Example.COM/Path?q=1&r=2#top");
}

static void
test_http (void)
{
  assert_link ("Old site: http://hollinsbrook.sch.uk/news/2025/", "http://hollinsbrook.sch.uk/news/2025/");
  assert_link ("http://localhost:8080/queue", "http://localhost:8080/queue");
}

static void
test_www (void)
{
  assert_link ("Tickets at www.raffleworks.co.uk/hollinsbrook-xmas today",
               "www.raffleworks.co.uk/hollinsbrook-xmas");
  /* www. marks a link even with an ending outside the built-in list. */
  assert_link ("Try www.example.xyz for more", "www.example.xyz");
}

static void
test_bare_domain (void)
{
  assert_link ("Sign-up sheets are on hollinsbrook.sch.uk/clubs.", "hollinsbrook.sch.uk/clubs");
  assert_link ("Please order by Friday: bit.ly/hbk6 Thank you", "bit.ly/hbk6");
  assert_link ("bit.ly/abc", "bit.ly/abc");
  assert_link ("Letters are on hollinsbrook.sch.uk and in book bags", "hollinsbrook.sch.uk");
  assert_link ("Visit Hollinsbrook.Sch.Uk", "Hollinsbrook.Sch.Uk");
  assert_link ("news.bbc.co.uk:443/x", "news.bbc.co.uk:443/x");
}

static void
test_trailing_punctuation (void)
{
  assert_link ("Please check hollinsbrook.sch.uk.", "hollinsbrook.sch.uk");
  assert_link ("Read https://www.raffleworks.co.uk/hollinsbrook-xmas. Prizes", "https://www.raffleworks.co.uk/hollinsbrook-xmas");
  assert_link ("(see bit.ly/abc)", "bit.ly/abc");
  assert_link ("(see https://example.com/a/b).", "https://example.com/a/b");
  assert_link ("Is it https://example.com/faq?", "https://example.com/faq");
  assert_link ("Is it example.com?", "example.com");
  assert_link ("'bit.ly/abc', she said", "bit.ly/abc");
  assert_link ("“https://example.com/a”", "https://example.com/a");
  assert_link ("Go to example.com/x; then", "example.com/x");
  assert_link ("example.com/wow!!!", "example.com/wow");
}

static void
test_balanced_paren (void)
{
  assert_link ("https://en.wikipedia.org/wiki/Hollins_(village) is old",
               "https://en.wikipedia.org/wiki/Hollins_(village)");
  assert_link ("(https://en.wikipedia.org/wiki/Hollins_(village))",
               "https://en.wikipedia.org/wiki/Hollins_(village)");
}

static void
test_skips_email (void)
{
  assert_link ("email office@hollinsbrook.sch.uk today", NULL);
  assert_link ("a.wojcik.hb@gmail.com", NULL);
  assert_link ("write to info.me@example.com", NULL);
  assert_link ("lisa.morrow84 at gmail dot com", NULL);

  /* A link after an address is still found. */
  {
    g_autofree char *links = all_links ("Email office@hollinsbrook.sch.uk or see hollinsbrook.sch.uk/contact");

    g_assert_cmpstr (links, ==, "hollinsbrook.sch.uk/contact");
  }
}

static void
test_skips_handle (void)
{
  assert_link ("thanks @AshcombePE for hosting", NULL);
  assert_link ("DM @lisam_hb", NULL);
  assert_link ("Thanks @hollinsbrook.sch.uk", NULL);
  assert_link ("#hollinsbrook.sch.uk", NULL);
}

static void
test_skips_numbers (void)
{
  assert_link ("Races start at 1.30pm on the top field", NULL);
  assert_link ("Lunches cost £2.60 a day", NULL);
  assert_link ("Sizes run from age 9-10 to adult small", NULL);
  assert_link ("born 14.11.2018, attendance 96.4%", NULL);
  assert_link ("hoodies cost £18.50.", NULL);
}

static void
test_skips_abbreviations (void)
{
  assert_link ("Bring e.g. a coat, i.e. something warm", NULL);
  assert_link ("Mr. Park and Dr. Who", NULL);
  assert_link ("Years 3 to 6. Scripts went home", NULL);
}

static void
test_skips_file_names (void)
{
  assert_link ("See the attached report.pdf for details", NULL);
  assert_link ("Open minutes.docx and photo.jpg", NULL);
}

static void
test_skips_missing_space (void)
{
  assert_link ("It was a lovely week.Be sure to come back", NULL);
  assert_link ("Thanks to everyone.To book, ring us", NULL);
}

static void
test_not_mid_word (void)
{
  assert_link ("xhttps://example.com", NULL);
  assert_link ("fooexample.com", "fooexample.com");
  assert_link ("éexample.com", NULL);
  assert_link ("file/example.com", NULL);
  assert_link ("example.comé", NULL);
}

static void
test_unicode_around (void)
{
  const char *text = "Café menu 🍰 at https://café.example.com/menü – enjoy! Ça va?";
  gsize start;
  gsize end;
  const char *expected = "https://café.example.com/menü";

  g_assert_true (cs_url_find_next (text, strlen (text), 0, &start, &end));
  g_assert_cmpuint (start, ==, strstr (text, "https://") - text);
  g_assert_cmpuint (end - start, ==, strlen (expected));
  g_assert_cmpmem (text + start, end - start, expected, strlen (expected));

  assert_link ("日本語のお知らせ https://example.com/news。次の行", "https://example.com/news");
  assert_link ("Nos vemos en bit.ly/fiesta—¡gracias!", "bit.ly/fiesta");
  assert_link ("Zoë’s page: hollinsbrook.sch.uk/zoë’s", "hollinsbrook.sch.uk/zoë");
}

static void
test_from_offset (void)
{
  const char *text = "bit.ly/a and bit.ly/b";
  gsize start;
  gsize end;

  g_assert_true (cs_url_find_next (text, strlen (text), 1, &start, &end));
  g_assert_cmpuint (start, ==, 13);
  g_assert_cmpuint (end, ==, strlen (text));

  /* Only @len bytes are looked at. */
  g_assert_false (cs_url_find_next (text, 5, 0, &start, &end));
  g_assert_false (cs_url_find_next ("", 0, 0, &start, &end));
}

static void
test_several (void)
{
  g_autofree char *links =
    all_links ("Results via @GlosJuniorChess https://www.glosjuniorchess.org.uk/results, "
               "photos on hollinsbrook.sch.uk/arts and www.nhs.uk.");

  g_assert_cmpstr (links, ==,
                   "https://www.glosjuniorchess.org.uk/results hollinsbrook.sch.uk/arts www.nhs.uk");
}

static void
test_dup_host (void)
{
  static const struct
  {
    const char *url;
    const char *host;
  } cases[] = {
    { "https://www.hollinsbrook.sch.uk/news/2025/", "hollinsbrook.sch.uk" },
    { "HTTP://News.Hollinsbrook.SCH.UK:8080/x?y#z", "news.hollinsbrook.sch.uk" },
    { "hollinsbrook.sch.uk/clubs", "hollinsbrook.sch.uk" },
    { "www.raffleworks.co.uk/hollinsbrook-xmas", "raffleworks.co.uk" },
    { "https://user:secret@bit.ly/abc", "bit.ly" },
    { "bit.ly", "bit.ly" },
    { "https://example.com./", "example.com" },
    { "https://CAFÉ.example.com/", "café.example.com" },
    { "https://[::1]:8080/", "[::1]" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *host = cs_url_dup_host (cases[i].url, -1);

      g_assert_cmpstr (host, ==, cases[i].host);
    }

  {
    g_autofree char *host = cs_url_dup_host ("https://bit.ly/abc and more", 18);

    g_assert_cmpstr (host, ==, "bit.ly");
  }

  g_assert_null (cs_url_dup_host ("https:///path", -1));
  g_assert_null (cs_url_dup_host ("", -1));
  g_assert_null (cs_url_dup_host (NULL, -1));
}

static void
test_host_in_domain (void)
{
  g_assert_true (cs_url_host_in_domain ("hollinsbrook.sch.uk", "hollinsbrook.sch.uk"));
  g_assert_true (cs_url_host_in_domain ("news.hollinsbrook.sch.uk", "hollinsbrook.sch.uk"));
  g_assert_true (cs_url_host_in_domain ("News.Hollinsbrook.Sch.Uk", "hollinsbrook.sch.uk"));
  g_assert_true (cs_url_host_in_domain ("hollinsbrook.sch.uk", "www.hollinsbrook.sch.uk"));
  g_assert_true (cs_url_host_in_domain ("hollinsbrook.sch.uk.", "hollinsbrook.sch.uk"));
  g_assert_false (cs_url_host_in_domain ("evilhollinsbrook.sch.uk", "hollinsbrook.sch.uk"));
  g_assert_false (cs_url_host_in_domain ("hollinsbrook.sch.uk.evil.com", "hollinsbrook.sch.uk"));
  g_assert_false (cs_url_host_in_domain ("sch.uk", "hollinsbrook.sch.uk"));
  g_assert_false (cs_url_host_in_domain ("raffleworks.co.uk", "hollinsbrook.sch.uk"));
  g_assert_false (cs_url_host_in_domain ("hollinsbrook.sch.uk", ""));
  g_assert_false (cs_url_host_in_domain (NULL, "hollinsbrook.sch.uk"));
}

static void
test_host_of_found_link (void)
{
  const char *text = "Our letter: https://www.hollinsbrook.sch.uk/news/letter. Raffle: www.raffleworks.co.uk/hollinsbrook-xmas";
  gsize from = 0;
  gsize start;
  gsize end;
  guint n_school = 0;
  guint n_other = 0;

  while (cs_url_find_next (text, strlen (text), from, &start, &end))
    {
      g_autofree char *host = cs_url_dup_host (text + start, end - start);

      if (cs_url_host_in_domain (host, "hollinsbrook.sch.uk"))
        n_school++;
      else
        n_other++;
      from = end;
    }

  g_assert_cmpuint (n_school, ==, 1);
  g_assert_cmpuint (n_other, ==, 1);
}

static void
test_corpus_posts (void)
{
  g_autoptr(GDir) dir = NULL;
  g_autofree char *path = NULL;
  const char *name;
  guint n_posts = 0;

  /* Every post in the shared corpus must scan cleanly, and the links
   * found must be exactly the ones a reader sees. */
  if (g_getenv ("CS_CORPUS_DIR") != NULL)
    path = g_build_filename (g_getenv ("CS_CORPUS_DIR"), "posts", NULL);
  else
    path = g_test_build_filename (G_TEST_DIST, "..", "..", "shared", "corpus", "posts", NULL);
  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    {
      g_test_skip ("the shared corpus is not next to the source tree");
      return;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      g_autofree char *text = NULL;
      g_autofree char *links = NULL;
      gsize len;

      if (!g_str_has_suffix (name, ".txt"))
        continue;

      g_assert_true (g_file_get_contents (file, &text, &len, NULL));
      links = all_links (text);
      n_posts++;

      if (g_str_equal (name, "007.txt"))
        g_assert_cmpstr (links, ==, "hollinsbrook.sch.uk");
      else if (g_str_equal (name, "011.txt"))
        g_assert_cmpstr (links, ==, "https://www.raffleworks.co.uk/hollinsbrook-xmas");
      else if (g_str_equal (name, "017.txt") || g_str_equal (name, "050.txt") ||
               g_str_equal (name, "049.txt") || g_str_equal (name, "001.txt"))
        g_assert_cmpstr (links, ==, "");
      else if (g_str_equal (name, "043.txt"))
        g_assert_cmpstr (links, ==, "https://bit.ly/3PantoGL7");
      else if (g_str_equal (name, "062.txt"))
        g_assert_cmpstr (links, ==, "bit.ly/hbk6");
    }

  g_assert_cmpuint (n_posts, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/url/finds-https", test_https);
  g_test_add_func ("/core/url/finds-http", test_http);
  g_test_add_func ("/core/url/finds-www", test_www);
  g_test_add_func ("/core/url/finds-bare-domain", test_bare_domain);
  g_test_add_func ("/core/url/drops-trailing-punctuation", test_trailing_punctuation);
  g_test_add_func ("/core/url/keeps-balanced-paren", test_balanced_paren);
  g_test_add_func ("/core/url/skips-email", test_skips_email);
  g_test_add_func ("/core/url/skips-handle", test_skips_handle);
  g_test_add_func ("/core/url/skips-numbers", test_skips_numbers);
  g_test_add_func ("/core/url/skips-abbreviations", test_skips_abbreviations);
  g_test_add_func ("/core/url/skips-file-names", test_skips_file_names);
  g_test_add_func ("/core/url/skips-missing-space", test_skips_missing_space);
  g_test_add_func ("/core/url/not-mid-word", test_not_mid_word);
  g_test_add_func ("/core/url/unicode-around", test_unicode_around);
  g_test_add_func ("/core/url/from-offset", test_from_offset);
  g_test_add_func ("/core/url/finds-several", test_several);
  g_test_add_func ("/core/url/dup-host", test_dup_host);
  g_test_add_func ("/core/url/host-in-domain", test_host_in_domain);
  g_test_add_func ("/core/url/host-of-found-link", test_host_of_found_link);
  g_test_add_func ("/core/url/corpus-posts", test_corpus_posts);

  return g_test_run ();
}
