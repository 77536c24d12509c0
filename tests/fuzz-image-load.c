/* fuzz-image-load.c: the photo loader against damaged and hostile files
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * LLVMFuzzerTestOneInput() is the libFuzzer entry point. Built with clang
 * and -DCS_FUZZ_WITH_LIBFUZZER, libFuzzer drives it; otherwise the main()
 * below does, replaying every file given (or every file in the folders
 * given) and a fixed set of mutations of each: cuts, bit flips, stomped
 * bytes, and each length field of the format set to lies. The mutations
 * are deterministic, so a failure in CI is a failure on every machine.
 *
 * An input passes when the loader returns exactly one of an image or an
 * error, the image is within the limits, and the error names the file.
 * Anything else (a crash, a sanitizer report, a GLib critical) fails.
 */

#include <stdint.h>
#include <string.h>

#include <gio/gio.h>

#include "cs-image.h"

#define FUZZ_NAME "fuzzed.jpg"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static guint n_loaded;
static guint n_refused;

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsImage) image = cs_image_load_bytes (bytes, FUZZ_NAME, &error);

  g_assert_true ((image == NULL) != (error == NULL));

  if (image == NULL)
    {
      g_assert_true (error->domain == CS_IMAGE_ERROR);
      g_assert_nonnull (strstr (error->message, FUZZ_NAME));
      n_refused++;
      return 0;
    }

  int width = cs_image_get_width (image);
  int height = cs_image_get_height (image);
  CsRect middle = { width / 4.0, height / 4.0, width / 2.0, height / 2.0 };

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  g_assert_cmpuint ((guint64) width * height, <=, CS_IMAGE_MAX_PIXELS);
  g_assert_cmpuint (cs_image_get_stride (image), >=, (gsize) width * 3);
  g_assert_cmpint (cs_image_get_orientation (image), >=, 1);
  g_assert_cmpint (cs_image_get_orientation (image), <=, 8);

  /* The rest of the pipeline on whatever came out, while it is cheap:
   * a fuzzer finds tiny and oddly shaped images that real photos are not. */
  if ((guint64) width * height <= 1024 * 1024)
    {
      g_autoptr(GBytes) jpeg = NULL;

      cs_image_redact (image, &middle);
      jpeg = cs_image_encode_jpeg (image, 80, &error);
      g_assert_no_error (error);
      g_assert_nonnull (jpeg);
    }

  n_loaded++;
  return 0;
}

#ifndef CS_FUZZ_WITH_LIBFUZZER

/* Replay
 * ======
 */

static guint n_inputs;

static void
run (const guint8 *data,
     gsize         len)
{
  LLVMFuzzerTestOneInput (data, len);
  n_inputs++;
}

static void
run_with_value (const guint8 *data,
                gsize         len,
                gsize         at,
                int           width,
                gboolean      big_endian,
                guint64       value)
{
  g_autofree guint8 *copy = g_memdup2 (data, len);

  if (at + width > len)
    return;

  for (int i = 0; i < width; i++)
    {
      int shift = 8 * (big_endian ? width - 1 - i : i);

      copy[at + i] = (value >> shift) & 0xFF;
    }

  run (copy, len);
}

/* Sets the length field at @at to values a liar would choose: nothing,
 * too little, one off either way, and as much as the field holds. */
static void
lie_about_length (const guint8 *data,
                  gsize         len,
                  gsize         at,
                  int           width,
                  gboolean      big_endian,
                  guint64       truth)
{
  guint64 max = width == 2 ? 0xFFFF : 0xFFFFFFFF;
  const guint64 lies[] = { 0, 1, 7, truth - 1, truth + 1, truth * 2, max / 2, max };

  for (guint i = 0; i < G_N_ELEMENTS (lies); i++)
    run_with_value (data, len, at, width, big_endian, MIN (lies[i], max));
}

static guint32
be (const guint8 *p,
    int           width)
{
  guint32 v = 0;

  for (int i = 0; i < width; i++)
    v = (v << 8) | p[i];

  return v;
}

static guint32
le32 (const guint8 *p)
{
  return p[0] | (p[1] << 8) | (p[2] << 16) | ((guint32) p[3] << 24);
}

static void
mutate_jpeg_lengths (const guint8 *data,
                     gsize         len)
{
  gsize pos = 2;

  /* Segment lengths up to the first scan; SOF's height and width too. */
  while (pos + 4 <= len && data[pos] == 0xFF)
    {
      guint8 marker = data[pos + 1];
      guint32 seg = be (data + pos + 2, 2);

      lie_about_length (data, len, pos + 2, 2, TRUE, seg);
      if (marker >= 0xC0 && marker <= 0xC2 && pos + 9 <= len)
        {
          lie_about_length (data, len, pos + 5, 2, TRUE, be (data + pos + 5, 2));
          lie_about_length (data, len, pos + 7, 2, TRUE, be (data + pos + 7, 2));
        }
      if (marker == 0xDA)
        break;
      pos += 2 + seg;
    }
}

static void
mutate_png_lengths (const guint8 *data,
                    gsize         len)
{
  gsize pos = 8;

  while (pos + 12 <= len)
    {
      guint32 chunk = be (data + pos, 4);

      lie_about_length (data, len, pos, 4, TRUE, chunk);
      if (memcmp (data + pos + 4, "IHDR", 4) == 0)
        {
          lie_about_length (data, len, pos + 8, 4, TRUE, be (data + pos + 8, 4));
          lie_about_length (data, len, pos + 12, 4, TRUE, be (data + pos + 12, 4));
        }
      if (chunk > len - pos - 12)
        break;
      pos += 12 + chunk;
    }
}

