/* test-publish-facebook.c: posting to a Facebook Page, against a stand-in that follows the Graph API
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-facebook-publisher.h"
#include "cs-files-private.h"
#include "cs-json.h"
#include "cs-test-publish.h"

#include <string.h>

#define PAGE_ID     "104857600000001"
#define PAGE_TOKEN  "page-token-oakfield"
#define USER_TOKEN  "user-token-head"
#define VERSION     "/v21.0"
#define PHOTOS_PATH VERSION "/" PAGE_ID "/photos"
#define FEED_PATH   VERSION "/" PAGE_ID "/feed"

/* The stand-in for the Graph API: a Page's /photos and /feed edges, the
 * Page token they require, and Graph's error object. Its handlers run in
 * the platform's thread, the tests in theirs, hence the lock. */
typedef struct
{
  char      *id;
  char      *alt;
  gboolean   published;
  GBytes    *jpeg;
  gboolean   attached;
} FakePhoto;

typedef struct
{
  char      *id;
  char      *message;    /* NULL for photos alone */
  GPtrArray *photo_ids;
} FakePost;

typedef struct
{
  GMutex     lock;
  guint      next_id;
  GPtrArray *photos;     /* FakePhoto */
  GPtrArray *posts;      /* FakePost, oldest first */

  /* Trouble, scripted per test (see fake_facebook_fail()). */
  CsTestFaults faults;
  /* The next post is stored, but its answer never arrives. */
  gboolean   drop_post_answer;
} FakeFacebook;

static void
fake_photo_free (FakePhoto *photo)
{
  g_free (photo->id);
  g_free (photo->alt);
  g_bytes_unref (photo->jpeg);
  g_free (photo);
}

static void
fake_post_free (FakePost *post)
{
  g_free (post->id);
  g_free (post->message);
  g_ptr_array_unref (post->photo_ids);
  g_free (post);
}

static void
fake_facebook_init (FakeFacebook *fb)
{
  g_mutex_init (&fb->lock);
  fb->photos = g_ptr_array_new_with_free_func ((GDestroyNotify) fake_photo_free);
  fb->posts = g_ptr_array_new_with_free_func ((GDestroyNotify) fake_post_free);
  cs_test_faults_init (&fb->faults);
}

static void
fake_facebook_clear (FakeFacebook *fb)
{
  g_ptr_array_unref (fb->photos);
  g_ptr_array_unref (fb->posts);
  cs_test_faults_clear (&fb->faults);
  g_mutex_clear (&fb->lock);
}

static char *
graph_error_json (gint64      code,
                  gint64      subcode,
                  const char *type,
                  const char *message,
                  const char *trace)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;

  json_object_set_string_member (details, "message", message);
  json_object_set_string_member (details, "type", type);
  json_object_set_int_member (details, "code", code);
  if (subcode != 0)
    json_object_set_int_member (details, "error_subcode", subcode);
  json_object_set_string_member (details, "fbtrace_id", trace);
  json_object_set_object_member (body, "error", g_steal_pointer (&details));
  node = json_node_init_object (json_node_alloc (), body);
  return json_to_string (node, FALSE);
}

/* After letting @skip requests through, the next @times @method requests
 * to @path are answered with @status and @body, instead of any scripted
 * before. */
static void
fake_facebook_fail (FakeFacebook *fb,
                    const char   *method,
                    const char   *path,
                    guint         skip,
                    guint         times,
                    guint         status,
                    const char   *body)
{
  cs_test_faults_forget (&fb->faults);
  for (guint i = 0; i < times; i++)
    cs_test_faults_add (&fb->faults, method, path, FALSE, i == 0 ? skip : 0, CS_TEST_FAULT_REPLY, status, body,
                        NULL, NULL);
}

static void
fake_facebook_fail_graph (FakeFacebook *fb,
                          const char   *method,
                          const char   *path,
                          guint         status,
                          gint64        code,
                          const char   *message,
                          const char   *trace)
{
  g_autofree char *body = graph_error_json (code, 0, "OAuthException", message, trace);

  fake_facebook_fail (fb, method, path, 0, 1, status, body);
}

