/* test-publish-errors.c: every publisher against each platform's documented errors, as one matrix
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For Mastodon, Bluesky, X and a Facebook Page, a stand-in answers the
 * request that makes a post with each error the platform documents, in
 * the platform's own error shape: the sign-in refused, the post too
 * large, the post not valid, too many requests (with the platform's
 * rate-limit headers), a failure of its own, and no answer at all. What
 * must come first (Bluesky's session) succeeds; what the platform's
 * documented flow tries once after a refused sign-in (Bluesky's and X's
 * refresh) is refused too. Each case checks the class of error, that its
 * message is in words, and exactly which requests were made.
 */

#include "cs-bluesky-publisher.h"
#include "cs-facebook-publisher.h"
#include "cs-files-private.h"
#include "cs-mastodon-publisher.h"
#include "cs-test-publish.h"
#include "cs-x-publisher.h"

#include <string.h>

#define POST_TEXT "Sports day is moved to Thursday because of the rain."

/* How far ahead a stand-in's rate limit resets. */
#define RESET_SECONDS 300
/* Facebook's estimate is in whole minutes from now. */
#define FACEBOOK_REGAIN_MINUTES 19

#define FACEBOOK_PAGE "104857600000001"
#define FACEBOOK_FEED "/v21.0/" FACEBOOK_PAGE "/feed"

/* The platforms */

typedef enum
{
  RATE_NONE,
  RATE_MASTODON,  /* X-RateLimit-*, the reset an ISO 8601 time */
  RATE_BLUESKY,   /* the IETF draft's RateLimit-*, the reset a unix time */
  RATE_X,         /* x-rate-limit-*, the reset a unix time */
  RATE_FACEBOOK,  /* X-Business-Use-Case-Usage, minutes until access is regained */
} RateHeaders;

typedef struct
{
  const char   *name;
  const char   *post;            /* "METHOD /path" of the request that makes a post */
  const char   *authorization;   /* what that request must carry */
  /* Answered with success before the post, or NULL. */
  const char   *session;
  const char   *session_answer;
  /* Tried once after a refused sign-in, and refused as documented. */
  const char   *refresh;
  guint         refresh_status;
  const char   *refresh_answer;
  CsPublisher *(*make) (const char *url);
} Platform;

static CsPublisher *
make_mastodon (const char *url)
{
  return cs_mastodon_publisher_new (url, "mastodon-token-oak");
}

static CsPublisher *
make_bluesky (const char *url)
{
  return cs_bluesky_publisher_new (url, "oakfield.bsky.social", "abcd-efgh-ijkl-mnop", NULL);
}

static CsPublisher *
make_x (const char *url)
{
  return cs_x_publisher_new (url, "x-client-oak", "x-access-oak", "x-refresh-oak");
}

static CsPublisher *
make_facebook (const char *url)
{
  g_autofree char *graph = g_strconcat (url, "/v21.0", NULL);

  return cs_facebook_publisher_new (graph, FACEBOOK_PAGE, "page-token-oak");
}

static const Platform mastodon = {
  "mastodon", "POST /api/v1/statuses", "Bearer mastodon-token-oak",
  NULL, NULL,
  NULL, 0, NULL,
  make_mastodon,
};

static const Platform bluesky = {
  "bluesky", "POST /xrpc/com.atproto.repo.createRecord", "Bearer access-jwt-oak",
  "POST /xrpc/com.atproto.server.createSession",
  "{\"accessJwt\":\"access-jwt-oak\",\"refreshJwt\":\"refresh-jwt-oak\",\"handle\":\"oakfield.bsky.social\","
  "\"did\":\"did:plc:oakfield7x2q\",\"active\":true}",
  "POST /xrpc/com.atproto.server.refreshSession", 400,
  "{\"error\":\"ExpiredToken\",\"message\":\"Token has expired\"}",
  make_bluesky,
};

static const Platform x = {
  "x", "POST /2/tweets", "Bearer x-access-oak",
  NULL, NULL,
  "POST /2/oauth2/token", 400,
  "{\"error\":\"invalid_request\",\"error_description\":\"Value passed for the token was invalid.\"}",
  make_x,
};

static const Platform facebook = {
  "facebook", "POST " FACEBOOK_FEED, "Bearer page-token-oak",
  NULL, NULL,
  NULL, 0, NULL,
  make_facebook,
};

/* The matrix */

typedef struct
{
  const Platform *platform;
  const char     *name;        /* the documented error it stands for */
  guint           status;      /* the post request's answer; 0: none ever comes */
  const char     *body;        /* in the platform's error shape */
  RateHeaders     rate;
  CsPublishError  expected;
  const char     *words;       /* the message says this */
  const char     *requests[4]; /* "METHOD /path", in order */
} ErrorCase;

