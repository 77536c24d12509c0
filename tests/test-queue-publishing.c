/* test-queue-publishing.c: approved posts reach the school's accounts, once
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real queue server with its publish service, a real database (SQLite,
 * or PostgreSQL under with-postgres.py), a stand-in for the school's
 * Mastodon server that follows Mastodon's documented API, and an export
 * folder. Posts are submitted and approved over the API as the app does.
 */

#include <string.h>

#include "cs-test-platform.h"
#include "cs-test-queue-api.h"

#define MASTODON_TOKEN "mastodon-token-7f3a"

typedef enum
{
  MASTODON_OK,
  MASTODON_REFUSE,     /* 422, as for a post Mastodon finds invalid */
  MASTODON_DOWN,       /* 503 */
  MASTODON_DROP_ONCE,  /* makes the status, then loses the answer once */
} MastodonMode;

typedef struct
{
  CsApiFixture    api;
  CsTestPlatform *mastodon;

  GMutex          lock;      /* guards what the stand-in keeps */
  MastodonMode    mode;
  GHashTable     *statuses;  /* Idempotency-Key → status JSON */
  guint           next_id;
} Fixture;

/* The stand-in Mastodon */

static gboolean
authorised (SoupServerMessage   *msg,
            const CsTestRequest *request)
{
  if (g_strcmp0 (soup_message_headers_get_one (request->headers, "Authorization"), "Bearer " MASTODON_TOKEN) == 0)
    return TRUE;
  cs_test_reply (msg, 401, "{\"error\":\"The access token is invalid\"}", NULL);
  return FALSE;
}

static void
statuses_cb (CsTestPlatform      *platform,
             SoupServerMessage   *msg,
             const CsTestRequest *request,
             gpointer             data)
{
  Fixture *f = data;
  const char *key = soup_message_headers_get_one (request->headers, "Idempotency-Key");
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *status = NULL;
  const char *text;
  MastodonMode mode;

  if (!authorised (msg, request))
    return;
  body = cs_test_request_json (request);
  text = json_object_get_string_member (json_node_get_object (body), "status");

  g_mutex_lock (&f->lock);
  mode = f->mode;
  /* Mastodon answers a repeated key with the status it already made. */
  if (key != NULL && g_hash_table_contains (f->statuses, key))
    status = g_strdup (g_hash_table_lookup (f->statuses, key));
  else if (mode == MASTODON_OK || mode == MASTODON_DROP_ONCE)
    {
      g_autoptr(JsonBuilder) out = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *id = g_strdup_printf ("1090%u", ++f->next_id);
      g_autofree char *url = g_strdup_printf ("%s/@larkfield/%s", cs_test_platform_get_url (platform), id);

      json_builder_begin_object (out);
      json_builder_set_member_name (out, "id");
      json_builder_add_string_value (out, id);
      json_builder_set_member_name (out, "url");
      json_builder_add_string_value (out, url);
      json_builder_set_member_name (out, "content");
      json_builder_add_string_value (out, text);
      json_builder_end_object (out);
      root = json_builder_get_root (out);
      status = json_to_string (root, FALSE);
      g_hash_table_insert (f->statuses, g_strdup (key != NULL ? key : id), g_strdup (status));
    }
  if (mode == MASTODON_DROP_ONCE)
    f->mode = MASTODON_OK;
  g_mutex_unlock (&f->lock);

  if (mode == MASTODON_DROP_ONCE)
    cs_test_drop (msg);
  else if (status != NULL)
    cs_test_reply (msg, 200, status, NULL);
  else if (mode == MASTODON_REFUSE)
    cs_test_reply (msg, 422, "{\"error\":\"Validation failed: Text character limit of 500 exceeded\"}", NULL);
  else
    cs_test_reply (msg, 503, "{\"error\":\"Service unavailable\"}", NULL);
}

static guint
count_statuses (Fixture *f)
{
  guint n;

  g_mutex_lock (&f->lock);
  n = g_hash_table_size (f->statuses);
  g_mutex_unlock (&f->lock);
  return n;
}

static void
set_mode (Fixture      *f,
          MastodonMode  mode)
{
  g_mutex_lock (&f->lock);
  f->mode = mode;
  g_mutex_unlock (&f->lock);
}

/* Fixture */

