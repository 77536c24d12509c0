/* test-photo-analyser.c: tests for finding faces and names in a photo and hiding them
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * These run the real detector and OCR on real pictures, so they assert
 * where things are found and what happens to the pixels, not the exact
 * numbers either model gives.
 */

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cs-face-detector.h"
#include "cs-photo-analyser.h"
#include "cs-roster.h"

#define TWO_PLAYERS TEST_DATA_DIR "/faces/two-players.png"
#define CERT_FLAT   TEST_DATA_DIR "/certificates/cert-flat.jpg"

/* Where the faces in two-players.png are, by eye. */
static const CsRect left_face = { 72, 91, 33, 44 };
static const CsRect right_face = { 510, 58, 43, 67 };
/* The name line of cert-flat.jpg, from certificates.json. */
static const CsRect cert_name = { 338.9, 417.7, 746.0, 65.6 };

/* A patch of wall far from both faces and their covers. */
static const CsRect far_away = { 260, 360, 80, 60 };

/* Consent as it stands on 1 October 2026 (the tests' "today"). */
static const char roster_csv[] =
  "id,forename,surname,preferred_name,class,role,photo_consent,name_consent,consent_expires\n"
  "P1,Ada,Quill,,Year 2,pupil,yes,no,2030-08-31\n"
  "P2,Bram,Stokes,,Year 2,pupil,no,no,\n"
  "P3,Cleo,North,,Year 3,pupil,never,no,\n"
  "P4,Dev,Patel,,Year 3,pupil,yes,no,2024-08-31\n";

static gboolean
need_model (void)
{
  if (CS_TEST_FACE_MODEL[0] == '\0')
    {
      g_test_skip ("No face model was configured (-Dface_model)");
      return FALSE;
    }

  return TRUE;
}

static GPtrArray *
load_people (const char *csv)
{
  g_autoptr(CsRoster) roster = cs_roster_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (cs_roster_load_data (roster, csv, strlen (csv), &error));
  g_assert_no_error (error);

  return cs_roster_dup_people (roster);
}

static char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("cs-photo-analyser-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_temp_dir (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static double
overlap (const CsRect *a,
         const CsRect *b)
{
  double w = MIN (a->x + a->w, b->x + b->w) - MAX (a->x, b->x);
  double h = MIN (a->y + a->h, b->y + b->h) - MAX (a->y, b->y);

  if (w <= 0 || h <= 0)
    return 0;

  return (w * h) / (a->w * a->h + b->w * b->h - w * h);
}

/* The region of @kind that best matches @expected, or NULL. */
static const CsPhotoRegion *
find_region (GPtrArray    *regions,
             CsRegionKind  kind,
             const CsRect *expected)
{
  const CsPhotoRegion *best = NULL;
  double best_overlap = 0;

  for (guint i = 0; i < regions->len; i++)
    {
      const CsPhotoRegion *region = g_ptr_array_index (regions, i);
      double o = overlap (&region->rect, expected);

      if (region->kind == kind && o > best_overlap)
        {
          best = region;
          best_overlap = o;
        }
    }

  return best;
}

static guint
count_kind (GPtrArray    *regions,
            CsRegionKind  kind)
{
  guint n = 0;

  for (guint i = 0; i < regions->len; i++)
    n += ((const CsPhotoRegion *) g_ptr_array_index (regions, i))->kind == kind;

  return n;
}

/* A face box must sit on the face: most of it over what a person would
 * mark, whatever margin the model draws. */
static void
assert_face_at (GPtrArray    *regions,
                const CsRect *expected,
                double        min_score)
{
  const CsPhotoRegion *face = find_region (regions, CS_REGION_FACE, expected);
  double cx, cy;

  g_assert_nonnull (face);
  g_test_message ("face at %.0f,%.0f %.0fx%.0f score %.2f",
                  face->rect.x, face->rect.y, face->rect.w, face->rect.h, face->score);

  cx = face->rect.x + face->rect.w / 2;
  cy = face->rect.y + face->rect.h / 2;
  g_assert_cmpfloat (cx, >, expected->x);
  g_assert_cmpfloat (cx, <, expected->x + expected->w);
  g_assert_cmpfloat (cy, >, expected->y);
  g_assert_cmpfloat (cy, <, expected->y + expected->h);
  g_assert_cmpfloat (overlap (&face->rect, expected), >=, 0.4);
  g_assert_cmpfloat (face->score, >=, min_score);
  g_assert_cmpfloat (face->score, <=, 1.0);
}

/* A box around @face as wide again on every side: a second box the
 * detector draws on the same head (hair, the back of it) falls inside. */
static gboolean
near (const CsRect *rect,
      const CsRect *face)
{
  CsRect around = { face->x - face->w, face->y - face->h, 3 * face->w, 3 * face->h };

  return overlap (rect, &around) > 0;
}

/* Both faces are found, and nothing is reported anywhere else. */
static void
assert_two_faces (GPtrArray *regions,
                  double     min_score)
{
  assert_face_at (regions, &left_face, min_score);
  assert_face_at (regions, &right_face, min_score);
  g_assert_true (find_region (regions, CS_REGION_FACE, &left_face) !=
                 find_region (regions, CS_REGION_FACE, &right_face));

  for (guint i = 0; i < regions->len; i++)
    {
      const CsPhotoRegion *region = g_ptr_array_index (regions, i);

      if (region->kind == CS_REGION_FACE)
        g_assert_true (near (&region->rect, &left_face) || near (&region->rect, &right_face));
    }
}

/* Mean absolute difference per channel over @rect, on a 0-255 scale. */
static double
mean_abs_diff (const CsImage *a,
               const CsImage *b,
               const CsRect  *rect)
{
  const guint8 *pa = cs_image_peek_data (a);
  const guint8 *pb = cs_image_peek_data (b);
  int x1 = MAX (0, (int) rect->x);
  int y1 = MAX (0, (int) rect->y);
  int x2 = MIN (cs_image_get_width (a), (int) (rect->x + rect->w));
  int y2 = MIN (cs_image_get_height (a), (int) (rect->y + rect->h));
  guint64 sum = 0;
  guint64 n = 0;

  g_assert_cmpint (cs_image_get_width (a), ==, cs_image_get_width (b));
  g_assert_cmpint (cs_image_get_height (a), ==, cs_image_get_height (b));
  g_assert_cmpint (x2, >, x1);
  g_assert_cmpint (y2, >, y1);

  for (int y = y1; y < y2; y++)
    {
      const guint8 *ra = pa + y * cs_image_get_stride (a);
      const guint8 *rb = pb + y * cs_image_get_stride (b);

      for (int x = 3 * x1; x < 3 * x2; x++, n++)
        sum += ABS ((int) ra[x] - (int) rb[x]);
    }

  return (double) sum / n;
}

/* How much of @rect in @dest differs from @file: faces blurred beyond
 * recovery change by tens of levels, JPEG alone by a level or two. */
static double
change_in (const char   *file,
           const char   *dest,
           const CsRect *rect)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsImage) before = cs_image_load (file, &error);
  g_autoptr(CsImage) after = NULL;

  g_assert_no_error (error);
  after = cs_image_load (dest, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cs_image_get_format (after), ==, "jpeg");

  return mean_abs_diff (before, after, rect);
}

