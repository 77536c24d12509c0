/* test-publish-export.c: writing posts into a folder for the school website or newsletter
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-export-publisher.h"
#include "cs-files-private.h"
#include "cs-test-publish.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#ifdef G_OS_UNIX
# include <unistd.h>
#endif

typedef struct
{
  char        *dir;       /* removed at tear-down */
  char        *folder;    /* the export folder, inside @dir */
  CsPublisher *publisher;
  mode_t       umask;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("cs-publish-export-XXXXXX", &error);
  g_assert_no_error (error);
  f->folder = g_build_filename (f->dir, "website", NULL);
  g_assert_cmpint (g_mkdir (f->folder, 0755), ==, 0);
  f->publisher = cs_export_publisher_new (f->folder);
  /* A strict umask, as on a shared school computer: the files must still
   * be readable by the web server. */
  f->umask = umask (077);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  umask (f->umask);
  g_object_unref (f->publisher);
  /* A test may have taken write permission away. */
  g_chmod (f->folder, 0755);
  cs_delete_path (f->dir, &error);
  g_assert_no_error (error);
  g_free (f->folder);
  g_free (f->dir);
}

static const char *const alts[] = {
  "Year 3's clay pots drying on the classroom windowsill.",
  "The school choir on stage at the town hall, seen from the back of the room.",
};

static CsPublishJob *
new_job (const char *text,
         const char *key,
         guint       n_photos)
{
  return cs_test_publish_new_job (NULL, text, key, n_photos, cs_test_photo_bytes, alts, G_N_ELEMENTS (alts), NULL);
}

static char *
read_file (const char *dir,
           const char *name,
           gsize      *len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);
  return contents;
}