static void
start_publishing_server (Fixture *f)
{
  cs_api_start_publishing (&f->api, cs_test_platform_get_certificate (f->mastodon));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  cs_api_fixture_setup (&f->api, data);
  g_mutex_init (&f->lock);
  f->statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  f->mastodon = cs_test_platform_new (f->api.dir);
  cs_test_platform_handle (f->mastodon, "/api/v1/statuses", statuses_cb, f);
  cs_test_platform_start (f->mastodon);
  cs_api_switch_to_publishing (&f->api, cs_test_platform_get_certificate (f->mastodon));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  cs_test_platform_free (f->mastodon);
  g_hash_table_unref (f->statuses);
  g_mutex_clear (&f->lock);
  cs_api_fixture_teardown (&f->api, data);
}

/* Steps */

static void
set_up_accounts (Fixture *f)
{
  cs_api_set_up_accounts (&f->api, cs_test_platform_get_url (f->mastodon), MASTODON_TOKEN);
}

static CsApiReply *
submit (Fixture    *f,
        const char *text)
{
  g_autofree char *json = g_strdup_printf ("{\"text\":\"%s\",\"platforms\":[\"mastodon\"]}", text);
  CsApiReply *r = cs_api_request (&f->api, "POST", "/posts", f->api.staff, json);

  g_assert_cmpuint (r->status, ==, 201);
  return r;
}

static gint64
approve (Fixture    *f,
         CsApiReply *submitted,
         const char *publish_at)
{
  gint64 id = json_object_get_int_member (json_node_get_object (submitted->json), "id");
  g_autofree char *path = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/approve", id);
  g_autofree char *body = NULL;
  g_autoptr(CsApiReply) r = NULL;

  if (publish_at != NULL)
    body = g_strdup_printf ("{\"content_hash\":\"%s\",\"publish_at\":\"%s\"}",
                            cs_api_member (submitted, "content_hash"), publish_at);
  else
    body = g_strdup_printf ("{\"content_hash\":\"%s\"}", cs_api_member (submitted, "content_hash"));
  r = cs_api_request (&f->api, "POST", path, f->api.head, body);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (cs_api_member (r, "state"), ==, "approved");
  return id;
}

/* Waits until the delivery to @platform is in @state; returns the post. */
static JsonObject *
wait_for_delivery (Fixture    *f,
                   gint64      id,
                   const char *platform,
                   const char *state,
                   guint       seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(JsonObject) post = cs_api_get_post (&f->api, f->api.staff, id);
      JsonObject *d = cs_api_find_delivery (post, platform);

      if (d != NULL && g_strcmp0 (json_object_get_string_member (d, "state"), state) == 0)
        return g_steal_pointer (&post);
      if (g_get_monotonic_time () > end)
        g_error ("The %s delivery of post %" G_GINT64_FORMAT " is %s, not %s, after %u seconds", platform, id,
                 d != NULL ? json_object_get_string_member (d, "state") : "missing", state, seconds);
      g_usleep (50 * 1000);
    }
}

static guint
count_audit (Fixture    *f,
             const char *action,
             const char *detail_prefix)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) entries = cs_queue_store_list_audit (f->api.store, "larkfield", &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      if (g_strcmp0 (json_object_get_string_member (entry, "action"), action) == 0 &&
          g_str_has_prefix (json_object_get_string_member (entry, "detail"), detail_prefix))
        n++;
    }
  return n;
}

static guint
count_exported (Fixture *f)
{
  g_autoptr(GDir) dir = g_dir_open (f->api.export_dir, 0, NULL);
  guint n = 0;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      n++;
  return n;
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return memmem (data, len, needle, strlen (needle)) != NULL;
}

/* Tests */

/* An ISO 8601 time @seconds from now. */
static char *
in_seconds (int seconds)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_seconds (now, seconds);

  return g_date_time_format_iso8601 (then);
}

static const char book_fair[] = "Thank you to Helen Clarke for running a brilliant book fair this week.";

