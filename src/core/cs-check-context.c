/* cs-check-context.c: tokens, masks and helpers shared by the rules
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "cs-check-context-private.h"
#include "cs-url.h"

#define RIGHT_QUOTE 0x2019

static void
raw_finding_free (CsRawFinding *raw)
{
  g_free (raw->detail);
  g_clear_pointer (&raw->suggestions, g_ptr_array_unref);
  g_free (raw);
}

void
cs_check_context_init (CsCheckContext *ctx,
                       const char     *text,
                       gsize           len)
{
  memset (ctx, 0, sizeof *ctx);
  ctx->text = text;
  ctx->len = len;
  ctx->tokens = g_array_sized_new (FALSE, FALSE, sizeof (CsToken), len / 5 + 16);
  ctx->masks = g_array_new (FALSE, FALSE, sizeof (CsSpan));
  ctx->links = g_array_new (FALSE, FALSE, sizeof (CsSpan));
  ctx->emails = g_array_new (FALSE, FALSE, sizeof (CsSpan));
  ctx->handles = g_array_new (FALSE, FALSE, sizeof (CsSpan));
  ctx->chunk = g_string_chunk_new (MAX (len, 256));
  ctx->raw = g_ptr_array_new_with_free_func ((GDestroyNotify) raw_finding_free);
}

void
cs_check_context_clear (CsCheckContext *ctx)
{
  g_clear_pointer (&ctx->tokens, g_array_unref);
  g_clear_pointer (&ctx->masks, g_array_unref);
  g_clear_pointer (&ctx->links, g_array_unref);
  g_clear_pointer (&ctx->emails, g_array_unref);
  g_clear_pointer (&ctx->handles, g_array_unref);
  g_clear_pointer (&ctx->chunk, g_string_chunk_free);
  g_clear_pointer (&ctx->raw, g_ptr_array_unref);
}

CsRawFinding *
cs_check_context_add (CsCheckContext *ctx,
                      const char     *rule,
                      guint           start,
                      guint           end,
                      const char     *detail)
{
  CsRawFinding *raw = g_new0 (CsRawFinding, 1);

  raw->rule = rule;
  raw->start = start;
  raw->end = end;
  raw->detail = g_strdup (detail);
  g_ptr_array_add (ctx->raw, raw);

  return raw;
}

gboolean
cs_check_context_rule_on (CsCheckContext *ctx,
                          const char     *rule)
{
  const CsPolicyRule *r = cs_policy_get_rule (ctx->policy, rule);

  return r != NULL && r->severity != CS_SEVERITY_OFF;
}

gboolean
cs_check_context_has (CsCheckContext *ctx,
                      const char     *rule,
                      const char     *rule2,
                      guint           start,
                      guint           end,
                      CsSpanRelation  relation)
{
  for (guint i = 0; i < ctx->raw->len; i++)
    {
      CsRawFinding *raw = g_ptr_array_index (ctx->raw, i);
      gboolean related;

      if (!g_str_equal (raw->rule, rule) && (rule2 == NULL || !g_str_equal (raw->rule, rule2)))
        continue;

      switch (relation)
        {
        case CS_SPAN_WITHIN:
          related = raw->start >= start && raw->end <= end;
          break;
        case CS_SPAN_COVERS:
          related = raw->start <= start && raw->end >= end;
          break;
        case CS_SPAN_OVERLAPS:
        default:
          related = raw->start < end && raw->end > start;
          break;
        }

      if (related)
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalpha (c) || g_unichar_ismark (c);
}

static gboolean
is_inner_joiner (gunichar c)
{
  return c == '\'' || c == RIGHT_QUOTE || c == '-';
}

char *
cs_fold_word (const char *word,
              gssize      len)
{
  g_autofree char *nfd = NULL;
  GString *out;
  gboolean ascii = TRUE;

  if (len < 0)
    len = strlen (word);

  for (gssize i = 0; i < len; i++)
    if ((guchar) word[i] >= 0x80)
      {
        ascii = FALSE;
        break;
      }

  if (ascii)
    return g_ascii_strdown (word, len);

  nfd = g_utf8_normalize (word, len, G_NORMALIZE_NFD);
  if (nfd == NULL)
    return g_strndup (word, len);

  out = g_string_sized_new (len);
  for (const char *p = nfd; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_ismark (c))
        continue;
      if (c == RIGHT_QUOTE || c == 0x2018)
        c = '\'';
      else if (c == 0x2010 || c == 0x2011)
        c = '-';
      /* Letters with no decomposition that people type without the accent. */
      else if (c == 0x0142 || c == 0x0141)
        c = 'l';
      else if (c == 0x00F8 || c == 0x00D8)
        c = 'o';
      else if (c == 0x00DF)
        {
          g_string_append (out, "ss");
          continue;
        }
      else if (c == 0x00E6 || c == 0x00C6)
        {
          g_string_append (out, "ae");
          continue;
        }

      g_string_append_unichar (out, g_unichar_tolower (c));
    }

  return g_string_free (out, FALSE);
}

