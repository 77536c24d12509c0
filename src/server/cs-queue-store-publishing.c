/* cs-queue-store-publishing.c: the school's accounts and each post's deliveries
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A delivery is one approved post on its way to one account. Every step
 * is committed before the network call it leads to, so after a crash the
 * server knows which deliveries may already have reached their platform
 * (those left "publishing") and has its publisher look before it posts.
 */

#include "cs-queue-store-private.h"

#include <string.h>

#include "cs-secret.h"

static const char *const delivery_state_names[] = { "queued", "publishing", "published", "failed" };

const char *
cs_delivery_state_to_string (CsDeliveryState state)
{
  g_return_val_if_fail (state <= CS_DELIVERY_FAILED, NULL);
  return delivery_state_names[state];
}

gboolean
cs_delivery_state_from_string (const char      *str,
                               CsDeliveryState *state)
{
  for (guint i = 0; i < G_N_ELEMENTS (delivery_state_names); i++)
    if (g_strcmp0 (str, delivery_state_names[i]) == 0)
      {
        *state = i;
        return TRUE;
      }
  return FALSE;
}

void
cs_delivery_free (CsDelivery *delivery)
{
  if (delivery == NULL)
    return;
  g_free (delivery->school);
  g_free (delivery->platform);
  g_free (delivery->key);
  g_free (delivery->progress_json);
  g_free (delivery->url);
  g_free (delivery->message);
  g_free (delivery);
}

#define DELIVERY_COLUMNS \
  "d.post, p.school, d.platform, d.state, d.key, d.progress, d.resumed, d.attempts, d.next_at, " \
  "d.url, d.message, d.updated_at FROM deliveries d JOIN posts p ON p.id = d.post"

static CsDelivery *
delivery_from_row (CsDbRows *rows,
                   guint     r)
{
  CsDelivery *delivery = g_new0 (CsDelivery, 1);

  delivery->post = cs_db_rows_int (rows, r, 0);
  delivery->school = g_strdup (cs_db_rows_text (rows, r, 1));
  delivery->platform = g_strdup (cs_db_rows_text (rows, r, 2));
  if (!cs_delivery_state_from_string (cs_db_rows_text (rows, r, 3), &delivery->state))
    delivery->state = CS_DELIVERY_FAILED;
  delivery->key = g_strdup (cs_db_rows_text (rows, r, 4));
  delivery->progress_json = g_strdup (cs_db_rows_text (rows, r, 5));
  delivery->resumed = cs_db_rows_int (rows, r, 6) != 0;
  delivery->attempts = cs_db_rows_int (rows, r, 7);
  delivery->next_at = cs_db_rows_int (rows, r, 8);
  delivery->url = g_strdup (cs_db_rows_text (rows, r, 9));
  delivery->message = g_strdup (cs_db_rows_text (rows, r, 10));
  delivery->updated_at = cs_db_rows_int (rows, r, 11);
  return delivery;
}

gboolean
cs_queue_store_load_deliveries_locked (CsQueueStore  *self,
                                       CsQueuePost   *post,
                                       GError       **error)
{
  g_autoptr(CsDbRows) rows = cs_queue_store_query (self, "SELECT " DELIVERY_COLUMNS " WHERE d.post = ? "
                                                         "ORDER BY d.platform",
                                                   (CsDbValue[]) { CS_DB_P_INT (post->id), CS_DB_P_END },
                                                   "read the post's deliveries", error);

  if (rows == NULL)
    return FALSE;
  for (guint r = 0; r < cs_db_rows_count (rows); r++)
    g_ptr_array_add (post->deliveries, delivery_from_row (rows, r));
  return TRUE;
}

gboolean
cs_queue_store_attach_deliveries_locked (CsQueueStore    *self,
                                         GHashTable      *by_id,
                                         const char      *where,
                                         const CsDbValue *params,
                                         GError         **error)
{
  g_autofree char *sql = g_strconcat ("SELECT " DELIVERY_COLUMNS, where, " AND p.id >= ? ORDER BY d.post, d.platform",
                                      NULL);
  g_autoptr(CsDbRows) rows = cs_queue_store_query (self, sql, params, "list the deliveries", error);

  if (rows == NULL)
    return FALSE;
  for (guint r = 0; r < cs_db_rows_count (rows); r++)
    {
      gint64 id = cs_db_rows_int (rows, r, 0);
      CsQueuePost *post = g_hash_table_lookup (by_id, &id);

      if (post != NULL)
        g_ptr_array_add (post->deliveries, delivery_from_row (rows, r));
    }
  return TRUE;
}