static void
test_publishes_once (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CsApiReply) submitted = NULL;
  g_autoptr(JsonObject) post = NULL;
  g_autofree char *db_path = g_build_filename (f->api.dir, "queue.db", NULL);
  g_autoptr(GPtrArray) requests = NULL;
  const CsTestRequest *request;
  JsonObject *d;
  gint64 id;

  set_up_accounts (f);
  submitted = submit (f, cs_api_good_post);
  id = approve (f, submitted, NULL);

  post = wait_for_delivery (f, id, "mastodon", "published", 20);
  g_clear_pointer (&post, json_object_unref);
  post = wait_for_delivery (f, id, "export", "published", 20);
  /* Every delivery out: the post itself is published. */
  g_assert_cmpstr (json_object_get_string_member (post, "state"), ==, "published");
  d = cs_api_find_delivery (post, "mastodon");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (d, "url"), cs_test_platform_get_url (f->mastodon)));
  g_assert_cmpint (json_object_get_int_member (d, "attempts"), ==, 1);

  /* Exactly one request made the status, with the school's token, the
   * approved text and a key that a retry would repeat. */
  g_assert_cmpuint (count_statuses (f), ==, 1);
  requests = cs_test_platform_get_requests (f->mastodon);
  g_assert_cmpuint (requests->len, ==, 1);
  request = g_ptr_array_index (requests, 0);
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->path, ==, "/api/v1/statuses");
  g_assert_nonnull (soup_message_headers_get_one (request->headers, "Idempotency-Key"));
  {
    g_autoptr(JsonNode) body = cs_test_request_json (request);

    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "status"), ==, cs_api_good_post);
  }
  g_assert_cmpuint (count_exported (f), ==, 1);

  /* The log has each attempt and each result. */
  g_assert_cmpuint (count_audit (f, "publish-attempt", "mastodon"), ==, 1);
  g_assert_cmpuint (count_audit (f, "published", "mastodon"), ==, 1);
  g_assert_cmpuint (count_audit (f, "published", "export"), ==, 1);
  g_assert_cmpuint (count_audit (f, "published", "approved -> published"), ==, 1);

  /* The token is sealed in the database, never written in the clear. */
  if (cs_api_postgres () == NULL)
    g_assert_false (file_contains (db_path, MASTODON_TOKEN));
  {
    g_autoptr(CsApiReply) accounts = cs_api_request (&f->api, "GET", "/accounts", f->api.head, NULL);

    g_assert_cmpuint (accounts->status, ==, 200);
    g_assert_null (strstr (g_bytes_get_data (accounts->body, NULL), MASTODON_TOKEN));
    g_assert_nonnull (strstr (g_bytes_get_data (accounts->body, NULL), cs_test_platform_get_url (f->mastodon)));
  }
}

static void
test_partial_failure (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CsApiReply) submitted = NULL;
  g_autoptr(JsonObject) post = NULL;
  g_autoptr(CsApiReply) retried = NULL;
  g_autoptr(CsApiReply) by_staff = NULL;
  g_autofree char *retry_path = NULL;
  JsonObject *d;
  gint64 id;

  set_up_accounts (f);
  set_mode (f, MASTODON_REFUSE);
  submitted = submit (f, cs_api_good_post);
  id = approve (f, submitted, NULL);

  /* Mastodon refuses; the export still goes out, and is not held up. */
  post = wait_for_delivery (f, id, "mastodon", "failed", 20);
  d = cs_api_find_delivery (post, "mastodon");
  g_assert_nonnull (strstr (json_object_get_string_member (d, "message"), "Text character limit of 500 exceeded"));
  /* A refusal is final: no second try on its own. */
  g_assert_cmpint (json_object_get_int_member (d, "attempts"), ==, 1);
  g_clear_pointer (&post, json_object_unref);
  post = wait_for_delivery (f, id, "export", "published", 20);
  g_assert_cmpstr (json_object_get_string_member (post, "state"), ==, "approved");
  g_assert_cmpuint (count_statuses (f), ==, 0);

  /* Only the head may ask again, and only that platform goes again. */
  retry_path = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/deliveries/mastodon/retry", id);
  by_staff = cs_api_request (&f->api, "POST", retry_path, f->api.staff, NULL);
  g_assert_cmpuint (by_staff->status, ==, 403);
  set_mode (f, MASTODON_OK);
  retried = cs_api_request (&f->api, "POST", retry_path, f->api.head, NULL);
  g_assert_cmpuint (retried->status, ==, 200);
  g_clear_pointer (&post, json_object_unref);
  post = wait_for_delivery (f, id, "mastodon", "published", 20);
  g_assert_cmpstr (json_object_get_string_member (post, "state"), ==, "published");
  g_assert_cmpuint (count_statuses (f), ==, 1);
  g_assert_cmpuint (count_exported (f), ==, 1);
  g_assert_cmpuint (count_audit (f, "published", "export"), ==, 1);
  g_assert_cmpuint (count_audit (f, "publish-retry-requested", "mastodon"), ==, 1);
}