static guint
fake_facebook_count_posts (FakeFacebook *fb)
{
  return cs_test_locked_len (&fb->lock, fb->posts);
}

static char *
fake_facebook_dup_post_id (FakeFacebook *fb,
                           guint         i)
{
  char *id;

  g_mutex_lock (&fb->lock);
  id = g_strdup (((FakePost *) g_ptr_array_index (fb->posts, i))->id);
  g_mutex_unlock (&fb->lock);
  return id;
}

static char *
fake_facebook_next_id (FakeFacebook *fb)
{
  return g_strdup_printf ("12200%010u", ++fb->next_id);
}

/* A post already on the Page, made before the test began. */
static void
fake_facebook_seed_post (FakeFacebook *fb,
                         const char   *message)
{
  FakePost *post = g_new0 (FakePost, 1);
  g_autofree char *id = NULL;

  g_mutex_lock (&fb->lock);
  id = fake_facebook_next_id (fb);
  post->id = g_strdup_printf ("%s_%s", PAGE_ID, id);
  post->message = g_strdup (message);
  post->photo_ids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (fb->posts, post);
  g_mutex_unlock (&fb->lock);
}

static void
reply_graph_error (SoupServerMessage *msg,
                   guint              status,
                   gint64             code,
                   const char        *message)
{
  g_autofree char *body = graph_error_json (code, 0, "OAuthException", message, "AbCdEfGhIjK");

  cs_test_reply (msg, status, body, NULL);
}

/* The Graph API takes the token as a Bearer header or as an access_token
 * parameter; this Page accepts only its own Page token. */
static gboolean
check_page_token (FakeFacebook        *fb,
                  SoupServerMessage   *msg,
                  const CsTestRequest *request,
                  GHashTable          *fields)
{
  const char *authorization = soup_message_headers_get_one (request->headers, "Authorization");
  const char *token = NULL;

  if (authorization != NULL && g_str_has_prefix (authorization, "Bearer "))
    token = authorization + strlen ("Bearer ");
  else if (fields != NULL)
    token = g_hash_table_lookup (fields, "access_token");

  if (token == NULL)
    {
      reply_graph_error (msg, 400, 104, "An access token is required to request this resource.");
      return FALSE;
    }
  if (g_str_equal (token, USER_TOKEN))
    {
      reply_graph_error (msg, 403, 200, "(#200) If posting to a page, requires both pages_read_engagement and "
                                        "pages_manage_posts as an admin with sufficient administrative permission");
      return FALSE;
    }
  if (!g_str_equal (token, PAGE_TOKEN))
    {
      g_autofree char *body = graph_error_json (190, 460, "OAuthException",
                                                "Error validating access token: The session has been invalidated "
                                                "because the user changed their password.",
                                                "AxPwChG9aQ1");

      cs_test_reply (msg, 400, body, NULL);
      return FALSE;
    }
  return TRUE;
}

static FakePhoto *
find_photo (FakeFacebook *fb,
            const char   *id)
{
  for (guint i = 0; i < fb->photos->len; i++)
    if (g_strcmp0 (((FakePhoto *) g_ptr_array_index (fb->photos, i))->id, id) == 0)
      return g_ptr_array_index (fb->photos, i);
  return NULL;
}

static void
reply_id (SoupServerMessage *msg,
          const char        *id)
{
  g_autoptr(JsonObject) answer = json_object_new ();

  json_object_set_string_member (answer, "id", id);
  cs_test_reply_object (msg, 200, answer);
}

