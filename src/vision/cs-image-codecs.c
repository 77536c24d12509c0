/* cs-image-codecs.c: JPEG, PNG and WebP straight through their own libraries
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The photo loader needs nothing of an image library but these three
 * decoders and one JPEG encoder. OpenCV's imgcodecs module would bring
 * them too, with GDAL, GDCM, Poppler, HDF5 and OpenEXR behind them: about
 * a hundred more libraries loaded, and their start-up run, every time the
 * app starts, for formats no photo from a school will ever be in.
 *
 * This file is C, not C++: libjpeg and libpng report errors by longjmp(),
 * which must not cross C++ frames with destructors to run.
 */

#include "cs-image-codecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>
#include <webp/decode.h>

/* Every failure here means the same to the person holding the photo; the
 * loader words it. The library's own words go to the debug log. */
static gboolean
fail (GError     **error,
      const char  *library,
      const char  *detail)
{
  g_debug ("%s: %s", library, detail);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", library, detail);
  return FALSE;
}

/* JPEG
 * ====
 */

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf               jump;
  char                  message[JMSG_LENGTH_MAX];
} JpegError;

static void
jpeg_error_exit (j_common_ptr cinfo)
{
  JpegError *err = (JpegError *) cinfo->err;

  err->pub.format_message (cinfo, err->message);
  longjmp (err->jump, 1);
}

/* Warnings (a few bytes of junk after the picture, say) are what every
 * other reader forgives too; the loader has already found the file whole. */
static void
jpeg_quiet (j_common_ptr cinfo,
            int          level)
{
  (void) cinfo;
  (void) level;
}

/* Adobe's CMYK JPEGs store the inks inverted; the rest as written. Either
 * way this is the plain conversion, with no ink profile. */
static void
cmyk_row_to_bgr (const guint8 *in,
                 guint8       *out,
                 guint         width,
                 gboolean      inverted)
{
  for (guint x = 0; x < width; x++, in += 4, out += 3)
    {
      guint c = inverted ? in[0] : 255 - in[0];
      guint m = inverted ? in[1] : 255 - in[1];
      guint y = inverted ? in[2] : 255 - in[2];
      guint k = inverted ? in[3] : 255 - in[3];

      out[0] = (guint8) ((y * k + 127) / 255);
      out[1] = (guint8) ((m * k + 127) / 255);
      out[2] = (guint8) ((c * k + 127) / 255);
    }
}

gboolean
cs_image_decode_jpeg (const guint8       *data,
                      gsize               len,
                      CsPixelsAllocFunc   alloc,
                      gpointer            user_data,
                      CsDecodedPixels    *out,
                      GError            **error)
{
  struct jpeg_decompress_struct cinfo;
  JpegError err;
  guint8 *pixels;
  guint8 *volatile row = NULL;
  gboolean cmyk, inverted;

  memset (out, 0, sizeof *out);
  cinfo.err = jpeg_std_error (&err.pub);
  err.pub.error_exit = jpeg_error_exit;
  err.pub.emit_message = jpeg_quiet;

  if (setjmp (err.jump))
    {
      jpeg_destroy_decompress (&cinfo);
      g_free (row);
      return fail (error, "libjpeg", err.message);
    }

  jpeg_create_decompress (&cinfo);
  jpeg_mem_src (&cinfo, data, (unsigned long) len);
  jpeg_read_header (&cinfo, TRUE);

  cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  inverted = cmyk && cinfo.saw_Adobe_marker;
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_EXT_BGR;
  jpeg_start_decompress (&cinfo);

  out->width = cinfo.output_width;
  out->height = cinfo.output_height;
  out->channels = 3;
  pixels = alloc (out->width, out->height, out->channels, &out->stride, user_data);
  if (pixels == NULL)
    {
      jpeg_destroy_decompress (&cinfo);
      return fail (error, "libjpeg", "out of memory");
    }
  if (cmyk)
    row = g_malloc ((gsize) out->width * 4);

  while (cinfo.output_scanline < cinfo.output_height)
    {
      guint8 *dest = pixels + out->stride * cinfo.output_scanline;
      JSAMPROW rows[1] = { cmyk ? row : dest };

      jpeg_read_scanlines (&cinfo, rows, 1);
      if (cmyk)
        cmyk_row_to_bgr (row, dest, out->width, inverted);
    }

  jpeg_finish_decompress (&cinfo);
  jpeg_destroy_decompress (&cinfo);
  g_free (row);
  out->pixels = pixels;

  return TRUE;
}

GBytes *
cs_image_encode_jpeg_pixels (const guint8  *bgr,
                             guint          width,
                             guint          height,
                             gsize          stride,
                             int            quality,
                             GError       **error)
{
  struct jpeg_compress_struct cinfo;
  JpegError err;
  /* Their addresses go to libjpeg, so they live in memory across longjmp(). */
  unsigned char *buffer = NULL;
  unsigned long size = 0;

  cinfo.err = jpeg_std_error (&err.pub);
  err.pub.error_exit = jpeg_error_exit;
  err.pub.emit_message = jpeg_quiet;

  if (setjmp (err.jump))
    {
      jpeg_destroy_compress (&cinfo);
      free (buffer);
      fail (error, "libjpeg", err.message);
      return NULL;
    }

  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &buffer, &size);
  cinfo.image_width = width;
  cinfo.image_height = height;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_EXT_BGR;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, quality, TRUE);
  /* Baseline and the standard tables: every site that re-processes an
   * upload reads it. jpeg_set_defaults() writes a JFIF header, nothing
   * else: no EXIF, no ICC, no comment. */
  cinfo.optimize_coding = FALSE;
  jpeg_start_compress (&cinfo, TRUE);

  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW rows[1] = { (JSAMPROW) (bgr + stride * cinfo.next_scanline) };

      jpeg_write_scanlines (&cinfo, rows, 1);
    }

  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);

  /* libjpeg's own buffer, handed on rather than copied: it came from malloc(). */
  return g_bytes_new_with_free_func (buffer, size, free, buffer);
}

