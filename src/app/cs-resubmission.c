/* cs-resubmission.c: a new draft made from a post the head did not approve
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "cs-resubmission.h"

/* Beside draft.json in the draft's folder, so that it goes when the draft
 * does (deleted once the queue has the new post). */
#define NOTE_FILE_NAME "changes-asked.json"

/* A face the detector found again counts as the one a tag was on when they
 * overlap this much (intersection over union). */
#define SAME_FACE_OVERLAP 0.3

typedef struct
{
  CsDraftStore    *store;
  CsQueueClient   *client;
  CsPhotoAnalyser *analyser;
  GPtrArray       *people;
  JsonObject      *post;
  gint64           post_id;
  JsonArray       *photos;    /* the post's, as listed */
  CsDraft         *draft;
  char            *tmp_dir;   /* the fetched photos, until imported */
  char            *photo_id;  /* the attachment being looked at */
  guint            next;
} Make;

static void
make_free (Make *make)
{
  g_object_unref (make->store);
  g_object_unref (make->client);
  g_clear_object (&make->analyser);
  g_clear_pointer (&make->people, g_ptr_array_unref);
  json_object_unref (make->post);
  g_clear_pointer (&make->photos, json_array_unref);
  g_clear_object (&make->draft);
  if (make->tmp_dir != NULL)
    g_rmdir (make->tmp_dir);
  g_free (make->tmp_dir);
  g_free (make->photo_id);
  g_free (make);
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonArray *
array_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* Fails the task, taking the half-made draft out of the store again. */
static void
fail (GTask  *task,
      GError *error)
{
  Make *make = g_task_get_task_data (task);

  if (make->draft != NULL)
    cs_draft_store_delete (make->store, cs_draft_get_id (make->draft), NULL);
  g_task_return_error (task, error);
}

static char *
note_path (CsDraftStore *store,
           const char   *id)
{
  return g_build_filename (cs_draft_store_get_dir (store), id, NOTE_FILE_NAME, NULL);
}

static gboolean
save_note (Make    *make,
           GError **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *path = note_path (make->store, cs_draft_get_id (make->draft));
  g_autofree char *text = NULL;
  const char *comment = string_member (make->post, "comment");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "post");
  json_builder_add_int_value (builder, make->post_id);
  json_builder_set_member_name (builder, "comment");
  json_builder_add_string_value (builder, comment != NULL ? comment : "");
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, TRUE);
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

static void
finish_draft (GTask *task)
{
  Make *make = g_task_get_task_data (task);
  GError *error = NULL;

  if (!cs_draft_store_save (make->store, make->draft, &error) || !save_note (make, &error))
    {
      g_prefix_error (&error, _("The new draft could not be saved: "));
      fail (task, error);
      return;
    }
  g_task_return_pointer (task, g_object_ref (make->draft), g_object_unref);
}

static double
overlap (const CsRect *a,
         const CsRect *b)
{
  double w = MIN (a->x + a->w, b->x + b->w) - MAX (a->x, b->x);
  double h = MIN (a->y + a->h, b->y + b->h) - MAX (a->y, b->y);
  double common, both;

  if (w <= 0 || h <= 0)
    return 0;
  common = w * h;
  both = a->w * a->h + b->w * b->h - common;
  return both > 0 ? common / both : 0;
}

/* Puts the author's tags back: each on the face found where it was, or,
 * when the detector did not find that face again, as a box of its own.
 * Tags are only of faces the author left clear, so they stay clear; the
 * roster's consent is judged again before the photo is sent. */
static void
restore_tags (GPtrArray *regions,
              JsonArray *tags)
{
  for (guint i = 0; tags != NULL && i < json_array_get_length (tags); i++)
    {
      JsonNode *node = json_array_get_element (tags, i);
      JsonObject *tag;
      const char *pupil;
      CsRect rect;
      CsPhotoRegion *best = NULL;
      double best_overlap = SAME_FACE_OVERLAP;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      tag = json_node_get_object (node);
      pupil = string_member (tag, "pupil");
      if (pupil == NULL || *pupil == '\0')
        continue;
      rect.x = json_object_get_double_member_with_default (tag, "x", 0);
      rect.y = json_object_get_double_member_with_default (tag, "y", 0);
      rect.w = json_object_get_double_member_with_default (tag, "w", 0);
      rect.h = json_object_get_double_member_with_default (tag, "h", 0);
      if (rect.w <= 0 || rect.h <= 0)
        continue;

      for (guint j = 0; j < regions->len; j++)
        {
          CsPhotoRegion *region = g_ptr_array_index (regions, j);
          double o;

          if (region->kind == CS_REGION_TEXT || region->tag != NULL)
            continue;
          o = overlap (&region->rect, &rect);
          if (o >= best_overlap)
            {
              best = region;
              best_overlap = o;
            }
        }
      if (best == NULL)
        {
          best = cs_photo_region_new (CS_REGION_MANUAL, &rect, 1.0);
          g_ptr_array_add (regions, best);
        }
      g_free (best->tag);
      best->tag = g_strdup (pupil);
      best->clear = TRUE;
    }
}

static void fetch_next (GTask *task);

static void
analysed_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Make *make = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsPhotoAnalysis) analysis = cs_photo_analyser_analyse_finish (CS_PHOTO_ANALYSER (source), result, &error);
  JsonObject *photo = json_array_get_object_element (make->photos, make->next);

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
      return;
    }

  if (analysis != NULL)
    {
      restore_tags (analysis->regions, array_member (photo, "tags"));
      cs_draft_set_photo_regions (make->draft, make->photo_id, analysis->width, analysis->height,
                                  analysis->regions, analysis->faces_checked);
    }
  else
    g_message ("Photo %u of post %" G_GINT64_FORMAT " could not be looked at again: %s",
               make->next + 1, make->post_id, error->message);

  /* Looked at: the composer settles it as blurred, or for the author to
   * review, by the school's policy, as it does any photo. One that could
   * not be looked at has no faces found, so it waits for the author to
   * mark them by hand. */
  cs_draft_set_photo_state (make->draft, make->photo_id, CS_PHOTO_STATE_NEEDS_REVIEW);
  make->next++;
  fetch_next (task);
}

