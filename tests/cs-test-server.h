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
guint         cs_test_server_get_port (CsTestServer *server);
/* Stops listening, ends the thread and frees @server. */
void          cs_test_server_stop     (CsTestServer *server);

G_END_DECLS
