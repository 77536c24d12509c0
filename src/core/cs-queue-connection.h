/* cs-queue-connection.h: a ready client and outbox for the configured approval queue
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With no server set, the queue runs on this computer: countersign-queue
 * is started as a child process on 127.0.0.1 with its own database, set
 * up on first use with one office account, one head's account and one
 * administrator's account, so that one person can try the whole flow:
 * setting up where posts go, submitting and approving. (The queue lets no
 * one account do all three, so the person at this computer holds three.) With
 * a server set, the client signs in with the token kept for it.
 */

#pragma once

#include "cs-outbox.h"
#include "cs-queue-client.h"
#include "cs-token-store.h"

G_BEGIN_DECLS

#define CS_QUEUE_CONNECTION_ERROR (cs_queue_connection_error_quark ())

typedef enum
{
  CS_QUEUE_CONNECTION_ERROR_BAD_ADDRESS,  /* not an https address (http only to this computer) */
  CS_QUEUE_CONNECTION_ERROR_NO_TOKEN,     /* sign in to this server first */
  CS_QUEUE_CONNECTION_ERROR_LOCAL_QUEUE,  /* the queue on this computer would not start or stay up */
} CsQueueConnectionError;

GQuark cs_queue_connection_error_quark (void);

#define CS_TYPE_QUEUE_CONNECTION (cs_queue_connection_get_type ())

G_DECLARE_FINAL_TYPE (CsQueueConnection, cs_queue_connection, CS, QUEUE_CONNECTION, GObject)

/* @queue_executable is countersign-queue, for the queue on this computer;
 * @data_dir the app's data folder (~/.local/share/countersign), which
 * holds outbox/ for a server and local-queue/ for the queue on this
 * computer; @face_model the model that queue uses to look at photos again
 * (NULL or "": none). */
CsQueueConnection *cs_queue_connection_new            (const char          *queue_executable,
                                                       const char          *data_dir,
                                                       const char          *face_model);

/* Opens the queue at @server_url, or on this computer when it is NULL or
 * "". A server is not contacted here, so that the outbox works offline;
 * only its token must be known. Call once per connection. */
void               cs_queue_connection_open_async     (CsQueueConnection   *self,
                                                       const char          *server_url,
                                                       CsTokenStore        *tokens,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean           cs_queue_connection_open_finish    (CsQueueConnection   *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

gboolean           cs_queue_connection_is_local       (CsQueueConnection   *self);
/* The queue on this computer has an office account and a head's account;
 * a server has the one the token belongs to, whatever @as_head says.
 * NULL until opened. */
CsQueueClient     *cs_queue_connection_get_client     (CsQueueConnection   *self,
                                                       gboolean             as_head);
/* The client for the school's settings, such as the accounts posts are
 * published to: the queue on this computer's administrator account (its
 * head's, on a queue whose administrator could not be added); a server's
 * one client, whatever that account may do. NULL until opened. */
CsQueueClient     *cs_queue_connection_get_admin_client (CsQueueConnection   *self);
/* Submissions go through this, as the office account. NULL until opened. */
CsOutbox          *cs_queue_connection_get_outbox     (CsQueueConnection   *self);
/* "http://127.0.0.1:PORT/" for the queue on this computer. */
const char        *cs_queue_connection_get_url        (CsQueueConnection   *self);
/* The local queue's process id as a string, or NULL when none runs. */
const char        *cs_queue_connection_get_local_pid  (CsQueueConnection   *self);

/* Signals: ::restarted, when the queue on this computer was started again
 * after it stopped and listens once more; ::failed (GError *), when it
 * stopped too often to try again. */

G_END_DECLS
