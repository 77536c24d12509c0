/* cs-photo-analyser.c: finds what must be hidden in a photo, and hides it
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <glib/gstdio.h>

#include "cs-photo-analyser.h"

#include "cs-face-detector.h"
#include "cs-person.h"
#include "cs-photo-names-private.h"
#include "cs-text-reader.h"

#define EXPORT_QUALITY 88

struct _CsPhotoAnalyser
{
  GObject         parent_instance;

  char           *face_model;

  /* Loaded once, by the first thread that needs them; both are safe to
   * share between threads once loaded. */
  GMutex          lock;
  gboolean        loaded;
  CsFaceDetector *detector;
  char           *detector_problem;
  CsTextReader   *reader;
  char           *reader_problem;
};

G_DEFINE_FINAL_TYPE (CsPhotoAnalyser, cs_photo_analyser, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (CsPhotoAnalysis, cs_photo_analysis,
                     cs_photo_analysis_copy, cs_photo_analysis_free)

static GPtrArray *
regions_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) cs_photo_region_free);
}

CsPhotoAnalysis *
cs_photo_analysis_copy (const CsPhotoAnalysis *analysis)
{
  CsPhotoAnalysis *copy = g_new0 (CsPhotoAnalysis, 1);

  copy->width = analysis->width;
  copy->height = analysis->height;
  copy->faces_checked = analysis->faces_checked;
  copy->warning = g_strdup (analysis->warning);
  copy->regions = regions_new ();
  for (guint i = 0; i < analysis->regions->len; i++)
    g_ptr_array_add (copy->regions, cs_photo_region_copy (g_ptr_array_index (analysis->regions, i)));

  return copy;
}

void
cs_photo_analysis_free (CsPhotoAnalysis *analysis)
{
  if (analysis == NULL)
    return;

  g_clear_pointer (&analysis->regions, g_ptr_array_unref);
  g_free (analysis->warning);
  g_free (analysis);
}

static void
cs_photo_analyser_finalize (GObject *object)
{
  CsPhotoAnalyser *self = CS_PHOTO_ANALYSER (object);

  g_clear_pointer (&self->detector, cs_face_detector_free);
  g_clear_pointer (&self->reader, cs_text_reader_free);
  g_free (self->detector_problem);
  g_free (self->reader_problem);
  g_free (self->face_model);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (cs_photo_analyser_parent_class)->finalize (object);
}

static void
cs_photo_analyser_class_init (CsPhotoAnalyserClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cs_photo_analyser_finalize;
}

static void
cs_photo_analyser_init (CsPhotoAnalyser *self)
{
  g_mutex_init (&self->lock);
}

CsPhotoAnalyser *
cs_photo_analyser_new (const char *face_model)
{
  CsPhotoAnalyser *self = g_object_new (CS_TYPE_PHOTO_ANALYSER, NULL);

  self->face_model = g_strdup (face_model != NULL ? face_model : "");

  return self;
}

static void
ensure_loaded (CsPhotoAnalyser *self)
{
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&self->lock);
  if (self->loaded)
    {
      g_mutex_unlock (&self->lock);
      return;
    }

  if (self->face_model[0] == '\0')
    self->detector_problem = g_strdup (_("No face detection model is installed, so faces cannot be found "
                                       "automatically. Mark every face by hand, and ask your IT "
                                       "technician to reinstall Countersign."));
  else
    {
      self->detector = cs_face_detector_new (self->face_model, &error);
      if (self->detector == NULL)
        self->detector_problem = g_strdup (error->message);
      g_clear_error (&error);
    }

  self->reader = cs_text_reader_new (NULL, &error);
  if (self->reader == NULL)
    self->reader_problem = g_strdup (error->message);

  self->loaded = TRUE;
  g_mutex_unlock (&self->lock);
}

