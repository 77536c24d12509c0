/* cs-image-load.cc: decode JPEG, PNG, WebP and HEIC into upright sRGB BGR
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The order of work is what keeps a hostile or broken file harmless: the
 * size is checked before the file is read, the bytes are probed (format,
 * dimensions, completeness) before any decoder sees them, and only then is
 * anything decoded. Decoding goes to libjpeg, libpng, libwebp or libheif
 * (HEIC); orientation, alpha and colour are then handled here, explicitly.
 */

#include "cs-image-internal.h"
#include "cs-image-codecs.h"
#include "cs-image-colour.h"
#include "cs-image-probe.h"

#include <cerrno>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libheif/heif.h>
#include <opencv2/imgproc.hpp>

/* Who an error message is about: "“trip.jpg”", or "This photo" when the
 * caller had no name for the bytes. It starts every sentence below. */
struct Subject
{
  char *text;
  gboolean photo_name;   /* the name ends as a photo's would */

  explicit Subject (const char *name);
  ~Subject () { g_free (text); }
  Subject (const Subject &) = delete;
  Subject &operator= (const Subject &) = delete;
};

Subject::Subject (const char *name)
{
  static const char * const photo_suffixes[] = {
    ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".heic", ".heif", ".hif",
  };
  g_autofree char *valid = NULL;
  g_autofree char *base = NULL;
  g_autofree char *folded = NULL;

  photo_name = FALSE;

  if (name == NULL || *name == '\0')
    {
      text = g_strdup ("This photo");
      return;
    }

  valid = g_utf8_make_valid (name, -1);
  base = g_path_get_basename (valid);
  folded = g_utf8_strdown (base, -1);
  for (const char *suffix : photo_suffixes)
    if (g_str_has_suffix (folded, suffix))
      photo_name = TRUE;

  text = g_strdup_printf ("“%s”", base);
}

static void
set_error (GError         **error,
           CsImageError     code,
           const Subject   &subject,
           const char      *what)
{
  g_set_error (error, CS_IMAGE_ERROR, code, "%s %s", subject.text, what);
}

static void
set_truncated_error (GError        **error,
                     const Subject  &subject)
{
  set_error (error, CS_IMAGE_ERROR_CORRUPT, subject,
             "is damaged or incomplete (it ends before the picture does). "
             "Copy it from the camera again, or choose another photo.");
}

static void
set_damaged_error (GError        **error,
                   const Subject  &subject)
{
  set_error (error, CS_IMAGE_ERROR_CORRUPT, subject,
             "is damaged (parts of the picture cannot be read). "
             "Copy it from the camera again, or choose another photo.");
}

static void
set_memory_error (GError        **error,
                  const Subject  &subject)
{
  set_error (error, CS_IMAGE_ERROR_FAILED, subject,
             "could not be opened because this computer ran short of memory. "
             "Close other programs and try again, or choose a smaller photo.");
}

static void
set_too_many_pixels_error (GError        **error,
                           const Subject  &subject,
                           guint64         width,
                           guint64         height)
{
  g_autofree char *what = NULL;
  guint64 megapixels = (width * height + 500000) / 1000000;

  what = g_strdup_printf ("has too many pixels to use (%" G_GUINT64_FORMAT " × %"
                          G_GUINT64_FORMAT ", about %" G_GUINT64_FORMAT " megapixels; "
                          "the most Countersign accepts is %u megapixels). Save a smaller "
                          "copy from your photo app, or choose another photo.",
                          width, height, megapixels, CS_IMAGE_MAX_PIXELS / 1000000);
  set_error (error, CS_IMAGE_ERROR_TOO_LARGE, subject, what);
}

static void
set_too_many_bytes_error (GError        **error,
                          const Subject  &subject,
                          guint64         size)
{
  g_autofree char *size_text = g_format_size (size);
  g_autofree char *limit_text = g_format_size (CS_IMAGE_MAX_BYTES);
  g_autofree char *what = NULL;

  what = g_strdup_printf ("is too big to use (%s; the most Countersign accepts is %s). "
                          "Save a smaller copy from your photo app, or choose another photo.",
                          size_text, limit_text);
  set_error (error, CS_IMAGE_ERROR_TOO_LARGE, subject, what);
}