static void
photos_cb (CsTestPlatform      *platform,
           SoupServerMessage   *msg,
           const CsTestRequest *request,
           gpointer             data)
{
  FakeFacebook *fb = data;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&fb->lock);
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autoptr(GHashTable) query = request->query != NULL ? soup_form_decode (request->query) : NULL;
  g_autofree char *published = NULL;
  g_autofree char *alt = NULL;
  g_autofree char *type = NULL;
  g_autofree char *ignored = NULL;
  g_autoptr(GBytes) jpeg = NULL;
  FakePhoto *photo;

  if (cs_test_faults_answer (&fb->faults, msg, request) || !check_page_token (fb, msg, request, query))
    return;
  multipart = soup_multipart_new_from_message (request->headers, request->body);
  if (g_strcmp0 (request->method, "POST") != 0 || multipart == NULL)
    {
      reply_graph_error (msg, 400, 100, "(#100) Invalid parameter");
      return;
    }
  published = cs_test_multipart_field (multipart, "published", NULL, NULL);
  alt = cs_test_multipart_field (multipart, "alt_text_custom", NULL, NULL);
  ignored = cs_test_multipart_field (multipart, "source", &type, &jpeg);
  if (jpeg == NULL || g_bytes_get_size (jpeg) == 0 || g_strcmp0 (type, "image/jpeg") != 0)
    {
      reply_graph_error (msg, 400, 324, "(#324) Requires upload file");
      return;
    }

  photo = g_new0 (FakePhoto, 1);
  photo->id = fake_facebook_next_id (fb);
  photo->alt = g_steal_pointer (&alt);
  photo->published = g_strcmp0 (published, "false") != 0;
  photo->jpeg = g_steal_pointer (&jpeg);
  g_ptr_array_add (fb->photos, photo);
  reply_id (msg, photo->id);
}

static void
feed_list (FakeFacebook      *fb,
           SoupServerMessage *msg,
           GHashTable        *query)
{
  g_autoptr(JsonObject) answer = json_object_new ();
  g_autoptr(JsonArray) list = json_array_new ();
  const char *limit_text = query != NULL ? g_hash_table_lookup (query, "limit") : NULL;
  const char *fields = query != NULL ? g_hash_table_lookup (query, "fields") : NULL;
  guint limit = limit_text != NULL ? (guint) g_ascii_strtoull (limit_text, NULL, 10) : 25;
  gboolean with_message = fields != NULL && strstr (fields, "message") != NULL;

  for (guint i = fb->posts->len; i > 0 && json_array_get_length (list) < limit; i--)
    {
      FakePost *post = g_ptr_array_index (fb->posts, i - 1);
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "id", post->id);
      if (with_message && post->message != NULL)
        json_object_set_string_member (item, "message", post->message);
      json_array_add_object_element (list, item);
    }
  json_object_set_array_member (answer, "data", g_steal_pointer (&list));
  json_object_set_object_member (answer, "paging", json_object_new ());
  cs_test_reply_object (msg, 200, answer);
}

static void
feed_cb (CsTestPlatform      *platform,
         SoupServerMessage   *msg,
         const CsTestRequest *request,
         gpointer             data)
{
  FakeFacebook *fb = data;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&fb->lock);
  g_autoptr(GHashTable) query = request->query != NULL ? soup_form_decode (request->query) : NULL;
  g_autofree char *form = NULL;
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(GPtrArray) photo_ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *post_number = NULL;
  const char *message;
  FakePost *post;

  if (cs_test_faults_answer (&fb->faults, msg, request))
    return;
  if (g_str_equal (request->method, "GET"))
    {
      if (check_page_token (fb, msg, request, query))
        feed_list (fb, msg, query);
      return;
    }

  form = g_strndup (g_bytes_get_data (request->body, NULL), g_bytes_get_size (request->body));
  fields = g_strcmp0 (soup_message_headers_get_content_type (request->headers, NULL),
                      "application/x-www-form-urlencoded") == 0 ? soup_form_decode (form) : NULL;
  if (!check_page_token (fb, msg, request, fields != NULL ? fields : query))
    return;
  if (g_strcmp0 (request->method, "POST") != 0 || fields == NULL)
    {
      reply_graph_error (msg, 400, 100, "(#100) Invalid parameter");
      return;
    }

  for (guint i = 0;; i++)
    {
      g_autofree char *name = g_strdup_printf ("attached_media[%u]", i);
      const char *value = g_hash_table_lookup (fields, name);
      g_autoptr(JsonNode) node = NULL;
      FakePhoto *photo;

      if (value == NULL)
        break;
      node = json_from_string (value, NULL);
      photo = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ?
              find_photo (fb, cs_json_get_string (json_node_get_object (node), "media_fbid")) : NULL;
      if (photo == NULL || photo->published || photo->attached)
        {
          reply_graph_error (msg, 400, 100, "(#100) param attached_media must be an array of unpublished photos");
          return;
        }
      g_ptr_array_add (photo_ids, g_strdup (photo->id));
    }
  message = g_hash_table_lookup (fields, "message");
  if ((message == NULL || *message == '\0') && photo_ids->len == 0)
    {
      reply_graph_error (msg, 400, 100, "(#100) The message parameter is required");
      return;
    }

  for (guint i = 0; i < photo_ids->len; i++)
    find_photo (fb, g_ptr_array_index (photo_ids, i))->attached = TRUE;
  post = g_new0 (FakePost, 1);
  post_number = fake_facebook_next_id (fb);
  post->id = g_strdup_printf ("%s_%s", PAGE_ID, post_number);
  post->message = g_strdup (message);
  post->photo_ids = g_steal_pointer (&photo_ids);
  g_ptr_array_add (fb->posts, post);

  if (fb->drop_post_answer)
    {
      fb->drop_post_answer = FALSE;
      cs_test_drop (msg);
      return;
    }
  reply_id (msg, post->id);
}

