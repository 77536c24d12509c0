/* bench-check.c: the checker's speed beside the floor every checker pays
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reports, in one run, medians of: a full check of a newsletter with a
 * generated 2,000-pupil roster; a re-check of one paragraph of it; a bare
 * hunspell pass over the same words (the floor: any checker must at least
 * spell-check every word); and loading a 5,000-row roster. Speed is judged
 * by the ratios, not by absolute times, which vary from machine to machine.
 */

#include <stdio.h>
#include <string.h>

#include <hunspell.h>

#include "cs-core.h"
#include "cs-check-context-private.h"

static const char * const forenames[] = {
  "Amelia", "Oliver", "Isla", "Noah", "Ava", "Leo", "Mia", "Arthur", "Ivy", "Freddie", "Grace", "Theo",
  "Florence", "Oscar", "Willow", "George", "Evie", "Archie", "Sophia", "Henry", "Poppy", "Jack", "Lily",
  "Alfie", "Rosie", "Muhammad", "Hope", "Will", "May", "Summer", "Zoë", "Kacper", "Ayesha", "Chidi",
  "Ifeoma", "Nell", "Ruby", "Frank", "Holly", "Iris", "Seun", "Halima", "Joel", "Filip", "Harry",
};

static const char * const surnames[] = {
  "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
  "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
  "Nowak", "Okafor", "Nguyen", "Kaur", "O'Neill", "Smith-Jones", "Wiśniewska", "Hill", "Baker",
};

static char *
make_roster (guint rows)
{
  GString *csv = g_string_new ("id,forename,surname,preferred_name,class,role,photo_consent,name_consent,consent_expires\n");

  for (guint i = 0; i < rows; i++)
    g_string_append_printf (csv, "P%05u,%s,%s,,Year %u,pupil,%s,no,2027-08-31\n", i,
                            forenames[i % G_N_ELEMENTS (forenames)],
                            surnames[(i / G_N_ELEMENTS (forenames)) % G_N_ELEMENTS (surnames)],
                            1 + i % 6, i % 7 == 0 ? "no" : "yes");

  return g_string_free (csv, FALSE);
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *samples,
        guint   n)
{
  qsort (samples, n, sizeof (double), compare_double);
  return n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
}

typedef struct
{
  Hunhandle *handle;
  guint      words;
} Bare;

static void
bare_word (const char *word,
           gsize       len,
           gpointer    data)
{
  Bare *bare = data;
  char buf[256];

  if (len >= sizeof buf)
    return;
  memcpy (buf, word, len);
  buf[len] = '\0';
  Hunspell_spell (bare->handle, buf);
  bare->words++;
}

/* Each measured operation is a function of its own, so that bench/run can
 * also count its instructions with callgrind: a figure that, unlike time,
 * does not depend on what else the machine is doing. */
G_GNUC_NO_INLINE static guint
bench_full_warm (CsChecker  *checker,
                 const char *text,
                 gsize       len)
{
  g_autoptr(GPtrArray) findings = cs_checker_check (checker, text, len, CS_PLATFORM_FACEBOOK);

  return findings->len;
}

G_GNUC_NO_INLINE static void
bench_full_cold (CsChecker  *checker,
                 const char *text,
                 gsize       len)
{
  g_autoptr(GPtrArray) findings = cs_checker_check (checker, text, len, CS_PLATFORM_FACEBOOK);
}

G_GNUC_NO_INLINE static void
bench_paragraph (CsChecker  *checker,
                 const char *text,
                 gsize       len,
                 gsize       start,
                 gsize       end)
{
  g_autoptr(GPtrArray) findings = cs_checker_check_range (checker, text, len, start, end);
}

G_GNUC_NO_INLINE static void
bench_bare_pass (const char *text,
                 Bare       *bare)
{
  cs_foreach_word (text, bare_word, bare);
}

