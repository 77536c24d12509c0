/* cs-bluesky-publisher-session.c: the Bluesky publisher's sign-in, and the calls made with it
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bluesky allows only 30 sign-ins in five minutes and 300 a day, so the
 * publisher signs in once and keeps the session, refreshing it when a
 * call says the access token has expired.
 */

#include "config.h"

#include "cs-bluesky-publisher-private.h"
#include "cs-json.h"

const char *
cs_bluesky_error_name (JsonNode *reply)
{
  if (reply == NULL || !JSON_NODE_HOLDS_OBJECT (reply))
    return NULL;
  return cs_json_get_string (json_node_get_object (reply), "error");
}

const char *
cs_bluesky_error_message (JsonNode *reply)
{
  const char *message;

  if (reply == NULL || !JSON_NODE_HOLDS_OBJECT (reply))
    return NULL;
  message = cs_json_get_string (json_node_get_object (reply), "message");
  return message != NULL && *message != '\0' ? message : cs_bluesky_error_name (reply);
}

static gboolean
name_is_one_of (const char        *name,
                const char *const *names)
{
  return name != NULL && g_strv_contains (names, name);
}

static SoupMessage *
new_message (CsBlueskyPublisher  *self,
             const char          *method,
             const char          *path,
             const char          *token,
             GError             **error)
{
  g_autofree char *authorization = token != NULL ? g_strdup_printf ("Bearer %s", token) : NULL;
  SoupMessage *msg = cs_publisher_new_message (CS_PUBLISHER (self), method, path, authorization);

  if (msg == NULL)
    g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
                 "The Bluesky address “%s” is not a web address. Correct it in the account's settings.",
                 cs_publisher_get_base_url (CS_PUBLISHER (self)));
  return msg;
}

/* Session: everything from here to xrpc() runs with self->lock held. */

static void
forget_session (CsBlueskyPublisher *self)
{
  g_clear_pointer (&self->access_jwt, g_free);
}

static gboolean
take_session (CsBlueskyPublisher  *self,
              JsonNode            *reply,
              GError             **error)
{
  JsonObject *session = JSON_NODE_HOLDS_OBJECT (reply) ? json_node_get_object (reply) : NULL;
  const char *access = cs_json_get_string (session, "accessJwt");
  const char *refresh = cs_json_get_string (session, "refreshJwt");
  const char *did = cs_json_get_string (session, "did");
  g_autoptr(JsonObject) secrets = NULL;

  if (access == NULL || refresh == NULL || did == NULL)
    {
      g_set_error_literal (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY,
                           "Bluesky answered the sign-in in a way Countersign does not understand. "
                           "It will be tried again shortly.");
      return FALSE;
    }

  g_free (self->access_jwt);
  self->access_jwt = g_strdup (access);
  g_free (self->refresh_jwt);
  self->refresh_jwt = g_strdup (refresh);
  g_free (self->did);
  self->did = g_strdup (did);
  g_free (self->handle);
  self->handle = g_strdup (cs_json_get_string (session, "handle"));

  /* Each refresh token works once, so the server must keep the new one
   * or the next start would sign in from scratch. */
  secrets = json_object_new ();
  if (self->app_password != NULL)
    json_object_set_string_member (secrets, "app_password", self->app_password);
  json_object_set_string_member (secrets, "refresh_jwt", refresh);
  cs_publisher_set_changed_secrets (CS_PUBLISHER (self), secrets);
  return TRUE;
}

static gboolean
create_session (CsBlueskyPublisher  *self,
                CsPublishJob        *job,
                GCancellable        *cancellable,
                GError             **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) refusal = NULL;
  g_autoptr(GError) local_error = NULL;
  guint status = 0;

  if (self->identifier == NULL || *self->identifier == '\0' ||
      self->app_password == NULL || *self->app_password == '\0')
    {
      g_set_error_literal (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
                           "The school's Bluesky account needs its handle and an app password. "
                           "Add them in the account's settings.");
      return FALSE;
    }

  msg = new_message (self, "POST", "/xrpc/com.atproto.server.createSession", NULL, error);
  if (msg == NULL)
    return FALSE;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "identifier");
  json_builder_add_string_value (builder, self->identifier);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, self->app_password);
  json_builder_end_object (builder);
  body = cs_json_builder_to_bytes (builder);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);

  reply = cs_publisher_send (CS_PUBLISHER (self), msg, job, &status, &refusal, cancellable, &local_error);
  if (reply != NULL)
    return take_session (self, reply, error);

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_BAD_REQUEST)
    {
      /* A wrong password, a takedown or a second factor all mean a
       * person has to look at the account; none is about this post. */
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REAUTH,
                   "Bluesky no longer accepts the school's app password (%s). Ask whoever looks after the "
                   "school's accounts to make a new app password in Bluesky's settings and enter it in "
                   "Countersign, then retry.",
                   cs_bluesky_error_message (refusal) != NULL ? cs_bluesky_error_message (refusal) : "it gave no reason");
      return FALSE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* Trades the refresh token for a new session. On failure, @refused_as
 * receives Bluesky's error name when it refused the token itself. */
