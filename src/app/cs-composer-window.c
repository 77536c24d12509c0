/* cs-composer-window.c: the window office staff write posts in
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cs-composer-window-private.h"
#include "cs-photo-editor.h"
#include "cs-resubmission.h"
#include "cs-thread-niceness.h"

G_DEFINE_FINAL_TYPE (CsComposerWindow, cs_composer_window, ADW_TYPE_APPLICATION_WINDOW)

/* A draft is written to disk this long after the last change, and on close. */
#define AUTOSAVE_DELAY_MS 2000

static GtkToggleButton *
platform_button (CsComposerWindow *self,
                 CsPlatform        platform)
{
  switch (platform)
    {
    case CS_PLATFORM_X:
      return self->platform_x;
    case CS_PLATFORM_MASTODON:
      return self->platform_mastodon;
    case CS_PLATFORM_BLUESKY:
      return self->platform_bluesky;
    case CS_PLATFORM_FACEBOOK:
    case CS_N_PLATFORMS:
    default:
      return self->platform_facebook;
    }
}

static guint
selected_platforms (CsComposerWindow *self)
{
  guint platforms = 0;

  for (CsPlatform p = 0; p < CS_N_PLATFORMS; p++)
    if (gtk_toggle_button_get_active (platform_button (self, p)))
      platforms |= 1u << p;

  return platforms;
}