#define GRAPH_ERROR(code, message, trace) \
  "{\"error\":{\"message\":\"" message "\",\"type\":\"OAuthException\",\"code\":" #code "," \
  "\"fbtrace_id\":\"" trace "\"}}"
#define X_PROBLEM(title, detail, status) \
  "{\"errors\":[{\"title\":\"" title "\",\"type\":\"about:blank\",\"detail\":\"" detail "\",\"status\":" #status "}]}"

static const ErrorCase cases[] = {
  /* Mastodon: {"error": "…"}; a 413 comes from the web server in front of it. */
  { &mastodon, "401", 401, "{\"error\":\"The access token is invalid\"}", RATE_NONE,
    CS_PUBLISH_ERROR_REAUTH, "The access token is invalid", { "POST /api/v1/statuses" } },
  { &mastodon, "413", 413, "<html><head><title>413 Request Entity Too Large</title></head></html>", RATE_NONE,
    CS_PUBLISH_ERROR_REJECTED, "too large", { "POST /api/v1/statuses" } },
  { &mastodon, "422", 422, "{\"error\":\"Validation failed: Text character limit of 500 exceeded\"}", RATE_NONE,
    CS_PUBLISH_ERROR_REJECTED, "Text character limit of 500 exceeded", { "POST /api/v1/statuses" } },
  { &mastodon, "429", 429, "{\"error\":\"Too many requests\"}", RATE_MASTODON,
    CS_PUBLISH_ERROR_RETRY, "asked for a pause", { "POST /api/v1/statuses" } },
  { &mastodon, "500", 500, "{\"error\":\"We're sorry, but something went wrong on our end.\"}", RATE_NONE,
    CS_PUBLISH_ERROR_RETRY, "something went wrong on our end", { "POST /api/v1/statuses" } },
  { &mastodon, "timeout", 0, NULL, RATE_NONE,
    CS_PUBLISH_ERROR_RETRY, "could not be reached", { "POST /api/v1/statuses" } },

  /* Bluesky: {"error": Name, "message": …}. An expired token is a 400
   * ExpiredToken, and the refresh tried once for it is refused. */
  { &bluesky, "401", 400, "{\"error\":\"ExpiredToken\",\"message\":\"Token has expired\"}", RATE_NONE,
    CS_PUBLISH_ERROR_REAUTH, "Token has expired",
    { "POST /xrpc/com.atproto.server.createSession", "POST /xrpc/com.atproto.repo.createRecord",
      "POST /xrpc/com.atproto.server.refreshSession" } },
  { &bluesky, "413", 413, "{\"error\":\"PayloadTooLarge\",\"message\":\"request entity too large\"}", RATE_NONE,
    CS_PUBLISH_ERROR_REJECTED, "request entity too large",
    { "POST /xrpc/com.atproto.server.createSession", "POST /xrpc/com.atproto.repo.createRecord" } },
  { &bluesky, "422", 400,
    "{\"error\":\"InvalidRequest\",\"message\":\"Invalid app.bsky.feed.post record: "
    "Record/text must not be longer than 300 graphemes\"}", RATE_NONE,
    CS_PUBLISH_ERROR_REJECTED, "must not be longer than 300 graphemes",
    { "POST /xrpc/com.atproto.server.createSession", "POST /xrpc/com.atproto.repo.createRecord" } },
  { &bluesky, "429", 429, "{\"error\":\"RateLimitExceeded\",\"message\":\"Rate Limit Exceeded\"}", RATE_BLUESKY,
    CS_PUBLISH_ERROR_RETRY, "asked for a pause",
    { "POST /xrpc/com.atproto.server.createSession", "POST /xrpc/com.atproto.repo.createRecord" } },
  { &bluesky, "500", 500, "{\"error\":\"InternalServerError\",\"message\":\"Internal Server Error\"}", RATE_NONE,
    CS_PUBLISH_ERROR_RETRY, "Internal Server Error",
    { "POST /xrpc/com.atproto.server.createSession", "POST /xrpc/com.atproto.repo.createRecord" } },
  { &bluesky, "timeout", 0, NULL, RATE_NONE,
    CS_PUBLISH_ERROR_RETRY, "could not be reached",
    { "POST /xrpc/com.atproto.server.createSession", "POST /xrpc/com.atproto.repo.createRecord" } },

  /* X: problem details in an "errors" array. A 401 is refreshed once,
   * and the refresh is refused; X documents 400 for an invalid post. */
  { &x, "401", 401, X_PROBLEM ("Unauthorized", "Unauthorized", 401), RATE_NONE,
    CS_PUBLISH_ERROR_REAUTH, "Value passed for the token was invalid", { "POST /2/tweets", "POST /2/oauth2/token" } },
  { &x, "413", 413, X_PROBLEM ("Payload Too Large", "The request body is too large", 413), RATE_NONE,
    CS_PUBLISH_ERROR_REJECTED, "The request body is too large", { "POST /2/tweets" } },
  { &x, "422", 400, X_PROBLEM ("Invalid Request", "The text of the post is too long", 400), RATE_NONE,
    CS_PUBLISH_ERROR_REJECTED, "The text of the post is too long", { "POST /2/tweets" } },
  { &x, "429", 429, X_PROBLEM ("Too Many Requests", "Too Many Requests", 429), RATE_X,
    CS_PUBLISH_ERROR_RETRY, "asked for a pause", { "POST /2/tweets" } },
  { &x, "500", 500, X_PROBLEM ("Internal Server Error", "Internal Server Error", 500), RATE_NONE,
    CS_PUBLISH_ERROR_RETRY, "had a problem of its own", { "POST /2/tweets" } },
  { &x, "timeout", 0, NULL, RATE_NONE,
    CS_PUBLISH_ERROR_RETRY, "could not be reached", { "POST /2/tweets" } },

  /* Facebook: Graph's error object, classed by its code rather than the
   * HTTP status: 190 a bad token, 100 an invalid parameter, 32 the Page's
   * rate limit (with the usage header), 2 its own trouble. */
  { &facebook, "401", 400, GRAPH_ERROR (190, "Error validating access token: Session has expired", "Tr190"),
    RATE_NONE, CS_PUBLISH_ERROR_REAUTH, "connect Facebook again", { "POST " FACEBOOK_FEED } },
  { &facebook, "413", 413, GRAPH_ERROR (100, "(#100) The request is too large", "Tr413"), RATE_NONE,
    CS_PUBLISH_ERROR_REJECTED, "The request is too large", { "POST " FACEBOOK_FEED } },
  { &facebook, "422", 400, GRAPH_ERROR (100, "(#100) Invalid parameter", "Tr100"), RATE_NONE,
    CS_PUBLISH_ERROR_REJECTED, "Invalid parameter", { "POST " FACEBOOK_FEED } },
  { &facebook, "429", 400, GRAPH_ERROR (32, "(#32) Page request limit reached", "Tr32"), RATE_FACEBOOK,
    CS_PUBLISH_ERROR_RETRY, "asked for a pause", { "POST " FACEBOOK_FEED } },
  { &facebook, "500", 500, GRAPH_ERROR (2, "Service temporarily unavailable", "Tr2"), RATE_NONE,
    CS_PUBLISH_ERROR_RETRY, "Service temporarily unavailable", { "POST " FACEBOOK_FEED } },
  { &facebook, "timeout", 0, NULL, RATE_NONE,
    CS_PUBLISH_ERROR_RETRY, "could not be reached", { "POST " FACEBOOK_FEED } },
};