/* The end of a word starting at @p: letters, with ' ’ or - between letters. */
static const char *
word_end (const char *p,
          const char *end)
{
  while (p < end)
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);

      if (is_word_char (c))
        p = next;
      else if (is_inner_joiner (c) && next < end && is_word_char (g_utf8_get_char (next)))
        p = next;
      else
        break;
    }

  return p;
}

void
cs_foreach_word (const char *text,
                 void      (*func) (const char *word, gsize len, gpointer data),
                 gpointer    data)
{
  const char *end = text + strlen (text);
  const char *p = text;

  while (p < end)
    {
      gunichar c = g_utf8_get_char (p);

      if (is_word_char (c))
        {
          const char *e = word_end (p, end);
          func (p, e - p, data);
          p = e;
        }
      else
        p = g_utf8_next_char (p);
    }
}

gboolean
cs_check_context_masked (CsCheckContext *ctx,
                         guint           pos,
                         guint          *mask_end)
{
  for (guint i = 0; i < ctx->masks->len; i++)
    {
      const CsSpan *mask = &g_array_index (ctx->masks, CsSpan, i);

      if (pos >= mask->start && pos < mask->end)
        {
          if (mask_end != NULL)
            *mask_end = mask->end;
          return TRUE;
        }
    }

  return FALSE;
}

static void
add_mask (CsCheckContext *ctx,
          GArray         *kind,
          guint           start,
          guint           end)
{
  CsSpan span = { start, end };

  g_array_append_val (ctx->masks, span);
  g_array_append_val (kind, span);
}

static GRegex *
email_regex (void)
{
  static GRegex *regex;

  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex,
                               g_regex_new ("(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}",
                                            G_REGEX_OPTIMIZE, 0, NULL));

  return regex;
}

static GRegex *
handle_regex (void)
{
  static GRegex *regex;

  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex,
                               g_regex_new ("(?<![\\w@.])@[A-Za-z0-9_]{1,30}(?:@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+)?",
                                            G_REGEX_OPTIMIZE, 0, NULL));

  return regex;
}

static void
collect (CsCheckContext *ctx,
         GRegex         *regex,
         GArray         *kind)
{
  g_autoptr(GMatchInfo) info = NULL;

  g_regex_match_full (regex, ctx->text, ctx->len, 0, 0, &info, NULL);
  for (; g_match_info_matches (info); g_match_info_next (info, NULL))
    {
      int s, e;

      g_match_info_fetch_pos (info, 0, &s, &e);
      add_mask (ctx, kind, s, e);
    }
}

/* Links, email addresses and @handles are not words: no names, no spelling.
 * They are found once here, and the rules that report them read them back. */