void
cs_composer_window_toast (CsComposerWindow *self,
                          const char       *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static char *
dup_text (CsComposerWindow *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  return gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
}

/* While someone types, far from the limit, the counter waits for a pause
 * this long before it changes: on every key, its redraw and the line's
 * together made one area to paint from the line down to the counter, the
 * largest part of the main thread's time per key. */
#define COUNTER_PAUSE_MS 150
/* Within this many characters of the limit, either side, every key counts. */
#define COUNTER_CLOSE 20

static void
show_counter (CsComposerWindow *self)
{
  g_clear_handle_id (&self->counter_source, g_source_remove);
  gtk_inscription_set_text (self->counter_label, self->counter_text);
  if (self->counter_over)
    gtk_widget_add_css_class (GTK_WIDGET (self->counter_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->counter_label), "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->counter_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->counter_accessible, -1);
}

static gboolean
counter_pause_cb (gpointer user_data)
{
  CsComposerWindow *self = user_data;

  self->counter_source = 0;
  show_counter (self);
  return G_SOURCE_REMOVE;
}

/* Remaining characters on the strictest selected platform, "remaining /
 * limit". A key typed far from the limit (@typing, and the text one
 * character longer or shorter) is shown at the next pause; anything else,
 * crossing the limit included, at once. */
static void
update_counter (CsComposerWindow *self,
                const char       *text,
                gboolean          typing)
{
  g_autoptr(GString) tooltip = g_string_new (NULL);
  guint platforms = selected_platforms (self);
  CsPlatform strictest = CS_N_PLATFORMS;
  int least = G_MAXINT;
  gsize len = strlen (text);
  gboolean one_key = (len > self->counter_len ? len - self->counter_len : self->counter_len - len) <= 4;

  self->counter_len = len;
  for (CsPlatform p = 0; p < CS_N_PLATFORMS; p++)
    {
      guint used, limit;
      int remaining;

      if (!(platforms & (1u << p)))
        continue;

      used = cs_platform_count (p, text, len);
      limit = cs_platform_get_limit (p);
      remaining = (int) limit - (int) used;
      if (tooltip->len > 0)
        g_string_append_c (tooltip, '\n');
      g_string_append_printf (tooltip, _("%s: %u of %u characters"), cs_platform_get_display_name (p), used, limit);

      if (remaining < least)
        {
          least = remaining;
          strictest = p;
        }
    }

  g_clear_pointer (&self->counter_text, g_free);
  g_clear_pointer (&self->counter_accessible, g_free);
  self->counter_over = strictest != CS_N_PLATFORMS && least < 0;
  if (strictest == CS_N_PLATFORMS)
    {
      self->counter_text = g_strdup ("");
      self->counter_accessible = g_strdup ("");
    }
  else
    {
      self->counter_text = g_strdup_printf ("%d / %u", least, cs_platform_get_limit (strictest));
      if (least < 0)
        self->counter_accessible = g_strdup_printf (_("%d characters over the %s limit of %u"), -least,
                                                    cs_platform_get_display_name (strictest),
                                                    cs_platform_get_limit (strictest));
      else
        self->counter_accessible = g_strdup_printf (_("%d characters left of %u on %s"), least,
                                                    cs_platform_get_limit (strictest),
                                                    cs_platform_get_display_name (strictest));
    }

  /* Shown when asked for (query-tooltip): setting it on every key would make
   * GTK ask every tooltip again on every key. */
  g_free (self->counter_tooltip);
  self->counter_tooltip = g_string_free (g_steal_pointer (&tooltip), FALSE);

  /* Near the limit, and on crossing it, every key is shown as it comes. */
  if (typing && one_key && ABS (least) > COUNTER_CLOSE &&
      self->counter_over == gtk_widget_has_css_class (GTK_WIDGET (self->counter_label), "error"))
    {
      g_clear_handle_id (&self->counter_source, g_source_remove);
      self->counter_source = g_timeout_add (COUNTER_PAUSE_MS, counter_pause_cb, self);
      return;
    }

  show_counter (self);
}

/* Counts and checks @text (taken), the buffer's text as it now is. */
static void
check_text (CsComposerWindow *self,
            char             *text,
            gboolean          typing)
{
  update_counter (self, text, typing);
  cs_live_check_request_take (self->live, text, selected_platforms (self));
  cs_composer_window_update_submit (self);
}

void
cs_composer_window_recheck (CsComposerWindow *self)
{
  check_text (self, dup_text (self), FALSE);
}

gboolean
cs_composer_window_is_checking (CsComposerWindow *self)
{
  return !cs_session_is_ready (self->session) || cs_live_check_is_busy (self->live) ||
         self->shown_serial != cs_live_check_get_serial (self->live);
}

/* Submit stays off, with the reason as its tooltip, until the post can go. */
void
cs_composer_window_update_submit (CsComposerWindow *self)
{
  g_autofree char *reason = NULL;
  guint n_errors = 0;
  guint n_alt_errors = 0;
  gboolean alt_missing = FALSE;
  GtkTextIter start, end;

  for (guint i = 0; i < self->findings->len; i++)
    {
      const CsFinding *finding = g_ptr_array_index (self->findings, i);

      if (finding->severity != CS_SEVERITY_ERROR)
        continue;
      n_errors++;
      if (finding->photo != NULL && g_str_equal (finding->rule, CS_RULE_ALT_TEXT))
        n_alt_errors++;
    }

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);

  if (self->submitting)
    reason = g_strdup (_("Sending to the headteacher…"));
  else if (gtk_text_iter_equal (&start, &end))
    reason = g_strdup (_("Write the post first"));
  else if (!cs_session_is_ready (self->session))
    reason = g_strdup (_("Still loading the dictionary and the roster…"));
  else if (n_errors > n_alt_errors)
    reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u problem must be fixed before the post can be approved",
                                           "%u problems must be fixed before the post can be approved", n_errors),
                              n_errors);

  /* A photo being checked may yet turn out to show someone. */
  for (guint i = 0; reason == NULL && i < cs_draft_get_n_attachments (self->draft); i++)
    if (cs_draft_get_attachment (self->draft, i)->state == CS_PHOTO_STATE_CHECKING)
      reason = g_strdup_printf (_("Photo %u is still being checked for faces and names…"), i + 1);

  for (guint i = 0; reason == NULL && i < cs_draft_get_n_attachments (self->draft); i++)
    if (cs_draft_get_attachment (self->draft, i)->alt_text[0] == '\0')
      {
        reason = g_strdup_printf (_("Photo %u needs alt text: describe it for people who cannot see it"), i + 1);
        alt_missing = TRUE;
      }

  /* Alt text of nothing but spaces is no description either. */
  if (reason == NULL && n_errors > 0)
    reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u problem must be fixed before the post can be approved",
                                           "%u problems must be fixed before the post can be approved", n_errors),
                              n_errors);

  g_free (self->submit_blocker);
  self->submit_blocker = g_strdup (reason);

  /* With the text clear, what still holds the post back is said above the list. */
  if (n_errors == n_alt_errors && alt_missing)
    gtk_label_set_label (self->summary_label, _("A photo needs alt text"));

  /* The tooltip is answered when asked (query-tooltip): setting one makes
   * GTK ask every tooltip on the display again. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.submit", reason == NULL);
}

const char *
cs_composer_window_get_submit_tooltip (CsComposerWindow *self)
{
  return self->submit_blocker != NULL ? self->submit_blocker : _("Send to the headteacher for approval (Ctrl+Enter)");
}

static gboolean
submit_query_tooltip_cb (GtkWidget        *widget,
                         int               x,
                         int               y,
                         gboolean          keyboard,
                         GtkTooltip       *tooltip,
                         CsComposerWindow *self)
{
  gtk_tooltip_set_text (tooltip, cs_composer_window_get_submit_tooltip (self));
  return TRUE;
}

static gboolean
autosave_cb (gpointer user_data)
{
  CsComposerWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  self->autosave_source = 0;

  if (!cs_draft_store_save (self->store, self->draft, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The draft could not be saved: %s. Keep this window open and free some disk space."),
                                                  error->message);
      adw_window_title_set_subtitle (self->window_title, _("Not saved"));
      cs_composer_window_toast (self, message);
      return G_SOURCE_REMOVE;
    }

  adw_window_title_set_subtitle (self->window_title, _("Draft saved"));
  return G_SOURCE_REMOVE;
}

static void
save_now (CsComposerWindow *self)
{
  if (self->autosave_source == 0)
    return;

  g_clear_handle_id (&self->autosave_source, g_source_remove);
  autosave_cb (self);
}

static gboolean
counter_query_tooltip_cb (GtkWidget        *widget,
                          int               x,
                          int               y,
                          gboolean          keyboard,
                          GtkTooltip       *tooltip,
                          CsComposerWindow *self)
{
  if (self->counter_tooltip == NULL || *self->counter_tooltip == '\0')
    return FALSE;

  gtk_tooltip_set_text (tooltip, self->counter_tooltip);
  return TRUE;
}

/* Photo checks
 * ============
 *
 * Each photo is looked at for faces and names on a thread of its own, at a
 * lower priority than the window, so that typing stays smooth while a
 * detector runs. The results are applied here, on the main thread.
 */

/* Checks beyond this wait their turn: each keeps a core busy, and one core
 * is left for the window. */
#define MAX_PHOTO_WORKERS 4

/* Checks running in any window; main thread only. */
static guint photo_threads;

typedef struct
{
  /* NULL once the window no longer wants the result: it closed, moved to
   * another draft, or the photo was removed. Main thread only. */
  CsComposerWindow *self;
  char             *id;
  char             *file;
  CsPhotoAnalyser  *analyser;
  GPtrArray        *people;   /* CsPerson, a snapshot */
  GCancellable     *cancellable;
  gboolean          finished; /* its result is being applied */
  /* Held while the check runs: the process must not exit under a thread
   * that is still inside the detector. */
  GApplication     *app;
} PhotoJob;

static void
photo_job_free (PhotoJob *job)
{
  g_free (job->id);
  g_free (job->file);
  g_clear_object (&job->analyser);
  g_clear_pointer (&job->people, g_ptr_array_unref);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->app);
  g_free (job);
}

