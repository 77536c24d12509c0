/* test-publish-mastodon.c: the Mastodon publisher against a stand-in
 * instance that follows Mastodon's documented API
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-mastodon-publisher.h"
#include "cs-mastodon-publisher-private.h"
#include "cs-files-private.h"
#include "cs-image.h"
#include "cs-json.h"
#include "cs-platform.h"
#include "cs-test-publish.h"
#include "cs-url.h"

#include <string.h>

#define TOKEN "school-token-5Fq2"
#define STATUS_URL "https://mastodon.example/@oakfield"
#define ACCOUNT_ID "108200"

/* The stand-in instance */

typedef struct
{
  char   *id;
  char   *description;
  char   *filename;
  char   *content_type;
  GBytes *file;
  guint   polls_left;   /* 206 answers still to give */
} Media;

typedef struct
{
  GMutex      lock;
  CsTestFaults faults;
  guint       next_id;
  GPtrArray  *media;             /* Media, in upload order */
  guint       processing_polls;  /* for uploads from now on: 0 means ready at once */
  gsize       max_upload;        /* bigger uploads get 413; 0 for no cap */
  GHashTable *by_key;            /* Idempotency-Key → status, as JSON */
  GPtrArray  *statuses;          /* statuses made, as JSON */
} FakeMastodon;

static void
media_free (Media *media)
{
  g_free (media->id);
  g_free (media->description);
  g_free (media->filename);
  g_free (media->content_type);
  g_bytes_unref (media->file);
  g_free (media);
}

static void
fake_init (FakeMastodon *fake)
{
  g_mutex_init (&fake->lock);
  cs_test_faults_init (&fake->faults);
  fake->next_id = 109000;
  fake->media = g_ptr_array_new_with_free_func ((GDestroyNotify) media_free);
  fake->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fake->statuses = g_ptr_array_new_with_free_func (g_free);
}

static void
fake_clear (FakeMastodon *fake)
{
  cs_test_faults_clear (&fake->faults);
  g_ptr_array_unref (fake->media);
  g_hash_table_unref (fake->by_key);
  g_ptr_array_unref (fake->statuses);
  g_mutex_clear (&fake->lock);
}

/* Scripts the next request with @method to a path under @path, after
 * @skip such requests: @kind, and for CS_TEST_FAULT_REPLY the answer. */
static void
fake_add_fault (FakeMastodon    *fake,
                const char      *method,
                const char      *path,
                guint            skip,
                CsTestFaultKind  kind,
                guint            status,
                const char      *body,
                const char      *header,
                const char      *value)
{
  cs_test_faults_add (&fake->faults, method, path, TRUE, skip, kind, status, body, header, value);
}

static guint
fake_count_statuses (FakeMastodon *fake)
{
  return cs_test_locked_len (&fake->lock, fake->statuses);
}

/* The ids of the media the instance holds, in upload order. */
static GStrv
fake_dup_media_ids (FakeMastodon *fake)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_mutex_lock (&fake->lock);
  for (guint i = 0; i < fake->media->len; i++)
    g_strv_builder_add (builder, ((Media *) g_ptr_array_index (fake->media, i))->id);
  g_mutex_unlock (&fake->lock);
  return g_strv_builder_end (builder);
}

static JsonNode *
media_json (const Media *media)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean ready = media->polls_left == 0;
  g_autofree char *url = g_strdup_printf ("https://files.mastodon.example/media/%s.jpg", media->id);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, media->id);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "image");
  /* A processing attachment has no url yet. */
  json_builder_set_member_name (builder, "url");
  if (ready)
    json_builder_add_string_value (builder, url);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "preview_url");
  json_builder_add_string_value (builder, url);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, media->description);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static const Media *
find_media (FakeMastodon *fake,
            const char   *id)
{
  for (guint i = 0; i < fake->media->len; i++)
    {
      const Media *media = g_ptr_array_index (fake->media, i);

      if (g_str_equal (media->id, id))
        return media;
    }
  return NULL;
}

/* POST /api/v2/media: a multipart form with the file and its description. */
static void
upload_media (FakeMastodon        *fake,
              SoupServerMessage   *msg,
              const CsTestRequest *request)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new_from_message (request->headers, request->body);
  g_autoptr(JsonNode) json = NULL;
  Media *media = NULL;

  if (fake->max_upload > 0 && g_bytes_get_size (request->body) > fake->max_upload)
    {
      /* The web server in front of Mastodon refuses it, in HTML. */
      static const char page[] = "<html><head><title>413 Request Entity Too Large</title></head></html>";

      soup_server_message_set_status (msg, 413, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, page, strlen (page));
      return;
    }

  for (int i = 0; multipart != NULL && i < soup_multipart_get_length (multipart); i++)
    {
      SoupMessageHeaders *headers;
      GBytes *body;
      g_autoptr(GHashTable) params = NULL;
      const char *name;

      if (!soup_multipart_get_part (multipart, i, &headers, &body) ||
          !soup_message_headers_get_content_disposition (headers, NULL, &params))
        continue;
      name = g_hash_table_lookup (params, "name");
      if (g_strcmp0 (name, "file") == 0)
        {
          const char *type = soup_message_headers_get_content_type (headers, NULL);

          if (type == NULL || !g_str_has_prefix (type, "image/"))
            break;
          media = g_new0 (Media, 1);
          media->filename = g_strdup (g_hash_table_lookup (params, "filename"));
          media->content_type = g_strdup (type);
          media->file = g_bytes_ref (body);
        }
    }
  if (media == NULL || media->filename == NULL || g_bytes_get_size (media->file) == 0)
    {
      g_clear_pointer (&media, media_free);
      cs_test_reply (msg, 422, "{\"error\":\"Validation failed: File content type is invalid, File is invalid\"}",
                     NULL);
      return;
    }

  media->description = cs_test_multipart_field (multipart, "description", NULL, NULL);
  g_mutex_lock (&fake->lock);
  media->id = g_strdup_printf ("%u", fake->next_id++);
  media->polls_left = fake->processing_polls;
  g_ptr_array_add (fake->media, media);
  json = media_json (media);
  g_mutex_unlock (&fake->lock);

  cs_test_reply_node (msg, media->polls_left > 0 ? 202 : 200, json);
}

