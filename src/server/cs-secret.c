/* cs-secret.c: tokens and password hashes for the queue server
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-secret.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

/* OWASP's 2023 advice for PBKDF2-HMAC-SHA256 is 600,000; a login costs
 * about a quarter of a second of one core, rare enough not to matter. */
#define PBKDF2_ITERATIONS 600000
#define SALT_BYTES        16
#define HASH_BYTES        32

static void
random_bytes (guint8 *buf,
              gsize   len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = getrandom (buf + done, len - done, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        g_error ("The kernel gave no random bytes: %s", g_strerror (errno));
      done += n;
    }
}

static char *
base64url (const guint8 *data,
           gsize         len)
{
  char *text = g_base64_encode (data, len);

  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  for (char *p = text + strlen (text); p > text && p[-1] == '='; p--)
    p[-1] = '\0';

  return text;
}

char *
cs_secret_new_token (void)
{
  guint8 buf[32];

  random_bytes (buf, sizeof buf);
  return base64url (buf, sizeof buf);
}

char *
cs_secret_hash_token (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/* PBKDF2 (RFC 8018) with HMAC-SHA256, for one block of output: the hash is
 * exactly one SHA-256 long. */
static void
pbkdf2 (const char   *password,
        const guint8 *salt,
        gsize         salt_len,
        guint         iterations,
        guint8        out[HASH_BYTES])
{
  /* Keyed once and copied, since keying hashes the password again. */
  g_autoptr(GHmac) keyed = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) password, strlen (password));
  g_autoptr(GHmac) first = g_hmac_copy (keyed);
  guint8 u[HASH_BYTES];
  gsize len = sizeof u;
  const guint8 block[4] = { 0, 0, 0, 1 };

  g_hmac_update (first, salt, salt_len);
  g_hmac_update (first, block, sizeof block);
  g_hmac_get_digest (first, u, &len);
  memcpy (out, u, HASH_BYTES);

  for (guint i = 1; i < iterations; i++)
    {
      g_autoptr(GHmac) next = g_hmac_copy (keyed);

      g_hmac_update (next, u, sizeof u);
      len = sizeof u;
      g_hmac_get_digest (next, u, &len);
      for (gsize k = 0; k < HASH_BYTES; k++)
        out[k] ^= u[k];
    }
}

char *
cs_secret_hash_password (const char *password)
{
  guint8 salt[SALT_BYTES], hash[HASH_BYTES];
  g_autofree char *salt_text = NULL;
  g_autofree char *hash_text = NULL;

  random_bytes (salt, sizeof salt);
  pbkdf2 (password, salt, sizeof salt, PBKDF2_ITERATIONS, hash);
  salt_text = g_base64_encode (salt, sizeof salt);
  hash_text = g_base64_encode (hash, sizeof hash);

  return g_strdup_printf ("pbkdf2-sha256$%u$%s$%s", PBKDF2_ITERATIONS, salt_text, hash_text);
}

gboolean
cs_secret_check_password (const char *password,
                          const char *stored)
{
  g_auto(GStrv) parts = NULL;
  g_autofree guint8 *salt = NULL;
  g_autofree char *hash_text = NULL;
  guint8 hash[HASH_BYTES];
  gsize salt_len;
  guint64 iterations;

  if (password == NULL || stored == NULL)
    return FALSE;

  parts = g_strsplit (stored, "$", -1);
  if (g_strv_length (parts) != 4 || strcmp (parts[0], "pbkdf2-sha256") != 0 ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, 10000000, &iterations, NULL))
    return FALSE;

  salt = g_base64_decode (parts[2], &salt_len);
  pbkdf2 (password, salt, salt_len, (guint) iterations, hash);
  hash_text = g_base64_encode (hash, sizeof hash);

  return cs_secret_equal (hash_text, parts[3]);
}

gboolean
cs_secret_equal (const char *a,
                 const char *b)
{
  gsize la, lb;
  guint8 diff;

  if (a == NULL || b == NULL)
    return FALSE;

  la = strlen (a);
  lb = strlen (b);
  diff = la != lb;
  for (gsize i = 0; i < MIN (la, lb); i++)
    diff |= (guint8) a[i] ^ (guint8) b[i];

  return diff == 0;
}
