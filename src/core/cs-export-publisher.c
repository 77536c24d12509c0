/* cs-export-publisher.c: writes an approved post into a folder, for the school website or newsletter
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The website (or whoever lays out the newsletter) picks posts up from
 * the folder, and may do so at any moment, so a post's subfolder appears
 * whole or not at all: it is built under a hidden name, flushed to disk,
 * and only then renamed into place.
 */

#include "config.h"

#include "cs-export-publisher.h"

#include "cs-files-private.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#ifdef G_OS_UNIX
# include <fcntl.h>
# include <unistd.h>
#endif

/* Readable by the web server, which is not the user who publishes. */
#define EXPORT_FILE_MODE   0644
#define EXPORT_FOLDER_MODE 0755

/* Long enough to tell keys apart, short enough for any file system. */
#define MAX_NAME_BYTES 80

struct _CsExportPublisher
{
  CsPublisher  parent_instance;

  char        *folder;   /* absolute */
};

G_DEFINE_FINAL_TYPE (CsExportPublisher, cs_export_publisher, CS_TYPE_PUBLISHER)

typedef struct
{
  char   *name;
  GBytes *bytes;
} ExportFile;

static void
export_file_free (ExportFile *file)
{
  g_free (file->name);
  g_bytes_unref (file->bytes);
  g_free (file);
}

static void
add_file (GPtrArray  *files,
          char       *name,
          GBytes     *bytes)
{
  ExportFile *file = g_new0 (ExportFile, 1);

  file->name = name;
  file->bytes = bytes;
  g_ptr_array_add (files, file);
}

/* What the post's folder holds, by name. */
static GPtrArray *
export_files (CsPublishJob *job)
{
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify) export_file_free);
  const char *text = job->text != NULL ? job->text : "";

  add_file (files, g_strdup ("post.txt"), g_bytes_new (text, strlen (text)));
  if (job->photos->len > 0)
    {
      GString *alt_text = g_string_new (NULL);

      for (guint i = 0; i < job->photos->len; i++)
        {
          CsPublishPhoto *photo = g_ptr_array_index (job->photos, i);
          g_autofree char *name = g_strdup_printf ("photo-%u.jpg", i + 1);
          gsize start;

          g_string_append_printf (alt_text, "%s: ", name);
          start = alt_text->len;
          g_string_append (alt_text, photo->alt != NULL ? photo->alt : "");
          /* One line per photo, whatever the description holds. */
          for (gsize j = start; j < alt_text->len; j++)
            if (alt_text->str[j] == '\n' || alt_text->str[j] == '\r')
              alt_text->str[j] = ' ';
          g_string_append_c (alt_text, '\n');

          add_file (files, g_steal_pointer (&name), g_bytes_ref (photo->jpeg));
        }
      add_file (files, g_strdup ("alt-text.txt"), g_string_free_to_bytes (alt_text));
    }
  return files;
}

/* A folder name from @key using only characters every file system and web
 * server takes. When anything had to change, a digest of the key is
 * added, so two keys never share a folder. */
static char *
folder_name_for_key (const char *key)
{
  GString *name = g_string_new (NULL);
  gboolean changed = FALSE;
  const char *p;

  for (p = key; *p != '\0' && name->len < MAX_NAME_BYTES; p++)
    {
      /* A leading dot would hide the folder, as the one being built is. */
      if (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || (*p == '.' && name->len > 0))
        g_string_append_c (name, *p);
      else
        {
          g_string_append_c (name, '_');
          changed = TRUE;
        }
    }
  if (*p != '\0')
    changed = TRUE;

  if (changed || name->len == 0)
    {
      g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);

      g_string_append_printf (name, "%s%.12s", name->len > 0 ? "-" : "post-", digest);
    }
  return g_string_free (name, FALSE);
}