/* GET /api/v1/media/:id: 206 while processing, 200 when done. */
static void
get_media (FakeMastodon        *fake,
           SoupServerMessage   *msg,
           const CsTestRequest *request)
{
  const char *id = request->path + strlen ("/api/v1/media/");
  g_autoptr(JsonNode) json = NULL;
  Media *media;
  guint status = 0;

  g_mutex_lock (&fake->lock);
  media = (Media *) find_media (fake, id);
  if (media != NULL)
    {
      status = media->polls_left > 0 ? 206 : 200;
      if (media->polls_left > 0)
        media->polls_left--;
      json = media_json (media);
    }
  g_mutex_unlock (&fake->lock);

  if (json == NULL)
    cs_test_reply (msg, 404, "{\"error\":\"Record not found\"}", NULL);
  else
    cs_test_reply_node (msg, status, json);
}

/* A status's text as Mastodon gives it back: HTML paragraphs and line
 * breaks, characters escaped, each link an anchor that shows it without
 * its scheme and cut after 30 characters. */
static char *
content_html (const char *text)
{
  g_autoptr(GString) html = g_string_new ("<p>");
  gsize len = strlen (text);
  gsize pos = 0, start, end;

  while (pos < len)
    {
      g_autofree char *plain = NULL;
      g_autofree char *escaped = NULL;
      gboolean link = cs_url_find_next (text, len, pos, &start, &end);

      plain = g_strndup (text + pos, (link ? start : len) - pos);
      escaped = g_markup_escape_text (plain, -1);
      g_string_append (html, escaped);
      if (!link)
        break;
      {
        g_autofree char *href = g_strndup (text + start, end - start);
        const char *shown = strstr (href, "://") != NULL ? strstr (href, "://") + 3 : href;
        gsize scheme = shown - href;
        gsize cut = MIN (strlen (shown), 30);

        g_string_append_printf (html, "<a href=\"%s\" rel=\"nofollow noopener\" target=\"_blank\">"
                                "<span class=\"invisible\">%.*s</span><span class=\"ellipsis\">%.*s</span>"
                                "<span class=\"invisible\">%s</span></a>",
                                href, (int) scheme, href, (int) cut, shown, shown + cut);
      }
      pos = end;
    }
  /* Rails escapes the apostrophe by number. */
  g_string_replace (html, "&apos;", "&#39;", 0);
  g_string_replace (html, "\n\n", "</p><p>", 0);
  g_string_replace (html, "\n", "<br />", 0);
  g_string_append (html, "</p>");
  return g_string_free (g_steal_pointer (&html), FALSE);
}

/* Makes a status with the fake's lock held; returns it as JSON. */
static char *
make_status_locked (FakeMastodon *fake,
                    const char   *text,
                    const char   *visibility,
                    JsonArray    *media_ids)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *id = g_strdup_printf ("%u", fake->next_id++);
  g_autofree char *url = g_strdup_printf (STATUS_URL "/%s", id);
  g_autofree char *content = content_html (text != NULL ? text : "");
  char *json;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_string_value (builder, "2026-03-02T10:15:00.000Z");
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_set_member_name (builder, "visibility");
  json_builder_add_string_value (builder, visibility != NULL ? visibility : "public");
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, content);
  json_builder_set_member_name (builder, "media_attachments");
  json_builder_begin_array (builder);
  for (guint i = 0; media_ids != NULL && i < json_array_get_length (media_ids); i++)
    json_builder_add_value (builder, media_json (find_media (fake, json_array_get_string_element (media_ids, i))));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  g_ptr_array_add (fake->statuses, g_strdup (json));
  return json;
}

/* A status an earlier attempt made, whose Idempotency-Key the instance
 * has since forgotten, with photos described by @alts (may be NULL). */
