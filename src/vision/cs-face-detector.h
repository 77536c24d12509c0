/* cs-face-detector.h: finds faces (never who they are) with YuNet
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-image.h"

G_BEGIN_DECLS

/* The score above which a box is reported as a face, and the lower one used
 * when a redacted photo is looked at again for anything still visible.
 * Scores are agreement across views (see cs_face_detector_detect()); at 0.5
 * about 82 % of faces in small crowd photos are found (IoU 0.5) with under
 * three false boxes a photo. */
#define CS_FACE_DETECTOR_THRESHOLD         0.5
#define CS_FACE_DETECTOR_RECHECK_THRESHOLD 0.35

typedef struct
{
  CsRect rect;   /* the face itself, as the model boxes it */
  double score;  /* 0..1 */
} CsFace;

typedef struct _CsFaceDetector CsFaceDetector;

/* Loads the YuNet 2023mar ONNX model. A missing or unreadable model is a
 * G_IO_ERROR whose message says photos must then be marked by hand. */
CsFaceDetector *cs_face_detector_new    (const char      *model_path,
                                         GError         **error);
void            cs_face_detector_free   (CsFaceDetector  *self);

/* Every face scoring at least @threshold, best first. The photo is looked
 * at in several views (scales, and mirrored for small photos) so that small
 * faces in a crowd and close-ups are both found; a face's score is the mean
 * of its scores in the views where its size suits the model, so one that
 * only some views see scores lower than the model's own score. Safe to
 * call from several threads at once.
 * Returns a GArray of CsFace, or NULL with @error set (cancelled included). */
GArray         *cs_face_detector_detect (CsFaceDetector  *self,
                                         const CsImage   *image,
                                         double           threshold,
                                         GCancellable    *cancellable,
                                         GError         **error);

/* @face enlarged to cover hair, ears and chin: what must be blurred. */
void            cs_face_cover_rect      (const CsFace    *face,
                                         CsRect          *cover);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsFaceDetector, cs_face_detector_free)

G_END_DECLS
