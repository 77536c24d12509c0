/* cs-face-detector.cc: finds faces (never who they are) with YuNet
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * OpenCV 4.6's FaceDetectorYN expects an older output layout than the
 * 2023mar model has, so the network is run through cv::dnn directly and its
 * twelve outputs (score, objectness, box and landmarks at strides 8, 16 and
 * 32) are decoded here. Only boxes and scores are kept: landmarks are never
 * used, and nothing that could tell one child from another is computed.
 */

#include "cs-face-detector.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "cs-image-private.h"

/* Photos smaller than this (downloads, crops, resized copies) are enlarged
 * so that faces of five to ten pixels in a crowd reach the model's range;
 * camera originals are larger and only shrunk. */
#define LARGE_PHOTO_SIDE 1280

/* A small photo's largest pass has its longer side at UPSCALE_SIDE, at most
 * MAX_UPSCALE times its own; the others step down by quarters of that
 * scale. Each is also run mirrored: the model's answer for a tiny face
 * changes with the view, and a face must be seen in several views. */
#define UPSCALE_SIDE 1664.0
#define MAX_UPSCALE  4.0
static const double small_photo_steps[] = { 1.0, 0.75, 0.5, 0.25 };

/* A large photo is looked at with its longer side at these sizes, each
 * also mirrored: a face is scored by its agreement across views, and with
 * three views a face seen well in one was too often lost (four of the
 * eight faces of the photo bench's group). The mirrored passes cost little
 * at these sizes. A face filling the frame fits the model at the smallest. */
static const int large_photo_sides[] = { 1280, 640, 320 };

/* Boxes from different passes that overlap this much are one face; those
 * overlapping the best of them this much are averaged (by score) into its
 * box, which steadies the box of a tiny face. */
#define NMS_IOU  0.3
#define FUSE_IOU 0.4

/* A face is scored by how well it is seen in the views where it should be
 * seen: those where it is 10 to 300 pixels, the model's range. Its score is
 * the mean of its best scores in up to AGREE_VIEWS of them (0 when missing
 * there), so noise found in only one enlarged view is marked down while a
 * face that a single pass can see keeps its score. */
#define VIEW_MIN_SIDE 10.0
#define VIEW_MAX_SIDE 300.0
#define AGREE_VIEWS   4

/* Boxes below this score in a single view are not candidates at all. */
#define CANDIDATE_SCORE 0.1

/* Below this size (in the photo) a box is noise: nobody can be recognised
 * from fewer pixels. */
#define MIN_FACE_SIDE 4.0

static const int strides[] = { 8, 16, 32 };

/* One network per pass size: a cv::dnn::Net reallocates all its buffers
 * whenever the input size changes, which costs as much as the run itself,
 * while photos from one camera come at one size. Each is locked on its
 * own, as a Net keeps its buffers between runs and is not safe to run from
 * two threads at once (OpenCV spreads each run over the cores anyway). */
#define N_SLOTS 5

struct Slot
{
  cv::dnn::Net net;
  GMutex       lock;
};

struct _CsFaceDetector
{
  Slot slots[N_SLOTS];
};

G_STATIC_ASSERT (G_N_ELEMENTS (small_photo_steps) + 1 <= N_SLOTS);
G_STATIC_ASSERT (G_N_ELEMENTS (large_photo_sides) <= N_SLOTS);

static void
set_missing_model_error (GError     **error,
                         GIOErrorEnum code,
                         const char  *model_path,
                         const char  *why)
{
  g_autofree char *name = g_path_get_basename (model_path);

  g_set_error (error, G_IO_ERROR, code,
               "The face-finding model “%s” %s, so faces in photos cannot be "
               "found automatically. Mark every face by hand before submitting, "
               "and ask whoever installed Countersign to reinstall it.",
               name, why);
}

