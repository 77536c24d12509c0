/* test-queue-server.c: the approval queue's API, over real HTTP on loopback
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test starts the real server, with a real SQLite database in a
 * temporary folder, in a thread of its own, and talks to it with libsoup's
 * blocking client as the app would. Run under with-postgres.py (which sets
 * CS_TEST_POSTGRES), the same tests run against PostgreSQL instead.
 */

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "cs-db.h"
#include "cs-face-detector.h"
#include "cs-queue-server.h"
#include "cs-test-queue-api.h"
#include "cs-test-server.h"

typedef CsApiFixture Fixture;


/* Tests */

static void
test_auth_required (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(CsApiReply) none = cs_api_request (f, "GET", "/posts", NULL, NULL);
  g_autoptr(CsApiReply) wrong = cs_api_request (f, "GET", "/posts", "not-a-token", NULL);
  g_autoptr(CsApiReply) ok = cs_api_request (f, "GET", "/me", f->head, NULL);

  g_assert_cmpuint (none->status, ==, 401);
  g_assert_cmpstr (cs_api_member (none, "error"), ==, "unauthorized");
  g_assert_nonnull (soup_message_headers_get_one (soup_message_get_response_headers (none->msg), "WWW-Authenticate"));
  g_assert_cmpuint (wrong->status, ==, 401);
  g_assert_cmpuint (ok->status, ==, 200);
  g_assert_cmpstr (cs_api_member (ok, "role"), ==, "head");
  g_assert_cmpstr (cs_api_member (ok, "school"), ==, "larkfield");
}

static void
test_submit_and_see (Fixture       *f,
                     gconstpointer  data)
{
  gint64 id = cs_api_submit_text (f, f->staff, cs_api_good_post);
  g_autofree char *path = g_strdup_printf ("/posts/%" G_GINT64_FORMAT, id);
  g_autoptr(CsApiReply) own = cs_api_request (f, "GET", path, f->staff, NULL);
  g_autoptr(CsApiReply) head = cs_api_request (f, "GET", path, f->head, NULL);
  g_autoptr(CsApiReply) colleague = cs_api_request (f, "GET", path, f->staff2, NULL);
  g_autoptr(CsApiReply) stranger = cs_api_request (f, "GET", path, f->other, NULL);
  g_autoptr(CsApiReply) missing = cs_api_request (f, "GET", "/posts/9999", f->head, NULL);

  g_assert_cmpuint (own->status, ==, 200);
  g_assert_cmpstr (cs_api_member (own, "text"), ==, cs_api_good_post);
  g_assert_cmpstr (cs_api_member (own, "author"), ==, "sam");
  g_assert_cmpuint (head->status, ==, 200);
  g_assert_cmpuint (colleague->status, ==, 403);
  g_assert_cmpuint (stranger->status, ==, 403);
  g_assert_cmpuint (missing->status, ==, 404);

  g_assert_cmpuint (cs_api_count_posts (f, f->staff, ""), ==, 1);
  g_assert_cmpuint (cs_api_count_posts (f, f->staff2, ""), ==, 0);
  g_assert_cmpuint (cs_api_count_posts (f, f->head, "?state=pending"), ==, 1);
  g_assert_cmpuint (cs_api_count_posts (f, f->head, "?state=approved"), ==, 0);
  g_assert_cmpuint (cs_api_count_posts (f, f->other, ""), ==, 0);
}

static void
test_submit_policy_errors (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(CsApiReply) r = cs_api_request (f, "POST", "/posts", f->staff,
                                "{\"text\":\"Well done to Poppy Whitlow in Year 2!\",\"platforms\":[\"x\"]}");
  JsonArray *findings;
  gboolean named = FALSE;

  g_assert_cmpuint (r->status, ==, 422);
  g_assert_cmpstr (cs_api_member (r, "error"), ==, "policy");
  findings = json_object_get_array_member (json_node_get_object (r->json), "findings");
  for (guint i = 0; i < json_array_get_length (findings); i++)
    {
      JsonObject *finding = json_array_get_object_element (findings, i);

      if (g_strcmp0 (json_object_get_string_member (finding, "rule"), "pupil-name") == 0)
        named = TRUE;
    }
  g_assert_true (named);
  g_assert_cmpuint (cs_api_count_posts (f, f->head, ""), ==, 0);
}