void
cs_check_masks (CsCheckContext *ctx)
{
  gsize pos = 0;
  gsize start, end;

  /* No @, no address and no handle: most posts, spared two expressions. */
  if (memchr (ctx->text, '@', ctx->len) != NULL)
    {
      collect (ctx, email_regex (), ctx->emails);
      collect (ctx, handle_regex (), ctx->handles);
    }

  while (cs_url_find_next (ctx->text, ctx->len, pos, &start, &end))
    {
      add_mask (ctx, ctx->links, start, end);
      pos = end;
    }
}

static gboolean
gap_breaks_sentence (const char *p,
                     const char *end,
                     gboolean    after_initial)
{
  for (; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case '.':
          if (!after_initial)
            return TRUE;
          break;
        case '!': case '?': case ':': case ';': case '\n': case '\r':
        case '"': case 0x201C: case 0x2018: case 0x2022: case '(':
          return TRUE;
        case '\'':
          /* An opening quote starts a title, where capitals say nothing. */
          return TRUE;
        default:
          /* Emoji and other symbols end sentences in social posts. */
          if (c > 0x2000 && !g_unichar_isspace (c) && c != 0x2013 && c != 0x2014 && c != 0x2019)
            return TRUE;
          break;
        }
    }

  return FALSE;
}

static void
append_token (CsCheckContext *ctx,
              const char     *start,
              const char     *end,
              guint           flags)
{
  CsToken token = { 0 };
  g_autofree char *folded = NULL;
  gunichar first = g_utf8_get_char (start);
  guint letters = 0;
  guint upper = 0;
  gboolean digit = FALSE;

  for (const char *p = start; p < end; )
    {
      guchar b = *p;

      /* ASCII first: nearly every word of an English post is. */
      if (b < 0x80)
        {
          if (g_ascii_isdigit (b))
            digit = TRUE;
          else if (g_ascii_isalpha (b))
            {
              letters++;
              upper += g_ascii_isupper (b) ? 1 : 0;
            }
          p++;
        }
      else
        {
          gunichar c = g_utf8_get_char (p);

          if (g_unichar_isdigit (c))
            digit = TRUE;
          else if (g_unichar_isalpha (c))
            {
              letters++;
              if (g_unichar_isupper (c))
                upper++;
            }
          p = g_utf8_next_char (p);
        }
    }

  token.start = start - ctx->text;
  token.end = end - ctx->text;
  token.flags = flags;
  if (g_unichar_isupper (first) || g_unichar_istitle (first))
    token.flags |= CS_TOKEN_CAPITALISED;
  if (letters >= 2 && upper == letters)
    token.flags |= CS_TOKEN_ALL_CAPS;
  else if (upper >= 2 || (upper == 1 && !(token.flags & CS_TOKEN_CAPITALISED)))
    token.flags |= CS_TOKEN_MIXED_CAPS;
  if (digit)
    token.flags |= CS_TOKEN_NUMBER;

  /* Most words are plain ASCII: fold them without an allocation. */
  if (end - start < 64 && letters + (digit ? 1 : 0) > 0)
    {
      char buf[64];
      gsize n = end - start;
      gboolean ascii = TRUE;

      for (gsize k = 0; k < n; k++)
        {
          if ((guchar) start[k] >= 0x80)
            {
              ascii = FALSE;
              break;
            }
          buf[k] = g_ascii_tolower (start[k]);
        }

      if (ascii)
        token.folded = g_string_chunk_insert_len (ctx->chunk, buf, n);
    }

  if (token.folded == NULL)
    {
      folded = cs_fold_word (start, end - start);
      token.folded = g_string_chunk_insert (ctx->chunk, folded);
    }
  g_array_append_val (ctx->tokens, token);
}