static void
test_retries_with_backoff (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(CsApiReply) submitted = NULL;
  g_autoptr(JsonObject) post = NULL;
  gint64 id;

  set_up_accounts (f);
  set_mode (f, MASTODON_DOWN);
  submitted = submit (f, cs_api_good_post);
  id = approve (f, submitted, NULL);

  /* Three tries a second or so apart (the test server's policy), then it
   * stops and says so. */
  post = wait_for_delivery (f, id, "mastodon", "failed", 30);
  g_assert_cmpint (json_object_get_int_member (cs_api_find_delivery (post, "mastodon"), "attempts"), ==, 3);
  g_assert_nonnull (strstr (json_object_get_string_member (cs_api_find_delivery (post, "mastodon"), "message"),
                            "tried 3 times"));
  g_assert_cmpuint (count_audit (f, "publish-retry", "mastodon"), ==, 2);
  g_assert_cmpuint (count_audit (f, "publish-failed", "mastodon"), ==, 1);
}

static void
test_lost_answer_posts_once (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(CsApiReply) submitted = NULL;
  g_autoptr(JsonObject) post = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  const char *first_key, *second_key;
  gint64 id;

  set_up_accounts (f);
  set_mode (f, MASTODON_DROP_ONCE);
  submitted = submit (f, cs_api_good_post);
  id = approve (f, submitted, NULL);

  /* Mastodon made the status but the answer was lost; the retry sends the
   * same key, and Mastodon hands back the status it made. */
  post = wait_for_delivery (f, id, "mastodon", "published", 20);
  g_assert_cmpint (json_object_get_int_member (cs_api_find_delivery (post, "mastodon"), "attempts"), ==, 2);
  g_assert_cmpuint (count_statuses (f), ==, 1);
  requests = cs_test_platform_get_requests (f->mastodon);
  g_assert_cmpuint (requests->len, ==, 2);
  first_key = soup_message_headers_get_one (((CsTestRequest *) g_ptr_array_index (requests, 0))->headers,
                                            "Idempotency-Key");
  second_key = soup_message_headers_get_one (((CsTestRequest *) g_ptr_array_index (requests, 1))->headers,
                                             "Idempotency-Key");
  g_assert_nonnull (first_key);
  g_assert_cmpstr (first_key, ==, second_key);
}

static void
test_consent_withdrawn_before_publishing (Fixture       *f,
                                          gconstpointer  data)
{
  g_autoptr(CsApiReply) submitted = NULL;
  g_autoptr(CsApiReply) roster = NULL;
  g_autoptr(JsonObject) post = NULL;
  g_autofree char *when = in_seconds (3);
  const char *message;
  gint64 id;

  set_up_accounts (f);
  roster = cs_api_request (&f->api, "PUT", "/roster", f->api.admin,
                           "id,forename,surname,class,role,photo_consent,name_consent\n"
                           "S001,Helen,Clarke,Year 2,staff,yes,yes\n"
                           "P001,Poppy,Whitlow,Year 2,pupil,yes,no\n");
  g_assert_cmpuint (roster->status, ==, 200);
  submitted = submit (f, book_fair);
  id = approve (f, submitted, when);
  g_assert_cmpuint (count_audit (f, "scheduled", ""), ==, 1);

  /* Mrs Clarke withdraws her consent to be named before the time comes. */
  g_clear_pointer (&roster, cs_api_reply_free);
  roster = cs_api_request (&f->api, "PUT", "/roster", f->api.admin,
                           "id,forename,surname,class,role,photo_consent,name_consent\n"
                           "S001,Helen,Clarke,Year 2,staff,yes,no\n"
                           "P001,Poppy,Whitlow,Year 2,pupil,yes,no\n");
  g_assert_cmpuint (roster->status, ==, 200);

  post = wait_for_delivery (f, id, "mastodon", "failed", 20);
  message = json_object_get_string_member (cs_api_find_delivery (post, "mastodon"), "message");
  g_assert_nonnull (strstr (message, "consent"));
  g_assert_nonnull (strstr (message, "Helen Clarke"));
  g_assert_cmpuint (count_statuses (f), ==, 0);
  g_assert_cmpuint (cs_test_platform_count (f->mastodon, "POST", "/"), ==, 0);
  g_clear_pointer (&post, json_object_unref);
  post = wait_for_delivery (f, id, "export", "failed", 20);
  g_assert_cmpuint (count_exported (f), ==, 0);
}

