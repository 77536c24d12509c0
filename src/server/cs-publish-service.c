/* cs-publish-service.c: publishes approved posts when they fall due
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-publish-service.h"

#include "cs-publisher.h"

#include <string.h>

/* Platforms in parallel; one school rarely has more than five accounts. */
#define MAX_WORKERS 4
/* Claimed at once: what the workers can start on. */
#define CLAIM_LIMIT 16
/* Due times are also looked for this often, for deliveries another
 * server of the trust queued. */
#define POLL_SECONDS 30
#define MAX_DELAY_SECONDS (60 * 60)

struct _CsPublishService
{
  GObject          parent_instance;

  CsQueueStore    *store;
  CsSchoolChecks  *checks;
  CsSecretBox     *box;
  GTlsCertificate *trusted;
  GMainContext    *context;
  GThreadPool     *pool;
  GCancellable    *cancellable;
  GSource         *timer;
  guint            first_delay;
  guint            max_attempts;

  GMutex           lock;        /* guards publishers */
  GHashTable      *publishers;  /* "school/platform" → CsPublisher */
};

G_DEFINE_FINAL_TYPE (CsPublishService, cs_publish_service, G_TYPE_OBJECT)

enum { DELIVERY_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
cs_publish_service_dispose (GObject *object)
{
  CsPublishService *self = CS_PUBLISH_SERVICE (object);

  cs_publish_service_stop (self);
  G_OBJECT_CLASS (cs_publish_service_parent_class)->dispose (object);
}

static void
cs_publish_service_finalize (GObject *object)
{
  CsPublishService *self = CS_PUBLISH_SERVICE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->checks);
  g_clear_pointer (&self->box, cs_secret_box_free);
  g_clear_object (&self->trusted);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->publishers, g_hash_table_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (cs_publish_service_parent_class)->finalize (object);
}

static void
cs_publish_service_class_init (CsPublishServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cs_publish_service_dispose;
  object_class->finalize = cs_publish_service_finalize;

  /* Emitted in the service's main context when a delivery of post @id
   * changed state, so the server can tell the head's and author's
   * windows. */
  signals[DELIVERY_CHANGED] = g_signal_new ("delivery-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                            NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
cs_publish_service_init (CsPublishService *self)
{
  g_mutex_init (&self->lock);
  self->publishers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->first_delay = 30;
  self->max_attempts = 6;
}

CsPublishService *
cs_publish_service_new (CsQueueStore   *store,
                        CsSchoolChecks *checks,
                        CsSecretBox    *box)
{
  CsPublishService *self = g_object_new (CS_TYPE_PUBLISH_SERVICE, NULL);

  self->store = g_object_ref (store);
  self->checks = g_object_ref (checks);
  self->box = box;
  return self;
}

void
cs_publish_service_set_retry_policy (CsPublishService *self,
                                     guint             first_delay,
                                     guint             max_attempts)
{
  g_return_if_fail (CS_IS_PUBLISH_SERVICE (self));
  self->first_delay = MAX (first_delay, 1);
  self->max_attempts = MAX (max_attempts, 1);
}

void
cs_publish_service_trust_certificate (CsPublishService *self,
                                      GTlsCertificate  *certificate)
{
  g_return_if_fail (CS_IS_PUBLISH_SERVICE (self));
  g_set_object (&self->trusted, certificate);
}

void
cs_publish_service_forget (CsPublishService *self,
                           const char       *school)
{
  g_autofree char *prefix = g_strconcat (school, "/", NULL);
  GHashTableIter iter;
  const char *key;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->publishers);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
    if (g_str_has_prefix (key, prefix))
      g_hash_table_iter_remove (&iter);
  g_mutex_unlock (&self->lock);
}

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonNode) node = json != NULL ? json_from_string (json, NULL) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return json_object_new ();
  return json_object_ref (json_node_get_object (node));
}

static char *
object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

