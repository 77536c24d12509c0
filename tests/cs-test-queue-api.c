/* cs-test-queue-api.c: the queue server's API as the tests call it
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-test-queue-api.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cs-image.h"

const char cs_api_roster_csv[] =
  "id,forename,surname,class,role,photo_consent,name_consent\n"
  "P001,Poppy,Whitlow,Year 2,pupil,yes,no\n"
  "P002,Idris,Fenwick,Year 4,pupil,no,no\n"
  "P003,Maisie,Oduya,Year 5,pupil,never,no\n";


const char *
cs_api_postgres (void)
{
  const char *conninfo = g_getenv ("CS_TEST_POSTGRES");

  return conninfo != NULL && *conninfo != '\0' ? conninfo : NULL;
}

/* A raw connection to the test's database, for changing it behind the
 * store's back. */
CsDb *
cs_api_open_raw (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "queue.db", NULL);
  CsDb *db = cs_api_postgres () != NULL ? cs_db_open_postgres (cs_api_postgres (), &error) : cs_db_open_sqlite (path, &error);

  g_assert_no_error (error);
  return db;
}

/* An empty store: a new SQLite file, or PostgreSQL emptied of the
 * previous test's tables. */
CsQueueStore *
cs_api_open_store (const char *dir,
                   gboolean    empty)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "queue.db", NULL);
  CsQueueStore *store;

  if (cs_api_postgres () != NULL)
    {
      if (empty)
        {
          CsDb *db = cs_api_open_raw (dir);

          g_assert_true (cs_db_exec (db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;", &error));
          g_assert_no_error (error);
          cs_db_close (db);
        }
      store = cs_queue_store_open_postgres (cs_api_postgres (), &error);
    }
  else
    store = cs_queue_store_open_sqlite (path, &error);
  g_assert_no_error (error);
  return store;
}

void
cs_api_start_server (CsApiFixture *f)
{
  f->server = cs_test_server_start (f->store, 0, f->max_body, f->rate);
  f->port = cs_test_server_get_port (f->server);
}

void
cs_api_fixture_open (CsApiFixture *f)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("queue-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = cs_api_open_store (f->dir, TRUE);

  if (!cs_queue_store_add_school (f->store, "larkfield", "Larkfield Primary", &error)) g_error ("%s", error->message);
}

void
cs_api_fixture_setup (CsApiFixture  *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) roster = g_bytes_new_static (cs_api_roster_csv, strlen (cs_api_roster_csv));

  cs_api_fixture_open (f);
  g_assert_true (cs_queue_store_add_school (f->store, "brook", "Brook Infants", &error));
  g_assert_true (cs_queue_store_set_roster (f->store, "larkfield", roster, 0, &error));
  f->staff = cs_queue_store_add_user (f->store, "larkfield", "sam", CS_USER_STAFF, NULL, &error);
  f->staff2 = cs_queue_store_add_user (f->store, "larkfield", "tom", CS_USER_STAFF, NULL, &error);
  f->head = cs_queue_store_add_user (f->store, "larkfield", "hana", CS_USER_HEAD, NULL, &error);
  f->admin = cs_queue_store_add_user (f->store, "larkfield", "ada", CS_USER_ADMIN, NULL, &error);
  f->other = cs_queue_store_add_user (f->store, "brook", "bob", CS_USER_HEAD, NULL, &error);
  g_assert_no_error (error);

  f->max_body = data != NULL ? GPOINTER_TO_SIZE (data) : 4 * 1024 * 1024;
  f->rate = 6000;
  f->session = soup_session_new ();
  cs_api_start_server (f);
}

void
cs_api_fixture_teardown (CsApiFixture  *f,
                         gconstpointer  data)
{
  cs_test_server_stop (f->server);
  g_clear_object (&f->session);
  /* A worker thread lets go of its task (and so the server and store) a
   * moment after the reply it computed has gone out. */
  {
    gpointer store = f->store;

    g_object_add_weak_pointer (store, &store);
    g_clear_object (&f->store);
    for (int i = 0; i < 2000 && store != NULL; i++)
      g_usleep (1000);
    g_assert_null (store);
  }
  cs_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->staff);
  g_free (f->staff2);
  g_free (f->head);
  g_free (f->admin);
  g_free (f->other);
  g_free (f->key_path);
  g_free (f->export_dir);
}


void
cs_api_reply_free (CsApiReply *r)
{
  g_clear_pointer (&r->body, g_bytes_unref);
  g_clear_pointer (&r->json, json_node_unref);
  g_clear_object (&r->msg);
  g_free (r);
}


CsApiReply *
cs_api_send (CsApiFixture *f,
             SoupMessage  *msg,
             const char   *token)
{
  g_autoptr(GError) error = NULL;
  CsApiReply *r = g_new0 (CsApiReply, 1);
  const char *type;

  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  r->body = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  r->status = soup_message_get_status (msg);
  r->msg = msg;
  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  if (g_strcmp0 (type, "application/json") == 0)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body));

      r->json = json_from_string (text, &error);
      g_assert_no_error (error);
    }
  return r;
}

SoupMessage *
cs_api_new_message (CsApiFixture *f,
                    const char   *method,
                    const char   *path)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u/api/v1%s", f->port, path);

  return soup_message_new (method, uri);
}

CsApiReply *
cs_api_request (CsApiFixture *f,
                const char   *method,
                const char   *path,
                const char   *token,
                const char   *json)
{
  SoupMessage *msg = cs_api_new_message (f, method, path);

  if (json != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }
  return cs_api_send (f, msg, token);
}