static guint
max_photo_workers (void)
{
  return CLAMP (g_get_num_processors () - 1, 1, MAX_PHOTO_WORKERS);
}

static gpointer
photo_worker (gpointer data)
{
  GTask *task = data;
  PhotoJob *job = g_task_get_task_data (task);
  GError *error = NULL;
  CsPhotoAnalysis *analysis;

  /* Linux gives each thread its own niceness. This thread is the check's
   * alone, so the niceness goes with it rather than staying on a shared
   * pool thread; threads the detector starts from here inherit it. */
  cs_thread_set_background ();

  analysis = cs_photo_analyser_analyse (job->analyser, job->file, job->people, job->cancellable, &error);
  if (analysis == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, analysis, (GDestroyNotify) cs_photo_analysis_free);

  g_object_unref (task);
  return NULL;
}

static void photo_analysed_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data);

static void
start_waiting_photos (CsComposerWindow *self)
{
  while (self->photos_running < max_photo_workers () && !g_queue_is_empty (&self->photo_queue))
    {
      PhotoJob *job = g_queue_pop_head (&self->photo_queue);
      g_autoptr(GError) error = NULL;
      GTask *task;
      GThread *thread;

      /* No source object: the task may be released on the worker thread,
       * and a window must only ever be finalized on the main thread. */
      task = g_task_new (NULL, job->cancellable, photo_analysed_cb, NULL);
      g_task_set_source_tag (task, start_waiting_photos);
      g_task_set_task_data (task, job, (GDestroyNotify) photo_job_free);
      self->photos_running++;
      photo_threads++;
      if (job->app != NULL)
        g_application_hold (job->app);

      thread = g_thread_try_new ("cs-photo-check", photo_worker, g_object_ref (task), &error);
      if (thread == NULL)
        {
          g_object_unref (task);
          g_task_return_error (task, g_steal_pointer (&error));
        }
      else
        g_thread_unref (thread);
      g_object_unref (task);
    }
}

/* Cancels @job; its result, if it still comes, is dropped. */
static void
forget_photo_job (CsComposerWindow *self,
                  PhotoJob         *job)
{
  g_cancellable_cancel (job->cancellable);
  job->self = NULL;
  g_hash_table_remove (self->photo_jobs, job->id);

  /* A job still in the queue has no task yet to free it. */
  if (g_queue_remove (&self->photo_queue, job))
    photo_job_free (job);
  else if (!job->finished)
    self->photos_running--;
}

/* Stops every check, for another draft or a closing window. */
static void
forget_photo_jobs (CsComposerWindow *self)
{
  g_autoptr(GList) jobs = g_hash_table_get_values (self->photo_jobs);

  for (GList *l = jobs; l != NULL; l = l->next)
    forget_photo_job (self, l->data);
  g_hash_table_remove_all (self->photo_errors);
}

static void
queue_photo (CsComposerWindow   *self,
             const CsAttachment *attachment)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  CsRoster *roster = cs_session_get_roster (self->session);
  PhotoJob *job;

  if (self->analyser == NULL)
    {
      if (!CS_IS_APPLICATION (app))
        return;
      self->analyser = g_object_ref (cs_application_get_photo_analyser (CS_APPLICATION (app)));
    }

  job = g_new0 (PhotoJob, 1);
  job->self = self;
  job->id = g_strdup (attachment->id);
  job->file = g_strdup (attachment->file);
  job->analyser = g_object_ref (self->analyser);
  job->people = roster != NULL ? cs_roster_dup_people (roster) : NULL;
  job->cancellable = g_cancellable_new ();
  job->app = G_APPLICATION (g_object_ref (app));

  g_hash_table_insert (self->photo_jobs, job->id, job);
  g_queue_push_tail (&self->photo_queue, job);
  start_waiting_photos (self);
}

/* What a photo's state should be now that it has been looked at: blurred
 * when faces were looked for (by the detector, or by hand) and nothing in it
 * needs the user; otherwise someone must review it. Alt text is asked for
 * apart, on its badge. */
static CsPhotoState
settled_state (CsComposerWindow   *self,
               const CsAttachment *attachment,
               GPtrArray          *findings)
{
  g_autoptr(GPtrArray) own = NULL;

  if (g_hash_table_contains (self->photo_errors, attachment->id))
    return CS_PHOTO_STATE_NEEDS_REVIEW;
  if (!attachment->faces_checked && !attachment->marked_by_hand)
    return CS_PHOTO_STATE_NEEDS_REVIEW;

  if (findings == NULL)
    findings = own = cs_composer_window_check_photo (self, attachment);
  for (guint i = 0; i < findings->len; i++)
    {
      const CsFinding *finding = g_ptr_array_index (findings, i);

      if (finding->severity == CS_SEVERITY_ERROR && !g_str_equal (finding->rule, CS_RULE_ALT_TEXT) &&
          g_strcmp0 (finding->photo, attachment->id) == 0)
        return CS_PHOTO_STATE_NEEDS_REVIEW;
    }

  return CS_PHOTO_STATE_BLURRED;
}

/* The loader names the file it read, which is the draft's copy; the user
 * knows the photo by the name it had when attached. */
static char *
name_original (const CsAttachment *attachment,
               const char         *message)
{
  g_autofree char *copy = g_path_get_basename (attachment->file);
  g_autofree char *original = NULL;
  g_auto(GStrv) parts = NULL;

  if (attachment->original == NULL || attachment->original[0] == '\0')
    return g_strdup (message);

  original = g_path_get_basename (attachment->original);
  parts = g_strsplit (message, copy, -1);
  return g_strjoinv (original, parts);
}