static void
test_submit_idempotent (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *json = g_strdup_printf ("{\"text\":\"%s\",\"platforms\":[\"facebook\"]}", cs_api_good_post);
  gint64 ids[2];

  for (int i = 0; i < 2; i++)
    {
      SoupMessage *msg = cs_api_new_message (f, "POST", "/posts");
      g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
      g_autoptr(CsApiReply) r = NULL;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", "draft-1-try");
      soup_message_set_request_body_from_bytes (msg, "application/json", body);
      r = cs_api_send (f, msg, f->staff);
      g_assert_cmpuint (r->status, ==, 201);
      ids[i] = json_object_get_int_member (json_node_get_object (r->json), "id");
    }
  g_assert_cmpint (ids[0], ==, ids[1]);
  g_assert_cmpuint (cs_api_count_posts (f, f->head, ""), ==, 1);

  /* The same key for another post is a client bug, not a retry. */
  {
    SoupMessage *msg = cs_api_new_message (f, "POST", "/posts");
    g_autoptr(GBytes) body = g_bytes_new_static ("{\"text\":\"Another post.\",\"platforms\":[\"x\"]}", 42);
    g_autoptr(CsApiReply) r = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", "draft-1-try");
    soup_message_set_request_body_from_bytes (msg, "application/json", body);
    r = cs_api_send (f, msg, f->staff);
    g_assert_cmpuint (r->status, ==, 422);
    g_assert_cmpstr (cs_api_member (r, "error"), ==, "key-reused");
  }
  g_assert_cmpuint (cs_api_count_posts (f, f->head, ""), ==, 1);
}

static void
test_roles (Fixture       *f,
            gconstpointer  data)
{
  gint64 id = cs_api_submit_text (f, f->staff, cs_api_good_post);
  g_autofree char *approve = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/approve", id);
  g_autofree char *withdraw = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/withdraw", id);
  g_autoptr(CsApiReply) staff_approves = cs_api_request (f, "POST", approve, f->staff, "{\"content_hash\":\"x\"}");
  g_autoptr(CsApiReply) admin_approves = cs_api_request (f, "POST", approve, f->admin, "{\"content_hash\":\"x\"}");
  g_autoptr(CsApiReply) other_head = cs_api_request (f, "POST", approve, f->other, "{\"content_hash\":\"x\"}");
  g_autoptr(CsApiReply) admin_submits = cs_api_request (f, "POST", "/posts", f->admin,
                                            "{\"text\":\"Hello\",\"platforms\":[\"x\"]}");
  g_autoptr(CsApiReply) staff_audit = cs_api_request (f, "GET", "/audit", f->staff, NULL);
  g_autoptr(CsApiReply) staff_roster = cs_api_request (f, "PUT", "/roster", f->staff, "id,forename,surname,photo_consent\n");
  g_autoptr(CsApiReply) colleague_withdraws = cs_api_request (f, "POST", withdraw, f->staff2, NULL);

  g_assert_cmpuint (staff_approves->status, ==, 403);
  g_assert_cmpstr (cs_api_member (staff_approves, "error"), ==, "forbidden");
  g_assert_cmpuint (admin_approves->status, ==, 403);
  g_assert_cmpuint (other_head->status, ==, 403);
  g_assert_cmpuint (admin_submits->status, ==, 403);
  g_assert_cmpuint (staff_audit->status, ==, 403);
  g_assert_cmpuint (staff_roster->status, ==, 403);
  g_assert_cmpuint (colleague_withdraws->status, ==, 403);
  g_assert_cmpuint (cs_api_count_posts (f, f->head, "?state=pending"), ==, 1);
}