#define BLURRED   12.0
#define UNCHANGED  4.0

static void
test_finds_two_faces (void)
{
  g_autoptr(CsPhotoAnalyser) analyser = NULL;
  g_autoptr(CsPhotoAnalysis) analysis = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_model ())
    return;

  analyser = cs_photo_analyser_new (CS_TEST_FACE_MODEL);
  analysis = cs_photo_analyser_analyse (analyser, TWO_PLAYERS, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (analysis);

  g_assert_cmpint (analysis->width, ==, 640);
  g_assert_cmpint (analysis->height, ==, 480);
  g_assert_true (analysis->faces_checked);
  g_assert_null (analysis->warning);
  g_assert_cmpuint (count_kind (analysis->regions, CS_REGION_FACE), >=, 2);
  assert_two_faces (analysis->regions, CS_FACE_DETECTOR_THRESHOLD);

  for (guint i = 0; i < analysis->regions->len; i++)
    {
      const CsPhotoRegion *region = g_ptr_array_index (analysis->regions, i);

      /* Nothing the analyser finds is left clear or tagged: that is the
       * user's choice to make. */
      g_assert_false (region->clear);
      g_assert_null (region->tag);
    }
}

static void
test_no_model_asks_for_marking_by_hand (void)
{
  g_autoptr(CsPhotoAnalyser) analyser = cs_photo_analyser_new ("");
  g_autoptr(CsPhotoAnalyser) missing = NULL;
  g_autoptr(CsPhotoAnalysis) analysis = NULL;
  g_autoptr(GError) error = NULL;

  analysis = cs_photo_analyser_analyse (analyser, TWO_PLAYERS, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (analysis);
  g_assert_false (analysis->faces_checked);
  g_assert_cmpuint (count_kind (analysis->regions, CS_REGION_FACE), ==, 0);
  g_assert_nonnull (analysis->warning);
  g_assert_nonnull (strstr (analysis->warning, "by hand"));
  g_clear_pointer (&analysis, cs_photo_analysis_free);

  /* A model that was configured but has gone is no better than none. */
  missing = cs_photo_analyser_new (TEST_DATA_DIR "/no-such-model.onnx");
  analysis = cs_photo_analyser_analyse (missing, TWO_PLAYERS, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (analysis->faces_checked);
  g_assert_nonnull (analysis->warning);
  g_assert_nonnull (strstr (analysis->warning, "by hand"));
}

static void
test_certificate_name_is_text (void)
{
  g_autoptr(CsPhotoAnalyser) analyser = cs_photo_analyser_new ("");
  g_autoptr(CsPhotoAnalysis) analysis = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *roster_text = NULL;
  g_autoptr(GPtrArray) people = NULL;
  const CsPhotoRegion *name;
  CsRect cover;

  g_assert_true (g_file_get_contents (TEST_DATA_DIR "/certificates-roster.csv", &roster_text, NULL, &error));
  people = load_people (roster_text);

  analysis = cs_photo_analyser_analyse (analyser, CERT_FLAT, people, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (analysis->width, ==, 1400);
  g_assert_cmpint (analysis->height, ==, 1050);

  name = find_region (analysis->regions, CS_REGION_TEXT, &cert_name);
  g_assert_nonnull (name);
  g_test_message ("name “%s” (%s) at %.0f,%.0f %.0fx%.0f", name->text, name->reason,
                  name->rect.x, name->rect.y, name->rect.w, name->rect.h);
  g_assert_nonnull (name->text);
  g_assert_nonnull (strstr (name->text, "Marchetti"));
  g_assert_nonnull (name->reason);
  g_assert_false (name->clear);

  /* What is blurred must take in the whole printed name. */
  cs_photo_region_get_cover (name, analysis->width, analysis->height, &cover);
  g_assert_cmpfloat (cover.x, <=, cert_name.x);
  g_assert_cmpfloat (cover.y, <=, cert_name.y);
  g_assert_cmpfloat (cover.x + cover.w, >=, cert_name.x + cert_name.w);
  g_assert_cmpfloat (cover.y + cover.h, >=, cert_name.y + cert_name.h);
}

static void
test_corrupt_file_names_it (void)
{
  g_autoptr(CsPhotoAnalyser) analyser = cs_photo_analyser_new ("");
  g_autoptr(CsPhotoAnalysis) analysis = NULL;
  g_autoptr(GPtrArray) leftovers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *broken = g_build_filename (dir, "sports-day-broken.jpg", NULL);
  g_autofree char *dest = g_build_filename (dir, "out.jpg", NULL);
  /* A JPEG header and then rubbish, as a failed copy from a phone leaves. */
  static const guint8 junk[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00,
                                 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0 };

  g_assert_true (g_file_set_contents (broken, (const char *) junk, sizeof junk, &error));

  analysis = cs_photo_analyser_analyse (analyser, broken, NULL, NULL, &error);
  g_assert_null (analysis);
  g_assert_nonnull (error);
  g_assert_true (error->domain == CS_IMAGE_ERROR);
  g_assert_nonnull (strstr (error->message, "sports-day-broken.jpg"));
  g_clear_error (&error);

  leftovers = cs_photo_analyser_redact (analyser, broken, NULL, NULL, NULL, dest, NULL, &error);
  g_assert_null (leftovers);
  g_assert_true (error->domain == CS_IMAGE_ERROR);
  g_assert_nonnull (strstr (error->message, "sports-day-broken.jpg"));
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  analysis = cs_photo_analyser_analyse (analyser, TEST_DATA_DIR "/faces/not-there.png", NULL, NULL, &error);
  g_assert_null (analysis);
  g_assert_true (error->domain == CS_IMAGE_ERROR);
  g_assert_nonnull (strstr (error->message, "not-there.png"));

  remove_temp_dir (dir);
}

static void
test_redact_blurs_faces (void)
{
  g_autoptr(CsPhotoAnalyser) analyser = NULL;
  g_autoptr(CsPhotoAnalysis) analysis = NULL;
  g_autoptr(GPtrArray) leftovers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *dest = g_build_filename (dir, "redacted.jpg", NULL);
  g_autoptr(GDate) today = g_date_new_dmy (1, G_DATE_OCTOBER, 2026);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;

  if (!need_model ())
    return;

  g_assert_true (g_file_get_contents (TWO_PLAYERS, &before, &before_len, NULL));

  analyser = cs_photo_analyser_new (CS_TEST_FACE_MODEL);
  analysis = cs_photo_analyser_analyse (analyser, TWO_PLAYERS, NULL, NULL, &error);
  g_assert_no_error (error);

  leftovers = cs_photo_analyser_redact (analyser, TWO_PLAYERS, analysis->regions, NULL,
                                        today, dest, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (leftovers);
  /* Both faces were marked, so neither comes back as a leftover. */
  g_assert_null (find_region (leftovers, CS_REGION_FACE, &left_face));
  g_assert_null (find_region (leftovers, CS_REGION_FACE, &right_face));

  g_assert_cmpfloat (change_in (TWO_PLAYERS, dest, &left_face), >, BLURRED);
  g_assert_cmpfloat (change_in (TWO_PLAYERS, dest, &right_face), >, BLURRED);
  g_assert_cmpfloat (change_in (TWO_PLAYERS, dest, &far_away), <, UNCHANGED);

  /* The user's photo is only ever read. */
  g_assert_true (g_file_get_contents (TWO_PLAYERS, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);

  remove_temp_dir (dir);
}

/* Redacts two-players.png with both faces marked: the left one tagged
 * @tag and left clear if @clear, the right one untagged and hidden. Returns
 * how much the left face changed. */
static double
redact_left_tagged (CsPhotoAnalyser *analyser,
                    GPtrArray       *people,
                    const GDate     *today,
                    const char      *tag,
                    gboolean         clear)
{
  g_autoptr(GPtrArray) regions = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_photo_region_free);
  g_autoptr(GPtrArray) leftovers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *dest = g_build_filename (dir, "redacted.jpg", NULL);
  CsPhotoRegion *left = cs_photo_region_new (CS_REGION_FACE, &left_face, 0.9);
  double change;

  left->tag = g_strdup (tag);
  left->clear = clear;
  g_ptr_array_add (regions, left);
  g_ptr_array_add (regions, cs_photo_region_new (CS_REGION_FACE, &right_face, 0.9));

  leftovers = cs_photo_analyser_redact (analyser, TWO_PLAYERS, regions, people, today,
                                        dest, NULL, &error);
  g_assert_no_error (error);
  /* A face left clear on purpose is not a leftover, nor is a hidden one. */
  g_assert_null (find_region (leftovers, CS_REGION_FACE, &left_face));
  g_assert_null (find_region (leftovers, CS_REGION_FACE, &right_face));
  g_assert_cmpfloat (change_in (TWO_PLAYERS, dest, &right_face), >, BLURRED);

  change = change_in (TWO_PLAYERS, dest, &left_face);
  remove_temp_dir (dir);

  return change;
}

static void
test_consent_decides_what_stays_clear (void)
{
  g_autoptr(CsPhotoAnalyser) analyser = NULL;
  g_autoptr(GPtrArray) people = load_people (roster_csv);
  g_autoptr(GDate) today = g_date_new_dmy (1, G_DATE_OCTOBER, 2026);
  g_autoptr(GDate) later = g_date_new_dmy (1, G_DATE_SEPTEMBER, 2030);

  if (!need_model ())
    return;

  analyser = cs_photo_analyser_new (CS_TEST_FACE_MODEL);

  /* Consent given and in date: the one way a face stays as it was. */
  g_assert_cmpfloat (redact_left_tagged (analyser, people, today, "P1", TRUE), <, UNCHANGED);

  /* Everything else is blurred, whatever the user asked. */
  g_assert_cmpfloat (redact_left_tagged (analyser, people, today, "P1", FALSE), >, BLURRED);
  g_assert_cmpfloat (redact_left_tagged (analyser, people, today, "P2", TRUE), >, BLURRED);
  g_assert_cmpfloat (redact_left_tagged (analyser, people, today, "P3", TRUE), >, BLURRED);
  g_assert_cmpfloat (redact_left_tagged (analyser, people, today, "P4", TRUE), >, BLURRED);
  g_assert_cmpfloat (redact_left_tagged (analyser, people, today, NULL, TRUE), >, BLURRED);
  g_assert_cmpfloat (redact_left_tagged (analyser, people, today, "P99", TRUE), >, BLURRED);
  /* Consent is judged on the day given: P1's runs out on 31 August 2030. */
  g_assert_cmpfloat (redact_left_tagged (analyser, people, later, "P1", TRUE), >, BLURRED);
  /* Without the roster nobody's consent can be shown. */
  g_assert_cmpfloat (redact_left_tagged (analyser, NULL, today, "P1", TRUE), >, BLURRED);
}

static void
test_recheck_finds_deleted_face (void)
{
  g_autoptr(CsPhotoAnalyser) analyser = NULL;
  g_autoptr(CsPhotoAnalysis) analysis = NULL;
  g_autoptr(GPtrArray) leftovers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *dest = g_build_filename (dir, "redacted.jpg", NULL);

  if (!need_model ())
    return;

  analyser = cs_photo_analyser_new (CS_TEST_FACE_MODEL);
  analysis = cs_photo_analyser_analyse (analyser, TWO_PLAYERS, NULL, NULL, &error);
  g_assert_no_error (error);

  /* The user deletes the right face's box (and any other the detector drew
   * on that head), by mistake or on purpose. */
  g_assert_nonnull (find_region (analysis->regions, CS_REGION_FACE, &right_face));
  for (guint i = analysis->regions->len; i > 0; i--)
    {
      const CsPhotoRegion *region = g_ptr_array_index (analysis->regions, i - 1);

      if (near (&region->rect, &right_face))
        g_ptr_array_remove_index (analysis->regions, i - 1);
    }
  g_assert_nonnull (find_region (analysis->regions, CS_REGION_FACE, &left_face));

  leftovers = cs_photo_analyser_redact (analyser, TWO_PLAYERS, analysis->regions, NULL,
                                        NULL, dest, NULL, &error);
  g_assert_no_error (error);

  /* The lower threshold may also pick up the back of that head; what
   * matters is that the face itself comes back, and nothing already
   * hidden is reported again. */
  g_assert_cmpuint (leftovers->len, >=, 1);
  assert_face_at (leftovers, &right_face, CS_FACE_DETECTOR_RECHECK_THRESHOLD);
  for (guint i = 0; i < leftovers->len; i++)
    {
      const CsPhotoRegion *found = g_ptr_array_index (leftovers, i);

      g_test_message ("leftover at %.0f,%.0f %.0fx%.0f score %.2f",
                      found->rect.x, found->rect.y, found->rect.w, found->rect.h, found->score);
      g_assert_cmpint (found->kind, ==, CS_REGION_FACE);
      g_assert_nonnull (found->reason);
      g_assert_false (found->clear);
      g_assert_cmpfloat (overlap (&found->rect, &left_face), <, 0.1);
      g_assert_cmpfloat (change_in (TWO_PLAYERS, dest, &found->rect), >, BLURRED);
    }

  g_assert_cmpfloat (change_in (TWO_PLAYERS, dest, &left_face), >, BLURRED);
  g_assert_cmpfloat (change_in (TWO_PLAYERS, dest, &right_face), >, BLURRED);
  g_assert_cmpfloat (change_in (TWO_PLAYERS, dest, &far_away), <, UNCHANGED);

  remove_temp_dir (dir);
}

/* A camera original (12 megapixels) with the two players once, three
 * times their size. The right one is in profile: at this size the model
 * splits his head into two boxes, the face and the back of the head, each
 * scoring under the threshold, so the first look may not show him. The
 * second look after blurring, at the lower threshold, must: his face and
 * the whole of his head are blurred in what would be sent. */
static void
test_large_photo_profile_blurred (void)
{
  g_autoptr(CsPhotoAnalyser) analyser = NULL;
  g_autoptr(CsPhotoAnalysis) analysis = NULL;
  g_autoptr(GPtrArray) leftovers = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsImage) players = NULL;
  g_autoptr(CsImage) photo = NULL;
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *original = g_build_filename (dir, "IMG_4000.jpg", NULL);
  g_autofree char *dest = g_build_filename (dir, "redacted.jpg", NULL);
  const int factor = 3, ox = 60, oy = 40;
  CsRect face = { ox + right_face.x * factor, oy + right_face.y * factor,
                  right_face.w * factor, right_face.h * factor };
  CsRect head = { ox + 510 * factor, oy + 40 * factor, 100 * factor, 95 * factor };
  CsRect left = { ox + left_face.x * factor, oy + left_face.y * factor,
                  left_face.w * factor, left_face.h * factor };
  CsRect wall = { ox + far_away.x * factor, oy + far_away.y * factor,
                  far_away.w * factor, far_away.h * factor };

  if (!need_model ())
    return;

  players = cs_image_load (TWO_PLAYERS, &error);
  g_assert_no_error (error);
  photo = cs_image_new (4000, 3000);
  memset (cs_image_get_data (photo), 96, cs_image_get_stride (photo) * 3000);
  for (int y = 0; y < cs_image_get_height (players) * factor; y++)
    for (int x = 0; x < cs_image_get_width (players) * factor; x++)
      memcpy (cs_image_get_data (photo) + (oy + y) * cs_image_get_stride (photo) + 3 * (ox + x),
              cs_image_peek_data (players) + (y / factor) * cs_image_get_stride (players) + 3 * (x / factor), 3);
  g_assert_true (cs_image_save_jpeg (photo, original, 95, &error));
  g_assert_no_error (error);

  analyser = cs_photo_analyser_new (CS_TEST_FACE_MODEL);
  analysis = cs_photo_analyser_analyse (analyser, original, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_face_at (analysis->regions, &left, CS_FACE_DETECTOR_THRESHOLD);

  leftovers = cs_photo_analyser_redact (analyser, original, analysis->regions, NULL,
                                        NULL, dest, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < leftovers->len; i++)
    {
      const CsPhotoRegion *found = g_ptr_array_index (leftovers, i);

      g_test_message ("second look found %.0f,%.0f %.0fx%.0f score %.2f",
                      found->rect.x, found->rect.y, found->rect.w, found->rect.h, found->score);
    }

  g_assert_cmpfloat (change_in (original, dest, &left), >, BLURRED);
  g_assert_cmpfloat (change_in (original, dest, &face), >, BLURRED);
  g_assert_cmpfloat (change_in (original, dest, &head), >, BLURRED);
  g_assert_cmpfloat (change_in (original, dest, &wall), <, UNCHANGED);

  remove_temp_dir (dir);
}

static void
test_never_overwrites_original (void)
{
  g_autoptr(CsPhotoAnalyser) analyser = cs_photo_analyser_new ("");
  g_autoptr(GPtrArray) leftovers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *copy = g_build_filename (dir, "copy.png", NULL);
  g_autofree char *link = g_build_filename (dir, "link.png", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;

  g_assert_true (g_file_get_contents (TWO_PLAYERS, &before, &before_len, NULL));
  g_assert_true (g_file_set_contents (copy, before, before_len, NULL));
  g_assert_cmpint (symlink (copy, link), ==, 0);

  leftovers = cs_photo_analyser_redact (analyser, copy, NULL, NULL, NULL, copy, NULL, &error);
  g_assert_null (leftovers);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "copy.png"));
  g_clear_error (&error);

  /* Another way to the same file is the same file. */
  leftovers = cs_photo_analyser_redact (analyser, copy, NULL, NULL, NULL, link, NULL, &error);
  g_assert_null (leftovers);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  g_assert_true (g_file_get_contents (copy, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);

  remove_temp_dir (dir);
}

typedef struct
{
  char *out;
  int   status;
} Exiv2;

static Exiv2
run_exiv2 (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) out = NULL;
  Exiv2 result;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate (proc, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);

  /* Empty output comes back as NULL data, and g_strndup() keeps it NULL. */
  result.out = g_bytes_get_size (out) > 0 ? g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out))
                                          : g_strdup ("");
  result.status = g_subprocess_get_exit_status (proc);

  return result;
}

static void
test_output_has_no_metadata (void)
{
  g_autofree char *exiv2 = g_find_program_in_path ("exiv2");
  g_autoptr(CsPhotoAnalyser) analyser = cs_photo_analyser_new (CS_TEST_FACE_MODEL);
  g_autoptr(CsImage) image = NULL;
  g_autoptr(GPtrArray) regions = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_photo_region_free);
  g_autoptr(GPtrArray) leftovers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *tagged = g_build_filename (dir, "tagged.jpg", NULL);
  g_autofree char *dest = g_build_filename (dir, "redacted.jpg", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;
  Exiv2 run;

  if (exiv2 == NULL)
    {
      g_test_skip ("exiv2 is not installed");
      remove_temp_dir (dir);
      return;
    }

  image = cs_image_load (TWO_PLAYERS, &error);
  g_assert_no_error (error);
  g_assert_true (cs_image_save_jpeg (image, tagged, 90, &error));
  g_assert_no_error (error);

  /* What a phone and a photo manager leave behind: where, a comment, a
   * caption and a title. */
  {
    const char * const argv[] = {
      "exiv2", "-c", "Taken at Hillside Primary",
      "-M", "set Exif.GPSInfo.GPSLatitudeRef N",
      "-M", "set Exif.GPSInfo.GPSLatitude 51/1 30/1 0/1",
      "-M", "set Exif.GPSInfo.GPSLongitudeRef W",
      "-M", "set Exif.GPSInfo.GPSLongitude 0/1 7/1 0/1",
      "-M", "set Exif.Image.Artist Mrs Patel",
      "-M", "set Xmp.dc.title Year 3 sports day",
      "-M", "set Iptc.Application2.Caption Sam Jones wins the sack race",
      tagged, NULL
    };

    run = run_exiv2 (argv);
    g_assert_cmpint (run.status, ==, 0);
    g_free (run.out);
  }

  /* First prove exiv2 sees it all, so that seeing nothing later means
   * something. */
  {
    const char * const argv[] = { "exiv2", "-pa", tagged, NULL };

    run = run_exiv2 (argv);
    g_assert_nonnull (strstr (run.out, "Exif.GPSInfo.GPSLatitude"));
    g_assert_nonnull (strstr (run.out, "Xmp.dc.title"));
    g_assert_nonnull (strstr (run.out, "Iptc.Application2.Caption"));
    g_free (run.out);
  }
  {
    const char * const argv[] = { "exiv2", "-pc", tagged, NULL };

    run = run_exiv2 (argv);
    g_assert_nonnull (strstr (run.out, "Hillside"));
    g_free (run.out);
  }

  g_assert_true (g_file_get_contents (tagged, &before, &before_len, NULL));

  g_ptr_array_add (regions, cs_photo_region_new (CS_REGION_FACE, &left_face, 0.9));
  g_ptr_array_add (regions, cs_photo_region_new (CS_REGION_FACE, &right_face, 0.9));
  leftovers = cs_photo_analyser_redact (analyser, tagged, regions, NULL, NULL, dest, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (leftovers);

  {
    const char * const argv[] = { "exiv2", "-pa", dest, NULL };

    run = run_exiv2 (argv);
    g_assert_cmpstr (run.out, ==, "");
    g_free (run.out);
  }
  {
    const char * const argv[] = { "exiv2", "-pc", dest, NULL };

    run = run_exiv2 (argv);
    g_assert_cmpstr (g_strstrip (run.out), ==, "");
    g_free (run.out);
  }
  /* No segment that could hold any of it: APP1 (EXIF, XMP), APP13 (IPTC)
   * or COM. */
  {
    const char * const argv[] = { "exiv2", "-pS", dest, NULL };

    run = run_exiv2 (argv);
    g_assert_nonnull (strstr (run.out, "SOI"));
    g_assert_null (strstr (run.out, "APP1 "));
    g_assert_null (strstr (run.out, "APP13"));
    g_assert_null (strstr (run.out, "COM"));
    g_free (run.out);
  }

  /* And the tagged original is as it was. */
  g_assert_true (g_file_get_contents (tagged, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);

  remove_temp_dir (dir);
}

typedef struct
{
  GMainLoop       *loop;
  GThread         *main_thread;
  CsPhotoAnalysis *analysis;
  GPtrArray       *leftovers;
  GError          *error;
} AsyncData;

static void
analysed_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncData *data = user_data;

  g_assert_true (g_thread_self () == data->main_thread);
  data->analysis = cs_photo_analyser_analyse_finish (CS_PHOTO_ANALYSER (source), result, &data->error);
  g_main_loop_quit (data->loop);
}

static void
redacted_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncData *data = user_data;

  g_assert_true (g_thread_self () == data->main_thread);
  data->leftovers = cs_photo_analyser_redact_finish (CS_PHOTO_ANALYSER (source), result, &data->error);
  g_main_loop_quit (data->loop);
}

/* A GTask lets go of its analyser on the worker thread, a moment after the
 * callback has run on this one. Wait for that, then drop the last
 * reference here, so that the analyser (and tesseract with it) is freed on
 * this thread before the test moves on, not on a worker racing the exit. */
static void
release_analyser (CsPhotoAnalyser **analyser)
{
  for (guint i = 0; i < 10000 && g_atomic_int_get (&G_OBJECT (*analyser)->ref_count) > 1; i++)
    g_usleep (1000);

  g_assert_finalize_object (g_steal_pointer (analyser));
}

static void
async_data_clear (AsyncData *data)
{
  g_clear_pointer (&data->analysis, cs_photo_analysis_free);
  g_clear_pointer (&data->leftovers, g_ptr_array_unref);
  g_clear_error (&data->error);
}

/* A roster whose consent ends yesterday for one pupil and tomorrow for
 * another, by the local date, so that only a redact that judges consent
 * on the real today keeps exactly one face clear. */
static GPtrArray *
people_around_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *y = g_date_time_format (yesterday, "%Y-%m-%d");
  g_autofree char *t = g_date_time_format (tomorrow, "%Y-%m-%d");
  g_autofree char *csv = g_strdup_printf (
    "id,forename,surname,preferred_name,class,role,photo_consent,name_consent,consent_expires\n"
    "A1,Ada,Quill,,Year 2,pupil,yes,no,%s\n"
    "A2,Bram,Stokes,,Year 2,pupil,yes,no,%s\n", y, t);

  return load_people (csv);
}

