/* bench-photos.c: the photo pipeline on 12-megapixel photos
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-photos MODEL FACES.png [RUNS]
 *
 * Makes a 12-megapixel JPEG with eight faces from FACES.png (four enlarged
 * copies of it on a noisy background, as a phone photo of a group would
 * be), then reports medians of:
 *   - load, find faces, blur them, encode: the work every photo costs;
 *   - the whole check as the app runs it: faces and text read (tesseract),
 *     then the redaction with its second look for faces;
 *   - Debian's facedetect (OpenCV's Haar cascades in Python) on the same
 *     file, when it is installed: the peer;
 * and, in a child process of its own, the peak memory of checking and
 * redacting four such photos at once on four threads.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "cs-core.h"
#include "cs-files-private.h"
#include "cs-face-detector.h"
#include "cs-photo-analyser.h"

#define WIDTH  4000
#define HEIGHT 3000

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *samples)
{
  g_array_sort (samples, compare_double);
  return g_array_index (samples, double, samples->len / 2);
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}

/* Draws @src enlarged @factor times (bilinear) at @ox, @oy of @dest. */
static void
paste_enlarged (CsImage       *dest,
                const CsImage *src,
                int            factor,
                int            ox,
                int            oy)
{
  int sw = cs_image_get_width (src), sh = cs_image_get_height (src);
  const guint8 *s = cs_image_peek_data (src);
  gsize ss = cs_image_get_stride (src);
  guint8 *d = cs_image_get_data (dest);
  gsize ds = cs_image_get_stride (dest);

  for (int y = 0; y < sh * factor && oy + y < HEIGHT; y++)
    {
      double fy = (y + 0.5) / factor - 0.5;
      int y0 = CLAMP ((int) fy, 0, sh - 1), y1 = MIN (y0 + 1, sh - 1);
      double wy = CLAMP (fy - y0, 0.0, 1.0);

      for (int x = 0; x < sw * factor && ox + x < WIDTH; x++)
        {
          double fx = (x + 0.5) / factor - 0.5;
          int x0 = CLAMP ((int) fx, 0, sw - 1), x1 = MIN (x0 + 1, sw - 1);
          double wx = CLAMP (fx - x0, 0.0, 1.0);

          for (int c = 0; c < 3; c++)
            {
              double top = s[y0 * ss + x0 * 3 + c] * (1 - wx) + s[y0 * ss + x1 * 3 + c] * wx;
              double bottom = s[y1 * ss + x0 * 3 + c] * (1 - wx) + s[y1 * ss + x1 * 3 + c] * wx;

              d[(oy + y) * ds + (ox + x) * 3 + c] = (guint8) (top * (1 - wy) + bottom * wy + 0.5);
            }
        }
    }
}

static char *
make_photo (const char *faces_path,
            const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsImage) faces = cs_image_load (faces_path, &error);
  g_autoptr(CsImage) photo = cs_image_new (WIDTH, HEIGHT);
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  char *path = g_build_filename (dir, "group-12mp.jpg", NULL);
  guint8 *d = cs_image_get_data (photo);
  gsize ds = cs_image_get_stride (photo);

  if (faces == NULL)
    g_error ("%s", error->message);

  /* A background with gradients and sensor noise, so that the JPEG is as
   * large as a real one and the encoder does real work. */
  for (int y = 0; y < HEIGHT; y++)
    for (int x = 0; x < WIDTH; x++)
      {
        int n = g_rand_int_range (rand, -6, 7);

        d[y * ds + x * 3 + 0] = CLAMP (60 + x / 40 + n, 0, 255);
        d[y * ds + x * 3 + 1] = CLAMP (90 + y / 30 + n, 0, 255);
        d[y * ds + x * 3 + 2] = CLAMP (120 + (x + y) / 80 + n, 0, 255);
      }

  for (int row = 0; row < 2; row++)
    for (int col = 0; col < 2; col++)
      paste_enlarged (photo, faces, 3, 60 + col * 1960, 40 + row * 1480);

  if (!cs_image_save_jpeg (photo, path, 92, &error))
    g_error ("%s", error->message);

  return path;
}

/* Load, find faces, blur them, encode: the pipeline's own work. @parts
 * gets the four steps' times. */
static double
run_basic (CsFaceDetector *detector,
           const char     *path,
           guint          *n_faces,
           double          parts[4])
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time (), t;
  g_autoptr(CsImage) image = cs_image_load (path, &error);
  g_autoptr(GArray) faces = NULL;
  g_autoptr(GBytes) jpeg = NULL;

  g_assert_no_error (error);
  parts[0] = seconds_since (start);
  t = g_get_monotonic_time ();
  faces = cs_face_detector_detect (detector, image, CS_FACE_DETECTOR_THRESHOLD, NULL, &error);
  g_assert_no_error (error);
  parts[1] = seconds_since (t);
  t = g_get_monotonic_time ();
  for (guint i = 0; i < faces->len; i++)
    {
      CsRect cover;

      cs_face_cover_rect (&g_array_index (faces, CsFace, i), &cover);
      cs_image_redact (image, &cover);
    }
  parts[2] = seconds_since (t);
  t = g_get_monotonic_time ();
  jpeg = cs_image_encode_jpeg (image, 88, &error);
  g_assert_no_error (error);
  parts[3] = seconds_since (t);

  *n_faces = faces->len;
  return seconds_since (start);
}

