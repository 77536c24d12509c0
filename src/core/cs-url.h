/* cs-url.h: finding links in post text, as the platforms and the checker see them
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Finds the next link in @text at or after byte @from: an http:// or https://
 * URL, a www. link, or a bare domain with a known top-level domain
 * ("bit.ly/x", "school.sch.uk/news"). Email addresses are not links.
 * Trailing sentence punctuation is not part of the link. Returns the byte
 * range in @start and @end. */
gboolean cs_url_find_next (const char *text,
                           gsize       len,
                           gsize       from,
                           gsize      *start,
                           gsize      *end);

/* The lower-case host of the link @url (without scheme, "www.", port or path). */
char    *cs_url_dup_host  (const char *url,
                           gssize      len);

/* TRUE if @host is @domain or a subdomain of it. */
gboolean cs_url_host_in_domain (const char *host,
                                const char *domain);

G_END_DECLS
