/* cs-live-check.c: checks a post as it is typed, in a worker thread
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-live-check.h"

struct _CsLiveCheck
{
  GObject       parent_instance;

  CsChecker    *checker;
  GCancellable *cancellable;
  guint         serial;        /* the latest request */
  gboolean      busy;

  /* The request waiting for the running check to end. */
  char         *pending_text;
  guint         pending_platforms;
  guint         pending_serial;
  gboolean      has_pending;
};

G_DEFINE_FINAL_TYPE (CsLiveCheck, cs_live_check, G_TYPE_OBJECT)

enum { FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct
{
  CsChecker *checker;
  char      *text;
  guint      platforms;
  guint      serial;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->checker);
  g_free (job->text);
  g_free (job);
}

static void start (CsLiveCheck *self, char *text, guint platforms, guint serial);

static void
cs_live_check_dispose (GObject *object)
{
  CsLiveCheck *self = CS_LIVE_CHECK (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->checker);
  g_clear_pointer (&self->pending_text, g_free);

  G_OBJECT_CLASS (cs_live_check_parent_class)->dispose (object);
}

static void
cs_live_check_finalize (GObject *object)
{
  CsLiveCheck *self = CS_LIVE_CHECK (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (cs_live_check_parent_class)->finalize (object);
}

static void
cs_live_check_class_init (CsLiveCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cs_live_check_dispose;
  object_class->finalize = cs_live_check_finalize;

  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_PTR_ARRAY);
}

static void
cs_live_check_init (CsLiveCheck *self)
{
  self->cancellable = g_cancellable_new ();
}

CsLiveCheck *
cs_live_check_new (void)
{
  return g_object_new (CS_TYPE_LIVE_CHECK, NULL);
}

void
cs_live_check_set_checker (CsLiveCheck *self,
                           CsChecker   *checker)
{
  g_return_if_fail (CS_IS_LIVE_CHECK (self));

  g_set_object (&self->checker, checker);

  /* A request made before the checker was ready runs now. */
  if (self->checker != NULL && self->has_pending && !self->busy)
    {
      self->has_pending = FALSE;
      start (self, g_steal_pointer (&self->pending_text), self->pending_platforms, self->pending_serial);
    }
}

CsChecker *
cs_live_check_get_checker (CsLiveCheck *self)
{
  g_return_val_if_fail (CS_IS_LIVE_CHECK (self), NULL);

  return self->checker;
}

static void
run_job (GTask        *task,
         gpointer      source_object,
         gpointer      task_data,
         GCancellable *cancellable)
{
  Job *job = task_data;
  GPtrArray *findings;

  findings = cs_checker_check_range (job->checker, job->text, -1, 0, G_MAXSIZE);
  /* Fixes for misspellings are ready before anyone right-clicks. */
  for (guint i = 0; i < findings->len; i++)
    cs_checker_fill_suggestions (job->checker, g_ptr_array_index (findings, i));
  for (CsPlatform p = 0; p < CS_N_PLATFORMS; p++)
    if (job->platforms & (1u << p))
      {
        CsFinding *length = cs_checker_check_length (job->checker, job->text, -1, p);

        if (length != NULL)
          g_ptr_array_add (findings, length);
      }
  g_ptr_array_sort (findings, cs_finding_compare);

  g_task_return_pointer (task, findings, (GDestroyNotify) g_ptr_array_unref);
}

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CsLiveCheck *self = CS_LIVE_CHECK (object);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GError) error = NULL;

  findings = g_task_propagate_pointer (G_TASK (result), &error);
  if (findings == NULL)
    return;

  self->busy = FALSE;
  g_signal_emit (self, signals[FINISHED], 0, job->serial, findings);

  if (self->has_pending && self->checker != NULL)
    {
      self->has_pending = FALSE;
      start (self, g_steal_pointer (&self->pending_text), self->pending_platforms, self->pending_serial);
    }
}

static void
start (CsLiveCheck *self,
       char        *text,
       guint        platforms,
       guint        serial)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, job_done_cb, NULL);
  Job *job = g_new0 (Job, 1);

  job->checker = g_object_ref (self->checker);
  job->text = text;
  job->platforms = platforms;
  job->serial = serial;

  self->busy = TRUE;
  g_task_set_source_tag (task, start);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, run_job);
}

guint
cs_live_check_request (CsLiveCheck *self,
                       const char  *text,
                       guint        platforms)
{
  g_return_val_if_fail (CS_IS_LIVE_CHECK (self), 0);

  self->serial++;

  if (self->busy || self->checker == NULL)
    {
      g_free (self->pending_text);
      self->pending_text = g_strdup (text);
      self->pending_platforms = platforms;
      self->pending_serial = self->serial;
      self->has_pending = TRUE;
    }
  else
    start (self, g_strdup (text), platforms, self->serial);

  return self->serial;
}

guint
cs_live_check_get_serial (CsLiveCheck *self)
{
  g_return_val_if_fail (CS_IS_LIVE_CHECK (self), 0);

  return self->serial;
}

gboolean
cs_live_check_is_busy (CsLiveCheck *self)
{
  g_return_val_if_fail (CS_IS_LIVE_CHECK (self), FALSE);

  return self->busy || self->has_pending;
}