static void
fake_seed_status (FakeMastodon      *fake,
                  const char        *text,
                  const char *const *alts)
{
  g_autoptr(JsonArray) media_ids = json_array_new ();
  g_autofree char *json = NULL;

  g_mutex_lock (&fake->lock);
  for (guint i = 0; alts != NULL && alts[i] != NULL; i++)
    {
      Media *media = g_new0 (Media, 1);

      media->id = g_strdup_printf ("%u", fake->next_id++);
      media->description = g_strdup (alts[i]);
      media->filename = g_strdup ("photo.jpg");
      media->content_type = g_strdup ("image/jpeg");
      media->file = g_bytes_new_static ("\xFF\xD8\xFF\xD9", 4);
      g_ptr_array_add (fake->media, media);
      json_array_add_string_element (media_ids, media->id);
    }
  json = make_status_locked (fake, text, "public", media_ids);
  g_mutex_unlock (&fake->lock);
}

/* POST /api/v1/statuses, de-duplicated by Idempotency-Key as Mastodon
 * does: a repeated key brings back the status made the first time. */
static void
create_status (FakeMastodon        *fake,
               SoupServerMessage   *msg,
               const CsTestRequest *request)
{
  const char *key = soup_message_headers_get_one (request->headers, "Idempotency-Key");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *json = NULL;
  JsonObject *params;
  JsonArray *media_ids = NULL;
  const char *text, *visibility;
  const char *refusal = NULL;

  g_mutex_lock (&fake->lock);
  if (key != NULL && g_hash_table_contains (fake->by_key, key))
    {
      json = g_strdup (g_hash_table_lookup (fake->by_key, key));
      g_mutex_unlock (&fake->lock);
      cs_test_reply (msg, 200, json, NULL);
      return;
    }

  if (!json_parser_load_from_data (parser, g_bytes_get_data (request->body, NULL),
                                   g_bytes_get_size (request->body), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_mutex_unlock (&fake->lock);
      cs_test_reply (msg, 422, "{\"error\":\"Validation failed: Text can't be blank\"}", NULL);
      return;
    }
  params = json_node_get_object (json_parser_get_root (parser));
  text = cs_json_get_string (params, "status");
  if (json_object_has_member (params, "media_ids"))
    media_ids = json_object_get_array_member (params, "media_ids");

  if ((text == NULL || *text == '\0') && (media_ids == NULL || json_array_get_length (media_ids) == 0))
    refusal = "{\"error\":\"Validation failed: Text can't be blank\"}";
  else if (text != NULL && cs_count_graphemes (text, -1) > 500)
    refusal = "{\"error\":\"Validation failed: Text character limit of 500 exceeded\"}";
  else if (media_ids != NULL && json_array_get_length (media_ids) > 4)
    refusal = "{\"error\":\"Validation failed: You can attach at most 4 images\"}";
  for (guint i = 0; refusal == NULL && media_ids != NULL && i < json_array_get_length (media_ids); i++)
    {
      const Media *media = find_media (fake, json_array_get_string_element (media_ids, i));

      if (media == NULL)
        refusal = "{\"error\":\"Validation failed: Media could not be found\"}";
      else if (media->polls_left > 0)
        refusal = "{\"error\":\"Cannot attach files that have not finished processing. Try again in a moment!\"}";
    }
  if (refusal != NULL)
    {
      g_mutex_unlock (&fake->lock);
      cs_test_reply (msg, 422, refusal, NULL);
      return;
    }

  visibility = cs_json_get_string (params, "visibility");
  json = make_status_locked (fake, text, visibility, media_ids);
  if (key != NULL)
    g_hash_table_insert (fake->by_key, g_strdup (key), g_strdup (json));
  g_mutex_unlock (&fake->lock);

  cs_test_reply (msg, 200, json, NULL);
}

/* GET /api/v1/accounts/:id/statuses: the latest first, up to ?limit. */
static void
list_statuses (FakeMastodon        *fake,
               SoupServerMessage   *msg,
               const CsTestRequest *request)
{
  g_autoptr(GHashTable) query = request->query != NULL ? soup_form_decode (request->query) : NULL;
  const char *limit_text = query != NULL ? g_hash_table_lookup (query, "limit") : NULL;
  guint limit = limit_text != NULL ? (guint) g_ascii_strtoull (limit_text, NULL, 10) : 20;
  g_autoptr(GString) json = g_string_new ("[");

  g_mutex_lock (&fake->lock);
  for (guint i = fake->statuses->len; i > 0 && fake->statuses->len - i < limit; i--)
    {
      if (json->len > 1)
        g_string_append_c (json, ',');
      g_string_append (json, g_ptr_array_index (fake->statuses, i - 1));
    }
  g_mutex_unlock (&fake->lock);
  g_string_append_c (json, ']');
  cs_test_reply (msg, 200, json->str, NULL);
}

static void
mastodon_cb (CsTestPlatform      *platform,
             SoupServerMessage   *msg,
             const CsTestRequest *request,
             gpointer             data)
{
  FakeMastodon *fake = data;
  g_autoptr(CsTestFault) fault = NULL;

  if (g_strcmp0 (soup_message_headers_get_one (request->headers, "Authorization"), "Bearer " TOKEN) != 0)
    {
      cs_test_reply (msg, 401, "{\"error\":\"The access token is invalid\"}", NULL);
      return;
    }

  fault = cs_test_faults_take (&fake->faults, request->method, request->path);
  if (fault != NULL && fault->kind == CS_TEST_FAULT_REPLY)
    {
      cs_test_reply (msg, fault->status, fault->body, fault->header, fault->value, NULL);
      return;
    }
  if (fault != NULL && fault->kind == CS_TEST_FAULT_HANG)
    {
      soup_server_message_pause (msg);
      return;
    }

  if (g_str_equal (request->method, "POST") && g_str_equal (request->path, "/api/v2/media"))
    upload_media (fake, msg, request);
  else if (g_str_equal (request->method, "GET") && g_str_has_prefix (request->path, "/api/v1/media/"))
    get_media (fake, msg, request);
  else if (g_str_equal (request->method, "POST") && g_str_equal (request->path, "/api/v1/statuses"))
    create_status (fake, msg, request);
  else if (g_str_equal (request->method, "GET") && g_str_equal (request->path, "/api/v1/accounts/verify_credentials"))
    cs_test_reply (msg, 200, "{\"id\":\"" ACCOUNT_ID "\",\"username\":\"oakfield\",\"acct\":\"oakfield\"}", NULL);
  else if (g_str_equal (request->method, "GET") &&
           g_str_equal (request->path, "/api/v1/accounts/" ACCOUNT_ID "/statuses"))
    list_statuses (fake, msg, request);
  else
    cs_test_reply (msg, 404, "{\"error\":\"Record not found\"}", NULL);

  if (fault != NULL && fault->kind == CS_TEST_FAULT_DROP_AFTER)
    cs_test_drop (msg);
}

/* Fixture */

typedef struct
{
  CsTestPublish   base;
  FakeMastodon    fake;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  cs_test_publish_set_up (&f->base, "cs-publish-mastodon");
  fake_init (&f->fake);
  cs_test_platform_handle (f->base.platform, "/", mastodon_cb, &f->fake);
  cs_test_publish_start (&f->base);
  f->base.publisher = cs_test_publish_pin (&f->base,
                                           cs_mastodon_publisher_new (cs_test_platform_get_url (f->base.platform),
                                                                      data != NULL ? data : TOKEN));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (g_steal_pointer (&f->base.publisher));
  cs_test_publish_tear_down (&f->base);
  fake_clear (&f->fake);
}

static CsPublishJob *
make_job (const char *text,
          const char *key,
          guint       n_photos)
{
  return cs_test_publish_new_job (NULL, text, key, n_photos, cs_test_make_photo, NULL, 0,
                                  "pupils in Oak class planting saplings by the pond");
}

static void
assert_request (const CsTestRequest *request,
                const char          *method,
                const char          *path)
{
  g_assert_cmpstr (request->method, ==, method);
  g_assert_cmpstr (request->path, ==, path);
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Authorization"), ==, "Bearer " TOKEN);
}

static void
assert_media_ids (const CsTestRequest *request,
                  const char *const   *expected)
{
  g_autoptr(JsonNode) body = cs_test_request_json (request);
  JsonObject *params = json_node_get_object (body);
  JsonArray *ids = json_object_get_array_member (params, "media_ids");

  g_assert_cmpuint (json_array_get_length (ids), ==, g_strv_length ((GStrv) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (json_array_get_string_element (ids, i), ==, expected[i]);
}

static guint
count (Fixture    *f,
       const char *method,
       const char *path)
{
  return cs_test_platform_count (f->base.platform, method, path);
}

/* Tests */

typedef struct
{
  CsTestPlatform *platform;
  GPtrArray      *saves;    /* "name@requests-so-far" */
  JsonObject     *seen;
} Saves;

/* Notes what each checkpoint saved, and how many requests had gone out
 * by then, to show each id is saved before the next request. */
static gboolean
note_checkpoint (CsPublishJob  *job,
                 gpointer       data,
                 GError       **error)
{
  Saves *saves = data;
  g_autoptr(GList) names = json_object_get_members (job->progress);
  guint requests = cs_test_platform_count (saves->platform, "POST", "/") +
                   cs_test_platform_count (saves->platform, "GET", "/");

  for (GList *l = names; l != NULL; l = l->next)
    if (!json_object_has_member (saves->seen, l->data))
      {
        json_object_set_boolean_member (saves->seen, l->data, TRUE);
        g_ptr_array_add (saves->saves, g_strdup_printf ("%s@%u", (char *) l->data, requests));
      }
  return TRUE;
}

static void
test_uploads_then_posts (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Oak class planted 30 saplings by the pond today 🌳", "delivery-1", 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(JsonNode) status = NULL;
  g_auto(GStrv) ids = NULL;
  g_autoptr(JsonObject) seen = json_object_new ();
  g_autoptr(GPtrArray) saved = g_ptr_array_new_with_free_func (g_free);
  Saves saves = { f->base.platform, saved, seen };
  JsonObject *params;
  const char *expected_saves[] = { "media-0@1", "media-1@2", "post-sent@2", "url@3", "status-id@3", NULL };

  job->checkpoint = note_checkpoint;
  job->checkpoint_data = &saves;
  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);

  /* Both photos first, each with its own description, then the status. */
  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpuint (requests->len, ==, 3);
  ids = fake_dup_media_ids (&f->fake);
  g_assert_cmpuint (g_strv_length (ids), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const CsTestRequest *request = cs_test_nth_request (requests, i);
      const CsPublishPhoto *photo = g_ptr_array_index (job->photos, i);
      g_autoptr(SoupMultipart) multipart = NULL;
      g_autofree char *type = NULL;
      g_autofree char *description = NULL;
      g_autofree char *file = NULL;
      g_autoptr(GBytes) bytes = NULL;

      assert_request (request, "POST", "/api/v2/media");
      multipart = cs_test_request_multipart (request);
      file = cs_test_multipart_field (multipart, "file", &type, &bytes);
      g_assert_nonnull (file);
      g_assert_cmpstr (type, ==, "image/jpeg");
      g_assert_true (g_bytes_equal (bytes, photo->jpeg));
      description = cs_test_multipart_field (multipart, "description", NULL, NULL);
      g_assert_cmpstr (description, ==, photo->alt);
      g_assert_null (soup_message_headers_get_one (request->headers, "Idempotency-Key"));
    }

  assert_request (cs_test_nth_request (requests, 2), "POST", "/api/v1/statuses");
  g_assert_cmpstr (soup_message_headers_get_one (cs_test_nth_request (requests, 2)->headers, "Idempotency-Key"), ==, "delivery-1");
  assert_media_ids (cs_test_nth_request (requests, 2), (const char *const *) ids);
  status = cs_test_request_json (cs_test_nth_request (requests, 2));
  params = json_node_get_object (status);
  g_assert_cmpstr (cs_json_get_string (params, "status"), ==, job->text);
  g_assert_cmpstr (cs_json_get_string (params, "visibility"), ==, "public");
  g_assert_cmpstr (cs_json_get_string (params, "language"), ==, "en");

  /* The status as the instance made it, and every id saved as soon as
   * it was known. */
  g_assert_cmpuint (fake_count_statuses (&f->fake), ==, 1);
  g_assert_cmpstr (job->remote_id, ==, "109002");
  g_assert_cmpstr (job->url, ==, STATUS_URL "/109002");
  g_assert_cmpstr (cs_publish_job_recall (job, "status-id"), ==, "109002");
  g_assert_cmpstr (cs_publish_job_recall (job, "media-0"), ==, ids[0]);
  g_assert_cmpstr (cs_publish_job_recall (job, "media-1"), ==, ids[1]);
  g_ptr_array_add (saved, NULL);
  g_assert_cmpstrv ((GStrv) saved->pdata, expected_saves);
}

static void
test_text_only (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Reminder: school closes at 1.30pm on Friday.", "delivery-1", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(JsonNode) status = NULL;

  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);
  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpuint (requests->len, ==, 1);
  assert_request (cs_test_nth_request (requests, 0), "POST", "/api/v1/statuses");
  status = cs_test_request_json (cs_test_nth_request (requests, 0));
  g_assert_false (json_object_has_member (json_node_get_object (status), "media_ids"));
}

static void
test_key_per_delivery (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(CsPublishJob) first = make_job ("Sports day is on Tuesday.", "delivery-a", 0);
  g_autoptr(CsPublishJob) second = make_job ("Sports day is on Tuesday.", "delivery-b", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  const char *key_a, *key_b;

  g_assert_true (cs_publisher_publish (f->base.publisher, first, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cs_publisher_publish (f->base.publisher, second, NULL, &error));
  g_assert_no_error (error);

  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpuint (requests->len, ==, 2);
  key_a = soup_message_headers_get_one (cs_test_nth_request (requests, 0)->headers, "Idempotency-Key");
  key_b = soup_message_headers_get_one (cs_test_nth_request (requests, 1)->headers, "Idempotency-Key");
  g_assert_cmpstr (key_a, ==, "delivery-a");
  g_assert_cmpstr (key_b, ==, "delivery-b");
  g_assert_cmpuint (fake_count_statuses (&f->fake), ==, 2);
  g_assert_cmpstr (first->remote_id, !=, second->remote_id);
}

static void
test_server_error_retried (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Harvest festival thanks!", "delivery-7", 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;

  fake_add_fault (&f->fake, "POST", "/api/v1/statuses", 0, CS_TEST_FAULT_REPLY, 500,
                  "{\"error\":\"We're sorry, but something went wrong on our end.\"}", NULL, NULL);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_assert_nonnull (strstr (error->message, "HTTP 500"));
  g_assert_null (job->remote_id);
  g_clear_error (&error);

  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);

  /* The photo went up once; both tries at the status carry one key. */
  g_assert_cmpuint (count (f, "POST", "/api/v2/media"), ==, 1);
  g_assert_cmpuint (count (f, "POST", "/api/v1/statuses"), ==, 2);
  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpstr (soup_message_headers_get_one (cs_test_nth_request (requests, 1)->headers, "Idempotency-Key"), ==, "delivery-7");
  g_assert_cmpstr (soup_message_headers_get_one (cs_test_nth_request (requests, 2)->headers, "Idempotency-Key"), ==, "delivery-7");
  g_assert_cmpuint (fake_count_statuses (&f->fake), ==, 1);
}

static void
test_lost_answer_posts_once (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Our choir sang at the care home this afternoon.", "delivery-9", 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(JsonNode) first = NULL;

  /* The instance makes the status, but its answer never arrives. */
  fake_add_fault (&f->fake, "POST", "/api/v1/statuses", 0, CS_TEST_FAULT_DROP_AFTER, 0, NULL, NULL, NULL);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_assert_cmpuint (fake_count_statuses (&f->fake), ==, 1);
  g_assert_null (cs_publish_job_recall (job, "status-id"));
  g_clear_error (&error);

  job->resumed = TRUE;
  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);

  /* Still one status: the repeated key brought back the first one,
   * within the hour the instance keeps it, so nothing was looked up. */
  g_assert_cmpuint (fake_count_statuses (&f->fake), ==, 1);
  g_assert_cmpuint (count (f, "POST", "/api/v1/statuses"), ==, 2);
  g_assert_cmpuint (count (f, "GET", "/api/v1/accounts/"), ==, 0);
  g_assert_cmpuint (count (f, "POST", "/api/v2/media"), ==, 2);
  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpstr (soup_message_headers_get_one (cs_test_nth_request (requests, 2)->headers, "Idempotency-Key"), ==,
                   soup_message_headers_get_one (cs_test_nth_request (requests, 3)->headers, "Idempotency-Key"));
  g_mutex_lock (&f->fake.lock);
  first = json_from_string (g_ptr_array_index (f->fake.statuses, 0), NULL);
  g_mutex_unlock (&f->fake.lock);
  g_assert_cmpstr (job->remote_id, ==, cs_json_get_string (json_node_get_object (first), "id"));
}

static void
test_retry_keeps_uploaded_photos (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Science week: making volcanoes in Year 4.", "delivery-3", 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_auto(GStrv) ids = NULL;
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *file = NULL;

  /* The second photo's upload fails; the first is on the instance. */
  fake_add_fault (&f->fake, "POST", "/api/v2/media", 1, CS_TEST_FAULT_REPLY, 503,
                  "{\"error\":\"Service Unavailable\"}", NULL, NULL);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_assert_nonnull (cs_publish_job_recall (job, "media-0"));
  g_assert_null (cs_publish_job_recall (job, "media-1"));
  g_assert_cmpuint (count (f, "POST", "/api/v1/statuses"), ==, 0);
  g_clear_error (&error);

  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);

  /* Photo 1 once, photo 2 twice (once refused), photo 3 once. */
  g_assert_cmpuint (count (f, "POST", "/api/v2/media"), ==, 4);
  requests = cs_test_platform_get_requests (f->base.platform);
  multipart = cs_test_request_multipart (cs_test_nth_request (requests, 2));
  file = cs_test_multipart_field (multipart, "file", NULL, &bytes);
  g_assert_true (g_bytes_equal (bytes, ((CsPublishPhoto *) g_ptr_array_index (job->photos, 1))->jpeg));

  ids = fake_dup_media_ids (&f->fake);
  g_assert_cmpuint (g_strv_length (ids), ==, 3);
  assert_media_ids (cs_test_nth_request (requests, 4), (const char *const *) ids);
  g_assert_cmpuint (fake_count_statuses (&f->fake), ==, 1);
}