static void
test_decisions (Fixture       *f,
                gconstpointer  data)
{
  gint64 id = cs_api_submit_text (f, f->staff, cs_api_good_post);
  gint64 id2 = cs_api_submit_text (f, f->staff, "Our choir sang beautifully at the harvest festival.");
  gint64 id3 = cs_api_submit_text (f, f->staff, "The library is open after school on Thursdays.");
  g_autofree char *path = g_strdup_printf ("/posts/%" G_GINT64_FORMAT, id);
  g_autofree char *approve = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/approve", id);
  g_autofree char *reject = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/reject", id2);
  g_autofree char *withdraw = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/withdraw", id3);
  g_autoptr(CsApiReply) post = cs_api_request (f, "GET", path, f->head, NULL);
  g_autofree char *body = g_strdup_printf ("{\"content_hash\":\"%s\",\"comment\":\"Lovely\"}",
                                           cs_api_member (post, "content_hash"));
  g_autoptr(CsApiReply) stale = cs_api_request (f, "POST", approve, f->head, "{\"content_hash\":\"0123\"}");
  g_autoptr(CsApiReply) approved = cs_api_request (f, "POST", approve, f->head, body);
  g_autoptr(CsApiReply) twice = cs_api_request (f, "POST", approve, f->head, body);
  g_autoptr(CsApiReply) no_comment = cs_api_request (f, "POST", reject, f->head, "{\"comment\":\"  \"}");
  g_autoptr(CsApiReply) rejected = cs_api_request (f, "POST", reject, f->head, "{\"comment\":\"Say which class, please.\"}");
  g_autoptr(CsApiReply) withdrawn = cs_api_request (f, "POST", withdraw, f->staff, NULL);
  g_autofree char *path2 = g_strdup_printf ("/posts/%" G_GINT64_FORMAT, id2);
  g_autoptr(CsApiReply) author_view = cs_api_request (f, "GET", path2, f->staff, NULL);

  g_assert_cmpuint (stale->status, ==, 409);
  g_assert_cmpstr (cs_api_member (stale, "error"), ==, "changed");
  g_assert_cmpuint (approved->status, ==, 200);
  g_assert_cmpstr (cs_api_member (approved, "state"), ==, "approved");
  g_assert_cmpuint (twice->status, ==, 409);
  g_assert_cmpuint (no_comment->status, ==, 422);
  g_assert_cmpstr (cs_api_member (no_comment, "error"), ==, "comment-required");
  g_assert_cmpuint (rejected->status, ==, 200);
  g_assert_cmpstr (cs_api_member (rejected, "state"), ==, "rejected");
  g_assert_cmpuint (withdrawn->status, ==, 200);
  g_assert_cmpstr (cs_api_member (withdrawn, "state"), ==, "withdrawn");
  g_assert_cmpstr (cs_api_member (author_view, "state"), ==, "rejected");
  g_assert_cmpstr (cs_api_member (author_view, "comment"), ==, "Say which class, please.");
}

/* What the head sees beside a post: today's findings, the tagged pupils
 * with their consent, and the post's history. */
static void
test_review_details (Fixture       *f,
                     gconstpointer  data)
{
  gint64 id = cs_api_submit_text (f, f->staff, "Year 3 had a wonderfull trip to the castle today.");
  g_autofree char *path = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/review", id);
  g_autoptr(CsApiReply) head = cs_api_request (f, "GET", path, f->head, NULL);
  g_autoptr(CsApiReply) author = cs_api_request (f, "GET", path, f->staff, NULL);
  g_autoptr(CsApiReply) colleague = cs_api_request (f, "GET", path, f->staff2, NULL);
  g_autoptr(CsApiReply) stranger = cs_api_request (f, "GET", path, f->other, NULL);
  JsonObject *review;
  JsonArray *findings, *history;
  gboolean spelling = FALSE;

  g_assert_cmpuint (head->status, ==, 200);
  g_assert_cmpuint (author->status, ==, 200);
  g_assert_cmpuint (colleague->status, ==, 403);
  g_assert_cmpuint (stranger->status, ==, 403);

  review = json_node_get_object (head->json);
  findings = json_object_get_array_member (review, "findings");
  for (guint i = 0; i < json_array_get_length (findings); i++)
    {
      JsonObject *finding = json_array_get_object_element (findings, i);

      if (g_strcmp0 (json_object_get_string_member (finding, "rule"), "spelling") == 0)
        spelling = TRUE;
    }
  g_assert_true (spelling);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (review, "pupils")), ==, 0);
  history = json_object_get_array_member (review, "history");
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "action"), ==,
                   "submitted");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "actor"), ==, "sam");
}