static guint
mode_of (const char *dir,
         const char *name)
{
  g_autofree char *path = name != NULL ? g_build_filename (dir, name, NULL) : g_strdup (dir);
  GStatBuf info;

  g_assert_cmpint (g_stat (path, &info), ==, 0);
  return info.st_mode & 07777;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* The names in @dir, sorted, hidden ones included. */
static char *
listing (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    g_ptr_array_add (names, (gpointer) name);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
test_writes_files (Fixture       *f,
                   gconstpointer  data)
{
  const char *text = "Year 3 made clay pots, and the choir sang at the town hall. Well done, everyone! 🎶";
  g_autoptr(CsPublishJob) job = new_job (text, "post-81-export", 2);
  g_autoptr(GError) error = NULL;
  g_autofree char *post = g_build_filename (f->folder, "post-81-export", NULL);
  g_autofree char *uri = NULL;
  g_autofree char *names = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *alt_text = NULL;
  g_autofree char *expected_alt = NULL;
  gsize len;

  g_assert_true (cs_publisher_publish (f->publisher, job, NULL, &error));
  g_assert_no_error (error);

  names = listing (f->folder);
  g_assert_cmpstr (names, ==, "post-81-export");
  g_clear_pointer (&names, g_free);
  names = listing (post);
  g_assert_cmpstr (names, ==, "alt-text.txt photo-1.jpg photo-2.jpg post.txt");

  contents = read_file (post, "post.txt", &len);
  g_assert_cmpstr (contents, ==, text);
  g_assert_cmpuint (len, ==, strlen (text));
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%u.jpg", i + 1);
      g_autofree char *photo = read_file (post, name, &len);
      g_autoptr(GBytes) written = g_bytes_new (photo, len);
      g_autoptr(GBytes) expected = cs_test_photo_bytes (i);

      g_assert_true (g_bytes_equal (written, expected));
      g_assert_cmpuint (mode_of (post, name), ==, 0644);
    }
  alt_text = read_file (post, "alt-text.txt", NULL);
  expected_alt = g_strdup_printf ("photo-1.jpg: %s\nphoto-2.jpg: %s\n", alts[0], alts[1]);
  g_assert_cmpstr (alt_text, ==, expected_alt);

  g_assert_cmpuint (mode_of (post, NULL), ==, 0755);
  g_assert_cmpuint (mode_of (post, "post.txt"), ==, 0644);
  g_assert_cmpuint (mode_of (post, "alt-text.txt"), ==, 0644);

  uri = g_filename_to_uri (post, NULL, NULL);
  g_assert_cmpstr (job->url, ==, uri);
  g_assert_cmpstr (job->remote_id, ==, "post-81-export");
}

static void
test_text_only (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job ("Term starts on Tuesday 3 September.", "post-82-export", 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *post = g_build_filename (f->folder, "post-82-export", NULL);
  g_autofree char *names = NULL;

  g_assert_true (cs_publisher_publish (f->publisher, job, NULL, &error));
  g_assert_no_error (error);
  names = listing (post);
  g_assert_cmpstr (names, ==, "post.txt");
}

static void
test_retry_does_not_duplicate (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job ("Choir concert photos.", "post-83-export", 2);
  g_autoptr(CsPublishJob) again = new_job ("Choir concert photos.", "post-83-export", 2);
  g_autoptr(GError) error = NULL;
  g_autofree char *post = g_build_filename (f->folder, "post-83-export", NULL);
  g_autofree char *text_path = g_build_filename (post, "post.txt", NULL);
  g_autofree char *names = NULL;
  GStatBuf before, after;

  g_assert_true (cs_publisher_publish (f->publisher, job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (text_path, &before), ==, 0);

  /* The outcome was lost and the server tries again. */
  again->resumed = TRUE;
  g_assert_true (cs_publisher_publish (f->publisher, again, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (again->url, ==, job->url);

  names = listing (f->folder);
  g_assert_cmpstr (names, ==, "post-83-export");
  g_assert_cmpint (g_stat (text_path, &after), ==, 0);
  g_assert_cmpuint (before.st_ino, ==, after.st_ino);
  g_assert_cmpint (before.st_mtime, ==, after.st_mtime);
}

static void
test_different_post_same_key_refused (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job ("Choir concert photos.", "post-84-export", 1);
  g_autoptr(CsPublishJob) other = new_job ("Something else entirely.", "post-84-export", 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *post = g_build_filename (f->folder, "post-84-export", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *names = NULL;

  g_assert_true (cs_publisher_publish (f->publisher, job, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (cs_publisher_publish (f->publisher, other, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP);
  cs_test_assert_contains (error->message, "post-84-export");

  /* What the website may already show is left alone. */
  contents = read_file (post, "post.txt", NULL);
  g_assert_cmpstr (contents, ==, "Choir concert photos.");
  names = listing (f->folder);
  g_assert_cmpstr (names, ==, "post-84-export");
}

static void
test_key_made_safe (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job ("Hello.", "../../etc/.hidden post", 0);
  g_autoptr(CsPublishJob) similar = new_job ("Hello.", "__/__/etc/_hidden_post", 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  g_autofree char *parent = g_path_get_dirname (f->folder);
  g_autofree char *outside = listing (parent);

  g_assert_true (cs_publisher_publish (f->publisher, job, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cs_publisher_publish (f->publisher, similar, NULL, &error));
  g_assert_no_error (error);

  /* Both inside the export folder, visible, apart, and nothing outside. */
  g_assert_cmpstr (job->remote_id, !=, similar->remote_id);
  g_assert_null (strchr (job->remote_id, '/'));
  g_assert_false (g_str_has_prefix (job->remote_id, "."));
  for (const char *p = job->remote_id; *p != '\0'; p++)
    g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.');
  names = listing (f->folder);
  g_assert_nonnull (strstr (names, job->remote_id));
  g_assert_nonnull (strstr (names, similar->remote_id));
  g_assert_null (strstr (names, " ."));
  g_assert_false (g_str_has_prefix (names, "."));
  {
    g_autofree char *outside_after = listing (parent);

    g_assert_cmpstr (outside_after, ==, outside);
  }
}

static void
test_leftovers_cleared (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job ("After the power cut.", "post-85-export", 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *leftover = g_build_filename (f->folder, ".post-85-export.partial-Ab12Cd", NULL);
  g_autofree char *leftover_file = g_build_filename (leftover, "photo-1.jpg", NULL);
  g_autofree char *names = NULL;

  /* An earlier attempt stopped half-way through building the folder. */
  g_assert_cmpint (g_mkdir (leftover, 0755), ==, 0);
  g_file_set_contents (leftover_file, "half a photo", -1, &error);
  g_assert_no_error (error);

  g_assert_true (cs_publisher_publish (f->publisher, job, NULL, &error));
  g_assert_no_error (error);
  names = listing (f->folder);
  g_assert_cmpstr (names, ==, "post-85-export");
}

static void
test_missing_folder_setup_error (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (f->dir, "newsletter", NULL);
  g_autoptr(CsPublisher) publisher = cs_export_publisher_new (missing);
  g_autoptr(CsPublishJob) job = new_job ("Hello.", "post-86-export", 0);
  g_autoptr(GError) error = NULL;

  g_assert_false (cs_publisher_publish (publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP);
  cs_test_assert_contains (error->message, missing);
  cs_test_assert_contains (error->message, "does not exist");
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

static void
test_file_not_folder_setup_error (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *file = g_build_filename (f->dir, "website.txt", NULL);
  g_autoptr(CsPublisher) publisher = cs_export_publisher_new (file);
  g_autoptr(CsPublishJob) job = new_job ("Hello.", "post-87-export", 0);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (file, "not a folder", -1, &error);
  g_assert_no_error (error);
  g_assert_false (cs_publisher_publish (publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP);
  cs_test_assert_contains (error->message, file);
}

static void
test_unwritable_folder_setup_error (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(CsPublishJob) job = new_job ("Hello.", "post-88-export", 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;

  g_assert_cmpint (g_chmod (f->folder, 0555), ==, 0);
  if (access (f->folder, W_OK) == 0)
    {
      /* Root writes anywhere, so the folder cannot be made unwritable. */
      g_test_skip ("Permissions do not apply to this user");
      return;
    }

  g_assert_false (cs_publisher_publish (f->publisher, job, NULL, &error));
  g_assert_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP);
  cs_test_assert_contains (error->message, f->folder);
  cs_test_assert_contains (error->message, "not allowed to write");
  names = listing (f->folder);
  g_assert_cmpstr (names, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/publish/export/writes-files", test_writes_files);
  ADD ("/publish/export/text-only", test_text_only);
  ADD ("/publish/export/retry-does-not-duplicate", test_retry_does_not_duplicate);
  ADD ("/publish/export/different-post-same-key-refused", test_different_post_same_key_refused);
  ADD ("/publish/export/key-made-safe", test_key_made_safe);
  ADD ("/publish/export/leftovers-cleared", test_leftovers_cleared);
  ADD ("/publish/export/missing-folder-setup-error", test_missing_folder_setup_error);
  ADD ("/publish/export/file-not-folder-setup-error", test_file_not_folder_setup_error);
  ADD ("/publish/export/unwritable-folder-setup-error", test_unwritable_folder_setup_error);
#undef ADD

  return g_test_run ();
}