/* The stand-in */

typedef struct
{
  const ErrorCase *c;
  CsTestPublish    base;
  GMutex           lock;
  gint64           reset_at;   /* the rate limit's reset, as the stand-in sent it */
} Fixture;

static gboolean
is_request (const CsTestRequest *request,
            const char          *line)
{
  const char *space = line != NULL ? strchr (line, ' ') : NULL;

  return space != NULL && strncmp (request->method, line, space - line) == 0 &&
         request->method[space - line] == '\0' && g_str_equal (request->path, space + 1);
}

/* Answers @msg with the case's error and, for a rate limit, the
 * platform's headers saying when it resets. */
static void
reply_error (Fixture           *f,
             SoupServerMessage *msg)
{
  const ErrorCase *c = f->c;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 reset = now + RESET_SECONDS;
  g_autofree char *epoch = g_strdup_printf ("%" G_GINT64_FORMAT, reset);
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (reset);
  g_autofree char *iso = g_date_time_format (when, "%Y-%m-%dT%H:%M:%S.000Z");
  g_autofree char *usage = NULL;

  switch (c->rate)
    {
    case RATE_MASTODON:
      cs_test_reply (msg, c->status, c->body, "X-RateLimit-Limit", "300", "X-RateLimit-Remaining", "0",
                     "X-RateLimit-Reset", iso, NULL);
      break;
    case RATE_BLUESKY:
      cs_test_reply (msg, c->status, c->body, "RateLimit-Limit", "5000", "RateLimit-Remaining", "0",
                     "RateLimit-Reset", epoch, "RateLimit-Policy", "5000;w=3600", NULL);
      break;
    case RATE_X:
      cs_test_reply (msg, c->status, c->body, "x-rate-limit-limit", "100", "x-rate-limit-remaining", "0",
                     "x-rate-limit-reset", epoch, NULL);
      break;
    case RATE_FACEBOOK:
      reset = now + FACEBOOK_REGAIN_MINUTES * 60;
      usage = g_strdup_printf ("{\"" FACEBOOK_PAGE "\":[{\"type\":\"pages\",\"call_count\":100,\"total_cputime\":12,"
                               "\"total_time\":20,\"estimated_time_to_regain_access\":%d}]}",
                               FACEBOOK_REGAIN_MINUTES);
      cs_test_reply (msg, c->status, c->body, "X-Business-Use-Case-Usage", usage, NULL);
      break;
    case RATE_NONE:
    default:
      cs_test_reply (msg, c->status, c->body, NULL);
      break;
    }

  g_mutex_lock (&f->lock);
  f->reset_at = reset;
  g_mutex_unlock (&f->lock);
}