/* Accounts */

gboolean
cs_queue_store_set_account (CsQueueStore       *self,
                            const char         *school,
                            const char         *platform,
                            const char         *settings_json,
                            GBytes             *sealed_secrets,
                            const CsQueueUser  *actor,
                            GError            **error)
{
  g_autoptr(CsDbRows) rows = NULL;
  g_autofree char *detail = NULL;
  gsize len;
  gconstpointer data = g_bytes_get_data (sealed_secrets, &len);
  gboolean ok;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), FALSE);

  if (!cs_queue_store_begin (self, error))
    return FALSE;
  rows = cs_queue_store_query (self, "INSERT INTO accounts (school, platform, settings, secrets, updated_at) "
                                     "VALUES (?, ?, ?, ?, ?) ON CONFLICT (school, platform) DO UPDATE SET "
                                     "settings = excluded.settings, secrets = excluded.secrets, "
                                     "updated_at = excluded.updated_at",
                               (CsDbValue[]) { CS_DB_P_TEXT (school), CS_DB_P_TEXT (platform),
                                               CS_DB_P_TEXT (settings_json), CS_DB_P_BLOB (data, len),
                                               CS_DB_P_INT (cs_queue_store_now ()), CS_DB_P_END },
                               "save the account", error);
  ok = rows != NULL;
  /* The settings (addresses, names) go in the log; the secrets never do. */
  detail = g_strdup_printf ("%s%s%s", platform, actor != NULL ? ": " : " credentials renewed by the platform",
                            actor != NULL ? settings_json : "");
  ok = ok && cs_queue_store_append_audit (self, school, actor != NULL ? actor->name : "server",
                                          actor != NULL ? "account-set" : "account-renewed", 0, detail, error);
  return cs_queue_store_commit (self, ok, error);
}

gboolean
cs_queue_store_remove_account (CsQueueStore       *self,
                               const char         *school,
                               const char         *platform,
                               const CsQueueUser  *actor,
                               GError            **error)
{
  g_autoptr(CsDbRows) rows = NULL;
  gboolean ok;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), FALSE);

  if (!cs_queue_store_begin (self, error))
    return FALSE;
  rows = cs_queue_store_query (self, "DELETE FROM accounts WHERE school = ? AND platform = ? RETURNING platform",
                               (CsDbValue[]) { CS_DB_P_TEXT (school), CS_DB_P_TEXT (platform), CS_DB_P_END },
                               "remove the account", error);
  ok = rows != NULL;
  if (ok && cs_db_rows_count (rows) == 0)
    {
      g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_NOT_FOUND,
                   "The school has no %s account to remove.", platform);
      ok = FALSE;
    }
  ok = ok && cs_queue_store_append_audit (self, school, actor->name, "account-removed", 0, platform, error);
  return cs_queue_store_commit (self, ok, error);
}

gboolean
cs_queue_store_get_account (CsQueueStore  *self,
                            const char    *school,
                            const char    *platform,
                            char         **settings_json,
                            GBytes       **sealed_secrets,
                            GError       **error)
{
  g_autoptr(CsDbRows) rows = NULL;
  gboolean found = FALSE;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), FALSE);

  g_mutex_lock (&self->lock);
  rows = cs_queue_store_query (self, "SELECT settings, secrets FROM accounts WHERE school = ? AND platform = ?",
                               (CsDbValue[]) { CS_DB_P_TEXT (school), CS_DB_P_TEXT (platform), CS_DB_P_END },
                               "read the account", error);
  if (rows != NULL && cs_db_rows_count (rows) == 1)
    {
      found = TRUE;
      if (settings_json != NULL)
        *settings_json = g_strdup (cs_db_rows_text (rows, 0, 0));
      if (sealed_secrets != NULL)
        *sealed_secrets = cs_db_rows_bytes (rows, 0, 1);
    }
  else if (rows != NULL)
    g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_NOT_FOUND,
                 "The school has no %s account set up.", platform);
  g_mutex_unlock (&self->lock);
  return found;
}

