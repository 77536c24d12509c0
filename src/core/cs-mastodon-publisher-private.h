/* cs-mastodon-publisher-private.h: knobs of the Mastodon publisher for its tests
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-mastodon-publisher.h"

G_BEGIN_DECLS

/* How long to wait for the instance to finish processing an uploaded
 * photo before leaving it for a later attempt (30 seconds unless set). */
void cs_mastodon_publisher_set_processing_wait (CsMastodonPublisher *self,
                                                guint                milliseconds);

G_END_DECLS