static void
photo_analysed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  PhotoJob *job = g_task_get_task_data (G_TASK (result));
  CsComposerWindow *self = job->self;
  g_autoptr(CsPhotoAnalysis) analysis = NULL;
  g_autoptr(GError) error = NULL;
  const CsAttachment *attachment;

  analysis = g_task_propagate_pointer (G_TASK (result), &error);
  photo_threads--;
  /* Let go here: the task, and the job with it, may be freed on the worker. */
  if (job->app != NULL)
    g_application_release (job->app);
  g_clear_object (&job->app);
  if (self == NULL)
    return;

  self->photos_running--;
  job->finished = TRUE;
  attachment = cs_draft_find_attachment (self->draft, job->id);

  /* The job stays listed while its result goes in, so that the draft's
   * ::changed does not take the photo, still checking, for a new one. */
  if (attachment != NULL && g_str_equal (attachment->file, job->file))
    {
      if (analysis != NULL)
        {
          cs_attachments_strip_set_photo_note (self->attachments, job->id, analysis->warning, FALSE);
          cs_draft_set_photo_regions (self->draft, job->id, analysis->width, analysis->height,
                                      analysis->regions, analysis->faces_checked);
        }
      else
        {
          g_autofree char *message = name_original (attachment, error->message);

          g_hash_table_insert (self->photo_errors, g_strdup (job->id), g_strdup (message));
          cs_attachments_strip_set_photo_note (self->attachments, job->id, message, TRUE);
        }
    }

  if (job->self != NULL)
    {
      job->self = NULL;
      g_hash_table_remove (self->photo_jobs, job->id);
    }

  attachment = cs_draft_find_attachment (self->draft, job->id);
  if (attachment != NULL && attachment->state == CS_PHOTO_STATE_CHECKING)
    cs_draft_set_photo_state (self->draft, job->id, settled_state (self, attachment, NULL));

  start_waiting_photos (self);
}

/* Starts checks for new photos, stops those of removed ones, and moves
 * photos whose findings changed between "blurred" and "needs review". */
static void
sync_photos (CsComposerWindow *self)
{
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GList) jobs = NULL;
  guint n = cs_draft_get_n_attachments (self->draft);

  for (guint i = 0; i < n; i++)
    {
      const CsAttachment *photo = cs_draft_get_attachment (self->draft, i);
      PhotoJob *job = g_hash_table_lookup (self->photo_jobs, photo->id);

      g_hash_table_add (present, photo->id);

      /* A photo replaced by a new copy is a new photo. */
      if (job != NULL && !g_str_equal (job->file, photo->file))
        {
          forget_photo_job (self, job);
          job = NULL;
        }

      /* The roster's names are looked for in the photo, so the check waits
       * for the roster to load. */
      if (photo->state == CS_PHOTO_STATE_CHECKING)
        {
          if (job == NULL && cs_session_is_ready (self->session))
            queue_photo (self, photo);
          continue;
        }

      /* Settled against the school's policy, so not before it loads. */
      if (job != NULL || !cs_session_is_ready (self->session))
        continue;

      if (photo->state != settled_state (self, photo, self->photo_findings))
        {
          /* Emits ::changed, which comes back here for the other photos. */
          cs_draft_set_photo_state (self->draft, photo->id, settled_state (self, photo, self->photo_findings));
          return;
        }
    }

  jobs = g_hash_table_get_values (self->photo_jobs);
  for (GList *l = jobs; l != NULL; l = l->next)
    {
      PhotoJob *job = l->data;

      if (!g_hash_table_contains (present, job->id))
        forget_photo_job (self, job);
    }
  start_waiting_photos (self);

  {
    GHashTableIter iter;
    const char *id;

    g_hash_table_iter_init (&iter, self->photo_errors);
    while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
      if (!g_hash_table_contains (present, id))
        g_hash_table_iter_remove (&iter);
  }
}

guint
cs_composer_window_get_photo_threads (void)
{
  return photo_threads;
}

gboolean
cs_composer_window_is_checking_photos (CsComposerWindow *self)
{
  g_return_val_if_fail (CS_IS_COMPOSER_WINDOW (self), FALSE);

  for (guint i = 0; i < cs_draft_get_n_attachments (self->draft); i++)
    if (cs_draft_get_attachment (self->draft, i)->state == CS_PHOTO_STATE_CHECKING)
      return TRUE;

  return g_hash_table_size (self->photo_jobs) > 0;
}

/* The photo editor
 * ================
 */

static void
editor_destroyed_cb (CsComposerWindow *self,
                     GtkWidget        *editor)
{
  g_ptr_array_remove (self->editors, editor);
}

static void
close_editors (CsComposerWindow *self)
{
  while (self->editors->len > 0)
    gtk_window_destroy (g_ptr_array_index (self->editors, self->editors->len - 1));
}

GtkWindow *
cs_composer_window_open_photo (CsComposerWindow *self,
                               const char       *id)
{
  CsChecker *checker = cs_session_get_checker (self->session);
  CsPhotoEditor *editor;

  g_return_val_if_fail (CS_IS_COMPOSER_WINDOW (self), NULL);

  if (cs_draft_find_attachment (self->draft, id) == NULL)
    return NULL;

  for (guint i = 0; i < self->editors->len; i++)
    {
      editor = g_ptr_array_index (self->editors, i);
      if (g_strcmp0 (cs_photo_editor_get_photo_id (editor), id) == 0)
        {
          gtk_window_present (GTK_WINDOW (editor));
          return GTK_WINDOW (editor);
        }
    }

  /* The editor judges the regions by the school's policy and roster. */
  if (checker == NULL)
    {
      cs_composer_window_toast (self, _("Still loading the roster; try again in a moment"));
      return NULL;
    }

  editor = cs_photo_editor_new_with_checker (GTK_WINDOW (self), self->draft, id, checker);
  gtk_window_set_modal (GTK_WINDOW (editor), FALSE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (editor), TRUE);
  g_ptr_array_add (self->editors, editor);
  g_signal_connect_object (editor, "destroy", G_CALLBACK (editor_destroyed_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));

  return GTK_WINDOW (editor);
}