static void
test_async (void)
{
  g_autoptr(CsPhotoAnalyser) analyser = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GPtrArray) people = people_around_today ();
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *dest = g_build_filename (dir, "redacted.jpg", NULL);
  AsyncData data = { loop, g_thread_self (), NULL, NULL, NULL };
  CsPhotoRegion *left;
  CsPhotoRegion *right;

  if (!need_model ())
    {
      remove_temp_dir (dir);
      return;
    }

  analyser = cs_photo_analyser_new (CS_TEST_FACE_MODEL);
  cs_photo_analyser_analyse_async (analyser, TWO_PLAYERS, people, NULL, analysed_cb, &data);
  g_main_loop_run (loop);
  g_assert_no_error (data.error);
  g_assert_nonnull (data.analysis);
  g_assert_true (data.analysis->faces_checked);
  assert_two_faces (data.analysis->regions, CS_FACE_DETECTOR_THRESHOLD);

  /* Both are tagged and left clear; only the pupil whose consent still
   * holds today stays so. */
  left = (CsPhotoRegion *) find_region (data.analysis->regions, CS_REGION_FACE, &left_face);
  right = (CsPhotoRegion *) find_region (data.analysis->regions, CS_REGION_FACE, &right_face);
  left->tag = g_strdup ("A2");
  left->clear = TRUE;
  right->tag = g_strdup ("A1");
  right->clear = TRUE;

  cs_photo_analyser_redact_async (analyser, TWO_PLAYERS, data.analysis->regions, people,
                                  dest, NULL, redacted_cb, &data);
  /* The analyser works on copies: changing the caller's regions now must
   * not reach the job. */
  left->clear = FALSE;
  g_main_loop_run (loop);
  g_assert_no_error (data.error);
  g_assert_nonnull (data.leftovers);
  g_assert_null (find_region (data.leftovers, CS_REGION_FACE, &left_face));

  g_assert_cmpfloat (change_in (TWO_PLAYERS, dest, &left_face), <, UNCHANGED);
  g_assert_cmpfloat (change_in (TWO_PLAYERS, dest, &right_face), >, BLURRED);

  async_data_clear (&data);
  release_analyser (&analyser);
  remove_temp_dir (dir);
}

