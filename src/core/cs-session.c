/* cs-session.c: the dictionary, policy and roster a window checks against
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "cs-session.h"
#include "cs-thread-niceness.h"

struct _CsSession
{
  GObject       parent_instance;

  CsPolicy     *policy;
  CsRoster     *roster;
  CsSpelling   *spelling;
  CsChecker    *checker;

  GFile        *roster_file;
  GFile        *policy_file;
  GFileMonitor *roster_monitor;
  guint         roster_reload_source;
  GError       *roster_error;
  GCancellable *cancellable;

  GFile        *words_file;
};

G_DEFINE_FINAL_TYPE (CsSession, cs_session, G_TYPE_OBJECT)

enum
{
  READY,
  ROSTER_LOADED,
  ROSTER_FAILED,
  POLICY_FAILED,
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Editors save a file in several steps; wait for them to settle. */
#define ROSTER_SETTLE_MS 300

static void
cs_session_dispose (GObject *object)
{
  CsSession *self = CS_SESSION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->roster_reload_source, g_source_remove);
  if (self->roster_monitor != NULL)
    g_file_monitor_cancel (self->roster_monitor);
  g_clear_object (&self->roster_monitor);

  G_OBJECT_CLASS (cs_session_parent_class)->dispose (object);
}

static void
cs_session_finalize (GObject *object)
{
  CsSession *self = CS_SESSION (object);

  g_clear_object (&self->checker);
  g_clear_object (&self->spelling);
  g_clear_object (&self->roster);
  g_clear_object (&self->policy);
  g_clear_object (&self->roster_file);
  g_clear_object (&self->policy_file);
  g_clear_object (&self->words_file);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->roster_error);

  G_OBJECT_CLASS (cs_session_parent_class)->finalize (object);
}

static void
cs_session_class_init (CsSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cs_session_dispose;
  object_class->finalize = cs_session_finalize;

  signals[READY] = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ROSTER_LOADED] = g_signal_new ("roster-loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ROSTER_FAILED] = g_signal_new ("roster-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[POLICY_FAILED] = g_signal_new ("policy-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cs_session_init (CsSession *self)
{
  self->policy = cs_policy_new ();
  self->roster = cs_roster_new ();
  self->cancellable = g_cancellable_new ();
}

CsSession *
cs_session_new (void)
{
  return g_object_new (CS_TYPE_SESSION, NULL);
}

static void
roster_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CsSession) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cs_roster_load_file_finish (CS_ROSTER (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      g_clear_error (&self->roster_error);
      self->roster_error = g_error_copy (error);
      g_signal_emit (self, signals[ROSTER_FAILED], 0, error);
      return;
    }

  g_clear_error (&self->roster_error);
  g_signal_emit (self, signals[ROSTER_LOADED], 0);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
reload_roster (CsSession *self)
{
  if (self->roster_file == NULL)
    return;

  cs_roster_load_file_async (self->roster, self->roster_file, self->cancellable,
                             roster_loaded_cb, g_object_ref (self));
}

static gboolean
reload_roster_cb (gpointer user_data)
{
  CsSession *self = user_data;

  self->roster_reload_source = 0;
  reload_roster (self);

  return G_SOURCE_REMOVE;
}

static void
roster_file_changed_cb (GFileMonitor      *monitor,
                        GFile             *file,
                        GFile             *other,
                        GFileMonitorEvent  event,
                        gpointer           user_data)
{
  CsSession *self = user_data;

  if (event != G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT && event != G_FILE_MONITOR_EVENT_CREATED &&
      event != G_FILE_MONITOR_EVENT_CHANGED && event != G_FILE_MONITOR_EVENT_RENAMED &&
      event != G_FILE_MONITOR_EVENT_MOVED_IN)
    return;

  g_clear_handle_id (&self->roster_reload_source, g_source_remove);
  self->roster_reload_source = g_timeout_add (ROSTER_SETTLE_MS, reload_roster_cb, self);
}

void
cs_session_set_roster_file (CsSession *self,
                            GFile     *file)
{
  g_return_if_fail (CS_IS_SESSION (self));

  if (self->roster_monitor != NULL)
    {
      g_file_monitor_cancel (self->roster_monitor);
      g_clear_object (&self->roster_monitor);
    }
  g_set_object (&self->roster_file, file);
  g_clear_error (&self->roster_error);

  /* Before the dictionary is ready, the file is only noted: it loads then. */
  if (file == NULL || self->checker == NULL)
    return;

  /* Watched as a file: editors and MIS exports replace it by renaming. */
  self->roster_monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
  if (self->roster_monitor != NULL)
    g_signal_connect (self->roster_monitor, "changed", G_CALLBACK (roster_file_changed_cb), self);

  reload_roster (self);
}

GFile *
cs_session_get_roster_file (CsSession *self)
{
  g_return_val_if_fail (CS_IS_SESSION (self), NULL);

  return self->roster_file;
}

void
cs_session_set_policy_file (CsSession *self,
                            GFile     *file)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CS_IS_SESSION (self));

  g_set_object (&self->policy_file, file);
  if (self->checker == NULL)
    return;

  /* Policy files are a few kilobytes; reading one here is cheap. */
  if (!cs_policy_reload_file (self->policy, file, &error))
    {
      g_signal_emit (self, signals[POLICY_FAILED], 0, error);
      return;
    }

  g_signal_emit (self, signals[CHANGED], 0);
}