static void
mutate_riff_lengths (const guint8 *data,
                     gsize         len)
{
  gsize pos = 12;

  lie_about_length (data, len, 4, 4, FALSE, le32 (data + 4));

  while (pos + 8 <= len)
    {
      guint32 chunk = le32 (data + pos + 4);

      lie_about_length (data, len, pos + 4, 4, FALSE, chunk);
      /* The VP8X canvas size, 24 bits each. */
      if (memcmp (data + pos, "VP8X", 4) == 0 && pos + 18 <= len)
        {
          run_with_value (data, len, pos + 12, 3, FALSE, 0xFFFFFF);
          run_with_value (data, len, pos + 15, 3, FALSE, 0xFFFFFF);
        }
      if (chunk > len - pos - 8)
        break;
      pos += 8 + chunk + (chunk & 1);
    }
}

/* ISO BMFF boxes, descending into the containers HEIF keeps its
 * description in. */
static void
mutate_box_lengths (const guint8 *data,
                    gsize         len,
                    gsize         start,
                    gsize         end,
                    int           depth)
{
  static const char containers[][5] = { "meta", "iprp", "ipco", "dinf", "iref", "ipma" };
  gsize pos = start;

  while (pos + 8 <= end && depth < 4)
    {
      guint32 size = be (data + pos, 4);

      lie_about_length (data, len, pos, 4, TRUE, size);
      if (size < 8 || size > end - pos)
        break;

      for (guint i = 0; i < G_N_ELEMENTS (containers); i++)
        if (memcmp (data + pos + 4, containers[i], 4) == 0)
          {
            /* meta is a full box: version and flags come first. */
            gsize header = memcmp (containers[i], "meta", 4) == 0 ? 12 : 8;

            if (memcmp (containers[i], "ipma", 4) != 0)
              mutate_box_lengths (data, len, pos + header, pos + size, depth + 1);
          }

      if (memcmp (data + pos + 4, "ispe", 4) == 0 && pos + 20 <= end)
        {
          run_with_value (data, len, pos + 12, 4, TRUE, 0xFFFFFFFF);
          run_with_value (data, len, pos + 16, 4, TRUE, 0x10000);
        }

      pos += size;
    }
}

static void
replay_with_mutations (const char   *path,
                       const guint8 *data,
                       gsize         len)
{
  g_autofree char *name = g_path_get_basename (path);
  /* Seeded by the file's name alone, so every checkout mutates alike. */
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_str_hash (name));
  g_autofree guint8 *copy = g_memdup2 (data, len);

  run (data, len);
  if (len == 0)
    return;

  /* Cut anywhere: sixteen places, and the last few bytes one by one. */
  for (int k = 0; k < 16; k++)
    run (data, len * k / 16);
  for (gsize tail = 1; tail <= MIN (len, (gsize) 4); tail++)
    run (data, len - tail);

  /* One bit flipped, in 64 places. */
  for (int i = 0; i < 64; i++)
    {
      gsize at = g_rand_int_range (rand, 0, len);
      guint8 bit = 1 << g_rand_int_range (rand, 0, 8);

      copy[at] ^= bit;
      run (copy, len);
      copy[at] ^= bit;
    }

  /* Runs of bytes stomped with 0x00 or 0xFF, in 32 places. */
  for (int i = 0; i < 32; i++)
    {
      gsize at = g_rand_int_range (rand, 0, len);
      gsize n = g_rand_int_range (rand, 1, 9);
      guint8 value = i % 2 ? 0xFF : 0x00;

      n = MIN (n, len - at);
      memset (copy + at, value, n);
      run (copy, len);
      memcpy (copy + at, data + at, n);
    }

  if (len >= 3 && memcmp (data, "\xFF\xD8\xFF", 3) == 0)
    mutate_jpeg_lengths (data, len);
  else if (len >= 8 && memcmp (data, "\x89PNG", 4) == 0)
    mutate_png_lengths (data, len);
  else if (len >= 12 && memcmp (data, "RIFF", 4) == 0)
    mutate_riff_lengths (data, len);
  else if (len >= 12 && memcmp (data + 4, "ftyp", 4) == 0)
    mutate_box_lengths (data, len, 0, len, 0);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
replay_path (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      g_assert_no_error (error);
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_build_filename (path, name, NULL));

      /* The same order everywhere, whatever the file system returns. */
      g_ptr_array_sort (names, compare_paths);
      for (guint i = 0; i < names->len; i++)
        replay_path (g_ptr_array_index (names, i));
      return;
    }

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  replay_with_mutations (path, (const guint8 *) contents, len);
}

int
main (int   argc,
      char *argv[])
{
  if (argc < 2)
    {
      g_printerr ("Usage: %s FILE-OR-FOLDER...\n", argv[0]);
      return 2;
    }

  for (int i = 1; i < argc; i++)
    replay_path (argv[i]);

  g_print ("%u inputs: %u loaded, %u refused\n", n_inputs, n_loaded, n_refused);
  return n_inputs > 0 ? 0 : 1;
}

#endif