static void
assert_cancelled (const char *model)
{
  g_autoptr(CsPhotoAnalyser) analyser = cs_photo_analyser_new (model);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(CsPhotoAnalysis) analysis = NULL;
  g_autoptr(GPtrArray) leftovers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *dest = g_build_filename (dir, "redacted.jpg", NULL);
  AsyncData data = { loop, g_thread_self (), NULL, NULL, NULL };

  g_cancellable_cancel (cancellable);

  analysis = cs_photo_analyser_analyse (analyser, TWO_PLAYERS, NULL, cancellable, &error);
  g_assert_null (analysis);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  leftovers = cs_photo_analyser_redact (analyser, TWO_PLAYERS, NULL, NULL, NULL, dest,
                                        cancellable, &error);
  g_assert_null (leftovers);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));

  cs_photo_analyser_analyse_async (analyser, TWO_PLAYERS, NULL, cancellable, analysed_cb, &data);
  g_main_loop_run (loop);
  g_assert_null (data.analysis);
  g_assert_error (data.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  async_data_clear (&data);

  cs_photo_analyser_redact_async (analyser, TWO_PLAYERS, NULL, NULL, dest, cancellable,
                                  redacted_cb, &data);
  g_main_loop_run (loop);
  g_assert_null (data.leftovers);
  g_assert_error (data.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  async_data_clear (&data);

  release_analyser (&analyser);
  remove_temp_dir (dir);
}

static void
test_cancelled (void)
{
  if (need_model ())
    assert_cancelled (CS_TEST_FACE_MODEL);
}

/* With no model, nothing slow runs that would notice by itself. */
static void
test_cancelled_without_model (void)
{
  assert_cancelled ("");
}

/* Cancelling while the work is under way, the way a window that closes
 * does, stops it with the same error. */
static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancelled_while_running (void)
{
  g_autoptr(CsPhotoAnalyser) analyser = cs_photo_analyser_new (CS_TEST_FACE_MODEL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncData data = { loop, g_thread_self (), NULL, NULL, NULL };

  /* The certificate takes OCR a good while, so the cancel lands mid-way. */
  cs_photo_analyser_analyse_async (analyser, CERT_FLAT, NULL, cancellable, analysed_cb, &data);
  g_timeout_add (50, cancel_cb, cancellable);
  g_main_loop_run (loop);
  g_assert_null (data.analysis);
  g_assert_error (data.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  async_data_clear (&data);
  release_analyser (&analyser);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/photo-analyser/finds-two-faces", test_finds_two_faces);
  g_test_add_func ("/core/photo-analyser/no-model-asks-for-marking-by-hand",
                   test_no_model_asks_for_marking_by_hand);
  g_test_add_func ("/core/photo-analyser/certificate-name-is-text", test_certificate_name_is_text);
  g_test_add_func ("/core/photo-analyser/corrupt-file-names-it", test_corrupt_file_names_it);
  g_test_add_func ("/core/photo-analyser/redact-blurs-faces", test_redact_blurs_faces);
  g_test_add_func ("/core/photo-analyser/consent-decides-what-stays-clear",
                   test_consent_decides_what_stays_clear);
  g_test_add_func ("/core/photo-analyser/recheck-finds-deleted-face", test_recheck_finds_deleted_face);
  g_test_add_func ("/core/photo-analyser/large-photo-profile-blurred", test_large_photo_profile_blurred);
  g_test_add_func ("/core/photo-analyser/output-has-no-metadata", test_output_has_no_metadata);
  g_test_add_func ("/core/photo-analyser/never-overwrites-original", test_never_overwrites_original);
  g_test_add_func ("/core/photo-analyser/async", test_async);
  g_test_add_func ("/core/photo-analyser/cancelled", test_cancelled);
  g_test_add_func ("/core/photo-analyser/cancelled-without-model", test_cancelled_without_model);
  g_test_add_func ("/core/photo-analyser/cancelled-while-running", test_cancelled_while_running);

  return g_test_run ();
}