gboolean
cs_publish_service_set_account (CsPublishService  *self,
                                const char        *school,
                                const char        *platform,
                                JsonObject        *settings,
                                JsonObject        *secrets,
                                const CsQueueUser *actor,
                                GError           **error)
{
  g_autoptr(CsPublisher) check = NULL;
  g_autofree char *settings_json = NULL;
  g_autofree char *secrets_json = NULL;
  g_autoptr(GBytes) sealed = NULL;

  g_return_val_if_fail (CS_IS_PUBLISH_SERVICE (self), FALSE);

  /* Made and thrown away: the fields are all there and well formed. */
  check = cs_publisher_new_for_account (platform, settings, secrets, error);
  if (check == NULL)
    return FALSE;

  settings_json = object_to_string (settings);
  secrets_json = object_to_string (secrets);
  sealed = cs_secret_box_seal (self->box, secrets_json);
  /* The clear copy is not left lying in freed memory. */
  memset (secrets_json, 0, strlen (secrets_json));
  if (!cs_queue_store_set_account (self->store, school, platform, settings_json, sealed, actor, error))
    return FALSE;
  cs_publish_service_forget (self, school);
  return TRUE;
}

/* Publishing one delivery, in a worker thread */

typedef struct
{
  CsPublishService *self;
  CsDelivery       *delivery;
} Checkpoint;

static gboolean
save_progress_cb (CsPublishJob  *job,
                  gpointer       data,
                  GError       **error)
{
  Checkpoint *c = data;
  g_autofree char *json = object_to_string (job->progress);

  return cs_queue_store_save_progress (c->self->store, c->delivery->post, c->delivery->platform, json, error);
}

static CsPublisher *
get_publisher (CsPublishService  *self,
               const CsDelivery  *delivery,
               GError           **error)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", delivery->school, delivery->platform);
  g_autofree char *settings_json = NULL;
  g_autofree char *secrets_json = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(JsonObject) settings = NULL;
  g_autoptr(JsonObject) secrets = NULL;
  g_autoptr(GError) local_error = NULL;
  CsPublisher *publisher;

  g_mutex_lock (&self->lock);
  publisher = g_hash_table_lookup (self->publishers, key);
  if (publisher != NULL)
    g_object_ref (publisher);
  g_mutex_unlock (&self->lock);
  if (publisher != NULL)
    return publisher;

  if (!cs_queue_store_get_account (self->store, delivery->school, delivery->platform, &settings_json, &sealed,
                                   &local_error))
    {
      if (g_error_matches (local_error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_NOT_FOUND))
        g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
                     g_str_equal (delivery->platform, "export")
                     ? "The school has no export folder set up, so the post could not go there. Ask whoever "
                       "looks after the school's accounts to add it, then retry."
                     : "The school has no %s account set up, so the post could not go there. Ask whoever looks "
                       "after the school's accounts to add it, then retry.",
                     cs_publisher_display_name (delivery->platform));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  secrets_json = cs_secret_box_open (self->box, sealed, error);
  if (secrets_json == NULL)
    return NULL;
  settings = parse_object (settings_json);
  secrets = parse_object (secrets_json);
  memset (secrets_json, 0, strlen (secrets_json));

  publisher = cs_publisher_new_for_account (delivery->platform, settings, secrets, error);
  if (publisher == NULL)
    return NULL;
  if (self->trusted != NULL)
    cs_publisher_pin_certificate (publisher, self->trusted);

  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->publishers, g_steal_pointer (&key), g_object_ref (publisher));
  g_mutex_unlock (&self->lock);
  return publisher;
}

/* A refreshed token is sealed and kept, or the next post would need the
 * old one, which the platform has just retired. */
static void
keep_changed_secrets (CsPublishService *self,
                      CsPublisher      *publisher,
                      const CsDelivery *delivery)
{
  g_autoptr(JsonObject) changed = cs_publisher_take_changed_secrets (publisher);
  g_autofree char *settings_json = NULL;
  g_autofree char *secrets_json = NULL;
  g_autofree char *merged_json = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) resealed = NULL;
  g_autoptr(JsonObject) secrets = NULL;
  g_autoptr(GError) error = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (changed == NULL)
    return;
  if (!cs_queue_store_get_account (self->store, delivery->school, delivery->platform, &settings_json, &sealed,
                                   &error) ||
      (secrets_json = cs_secret_box_open (self->box, sealed, &error)) == NULL)
    {
      g_warning ("The renewed %s credentials of %s could not be kept: %s", delivery->platform, delivery->school,
                 error->message);
      return;
    }
  secrets = parse_object (secrets_json);
  memset (secrets_json, 0, strlen (secrets_json));
  json_object_iter_init (&iter, changed);
  while (json_object_iter_next (&iter, &name, &value))
    json_object_set_member (secrets, name, json_node_copy (value));
  merged_json = object_to_string (secrets);
  resealed = cs_secret_box_seal (self->box, merged_json);
  memset (merged_json, 0, strlen (merged_json));
  if (!cs_queue_store_set_account (self->store, delivery->school, delivery->platform, settings_json, resealed,
                                   NULL, &error))
    g_warning ("The renewed %s credentials of %s could not be kept: %s", delivery->platform, delivery->school,
               error->message);
}

