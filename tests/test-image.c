/* test-image.c: loading, orienting, redacting and exporting photos
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Most photos here are "corners" (see tests/data/photos/make-fixtures.py):
 * 64 × 48, white, with a 16-pixel square in each corner, red top left, green
 * top right, blue bottom left, black bottom right. Any of the eight EXIF
 * orientations moves those squares somewhere different, so checking four
 * pixels tells whether a photo came out upright.
 */

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gio/gio.h>
#include <jpeglib.h>

#include "cs-image.h"

#define PHOTOS_DIR TEST_DATA_DIR "/photos"

#define CORNERS_W 64
#define CORNERS_H 48
#define BLOCK     16

/* Helpers
 * =======
 */

typedef struct
{
  guint8 b, g, r;
} Bgr;

static const Bgr RED = { 0, 0, 255 };
static const Bgr GREEN = { 0, 255, 0 };
static const Bgr BLUE = { 255, 0, 0 };
static const Bgr BLACK = { 0, 0, 0 };
static const Bgr WHITE = { 255, 255, 255 };

static Bgr
pixel_at (const CsImage *image,
          int            x,
          int            y)
{
  const guint8 *p;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, cs_image_get_width (image));
  g_assert_cmpint (y, <, cs_image_get_height (image));

  p = cs_image_peek_data (image) + y * cs_image_get_stride (image) + x * 3;
  return (Bgr) { p[0], p[1], p[2] };
}

static void
set_pixel (CsImage *image,
           int      x,
           int      y,
           Bgr      c)
{
  guint8 *p = cs_image_get_data (image) + y * cs_image_get_stride (image) + x * 3;

  p[0] = c.b;
  p[1] = c.g;
  p[2] = c.r;
}

static void
fill_rect (CsImage *image,
           int      x0,
           int      y0,
           int      w,
           int      h,
           Bgr      c)
{
  for (int y = y0; y < y0 + h; y++)
    for (int x = x0; x < x0 + w; x++)
      set_pixel (image, x, y, c);
}

#define assert_pixel(image, x, y, expected, tolerance) \
  assert_pixel_impl (image, x, y, expected, tolerance, G_STRLOC)

static void
assert_pixel_impl (const CsImage *image,
                   int            x,
                   int            y,
                   Bgr            expected,
                   int            tolerance,
                   const char    *where)
{
  Bgr got = pixel_at (image, x, y);

  if (ABS (got.b - expected.b) > tolerance ||
      ABS (got.g - expected.g) > tolerance ||
      ABS (got.r - expected.r) > tolerance)
    {
      g_autofree char *msg =
        g_strdup_printf ("%s: pixel (%d, %d) is BGR (%d, %d, %d), expected (%d, %d, %d) ± %d",
                         where, x, y, got.b, got.g, got.r,
                         expected.b, expected.g, expected.r, tolerance);
      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, msg);
    }
}

/* The corners picture, upright, within @tolerance levels (lossy formats). */
static void
assert_corners (const CsImage *image,
                int            tolerance)
{
  g_assert_cmpint (cs_image_get_width (image), ==, CORNERS_W);
  g_assert_cmpint (cs_image_get_height (image), ==, CORNERS_H);
  assert_pixel (image, 8, 8, RED, tolerance);
  assert_pixel (image, CORNERS_W - 8, 8, GREEN, tolerance);
  assert_pixel (image, 8, CORNERS_H - 8, BLUE, tolerance);
  assert_pixel (image, CORNERS_W - 8, CORNERS_H - 8, BLACK, tolerance);
  assert_pixel (image, CORNERS_W / 2, CORNERS_H / 2, WHITE, tolerance);
}

static CsImage *
load_fixture (const char *name)
{
  g_autofree char *path = g_build_filename (PHOTOS_DIR, name, NULL);
  g_autoptr(GError) error = NULL;
  CsImage *image;

  image = cs_image_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (image);

  return image;
}

static GBytes *
read_fixture (const char *name)
{
  g_autofree char *path = g_build_filename (PHOTOS_DIR, name, NULL);
  g_autoptr(GError) error = NULL;
  char *data;
  gsize len;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (data, len);
}

static GBytes *
bytes_prefix (GBytes *bytes,
              gsize   len)
{
  g_assert_cmpuint (len, <=, g_bytes_get_size (bytes));
  return g_bytes_new_from_bytes (bytes, 0, len);
}

/* A temporary folder per test, removed with everything in it. */
typedef struct
{
  char *dir;
} TmpDir;

static void
tmp_dir_setup (TmpDir        *tmp,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  tmp->dir = g_dir_make_tmp ("test-image-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
tmp_dir_teardown (TmpDir        *tmp,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (tmp->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tmp->dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_rmdir (path);
      else
        g_unlink (path);
    }
  g_rmdir (tmp->dir);
  g_free (tmp->dir);
}

static char *
write_tmp (TmpDir     *tmp,
           const char *name,
           const void *data,
           gsize       len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmp->dir, name, NULL);

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);

  return path;
}

/* Every refusal is checked the same way: the right code, and a message
 * that names the file but does not spill the folder it lives in. */
static void
assert_load_error (GError     *error,
                   int         code,
                   const char *name)
{
  g_assert_error (error, CS_IMAGE_ERROR, code);
  g_assert_nonnull (strstr (error->message, name));
  g_assert_null (strstr (error->message, "/"));
  g_test_message ("%s", error->message);
}

static void
assert_bytes_error (GBytes     *bytes,
                    const char *name,
                    int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsImage) image = cs_image_load_bytes (bytes, name, &error);

  g_assert_null (image);
  assert_load_error (error, code, name);
}

/* The corners picture drawn at any size, upright. */
static CsImage *
make_corners (int width,
              int height)
{
  CsImage *image = cs_image_new (width, height);

  fill_rect (image, 0, 0, width, height, WHITE);
  fill_rect (image, 0, 0, BLOCK, BLOCK, RED);
  fill_rect (image, width - BLOCK, 0, BLOCK, BLOCK, GREEN);
  fill_rect (image, 0, height - BLOCK, BLOCK, BLOCK, BLUE);
  fill_rect (image, width - BLOCK, height - BLOCK, BLOCK, BLOCK, BLACK);

  return image;
}

static GBytes *
encode (const CsImage *image,
        int            quality)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = cs_image_encode_jpeg (image, quality, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);

  return bytes;
}

/* JPEG structure
 * ==============
 */

static void
put_be16 (GByteArray *out,
          guint       v)
{
  guint8 b[2] = { v >> 8, v & 0xFF };

  g_byte_array_append (out, b, 2);
}

/* Puts a segment right after SOI, where EXIF and ICC segments live. */
static GBytes *
jpeg_insert_segment (GBytes       *jpeg,
                     guint8        marker,
                     const guint8 *payload,
                     gsize         len)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (jpeg, &size);
  GByteArray *out = g_byte_array_new ();
  guint8 head[2] = { 0xFF, marker };

  g_assert_cmpuint (size, >, 2);
  g_assert_cmpuint (len + 2, <=, 0xFFFF);

  g_byte_array_append (out, data, 2);
  g_byte_array_append (out, head, 2);
  put_be16 (out, len + 2);
  g_byte_array_append (out, payload, len);
  g_byte_array_append (out, data + 2, size - 2);

  return g_byte_array_free_to_bytes (out);
}

/* The markers before the first scan, plus EOI if the file ends with it.
 * Walked independently of the library, which has its own walker. */
static GArray *
jpeg_markers (GBytes *jpeg)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);
  GArray *markers = g_array_new (FALSE, FALSE, 1);
  gsize pos = 2;

  g_assert_cmpuint (len, >=, 4);
  g_assert_cmpint (data[0], ==, 0xFF);
  g_assert_cmpint (data[1], ==, 0xD8);

  while (pos + 4 <= len)
    {
      guint8 marker = data[pos + 1];
      gsize seg_len = (data[pos + 2] << 8) | data[pos + 3];

      g_assert_cmpint (data[pos], ==, 0xFF);
      g_array_append_val (markers, marker);
      if (marker == 0xDA)
        break;
      pos += 2 + seg_len;
    }

  if (data[len - 2] == 0xFF && data[len - 1] == 0xD9)
    {
      guint8 eoi = 0xD9;

      g_array_append_val (markers, eoi);
    }

  return markers;
}

static gboolean
has_marker (GArray *markers,
            guint8  marker)
{
  for (guint i = 0; i < markers->len; i++)
    if (g_array_index (markers, guint8, i) == marker)
      return TRUE;

  return FALSE;
}

/* A minimal EXIF block (TIFF) with Orientation. Some other IFD0 entries
 * come first, in either byte order, because cameras do not put
 * Orientation first and both byte orders occur in the wild. */
static GByteArray *
exif_tiff (int      orientation,
           gboolean big_endian)
{
  GByteArray *t = g_byte_array_new ();
  const guint16 tags[][3] = {
    /* tag, type (SHORT), value */
    { 0x0100, 3, 64 },            /* ImageWidth */
    { 0x0101, 3, 48 },            /* ImageLength */
    { 0x0112, 3, 0 },             /* Orientation, filled in below */
    { 0x0128, 3, 2 },             /* ResolutionUnit */
  };

  /* Everything is written through these two, in the chosen byte order. */
#define PUT16(v) G_STMT_START { guint16 _v = (v); guint8 _b[2]; \
    if (big_endian) { _b[0] = _v >> 8; _b[1] = _v & 0xFF; } \
    else { _b[0] = _v & 0xFF; _b[1] = _v >> 8; } \
    g_byte_array_append (t, _b, 2); } G_STMT_END