static void
stand_in_cb (CsTestPlatform      *platform,
             SoupServerMessage   *msg,
             const CsTestRequest *request,
             gpointer             data)
{
  Fixture *f = data;
  const Platform *p = f->c->platform;

  if (is_request (request, p->session))
    cs_test_reply (msg, 200, p->session_answer, NULL);
  else if (is_request (request, p->refresh))
    cs_test_reply (msg, p->refresh_status, p->refresh_answer, NULL);
  else if (is_request (request, p->post) && f->c->status == 0)
    soup_server_message_pause (msg);
  else if (is_request (request, p->post))
    reply_error (f, msg);
  else
    cs_test_reply (msg, 404, "{\"error\":\"NotFound\",\"message\":\"no such endpoint\"}", NULL);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->c = data;
  g_mutex_init (&f->lock);
  cs_test_publish_set_up (&f->base, "cs-publish-errors");
  cs_test_platform_handle (f->base.platform, "/", stand_in_cb, f);
  cs_test_publish_start (&f->base);
  f->base.publisher = cs_test_publish_pin (&f->base, f->c->platform->make (cs_test_platform_get_url (f->base.platform)));
  cs_publisher_set_timeout (f->base.publisher, 1);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (g_steal_pointer (&f->base.publisher));
  cs_test_publish_tear_down (&f->base);
  g_mutex_clear (&f->lock);
}

/* The test */

static void
test_error (Fixture       *f,
            gconstpointer  data)
{
  const ErrorCase *c = f->c;
  const char *display = cs_publisher_display_name (c->platform->name);
  g_autoptr(CsPublishJob) job = cs_publish_job_new (POST_TEXT, "delivery-errors-1");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  guint expected_len = 0;
  gint64 started = g_get_monotonic_time ();

  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_error (error, CS_PUBLISH_ERROR, (gint) c->expected);
  g_assert_null (job->remote_id);

  /* In words a school office can act on: the platform named, its reason
   * given, and none of its JSON or HTML. */
  if (strstr (error->message, display) == NULL || strstr (error->message, c->words) == NULL ||
      strpbrk (error->message, "{}<>") != NULL || strstr (error->message, "\"error\"") != NULL)
    g_error ("The message “%s” should name %s, say “%s” and hold no raw answer", error->message, display, c->words);

  /* When the platform said when to come back, exactly then; otherwise no
   * time is made up. */
  if (c->rate != RATE_NONE)
    {
      gint64 reset_at;

      g_mutex_lock (&f->lock);
      reset_at = f->reset_at;
      g_mutex_unlock (&f->lock);
      if (c->rate == RATE_FACEBOOK)
        {
          /* Minutes from the moment each side read the clock. */
          g_assert_cmpint (job->retry_at, >=, reset_at - 2);
          g_assert_cmpint (job->retry_at, <=, reset_at + 2);
        }
      else
        g_assert_cmpint (job->retry_at, ==, reset_at);
    }
  else
    g_assert_cmpint (job->retry_at, ==, 0);

  /* Exactly these requests, in this order; the post once. */
  requests = cs_test_platform_get_requests (f->base.platform);
  while (expected_len < G_N_ELEMENTS (c->requests) && c->requests[expected_len] != NULL)
    expected_len++;
  for (guint i = 0; i < MAX (requests->len, expected_len); i++)
    {
      const CsTestRequest *request = i < requests->len ? g_ptr_array_index (requests, i) : NULL;
      const char *expected = i < expected_len ? c->requests[i] : "nothing";

      if (request == NULL || !is_request (request, expected))
        g_error ("Request %u was %s %s, not %s", i + 1, request != NULL ? request->method : "not made",
                 request != NULL ? request->path : "", expected);
      if (is_request (request, c->platform->post))
        g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Authorization"), ==,
                         c->platform->authorization);
    }

  /* A time-out gives up after the time set, not libsoup's two minutes. */
  if (c->status == 0)
    g_assert_cmpint (g_get_monotonic_time () - started, <, 10 * G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/publish/errors/%s/%s", cases[i].platform->name, cases[i].name);

      g_test_add (path, Fixture, &cases[i], fixture_set_up, test_error, fixture_tear_down);
    }

  return g_test_run ();
}
