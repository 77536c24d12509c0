/* test-publish-bluesky.c: the Bluesky publisher against a stand-in PDS
 * that follows the AT Protocol's documented XRPC methods
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-bluesky-publisher.h"
#include "cs-files-private.h"
#include "cs-image.h"
#include "cs-json.h"
#include "cs-test-publish.h"

#include <stdlib.h>
#include <string.h>

#define HANDLE        "oakfield-primary.bsky.social"
#define DID           "did:plc:oakfield7x2kq4"
#define APP_PASSWORD  "abcd-efgh-ijkl-mnop"
#define SAVED_REFRESH "refresh-saved"
#define POST_NSID     "app.bsky.feed.post"
#define MAX_BLOB      1000000

/* The stand-in PDS */

typedef struct
{
  GMutex      lock;
  CsTestFaults faults;
  guint       sessions;         /* sessions made or refreshed, to name tokens */
  char       *access;           /* the access token the PDS accepts */
  char       *refresh;          /* the refresh token it accepts, once */
  gboolean    access_expired;
  gboolean    always_expired;   /* even fresh access tokens (a clock far off) */
  gboolean    refresh_refused;  /* refreshSession says InvalidToken */
  GPtrArray  *blobs;            /* blob objects returned, as JSON, in order */
  GPtrArray  *blob_bytes;       /* GBytes, in the same order */
  GHashTable *records;          /* rkey → record, as JSON */
} FakePds;

static void
fake_init (FakePds *fake)
{
  g_mutex_init (&fake->lock);
  cs_test_faults_init (&fake->faults);
  /* A session from an earlier run, whose refresh token the server kept. */
  fake->access = g_strdup ("access-saved");
  fake->refresh = g_strdup (SAVED_REFRESH);
  fake->blobs = g_ptr_array_new_with_free_func (g_free);
  fake->blob_bytes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  fake->records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
fake_clear (FakePds *fake)
{
  cs_test_faults_clear (&fake->faults);
  g_free (fake->access);
  g_free (fake->refresh);
  g_ptr_array_unref (fake->blobs);
  g_ptr_array_unref (fake->blob_bytes);
  g_hash_table_unref (fake->records);
  g_mutex_clear (&fake->lock);
}

/* Scripts the call to the XRPC method @nsid after the next @skip. */
static void
fake_add_fault (FakePds         *fake,
                const char      *nsid,
                guint            skip,
                CsTestFaultKind  kind,
                guint            status,
                const char      *body,
                const char      *header,
                const char      *value)
{
  g_autofree char *path = g_strconcat ("/xrpc/", nsid, NULL);

  cs_test_faults_add (&fake->faults, NULL, path, FALSE, skip, kind, status, body, header, value);
}

static void
fake_expire_access (FakePds  *fake,
                    gboolean  refuse_refresh)
{
  g_mutex_lock (&fake->lock);
  fake->access_expired = TRUE;
  fake->refresh_refused = refuse_refresh;
  g_mutex_unlock (&fake->lock);
}

/* As the PDS does with blobs no record points to after a few minutes. */
static void
fake_forget_blobs (FakePds *fake)
{
  g_mutex_lock (&fake->lock);
  g_ptr_array_set_size (fake->blobs, 0);
  g_ptr_array_set_size (fake->blob_bytes, 0);
  g_mutex_unlock (&fake->lock);
}

static guint
fake_count_records (FakePds *fake)
{
  guint n;

  g_mutex_lock (&fake->lock);
  n = g_hash_table_size (fake->records);
  g_mutex_unlock (&fake->lock);
  return n;
}

static JsonNode *
fake_blob (FakePds *fake,
           guint    i)
{
  JsonNode *node;

  g_mutex_lock (&fake->lock);
  g_assert_cmpuint (i, <, fake->blobs->len);
  node = json_from_string (g_ptr_array_index (fake->blobs, i), NULL);
  g_mutex_unlock (&fake->lock);
  return node;
}

static JsonObject *
body_object (const CsTestRequest *request,
             JsonNode           **root)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  *root = NULL;
  if (!json_parser_load_from_data (parser, g_bytes_get_data (request->body, NULL),
                                   g_bytes_get_size (request->body), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  *root = json_node_ref (json_parser_get_root (parser));
  return json_node_get_object (*root);
}

/* Called with the lock held. */
static void
reply_session (FakePds           *fake,
               SoupServerMessage *msg)
{
  g_autofree char *json = NULL;

  fake->sessions++;
  g_free (fake->access);
  fake->access = g_strdup_printf ("access-%u", fake->sessions);
  g_free (fake->refresh);
  fake->refresh = g_strdup_printf ("refresh-%u", fake->sessions);
  fake->access_expired = fake->always_expired;
  json = g_strdup_printf ("{\"accessJwt\":\"%s\",\"refreshJwt\":\"%s\",\"handle\":\"" HANDLE "\","
                          "\"did\":\"" DID "\",\"active\":true}", fake->access, fake->refresh);
  cs_test_reply (msg, 200, json, NULL);
}

static void
create_session (FakePds             *fake,
                SoupServerMessage   *msg,
                const CsTestRequest *request)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *params = body_object (request, &root);
  const char *identifier = params != NULL ? cs_json_get_string (params, "identifier") : NULL;

  if (params == NULL || identifier == NULL)
    {
      cs_test_reply (msg, 400, "{\"error\":\"InvalidRequest\",\"message\":\"Input must have the property "
                     "\\\"identifier\\\"\"}", NULL);
      return;
    }
  if ((g_strcmp0 (identifier, HANDLE) != 0 && g_strcmp0 (identifier, DID) != 0) ||
      g_strcmp0 (cs_json_get_string (params, "password"), APP_PASSWORD) != 0)
    {
      cs_test_reply (msg, 401, "{\"error\":\"AuthenticationRequired\",\"message\":\"Invalid identifier or password\"}",
                     NULL);
      return;
    }
  g_mutex_lock (&fake->lock);
  reply_session (fake, msg);
  g_mutex_unlock (&fake->lock);
}

static void
refresh_session (FakePds             *fake,
                 SoupServerMessage   *msg,
                 const char          *token)
{
  g_mutex_lock (&fake->lock);
  if (fake->refresh_refused || g_strcmp0 (token, fake->refresh) != 0)
    cs_test_reply (msg, 400, "{\"error\":\"InvalidToken\",\"message\":\"Token could not be verified\"}", NULL);
  else
    reply_session (fake, msg);
  g_mutex_unlock (&fake->lock);
}

static void
upload_blob (FakePds             *fake,
             SoupServerMessage   *msg,
             const CsTestRequest *request)
{
  const char *type = soup_message_headers_get_content_type (request->headers, NULL);
  g_autofree char *digest = NULL;
  g_autofree char *blob = NULL;
  g_autofree char *json = NULL;
  gsize size = g_bytes_get_size (request->body);

  if (type == NULL || !g_str_has_prefix (type, "image/") || size == 0)
    {
      cs_test_reply (msg, 400, "{\"error\":\"InvalidRequest\",\"message\":\"Wrong type of file\"}", NULL);
      return;
    }
  digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, request->body);
  blob = g_strdup_printf ("{\"$type\":\"blob\",\"ref\":{\"$link\":\"bafkrei%.52s\"},\"mimeType\":\"%s\","
                          "\"size\":%" G_GSIZE_FORMAT "}", digest, type, size);
  g_mutex_lock (&fake->lock);
  g_ptr_array_add (fake->blobs, g_strdup (blob));
  g_ptr_array_add (fake->blob_bytes, g_bytes_ref (request->body));
  g_mutex_unlock (&fake->lock);
  json = g_strdup_printf ("{\"blob\":%s}", blob);
  cs_test_reply (msg, 200, json, NULL);
}