static gboolean
refresh_session (CsBlueskyPublisher  *self,
                 CsPublishJob        *job,
                 char               **refused_as,
                 GCancellable        *cancellable,
                 GError             **error)
{
  static const char *const refusals[] = { "ExpiredToken", "InvalidToken", "AccountTakedown", NULL };
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) refusal = NULL;
  g_autoptr(GError) local_error = NULL;
  guint status = 0;

  msg = new_message (self, "POST", "/xrpc/com.atproto.server.refreshSession", self->refresh_jwt, error);
  if (msg == NULL)
    return FALSE;

  reply = cs_publisher_send (CS_PUBLISHER (self), msg, job, &status, &refusal, cancellable, &local_error);
  if (reply != NULL)
    return take_session (self, reply, error);

  if ((status == SOUP_STATUS_BAD_REQUEST || status == SOUP_STATUS_UNAUTHORIZED) &&
      name_is_one_of (cs_bluesky_error_name (refusal), refusals))
    {
      /* Used or expired, it will never work again. */
      g_clear_pointer (&self->refresh_jwt, g_free);
      forget_session (self);
      if (refused_as != NULL)
        *refused_as = g_strdup (cs_bluesky_error_name (refusal));
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REAUTH,
                   "Bluesky signed Countersign out of the school's account and would not let it back in (%s). "
                   "Ask whoever looks after the school's accounts to make a new app password in Bluesky's "
                   "settings and enter it in Countersign, then retry.",
                   cs_bluesky_error_message (refusal));
      return FALSE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
ensure_session (CsBlueskyPublisher  *self,
                CsPublishJob        *job,
                GCancellable        *cancellable,
                GError             **error)
{
  if (self->access_jwt != NULL)
    return TRUE;

  /* A saved refresh token carries the session on without counting
   * against the sign-in limit. */
  if (self->refresh_jwt != NULL)
    {
      static const char *const stale[] = { "ExpiredToken", "InvalidToken", NULL };
      g_autoptr(GError) local_error = NULL;
      g_autofree char *refused_as = NULL;

      if (refresh_session (self, job, &refused_as, cancellable, &local_error))
        return TRUE;
      if (!name_is_one_of (refused_as, stale))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  return create_session (self, job, cancellable, error);
}

/* Sends one authenticated XRPC call. When Bluesky says the access token
 * has expired, refreshes the session once and sends it again; @body is
 * sent as @content_type (both may be NULL). Otherwise as
 * cs_publisher_send(). */
JsonNode *
cs_bluesky_publisher_xrpc (CsBlueskyPublisher  *self,
                           CsPublishJob        *job,
                           const char          *method,
                           const char          *path,
                           const char          *content_type,
                           GBytes              *body,
                           guint               *status_out,
                           JsonNode           **refusal_out,
                           GCancellable        *cancellable,
                           GError             **error)
{
  static const char *const bad_token[] = { "ExpiredToken", "InvalidToken", NULL };

  for (guint attempt = 0; ; attempt++)
    {
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(JsonNode) reply = NULL;
      g_autoptr(JsonNode) refusal = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *access = NULL;
      gboolean ready;
      guint status = 0;

      g_mutex_lock (&self->lock);
      ready = ensure_session (self, job, cancellable, error);
      access = g_strdup (self->access_jwt);
      g_mutex_unlock (&self->lock);
      if (!ready)
        return NULL;

      msg = new_message (self, method, path, access, error);
      if (msg == NULL)
        return NULL;
      if (body != NULL)
        soup_message_set_request_body_from_bytes (msg, content_type, body);

      reply = cs_publisher_send (CS_PUBLISHER (self), msg, job, &status, &refusal, cancellable, &local_error);
      if (status_out != NULL)
        *status_out = status;
      if (reply != NULL)
        return g_steal_pointer (&reply);

      if (status == SOUP_STATUS_BAD_REQUEST && attempt == 0 &&
          g_strcmp0 (cs_bluesky_error_name (refusal), "ExpiredToken") == 0)
        {
          gboolean refreshed = TRUE;

          g_mutex_lock (&self->lock);
          /* Another post may have refreshed it meanwhile; refreshing
           * again would spend the new refresh token for nothing. */
          if (g_strcmp0 (self->access_jwt, access) == 0)
            {
              if (self->refresh_jwt != NULL)
                refreshed = refresh_session (self, job, NULL, cancellable, error);
              else
                {
                  forget_session (self);
                  refreshed = create_session (self, job, cancellable, error);
                }
            }
          g_mutex_unlock (&self->lock);
          if (!refreshed)
            return NULL;
          continue;
        }

      if (status == SOUP_STATUS_UNAUTHORIZED ||
          (status == SOUP_STATUS_BAD_REQUEST && name_is_one_of (cs_bluesky_error_name (refusal), bad_token)))
        {
          /* Refused outright, or still refused just after a refresh:
           * a person must sign in again. The next post starts a new
           * session rather than trying this one. */
          g_mutex_lock (&self->lock);
          if (g_strcmp0 (self->access_jwt, access) == 0)
            forget_session (self);
          g_mutex_unlock (&self->lock);
          g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REAUTH,
                       "Bluesky no longer accepts the school's sign-in (%s). Ask whoever looks after the "
                       "school's accounts to make a new app password in Bluesky's settings and enter it in "
                       "Countersign, then retry.",
                       cs_bluesky_error_message (refusal) != NULL ? cs_bluesky_error_message (refusal) : "it gave no reason");
          return NULL;
        }

      if (refusal_out != NULL)
        *refusal_out = g_steal_pointer (&refusal);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
}

/* The account's DID and the name its posts are seen under. */
gboolean
cs_bluesky_publisher_get_identity (CsBlueskyPublisher  *self,
                                   CsPublishJob        *job,
                                   char               **did,
                                   char               **profile,
                                   GCancellable        *cancellable,
                                   GError             **error)
{
  gboolean ready;

  g_mutex_lock (&self->lock);
  ready = ensure_session (self, job, cancellable, error);
  if (ready)
    {
      *did = g_strdup (self->did);
      *profile = g_strdup (self->handle != NULL && *self->handle != '\0' ? self->handle : self->did);
    }
  g_mutex_unlock (&self->lock);
  return ready;
}