/* The reasons a post approved earlier may no longer go out. */
static gboolean
still_publishable (CsPublishService  *self,
                   const CsQueuePost *post,
                   GError           **error)
{
  g_autofree char *hash = NULL;
  g_autoptr(GPtrArray) findings = NULL;

  if (post->state != CS_POST_APPROVED)
    {
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                   "The post is %s, not approved, so it was not published.", cs_post_state_to_string (post->state));
      return FALSE;
    }
  hash = cs_queue_post_compute_hash (post);
  if (g_strcmp0 (hash, post->approved_hash) != 0)
    {
      g_set_error_literal (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                           "The post is not the one that was approved (its text or photos differ), so it was not "
                           "published. Look at it again and approve it afresh.");
      return FALSE;
    }

  /* A parent may have withdrawn consent since the approval: the roster
   * of today decides. The photos were looked at on submission. */
  findings = cs_school_checks_run (self->checks, post, FALSE, NULL, error);
  if (findings == NULL)
    return FALSE;
  if (cs_findings_have_errors (findings))
    {
      g_autoptr(GString) reasons = g_string_new (NULL);

      for (guint i = 0; i < findings->len; i++)
        {
          CsFinding *finding = g_ptr_array_index (findings, i);

          if (finding->severity != CS_SEVERITY_ERROR)
            continue;
          g_string_append_printf (reasons, "%s%s", reasons->len > 0 ? " " : "", finding->message);
        }
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED,
                   "Not published: since the post was approved, the roster or policy changed and it no longer "
                   "passes the checks (consent may have been withdrawn). %s Change the post, or reject it.",
                   reasons->str);
      return FALSE;
    }
  return TRUE;
}

static gint64
retry_delay (CsPublishService *self,
             int               attempts)
{
  gint64 delay = self->first_delay;

  for (int i = 1; i < attempts && delay < MAX_DELAY_SECONDS; i++)
    delay *= 4;
  delay = MIN (delay, MAX_DELAY_SECONDS);
  /* Up to a tenth more, so a school's accounts do not all come back at
   * the same second after an outage. */
  return delay + g_random_int_range (0, (gint32) (delay / 10) + 1);
}

typedef struct
{
  CsPublishService *self;
  gint64            post;
} Changed;

static gboolean
emit_changed_cb (gpointer data)
{
  Changed *changed = data;

  g_signal_emit (changed->self, signals[DELIVERY_CHANGED], 0, changed->post);
  cs_publish_service_wake (changed->self);
  return G_SOURCE_REMOVE;
}

static void
changed_free (gpointer data)
{
  Changed *changed = data;

  g_object_unref (changed->self);
  g_free (changed);
}