static gboolean
is_tid (const char *rkey)
{
  if (rkey == NULL || strlen (rkey) != 13 || strchr ("234567abcdefghij", rkey[0]) == NULL)
    return FALSE;
  for (const char *p = rkey; *p != '\0'; p++)
    if (strchr ("234567abcdefghijklmnopqrstuvwxyz", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* Called with the lock held: why the PDS would refuse @record, or NULL. */
static const char *
check_record (FakePds    *fake,
              JsonObject *record)
{
  JsonObject *embed;
  JsonArray *images;

  if (g_strcmp0 (cs_json_get_string (record, "$type"), POST_NSID) != 0 ||
      cs_json_get_string (record, "text") == NULL || cs_json_get_string (record, "createdAt") == NULL)
    return "{\"error\":\"InvalidRequest\",\"message\":\"Invalid app.bsky.feed.post record\"}";
  if (!json_object_has_member (record, "embed"))
    return NULL;

  embed = json_object_get_object_member (record, "embed");
  images = json_object_get_array_member (embed, "images");
  if (g_strcmp0 (cs_json_get_string (embed, "$type"), "app.bsky.embed.images") != 0 || images == NULL ||
      json_array_get_length (images) > 4)
    return "{\"error\":\"InvalidRequest\",\"message\":\"Invalid app.bsky.feed.post record: Record/embed is invalid\"}";
  for (guint i = 0; i < json_array_get_length (images); i++)
    {
      JsonObject *image = json_array_get_object_element (images, i);
      JsonObject *blob = json_object_get_object_member (image, "image");
      g_autofree char *given = json_to_string (json_object_get_member (image, "image"), FALSE);
      gboolean known = FALSE;

      if (cs_json_get_string (image, "alt") == NULL || blob == NULL)
        return "{\"error\":\"InvalidRequest\",\"message\":\"Invalid app.bsky.feed.post record: image must have alt\"}";
      for (guint j = 0; j < fake->blobs->len; j++)
        {
          g_autoptr(JsonNode) stored = json_from_string (g_ptr_array_index (fake->blobs, j), NULL);
          g_autoptr(JsonNode) sent = json_from_string (given, NULL);

          known = known || json_node_equal (stored, sent);
        }
      if (!known)
        return "{\"error\":\"BlobNotFound\",\"message\":\"Could not find blob\"}";
      if (json_object_get_int_member (blob, "size") > MAX_BLOB)
        return "{\"error\":\"InvalidRequest\",\"message\":\"Invalid app.bsky.feed.post record: "
               "Record/embed/images/0/image file too large\"}";
    }
  return NULL;
}

static void
create_record (FakePds             *fake,
               SoupServerMessage   *msg,
               const CsTestRequest *request)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *params = body_object (request, &root);
  JsonObject *record = NULL;
  const char *rkey = NULL;
  const char *refusal = NULL;
  g_autofree char *json = NULL;
  g_autofree char *answer = NULL;

  if (params != NULL)
    {
      rkey = cs_json_get_string (params, "rkey");
      if (json_object_has_member (params, "record"))
        record = json_object_get_object_member (params, "record");
    }

  g_mutex_lock (&fake->lock);
  if (params == NULL || record == NULL)
    refusal = "{\"error\":\"InvalidRequest\",\"message\":\"Input must have the property \\\"record\\\"\"}";
  else if (g_strcmp0 (cs_json_get_string (params, "repo"), DID) != 0)
    refusal = "{\"error\":\"InvalidRequest\",\"message\":\"Could not find repo\"}";
  else if (g_strcmp0 (cs_json_get_string (params, "collection"), POST_NSID) != 0)
    refusal = "{\"error\":\"InvalidRequest\",\"message\":\"Invalid collection\"}";
  else if (!is_tid (rkey))
    refusal = "{\"error\":\"InvalidRequest\",\"message\":\"Invalid record key\"}";
  else if (g_hash_table_contains (fake->records, rkey))
    refusal = "{\"error\":\"InvalidRequest\",\"message\":\"Record already exists\"}";
  else
    refusal = check_record (fake, record);
  if (refusal != NULL)
    {
      g_mutex_unlock (&fake->lock);
      cs_test_reply (msg, 400, refusal, NULL);
      return;
    }

  json = json_to_string (json_object_get_member (params, "record"), FALSE);
  g_hash_table_insert (fake->records, g_strdup (rkey), g_strdup (json));
  g_mutex_unlock (&fake->lock);

  answer = g_strdup_printf ("{\"uri\":\"at://" DID "/" POST_NSID "/%s\",\"cid\":\"bafyreib2rxk3rh6kzwq\","
                            "\"validationStatus\":\"valid\"}", rkey);
  cs_test_reply (msg, 200, answer, NULL);
}

static void
get_record (FakePds             *fake,
            SoupServerMessage   *msg,
            const CsTestRequest *request)
{
  g_autoptr(GHashTable) query = NULL;
  const char *rkey;
  g_autofree char *json = NULL;
  g_autofree char *answer = NULL;

  if (request->query != NULL)
    query = g_uri_parse_params (request->query, -1, "&", G_URI_PARAMS_NONE, NULL);
  if (query == NULL || g_strcmp0 (g_hash_table_lookup (query, "repo"), DID) != 0 ||
      g_strcmp0 (g_hash_table_lookup (query, "collection"), POST_NSID) != 0 ||
      g_hash_table_lookup (query, "rkey") == NULL)
    {
      cs_test_reply (msg, 400, "{\"error\":\"InvalidRequest\",\"message\":\"Could not find repo\"}", NULL);
      return;
    }
  rkey = g_hash_table_lookup (query, "rkey");

  g_mutex_lock (&fake->lock);
  json = g_strdup (g_hash_table_lookup (fake->records, rkey));
  g_mutex_unlock (&fake->lock);
  if (json == NULL)
    {
      answer = g_strdup_printf ("{\"error\":\"RecordNotFound\",\"message\":\"Could not locate record: at://"
                                DID "/" POST_NSID "/%s\"}", rkey);
      cs_test_reply (msg, 400, answer, NULL);
      return;
    }
  answer = g_strdup_printf ("{\"uri\":\"at://" DID "/" POST_NSID "/%s\",\"cid\":\"bafyreib2rxk3rh6kzwq\","
                            "\"value\":%s}", rkey, json);
  cs_test_reply (msg, 200, answer, NULL);
}

static void
pds_cb (CsTestPlatform      *platform,
        SoupServerMessage   *msg,
        const CsTestRequest *request,
        gpointer             data)
{
  FakePds *fake = data;
  const char *authorization = soup_message_headers_get_one (request->headers, "Authorization");
  const char *token = authorization != NULL && g_str_has_prefix (authorization, "Bearer ") ? authorization + 7 : NULL;
  const char *nsid = request->path + strlen ("/xrpc/");
  g_autoptr(CsTestFault) fault = cs_test_faults_take (&fake->faults, request->method, request->path);

  if (fault != NULL && fault->kind == CS_TEST_FAULT_REPLY)
    {
      cs_test_reply (msg, fault->status, fault->body, fault->header, fault->value, NULL);
      return;
    }

  if (g_str_equal (nsid, "com.atproto.server.createSession") && g_str_equal (request->method, "POST"))
    create_session (fake, msg, request);
  else if (g_str_equal (nsid, "com.atproto.server.refreshSession") && g_str_equal (request->method, "POST"))
    refresh_session (fake, msg, token);
  else if (g_str_equal (nsid, "com.atproto.repo.getRecord") && g_str_equal (request->method, "GET"))
    /* Records are public: no session needed, though one may be sent. */
    get_record (fake, msg, request);
  else
    {
      gboolean expired, valid;

      g_mutex_lock (&fake->lock);
      valid = token != NULL && g_strcmp0 (token, fake->access) == 0;
      expired = valid && fake->access_expired;
      g_mutex_unlock (&fake->lock);
      if (expired)
        cs_test_reply (msg, 400, "{\"error\":\"ExpiredToken\",\"message\":\"Token has expired\"}", NULL);
      else if (!valid)
        cs_test_reply (msg, 401, "{\"error\":\"AuthenticationRequired\",\"message\":\"Invalid token\"}", NULL);
      else if (g_str_equal (nsid, "com.atproto.repo.uploadBlob") && g_str_equal (request->method, "POST"))
        upload_blob (fake, msg, request);
      else if (g_str_equal (nsid, "com.atproto.repo.createRecord") && g_str_equal (request->method, "POST"))
        create_record (fake, msg, request);
      else
        cs_test_reply (msg, 501, "{\"error\":\"MethodNotImplemented\",\"message\":\"Method Not Implemented\"}",
                       NULL);
    }

  if (fault != NULL && fault->kind == CS_TEST_FAULT_DROP_AFTER)
    cs_test_drop (msg);
}

/* Fixture */

typedef struct
{
  const char *app_password;
  const char *refresh_jwt;
} Account;

static const Account school = { APP_PASSWORD, NULL };
static const Account saved_session = { APP_PASSWORD, SAVED_REFRESH };
static const Account stale_session = { APP_PASSWORD, "refresh-from-last-year" };
static const Account wrong_password = { "wxyz-wxyz-wxyz-wxyz", NULL };

typedef struct
{
  CsTestPublish   base;
  FakePds         fake;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const Account *account = data;

  cs_test_publish_set_up (&f->base, "cs-publish-bluesky");
  fake_init (&f->fake);
  cs_test_platform_handle (f->base.platform, "/xrpc/", pds_cb, &f->fake);
  cs_test_publish_start (&f->base);
  f->base.publisher = cs_test_publish_pin (&f->base,
                                           cs_bluesky_publisher_new (cs_test_platform_get_url (f->base.platform),
                                                                     HANDLE, account->app_password,
                                                                     account->refresh_jwt));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (g_steal_pointer (&f->base.publisher));
  cs_test_publish_tear_down (&f->base);
  fake_clear (&f->fake);
}

/* Photos */

static GBytes *
encode (CsImage *image,
        int      quality)
{
  g_autoptr(GError) error = NULL;
  GBytes *jpeg = cs_image_encode_jpeg (image, quality, &error);

  g_assert_no_error (error);
  return jpeg;
}

/* Noise hardly compresses, so at high quality this is well over 1 MB. */
static GBytes *
make_large_photo (int width,
                  int height)
{
  g_autoptr(CsImage) image = cs_image_new (width, height);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260302);
  guint8 *pixels = cs_image_get_data (image);
  gsize stride = cs_image_get_stride (image);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width * 3; x++)
      pixels[y * stride + x] = (guint8) g_rand_int_range (rand, 0, 256);
  return encode (image, 97);
}