CsFaceDetector *
cs_face_detector_new (const char  *model_path,
                      GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (model_path == NULL || *model_path == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "Countersign was installed without its face-finding model, "
                           "so faces in photos cannot be found automatically. Mark every "
                           "face by hand before submitting, and ask whoever installed "
                           "Countersign to reinstall it.");
      return NULL;
    }

  if (!g_file_test (model_path, G_FILE_TEST_IS_REGULAR))
    {
      set_missing_model_error (error, G_IO_ERROR_NOT_FOUND, model_path, "is missing");
      return NULL;
    }

  CsFaceDetector *self = new CsFaceDetector ();
  for (Slot &slot : self->slots)
    g_mutex_init (&slot.lock);

  try
    {
      for (Slot &slot : self->slots)
        {
          slot.net = cv::dnn::readNetFromONNX (model_path);
          slot.net.setPreferableBackend (cv::dnn::DNN_BACKEND_OPENCV);
          slot.net.setPreferableTarget (cv::dnn::DNN_TARGET_CPU);
        }
    }
  catch (const cv::Exception &e)
    {
      g_debug ("Loading %s: %s", model_path, e.what ());
      cs_face_detector_free (self);
      set_missing_model_error (error, G_IO_ERROR_INVALID_DATA, model_path, "is damaged");
      return NULL;
    }

  if (self->slots[0].net.empty ())
    {
      cs_face_detector_free (self);
      set_missing_model_error (error, G_IO_ERROR_INVALID_DATA, model_path, "is damaged");
      return NULL;
    }

  return self;
}

void
cs_face_detector_free (CsFaceDetector *self)
{
  if (self == NULL)
    return;

  for (Slot &slot : self->slots)
    g_mutex_clear (&slot.lock);
  delete self;
}

static inline float
clamp01 (float v)
{
  return v < 0.f ? 0.f : (v > 1.f ? 1.f : v);
}

namespace {

/* One look at the photo: its scale, and whether it is mirrored. */
struct Pass
{
  double scale;
  bool   mirror;
  int    slot;    /* which network: one per size */
};

/* A box found in one pass, in photo pixels. */
struct Candidate
{
  cv::Rect2d box;
  float      score;
  int        pass;
};

}

/* The passes for a photo of @width × @height, largest first. */
static std::vector<Pass>
plan_passes (int width,
             int height)
{
  int long_side = MAX (width, height);
  std::vector<Pass> passes;

  if (long_side < LARGE_PHOTO_SIDE)
    {
      double top = MIN (MAX_UPSCALE, UPSCALE_SIDE / long_side);
      std::vector<double> scales;
      bool has_own_size = false;

      for (double step : small_photo_steps)
        {
          scales.push_back (top * step);
          has_own_size |= top * step > 0.8 && top * step < 1.25;
        }
      /* The photo at its own size, free of interpolation, is the model's
       * plainest view of a face it can already see; a face turned away
       * can score well only there. */
      if (!has_own_size)
        scales.push_back (1.0);

      for (size_t i = 0; i < scales.size (); i++)
        for (bool mirror : { false, true })
          passes.push_back ({ scales[i], mirror, (int) i });
    }
  else
    {
      for (size_t i = 0; i < G_N_ELEMENTS (large_photo_sides); i++)
        for (bool mirror : { false, true })
          passes.push_back ({ (double) large_photo_sides[i] / long_side, mirror, (int) i });
    }

  return passes;
}

/* Runs the network once on @input (already at the pass's scale, mirrored
 * if the pass is) and adds every box scoring at least @min_score, in photo
 * coordinates, to @out. The output blobs are named cls_8 … bbox_32 in the
 * model. */
