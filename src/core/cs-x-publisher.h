/* cs-x-publisher.h: posts to the school's X account through the X API v2
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-publisher.h"

G_BEGIN_DECLS

#define CS_TYPE_X_PUBLISHER (cs_x_publisher_get_type ())

G_DECLARE_FINAL_TYPE (CsXPublisher, cs_x_publisher, CS, X_PUBLISHER, CsPublisher)

/* @base_url is "https://api.x.com"; @access_token an OAuth 2.0 user
 * token. With @refresh_token (and @client_id, the app's OAuth client),
 * an expired access token is renewed once per post and the new pair is
 * reported through cs_publisher_take_changed_secrets(). */
CsPublisher *cs_x_publisher_new (const char *base_url,
                                 const char *client_id,
                                 const char *access_token,
                                 const char *refresh_token);

G_END_DECLS