/* A camera's JPEG: an EXIF segment (with a maker string standing in for
 * the GPS position) right after the start of image. */
static GBytes *
with_exif (GBytes *jpeg)
{
  static const guint8 tiff[] = {
    'M', 'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,  /* big-endian TIFF, first IFD at 8 */
    0x00, 0x00,                                    /* no entries */
    0x00, 0x00, 0x00, 0x00,                        /* no next IFD */
    'O', 'a', 'k', 'f', 'i', 'e', 'l', 'd', ' ', 'G', 'P', 'S',
  };
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);
  GByteArray *out = g_byte_array_new ();
  guint segment = 2 + 6 + sizeof tiff;
  guint8 header[] = { 0xFF, 0xE1, segment >> 8, segment & 0xFF, 'E', 'x', 'i', 'f', 0, 0 };

  g_byte_array_append (out, data, 2);
  g_byte_array_append (out, header, sizeof header);
  g_byte_array_append (out, tiff, sizeof tiff);
  g_byte_array_append (out, data + 2, len - 2);
  return g_byte_array_free_to_bytes (out);
}

/* Whether @jpeg has an APP1 segment holding EXIF. In the compressed data
 * a 0xFF is always followed by 0x00 or a restart marker, so 0xFF 0xE1
 * can only be a segment. */