static void
read_words (CsSession *self)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (self->spelling == NULL || self->words_file == NULL ||
      !g_file_load_contents (self->words_file, NULL, &contents, NULL, NULL, NULL))
    return;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] != '\0' && g_utf8_validate (lines[i], -1, NULL))
        cs_spelling_add_word (self->spelling, lines[i]);
    }
}

void
cs_session_set_words_file (CsSession *self,
                           GFile     *file)
{
  g_return_if_fail (CS_IS_SESSION (self));

  g_set_object (&self->words_file, file);
  read_words (self);
}

gboolean
cs_session_add_word (CsSession   *self,
                     const char  *word,
                     GError     **error)
{
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GFile) parent = NULL;
  g_autofree char *line = NULL;

  g_return_val_if_fail (CS_IS_SESSION (self), FALSE);

  if (self->spelling != NULL)
    cs_spelling_add_word (self->spelling, word);

  if (self->words_file == NULL)
    return TRUE;

  parent = g_file_get_parent (self->words_file);
  {
    g_autoptr(GError) local_error = NULL;

    if (!g_file_make_directory_with_parents (parent, NULL, &local_error) &&
        !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
      {
        g_propagate_error (error, g_steal_pointer (&local_error));
        return FALSE;
      }
  }

  out = g_file_append_to (self->words_file, G_FILE_CREATE_PRIVATE, NULL, error);
  line = g_strconcat (word, "\n", NULL);

  return out != NULL && g_output_stream_write_all (G_OUTPUT_STREAM (out), line, strlen (line), NULL, NULL, error) &&
         g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error);
}

/* A thread of its own, not one of GLib's pool: its niceness, lowered so
 * that the first window is drawn before the dictionary is read, could not
 * be raised again for the pool's next job without privileges. */
static gpointer
load_spelling_thread (gpointer data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GError) error = NULL;
  CsSpelling *spelling;

  cs_thread_set_background ();
  spelling = cs_spelling_new ("en_GB", &error);

  /* Without a dictionary the checks still run, without spelling. */
  if (spelling == NULL)
    g_message ("%s", error->message);

  g_task_return_pointer (task, spelling, g_object_unref);
  return NULL;
}

static void
spelling_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CsSession *self = g_task_get_source_object (task);
  CsSpelling *spelling = g_task_propagate_pointer (G_TASK (result), NULL);

  if (g_task_return_error_if_cancelled (task))
    {
      g_clear_object (&spelling);
      return;
    }

  self->spelling = spelling;
  self->checker = cs_checker_new (self->policy, self->roster, self->spelling);
  read_words (self);

  /* The files asked for last, which may have changed while this loaded. */
  {
    g_autoptr(GFile) policy = self->policy_file != NULL ? g_object_ref (self->policy_file) : NULL;
    g_autoptr(GFile) roster = self->roster_file != NULL ? g_object_ref (self->roster_file) : NULL;

    if (policy != NULL)
      cs_session_set_policy_file (self, policy);
    cs_session_set_roster_file (self, roster);
  }

  g_signal_emit (self, signals[READY], 0);
  g_signal_emit (self, signals[CHANGED], 0);
  g_task_return_boolean (task, TRUE);
}

void
cs_session_load_async (CsSession           *self,
                       GFile               *roster,
                       GFile               *policy,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;

  g_return_if_fail (CS_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_session_load_async);
  /* Noted now, loaded when the dictionary is ready: a later change wins. */
  g_set_object (&self->roster_file, roster);
  g_set_object (&self->policy_file, policy);

  /* Opening hunspell takes tens of milliseconds: not on the main thread. */
  worker = g_task_new (NULL, cancellable, spelling_loaded_cb, g_steal_pointer (&task));
  g_thread_unref (g_thread_new ("cs-dictionary", load_spelling_thread, g_steal_pointer (&worker)));
}

gboolean
cs_session_load_finish (CsSession     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
cs_session_is_ready (CsSession *self)
{
  g_return_val_if_fail (CS_IS_SESSION (self), FALSE);

  return self->checker != NULL;
}

CsChecker *
cs_session_get_checker (CsSession *self)
{
  g_return_val_if_fail (CS_IS_SESSION (self), NULL);

  return self->checker;
}

CsRoster *
cs_session_get_roster (CsSession *self)
{
  g_return_val_if_fail (CS_IS_SESSION (self), NULL);

  return self->roster;
}

CsPolicy *
cs_session_get_policy (CsSession *self)
{
  g_return_val_if_fail (CS_IS_SESSION (self), NULL);

  return self->policy;
}

const GError *
cs_session_get_roster_error (CsSession *self)
{
  g_return_val_if_fail (CS_IS_SESSION (self), NULL);

  return self->roster_error;
}
