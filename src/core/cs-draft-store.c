/* cs-draft-store.c: drafts kept on disk so that none is ever lost
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cs-draft-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "cs-draft-store.h"
#include "cs-files-private.h"

#define DRAFT_FILE_NAME "draft.json"
#define PHOTOS_DIR_NAME "photos"

/* Far above any phone or camera photo (those are a few MB), and in the same
 * decimal megabytes that file managers show, so "at most 60 MB" in a
 * message matches what the office sees beside the file. */
#define MAX_PHOTO_SIZE ((goffset) 60 * 1000 * 1000)

/* Enough of a file's start to tell every format we take. */
#define SNIFF_LENGTH 16

/* Drafts hold children's photos before any face is blurred, so everything
 * the store makes is readable by its owner alone. */
#define PRIVATE_FILE_MODE 0600

struct _CsDraftStore
{
  GObject  parent_instance;

  char    *dir;
};

G_DEFINE_FINAL_TYPE (CsDraftStore, cs_draft_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (cs-draft-store-error-quark, cs_draft_store_error)

static void
cs_draft_store_finalize (GObject *object)
{
  CsDraftStore *self = CS_DRAFT_STORE (object);

  g_clear_pointer (&self->dir, g_free);

  G_OBJECT_CLASS (cs_draft_store_parent_class)->finalize (object);
}

static void
cs_draft_store_class_init (CsDraftStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cs_draft_store_finalize;
}

static void
cs_draft_store_init (CsDraftStore *self)
{
}

/* Files and folders
 * =================
 */

/* Ids
 * ===
 */

static gboolean
check_id (const char  *id,
          GError     **error)
{
  if (cs_draft_id_is_valid (id))
    return TRUE;

  g_set_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_NOT_FOUND,
               _("There is no draft called “%s”: that is not a name Countersign gives drafts."),
               id != NULL ? id : "");
  return FALSE;
}

static char *
draft_folder (CsDraftStore *self,
              const char   *id)
{
  return g_build_filename (self->dir, id, NULL);
}

/* Public API
 * ==========
 */

/* A NULL @dir means the default, in the user's data folder. */
CsDraftStore *
cs_draft_store_new (const char *dir)
{
  CsDraftStore *self = g_object_new (CS_TYPE_DRAFT_STORE, NULL);

  if (dir != NULL)
    self->dir = g_strdup (dir);
  else
    self->dir = g_build_filename (g_get_user_data_dir (), "countersign", "drafts", NULL);

  return self;
}

const char *
cs_draft_store_get_dir (CsDraftStore *self)
{
  g_return_val_if_fail (CS_IS_DRAFT_STORE (self), NULL);

  return self->dir;
}

CsDraft *
cs_draft_store_create (CsDraftStore *self)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (CS_IS_DRAFT_STORE (self), NULL);

  id = g_uuid_string_random ();

  return cs_draft_new (id);
}