static void
photo_activated_cb (CsComposerWindow *self,
                    const char       *id)
{
  cs_composer_window_open_photo (self, id);
}

static void
draft_changed_cb (CsComposerWindow *self)
{
  g_autofree char *title = cs_draft_dup_title (self->draft);

  /* The photos' states follow from their findings. */
  cs_composer_window_update_photo_findings (self);
  sync_photos (self);

  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, _("Editing"));

  g_clear_handle_id (&self->autosave_source, g_source_remove);
  self->autosave_source = g_timeout_add (AUTOSAVE_DELAY_MS, autosave_cb, self);

  cs_composer_window_update_submit (self);
}

static void
buffer_changed_cb (CsComposerWindow *self)
{
  g_autofree char *text = NULL;
  gint64 start = g_get_monotonic_time ();

  if (self->loading)
    return;

  text = dup_text (self);
  cs_draft_set_text (self->draft, text);
  check_text (self, g_steal_pointer (&text), TRUE);

  self->busy_usec += g_get_monotonic_time () - start;
}

static void
platform_toggled_cb (CsComposerWindow *self,
                     GtkToggleButton  *button)
{
  if (self->loading)
    return;

  /* A post goes somewhere: keep at least one platform. */
  if (selected_platforms (self) == 0)
    {
      self->loading = TRUE;
      gtk_toggle_button_set_active (button, TRUE);
      self->loading = FALSE;
      cs_composer_window_toast (self, _("A post needs at least one platform"));
      return;
    }

  cs_draft_set_platforms (self->draft, selected_platforms (self));
  cs_composer_window_recheck (self);
}

static void
live_finished_cb (CsComposerWindow *self,
                  guint             serial,
                  GPtrArray        *findings)
{
  /* Findings for text that has changed since are stale; a newer check
   * is already waiting and will be shown instead. */
  if (serial != cs_live_check_get_serial (self->live))
    return;

  gint64 start = g_get_monotonic_time ();

  self->shown_serial = serial;
  cs_composer_window_show_findings (self, findings);
  self->busy_usec += g_get_monotonic_time () - start;
  /* Setting a label, even to what it says already, lays the window out
   * again: once the loading message has gone, leave it be. */
  if (*gtk_label_get_label (self->status_label) != '\0')
    gtk_label_set_label (self->status_label, "");
}

static guint
default_platforms (CsComposerWindow *self)
{
  g_auto(GStrv) names = g_settings_get_strv (self->settings, "default-platforms");
  guint platforms = 0;

  for (guint i = 0; names[i] != NULL; i++)
    {
      CsPlatform p;

      if (cs_platform_from_string (names[i], &p))
        platforms |= 1u << p;
    }

  return platforms != 0 ? platforms : 1u << CS_PLATFORM_X;
}

void
cs_composer_window_open_draft (CsComposerWindow *self,
                               CsDraft          *draft)
{
  g_return_if_fail (CS_IS_COMPOSER_WINDOW (self));
  g_return_if_fail (CS_IS_DRAFT (draft));

  if (self->draft != NULL)
    {
      save_now (self);
      g_signal_handlers_disconnect_by_data (self->draft, self);
    }
  if (self->draft != draft)
    {
      forget_photo_jobs (self);
      close_editors (self);
    }
  g_set_object (&self->draft, draft);

  if (cs_draft_get_platforms (draft) == 0)
    cs_draft_set_platforms (draft, default_platforms (self));

  self->loading = TRUE;
  gtk_text_buffer_begin_irreversible_action (self->buffer);
  gtk_text_buffer_set_text (self->buffer, cs_draft_get_text (draft), -1);
  gtk_text_buffer_end_irreversible_action (self->buffer);
  for (CsPlatform p = 0; p < CS_N_PLATFORMS; p++)
    gtk_toggle_button_set_active (platform_button (self, p), (cs_draft_get_platforms (draft) & (1u << p)) != 0);
  self->loading = FALSE;

  g_hash_table_remove_all (self->ignored);
  g_signal_connect_swapped (draft, "changed", G_CALLBACK (draft_changed_cb), self);

  /* Kept beside a draft made from a rejected post, until it is sent. */
  {
    g_autofree char *note = cs_resubmission_dup_note (self->store, cs_draft_get_id (draft));

    gtk_label_set_label (self->changes_label, note != NULL ? note : "");
    gtk_revealer_set_reveal_child (self->changes_revealer, note != NULL);
  }
  cs_attachments_strip_set_draft (self->attachments, self->store, draft);

  {
    g_autofree char *title = cs_draft_dup_title (draft);
    adw_window_title_set_title (self->window_title, title);
    /* Always a subtitle: one that appeared with the first key would make
     * the title jump up as typing starts. */
    adw_window_title_set_subtitle (self->window_title,
                                   cs_draft_get_text (draft)[0] == '\0' && cs_draft_get_n_attachments (draft) == 0
                                   ? _("Saved as you type") : _("Draft saved"));
  }

  /* A photo left "checking" (the app was closed or crashed during its
   * check) is checked again. */
  cs_composer_window_update_photo_findings (self);
  sync_photos (self);
  cs_composer_window_recheck (self);
}

CsDraft *
cs_composer_window_get_draft (CsComposerWindow *self)
{
  g_return_val_if_fail (CS_IS_COMPOSER_WINDOW (self), NULL);

  return self->draft;
}

static void
session_ready_cb (CsComposerWindow *self)
{
  cs_live_check_set_checker (self->live, cs_session_get_checker (self->session));
  cs_composer_window_update_photo_findings (self);
  sync_photos (self);
  cs_composer_window_recheck (self);
}

/* Consent judged against the new roster or policy may change what a photo
 * may show. */
static void
session_changed_cb (CsComposerWindow *self)
{
  cs_composer_window_update_photo_findings (self);
  sync_photos (self);
  cs_composer_window_recheck (self);
}