static void
photo_fetched_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Make *make = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) jpeg = cs_queue_client_get_photo_finish (CS_QUEUE_CLIENT (source), result, &error);
  JsonObject *photo = json_array_get_object_element (make->photos, make->next);
  const char *alt = string_member (photo, "alt");
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  const CsAttachment *attachment;

  if (jpeg == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (&error, _("Photo %u could not be fetched from the approval queue: "), make->next + 1);
      fail (task, error);
      return;
    }

  /* The name the author sees for the photo, in the editor and in problems. */
  name = g_strdup_printf ("post-%" G_GINT64_FORMAT "-photo-%u.jpg", make->post_id, make->next + 1);
  path = g_build_filename (make->tmp_dir, name, NULL);
  if (!g_file_set_contents_full (path, g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg),
                                 G_FILE_SET_CONTENTS_NONE, 0600, &error))
    {
      fail (task, error);
      return;
    }
  file = g_file_new_for_path (path);
  attachment = cs_draft_store_import_photo (make->store, make->draft, file, &error);
  g_unlink (path);
  if (attachment == NULL)
    {
      g_prefix_error (&error, _("Photo %u from the approval queue could not be added: "), make->next + 1);
      fail (task, error);
      return;
    }

  g_free (make->photo_id);
  make->photo_id = g_strdup (attachment->id);
  if (alt != NULL)
    cs_draft_set_alt_text (make->draft, make->photo_id, alt);

  /* Redacted already, and looked at again all the same: faces the
   * detector finds are hidden unless tagged with a pupil who may be shown. */
  cs_photo_analyser_analyse_async (make->analyser, attachment->file, make->people, g_task_get_cancellable (task),
                                   analysed_cb, g_object_ref (task));
}

static void
fetch_next (GTask *task)
{
  Make *make = g_task_get_task_data (task);

  if (make->photos == NULL || make->next >= json_array_get_length (make->photos))
    {
      finish_draft (task);
      return;
    }

  cs_queue_client_get_photo_async (make->client, make->post_id, make->next, g_task_get_cancellable (task),
                                   photo_fetched_cb, g_object_ref (task));
}

void
cs_resubmission_make_draft_async (CsDraftStore        *store,
                                  CsQueueClient       *client,
                                  CsPhotoAnalyser     *analyser,
                                  GPtrArray           *people,
                                  JsonObject          *post,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Make *make;
  JsonArray *platforms;
  guint bits = 0;
  GError *error = NULL;

  g_return_if_fail (CS_IS_DRAFT_STORE (store));
  g_return_if_fail (CS_IS_QUEUE_CLIENT (client));
  g_return_if_fail (CS_IS_PHOTO_ANALYSER (analyser));
  g_return_if_fail (post != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_resubmission_make_draft_async);

  make = g_new0 (Make, 1);
  make->store = g_object_ref (store);
  make->client = g_object_ref (client);
  make->analyser = g_object_ref (analyser);
  make->people = people != NULL ? g_ptr_array_ref (people) : NULL;
  make->post = json_object_ref (post);
  make->post_id = json_object_get_int_member_with_default (post, "id", 0);
  make->photos = array_member (post, "photos") != NULL ? json_array_ref (array_member (post, "photos")) : NULL;
  g_task_set_task_data (task, make, (GDestroyNotify) make_free);

  make->draft = cs_draft_store_create (store);
  cs_draft_set_text (make->draft, string_member (post, "text") != NULL ? string_member (post, "text") : "");
  platforms = array_member (post, "platforms");
  for (guint i = 0; platforms != NULL && i < json_array_get_length (platforms); i++)
    {
      JsonNode *node = json_array_get_element (platforms, i);
      CsPlatform platform;

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
          cs_platform_from_string (json_node_get_string (node), &platform))
        bits |= 1u << platform;
    }
  /* None this version knows: the composer puts the defaults in. */
  cs_draft_set_platforms (make->draft, bits);

  if (!cs_draft_store_save (store, make->draft, &error))
    {
      g_prefix_error (&error, _("The new draft could not be saved: "));
      g_clear_object (&make->draft);
      g_task_return_error (task, error);
      return;
    }
  if (make->photos != NULL && json_array_get_length (make->photos) > 0)
    {
      make->tmp_dir = g_dir_make_tmp ("countersign-resubmit-XXXXXX", &error);
      if (make->tmp_dir == NULL)
        {
          fail (task, error);
          return;
        }
    }
  fetch_next (task);
}

CsDraft *
cs_resubmission_make_draft_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
cs_resubmission_dup_note (CsDraftStore *store,
                          const char   *id)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  const char *comment;

  g_return_val_if_fail (CS_IS_DRAFT_STORE (store), NULL);

  if (id == NULL || !cs_draft_id_is_valid (id))
    return NULL;
  path = note_path (store, id);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || !json_parser_load_from_file (parser, path, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  comment = string_member (json_node_get_object (root), "comment");
  if (comment == NULL || *comment == '\0')
    return g_strdup (_("The head did not approve this post and asked for changes. Put it right, then send it again."));
  /* The queue does not say which head decided, so the role stands in. */
  return g_strdup_printf (_("The head asked for changes: “%s”"), comment);
}