/* Files that are not one of the four formats: named, where we can, in
 * words the person who chose the file will recognise. */
static void
set_kind_error (GError        **error,
                const Subject  &subject,
                CsImageKind     kind)
{
  const char *what = NULL;

  switch (kind)
    {
    case CsImageKind::EMPTY:
      set_error (error, CS_IMAGE_ERROR_CORRUPT, subject,
                 "is empty: it holds no picture at all. Copy it again from the camera "
                 "or phone, or choose another photo.");
      return;

    case CsImageKind::TEXT:
      if (subject.photo_name)
        set_error (error, CS_IMAGE_ERROR_CORRUPT, subject,
                   "is not really a photo: it holds text, although its name says it is "
                   "a picture. Choose the photo itself.");
      else
        set_error (error, CS_IMAGE_ERROR_UNSUPPORTED, subject,
                   "is a text file, not a photo. Choose a photo (JPEG, PNG, WebP or HEIC).");
      return;

    case CsImageKind::UNKNOWN:
      if (subject.photo_name)
        set_error (error, CS_IMAGE_ERROR_CORRUPT, subject,
                   "is not a picture Countersign can read, although its name says it is "
                   "a photo: it may be damaged, or another kind of file renamed. Copy it "
                   "from the camera again, or choose another photo.");
      else
        set_error (error, CS_IMAGE_ERROR_UNSUPPORTED, subject,
                   "is not a kind of photo Countersign can open. Choose a JPEG, PNG, "
                   "WebP or HEIC photo.");
      return;

    case CsImageKind::AVIF:      what = "an AVIF picture"; break;
    case CsImageKind::GIF:       what = "a GIF picture"; break;
    case CsImageKind::BMP:       what = "a BMP picture"; break;
    case CsImageKind::TIFF:      what = "a TIFF or camera RAW picture"; break;
    case CsImageKind::PDF:       what = "a PDF document"; break;
    case CsImageKind::JPEG_XL:   what = "a JPEG XL picture"; break;
    case CsImageKind::JPEG_2000: what = "a JPEG 2000 picture"; break;
    case CsImageKind::PSD:       what = "a Photoshop document"; break;
    case CsImageKind::VIDEO:     what = "a video or sound file"; break;
    case CsImageKind::ARCHIVE:   what = "a document or compressed folder"; break;

    case CsImageKind::JPEG:
    case CsImageKind::PNG:
    case CsImageKind::WEBP:
    case CsImageKind::HEIC:
    default:
      g_assert_not_reached ();
    }

  g_autofree char *message = g_strdup_printf ("is %s, which Countersign cannot check. "
                                              "Open it and save it as a JPEG or PNG photo, "
                                              "then choose that copy.", what);
  set_error (error, CS_IMAGE_ERROR_UNSUPPORTED, subject, message);
}

static gboolean
too_many_pixels (guint64 width,
                 guint64 height)
{
  return width * height > CS_IMAGE_MAX_PIXELS;
}

/* Reading
 * =======
 */

