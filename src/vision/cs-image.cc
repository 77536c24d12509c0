/* cs-image.cc: a photo decoded into upright 8-bit BGR pixels
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The image itself, scaling, redaction and the JPEG export. Loading lives in
 * cs-image-load.cc. Every entry point catches C++ exceptions: none may cross
 * into the C callers, and OpenCV reports running out of memory by throwing.
 */

#include "cs-image-codecs.h"
#include "cs-image-internal.h"

#include <cmath>
#include <vector>

#include <glib/gstdio.h>
#include <opencv2/imgproc.hpp>

/* How many samples the longer side of a redacted area keeps. Four means a
 * face is reduced to a dozen averaged colours, which carry no feature that
 * could identify anyone, and a line of text to four smudges. */
#define REDACT_CELLS 4

/* Noise over the smooth result, in 8-bit levels. It hides the bands the
 * smoothing leaves and keeps anyone from fitting a model back to the few
 * averages that survive; small enough to look like grain, not static. */
#define REDACT_NOISE_SIGMA 3.0

G_DEFINE_QUARK (cs-image-error-quark, cs_image_error)

static CsImage *
image_alloc (int      width,
             int      height,
             gboolean zeroed)
{
  CsImage *image;
  gsize stride = (gsize) width * 3;
  guint8 *data;

  data = (guint8 *) (zeroed ? g_try_malloc0_n (height, stride) : g_try_malloc_n (height, stride));
  if (data == NULL)
    return NULL;

  image = g_new0 (CsImage, 1);
  image->ref_count = 1;
  image->width = width;
  image->height = height;
  image->stride = stride;
  image->data = data;
  image->format = NULL;
  image->orientation = 1;

  return image;
}

CsImage *
cs_image_try_new (int width,
                  int height)
{
  g_return_val_if_fail (width > 0 && height > 0, NULL);

  return image_alloc (width, height, FALSE);
}

CsImage *
cs_image_new (int width,
              int height)
{
  CsImage *image;

  g_return_val_if_fail (width > 0 && height > 0, NULL);

  image = image_alloc (width, height, TRUE);
  if (image == NULL)
    g_error ("Could not allocate a %d × %d image", width, height);

  return image;
}

CsImage *
cs_image_ref (CsImage *image)
{
  g_return_val_if_fail (image != NULL, NULL);
  g_return_val_if_fail (image->ref_count > 0, NULL);

  g_atomic_int_inc (&image->ref_count);

  return image;
}

void
cs_image_unref (CsImage *image)
{
  g_return_if_fail (image != NULL);
  g_return_if_fail (image->ref_count > 0);

  if (g_atomic_int_dec_and_test (&image->ref_count))
    {
      g_free (image->data);
      g_free (image);
    }
}

CsImage *
cs_image_copy (const CsImage *image)
{
  CsImage *copy;

  g_return_val_if_fail (image != NULL, NULL);

  copy = cs_image_new (image->width, image->height);
  for (int y = 0; y < image->height; y++)
    memcpy (copy->data + y * copy->stride, image->data + y * image->stride, (gsize) image->width * 3);
  copy->format = image->format;
  copy->orientation = image->orientation;

  return copy;
}

int
cs_image_get_width (const CsImage *image)
{
  g_return_val_if_fail (image != NULL, 0);

  return image->width;
}

int
cs_image_get_height (const CsImage *image)
{
  g_return_val_if_fail (image != NULL, 0);

  return image->height;
}

gsize
cs_image_get_stride (const CsImage *image)
{
  g_return_val_if_fail (image != NULL, 0);

  return image->stride;
}

guint8 *
cs_image_get_data (CsImage *image)
{
  g_return_val_if_fail (image != NULL, NULL);

  return image->data;
}

const guint8 *
cs_image_peek_data (const CsImage *image)
{
  g_return_val_if_fail (image != NULL, NULL);

  return image->data;
}

const char *
cs_image_get_format (const CsImage *image)
{
  g_return_val_if_fail (image != NULL, NULL);

  return image->format;
}

int
cs_image_get_orientation (const CsImage *image)
{
  g_return_val_if_fail (image != NULL, 1);

  return image->orientation;
}

