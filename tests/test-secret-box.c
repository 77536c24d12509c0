/* test-secret-box.c: account credentials sealed at rest
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "cs-secret-box.h"
#include "cs-test-server.h"

typedef struct
{
  char *dir;
  char *key;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("secret-box-XXXXXX", &error);
  g_assert_no_error (error);
  f->key = g_build_filename (f->dir, "keys", "accounts.key", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  cs_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->key);
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsSecretBox) box = cs_secret_box_load (f->key, TRUE, &error);
  g_autoptr(CsSecretBox) again = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) sealed_twice = NULL;
  g_autofree char *opened = NULL;
  struct stat st;
  const char secret[] = "{\"access_token\":\"abc123\"}";

  g_assert_no_error (error);
  g_assert_cmpint (g_stat (f->key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (st.st_size, ==, 32);

  sealed = cs_secret_box_seal (box, secret);
  g_assert_null (memmem (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), "abc123", 6));
  /* A fresh nonce each time: the same secret never seals the same way. */
  sealed_twice = cs_secret_box_seal (box, secret);
  g_assert_false (g_bytes_equal (sealed, sealed_twice));

  /* Loading the same file again (a restart) opens what was sealed; it
   * does not make a new key over the old one. */
  again = cs_secret_box_load (f->key, TRUE, &error);
  g_assert_no_error (error);
  opened = cs_secret_box_open (again, sealed, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (opened, ==, secret);
}

static void
test_damage_detected (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsSecretBox) box = cs_secret_box_load (f->key, TRUE, &error);
  g_autofree char *other_path = g_build_filename (f->dir, "other.key", NULL);
  g_autoptr(CsSecretBox) other = cs_secret_box_load (other_path, TRUE, &error);
  g_autoptr(GBytes) sealed = cs_secret_box_seal (box, "page-token");
  g_autoptr(GBytes) altered = NULL;
  g_autoptr(GBytes) short_one = g_bytes_new_static ("abc", 3);
  g_autofree char *opened = NULL;
  guint8 *bytes;
  gsize len;

  g_assert_no_error (error);

  /* One bit changed anywhere: refused, not opened to something else. */
  len = g_bytes_get_size (sealed);
  bytes = g_memdup2 (g_bytes_get_data (sealed, NULL), len);
  bytes[len - 1] ^= 1;
  altered = g_bytes_new_take (bytes, len);
  opened = cs_secret_box_open (box, altered, &error);
  g_assert_null (opened);
  g_assert_error (error, CS_SECRET_BOX_ERROR, CS_SECRET_BOX_ERROR_DAMAGED);
  g_assert_nonnull (strstr (error->message, "Connect the account again"));
  g_clear_error (&error);

  /* Another server's key cannot open it. */
  opened = cs_secret_box_open (other, sealed, &error);
  g_assert_null (opened);
  g_assert_error (error, CS_SECRET_BOX_ERROR, CS_SECRET_BOX_ERROR_DAMAGED);
  g_clear_error (&error);

  opened = cs_secret_box_open (box, short_one, &error);
  g_assert_null (opened);
  g_assert_error (error, CS_SECRET_BOX_ERROR, CS_SECRET_BOX_ERROR_DAMAGED);
}

static void
test_bad_key_files (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsSecretBox) box = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "missing.key", NULL);
  g_autofree char *short_key = g_build_filename (f->dir, "short.key", NULL);

  /* Not made unless asked: a server must not quietly replace a lost key. */
  box = cs_secret_box_load (missing, FALSE, &error);
  g_assert_null (box);
  g_assert_error (error, CS_SECRET_BOX_ERROR, CS_SECRET_BOX_ERROR_KEY_FILE);
  g_assert_nonnull (strstr (error->message, "missing.key"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (short_key, "0123456789", -1, NULL));
  g_assert_cmpint (g_chmod (short_key, 0600), ==, 0);
  box = cs_secret_box_load (short_key, FALSE, &error);
  g_assert_null (box);
  g_assert_error (error, CS_SECRET_BOX_ERROR, CS_SECRET_BOX_ERROR_KEY_FILE);
  g_assert_nonnull (strstr (error->message, "32 bytes"));
  g_clear_error (&error);

  box = cs_secret_box_load (f->key, TRUE, &error);
  g_assert_no_error (error);
  g_clear_pointer (&box, cs_secret_box_free);
  g_assert_cmpint (g_chmod (f->key, 0640), ==, 0);
  box = cs_secret_box_load (f->key, TRUE, &error);
  g_assert_null (box);
  g_assert_error (error, CS_SECRET_BOX_ERROR, CS_SECRET_BOX_ERROR_KEY_FILE);
  g_assert_nonnull (strstr (error->message, "chmod 600"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/server/secret-box/round-trip", test_round_trip);
  ADD ("/server/secret-box/damage-detected", test_damage_detected);
  ADD ("/server/secret-box/bad-key-files", test_bad_key_files);
#undef ADD

  return g_test_run ();
}