static void
run_pass (CsFaceDetector         *self,
          const cv::Mat          &input,
          const Pass             &pass,
          int                     pass_index,
          double                  min_score,
          std::vector<Candidate> &out)
{
  int pad_w = (input.cols + 31) / 32 * 32;
  int pad_h = (input.rows + 31) / 32 * 32;
  cv::Mat padded;
  cv::copyMakeBorder (input, padded, 0, pad_h - input.rows, 0, pad_w - input.cols,
                      cv::BORDER_CONSTANT, cv::Scalar::all (0));
  cv::Mat blob = cv::dnn::blobFromImage (padded);

  static const std::vector<std::string> names = {
    "cls_8", "cls_16", "cls_32",
    "obj_8", "obj_16", "obj_32",
    "bbox_8", "bbox_16", "bbox_32",
  };
  std::vector<cv::Mat> outs;

  Slot &slot = self->slots[pass.slot];
  g_mutex_lock (&slot.lock);
  try
    {
      slot.net.setInput (blob);
      slot.net.forward (outs, names);
    }
  catch (...)
    {
      g_mutex_unlock (&slot.lock);
      throw;
    }
  g_mutex_unlock (&slot.lock);

  for (int k = 0; k < 3; k++)
    {
      int s = strides[k];
      int cols = pad_w / s;
      int cells = cols * (pad_h / s);
      const float *cls = outs[k].ptr<float> ();
      const float *obj = outs[3 + k].ptr<float> ();
      const float *bbox = outs[6 + k].ptr<float> ();

      if ((int) outs[k].total () < cells || (int) outs[3 + k].total () < cells ||
          (int) outs[6 + k].total () < cells * 4)
        continue;

      for (int i = 0; i < cells; i++)
        {
          float score = std::sqrt (clamp01 (cls[i]) * clamp01 (obj[i]));
          if (score < min_score)
            continue;

          const float *b = bbox + 4 * i;
          double cx = ((i % cols) + b[0]) * s;
          double cy = ((i / cols) + b[1]) * s;
          double w = std::exp (b[2]) * s;
          double h = std::exp (b[3]) * s;

          /* Clipped to the part that is photo and not padding, unmirrored,
           * then back to the photo's pixels. */
          double x0 = MAX (0.0, cx - w / 2);
          double y0 = MAX (0.0, cy - h / 2);
          double x1 = MIN ((double) input.cols, cx + w / 2);
          double y1 = MIN ((double) input.rows, cy + h / 2);
          if (pass.mirror)
            {
              double mirrored_x0 = input.cols - x1;
              x1 = input.cols - x0;
              x0 = mirrored_x0;
            }
          x0 /= pass.scale;
          y0 /= pass.scale;
          x1 /= pass.scale;
          y1 /= pass.scale;
          if (x1 - x0 < MIN_FACE_SIDE || y1 - y0 < MIN_FACE_SIDE)
            continue;

          out.push_back ({ cv::Rect2d (x0, y0, x1 - x0, y1 - y0), score, pass_index });
        }
    }
}

static double
iou (const cv::Rect2d &a,
     const cv::Rect2d &b)
{
  double inter = (a & b).area ();
  double uni = a.area () + b.area () - inter;

  return uni > 0 ? inter / uni : 0;
}

/* Groups @candidates (sorted best first) into faces: each group's box is
 * the score-weighted mean of those overlapping its best, its score the
 * agreement of the views (see AGREE_VIEWS). */
static void
merge (const std::vector<Candidate> &candidates,
       const std::vector<Pass>      &passes,
       double                        threshold,
       GArray                       *faces)
{
  std::vector<bool> taken (candidates.size (), false);
  std::vector<float> best (passes.size ());

  for (size_t i = 0; i < candidates.size (); i++)
    {
      const cv::Rect2d &top = candidates[i].box;
      double sum = 0, x0 = 0, y0 = 0, x1 = 0, y1 = 0;

      if (taken[i])
        continue;

      std::fill (best.begin (), best.end (), 0.f);
      for (size_t j = i; j < candidates.size (); j++)
        {
          const Candidate &c = candidates[j];
          double overlap;

          if (taken[j])
            continue;
          overlap = j == i ? 1.0 : iou (top, c.box);
          if (overlap < NMS_IOU)
            continue;

          taken[j] = true;
          best[c.pass] = MAX (best[c.pass], c.score);
          if (overlap >= FUSE_IOU)
            {
              sum += c.score;
              x0 += c.score * c.box.x;
              y0 += c.score * c.box.y;
              x1 += c.score * (c.box.x + c.box.width);
              y1 += c.score * (c.box.y + c.box.height);
            }
        }

      /* The views where a face of this size is in the model's range; when
       * there are none (bigger than any pass can fit), those that saw it. */
      double side = std::sqrt (top.area ());
      std::vector<float> seen;
      for (size_t p = 0; p < passes.size (); p++)
        if (side * passes[p].scale >= VIEW_MIN_SIDE && side * passes[p].scale <= VIEW_MAX_SIDE)
          seen.push_back (best[p]);
      if (seen.empty ())
        for (float s : best)
          if (s > 0)
            seen.push_back (s);

      std::sort (seen.begin (), seen.end (), std::greater<float> ());
      size_t n = MIN (seen.size (), (size_t) AGREE_VIEWS);
      double score = 0;
      for (size_t k = 0; k < n; k++)
        score += seen[k];
      score /= n;

      if (score < threshold)
        continue;

      CsFace face = { { x0 / sum, y0 / sum, (x1 - x0) / sum, (y1 - y0) / sum }, score };
      g_array_append_val (faces, face);
    }
}