G_GNUC_NO_INLINE static void
bench_roster_load (const char *csv)
{
  g_autoptr(CsRoster) roster = cs_roster_new ();

  cs_roster_load_data (roster, csv, strlen (csv), NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *roster_csv = NULL;
  g_autofree char *big_roster = NULL;
  g_autoptr(CsPolicy) policy = cs_policy_new ();
  g_autoptr(CsRoster) roster = cs_roster_new ();
  g_autoptr(CsSpelling) spelling = NULL;
  g_autoptr(CsChecker) checker = NULL;
  const char *path = argc > 1 ? argv[1] : "../shared/bench/newsletter.txt";
  guint runs = argc > 2 ? atoi (argv[2]) : 21;
  double *full = g_new (double, runs), *bare = g_new (double, runs), *para = g_new (double, runs);
  double *cold = g_new (double, runs), *load = g_new (double, runs);
  const char *aff = "/usr/share/hunspell/en_GB.aff", *dic = "/usr/share/hunspell/en_GB.dic";
  Hunhandle *handle;
  gsize len, p_start, p_end;
  guint n_findings = 0;
  Bare b = { 0 };

  if (!g_file_get_contents (path, &text, &len, &error))
    {
      g_printerr ("bench-check: %s\n", error->message);
      return 2;
    }

  roster_csv = make_roster (2000);
  big_roster = make_roster (5000);
  if (!cs_roster_load_data (roster, roster_csv, strlen (roster_csv), &error))
    g_error ("%s", error->message);

  spelling = cs_spelling_new ("en_GB", &error);
  if (spelling == NULL)
    g_error ("%s", error->message);

  handle = Hunspell_create (aff, dic);
  b.handle = handle;

  /* A paragraph from the middle: what the composer re-checks per keystroke. */
  p_start = len / 2;
  while (p_start > 0 && text[p_start - 1] != '\n')
    p_start--;
  p_end = p_start;
  while (p_end < len && text[p_end] != '\n')
    p_end++;

  for (guint r = 0; r < runs; r++)
    {
      gint64 t0, t1;

      /* Cold: a new checker, so no spelling cache and no index. */
      {
        g_autoptr(CsSpelling) fresh = cs_spelling_new ("en_GB", NULL);
        g_autoptr(CsChecker) c = cs_checker_new (policy, roster, fresh);
        g_autoptr(GPtrArray) warm = NULL;

        /* The index is built on the first check of any text. */
        warm = cs_checker_check (c, "", 0, CS_PLATFORM_FACEBOOK);
        t0 = g_get_monotonic_time ();
        bench_full_cold (c, text, len);
        t1 = g_get_monotonic_time ();
        cold[r] = (t1 - t0) / 1000.0;
      }

      if (checker == NULL)
        {
          g_autoptr(GPtrArray) first = NULL;

          /* The first check builds the index and fills the spelling cache. */
          checker = cs_checker_new (policy, roster, spelling);
          first = cs_checker_check (checker, text, len, CS_PLATFORM_FACEBOOK);
        }

      t0 = g_get_monotonic_time ();
      n_findings = bench_full_warm (checker, text, len);
      t1 = g_get_monotonic_time ();
      full[r] = (t1 - t0) / 1000.0;

      t0 = g_get_monotonic_time ();
      bench_paragraph (checker, text, len, p_start, p_end);
      t1 = g_get_monotonic_time ();
      para[r] = (t1 - t0) / 1000.0;

      b.words = 0;
      t0 = g_get_monotonic_time ();
      bench_bare_pass (text, &b);
      t1 = g_get_monotonic_time ();
      bare[r] = (t1 - t0) / 1000.0;

      t0 = g_get_monotonic_time ();
      bench_roster_load (big_roster);
      t1 = g_get_monotonic_time ();
      load[r] = (t1 - t0) / 1000.0;
    }

  {
    double m_full = median (full, runs), m_bare = median (bare, runs), m_cold = median (cold, runs);
    double m_para = median (para, runs), m_load = median (load, runs);

    printf ("newsletter: %s (%" G_GSIZE_FORMAT " bytes, %u words), roster 2000 pupils, %u runs, %u findings\n",
            path, len, b.words, runs, n_findings);
    printf ("bare hunspell pass      median %8.3f ms\n", m_bare);
    printf ("full check (warm)       median %8.3f ms   ratio %.2fx bare\n", m_full, m_full / m_bare);
    printf ("full check (cold)       median %8.3f ms   ratio %.2fx bare\n", m_cold, m_cold / m_bare);
    printf ("paragraph re-check      median %8.3f ms   (%" G_GSIZE_FORMAT " bytes)\n", m_para, p_end - p_start);
    printf ("5000-row roster load    median %8.3f ms\n", m_load);
  }

  Hunspell_destroy (handle);
  g_free (full); g_free (bare); g_free (para); g_free (cold); g_free (load);

  return 0;
}
