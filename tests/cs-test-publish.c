/* cs-test-publish.c: what the publisher tests share, around a stand-in platform
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-test-publish.h"

#include "cs-files-private.h"
#include "cs-image.h"

#include <string.h>

void
cs_test_publish_set_up (CsTestPublish *t,
                        const char    *name)
{
  g_autofree char *template = g_strconcat (name, "-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;

  t->dir = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  t->platform = cs_test_platform_new (t->dir);
}

CsPublisher *
cs_test_publish_pin (CsTestPublish *t,
                     CsPublisher   *publisher)
{
  cs_publisher_pin_certificate (publisher, cs_test_platform_get_certificate (t->platform));
  return publisher;
}

void
cs_test_publish_start (CsTestPublish *t)
{
  cs_test_platform_start (t->platform);
}

void
cs_test_publish_tear_down (CsTestPublish *t)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&t->publisher);
  g_clear_pointer (&t->platform, cs_test_platform_free);
  cs_delete_path (t->dir, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (t->dir, G_FILE_TEST_EXISTS));
  g_clear_pointer (&t->dir, g_free);
  g_clear_pointer (&t->saved_progress, g_free);
}

static gboolean
save_progress (CsPublishJob  *job,
               gpointer       data,
               GError       **error)
{
  CsTestPublish *t = data;
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), job->progress);

  g_free (t->saved_progress);
  t->saved_progress = json_to_string (node, FALSE);
  t->checkpoints++;
  return TRUE;
}

CsPublishJob *
cs_test_publish_new_job (CsTestPublish      *t,
                         const char         *text,
                         const char         *key,
                         guint               n_photos,
                         GBytes          *(*photo_func) (guint i),
                         const char *const  *alts,
                         gsize               n_alts,
                         const char         *alt)
{
  CsPublishJob *job = cs_publish_job_new (text, key);

  for (guint i = 0; i < n_photos; i++)
    {
      g_autoptr(GBytes) jpeg = photo_func (i);
      g_autofree char *numbered = alts == NULL ? g_strdup_printf ("Photo %u: %s", i + 1, alt) : NULL;

      cs_publish_job_add_photo (job, jpeg, alts != NULL ? alts[i % n_alts] : numbered);
    }
  if (t != NULL)
    {
      job->checkpoint = save_progress;
      job->checkpoint_data = t;
    }
  return job;
}

CsPublishJob *
cs_test_publish_resume_job (CsTestPublish *t,
                            CsPublishJob  *job,
                            gboolean       resumed)
{
  if (t->saved_progress != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = json_from_string (t->saved_progress, &error);

      g_assert_no_error (error);
      json_object_unref (job->progress);
      job->progress = json_object_ref (json_node_get_object (node));
    }
  job->resumed = resumed;
  return job;
}

guint
cs_test_publish_count_all (CsTestPublish *t)
{
  g_autoptr(GPtrArray) requests = cs_test_platform_get_requests (t->platform);

  return requests->len;
}

GBytes *
cs_test_photo_bytes (guint i)
{
  g_autofree char *middle = g_strdup_printf ("photo %u of the post", i + 1);
  GByteArray *bytes = g_byte_array_new ();
  static const guint8 start[] = { 0xFF, 0xD8, 0xFF, 0xE0 };
  static const guint8 end[] = { 0xFF, 0xD9 };

  g_byte_array_append (bytes, start, sizeof start);
  g_byte_array_append (bytes, (const guint8 *) middle, strlen (middle));
  g_byte_array_append (bytes, end, sizeof end);
  return g_byte_array_free_to_bytes (bytes);
}

GBytes *
cs_test_make_photo (guint seed)
{
  g_autoptr(CsImage) image = cs_image_new (64, 48);
  g_autoptr(GError) error = NULL;
  guint8 *pixels = cs_image_get_data (image);
  gsize stride = cs_image_get_stride (image);
  GBytes *jpeg;

  for (int y = 0; y < 48; y++)
    for (int x = 0; x < 64; x++)
      {
        guint8 *p = pixels + y * stride + x * 3;

        p[0] = (guint8) (x * 4 + seed * 40);
        p[1] = (guint8) (y * 5);
        p[2] = (guint8) (seed * 70);
      }
  jpeg = cs_image_encode_jpeg (image, 90, &error);
  g_assert_no_error (error);
  return jpeg;
}

const CsTestRequest *
cs_test_nth_request (GPtrArray *requests,
                     guint      i)
{
  g_assert_cmpuint (i, <, requests->len);
  return g_ptr_array_index (requests, i);
}

void
cs_test_assert_contains (const char *haystack,
                         const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("“%s” does not contain “%s”", haystack, needle);
}

guint
cs_test_locked_len (GMutex    *lock,
                    GPtrArray *array)
{
  guint n;

  g_mutex_lock (lock);
  n = array->len;
  g_mutex_unlock (lock);
  return n;
}

void
cs_test_reply_node (SoupServerMessage *msg,
                    guint              status,
                    JsonNode          *node)
{
  g_autofree char *json = json_to_string (node, FALSE);

  cs_test_reply (msg, status, json, NULL);
}

void
cs_test_reply_object (SoupServerMessage *msg,
                      guint              status,
                      JsonObject        *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  cs_test_reply_node (msg, status, node);
}

void
cs_test_fault_free (CsTestFault *fault)
{
  g_free (fault->method);
  g_free (fault->path);
  g_free (fault->body);
  g_free (fault->header);
  g_free (fault->value);
  g_free (fault);
}

void
cs_test_faults_init (CsTestFaults *faults)
{
  g_mutex_init (&faults->lock);
  g_queue_init (&faults->queue);
}

void
cs_test_faults_clear (CsTestFaults *faults)
{
  g_queue_clear_full (&faults->queue, (GDestroyNotify) cs_test_fault_free);
  g_mutex_clear (&faults->lock);
}

void
cs_test_faults_add (CsTestFaults    *faults,
                    const char      *method,
                    const char      *path,
                    gboolean         prefix,
                    guint            skip,
                    CsTestFaultKind  kind,
                    guint            status,
                    const char      *body,
                    const char      *header,
                    const char      *value)
{
  CsTestFault *fault = g_new0 (CsTestFault, 1);

  fault->method = g_strdup (method);
  fault->path = g_strdup (path);
  fault->prefix = prefix;
  fault->skip = skip;
  fault->kind = kind;
  fault->status = status;
  fault->body = g_strdup (body);
  fault->header = g_strdup (header);
  fault->value = g_strdup (value);
  g_mutex_lock (&faults->lock);
  g_queue_push_tail (&faults->queue, fault);
  g_mutex_unlock (&faults->lock);
}

CsTestFault *
cs_test_faults_take (CsTestFaults *faults,
                     const char   *method,
                     const char   *path)
{
  CsTestFault *found = NULL;

  g_mutex_lock (&faults->lock);
  for (GList *l = faults->queue.head; l != NULL; l = l->next)
    {
      CsTestFault *fault = l->data;

      if (fault->method != NULL && !g_str_equal (fault->method, method))
        continue;
      if (fault->prefix ? !g_str_has_prefix (path, fault->path) : !g_str_equal (path, fault->path))
        continue;
      if (fault->skip > 0)
        fault->skip--;
      else
        {
          found = fault;
          g_queue_delete_link (&faults->queue, l);
        }
      break;
    }
  g_mutex_unlock (&faults->lock);
  return found;
}

void
cs_test_faults_forget (CsTestFaults *faults)
{
  g_mutex_lock (&faults->lock);
  g_queue_clear_full (&faults->queue, (GDestroyNotify) cs_test_fault_free);
  g_mutex_unlock (&faults->lock);
}

gboolean
cs_test_faults_answer (CsTestFaults        *faults,
                       SoupServerMessage   *msg,
                       const CsTestRequest *request)
{
  g_autoptr(CsTestFault) fault = cs_test_faults_take (faults, request->method, request->path);

  if (fault == NULL)
    return FALSE;
  cs_test_reply (msg, fault->status, fault->body, fault->header, fault->value, NULL);
  return TRUE;
}