/* The check and the redaction as the app runs them. */
static void
run_full (CsPhotoAnalyser *analyser,
          const char      *path,
          const char      *dest,
          double          *analyse_s,
          double          *redact_s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsPhotoAnalysis) analysis = NULL;
  g_autoptr(GPtrArray) leftovers = NULL;
  g_autoptr(GDate) today = g_date_new ();
  gint64 start = g_get_monotonic_time ();

  g_date_set_time_t (today, time (NULL));
  analysis = cs_photo_analyser_analyse (analyser, path, NULL, NULL, &error);
  g_assert_no_error (error);
  *analyse_s = seconds_since (start);

  start = g_get_monotonic_time ();
  leftovers = cs_photo_analyser_redact (analyser, path, analysis->regions, NULL, today,
                                        dest, NULL, &error);
  g_assert_no_error (error);
  *redact_s = seconds_since (start);
}

static double
run_facedetect (const char *facedetect,
                const char *path)
{
  const char *argv[] = { facedetect, path, NULL };
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error))
    g_error ("%s", error->message);

  return seconds_since (start);
}

typedef struct
{
  CsPhotoAnalyser *analyser;
  char            *path;
  char            *dest;
} FourJob;

static gpointer
four_thread (gpointer data)
{
  FourJob *job = data;
  double a, r;

  run_full (job->analyser, job->path, job->dest, &a, &r);
  return NULL;
}

static long
peak_rss_mib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

/* In a process of its own, so the peak is this work's alone. */
static int
run_four (const char *model,
          const char *path,
          const char *dir)
{
  g_autoptr(CsPhotoAnalyser) analyser = cs_photo_analyser_new (model);
  GThread *threads[4];
  FourJob jobs[4];
  gint64 start;

  printf ("peak memory before: %ld MiB\n", peak_rss_mib ());
  start = g_get_monotonic_time ();
  for (int i = 0; i < 4; i++)
    {
      jobs[i].analyser = analyser;
      jobs[i].path = (char *) path;
      jobs[i].dest = g_strdup_printf ("%s/four-%d.jpg", dir, i);
      threads[i] = g_thread_new ("photo", four_thread, &jobs[i]);
    }
  for (int i = 0; i < 4; i++)
    {
      g_thread_join (threads[i]);
      g_free (jobs[i].dest);
    }
  printf ("four photos at once: %.2f s, peak memory %ld MiB (target < 800 MB)\n",
          seconds_since (start), peak_rss_mib ());
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFaceDetector) detector = NULL;
  g_autoptr(CsPhotoAnalyser) analyser = NULL;
  g_autoptr(GArray) basic = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) analyse = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) redact = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) peer = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *steps[4];
  double parts[4];
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dest = NULL;
  g_autofree char *facedetect = g_find_program_in_path ("facedetect");
  guint runs, n_faces = 0;

  if (argc == 5 && strcmp (argv[1], "--four") == 0)
    return run_four (argv[2], argv[3], argv[4]);

  if (argc < 3)
    {
      fprintf (stderr, "usage: bench-photos MODEL FACES.png [RUNS]\n");
      return 2;
    }
  runs = argc > 3 ? (guint) atoi (argv[3]) : 7;

  dir = g_dir_make_tmp ("bench-photos-XXXXXX", &error);
  g_assert_no_error (error);
  path = make_photo (argv[2], dir);
  dest = g_build_filename (dir, "redacted.jpg", NULL);

  detector = cs_face_detector_new (argv[1], &error);
  if (detector == NULL)
    g_error ("%s", error->message);
  analyser = cs_photo_analyser_new (argv[1]);

  for (int k = 0; k < 4; k++)
    steps[k] = g_array_new (FALSE, FALSE, sizeof (double));

  /* One of each first: models load, caches fill. */
  run_basic (detector, path, &n_faces, parts);
  {
    double a, r;

    run_full (analyser, path, dest, &a, &r);
  }

  /* Interleaved, so that load on the machine falls on all alike. */
  for (guint i = 0; i < runs; i++)
    {
      double t, a, r;

      t = run_basic (detector, path, &n_faces, parts);
      g_array_append_val (basic, t);
      for (int k = 0; k < 4; k++)
        g_array_append_val (steps[k], parts[k]);
      run_full (analyser, path, dest, &a, &r);
      g_array_append_val (analyse, a);
      g_array_append_val (redact, r);
      if (facedetect != NULL)
        {
          t = run_facedetect (facedetect, path);
          g_array_append_val (peer, t);
        }
    }

  printf ("12-megapixel JPEG (%d x %d, %u faces found), medians of %u runs:\n",
          WIDTH, HEIGHT, n_faces, runs);
  printf ("  load + faces + blur + encode      %7.3f s (target < 1.0 s)\n", median (basic));
  printf ("    of which load %.3f, faces %.3f, blur %.3f, encode %.3f s\n",
          median (steps[0]), median (steps[1]), median (steps[2]), median (steps[3]));
  for (int k = 0; k < 4; k++)
    g_array_unref (steps[k]);
  printf ("  full check (faces and text)       %7.3f s\n", median (analyse));
  printf ("  redaction with second look        %7.3f s\n", median (redact));
  if (facedetect != NULL)
    printf ("  Debian facedetect (peer)          %7.3f s (ours %.2fx its time)\n",
            median (peer), median (basic) / median (peer));
  else
    printf ("  Debian facedetect (peer)          not installed (apt-get install facedetect)\n");
  fflush (stdout);

  {
    const char *child[] = { argv[0], "--four", argv[1], path, dir, NULL };
    int status;

    if (!g_spawn_sync (NULL, (char **) child, NULL, G_SPAWN_CHILD_INHERITS_STDIN,
                       NULL, NULL, NULL, NULL, &status, &error))
      g_error ("%s", error->message);
  }

  cs_delete_path (dir, NULL);

  return 0;
}
