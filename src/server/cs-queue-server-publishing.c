/* cs-queue-server-publishing.c: the API's accounts, schedules and deliveries
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   GET    /accounts                          head, admin: {"accounts": [...]}, no secrets
 *   PUT    /accounts/PLATFORM                 admin: {"settings": {…}, "secrets": {…}}
 *   DELETE /accounts/PLATFORM                 admin
 *   POST   /posts/N/deliveries/PLATFORM/retry head: try a failed one again
 */

#include "cs-queue-server-private.h"

#include <string.h>

#include "cs-publisher.h"

/* An account's settings and secrets are a few short strings. */
#define MAX_ACCOUNT_BODY (16 * 1024)
#define MAX_SCHEDULE_AHEAD (366 * 24 * 60 * 60)

static const char *const account_kinds[] = { "mastodon", "bluesky", "x", "facebook", "export" };

static gboolean
is_account_kind (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (account_kinds); i++)
    if (g_strcmp0 (name, account_kinds[i]) == 0)
      return TRUE;
  return FALSE;
}

gboolean
cs_queue_server_read_publish_at (SoupServerMessage *msg,
                                 JsonObject        *body,
                                 gint64            *publish_at)
{
  g_autoptr(GDateTime) when = NULL;
  const char *text = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  *publish_at = 0;
  if (!cs_queue_server_optional_string (msg, body, "publish_at", &text))
    return FALSE;
  if (text == NULL)
    return TRUE;

  when = g_date_time_new_from_iso8601 (text, NULL);
  if (when == NULL)
    {
      cs_queue_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed",
                                   "“publish_at” must be a date and time with its time zone, like "
                                   "2026-12-05T09:30:00Z.");
      return FALSE;
    }
  *publish_at = g_date_time_to_unix (when);
  /* A minute's grace for clocks and for the time the head took to click. */
  if (*publish_at < now - 60)
    {
      cs_queue_server_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                                   "That publishing time has already passed. Pick a later one, or publish now.");
      return FALSE;
    }
  if (*publish_at > now + MAX_SCHEDULE_AHEAD)
    {
      cs_queue_server_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                                   "Posts can be scheduled up to a year ahead. Pick an earlier time.");
      return FALSE;
    }
  return TRUE;
}

void
cs_queue_server_add_deliveries (JsonBuilder       *out,
                                const CsQueuePost *post)
{
  json_builder_set_member_name (out, "deliveries");
  json_builder_begin_array (out);
  for (guint i = 0; i < post->deliveries->len; i++)
    {
      const CsDelivery *delivery = g_ptr_array_index (post->deliveries, i);

      json_builder_begin_object (out);
      json_builder_set_member_name (out, "platform");
      json_builder_add_string_value (out, delivery->platform);
      json_builder_set_member_name (out, "state");
      json_builder_add_string_value (out, cs_delivery_state_to_string (delivery->state));
      json_builder_set_member_name (out, "attempts");
      json_builder_add_int_value (out, delivery->attempts);
      json_builder_set_member_name (out, "next_at");
      json_builder_add_int_value (out, delivery->next_at);
      json_builder_set_member_name (out, "url");
      json_builder_add_string_value (out, delivery->url);
      json_builder_set_member_name (out, "message");
      json_builder_add_string_value (out, delivery->message);
      json_builder_end_object (out);
    }
  json_builder_end_array (out);
}

static void
handle_list_accounts (CsQueueServer     *self,
                      SoupServerMessage *msg,
                      CsQueueUser       *user)
{
  g_autoptr(JsonArray) accounts = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  if (!cs_queue_server_require_role (msg, user, user->role != CS_USER_STAFF, "see the school's accounts"))
    return;
  accounts = cs_queue_store_list_accounts (self->store, user->school, &error);
  if (accounts == NULL)
    {
      cs_queue_server_reply_gerror (msg, error);
      return;
    }
  reply = json_object_new ();
  json_object_set_array_member (reply, "accounts", g_steal_pointer (&accounts));
  node = json_node_init_object (json_node_alloc (), reply);
  cs_queue_server_reply_node (msg, SOUP_STATUS_OK, node);
}

/* Every member of @object must be a short string: no nesting to hide
 * anything in, nothing large. */
static gboolean
flat_strings (SoupServerMessage *msg,
              JsonObject        *object,
              const char        *what)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &value))
    if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING ||
        strlen (json_node_get_string (value)) > 4096 || strlen (name) > 64)
      {
        g_autofree char *text = g_strdup_printf ("“%s.%s” must be a string of at most 4096 bytes.", what, name);

        cs_queue_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed", text);
        return FALSE;
      }
  return TRUE;
}