static void
test_waits_for_processing (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Nursery's trip to the farm.", "delivery-4", 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_auto(GStrv) ids = NULL;
  g_autofree char *poll_path = NULL;
  const char *expected[2];

  /* 202 on upload, then 206 once, then 200. */
  f->fake.processing_polls = 1;
  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);

  ids = fake_dup_media_ids (&f->fake);
  poll_path = g_strdup_printf ("/api/v1/media/%s", ids[0]);
  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpuint (requests->len, ==, 4);
  assert_request (cs_test_nth_request (requests, 0), "POST", "/api/v2/media");
  assert_request (cs_test_nth_request (requests, 1), "GET", poll_path);
  assert_request (cs_test_nth_request (requests, 2), "GET", poll_path);
  assert_request (cs_test_nth_request (requests, 3), "POST", "/api/v1/statuses");
  expected[0] = ids[0];
  expected[1] = NULL;
  assert_media_ids (cs_test_nth_request (requests, 3), expected);
  g_assert_cmpstr (cs_publish_job_recall (job, "media-0"), ==, ids[0]);
}

static void
test_slow_processing_left_for_later (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Reception's first week.", "delivery-5", 1);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;

  cs_mastodon_publisher_set_processing_wait (CS_MASTODON_PUBLISHER (f->base.publisher), 700);
  f->fake.processing_polls = 1000;
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_assert_nonnull (strstr (error->message, "still preparing photo 1"));
  g_assert_cmpuint (count (f, "GET", "/api/v1/media/"), >=, 1);
  g_assert_cmpuint (count (f, "POST", "/api/v1/statuses"), ==, 0);
  ids = fake_dup_media_ids (&f->fake);
  g_assert_cmpstr (cs_publish_job_recall (job, "media-0-pending"), ==, ids[0]);
  g_assert_null (cs_publish_job_recall (job, "media-0"));
  g_clear_error (&error);

  /* The instance catches up; the retry asks after the same upload. */
  g_mutex_lock (&f->fake.lock);
  ((Media *) g_ptr_array_index (f->fake.media, 0))->polls_left = 0;
  g_mutex_unlock (&f->fake.lock);
  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count (f, "POST", "/api/v2/media"), ==, 1);
  g_assert_cmpstr (cs_publish_job_recall (job, "media-0"), ==, ids[0]);
  g_assert_cmpuint (fake_count_statuses (&f->fake), ==, 1);
}