static gboolean
has_exif (GBytes *jpeg)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);

  for (gsize i = 0; i + 10 <= len; i++)
    if (data[i] == 0xFF && data[i + 1] == 0xE1 && memcmp (data + i + 4, "Exif", 4) == 0)
      return TRUE;
  return FALSE;
}

static CsPublishJob *
make_job (const char *text,
          const char *key,
          guint       n_photos)
{
  return cs_test_publish_new_job (NULL, text, key, n_photos, cs_test_make_photo, NULL, 0,
                                  "Year 2 reading outside with their buddies");
}

static void
assert_call (const CsTestRequest *request,
             const char          *method,
             const char          *nsid)
{
  g_autofree char *path = g_strconcat ("/xrpc/", nsid, NULL);

  g_assert_cmpstr (request->method, ==, method);
  g_assert_cmpstr (request->path, ==, path);
}

static guint
calls (Fixture    *f,
       const char *method,
       const char *nsid)
{
  g_autofree char *path = g_strconcat ("/xrpc/", nsid, NULL);

  return cs_test_platform_count (f->base.platform, method, path);
}

static guint
n_requests (Fixture *f)
{
  g_autoptr(GPtrArray) requests = cs_test_platform_get_requests (f->base.platform);

  return requests->len;
}

/* The last createRecord's record. */
static JsonObject *
last_record (Fixture   *f,
             JsonNode **root,
             char     **rkey)
{
  g_autoptr(GPtrArray) requests = cs_test_platform_get_requests (f->base.platform);

  for (guint i = requests->len; i > 0; i--)
    {
      const CsTestRequest *request = g_ptr_array_index (requests, i - 1);

      if (g_str_equal (request->path, "/xrpc/com.atproto.repo.createRecord"))
        {
          JsonObject *params;

          *root = cs_test_request_json (request);
          params = json_node_get_object (*root);
          if (rkey != NULL)
            *rkey = g_strdup (cs_json_get_string (params, "rkey"));
          return json_object_get_object_member (params, "record");
        }
    }
  g_assert_not_reached ();
  return NULL;
}

/* The time a TID was made, in microseconds since 1970. */
static gint64
tid_time (const char *tid)
{
  static const char alphabet[] = "234567abcdefghijklmnopqrstuvwxyz";
  guint64 value = 0;

  for (const char *p = tid; *p != '\0'; p++)
    value = (value << 5) | (guint64) (strchr (alphabet, *p) - alphabet);
  return (gint64) (value >> 10);
}

/* Tests */

static void
test_posts_photos (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Year 2 read with their Year 6 buddies in the sunshine.", "delivery-1", 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonObject) secrets = NULL;
  g_autofree char *rkey = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GRegex) iso = g_regex_new ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$", 0, 0, NULL);
  gint64 before = g_get_real_time ();
  JsonObject *record, *embed;
  JsonArray *langs, *images;
  gint64 after;

  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);
  after = g_get_real_time ();

  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpuint (requests->len, ==, 4);
  assert_call (cs_test_nth_request (requests, 0), "POST", "com.atproto.server.createSession");
  for (guint i = 0; i < 2; i++)
    {
      const CsTestRequest *upload = cs_test_nth_request (requests, 1 + i);
      const CsPublishPhoto *photo = g_ptr_array_index (job->photos, i);

      assert_call (upload, "POST", "com.atproto.repo.uploadBlob");
      g_assert_cmpstr (soup_message_headers_get_one (upload->headers, "Authorization"), ==, "Bearer access-1");
      g_assert_cmpstr (soup_message_headers_get_content_type (upload->headers, NULL), ==, "image/jpeg");
      /* Small and clean already, so sent exactly as approved. */
      g_assert_true (g_bytes_equal (upload->body, photo->jpeg));
    }
  assert_call (cs_test_nth_request (requests, 3), "POST", "com.atproto.repo.createRecord");
  g_assert_cmpstr (soup_message_headers_get_one (cs_test_nth_request (requests, 3)->headers, "Authorization"), ==, "Bearer access-1");

  record = last_record (f, &root, &rkey);
  g_assert_cmpstr (cs_json_get_string (json_node_get_object (root), "repo"), ==, DID);
  g_assert_cmpstr (cs_json_get_string (json_node_get_object (root), "collection"), ==, POST_NSID);
  g_assert_true (is_tid (rkey));
  g_assert_cmpint (tid_time (rkey), >=, before);
  g_assert_cmpint (tid_time (rkey), <=, after);
  g_assert_cmpstr (cs_publish_job_recall (job, "rkey"), ==, rkey);

  g_assert_cmpstr (cs_json_get_string (record, "$type"), ==, POST_NSID);
  g_assert_cmpstr (cs_json_get_string (record, "text"), ==, job->text);
  g_assert_true (g_regex_match (iso, cs_json_get_string (record, "createdAt"), 0, NULL));
  langs = json_object_get_array_member (record, "langs");
  g_assert_cmpuint (json_array_get_length (langs), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (langs, 0), ==, "en-GB");
  g_assert_false (json_object_has_member (record, "facets"));

  embed = json_object_get_object_member (record, "embed");
  g_assert_cmpstr (cs_json_get_string (embed, "$type"), ==, "app.bsky.embed.images");
  images = json_object_get_array_member (embed, "images");
  g_assert_cmpuint (json_array_get_length (images), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *image = json_array_get_object_element (images, i);
      const CsPublishPhoto *photo = g_ptr_array_index (job->photos, i);
      g_autoptr(JsonNode) blob = fake_blob (&f->fake, i);

      g_assert_cmpstr (cs_json_get_string (image, "alt"), ==, photo->alt);
      g_assert_true (json_node_equal (json_object_get_member (image, "image"), blob));
    }

  uri = g_strdup_printf ("at://" DID "/" POST_NSID "/%s", rkey);
  g_assert_cmpstr (job->remote_id, ==, uri);
  g_assert_cmpstr (cs_publish_job_recall (job, "uri"), ==, uri);
  g_assert_true (g_str_has_prefix (job->url, "https://bsky.app/profile/" HANDLE "/post/"));
  g_assert_true (g_str_has_suffix (job->url, rkey));
  g_assert_nonnull (cs_publish_job_recall (job, "blob-0"));
  g_assert_nonnull (cs_publish_job_recall (job, "blob-1"));
  g_assert_cmpuint (fake_count_records (&f->fake), ==, 1);

  /* The new refresh token, for the server to keep. */
  secrets = cs_publisher_take_changed_secrets (f->base.publisher);
  g_assert_nonnull (secrets);
  g_assert_cmpstr (cs_json_get_string (secrets, "refresh_jwt"), ==, "refresh-1");
  g_assert_cmpstr (cs_json_get_string (secrets, "app_password"), ==, APP_PASSWORD);
}