static GBytes *
read_file (const char     *path,
           const Subject  &subject,
           GError        **error)
{
  g_autofree guint8 *data = NULL;
  struct stat st;
  gsize size, filled = 0;
  int fd, saved_errno;

  /* O_NONBLOCK so that a FIFO chosen by mistake cannot hang a worker. */
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
  if (fd < 0)
    {
      saved_errno = errno;
      if (saved_errno == ENOENT || saved_errno == ENOTDIR)
        set_error (error, CS_IMAGE_ERROR_FAILED, subject,
                   "could not be found. It may have been moved, renamed or deleted; "
                   "choose it again.");
      else if (saved_errno == EACCES || saved_errno == EPERM)
        set_error (error, CS_IMAGE_ERROR_FAILED, subject,
                   "could not be opened because you are not allowed to read it. Copy it "
                   "into your Pictures folder and choose that copy.");
      else
        set_error (error, CS_IMAGE_ERROR_FAILED, subject,
                   "could not be read. If it is on a memory stick or network drive, copy "
                   "it to this computer and choose that copy.");
      return NULL;
    }

  if (fstat (fd, &st) != 0)
    {
      g_close (fd, NULL);
      set_error (error, CS_IMAGE_ERROR_FAILED, subject,
                 "could not be read. If it is on a memory stick or network drive, copy "
                 "it to this computer and choose that copy.");
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_close (fd, NULL);
      set_error (error, CS_IMAGE_ERROR_FAILED, subject,
                 S_ISDIR (st.st_mode) ? "is a folder, not a photo. Choose a photo inside it."
                                      : "is not a photo file. Choose a photo.");
      return NULL;
    }

  /* Before a byte is read: a sparse or enormous file costs nothing. */
  if ((guint64) st.st_size > CS_IMAGE_MAX_BYTES)
    {
      g_close (fd, NULL);
      set_too_many_bytes_error (error, subject, st.st_size);
      return NULL;
    }

  size = (gsize) st.st_size;
  data = (guint8 *) g_try_malloc (MAX (size, (gsize) 1));
  if (data == NULL)
    {
      g_close (fd, NULL);
      set_memory_error (error, subject);
      return NULL;
    }

  /* A file that shrinks while it is read (still being copied) simply ends
   * early, and the probe reports it as incomplete. */
  while (filled < size)
    {
      gssize n = read (fd, data + filled, size - filled);

      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n < 0)
        {
          g_close (fd, NULL);
          set_error (error, CS_IMAGE_ERROR_FAILED, subject,
                     "could not be read. If it is on a memory stick or network drive, "
                     "copy it to this computer and choose that copy.");
          return NULL;
        }
      if (n == 0)
        break;
      filled += n;
    }

  g_close (fd, NULL);
  return g_bytes_new_take (g_steal_pointer (&data), filled);
}

/* Pixels
 * ======
 */

/* Transparent pixels go onto white, as they would on a web page; left to
 * OpenCV, alpha would simply be dropped and show whatever colour the
 * encoder left under it (often black). */
static cv::Mat
composite_on_white (const cv::Mat &bgra,
                    gboolean       premultiplied)
{
  cv::Mat out (bgra.size (), CV_8UC3);

  cv::parallel_for_ (cv::Range (0, bgra.rows), [&] (const cv::Range &range)
    {
      for (int y = range.start; y < range.end; y++)
        {
          const guint8 *in = bgra.ptr<guint8> (y);
          guint8 *o = out.ptr<guint8> (y);

          for (int x = 0; x < bgra.cols; x++, in += 4, o += 3)
            {
              guint a = in[3];
              guint white = 255 * (255 - a);

              for (int c = 0; c < 3; c++)
                {
                  guint v = premultiplied ? MIN (in[c], a) * 255 : in[c] * a;

                  o[c] = (guint8) ((v + white + 127) / 255);
                }
            }
        }
    });

  return out;
}

/* Whatever the decoder produced (grey, grey and alpha, 16 bits, BGRA)
 * becomes 8-bit BGR. */
static cv::Mat
to_bgr8 (const cv::Mat &decoded)
{
  cv::Mat m = decoded, out;

  if (m.depth () == CV_16U)
    m.convertTo (m, CV_8U, 1.0 / 257.0);
  else if (m.depth () != CV_8U)
    m.convertTo (m, CV_8U);

  switch (m.channels ())
    {
    case 1:
      cv::cvtColor (m, out, cv::COLOR_GRAY2BGR);
      return out;

    case 2:
      {
        cv::Mat bgra;
        const int from_to[] = { 0, 0, 0, 1, 0, 2, 1, 3 };

        bgra.create (m.size (), CV_8UC4);
        cv::mixChannels (&m, 1, &bgra, 1, from_to, 4);
        return composite_on_white (bgra, FALSE);
      }

    case 3:
      return m;

    case 4:
      return composite_on_white (m, FALSE);

    default:
      return cv::Mat ();
    }
}