static void
set_write_error (GError     **error,
                 int          saved_errno,
                 const char  *folder)
{
  switch (saved_errno)
    {
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY,
                   "The disk that holds the export folder “%s” is full, so the post could not be written "
                   "there. Free some space on it; the post will be written again shortly.",
                   folder);
      break;

    case EACCES:
    case EPERM:
    case EROFS:
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
                   "Countersign is not allowed to write in the export folder “%s” (%s). Ask whoever looks "
                   "after the computer to let Countersign write there, or choose another export folder in "
                   "Countersign's settings, then publish again.",
                   folder, g_strerror (saved_errno));
      break;

    case ENOENT:
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
                   "The export folder “%s” does not exist. Create it, or choose another export folder in "
                   "Countersign's settings, then publish again.",
                   folder);
      break;

    case ENOTDIR:
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
                   "The export folder “%s” is not a folder. Choose a folder for exports in Countersign's "
                   "settings, then publish again.",
                   folder);
      break;

    default:
      g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_RETRY,
                   "The post could not be written to the export folder “%s” (%s). It will be tried again "
                   "shortly.",
                   folder, g_strerror (saved_errno));
      break;
    }
}

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         len)
{
  while (len > 0)
    {
      gssize written = write (fd, data, len);

      if (written < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      data += written;
      len -= written;
    }
  return TRUE;
}

/* Writes @file into @dir and flushes it to disk; on failure returns the
 * errno. */
static int
write_file (const char       *dir,
            const ExportFile *file)
{
  g_autofree char *path = g_build_filename (dir, file->name, NULL);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (file->bytes, &len);
  int saved_errno = 0;
  int fd;

  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, EXPORT_FILE_MODE);
  if (fd < 0)
    return errno;

  /* The umask may have taken away the others' read permission, which
   * the web server needs. */
  if (fchmod (fd, EXPORT_FILE_MODE) != 0 || !write_all (fd, data, len) || fsync (fd) != 0)
    saved_errno = errno;
  if (close (fd) != 0 && saved_errno == 0)
    saved_errno = errno;
  return saved_errno;
}

/* Whether @dir holds exactly @files, byte for byte: the post written by
 * an earlier attempt whose outcome was lost. */
static gboolean
folder_holds (const char *dir,
              GPtrArray  *files)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  guint entries = 0;

  if (listing == NULL)
    return FALSE;
  while (g_dir_read_name (listing) != NULL)
    entries++;
  if (entries != files->len)
    return FALSE;

  for (guint i = 0; i < files->len; i++)
    {
      const ExportFile *file = g_ptr_array_index (files, i);
      g_autofree char *path = g_build_filename (dir, file->name, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;
      gsize expected_len = 0;
      const void *expected = g_bytes_get_data (file->bytes, &expected_len);

      if (!g_file_get_contents (path, &contents, &len, NULL))
        return FALSE;
      if (len != expected_len || (len > 0 && memcmp (contents, expected, len) != 0))
        return FALSE;
    }
  return TRUE;
}

/* Removes what an attempt that stopped half-way (a power cut) left for
 * this post, which nothing else would ever clear away. */