static void
test_session_once (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CsPublishJob) first = make_job ("Well done to our netball team!", "delivery-1", 1);
  g_autoptr(CsPublishJob) second = make_job ("Cake sale on Friday after school.", "delivery-2", 0);
  g_autoptr(GError) error = NULL;

  g_assert_true (cs_publisher_publish (f->base.publisher, first, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cs_publisher_publish (f->base.publisher, second, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (calls (f, "POST", "com.atproto.server.createSession"), ==, 1);
  g_assert_cmpuint (calls (f, "POST", "com.atproto.server.refreshSession"), ==, 0);
  g_assert_cmpuint (calls (f, "POST", "com.atproto.repo.createRecord"), ==, 2);
  g_assert_cmpuint (fake_count_records (&f->fake), ==, 2);
  g_assert_cmpstr (cs_publish_job_recall (first, "rkey"), !=, cs_publish_job_recall (second, "rkey"));
}

static void
test_saved_session (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Harvest festival donations are in the hall.", "delivery-1", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(JsonObject) secrets = NULL;

  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);

  /* The kept refresh token, not the password: no sign-in spent. */
  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpuint (requests->len, ==, 2);
  assert_call (cs_test_nth_request (requests, 0), "POST", "com.atproto.server.refreshSession");
  g_assert_cmpstr (soup_message_headers_get_one (cs_test_nth_request (requests, 0)->headers, "Authorization"), ==,
                   "Bearer " SAVED_REFRESH);
  assert_call (cs_test_nth_request (requests, 1), "POST", "com.atproto.repo.createRecord");
  secrets = cs_publisher_take_changed_secrets (f->base.publisher);
  g_assert_cmpstr (cs_json_get_string (secrets, "refresh_jwt"), ==, "refresh-1");
}

static void
test_stale_saved_session (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Harvest festival donations are in the hall.", "delivery-1", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;

  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);

  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpuint (requests->len, ==, 3);
  assert_call (cs_test_nth_request (requests, 0), "POST", "com.atproto.server.refreshSession");
  assert_call (cs_test_nth_request (requests, 1), "POST", "com.atproto.server.createSession");
  assert_call (cs_test_nth_request (requests, 2), "POST", "com.atproto.repo.createRecord");
}

static void
test_expired_token_refreshed_once (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(CsPublishJob) first = make_job ("Open morning for new parents on Thursday.", "delivery-1", 0);
  g_autoptr(CsPublishJob) second = make_job ("Thank you for coming to the open morning!", "delivery-2", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(JsonObject) secrets = NULL;
  guint before;

  g_assert_true (cs_publisher_publish (f->base.publisher, first, NULL, &error));
  g_assert_no_error (error);
  secrets = cs_publisher_take_changed_secrets (f->base.publisher);
  g_assert_cmpstr (cs_json_get_string (secrets, "refresh_jwt"), ==, "refresh-1");
  g_clear_pointer (&secrets, json_object_unref);

  fake_expire_access (&f->fake, FALSE);
  before = n_requests (f);
  g_assert_true (cs_publisher_publish (f->base.publisher, second, NULL, &error));
  g_assert_no_error (error);

  /* Refused as expired, one refresh with the refresh token, then the
   * same call again with the new access token. */
  requests = cs_test_platform_get_requests (f->base.platform);
  g_assert_cmpuint (requests->len, ==, before + 3);
  assert_call (cs_test_nth_request (requests, before), "POST", "com.atproto.repo.createRecord");
  g_assert_cmpstr (soup_message_headers_get_one (cs_test_nth_request (requests, before)->headers, "Authorization"), ==,
                   "Bearer access-1");
  assert_call (cs_test_nth_request (requests, before + 1), "POST", "com.atproto.server.refreshSession");
  g_assert_cmpstr (soup_message_headers_get_one (cs_test_nth_request (requests, before + 1)->headers, "Authorization"), ==,
                   "Bearer refresh-1");
  assert_call (cs_test_nth_request (requests, before + 2), "POST", "com.atproto.repo.createRecord");
  g_assert_cmpstr (soup_message_headers_get_one (cs_test_nth_request (requests, before + 2)->headers, "Authorization"), ==,
                   "Bearer access-2");
  g_assert_cmpuint (calls (f, "POST", "com.atproto.server.createSession"), ==, 1);
  g_assert_cmpuint (fake_count_records (&f->fake), ==, 2);

  secrets = cs_publisher_take_changed_secrets (f->base.publisher);
  g_assert_cmpstr (cs_json_get_string (secrets, "refresh_jwt"), ==, "refresh-2");
}

static void
test_refused_refresh (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CsPublishJob) first = make_job ("Open morning for new parents on Thursday.", "delivery-1", 0);
  g_autoptr(CsPublishJob) second = make_job ("Thank you for coming to the open morning!", "delivery-2", 1);
  g_autoptr(GError) error = NULL;
  guint before;

  g_assert_true (cs_publisher_publish (f->base.publisher, first, NULL, &error));
  g_assert_no_error (error);

  fake_expire_access (&f->fake, TRUE);
  before = n_requests (f);
  g_assert_false (cs_publisher_publish (f->base.publisher, second, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REAUTH);
  g_assert_nonnull (strstr (error->message, "Token could not be verified"));
  g_assert_nonnull (strstr (error->message, "app password"));

  /* One upload refused, one refresh refused, and nothing more. */
  g_assert_cmpuint (n_requests (f), ==, before + 2);
  g_assert_cmpuint (calls (f, "POST", "com.atproto.repo.uploadBlob"), ==, 1);
  g_assert_cmpuint (calls (f, "POST", "com.atproto.server.refreshSession"), ==, 1);
  g_assert_cmpuint (calls (f, "POST", "com.atproto.server.createSession"), ==, 1);
  g_assert_cmpuint (fake_count_records (&f->fake), ==, 1);
}

static void
test_still_expired_after_refresh (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Open morning for new parents on Thursday.", "delivery-1", 0);
  g_autoptr(GError) error = NULL;

  /* Every token the PDS hands out is already expired to it. */
  f->fake.always_expired = TRUE;
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REAUTH);
  g_assert_nonnull (strstr (error->message, "Token has expired"));

  /* Tried, refreshed once, tried again, and stopped. */
  g_assert_cmpuint (n_requests (f), ==, 4);
  g_assert_cmpuint (calls (f, "POST", "com.atproto.server.createSession"), ==, 1);
  g_assert_cmpuint (calls (f, "POST", "com.atproto.server.refreshSession"), ==, 1);
  g_assert_cmpuint (calls (f, "POST", "com.atproto.repo.createRecord"), ==, 2);
  g_assert_cmpuint (fake_count_records (&f->fake), ==, 0);
}

