/* test-face-detector.c: the face detector finds faces, only faces, and fails safely
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cs-face-detector.h"

/* Where the two faces in two-players.png are, checked by eye. */
static const CsRect left_face = { 72, 91, 33, 44 };
static const CsRect right_face = { 510, 58, 43, 67 };

#define PHOTO_WIDTH  640
#define PHOTO_HEIGHT 480

static double
iou (const CsRect *a,
     const CsRect *b)
{
  double iw = MIN (a->x + a->w, b->x + b->w) - MAX (a->x, b->x);
  double ih = MIN (a->y + a->h, b->y + b->h) - MAX (a->y, b->y);

  if (iw <= 0 || ih <= 0)
    return 0;
  return iw * ih / (a->w * a->h + b->w * b->h - iw * ih);
}

/* The detector, or NULL after g_test_skip() when the build has no model:
 * a test that needs it must never pass without running. */
static CsFaceDetector *
detector_or_skip (void)
{
  g_autoptr(GError) error = NULL;
  CsFaceDetector *detector;

  if (*CS_TEST_FACE_MODEL == '\0')
    {
      g_test_skip ("no face model configured (-Dface_model)");
      return NULL;
    }

  detector = cs_face_detector_new (CS_TEST_FACE_MODEL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (detector);
  return detector;
}

static CsImage *
load_two_players (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, "faces", "two-players.png", NULL);
  CsImage *image = cs_image_load (path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (cs_image_get_width (image), ==, PHOTO_WIDTH);
  g_assert_cmpint (cs_image_get_height (image), ==, PHOTO_HEIGHT);
  return image;
}

static GArray *
detect (CsFaceDetector *detector,
        const CsImage  *image)
{
  g_autoptr(GError) error = NULL;
  GArray *faces = cs_face_detector_detect (detector, image, CS_FACE_DETECTOR_THRESHOLD,
                                           NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (faces);
  for (guint i = 0; i < faces->len; i++)
    {
      const CsFace *face = &g_array_index (faces, CsFace, i);

      g_test_message ("face at %.0f,%.0f %.0fx%.0f score %.2f",
                      face->rect.x, face->rect.y, face->rect.w, face->rect.h, face->score);
      g_assert_cmpfloat (face->score, >=, CS_FACE_DETECTOR_THRESHOLD);
      g_assert_cmpfloat (face->score, <=, 1.0);
      if (i > 0)
        g_assert_cmpfloat (face->score, <=, g_array_index (faces, CsFace, i - 1).score);
    }

  return faces;
}

/* Asserts that one of @faces boxes @expected (IoU at least 0.4). */
static void
assert_face_at (GArray       *faces,
                const CsRect *expected)
{
  double best = 0;

  for (guint i = 0; i < faces->len; i++)
    best = MAX (best, iou (&g_array_index (faces, CsFace, i).rect, expected));

  g_test_message ("best IoU with %.0f,%.0f %.0fx%.0f: %.2f",
                  expected->x, expected->y, expected->w, expected->h, best);
  g_assert_cmpfloat (best, >=, 0.4);
}

static void
test_finds_both_players (void)
{
  g_autoptr(CsFaceDetector) detector = detector_or_skip ();
  g_autoptr(CsImage) image = NULL;
  g_autoptr(GArray) faces = NULL;

  if (detector == NULL)
    return;

  image = load_two_players ();
  faces = detect (detector, image);
  assert_face_at (faces, &left_face);
  assert_face_at (faces, &right_face);
}

static void
test_no_faces_in_grey (void)
{
  g_autoptr(CsFaceDetector) detector = detector_or_skip ();
  g_autoptr(CsImage) image = NULL;
  g_autoptr(GArray) faces = NULL;

  if (detector == NULL)
    return;

  image = cs_image_new (PHOTO_WIDTH, PHOTO_HEIGHT);
  for (int y = 0; y < PHOTO_HEIGHT; y++)
    memset (cs_image_get_data (image) + y * cs_image_get_stride (image), 128, PHOTO_WIDTH * 3);

  faces = detect (detector, image);
  g_assert_cmpuint (faces->len, ==, 0);
}

static void
test_no_faces_in_text (void)
{
  g_autoptr(CsFaceDetector) detector = detector_or_skip ();
  g_autoptr(CsImage) image = NULL;
  g_autoptr(GArray) faces = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, "certificates", "cert-flat.jpg", NULL);

  if (detector == NULL)
    return;

  image = cs_image_load (path, &error);
  g_assert_no_error (error);
  faces = detect (detector, image);
  g_assert_cmpuint (faces->len, ==, 0);
}

static void
assert_tells_to_mark_by_hand (const GError *error,
                              int           code)
{
  g_assert_error (error, G_IO_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "by hand"));
}

