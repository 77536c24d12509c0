/* cs-check-links.c: @mentions and links away from the school's website
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "cs-check-context-private.h"
#include "cs-url.h"

static gboolean
is_school_host (CsCheckContext *ctx,
                const char     *host)
{
  const char * const *domains = cs_policy_get_school_domains (ctx->policy);

  for (guint i = 0; domains != NULL && domains[i] != NULL; i++)
    {
      g_autofree char *own = cs_url_dup_host (domains[i], -1);

      if (cs_url_host_in_domain (host, own != NULL ? own : domains[i]))
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_school_handle (CsCheckContext *ctx,
                  const char     *handle,
                  gsize           len)
{
  const char * const *handles = cs_policy_get_school_handles (ctx->policy);

  for (guint i = 0; handles != NULL && handles[i] != NULL; i++)
    {
      const char *own = handles[i][0] == '@' ? handles[i] + 1 : handles[i];

      if (strlen (own) == len - 1 && g_ascii_strncasecmp (own, handle + 1, len - 1) == 0)
        return TRUE;
    }

  return FALSE;
}

void
cs_check_links (CsCheckContext *ctx)
{
  if (cs_check_context_rule_on (ctx, CS_RULE_EXTERNAL_LINK))
    for (guint i = 0; i < ctx->links->len; i++)
      {
        const CsSpan *link = &g_array_index (ctx->links, CsSpan, i);
        g_autofree char *host = cs_url_dup_host (ctx->text + link->start, link->end - link->start);

        if (host != NULL && !is_school_host (ctx, host))
          cs_check_context_add (ctx, CS_RULE_EXTERNAL_LINK, link->start, link->end, host);
      }

  if (cs_check_context_rule_on (ctx, CS_RULE_MENTION))
    for (guint i = 0; i < ctx->handles->len; i++)
      {
        const CsSpan *handle = &g_array_index (ctx->handles, CsSpan, i);
        const char *text = ctx->text + handle->start;
        gsize len = handle->end - handle->start;
        const char *at;
        CsRawFinding *raw;

        if (is_school_handle (ctx, text, len))
          continue;

        raw = cs_check_context_add (ctx, CS_RULE_MENTION, handle->start, handle->end, NULL);
        at = memchr (text + 1, '@', len - 1);

        /* The fix: the name without the tag. */
        raw->suggestions = g_ptr_array_new_with_free_func (g_free);
        g_ptr_array_add (raw->suggestions, g_strndup (text + 1, (at != NULL ? (gsize) (at - text) : len) - 1));
      }
}