typedef struct
{
  CsTestPublish   base;
  FakeFacebook    fb;
} Fixture;

static CsPublisher *
new_publisher (Fixture    *f,
               const char *token)
{
  g_autofree char *base_url = g_strdup_printf ("%s" VERSION, cs_test_platform_get_url (f->base.platform));

  return cs_test_publish_pin (&f->base, cs_facebook_publisher_new (base_url, PAGE_ID, token));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  cs_test_publish_set_up (&f->base, "cs-publish-facebook");
  fake_facebook_init (&f->fb);
  cs_test_platform_handle (f->base.platform, PHOTOS_PATH, photos_cb, &f->fb);
  cs_test_platform_handle (f->base.platform, FEED_PATH, feed_cb, &f->fb);
  cs_test_publish_start (&f->base);
  f->base.publisher = new_publisher (f, PAGE_TOKEN);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  cs_test_publish_tear_down (&f->base);
  fake_facebook_clear (&f->fb);
}

static const char *const alts[] = {
  "Reception children planting bulbs in the front flower bed.",
  "The new climbing frame on the infant playground, before it opened.",
  "Year 5's model volcanoes lined up on a table, one mid-eruption.",
};

static CsPublishJob *
new_job (Fixture    *f,
         const char *text,
         guint       n_photos)
{
  return cs_test_publish_new_job (&f->base, text, "delivery-facebook-1", n_photos, cs_test_photo_bytes,
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

/* The Page token goes in the Authorization header, never in an address
 * or a form, where it could end up in a log. */
static void
assert_page_token_in_header_only (Fixture *f)
{
  g_autoptr(GPtrArray) requests = cs_test_platform_get_requests (f->base.platform);

  for (guint i = 0; i < requests->len; i++)
    {
      const CsTestRequest *request = g_ptr_array_index (requests, i);
      g_autofree char *body = g_strndup (g_bytes_get_data (request->body, NULL), g_bytes_get_size (request->body));

      g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Authorization"), ==, "Bearer " PAGE_TOKEN);
      g_assert_true (request->query == NULL || strstr (request->query, "access_token") == NULL);
      g_assert_null (strstr (body, "access_token"));
      g_assert_null (strstr (body, PAGE_TOKEN));
    }
}

static void
test_photos_then_one_feed_post (Fixture       *f,
                                gconstpointer  data)
{
  const char *text = "Spring is here! Reception planted 200 bulbs & Year 5 made volcanoes.";
  g_autoptr(CsPublishJob) job = new_job (f, text, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GHashTable) fields = NULL;
  g_autofree char *form = NULL;
  g_autofree char *post_id = NULL;
  g_autofree char *url = NULL;
  const CsTestRequest *feed;

  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);

  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpuint (requests->len, ==, 4);
  for (guint i = 0; i < 3; i++)
    {
      const CsTestRequest *upload = g_ptr_array_index (requests, i);
      g_autoptr(SoupMultipart) multipart = NULL;
      g_autoptr(GBytes) sent = NULL;
      g_autoptr(GBytes) expected = cs_test_photo_bytes (i);
      g_autofree char *type = NULL;
      g_autofree char *ignored = NULL;
      g_autofree char *published = NULL;
      g_autofree char *alt = NULL;
      g_autofree char *name = g_strdup_printf ("photo-%u", i);

      g_assert_cmpstr (upload->method, ==, "POST");
      g_assert_cmpstr (upload->path, ==, PHOTOS_PATH);
      multipart = cs_test_request_multipart (upload);
      ignored = cs_test_multipart_field (multipart, "source", &type, &sent);
      published = cs_test_multipart_field (multipart, "published", NULL, NULL);
      alt = cs_test_multipart_field (multipart, "alt_text_custom", NULL, NULL);
      g_assert_cmpstr (type, ==, "image/jpeg");
      g_assert_true (g_bytes_equal (sent, expected));
      g_assert_cmpstr (published, ==, "false");
      g_assert_cmpstr (alt, ==, alts[i]);

      g_mutex_lock (&f->fb.lock);
      g_assert_false (((FakePhoto *) g_ptr_array_index (f->fb.photos, i))->published);
      g_assert_cmpstr (cs_publish_job_recall (job, name), ==, ((FakePhoto *) g_ptr_array_index (f->fb.photos, i))->id);
      g_mutex_unlock (&f->fb.lock);
    }

  feed = g_ptr_array_index (requests, 3);
  g_assert_cmpstr (feed->method, ==, "POST");
  g_assert_cmpstr (feed->path, ==, FEED_PATH);
  g_assert_cmpstr (soup_message_headers_get_content_type (feed->headers, NULL), ==,
                   "application/x-www-form-urlencoded");
  form = g_strndup (g_bytes_get_data (feed->body, NULL), g_bytes_get_size (feed->body));
  fields = soup_form_decode (form);
  g_assert_cmpstr (g_hash_table_lookup (fields, "message"), ==, text);
  g_assert_cmpuint (g_hash_table_size (fields), ==, 4);
  g_mutex_lock (&f->fb.lock);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("attached_media[%u]", i);
      g_autoptr(JsonNode) node = json_from_string (g_hash_table_lookup (fields, name), NULL);

      g_assert_nonnull (node);
      g_assert_cmpstr (cs_json_get_string (json_node_get_object (node), "media_fbid"), ==,
                       ((FakePhoto *) g_ptr_array_index (f->fb.photos, i))->id);
    }
  g_mutex_unlock (&f->fb.lock);

  g_assert_cmpuint (fake_facebook_count_posts (&f->fb), ==, 1);
  post_id = fake_facebook_dup_post_id (&f->fb, 0);
  g_assert_cmpstr (job->remote_id, ==, post_id);
  url = g_strdup_printf ("https://www.facebook.com/%s", post_id);
  g_assert_cmpstr (job->url, ==, url);
  g_assert_cmpstr (cs_publish_job_recall (job, "post-id"), ==, post_id);
  assert_page_token_in_header_only (f);
}

