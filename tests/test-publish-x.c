/* test-publish-x.c: posting to X, against a stand-in that follows the X API v2
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-x-publisher.h"
#include "cs-files-private.h"
#include "cs-json.h"
#include "cs-platform.h"
#include "cs-test-publish.h"
#include "cs-url.h"

#include <string.h>

#define CLIENT_ID    "countersign-test-client"
#define SCHOOL_ID    "1500000000000000001"

/* The stand-in for X: the documented endpoints, the OAuth 2.0 user
 * token they require, and the errors X answers with. Its handlers run in
 * the platform's thread, the tests in theirs, hence the lock. */
typedef struct
{
  char      *id;
  gsize      size;
  char      *alt;     /* NULL until /2/media/metadata */
} FakeMedia;

typedef struct
{
  char      *id;
  char      *posted;  /* the text as sent */
  char      *text;    /* the text as X shows it */
  GPtrArray *media_ids;
} FakeTweet;

typedef struct
{
  GMutex     lock;
  char      *access_token;     /* the one X accepts now */
  char      *refresh_token;
  guint      next_id;
  gint64     media_lifetime;
  GPtrArray *media;            /* FakeMedia */
  GPtrArray *tweets;           /* FakeTweet, oldest first */

  /* Trouble, scripted per test (see fake_x_fail()). */
  CsTestFaults faults;
  /* The next post is stored, but its answer never arrives. */
  gboolean   drop_tweet_answer;
} FakeX;

static void
fake_media_free (FakeMedia *media)
{
  g_free (media->id);
  g_free (media->alt);
  g_free (media);
}

static void
fake_tweet_free (FakeTweet *tweet)
{
  g_free (tweet->id);
  g_free (tweet->posted);
  g_free (tweet->text);
  g_ptr_array_unref (tweet->media_ids);
  g_free (tweet);
}

static void
fake_x_init (FakeX *x)
{
  g_mutex_init (&x->lock);
  x->access_token = g_strdup ("access-0");
  x->refresh_token = g_strdup ("refresh-0");
  x->media_lifetime = 86400;
  x->media = g_ptr_array_new_with_free_func ((GDestroyNotify) fake_media_free);
  x->tweets = g_ptr_array_new_with_free_func ((GDestroyNotify) fake_tweet_free);
  cs_test_faults_init (&x->faults);
}

static void
fake_x_clear (FakeX *x)
{
  g_free (x->access_token);
  g_free (x->refresh_token);
  g_ptr_array_unref (x->media);
  g_ptr_array_unref (x->tweets);
  cs_test_faults_clear (&x->faults);
  g_mutex_clear (&x->lock);
}

/* The next @times requests to @path are answered with @status and @body
 * (and the header @header, when it is not NULL), instead of any scripted
 * before. */
static void
fake_x_fail (FakeX      *x,
             const char *path,
             guint       times,
             guint       status,
             const char *body,
             const char *header,
             const char *value)
{
  cs_test_faults_forget (&x->faults);
  for (guint i = 0; i < times; i++)
    cs_test_faults_add (&x->faults, NULL, path, FALSE, 0, CS_TEST_FAULT_REPLY, status, body, header, value);
}

/* X ends the access token's life (about two hours after it was made). */
static void
fake_x_expire_access_token (FakeX *x)
{
  g_mutex_lock (&x->lock);
  g_free (x->access_token);
  x->access_token = g_strdup ("access-expired-elsewhere");
  g_mutex_unlock (&x->lock);
}

static guint
fake_x_count_tweets (FakeX *x)
{
  return cs_test_locked_len (&x->lock, x->tweets);
}

/* A copy of post @i's id, or with @text, of its text as X shows it. */
static char *
fake_x_dup_tweet (FakeX    *x,
                  guint     i,
                  gboolean  text)
{
  FakeTweet *tweet;
  char *copy;

  g_mutex_lock (&x->lock);
  tweet = g_ptr_array_index (x->tweets, i);
  copy = g_strdup (text ? tweet->text : tweet->id);
  g_mutex_unlock (&x->lock);
  return copy;
}

static char *
fake_x_next_id (FakeX *x)
{
  return g_strdup_printf ("18%017u", ++x->next_id);
}

/* What X shows for a post: every link as a t.co one, &, < and > as HTML
 * entities, and a link to the photos at the end when there are any. */
static char *
fake_x_shown_text (FakeX      *x,
                   const char *text,
                   gboolean    with_media)
{
  GString *out = g_string_new (NULL);
  gsize len = strlen (text);
  gsize pos = 0, start, end;

  while (pos < len)
    {
      gsize stop = cs_url_find_next (text, len, pos, &start, &end) ? start : len;

      for (gsize i = pos; i < stop; i++)
        {
          if (text[i] == '&')
            g_string_append (out, "&amp;");
          else if (text[i] == '<')
            g_string_append (out, "&lt;");
          else if (text[i] == '>')
            g_string_append (out, "&gt;");
          else
            g_string_append_c (out, text[i]);
        }
      if (stop == len)
        break;
      g_string_append_printf (out, "https://t.co/L%09u", ++x->next_id);
      pos = end;
    }
  if (with_media)
    g_string_append_printf (out, "%shttps://t.co/M%09u", out->len > 0 ? " " : "", ++x->next_id);
  return g_string_free (out, FALSE);
}

/* A post already on the account, made before the test began. */
static void
fake_x_seed_tweet (FakeX      *x,
                   const char *text,
                   gboolean    with_media)
{
  FakeTweet *tweet = g_new0 (FakeTweet, 1);

  g_mutex_lock (&x->lock);
  tweet->id = fake_x_next_id (x);
  tweet->posted = g_strdup (text);
  tweet->text = fake_x_shown_text (x, text, with_media);
  tweet->media_ids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (x->tweets, tweet);
  g_mutex_unlock (&x->lock);
}