static void
test_validation_refused (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(CsPublishJob) job = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 501; i++)
    g_string_append (text, "é");
  job = make_job (text->str, "delivery-6", 0);

  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "Text character limit of 500 exceeded"));
  /* Asking again would get the same answer: one request only. */
  g_assert_cmpuint (count (f, "POST", "/api/v1/statuses"), ==, 1);
  g_assert_cmpuint (fake_count_statuses (&f->fake), ==, 0);
}

static void
test_bad_token (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Parents' evening booking is open.", "delivery-8", 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;

  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REAUTH);
  g_assert_nonnull (strstr (error->message, "The access token is invalid"));
  g_assert_nonnull (strstr (error->message, "connect it again"));

  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpuint (requests->len, ==, 1);
  g_assert_cmpstr (soup_message_headers_get_one (cs_test_nth_request (requests, 0)->headers, "Authorization"), ==,
                   "Bearer revoked-token");
  g_assert_cmpuint (fake_count_statuses (&f->fake), ==, 0);
}

static void
test_rate_limited (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Book fair all week in the library.", "delivery-10", 1);
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GDateTime) reset = g_date_time_new_from_unix_utc (now + 300);
  g_autofree char *reset_text = g_date_time_format_iso8601 (reset);

  fake_add_fault (&f->fake, "POST", "/api/v2/media", 0, CS_TEST_FAULT_REPLY, 429,
                  "{\"error\":\"Too many requests\"}", "X-RateLimit-Reset", reset_text);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_assert_nonnull (strstr (error->message, "asked for a pause"));
  g_assert_cmpint (job->retry_at, >=, now + 299);
  g_assert_cmpint (job->retry_at, <=, now + 302);
  g_assert_cmpuint (count (f, "POST", "/api/v1/statuses"), ==, 0);
}