static void
test_text_only_posts_message (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job (f, "Non-uniform day on Friday: £1 for the children's hospice.", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autofree char *form = NULL;
  g_autoptr(GHashTable) fields = NULL;
  const CsTestRequest *feed;

  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);
  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpuint (requests->len, ==, 1);
  feed = g_ptr_array_index (requests, 0);
  g_assert_cmpstr (feed->path, ==, FEED_PATH);
  form = g_strndup (g_bytes_get_data (feed->body, NULL), g_bytes_get_size (feed->body));
  fields = soup_form_decode (form);
  g_assert_cmpuint (g_hash_table_size (fields), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (fields, "message"), ==, job->text);
  assert_page_token_in_header_only (f);
}

static void
test_expired_token_needs_reauth (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job (f, "Swimming lessons start next week.", 1);
  g_autoptr(GError) error = NULL;

  g_clear_object (&f->base.publisher);
  f->base.publisher = new_publisher (f, "page-token-from-before-the-password-change");
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REAUTH);
  cs_test_assert_contains (error->message, "connect Facebook again");
  cs_test_assert_contains (error->message, "AxPwChG9aQ1");
  cs_test_assert_contains (error->message, "190/460");
  g_assert_cmpuint (cs_test_publish_count_all (&f->base), ==, 1);
  g_assert_cmpuint (fake_facebook_count_posts (&f->fb), ==, 0);
}