/* X's error shape: RFC 7807 problem details. */
static void
reply_problem (SoupServerMessage *msg,
               guint              status,
               const char        *title,
               const char        *detail)
{
  g_autoptr(JsonObject) problem = json_object_new ();

  json_object_set_string_member (problem, "title", title);
  json_object_set_string_member (problem, "detail", detail);
  json_object_set_string_member (problem, "type", "about:blank");
  json_object_set_int_member (problem, "status", status);
  cs_test_reply_object (msg, status, problem);
}

static gboolean
check_bearer (FakeX               *x,
              SoupServerMessage   *msg,
              const CsTestRequest *request)
{
  g_autofree char *expected = g_strdup_printf ("Bearer %s", x->access_token);

  if (g_strcmp0 (soup_message_headers_get_one (request->headers, "Authorization"), expected) == 0)
    return TRUE;
  reply_problem (msg, 401, "Unauthorized", "Unauthorized");
  return FALSE;
}

static JsonNode *
parse_json_body (const CsTestRequest *request)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data = g_bytes_get_data (request->body, &len);

  if (g_strcmp0 (soup_message_headers_get_content_type (request->headers, NULL), "application/json") != 0 ||
      !json_parser_load_from_data (parser, data, len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

static FakeMedia *
find_media (FakeX      *x,
            const char *id)
{
  for (guint i = 0; i < x->media->len; i++)
    if (g_strcmp0 (((FakeMedia *) g_ptr_array_index (x->media, i))->id, id) == 0)
      return g_ptr_array_index (x->media, i);
  return NULL;
}

static void
upload_cb (CsTestPlatform      *platform,
           SoupServerMessage   *msg,
           const CsTestRequest *request,
           gpointer             data)
{
  FakeX *x = data;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&x->lock);
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autofree char *category = NULL;
  g_autofree char *type = NULL;
  g_autofree char *file_type = NULL;
  g_autoptr(GBytes) file = NULL;
  g_autofree char *ignored = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autofree char *key = NULL;
  FakeMedia *media;

  if (cs_test_faults_answer (&x->faults, msg, request) || !check_bearer (x, msg, request))
    return;
  multipart = soup_multipart_new_from_message (request->headers, request->body);
  if (g_strcmp0 (request->method, "POST") != 0 || multipart == NULL)
    {
      reply_problem (msg, 400, "Invalid Request", "One or more parameters to your request was invalid.");
      return;
    }
  category = cs_test_multipart_field (multipart, "media_category", NULL, NULL);
  type = cs_test_multipart_field (multipart, "media_type", NULL, NULL);
  ignored = cs_test_multipart_field (multipart, "media", &file_type, &file);
  if (file == NULL || g_bytes_get_size (file) == 0 || g_strcmp0 (file_type, "image/jpeg") != 0 ||
      g_strcmp0 (category, "tweet_image") != 0 || g_strcmp0 (type, "image/jpeg") != 0)
    {
      reply_problem (msg, 400, "Invalid Request", "One or more parameters to your request was invalid.");
      return;
    }

  media = g_new0 (FakeMedia, 1);
  media->id = fake_x_next_id (x);
  media->size = g_bytes_get_size (file);
  g_ptr_array_add (x->media, media);
  key = g_strdup_printf ("3_%s", media->id);

  result = json_object_new ();
  json_object_set_string_member (result, "id", media->id);
  json_object_set_string_member (result, "media_key", key);
  json_object_set_int_member (result, "size", media->size);
  json_object_set_int_member (result, "expires_after_secs", x->media_lifetime);
  answer = json_object_new ();
  json_object_set_object_member (answer, "data", g_steal_pointer (&result));
  cs_test_reply_object (msg, 200, answer);
}

static void
metadata_cb (CsTestPlatform      *platform,
             SoupServerMessage   *msg,
             const CsTestRequest *request,
             gpointer             data)
{
  FakeX *x = data;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&x->lock);
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) result = NULL;
  JsonObject *object, *metadata, *alt_text;
  const char *alt;
  FakeMedia *media;

  if (cs_test_faults_answer (&x->faults, msg, request) || !check_bearer (x, msg, request))
    return;
  body = parse_json_body (request);
  object = body != NULL ? json_node_get_object (body) : NULL;
  metadata = object != NULL && json_object_has_member (object, "metadata") ?
             json_object_get_object_member (object, "metadata") : NULL;
  alt_text = metadata != NULL && json_object_has_member (metadata, "alt_text") ?
             json_object_get_object_member (metadata, "alt_text") : NULL;
  alt = alt_text != NULL ? cs_json_get_string (alt_text, "text") : NULL;
  media = object != NULL ? find_media (x, cs_json_get_string (object, "id")) : NULL;
  if (media == NULL || alt == NULL || g_utf8_strlen (alt, -1) > 1000)
    {
      reply_problem (msg, 400, "Invalid Request", "One or more parameters to your request was invalid.");
      return;
    }
  g_free (media->alt);
  media->alt = g_strdup (alt);

  result = json_object_new ();
  json_object_set_string_member (result, "id", media->id);
  answer = json_object_new ();
  json_object_set_object_member (answer, "data", g_steal_pointer (&result));
  cs_test_reply_object (msg, 200, answer);
}