/* Writes @src into a new image turned upright by EXIF @orientation. The
 * eight values and what undoes them:
 *   1 as stored          5 transpose (mirror along the main diagonal)
 *   2 mirror left-right  6 rotate 90° clockwise
 *   3 rotate 180°        7 rotate 90° clockwise, then mirror top-bottom
 *   4 mirror top-bottom  8 rotate 90° anticlockwise
 * Each is written straight into the image's pixels, with no extra copy. */
static CsImage *
orient (const cv::Mat &src,
        int            orientation)
{
  gboolean swap = orientation >= 5;
  g_autoptr(CsImage) image = cs_image_try_new (swap ? src.rows : src.cols,
                                               swap ? src.cols : src.rows);

  if (image == NULL)
    return NULL;

  cv::Mat dst = cs_image_as_mat (image);

  switch (orientation)
    {
    case 2:  cv::flip (src, dst, 1); break;
    case 3:  cv::rotate (src, dst, cv::ROTATE_180); break;
    case 4:  cv::flip (src, dst, 0); break;
    case 5:  cv::transpose (src, dst); break;
    case 6:  cv::rotate (src, dst, cv::ROTATE_90_CLOCKWISE); break;
    case 7:
      cv::rotate (src, dst, cv::ROTATE_90_CLOCKWISE);
      cv::flip (dst, dst, 0);
      break;
    case 8:  cv::rotate (src, dst, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    default: src.copyTo (dst); break;
    }

  /* OpenCV reallocates instead of failing if the shapes disagree; that
   * would leave the image's own pixels unwritten. */
  g_assert (dst.data == image->data);
  image->orientation = orientation >= 1 && orientation <= 8 ? orientation : 1;

  return (CsImage *) g_steal_pointer (&image);
}

/* libjpeg, libpng, libwebp
 * ========================
 */

/* The decoders write straight into a cv::Mat (given as @user_data). */
static guint8 *
alloc_mat (guint     width,
           guint     height,
           guint     channels,
           gsize    *stride,
           gpointer  user_data)
{
  cv::Mat *mat = static_cast<cv::Mat *> (user_data);

  try
    {
      mat->create ((int) height, (int) width, CV_8UC ((int) channels));
    }
  catch (...)
    {
      return NULL;
    }

  *stride = mat->step;
  return mat->data;
}

static gboolean
decode_pixels (const guint8        *data,
               gsize                len,
               const CsImageProbe  &probe,
               const Subject       &subject,
               cv::Mat             *out,
               GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  CsDecodedPixels pixels;
  cv::Mat decoded;
  gboolean ok;

  /* JPEG orientation is never applied by the decoder (the loader does it);
   * PNG and WebP come as stored, alpha included, for the conversions above. */
  switch (probe.kind)
    {
    case CsImageKind::JPEG:
      ok = cs_image_decode_jpeg (data, len, alloc_mat, &decoded, &pixels, &local_error);
      break;
    case CsImageKind::PNG:
      ok = cs_image_decode_png (data, len, alloc_mat, &decoded, &pixels, &local_error);
      break;
    case CsImageKind::WEBP:
      ok = cs_image_decode_webp (data, len, alloc_mat, &decoded, &pixels, &local_error);
      break;
    default:
      ok = FALSE;
      break;
    }

  if (!ok)
    {
      set_damaged_error (error, subject);
      return FALSE;
    }

  /* The probe and the decoder must agree on what they read. */
  if (pixels.width != probe.width || pixels.height != probe.height)
    {
      g_debug ("Decoded %u × %u, header said %u × %u",
               pixels.width, pixels.height, probe.width, probe.height);
      set_damaged_error (error, subject);
      return FALSE;
    }

  *out = to_bgr8 (decoded);
  if (out->empty ())
    {
      set_damaged_error (error, subject);
      return FALSE;
    }

  if (!probe.icc.empty ())
    cs_image_colour_icc_to_srgb (*out, probe.icc.data (), probe.icc.size ());

  return TRUE;
}

/* libheif: HEIC
 * =============
 */

struct HeifDeleter
{
  void operator() (heif_context *ctx) const { heif_context_free (ctx); }
  void operator() (heif_image_handle *handle) const { heif_image_handle_release (handle); }
  void operator() (heif_image *image) const { heif_image_release (image); }
  void operator() (heif_decoding_options *options) const { heif_decoding_options_free (options); }
  void operator() (heif_color_profile_nclx *nclx) const { heif_nclx_color_profile_free (nclx); }
};

template <typename T>
using HeifPtr = std::unique_ptr<T, HeifDeleter>;

static void
ensure_heif_initialised (void)
{
  static gsize initialised = 0;

  /* Loads libheif's codec plugins once; it is never undone, as photos
   * may be loaded until the process exits. */
  if (g_once_init_enter (&initialised))
    {
      heif_error err = heif_init (NULL);

      if (err.code != heif_error_Ok)
        g_warning ("libheif could not start: %s", err.message);
      g_once_init_leave (&initialised, 1);
    }
}

static void
set_heif_error (GError           **error,
                const Subject     &subject,
                const heif_error  &err)
{
  g_debug ("libheif: %s (%d/%d)", err.message, err.code, err.subcode);

  switch (err.code)
    {
    case heif_error_Invalid_input:
      if (err.subcode == heif_suberror_End_of_data)
        set_truncated_error (error, subject);
      else
        set_damaged_error (error, subject);
      break;

    /* libde265 is always there on Debian; when it fails, the HEVC data it
     * was given was bad. */
    case heif_error_Decoder_plugin_error:
      set_damaged_error (error, subject);
      break;

    case heif_error_Memory_allocation_error:
      if (err.subcode == heif_suberror_Security_limit_exceeded)
        set_error (error, CS_IMAGE_ERROR_TOO_LARGE, subject,
                   "is too large or complicated to open safely. Save a smaller copy from "
                   "your photo app, or choose another photo.");
      else
        set_memory_error (error, subject);
      break;

    case heif_error_Unsupported_filetype:
    case heif_error_Unsupported_feature:
    default:
      set_error (error, CS_IMAGE_ERROR_UNSUPPORTED, subject,
                 "is a kind of HEIC photo this computer cannot open. On the phone, set "
                 "the camera to save “Most Compatible” (JPEG) photos, or export this one "
                 "as JPEG, and choose that copy.");
      break;
    }
}

/* HEIF carries its own rotation and mirroring (irot, imir boxes), which
 * libheif applies while decoding; any EXIF orientation in the file merely
 * repeats them for old software and must not be applied a second time. */
static gboolean
decode_heif (const guint8        *data,
             gsize                len,
             const Subject       &subject,
             cv::Mat             *out,
             GError             **error)
{
  HeifPtr<heif_context> ctx;
  HeifPtr<heif_image_handle> handle;
  HeifPtr<heif_image> image;
  HeifPtr<heif_decoding_options> options;
  heif_image_handle *raw_handle = NULL;
  heif_image *raw_image = NULL;
  heif_error err;
  gboolean alpha, premultiplied;
  const guint8 *plane;
  int width, height, stride = 0;

  ensure_heif_initialised ();

  ctx.reset (heif_context_alloc ());
  if (ctx == nullptr)
    {
      set_memory_error (error, subject);
      return FALSE;
    }

  err = heif_context_read_from_memory_without_copy (ctx.get (), data, len, NULL);
  if (err.code != heif_error_Ok)
    {
      set_heif_error (error, subject, err);
      return FALSE;
    }

  err = heif_context_get_primary_image_handle (ctx.get (), &raw_handle);
  handle.reset (raw_handle);
  if (err.code != heif_error_Ok)
    {
      set_heif_error (error, subject, err);
      return FALSE;
    }

  /* The size after rotation and cropping, from the boxes: nothing has
   * been decoded yet. */
  width = heif_image_handle_get_width (handle.get ());
  height = heif_image_handle_get_height (handle.get ());
  if (width <= 0 || height <= 0)
    {
      set_damaged_error (error, subject);
      return FALSE;
    }
  if (too_many_pixels (width, height))
    {
      set_too_many_pixels_error (error, subject, width, height);
      return FALSE;
    }

  alpha = heif_image_handle_has_alpha_channel (handle.get ());
  premultiplied = alpha && heif_image_handle_is_premultiplied_alpha (handle.get ());

  options.reset (heif_decoding_options_alloc ());
  if (options == nullptr)
    {
      set_memory_error (error, subject);
      return FALSE;
    }
  options->ignore_transformations = 0;
  options->convert_hdr_to_8bit = 1;

  err = heif_decode_image (handle.get (), &raw_image, heif_colorspace_RGB,
                           alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB,
                           options.get ());
  image.reset (raw_image);
  if (err.code != heif_error_Ok)
    {
      set_heif_error (error, subject, err);
      return FALSE;
    }

  plane = heif_image_get_plane_readonly (image.get (), heif_channel_interleaved, &stride);
  if (plane == NULL ||
      heif_image_get_width (image.get (), heif_channel_interleaved) != width ||
      heif_image_get_height (image.get (), heif_channel_interleaved) != height ||
      heif_image_get_bits_per_pixel_range (image.get (), heif_channel_interleaved) != 8)
    {
      set_damaged_error (error, subject);
      return FALSE;
    }

  cv::Mat rgb (height, width, alpha ? CV_8UC4 : CV_8UC3, (void *) plane, stride);
  if (alpha)
    {
      cv::Mat bgra;

      cv::cvtColor (rgb, bgra, cv::COLOR_RGBA2BGRA);
      *out = composite_on_white (bgra, premultiplied);
    }
  else
    {
      cv::cvtColor (rgb, *out, cv::COLOR_RGB2BGR);
    }

  /* iPhones attach a Display P3 ICC profile; other cameras may describe
   * their colours with nclx primaries instead. */
  switch (heif_image_handle_get_color_profile_type (handle.get ()))
    {
    case heif_color_profile_type_prof:
    case heif_color_profile_type_rICC:
      {
        gsize size = heif_image_handle_get_raw_color_profile_size (handle.get ());

        if (size > 0 && size <= CS_IMAGE_MAX_ICC_BYTES)
          {
            std::vector<guint8> icc (size);

            err = heif_image_handle_get_raw_color_profile (handle.get (), icc.data ());
            if (err.code == heif_error_Ok)
              cs_image_colour_icc_to_srgb (*out, icc.data (), icc.size ());
          }
      }
      break;

    case heif_color_profile_type_nclx:
      {
        heif_color_profile_nclx *raw_nclx = NULL;
        HeifPtr<heif_color_profile_nclx> nclx;

        err = heif_image_handle_get_nclx_color_profile (handle.get (), &raw_nclx);
        nclx.reset (raw_nclx);
        if (err.code != heif_error_Ok || nclx == nullptr)
          break;

        /* BT.709 primaries are sRGB's; "unspecified" is taken to be. Only
         * the sRGB-like tone curves are handled: HDR (PQ, HLG) is left to
         * libheif's 8-bit conversion. */
        gboolean srgb_primaries = nclx->color_primaries == heif_color_primaries_ITU_R_BT_709_5 ||
                                  nclx->color_primaries == heif_color_primaries_unspecified;
        gboolean srgb_curve = nclx->transfer_characteristics == heif_transfer_characteristic_IEC_61966_2_1 ||
                              nclx->transfer_characteristics == heif_transfer_characteristic_ITU_R_BT_709_5 ||
                              nclx->transfer_characteristics == heif_transfer_characteristic_ITU_R_BT_601_6 ||
                              nclx->transfer_characteristics == heif_transfer_characteristic_unspecified;

        if (!srgb_primaries && srgb_curve && nclx->color_primary_white_y > 0.0f)
          {
            CsPrimaries primaries = {
              nclx->color_primary_red_x, nclx->color_primary_red_y,
              nclx->color_primary_green_x, nclx->color_primary_green_y,
              nclx->color_primary_blue_x, nclx->color_primary_blue_y,
              nclx->color_primary_white_x, nclx->color_primary_white_y,
            };

            cs_image_colour_primaries_to_srgb (*out, &primaries);
          }
      }
      break;

    case heif_color_profile_type_not_present:
    default:
      break;
    }

  return TRUE;
}

/* Loading
 * =======
 */

static CsImage *
load (const guint8    *data,
      gsize            len,
      const Subject   &subject,
      GError         **error)
{
  CsImageProbe probe;
  cv::Mat pixels;
  CsImage *image;
  const char *format;

  if (len > CS_IMAGE_MAX_BYTES)
    {
      set_too_many_bytes_error (error, subject, len);
      return NULL;
    }

  cs_image_probe (data, len, &probe);

  switch (probe.kind)
    {
    case CsImageKind::JPEG: format = "jpeg"; break;
    case CsImageKind::PNG:  format = "png"; break;
    case CsImageKind::WEBP: format = "webp"; break;
    case CsImageKind::HEIC: format = "heic"; break;
    default:
      set_kind_error (error, subject, probe.kind);
      return NULL;
    }

  /* Size first: the header of a bomb is usually intact. */
  if (too_many_pixels (probe.width, probe.height))
    {
      set_too_many_pixels_error (error, subject, probe.width, probe.height);
      return NULL;
    }

  switch (probe.problem)
    {
    case CsImageProblem::NONE:
      break;

    case CsImageProblem::TRUNCATED:
      set_truncated_error (error, subject);
      return NULL;

    case CsImageProblem::DAMAGED:
      set_damaged_error (error, subject);
      return NULL;

    case CsImageProblem::ANIMATED:
      set_error (error, CS_IMAGE_ERROR_UNSUPPORTED, subject,
                 "is a moving picture, which Countersign cannot check. Choose a still photo.");
      return NULL;

    case CsImageProblem::UNSUPPORTED:
    default:
      set_error (error, CS_IMAGE_ERROR_UNSUPPORTED, subject,
                 "is a rare kind of JPEG that Countersign cannot open. Open it in your photo "
                 "app, save it again as JPEG, and choose that copy.");
      return NULL;
    }

  try
    {
      if (probe.kind == CsImageKind::HEIC)
        {
          if (!decode_heif (data, len, subject, &pixels, error))
            return NULL;

          /* libheif has already turned it upright. */
          probe.orientation = 1;
        }
      else if (!decode_pixels (data, len, probe, subject, &pixels, error))
        {
          return NULL;
        }

      image = orient (pixels, probe.orientation);
    }
  catch (const std::bad_alloc &)
    {
      set_memory_error (error, subject);
      return NULL;
    }
  catch (const cv::Exception &e)
    {
      /* OpenCV reports running out of memory this way too. */
      g_debug ("OpenCV: %s", e.what ());
      if (e.code == cv::Error::StsNoMem)
        set_memory_error (error, subject);
      else
        set_damaged_error (error, subject);
      return NULL;
    }
  catch (const std::exception &e)
    {
      g_debug ("Loading failed: %s", e.what ());
      set_damaged_error (error, subject);
      return NULL;
    }

  if (image == NULL)
    {
      set_memory_error (error, subject);
      return NULL;
    }

  image->format = (char *) g_intern_static_string (format);
  return image;
}

CsImage *
cs_image_load (const char  *path,
               GError     **error)
{
  g_autofree char *display = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_basename (path);
  Subject subject (display);

  bytes = read_file (path, subject, error);
  if (bytes == NULL)
    return NULL;

  gsize len;
  const guint8 *data = (const guint8 *) g_bytes_get_data (bytes, &len);

  return load (data, len, subject, error);
}

CsImage *
cs_image_load_bytes (GBytes      *bytes,
                     const char  *name,
                     GError     **error)
{
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  Subject subject (name);
  data = (const guint8 *) g_bytes_get_data (bytes, &len);

  return load (data, len, subject, error);
}