static void
show_banner (CsComposerWindow *self,
             const char       *message)
{
  gtk_label_set_label (self->banner_label, message);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

static void
roster_failed_cb (CsComposerWindow *self,
                  GError           *error)
{
  g_autofree char *message = NULL;

  message = g_strdup_printf (_("The roster could not be loaded, so the last roster that loaded is still in use. %s"),
                             error->message);
  show_banner (self, message);
}

static void
roster_loaded_cb (CsComposerWindow *self)
{
  CsRoster *roster = cs_session_get_roster (self->session);
  GPtrArray *problems = cs_roster_get_problems (roster);
  g_autoptr(GString) message = NULL;

  if (problems == NULL || problems->len == 0)
    {
      gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
      return;
    }

  /* The good rows are in use; say which were left out, and why. */
  message = g_string_new (NULL);
  g_string_printf (message, g_dngettext (GETTEXT_PACKAGE, "%u row of the roster was left out.",
                                         "%u rows of the roster were left out.", problems->len),
                   problems->len);
  for (guint i = 0; i < problems->len && i < 5; i++)
    g_string_append_printf (message, " %s", ((CsRosterProblem *) g_ptr_array_index (problems, i))->message);
  if (problems->len > 5)
    g_string_append_printf (message, _(" And %u more."), problems->len - 5);
  show_banner (self, message->str);
}

static void
policy_failed_cb (CsComposerWindow *self,
                  GError           *error)
{
  g_autofree char *message = g_strdup_printf (_("The policy file could not be used, so the policy in force is unchanged. %s"),
                                              error->message);
  show_banner (self, message);
}

static void
dismiss_banner_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  gtk_revealer_set_reveal_child (CS_COMPOSER_WINDOW (widget)->banner_revealer, FALSE);
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CsComposerWindow *self = CS_COMPOSER_WINDOW (widget);

  save_now (self);
  cs_composer_window_submit (self);
}

static void
new_draft_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CsComposerWindow *self = CS_COMPOSER_WINDOW (widget);
  g_autoptr(CsDraft) draft = cs_draft_store_create (self->store);

  cs_composer_window_open_draft (self, draft);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static void
attach_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  cs_attachments_strip_add_photo (CS_COMPOSER_WINDOW (widget)->attachments);
}

static void
open_drafts_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  gtk_menu_button_popup (GTK_MENU_BUTTON (CS_COMPOSER_WINDOW (widget)->drafts_button));
}

static void
delete_draft_clicked_cb (GtkButton        *button,
                         CsComposerWindow *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "draft-id");
  g_autoptr(GError) error = NULL;
  gboolean current = g_strcmp0 (id, cs_draft_get_id (self->draft)) == 0;

  if (current)
    g_clear_handle_id (&self->autosave_source, g_source_remove);

  if (!cs_draft_store_delete (self->store, id, &error))
    {
      cs_composer_window_toast (self, error->message);
      return;
    }

  gtk_popover_popdown (self->drafts_popover);
  if (current)
    {
      g_autoptr(CsDraft) fresh = cs_draft_store_create (self->store);
      cs_composer_window_open_draft (self, fresh);
    }
  cs_composer_window_toast (self, _("Draft deleted"));
}

static void
draft_row_activated_cb (GtkListBox       *list,
                        GtkListBoxRow    *row,
                        CsComposerWindow *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "draft-id");
  g_autoptr(CsDraft) draft = NULL;
  g_autoptr(GError) error = NULL;

  gtk_popover_popdown (self->drafts_popover);
  if (g_strcmp0 (id, cs_draft_get_id (self->draft)) == 0)
    return;

  save_now (self);
  draft = cs_draft_store_load (self->store, id, &error);
  if (draft == NULL)
    {
      cs_composer_window_toast (self, error->message);
      return;
    }
  cs_composer_window_open_draft (self, draft);
}

static void
fill_drafts_list (CsComposerWindow *self)
{
  g_autoptr(GPtrArray) drafts = NULL;
  GtkWidget *child;

  save_now (self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->drafts_list))) != NULL)
    gtk_list_box_remove (self->drafts_list, child);

  drafts = cs_draft_store_list (self->store);
  for (guint i = 0; i < drafts->len; i++)
    {
      CsDraft *draft = g_ptr_array_index (drafts, i);
      g_autofree char *title = cs_draft_dup_title (draft);
      g_autofree char *when = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *delete = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *delete_label = g_strdup_printf (_("Delete “%s”"), title);
      GDateTime *modified = cs_draft_get_modified (draft);

      when = modified != NULL ? g_date_time_format (modified, "%e %b, %H:%M") : g_strdup ("");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), g_strstrip (when));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "draft-id", g_strdup (cs_draft_get_id (draft)), g_free);

      gtk_widget_set_valign (delete, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (delete, "flat");
      gtk_widget_set_tooltip_text (delete, delete_label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (delete), GTK_ACCESSIBLE_PROPERTY_LABEL, delete_label, -1);
      g_object_set_data_full (G_OBJECT (delete), "draft-id", g_strdup (cs_draft_get_id (draft)), g_free);
      g_signal_connect (delete, "clicked", G_CALLBACK (delete_draft_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), delete);

      gtk_list_box_append (self->drafts_list, row);
    }

  if (drafts->len == 0)
    {
      GtkWidget *empty = gtk_label_new (_("No saved drafts yet"));

      gtk_widget_add_css_class (empty, "dim-label");
      gtk_widget_set_margin_top (empty, 12);
      gtk_widget_set_margin_bottom (empty, 12);
      gtk_list_box_append (self->drafts_list, empty);
    }
}

static void
texture_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CsComposerWindow) self = user_data;
  g_autoptr(GdkTexture) texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (object), result, NULL);

  if (texture != NULL)
    cs_attachments_strip_import_texture (self->attachments, texture);
}