#define PUT32(v) G_STMT_START { guint32 _w = (v); \
    if (big_endian) { PUT16 (_w >> 16); PUT16 (_w & 0xFFFF); } \
    else { PUT16 (_w & 0xFFFF); PUT16 (_w >> 16); } } G_STMT_END

  g_byte_array_append (t, (const guint8 *) (big_endian ? "MM" : "II"), 2);
  PUT16 (42);
  PUT32 (8);
  PUT16 (G_N_ELEMENTS (tags));
  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      guint16 value = tags[i][0] == 0x0112 ? orientation : tags[i][2];

      PUT16 (tags[i][0]);
      PUT16 (tags[i][1]);
      PUT32 (1);
      /* A SHORT sits in the first two bytes of the four-byte value. */
      PUT16 (value);
      PUT16 (0);
    }
  PUT32 (0);

#undef PUT16
#undef PUT32

  return t;
}

static GBytes *
jpeg_with_orientation (GBytes   *jpeg,
                       int       orientation,
                       gboolean  big_endian)
{
  g_autoptr(GByteArray) tiff = exif_tiff (orientation, big_endian);
  g_autoptr(GByteArray) app1 = g_byte_array_new ();

  g_byte_array_append (app1, (const guint8 *) "Exif\0\0", 6);
  g_byte_array_append (app1, tiff->data, tiff->len);

  return jpeg_insert_segment (jpeg, 0xE1, app1->data, app1->len);
}

/* Basics
 * ======
 */

static void
test_new_and_copy (void)
{
  g_autoptr(CsImage) image = cs_image_new (7, 5);
  g_autoptr(CsImage) copy = NULL;
  g_autoptr(CsImage) ref = NULL;

  g_assert_cmpint (cs_image_get_width (image), ==, 7);
  g_assert_cmpint (cs_image_get_height (image), ==, 5);
  g_assert_cmpuint (cs_image_get_stride (image), >=, 7 * 3);
  g_assert_null (cs_image_get_format (image));
  g_assert_cmpint (cs_image_get_orientation (image), ==, 1);
  assert_pixel (image, 6, 4, BLACK, 0);

  set_pixel (image, 3, 2, RED);
  copy = cs_image_copy (image);
  set_pixel (image, 3, 2, GREEN);
  assert_pixel (copy, 3, 2, RED, 0);
  assert_pixel (image, 3, 2, GREEN, 0);

  ref = cs_image_ref (image);
  g_assert_true (ref == image);
}

/* Orientation
 * ===========
 */

/* Where stored pixel (sx, sy) of a W × H photo appears once turned upright
 * by EXIF orientation @o. Written from the EXIF definition of each value
 * (where row 0 and column 0 of the stored picture belong), not from how
 * the library does it. */
static void
displayed_position (int  o,
                    int  w,
                    int  h,
                    int  sx,
                    int  sy,
                    int *x,
                    int *y)
{
  switch (o)
    {
    case 1: *x = sx;         *y = sy;         break;
    case 2: *x = w - 1 - sx; *y = sy;         break;  /* row 0 top, column 0 right */
    case 3: *x = w - 1 - sx; *y = h - 1 - sy; break;  /* row 0 bottom, column 0 right */
    case 4: *x = sx;         *y = h - 1 - sy; break;  /* row 0 bottom, column 0 left */
    case 5: *x = sy;         *y = sx;         break;  /* row 0 left, column 0 top */
    case 6: *x = h - 1 - sy; *y = sx;         break;  /* row 0 right, column 0 top */
    case 7: *x = h - 1 - sy; *y = w - 1 - sx; break;  /* row 0 right, column 0 bottom */
    case 8: *x = sy;         *y = w - 1 - sx; break;  /* row 0 left, column 0 bottom */
    default: g_assert_not_reached ();
    }
}

/* A CMYK JPEG, as print software exports a poster: the inks stored
 * inverted, as Adobe's marker says, or as they are without it. */