static void
test_user_token_needs_reauth (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job (f, "Swimming lessons start next week.", 0);
  g_autoptr(GError) error = NULL;

  /* The token of the person who connected the Page, not the Page's own. */
  g_clear_object (&f->base.publisher);
  f->base.publisher = new_publisher (f, USER_TOKEN);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REAUTH);
  cs_test_assert_contains (error->message, "may not post on the Page");
  g_assert_cmpuint (fake_facebook_count_posts (&f->fb), ==, 0);
}

static void
test_rate_limits_retry (Fixture       *f,
                        gconstpointer  data)
{
  const gint64 codes[] = { 4, 17, 32, 613 };

  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr(CsPublishJob) job = new_job (f, "Sports day is moved to Thursday.", 1);
      g_autoptr(GError) error = NULL;
      g_autofree char *trace = g_strdup_printf ("RateTrace%" G_GINT64_FORMAT, codes[i]);
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;

      fake_facebook_fail_graph (&f->fb, "POST", PHOTOS_PATH, 400, codes[i],
                                "(#4) Application request limit reached", trace);
      g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
      g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
      cs_test_assert_contains (error->message, "asked for a pause");
      cs_test_assert_contains (error->message, trace);
      /* Not straight back: that would only count against the limit. */
      g_assert_cmpint (job->retry_at, >=, now + 10 * 60);
      g_assert_cmpint (job->retry_at, <=, now + 60 * 60);
    }
  g_assert_cmpuint (fake_facebook_count_posts (&f->fb), ==, 0);
}

static void
test_transient_errors_retry (Fixture       *f,
                             gconstpointer  data)
{
  const gint64 codes[] = { 1, 2 };

  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr(CsPublishJob) job = new_job (f, "Sports day is moved to Thursday.", 0);
      g_autoptr(GError) error = NULL;

      fake_facebook_fail_graph (&f->fb, "POST", FEED_PATH, 500, codes[i],
                                "An unexpected error has occurred. Please retry your request later.", "TransTrace");
      g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
      g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
      cs_test_assert_contains (error->message, "TransTrace");
    }

  /* Code 2 may come with HTTP 400 too; the code decides, not the status. */
  {
    g_autoptr(CsPublishJob) job = new_job (f, "Sports day is moved to Thursday.", 0);
    g_autoptr(GError) error = NULL;

    fake_facebook_fail_graph (&f->fb, "POST", FEED_PATH, 400, 2, "Service temporarily unavailable", "T400");
    g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
    g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  }
}

static void
test_plain_server_error_retries (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job (f, "Sports day is moved to Thursday.", 0);
  g_autoptr(GError) error = NULL;

  /* A proxy's page, not a Graph error: the HTTP status is all there is. */
  fake_facebook_fail (&f->fb, "POST", FEED_PATH, 0, 1, 502, "<html>Bad Gateway</html>");
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
}

static void
test_invalid_parameter_rejected (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job (f, "Sports day is moved to Thursday.", 0);
  g_autoptr(GError) error = NULL;

  fake_facebook_fail_graph (&f->fb, "POST", FEED_PATH, 400, 100, "(#100) Invalid parameter.", "H7sYqT2kLmN");
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED);
  cs_test_assert_contains (error->message, "(#100) Invalid parameter");
  cs_test_assert_contains (error->message, "H7sYqT2kLmN");
  cs_test_assert_contains (error->message, "IT technician");
  g_assert_cmpuint (fake_facebook_count_posts (&f->fb), ==, 0);
}