static void
test_missing_model (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFaceDetector) detector = NULL;

  detector = cs_face_detector_new ("/nonexistent/face_detection_yunet_2023mar.onnx", &error);
  g_assert_null (detector);
  assert_tells_to_mark_by_hand (error, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "face_detection_yunet_2023mar.onnx"));
  g_clear_error (&error);

  detector = cs_face_detector_new ("", &error);
  g_assert_null (detector);
  assert_tells_to_mark_by_hand (error, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  detector = cs_face_detector_new (NULL, &error);
  g_assert_null (detector);
  assert_tells_to_mark_by_hand (error, G_IO_ERROR_NOT_FOUND);
}

static void
assert_damaged (const guint8 *bytes,
                gsize         len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFaceDetector) detector = NULL;
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("cs-face-model-XXXXXX.onnx", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, (const char *) bytes, len, &error);
  g_assert_no_error (error);

  detector = cs_face_detector_new (path, &error);
  g_unlink (path);
  g_assert_null (detector);
  assert_tells_to_mark_by_hand (error, G_IO_ERROR_INVALID_DATA);
}

static void
test_damaged_model (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint8 garbage[4096];
  g_autofree char *model = NULL;
  gsize len;

  for (gsize i = 0; i < sizeof garbage; i++)
    garbage[i] = g_rand_int_range (rand, 0, 256);
  assert_damaged (garbage, sizeof garbage);
  assert_damaged ((const guint8 *) "", 0);

  /* A download cut short: the real model's first half. */
  if (*CS_TEST_FACE_MODEL != '\0')
    {
      g_assert_true (g_file_get_contents (CS_TEST_FACE_MODEL, &model, &len, NULL));
      assert_damaged ((const guint8 *) model, len / 2);
    }
}

static void
test_cancelled (void)
{
  g_autoptr(CsFaceDetector) detector = detector_or_skip ();
  g_autoptr(CsImage) image = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) faces = NULL;

  if (detector == NULL)
    return;

  image = load_two_players ();
  g_cancellable_cancel (cancellable);
  faces = cs_face_detector_detect (detector, image, CS_FACE_DETECTOR_THRESHOLD,
                                   cancellable, &error);
  g_assert_null (faces);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

#define N_THREADS 4

typedef struct
{
  CsFaceDetector *detector;
  CsImage        *image;
} ThreadData;

static gpointer
detect_thread (gpointer user_data)
{
  ThreadData *data = user_data;

  return cs_face_detector_detect (data->detector, data->image, CS_FACE_DETECTOR_THRESHOLD,
                                  NULL, NULL);
}