static gboolean
member_object (SoupServerMessage  *msg,
               JsonObject         *body,
               const char         *name,
               JsonObject        **value)
{
  JsonNode *node = json_object_get_member (body, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *text = g_strdup_printf ("“%s” must be an object of strings.", name);

      cs_queue_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed", text);
      return FALSE;
    }
  *value = json_node_get_object (node);
  return flat_strings (msg, *value, name);
}

static void
handle_set_account (CsQueueServer     *self,
                    SoupServerMessage *msg,
                    CsQueueUser       *user,
                    const char        *platform)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *settings, *secrets;

  if (!cs_queue_server_require_role (msg, user, user->role == CS_USER_ADMIN, "set up the school's accounts"))
    return;
  if (soup_server_message_get_request_body (msg)->length > MAX_ACCOUNT_BODY)
    {
      cs_queue_server_reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large",
                                   "An account's settings must be under 16 KB.");
      return;
    }
  body = cs_queue_server_body_object (msg, TRUE);
  if (body == NULL || !member_object (msg, body, "settings", &settings) ||
      !member_object (msg, body, "secrets", &secrets))
    return;
  if (self->publishing == NULL)
    {
      cs_queue_server_reply_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "not-publishing",
                                   "This approval queue does not publish (it has no key file for account "
                                   "credentials). Ask your IT technician to set “accounts_key” in its configuration.");
      return;
    }
  if (!cs_publish_service_set_account (self->publishing, user->school, platform, settings, secrets, user, &error))
    {
      if (error->domain == CS_PUBLISH_ERROR)
        cs_queue_server_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", error->message);
      else
        cs_queue_server_reply_gerror (msg, error);
      return;
    }
  handle_list_accounts (self, msg, user);
}

static void
handle_remove_account (CsQueueServer     *self,
                       SoupServerMessage *msg,
                       CsQueueUser       *user,
                       const char        *platform)
{
  g_autoptr(GError) error = NULL;

  if (!cs_queue_server_require_role (msg, user, user->role == CS_USER_ADMIN, "remove the school's accounts"))
    return;
  if (!cs_queue_store_remove_account (self->store, user->school, platform, user, &error))
    {
      cs_queue_server_reply_gerror (msg, error);
      return;
    }
  if (self->publishing != NULL)
    cs_publish_service_forget (self->publishing, user->school);
  handle_list_accounts (self, msg, user);
}

static void
handle_retry (CsQueueServer     *self,
              SoupServerMessage *msg,
              CsQueueUser       *user,
              gint64             id,
              const char        *platform)
{
  g_autoptr(CsQueuePost) post = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  if (!cs_queue_server_require_role (msg, user, user->role == CS_USER_HEAD, "publish posts"))
    return;
  post = cs_queue_server_visible_post (self, msg, user, id, FALSE);
  if (post == NULL)
    return;
  if (!cs_queue_store_retry_delivery (self->store, id, platform, user, &error))
    {
      cs_queue_server_reply_gerror (msg, error);
      return;
    }
  g_clear_pointer (&post, cs_queue_post_free);
  post = cs_queue_store_get_post (self->store, id, FALSE, &error);
  if (post == NULL)
    {
      cs_queue_server_reply_gerror (msg, error);
      return;
    }
  node = cs_queue_server_post_to_json (post);
  cs_queue_server_reply_node (msg, SOUP_STATUS_OK, node);
  cs_queue_server_broadcast (self, post);
  if (self->publishing != NULL)
    cs_publish_service_wake (self->publishing);
}

gboolean
cs_queue_server_route_publishing (CsQueueServer     *self,
                                  SoupServerMessage *msg,
                                  CsQueueUser       *user,
                                  const char        *method,
                                  char             **parts,
                                  guint              n,
                                  gint64             id)
{
  if (n >= 1 && strcmp (parts[0], "accounts") == 0)
    {
      if (n == 1 && strcmp (method, "GET") == 0)
        handle_list_accounts (self, msg, user);
      else if (n == 2 && !is_account_kind (parts[1]))
        cs_queue_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found",
                                     "Accounts are mastodon, bluesky, x, facebook or export.");
      else if (n == 2 && strcmp (method, "PUT") == 0)
        handle_set_account (self, msg, user, parts[1]);
      else if (n == 2 && strcmp (method, "DELETE") == 0)
        handle_remove_account (self, msg, user, parts[1]);
      else
        return FALSE;
      return TRUE;
    }
  if (n == 5 && strcmp (parts[0], "posts") == 0 && strcmp (parts[2], "deliveries") == 0 &&
      strcmp (parts[4], "retry") == 0 && strcmp (method, "POST") == 0)
    {
      if (!is_account_kind (parts[3]))
        cs_queue_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "The post has no such delivery.");
      else
        handle_retry (self, msg, user, id, parts[3]);
      return TRUE;
    }
  return FALSE;
}
