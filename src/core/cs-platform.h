/* cs-platform.h: the social networks a post goes to, and how each counts length
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  CS_PLATFORM_X,
  CS_PLATFORM_MASTODON,
  CS_PLATFORM_BLUESKY,
  CS_PLATFORM_FACEBOOK,
  CS_N_PLATFORMS
} CsPlatform;

gboolean    cs_platform_from_string      (const char *str,
                                          CsPlatform *platform);
const char *cs_platform_to_string        (CsPlatform  platform);
const char *cs_platform_get_display_name (CsPlatform  platform);
guint       cs_platform_get_limit        (CsPlatform  platform);

/* The length of @text as @platform counts it against its limit:
 * X: twitter-text v3 weighted length (URLs 23, CJK and emoji 2);
 * Mastodon: grapheme clusters with every URL as 23 and remote mentions
 * shortened to @user; Bluesky: grapheme clusters; Facebook: code points.
 * @text is NFC-normalised first. */
guint       cs_platform_count            (CsPlatform  platform,
                                          const char *text,
                                          gssize      len);

/* A set of platforms (1 << CS_PLATFORM_X | ...) as a JSON array of their
 * ids, added to @builder as a value: ["x","facebook"]. */
void        cs_platforms_to_json         (guint        platforms,
                                          JsonBuilder *builder);

guint       cs_count_graphemes           (const char *text,
                                          gssize      len);

G_END_DECLS