static void
test_wrong_password (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Swimming lessons start next week.", "delivery-1", 0);
  g_autoptr(GError) error = NULL;

  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REAUTH);
  g_assert_nonnull (strstr (error->message, "Bluesky no longer accepts the school's app password"));
  g_assert_nonnull (strstr (error->message, "Invalid identifier or password"));
  g_assert_cmpuint (n_requests (f), ==, 1);
}

static void
test_large_photo_downscaled (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = cs_publish_job_new ("Our new mural is finished!", "delivery-1");
  g_autoptr(GBytes) large = make_large_photo (1400, 1050);
  g_autoptr(GBytes) small = cs_test_make_photo (1);
  g_autoptr(GBytes) camera = with_exif (small);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  guint uploads = 0;

  /* The test's own photos are what they claim to be. */
  g_assert_cmpuint (g_bytes_get_size (large), >, MAX_BLOB);
  g_assert_false (has_exif (large));
  g_assert_true (has_exif (camera));
  g_assert_cmpuint (g_bytes_get_size (camera), <, MAX_BLOB);

  cs_publish_job_add_photo (job, large, "The whole mural: a river running through the seasons");
  cs_publish_job_add_photo (job, camera, "A close-up of the kingfisher painted by Year 5");
  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);

  requests = cs_test_platform_get_requests (f->base.platform);
  for (guint i = 0; i < requests->len; i++)
    {
      const CsTestRequest *request = g_ptr_array_index (requests, i);
      g_autoptr(CsImage) image = NULL;

      if (!g_str_equal (request->path, "/xrpc/com.atproto.repo.uploadBlob"))
        continue;

      /* The JPEG itself as the body, not a form. */
      g_assert_cmpstr (soup_message_headers_get_content_type (request->headers, NULL), ==, "image/jpeg");
      g_assert_cmpuint (g_bytes_get_size (request->body), <=, MAX_BLOB);
      g_assert_cmpuint (((const guint8 *) g_bytes_get_data (request->body, NULL))[0], ==, 0xFF);
      g_assert_cmpuint (((const guint8 *) g_bytes_get_data (request->body, NULL))[1], ==, 0xD8);
      g_assert_false (has_exif (request->body));
      image = cs_image_load_bytes (request->body, "upload.jpg", &error);
      g_assert_no_error (error);

      if (uploads == 0)
        {
          /* Smaller, the same shape. */
          g_assert_cmpint (cs_image_get_width (image), <, 1400);
          g_assert_cmpint (cs_image_get_width (image), >=, 320);
          g_assert_cmpint (abs (cs_image_get_width (image) * 3 - cs_image_get_height (image) * 4), <=, 4);
        }
      else
        {
          /* Small enough already: only the metadata went. */
          g_assert_cmpint (cs_image_get_width (image), ==, 64);
          g_assert_cmpint (cs_image_get_height (image), ==, 48);
        }
      uploads++;
    }
  g_assert_cmpuint (uploads, ==, 2);
  g_assert_cmpuint (fake_count_records (&f->fake), ==, 1);
}

static void
test_retry_keeps_uploaded_photos (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Year 4 made volcanoes for science week.", "delivery-1", 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *first_blob = NULL;
  JsonArray *images;
  guint uploads = 0;

  /* The second photo's upload fails; the first is on the PDS. */
  fake_add_fault (&f->fake, "com.atproto.repo.uploadBlob", 1, CS_TEST_FAULT_REPLY, 500,
                  "{\"error\":\"InternalServerError\",\"message\":\"Internal Server Error\"}", NULL, NULL);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_assert_nonnull (cs_publish_job_recall (job, "blob-0"));
  g_assert_null (cs_publish_job_recall (job, "blob-1"));
  first_blob = g_strdup (cs_publish_job_recall (job, "blob-0"));
  g_clear_error (&error);

  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);

  /* Photo 1 once, photo 2 twice (once refused), photo 3 once. */
  g_assert_cmpuint (calls (f, "POST", "com.atproto.repo.uploadBlob"), ==, 4);
  requests = cs_test_platform_get_requests (f->base.platform);
  for (guint i = 0; i < requests->len; i++)
    {
      const CsTestRequest *request = g_ptr_array_index (requests, i);
      const guint photo_sent[] = { 0, 1, 1, 2 };

      if (!g_str_equal (request->path, "/xrpc/com.atproto.repo.uploadBlob"))
        continue;
      g_assert_true (g_bytes_equal (request->body,
                                    ((CsPublishPhoto *) g_ptr_array_index (job->photos, photo_sent[uploads]))->jpeg));
      uploads++;
    }
  g_assert_cmpstr (cs_publish_job_recall (job, "blob-0"), ==, first_blob);

  images = json_object_get_array_member (json_object_get_object_member (last_record (f, &root, NULL), "embed"),
                                         "images");
  g_assert_cmpuint (json_array_get_length (images), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonNode) blob = fake_blob (&f->fake, i);

      g_assert_true (json_node_equal (json_object_get_member (json_array_get_object_element (images, i), "image"),
                                      blob));
    }
  g_assert_cmpuint (fake_count_records (&f->fake), ==, 1);
}