static void
remove_leftovers (const char *folder,
                  const char *prefix)
{
  g_autoptr(GDir) listing = g_dir_open (folder, 0, NULL);
  const char *entry;

  if (listing == NULL)
    return;
  while ((entry = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (entry, prefix))
      {
        g_autofree char *path = g_build_filename (folder, entry, NULL);
        g_autoptr(GError) error = NULL;

        if (!cs_delete_path (path, &error))
          g_debug ("Could not remove %s: %s", path, error->message);
      }
}

static gboolean
finish (CsPublishJob  *job,
        const char    *path,
        const char    *name,
        GError       **error)
{
  g_free (job->remote_id);
  job->remote_id = g_strdup (name);
  g_free (job->url);
  job->url = g_filename_to_uri (path, NULL, error);
  return job->url != NULL;
}

/* The post's folder is there already: done, if it is this post. */
static gboolean
already_there (CsExportPublisher  *self,
               CsPublishJob       *job,
               const char         *path,
               const char         *name,
               GPtrArray          *files,
               GError            **error)
{
  if (folder_holds (path, files))
    return finish (job, path, name, error);

  g_set_error (error, CS_PUBLISH_ERROR, CS_PUBLISH_ERROR_SETUP,
               "The export folder “%s” already has a folder “%s” holding something other than this post. "
               "Move that folder somewhere else or delete it, then publish again.",
               self->folder, name);
  return FALSE;
}

static gboolean
cs_export_publisher_publish (CsPublisher   *publisher,
                             CsPublishJob  *job,
                             GCancellable  *cancellable,
                             GError       **error)
{
  CsExportPublisher *self = CS_EXPORT_PUBLISHER (publisher);
  g_autoptr(GPtrArray) files = export_files (job);
  g_autofree char *name = folder_name_for_key (job->key != NULL ? job->key : "");
  g_autofree char *path = g_build_filename (self->folder, name, NULL);
  g_autofree char *prefix = g_strdup_printf (".%s.partial-", name);
  g_autofree char *template = g_strdup_printf ("%sXXXXXX", prefix);
  g_autofree char *staging = g_build_filename (self->folder, template, NULL);
  GStatBuf info;
  int saved_errno = 0;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (g_stat (self->folder, &info) != 0)
    {
      set_write_error (error, errno, self->folder);
      return FALSE;
    }
  if (!S_ISDIR (info.st_mode))
    {
      set_write_error (error, ENOTDIR, self->folder);
      return FALSE;
    }

  if (g_lstat (path, &info) == 0)
    return already_there (self, job, path, name, files, error);

  remove_leftovers (self->folder, prefix);

  if (g_mkdtemp_full (staging, EXPORT_FOLDER_MODE) == NULL)
    {
      set_write_error (error, errno, self->folder);
      return FALSE;
    }
  if (g_chmod (staging, EXPORT_FOLDER_MODE) != 0)
    saved_errno = errno;
  for (guint i = 0; saved_errno == 0 && i < files->len; i++)
    saved_errno = write_file (staging, g_ptr_array_index (files, i));
  if (saved_errno == 0)
    {
      /* The names in the folder must reach the disk before the folder is
       * renamed into sight. */
      cs_sync_path (staging);
      if (g_rename (staging, path) != 0)
        saved_errno = errno;
    }

  if (saved_errno != 0)
    {
      g_autoptr(GError) local_error = NULL;

      if (!cs_delete_path (staging, &local_error))
        g_debug ("Could not remove %s: %s", staging, local_error->message);

      /* Another attempt at the same post finished first. */
      if (saved_errno == EEXIST || saved_errno == ENOTEMPTY)
        return already_there (self, job, path, name, files, error);

      set_write_error (error, saved_errno, self->folder);
      return FALSE;
    }

  cs_sync_path (self->folder);
  return finish (job, path, name, error);
}

static void
cs_export_publisher_finalize (GObject *object)
{
  CsExportPublisher *self = CS_EXPORT_PUBLISHER (object);

  g_free (self->folder);

  G_OBJECT_CLASS (cs_export_publisher_parent_class)->finalize (object);
}

static void
cs_export_publisher_class_init (CsExportPublisherClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cs_export_publisher_finalize;
  CS_PUBLISHER_CLASS (klass)->publish = cs_export_publisher_publish;
}

static void
cs_export_publisher_init (CsExportPublisher *self)
{
}

CsPublisher *
cs_export_publisher_new (const char *folder)
{
  CsExportPublisher *self;

  g_return_val_if_fail (folder != NULL, NULL);

  self = g_object_new (CS_TYPE_EXPORT_PUBLISHER, "name", "export", NULL);
  /* The post's address is a file:// URI, which needs an absolute path. */
  self->folder = g_canonicalize_filename (folder, NULL);
  return CS_PUBLISHER (self);
}