static GBytes *
cmyk_jpeg (const CsImage *image,
           gboolean       adobe)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr err;
  unsigned char *out = NULL;
  unsigned long size = 0;
  int w = cs_image_get_width (image), h = cs_image_get_height (image);
  g_autofree guint8 *row = g_malloc ((gsize) w * 4);
  GBytes *bytes;

  cinfo.err = jpeg_std_error (&err);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &out, &size);
  cinfo.image_width = w;
  cinfo.image_height = h;
  cinfo.input_components = 4;
  cinfo.in_color_space = JCS_CMYK;
  jpeg_set_defaults (&cinfo);
  jpeg_set_colorspace (&cinfo, JCS_CMYK);
  cinfo.write_Adobe_marker = adobe;
  jpeg_set_quality (&cinfo, 95, TRUE);
  jpeg_start_compress (&cinfo, TRUE);
  for (int y = 0; y < h; y++)
    {
      const guint8 *p = cs_image_peek_data (image) + cs_image_get_stride (image) * y;
      JSAMPROW rows[1] = { row };

      for (int x = 0; x < w; x++, p += 3)
        {
          guint8 k = 255 - MAX (p[0], MAX (p[1], p[2]));
          guint8 c = k == 255 ? 0 : (guint8) ((255 - p[2] - k) * 255 / (255 - k));
          guint8 m = k == 255 ? 0 : (guint8) ((255 - p[1] - k) * 255 / (255 - k));
          guint8 ye = k == 255 ? 0 : (guint8) ((255 - p[0] - k) * 255 / (255 - k));
          guint8 inks[4] = { c, m, ye, k };

          for (int i = 0; i < 4; i++)
            row[x * 4 + i] = adobe ? 255 - inks[i] : inks[i];
        }
      jpeg_write_scanlines (&cinfo, rows, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  bytes = g_bytes_new (out, size);
  free (out);

  return bytes;
}

static void
test_cmyk_jpeg (void)
{
  g_autoptr(CsImage) corners = make_corners (CORNERS_W, CORNERS_H);

  for (int adobe = 0; adobe <= 1; adobe++)
    {
      g_autoptr(GBytes) jpeg = cmyk_jpeg (corners, adobe);
      g_autoptr(GError) error = NULL;
      g_autoptr(CsImage) image = cs_image_load_bytes (jpeg, "poster.jpg", &error);

      g_test_message ("CMYK %s Adobe's marker", adobe ? "with" : "without");
      g_assert_no_error (error);
      assert_corners (image, 12);
    }
}

static void
test_orientation_jpeg (void)
{
  g_autoptr(CsImage) stored = make_corners (CORNERS_W, CORNERS_H);
  g_autoptr(GBytes) plain = encode (stored, 95);
  const struct { int sx, sy; Bgr colour; } marks[] = {
    { 8, 8, RED },
    { CORNERS_W - 8, 8, GREEN },
    { 8, CORNERS_H - 8, BLUE },
    { CORNERS_W - 8, CORNERS_H - 8, BLACK },
  };

  for (int o = 1; o <= 8; o++)
    {
      /* Odd orientations in Motorola byte order, even in Intel. */
      g_autoptr(GBytes) jpeg = jpeg_with_orientation (plain, o, o % 2 == 1);
      g_autofree char *name = g_strdup_printf ("orientation-%d.jpg", o);
      g_autoptr(GError) error = NULL;
      g_autoptr(CsImage) image = cs_image_load_bytes (jpeg, name, &error);
      gboolean swapped = o >= 5;

      g_test_message ("orientation %d", o);
      g_assert_no_error (error);
      g_assert_cmpstr (cs_image_get_format (image), ==, "jpeg");
      g_assert_cmpint (cs_image_get_orientation (image), ==, o);
      g_assert_cmpint (cs_image_get_width (image), ==, swapped ? CORNERS_H : CORNERS_W);
      g_assert_cmpint (cs_image_get_height (image), ==, swapped ? CORNERS_W : CORNERS_H);

      for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
        {
          int x, y;

          displayed_position (o, CORNERS_W, CORNERS_H, marks[i].sx, marks[i].sy, &x, &y);
          assert_pixel (image, x, y, marks[i].colour, 24);
        }
      assert_pixel (image, cs_image_get_width (image) / 2, cs_image_get_height (image) / 2,
                    WHITE, 24);
    }
}

/* Values outside 1-8 and broken EXIF blocks mean "as stored". */
static void
test_orientation_invalid (void)
{
  g_autoptr(CsImage) stored = make_corners (CORNERS_W, CORNERS_H);
  g_autoptr(GBytes) plain = encode (stored, 95);
  const int bad_values[] = { 0, 9, 255, 0x0106 };

  for (guint i = 0; i < G_N_ELEMENTS (bad_values); i++)
    {
      g_autoptr(GBytes) jpeg = jpeg_with_orientation (plain, bad_values[i], FALSE);
      g_autoptr(GError) error = NULL;
      g_autoptr(CsImage) image = cs_image_load_bytes (jpeg, "odd.jpg", &error);

      g_assert_no_error (error);
      g_assert_cmpint (cs_image_get_orientation (image), ==, 1);
      assert_corners (image, 24);
    }

  /* An IFD offset pointing past the end, and a cut-off entry table. */
  {
    g_autoptr(GByteArray) tiff = exif_tiff (6, FALSE);
    g_autoptr(GByteArray) app1 = g_byte_array_new ();
    g_autoptr(GBytes) jpeg = NULL;
    g_autoptr(CsImage) image = NULL;
    g_autoptr(GError) error = NULL;

    tiff->data[4] = 0xF0;
    g_byte_array_append (app1, (const guint8 *) "Exif\0\0", 6);
    g_byte_array_append (app1, tiff->data, tiff->len);
    jpeg = jpeg_insert_segment (plain, 0xE1, app1->data, app1->len);
    image = cs_image_load_bytes (jpeg, "odd.jpg", &error);
    g_assert_no_error (error);
    assert_corners (image, 24);
  }
  {
    g_autoptr(GByteArray) tiff = exif_tiff (6, TRUE);
    g_autoptr(GByteArray) app1 = g_byte_array_new ();
    g_autoptr(GBytes) jpeg = NULL;
    g_autoptr(CsImage) image = NULL;
    g_autoptr(GError) error = NULL;

    g_byte_array_append (app1, (const guint8 *) "Exif\0\0", 6);
    g_byte_array_append (app1, tiff->data, 8 + 2 + 12 * 2 + 5);
    jpeg = jpeg_insert_segment (plain, 0xE1, app1->data, app1->len);
    image = cs_image_load_bytes (jpeg, "odd.jpg", &error);
    g_assert_no_error (error);
    assert_corners (image, 24);
  }
}

/* Formats
 * =======
 */

static void
test_jpeg_fixtures (void)
{
  g_autoptr(CsImage) exif3 = load_fixture ("corners-exif3.jpg");
  g_autoptr(CsImage) progressive = load_fixture ("corners-progressive.jpg");

  g_assert_cmpstr (cs_image_get_format (exif3), ==, "jpeg");
  g_assert_cmpint (cs_image_get_orientation (exif3), ==, 3);
  assert_corners (exif3, 24);
  assert_corners (progressive, 24);
}

static void
test_png_fixtures (void)
{
  g_autoptr(CsImage) plain = load_fixture ("corners.png");
  g_autoptr(CsImage) grey = load_fixture ("corners-grey.png");
  g_autoptr(CsImage) deep = load_fixture ("corners-16bit.png");
  g_autoptr(CsImage) alpha = load_fixture ("corners-alpha.png");
  g_autoptr(CsImage) grey_alpha = load_fixture ("corners-grey-alpha.png");
  g_autoptr(CsImage) palette = load_fixture ("corners-palette.png");
  g_autoptr(CsImage) exif6 = load_fixture ("corners-exif6.png");

  g_assert_cmpstr (cs_image_get_format (plain), ==, "png");
  assert_corners (plain, 0);
  assert_corners (deep, 0);

  /* Grey becomes three equal channels. */
  assert_pixel (grey, 8, 8, ((Bgr) { 0, 0, 0 }), 0);
  assert_pixel (grey, CORNERS_W - 8, 8, ((Bgr) { 85, 85, 85 }), 0);
  assert_pixel (grey, 8, CORNERS_H - 8, ((Bgr) { 170, 170, 170 }), 0);
  assert_pixel (grey, CORNERS_W - 8, CORNERS_H - 8, ((Bgr) { 40, 40, 40 }), 0);

  /* Transparent is white; half-transparent green is half green over white. */
  assert_pixel (alpha, 8, 8, WHITE, 0);
  assert_pixel (alpha, CORNERS_W - 8, 8, ((Bgr) { 127, 255, 127 }), 1);
  assert_pixel (alpha, 8, CORNERS_H - 8, BLUE, 0);
  assert_pixel (grey_alpha, CORNERS_W - 8, CORNERS_H - 8, WHITE, 0);
  assert_pixel (grey_alpha, 8, 8, ((Bgr) { 0, 0, 0 }), 0);

  /* The palette entry for black is transparent in tRNS. */
  assert_pixel (palette, 8, 8, RED, 0);
  assert_pixel (palette, CORNERS_W - 8, 8, GREEN, 0);
  assert_pixel (palette, 8, CORNERS_H - 8, BLUE, 0);
  assert_pixel (palette, CORNERS_W - 8, CORNERS_H - 8, WHITE, 0);

  /* eXIf orientation is honoured as in JPEG. */
  g_assert_cmpint (cs_image_get_orientation (exif6), ==, 6);
  assert_corners (exif6, 0);
}

static void
test_webp_fixtures (void)
{
  g_autoptr(CsImage) lossless = load_fixture ("corners.webp");
  g_autoptr(CsImage) lossy = load_fixture ("corners-lossy.webp");
  g_autoptr(CsImage) alpha = load_fixture ("corners-alpha.webp");
  g_autoptr(CsImage) exif8 = load_fixture ("corners-exif8.webp");

  g_assert_cmpstr (cs_image_get_format (lossless), ==, "webp");
  assert_corners (lossless, 0);
  assert_corners (lossy, 24);
  assert_pixel (alpha, 8, 8, WHITE, 0);
  assert_pixel (alpha, CORNERS_W - 8, 8, GREEN, 0);
  g_assert_cmpint (cs_image_get_orientation (exif8), ==, 8);
  assert_corners (exif8, 0);
}

static void
test_heic_fixtures (void)
{
  g_autoptr(CsImage) plain = load_fixture ("corners.heic");
  g_autoptr(CsImage) irot6 = load_fixture ("corners-irot6.heic");
  g_autoptr(CsImage) irot7 = load_fixture ("corners-irot7.heic");
  g_autoptr(CsImage) exif6 = load_fixture ("corners-exif6.heic");
  g_autoptr(CsImage) alpha = load_fixture ("corners-alpha.heic");

  g_assert_cmpstr (cs_image_get_format (plain), ==, "heic");
  assert_corners (plain, 24);

  /* Stored sideways with irot (and imir) boxes: libheif turns them. The
   * first also has EXIF orientation 6, as iPhones write it, which must
   * not turn the picture a second time. */
  assert_corners (irot6, 24);
  assert_corners (irot7, 24);
  g_assert_cmpint (cs_image_get_orientation (irot6), ==, 1);

  /* EXIF orientation without irot is not how HEIF turns pictures. */
  assert_corners (exif6, 24);

  assert_pixel (alpha, 8, 8, WHITE, 24);
  assert_pixel (alpha, CORNERS_W - 8, 8, GREEN, 24);
}

/* The bytes decide the format, never the name. */
static void
test_format_from_bytes (TmpDir        *tmp,
                        gconstpointer  data)
{
  g_autoptr(GBytes) png = read_fixture ("corners.png");
  g_autoptr(GBytes) webp = read_fixture ("corners.webp");
  g_autoptr(GBytes) heic = read_fixture ("corners.heic");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_tmp (tmp, "holiday.jpg", g_bytes_get_data (png, NULL),
                                     g_bytes_get_size (png));
  g_autoptr(CsImage) from_path = cs_image_load (path, &error);
  g_autoptr(CsImage) webp_as_png = NULL;
  g_autoptr(CsImage) heic_as_jpg = NULL;
  g_autoptr(CsImage) unnamed = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (cs_image_get_format (from_path), ==, "png");
  assert_corners (from_path, 0);

  webp_as_png = cs_image_load_bytes (webp, "photo.png", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cs_image_get_format (webp_as_png), ==, "webp");

  heic_as_jpg = cs_image_load_bytes (heic, "IMG_0001.JPG", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cs_image_get_format (heic_as_jpg), ==, "heic");

  unnamed = cs_image_load_bytes (png, NULL, &error);
  g_assert_no_error (error);
  assert_corners (unnamed, 0);
}

/* Colour
 * ======
 */

/* p3.* are filled with P3 (200, 60, 50); in sRGB that is about
 * (217.5, 41.6, 38.8), worked out from the two sets of primaries. All but
 * p3-nclx.heic carry an ICC profile; that one names P3 primaries in an
 * nclx box, as Android phones write it. */
static const Bgr P3_AS_SRGB = { 39, 42, 218 };
static const Bgr P3_AS_IS = { 50, 60, 200 };

static void
test_colour_p3 (void)
{
  const struct { const char *name; int tolerance; } files[] = {
    { "p3.png", 2 },
    { "p3.webp", 2 },
    { "p3.jpg", 5 },
    { "p3.heic", 6 },
    { "p3-nclx.heic", 6 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(CsImage) image = load_fixture (files[i].name);

      g_test_message ("%s", files[i].name);
      assert_pixel (image, 10, 10, P3_AS_SRGB, files[i].tolerance);
      assert_pixel (image, CORNERS_W - 10, CORNERS_H - 10, P3_AS_SRGB, files[i].tolerance);
    }
}

/* Without its profile the same JPEG is left as it is, so the change above
 * is the profile's doing. */
static void
test_colour_without_profile (void)
{
  g_autoptr(GBytes) p3 = read_fixture ("p3.jpg");
  gsize len;
  const guint8 *data = g_bytes_get_data (p3, &len);
  g_autoptr(GByteArray) stripped = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(CsImage) image = NULL;
  g_autoptr(GError) error = NULL;
  gsize pos = 2;

  g_byte_array_append (stripped, data, 2);
  while (pos + 4 <= len && data[pos + 1] != 0xDA)
    {
      gsize seg = 2 + ((data[pos + 2] << 8) | data[pos + 3]);

      if (data[pos + 1] != 0xE2)
        g_byte_array_append (stripped, data + pos, seg);
      pos += seg;
    }
  g_byte_array_append (stripped, data + pos, len - pos);
  g_assert_cmpuint (stripped->len, <, len);

  bytes = g_bytes_new (stripped->data, stripped->len);
  image = cs_image_load_bytes (bytes, "p3.jpg", &error);
  g_assert_no_error (error);
  assert_pixel (image, 10, 10, P3_AS_IS, 5);
}

/* Refusals
 * ========
 */

static void
test_error_missing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsImage) image = cs_image_load ("/nonexistent/folder/nowhere.jpg", &error);

  g_assert_null (image);
  assert_load_error (error, CS_IMAGE_ERROR_FAILED, "nowhere.jpg");
}