static void
tweets_cb (CsTestPlatform      *platform,
           SoupServerMessage   *msg,
           const CsTestRequest *request,
           gpointer             data)
{
  FakeX *x = data;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&x->lock);
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GPtrArray) media_ids = g_ptr_array_new_with_free_func (g_free);
  JsonObject *object;
  JsonArray *ids = NULL;
  const char *text;
  FakeTweet *tweet;

  if (cs_test_faults_answer (&x->faults, msg, request) || !check_bearer (x, msg, request))
    return;
  body = parse_json_body (request);
  object = body != NULL ? json_node_get_object (body) : NULL;
  text = object != NULL ? cs_json_get_string (object, "text") : NULL;
  /* The text may be left out when there are photos. */
  if (object != NULL && !json_object_has_member (object, "text") && json_object_has_member (object, "media"))
    text = "";
  if (object != NULL && json_object_has_member (object, "media"))
    ids = json_object_get_array_member (json_object_get_object_member (object, "media"), "media_ids");
  for (guint i = 0; ids != NULL && i < json_array_get_length (ids); i++)
    {
      const char *id = json_array_get_string_element (ids, i);

      if (find_media (x, id) == NULL)
        {
          reply_problem (msg, 400, "Invalid Request", "Your media IDs are invalid.");
          return;
        }
      g_ptr_array_add (media_ids, g_strdup (id));
    }
  if (text == NULL || (*text == '\0' && media_ids->len == 0))
    {
      reply_problem (msg, 400, "Invalid Request", "One or more parameters to your request was invalid.");
      return;
    }
  for (guint i = 0; i < x->tweets->len; i++)
    if (*text != '\0' && g_str_equal (((FakeTweet *) g_ptr_array_index (x->tweets, i))->posted, text))
      {
        reply_problem (msg, 403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.");
        return;
      }

  tweet = g_new0 (FakeTweet, 1);
  tweet->id = fake_x_next_id (x);
  tweet->posted = g_strdup (text);
  tweet->text = fake_x_shown_text (x, text, media_ids->len > 0);
  tweet->media_ids = g_steal_pointer (&media_ids);
  g_ptr_array_add (x->tweets, tweet);

  if (x->drop_tweet_answer)
    {
      x->drop_tweet_answer = FALSE;
      cs_test_drop (msg);
      return;
    }

  result = json_object_new ();
  json_object_set_string_member (result, "id", tweet->id);
  json_object_set_string_member (result, "text", tweet->text);
  answer = json_object_new ();
  json_object_set_object_member (answer, "data", g_steal_pointer (&result));
  cs_test_reply_object (msg, 201, answer);
}

/* /2/users/me and /2/users/:id/tweets, newest first. */
static void
users_cb (CsTestPlatform      *platform,
          SoupServerMessage   *msg,
          const CsTestRequest *request,
          gpointer             data)
{
  FakeX *x = data;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&x->lock);
  g_autoptr(JsonObject) answer = json_object_new ();
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(JsonObject) meta = NULL;
  const char *max;
  gint64 max_results = 10;

  if (cs_test_faults_answer (&x->faults, msg, request) || !check_bearer (x, msg, request))
    return;
  if (g_strcmp0 (request->method, "GET") != 0)
    {
      reply_problem (msg, 405, "Method Not Allowed", "Method Not Allowed");
      return;
    }

  if (g_str_equal (request->path, "/2/users/me"))
    {
      g_autoptr(JsonObject) user = json_object_new ();

      json_object_set_string_member (user, "id", SCHOOL_ID);
      json_object_set_string_member (user, "name", "Oakfield Primary School");
      json_object_set_string_member (user, "username", "OakfieldPrimary");
      json_object_set_object_member (answer, "data", g_steal_pointer (&user));
      cs_test_reply_object (msg, 200, answer);
      return;
    }
  if (!g_str_equal (request->path, "/2/users/" SCHOOL_ID "/tweets"))
    {
      reply_problem (msg, 404, "Not Found Error", "Could not find the user.");
      return;
    }

  query = request->query != NULL ? soup_form_decode (request->query) : NULL;
  max = query != NULL ? g_hash_table_lookup (query, "max_results") : NULL;
  if (max != NULL)
    max_results = g_ascii_strtoll (max, NULL, 10);
  if (max_results < 5 || max_results > 100)
    {
      reply_problem (msg, 400, "Invalid Request", "The `max_results` query parameter value is not valid.");
      return;
    }

  list = json_array_new ();
  for (guint i = x->tweets->len; i > 0 && json_array_get_length (list) < (guint) max_results; i--)
    {
      FakeTweet *tweet = g_ptr_array_index (x->tweets, i - 1);
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "id", tweet->id);
      json_object_set_string_member (item, "text", tweet->text);
      json_array_add_object_element (list, item);
    }
  meta = json_object_new ();
  json_object_set_int_member (meta, "result_count", json_array_get_length (list));
  /* X leaves "data" out when there is nothing to list. */
  if (json_array_get_length (list) > 0)
    json_object_set_array_member (answer, "data", g_steal_pointer (&list));
  json_object_set_object_member (answer, "meta", g_steal_pointer (&meta));
  cs_test_reply_object (msg, 200, answer);
}

/* OAuth 2.0 refresh for a public client: the form carries the client
 * id, and X rotates the refresh token with each use. */