gboolean
cs_draft_store_save (CsDraftStore  *self,
                     CsDraft       *draft,
                     GError       **error)
{
  g_autoptr(GDateTime) previous = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  const char *id;
  gboolean created;
  gsize len;

  g_return_val_if_fail (CS_IS_DRAFT_STORE (self), FALSE);
  g_return_val_if_fail (CS_IS_DRAFT (draft), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  id = cs_draft_get_id (draft);
  if (!check_id (id, error))
    return FALSE;

  folder = draft_folder (self, id);
  path = g_build_filename (folder, DRAFT_FILE_NAME, NULL);

  created = !g_file_test (folder, G_FILE_TEST_IS_DIR);
  if (!cs_ensure_private_dir (folder, error))
    {
      g_prefix_error (error, _("The draft could not be saved. "));
      return FALSE;
    }

  /* The time goes into the file, so it is set first and put back if the
   * write fails: the draft in memory then still says when it was saved. */
  previous = g_date_time_ref (cs_draft_get_modified (draft));
  now = g_date_time_new_now_utc ();
  cs_draft_set_modified (draft, now);

  node = cs_draft_to_json (draft, folder);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  data = json_generator_to_data (generator, &len);

  /* Written to a temporary file, flushed, then renamed over the old one. */
  if (!g_file_set_contents_full (path, data, len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 PRIVATE_FILE_MODE, error))
    {
      cs_draft_set_modified (draft, previous);
      g_prefix_error (error, _("The draft could not be saved. "));
      return FALSE;
    }

  cs_sync_path (folder);
  if (created)
    cs_sync_path (self->dir);

  return TRUE;
}

CsDraft *
cs_draft_store_load (CsDraftStore  *self,
                     const char    *id,
                     GError       **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(CsDraft) draft = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  JsonNode *root;
  gsize len;

  g_return_val_if_fail (CS_IS_DRAFT_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_id (id, error))
    return NULL;

  folder = draft_folder (self, id);
  path = g_build_filename (folder, DRAFT_FILE_NAME, NULL);

  if (!g_file_get_contents (path, &data, &len, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_NOT_FOUND,
                     _("There is no saved draft called “%s”."), id);
      else
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                    _("The saved draft “%s” could not be read. "), path);
      return NULL;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_set_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_CORRUPT,
                   _("The saved draft “%s” is damaged and cannot be opened: %s"),
                   path, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_CORRUPT,
                   _("The saved draft “%s” is empty."), path);
      return NULL;
    }

  draft = cs_draft_new_from_json (root, folder, error);
  if (draft == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }

  /* Saving goes to the folder named by the id inside the file; were the two
   * to differ, the next save would land in another draft's folder. */
  if (strcmp (cs_draft_get_id (draft), id) != 0)
    {
      g_set_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_CORRUPT,
                   "%s: The saved draft is damaged: “id” is “%s”, "
                   "but the draft is in the folder “%s”.",
                   path, cs_draft_get_id (draft), id);
      return NULL;
    }

  return g_steal_pointer (&draft);
}

gboolean
cs_draft_store_delete (CsDraftStore  *self,
                       const char    *id,
                       GError       **error)
{
  g_autofree char *folder = NULL;
  g_autoptr(GFile) file = NULL;
  GFileType type;

  g_return_val_if_fail (CS_IS_DRAFT_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_id (id, error))
    return FALSE;

  folder = draft_folder (self, id);
  file = g_file_new_for_path (folder);

  type = g_file_query_file_type (file, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL);
  if (type == G_FILE_TYPE_UNKNOWN)
    {
      g_set_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_NOT_FOUND,
                   _("There is no saved draft called “%s”."), id);
      return FALSE;
    }

  if (!cs_delete_recursively (file, type, error))
    {
      g_prefix_error (error, _("The draft could not be deleted completely. "));
      return FALSE;
    }

  cs_sync_path (self->dir);

  return TRUE;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  CsDraft *draft_a = *(CsDraft * const *) a;
  CsDraft *draft_b = *(CsDraft * const *) b;
  int cmp;

  cmp = g_date_time_compare (cs_draft_get_modified (draft_b), cs_draft_get_modified (draft_a));
  if (cmp != 0)
    return cmp;

  /* Drafts saved in the same instant still come in the same order each time. */
  return strcmp (cs_draft_get_id (draft_a), cs_draft_get_id (draft_b));
}

GPtrArray *
cs_draft_store_list (CsDraftStore *self)
{
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_return_val_if_fail (CS_IS_DRAFT_STORE (self), NULL);

  drafts = g_ptr_array_new_with_free_func (g_object_unref);

  dir = g_dir_open (self->dir, 0, &error);
  if (dir == NULL)
    {
      /* No folder yet simply means no draft has been saved. */
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_message ("Cannot list the drafts in %s: %s", self->dir, error->message);
      return g_steal_pointer (&drafts);
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(GError) load_error = NULL;
      g_autofree char *folder = NULL;
      CsDraft *draft;

      /* Hidden entries and anything else the store would not have made. */
      if (!cs_draft_id_is_valid (name))
        continue;

      folder = draft_folder (self, name);
      if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
        continue;

      /* Logged rather than warned about: a damaged draft is the user's data,
       * left in place for whoever can rescue it, not a bug. */
      draft = cs_draft_store_load (self, name, &load_error);
      if (draft == NULL)
        {
          g_message ("Skipping the draft in %s, which is kept but cannot be opened: %s",
                     folder, load_error->message);
          continue;
        }

      g_ptr_array_add (drafts, draft);
    }

  g_ptr_array_sort (drafts, compare_newest_first);

  return g_steal_pointer (&drafts);
}

/* Photos
 * ======
 */

/* The extension for a photo whose first bytes are @data, or NULL for
 * anything else. Only the content counts: a GIF or a document renamed to
 * .jpg is still refused. */