static void
test_scheduled_across_restart (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(CsApiReply) submitted = NULL;
  g_autoptr(JsonObject) post = NULL;
  g_autofree char *when = in_seconds (2);
  gint64 id;

  set_up_accounts (f);
  submitted = submit (f, cs_api_good_post);
  id = approve (f, submitted, when);

  /* The server stops before the time, and is down when it passes. */
  cs_test_server_stop (f->api.server);
  g_usleep (3 * G_USEC_PER_SEC);
  g_assert_cmpuint (count_statuses (f), ==, 0);

  /* Back up: the post goes out at once, and only once. */
  start_publishing_server (f);
  post = wait_for_delivery (f, id, "mastodon", "published", 20);
  g_clear_pointer (&post, json_object_unref);
  post = wait_for_delivery (f, id, "export", "published", 20);
  g_assert_cmpuint (count_statuses (f), ==, 1);
  g_assert_cmpuint (count_exported (f), ==, 1);

  /* And a second restart does not publish it again. */
  cs_test_server_stop (f->api.server);
  start_publishing_server (f);
  g_usleep (1500 * 1000);
  g_assert_cmpuint (count_statuses (f), ==, 1);
  g_assert_cmpuint (cs_test_platform_count (f->mastodon, "POST", "/api/v1/statuses"), ==, 1);
  g_assert_cmpuint (count_audit (f, "published", "mastodon"), ==, 1);
}

