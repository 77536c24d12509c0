/* cs-facebook-publisher.h: posts to the school's Facebook Page through the Graph API
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-publisher.h"

G_BEGIN_DECLS

#define CS_TYPE_FACEBOOK_PUBLISHER (cs_facebook_publisher_get_type ())

G_DECLARE_FINAL_TYPE (CsFacebookPublisher, cs_facebook_publisher, CS, FACEBOOK_PUBLISHER, CsPublisher)

/* @base_url is the Graph API with its version pinned,
 * "https://graph.facebook.com/v21.0"; @page_token is the Page's own
 * access token (not the token of the person who connected it), which is
 * sent as a Bearer header so that it never appears in a logged address. */
CsPublisher *cs_facebook_publisher_new (const char *base_url,
                                        const char *page_id,
                                        const char *page_token);

G_END_DECLS
