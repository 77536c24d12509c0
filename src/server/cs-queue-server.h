/* cs-queue-server.h: the approval queue's HTTP API
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "cs-publish-service.h"
#include "cs-queue-store.h"
#include "cs-school-checks.h"

G_BEGIN_DECLS

#define CS_QUEUE_SERVER_DEFAULT_MAX_BODY  (50u * 1024u * 1024u)
#define CS_QUEUE_SERVER_DEFAULT_RATE      600  /* requests per token per minute */

#define CS_TYPE_QUEUE_SERVER (cs_queue_server_get_type ())

G_DECLARE_FINAL_TYPE (CsQueueServer, cs_queue_server, CS, QUEUE_SERVER, GObject)

/* Serves @store's queue; @face_model is the YuNet model the server uses to
 * look at submitted photos again (NULL or "": photos are refused). */
CsQueueServer *cs_queue_server_new            (CsQueueStore     *store,
                                               const char       *face_model);

/* The checks the server runs, for a publish service to share. */
CsSchoolChecks *cs_queue_server_get_checks    (CsQueueServer    *self);
/* Approvals wake @service, and its results reach the event streams. */
void           cs_queue_server_set_publishing (CsQueueServer    *self,
                                               CsPublishService *service);

/* Limits on every request: the body's size in bytes, and requests per
 * minute for one token (or, before logging in, one address). */
void           cs_queue_server_set_limits     (CsQueueServer    *self,
                                               gsize             max_body,
                                               guint             rate_per_minute);

/* Prepares every school's checks before the first request comes. */
gboolean       cs_queue_server_warm_up        (CsQueueServer    *self,
                                               GError          **error);

/* Listens on @address:@port (0 picks a free port) in the thread-default
 * main context. Without @certificate only loopback addresses are allowed:
 * tokens and photos never cross a network unencrypted. */
gboolean       cs_queue_server_listen         (CsQueueServer    *self,
                                               GInetAddress     *address,
                                               guint             port,
                                               GTlsCertificate  *certificate,
                                               GError          **error);
/* The port listened on, for port 0. */
guint          cs_queue_server_get_port       (CsQueueServer    *self);
void           cs_queue_server_disconnect     (CsQueueServer    *self);

G_END_DECLS
