/* test-text-reader.c: tests for reading the words in a photo with tesseract
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The photos are certificates rendered by data/certificates/make-certificates.py
 * (invented names) and warped as a phone sees them: flat, held at an angle,
 * and small on a busy wall. certificates.json there gives each name's box.
 */

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cs-check-context-private.h"
#include "cs-test-image-private.h"
#include "cs-text-reader.h"

static CsTextReader *reader;

static char *
data_path (const char *name)
{
#ifdef TEST_DATA_DIR
  return g_build_filename (TEST_DATA_DIR, "certificates", name, NULL);
#else
  return g_test_build_filename (G_TEST_DIST, "data", "certificates", name, NULL);
#endif
}

static CsTestImage *
load_photo (const char *name)
{
  g_autofree char *path = data_path (name);
  g_autoptr(GError) error = NULL;
  CsTestImage *image = cs_test_image_load (path, &error);

  g_assert_no_error (error);
  return image;
}

/* The name printed on @file and its ink box, from certificates.json. */
static void
expected_name (const char  *file,
               char       **name,
               CsRect      *box)
{
  g_autofree char *path = data_path ("certificates.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *images;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  images = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "images");

  for (guint i = 0; i < json_array_get_length (images); i++)
    {
      JsonObject *image = json_array_get_object_element (images, i);
      JsonObject *entry;
      JsonArray *b;

      if (g_strcmp0 (json_object_get_string_member (image, "file"), file) != 0)
        continue;

      entry = json_array_get_object_element (json_object_get_array_member (image, "names"), 0);
      b = json_object_get_array_member (entry, "box");
      *name = g_strdup (json_object_get_string_member (entry, "text"));
      *box = (CsRect) { json_array_get_double_element (b, 0), json_array_get_double_element (b, 1),
                        json_array_get_double_element (b, 2), json_array_get_double_element (b, 3) };
      return;
    }

  g_assert_not_reached ();
}

/* Optimal string alignment distance, enough for one slip in a long name. */
static guint
distance (const char *a,
          const char *b)
{
  gsize n = strlen (a), m = strlen (b);
  g_autofree guint *d = g_new0 (guint, (n + 1) * (m + 1));

#define D(i, j) d[(i) * (m + 1) + (j)]
  for (gsize i = 0; i <= n; i++)
    D (i, 0) = i;
  for (gsize j = 0; j <= m; j++)
    D (0, j) = j;
  for (gsize i = 1; i <= n; i++)
    for (gsize j = 1; j <= m; j++)
      {
        D (i, j) = MIN (MIN (D (i - 1, j) + 1, D (i, j - 1) + 1), D (i - 1, j - 1) + (a[i - 1] != b[j - 1]));
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
          D (i, j) = MIN (D (i, j), D (i - 2, j - 2) + 1);
      }

  return D (n, m);
#undef D
}

static gboolean
inside (const CsRect *r,
        const CsRect *box,
        double        slack)
{
  double cx = r->x + r->w / 2, cy = r->y + r->h / 2;

  return cx >= box->x - slack && cx <= box->x + box->w + slack &&
         cy >= box->y - slack && cy <= box->y + box->h + slack;
}

/* Every word of @name was read, allowing one slip in words of four or more
 * letters, with its box on the name's ink, and all on one line. */
static void
assert_name_read (GPtrArray    *words,
                  const char   *name,
                  const CsRect *box,
                  double        scale)
{
  g_auto(GStrv) parts = g_strsplit (name, " ", -1);
  CsRect scaled = { box->x * scale, box->y * scale, box->w * scale, box->h * scale };
  gint64 line = -1;

  for (guint p = 0; parts[p] != NULL; p++)
    {
      g_autofree char *want = cs_fold_word (parts[p], -1);
      const CsTextWord *found = NULL;

      for (guint i = 0; i < words->len && found == NULL; i++)
        {
          const CsTextWord *word = g_ptr_array_index (words, i);
          g_autofree char *got = cs_fold_word (word->text, -1);

          g_strstrip (g_strdelimit (got, ".,!?\"'", ' '));
          if (distance (want, got) <= (strlen (want) >= 4 ? 1 : 0) &&
              inside (&word->rect, &scaled, 0.1 * scaled.h))
            found = word;
        }

      if (found == NULL)
        {
          g_test_message ("'%s' was not read inside %.0f,%.0f %.0fx%.0f; the words were:",
                          parts[p], scaled.x, scaled.y, scaled.w, scaled.h);
          for (guint i = 0; i < words->len; i++)
            {
              const CsTextWord *word = g_ptr_array_index (words, i);

              g_test_message ("  '%s' at %.0f,%.0f %.0fx%.0f line %u confidence %.2f", word->text,
                              word->rect.x, word->rect.y, word->rect.w, word->rect.h,
                              word->line, word->confidence);
            }
          g_test_fail ();
          return;
        }

      g_assert_cmpfloat (found->confidence, >=, 0.0);
      g_assert_cmpfloat (found->confidence, <=, 1.0);
      /* The box is the word's, not the line's or the whole photo's. */
      g_assert_cmpfloat (found->rect.h, <, 2.5 * scaled.h);
      g_assert_cmpfloat (found->rect.w, <=, scaled.w * 1.1);
      if (line >= 0)
        g_assert_cmpint (found->line, ==, line);
      line = found->line;
    }
}

static GPtrArray *
read_photo (const CsImage *image)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *words = cs_text_reader_read (reader, image, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (words);

  return words;
}

static void
test_certificate (gconstpointer data)
{
  const char *file = data;
  g_autoptr(CsTestImage) image = load_photo (file);
  g_autoptr(GPtrArray) words = NULL;
  g_autofree char *name = NULL;
  CsRect box;
  gint64 start = g_get_monotonic_time ();

  expected_name (file, &name, &box);
  words = read_photo (cs_test_image_get (image));
  g_test_message ("%s: %u words in %.2f s", file, words->len,
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  assert_name_read (words, name, &box, 1.0);
}

/* A phone's 12-megapixel photo: read at a working size, but the boxes come
 * back in the photo's own pixels. */
static void
test_large_photo (void)
{
  g_autoptr(CsTestImage) small = load_photo ("cert-flat.jpg");
  g_autoptr(CsTestImage) large = g_new0 (CsTestImage, 1);
  g_autoptr(GPtrArray) words = NULL;
  g_autofree char *name = NULL;
  const CsImage *s = cs_test_image_get (small);
  CsImage *l = &large->image;
  const int k = 3;
  CsRect box;

  l->ref_count = 1;
  l->width = s->width * k;
  l->height = s->height * k;
  l->stride = (gsize) l->width * 3;
  l->data = g_malloc ((gsize) l->height * l->stride);
  l->orientation = 1;
  for (int y = 0; y < l->height; y++)
    for (int x = 0; x < l->width; x++)
      memcpy (l->data + y * l->stride + x * 3, s->data + (y / k) * s->stride + (x / k) * 3, 3);

  expected_name ("cert-flat.jpg", &name, &box);
  words = read_photo (l);
  assert_name_read (words, name, &box, k);
}

static void
test_blank (void)
{
  g_autoptr(CsTestImage) image = g_new0 (CsTestImage, 1);
  g_autoptr(GPtrArray) words = NULL;

  image->image.ref_count = 1;
  image->image.width = 640;
  image->image.height = 480;
  image->image.stride = 640 * 3 + 8;
  image->image.data = g_malloc ((gsize) 480 * image->image.stride);
  image->image.orientation = 1;
  memset (image->image.data, 0xf0, (gsize) 480 * image->image.stride);

  words = read_photo (&image->image);
  g_assert_cmpuint (words->len, ==, 0);
}

static void
test_cancelled_before (void)
{
  g_autoptr(CsTestImage) image = load_photo ("cert-flat.jpg");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) words = NULL;

  g_cancellable_cancel (cancellable);
  words = cs_text_reader_read (reader, cs_test_image_get (image), cancellable, &error);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (words);
}

static gpointer
cancel_later_cb (gpointer data)
{
  g_usleep (200 * 1000);
  g_cancellable_cancel (data);

  return NULL;
}

static void
test_cancelled_during (void)
{
  g_autoptr(CsTestImage) image = load_photo ("cert-small.jpg");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) words = NULL;
  GThread *canceller;
  gint64 start = g_get_monotonic_time ();

  /* Cancel from another thread while tesseract is at work. */
  canceller = g_thread_new ("canceller", cancel_later_cb, cancellable);
  words = cs_text_reader_read (reader, cs_test_image_get (image), cancellable, &error);
  g_thread_join (canceller);
  g_test_message ("returned after %.2f s", (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  /* A machine fast enough to read the photo within 0.2 s proves nothing. */
  if (words != NULL)
    {
      g_test_skip ("the photo was read before the cancel arrived");
      return;
    }
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

typedef struct
{
  const CsImage *image;
  GPtrArray     *words;
} ThreadJob;

static gpointer
thread_read_cb (gpointer data)
{
  ThreadJob *job = data;

  job->words = read_photo (job->image);
  return NULL;
}

static void
test_threads (void)
{
  const char *files[] = { "cert-flat.jpg", "cert-angled.jpg", "cert-small.jpg" };
  CsTestImage *images[G_N_ELEMENTS (files)];
  ThreadJob jobs[G_N_ELEMENTS (files)];
  GThread *threads[G_N_ELEMENTS (files)];

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      images[i] = load_photo (files[i]);
      jobs[i] = (ThreadJob) { cs_test_image_get (images[i]), NULL };
      threads[i] = g_thread_new ("reader", thread_read_cb, &jobs[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *name = NULL;
      CsRect box;

      g_thread_join (threads[i]);
      expected_name (files[i], &name, &box);
      assert_name_read (jobs[i].words, name, &box, 1.0);
      g_ptr_array_unref (jobs[i].words);
      cs_test_image_free (images[i]);
    }
}

static void
test_missing_data (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cs-tessdata-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsTextReader) missing = cs_text_reader_new (dir, &error);

  g_assert_null (missing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  /* The message says what the IT technician must install. */
  g_assert_nonnull (strstr (error->message, "tesseract-ocr-eng"));
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  reader = cs_text_reader_new (NULL, &error);
  g_assert_no_error (error);

  g_test_add_data_func ("/vision/text-reader/flat", "cert-flat.jpg", test_certificate);
  g_test_add_data_func ("/vision/text-reader/angled", "cert-angled.jpg", test_certificate);
  g_test_add_data_func ("/vision/text-reader/small-on-busy-wall", "cert-small.jpg", test_certificate);
  g_test_add_func ("/vision/text-reader/large-photo", test_large_photo);
  g_test_add_func ("/vision/text-reader/blank", test_blank);
  g_test_add_func ("/vision/text-reader/cancelled-before", test_cancelled_before);
  g_test_add_func ("/vision/text-reader/cancelled-during", test_cancelled_during);
  g_test_add_func ("/vision/text-reader/threads", test_threads);
  g_test_add_func ("/vision/text-reader/missing-data", test_missing_data);

  status = g_test_run ();
  cs_text_reader_free (reader);

  return status;
}