/* A pasted picture becomes a photo of the post, not something in the text. */
static void
paste_clipboard_cb (GtkTextView      *view,
                    CsComposerWindow *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (view));
  GdkContentFormats *formats = gdk_clipboard_get_formats (clipboard);

  if (!gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE) ||
      gdk_content_formats_contain_gtype (formats, G_TYPE_STRING))
    return;

  g_signal_stop_emission_by_name (view, "paste-clipboard");
  gdk_clipboard_read_texture_async (clipboard, NULL, texture_read_cb, g_object_ref (self));
}

/* Photos dropped anywhere on the post join it; text drops stay the view's. */
static gboolean
files_dropped_cb (GtkDropTarget    *target,
                  const GValue     *value,
                  double            x,
                  double            y,
                  CsComposerWindow *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  files = g_value_get_boxed (value);
  cs_attachments_strip_import_files (self->attachments, files);

  return TRUE;
}

static void
attachments_error_cb (CsComposerWindow *self,
                      const char       *message)
{
  cs_composer_window_toast (self, message);
}

static gboolean
cs_composer_window_close_request (GtkWindow *window)
{
  CsComposerWindow *self = CS_COMPOSER_WINDOW (window);
  int width, height;

  /* Never lose a draft: write it before the window goes. */
  if (self->draft != NULL && (self->autosave_source != 0 || cs_draft_get_text (self->draft)[0] != '\0'))
    {
      g_clear_handle_id (&self->autosave_source, g_source_remove);
      self->autosave_source = 1;
      save_now (self);
    }

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (cs_composer_window_parent_class)->close_request (window);
}

/* For bench/run: say when the first frame is on screen, then quit. */
static void
first_frame_cb (GdkFrameClock    *clock,
                CsComposerWindow *self)
{
  g_signal_handlers_disconnect_by_func (clock, first_frame_cb, self);
  g_print ("first-frame\n");
  fflush (stdout);
  g_application_quit (g_application_get_default ());
}

static void
realize_cb (CsComposerWindow *self)
{
  if (g_getenv ("COUNTERSIGN_QUIT_AFTER_FIRST_FRAME") != NULL)
    g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint", G_CALLBACK (first_frame_cb), self);
}

static void
cs_composer_window_dispose (GObject *object)
{
  CsComposerWindow *self = CS_COMPOSER_WINDOW (object);

  /* Whatever closes the window, a pending change is written first. */
  if (self->autosave_source != 0 && self->store != NULL && self->draft != NULL)
    save_now (self);
  g_clear_handle_id (&self->autosave_source, g_source_remove);
  g_clear_handle_id (&self->counter_source, g_source_remove);
  /* Checks still running finish on their own; their results are dropped. */
  if (self->photo_jobs != NULL)
    forget_photo_jobs (self);
  if (self->editors != NULL)
    close_editors (self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->draft != NULL)
    g_signal_handlers_disconnect_by_data (self->draft, self);
  if (self->live != NULL)
    g_signal_handlers_disconnect_by_data (self->live, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_COMPOSER_WINDOW);

  G_OBJECT_CLASS (cs_composer_window_parent_class)->dispose (object);
}

static void
cs_composer_window_finalize (GObject *object)
{
  CsComposerWindow *self = CS_COMPOSER_WINDOW (object);

  g_clear_object (&self->live);
  g_clear_object (&self->draft);
  g_clear_object (&self->session);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  g_clear_pointer (&self->ignored, g_hash_table_unref);
  g_clear_pointer (&self->submit_blocker, g_free);
  if (self->outbox != NULL)
    g_signal_handlers_disconnect_by_data (self->outbox, self);
  g_clear_object (&self->outbox);
  g_clear_pointer (&self->sending, g_hash_table_unref);
  g_clear_pointer (&self->told_waiting, g_hash_table_unref);
  g_clear_pointer (&self->counter_tooltip, g_free);
  g_clear_pointer (&self->counter_text, g_free);
  g_clear_pointer (&self->counter_accessible, g_free);
  g_clear_object (&self->analyser);
  g_clear_pointer (&self->photo_jobs, g_hash_table_unref);
  g_clear_pointer (&self->photo_errors, g_hash_table_unref);
  g_clear_pointer (&self->photo_findings, g_ptr_array_unref);
  g_clear_pointer (&self->editors, g_ptr_array_unref);

  G_OBJECT_CLASS (cs_composer_window_parent_class)->finalize (object);
}

static void
cs_composer_window_class_init (CsComposerWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = cs_composer_window_dispose;
  object_class->finalize = cs_composer_window_finalize;
  window_class->close_request = cs_composer_window_close_request;

  g_type_ensure (CS_TYPE_ATTACHMENTS_STRIP);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/countersign/Countersign/ui/composer-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, submit_button);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, drafts_button);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, drafts_popover);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, drafts_list);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, changes_revealer);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, changes_label);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, platform_x);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, platform_facebook);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, platform_mastodon);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, platform_bluesky);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, text_view);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, bottom_bar);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, counter_label);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CsComposerWindow, findings_list);

  gtk_widget_class_install_action (widget_class, "composer.submit", NULL, submit_action);
  gtk_widget_class_install_action (widget_class, "composer.new-draft", NULL, new_draft_action);
  gtk_widget_class_install_action (widget_class, "composer.open-drafts", NULL, open_drafts_action);
  gtk_widget_class_install_action (widget_class, "composer.attach", NULL, attach_action);
  gtk_widget_class_install_action (widget_class, "composer.dismiss-banner", NULL, dismiss_banner_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "composer.new-draft", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "composer.open-drafts", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "composer.attach", NULL);

  cs_composer_window_class_init_findings (widget_class);
}