/* Splits #ProudOfYouNell into Proud, Of, You, Nell. */
static void
append_hashtag (CsCheckContext *ctx,
                const char     *start,
                const char     *end)
{
  const char *part = start;
  guint n = 0;

  for (const char *p = g_utf8_next_char (start); p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gunichar prev = g_utf8_get_char (g_utf8_prev_char (p));
      const char *next = g_utf8_next_char (p);
      gboolean boundary = FALSE;

      if (g_unichar_isupper (c) && g_unichar_islower (prev))
        boundary = TRUE;
      /* "ABCRoad": the last capital starts the next word. */
      else if (g_unichar_isupper (c) && g_unichar_isupper (prev) && next < end &&
               g_unichar_islower (g_utf8_get_char (next)))
        boundary = TRUE;
      else if (g_unichar_isdigit (c) != g_unichar_isdigit (prev))
        boundary = TRUE;

      if (boundary)
        {
          append_token (ctx, part, p, CS_TOKEN_HASHTAG);
          part = p;
          n++;
        }
    }

  append_token (ctx, part, end, CS_TOKEN_HASHTAG | (n == 0 ? CS_TOKEN_HASHTAG_WHOLE : 0));
}

static void
mark_heading_lines (CsCheckContext *ctx)
{
  guint line_first = 0;

  for (guint i = 0; i <= ctx->tokens->len; i++)
    {
      gboolean new_line = i == ctx->tokens->len;

      if (!new_line && i > line_first)
        {
          CsToken *prev = &g_array_index (ctx->tokens, CsToken, i - 1);
          CsToken *tok = &g_array_index (ctx->tokens, CsToken, i);
          new_line = memchr (ctx->text + prev->end, '\n', tok->start - prev->end) != NULL;
        }

      if (new_line)
        {
          guint words = 0, caps = 0, all_caps = 0;

          for (guint j = line_first; j < i; j++)
            {
              CsToken *t = &g_array_index (ctx->tokens, CsToken, j);

              if (t->flags & (CS_TOKEN_NUMBER | CS_TOKEN_MASKED | CS_TOKEN_HASHTAG))
                continue;
              words++;
              if (t->flags & CS_TOKEN_ALL_CAPS)
                all_caps++;
              if (t->flags & CS_TOKEN_CAPITALISED)
                caps++;
            }

          /* A line in capitals, or a short line in Title Case, is a heading. */
          if (words >= 2 && (all_caps * 2 >= words || (words <= 8 && caps == words)))
            for (guint j = line_first; j < i; j++)
              g_array_index (ctx->tokens, CsToken, j).flags |= CS_TOKEN_HEADING;

          line_first = i;
        }
    }
}

void
cs_check_tokenize (CsCheckContext *ctx)
{
  const char *text = ctx->text;
  const char *end = text + ctx->len;
  const char *p = text;
  const char *prev_end = text;
  gboolean prev_initial = FALSE;
  gboolean first = TRUE;

  while (p < end)
    {
      gunichar c = g_utf8_get_char (p);
      guint mask_end;

      /* A word starts with a letter or digit; a lone mark (an emoji's
       * variation selector) is not one. */
      if (!g_unichar_isalpha (c) && !g_unichar_isdigit (c))
        {
          p = g_utf8_next_char (p);
          continue;
        }

      if (ctx->masks->len > 0 && cs_check_context_masked (ctx, p - text, &mask_end))
        {
          /* Masked words are kept, flagged, so that neighbours stay honest. */
          const char *e = text + mask_end;
          CsToken token = { p - text, e - text, CS_TOKEN_MASKED, "" };

          g_array_append_val (ctx->tokens, token);
          prev_end = p = e;
          prev_initial = FALSE;
          first = FALSE;
          continue;
        }

      {
        const char *e;
        guint flags = 0;
        gboolean hashtag = p > text && p[-1] == '#';

        if (g_unichar_isdigit (c))
          {
            e = p;
            while (e < end && (g_ascii_isalnum (*e) || ((*e == '.' || *e == ',') && e + 1 < end && g_ascii_isdigit (e[1]))))
              e++;
          }
        else
          e = word_end (p, end);

        if (first || gap_breaks_sentence (prev_end, p, prev_initial))
          flags |= CS_TOKEN_SENTENCE_START;

        /* Oliver's, Oliver’s: the name is the token, the 's a flag. */
        if (!hashtag && e - p > 3)
          {
            const char *q = e - 1;

            if (*q == 's' || *q == 'S')
              {
                if (q[-1] == '\'')
                  {
                    flags |= CS_TOKEN_POSSESSIVE;
                    e = q - 1;
                  }
                else if (q - p > 3 && (guchar) q[-1] == 0x99 && (guchar) q[-2] == 0x80 && (guchar) q[-3] == 0xE2)
                  {
                    flags |= CS_TOKEN_POSSESSIVE;
                    e = q - 3;
                  }
              }
          }

        if (hashtag && !g_unichar_isdigit (c))
          append_hashtag (ctx, p, e);
        else
          append_token (ctx, p, e, flags);

        prev_initial = (e - p == 1 && g_unichar_isupper (c)) ||
                       (e - p <= 3 && (g_ascii_strncasecmp (p, "Mr", 2) == 0 || g_ascii_strncasecmp (p, "Dr", 2) == 0 ||
                                       g_ascii_strncasecmp (p, "Ms", 2) == 0 || g_ascii_strncasecmp (p, "Mx", 2) == 0 ||
                                       g_ascii_strncasecmp (p, "Mrs", 3) == 0 || g_ascii_strncasecmp (p, "St", 2) == 0));
        if (flags & CS_TOKEN_POSSESSIVE)
          {
            /* Step over the 's. */
            e = (*e == '\'') ? e + 2 : e + 4;
            prev_initial = FALSE;
          }

        prev_end = p = e;
        first = FALSE;
      }
    }

  mark_heading_lines (ctx);
}