/* PNG
 * ===
 */

typedef struct
{
  const guint8 *data;
  gsize         len;
  gsize         pos;
  char          message[256];
} PngSource;

static void
png_read_memory (png_structp  png,
                 png_bytep    dest,
                 png_size_t   len)
{
  PngSource *src = png_get_io_ptr (png);

  if (len > src->len - src->pos)
    png_error (png, "the file ends early");
  memcpy (dest, src->data + src->pos, len);
  src->pos += len;
}

static void
png_error_exit (png_structp     png,
                png_const_charp message)
{
  PngSource *src = png_get_error_ptr (png);

  g_strlcpy (src->message, message, sizeof src->message);
  png_longjmp (png, 1);
}

static void
png_quiet (png_structp     png,
           png_const_charp message)
{
  (void) png;
  (void) message;
}

gboolean
cs_image_decode_png (const guint8       *data,
                     gsize               len,
                     CsPixelsAllocFunc   alloc,
                     gpointer            user_data,
                     CsDecodedPixels    *out,
                     GError            **error)
{
  PngSource src = { data, len, 0, "" };
  png_structp png;
  png_infop info = NULL;
  guint8 *pixels;
  png_bytep *volatile rows = NULL;
  int color_type;

  memset (out, 0, sizeof *out);
  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &src, png_error_exit, png_quiet);
  if (png == NULL)
    return fail (error, "libpng", "out of memory");
  info = png_create_info_struct (png);
  if (info == NULL)
    {
      png_destroy_read_struct (&png, NULL, NULL);
      return fail (error, "libpng", "out of memory");
    }

  if (setjmp (png_jmpbuf (png)))
    {
      png_destroy_read_struct (&png, &info, NULL);
      g_free (rows);
      return fail (error, "libpng", src.message);
    }

  png_set_read_fn (png, &src, png_read_memory);
  /* The probe has checked the CRCs against zlib already; the loader,
   * not libpng, decides what a broken file is. Sizes it has checked too. */
  png_set_user_limits (png, 0x7fffffff, 0x7fffffff);
  png_read_info (png, info);

  /* Whatever is stored becomes 8-bit grey, grey and alpha, BGR or BGRA,
   * with no gamma applied (as the photo's own bytes say). */
  color_type = png_get_color_type (png, info);
  if (color_type == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (png);
  if (color_type == PNG_COLOR_TYPE_GRAY && png_get_bit_depth (png, info) < 8)
    png_set_expand_gray_1_2_4_to_8 (png);
  if (png_get_valid (png, info, PNG_INFO_tRNS))
    png_set_tRNS_to_alpha (png);
  png_set_scale_16 (png);
  png_set_bgr (png);
  png_set_interlace_handling (png);
  png_read_update_info (png, info);

  out->width = png_get_image_width (png, info);
  out->height = png_get_image_height (png, info);
  out->channels = png_get_channels (png, info);
  if (png_get_bit_depth (png, info) != 8 || out->channels < 1 || out->channels > 4 ||
      png_get_rowbytes (png, info) != (gsize) out->width * out->channels)
    png_error (png, "unexpected pixel layout");

  pixels = alloc (out->width, out->height, out->channels, &out->stride, user_data);
  rows = g_try_new (png_bytep, out->height);
  if (pixels == NULL || rows == NULL)
    png_error (png, "out of memory");
  for (guint y = 0; y < out->height; y++)
    rows[y] = pixels + out->stride * y;

  png_read_image (png, rows);
  png_read_end (png, NULL);
  png_destroy_read_struct (&png, &info, NULL);
  g_free (rows);
  out->pixels = pixels;

  return TRUE;
}

/* WebP
 * ====
 */

gboolean
cs_image_decode_webp (const guint8       *data,
                      gsize               len,
                      CsPixelsAllocFunc   alloc,
                      gpointer            user_data,
                      CsDecodedPixels    *out,
                      GError            **error)
{
  WebPBitstreamFeatures features;
  guint8 *pixels;
  gsize size;

  memset (out, 0, sizeof *out);
  if (WebPGetFeatures (data, len, &features) != VP8_STATUS_OK)
    return fail (error, "libwebp", "not a WebP picture it can read");
  if (features.has_animation)
    return fail (error, "libwebp", "an animation, not a photo");

  out->width = features.width;
  out->height = features.height;
  out->channels = features.has_alpha ? 4 : 3;
  pixels = alloc (out->width, out->height, out->channels, &out->stride, user_data);
  if (pixels == NULL)
    return fail (error, "libwebp", "out of memory");
  size = out->stride * out->height;

  if ((features.has_alpha
       ? WebPDecodeBGRAInto (data, len, pixels, size, (int) out->stride)
       : WebPDecodeBGRInto (data, len, pixels, size, (int) out->stride)) == NULL)
    return fail (error, "libwebp", "the picture data is damaged");

  out->pixels = pixels;
  return TRUE;
}
