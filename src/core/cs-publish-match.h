/* cs-publish-match.h: tells whether a post a platform holds is the one being published
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * When an earlier attempt may have posted already and the platform keeps
 * no idempotency key for it (X, Facebook, Mastodon after an hour), a
 * publisher reads the account's latest posts and looks for its own text
 * among them. Platforms give the text back changed: links shortened or
 * swapped for their own, characters escaped, Mastodon's as HTML. These
 * helpers turn both sides into a form in which those changes vanish.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @text with HTML character references (&amp;, &#39;, &#x1F333; …)
 * replaced by the characters they stand for. */
char     *cs_publish_match_decode_entities (const char *text);

/* The plain text of a post given as HTML (Mastodon's "content"): tags
 * removed, line and paragraph breaks kept as white space, character
 * references decoded. */
char     *cs_publish_match_text_from_html  (const char *html);

/* @text as it can be compared: NFC, every run of white space one space,
 * every link one placeholder, nothing around it. Empty when the text has
 * nothing a post could be told apart by. */
char     *cs_publish_match_comparable      (const char *text);

/* Whether @theirs (plain text, as the platform shows it) is @ours (as
 * approved). With @link_added, the platform may have put one link of its
 * own after the text (X, for a post with photos). */
gboolean  cs_publish_match_same_text       (const char *ours,
                                            const char *theirs,
                                            gboolean    link_added);

G_END_DECLS
