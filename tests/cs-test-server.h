/* cs-test-server.h: the real queue server in a thread of its own, for tests
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-queue-server.h"

G_BEGIN_DECLS

typedef struct _CsTestServer CsTestServer;

/* Serves @store on 127.0.0.1:@port (0: any free port) from a new thread
 * with its own main context; returns once it listens. */
CsTestServer *cs_test_server_start    (CsQueueStore *store,
                                       guint         port,
                                       gsize         max_body,
                                       guint         rate_per_minute);
/* As cs_test_server_start(), over HTTPS with @certificate. */
CsTestServer *cs_test_server_start_tls (CsQueueStore    *store,
                                        GTlsCertificate *certificate);
/* As cs_test_server_start(), publishing what is approved: account
 * secrets sealed with the key in @accounts_key (made if missing), and
 * @trusted (may be NULL) trusted as the platforms' certificate. Retries
 * come after seconds, not minutes, and stop after three tries. */
CsTestServer *cs_test_server_start_publishing (CsQueueStore    *store,
                                               guint            port,
                                               const char      *accounts_key,
                                               GTlsCertificate *trusted);
guint         cs_test_server_get_port (CsTestServer *server);
/* Stops listening, ends the thread and frees @server. */
void          cs_test_server_stop     (CsTestServer *server);

/* Helpers for tests that wait on async calls in the default main context. */

/* A GAsyncReadyCallback that keeps a reference to the result in the
 * GAsyncResult * that @data points to. */
void          cs_test_store_result_cb (GObject       *source,
                                       GAsyncResult  *result,
                                       gpointer       data);
/* A GSourceFunc that sets the gboolean @data points to, once. */
gboolean      cs_test_timed_out_cb    (gpointer       data);
/* Runs the main context until *@slot is set; fails the test after
 * @seconds. Returns *@slot. */
GAsyncResult *cs_test_wait_for_result (GAsyncResult **slot,
                                       guint          seconds);
/* Runs the main context until *@count reaches @n; fails the test after
 * @seconds. */
void          cs_test_wait_until      (guint         *count,
                                       guint          n,
                                       guint          seconds);
/* Removes @dir and everything under it, never following links. */
void          cs_test_remove_tree     (const char    *dir);

G_END_DECLS