static void
test_error_folder (TmpDir        *tmp,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (tmp->dir, "Trip.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsImage) image = NULL;

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  image = cs_image_load (path, &error);
  g_assert_null (image);
  assert_load_error (error, CS_IMAGE_ERROR_FAILED, "Trip.jpg");
}

/* A noisy picture, so that the entropy-coded data is long and a cut can
 * land anywhere in it. */
static GBytes *
noisy_jpeg (void)
{
  g_autoptr(CsImage) image = cs_image_new (256, 192);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (int y = 0; y < 192; y++)
    for (int x = 0; x < 256; x++)
      set_pixel (image, x, y, (Bgr) { g_rand_int_range (rand, 0, 256), x, y });

  return encode (image, 90);
}

static void
test_error_truncated_jpeg (TmpDir        *tmp,
                           gconstpointer  data)
{
  g_autoptr(GBytes) jpeg = noisy_jpeg ();
  gsize len = g_bytes_get_size (jpeg);
  const gsize cuts[] = { 1, 3, 20, len / 4, len / 2, len * 9 / 10, len - 100, len - 2, len - 1 };

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autoptr(GBytes) cut = bytes_prefix (jpeg, cuts[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(CsImage) image = cs_image_load_bytes (cut, "trip.jpg", &error);

      g_test_message ("cut at %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT, cuts[i], len);
      g_assert_null (image);
      assert_load_error (error, CS_IMAGE_ERROR_CORRUPT, "trip.jpg");
    }

  /* Through a file too, and the message says what happened. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *path = write_tmp (tmp, "trip.jpg", g_bytes_get_data (jpeg, NULL), len / 2);
    g_autoptr(CsImage) image = cs_image_load (path, &error);

    g_assert_null (image);
    assert_load_error (error, CS_IMAGE_ERROR_CORRUPT, "“trip.jpg”");
    g_assert_nonnull (strstr (error->message, "ends before the picture does"));
  }

  /* The whole file still loads: the cuts above are what was refused. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CsImage) image = cs_image_load_bytes (jpeg, "trip.jpg", &error);

    g_assert_no_error (error);
    g_assert_cmpint (cs_image_get_width (image), ==, 256);
  }
}

static void
test_error_truncated_other (void)
{
  const char *names[] = { "corners.png", "corners-alpha.webp", "p3.webp", "corners.heic" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GBytes) whole = read_fixture (names[i]);
      gsize len = g_bytes_get_size (whole);
      const gsize cuts[] = { 9, len / 3, len / 2, len - 13, len - 1 };

      for (guint j = 0; j < G_N_ELEMENTS (cuts); j++)
        {
          g_autoptr(GBytes) cut = bytes_prefix (whole, cuts[j]);

          g_test_message ("%s cut at %" G_GSIZE_FORMAT, names[i], cuts[j]);
          assert_bytes_error (cut, names[i], CS_IMAGE_ERROR_CORRUPT);
        }
    }
}

/* A flipped bit in a PNG's pixel data fails its checksum. */
static void
test_error_damaged_png (void)
{
  g_autoptr(GBytes) whole = read_fixture ("corners.png");
  gsize len = g_bytes_get_size (whole);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (whole, NULL), len);
  g_autoptr(GBytes) damaged = NULL;

  /* IDAT's data starts after the signature, IHDR (25) and IDAT's header. */
  copy[8 + 25 + 8 + 10] ^= 0x10;
  damaged = g_bytes_new (copy, len);
  assert_bytes_error (damaged, "corners.png", CS_IMAGE_ERROR_CORRUPT);
}

static void
test_error_not_a_photo (TmpDir        *tmp,
                        gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  guint8 noise[4096];
  const char text[] = "Dear parents,\nSports day is on Friday. Please bring a hat.\n";
  const char gif[] = "GIF89a\x10\x00\x10\x00\x80\x00\x00";
  g_autoptr(GBytes) noise_bytes = NULL;
  g_autoptr(GBytes) text_bytes = g_bytes_new_static (text, sizeof text - 1);
  g_autoptr(GBytes) gif_bytes = g_bytes_new_static (gif, sizeof gif - 1);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = g_rand_int_range (rand, 0, 256);
  noise_bytes = g_bytes_new (noise, sizeof noise);

  /* Named as a photo, it is a damaged photo; named otherwise, it is
   * something Countersign does not open. */
  assert_bytes_error (noise_bytes, "noise.jpg", CS_IMAGE_ERROR_CORRUPT);
  assert_bytes_error (noise_bytes, "noise.bin", CS_IMAGE_ERROR_UNSUPPORTED);
  assert_bytes_error (gif_bytes, "party.gif", CS_IMAGE_ERROR_UNSUPPORTED);
  assert_bytes_error (gif_bytes, "party.jpg", CS_IMAGE_ERROR_UNSUPPORTED);
  assert_bytes_error (empty, "blank.jpg", CS_IMAGE_ERROR_CORRUPT);

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *path = write_tmp (tmp, "letter.jpg", text, sizeof text - 1);
    g_autoptr(CsImage) image = cs_image_load (path, &error);

    g_assert_null (image);
    assert_load_error (error, CS_IMAGE_ERROR_CORRUPT, "“letter.jpg”");
    g_assert_nonnull (strstr (error->message, "text"));
  }

  assert_bytes_error (text_bytes, "letter.txt", CS_IMAGE_ERROR_UNSUPPORTED);

  /* An unnamed photo still gets a sentence that reads well. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CsImage) image = cs_image_load_bytes (noise_bytes, NULL, &error);

    g_assert_null (image);
    g_assert_true (g_str_has_prefix (error->message, "This photo "));
  }
}

static void
test_error_animated_webp (void)
{
  /* VP8X with the animation flag, then ANIM: a moving picture. */
  const guint8 webp[] = {
    'R', 'I', 'F', 'F', 36, 0, 0, 0, 'W', 'E', 'B', 'P',
    'V', 'P', '8', 'X', 10, 0, 0, 0, 0x02, 0, 0, 0, 15, 0, 0, 15, 0, 0,
    'A', 'N', 'I', 'M', 6, 0, 0, 0, 255, 255, 255, 255, 0, 0,
  };
  g_autoptr(GBytes) bytes = g_bytes_new_static (webp, sizeof webp);

  assert_bytes_error (bytes, "wave.webp", CS_IMAGE_ERROR_UNSUPPORTED);
}

static void
put_be32 (GByteArray *out,
          guint32     v)
{
  guint8 b[4] = { v >> 24, (v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF };

  g_byte_array_append (out, b, 4);
}

/* PNG's CRC-32 over a chunk's type and data, bit by bit: slow, but these
 * chunks are tiny and the test should not share the library's zlib call. */
static guint32
crc32_of (const char   *type,
          const guint8 *payload,
          guint32       len)
{
  guint32 crc = 0xFFFFFFFF;

  for (guint32 i = 0; i < 4 + len; i++)
    {
      crc ^= i < 4 ? (guint8) type[i] : payload[i - 4];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xEDB88320 & -(crc & 1));
    }

  return crc ^ 0xFFFFFFFF;
}

static void
png_chunk (GByteArray   *out,
           const char   *type,
           const guint8 *payload,
           guint32       len)
{
  guint32 crc;

  put_be32 (out, len);
  g_byte_array_append (out, (const guint8 *) type, 4);
  g_byte_array_append (out, payload, len);
  crc = crc32_of (type, payload, len);
  put_be32 (out, crc);
}

/* A PNG whose header claims 20000 × 20000 (400 megapixels, 1.2 GB of
 * pixels) around a few bytes of data: refused from the header, at once. */
static void
test_error_png_bomb (void)
{
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  const guint8 ihdr[13] = { 0, 0, 0x4E, 0x20, 0, 0, 0x4E, 0x20, 8, 2, 0, 0, 0 };
  const guint8 idat[] = { 0x78, 0x9C, 0x63, 0x60, 0, 0, 0, 1, 0, 1 };
  gint64 start;

  g_byte_array_append (png, (const guint8 *) "\x89PNG\r\n\x1A\n", 8);
  png_chunk (png, "IHDR", ihdr, sizeof ihdr);
  png_chunk (png, "IDAT", idat, sizeof idat);
  png_chunk (png, "IEND", NULL, 0);
  bytes = g_bytes_new (png->data, png->len);

  start = g_get_monotonic_time ();
  assert_bytes_error (bytes, "bomb.png", CS_IMAGE_ERROR_TOO_LARGE);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC / 2);
}

/* The position of a JPEG's SOF0 segment, whose payload holds the size. */
static gsize
find_sof0 (const guint8 *data,
           gsize         len)
{
  gsize pos = 2;

  while (pos + 4 <= len && data[pos + 1] != 0xC0)
    pos += 2 + ((data[pos + 2] << 8) | data[pos + 3]);
  g_assert_cmpuint (pos + 9, <, len);

  return pos;
}

static void
test_error_other_bombs (void)
{
  /* A JPEG whose frame header says 30000 × 30000. */
  {
    g_autoptr(CsImage) small = make_corners (CORNERS_W, CORNERS_H);
    g_autoptr(GBytes) jpeg = encode (small, 90);
    gsize len = g_bytes_get_size (jpeg);
    g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (jpeg, NULL), len);
    gsize sof = find_sof0 (copy, len);
    g_autoptr(GBytes) bytes = NULL;

    copy[sof + 5] = 30000 >> 8;
    copy[sof + 6] = 30000 & 0xFF;
    copy[sof + 7] = 30000 >> 8;
    copy[sof + 8] = 30000 & 0xFF;
    bytes = g_bytes_new (copy, len);
    assert_bytes_error (bytes, "bomb.jpg", CS_IMAGE_ERROR_TOO_LARGE);
  }

  /* A WebP canvas of 16000 × 16000 with a lossless header to match. */
  {
    const guint8 webp[] = {
      'R', 'I', 'F', 'F', 36, 0, 0, 0, 'W', 'E', 'B', 'P',
      'V', 'P', '8', 'X', 10, 0, 0, 0, 0, 0, 0, 0,
      0x7F, 0x3E, 0, 0x7F, 0x3E, 0,                 /* 15999, 15999 */
      'V', 'P', '8', 'L', 5, 0, 0, 0,
      0x2F, 0x7F, 0xFE, 0xCF, 0x0F, 0,              /* 15999, 15999 */
    };
    g_autoptr(GBytes) bytes = g_bytes_new_static (webp, sizeof webp);

    assert_bytes_error (bytes, "bomb.webp", CS_IMAGE_ERROR_TOO_LARGE);
  }

  /* A HEIC whose ispe box (the image's size) is made 20000 × 20000. */
  {
    g_autoptr(GBytes) heic = read_fixture ("corners.heic");
    gsize len = g_bytes_get_size (heic);
    g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (heic, NULL), len);
    g_autoptr(GBytes) bytes = NULL;
    const guint8 size[8] = { 0, 0, 0x4E, 0x20, 0, 0, 0x4E, 0x20 };
    guint n_patched = 0;

    /* libheif 1.15 writes the property twice; every copy is changed. */
    for (guint8 *ispe = memmem (copy, len, "ispe", 4); ispe != NULL;
         ispe = memmem (ispe + 4, len - (ispe + 4 - copy), "ispe", 4))
      {
        g_assert_cmpuint (ispe + 16 - copy, <=, len);
        memcpy (ispe + 8, size, sizeof size);
        n_patched++;
      }
    g_assert_cmpuint (n_patched, >, 0);
    bytes = g_bytes_new (copy, len);
    assert_bytes_error (bytes, "bomb.heic", CS_IMAGE_ERROR_TOO_LARGE);
  }
}