static void
test_interrupted_attempt_resumes (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(CsApiReply) submitted = NULL;
  g_autoptr(JsonObject) post = NULL;
  g_autoptr(GPtrArray) claimed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *when = in_seconds (3600);
  gint64 id;

  set_up_accounts (f);
  submitted = submit (f, cs_api_good_post);
  id = approve (f, submitted, when);
  cs_test_server_stop (f->api.server);

  /* As if a server had claimed the deliveries and died mid-request,
   * after Mastodon made the status. */
  claimed = cs_queue_store_claim_deliveries (f->api.store, g_get_real_time () / G_USEC_PER_SEC + 7200, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (claimed->len, ==, 2);
  {
    CsDelivery *mastodon = NULL;
    g_autoptr(JsonBuilder) out = json_builder_new ();
    g_autoptr(JsonNode) root = NULL;

    for (guint i = 0; i < claimed->len; i++)
      if (g_str_equal (((CsDelivery *) g_ptr_array_index (claimed, i))->platform, "mastodon"))
        mastodon = g_ptr_array_index (claimed, i);
    g_assert_nonnull (mastodon);
    json_builder_begin_object (out);
    json_builder_set_member_name (out, "id");
    json_builder_add_string_value (out, "10900");
    json_builder_set_member_name (out, "url");
    json_builder_add_string_value (out, "https://example.invalid/@larkfield/10900");
    json_builder_end_object (out);
    root = json_builder_get_root (out);
    g_hash_table_insert (f->statuses, g_strdup (mastodon->key), json_to_string (root, FALSE));
  }

  start_publishing_server (f);
  post = wait_for_delivery (f, id, "mastodon", "published", 20);
  g_assert_cmpstr (json_object_get_string_member (cs_api_find_delivery (post, "mastodon"), "url"), ==,
                   "https://example.invalid/@larkfield/10900");
  g_assert_cmpuint (count_statuses (f), ==, 1);
  g_assert_cmpuint (count_audit (f, "publish-interrupted", "mastodon"), ==, 1);
  g_clear_pointer (&post, json_object_unref);
  post = wait_for_delivery (f, id, "export", "published", 20);
  g_assert_cmpuint (count_exported (f), ==, 1);
}

static void
test_accounts_api (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CsApiReply) by_head = NULL;
  g_autoptr(CsApiReply) by_staff = NULL;
  g_autoptr(CsApiReply) plain_http = NULL;
  g_autoptr(CsApiReply) nested = NULL;
  g_autoptr(CsApiReply) unknown = NULL;
  g_autoptr(CsApiReply) missing = NULL;
  g_autoptr(CsApiReply) removed = NULL;
  g_autoptr(CsApiReply) list = NULL;
  g_autoptr(CsApiReply) far = NULL;
  g_autoptr(CsApiReply) past = NULL;
  g_autoptr(CsApiReply) submitted = NULL;
  g_autofree char *approve_path = NULL;
  g_autofree char *body = NULL;

  /* Only an administrator sets accounts up; staff cannot even list them. */
  by_head = cs_api_request (&f->api, "PUT", "/accounts/mastodon", f->api.head,
                            "{\"settings\":{\"base_url\":\"https://m.example\"},\"secrets\":{\"access_token\":\"t\"}}");
  g_assert_cmpuint (by_head->status, ==, 403);
  by_staff = cs_api_request (&f->api, "GET", "/accounts", f->api.staff, NULL);
  g_assert_cmpuint (by_staff->status, ==, 403);

  /* Tokens only go over HTTPS; fields are flat strings; the kinds are known. */
  plain_http = cs_api_request (&f->api, "PUT", "/accounts/mastodon", f->api.admin,
                               "{\"settings\":{\"base_url\":\"http://m.example\"},\"secrets\":{\"access_token\":\"t\"}}");
  g_assert_cmpuint (plain_http->status, ==, 422);
  g_assert_nonnull (strstr (cs_api_member (plain_http, "message"), "https://"));
  nested = cs_api_request (&f->api, "PUT", "/accounts/mastodon", f->api.admin,
                           "{\"settings\":{\"base_url\":{\"a\":1}},\"secrets\":{}}");
  g_assert_cmpuint (nested->status, ==, 400);
  g_assert_nonnull (strstr (cs_api_member (nested, "message"), "settings.base_url"));
  unknown = cs_api_request (&f->api, "PUT", "/accounts/myspace", f->api.admin, "{\"settings\":{},\"secrets\":{}}");
  g_assert_cmpuint (unknown->status, ==, 404);
  missing = cs_api_request (&f->api, "PUT", "/accounts/mastodon", f->api.admin,
                            "{\"settings\":{\"base_url\":\"https://m.example\"},\"secrets\":{}}");
  g_assert_cmpuint (missing->status, ==, 422);
  g_assert_nonnull (strstr (cs_api_member (missing, "message"), "access_token"));

  set_up_accounts (f);
  list = cs_api_request (&f->api, "GET", "/accounts", f->api.head, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (list->json), "accounts")), ==, 2);
  removed = cs_api_request (&f->api, "DELETE", "/accounts/export", f->api.admin, NULL);
  g_assert_cmpuint (removed->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (removed->json), "accounts")), ==, 1);
  g_assert_cmpuint (count_audit (f, "account-set", "mastodon"), ==, 1);
  g_assert_cmpuint (count_audit (f, "account-removed", "export"), ==, 1);

  /* A schedule is a real time, not in the past, not years ahead. */
  submitted = submit (f, cs_api_good_post);
  approve_path = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/approve",
                                  json_object_get_int_member (json_node_get_object (submitted->json), "id"));
  body = g_strdup_printf ("{\"content_hash\":\"%s\",\"publish_at\":\"2020-01-01T09:00:00Z\"}",
                          cs_api_member (submitted, "content_hash"));
  past = cs_api_request (&f->api, "POST", approve_path, f->api.head, body);
  g_assert_cmpuint (past->status, ==, 422);
  g_free (body);
  body = g_strdup_printf ("{\"content_hash\":\"%s\",\"publish_at\":\"next Tuesday\"}",
                          cs_api_member (submitted, "content_hash"));
  far = cs_api_request (&f->api, "POST", approve_path, f->api.head, body);
  g_assert_cmpuint (far->status, ==, 400);
  g_assert_cmpuint (cs_api_count_posts (&f->api, f->api.head, "?state=pending"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/publishing/approve-publishes-once", test_publishes_once);
  ADD ("/publishing/partial-failure-publishes-the-rest", test_partial_failure);
  ADD ("/publishing/retries-with-backoff-then-stops", test_retries_with_backoff);
  ADD ("/publishing/lost-answer-posts-once", test_lost_answer_posts_once);
  ADD ("/publishing/consent-withdrawn-before-publishing", test_consent_withdrawn_before_publishing);
  ADD ("/publishing/scheduled-post-survives-restart", test_scheduled_across_restart);
  ADD ("/publishing/interrupted-attempt-looks-first", test_interrupted_attempt_resumes);
  ADD ("/publishing/accounts-api", test_accounts_api);
#undef ADD

  return g_test_run ();
}