static void
test_time_out (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Well done to our chess team!", "delivery-11", 0);
  g_autoptr(GError) error = NULL;
  gint64 start;

  cs_publisher_set_timeout (f->base.publisher, 2);
  fake_add_fault (&f->fake, "POST", "/api/v1/statuses", 0, CS_TEST_FAULT_HANG, 0, NULL, NULL, NULL);
  start = g_get_monotonic_time ();
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (error->message, "could not be reached"));
  g_clear_error (&error);

  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_count_statuses (&f->fake), ==, 1);
}

static void
test_too_large_photo (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Art gallery opening.", "delivery-12", 1);
  g_autoptr(GError) error = NULL;

  f->fake.max_upload = 1000;
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "too large"));
  g_assert_cmpuint (count (f, "POST", "/api/v2/media"), ==, 1);
  g_assert_cmpuint (count (f, "POST", "/api/v1/statuses"), ==, 0);
}

static void
test_refuses_five_photos (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Too many photos.", "delivery-13", 5);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;

  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "at most 4 photos"));
  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpuint (requests->len, ==, 0);
}

static void
test_refuses_missing_alt (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("A photo nobody described.", "delivery-14", 1);
  g_autoptr(GBytes) jpeg = cs_test_make_photo (3);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;

  cs_publish_job_add_photo (job, jpeg, "  \n");
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "Photo 2 has no description"));
  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpuint (requests->len, ==, 0);
}