/* A file over the size limit is refused from its size alone: this one is
 * sparse, so reading it would be quick but would still cost 61 MiB. */
static void
test_error_huge_file (TmpDir        *tmp,
                      gconstpointer  data)
{
  g_autofree char *path = g_build_filename (tmp->dir, "scan.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsImage) image = NULL;
  gint64 start;
  int fd;

  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, "\xFF\xD8\xFF\xE0", 4), ==, 4);
  g_assert_cmpint (ftruncate (fd, CS_IMAGE_MAX_BYTES + 1024 * 1024), ==, 0);
  g_assert_true (g_close (fd, NULL));

  start = g_get_monotonic_time ();
  image = cs_image_load (path, &error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC / 4);
  g_assert_null (image);
  assert_load_error (error, CS_IMAGE_ERROR_TOO_LARGE, "scan.jpg");

  /* The same limit holds for bytes handed over in memory. */
  {
    g_autoptr(GBytes) big = g_bytes_new_take (g_malloc0 (CS_IMAGE_MAX_BYTES + 1),
                                              CS_IMAGE_MAX_BYTES + 1);

    assert_bytes_error (big, "scan.jpg", CS_IMAGE_ERROR_TOO_LARGE);
  }
}

/* Export
 * ======
 */

typedef struct
{
  char  *out;       /* NUL-terminated for strstr() */
  gsize  out_len;   /* the real length: -pC prints the binary profile */
} RunResult;

static RunResult
run_exiv2 (const char *option,
           const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) out = NULL;
  RunResult result;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                           &error, "exiv2", option, path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate (proc, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);

  result.out_len = g_bytes_get_size (out);
  result.out = result.out_len > 0 ? g_strndup (g_bytes_get_data (out, NULL), result.out_len)
                                   : g_strdup ("");

  return result;
}

static void
assert_only_pixel_segments (GBytes *jpeg)
{
  g_autoptr(GArray) markers = jpeg_markers (jpeg);
  const guint8 *data = g_bytes_get_data (jpeg, NULL);

  for (guint i = 0; i < markers->len; i++)
    {
      guint8 m = g_array_index (markers, guint8, i);

      /* APP0 (JFIF), DQT, SOF0, DHT, DRI, SOS, EOI and nothing else: no
       * APP1 (EXIF, XMP), APP2 (ICC), APP13 (IPTC) or COM. */
      if (m != 0xE0 && m != 0xDB && m != 0xC0 && m != 0xC4 && m != 0xDD &&
          m != 0xDA && m != 0xD9)
        g_error ("Unexpected JPEG marker 0xFF%02X in the export", m);
    }

  g_assert_true (has_marker (markers, 0xC0));
  g_assert_true (has_marker (markers, 0xD9));
  g_assert_true (memcmp (data + 6, "JFIF", 4) == 0);
}

static void
test_export_strips_metadata (TmpDir        *tmp,
                             gconstpointer  data)
{
  g_autoptr(GBytes) original = read_fixture ("p3.jpg");
  g_autofree char *tagged = write_tmp (tmp, "tagged.jpg", g_bytes_get_data (original, NULL),
                                       g_bytes_get_size (original));
  g_autofree char *clean = g_build_filename (tmp->dir, "clean.jpg", NULL);
  g_autofree char *exiv2 = g_find_program_in_path ("exiv2");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(CsImage) image = NULL;
  g_autoptr(GBytes) tagged_bytes = NULL;
  g_autoptr(GBytes) clean_bytes = NULL;
  g_autoptr(GArray) tagged_markers = NULL;
  char *contents;
  gsize len;

  if (exiv2 == NULL)
    {
      g_test_skip ("exiv2 is not installed");
      return;
    }

  /* What a phone or an office PC leaves in a photo: where it was taken,
   * who took it, a caption, a comment, and a colour profile (p3.jpg has
   * that already). */
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "exiv2",
                           "-c", "Taken at Hillside Primary",
                           "-M", "set Exif.GPSInfo.GPSLatitudeRef N",
                           "-M", "set Exif.GPSInfo.GPSLatitude 53/1 48/1 0/1",
                           "-M", "set Exif.GPSInfo.GPSLongitudeRef W",
                           "-M", "set Exif.GPSInfo.GPSLongitude 1/1 32/1 0/1",
                           "-M", "set Exif.Image.Artist Mrs Patel",
                           "-M", "set Xmp.dc.title Year 3 sports day",
                           "-M", "set Iptc.Application2.Caption Sam Jones wins the sack race",
                           tagged, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (proc, NULL, &error);
  g_assert_no_error (error);

  /* The input really carries all of it, as exiv2 and our own walk see. */
  {
    RunResult all = run_exiv2 ("-pa", tagged);
    RunResult structure = run_exiv2 ("-pS", tagged);
    RunResult comment = run_exiv2 ("-pc", tagged);
    RunResult icc = run_exiv2 ("-pC", tagged);

    g_assert_nonnull (strstr (all.out, "Exif.GPSInfo.GPSLatitude"));
    g_assert_nonnull (strstr (all.out, "Exif.Image.Artist"));
    g_assert_nonnull (strstr (all.out, "Xmp.dc.title"));
    g_assert_nonnull (strstr (all.out, "Iptc.Application2.Caption"));
    g_assert_nonnull (strstr (structure.out, "APP1"));
    g_assert_nonnull (strstr (structure.out, "APP2"));
    g_assert_nonnull (strstr (structure.out, "APP13"));
    g_assert_nonnull (strstr (structure.out, "COM"));
    g_assert_nonnull (strstr (comment.out, "Hillside"));
    g_assert_cmpuint (icc.out_len, >, 128);
    g_free (all.out);
    g_free (structure.out);
    g_free (comment.out);
    g_free (icc.out);
  }

  g_file_get_contents (tagged, &contents, &len, &error);
  g_assert_no_error (error);
  tagged_bytes = g_bytes_new_take (contents, len);
  tagged_markers = jpeg_markers (tagged_bytes);
  g_assert_true (has_marker (tagged_markers, 0xE1));
  g_assert_true (has_marker (tagged_markers, 0xE2));
  g_assert_true (has_marker (tagged_markers, 0xED));
  g_assert_true (has_marker (tagged_markers, 0xFE));

  image = cs_image_load (tagged, &error);
  g_assert_no_error (error);
  g_assert_true (cs_image_save_jpeg (image, clean, 90, &error));
  g_assert_no_error (error);

  /* Nothing of it survives. */
  {
    RunResult all = run_exiv2 ("-pa", clean);
    RunResult structure = run_exiv2 ("-pS", clean);
    RunResult comment = run_exiv2 ("-pc", clean);
    RunResult icc = run_exiv2 ("-pC", clean);

    g_test_message ("exiv2 -pS on the export:\n%s", structure.out);
    g_assert_cmpstr (all.out, ==, "");
    g_assert_nonnull (strstr (structure.out, "SOF0"));
    g_assert_null (strstr (structure.out, "APP1"));
    g_assert_null (strstr (structure.out, "APP2"));
    g_assert_null (strstr (structure.out, "APP13"));
    g_assert_null (strstr (structure.out, "COM"));
    g_assert_cmpstr (g_strstrip (comment.out), ==, "");
    g_assert_cmpuint (icc.out_len, ==, 0);
    g_free (all.out);
    g_free (structure.out);
    g_free (comment.out);
    g_free (icc.out);
  }

  g_file_get_contents (clean, &contents, &len, &error);
  g_assert_no_error (error);
  clean_bytes = g_bytes_new_take (contents, len);
  assert_only_pixel_segments (clean_bytes);
}

