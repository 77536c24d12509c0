/* cs-queue-server-private.h: the server's internals, for the files it is split into
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-queue-server.h"

#include <libsoup/soup.h>

#include "cs-publish-service.h"
#include "cs-school-checks.h"

G_BEGIN_DECLS

#define CS_QUEUE_API_PREFIX "/api/v1"

struct _CsQueueServer
{
  GObject           parent_instance;

  CsQueueStore     *store;
  CsSchoolChecks   *checks;
  CsPublishService *publishing;  /* NULL: approvals queue, nothing publishes */
  SoupServer       *server;
  guint             port;

  gsize             max_body;
  guint             rate_per_minute;
  GPtrArray        *listeners;  /* Listener: open event streams */
  GHashTable       *buckets;  /* token hash or address → RateBucket */
};

/* Replies: {"error": code, "message": words for the user}. */
void          cs_queue_server_reply_node      (SoupServerMessage  *msg,
                                               guint               status,
                                               JsonNode           *node);
void          cs_queue_server_reply_error     (SoupServerMessage  *msg,
                                               guint               status,
                                               const char         *code,
                                               const char         *message);
void          cs_queue_server_reply_gerror    (SoupServerMessage  *msg,
                                               const GError       *error);

/* FALSE, having replied 403, unless @allowed. */
gboolean      cs_queue_server_require_role    (SoupServerMessage  *msg,
                                               const CsQueueUser  *user,
                                               gboolean            allowed,
                                               const char         *what);
/* The request body as a JSON object, or NULL having replied. */
JsonObject   *cs_queue_server_body_object     (SoupServerMessage  *msg,
                                               gboolean            required);
gboolean      cs_queue_server_optional_string (SoupServerMessage  *msg,
                                               JsonObject         *object,
                                               const char         *name,
                                               const char        **value);
/* Post @id if @user may see it, or NULL having replied. */
CsQueuePost  *cs_queue_server_visible_post    (CsQueueServer      *self,
                                               SoupServerMessage  *msg,
                                               const CsQueueUser  *user,
                                               gint64              id,
                                               gboolean            with_photos);
JsonNode     *cs_queue_server_post_to_json    (const CsQueuePost  *post);
/* Tells the event streams that may see @post that it changed. */
void          cs_queue_server_broadcast       (CsQueueServer      *self,
                                               const CsQueuePost  *post);

/* Publishing (cs-queue-server-publishing.c) */

/* Reads "publish_at" from an approval: absent or null is now; else an ISO
 * 8601 time, at most a year ahead. FALSE having replied when it is bad. */
gboolean      cs_queue_server_read_publish_at (SoupServerMessage  *msg,
                                               JsonObject         *body,
                                               gint64             *publish_at);
void          cs_queue_server_add_deliveries  (JsonBuilder        *out,
                                               const CsQueuePost  *post);
/* The /accounts and /posts/N/deliveries requests; FALSE when @parts is
 * not one of them. */
gboolean      cs_queue_server_route_publishing (CsQueueServer     *self,
                                                SoupServerMessage *msg,
                                                CsQueueUser       *user,
                                                const char        *method,
                                                char             **parts,
                                                guint              n,
                                                gint64             id);

/* GET /posts/N/review (cs-queue-server-review.c); FALSE when @parts is
 * not that. */
gboolean      cs_queue_server_route_review    (CsQueueServer      *self,
                                               SoupServerMessage  *msg,
                                               CsQueueUser        *user,
                                               const char         *method,
                                               char              **parts,
                                               guint               n,
                                               gint64              id);

G_END_DECLS