static GArray *
detect (CsFaceDetector *self,
        const CsImage  *image,
        double          threshold,
        GCancellable   *cancellable,
        GError        **error)
{
  cv::Mat photo = cs_image_as_mat (image);
  std::vector<Pass> passes = plan_passes (image->width, image->height);
  cv::Mat shrunk;
  double shrunk_scale = 1.0;
  std::vector<Candidate> candidates;
  double min_score = MIN (threshold, CANDIDATE_SCORE);

  for (size_t p = 0; p < passes.size (); p++)
    {
      const Pass &pass = passes[p];
      cv::Mat input;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      if (std::fabs (pass.scale - 1.0) < 1e-3)
        {
          input = photo;
        }
      else if (pass.scale > 1.0)
        {
          cv::resize (photo, input, cv::Size (), pass.scale, pass.scale, cv::INTER_LINEAR);
        }
      else
        {
          /* Each smaller size is made from the last one: shrinking twelve
           * megapixels again for every pass would cost more than the run. */
          cv::Mat from = shrunk.empty () ? photo : shrunk;
          double f = pass.scale / shrunk_scale;
          cv::Size size (MAX (1, (int) std::lround (photo.cols * pass.scale)),
                         MAX (1, (int) std::lround (photo.rows * pass.scale)));
          if (size != from.size ())
            cv::resize (from, input, size, f, f, cv::INTER_AREA);
          else
            input = from;
          shrunk = input;
          shrunk_scale = pass.scale;
        }
      if (pass.mirror)
        {
          cv::Mat mirrored;
          cv::flip (input, mirrored, 1);
          input = mirrored;
        }

      if (input.cols < 16 || input.rows < 16)
        continue;

      run_pass (self, input, pass, (int) p, min_score, candidates);
    }

  std::stable_sort (candidates.begin (), candidates.end (),
                    [] (const Candidate &a, const Candidate &b) { return a.score > b.score; });

  GArray *faces = g_array_new (FALSE, FALSE, sizeof (CsFace));
  merge (candidates, passes, threshold, faces);

  /* Agreement reorders the groups; the caller is promised best first. */
  g_array_sort (faces, [] (gconstpointer a, gconstpointer b) -> int {
    double sa = ((const CsFace *) a)->score, sb = ((const CsFace *) b)->score;
    return sa < sb ? 1 : (sa > sb ? -1 : 0);
  });

  return faces;
}

GArray *
cs_face_detector_detect (CsFaceDetector *self,
                         const CsImage  *image,
                         double          threshold,
                         GCancellable   *cancellable,
                         GError        **error)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (image != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  try
    {
      return detect (self, image, threshold, cancellable, error);
    }
  catch (const cv::Exception &e)
    {
      g_debug ("Face detection failed: %s", e.what ());
    }
  catch (const std::bad_alloc &)
    {
      g_debug ("Face detection ran out of memory");
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "Faces could not be looked for in this photo (the laptop may "
                       "be short of memory). Close other programs and try again, or "
                       "mark every face by hand.");
  return NULL;
}

void
cs_face_cover_rect (const CsFace *face,
                    CsRect       *cover)
{
  /* YuNet boxes run from brow to chin; hair sits above, ears beside. */
  const CsRect *r = &face->rect;

  cover->x = r->x - 0.25 * r->w;
  cover->w = r->w * 1.5;
  cover->y = r->y - 0.45 * r->h;
  cover->h = r->h * 1.65;
}
