/* cs-image-colour.cc: bring decoded pixels into sRGB with Little CMS
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-image-colour.h"

#include <cstdlib>
#include <memory>
#include <type_traits>

#include <lcms2.h>

/* Each conversion gets its own lcms context, so that photos converted on
 * several worker threads at once share no state at all. */
struct ContextDeleter
{
  void operator() (cmsContext ctx) const { cmsDeleteContext (ctx); }
};
struct ProfileDeleter
{
  void operator() (void *profile) const { cmsCloseProfile ((cmsHPROFILE) profile); }
};
struct TransformDeleter
{
  void operator() (void *xform) const { cmsDeleteTransform ((cmsHTRANSFORM) xform); }
};
struct CurveDeleter
{
  void operator() (cmsToneCurve *curve) const { cmsFreeToneCurve (curve); }
};

using Context = std::unique_ptr<std::remove_pointer_t<cmsContext>, ContextDeleter>;
using Profile = std::unique_ptr<void, ProfileDeleter>;
using Transform = std::unique_ptr<void, TransformDeleter>;
using Curve = std::unique_ptr<cmsToneCurve, CurveDeleter>;

/* A profile that is sRGB in all but name (most cameras embed one) should
 * cost nothing: a small grid of colours is sent through the transform, and
 * if none moves by more than rounding the image is left alone. */
static bool
transform_is_identity (cmsHTRANSFORM xform)
{
  static const guint8 levels[] = { 0, 16, 48, 96, 128, 160, 208, 240, 255 };
  const gsize n = G_N_ELEMENTS (levels);
  guint8 in[n * n * n * 3], out[n * n * n * 3];
  gsize i = 0;

  for (guint8 b : levels)
    for (guint8 g : levels)
      for (guint8 r : levels)
        {
          in[i++] = b;
          in[i++] = g;
          in[i++] = r;
        }

  cmsDoTransform (xform, in, out, n * n * n);

  for (i = 0; i < sizeof in; i++)
    if (std::abs ((int) in[i] - (int) out[i]) > 2)
      return false;

  return true;
}

static gboolean
convert (cv::Mat     &pixels,
         cmsContext   ctx,
         cmsHPROFILE  source)
{
  Profile srgb (cmsCreate_sRGBProfileTHR (ctx));
  Transform xform;

  if (srgb == nullptr || cmsGetColorSpace (source) != cmsSigRgbData)
    return FALSE;

  /* No per-transform cache, so one transform can serve several threads. */
  xform.reset (cmsCreateTransformTHR (ctx, source, TYPE_BGR_8, srgb.get (), TYPE_BGR_8,
                                      INTENT_PERCEPTUAL, cmsFLAGS_NOCACHE));
  if (xform == nullptr || transform_is_identity (xform.get ()))
    return FALSE;

  cmsHTRANSFORM shared = xform.get ();
  cv::parallel_for_ (cv::Range (0, pixels.rows), [&] (const cv::Range &range)
    {
      for (int y = range.start; y < range.end; y++)
        {
          guint8 *row = pixels.ptr<guint8> (y);

          /* The same buffer in and out is allowed for equal formats. */
          cmsDoTransform (shared, row, row, pixels.cols);
        }
    });

  return TRUE;
}

gboolean
cs_image_colour_icc_to_srgb (cv::Mat      &pixels,
                             const guint8 *icc,
                             gsize         icc_len)
{
  Context ctx (cmsCreateContext (nullptr, nullptr));
  Profile source;

  g_return_val_if_fail (pixels.type () == CV_8UC3, FALSE);

  if (ctx == nullptr || icc == nullptr || icc_len < 128 || icc_len > G_MAXUINT32)
    return FALSE;

  /* A broken profile is ignored rather than refusing the photo: the
   * colours may be a little off, but the photo can still be made safe. */
  source.reset (cmsOpenProfileFromMemTHR (ctx.get (), icc, (cmsUInt32Number) icc_len));
  if (source == nullptr)
    return FALSE;

  return convert (pixels, ctx.get (), source.get ());
}

gboolean
cs_image_colour_primaries_to_srgb (cv::Mat           &pixels,
                                   const CsPrimaries *p)
{
  /* IEC 61966-2-1: the sRGB tone curve as ICC parametric type 4. */
  static const cmsFloat64Number srgb_curve[] = {
    2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.04045,
  };
  Context ctx (cmsCreateContext (nullptr, nullptr));
  cmsCIExyY white = { p->white_x, p->white_y, 1.0 };
  cmsCIExyYTRIPLE primaries = {
    { p->red_x, p->red_y, 1.0 },
    { p->green_x, p->green_y, 1.0 },
    { p->blue_x, p->blue_y, 1.0 },
  };
  Curve curve;
  Profile source;

  g_return_val_if_fail (pixels.type () == CV_8UC3, FALSE);

  if (ctx == nullptr)
    return FALSE;

  curve.reset (cmsBuildParametricToneCurve (ctx.get (), 4, srgb_curve));
  if (curve == nullptr)
    return FALSE;

  cmsToneCurve *curves[3] = { curve.get (), curve.get (), curve.get () };
  source.reset (cmsCreateRGBProfileTHR (ctx.get (), &white, &primaries, curves));
  if (source == nullptr)
    return FALSE;

  return convert (pixels, ctx.get (), source.get ());
}
