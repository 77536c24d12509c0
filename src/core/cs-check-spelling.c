/* cs-check-spelling.c: words hunspell does not know
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "cs-check-context-private.h"

/* Spelling with ’ as ' and each part of a hyphenated word on its own when the
 * whole is not in the dictionary ("after-school", "screen-free"). */
static gboolean
word_ok (CsSpelling *spelling,
         const char *word,
         gsize       len)
{
  char buf[256];
  gsize n = 0;
  const char *part;

  if (len >= sizeof buf)
    return TRUE;

  for (gsize i = 0; i < len; i++)
    {
      if ((guchar) word[i] == 0xE2 && i + 2 < len && (guchar) word[i + 1] == 0x80 && (guchar) word[i + 2] == 0x99)
        {
          buf[n++] = '\'';
          i += 2;
        }
      else
        buf[n++] = word[i];
    }
  buf[n] = '\0';

  if (cs_spelling_check_word (spelling, buf, n))
    return TRUE;

  if (memchr (buf, '-', n) == NULL)
    return FALSE;

  part = buf;
  for (char *p = buf; ; p++)
    {
      if (*p == '-' || *p == '\0')
        {
          gboolean last = *p == '\0';

          if (p > part && !cs_spelling_check_word (spelling, part, p - part))
            return FALSE;
          if (last)
            break;
          part = p + 1;
        }
    }

  return TRUE;
}
void
cs_check_spelling (CsCheckContext *ctx)
{
  if (ctx->spelling == NULL || !cs_check_context_rule_on (ctx, CS_RULE_SPELLING))
    return;

  for (guint i = 0; i < ctx->tokens->len; i++)
    {
      const CsToken *t = cs_token_at (ctx, i);

      /* Links, tags, numbers, acronyms (PTA, SATs) and initials are not words
       * a dictionary can judge. */
      if (t->flags & (CS_TOKEN_MASKED | CS_TOKEN_HASHTAG | CS_TOKEN_NUMBER | CS_TOKEN_ALL_CAPS | CS_TOKEN_MIXED_CAPS))
        continue;
      if (t->end - t->start < 2)
        continue;

      /* Asked only of misspelled words, since most words are fine. */
      if (!word_ok (ctx->spelling, ctx->text + t->start, t->end - t->start) &&
          !cs_check_context_has (ctx, CS_RULE_PERSONAL_DATA, CS_RULE_EXTERNAL_LINK, t->start, t->end, CS_SPAN_COVERS))
        {
          CsRawFinding *raw = cs_check_context_add (ctx, CS_RULE_SPELLING, t->start, t->end, NULL);

          /* Suggestions are slow; they are made when someone asks. */
          raw->suggestions = NULL;
        }
    }
}
