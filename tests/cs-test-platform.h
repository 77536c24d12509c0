/* cs-test-platform.h: a stand-in for a social platform's API, for tests
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A libsoup HTTPS server on 127.0.0.1 with a certificate made for the
 * test, in a thread of its own so publishers may use libsoup's blocking
 * API against it. Each test's handlers follow the platform's documented
 * API; every request is recorded so tests can assert exactly what was
 * sent, in what order.
 */

#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _CsTestPlatform CsTestPlatform;

typedef struct
{
  char               *method;
  char               *path;
  char               *query;        /* NULL when there is none */
  SoupMessageHeaders *headers;
  GBytes             *body;
} CsTestRequest;

/* Runs in the server's thread; answers @msg (or pauses or drops it).
 * @request is the recorded copy. */
typedef void (*CsTestPlatformHandler) (CsTestPlatform      *platform,
                                       SoupServerMessage   *msg,
                                       const CsTestRequest *request,
                                       gpointer             user_data);

/* A self-signed certificate (with its key) for 127.0.0.1, made with
 * openssl in @dir as NAME-cert.pem and NAME-key.pem. */
GTlsCertificate *cs_test_make_certificate     (const char            *dir,
                                               const char            *name);

/* A server not yet listening; @dir is a scratch folder for its key. */
CsTestPlatform  *cs_test_platform_new         (const char            *dir);
/* Requests whose path starts with @path go to @handler (the longest
 * match wins). Call before cs_test_platform_start(). */
void             cs_test_platform_handle      (CsTestPlatform        *platform,
                                               const char            *path,
                                               CsTestPlatformHandler  handler,
                                               gpointer               user_data);
void             cs_test_platform_start       (CsTestPlatform        *platform);
/* "https://127.0.0.1:PORT", no trailing slash. */
const char      *cs_test_platform_get_url     (CsTestPlatform        *platform);
GTlsCertificate *cs_test_platform_get_certificate (CsTestPlatform    *platform);
/* A copy of the requests so far, oldest first (CsTestRequest, owned). */
GPtrArray       *cs_test_platform_get_requests (CsTestPlatform       *platform);
/* How many requests with @method to a path starting with @path. */
guint            cs_test_platform_count       (CsTestPlatform        *platform,
                                               const char            *method,
                                               const char            *path);
/* Stops the server, ends its thread and frees @platform. */
void             cs_test_platform_free        (CsTestPlatform        *platform);

void             cs_test_request_free         (CsTestRequest         *request);
/* The request's body parsed as JSON (asserting it is). */
JsonNode        *cs_test_request_json         (const CsTestRequest   *request);
/* The request's multipart body (asserting it is one). */
SoupMultipart   *cs_test_request_multipart    (const CsTestRequest   *request);
/* A multipart form field's value as a string, or NULL. */
char            *cs_test_multipart_field      (SoupMultipart         *multipart,
                                               const char            *name,
                                               char                 **content_type,
                                               GBytes              **bytes);

/* Answers @msg with @status and @json (a JSON text), plus any header
 * name/value pairs after it, ending with NULL. */
void             cs_test_reply                (SoupServerMessage     *msg,
                                               guint                  status,
                                               const char            *json,
                                               ...) G_GNUC_NULL_TERMINATED;
/* Closes the connection without answering: the platform may have done
 * the work, but the client never hears. */
void             cs_test_drop                 (SoupServerMessage     *msg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsTestRequest, cs_test_request_free)

G_END_DECLS
