/* cs-composer-window-submit.c: sending a post to the headteacher's queue
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Submitting blurs each photo into a copy (the original never leaves the
 * laptop), writes the post and the copies into the outbox, and only then
 * sends. From the moment it is in the outbox the post is safe: offline or
 * with the server down it waits there, and the draft it came from is
 * deleted only once the queue has it.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "cs-application.h"
#include "cs-composer-window-private.h"

typedef struct
{
  CsComposerWindow  *self;
  CsDraft           *draft;
  CsQueueConnection *queue;
  CsPhotoAnalyser   *analyser;
  GPtrArray         *people;   /* CsPerson, for judging consent */
  char              *dir;      /* the blurred copies, until the outbox has them */
  GPtrArray         *photos;   /* CsOutboxPhoto */
  guint              next;     /* the attachment being blurred */
} Submission;

static void
outbox_photo_free (CsOutboxPhoto *photo)
{
  g_free (photo->file);
  g_free (photo->alt);
  g_free (photo->tags_json);
  g_free (photo);
}

static void
submission_free (Submission *sub)
{
  if (sub->dir != NULL)
    {
      for (guint i = 0; i < sub->photos->len; i++)
        g_unlink (((CsOutboxPhoto *) g_ptr_array_index (sub->photos, i))->file);
      g_rmdir (sub->dir);
    }
  g_object_unref (sub->self);
  g_object_unref (sub->draft);
  g_clear_object (&sub->queue);
  g_clear_object (&sub->analyser);
  g_clear_pointer (&sub->people, g_ptr_array_unref);
  g_clear_pointer (&sub->photos, g_ptr_array_unref);
  g_free (sub->dir);
  g_free (sub);
}

static void
finish (Submission *sub,
        const char *problem)
{
  CsComposerWindow *self = sub->self;

  self->submitting = FALSE;
  if (problem != NULL)
    cs_composer_window_toast (self, problem);
  cs_composer_window_update_submit (self);
  submission_free (sub);
}

/* Tags of faces left clear, as the queue checks their consent again. */
static char *
tags_json (const CsAttachment *photo)
{
  g_autoptr(JsonBuilder) out = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (out);
  for (guint i = 0; i < photo->regions->len; i++)
    {
      const CsPhotoRegion *region = g_ptr_array_index (photo->regions, i);

      if (region->kind == CS_REGION_TEXT || region->tag == NULL || !region->clear)
        continue;
      json_builder_begin_object (out);
      json_builder_set_member_name (out, "pupil");
      json_builder_add_string_value (out, region->tag);
      json_builder_set_member_name (out, "x");
      json_builder_add_double_value (out, region->rect.x);
      json_builder_set_member_name (out, "y");
      json_builder_add_double_value (out, region->rect.y);
      json_builder_set_member_name (out, "w");
      json_builder_add_double_value (out, region->rect.w);
      json_builder_set_member_name (out, "h");
      json_builder_add_double_value (out, region->rect.h);
      json_builder_end_object (out);
    }
  json_builder_end_array (out);
  root = json_builder_get_root (out);
  return json_to_string (root, FALSE);
}

static void
sent_cb (CsOutbox         *outbox,
         const char       *key,
         JsonObject       *post,
         CsComposerWindow *self)
{
  g_autofree char *draft_id = NULL;

  g_hash_table_remove (self->told_waiting, key);
  if (!g_hash_table_steal_extended (self->sending, key, NULL, (gpointer *) &draft_id))
    return;
  /* The queue has it: the draft has become the post. The one open in the
   * window is another by now. */
  if (g_strcmp0 (draft_id, cs_draft_get_id (self->draft)) != 0)
    cs_draft_store_delete (self->store, draft_id, NULL);
  cs_composer_window_toast (self, _("Sent to the headteacher for approval"));
}

static void
waiting_cb (CsOutbox         *outbox,
            const char       *key,
            const char       *message,
            CsComposerWindow *self)
{
  /* Said once; the outbox keeps trying without more words. */
  if (g_hash_table_contains (self->sending, key) && g_hash_table_add (self->told_waiting, g_strdup (key)))
    cs_composer_window_toast (self, _("Saved in the outbox: it will be sent when the approval queue can be reached"));
}

static void
refused_cb (CsOutbox         *outbox,
            const char       *key,
            const char       *message,
            JsonArray        *findings,
            CsComposerWindow *self)
{
  g_autofree char *text = NULL;

  g_hash_table_remove (self->told_waiting, key);
  if (!g_hash_table_remove (self->sending, key))
    return;
  /* The draft is kept, to put right and send again. */
  text = g_strdup_printf (_("The approval queue did not accept the post: %s The draft is kept."), message);
  cs_composer_window_toast (self, text);
}