static void
test_duplicate_rejected (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job (f, "Sports day is moved to Thursday.", 0);
  g_autoptr(GError) error = NULL;

  fake_facebook_fail_graph (&f->fb, "POST", FEED_PATH, 400, 506, "Duplicate status message", "Dup506Trace");
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED);
  cs_test_assert_contains (error->message, "duplicate");
  cs_test_assert_contains (error->message, "Dup506Trace");
}

static void
test_lost_answer_posts_once (Fixture       *f,
                             gconstpointer  data)
{
  const char *text = "Thank you to everyone who came to the summer fair: we raised £1,240!";
  g_autoptr(CsPublishJob) job = new_job (f, text, 2);
  g_autoptr(CsPublishJob) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *post_id = NULL;

  fake_facebook_seed_post (&f->fb, "An older post.");
  g_mutex_lock (&f->fb.lock);
  f->fb.drop_post_answer = TRUE;
  g_mutex_unlock (&f->fb.lock);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_clear_error (&error);
  g_assert_cmpuint (fake_facebook_count_posts (&f->fb), ==, 2);

  again = retry_job (f, text, 2, TRUE);
  g_assert_true (cs_publisher_publish (f->base.publisher, again, NULL, &error));
  g_assert_no_error (error);
  post_id = fake_facebook_dup_post_id (&f->fb, 1);
  g_assert_cmpuint (fake_facebook_count_posts (&f->fb), ==, 2);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", FEED_PATH), ==, 1);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", PHOTOS_PATH), ==, 2);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "GET", FEED_PATH), ==, 1);
  g_assert_cmpstr (again->remote_id, ==, post_id);
  g_assert_cmpstr (cs_publish_job_recall (again, "post-id"), ==, post_id);
  assert_page_token_in_header_only (f);
}

static void
test_resumed_finds_earlier_post (Fixture       *f,
                                 gconstpointer  data)
{
  const char *text = "Our Christmas performance tickets are now on sale.";
  g_autoptr(CsPublishJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GHashTable) query = NULL;
  g_autofree char *post_id = NULL;
  const CsTestRequest *lookup;

  /* The earlier attempt was cut off before it could save anything: only
   * the server knows the outcome is unknown. */
  fake_facebook_seed_post (&f->fb, text);
  fake_facebook_seed_post (&f->fb, "A newer post.");
  post_id = fake_facebook_dup_post_id (&f->fb, 0);

  job = retry_job (f, text, 0, TRUE);
  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (job->remote_id, ==, post_id);
  g_assert_cmpuint (fake_facebook_count_posts (&f->fb), ==, 2);

  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpuint (requests->len, ==, 1);
  lookup = g_ptr_array_index (requests, 0);
  g_assert_cmpstr (lookup->method, ==, "GET");
  query = soup_form_decode (lookup->query);
  g_assert_cmpstr (g_hash_table_lookup (query, "fields"), ==, "id,message");
  g_assert_cmpstr (g_hash_table_lookup (query, "limit"), ==, "10");
}

static void
test_resumed_posts_when_not_found (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = NULL;
  g_autoptr(GError) error = NULL;

  fake_facebook_seed_post (&f->fb, "Our Christmas performance tickets are on sale soon.");
  job = retry_job (f, "Our Christmas performance tickets are now on sale.", 1, TRUE);
  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_facebook_count_posts (&f->fb), ==, 2);
}