JsonArray *
cs_queue_store_list_accounts (CsQueueStore  *self,
                              const char    *school,
                              GError       **error)
{
  g_autoptr(CsDbRows) rows = NULL;
  g_autoptr(JsonArray) accounts = NULL;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  rows = cs_queue_store_query (self, "SELECT platform, settings, updated_at FROM accounts WHERE school = ? "
                                     "ORDER BY platform",
                               (CsDbValue[]) { CS_DB_P_TEXT (school), CS_DB_P_END }, "list the accounts", error);
  g_mutex_unlock (&self->lock);
  if (rows == NULL)
    return NULL;

  accounts = json_array_new ();
  for (guint r = 0; r < cs_db_rows_count (rows); r++)
    {
      JsonObject *account = json_object_new ();
      JsonNode *settings = json_from_string (cs_db_rows_text (rows, r, 1), NULL);

      json_object_set_string_member (account, "platform", cs_db_rows_text (rows, r, 0));
      json_object_set_member (account, "settings", settings != NULL ? settings : json_node_new (JSON_NODE_NULL));
      json_object_set_int_member (account, "updated_at", cs_db_rows_int (rows, r, 2));
      json_array_add_object_element (accounts, account);
    }
  return g_steal_pointer (&accounts);
}

/* Deliveries */

static gboolean
has_account_locked (CsQueueStore  *self,
                    const char    *school,
                    const char    *platform,
                    gboolean      *found,
                    GError       **error)
{
  g_autoptr(CsDbRows) rows = cs_queue_store_query (self, "SELECT 1 FROM accounts WHERE school = ? AND platform = ?",
                                                   (CsDbValue[]) { CS_DB_P_TEXT (school), CS_DB_P_TEXT (platform),
                                                                   CS_DB_P_END },
                                                   "read the accounts", error);

  if (rows == NULL)
    return FALSE;
  *found = cs_db_rows_count (rows) > 0;
  return TRUE;
}

static gboolean
add_delivery_locked (CsQueueStore  *self,
                     gint64         post,
                     const char    *platform,
                     gint64         due,
                     GError       **error)
{
  g_autoptr(CsDbRows) rows = NULL;
  g_autofree char *random = cs_secret_new_token ();
  /* The platform sees this key (Mastodon's Idempotency-Key, a Bluesky
   * record key is made from it): it says nothing about the school. */
  g_autofree char *key = g_strdup_printf ("cs-%" G_GINT64_FORMAT "-%s-%.16s", post, platform, random);

  for (char *c = key; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '-')
      *c = 'x';
  rows = cs_queue_store_query (self, "INSERT INTO deliveries (post, platform, state, key, progress, resumed, "
                                     "attempts, next_at, updated_at) VALUES (?, ?, 'queued', ?, '{}', 0, 0, ?, ?)",
                               (CsDbValue[]) { CS_DB_P_INT (post), CS_DB_P_TEXT (platform), CS_DB_P_TEXT (key),
                                               CS_DB_P_INT (due), CS_DB_P_INT (cs_queue_store_now ()), CS_DB_P_END },
                               "queue the post for publishing", error);
  return rows != NULL;
}