static void
test_forgotten_blobs_uploaded_again (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Reception's teddy bears' picnic.", "delivery-1", 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *images;

  /* The post waits for a rate limit; meanwhile the PDS drops the
   * photos no record points to. */
  fake_add_fault (&f->fake, "com.atproto.repo.createRecord", 0, CS_TEST_FAULT_REPLY, 429,
                  "{\"error\":\"RateLimitExceeded\",\"message\":\"Rate Limit Exceeded\"}", NULL, NULL);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_clear_error (&error);
  fake_forget_blobs (&f->fake);

  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (calls (f, "POST", "com.atproto.repo.uploadBlob"), ==, 4);
  g_assert_cmpuint (calls (f, "POST", "com.atproto.repo.createRecord"), ==, 3);
  g_assert_cmpuint (fake_count_records (&f->fake), ==, 1);
  images = json_object_get_array_member (json_object_get_object_member (last_record (f, &root, NULL), "embed"),
                                         "images");
  g_assert_cmpuint (json_array_get_length (images), ==, 2);
}

static void
test_link_facets (Fixture       *f,
                  gconstpointer  data)
{
  const char *text = "Summer fête at the café: £5 a family 🎉🇬🇧 tickets at https://oakfield.sch.uk/fete and "
                     "the menu at www.oakfield.sch.uk/menu.";
  const char *first = strstr (text, "https://");
  const char *second = strstr (text, "www.");
  g_autoptr(CsPublishJob) job = make_job (text, "delivery-1", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *record;
  JsonArray *facets;
  struct { gsize start, end; const char *uri; } expected[] = {
    { first - text, first - text + strlen ("https://oakfield.sch.uk/fete"), "https://oakfield.sch.uk/fete" },
    { second - text, second - text + strlen ("www.oakfield.sch.uk/menu"), "https://www.oakfield.sch.uk/menu" },
  };

  /* Counted in characters the first link would start 12 places earlier:
   * each of ê, é and £ adds one byte, 🎉 three and the flag six. */
  g_assert_cmpint (expected[0].start - g_utf8_pointer_to_offset (text, first), ==, 12);

  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);

  record = last_record (f, &root, NULL);
  facets = json_object_get_array_member (record, "facets");
  g_assert_cmpuint (json_array_get_length (facets), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      JsonObject *facet = json_array_get_object_element (facets, i);
      JsonObject *index = json_object_get_object_member (facet, "index");
      JsonArray *features = json_object_get_array_member (facet, "features");
      JsonObject *feature;

      g_assert_cmpint (json_object_get_int_member (index, "byteStart"), ==, expected[i].start);
      g_assert_cmpint (json_object_get_int_member (index, "byteEnd"), ==, expected[i].end);
      g_assert_cmpuint (json_array_get_length (features), ==, 1);
      feature = json_array_get_object_element (features, 0);
      g_assert_cmpstr (cs_json_get_string (feature, "$type"), ==, "app.bsky.richtext.facet#link");
      g_assert_cmpstr (cs_json_get_string (feature, "uri"), ==, expected[i].uri);
    }
}

static void
test_grapheme_limit (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) wide = g_string_new (NULL);
  g_autoptr(CsPublishJob) fits = NULL;
  g_autoptr(CsPublishJob) over = NULL;
  g_autoptr(CsPublishJob) heavy = NULL;
  g_autoptr(GError) error = NULL;

  /* 300 graphemes that are more than 300 code points: e with a
   * combining accent, a flag (two code points) and plain letters. */
  for (guint i = 0; i < 100; i++)
    g_string_append (text, "e\xcc\x81" "\xf0\x9f\x87\xac\xf0\x9f\x87\xa7" "a");
  g_assert_cmpuint (g_utf8_strlen (text->str, -1), ==, 500);
  fits = make_job (text->str, "delivery-1", 0);
  g_string_append_c (text, 'a');
  over = make_job (text->str, "delivery-2", 0);
  /* 200 family emoji: few graphemes, but 25 bytes each. */
  for (guint i = 0; i < 200; i++)
    g_string_append (wide, "👨‍👩‍👧‍👦");
  heavy = make_job (wide->str, "delivery-3", 0);

  g_assert_false (cs_publisher_publish (f->base.publisher, over, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "301 characters"));
  g_clear_error (&error);
  g_assert_false (cs_publisher_publish (f->base.publisher, heavy, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "5000 bytes"));
  g_clear_error (&error);
  g_assert_cmpuint (n_requests (f), ==, 0);

  g_assert_true (cs_publisher_publish (f->base.publisher, fits, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_count_records (&f->fake), ==, 1);
}

