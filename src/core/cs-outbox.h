/* cs-outbox.h: submissions kept on disk until the approval queue has them
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A submission is written to disk, durably, before anything is sent, and
 * stays there until the queue has answered it: offline, with the server
 * down, or with the laptop shut mid-send, nothing is lost, and because
 * every attempt carries the same Idempotency-Key nothing is posted twice.
 */

#pragma once

#include "cs-queue-client.h"

G_BEGIN_DECLS

/* One redacted photo to submit. */
typedef struct
{
  char *file;       /* a redacted JPEG; copied into the outbox */
  char *alt;
  char *tags_json;  /* [{"pupil","x","y","w","h"}] or NULL */
} CsOutboxPhoto;

#define CS_TYPE_OUTBOX (cs_outbox_get_type ())

G_DECLARE_FINAL_TYPE (CsOutbox, cs_outbox, CS, OUTBOX, GObject)

/* Keeps its folders under @dir (pending/, sent/, refused/), made 0700. */
CsOutbox   *cs_outbox_new           (const char     *dir,
                                     CsQueueClient  *client);

/* Saves a submission for @platforms (1 << CS_PLATFORM_X | ...; photos:
 * CsOutboxPhoto, may be NULL) and returns its key; cs_outbox_flush()
 * sends it. */
char       *cs_outbox_add           (CsOutbox       *self,
                                     const char     *text,
                                     guint           platforms,
                                     GPtrArray      *photos,
                                     GError        **error);

guint       cs_outbox_get_n_pending (CsOutbox       *self);

/* Sends every pending submission, one at a time, oldest first. Each
 * ends in ::sent (key, JsonObject *post), ::refused (key, message,
 * JsonArray *findings or NULL: the queue will not take it as it is; it
 * is kept under refused/), or ::waiting (key, message: it will be tried
 * again later, after a growing pause or when the network comes back). */
void        cs_outbox_flush         (CsOutbox       *self);

G_END_DECLS