const CsToken *
cs_token_at (CsCheckContext *ctx,
             guint           i)
{
  if (i >= ctx->tokens->len)
    return NULL;

  return &g_array_index (ctx->tokens, CsToken, i);
}

gboolean
cs_token_gap_is_space (CsCheckContext *ctx,
                       guint           i)
{
  const CsToken *a = cs_token_at (ctx, i);
  const CsToken *b = cs_token_at (ctx, i + 1);

  if (a == NULL || b == NULL)
    return FALSE;

  if (a->flags & CS_TOKEN_POSSESSIVE)
    return FALSE;

  for (guint p = a->end; p < b->start; p++)
    if (ctx->text[p] != ' ' && ctx->text[p] != '\t')
      return FALSE;

  return b->start > a->end;
}

gboolean
cs_token_gap_has (CsCheckContext *ctx,
                  guint           i,
                  const char     *chars)
{
  const CsToken *a = cs_token_at (ctx, i);
  const CsToken *b = cs_token_at (ctx, i + 1);
  guint end = b != NULL ? b->start : ctx->len;

  if (a == NULL)
    return FALSE;

  for (guint p = a->end; p < end; p++)
    if (strchr (chars, ctx->text[p]) != NULL)
      return TRUE;

  return FALSE;
}

void
cs_sentence_bounds (CsCheckContext *ctx,
                    guint           pos,
                    guint          *start,
                    guint          *end)
{
  guint s = MIN (pos, ctx->len);
  guint e = s;

  while (s > 0)
    {
      char c = ctx->text[s - 1];

      if (c == '\n' || ((c == '.' || c == '!' || c == '?') && (s >= ctx->len || ctx->text[s] == ' ' || ctx->text[s] == '\n')))
        break;
      s--;
    }

  while (e < ctx->len)
    {
      char c = ctx->text[e];

      if (c == '\n' || ((c == '.' || c == '!' || c == '?') && (e + 1 >= ctx->len || ctx->text[e + 1] == ' ' || ctx->text[e + 1] == '\n')))
        break;
      e++;
    }

  *start = s;
  *end = e;
}

/* TRUE if @pattern has no | outside brackets, so that a prefix can be
 * factored out of it without changing what it matches. */
