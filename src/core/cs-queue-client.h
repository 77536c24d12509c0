/* cs-queue-client.h: talks to the approval queue for the app
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CS_QUEUE_CLIENT_ERROR (cs_queue_client_error_quark ())

typedef enum
{
  CS_QUEUE_CLIENT_ERROR_NETWORK,       /* no answer: try again later */
  CS_QUEUE_CLIENT_ERROR_BUSY,          /* 429 or 5xx: try again later */
  CS_QUEUE_CLIENT_ERROR_UNAUTHORIZED,  /* sign in again */
  CS_QUEUE_CLIENT_ERROR_FORBIDDEN,     /* this account may not do that */
  CS_QUEUE_CLIENT_ERROR_REFUSED,       /* 4xx: the request itself must change */
  CS_QUEUE_CLIENT_ERROR_CONFLICT,      /* 409: the post changed meanwhile */
} CsQueueClientError;

GQuark   cs_queue_client_error_quark (void);

/* Whether sending the same request again later may succeed. */
gboolean cs_queue_client_error_is_transient (const GError *error);

#define CS_TYPE_QUEUE_CLIENT (cs_queue_client_get_type ())

G_DECLARE_FINAL_TYPE (CsQueueClient, cs_queue_client, CS, QUEUE_CLIENT, GObject)

/* @base_url is the server's address ("https://queue.school.example");
 * /api/v1 is added. */
CsQueueClient *cs_queue_client_new             (const char          *base_url,
                                                const char          *token);
void           cs_queue_client_set_token       (CsQueueClient       *self,
                                                const char          *token);
/* Trusts exactly @certificate for this server, as for a school's own
 * self-signed one; NULL trusts the system's authorities only. */
void           cs_queue_client_pin_certificate (CsQueueClient       *self,
                                                GTlsCertificate     *certificate);

/* The body of every finish is the server's JSON answer, or NULL with a
 * CS_QUEUE_CLIENT_ERROR whose message is the server's own words. For
 * REFUSED and CONFLICT, @findings (when not NULL) gets the findings the
 * server listed, if any. */

/* Submits the post saved in @folder (see CsOutbox) with its key as the
 * Idempotency-Key, so sending it twice makes one post. */
void        cs_queue_client_submit_async   (CsQueueClient       *self,
                                            GFile               *folder,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
JsonObject *cs_queue_client_submit_finish  (CsQueueClient       *self,
                                            GAsyncResult        *result,
                                            JsonArray          **findings,
                                            GError             **error);

/* Posts visible to this user, in @state ("pending" ...; NULL for all). */
void        cs_queue_client_list_async     (CsQueueClient       *self,
                                            const char          *state,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
JsonArray  *cs_queue_client_list_finish    (CsQueueClient       *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/* The redacted JPEG of photo @index of @post, as the queue holds it. */
void        cs_queue_client_get_photo_async  (CsQueueClient       *self,
                                              gint64               post,
                                              guint                index,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GBytes     *cs_queue_client_get_photo_finish (CsQueueClient       *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* @verb is "approve" (with @content_hash, the version approved),
 * "reject" (with a @comment) or "withdraw". */
void        cs_queue_client_decide_async   (CsQueueClient       *self,
                                            gint64               post,
                                            const char          *verb,
                                            const char          *content_hash,
                                            const char          *comment,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
JsonObject *cs_queue_client_decide_finish  (CsQueueClient       *self,
                                            GAsyncResult        *result,
                                            JsonArray          **findings,
                                            GError             **error);

/* Approves @post's version @content_hash, to be published at @publish_at
 * (NULL: at once) by the server. Finish with cs_queue_client_decide_finish(). */
void        cs_queue_client_approve_async  (CsQueueClient       *self,
                                            gint64               post,
                                            const char          *content_hash,
                                            const char          *comment,
                                            GDateTime           *publish_at,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* Asks for the failed delivery of @post to @platform ("mastodon", …) to
 * be tried again. Finish with cs_queue_client_decide_finish(). */
void        cs_queue_client_retry_delivery_async (CsQueueClient       *self,
                                                  gint64               post,
                                                  const char          *platform,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);

/* The school's accounts ([{"platform", "settings", "updated_at"}], never
 * their secrets): listed, set up (an administrator's) or removed. Each
 * finishes with cs_queue_client_accounts_finish(). */
void        cs_queue_client_list_accounts_async  (CsQueueClient       *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
void        cs_queue_client_set_account_async    (CsQueueClient       *self,
                                                  const char          *platform,
                                                  JsonObject          *settings,
                                                  JsonObject          *secrets,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
void        cs_queue_client_remove_account_async (CsQueueClient       *self,
                                                  const char          *platform,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
JsonArray  *cs_queue_client_accounts_finish      (CsQueueClient       *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* What a head needs beside post @post to decide: {"findings", "pupils"
 * (tagged, with today's consent), "history" (its audit entries)}. */
void        cs_queue_client_get_review_async  (CsQueueClient       *self,
                                               gint64               post,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
JsonObject *cs_queue_client_get_review_finish (CsQueueClient       *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Signs in; on success the client uses the new token (also in the reply's
 * "token", for the caller to keep in the keyring). */
void        cs_queue_client_login_async    (CsQueueClient       *self,
                                            const char          *school,
                                            const char          *username,
                                            const char          *password,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
JsonObject *cs_queue_client_login_finish   (CsQueueClient       *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/* Opens the live event stream; ::post-changed (JsonObject *post) is then
 * emitted on the main context for each new or changed post. */
void        cs_queue_client_listen         (CsQueueClient       *self);

/* The account the token belongs to: {"name", "role" ("staff", "head" or
 * "admin"), "school"}. */
void        cs_queue_client_get_me_async   (CsQueueClient       *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
JsonObject *cs_queue_client_get_me_finish  (CsQueueClient       *self,
                                            GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
