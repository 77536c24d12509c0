/* cs-live-check.c: checks a post as it is typed, in a worker thread
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-live-check.h"
#include "cs-thread-niceness.h"

/* The checks run on a thread of their own at a lower priority than the
 * interface: on a two-core school laptop a check running flat out must never
 * make typing wait. Requests that pile up while a check runs are dropped
 * for the newest, which is the only one worth an answer. */
struct _CsLiveCheck
{
  GObject       parent_instance;

  GMainContext *context;       /* where ::finished is emitted */
  GThread      *thread;
  GMutex        lock;
  GCond         cond;
  /* Under the lock */
  CsChecker    *checker;
  char         *pending_text;
  guint         pending_platforms;
  guint         pending_serial;
  gboolean      has_pending;
  gboolean      running;
  gboolean      stopping;

  guint         serial;        /* the latest request, main thread only */
};

G_DEFINE_FINAL_TYPE (CsLiveCheck, cs_live_check, G_TYPE_OBJECT)

enum { FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct
{
  GWeakRef   self;
  guint      serial;
  GPtrArray *findings;
} Result;

static void
result_free (Result *result)
{
  g_weak_ref_clear (&result->self);
  g_clear_pointer (&result->findings, g_ptr_array_unref);
  g_free (result);
}

static gboolean
deliver_cb (gpointer data)
{
  Result *result = data;
  g_autoptr(CsLiveCheck) self = g_weak_ref_get (&result->self);

  if (self != NULL)
    g_signal_emit (self, signals[FINISHED], 0, result->serial, result->findings);

  return G_SOURCE_REMOVE;
}

/* Kept at most; past it the list starts again. */
#define MAX_KNOWN_WORDS 2000

static GPtrArray *
copy_words (GPtrArray *words)
{
  GPtrArray *copy = g_ptr_array_copy (words, (GCopyFunc) (void (*) (void)) g_strdup, NULL);

  g_ptr_array_set_free_func (copy, g_free);
  return copy;
}

/* A misspelt word's suggestions are the same on every key, and working them
 * out is the costliest part of a check: each word's are kept, in @known,
 * for as long as the checker is the same. */
static void
fill_suggestions (CsChecker  *checker,
                  GHashTable *known,
                  CsFinding  *finding)
{
  GPtrArray *words;

  if (finding->suggestions != NULL || !g_str_equal (finding->rule, CS_RULE_SPELLING))
    {
      cs_checker_fill_suggestions (checker, finding);
      return;
    }

  words = g_hash_table_lookup (known, finding->text);
  if (words != NULL)
    {
      finding->suggestions = copy_words (words);
      return;
    }

  cs_checker_fill_suggestions (checker, finding);
  if (g_hash_table_size (known) >= MAX_KNOWN_WORDS)
    g_hash_table_remove_all (known);
  g_hash_table_insert (known, g_strdup (finding->text), copy_words (finding->suggestions));
}

static GPtrArray *
run_check (CsChecker  *checker,
           GHashTable *known,
           const char *text,
           guint       platforms)
{
  GPtrArray *findings = cs_checker_check_range (checker, text, -1, 0, G_MAXSIZE);

  /* Fixes for misspellings are ready before anyone right-clicks. */
  for (guint i = 0; i < findings->len; i++)
    fill_suggestions (checker, known, g_ptr_array_index (findings, i));

  for (CsPlatform p = 0; p < CS_N_PLATFORMS; p++)
    if (platforms & (1u << p))
      {
        CsFinding *length = cs_checker_check_length (checker, text, -1, p);

        if (length != NULL)
          g_ptr_array_add (findings, length);
      }
  g_ptr_array_sort (findings, cs_finding_compare);

  return findings;
}

static gpointer
worker_thread (gpointer data)
{
  CsLiveCheck *self = data;
  g_autoptr(GHashTable) known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(CsChecker) known_for = NULL;

  cs_thread_set_background ();

  g_mutex_lock (&self->lock);
  for (;;)
    {
      g_autoptr(CsChecker) checker = NULL;
      g_autofree char *text = NULL;
      Result *result;
      guint platforms, serial;

      while (!self->stopping && (!self->has_pending || self->checker == NULL))
        g_cond_wait (&self->cond, &self->lock);
      if (self->stopping)
        break;

      checker = g_object_ref (self->checker);
      text = g_steal_pointer (&self->pending_text);
      platforms = self->pending_platforms;
      serial = self->pending_serial;
      self->has_pending = FALSE;
      self->running = TRUE;
      g_mutex_unlock (&self->lock);

      result = g_new0 (Result, 1);
      g_weak_ref_init (&result->self, self);
      result->serial = serial;
      /* A new checker may know other words (a new dictionary, or a word
       * added to it). */
      if (known_for != checker)
        {
          g_hash_table_remove_all (known);
          g_set_object (&known_for, checker);
        }
      result->findings = run_check (checker, known, text, platforms);

      /* An idle source, not g_main_context_invoke(): that runs the function
       * in this thread whenever it can take the context, and findings are
       * shown with GTK, which only the thread running the loop may touch. */
      {
        GSource *source = g_idle_source_new ();

        g_source_set_priority (source, G_PRIORITY_DEFAULT);
        g_source_set_callback (source, deliver_cb, result, (GDestroyNotify) result_free);
        g_source_set_static_name (source, "[countersign] live check result");
        g_source_attach (source, self->context);
        g_source_unref (source);
      }

      g_mutex_lock (&self->lock);
      self->running = FALSE;
    }
  g_mutex_unlock (&self->lock);

  return NULL;
}

static void
cs_live_check_dispose (GObject *object)
{
  CsLiveCheck *self = CS_LIVE_CHECK (object);

  if (self->thread != NULL)
    {
      g_mutex_lock (&self->lock);
      self->stopping = TRUE;
      g_cond_signal (&self->cond);
      g_mutex_unlock (&self->lock);
      g_thread_join (g_steal_pointer (&self->thread));
    }

  g_clear_object (&self->checker);
  g_clear_pointer (&self->pending_text, g_free);

  G_OBJECT_CLASS (cs_live_check_parent_class)->dispose (object);
}

static void
cs_live_check_finalize (GObject *object)
{
  CsLiveCheck *self = CS_LIVE_CHECK (object);

  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

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
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->context = g_main_context_ref_thread_default ();
  self->thread = g_thread_new ("cs-live-check", worker_thread, self);
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

  g_mutex_lock (&self->lock);
  g_set_object (&self->checker, checker);
  /* A request made before the checker was ready runs now. */
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

CsChecker *
cs_live_check_get_checker (CsLiveCheck *self)
{
  CsChecker *checker;

  g_return_val_if_fail (CS_IS_LIVE_CHECK (self), NULL);

  g_mutex_lock (&self->lock);
  checker = self->checker;
  g_mutex_unlock (&self->lock);

  return checker;
}

guint
cs_live_check_request_take (CsLiveCheck *self,
                            char        *text,
                            guint        platforms)
{
  g_return_val_if_fail (CS_IS_LIVE_CHECK (self), 0);

  self->serial++;

  g_mutex_lock (&self->lock);
  g_free (self->pending_text);
  self->pending_text = text;
  self->pending_platforms = platforms;
  self->pending_serial = self->serial;
  self->has_pending = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);

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
  gboolean busy;

  g_return_val_if_fail (CS_IS_LIVE_CHECK (self), FALSE);

  g_mutex_lock (&self->lock);
  busy = self->running || self->has_pending;
  g_mutex_unlock (&self->lock);

  return busy;
}