static void
test_consent_withdrawn (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GBytes) jpeg = cs_api_grey_jpeg ();
  g_autoptr(CsApiReply) submitted = cs_api_submit_photo (f, f->staff, jpeg, "[{\"pupil\":\"P001\",\"x\":10,\"y\":10,\"w\":40,\"h\":50}]");
  g_autoptr(CsApiReply) refused = cs_api_submit_photo (f, f->staff, jpeg, "[{\"pupil\":\"P002\",\"x\":10,\"y\":10,\"w\":40,\"h\":50}]");
  g_autoptr(CsApiReply) never = cs_api_submit_photo (f, f->staff, jpeg, "[{\"pupil\":\"P003\",\"x\":10,\"y\":10,\"w\":40,\"h\":50}]");
  gint64 id;
  g_autofree char *approve = NULL;
  g_autofree char *body = NULL;
  g_autoptr(CsApiReply) blocked = NULL;
  g_autoptr(CsApiReply) roster = NULL;
  g_autoptr(CsApiReply) photo = NULL;
  g_autofree char *photo_path = NULL;

  if (CS_TEST_FACE_MODEL[0] == '\0')
    {
      g_test_skip ("no face model is configured, so the server refuses every photo");
      return;
    }

  g_assert_cmpuint (submitted->status, ==, 201);
  g_assert_cmpuint (refused->status, ==, 422);
  g_assert_nonnull (strstr (g_bytes_get_data (refused->body, NULL), "photo-consent"));
  g_assert_cmpuint (never->status, ==, 422);
  g_assert_nonnull (strstr (g_bytes_get_data (never->body, NULL), "photo-never"));

  id = json_object_get_int_member (json_node_get_object (submitted->json), "id");
  photo_path = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/photos/0", id);
  photo = cs_api_request (f, "GET", photo_path, f->head, NULL);
  g_assert_cmpuint (photo->status, ==, 200);
  g_assert_true (g_bytes_equal (photo->body, jpeg));

  /* Poppy's parents withdraw consent after the post went in. */
  roster = cs_api_request (f, "PUT", "/roster", f->admin,
                    "id,forename,surname,class,role,photo_consent,name_consent\n"
                    "P001,Poppy,Whitlow,Year 2,pupil,no,no\n");
  g_assert_cmpuint (roster->status, ==, 200);

  approve = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/approve", id);
  body = g_strdup_printf ("{\"content_hash\":\"%s\"}", cs_api_member (submitted, "content_hash"));
  blocked = cs_api_request (f, "POST", approve, f->head, body);
  g_assert_cmpuint (blocked->status, ==, 409);
  g_assert_cmpstr (cs_api_member (blocked, "error"), ==, "policy");
  g_assert_nonnull (strstr (g_bytes_get_data (blocked->body, NULL), "photo-consent"));
  g_assert_cmpuint (cs_api_count_posts (f, f->head, "?state=pending"), ==, 1);

  /* The head sees who is tagged, and that Poppy may no longer be shown. */
  {
    g_autofree char *review_path = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/review", id);
    g_autoptr(CsApiReply) review = cs_api_request (f, "GET", review_path, f->head, NULL);
    JsonArray *pupils;
    JsonObject *poppy;

    g_assert_cmpuint (review->status, ==, 200);
    pupils = json_object_get_array_member (json_node_get_object (review->json), "pupils");
    g_assert_cmpuint (json_array_get_length (pupils), ==, 1);
    poppy = json_array_get_object_element (pupils, 0);
    g_assert_cmpstr (json_object_get_string_member (poppy, "id"), ==, "P001");
    g_assert_cmpstr (json_object_get_string_member (poppy, "name"), ==, "Poppy Whitlow");
    g_assert_cmpstr (json_object_get_string_member (poppy, "photo_consent"), ==, "no");
    g_assert_false (json_object_get_boolean_member (poppy, "may_be_pictured"));
  }
}

static void
test_photo_faces (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, "faces", "two-players.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsImage) image = NULL;
  g_autoptr(GBytes) clear = NULL;
  g_autoptr(GBytes) blurred = NULL;
  g_autoptr(CsApiReply) refused = NULL;
  g_autoptr(CsApiReply) accepted = NULL;
  CsRect left = { 40, 50, 100, 130 }, right = { 470, 10, 130, 160 };

  if (CS_TEST_FACE_MODEL[0] == '\0')
    {
      g_test_skip ("no face model is configured");
      return;
    }

  image = cs_image_load (path, &error);
  g_assert_no_error (error);
  clear = cs_image_encode_jpeg (image, 90, &error);
  g_assert_no_error (error);
  refused = cs_api_submit_photo (f, f->staff, clear, "[]");
  g_assert_cmpuint (refused->status, ==, 422);
  g_assert_nonnull (strstr (g_bytes_get_data (refused->body, NULL), "photo-face"));

  cs_image_redact (image, &left);
  cs_image_redact (image, &right);
  blurred = cs_image_encode_jpeg (image, 90, &error);
  accepted = cs_api_submit_photo (f, f->staff, blurred, "[]");
  g_assert_cmpuint (accepted->status, ==, 201);
}