static void
token_cb (CsTestPlatform      *platform,
          SoupServerMessage   *msg,
          const CsTestRequest *request,
          gpointer             data)
{
  FakeX *x = data;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&x->lock);
  g_autofree char *form = g_strndup (g_bytes_get_data (request->body, NULL), g_bytes_get_size (request->body));
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(JsonObject) answer = json_object_new ();

  if (cs_test_faults_answer (&x->faults, msg, request))
    return;
  fields = soup_form_decode (form);
  if (g_strcmp0 (request->method, "POST") != 0 ||
      g_strcmp0 (soup_message_headers_get_content_type (request->headers, NULL),
                 "application/x-www-form-urlencoded") != 0 ||
      g_strcmp0 (g_hash_table_lookup (fields, "grant_type"), "refresh_token") != 0 ||
      g_strcmp0 (g_hash_table_lookup (fields, "client_id"), CLIENT_ID) != 0 ||
      g_strcmp0 (g_hash_table_lookup (fields, "refresh_token"), x->refresh_token) != 0)
    {
      json_object_set_string_member (answer, "error", "invalid_request");
      json_object_set_string_member (answer, "error_description", "Value passed for the token was invalid.");
      cs_test_reply_object (msg, 400, answer);
      return;
    }

  g_free (x->access_token);
  x->access_token = g_strdup_printf ("access-%u", ++x->next_id);
  g_free (x->refresh_token);
  x->refresh_token = g_strdup_printf ("refresh-%u", ++x->next_id);
  json_object_set_string_member (answer, "token_type", "bearer");
  json_object_set_int_member (answer, "expires_in", 7200);
  json_object_set_string_member (answer, "access_token", x->access_token);
  json_object_set_string_member (answer, "scope", "tweet.read tweet.write users.read media.write offline.access");
  json_object_set_string_member (answer, "refresh_token", x->refresh_token);
  cs_test_reply_object (msg, 200, answer);
}

typedef struct
{
  CsTestPublish   base;
  FakeX           x;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  CsTestPlatform *platform;

  cs_test_publish_set_up (&f->base, "cs-publish-x");
  platform = f->base.platform;
  fake_x_init (&f->x);
  cs_test_platform_handle (platform, "/2/media/upload", upload_cb, &f->x);
  cs_test_platform_handle (platform, "/2/media/metadata", metadata_cb, &f->x);
  cs_test_platform_handle (platform, "/2/tweets", tweets_cb, &f->x);
  cs_test_platform_handle (platform, "/2/users/", users_cb, &f->x);
  cs_test_platform_handle (platform, "/2/oauth2/token", token_cb, &f->x);
  cs_test_publish_start (&f->base);
  f->base.publisher = cs_test_publish_pin (&f->base, cs_x_publisher_new (cs_test_platform_get_url (platform),
                                                                         CLIENT_ID, "access-0", "refresh-0"));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  cs_test_publish_tear_down (&f->base);
  fake_x_clear (&f->x);
}

static const char *const alts[] = {
  "Year 2 children's paintings of sunflowers pinned along the corridor wall.",
  "The school garden's new raised beds, planted with beans and marigolds.",
  "A table of cakes for the summer fair, each with a handwritten price card.",
  "Sports day: the finishing line tape stretched across the field.",
  "The library's reading tent, full of cushions.",
};

static CsPublishJob *
new_job (Fixture    *f,
         const char *text,
         guint       n_photos)
{
  return cs_test_publish_new_job (&f->base, text, "delivery-x-1", n_photos, cs_test_photo_bytes,
                                  alts, G_N_ELEMENTS (alts), NULL);
}

/* The same delivery tried again, from the progress the server saved. */
static CsPublishJob *
retry_job (Fixture    *f,
           const char *text,
           guint       n_photos,
           gboolean    resumed)
{
  return cs_test_publish_resume_job (&f->base, new_job (f, text, n_photos), resumed);
}

static void
assert_every_request_has_bearer (Fixture *f)
{
  g_autoptr(GPtrArray) requests = cs_test_platform_get_requests (f->base.platform);

  for (guint i = 0; i < requests->len; i++)
    {
      const CsTestRequest *request = g_ptr_array_index (requests, i);
      const char *authorization = soup_message_headers_get_one (request->headers, "Authorization");

      if (g_str_equal (request->path, "/2/oauth2/token"))
        g_assert_null (authorization);
      else
        g_assert_true (g_str_has_prefix (authorization, "Bearer "));
    }
}

