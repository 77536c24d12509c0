/* bench-composer.c: main-thread time per keystroke in the real composer window
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Loads a newsletter into the composer, with a generated 2,000-pupil
 * roster, and types into the middle of it one character at a time at a fast
 * typist's pace. For each keystroke it adds up the time the main thread
 * spends busy (the key's own work, re-drawing, and applying the checker's
 * findings when they come back from the worker thread) until the next key.
 * Run under Xvfb; bench/run does.
 */

#include "config.h"

#include <stdio.h>
#include <time.h>
#include <string.h>

#include "cs-composer-window-private.h"

#define KEY_INTERVAL_MS 60
#define WARM_UP_KEYS 10

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static char *
make_roster (const char *dir)
{
  static const char * const forenames[] = {
    "Amelia", "Oliver", "Isla", "Noah", "Ava", "Leo", "Mia", "Arthur", "Ivy", "Freddie", "Grace", "Theo",
    "Florence", "Oscar", "Willow", "George", "Evie", "Archie", "Hope", "Will", "May", "Summer", "Zoë",
  };
  static const char * const surnames[] = {
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Patel", "Robinson", "Nowak", "Okafor", "Kaur",
  };
  GString *csv = g_string_new ("id,forename,surname,preferred_name,class,role,photo_consent,name_consent,consent_expires\n");
  char *path = g_build_filename (dir, "roster.csv", NULL);

  for (guint i = 0; i < 2000; i++)
    g_string_append_printf (csv, "P%05u,%s,%s,,Year %u,pupil,yes,no,\n", i,
                            forenames[i % G_N_ELEMENTS (forenames)],
                            surnames[(i / G_N_ELEMENTS (forenames)) % G_N_ELEMENTS (surnames)], 1 + i % 6);
  g_file_set_contents (path, csv->str, csv->len, NULL);
  g_string_free (csv, TRUE);

  return path;
}

static gboolean
ready (gpointer data)
{
  CsComposerWindow *window = data;

  return cs_session_is_ready (window->session) && !cs_composer_window_is_checking (window);
}

/* Runs the main loop for @ms: the findings of a long post are shown, and
 * their rows laid out the first time, in the frames after the check that
 * found them; a person starts typing into a window already drawn. */
static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* Places for a debugger to stop when typing starts and ends. */
G_GNUC_NO_INLINE void bench_typing_started (void);
G_GNUC_NO_INLINE void bench_typing_ended (void);
G_GNUC_NO_INLINE void
bench_typing_started (void)
{
  g_atomic_int_inc (&(int) { 0 });
}

G_GNUC_NO_INLINE void
bench_typing_ended (void)
{
  g_atomic_int_inc (&(int) { 0 });
}

/* CPU time of the calling thread, in microseconds. */
static gint64
thread_cpu_usec (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Types @c as GtkTextView does for a key press, then runs the main loop until
 * the next key is due. Returns the main thread's busy time in ms (wall
 * clock), and in @cpu the CPU time the main thread spent in that busy time:
 * on a loaded machine the wall clock also counts the time other programs
 * had the core, which the CPU time does not. */
static double
type_key (GtkTextBuffer *buffer,
          char           c,
          double        *cpu)
{
  char str[2] = { c, 0 };
  gint64 next = g_get_monotonic_time () + KEY_INTERVAL_MS * 1000;
  gint64 t0 = g_get_monotonic_time ();
  gint64 c0 = thread_cpu_usec ();
  gint64 cpu_usec;
  double busy;

  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_insert_at_cursor (buffer, str, 1);
  gtk_text_buffer_end_user_action (buffer);
  busy = (g_get_monotonic_time () - t0) / 1000.0;
  cpu_usec = thread_cpu_usec () - c0;

  while (g_get_monotonic_time () < next)
    {
      gint64 s = g_get_monotonic_time ();
      gint64 sc = thread_cpu_usec ();

      if (g_main_context_iteration (NULL, FALSE))
        {
          busy += (g_get_monotonic_time () - s) / 1000.0;
          cpu_usec += thread_cpu_usec () - sc;
        }
      else
        g_usleep (500);
    }

  *cpu = cpu_usec / 1000.0;
  return busy;
}