CsImage *
cs_image_scale_to_fit (const CsImage *image,
                       int            max_side)
{
  g_autoptr(CsImage) scaled = NULL;
  int width, height;

  g_return_val_if_fail (image != NULL, NULL);
  g_return_val_if_fail (max_side > 0, NULL);

  if (image->width <= max_side && image->height <= max_side)
    return cs_image_copy (image);

  /* The longer side lands exactly on @max_side; the shorter is rounded
   * and never reaches zero, however thin the photo. */
  if (image->width >= image->height)
    {
      width = max_side;
      height = MAX (1, (int) lround ((double) image->height * max_side / image->width));
    }
  else
    {
      height = max_side;
      width = MAX (1, (int) lround ((double) image->width * max_side / image->height));
    }

  scaled = cs_image_new (width, height);
  scaled->format = image->format;
  scaled->orientation = image->orientation;

  try
    {
      cv::Mat dst = cs_image_as_mat (scaled);

      /* INTER_AREA averages every source pixel into the result; the other
       * filters sample, and alias fine detail into moiré when shrinking. */
      cv::resize (cs_image_as_mat (image), dst, dst.size (), 0, 0, cv::INTER_AREA);
      g_assert (dst.data == scaled->data);
    }
  catch (const std::exception &e)
    {
      g_critical ("Could not scale a %d × %d image: %s", image->width, image->height, e.what ());
      return NULL;
    }

  return (CsImage *) g_steal_pointer (&scaled);
}

/* Checks what OpenCV produced before it is trusted to leave the laptop:
 * SOI, a JFIF APP0, tables, a baseline SOF0 and one scan, nothing else. A
 * later OpenCV that started copying metadata would fail here, closed. */
static gboolean
jpeg_holds_only_pixels (const guint8 *data,
                        gsize         len)
{
  gboolean seen_sof0 = FALSE;
  gsize pos = 2;

  if (len < 4 || data[0] != 0xFF || data[1] != 0xD8 ||
      data[len - 2] != 0xFF || data[len - 1] != 0xD9)
    return FALSE;

  while (pos + 4 <= len)
    {
      guint8 marker = data[pos + 1];
      gsize seg_len = ((gsize) data[pos + 2] << 8) | data[pos + 3];

      if (data[pos] != 0xFF || seg_len < 2 || pos + 2 + seg_len > len)
        return FALSE;

      switch (marker)
        {
        case 0xE0:   /* APP0 */
          if (seg_len < 7 || memcmp (data + pos + 4, "JFIF\0", 5) != 0)
            return FALSE;
          break;

        case 0xC0:   /* SOF0, baseline */
          seen_sof0 = TRUE;
          break;

        case 0xDB:   /* DQT */
        case 0xC4:   /* DHT */
        case 0xDD:   /* DRI */
          break;

        case 0xDA:   /* SOS: only entropy-coded data and EOI follow */
          return seen_sof0;

        default:
          return FALSE;
        }

      pos += 2 + seg_len;
    }

  return FALSE;
}

GBytes *
cs_image_encode_jpeg (const CsImage  *image,
                      int             quality,
                      GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) jpeg = NULL;

  g_return_val_if_fail (image != NULL, NULL);
  g_return_val_if_fail (quality >= 1 && quality <= 100, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Baseline, not progressive: every site that re-processes uploads reads
   * it, and it is what the segment check below expects. */
  jpeg = cs_image_encode_jpeg_pixels (image->data, (guint) image->width, (guint) image->height, image->stride,
                                      quality, &local_error);
  if (jpeg == NULL)
    {
      g_debug ("JPEG encoding failed: %s", local_error->message);
      g_set_error_literal (error, CS_IMAGE_ERROR, CS_IMAGE_ERROR_FAILED,
                           "The photo could not be prepared for sending because this "
                           "computer ran short of memory. Close other programs and try again.");
      return NULL;
    }

  if (!jpeg_holds_only_pixels ((const guint8 *) g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg)))
    {
      g_set_error_literal (error, CS_IMAGE_ERROR, CS_IMAGE_ERROR_FAILED,
                           "The photo could not be prepared for sending: the JPEG encoder "
                           "wrote something other than the picture. Please report this problem.");
      return NULL;
    }

  return (GBytes *) g_steal_pointer (&jpeg);
}