static void
test_threads_agree (void)
{
  g_autoptr(CsFaceDetector) detector = detector_or_skip ();
  g_autoptr(CsImage) image = NULL;
  g_autoptr(GArray) expected = NULL;
  GThread *threads[N_THREADS];
  ThreadData data;

  if (detector == NULL)
    return;

  image = load_two_players ();
  expected = detect (detector, image);
  g_assert_cmpuint (expected->len, >=, 2);

  data.detector = detector;
  data.image = image;
  for (int i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("detect", detect_thread, &data);

  for (int i = 0; i < N_THREADS; i++)
    {
      g_autoptr(GArray) faces = g_thread_join (threads[i]);

      g_assert_nonnull (faces);
      g_assert_cmpuint (faces->len, ==, expected->len);
      for (guint j = 0; j < faces->len; j++)
        {
          const CsFace *a = &g_array_index (faces, CsFace, j);
          const CsFace *b = &g_array_index (expected, CsFace, j);

          g_assert_cmpfloat_with_epsilon (a->rect.x, b->rect.x, 1e-6);
          g_assert_cmpfloat_with_epsilon (a->rect.y, b->rect.y, 1e-6);
          g_assert_cmpfloat_with_epsilon (a->rect.w, b->rect.w, 1e-6);
          g_assert_cmpfloat_with_epsilon (a->rect.h, b->rect.h, 1e-6);
          g_assert_cmpfloat_with_epsilon (a->score, b->score, 1e-6);
        }
    }
}

/* The photo mirrored left to right, pixel by pixel. */
static CsImage *
mirror (const CsImage *image)
{
  int width = cs_image_get_width (image), height = cs_image_get_height (image);
  CsImage *out = cs_image_new (width, height);

  for (int y = 0; y < height; y++)
    {
      const guint8 *src = cs_image_peek_data (image) + y * cs_image_get_stride (image);
      guint8 *dst = cs_image_get_data (out) + y * cs_image_get_stride (out);

      for (int x = 0; x < width; x++)
        memcpy (dst + 3 * (width - 1 - x), src + 3 * x, 3);
    }
  return out;
}

static CsRect
mirror_rect (const CsRect *r)
{
  return (CsRect) { PHOTO_WIDTH - r->x - r->w, r->y, r->w, r->h };
}

static void
test_mirrored_photo (void)
{
  g_autoptr(CsFaceDetector) detector = detector_or_skip ();
  g_autoptr(CsImage) image = NULL;
  g_autoptr(CsImage) mirrored = NULL;
  g_autoptr(GArray) faces = NULL;
  CsRect left, right;

  if (detector == NULL)
    return;

  image = load_two_players ();
  mirrored = mirror (image);
  faces = detect (detector, mirrored);
  left = mirror_rect (&left_face);
  right = mirror_rect (&right_face);
  assert_face_at (faces, &left);
  assert_face_at (faces, &right);
}

/* The pixels as a camera held on its side stores them: turned a quarter
 * anticlockwise, for the viewer to turn clockwise (EXIF orientation 6). */
static CsImage *
store_sideways (const CsImage *image)
{
  int width = cs_image_get_width (image), height = cs_image_get_height (image);
  CsImage *out = cs_image_new (height, width);

  for (int r = 0; r < width; r++)
    {
      guint8 *dst = cs_image_get_data (out) + r * cs_image_get_stride (out);

      for (int c = 0; c < height; c++)
        memcpy (dst + 3 * c,
                cs_image_peek_data (image) + c * cs_image_get_stride (image) + 3 * (width - 1 - r),
                3);
    }
  return out;
}

/* A JPEG of @image whose EXIF says to show it turned by @orientation: an
 * APP1 segment holding a big-endian TIFF header and one IFD entry, placed
 * straight after the start-of-image marker. */
static GBytes *
encode_with_orientation (const CsImage *image,
                         guint8         orientation)
{
  static const guint8 exif[] = {
    0xff, 0xe1, 0x00, 0x22,                   /* APP1, 34 bytes with the length */
    'E', 'x', 'i', 'f', 0, 0,
    'M', 'M', 0x00, 0x2a, 0, 0, 0, 8,         /* TIFF header, IFD at 8 */
    0x00, 0x01,                               /* one entry */
    0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1,       /* Orientation, SHORT, count 1 */
    0x00, 0x00, 0, 0,                         /* value, set below */
    0, 0, 0, 0,                               /* no next IFD */
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = cs_image_encode_jpeg (image, 95, &error);
  GByteArray *out = g_byte_array_new ();
  const guint8 *data;
  gsize len;

  g_assert_no_error (error);
  data = g_bytes_get_data (jpeg, &len);
  g_assert_cmpuint (len, >, 2);
  g_assert_true (data[0] == 0xff && data[1] == 0xd8);

  g_byte_array_append (out, data, 2);
  g_byte_array_append (out, exif, sizeof exif);
  out->data[2 + 4 + 6 + 8 + 2 + 8 + 1] = orientation;
  g_byte_array_append (out, data + 2, len - 2);
  return g_byte_array_free_to_bytes (out);
}

static void
test_rotated_photo (void)
{
  g_autoptr(CsFaceDetector) detector = detector_or_skip ();
  g_autoptr(CsImage) image = NULL;
  g_autoptr(CsImage) sideways = NULL;
  g_autoptr(CsImage) upright = NULL;
  g_autoptr(GBytes) jpeg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) faces = NULL;

  if (detector == NULL)
    return;

  image = load_two_players ();
  sideways = store_sideways (image);
  g_assert_cmpint (cs_image_get_width (sideways), ==, PHOTO_HEIGHT);
  g_assert_cmpint (cs_image_get_height (sideways), ==, PHOTO_WIDTH);

  jpeg = encode_with_orientation (sideways, 6);
  upright = cs_image_load_bytes (jpeg, "sideways.jpg", &error);
  g_assert_no_error (error);
  g_assert_cmpint (cs_image_get_orientation (upright), ==, 6);
  g_assert_cmpint (cs_image_get_width (upright), ==, PHOTO_WIDTH);
  g_assert_cmpint (cs_image_get_height (upright), ==, PHOTO_HEIGHT);

  /* Loaded upright, the faces are where they are in the upright photo. */
  faces = detect (detector, upright);
  assert_face_at (faces, &left_face);
  assert_face_at (faces, &right_face);
}

/* @src enlarged @factor times (nearest pixel) at @ox, @oy of @dest. */
static void
paste_enlarged (CsImage       *dest,
                const CsImage *src,
                int            factor,
                int            ox,
                int            oy)
{
  for (int y = 0; y < cs_image_get_height (src) * factor; y++)
    {
      const guint8 *row = cs_image_peek_data (src) + (y / factor) * cs_image_get_stride (src);
      guint8 *out = cs_image_get_data (dest) + (oy + y) * cs_image_get_stride (dest);

      for (int x = 0; x < cs_image_get_width (src) * factor; x++)
        memcpy (out + 3 * (ox + x), row + 3 * (x / factor), 3);
    }
}

/* A camera original of a group: twelve megapixels, with the two players
 * four times over, each face some 60 to 70 pixels across. Large photos
 * take the other path (shrunk, never enlarged); every face must still be
 * found, each where it is. */
static void
test_large_photo (void)
{
  g_autoptr(CsFaceDetector) detector = detector_or_skip ();
  g_autoptr(CsImage) players = NULL;
  g_autoptr(CsImage) photo = NULL;
  g_autoptr(GArray) faces = NULL;
  const int factor = 3, width = 4000, height = 3000;

  if (detector == NULL)
    return;

  players = load_two_players ();
  photo = cs_image_new (width, height);
  memset (cs_image_get_data (photo), 96, cs_image_get_stride (photo) * height);
  for (int row = 0; row < 2; row++)
    for (int col = 0; col < 2; col++)
      paste_enlarged (photo, players, factor, 60 + col * 1960, 40 + row * 1480);

  faces = detect (detector, photo);
  g_assert_cmpuint (faces->len, ==, 8);
  for (int row = 0; row < 2; row++)
    for (int col = 0; col < 2; col++)
      {
        int ox = 60 + col * 1960, oy = 40 + row * 1480;
        CsRect left = { ox + left_face.x * factor, oy + left_face.y * factor,
                        left_face.w * factor, left_face.h * factor };
        /* The right player is in profile; at this size the model boxes
         * the back of his head rather than his face, so what is asserted
         * is that his head is found: the box lies within it. */
        CsRect head = { ox + 505 * factor, oy + 25 * factor, 110 * factor, 110 * factor };
        gboolean found = FALSE;

        assert_face_at (faces, &left);
        for (guint i = 0; i < faces->len; i++)
          {
            const CsRect *r = &g_array_index (faces, CsFace, i).rect;

            found |= r->x >= head.x && r->y >= head.y && r->x + r->w <= head.x + head.w &&
                     r->y + r->h <= head.y + head.h;
          }
        g_assert_true (found);
      }
}

static void
test_cover_grows (void)
{
  CsFace face = { { 100, 200, 40, 50 }, 0.9 };
  CsRect cover;

  cs_face_cover_rect (&face, &cover);
  g_assert_cmpfloat (cover.x, <, face.rect.x);
  g_assert_cmpfloat (cover.y, <, face.rect.y);
  g_assert_cmpfloat (cover.x + cover.w, >, face.rect.x + face.rect.w);
  g_assert_cmpfloat (cover.y + cover.h, >, face.rect.y + face.rect.h);
  /* Hair sits above the brow: more room above than below. */
  g_assert_cmpfloat (face.rect.y - cover.y, >,
                     (cover.y + cover.h) - (face.rect.y + face.rect.h));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vision/face-detector/finds-both-players", test_finds_both_players);
  g_test_add_func ("/vision/face-detector/large-photo-finds-every-face", test_large_photo);
  g_test_add_func ("/vision/face-detector/no-faces-in-grey", test_no_faces_in_grey);
  g_test_add_func ("/vision/face-detector/no-faces-in-text", test_no_faces_in_text);
  g_test_add_func ("/vision/face-detector/missing-model", test_missing_model);
  g_test_add_func ("/vision/face-detector/damaged-model", test_damaged_model);
  g_test_add_func ("/vision/face-detector/cancelled", test_cancelled);
  g_test_add_func ("/vision/face-detector/threads-agree", test_threads_agree);
  g_test_add_func ("/vision/face-detector/mirrored-photo", test_mirrored_photo);
  g_test_add_func ("/vision/face-detector/rotated-photo", test_rotated_photo);
  g_test_add_func ("/vision/face-detector/cover-grows", test_cover_grows);

  return g_test_run ();
}