static void
test_bad_requests (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CsApiReply) not_json = cs_api_request (f, "POST", "/posts", f->staff, "{\"text\": ");
  g_autoptr(CsApiReply) wrong_type = cs_api_request (f, "POST", "/posts", f->staff, "{\"text\": 4, \"platforms\": [\"x\"]}");
  g_autoptr(CsApiReply) bad_platform = cs_api_request (f, "POST", "/posts", f->staff, "{\"text\": \"Hi\", \"platforms\": [\"myspace\"]}");
  g_autoptr(GString) deep = g_string_new ("{\"text\":\"Hi\",\"platforms\":[\"x\"],\"x\":");
  g_autoptr(CsApiReply) too_deep = NULL;
  g_autoptr(CsApiReply) bad_state = cs_api_request (f, "GET", "/posts?state=lost", f->head, NULL);
  g_autoptr(CsApiReply) unknown = cs_api_request (f, "GET", "/nothing", f->head, NULL);

  for (int i = 0; i < 100; i++)
    g_string_append_c (deep, '[');
  for (int i = 0; i < 100; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  too_deep = cs_api_request (f, "POST", "/posts", f->staff, deep->str);

  g_assert_cmpuint (not_json->status, ==, 400);
  g_assert_cmpstr (cs_api_member (not_json, "error"), ==, "malformed");
  g_assert_cmpuint (wrong_type->status, ==, 400);
  g_assert_nonnull (strstr (cs_api_member (wrong_type, "message"), "text"));
  g_assert_cmpuint (bad_platform->status, ==, 422);
  g_assert_nonnull (strstr (cs_api_member (bad_platform, "message"), "platforms[0]"));
  g_assert_cmpuint (too_deep->status, ==, 400);
  g_assert_nonnull (strstr (cs_api_member (too_deep, "message"), "nested"));
  g_assert_cmpuint (bad_state->status, ==, 400);
  g_assert_cmpuint (unknown->status, ==, 404);

  /* A multipart body whose boundary never appears. */
  {
    SoupMessage *msg = cs_api_new_message (f, "POST", "/posts");
    g_autoptr(GBytes) body = g_bytes_new_static ("not really multipart", 20);
    g_autoptr(CsApiReply) r = NULL;

    soup_message_set_request_body_from_bytes (msg, "multipart/form-data; boundary=xyz", body);
    r = cs_api_send (f, msg, f->staff);
    g_assert_cmpuint (r->status, ==, 400);
  }

  /* A photo that still carries EXIF (here a comment segment and an APP1). */
  {
    g_autoptr(GBytes) clean = cs_api_grey_jpeg ();
    gsize len;
    const guint8 *data = g_bytes_get_data (clean, &len);
    static const guint8 exif[] = { 0xFF, 0xE1, 0x00, 0x0E, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0 };
    g_autoptr(GByteArray) tagged = g_byte_array_new ();
    g_autoptr(GBytes) tagged_bytes = NULL;
    g_autoptr(CsApiReply) r = NULL;

    g_byte_array_append (tagged, data, 2);
    g_byte_array_append (tagged, exif, sizeof exif);
    g_byte_array_append (tagged, data + 2, len - 2);
    tagged_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&tagged));
    r = cs_api_submit_photo (f, f->staff, tagged_bytes, "[]");
    g_assert_cmpuint (r->status, ==, 422);
    g_assert_nonnull (strstr (cs_api_member (r, "message"), "EXIF"));
  }

  g_assert_cmpuint (cs_api_count_posts (f, f->head, ""), ==, 0);
}

static void
test_body_too_large (Fixture       *f,
                     gconstpointer  data)
{
  gsize len = f->max_body + 1;
  g_autofree char *big = g_malloc (len);
  SoupMessage *msg = cs_api_new_message (f, "POST", "/posts");
  g_autoptr(GBytes) body = NULL;
  g_autoptr(CsApiReply) r = NULL;

  memset (big, ' ', len);
  body = g_bytes_new_take (g_steal_pointer (&big), len);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  r = cs_api_send (f, msg, f->staff);
  g_assert_cmpuint (r->status, ==, 413);
  g_assert_cmpstr (cs_api_member (r, "error"), ==, "too-large");

  /* The same anywhere else on the server, before the body is read. */
  {
    g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/elsewhere", f->port);
    SoupMessage *other = soup_message_new ("POST", url);
    g_autoptr(CsApiReply) r2 = NULL;

    soup_message_set_request_body_from_bytes (other, "application/json", body);
    r2 = cs_api_send (f, other, NULL);
    g_assert_cmpuint (r2->status, ==, 413);
  }
}