static void
test_uploads_describes_then_posts (Fixture       *f,
                                   gconstpointer  data)
{
  const char *text = "Our sunflower paintings are up in the corridor. Come and see them at parents' evening!";
  g_autoptr(CsPublishJob) job = new_job (f, text, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GPtrArray) media_ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *expected_url = NULL;
  const char *order[] = { "/2/media/upload", "/2/media/metadata", "/2/media/upload", "/2/media/metadata",
                          "/2/tweets" };
  const CsTestRequest *tweet;
  g_autoptr(JsonNode) tweet_body = NULL;
  JsonArray *sent_ids;

  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);

  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpuint (requests->len, ==, G_N_ELEMENTS (order));
  for (guint i = 0; i < requests->len; i++)
    {
      const CsTestRequest *request = g_ptr_array_index (requests, i);

      g_assert_cmpstr (request->method, ==, "POST");
      g_assert_cmpstr (request->path, ==, order[i]);
      g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Authorization"), ==, "Bearer access-0");
    }

  for (guint p = 0; p < 2; p++)
    {
      const CsTestRequest *upload = g_ptr_array_index (requests, 2 * p);
      const CsTestRequest *metadata = g_ptr_array_index (requests, 2 * p + 1);
      g_autoptr(SoupMultipart) multipart = cs_test_request_multipart (upload);
      g_autoptr(GBytes) sent = NULL;
      g_autoptr(GBytes) expected = cs_test_photo_bytes (p);
      g_autofree char *type = NULL;
      g_autofree char *ignored = cs_test_multipart_field (multipart, "media", &type, &sent);
      g_autofree char *category = cs_test_multipart_field (multipart, "media_category", NULL, NULL);
      g_autoptr(JsonNode) metadata_body = cs_test_request_json (metadata);
      JsonObject *object = json_node_get_object (metadata_body);
      g_autofree char *progress_name = g_strdup_printf ("media-%u", p);

      g_assert_cmpstr (type, ==, "image/jpeg");
      g_assert_true (g_bytes_equal (sent, expected));
      g_assert_cmpstr (category, ==, "tweet_image");

      /* The description goes to the media X has just returned. */
      g_mutex_lock (&f->x.lock);
      g_ptr_array_add (media_ids, g_strdup (((FakeMedia *) g_ptr_array_index (f->x.media, p))->id));
      g_assert_cmpstr (((FakeMedia *) g_ptr_array_index (f->x.media, p))->alt, ==, alts[p]);
      g_mutex_unlock (&f->x.lock);
      g_assert_cmpstr (cs_json_get_string (object, "id"), ==, g_ptr_array_index (media_ids, p));
      g_assert_cmpstr (cs_json_get_string (json_object_get_object_member (json_object_get_object_member (object,
                                                                                                          "metadata"),
                                                                          "alt_text"),
                                           "text"), ==, alts[p]);
      g_assert_cmpstr (cs_publish_job_recall (job, progress_name), ==, g_ptr_array_index (media_ids, p));
    }

  tweet = g_ptr_array_index (requests, 4);
  tweet_body = cs_test_request_json (tweet);
  g_assert_cmpstr (cs_json_get_string (json_node_get_object (tweet_body), "text"), ==, text);
  sent_ids = json_object_get_array_member (json_object_get_object_member (json_node_get_object (tweet_body),
                                                                          "media"),
                                           "media_ids");
  g_assert_cmpuint (json_array_get_length (sent_ids), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (sent_ids, 0), ==, g_ptr_array_index (media_ids, 0));
  g_assert_cmpstr (json_array_get_string_element (sent_ids, 1), ==, g_ptr_array_index (media_ids, 1));

  g_assert_cmpuint (fake_x_count_tweets (&f->x), ==, 1);
  {
    g_autofree char *id = fake_x_dup_tweet (&f->x, 0, FALSE);

    g_assert_cmpstr (job->remote_id, ==, id);
    expected_url = g_strdup_printf ("https://x.com/i/web/status/%s", id);
    g_assert_cmpstr (job->url, ==, expected_url);
    g_assert_cmpstr (cs_publish_job_recall (job, "post-id"), ==, id);
  }
  g_assert_cmpstr (cs_publish_job_recall (job, "alt-0"), ==, "done");
  g_assert_cmpstr (cs_publish_job_recall (job, "alt-1"), ==, "done");
  g_assert_null (cs_publisher_take_changed_secrets (f->base.publisher));
}

static void
test_text_only_has_no_media (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job (f, "School closes at 1pm on Friday for the end of term.", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);
  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpuint (requests->len, ==, 1);
  body = cs_test_request_json (g_ptr_array_index (requests, 0));
  g_assert_false (json_object_has_member (json_node_get_object (body), "media"));
  assert_every_request_has_bearer (f);
}

static void
test_refreshes_once_on_401 (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job (f, "Well done to our chess club, county champions!", 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(JsonObject) secrets = NULL;
  g_autofree char *form = NULL;
  g_autoptr(GHashTable) fields = NULL;
  g_autofree char *new_access = NULL;
  g_autofree char *new_refresh = NULL;
  g_autofree char *bearer = NULL;
  const CsTestRequest *refresh;

  fake_x_expire_access_token (&f->x);
  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/2/oauth2/token"), ==, 1);
  g_assert_cmpuint (fake_x_count_tweets (&f->x), ==, 1);

  g_mutex_lock (&f->x.lock);
  new_access = g_strdup (f->x.access_token);
  new_refresh = g_strdup (f->x.refresh_token);
  g_mutex_unlock (&f->x.lock);

  /* Refused upload, refresh, then everything with the new token. */
  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpuint (requests->len, ==, 5);
  g_assert_cmpstr (((CsTestRequest *) g_ptr_array_index (requests, 0))->path, ==, "/2/media/upload");
  refresh = g_ptr_array_index (requests, 1);
  g_assert_cmpstr (refresh->path, ==, "/2/oauth2/token");
  form = g_strndup (g_bytes_get_data (refresh->body, NULL), g_bytes_get_size (refresh->body));
  fields = soup_form_decode (form);
  g_assert_cmpstr (g_hash_table_lookup (fields, "grant_type"), ==, "refresh_token");
  g_assert_cmpstr (g_hash_table_lookup (fields, "refresh_token"), ==, "refresh-0");
  g_assert_cmpstr (g_hash_table_lookup (fields, "client_id"), ==, CLIENT_ID);
  bearer = g_strdup_printf ("Bearer %s", new_access);
  for (guint i = 2; i < requests->len; i++)
    g_assert_cmpstr (soup_message_headers_get_one (((CsTestRequest *) g_ptr_array_index (requests, i))->headers,
                                                   "Authorization"), ==, bearer);

  /* The server must store both: X has already spent the old refresh token. */
  secrets = cs_publisher_take_changed_secrets (f->base.publisher);
  g_assert_nonnull (secrets);
  g_assert_cmpstr (cs_json_get_string (secrets, "access_token"), ==, new_access);
  g_assert_cmpstr (cs_json_get_string (secrets, "refresh_token"), ==, new_refresh);
  g_assert_cmpstr (new_refresh, !=, "refresh-0");
  g_assert_null (cs_publisher_take_changed_secrets (f->base.publisher));
}

static void
test_refresh_refused_needs_reauth (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job (f, "Harvest festival donations go to the food bank on Monday.", 1);
  g_autoptr(GError) error = NULL;

  /* The refresh token was revoked when someone disconnected the app. */
  fake_x_expire_access_token (&f->x);
  g_mutex_lock (&f->x.lock);
  g_free (f->x.refresh_token);
  f->x.refresh_token = g_strdup ("refresh-revoked");
  g_mutex_unlock (&f->x.lock);

  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REAUTH);
  cs_test_assert_contains (error->message, "connect X again");
  cs_test_assert_contains (error->message, "Value passed for the token was invalid");
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/2/oauth2/token"), ==, 1);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/2/media/upload"), ==, 1);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/2/tweets"), ==, 0);
  g_assert_null (cs_publisher_take_changed_secrets (f->base.publisher));
}