/* Whatever the source carried (eXIf, a WebP EXIF chunk, HEIC EXIF), the
 * export is pixels only, and a baseline JPEG that loads back unchanged. */
static void
test_export_baseline (void)
{
  const char *names[] = {
    "corners-exif6.png", "corners-exif8.webp", "corners-irot6.heic", "corners-exif3.jpg",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(CsImage) image = load_fixture (names[i]);
      g_autoptr(GBytes) jpeg = encode (image, 92);
      g_autoptr(GError) error = NULL;
      g_autoptr(CsImage) back = NULL;

      g_test_message ("%s", names[i]);
      assert_only_pixel_segments (jpeg);

      /* Upright already, so the export needs no orientation of its own. */
      back = cs_image_load_bytes (jpeg, "export.jpg", &error);
      g_assert_no_error (error);
      g_assert_cmpint (cs_image_get_orientation (back), ==, 1);
      assert_corners (back, 32);
    }
}

static void
test_export_quality (void)
{
  g_autoptr(GBytes) noisy = noisy_jpeg ();
  g_autoptr(CsImage) image = cs_image_load_bytes (noisy, "noisy.jpg", NULL);
  g_autoptr(GBytes) low = encode (image, 30);
  g_autoptr(GBytes) high = encode (image, 95);

  g_assert_cmpuint (g_bytes_get_size (low), <, g_bytes_get_size (high));
}

static void
test_save_atomic (TmpDir        *tmp,
                  gconstpointer  data)
{
  g_autoptr(CsImage) corners = make_corners (CORNERS_W, CORNERS_H);
  g_autoptr(CsImage) other = cs_image_new (20, 10);
  g_autofree char *path = g_build_filename (tmp->dir, "export.jpg", NULL);
  g_autofree char *nowhere = g_build_filename (tmp->dir, "missing", "export.jpg", NULL);
  g_autoptr(GBytes) expected = encode (corners, 85);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  guint n_files = 0;

  g_assert_true (cs_image_save_jpeg (other, path, 85, &error));
  g_assert_no_error (error);

  /* Saving again replaces the file whole: exactly the encoder's bytes. */
  g_assert_true (cs_image_save_jpeg (corners, path, 85, &error));
  g_assert_no_error (error);
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (contents, len, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));

  /* The temporary file it was written through is gone. */
  dir = g_dir_open (tmp->dir, 0, &error);
  g_assert_no_error (error);
  while (g_dir_read_name (dir) != NULL)
    n_files++;
  g_assert_cmpuint (n_files, ==, 1);

  g_assert_false (cs_image_save_jpeg (corners, nowhere, 85, &error));
  assert_load_error (error, CS_IMAGE_ERROR_FAILED, "export.jpg");
}