static void
test_rate_limit (Fixture       *f,
                 gconstpointer  data)
{
  guint ok = 0, limited = 0;
  const char *retry = NULL;

  /* 60 a minute: a burst of 10, then one a second. */
  cs_test_server_stop (f->server);
  f->rate = 60;
  cs_api_start_server (f);

  for (int i = 0; i < 15; i++)
    {
      g_autoptr(CsApiReply) r = cs_api_request (f, "GET", "/posts", f->staff, NULL);

      if (r->status == 200)
        ok++;
      else if (r->status == 429)
        {
          limited++;
          retry = soup_message_headers_get_one (soup_message_get_response_headers (r->msg), "Retry-After");
          g_assert_nonnull (retry);
          g_assert_cmpint (atoi (retry), >=, 1);
        }
    }
  g_assert_cmpuint (ok, >=, 10);
  g_assert_cmpuint (ok, <=, 11);
  g_assert_cmpuint (limited, ==, 15 - ok);

  /* Another user has their own allowance. */
  {
    g_autoptr(CsApiReply) r = cs_api_request (f, "GET", "/posts", f->head, NULL);

    g_assert_cmpuint (r->status, ==, 200);
  }
}

static void
test_audit (Fixture       *f,
            gconstpointer  data)
{
  gint64 id = cs_api_submit_text (f, f->staff, cs_api_good_post);
  g_autofree char *reject = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/reject", id);
  g_autoptr(CsApiReply) rejected = cs_api_request (f, "POST", reject, f->head, "{\"comment\":\"Not this week.\"}");
  g_autoptr(CsApiReply) audit = cs_api_request (f, "GET", "/audit", f->head, NULL);
  g_autoptr(CsApiReply) other = cs_api_request (f, "GET", "/audit", f->other, NULL);
  g_autoptr(CsApiReply) csv = cs_api_request (f, "GET", "/audit?format=csv", f->admin, NULL);
  g_autoptr(GError) error = NULL;
  CsDb *db;
  JsonArray *entries;
  gboolean saw_submit = FALSE, saw_reject = FALSE;

  g_assert_cmpuint (rejected->status, ==, 200);
  g_assert_cmpuint (audit->status, ==, 200);
  entries = json_object_get_array_member (json_node_get_object (audit->json), "entries");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);
      const char *action = json_object_get_string_member (e, "action");

      g_assert_cmpstr (json_object_get_string_member (e, "school"), ==, "larkfield");
      if (g_strcmp0 (action, "submitted") == 0 && g_strcmp0 (json_object_get_string_member (e, "actor"), "sam") == 0)
        saw_submit = TRUE;
      if (g_strcmp0 (action, "rejected") == 0 && g_strcmp0 (json_object_get_string_member (e, "actor"), "hana") == 0)
        {
          saw_reject = TRUE;
          g_assert_nonnull (strstr (json_object_get_string_member (e, "detail"), "Not this week."));
        }
    }
  g_assert_true (saw_submit);
  g_assert_true (saw_reject);
  g_assert_null (strstr (g_bytes_get_data (other->body, NULL), "larkfield"));
  g_assert_cmpuint (csv->status, ==, 200);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (csv->body, NULL), "seq,at,school,actor,action"));

  g_assert_true (cs_queue_store_verify_audit (f->store, &error));
  g_assert_no_error (error);

  /* The database refuses edits to the log... */
  db = cs_api_open_raw (f->dir);
  g_assert_false (cs_db_exec (db, "UPDATE audit SET detail = 'nothing' WHERE action = 'rejected'", &error));
  g_assert_nonnull (strstr (error->message, "append-only"));
  g_clear_error (&error);
  g_assert_false (cs_db_exec (db, "DELETE FROM audit WHERE seq = 2", &error));
  g_clear_error (&error);

  /* ...and the chain shows an edit made behind its back. */
  g_assert_true (cs_db_exec (db, cs_api_postgres () != NULL ? "DROP TRIGGER audit_no_update ON audit"
                                                     : "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete",
                             NULL));
  g_assert_true (cs_db_exec (db, "UPDATE audit SET detail = 'nothing' WHERE action = 'rejected'", NULL));
  g_assert_false (cs_queue_store_verify_audit (f->store, &error));
  g_assert_nonnull (strstr (error->message, "changed"));
  g_clear_error (&error);

  /* A removed entry breaks the chain too. */
  g_assert_true (cs_db_exec (db, "DELETE FROM audit WHERE seq = 2", NULL));
  g_assert_false (cs_queue_store_verify_audit (f->store, &error));
  g_assert_nonnull (strstr (error->message, "missing"));
  cs_db_close (db);
}