static const char *
sniff_photo (const guchar *data,
             gsize         len)
{
  static const char * const heic_brands[] = { "heic", "heix", "hevc", "heim", "heis" };
  static const char * const heif_brands[] = { "mif1", "msf1" };

  if (len >= 3 && memcmp (data, "\xFF\xD8\xFF", 3) == 0)
    return "jpg";

  if (len >= 8 && memcmp (data, "\x89PNG\r\n\x1A\n", 8) == 0)
    return "png";

  if (len >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return "webp";

  if (len >= 12 && memcmp (data + 4, "ftyp", 4) == 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (heic_brands); i++)
        {
          if (memcmp (data + 8, heic_brands[i], 4) == 0)
            return "heic";
        }
      for (guint i = 0; i < G_N_ELEMENTS (heif_brands); i++)
        {
          if (memcmp (data + 8, heif_brands[i], 4) == 0)
            return "heif";
        }
    }

  return NULL;
}

static void
set_not_a_photo_error (GError     **error,
                       const char  *name)
{
  g_set_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_NOT_A_PHOTO,
               _("“%s” is not a photo Countersign can use: attach a JPEG, PNG, "
               "WebP or HEIC photo."), name);
}

/* @name is NULL for a pasted picture, which has no file name to give. */
static void
set_too_large_error (GError     **error,
                     const char  *name,
                     goffset      size)
{
  g_autofree char *size_str = g_format_size ((guint64) size);

  if (name != NULL)
    g_set_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_TOO_LARGE,
                 _("“%s” is %s, too large to attach: a photo can be at most 60 MB. "
                 "Export a smaller copy from your photo app and attach that."),
                 name, size_str);
  else
    g_set_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_TOO_LARGE,
                 _("The pasted picture is %s, too large to attach: a photo can be "
                 "at most 60 MB. Save a smaller copy as a file and attach that."),
                 size_str);
}

/* Checks that @file is a photo of a kind we take and not too large, and
 * returns its extension. @name is how messages call the file. */
static const char *
check_photo_file (GFile       *file,
                  const char  *name,
                  GError     **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  guchar header[SNIFF_LENGTH];
  const char *ext;
  gsize n_read = 0;

  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                            G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, error);
  if (info == NULL)
    {
      g_prefix_error (error, _("“%s” could not be attached. "), name);
      return NULL;
    }

  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      set_not_a_photo_error (error, name);
      return NULL;
    }

  if (g_file_info_get_size (info) > MAX_PHOTO_SIZE)
    {
      set_too_large_error (error, name, g_file_info_get_size (info));
      return NULL;
    }

  stream = g_file_read (file, NULL, error);
  if (stream == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), header, sizeof header,
                                &n_read, NULL, error))
    {
      g_prefix_error (error, _("“%s” could not be attached. "), name);
      return NULL;
    }

  ext = sniff_photo (header, n_read);
  if (ext == NULL)
    set_not_a_photo_error (error, name);

  return ext;
}

/* Makes the draft's photos folder and returns the path for a new photo. */
static char *
new_photo_path (CsDraftStore  *self,
                CsDraft       *draft,
                const char    *attachment_id,
                const char    *ext,
                GError       **error)
{
  g_autofree char *folder = NULL;
  g_autofree char *photos = NULL;
  g_autofree char *basename = NULL;

  if (!check_id (cs_draft_get_id (draft), error))
    return NULL;

  folder = draft_folder (self, cs_draft_get_id (draft));
  photos = g_build_filename (folder, PHOTOS_DIR_NAME, NULL);

  if (!cs_ensure_private_dir (folder, error) || !cs_ensure_private_dir (photos, error))
    return NULL;

  basename = g_strconcat (attachment_id, ".", ext, NULL);

  return g_build_filename (photos, basename, NULL);
}

/* Adds the copy at @path to @draft and saves the draft. If the save fails
 * the copy is removed again, so that no child's photo lies in the folder
 * without a draft that lists it. */
static const CsAttachment *
add_and_save (CsDraftStore  *self,
              CsDraft       *draft,
              const char    *attachment_id,
              const char    *path,
              const char    *original,
              GError       **error)
{
  CsAttachment attachment = {
    .id = (char *) attachment_id,
    .file = (char *) path,
    .original = (char *) original,
    .alt_text = (char *) "",
    .state = CS_PHOTO_STATE_CHECKING,
  };
  g_autofree char *photos = g_path_get_dirname (path);

  /* The copy must be on disk before a saved draft points at it. */
  cs_sync_path (path);
  cs_sync_path (photos);

  cs_draft_add_attachment (draft, &attachment);

  if (!cs_draft_store_save (self, draft, error))
    {
      cs_draft_remove_attachment (draft, attachment_id);
      g_unlink (path);
      return NULL;
    }

  return cs_draft_find_attachment (draft, attachment_id);
}

