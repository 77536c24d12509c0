/* cs-test-queue-api.h: the queue server's API as the tests call it
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A school (Larkfield) with a roster and one user of each role, and
 * another school (Brook), in a real database in a temporary folder;
 * the real server in a thread of its own; and requests made with
 * libsoup's blocking client, as the app makes them. Under
 * with-postgres.py (which sets CS_TEST_POSTGRES) the database is
 * PostgreSQL instead.
 */

#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "cs-db.h"
#include "cs-queue-store.h"
#include "cs-test-server.h"

G_BEGIN_DECLS

typedef struct
{
  char          *dir;
  CsQueueStore  *store;
  CsTestServer  *server;
  guint          port;
  gsize          max_body;
  guint          rate;
  SoupSession   *session;
  char          *staff;    /* Sam, staff at Larkfield */
  char          *staff2;   /* Tom, staff at Larkfield */
  char          *head;     /* Hana, head of Larkfield */
  char          *admin;    /* Ada, admin at Larkfield */
  char          *other;    /* Bob, head of Brook */
  /* Set once the server publishes: its accounts' key, the export folder. */
  char          *key_path;
  char          *export_dir;
} CsApiFixture;

typedef struct
{
  guint        status;
  GBytes      *body;
  JsonNode    *json;
  SoupMessage *msg;
} CsApiReply;

extern const char cs_api_roster_csv[];
extern const char cs_api_good_post[];

/* The PostgreSQL connection string the tests run against, or NULL for SQLite. */
const char   *cs_api_postgres          (void);
/* A raw connection to the test's database, for changing it behind the
 * store's back. */
CsDb         *cs_api_open_raw          (const char     *dir);
/* The store in @dir; @empty: emptied of a previous test's tables. */
CsQueueStore *cs_api_open_store        (const char     *dir,
                                        gboolean        empty);
void          cs_api_start_server      (CsApiFixture   *f);
/* The start of cs_api_fixture_setup(): a temporary folder and a store
 * with Larkfield alone, no users and no server, for tests that add the
 * users they need and start the server they need. */
void          cs_api_fixture_open      (CsApiFixture   *f);
void          cs_api_fixture_setup     (CsApiFixture   *f,
                                        gconstpointer   data);
void          cs_api_fixture_teardown  (CsApiFixture   *f,
                                        gconstpointer   data);

void          cs_api_reply_free        (CsApiReply     *r);
/* Sends @msg (taking it) as the user of @token. */
CsApiReply   *cs_api_send              (CsApiFixture   *f,
                                        SoupMessage    *msg,
                                        const char     *token);
SoupMessage  *cs_api_new_message       (CsApiFixture   *f,
                                        const char     *method,
                                        const char     *path);
/* @path is under /api/v1; @json may be NULL. */
CsApiReply   *cs_api_request           (CsApiFixture   *f,
                                        const char     *method,
                                        const char     *path,
                                        const char     *token,
                                        const char     *json);
const char   *cs_api_member            (CsApiReply     *r,
                                        const char     *name);
/* Submits @text for X and Mastodon; returns the new post's id. */
gint64        cs_api_submit_text       (CsApiFixture   *f,
                                        const char     *token,
                                        const char     *text);
guint         cs_api_count_posts       (CsApiFixture   *f,
                                        const char     *token,
                                        const char     *query);
/* A plain grey 320×240 JPEG: no faces, no text. */
GBytes       *cs_api_grey_jpeg         (void);
/* Submits a good post for Mastodon with @jpeg, its photo tagged @tags. */
CsApiReply   *cs_api_submit_photo      (CsApiFixture   *f,
                                        const char     *token,
                                        GBytes         *jpeg,
                                        const char     *tags);

/* Starts a server that publishes, with the accounts' secrets sealed
 * with the key in f->key_path (made on the first start) and @trusted
 * (may be NULL) trusted as the platforms' certificate. */
void          cs_api_start_publishing  (CsApiFixture    *f,
                                        GTlsCertificate *trusted);
/* Stops the plain server cs_api_fixture_setup() started, makes an empty
 * export folder (f->export_dir) and starts one that publishes. */
void          cs_api_switch_to_publishing (CsApiFixture    *f,
                                           GTlsCertificate *trusted);
/* Sets up Larkfield's account on @platform as the admin; @json holds
 * its settings and secrets. */
void          cs_api_set_account       (CsApiFixture   *f,
                                        const char     *platform,
                                        const char     *json);
/* Larkfield publishes to the Mastodon at @mastodon_url with
 * @mastodon_token, and to f->export_dir. */
void          cs_api_set_up_accounts   (CsApiFixture   *f,
                                        const char     *mastodon_url,
                                        const char     *mastodon_token);
/* Submits @text as Sam for @platforms (a JSON array); returns its id. */
gint64        cs_api_submit_to         (CsApiFixture   *f,
                                        const char     *text,
                                        const char     *platforms);
/* Post @id as the user of @token sees it. */
JsonObject   *cs_api_get_post          (CsApiFixture   *f,
                                        const char     *token,
                                        gint64          id);
/* The delivery of @post to @platform, or NULL. */
JsonObject   *cs_api_find_delivery     (JsonObject     *post,
                                        const char     *platform);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsApiReply, cs_api_reply_free)

G_END_DECLS