gboolean
cs_queue_store_approve (CsQueueStore       *self,
                        gint64              id,
                        const CsQueueUser  *actor,
                        const char         *comment,
                        const char         *approved_hash,
                        gint64              publish_at,
                        GError            **error)
{
  g_autoptr(CsDbRows) rows = NULL;
  g_autoptr(JsonNode) platforms = NULL;
  gint64 now = cs_queue_store_now ();
  gint64 due = MAX (publish_at, now);
  gboolean ok, has_export = FALSE;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), FALSE);

  if (!cs_queue_store_begin (self, error))
    return FALSE;
  ok = cs_queue_store_transition_locked (self, id, CS_POST_PENDING, CS_POST_APPROVED, actor->school, actor->name,
                                         comment, approved_hash, error);
  if (ok)
    {
      rows = cs_queue_store_query (self, "SELECT platforms FROM posts WHERE id = ?",
                                   (CsDbValue[]) { CS_DB_P_INT (id), CS_DB_P_END }, "read the post", error);
      ok = rows != NULL && cs_db_rows_count (rows) == 1;
    }
  if (ok)
    platforms = json_from_string (cs_db_rows_text (rows, 0, 0), NULL);
  if (ok && platforms != NULL && JSON_NODE_HOLDS_ARRAY (platforms))
    {
      JsonArray *list = json_node_get_array (platforms);

      for (guint i = 0; ok && i < json_array_get_length (list); i++)
        ok = add_delivery_locked (self, id, json_array_get_string_element (list, i), due, error);
    }
  /* A school with an export folder (its website, its newsletter) gets
   * every approved post there too. */
  ok = ok && has_account_locked (self, actor->school, "export", &has_export, error);
  if (ok && has_export)
    ok = add_delivery_locked (self, id, "export", due, error);
  if (ok && due > now)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (due);
      g_autofree char *detail = g_date_time_format_iso8601 (when);

      ok = cs_queue_store_append_audit (self, actor->school, actor->name, "scheduled", id, detail, error);
    }
  return cs_queue_store_commit (self, ok, error);
}

GPtrArray *
cs_queue_store_claim_deliveries (CsQueueStore  *self,
                                 gint64         now,
                                 guint          limit,
                                 GError       **error)
{
  g_autoptr(GPtrArray) claimed = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_delivery_free);
  g_autoptr(CsDbRows) rows = NULL;
  gboolean ok;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), NULL);

  if (!cs_queue_store_begin (self, error))
    return NULL;
  rows = cs_queue_store_query (self, "SELECT " DELIVERY_COLUMNS " WHERE d.state = 'queued' AND d.next_at <= ? "
                                     "ORDER BY d.next_at, d.post, d.platform LIMIT ?",
                               (CsDbValue[]) { CS_DB_P_INT (now), CS_DB_P_INT (limit), CS_DB_P_END },
                               "find the posts due", error);
  ok = rows != NULL;
  for (guint r = 0; ok && r < cs_db_rows_count (rows); r++)
    {
      g_autoptr(CsDbRows) done = NULL;
      CsDelivery *delivery = delivery_from_row (rows, r);
      g_autofree char *detail = NULL;

      g_ptr_array_add (claimed, delivery);
      delivery->state = CS_DELIVERY_PUBLISHING;
      delivery->attempts++;
      done = cs_queue_store_query (self, "UPDATE deliveries SET state = 'publishing', attempts = ?, updated_at = ? "
                                         "WHERE post = ? AND platform = ?",
                                   (CsDbValue[]) { CS_DB_P_INT (delivery->attempts), CS_DB_P_INT (now),
                                                   CS_DB_P_INT (delivery->post), CS_DB_P_TEXT (delivery->platform),
                                                   CS_DB_P_END },
                                   "start publishing", error);
      detail = g_strdup_printf ("%s, attempt %d%s", delivery->platform, delivery->attempts,
                                delivery->resumed ? ", looking first for a post the last attempt may have made" : "");
      ok = done != NULL && cs_queue_store_append_audit (self, delivery->school, "server", "publish-attempt",
                                                        delivery->post, detail, error);
    }
  if (!cs_queue_store_commit (self, ok, error))
    return NULL;
  return g_steal_pointer (&claimed);
}

gboolean
cs_queue_store_save_progress (CsQueueStore  *self,
                              gint64         post,
                              const char    *platform,
                              const char    *progress_json,
                              GError       **error)
{
  g_autoptr(CsDbRows) rows = NULL;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), FALSE);

  /* No audit entry: these are the platform's ids for half-made posts,
   * and the attempt's start and end are logged already. */
  g_mutex_lock (&self->lock);
  rows = cs_queue_store_query (self, "UPDATE deliveries SET progress = ?, updated_at = ? WHERE post = ? AND platform = ?",
                               (CsDbValue[]) { CS_DB_P_TEXT (progress_json), CS_DB_P_INT (cs_queue_store_now ()),
                                               CS_DB_P_INT (post), CS_DB_P_TEXT (platform), CS_DB_P_END },
                               "save how far publishing got", error);
  g_mutex_unlock (&self->lock);
  return rows != NULL;
}

