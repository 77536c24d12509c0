/* cs-bluesky-publisher.h: posts to the school's Bluesky account
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-publisher.h"

G_BEGIN_DECLS

#define CS_TYPE_BLUESKY_PUBLISHER (cs_bluesky_publisher_get_type ())

G_DECLARE_FINAL_TYPE (CsBlueskyPublisher, cs_bluesky_publisher, CS, BLUESKY_PUBLISHER, CsPublisher)

/* @base_url is the account's PDS ("https://bsky.social"), @identifier its
 * handle or DID and @app_password an app password made for Countersign.
 * @refresh_jwt, when the server saved one, lets the publisher carry on
 * the session it had rather than signing in again. */
CsPublisher *cs_bluesky_publisher_new (const char *base_url,
                                       const char *identifier,
                                       const char *app_password,
                                       const char *refresh_jwt);

G_END_DECLS
