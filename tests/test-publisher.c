/* test-publisher.c: what every publisher shares: sending, reading answers,
 * turning a platform's refusals into words, and saving progress
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-json.h"
#include "cs-publisher.h"
#include "cs-test-publish.h"

#include <glib/gstdio.h>

/* The smallest publisher: one POST of the text to /post. */
#define TEST_TYPE_PUBLISHER (test_publisher_get_type ())
G_DECLARE_FINAL_TYPE (TestPublisher, test_publisher, TEST, PUBLISHER, CsPublisher)

struct _TestPublisher
{
  CsPublisher parent_instance;
};

G_DEFINE_FINAL_TYPE (TestPublisher, test_publisher, CS_TYPE_PUBLISHER)

static gboolean
test_publisher_publish (CsPublisher   *publisher,
                        CsPublishJob  *job,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(SoupMessage) msg = cs_publisher_new_message (publisher, "POST", "/post", "Bearer sesame");
  g_autoptr(GBytes) body = g_bytes_new (job->text, strlen (job->text));
  g_autoptr(JsonNode) reply = NULL;

  soup_message_set_request_body_from_bytes (msg, "text/plain", body);
  reply = cs_publisher_send (publisher, msg, job, NULL, NULL, cancellable, error);
  if (reply == NULL)
    return FALSE;
  job->remote_id = g_strdup (json_object_get_string_member (json_node_get_object (reply), "id"));
  return cs_publish_job_remember (job, "id", job->remote_id, error);
}

static char *
test_publisher_describe_error (CsPublisher *publisher,
                               guint        status,
                               JsonNode    *body)
{
  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return NULL;
  return g_strdup (cs_json_get_string (json_node_get_object (body), "error"));
}

static void
test_publisher_class_init (TestPublisherClass *klass)
{
  CS_PUBLISHER_CLASS (klass)->publish = test_publisher_publish;
  CS_PUBLISHER_CLASS (klass)->describe_error = test_publisher_describe_error;
}

static void
test_publisher_init (TestPublisher *self)
{
}

typedef struct
{
  CsTestPublish   base;
} Fixture;

static void
answer_cb (CsTestPlatform      *platform,
           SoupServerMessage   *msg,
           const CsTestRequest *request,
           gpointer             data)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (request->body, NULL), g_bytes_get_size (request->body));
  g_autofree char *reset = NULL;

  if (g_str_equal (text, "ok"))
    cs_test_reply (msg, 200, "{\"id\":\"42\"}", NULL);
  else if (g_str_equal (text, "slow down"))
    cs_test_reply (msg, 429, "{\"error\":\"Too many requests\"}", "Retry-After", "30", NULL);
  else if (g_str_equal (text, "slow down until"))
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (g_get_real_time () / G_USEC_PER_SEC + 600);

      reset = g_date_time_format_iso8601 (when);
      cs_test_reply (msg, 429, "{\"error\":\"Too many requests\"}", "X-RateLimit-Reset", reset, NULL);
    }
  else if (g_str_equal (text, "broken"))
    cs_test_reply (msg, 503, "<html>down</html>", NULL);
  else if (g_str_equal (text, "who"))
    cs_test_reply (msg, 401, "{\"error\":\"The access token is invalid\"}", NULL);
  else if (g_str_equal (text, "too long"))
    cs_test_reply (msg, 422, "{\"error\":\"Validation failed: Text character limit of 500 exceeded\"}", NULL);
  else if (g_str_equal (text, "not json"))
    cs_test_reply (msg, 200, "<html>hello</html>", NULL);
  else
    cs_test_drop (msg);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  cs_test_publish_set_up (&f->base, "cs-publisher");
  cs_test_platform_handle (f->base.platform, "/post", answer_cb, NULL);
  cs_test_publish_start (&f->base);
  f->base.publisher = cs_test_publish_pin (&f->base, g_object_new (TEST_TYPE_PUBLISHER, "name", "mastodon",
                                                                   "base-url", cs_test_platform_get_url (f->base.platform),
                                                                   NULL));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  cs_test_publish_tear_down (&f->base);
}

static gboolean
publish (Fixture       *f,
         const char    *text,
         CsPublishJob **job_out,
         GError       **error)
{
  g_autoptr(CsPublishJob) job = cs_publish_job_new (text, "key-1");
  gboolean ok = cs_publisher_publish (f->base.publisher, job, NULL, error);

  if (job_out != NULL)
    *job_out = g_steal_pointer (&job);
  return ok;
}

static void
test_success (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  const CsTestRequest *request;

  g_assert_true (publish (f, "ok", &job, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (job->remote_id, ==, "42");
  g_assert_cmpstr (cs_publish_job_recall (job, "id"), ==, "42");

  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpuint (requests->len, ==, 1);
  request = g_ptr_array_index (requests, 0);
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->path, ==, "/post");
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Authorization"), ==, "Bearer sesame");
}

static void
test_rate_limited (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_false (publish (f, "slow down", &job, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_assert_nonnull (strstr (error->message, "Mastodon asked for a pause"));
  g_assert_cmpint (job->retry_at, >=, now + 29);
  g_assert_cmpint (job->retry_at, <=, now + 32);
  g_clear_pointer (&job, cs_publish_job_free);
  g_clear_error (&error);

  /* Mastodon's own header is a time, not a delay. */
  g_assert_false (publish (f, "slow down until", &job, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_assert_cmpint (job->retry_at, >=, now + 599);
  g_assert_cmpint (job->retry_at, <=, now + 602);
}

static void
test_refusals_in_words (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (publish (f, "broken", NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_assert_nonnull (strstr (error->message, "HTTP 503"));
  g_clear_error (&error);

  g_assert_false (publish (f, "who", NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REAUTH);
  g_assert_nonnull (strstr (error->message, "The access token is invalid"));
  g_assert_nonnull (strstr (error->message, "connect it again"));
  g_clear_error (&error);

  g_assert_false (publish (f, "too long", NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "Text character limit of 500 exceeded"));
  g_clear_error (&error);

  g_assert_false (publish (f, "not json", NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
}

static void
test_lost_answer (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* The platform got the request, but the answer never came: a retry,
   * which publishers make safe with their keys. */
  g_assert_false (publish (f, "drop", NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_assert_nonnull (strstr (error->message, "could not be reached"));
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/post"), ==, 1);
}

static void
test_unpinned_refused (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* A certificate nobody vouches for is never trusted with a token. */
  cs_publisher_pin_certificate (f->base.publisher, NULL);
  g_assert_false (publish (f, "ok", NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/post"), ==, 0);
}

static gboolean
refuse_checkpoint (CsPublishJob  *job,
                   gpointer       data,
                   GError       **error)
{
  (*(guint *) data)++;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "The disk is full");
  return FALSE;
}

static void
test_checkpoint_failure_stops (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = cs_publish_job_new ("ok", "key-2");
  g_autoptr(GError) error = NULL;
  guint calls = 0;

  job->checkpoint = refuse_checkpoint;
  job->checkpoint_data = &calls;
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_nonnull (strstr (error->message, "avoid posting twice"));
  g_assert_cmpuint (calls, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/publisher/success", test_success);
  ADD ("/publisher/rate-limited", test_rate_limited);
  ADD ("/publisher/refusals-in-words", test_refusals_in_words);
  ADD ("/publisher/lost-answer", test_lost_answer);
  ADD ("/publisher/unpinned-refused", test_unpinned_refused);
  ADD ("/publisher/checkpoint-failure-stops", test_checkpoint_failure_stops);
#undef ADD

  return g_test_run ();
}