static void
type_into (GtkTextBuffer *buffer,
           gint64        *own_usec,
           const char    *text,
           gsize          len,
           guint          keys,
           const char    *what)
{
  const char *typed = "Thank you to everyone who came along to the summer fair on Saturday afternoon. ";
  double *busy = g_new0 (double, keys);
  double *own = g_new0 (double, keys);
  double *cpu = g_new0 (double, keys);
  double ignored;
  GtkTextIter iter;
  double total = 0;
  double warm_up = 0;

  /* A new sentence at the start of a paragraph in the middle of the newsletter. */
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, g_utf8_strlen (text, len) / 2);
  gtk_text_iter_forward_line (&iter);
  gtk_text_buffer_place_cursor (buffer, &iter);

  /* The first keys pay once for the window's restyle as the focus enters
   * and typing starts; they are timed, and reported, apart. */
  for (guint k = 0; k < WARM_UP_KEYS; k++)
    warm_up = MAX (warm_up, type_key (buffer, typed[k % strlen (typed)], &ignored));

  bench_typing_started ();
  for (guint k = 0; k < keys; k++)
    {
      gint64 own0 = own_usec != NULL ? *own_usec : 0;

      busy[k] = type_key (buffer, typed[(k + WARM_UP_KEYS) % strlen (typed)], &cpu[k]);
      own[k] = own_usec != NULL ? (*own_usec - own0) / 1000.0 : 0;
      total += busy[k];
    }

  bench_typing_ended ();
  qsort (busy, keys, sizeof (double), compare_double);
  qsort (own, keys, sizeof (double), compare_double);
  qsort (cpu, keys, sizeof (double), compare_double);
  printf ("%s: all main-thread work per key (GTK layout and drawing included): median %.2f ms, p99 %.2f ms, max %.2f ms "
          "(the first %d keys, apart: worst %.1f ms)\n",
          what, busy[keys / 2], busy[keys * 99 / 100], busy[keys - 1], WARM_UP_KEYS, warm_up);
  printf ("%s: the main thread's CPU time in that work per key: median %.2f ms, p99 %.2f ms, max %.2f ms\n",
          what, cpu[keys / 2], cpu[keys * 99 / 100], cpu[keys - 1]);
  if (own_usec != NULL)
    printf ("%s: the composer's own handlers per key (text, counter, check request, applying findings): "
            "median %.3f ms, p99 %.3f ms, max %.3f ms\n", what, own[keys / 2], own[keys * 99 / 100], own[keys - 1]);

  g_free (busy);
  g_free (own);
  g_free (cpu);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *home = g_dir_make_tmp ("countersign-bench-XXXXXX", &error);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *roster = NULL;
  g_autofree char *text = NULL;
  g_autoptr(CsApplication) app = NULL;
  g_autoptr(GSettings) settings = NULL;
  CsComposerWindow *window;
  guint keys = argc > 2 ? atoi (argv[2]) : 400;
  gsize len;

  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_init ();
  adw_init ();

  if (!g_file_get_contents (argc > 1 ? argv[1] : "../shared/bench/newsletter.txt", &text, &len, &error))
    g_error ("%s", error->message);

  roster = make_roster (home);
  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "roster-file", roster);

  app = cs_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);

  window = cs_composer_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  while (!ready (window))
    g_main_context_iteration (NULL, TRUE);

  gtk_text_buffer_set_text (window->buffer, text, -1);
  while (!ready (window))
    g_main_context_iteration (NULL, TRUE);

  /* A person types with the focus in the text. */
  gtk_widget_grab_focus (GTK_WIDGET (window->text_view));
  settle (500);

  printf ("typing %u keys into the middle of a %" G_GSIZE_FORMAT "-byte newsletter, a key every %d ms, 2000-pupil roster\n",
          keys, len, KEY_INTERVAL_MS);
  type_into (window->buffer, &window->busy_usec, text, len, keys, "the composer (with live checks)");
  gtk_window_destroy (GTK_WINDOW (window));
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);

  /* The peer: a bare text view with the same text, typed into the same way. */
  {
    GtkWidget *bare = gtk_window_new ();
    GtkWidget *scrolled = gtk_scrolled_window_new ();
    GtkWidget *view = gtk_text_view_new ();

    gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
    gtk_window_set_child (GTK_WINDOW (bare), scrolled);
    gtk_window_set_default_size (GTK_WINDOW (bare), 1000, 700);
    gtk_window_present (GTK_WINDOW (bare));
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
    for (guint i = 0; i < 200; i++)
      g_main_context_iteration (NULL, FALSE);
    type_into (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), NULL, text, len, keys, "a bare GtkTextView (the peer)");
    gtk_window_destroy (GTK_WINDOW (bare));
  }

  return 0;
}
