/* make-heic.c: writes the HEIC test photos and a Display P3 profile
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A helper for make-fixtures.py, which compiles and runs it; heif-enc in
 * Debian 12 cannot write irot/imir boxes or a chosen ICC profile, which are
 * exactly what the HEIC tests need. Not part of the build.
 *
 *   make-heic icc OUT.icc
 *       a Display P3 profile (P3 primaries, D65, the sRGB tone curve)
 *   make-heic heic IN.rgba WIDTH HEIGHT OUT.heic [orientation=N]
 *             [exif-orientation=N] [icc=FILE] [nclx-p3] [alpha]
 *       IN.rgba is raw 8-bit RGBA; orientation=N writes irot/imir boxes so
 *       that a viewer turns the stored pixels by EXIF rule N; exif-orientation
 *       adds an EXIF block claiming N (which readers must ignore for HEIF);
 *       nclx-p3 describes the colours as Android phones do, with P3
 *       primaries and the sRGB curve in an nclx box instead of a profile.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <lcms2.h>
#include <libheif/heif.h>

static void
check (struct heif_error err,
       const char       *what)
{
  if (err.code != heif_error_Ok)
    {
      fprintf (stderr, "make-heic: %s: %s\n", what, err.message);
      exit (1);
    }
}

static int
write_p3_profile (const char *path)
{
  const cmsFloat64Number srgb_curve[] = { 2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.04045 };
  cmsCIExyY white = { 0.3127, 0.3290, 1.0 };
  cmsCIExyYTRIPLE primaries = { { 0.680, 0.320, 1.0 }, { 0.265, 0.690, 1.0 }, { 0.150, 0.060, 1.0 } };
  cmsToneCurve *curve = cmsBuildParametricToneCurve (NULL, 4, srgb_curve);
  cmsToneCurve *curves[3] = { curve, curve, curve };
  cmsHPROFILE profile = cmsCreateRGBProfile (&white, &primaries, curves);
  cmsMLU *description = cmsMLUalloc (NULL, 1);

  cmsMLUsetASCII (description, "en", "GB", "Display P3 (Countersign tests)");
  cmsWriteTag (profile, cmsSigProfileDescriptionTag, description);

  if (!cmsSaveProfileToFile (profile, path))
    {
      fprintf (stderr, "make-heic: could not write %s\n", path);
      return 1;
    }

  cmsMLUfree (description);
  cmsCloseProfile (profile);
  cmsFreeToneCurve (curve);
  return 0;
}

/* A minimal little-endian TIFF block holding only IFD0's Orientation. */
static void
add_exif_orientation (struct heif_context      *ctx,
                      struct heif_image_handle *handle,
                      int                       orientation)
{
  guint8 exif[] = {
    'I', 'I', 42, 0, 8, 0, 0, 0,          /* header, IFD0 at 8 */
    1, 0,                                 /* one entry */
    0x12, 0x01, 3, 0, 1, 0, 0, 0,         /* Orientation, SHORT, count 1 */
    (guint8) orientation, 0, 0, 0,
    0, 0, 0, 0,                           /* no next IFD */
  };

  check (heif_context_add_exif_metadata (ctx, handle, exif, sizeof exif), "adding EXIF");
}

static int
write_heic (int    argc,
            char **argv)
{
  g_autofree char *rgba = NULL;
  g_autofree char *icc = NULL;
  gsize rgba_len = 0, icc_len = 0;
  int width = atoi (argv[3]), height = atoi (argv[4]);
  int orientation = 1, exif_orientation = 0;
  gboolean alpha = FALSE, nclx_p3 = FALSE;
  struct heif_context *ctx = heif_context_alloc ();
  struct heif_encoder *encoder = NULL;
  struct heif_image *image = NULL;
  struct heif_image_handle *handle = NULL;
  struct heif_encoding_options *options = heif_encoding_options_alloc ();
  struct heif_color_profile_nclx *nclx = NULL;
  guint8 *plane;
  int stride, channels;

  for (int i = 6; i < argc; i++)
    {
      if (g_str_has_prefix (argv[i], "orientation="))
        orientation = atoi (argv[i] + strlen ("orientation="));
      else if (g_str_has_prefix (argv[i], "exif-orientation="))
        exif_orientation = atoi (argv[i] + strlen ("exif-orientation="));
      else if (g_str_has_prefix (argv[i], "icc="))
        g_file_get_contents (argv[i] + strlen ("icc="), &icc, &icc_len, NULL);
      else if (strcmp (argv[i], "alpha") == 0)
        alpha = TRUE;
      else if (strcmp (argv[i], "nclx-p3") == 0)
        nclx_p3 = TRUE;
    }

  if (!g_file_get_contents (argv[2], &rgba, &rgba_len, NULL) ||
      rgba_len != (gsize) width * height * 4)
    {
      fprintf (stderr, "make-heic: %s is not %d × %d RGBA\n", argv[2], width, height);
      return 1;
    }

  channels = alpha ? 4 : 3;
  check (heif_image_create (width, height, heif_colorspace_RGB,
                            alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB,
                            &image), "creating the image");
  check (heif_image_add_plane (image, heif_channel_interleaved, width, height, 8), "adding a plane");
  plane = heif_image_get_plane (image, heif_channel_interleaved, &stride);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      memcpy (plane + y * stride + x * channels, rgba + ((gsize) y * width + x) * 4, channels);

  if (icc != NULL)
    check (heif_image_set_raw_color_profile (image, "prof", icc, icc_len), "setting the profile");

  if (nclx_p3)
    {
      nclx = heif_nclx_color_profile_alloc ();
      heif_nclx_color_profile_set_color_primaries (nclx, heif_color_primaries_SMPTE_EG_432_1);
      heif_nclx_color_profile_set_transfer_characteristics (nclx, heif_transfer_characteristic_IEC_61966_2_1);
      heif_nclx_color_profile_set_matrix_coefficients (nclx, heif_matrix_coefficients_ITU_R_BT_601_6);
      nclx->full_range_flag = 1;
      check (heif_image_set_nclx_color_profile (image, nclx), "setting nclx");
    }

  check (heif_context_get_encoder_for_format (ctx, heif_compression_HEVC, &encoder), "finding x265");
  check (heif_encoder_set_lossy_quality (encoder, 95), "setting the quality");

  options->image_orientation = (enum heif_orientation) orientation;
  if (nclx != NULL)
    {
      /* libheif 1.15 leaves the nclx box out unless told otherwise. */
      options->output_nclx_profile = nclx;
      options->macOS_compatibility_workaround_no_nclx_profile = 0;
    }
  check (heif_context_encode_image (ctx, image, encoder, options, &handle), "encoding");

  if (exif_orientation > 0)
    add_exif_orientation (ctx, handle, exif_orientation);

  check (heif_context_write_to_file (ctx, argv[5]), "writing");

  heif_image_handle_release (handle);
  heif_image_release (image);
  heif_encoder_release (encoder);
  heif_encoding_options_free (options);
  heif_nclx_color_profile_free (nclx);
  heif_context_free (ctx);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  if (argc == 3 && strcmp (argv[1], "icc") == 0)
    return write_p3_profile (argv[2]);
  if (argc >= 6 && strcmp (argv[1], "heic") == 0)
    return write_heic (argc, argv);

  fprintf (stderr, "usage: make-heic icc OUT.icc | make-heic heic IN.rgba W H OUT.heic [options]\n");
  return 2;
}