const char *
cs_api_member (CsApiReply *r,
               const char *name)
{
  g_assert_nonnull (r->json);
  return json_object_get_string_member (json_node_get_object (r->json), name);
}

gint64
cs_api_submit_text (CsApiFixture *f,
                    const char   *token,
                    const char   *text)
{
  g_autofree char *json = g_strdup_printf ("{\"text\":\"%s\",\"platforms\":[\"x\",\"mastodon\"]}", text);
  g_autoptr(CsApiReply) r = cs_api_request (f, "POST", "/posts", token, json);

  g_assert_cmpuint (r->status, ==, 201);
  g_assert_cmpstr (cs_api_member (r, "state"), ==, "pending");
  return json_object_get_int_member (json_node_get_object (r->json), "id");
}

guint
cs_api_count_posts (CsApiFixture *f,
                    const char   *token,
                    const char   *query)
{
  g_autofree char *path = g_strdup_printf ("/posts%s", query);
  g_autoptr(CsApiReply) r = cs_api_request (f, "GET", path, token, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return json_array_get_length (json_object_get_array_member (json_node_get_object (r->json), "posts"));
}

const char cs_api_good_post[] = "Year 3 had a wonderful trip to the castle today.";

GBytes *
cs_api_grey_jpeg (void)
{
  g_autoptr(CsImage) image = cs_image_new (320, 240);
  g_autoptr(GError) error = NULL;
  GBytes *jpeg;

  memset (cs_image_get_data (image), 128, cs_image_get_stride (image) * 240);
  jpeg = cs_image_encode_jpeg (image, 85, &error);
  g_assert_no_error (error);
  return jpeg;
}

CsApiReply *
cs_api_submit_photo (CsApiFixture *f,
                     const char   *token,
                     GBytes       *jpeg,
                     const char   *tags)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new ("multipart/form-data");
  g_autofree char *post = g_strdup_printf ("{\"text\":\"%s\",\"platforms\":[\"mastodon\"],"
                                           "\"photos\":[{\"alt\":\"Children planting bulbs\",\"tags\":%s}]}",
                                           cs_api_good_post, tags);
  g_autoptr(GBytes) body = NULL;
  SoupMessage *msg = cs_api_new_message (f, "POST", "/posts");

  soup_multipart_append_form_string (multipart, "post", post);
  soup_multipart_append_form_file (multipart, "photo0", "photo.jpg", "image/jpeg", jpeg);
  soup_multipart_to_message (multipart, soup_message_get_request_headers (msg), &body);
  soup_message_set_request_body_from_bytes (msg, NULL, body);
  return cs_api_send (f, msg, token);
}

void
cs_api_start_publishing (CsApiFixture    *f,
                         GTlsCertificate *trusted)
{
  if (f->key_path == NULL)
    f->key_path = g_build_filename (f->dir, "accounts.key", NULL);
  f->server = cs_test_server_start_publishing (f->store, 0, f->key_path, trusted);
  f->port = cs_test_server_get_port (f->server);
}

void
cs_api_switch_to_publishing (CsApiFixture    *f,
                             GTlsCertificate *trusted)
{
  cs_test_server_stop (f->server);
  f->export_dir = g_build_filename (f->dir, "website", NULL);
  g_assert_cmpint (g_mkdir (f->export_dir, 0755), ==, 0);
  cs_api_start_publishing (f, trusted);
}

void
cs_api_set_account (CsApiFixture *f,
                    const char   *platform,
                    const char   *json)
{
  g_autofree char *path = g_strdup_printf ("/accounts/%s", platform);
  g_autoptr(CsApiReply) r = cs_api_request (f, "PUT", path, f->admin, json);

  g_assert_cmpuint (r->status, ==, 200);
}

void
cs_api_set_up_accounts (CsApiFixture *f,
                        const char   *mastodon_url,
                        const char   *mastodon_token)
{
  g_autofree char *mastodon = g_strdup_printf ("{\"settings\":{\"base_url\":\"%s\"},"
                                               "\"secrets\":{\"access_token\":\"%s\"}}",
                                               mastodon_url, mastodon_token);
  g_autofree char *export = g_strdup_printf ("{\"settings\":{\"folder\":\"%s\"},\"secrets\":{}}", f->export_dir);

  cs_api_set_account (f, "mastodon", mastodon);
  cs_api_set_account (f, "export", export);
}

gint64
cs_api_submit_to (CsApiFixture *f,
                  const char   *text,
                  const char   *platforms)
{
  g_autofree char *json = g_strdup_printf ("{\"text\":\"%s\",\"platforms\":%s}", text, platforms);
  g_autoptr(CsApiReply) r = cs_api_request (f, "POST", "/posts", f->staff, json);

  g_assert_cmpuint (r->status, ==, 201);
  return json_object_get_int_member (json_node_get_object (r->json), "id");
}

JsonObject *
cs_api_get_post (CsApiFixture *f,
                 const char   *token,
                 gint64        id)
{
  g_autofree char *path = g_strdup_printf ("/posts/%" G_GINT64_FORMAT, id);
  g_autoptr(CsApiReply) r = cs_api_request (f, "GET", path, token, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return json_object_ref (json_node_get_object (r->json));
}

JsonObject *
cs_api_find_delivery (JsonObject *post,
                      const char *platform)
{
  JsonArray *deliveries = json_object_get_array_member (post, "deliveries");

  for (guint i = 0; i < json_array_get_length (deliveries); i++)
    {
      JsonObject *delivery = json_array_get_object_element (deliveries, i);

      if (g_strcmp0 (json_object_get_string_member (delivery, "platform"), platform) == 0)
        return delivery;
    }
  return NULL;
}
