/* cs-secret-box.h: account credentials sealed at rest with a key file
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The school's platform tokens sit in the queue's database sealed with
 * XSalsa20-Poly1305 under a 256-bit key that lives only in a file the
 * service user alone can read. A copied database, or a backup of it, is
 * useless without that file; a sealed value that was altered fails to
 * open rather than giving wrong credentials.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CS_SECRET_BOX_ERROR (cs_secret_box_error_quark ())

typedef enum
{
  CS_SECRET_BOX_ERROR_KEY_FILE,  /* missing, unreadable, wrong size or too open */
  CS_SECRET_BOX_ERROR_DAMAGED,   /* a sealed value was altered or sealed by another key */
} CsSecretBoxError;

GQuark cs_secret_box_error_quark (void);

typedef struct _CsSecretBox CsSecretBox;

/* Reads the key in @path, making a new random one (mode 0600) when
 * @create and the file does not exist. Refuses a key file that others
 * than its owner can read. */
CsSecretBox *cs_secret_box_load  (const char   *path,
                                  gboolean      create,
                                  GError      **error);
void         cs_secret_box_free  (CsSecretBox  *box);

/* A fresh random nonce, then the sealed @plaintext. */
GBytes      *cs_secret_box_seal  (CsSecretBox  *box,
                                  const char   *plaintext);
char        *cs_secret_box_open  (CsSecretBox  *box,
                                  GBytes       *sealed,
                                  GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsSecretBox, cs_secret_box_free)

G_END_DECLS