static void
test_lost_answer_posts_once (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Year 3 visited the Roman villa today.", "delivery-1", 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autofree char *uri = NULL;
  const char *rkey;

  /* The PDS writes the record, but the answer is lost on the way. */
  fake_add_fault (&f->fake, "com.atproto.repo.createRecord", 0, CS_TEST_FAULT_DROP_AFTER, 0, NULL, NULL, NULL);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_assert_cmpuint (fake_count_records (&f->fake), ==, 1);
  rkey = cs_publish_job_recall (job, "rkey");
  g_assert_nonnull (rkey);
  g_clear_error (&error);

  job->resumed = TRUE;
  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);

  /* Found where it was written, not written again, photo not re-sent. */
  g_assert_cmpuint (fake_count_records (&f->fake), ==, 1);
  g_assert_cmpuint (calls (f, "POST", "com.atproto.repo.createRecord"), ==, 1);
  g_assert_cmpuint (calls (f, "POST", "com.atproto.repo.uploadBlob"), ==, 1);
  g_assert_cmpuint (calls (f, "GET", "com.atproto.repo.getRecord"), ==, 1);
  requests = cs_test_platform_get_requests (f->base.platform);
  {
    const CsTestRequest *lookup = cs_test_nth_request (requests, requests->len - 1);
    g_autoptr(GHashTable) query = g_uri_parse_params (lookup->query, -1, "&", G_URI_PARAMS_NONE, NULL);

    assert_call (lookup, "GET", "com.atproto.repo.getRecord");
    g_assert_cmpstr (g_hash_table_lookup (query, "repo"), ==, DID);
    g_assert_cmpstr (g_hash_table_lookup (query, "collection"), ==, POST_NSID);
    g_assert_cmpstr (g_hash_table_lookup (query, "rkey"), ==, rkey);
  }
  uri = g_strdup_printf ("at://" DID "/" POST_NSID "/%s", rkey);
  g_assert_cmpstr (job->remote_id, ==, uri);
  g_assert_true (g_str_has_suffix (job->url, rkey));
}

static void
test_resumed_without_record (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Book week costumes tomorrow!", "delivery-1", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *rkey = NULL;
  g_autofree char *created_at = NULL;
  JsonObject *record;

  /* This time the PDS failed before writing anything. */
  fake_add_fault (&f->fake, "com.atproto.repo.createRecord", 0, CS_TEST_FAULT_REPLY, 502,
                  "{\"error\":\"UpstreamFailure\",\"message\":\"Upstream Failure\"}", NULL, NULL);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_assert_cmpuint (fake_count_records (&f->fake), ==, 0);
  record = last_record (f, &root, &rkey);
  created_at = g_strdup (cs_json_get_string (record, "createdAt"));
  g_clear_pointer (&root, json_node_unref);
  g_clear_error (&error);

  job->resumed = TRUE;
  g_assert_true (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (calls (f, "GET", "com.atproto.repo.getRecord"), ==, 1);
  g_assert_cmpuint (calls (f, "POST", "com.atproto.repo.createRecord"), ==, 2);
  g_assert_cmpuint (fake_count_records (&f->fake), ==, 1);

  /* The same record at the same key, as first tried. */
  {
    g_autofree char *again = NULL;

    record = last_record (f, &root, &again);
    g_assert_cmpstr (again, ==, rkey);
    g_assert_cmpstr (cs_json_get_string (record, "createdAt"), ==, created_at);
  }
}

static void
test_rate_limited (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Sports relief fun run.", "delivery-1", 1);
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *reset = g_strdup_printf ("%" G_GINT64_FORMAT, now + 120);

  fake_add_fault (&f->fake, "com.atproto.repo.uploadBlob", 0, CS_TEST_FAULT_REPLY, 429,
                  "{\"error\":\"RateLimitExceeded\",\"message\":\"Rate Limit Exceeded\"}",
                  "RateLimit-Reset", reset);
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY);
  g_assert_nonnull (strstr (error->message, "asked for a pause"));
  g_assert_cmpint (job->retry_at, ==, now + 120);
  g_assert_cmpuint (calls (f, "POST", "com.atproto.repo.createRecord"), ==, 0);
}

static void
test_refuses_five_photos (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("Too many photos.", "delivery-1", 5);
  g_autoptr(GError) error = NULL;

  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "at most 4 photos"));
  g_assert_cmpuint (n_requests (f), ==, 0);
}

static void
test_refuses_missing_alt (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = make_job ("A photo nobody described.", "delivery-1", 0);
  g_autoptr(GBytes) jpeg = cs_test_make_photo (2);
  g_autoptr(GError) error = NULL;

  cs_publish_job_add_photo (job, jpeg, "");
  g_assert_false (cs_publisher_publish (f->base.publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "Photo 1 has no description"));
  g_assert_cmpuint (n_requests (f), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, account, func) \
  g_test_add (path, Fixture, &account, fixture_set_up, func, fixture_tear_down)
  ADD ("/publish/bluesky/posts-photos-with-alt-text-and-blobs", school, test_posts_photos);
  ADD ("/publish/bluesky/session-made-once-for-two-posts", school, test_session_once);
  ADD ("/publish/bluesky/saved-refresh-token-used-before-signing-in", saved_session, test_saved_session);
  ADD ("/publish/bluesky/stale-saved-refresh-token-falls-back-to-sign-in", stale_session, test_stale_saved_session);
  ADD ("/publish/bluesky/expired-token-refreshed-once", school, test_expired_token_refreshed_once);
  ADD ("/publish/bluesky/refused-refresh-asks-to-reconnect", school, test_refused_refresh);
  ADD ("/publish/bluesky/still-expired-after-refresh-stops", school, test_still_expired_after_refresh);
  ADD ("/publish/bluesky/wrong-app-password-asks-to-reconnect", wrong_password, test_wrong_password);
  ADD ("/publish/bluesky/large-photo-downscaled-without-exif", school, test_large_photo_downscaled);
  ADD ("/publish/bluesky/link-facets-count-bytes", school, test_link_facets);
  ADD ("/publish/bluesky/300-graphemes-pass-301-refused", school, test_grapheme_limit);
  ADD ("/publish/bluesky/retry-after-lost-answer-posts-once", school, test_lost_answer_posts_once);
  ADD ("/publish/bluesky/resumed-without-record-creates-it", school, test_resumed_without_record);
  ADD ("/publish/bluesky/retry-does-not-reupload-photos", school, test_retry_keeps_uploaded_photos);
  ADD ("/publish/bluesky/forgotten-photos-uploaded-again", school, test_forgotten_blobs_uploaded_again);
  ADD ("/publish/bluesky/rate-limited-waits-for-reset", school, test_rate_limited);
  ADD ("/publish/bluesky/refuses-more-than-four-photos", school, test_refuses_five_photos);
  ADD ("/publish/bluesky/refuses-photo-without-alt-text", school, test_refuses_missing_alt);
#undef ADD

  return g_test_run ();
}