static void
test_retry_reuses_photos (Fixture       *f,
                          gconstpointer  data)
{
  const char *text = "Year 5 science week: volcanoes, bulbs and a new climbing frame.";
  g_autoptr(CsPublishJob) job = new_job (f, text, 3);
  g_autoptr(CsPublishJob) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = graph_error_json (2, 0, "OAuthException",
                                            "An unexpected error has occurred. Please retry your request later.",
                                            "Up500Trace");
  g_autoptr(GPtrArray) requests = NULL;
  g_autofree char *form = NULL;
  g_autoptr(GHashTable) fields = NULL;

  /* The first photo goes up; the second fails. */
  fake_facebook_fail (&f->fb, "POST", PHOTOS_PATH, 1, 1, 500, body);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_clear_error (&error);
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", PHOTOS_PATH), ==, 2);

  again = retry_job (f, text, 3, FALSE);
  g_assert_true (cs_publisher_publish (f->base.publisher, again, NULL, &error));
  g_assert_no_error (error);

  /* Photos 2 and 3 only, then the post with all three. */
  g_assert_cmpuint (cs_test_platform_count (f->base.platform, "POST", PHOTOS_PATH), ==, 4);
  g_assert_cmpuint (fake_facebook_count_posts (&f->fb), ==, 1);
  requests = cs_test_platform_get_requests (f->base.platform);
  form = g_strndup (g_bytes_get_data (((CsTestRequest *) g_ptr_array_index (requests, requests->len - 1))->body,
                                      NULL),
                    g_bytes_get_size (((CsTestRequest *) g_ptr_array_index (requests, requests->len - 1))->body));
  fields = soup_form_decode (form);
  g_mutex_lock (&f->fb.lock);
  g_assert_cmpuint (f->fb.photos->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("attached_media[%u]", i);
      g_autoptr(JsonNode) node = json_from_string (g_hash_table_lookup (fields, name), NULL);
      FakePhoto *photo = g_ptr_array_index (f->fb.photos, i);

      g_assert_cmpstr (cs_json_get_string (json_node_get_object (node), "media_fbid"), ==, photo->id);
      g_assert_cmpstr (photo->alt, ==, alts[i]);
      g_assert_true (photo->attached);
    }
  g_mutex_unlock (&f->fb.lock);
}

static void
test_already_posted_sends_nothing (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job (f, "Anything at all.", 1);
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (job->progress, "post-id", PAGE_ID "_987654321");
  job->resumed = TRUE;
  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (job->remote_id, ==, PAGE_ID "_987654321");
  g_assert_cmpstr (job->url, ==, "https://www.facebook.com/" PAGE_ID "_987654321");
  g_assert_cmpuint (cs_test_publish_count_all (&f->base), ==, 0);
  g_assert_cmpuint (f->base.checkpoints, ==, 0);
}

static void
test_empty_post_rejected (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job (f, "  \n", 0);
  g_autoptr(GError) error = NULL;

  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED);
  g_assert_cmpuint (cs_test_publish_count_all (&f->base), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/publish/facebook/photos-then-one-feed-post", test_photos_then_one_feed_post);
  ADD ("/publish/facebook/text-only-posts-message", test_text_only_posts_message);
  ADD ("/publish/facebook/expired-token-needs-reauth", test_expired_token_needs_reauth);
  ADD ("/publish/facebook/user-token-needs-reauth", test_user_token_needs_reauth);
  ADD ("/publish/facebook/rate-limits-retry", test_rate_limits_retry);
  ADD ("/publish/facebook/transient-errors-retry", test_transient_errors_retry);
  ADD ("/publish/facebook/plain-server-error-retries", test_plain_server_error_retries);
  ADD ("/publish/facebook/invalid-parameter-rejected", test_invalid_parameter_rejected);
  ADD ("/publish/facebook/duplicate-rejected", test_duplicate_rejected);
  ADD ("/publish/facebook/lost-answer-posts-once", test_lost_answer_posts_once);
  ADD ("/publish/facebook/resumed-finds-earlier-post", test_resumed_finds_earlier_post);
  ADD ("/publish/facebook/resumed-posts-when-not-found", test_resumed_posts_when_not_found);
  ADD ("/publish/facebook/retry-reuses-photos", test_retry_reuses_photos);
  ADD ("/publish/facebook/already-posted-sends-nothing", test_already_posted_sends_nothing);
  ADD ("/publish/facebook/empty-post-rejected", test_empty_post_rejected);
#undef ADD

  return g_test_run ();
}