/* The same delivery again, from an attempt whose status request went out
 * @age_seconds ago and whose outcome is unknown. */
static void
mark_sent_ago (CsPublishJob *job,
               gint64        age_seconds)
{
  g_autofree char *sent = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC - age_seconds);

  json_object_set_string_member (job->progress, "post-sent", sent);
  job->resumed = TRUE;
}

/* @requests (@n in all) began with a look for an earlier status: who the
 * account is, then its latest statuses. */
static void
assert_looked_first (GPtrArray *requests,
                     guint      n)
{
  g_assert_cmpuint (requests->len, ==, n);
  assert_request (cs_test_nth_request (requests, 0), "GET", "/api/v1/accounts/verify_credentials");
  assert_request (cs_test_nth_request (requests, 1), "GET", "/api/v1/accounts/" ACCOUNT_ID "/statuses");
  g_assert_cmpstr (cs_test_nth_request (requests, 1)->query, ==, "limit=20&exclude_replies=true");
}

#define LEAVERS_TEXT "Year 6's leavers' assembly is on Friday at 2pm & everyone is welcome.\n\n" \
                     "Tickets: https://oakfield.sch.uk/news/2026/leavers-assembly-tickets-and-parking"

static void
test_forgotten_key_finds_status (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job (LEAVERS_TEXT, "delivery-16", 1);
  const char *alts[] = { ((CsPublishPhoto *) g_ptr_array_index (job->photos, 0))->alt, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(JsonNode) held = NULL;
  g_autofree char *held_id = NULL;

  /* Two hours on, the instance holds the post but not the key. Another
   * with the same words and no photo, and a newer one, are beside it. */
  fake_seed_status (&f->fake, LEAVERS_TEXT, alts);
  fake_seed_status (&f->fake, LEAVERS_TEXT, NULL);
  fake_seed_status (&f->fake, "Lost property is in the hall until Friday.", NULL);
  g_mutex_lock (&f->fake.lock);
  held = json_from_string (g_ptr_array_index (f->fake.statuses, 0), NULL);
  g_mutex_unlock (&f->fake.lock);
  held_id = g_strdup (cs_json_get_string (json_node_get_object (held), "id"));
  g_assert_nonnull (strstr (cs_json_get_string (json_node_get_object (held), "content"), "&#39;"));

  mark_sent_ago (job, 2 * 60 * 60);
  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);

  /* The look, and nothing posted. */
  requests = cs_test_platform_get_requests (f->base.platform);
  assert_looked_first (requests, 2);
  g_assert_cmpuint (fake_count_statuses (&f->fake), ==, 3);
  g_assert_cmpstr (job->remote_id, ==, held_id);
  g_assert_cmpstr (cs_publish_job_recall (job, "status-id"), ==, held_id);
  g_assert_true (g_str_has_prefix (job->url, STATUS_URL "/"));
}

