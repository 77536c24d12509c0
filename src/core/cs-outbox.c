/* cs-outbox.c: submissions kept on disk until the approval queue has them
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cs-outbox.h"

#include "cs-files-private.h"
#include "cs-platform.h"

#include <errno.h>

#include <glib/gstdio.h>
#include <string.h>

#define FIRST_PAUSE_SECONDS 1
#define LONGEST_PAUSE_SECONDS 60

struct _CsOutbox
{
  GObject        parent_instance;

  char          *dir;
  CsQueueClient *client;
  GCancellable  *cancellable;

  gboolean       sending;     /* one at a time: the next goes when it is answered */
  guint          pause;       /* seconds before the next try after a failure */
  guint          retry_source;
};

G_DEFINE_FINAL_TYPE (CsOutbox, cs_outbox, G_TYPE_OBJECT)

enum { SENT, REFUSED, WAITING, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
cs_outbox_dispose (GObject *object)
{
  CsOutbox *self = CS_OUTBOX (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (cs_outbox_parent_class)->dispose (object);
}

static void
cs_outbox_finalize (GObject *object)
{
  g_free (CS_OUTBOX (object)->dir);

  G_OBJECT_CLASS (cs_outbox_parent_class)->finalize (object);
}

static void
cs_outbox_class_init (CsOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cs_outbox_dispose;
  object_class->finalize = cs_outbox_finalize;

  signals[SENT] = g_signal_new ("sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                G_TYPE_NONE, 2, G_TYPE_STRING, JSON_TYPE_OBJECT);
  signals[REFUSED] = g_signal_new ("refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, JSON_TYPE_ARRAY);
  signals[WAITING] = g_signal_new ("waiting", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    CsOutbox        *self)
{
  if (available && cs_outbox_get_n_pending (self) > 0)
    {
      self->pause = FIRST_PAUSE_SECONDS;
      cs_outbox_flush (self);
    }
}

static void
cs_outbox_init (CsOutbox *self)
{
  self->cancellable = g_cancellable_new ();
  self->pause = FIRST_PAUSE_SECONDS;
  g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                           G_CALLBACK (network_changed_cb), self, 0);
}

static char *
subdir (CsOutbox   *self,
        const char *state,
        const char *key)
{
  return g_build_filename (self->dir, state, key, NULL);
}

CsOutbox *
cs_outbox_new (const char    *dir,
               CsQueueClient *client)
{
  CsOutbox *self = g_object_new (CS_TYPE_OUTBOX, NULL);
  static const char *const states[] = { "pending", "sent", "refused" };

  self->dir = g_strdup (dir);
  self->client = g_object_ref (client);
  for (gsize i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_autofree char *path = g_build_filename (dir, states[i], NULL);

      g_autoptr(GError) error = NULL;

      /* A send then fails with this folder named, and is tried again. */
      if (!cs_ensure_private_dir (path, &error))
        g_warning ("%s", error->message);
    }
  return self;
}

static gboolean
write_durably (const char  *path,
               const void  *data,
               gsize        len,
               GError     **error)
{
  return g_file_set_contents_full (path, data, len,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600, error);
}

char *
cs_outbox_add (CsOutbox    *self,
               const char  *text,
               guint        platforms,
               GPtrArray   *photos,
               GError     **error)
{
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *building = NULL;
  g_autofree char *pending = NULL;
  g_autofree char *pending_dir = g_build_filename (self->dir, "pending", NULL);
  g_autofree char *json_path = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonBuilder) out = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (CS_IS_OUTBOX (self), NULL);

  /* Built beside pending/ and renamed into it whole, so a half-written
   * submission is never sent. */
  building = g_build_filename (self->dir, key, NULL);
  if (g_mkdir (building, PRIVATE_DIR_MODE) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("The outbox folder %s could not be made: %s"),
                   building, g_strerror (errno));
      return NULL;
    }

  json_builder_begin_object (out);
  json_builder_set_member_name (out, "key");
  json_builder_add_string_value (out, key);
  json_builder_set_member_name (out, "text");
  json_builder_add_string_value (out, text);
  json_builder_set_member_name (out, "platforms");
  cs_platforms_to_json (platforms, out);
  json_builder_set_member_name (out, "photos");
  json_builder_begin_array (out);
  for (guint i = 0; photos != NULL && i < photos->len; i++)
    {
      const CsOutboxPhoto *photo = g_ptr_array_index (photos, i);
      g_autofree char *name = g_strdup_printf ("photo%u.jpg", i);
      g_autofree char *dest = g_build_filename (building, name, NULL);
      g_autofree char *data = NULL;
      g_autoptr(JsonNode) tags = json_from_string (photo->tags_json != NULL ? photo->tags_json : "[]", NULL);
      gsize len;

      if (!g_file_get_contents (photo->file, &data, &len, error) || !write_durably (dest, data, len, error))
        {
          cs_delete_path (building, NULL);
          return NULL;
        }
      json_builder_begin_object (out);
      json_builder_set_member_name (out, "file");
      json_builder_add_string_value (out, name);
      json_builder_set_member_name (out, "alt");
      json_builder_add_string_value (out, photo->alt);
      json_builder_set_member_name (out, "tags");
      json_builder_add_value (out, tags != NULL ? g_steal_pointer (&tags) : json_node_new (JSON_NODE_ARRAY));
      json_builder_end_object (out);
    }
  json_builder_end_array (out);
  json_builder_end_object (out);

  root = json_builder_get_root (out);
  json = json_to_string (root, TRUE);
  json_path = g_build_filename (building, "submission.json", NULL);
  pending = subdir (self, "pending", key);
  if (!write_durably (json_path, json, strlen (json), error))
    {
      cs_delete_path (building, NULL);
      return NULL;
    }
  cs_sync_path (building);
  if (g_rename (building, pending) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("The submission could not be queued: %s"),
                   g_strerror (errno));
      cs_delete_path (building, NULL);
      return NULL;
    }
  cs_sync_path (pending_dir);

  return g_steal_pointer (&key);
}

/* Pending keys, oldest first. */
static GPtrArray *
pending_keys (CsOutbox *self)
{
  g_autofree char *dir = g_build_filename (self->dir, "pending", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (g_stat (path, &st) == 0)
        {
          gint64 t = st.st_mtime;
          guint at = 0;

          while (at < times->len && g_array_index (times, gint64, at) <= t)
            at++;
          g_array_insert_val (times, at, t);
          g_ptr_array_insert (keys, at, g_strdup (name));
        }
    }
  return keys;
}

guint
cs_outbox_get_n_pending (CsOutbox *self)
{
  g_autoptr(GPtrArray) keys = NULL;

  g_return_val_if_fail (CS_IS_OUTBOX (self), 0);
  keys = pending_keys (self);
  return keys->len;
}

static void send_next (CsOutbox *self);

static gboolean
retry_cb (gpointer data)
{
  CsOutbox *self = data;

  self->retry_source = 0;
  cs_outbox_flush (self);
  return G_SOURCE_REMOVE;
}

/* Moves a finished submission out of pending/, with the queue's answer. */
static void
file_away (CsOutbox   *self,
           const char *key,
           const char *state,
           JsonNode   *answer)
{
  g_autofree char *from = subdir (self, "pending", key);
  g_autofree char *to = subdir (self, state, key);
  g_autofree char *parent = g_build_filename (self->dir, state, NULL);

  if (answer != NULL)
    {
      g_autofree char *path = g_build_filename (from, "answer.json", NULL);
      g_autofree char *text = json_to_string (answer, TRUE);

      write_durably (path, text, strlen (text), NULL);
    }
  if (g_rename (from, to) != 0)
    g_warning ("The submission %s could not be moved to %s: %s", key, state, g_strerror (errno));
  cs_sync_path (parent);
}

typedef struct
{
  CsOutbox *self;
  char     *key;
} Attempt;

static void
submitted_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Attempt *attempt = data;
  g_autoptr(CsOutbox) self = attempt->self;
  g_autofree char *key = attempt->key;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) findings = NULL;
  g_autoptr(JsonObject) post = cs_queue_client_submit_finish (CS_QUEUE_CLIENT (source), result, &findings, &error);

  g_free (attempt);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->sending = FALSE;

  if (post != NULL)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (node, post);
      file_away (self, key, "sent", node);
      self->pause = FIRST_PAUSE_SECONDS;
      g_signal_emit (self, signals[SENT], 0, key, post);
      send_next (self);
      return;
    }

  if (cs_queue_client_error_is_transient (error))
    {
      g_signal_emit (self, signals[WAITING], 0, key, error->message);
      g_clear_handle_id (&self->retry_source, g_source_remove);
      self->retry_source = g_timeout_add_seconds (self->pause, retry_cb, self);
      self->pause = MIN (self->pause * 2, LONGEST_PAUSE_SECONDS);
      return;
    }

  /* Refused as it is (a policy error, a sign-in needed): kept, never
   * dropped, for the author to put right and send again. */
  {
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
    JsonObject *answer = json_object_new ();

    json_object_set_string_member (answer, "message", error->message);
    if (findings != NULL)
      json_object_set_array_member (answer, "findings", json_array_ref (findings));
    json_node_take_object (node, answer);
    if (!g_error_matches (error, CS_QUEUE_CLIENT_ERROR, CS_QUEUE_CLIENT_ERROR_UNAUTHORIZED))
      file_away (self, key, "refused", node);
    g_signal_emit (self, signals[REFUSED], 0, key, error->message, findings);
    if (!g_error_matches (error, CS_QUEUE_CLIENT_ERROR, CS_QUEUE_CLIENT_ERROR_UNAUTHORIZED))
      send_next (self);
  }
}

static void
send_next (CsOutbox *self)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) folder = NULL;
  Attempt *attempt;

  if (self->sending)
    return;
  keys = pending_keys (self);
  if (keys->len == 0)
    return;

  self->sending = TRUE;
  path = subdir (self, "pending", g_ptr_array_index (keys, 0));
  folder = g_file_new_for_path (path);
  attempt = g_new0 (Attempt, 1);
  attempt->self = g_object_ref (self);
  attempt->key = g_strdup (g_ptr_array_index (keys, 0));
  cs_queue_client_submit_async (self->client, folder, self->cancellable, submitted_cb, attempt);
}

void
cs_outbox_flush (CsOutbox *self)
{
  g_return_if_fail (CS_IS_OUTBOX (self));

  g_clear_handle_id (&self->retry_source, g_source_remove);
  send_next (self);
}
