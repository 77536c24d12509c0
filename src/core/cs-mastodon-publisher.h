/* cs-mastodon-publisher.h: posts to the school's Mastodon account
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-publisher.h"

G_BEGIN_DECLS

#define CS_TYPE_MASTODON_PUBLISHER (cs_mastodon_publisher_get_type ())

G_DECLARE_FINAL_TYPE (CsMastodonPublisher, cs_mastodon_publisher, CS, MASTODON_PUBLISHER, CsPublisher)

/* @base_url is the school's instance ("https://mastodon.example"), and
 * @access_token a user token with the write:media and write:statuses
 * scopes. */
CsPublisher *cs_mastodon_publisher_new (const char *base_url,
                                        const char *access_token);

G_END_DECLS