CsPhotoAnalysis *
cs_photo_analyser_analyse (CsPhotoAnalyser  *self,
                           const char       *file,
                           GPtrArray        *people,
                           GCancellable     *cancellable,
                           GError          **error)
{
  g_autoptr(CsPhotoAnalysis) analysis = NULL;
  g_autoptr(CsImage) image = NULL;
  g_autoptr(GString) warning = g_string_new (NULL);

  g_return_val_if_fail (CS_IS_PHOTO_ANALYSER (self), NULL);
  g_return_val_if_fail (file != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  image = cs_image_load (file, error);
  if (image == NULL)
    return NULL;

  ensure_loaded (self);

  analysis = g_new0 (CsPhotoAnalysis, 1);
  analysis->width = cs_image_get_width (image);
  analysis->height = cs_image_get_height (image);
  analysis->regions = regions_new ();

  if (self->detector != NULL)
    {
      g_autoptr(GArray) faces = cs_face_detector_detect (self->detector, image,
                                                         CS_FACE_DETECTOR_THRESHOLD,
                                                         cancellable, error);
      if (faces == NULL)
        return NULL;

      for (guint i = 0; i < faces->len; i++)
        {
          const CsFace *face = &g_array_index (faces, CsFace, i);

          g_ptr_array_add (analysis->regions,
                           cs_photo_region_new (CS_REGION_FACE, &face->rect, face->score));
        }
      analysis->faces_checked = TRUE;
    }
  else
    g_string_append (warning, self->detector_problem);

  if (self->reader != NULL)
    {
      g_autoptr(GPtrArray) words = cs_text_reader_read (self->reader, image, cancellable, error);
      g_autoptr(GPtrArray) names = NULL;

      if (words == NULL)
        return NULL;

      names = cs_photo_find_names (words, people);
      for (guint i = 0; i < names->len; i++)
        g_ptr_array_add (analysis->regions, g_steal_pointer (&g_ptr_array_index (names, i)));
    }
  else
    {
      if (warning->len > 0)
        g_string_append_c (warning, ' ');
      g_string_append (warning, self->reader_problem);
    }

  if (warning->len > 0)
    analysis->warning = g_strdup (warning->str);

  return g_steal_pointer (&analysis);
}

typedef struct
{
  char      *file;
  GPtrArray *people;
  GPtrArray *regions;
  char      *dest;
  GDate      today;
} Job;

static void
job_free (Job *job)
{
  g_free (job->file);
  g_clear_pointer (&job->people, g_ptr_array_unref);
  g_clear_pointer (&job->regions, g_ptr_array_unref);
  g_free (job->dest);
  g_free (job);
}

static Job *
job_new (const char *file,
         GPtrArray  *people,
         GPtrArray  *regions,
         const char *dest)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  Job *job = g_new0 (Job, 1);

  /* Consent is judged on the local day the user asked, not on whatever
   * day the worker thread happens to get to it. */
  g_date_clear (&job->today, 1);
  g_date_set_dmy (&job->today,
                  g_date_time_get_day_of_month (now),
                  g_date_time_get_month (now),
                  g_date_time_get_year (now));

  job->file = g_strdup (file);
  job->people = people != NULL ? g_ptr_array_ref (people) : NULL;
  job->dest = g_strdup (dest);
  if (regions != NULL)
    {
      job->regions = regions_new ();
      for (guint i = 0; i < regions->len; i++)
        g_ptr_array_add (job->regions, cs_photo_region_copy (g_ptr_array_index (regions, i)));
    }

  return job;
}

static void
analyse_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  CsPhotoAnalysis *analysis;

  analysis = cs_photo_analyser_analyse (source_object, job->file, job->people, cancellable, &error);
  if (analysis == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, analysis, (GDestroyNotify) cs_photo_analysis_free);
}

void
cs_photo_analyser_analyse_async (CsPhotoAnalyser     *self,
                                 const char          *file,
                                 GPtrArray           *people,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CS_IS_PHOTO_ANALYSER (self));
  g_return_if_fail (file != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_photo_analyser_analyse_async);
  g_task_set_task_data (task, job_new (file, people, NULL, NULL), (GDestroyNotify) job_free);
  g_task_run_in_thread (task, analyse_thread);
}

CsPhotoAnalysis *
cs_photo_analyser_analyse_finish (CsPhotoAnalyser  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static GHashTable *
index_people (GPtrArray *people)
{
  GHashTable *by_id = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; people != NULL && i < people->len; i++)
    {
      CsPerson *person = g_ptr_array_index (people, i);

      if (person->id != NULL)
        g_hash_table_insert (by_id, person->id, person);
    }

  return by_id;
}

static double
overlap_fraction (const CsRect *a,
                  const CsRect *b)
{
  double w = MIN (a->x + a->w, b->x + b->w) - MAX (a->x, b->x);
  double h = MIN (a->y + a->h, b->y + b->h) - MAX (a->y, b->y);

  if (w <= 0 || h <= 0 || a->w * a->h <= 0)
    return 0;

  return (w * h) / (a->w * a->h);
}

/* Whether @a and @b name one file, through links and different spellings
 * of the path too: the original must never be overwritten. */