const CsAttachment *
cs_draft_store_import_photo (CsDraftStore  *self,
                             CsDraft       *draft,
                             GFile         *source,
                             GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFile) dest = NULL;
  g_autofree char *attachment_id = NULL;
  g_autofree char *original = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  const char *copied_ext;
  const char *ext;

  g_return_val_if_fail (CS_IS_DRAFT_STORE (self), NULL);
  g_return_val_if_fail (CS_IS_DRAFT (draft), NULL);
  g_return_val_if_fail (G_IS_FILE (source), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  info = g_file_query_info (source, G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME,
                            G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info != NULL)
    name = g_strdup (g_file_info_get_display_name (info));
  else
    name = g_file_get_basename (source);

  ext = check_photo_file (source, name, error);
  if (ext == NULL)
    return NULL;

  attachment_id = g_uuid_string_random ();
  path = new_photo_path (self, draft, attachment_id, ext, error);
  if (path == NULL)
    {
      g_prefix_error (error, _("“%s” could not be attached. "), name);
      return NULL;
    }

  /* Never G_FILE_COPY_OVERWRITE: a fresh id means the name is free, and if
   * it somehow is not, the photo already there must not be lost. The copy
   * takes new permissions rather than the source's, so it can be tightened
   * to the owner alone (a read-only source must not give a read-only copy). */
  dest = g_file_new_for_path (path);
  if (!g_file_copy (source, dest, G_FILE_COPY_TARGET_DEFAULT_PERMS, NULL, NULL, NULL, error))
    {
      g_prefix_error (error, _("“%s” could not be attached. "), name);
      return NULL;
    }

  if (g_chmod (path, PRIVATE_FILE_MODE) != 0)
    g_debug ("Could not make %s private: %s", path, g_strerror (errno));

  /* The source could have been replaced between the check and the copy;
   * the copy is ours and stays put, so it is what gets the final word. */
  copied_ext = check_photo_file (dest, name, error);
  if (copied_ext == NULL || strcmp (copied_ext, ext) != 0)
    {
      if (copied_ext != NULL)
        set_not_a_photo_error (error, name);
      g_unlink (path);
      return NULL;
    }

  original = g_file_get_path (source);
  if (original == NULL)
    original = g_file_get_uri (source);

  return add_and_save (self, draft, attachment_id, path, original, error);
}

const CsAttachment *
cs_draft_store_import_photo_bytes (CsDraftStore  *self,
                                   CsDraft       *draft,
                                   GBytes        *png,
                                   GError       **error)
{
  g_autofree char *attachment_id = NULL;
  g_autofree char *path = NULL;
  const guchar *data;
  const char *ext;
  gsize len;

  g_return_val_if_fail (CS_IS_DRAFT_STORE (self), NULL);
  g_return_val_if_fail (CS_IS_DRAFT (draft), NULL);
  g_return_val_if_fail (png != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (png, &len);

  if (len > (gsize) MAX_PHOTO_SIZE)
    {
      set_too_large_error (error, NULL, (goffset) len);
      return NULL;
    }

  ext = sniff_photo (data, len);
  if (g_strcmp0 (ext, "png") != 0)
    {
      g_set_error_literal (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_NOT_A_PHOTO,
                           _("The pasted picture is not a photo Countersign can use: "
                           "save it as a JPEG, PNG, WebP or HEIC file and attach that."));
      return NULL;
    }

  attachment_id = g_uuid_string_random ();
  path = new_photo_path (self, draft, attachment_id, ext, error);
  if (path == NULL)
    {
      g_prefix_error (error, _("The pasted picture could not be attached. "));
      return NULL;
    }

  if (!g_file_set_contents_full (path, (const char *) data, len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 PRIVATE_FILE_MODE, error))
    {
      g_prefix_error (error, _("The pasted picture could not be attached. "));
      return NULL;
    }

  /* A pasted picture comes from no file the user could be pointed back to. */
  return add_and_save (self, draft, attachment_id, path, "", error);
}