static void
test_refreshed_token_refused_needs_reauth (Fixture       *f,
                                           gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job (f, "Choir practice moves to Wednesday lunchtimes.", 0);
  g_autoptr(GError) error = NULL;

  /* Even the new token is refused (the account was suspended): one
   * refresh, one more try, and no loop. */
  fake_x_expire_access_token (&f->x);
  fake_x_fail (&f->x, "/2/tweets", 100, 401,
               "{\"title\":\"Unauthorized\",\"type\":\"about:blank\",\"status\":401,\"detail\":\"Unauthorized\"}",
               NULL, NULL);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REAUTH);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/2/oauth2/token"), ==, 1);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/2/tweets"), ==, 2);
}

static void
test_no_refresh_token_needs_reauth (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job (f, "Choir practice moves to Wednesday lunchtimes.", 0);
  g_autoptr(GError) error = NULL;

  g_clear_object (&f->base.publisher);
  f->base.publisher = cs_x_publisher_new (cs_test_platform_get_url (f->base.platform), CLIENT_ID, "access-0", NULL);
  cs_publisher_pin_certificate (f->base.publisher, cs_test_platform_get_certificate (f->base.platform));
  fake_x_expire_access_token (&f->x);

  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REAUTH);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/2/oauth2/token"), ==, 0);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/2/tweets"), ==, 1);
}

static void
test_rate_limit_waits_for_reset (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job (f, "Book fair all week in the hall.", 0);
  g_autoptr(GError) error = NULL;
  gint64 reset = g_get_real_time () / G_USEC_PER_SEC + 900;
  g_autofree char *reset_text = g_strdup_printf ("%" G_GINT64_FORMAT, reset);

  fake_x_fail (&f->x, "/2/tweets", 1, 429,
               "{\"title\":\"Too Many Requests\",\"detail\":\"Too Many Requests\",\"type\":\"about:blank\","
               "\"status\":429}",
               "x-rate-limit-reset", reset_text);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_assert_cmpint (job->retry_at, ==, reset);
  g_assert_cmpuint (fake_x_count_tweets (&f->x), ==, 0);
}

static void
test_duplicate_rejected (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job (f, "Happy Friday from everyone at Oakfield!", 0);
  g_autoptr(GError) error = NULL;

  fake_x_seed_tweet (&f->x, "Happy Friday from everyone at Oakfield!", FALSE);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED);
  cs_test_assert_contains (error->message, "X refused it as a duplicate");
  g_assert_cmpuint (fake_x_count_tweets (&f->x), ==, 1);
}

static void
test_server_error_retries (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job (f, "Year 6 leavers' assembly starts at 2pm.", 0);
  g_autoptr(GError) error = NULL;

  fake_x_fail (&f->x, "/2/tweets", 1, 500,
               "{\"title\":\"Internal Server Error\",\"detail\":\"Internal Server Error\",\"type\":\"about:blank\","
               "\"status\":500}",
               NULL, NULL);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  cs_test_assert_contains (error->message, "HTTP 500");
}

static void
test_bad_request_rejected (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job (f, "Year 6 leavers' assembly starts at 2pm.", 0);
  g_autoptr(GError) error = NULL;

  fake_x_fail (&f->x, "/2/tweets", 1, 400,
               "{\"errors\":[{\"title\":\"Invalid Request\",\"detail\":\"The text field is too long.\","
               "\"type\":\"https://api.twitter.com/2/problems/invalid-request\",\"status\":400}]}",
               NULL, NULL);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED);
  cs_test_assert_contains (error->message, "The text field is too long");
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/2/tweets"), ==, 1);
}

static void
test_lost_answer_posts_once (Fixture       *f,
                             gconstpointer  data)
{
  /* X swaps the link for a t.co one and sends & back as &amp;. */
  const char *text = "Sports day was sunny & brilliant! Results: https://www.oakfield.sch.uk/news/sports-day-2026";
  g_autoptr(CsPublishJob) job = new_job (f, text, 2);
  g_autoptr(CsPublishJob) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *shown = NULL;

  f->x.drop_tweet_answer = TRUE;
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_assert_cmpuint (fake_x_count_tweets (&f->x), ==, 1);
  g_clear_error (&error);

  shown = fake_x_dup_tweet (&f->x, 0, TRUE);
  g_assert_false (g_str_equal (shown, text));

  again = retry_job (f, text, 2, TRUE);
  g_assert_true (cs_publisher_publish (f->base.publisher, again, NULL, &error));
  g_assert_no_error (error);

  id = fake_x_dup_tweet (&f->x, 0, FALSE);
  g_assert_cmpuint (fake_x_count_tweets (&f->x), ==, 1);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/2/tweets"), ==, 1);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/2/media/upload"), ==, 2);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "GET", "/2/users/"), ==, 2);
  g_assert_cmpstr (again->remote_id, ==, id);
  g_assert_cmpstr (cs_publish_job_recall (again, "post-id"), ==, id);
  assert_every_request_has_bearer (f);
}