static gboolean
publish_post_when_done_locked (CsQueueStore  *self,
                               gint64         post,
                               const char    *school,
                               GError       **error)
{
  g_autoptr(CsDbRows) rows = cs_queue_store_query (self, "SELECT COUNT(*) FROM deliveries WHERE post = ? "
                                                         "AND state <> 'published'",
                                                   (CsDbValue[]) { CS_DB_P_INT (post), CS_DB_P_END },
                                                   "count the deliveries", error);

  if (rows == NULL)
    return FALSE;
  if (cs_db_rows_int (rows, 0, 0) > 0)
    return TRUE;
  return cs_queue_store_transition_locked (self, post, CS_POST_APPROVED, CS_POST_PUBLISHED, school, "server",
                                           NULL, NULL, error);
}

gboolean
cs_queue_store_finish_delivery (CsQueueStore     *self,
                                gint64            post,
                                const char       *platform,
                                CsDeliveryState   state,
                                const char       *url,
                                const char       *message,
                                gint64            next_at,
                                GError          **error)
{
  g_autoptr(CsDbRows) rows = NULL;
  g_autofree char *detail = NULL;
  const char *action;
  gboolean ok;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), FALSE);
  g_return_val_if_fail (state != CS_DELIVERY_PUBLISHING, FALSE);

  if (!cs_queue_store_begin (self, error))
    return FALSE;
  /* An attempt that ends has answered the question a crash leaves. */
  rows = cs_queue_store_query (self, "UPDATE deliveries SET state = ?, url = COALESCE (?, url), message = ?, "
                                     "next_at = ?, resumed = 0, updated_at = ? "
                                     "WHERE post = ? AND platform = ? AND state = 'publishing' RETURNING post",
                               (CsDbValue[]) { CS_DB_P_TEXT (cs_delivery_state_to_string (state)), CS_DB_P_TEXT (url),
                                               CS_DB_P_TEXT (message), CS_DB_P_INT (next_at),
                                               CS_DB_P_INT (cs_queue_store_now ()), CS_DB_P_INT (post),
                                               CS_DB_P_TEXT (platform), CS_DB_P_END },
                               "record the result of publishing", error);
  ok = rows != NULL;
  if (ok && cs_db_rows_count (rows) != 1)
    {
      g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_CONFLICT,
                   "Post %" G_GINT64_FORMAT " was not being published to %s.", post, platform);
      ok = FALSE;
    }
  if (ok)
    {
      g_autoptr(CsDbRows) posts = cs_queue_store_query (self, "SELECT school FROM posts WHERE id = ?",
                                                        (CsDbValue[]) { CS_DB_P_INT (post), CS_DB_P_END },
                                                        "read the post", error);
      const char *school = posts != NULL && cs_db_rows_count (posts) == 1 ? cs_db_rows_text (posts, 0, 0) : NULL;

      if (school == NULL)
        {
          if (posts != NULL)
            g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_NOT_FOUND,
                         "There is no post %" G_GINT64_FORMAT ".", post);
          return cs_queue_store_commit (self, FALSE, error);
        }

      switch (state)
        {
        case CS_DELIVERY_PUBLISHED:
          action = "published";
          detail = g_strdup_printf ("%s: %s", platform, url != NULL ? url : "");
          break;
        case CS_DELIVERY_QUEUED:
          action = "publish-retry";
          detail = g_strdup_printf ("%s, again at %" G_GINT64_FORMAT ": %s", platform, next_at,
                                    message != NULL ? message : "");
          break;
        case CS_DELIVERY_FAILED:
        case CS_DELIVERY_PUBLISHING:
        default:
          action = "publish-failed";
          detail = g_strdup_printf ("%s: %s", platform, message != NULL ? message : "");
          break;
        }
      ok = cs_queue_store_append_audit (self, school, "server", action, post, detail, error);
      if (ok && state == CS_DELIVERY_PUBLISHED)
        ok = publish_post_when_done_locked (self, post, school, error);
    }
  return cs_queue_store_commit (self, ok, error);
}