gboolean
cs_image_save_jpeg (const CsImage  *image,
                    const char     *path,
                    int             quality,
                    GError        **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  const char *reason;
  gsize len;
  const char *data;

  g_return_val_if_fail (image != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (quality >= 1 && quality <= 100, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  bytes = cs_image_encode_jpeg (image, quality, error);
  if (bytes == NULL)
    return FALSE;

  /* CONSISTENT writes a temporary file beside @path and renames it over,
   * so a reader (or an upload) never sees half a photo. Photos of
   * children are readable by their owner only. */
  data = (const char *) g_bytes_get_data (bytes, &len);
  if (g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT,
                                0600, &local_error))
    return TRUE;

  name = g_filename_display_basename (path);
  if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT) ||
      g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR))
    reason = "the folder it should go in does not exist";
  else if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
    reason = "the disk is full";
  else if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_ACCES) ||
           g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_PERM) ||
           g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_ROFS))
    reason = "you are not allowed to save in that folder";
  else
    reason = "the disk could not be written to";

  g_debug ("Saving %s failed: %s", path, local_error->message);
  g_set_error (error, CS_IMAGE_ERROR, CS_IMAGE_ERROR_FAILED,
               "“%s” could not be saved because %s. Choose another folder, "
               "such as your Pictures folder, and try again.",
               name, reason);
  return FALSE;
}

void
cs_image_redact (CsImage      *image,
                 const CsRect *rect)
{
  int x0, y0, x1, y1;

  g_return_if_fail (image != NULL);
  g_return_if_fail (rect != NULL);
  g_return_if_fail (std::isfinite (rect->x) && std::isfinite (rect->y) &&
                    std::isfinite (rect->w) && std::isfinite (rect->h));

  /* Rounded outwards, so a fractional edge is never left half-covered. */
  x0 = (int) floor (CLAMP (rect->x, 0.0, (double) image->width));
  y0 = (int) floor (CLAMP (rect->y, 0.0, (double) image->height));
  x1 = (int) ceil (CLAMP (rect->x + rect->w, 0.0, (double) image->width));
  y1 = (int) ceil (CLAMP (rect->y + rect->h, 0.0, (double) image->height));
  if (x1 <= x0 || y1 <= y0)
    return;

  try
    {
      cv::Mat roi = cs_image_as_mat (image) (cv::Rect (x0, y0, x1 - x0, y1 - y0));
      int longest = MAX (roi.cols, roi.rows);
      int cells = CLAMP (longest / 8, 1, REDACT_CELLS);
      cv::Size tiny_size (MAX (1, (int) lround ((double) cells * roi.cols / longest)),
                          MAX (1, (int) lround ((double) cells * roi.rows / longest)));
      cv::Mat tiny, noise (roi.size (), CV_16SC1);
      cv::RNG rng (((guint64) g_random_int () << 32) | g_random_int ());

      /* Averaging down to a handful of samples throws the detail away for
       * good; no filter applied afterwards can bring back what is not
       * there, unlike a blur, which a deconvolution can partly undo. The
       * way back up is smooth, so no mosaic edges are left either. */
      cv::resize (roi, tiny, tiny_size, 0, 0, cv::INTER_AREA);
      cv::resize (tiny, roi, roi.size (), 0, 0, cv::INTER_CUBIC);

      /* Grain in brightness only, like a camera's: a third of the random
       * numbers, and no coloured speckle. */
      rng.fill (noise, cv::RNG::NORMAL, 0.0, REDACT_NOISE_SIGMA);
      for (int y = 0; y < roi.rows; y++)
        {
          guint8 *p = roi.ptr<guint8> (y);
          const gint16 *n = noise.ptr<gint16> (y);

          for (int x = 0; x < roi.cols; x++, p += 3)
            for (int c = 0; c < 3; c++)
              p[c] = cv::saturate_cast<guint8> (p[c] + n[x]);
        }
    }
  catch (const std::exception &e)
    {
      /* Leaving the area visible is not an option: paint it over. */
      g_warning ("Blurring a %d × %d area failed (%s); filling it instead",
                 x1 - x0, y1 - y0, e.what ());
      for (int y = y0; y < y1; y++)
        memset (image->data + y * image->stride + (gsize) x0 * 3, 0x80, (gsize) (x1 - x0) * 3);
    }
}