/* Loading, redacting and exporting never write to the photo chosen. */
static void
test_original_untouched (TmpDir        *tmp,
                         gconstpointer  data)
{
  g_autoptr(GBytes) fixture = read_fixture ("corners-exif3.jpg");
  g_autofree char *original = write_tmp (tmp, "original.jpg", g_bytes_get_data (fixture, NULL),
                                         g_bytes_get_size (fixture));
  g_autofree char *exported = g_build_filename (tmp->dir, "export.jpg", NULL);
  g_autoptr(CsImage) image = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  GStatBuf before_stat, after_stat;
  CsRect rect = { 0, 0, 32, 32 };
  gsize len;

  g_assert_cmpint (g_stat (original, &before_stat), ==, 0);
  g_assert_cmpint (g_chmod (original, 0400), ==, 0);

  image = cs_image_load (original, &error);
  g_assert_no_error (error);
  cs_image_redact (image, &rect);
  g_assert_true (cs_image_save_jpeg (image, exported, 90, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (original, &after_stat), ==, 0);
  g_assert_cmpint (after_stat.st_mtime, ==, before_stat.st_mtime);
  g_assert_cmpint (after_stat.st_ino, ==, before_stat.st_ino);
  g_file_get_contents (original, &after, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (after, len, g_bytes_get_data (fixture, NULL), g_bytes_get_size (fixture));
}

/* Redaction
 * =========
 */

/* A 5 × 7 bitmap font, just the letters of one pupil's name. */
static const struct
{
  char letter;
  const char *rows[7];
} glyphs[] = {
  { 'S', { " ####", "#    ", "#    ", " ### ", "    #", "    #", "#### " } },
  { 'A', { " ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #" } },
  { 'M', { "#   #", "## ##", "# # #", "# # #", "#   #", "#   #", "#   #" } },
  { 'J', { "  ###", "   # ", "   # ", "   # ", "   # ", "#  # ", " ##  " } },
  { 'O', { " ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### " } },
  { 'N', { "#   #", "##  #", "# # #", "#  ##", "#   #", "#   #", "#   #" } },
  { 'E', { "#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####" } },
};

static void
draw_text (CsImage    *image,
           const char *text,
           int         x0,
           int         y0,
           int         scale)
{
  for (const char *c = text; *c != '\0'; c++, x0 += 6 * scale)
    for (guint g = 0; g < G_N_ELEMENTS (glyphs); g++)
      {
        if (glyphs[g].letter != *c)
          continue;
        for (int row = 0; row < 7; row++)
          for (int col = 0; col < 5; col++)
            if (glyphs[g].rows[row][col] == '#')
              fill_rect (image, x0 + col * scale, y0 + row * scale, scale, scale, BLACK);
      }
}

static double
grey_at (const CsImage *image,
         int            x,
         int            y)
{
  Bgr p = pixel_at (image, x, y);

  return (p.b + p.g + p.r) / 3.0;
}

/* The variance of the 4-neighbour Laplacian over the inside of @r, after
 * a @box × @box mean filter (1 for none). Letters, edges and mosaic tiles
 * all score high; a smooth wash scores near zero. */
static double
laplacian_variance (const CsImage *image,
                    int            rx,
                    int            ry,
                    int            rw,
                    int            rh,
                    int            box)
{
  g_autofree double *smooth = g_new0 (double, (gsize) rw * rh);
  double sum = 0, sum2 = 0;
  int n = 0, half = box / 2;

  for (int y = 0; y < rh; y++)
    for (int x = 0; x < rw; x++)
      {
        double acc = 0;
        int count = 0;

        for (int dy = -half; dy <= half; dy++)
          for (int dx = -half; dx <= half; dx++)
            {
              int sx = CLAMP (x + dx, 0, rw - 1), sy = CLAMP (y + dy, 0, rh - 1);

              acc += grey_at (image, rx + sx, ry + sy);
              count++;
            }
        smooth[y * rw + x] = acc / count;
      }

  for (int y = 1 + half; y < rh - 1 - half; y++)
    for (int x = 1 + half; x < rw - 1 - half; x++)
      {
        double l = smooth[(y - 1) * rw + x] + smooth[(y + 1) * rw + x] +
                   smooth[y * rw + x - 1] + smooth[y * rw + x + 1] - 4 * smooth[y * rw + x];

        sum += l;
        sum2 += l * l;
        n++;
      }

  return sum2 / n - (sum / n) * (sum / n);
}

/* The same at a coarser scale: the area is first averaged down in
 * @factor × @factor blocks, so the measure sees letter-sized shapes (which
 * a mere blur leaves as blobs) rather than pixel-sized edges. */
static double
coarse_laplacian_variance (const CsImage *image,
                           int            rx,
                           int            ry,
                           int            rw,
                           int            rh,
                           int            factor)
{
  int gw = rw / factor, gh = rh / factor;
  g_autofree double *grid = g_new0 (double, (gsize) gw * gh);
  double sum = 0, sum2 = 0;
  int n = 0;

  for (int gy = 0; gy < gh; gy++)
    for (int gx = 0; gx < gw; gx++)
      {
        double acc = 0;

        for (int y = 0; y < factor; y++)
          for (int x = 0; x < factor; x++)
            acc += grey_at (image, rx + gx * factor + x, ry + gy * factor + y);
        grid[gy * gw + gx] = acc / (factor * factor);
      }

  for (int y = 1; y < gh - 1; y++)
    for (int x = 1; x < gw - 1; x++)
      {
        double l = grid[(y - 1) * gw + x] + grid[(y + 1) * gw + x] +
                   grid[y * gw + x - 1] + grid[y * gw + x + 1] - 4 * grid[y * gw + x];

        sum += l;
        sum2 += l * l;
        n++;
      }

  return sum2 / n - (sum / n) * (sum / n);
}

static double
mean_grey (const CsImage *image,
           int            rx,
           int            ry,
           int            rw,
           int            rh)
{
  double sum = 0;

  for (int y = ry; y < ry + rh; y++)
    for (int x = rx; x < rx + rw; x++)
      sum += grey_at (image, x, y);

  return sum / ((double) rw * rh);
}

static void
assert_same_outside (const CsImage *a,
                     const CsImage *b,
                     int            rx,
                     int            ry,
                     int            rw,
                     int            rh)
{
  for (int y = 0; y < cs_image_get_height (a); y++)
    for (int x = 0; x < cs_image_get_width (a); x++)
      {
        if (x >= rx && x < rx + rw && y >= ry && y < ry + rh)
          continue;
        if (memcmp (cs_image_peek_data (a) + y * cs_image_get_stride (a) + x * 3,
                    cs_image_peek_data (b) + y * cs_image_get_stride (b) + x * 3, 3) != 0)
          g_error ("Pixel (%d, %d) outside the redacted area changed", x, y);
      }
}

/* The three measures above for one area of @image. */
typedef struct
{
  double raw, smooth, coarse;
} Detail;

static Detail
measure_detail (const CsImage *image,
                int            rx,
                int            ry,
                int            rw,
                int            rh)
{
  return (Detail) {
    laplacian_variance (image, rx, ry, rw, rh, 1),
    laplacian_variance (image, rx, ry, rw, rh, 5),
    coarse_laplacian_variance (image, rx, ry, rw, rh, 6),
  };
}

/* A name on a certificate, redacted: the edges that made the letters are
 * gone, not softened, and nothing outside the box moved. */
static void
test_redact_text (void)
{
  g_autoptr(CsImage) image = cs_image_new (480, 320);
  g_autoptr(CsImage) before = NULL;
  g_autoptr(CsImage) grain = cs_image_new (480, 320);
  const int rx = 50, ry = 90, rw = 344, rh = 62;
  CsRect rect = { rx, ry, rw, rh };
  Detail text, redacted, floor;

  /* A gradient background with fine stripes, so that "untouched outside"
   * is checked on busy pixels, not on flat white. */
  for (int y = 0; y < 320; y++)
    for (int x = 0; x < 480; x++)
      set_pixel (image, x, y, (Bgr) { 200 + (x % 4) * 10, 180 + y / 8, 230 - x / 10 });
  fill_rect (image, rx, ry, rw, rh, WHITE);
  draw_text (image, "SAM JONES", rx + 10, ry + 10, 6);
  before = cs_image_copy (image);

  /* The grain redaction adds on purpose, measured on its own: a flat
   * area redacted the same way, the worst of three tries since the grain
   * is random. The letters may leave little more than that. */
  floor = (Detail) { 0, 0, 0 };
  for (int i = 0; i < 3; i++)
    {
      Detail d;

      fill_rect (grain, 0, 0, 480, 320, ((Bgr) { 200, 200, 200 }));
      cs_image_redact (grain, &rect);
      d = measure_detail (grain, rx, ry, rw, rh);
      floor.raw = MAX (floor.raw, d.raw);
      floor.smooth = MAX (floor.smooth, d.smooth);
      floor.coarse = MAX (floor.coarse, d.coarse);
    }

  text = measure_detail (image, rx, ry, rw, rh);
  cs_image_redact (image, &rect);
  redacted = measure_detail (image, rx, ry, rw, rh);

  g_test_message ("Laplacian variance, text → redacted (grain alone): raw %.1f → %.1f (%.1f), "
                  "after a 5 × 5 mean %.2f → %.2f (%.2f), in 6 × 6 blocks %.1f → %.1f (%.1f)",
                  text.raw, redacted.raw, floor.raw, text.smooth, redacted.smooth, floor.smooth,
                  text.coarse, redacted.coarse, floor.coarse);

  /* At the pixel scale, after smoothing out the grain, and in 6-pixel
   * blocks where letter-sized shapes would show. For scale, in 6-pixel
   * blocks the text scores about 32000, a Gaussian blur of sigma 8 about
   * 200, sigma 16 about 11, and a 16-pixel mosaic 1700. */
  g_assert_cmpfloat (redacted.raw, <, floor.raw * 1.3 + 10);
  g_assert_cmpfloat (redacted.smooth, <, floor.smooth * 1.5 + 0.3);
  g_assert_cmpfloat (redacted.coarse, <, floor.coarse * 1.5 + 2);
  g_assert_cmpfloat (redacted.coarse, <, text.coarse * 0.0004);

  /* A blur, not a fill: the area keeps its overall tone. */
  g_assert_cmpfloat (fabs (mean_grey (image, rx, ry, rw, rh) - mean_grey (before, rx, ry, rw, rh)),
                     <, 8);

  assert_same_outside (image, before, rx, ry, rw, rh);
}

/* A 1-pixel checkerboard turns grey wherever it is covered, so every
 * covered pixel changes a lot: that shows exactly which pixels were. */
static CsImage *
make_checkerboard (int width,
                   int height)
{
  CsImage *image = cs_image_new (width, height);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      set_pixel (image, x, y, (x + y) % 2 ? WHITE : BLACK);

  return image;
}

static void
test_redact_clipping (void)
{
  g_autoptr(CsImage) image = make_checkerboard (100, 80);
  g_autoptr(CsImage) before = cs_image_copy (image);
  const CsRect nothing[] = {
    { 10, 10, 0, 20 },
    { 10, 10, 20, -5 },
    { 200, 10, 20, 20 },
    { -50, -50, 40, 40 },
  };
  /* Partly outside, with fractional edges: covers x 0-29, y 70-79. */
  CsRect edge = { -20.5, 70.2, 50, 50 };

  for (guint i = 0; i < G_N_ELEMENTS (nothing); i++)
    {
      cs_image_redact (image, &nothing[i]);
      assert_same_outside (image, before, 0, 0, 0, 0);
    }

  cs_image_redact (image, &edge);
  assert_same_outside (image, before, 0, 70, 30, 10);
  for (int y = 70; y < 80; y++)
    for (int x = 0; x < 30; x++)
      g_assert_cmpfloat (fabs (grey_at (image, x, y) - grey_at (before, x, y)), >, 60);
}

static void
test_redact_noise (void)
{
  g_autoptr(CsImage) a = cs_image_new (200, 200);
  g_autoptr(CsImage) b = NULL;
  CsRect all = { 0, 0, 200, 200 };
  double sum = 0, sum2 = 0, mean, sd;

  fill_rect (a, 0, 0, 200, 200, ((Bgr) { 128, 128, 128 }));
  b = cs_image_copy (a);
  cs_image_redact (a, &all);
  cs_image_redact (b, &all);

  for (int y = 0; y < 200; y++)
    for (int x = 0; x < 200; x++)
      {
        double v = pixel_at (a, x, y).g;

        sum += v;
        sum2 += v * v;
      }
  mean = sum / 40000;
  sd = sqrt (sum2 / 40000 - mean * mean);
  g_test_message ("flat grey redacted: mean %.2f, standard deviation %.2f", mean, sd);

  /* Grain is there, mild, and different every time. */
  g_assert_cmpfloat (fabs (mean - 128), <, 1);
  g_assert_cmpfloat (sd, >, 1.5);
  g_assert_cmpfloat (sd, <, 6);
  g_assert_true (memcmp (cs_image_peek_data (a), cs_image_peek_data (b), 200 * 200 * 3) != 0);
}

/* Scaling
 * =======
 */

static void
test_scale_to_fit (void)
{
  g_autoptr(CsImage) landscape = make_corners (400, 300);
  g_autoptr(CsImage) portrait = make_corners (300, 400);
  g_autoptr(CsImage) small = make_corners (CORNERS_W, CORNERS_H);
  g_autoptr(CsImage) thin = cs_image_new (1000, 3);
  g_autoptr(CsImage) fit = NULL;
  g_autoptr(CsImage) same = NULL;
  g_autoptr(CsImage) sliver = NULL;

  fit = cs_image_scale_to_fit (landscape, 100);
  g_assert_cmpint (cs_image_get_width (fit), ==, 100);
  g_assert_cmpint (cs_image_get_height (fit), ==, 75);
  assert_pixel (fit, 1, 1, RED, 2);
  g_clear_pointer (&fit, cs_image_unref);

  fit = cs_image_scale_to_fit (portrait, 100);
  g_assert_cmpint (cs_image_get_width (fit), ==, 75);
  g_assert_cmpint (cs_image_get_height (fit), ==, 100);

  /* Never enlarged: a copy at the same size. */
  same = cs_image_scale_to_fit (small, 100);
  g_assert_true (same != small);
  assert_corners (same, 0);

  sliver = cs_image_scale_to_fit (thin, 100);
  g_assert_cmpint (cs_image_get_width (sliver), ==, 100);
  g_assert_cmpint (cs_image_get_height (sliver), ==, 1);
}

/* Shrinking a 1-pixel checkerboard by 3 averages 3 × 3 blocks (4 or 5
 * white pixels of 9) to mid grey. Nearest-neighbour or bilinear sampling
 * would pick single pixels and keep black and white. */
static void
test_scale_averages (void)
{
  g_autoptr(CsImage) board = make_checkerboard (96, 96);
  g_autoptr(CsImage) small = cs_image_scale_to_fit (board, 32);

  g_assert_cmpint (cs_image_get_width (small), ==, 32);
  for (int y = 0; y < 32; y++)
    for (int x = 0; x < 32; x++)
      {
        double v = grey_at (small, x, y);

        g_assert_cmpfloat (v, >, 100);
        g_assert_cmpfloat (v, <, 155);
      }
}

/* Threads
 * =======
 */

static const char * const thread_fixtures[] = {
  "corners.png", "corners-16bit.png", "corners-alpha.png", "corners-palette.png",
  "corners-exif6.png", "p3.png", "corners.webp", "corners-exif8.webp", "p3.webp",
  "corners-exif3.jpg", "corners-progressive.jpg", "p3.jpg",
  "corners.heic", "corners-irot6.heic", "p3.heic",
};

typedef struct
{
  CsImage *reference[G_N_ELEMENTS (thread_fixtures)];
  GBytes  *reference_jpeg[G_N_ELEMENTS (thread_fixtures)];
} ThreadData;

static gpointer
load_in_thread (gpointer user_data)
{
  ThreadData *td = user_data;

  for (int round = 0; round < 4; round++)
    for (guint i = 0; i < G_N_ELEMENTS (thread_fixtures); i++)
      {
        g_autoptr(CsImage) image = load_fixture (thread_fixtures[i]);
        g_autoptr(GBytes) jpeg = encode (image, 90);
        const CsImage *ref = td->reference[i];
        CsRect rect = { 4, 4, 20, 20 };

        g_assert_cmpint (cs_image_get_width (image), ==, cs_image_get_width (ref));
        g_assert_cmpint (cs_image_get_height (image), ==, cs_image_get_height (ref));
        g_assert_cmpmem (cs_image_peek_data (image),
                         cs_image_get_height (image) * cs_image_get_stride (image),
                         cs_image_peek_data (ref),
                         cs_image_get_height (ref) * cs_image_get_stride (ref));
        g_assert_true (g_bytes_equal (jpeg, td->reference_jpeg[i]));
        cs_image_redact (image, &rect);
      }

  return NULL;
}

/* Photos are loaded on worker threads, several at once: every decoder,
 * the colour conversion and the encoder must give the same answer there. */
static void
test_threads (void)
{
  ThreadData td;
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (thread_fixtures); i++)
    {
      td.reference[i] = load_fixture (thread_fixtures[i]);
      td.reference_jpeg[i] = encode (td.reference[i], 90);
    }

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("loader", load_in_thread, &td);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < G_N_ELEMENTS (thread_fixtures); i++)
    {
      cs_image_unref (td.reference[i]);
      g_bytes_unref (td.reference_jpeg[i]);
    }
}