static void
test_resumed_finds_earlier_post (Fixture       *f,
                                 gconstpointer  data)
{
  const char *text = "Reminder: <b>no</b> nuts in lunchboxes, please.";
  g_autoptr(CsPublishJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  /* The earlier attempt was cut off before it could save anything: only
   * the server knows the outcome is unknown. */
  fake_x_seed_tweet (&f->x, text, FALSE);
  fake_x_seed_tweet (&f->x, "Another post made since.", FALSE);
  id = fake_x_dup_tweet (&f->x, 0, FALSE);

  job = retry_job (f, text, 0, TRUE);
  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (job->remote_id, ==, id);
  g_assert_cmpuint (fake_x_count_tweets (&f->x), ==, 2);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/"), ==, 0);
}

static void
test_resumed_posts_when_not_found (Fixture       *f,
                                   gconstpointer  data)
{
  const char *text = "Parents' evening booking opens tomorrow at 9am.";
  g_autoptr(CsPublishJob) job = NULL;
  g_autoptr(GError) error = NULL;

  fake_x_seed_tweet (&f->x, "Parents' evening booking opens next week.", FALSE);
  job = retry_job (f, text, 1, TRUE);
  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_x_count_tweets (&f->x), ==, 2);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/2/tweets"), ==, 1);
}

static void
test_photos_only_never_matched (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = NULL;
  g_autoptr(GError) error = NULL;

  /* Any post of photos alone would look the same; none is taken for ours. */
  fake_x_seed_tweet (&f->x, "", TRUE);
  job = retry_job (f, "", 1, TRUE);
  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_x_count_tweets (&f->x), ==, 2);
}

static void
test_retry_keeps_uploads (Fixture       *f,
                          gconstpointer  data)
{
  const char *text = "The new reading tent is open in the library.";
  g_autoptr(CsPublishJob) job = new_job (f, text, 3);
  g_autoptr(CsPublishJob) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(JsonNode) body = NULL;
  JsonArray *ids;

  /* The first photo's description fails: it is uploaded but not yet
   * described, and the others are not uploaded at all. */
  fake_x_fail (&f->x, "/2/media/metadata", 1, 503,
               "{\"title\":\"Service Unavailable\",\"detail\":\"Service Unavailable\",\"type\":\"about:blank\","
               "\"status\":503}",
               NULL, NULL);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_clear_error (&error);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/2/media/upload"), ==, 1);

  again = retry_job (f, text, 3, FALSE);
  g_assert_true (cs_publisher_publish (f->base.publisher, again, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/2/media/upload"), ==, 3);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/2/media/metadata"), ==, 4);
  g_assert_cmpuint (fake_x_count_tweets (&f->x), ==, 1);

  requests = cs_test_platform_get_requests (f->base.platform);
  body = cs_test_request_json (g_ptr_array_index (requests, requests->len - 1));
  ids = json_object_get_array_member (json_object_get_object_member (json_node_get_object (body), "media"),
                                      "media_ids");
  g_assert_cmpuint (json_array_get_length (ids), ==, 3);
  g_mutex_lock (&f->x.lock);
  for (guint i = 0; i < 3; i++)
    {
      FakeMedia *media = g_ptr_array_index (f->x.media, i);

      g_assert_cmpstr (json_array_get_string_element (ids, i), ==, media->id);
      g_assert_cmpstr (media->alt, ==, alts[i]);
    }
  g_mutex_unlock (&f->x.lock);
}

static void
test_retry_after_post_failed (Fixture       *f,
                              gconstpointer  data)
{
  const char *text = "Harvest festival: thank you for every tin and packet!";
  g_autoptr(CsPublishJob) job = new_job (f, text, 2);
  g_autoptr(CsPublishJob) again = NULL;
  g_autoptr(GError) error = NULL;

  fake_x_fail (&f->x, "/2/tweets", 1, 503,
               "{\"title\":\"Service Unavailable\",\"detail\":\"Service Unavailable\",\"type\":\"about:blank\","
               "\"status\":503}",
               NULL, NULL);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_clear_error (&error);

  /* Whoever retries may not have marked it resumed; having sent the post
   * once, the publisher looks first all the same. */
  again = retry_job (f, text, 2, FALSE);
  g_assert_true (cs_publisher_publish (f->base.publisher, again, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/2/media/upload"), ==, 2);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/2/media/metadata"), ==, 2);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "GET", "/2/users/"), ==, 2);
  g_assert_cmpuint (fake_x_count_tweets (&f->x), ==, 1);
}

static void
test_expired_upload_sent_again (Fixture       *f,
                                gconstpointer  data)
{
  const char *text = "Our Year 4 trip to the castle.";
  g_autoptr(CsPublishJob) job = new_job (f, text, 1);
  g_autoptr(CsPublishJob) again = NULL;
  g_autoptr(GError) error = NULL;

  /* X keeps unused media for a short while only (here, five minutes);
   * the post was held back by a rate limit for longer. */
  f->x.media_lifetime = 300;
  fake_x_fail (&f->x, "/2/tweets", 1, 429,
               "{\"title\":\"Too Many Requests\",\"detail\":\"Too Many Requests\",\"type\":\"about:blank\","
               "\"status\":429}",
               NULL, NULL);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_clear_error (&error);

  again = retry_job (f, text, 1, FALSE);
  g_assert_true (cs_publisher_publish (f->base.publisher, again, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/2/media/upload"), ==, 2);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", "/2/media/metadata"), ==, 2);
  g_mutex_lock (&f->x.lock);
  g_assert_cmpstr (cs_publish_job_recall (again, "media-0"), ==,
                   ((FakeMedia *) g_ptr_array_index (f->x.media, 1))->id);
  g_mutex_unlock (&f->x.lock);
}

