/* cs-secret.h: tokens and password hashes for the queue server
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A new bearer token: 32 random bytes from the kernel, URL-safe base64. */
char     *cs_secret_new_token       (void);

/* The form a token is stored in: its SHA-256, hex. A token has 256 bits of
 * entropy, so one fast hash is enough; passwords need the slow one below. */
char     *cs_secret_hash_token      (const char *token);

/* "pbkdf2-sha256$ITERATIONS$SALT$HASH", salt and hash in base64. */
char     *cs_secret_hash_password   (const char *password);
gboolean  cs_secret_check_password  (const char *password,
                                     const char *stored);

/* Compares in time that does not depend on where they differ. */
gboolean  cs_secret_equal           (const char *a,
                                     const char *b);

G_END_DECLS