gboolean
cs_queue_store_retry_delivery (CsQueueStore       *self,
                               gint64              post,
                               const char         *platform,
                               const CsQueueUser  *actor,
                               GError            **error)
{
  g_autoptr(CsDbRows) rows = NULL;
  gboolean ok;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), FALSE);

  if (!cs_queue_store_begin (self, error))
    return FALSE;
  rows = cs_queue_store_query (self, "UPDATE deliveries SET state = 'queued', attempts = 0, next_at = ?, "
                                     "message = NULL, updated_at = ? WHERE post = ? AND platform = ? "
                                     "AND state = 'failed' AND post IN (SELECT id FROM posts WHERE school = ?) "
                                     "RETURNING post",
                               (CsDbValue[]) { CS_DB_P_INT (cs_queue_store_now ()), CS_DB_P_INT (cs_queue_store_now ()),
                                               CS_DB_P_INT (post), CS_DB_P_TEXT (platform),
                                               CS_DB_P_TEXT (actor->school), CS_DB_P_END },
                               "queue the post again", error);
  ok = rows != NULL;
  if (ok && cs_db_rows_count (rows) != 1)
    {
      g_set_error (error, CS_QUEUE_STORE_ERROR, CS_QUEUE_STORE_ERROR_CONFLICT,
                   "Publishing post %" G_GINT64_FORMAT " to %s has not failed, so there is nothing to retry.",
                   post, platform);
      ok = FALSE;
    }
  ok = ok && cs_queue_store_append_audit (self, actor->school, actor->name, "publish-retry-requested", post,
                                          platform, error);
  return cs_queue_store_commit (self, ok, error);
}

int
cs_queue_store_recover_deliveries (CsQueueStore  *self,
                                   GError       **error)
{
  g_autoptr(CsDbRows) rows = NULL;
  gboolean ok;
  guint n = 0;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), -1);

  if (!cs_queue_store_begin (self, error))
    return -1;
  rows = cs_queue_store_query (self, "SELECT " DELIVERY_COLUMNS " WHERE d.state = 'publishing'",
                               (CsDbValue[]) { CS_DB_P_END }, "find interrupted publishing", error);
  ok = rows != NULL;
  for (guint r = 0; ok && r < cs_db_rows_count (rows); r++, n++)
    {
      g_autoptr(CsDelivery) delivery = delivery_from_row (rows, r);
      g_autoptr(CsDbRows) done = NULL;

      /* It was due when it was claimed: it goes again at once. */
      done = cs_queue_store_query (self, "UPDATE deliveries SET state = 'queued', resumed = 1, next_at = ?, "
                                         "updated_at = ? WHERE post = ? AND platform = ?",
                                   (CsDbValue[]) { CS_DB_P_INT (MIN (delivery->next_at, cs_queue_store_now ())),
                                                   CS_DB_P_INT (cs_queue_store_now ()), CS_DB_P_INT (delivery->post),
                                                   CS_DB_P_TEXT (delivery->platform), CS_DB_P_END },
                                   "recover interrupted publishing", error);
      ok = done != NULL && cs_queue_store_append_audit (self, delivery->school, "server", "publish-interrupted",
                                                        delivery->post, delivery->platform, error);
    }
  if (!cs_queue_store_commit (self, ok, error))
    return -1;
  return n;
}

gint64
cs_queue_store_next_due (CsQueueStore *self)
{
  g_autoptr(CsDbRows) rows = NULL;
  gint64 due = 0;

  g_return_val_if_fail (CS_IS_QUEUE_STORE (self), 0);

  g_mutex_lock (&self->lock);
  rows = cs_queue_store_query (self, "SELECT MIN(next_at) FROM deliveries WHERE state = 'queued'",
                               (CsDbValue[]) { CS_DB_P_END }, "find the next post due", NULL);
  if (rows != NULL && cs_db_rows_count (rows) == 1 && !cs_db_rows_is_null (rows, 0, 0))
    due = cs_db_rows_int (rows, 0, 0);
  g_mutex_unlock (&self->lock);
  return due;
}