static void
add_to_outbox (Submission *sub)
{
  CsComposerWindow *self = sub->self;
  CsOutbox *outbox = cs_queue_connection_get_outbox (sub->queue);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = cs_outbox_add (outbox, cs_draft_get_text (sub->draft), cs_draft_get_platforms (sub->draft),
                                        sub->photos, &error);
  g_autoptr(CsDraft) fresh = NULL;

  if (key == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The post could not be saved for sending: %s"), error->message);

      finish (sub, text);
      return;
    }

  if (self->outbox != outbox)
    {
      if (self->outbox != NULL)
        g_signal_handlers_disconnect_by_data (self->outbox, self);
      g_set_object (&self->outbox, outbox);
      g_signal_connect_object (outbox, "sent", G_CALLBACK (sent_cb), self, 0);
      g_signal_connect_object (outbox, "waiting", G_CALLBACK (waiting_cb), self, 0);
      g_signal_connect_object (outbox, "refused", G_CALLBACK (refused_cb), self, 0);
    }
  g_hash_table_insert (self->sending, g_strdup (key), g_strdup (cs_draft_get_id (sub->draft)));

  /* The window moves on to a new post while this one is sent. */
  fresh = cs_draft_store_create (self->store);
  cs_composer_window_open_draft (self, fresh);
  cs_composer_window_toast (self, _("Sending to the headteacher for approval…"));
  finish (sub, NULL);
  cs_outbox_flush (outbox);
}

static void redact_next (Submission *sub);

static void
redacted_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Submission *sub = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) leftovers = cs_photo_analyser_redact_finish (CS_PHOTO_ANALYSER (source), result, &error);
  const CsAttachment *photo = cs_draft_get_attachment (sub->draft, sub->next);
  CsOutboxPhoto *copy;

  if (leftovers == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Photo %u could not be blurred for sending: %s"),
                                               sub->next + 1, error->message);

      finish (sub, text);
      return;
    }

  /* Anything the second look found was blurred too. */
  copy = g_new0 (CsOutboxPhoto, 1);
  copy->file = g_strdup_printf ("%s/photo%u.jpg", sub->dir, sub->next);
  copy->alt = g_strdup (photo->alt_text);
  copy->tags_json = tags_json (photo);
  g_ptr_array_add (sub->photos, copy);
  sub->next++;
  redact_next (sub);
}

static void
redact_next (Submission *sub)
{
  const CsAttachment *photo;
  g_autofree char *dest = NULL;

  if (sub->next >= cs_draft_get_n_attachments (sub->draft))
    {
      add_to_outbox (sub);
      return;
    }

  photo = cs_draft_get_attachment (sub->draft, sub->next);
  dest = g_strdup_printf ("%s/photo%u.jpg", sub->dir, sub->next);
  cs_photo_analyser_redact_async (sub->analyser, photo->file, photo->regions, sub->people, dest, NULL,
                                  redacted_cb, sub);
}

static void
queue_opened_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Submission *sub = user_data;
  g_autoptr(GError) error = NULL;

  sub->queue = cs_application_open_queue_finish (CS_APPLICATION (source), result, &error);
  if (g_error_matches (error, CS_QUEUE_CONNECTION_ERROR, CS_QUEUE_CONNECTION_ERROR_NO_TOKEN))
    {
      AdwToast *toast = adw_toast_new (_("Sign in to the school’s approval queue to send posts. The draft is kept."));

      /* Straight to the Sign In group of Preferences. */
      adw_toast_set_button_label (toast, _("Sign In…"));
      adw_toast_set_action_name (toast, "app.sign-in");
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
      adw_toast_overlay_add_toast (sub->self->toast_overlay, toast);
      finish (sub, NULL);
      return;
    }
  if (sub->queue == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The approval queue cannot be reached: %s"), error->message);

      finish (sub, text);
      return;
    }
  redact_next (sub);
}

void
cs_composer_window_submit (CsComposerWindow *self)
{
  GApplication *app = g_application_get_default ();
  CsRoster *roster = cs_session_get_roster (self->session);
  g_autoptr(GError) error = NULL;
  Submission *sub;

  if (self->submitting || !CS_IS_APPLICATION (app))
    return;

  sub = g_new0 (Submission, 1);
  sub->self = g_object_ref (self);
  sub->draft = g_object_ref (self->draft);
  sub->photos = g_ptr_array_new_with_free_func ((GDestroyNotify) outbox_photo_free);
  sub->people = roster != NULL ? cs_roster_dup_people (roster) : NULL;
  if (cs_draft_get_n_attachments (self->draft) > 0)
    {
      sub->analyser = g_object_ref (cs_application_get_photo_analyser (CS_APPLICATION (app)));
      sub->dir = g_dir_make_tmp ("countersign-sending-XXXXXX", &error);
      if (sub->dir == NULL)
        {
          g_autofree char *text = g_strdup_printf (_("The photos could not be prepared for sending: %s"),
                                                   error->message);

          self->submitting = TRUE;
          finish (sub, text);
          return;
        }
    }

  self->submitting = TRUE;
  cs_composer_window_update_submit (self);
  cs_application_open_queue_async (CS_APPLICATION (app), NULL, queue_opened_cb, sub);
}