static void
test_already_posted_sends_nothing (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job (f, "Anything at all.", 1);
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (job->progress, "post-id", "1800000000000000042");
  job->resumed = TRUE;
  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (job->remote_id, ==, "1800000000000000042");
  g_assert_cmpstr (job->url, ==, "https://x.com/i/web/status/1800000000000000042");
  g_assert_cmpuint (cs_test_publish_count_all (&f->base), ==, 0);
  g_assert_cmpuint (f->base.checkpoints, ==, 0);
}

static char *
repeat (const char *piece,
        guint       times)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < times; i++)
    g_string_append (out, piece);
  return g_string_free (out, FALSE);
}

static void
test_length_limit (Fixture       *f,
                   gconstpointer  data)
{
  const char *link = "https://www.oakfield.sch.uk/news/2026/summer-fair-photos-and-a-big-thank-you";
  g_autofree char *cjk = repeat ("学", 140);
  g_autofree char *family = repeat ("👨‍👩‍👧", 140);
  g_autofree char *letters = repeat ("a", 256);
  g_autofree char *with_link = g_strdup_printf ("%s %s", link, letters);
  const char *at_limit[] = { cjk, family, with_link };

  for (guint i = 0; i < G_N_ELEMENTS (at_limit); i++)
    {
      g_autofree char *over = g_strdup_printf ("%s!", at_limit[i]);
      g_autoptr(CsPublishJob) long_job = new_job (f, over, 0);
      g_autoptr(CsPublishJob) job = new_job (f, at_limit[i], 0);
      g_autoptr(GError) error = NULL;

      g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, at_limit[i], -1), ==, 280);
      g_assert_cmpuint (cs_platform_count (CS_PLATFORM_X, over, -1), ==, 281);

      g_assert_false (cs_publisher_publish (f->base.publisher, long_job, NULL, &error));
      g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED);
      cs_test_assert_contains (error->message, "281");
      cs_test_assert_contains (error->message, "Shorten it by 1");
      g_assert_cmpuint (cs_test_publish_count_all (&f->base), ==, i);
      g_clear_error (&error);

      g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (cs_test_publish_count_all (&f->base), ==, i + 1);
    }
  g_assert_cmpuint (fake_x_count_tweets (&f->x), ==, 3);
}

static void
test_long_description_rejected (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *long_alt = repeat ("é", 1001);
  g_autoptr(CsPublishJob) job = new_job (f, "Art week.", 1);
  g_autoptr(GBytes) jpeg = cs_test_photo_bytes (1);
  g_autoptr(GError) error = NULL;

  cs_publish_job_add_photo (job, jpeg, long_alt);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED);
  cs_test_assert_contains (error->message, "photo 2");
  g_assert_cmpuint (cs_test_publish_count_all (&f->base), ==, 0);
}

static void
test_five_photos_rejected (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job (f, "Art week.", 5);
  g_autoptr(GError) error = NULL;

  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED);
  cs_test_assert_contains (error->message, "at most 4");
  g_assert_cmpuint (cs_test_publish_count_all (&f->base), ==, 0);
}

/* The stand-in enforces what X does, so a wrong request would show. */
static void
test_fake_refuses_wrong_token (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(CsPublisher) stranger = cs_x_publisher_new (cs_test_platform_get_url (f->base.platform), CLIENT_ID,
                                                        "access-stolen", NULL);
  g_autoptr(CsPublishJob) job = new_job (f, "Hello.", 0);
  g_autoptr(GError) error = NULL;

  cs_publisher_pin_certificate (stranger, cs_test_platform_get_certificate (f->base.platform));
  g_assert_false (cs_publisher_publish (stranger, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REAUTH);
  g_assert_cmpuint (fake_x_count_tweets (&f->x), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/publish/x/uploads-describes-then-posts", test_uploads_describes_then_posts);
  ADD ("/publish/x/text-only-has-no-media", test_text_only_has_no_media);
  ADD ("/publish/x/refreshes-once-on-401", test_refreshes_once_on_401);
  ADD ("/publish/x/refresh-refused-needs-reauth", test_refresh_refused_needs_reauth);
  ADD ("/publish/x/refreshed-token-refused-needs-reauth", test_refreshed_token_refused_needs_reauth);
  ADD ("/publish/x/no-refresh-token-needs-reauth", test_no_refresh_token_needs_reauth);
  ADD ("/publish/x/rate-limit-waits-for-reset", test_rate_limit_waits_for_reset);
  ADD ("/publish/x/duplicate-rejected", test_duplicate_rejected);
  ADD ("/publish/x/server-error-retries", test_server_error_retries);
  ADD ("/publish/x/bad-request-rejected", test_bad_request_rejected);
  ADD ("/publish/x/lost-answer-posts-once", test_lost_answer_posts_once);
  ADD ("/publish/x/resumed-finds-earlier-post", test_resumed_finds_earlier_post);
  ADD ("/publish/x/resumed-posts-when-not-found", test_resumed_posts_when_not_found);
  ADD ("/publish/x/photos-only-never-matched", test_photos_only_never_matched);
  ADD ("/publish/x/retry-keeps-uploads", test_retry_keeps_uploads);
  ADD ("/publish/x/retry-after-post-failed-looks-first", test_retry_after_post_failed);
  ADD ("/publish/x/expired-upload-sent-again", test_expired_upload_sent_again);
  ADD ("/publish/x/already-posted-sends-nothing", test_already_posted_sends_nothing);
  ADD ("/publish/x/length-limit", test_length_limit);
  ADD ("/publish/x/long-description-rejected", test_long_description_rejected);
  ADD ("/publish/x/five-photos-rejected", test_five_photos_rejected);
  ADD ("/publish/x/fake-refuses-wrong-token", test_fake_refuses_wrong_token);
#undef ADD

  return g_test_run ();
}