static gboolean
same_file (const char *a,
           const char *b)
{
  GStatBuf sa, sb;

  if (g_stat (a, &sa) != 0 || g_stat (b, &sb) != 0)
    return FALSE;

  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

GPtrArray *
cs_photo_analyser_redact (CsPhotoAnalyser  *self,
                          const char       *file,
                          GPtrArray        *regions,
                          GPtrArray        *people,
                          const GDate      *today,
                          const char       *dest,
                          GCancellable     *cancellable,
                          GError          **error)
{
  g_autoptr(CsImage) image = NULL;
  g_autoptr(GHashTable) by_id = index_people (people);
  g_autoptr(GArray) shown = g_array_new (FALSE, FALSE, sizeof (CsRect));
  g_autoptr(GArray) hidden = g_array_new (FALSE, FALSE, sizeof (CsRect));
  g_autoptr(GPtrArray) leftovers = regions_new ();
  int width, height;

  g_return_val_if_fail (CS_IS_PHOTO_ANALYSER (self), NULL);
  g_return_val_if_fail (file != NULL && dest != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (same_file (file, dest))
    {
      g_autofree char *name = g_path_get_basename (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The blurred copy of %s would replace the photo itself; save it under another name"),
                   name);
      return NULL;
    }

  image = cs_image_load (file, error);
  if (image == NULL)
    return NULL;

  width = cs_image_get_width (image);
  height = cs_image_get_height (image);

  for (guint i = 0; regions != NULL && i < regions->len; i++)
    {
      const CsPhotoRegion *region = g_ptr_array_index (regions, i);
      const CsPerson *tagged = region->tag != NULL ? g_hash_table_lookup (by_id, region->tag) : NULL;
      CsRect cover;

      cs_photo_region_get_cover (region, width, height, &cover);
      if (cs_photo_region_is_hidden (region, tagged, today))
        {
          cs_image_redact (image, &cover);
          g_array_append_val (hidden, cover);
        }
      else
        g_array_append_val (shown, region->rect);
    }

  ensure_loaded (self);

  /* Look again, more eagerly, at what will leave the laptop: a face the
   * first pass scored just under the line, or one half hidden by a region
   * the user moved, is blurred now and reported. */
  if (self->detector != NULL)
    {
      g_autoptr(GArray) faces = cs_face_detector_detect (self->detector, image,
                                                         CS_FACE_DETECTOR_RECHECK_THRESHOLD,
                                                         cancellable, error);
      if (faces == NULL)
        return NULL;

      for (guint i = 0; i < faces->len; i++)
        {
          const CsFace *face = &g_array_index (faces, CsFace, i);
          gboolean known = FALSE;
          CsPhotoRegion *region;
          CsRect cover;

          for (guint j = 0; j < shown->len && !known; j++)
            known = overlap_fraction (&face->rect, &g_array_index (shown, CsRect, j)) >= 0.5;
          for (guint j = 0; j < hidden->len && !known; j++)
            known = overlap_fraction (&face->rect, &g_array_index (hidden, CsRect, j)) >= 0.5;
          if (known)
            continue;

          region = cs_photo_region_new (CS_REGION_FACE, &face->rect, face->score);
          region->reason = g_strdup ("found again after blurring");
          cs_photo_region_get_cover (region, width, height, &cover);
          cs_image_redact (image, &cover);
          g_ptr_array_add (leftovers, region);
        }
    }

  /* A cancelled redaction leaves nothing half-decided behind. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !cs_image_save_jpeg (image, dest, EXPORT_QUALITY, error))
    return NULL;

  return g_steal_pointer (&leftovers);
}

static void
redact_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  GPtrArray *leftovers;

  leftovers = cs_photo_analyser_redact (source_object, job->file, job->regions, job->people,
                                        &job->today, job->dest, cancellable, &error);
  if (leftovers == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, leftovers, (GDestroyNotify) g_ptr_array_unref);
}

void
cs_photo_analyser_redact_async (CsPhotoAnalyser     *self,
                                const char          *file,
                                GPtrArray           *regions,
                                GPtrArray           *people,
                                const char          *dest,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CS_IS_PHOTO_ANALYSER (self));
  g_return_if_fail (file != NULL && dest != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_photo_analyser_redact_async);
  g_task_set_task_data (task, job_new (file, people, regions, dest), (GDestroyNotify) job_free);
  g_task_run_in_thread (task, redact_thread);
}

GPtrArray *
cs_photo_analyser_redact_finish (CsPhotoAnalyser  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
