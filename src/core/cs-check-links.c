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
  gsize pos = 0;
  gsize start, end;

  if (cs_check_context_rule_on (ctx, CS_RULE_EXTERNAL_LINK))
    while (cs_url_find_next (ctx->text, ctx->len, pos, &start, &end))
      {
        g_autofree char *host = cs_url_dup_host (ctx->text + start, end - start);

        if (host != NULL && !is_school_host (ctx, host))
          cs_check_context_add (ctx, CS_RULE_EXTERNAL_LINK, start, end, host);
        pos = end;
      }

  if (cs_check_context_rule_on (ctx, CS_RULE_MENTION))
    {
      g_autoptr(GMatchInfo) info = NULL;

      g_regex_match_full (cs_check_handle_regex (), ctx->text, ctx->len, 0, 0, &info, NULL);
      for (; g_match_info_matches (info); g_match_info_next (info, NULL))
        {
          int s, e;

          g_match_info_fetch_pos (info, 0, &s, &e);
          if (!is_school_handle (ctx, ctx->text + s, e - s))
            {
              CsRawFinding *raw = cs_check_context_add (ctx, CS_RULE_MENTION, s, e, NULL);
              const char *at = memchr (ctx->text + s + 1, '@', e - s - 1);

              /* The fix: the name without the tag. */
              raw->suggestions = g_ptr_array_new_with_free_func (g_free);
              g_ptr_array_add (raw->suggestions, g_strndup (ctx->text + s + 1, (at ? at - ctx->text : e) - s - 1));
            }
        }
    }
}
