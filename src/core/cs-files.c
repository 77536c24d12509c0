/* cs-files.c: folders and files that survive a power cut, kept private
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cs-files-private.h"

#include <errno.h>

#include <glib/gstdio.h>

#ifdef G_OS_UNIX
# include <fcntl.h>
# include <unistd.h>
#endif

/* Flushes @path, a file or a folder, to disk. A renamed or newly created
 * file is only safe from a power cut once the folder that lists it has been
 * flushed too. Failure is not reported: the data is already written, and
 * nothing better can be done than what the kernel does on its own. */
void
cs_sync_path (const char *path)
{
#ifdef G_OS_UNIX
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    return;

  if (fsync (fd) != 0)
    g_debug ("Could not flush %s to disk: %s", path, g_strerror (errno));

  g_close (fd, NULL);
#endif
}

gboolean
cs_ensure_private_dir (const char  *path,
                    GError     **error)
{
  if (g_mkdir_with_parents (path, PRIVATE_DIR_MODE) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("The folder “%s” could not be created: %s."),
                   path, g_strerror (saved_errno));
      return FALSE;
    }

  /* A folder left from an older version, or made by hand, may be open to
   * others; tighten it rather than trust it. */
  if (g_chmod (path, PRIVATE_DIR_MODE) != 0)
    g_debug ("Could not make %s private: %s", path, g_strerror (errno));

  return TRUE;
}

/* Deletes @file and, for a folder, everything in it. Symbolic links are
 * removed, never followed, so nothing outside the folder can be touched. */
gboolean
cs_delete_recursively (GFile      *file,
                    GFileType   type,
                    GError    **error)
{
  if (type == G_FILE_TYPE_DIRECTORY)
    {
      g_autoptr(GFileEnumerator) enumerator = NULL;

      enumerator = g_file_enumerate_children (file,
                                              G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                              G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                              G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                              NULL, error);
      if (enumerator == NULL)
        return FALSE;

      for (;;)
        {
          GFileInfo *info;
          GFile *child;

          if (!g_file_enumerator_iterate (enumerator, &info, &child, NULL, error))
            return FALSE;
          if (child == NULL)
            break;

          if (!cs_delete_recursively (child, g_file_info_get_file_type (info), error))
            return FALSE;
        }
    }

  return g_file_delete (file, NULL, error);
}

gboolean
cs_delete_path (const char  *path,
                GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GFileType type = g_file_query_file_type (file, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL);

  return cs_delete_recursively (file, type, error);
}