static gboolean
factorable (const char *pattern)
{
  int depth = 0;
  gboolean in_class = FALSE;

  for (const char *p = pattern; *p; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        p++;
      else if (in_class)
        in_class = *p != ']';
      else if (*p == '[')
        in_class = TRUE;
      else if (*p == '(')
        depth++;
      else if (*p == ')')
        depth--;
      else if (*p == '|' && depth == 0)
        return FALSE;
    }

  return TRUE;
}

/* The plain letters, digits and spaces @pattern starts with; a character
 * that a quantifier follows is not part of it. */
static gsize
literal_prefix (const char *pattern)
{
  gsize n = 0;

  while (g_ascii_isalnum (pattern[n]) || pattern[n] == ' ' || pattern[n] == '-')
    {
      if (pattern[n + 1] != '\0' && strchr ("?*+{", pattern[n + 1]) != NULL)
        break;
      n++;
    }

  return n;
}

static void
append_pattern (GString    *out,
                const char *pattern)
{
  gboolean in_class = FALSE;

  /* Let a straight apostrophe in a pattern match a curly one too; inside a
   * [class] the curly one is simply added. */
  for (const char *p = pattern; *p; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        {
          g_string_append_c (out, *p++);
          g_string_append_c (out, *p);
          continue;
        }

      if (*p == '[' && !in_class)
        in_class = TRUE;
      else if (*p == ']' && in_class)
        in_class = FALSE;

      if (*p == '\'')
        g_string_append (out, in_class ? "'’" : "['’]");
      else
        g_string_append_c (out, *p);
    }
}

/* The end of the group that opens at @open, or NULL. */
static const char *
group_end (const char *open)
{
  int depth = 0;
  gboolean in_class = FALSE;

  for (const char *p = open; *p; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        p++;
      else if (in_class)
        in_class = *p != ']';
      else if (*p == '[')
        in_class = TRUE;
      else if (*p == '(')
        depth++;
      else if (*p == ')' && --depth == 0)
        return p;
    }

  return NULL;
}

/* Adds @pattern to @out with a leading (?:a|b) group written out, as
 * "a…" and "b…" (and "…" for an optional group, last, as the matcher would
 * try it), so that each branch starts with letters the trie can share.
 * @budget bounds how many branches one pattern may become. */
static char *
concat_len (const char *a,
                 gsize       len,
                 const char *b)
{
  g_autofree char *head = g_strndup (a, len);

  return g_strconcat (head, b, NULL);
}

static void
expand_leading_group (const char *pattern,
                      GPtrArray  *out,
                      int         budget)
{
  const char *close;
  const char *rest;
  gboolean optional = FALSE;
  g_autoptr(GPtrArray) alternatives = NULL;
  const char *alt;
  int depth = 0;
  gboolean in_class = FALSE;

  if (!g_str_has_prefix (pattern, "(?:") || budget <= 1 || !factorable (pattern) ||
      (close = group_end (pattern)) == NULL)
    goto keep;

  rest = close + 1;
  if (*rest == '?' && rest[1] != '?' && rest[1] != '+')
    {
      optional = TRUE;
      rest++;
    }
  else if (*rest != '\0' && strchr ("*+{?", *rest) != NULL)
    goto keep;

  alternatives = g_ptr_array_new_with_free_func (g_free);
  alt = pattern + 3;
  for (const char *p = alt; p <= close; p++)
    {
      if (p < close && *p == '\\' && p[1] != '\0')
        p++;
      else if (p < close && in_class)
        in_class = *p != ']';
      else if (p < close && *p == '[')
        in_class = TRUE;
      else if (p < close && *p == '(')
        depth++;
      else if (p < close && *p == ')')
        depth--;
      else if (p == close || (*p == '|' && depth == 0))
        {
          g_ptr_array_add (alternatives, concat_len (alt, p - alt, rest));
          alt = p + 1;
        }
    }

  if ((int) alternatives->len + optional > budget)
    goto keep;

  for (guint i = 0; i < alternatives->len; i++)
    expand_leading_group (g_ptr_array_index (alternatives, i), out, budget / (alternatives->len + optional));
  if (optional)
    expand_leading_group (rest, out, budget / (alternatives->len + 1));
  return;

keep:
  g_ptr_array_add (out, g_strdup (pattern));
}