/* Speed
 * =====
 *
 * Only with -m perf. The whole export of a 12-megapixel photo (detect,
 * blur, encode) has to stay under a second on two cores.
 */

static void
test_perf_12mp (void)
{
  g_autoptr(CsImage) image = cs_image_new (4000, 3000);
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  g_autoptr(GBytes) jpeg = NULL;
  g_autoptr(CsImage) loaded = NULL;
  g_autoptr(CsImage) scaled = NULL;
  g_autoptr(GError) error = NULL;
  gint64 t0, t_encode, t_redact, t_load, t_load_p3, t_scale;

  if (!g_test_perf ())
    {
      g_test_skip ("timings only run with -m perf");
      return;
    }

  /* Photo-like: smooth gradients with sensor noise on top. */
  for (int y = 0; y < 3000; y++)
    for (int x = 0; x < 4000; x++)
      {
        int n = g_rand_int_range (rand, -8, 9);

        set_pixel (image, x, y, (Bgr) { CLAMP (x / 16 + n, 0, 255), CLAMP (y / 12 + n, 0, 255),
                                        CLAMP ((x + y) / 28 + n, 0, 255) });
      }

  t0 = g_get_monotonic_time ();
  for (int i = 0; i < 6; i++)
    {
      CsRect face = { 300 + i * 600, 800 + (i % 2) * 900, 420, 520 };

      cs_image_redact (image, &face);
    }
  t_redact = g_get_monotonic_time () - t0;

  t0 = g_get_monotonic_time ();
  jpeg = encode (image, 90);
  t_encode = g_get_monotonic_time () - t0;

  t0 = g_get_monotonic_time ();
  loaded = cs_image_load_bytes (jpeg, "big.jpg", &error);
  t_load = g_get_monotonic_time () - t0;
  g_assert_no_error (error);

  t0 = g_get_monotonic_time ();
  scaled = cs_image_scale_to_fit (loaded, 1600);
  t_scale = g_get_monotonic_time () - t0;

  /* The same photo tagged Display P3, as from an iPhone: the profile
   * segments of p3.jpg spliced in. */
  {
    g_autoptr(GBytes) p3 = read_fixture ("p3.jpg");
    g_autoptr(GBytes) tagged = g_bytes_ref (jpeg);
    g_autoptr(CsImage) converted = NULL;
    gsize len;
    const guint8 *data = g_bytes_get_data (p3, &len);

    for (gsize pos = 2; pos + 4 <= len && data[pos + 1] != 0xDA;
         pos += 2 + ((data[pos + 2] << 8) | data[pos + 3]))
      if (data[pos + 1] == 0xE2)
        {
          GBytes *next = jpeg_insert_segment (tagged, 0xE2, data + pos + 4,
                                              ((data[pos + 2] << 8) | data[pos + 3]) - 2);

          g_bytes_unref (tagged);
          tagged = next;
        }

    t0 = g_get_monotonic_time ();
    converted = cs_image_load_bytes (tagged, "iphone.jpg", &error);
    t_load_p3 = g_get_monotonic_time () - t0;
    g_assert_no_error (error);
  }

  g_test_message ("12 MP: redact 6 faces %.1f ms, encode %.1f ms (%" G_GSIZE_FORMAT " bytes), "
                  "load %.1f ms, load with Display P3 to sRGB %.1f ms, scale to 1600 %.1f ms",
                  t_redact / 1000.0, t_encode / 1000.0, g_bytes_get_size (jpeg),
                  t_load / 1000.0, t_load_p3 / 1000.0, t_scale / 1000.0);
  g_assert_cmpint (t_redact, <, 60 * 1000);
  g_assert_cmpint (t_encode, <, 400 * 1000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vision/image/new-and-copy", test_new_and_copy);

  g_test_add_func ("/vision/image/orientation/all-eight-in-jpeg", test_orientation_jpeg);
  g_test_add_func ("/vision/image/orientation/invalid-means-upright", test_orientation_invalid);

  g_test_add_func ("/vision/image/format/jpeg", test_jpeg_fixtures);
  g_test_add_func ("/vision/image/format/cmyk-jpeg", test_cmyk_jpeg);
  g_test_add_func ("/vision/image/format/png", test_png_fixtures);
  g_test_add_func ("/vision/image/format/webp", test_webp_fixtures);
  g_test_add_func ("/vision/image/format/heic", test_heic_fixtures);
  g_test_add ("/vision/image/format/from-bytes-not-name", TmpDir, NULL,
              tmp_dir_setup, test_format_from_bytes, tmp_dir_teardown);

  g_test_add_func ("/vision/image/colour/display-p3-to-srgb", test_colour_p3);
  g_test_add_func ("/vision/image/colour/no-profile-no-change", test_colour_without_profile);

  g_test_add_func ("/vision/image/refuse/missing-file", test_error_missing);
  g_test_add ("/vision/image/refuse/folder", TmpDir, NULL,
              tmp_dir_setup, test_error_folder, tmp_dir_teardown);
  g_test_add ("/vision/image/refuse/truncated-jpeg", TmpDir, NULL,
              tmp_dir_setup, test_error_truncated_jpeg, tmp_dir_teardown);
  g_test_add_func ("/vision/image/refuse/truncated-png-webp-heic", test_error_truncated_other);
  g_test_add_func ("/vision/image/refuse/damaged-png", test_error_damaged_png);
  g_test_add ("/vision/image/refuse/not-a-photo", TmpDir, NULL,
              tmp_dir_setup, test_error_not_a_photo, tmp_dir_teardown);
  g_test_add_func ("/vision/image/refuse/animated-webp", test_error_animated_webp);
  g_test_add_func ("/vision/image/refuse/png-bomb", test_error_png_bomb);
  g_test_add_func ("/vision/image/refuse/jpeg-webp-heic-bombs", test_error_other_bombs);
  g_test_add ("/vision/image/refuse/huge-file", TmpDir, NULL,
              tmp_dir_setup, test_error_huge_file, tmp_dir_teardown);

  g_test_add ("/vision/image/export/strips-metadata", TmpDir, NULL,
              tmp_dir_setup, test_export_strips_metadata, tmp_dir_teardown);
  g_test_add_func ("/vision/image/export/baseline-pixels-only", test_export_baseline);
  g_test_add_func ("/vision/image/export/quality", test_export_quality);
  g_test_add ("/vision/image/export/save-atomic", TmpDir, NULL,
              tmp_dir_setup, test_save_atomic, tmp_dir_teardown);
  g_test_add ("/vision/image/export/original-untouched", TmpDir, NULL,
              tmp_dir_setup, test_original_untouched, tmp_dir_teardown);

  g_test_add_func ("/vision/image/redact/removes-text", test_redact_text);
  g_test_add_func ("/vision/image/redact/clips-and-rounds-out", test_redact_clipping);
  g_test_add_func ("/vision/image/redact/adds-grain", test_redact_noise);

  g_test_add_func ("/vision/image/scale/fits", test_scale_to_fit);
  g_test_add_func ("/vision/image/scale/averages", test_scale_averages);

  g_test_add_func ("/vision/image/threads", test_threads);
  g_test_add_func ("/vision/image/perf/12-megapixels", test_perf_12mp);

  return g_test_run ();
}
