/* cs-secret-box.c: account credentials sealed at rest with a key file
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-secret-box.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

G_DEFINE_QUARK (cs-secret-box-error-quark, cs_secret_box_error)

struct _CsSecretBox
{
  unsigned char key[crypto_secretbox_KEYBYTES];
};

static gboolean
key_error (GError    **error,
           const char *path,
           const char *what)
{
  g_set_error (error, CS_SECRET_BOX_ERROR, CS_SECRET_BOX_ERROR_KEY_FILE,
               "The key file for the school's account credentials, %s, %s", path, what);
  return FALSE;
}

static gboolean
make_key (const char  *path,
          GError     **error)
{
  unsigned char key[crypto_secretbox_KEYBYTES];
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;
  gboolean ok;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    return key_error (error, path, "could not be made: its folder cannot be created.");
  /* O_EXCL: two servers starting at once must not each write a key. */
  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return errno == EEXIST ? TRUE : key_error (error, path, g_strerror (errno));
  crypto_secretbox_keygen (key);
  ok = write (fd, key, sizeof key) == (ssize_t) sizeof key && fsync (fd) == 0;
  sodium_memzero (key, sizeof key);
  close (fd);
  if (!ok)
    {
      g_unlink (path);
      return key_error (error, path, "could not be written.");
    }
  return TRUE;
}

CsSecretBox *
cs_secret_box_load (const char  *path,
                    gboolean     create,
                    GError     **error)
{
  g_autoptr(CsSecretBox) box = NULL;
  unsigned char buffer[crypto_secretbox_KEYBYTES + 1];
  struct stat st;
  ssize_t got;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  if (sodium_init () < 0)
    {
      g_set_error_literal (error, CS_SECRET_BOX_ERROR, CS_SECRET_BOX_ERROR_KEY_FILE,
                           "The encryption library could not start.");
      return NULL;
    }
  if (create && !make_key (path, error))
    return NULL;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    {
      key_error (error, path, errno == ENOENT
                              ? "does not exist. Start the server once to make it, or restore it from the backup."
                              : g_strerror (errno));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || (st.st_mode & 077) != 0)
    {
      close (fd);
      key_error (error, path, "can be read by other users. Make it readable by the service user alone "
                              "(chmod 600) and keep it that way.");
      return NULL;
    }

  /* One byte more than a key, to tell a longer file from a key. */
  got = read (fd, buffer, sizeof buffer);
  close (fd);
  if (got != crypto_secretbox_KEYBYTES)
    {
      sodium_memzero (buffer, sizeof buffer);
      key_error (error, path, "is not a key: it must be exactly 32 bytes. Restore it from the backup.");
      return NULL;
    }
  box = g_new0 (CsSecretBox, 1);
  memcpy (box->key, buffer, sizeof box->key);
  sodium_memzero (buffer, sizeof buffer);
  return g_steal_pointer (&box);
}

void
cs_secret_box_free (CsSecretBox *box)
{
  if (box == NULL)
    return;
  sodium_memzero (box->key, sizeof box->key);
  g_free (box);
}

GBytes *
cs_secret_box_seal (CsSecretBox *box,
                    const char  *plaintext)
{
  gsize len = strlen (plaintext);
  gsize total = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
  unsigned char *out = g_malloc (total);

  randombytes_buf (out, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy (out + crypto_secretbox_NONCEBYTES, (const unsigned char *) plaintext, len,
                         out, box->key);
  return g_bytes_new_take (out, total);
}

char *
cs_secret_box_open (CsSecretBox  *box,
                    GBytes       *sealed,
                    GError      **error)
{
  gsize len;
  const unsigned char *in = g_bytes_get_data (sealed, &len);
  char *plain;

  if (len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    goto damaged;
  len -= crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
  plain = g_malloc (len + 1);
  if (crypto_secretbox_open_easy ((unsigned char *) plain, in + crypto_secretbox_NONCEBYTES,
                                  len + crypto_secretbox_MACBYTES, in, box->key) != 0)
    {
      g_free (plain);
      goto damaged;
    }
  plain[len] = '\0';
  return plain;

damaged:
  g_set_error_literal (error, CS_SECRET_BOX_ERROR, CS_SECRET_BOX_ERROR_DAMAGED,
                       "The account's saved credentials cannot be opened with this server's key file (it was "
                       "replaced, or the database came from another server). Connect the account again.");
  return NULL;
}
