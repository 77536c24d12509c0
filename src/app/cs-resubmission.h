/* cs-resubmission.h: a new draft made from a post the head did not approve
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rejected post stays in the queue as it was; its author gets a new
 * draft with its text, platforms and photos, sent as a new post through
 * the usual checks and outbox. The head's request is kept beside the
 * draft, so that the composer can show it until the draft is sent.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "cs-draft-store.h"
#include "cs-photo-analyser.h"
#include "cs-queue-client.h"

G_BEGIN_DECLS

/* Makes a draft in @store from @post (a rejected post as the queue lists
 * it): its text and platforms, and each photo fetched from the queue with
 * @client, with its alt text. The photos are the queue's redacted copies,
 * so there is no unblurred original to go back to; each is looked at
 * again with @analyser (faces and the names of @people, CsPerson, may be
 * NULL), and the pupils the author tagged are put back on the faces found
 * where they were. The draft is saved before it is returned; on failure
 * nothing is left in @store. */
void     cs_resubmission_make_draft_async  (CsDraftStore        *store,
                                            CsQueueClient       *client,
                                            CsPhotoAnalyser     *analyser,
                                            GPtrArray           *people,
                                            JsonObject          *post,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
CsDraft *cs_resubmission_make_draft_finish (GAsyncResult        *result,
                                            GError             **error);

/* What the head asked for, in words for the top of the composer, when
 * draft @id was made from a rejected post; otherwise NULL. */
char    *cs_resubmission_dup_note          (CsDraftStore        *store,
                                            const char          *id);

G_END_DECLS