static void
test_forgotten_key_posts_when_not_found (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job (LEAVERS_TEXT, "delivery-17", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;

  /* Only other posts, one of them nearly this one. */
  fake_seed_status (&f->fake, "Lost property is in the hall until Friday.", NULL);
  fake_seed_status (&f->fake, "Year 6's leavers' assembly is on Thursday at 2pm & everyone is welcome.", NULL);

  mark_sent_ago (job, 2 * 60 * 60);
  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);

  requests = cs_test_platform_get_requests (f->base.platform);
  assert_looked_first (requests, 3);
  assert_request (cs_test_nth_request (requests, 2), "POST", "/api/v1/statuses");
  g_assert_cmpstr (soup_message_headers_get_one (cs_test_nth_request (requests, 2)->headers, "Idempotency-Key"), ==, "delivery-17");
  g_assert_cmpuint (fake_count_statuses (&f->fake), ==, 3);
  /* The first request's time stays: the next look counts from it. */
  g_assert_cmpint (g_ascii_strtoll (cs_publish_job_recall (job, "post-sent"), NULL, 10), <,
                   g_get_real_time () / G_USEC_PER_SEC - 60 * 60);
}

static void
test_already_posted (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Posted last time.", "delivery-15", 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;

  json_object_set_string_member (job->progress, "media-0", "555");
  json_object_set_string_member (job->progress, "url", STATUS_URL "/556");
  json_object_set_string_member (job->progress, "status-id", "556");
  job->resumed = TRUE;
  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (job->remote_id, ==, "556");
  g_assert_cmpstr (job->url, ==, STATUS_URL "/556");
  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpuint (requests->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/publish/mastodon/uploads-photos-then-posts-status", test_uploads_then_posts);
  ADD ("/publish/mastodon/text-only-post-has-no-media", test_text_only);
  ADD ("/publish/mastodon/idempotency-key-differs-between-deliveries", test_key_per_delivery);
  ADD ("/publish/mastodon/server-error-retried-with-same-key", test_server_error_retried);
  ADD ("/publish/mastodon/retry-after-lost-answer-posts-once", test_lost_answer_posts_once);
  ADD ("/publish/mastodon/retry-does-not-reupload-photos", test_retry_keeps_uploaded_photos);
  ADD ("/publish/mastodon/waits-for-photo-processing", test_waits_for_processing);
  ADD ("/publish/mastodon/slow-processing-left-for-later", test_slow_processing_left_for_later);
  ADD ("/publish/mastodon/validation-error-rejected-not-retried", test_validation_refused);
  ADD ("/publish/mastodon/rate-limited-waits-for-reset", test_rate_limited);
  ADD ("/publish/mastodon/time-out-retried", test_time_out);
  ADD ("/publish/mastodon/too-large-photo-rejected", test_too_large_photo);
  ADD ("/publish/mastodon/refuses-more-than-four-photos", test_refuses_five_photos);
  ADD ("/publish/mastodon/refuses-photo-without-alt-text", test_refuses_missing_alt);
  ADD ("/publish/mastodon/already-posted-makes-no-request", test_already_posted);
  ADD ("/publish/mastodon/forgotten-key-finds-earlier-status", test_forgotten_key_finds_status);
  ADD ("/publish/mastodon/forgotten-key-posts-when-not-found", test_forgotten_key_posts_when_not_found);
#undef ADD
  g_test_add ("/publish/mastodon/bad-token-asks-to-reconnect", Fixture, "revoked-token",
              fixture_set_up, test_bad_token, fixture_tear_down);

  return g_test_run ();
}
