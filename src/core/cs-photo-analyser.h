/* cs-photo-analyser.h: finds what must be hidden in a photo, and hides it
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cs-photo-region.h"

G_BEGIN_DECLS

#define CS_TYPE_PHOTO_ANALYSIS (cs_photo_analysis_get_type ())

typedef struct
{
  int        width;          /* of the upright image */
  int        height;
  GPtrArray *regions;        /* CsPhotoRegion */
  gboolean   faces_checked;  /* FALSE when no face detector could run */
  /* Why part of the check could not run, for the user; NULL when all ran. */
  char      *warning;
} CsPhotoAnalysis;

GType            cs_photo_analysis_get_type (void) G_GNUC_CONST;
CsPhotoAnalysis *cs_photo_analysis_copy     (const CsPhotoAnalysis *analysis);
void             cs_photo_analysis_free     (CsPhotoAnalysis       *analysis);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsPhotoAnalysis, cs_photo_analysis_free)

#define CS_TYPE_PHOTO_ANALYSER (cs_photo_analyser_get_type ())

G_DECLARE_FINAL_TYPE (CsPhotoAnalyser, cs_photo_analyser, CS, PHOTO_ANALYSER, GObject)

/* @face_model is the YuNet model file; NULL or "" when there is none, and
 * then every photo must be marked by hand. The models load on first use,
 * on whichever thread gets there first. */
CsPhotoAnalyser *cs_photo_analyser_new              (const char       *face_model);

/* Looks for faces and, among the words in the photo, the names of @people
 * (CsPerson, a snapshot safe to read on another thread; may be NULL) and
 * certificates' name lines. Thread safe. */
CsPhotoAnalysis *cs_photo_analyser_analyse          (CsPhotoAnalyser  *self,
                                                     const char       *file,
                                                     GPtrArray        *people,
                                                     GCancellable     *cancellable,
                                                     GError          **error);
void             cs_photo_analyser_analyse_async    (CsPhotoAnalyser  *self,
                                                     const char       *file,
                                                     GPtrArray        *people,
                                                     GCancellable     *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer          user_data);
CsPhotoAnalysis *cs_photo_analyser_analyse_finish   (CsPhotoAnalyser  *self,
                                                     GAsyncResult     *result,
                                                     GError          **error);

/* Writes @file to @dest as a JPEG with no metadata and every hidden region
 * (see cs_photo_region_is_hidden(), judged against @people on @today)
 * blurred beyond recovery. The result is then searched again for faces at a
 * lower threshold; any found outside the regions left clear are blurred too
 * and returned (CsPhotoRegion) so the user can see them. @dest must not be
 * @file: the original is never written to. Thread safe. The async variant
 * judges consent on the local date when it is called. */
GPtrArray       *cs_photo_analyser_redact           (CsPhotoAnalyser  *self,
                                                     const char       *file,
                                                     GPtrArray        *regions,
                                                     GPtrArray        *people,
                                                     const GDate      *today,
                                                     const char       *dest,
                                                     GCancellable     *cancellable,
                                                     GError          **error);
void             cs_photo_analyser_redact_async     (CsPhotoAnalyser  *self,
                                                     const char       *file,
                                                     GPtrArray        *regions,
                                                     GPtrArray        *people,
                                                     const char       *dest,
                                                     GCancellable     *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer          user_data);
GPtrArray       *cs_photo_analyser_redact_finish    (CsPhotoAnalyser  *self,
                                                     GAsyncResult     *result,
                                                     GError          **error);

G_END_DECLS