static void
cs_composer_window_init (CsComposerWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The flow box wraps each platform's button in a cell that would take
   * the focus too, unnamed: one Tab per platform, not two. */
  {
    GtkToggleButton *platforms[] = { self->platform_x, self->platform_facebook,
                                     self->platform_mastodon, self->platform_bluesky };

    for (guint i = 0; i < G_N_ELEMENTS (platforms); i++)
      gtk_widget_set_focusable (gtk_widget_get_parent (GTK_WIDGET (platforms[i])), FALSE);
  }

  self->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_finding_free);
  self->photo_findings = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_finding_free);
  self->photo_jobs = g_hash_table_new (g_str_hash, g_str_equal);
  self->photo_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_queue_init (&self->photo_queue);
  self->editors = g_ptr_array_new ();
  self->ignored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->sending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->told_waiting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->buffer = gtk_text_view_get_buffer (self->text_view);

  /* Ctrl+Enter is caught on its way down to the text, which would
   * otherwise take it as a new line before a window binding saw it. */
  {
    GtkEventController *shortcuts = gtk_shortcut_controller_new ();

    gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                          gtk_shortcut_new (gtk_alternative_trigger_new (
                                                              gtk_keyval_trigger_new (GDK_KEY_Return, GDK_CONTROL_MASK),
                                                              gtk_keyval_trigger_new (GDK_KEY_KP_Enter, GDK_CONTROL_MASK)),
                                                            gtk_named_action_new ("composer.submit")));
    gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  }
  gtk_text_buffer_set_enable_undo (self->buffer, TRUE);
  self->live = cs_live_check_new ();

  /* The strip of photos sits between the text and the counter. */
  self->attachments = CS_ATTACHMENTS_STRIP (cs_attachments_strip_new ());
  gtk_widget_insert_before (GTK_WIDGET (self->attachments), gtk_widget_get_parent (GTK_WIDGET (self->bottom_bar)),
                            GTK_WIDGET (self->bottom_bar));
  g_signal_connect_swapped (self->attachments, "error", G_CALLBACK (attachments_error_cb), self);
  g_signal_connect_swapped (self->attachments, "photo-activated", G_CALLBACK (photo_activated_cb), self);

  g_signal_connect_swapped (self->buffer, "changed", G_CALLBACK (buffer_changed_cb), self);
  g_signal_connect (self->text_view, "paste-clipboard", G_CALLBACK (paste_clipboard_cb), self);
  {
    GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

    g_signal_connect (drop, "drop", G_CALLBACK (files_dropped_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->text_view), GTK_EVENT_CONTROLLER (drop));
  }
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->counter_label), TRUE);
  gtk_widget_set_has_tooltip (self->submit_button, TRUE);
  g_signal_connect (self->submit_button, "query-tooltip", G_CALLBACK (submit_query_tooltip_cb), self);
  g_signal_connect (self->counter_label, "query-tooltip", G_CALLBACK (counter_query_tooltip_cb), self);
  g_signal_connect_swapped (self->live, "finished", G_CALLBACK (live_finished_cb), self);
  for (CsPlatform p = 0; p < CS_N_PLATFORMS; p++)
    g_signal_connect_swapped (platform_button (self, p), "toggled", G_CALLBACK (platform_toggled_cb), self);
  g_signal_connect (self->drafts_list, "row-activated", G_CALLBACK (draft_row_activated_cb), self);
  g_signal_connect_swapped (self->drafts_popover, "show", G_CALLBACK (fill_drafts_list), self);

  cs_composer_window_init_findings (self);
  g_signal_connect (self, "realize", G_CALLBACK (realize_cb), NULL);
}

/* The draft to open: the most recent one (after a crash, the one that was
 * being written), or, the very first time, the demo post. */
static CsDraft *
first_draft (CsComposerWindow *self)
{
  g_autoptr(GPtrArray) drafts = cs_draft_store_list (self->store);
  g_autoptr(GFile) demo = NULL;
  g_autofree char *text = NULL;
  CsDraft *draft;

  if (drafts->len > 0)
    return g_object_ref (g_ptr_array_index (drafts, 0));

  g_autofree char *roster = g_settings_get_string (self->settings, "roster-file");

  draft = cs_draft_store_create (self->store);
  demo = cs_application_dup_demo_file ("post.txt");
  if (roster[0] == '\0' &&
      g_file_load_contents (demo, NULL, &text, NULL, NULL, NULL) && g_utf8_validate (text, -1, NULL))
    cs_draft_set_text (draft, text);

  return draft;
}

CsComposerWindow *
cs_composer_window_new (CsApplication *application)
{
  CsComposerWindow *self;
  g_autoptr(CsDraft) draft = NULL;

  g_return_val_if_fail (CS_IS_APPLICATION (application), NULL);

  self = g_object_new (CS_TYPE_COMPOSER_WINDOW, "application", application, NULL);
  self->session = g_object_ref (cs_application_get_session (application));
  self->store = g_object_ref (cs_application_get_store (application));
  self->settings = g_object_ref (cs_application_get_settings (application));

  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_signal_connect_swapped (self->session, "ready", G_CALLBACK (session_ready_cb), self);
  g_signal_connect_swapped (self->session, "changed", G_CALLBACK (session_changed_cb), self);
  g_signal_connect_swapped (self->session, "roster-failed", G_CALLBACK (roster_failed_cb), self);
  g_signal_connect_swapped (self->session, "roster-loaded", G_CALLBACK (roster_loaded_cb), self);
  g_signal_connect_swapped (self->session, "policy-failed", G_CALLBACK (policy_failed_cb), self);
  if (cs_session_is_ready (self->session))
    cs_live_check_set_checker (self->live, cs_session_get_checker (self->session));
  else
    gtk_label_set_label (self->status_label, _("Loading the dictionary and roster…"));

  draft = first_draft (self);
  cs_composer_window_open_draft (self, draft);

  return self;
}