static void
publish_one (CsPublishService *self,
             CsDelivery       *delivery)
{
  g_autoptr(CsQueuePost) post = NULL;
  g_autoptr(CsPublisher) publisher = NULL;
  g_autoptr(CsPublishJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) store_error = NULL;
  Checkpoint checkpoint = { self, delivery };
  CsDeliveryState state = CS_DELIVERY_FAILED;
  g_autofree char *message = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 next_at = now;
  gboolean ok;

  post = cs_queue_store_get_post (self->store, delivery->post, TRUE, &error);
  ok = post != NULL && still_publishable (self, post, &error);
  if (ok)
    publisher = get_publisher (self, delivery, &error);
  ok = ok && publisher != NULL;
  if (ok)
    {
      job = cs_publish_job_new (post->text, delivery->key);
      for (guint i = 0; i < post->photos->len; i++)
        {
          CsQueuePhoto *photo = g_ptr_array_index (post->photos, i);

          cs_publish_job_add_photo (job, photo->jpeg, photo->alt);
        }
      json_object_unref (job->progress);
      job->progress = parse_object (delivery->progress_json);
      job->resumed = delivery->resumed;
      job->checkpoint = save_progress_cb;
      job->checkpoint_data = &checkpoint;
      ok = cs_publisher_publish (publisher, job, self->cancellable, &error);
      keep_changed_secrets (self, publisher, delivery);
    }

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;  /* Stopping: left "publishing", recovered at the next start. */

  if (ok)
    state = CS_DELIVERY_PUBLISHED;
  else if (g_error_matches (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY) ||
           (error != NULL && error->domain != CS_PUBLISH_ERROR && error->domain != CS_SECRET_BOX_ERROR))
    {
      if (delivery->attempts < (int) self->max_attempts)
        {
          state = CS_DELIVERY_QUEUED;
          next_at = MAX (now + retry_delay (self, delivery->attempts), job != NULL ? job->retry_at : 0);
          message = g_strdup (error->message);
        }
      else
        message = g_strdup_printf ("%s It was tried %d times without success; retry once the platform is working "
                                   "again.", error->message, delivery->attempts);
    }
  if (!ok && message == NULL)
    message = g_strdup (error->message);

  if (!cs_queue_store_finish_delivery (self->store, delivery->post, delivery->platform, state,
                                       ok ? job->url : NULL, message, next_at, &store_error))
    g_warning ("The result of publishing post %" G_GINT64_FORMAT " to %s could not be saved: %s",
               delivery->post, delivery->platform, store_error->message);

  {
    Changed *changed = g_new0 (Changed, 1);

    changed->self = g_object_ref (self);
    changed->post = delivery->post;
    g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, emit_changed_cb, changed, changed_free);
  }
}

static void
worker_cb (gpointer data,
           gpointer user_data)
{
  CsPublishService *self = user_data;
  CsDelivery *delivery = data;

  publish_one (self, delivery);
  cs_delivery_free (delivery);
}

/* Claiming, on the main context */

static void schedule (CsPublishService *self);

static gboolean
tick_cb (gpointer data)
{
  CsPublishService *self = data;
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->timer, g_source_unref);
  if (self->pool == NULL)
    return G_SOURCE_REMOVE;

  due = cs_queue_store_claim_deliveries (self->store, g_get_real_time () / G_USEC_PER_SEC, CLAIM_LIMIT, &error);
  if (due == NULL)
    g_warning ("Posts due for publishing could not be read: %s", error->message);
  for (guint i = 0; due != NULL && i < due->len; i++)
    g_thread_pool_push (self->pool, g_steal_pointer (&due->pdata[i]), NULL);
  schedule (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (CsPublishService *self)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 due = cs_queue_store_next_due (self->store);
  gint64 wait = due > 0 ? CLAMP (due - now, 0, POLL_SECONDS) : POLL_SECONDS;

  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  self->timer = wait == 0 ? g_idle_source_new () : g_timeout_source_new_seconds (wait);
  g_source_set_callback (self->timer, tick_cb, self, NULL);
  g_source_attach (self->timer, self->context);
}

gboolean
cs_publish_service_start (CsPublishService  *self,
                          GError           **error)
{
  int recovered;

  g_return_val_if_fail (CS_IS_PUBLISH_SERVICE (self), FALSE);
  g_return_val_if_fail (self->pool == NULL, FALSE);

  recovered = cs_queue_store_recover_deliveries (self->store, error);
  if (recovered < 0)
    return FALSE;
  if (recovered > 0)
    g_message ("%d posts were being published when the server stopped; each platform is checked for them "
               "before they are tried again.", recovered);

  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
  self->pool = g_thread_pool_new (worker_cb, self, MAX_WORKERS, FALSE, error);
  if (self->pool == NULL)
    return FALSE;
  schedule (self);
  return TRUE;
}

void
cs_publish_service_wake (CsPublishService *self)
{
  g_return_if_fail (CS_IS_PUBLISH_SERVICE (self));

  if (self->pool != NULL)
    schedule (self);
}

void
cs_publish_service_stop (CsPublishService *self)
{
  g_return_if_fail (CS_IS_PUBLISH_SERVICE (self));

  if (self->pool == NULL)
    return;
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  g_cancellable_cancel (self->cancellable);
  /* Waits for the workers; their results' signals are dropped with the
   * context's pending sources, which hold their own references. */
  g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);
}