static void
test_login (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = cs_queue_store_add_user (f->store, "larkfield", "pat", CS_USER_HEAD,
                                                    "correct horse battery", &error);
  g_autoptr(CsApiReply) wrong = cs_api_request (f, "POST", "/login", NULL,
                                    "{\"school\":\"larkfield\",\"username\":\"pat\",\"password\":\"guess\"}");
  g_autoptr(CsApiReply) nobody = cs_api_request (f, "POST", "/login", NULL,
                                     "{\"school\":\"larkfield\",\"username\":\"nobody\",\"password\":\"guess\"}");
  g_autoptr(CsApiReply) right = cs_api_request (f, "POST", "/login", NULL,
                                    "{\"school\":\"larkfield\",\"username\":\"pat\",\"password\":\"correct horse battery\"}");
  g_autoptr(CsApiReply) me = NULL;
  g_autoptr(CsApiReply) old = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (wrong->status, ==, 401);
  g_assert_cmpuint (nobody->status, ==, 401);
  g_assert_cmpuint (right->status, ==, 200);
  g_assert_cmpstr (cs_api_member (right, "role"), ==, "head");
  me = cs_api_request (f, "GET", "/me", cs_api_member (right, "token"), NULL);
  g_assert_cmpuint (me->status, ==, 200);
  g_assert_cmpstr (cs_api_member (me, "name"), ==, "pat");
  /* The token printed when the user was made was replaced by the login's. */
  old = cs_api_request (f, "GET", "/me", token, NULL);
  g_assert_cmpuint (old->status, ==, 401);
}

typedef struct
{
  SoupWebsocketConnection *connection;
  GError                  *error;
  gboolean                 done;
  GPtrArray               *messages;
} Stream;

static void
stream_message_cb (SoupWebsocketConnection *connection,
                   int                      type,
                   GBytes                  *message,
                   Stream                  *stream)
{
  g_ptr_array_add (stream->messages, g_strndup (g_bytes_get_data (message, NULL), g_bytes_get_size (message)));
}

static void
stream_connected_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  Stream *stream = data;

  stream->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &stream->error);
  if (stream->connection != NULL)
    g_signal_connect (stream->connection, "message", G_CALLBACK (stream_message_cb), stream);
  stream->done = TRUE;
}

/* Runs @context until @stream has @n messages, or a few seconds pass. */
static void
wait_for_messages (GMainContext *context,
                   Stream       *stream,
                   guint         n,
                   guint         ms)
{
  gboolean timed_out = FALSE;
  GSource *timeout = g_timeout_source_new (ms);

  g_source_set_callback (timeout, cs_test_timed_out_cb, &timed_out, NULL);
  g_source_attach (timeout, context);
  while (stream->messages->len < n && !timed_out)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
}

static void
open_stream (Fixture      *f,
             SoupSession  *session,
             GMainContext *context,
             const char   *token,
             Stream       *stream)
{
  g_autoptr(SoupMessage) msg = cs_api_new_message (f, "GET", "/events");

  stream->messages = g_ptr_array_new_with_free_func (g_free);
  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        stream_connected_cb, stream);
  while (!stream->done)
    g_main_context_iteration (context, TRUE);
}

static void
stream_clear (Stream *stream)
{
  if (stream->connection != NULL)
    soup_websocket_connection_close (stream->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&stream->connection);
  g_clear_error (&stream->error);
  g_clear_pointer (&stream->messages, g_ptr_array_unref);
}