typedef struct
{
  const char *literal;  /* what is left of the literal prefix, lower case */
  gsize       n;
  const char *rest;     /* the pattern after the prefix */
} Branch;

/* Writes @branches as a trie on their literal prefixes: "asthma|allergy"
 * becomes "a(?:sthma|llergy)". Branches keep their order within each
 * group, so the same text matches as with the plain alternation. */
static void
append_trie (GString *out,
             Branch  *branches,
             guint    n_branches)
{
  g_autofree gboolean *done = g_new0 (gboolean, n_branches);
  gboolean first = TRUE;

  for (guint i = 0; i < n_branches; i++)
    {
      g_autofree Branch *group = NULL;
      guint n_group = 0;
      char c;

      if (done[i])
        continue;

      if (!first)
        g_string_append_c (out, '|');
      first = FALSE;

      if (branches[i].n == 0)
        {
          append_pattern (out, branches[i].rest);
          done[i] = TRUE;
          continue;
        }

      c = branches[i].literal[0];
      group = g_new (Branch, n_branches);
      for (guint j = i; j < n_branches; j++)
        if (!done[j] && branches[j].n > 0 && branches[j].literal[0] == c)
          {
            group[n_group] = branches[j];
            group[n_group].literal++;
            group[n_group].n--;
            n_group++;
            done[j] = TRUE;
          }

      g_string_append_c (out, c == ' ' ? ' ' : c);
      if (n_group == 1)
        {
          g_string_append_len (out, group[0].literal, group[0].n);
          append_pattern (out, group[0].rest);
        }
      else
        {
          g_string_append (out, "(?:");
          append_trie (out, group, n_group);
          g_string_append_c (out, ')');
        }
    }
}

/* One expression for a list of patterns and literal phrases, whole words
 * only, ignoring case. The patterns are factored into a trie on their
 * literal beginnings, so that at each word the matcher follows one path
 * instead of trying every pattern in turn. */
GRegex *
cs_compile_patterns (const char * const *patterns,
                     const char * const *phrases)
{
  g_autoptr(GString) all = g_string_new ("(?<![\\w'’])(?:");
  g_autoptr(GArray) branches = g_array_new (FALSE, FALSE, sizeof (Branch));
  g_autoptr(GPtrArray) lowered = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  gboolean any = FALSE;
  GRegex *regex;

  g_autoptr(GPtrArray) expanded = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; patterns != NULL && patterns[i] != NULL; i++)
    expand_leading_group (patterns[i], expanded, 32);

  for (guint i = 0; i < expanded->len; i++)
    {
      const char *pattern = g_ptr_array_index (expanded, i);
      Branch branch = { "", 0, pattern };

      if (factorable (pattern))
        {
          char *lower = g_ascii_strdown (pattern, -1);

          g_ptr_array_add (lowered, lower);
          branch.n = literal_prefix (pattern);
          branch.literal = lower;
          branch.rest = pattern + branch.n;
        }

      g_array_append_val (branches, branch);
    }

  if (branches->len > 0)
    {
      append_trie (all, (Branch *) branches->data, branches->len);
      any = TRUE;
    }

  for (guint i = 0; phrases != NULL && phrases[i] != NULL; i++)
    {
      g_autofree char *escaped = NULL;

      if (phrases[i][0] == '\0')
        continue;
      if (any)
        g_string_append_c (all, '|');
      escaped = g_regex_escape_string (phrases[i], -1);
      g_string_append (all, escaped);
      any = TRUE;
    }

  if (!any)
    return NULL;

  g_string_append (all, ")(?![\\w])");

  regex = g_regex_new (all->str, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, &error);
  if (regex == NULL)
    g_warning ("A policy pattern does not compile: %s", error->message);

  return regex;
}