static void
test_events (Fixture       *f,
             gconstpointer  data)
{
  GMainContext *context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  Stream head = { 0 }, colleague = { 0 }, author = { 0 }, stranger = { 0 }, nobody = { 0 };
  g_autoptr(JsonNode) event = NULL;
  JsonObject *post;

  g_main_context_push_thread_default (context);
  session = soup_session_new ();
  open_stream (f, session, context, f->head, &head);
  open_stream (f, session, context, f->staff2, &colleague);
  open_stream (f, session, context, f->staff, &author);
  open_stream (f, session, context, f->other, &stranger);
  open_stream (f, session, context, NULL, &nobody);
  g_assert_no_error (head.error);
  g_assert_nonnull (head.connection);
  g_assert_nonnull (author.connection);
  g_assert_null (nobody.connection);
  g_assert_nonnull (nobody.error);

  cs_api_submit_text (f, f->staff, cs_api_good_post);
  wait_for_messages (context, &head, 1, 5000);
  wait_for_messages (context, &author, 1, 5000);
  g_assert_cmpuint (head.messages->len, ==, 1);
  g_assert_cmpuint (author.messages->len, ==, 1);

  event = json_from_string (g_ptr_array_index (head.messages, 0), NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (event), "event"), ==, "post-changed");
  post = json_object_get_object_member (json_node_get_object (event), "post");
  g_assert_cmpstr (json_object_get_string_member (post, "state"), ==, "pending");
  g_assert_cmpstr (json_object_get_string_member (post, "text"), ==, cs_api_good_post);

  /* The head's rejection reaches the author's stream too. */
  {
    g_autofree char *reject = g_strdup_printf ("/posts/%" G_GINT64_FORMAT "/reject",
                                               json_object_get_int_member (post, "id"));
    g_autoptr(CsApiReply) r = cs_api_request (f, "POST", reject, f->head, "{\"comment\":\"Next week, please.\"}");
    g_autoptr(JsonNode) second = NULL;

    g_assert_cmpuint (r->status, ==, 200);
    wait_for_messages (context, &author, 2, 5000);
    g_assert_cmpuint (author.messages->len, ==, 2);
    second = json_from_string (g_ptr_array_index (author.messages, 1), NULL);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (second), "post"), "state"),
                     ==, "rejected");
  }

  /* Another member of staff, and another school, hear nothing of it. */
  wait_for_messages (context, &colleague, 1, 300);
  wait_for_messages (context, &stranger, 1, 300);
  g_assert_cmpuint (colleague.messages->len, ==, 0);
  g_assert_cmpuint (stranger.messages->len, ==, 0);

  stream_clear (&head);
  stream_clear (&colleague);
  stream_clear (&author);
  stream_clear (&stranger);
  stream_clear (&nobody);
  g_clear_object (&session);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
}

static void
test_refuses_plain_http_off_loopback (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("queue-XXXXXX", &error);
  g_autoptr(CsQueueStore) store = cs_api_open_store (dir, TRUE);
  g_autoptr(CsQueueServer) server = cs_queue_server_new (store, NULL);
  g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);

  g_assert_false (cs_queue_server_listen (server, any, 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "HTTPS"));
  g_clear_object (&server);
  g_clear_object (&store);
  cs_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, cs_api_fixture_setup, fn, cs_api_fixture_teardown)
  ADD ("/server/auth/token-required", test_auth_required);
  ADD ("/server/posts/submit-and-see", test_submit_and_see);
  ADD ("/server/posts/policy-errors-refused", test_submit_policy_errors);
  ADD ("/server/posts/idempotency-key", test_submit_idempotent);
  ADD ("/server/roles/forbidden", test_roles);
  ADD ("/server/posts/approve-reject-withdraw", test_decisions);
  ADD ("/server/photos/consent-checked-again-at-approval", test_consent_withdrawn);
  ADD ("/server/posts/review-details", test_review_details);
  ADD ("/server/photos/clear-faces-refused", test_photo_faces);
  ADD ("/server/limits/bad-requests", test_bad_requests);
  ADD ("/server/limits/rate", test_rate_limit);
  ADD ("/server/audit/chain", test_audit);
  ADD ("/server/auth/login", test_login);
  ADD ("/server/events/live", test_events);
  g_test_add ("/server/limits/body-size", Fixture, GSIZE_TO_POINTER (1024 * 1024),
              cs_api_fixture_setup, test_body_too_large, cs_api_fixture_teardown);
#undef ADD
  g_test_add_func ("/server/listen/plain-http-only-on-loopback", test_refuses_plain_http_off_loopback);

  return g_test_run ();
}
