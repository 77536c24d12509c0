/* cs-check-personal-data.c: phone numbers, email addresses, addresses, dates of birth
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "cs-check-context-private.h"

/* Each detail is the {detail} of the personal-data message, "“{text}” is
 * {detail}.", marked with N_() and translated when a finding is made. */
typedef struct
{
  const char *detail;
  const char *pattern;
  GRegexCompileFlags flags;
  /* Words one of which must appear, in any case, for the pattern to match:
   * a cheap test that spares most posts the expression. */
  const char *needs[6];
} DataPattern;

/* Kinds of personal data, each one expression. The school's own details are
 * taken out afterwards, so these may match them. */
enum { PHONE, OBFUSCATED_EMAIL, POSTCODE, HOUSE, LIVES_ON, BIRTH, N_PATTERNS };

#define STREET_TYPES \
  "(?:Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Way|Crescent|Cres|Grove|Gardens|Place|Pl|Court|Ct|" \
  "Terrace|Walk|Mews|Rise|Row|Square|Sq|Parade|Green|Vale|Meadows?|Fields?|Cottages|Villas|Hill|View|Park|" \
  "Chase|Croft|Approach|Bank|End|Gate|Hollow|Lea|Leys|Orchard|Paddock|Wharf|Yard)"

#define DATE \
  "(?:\\d{1,2}[./-]\\d{1,2}[./-](?:\\d{4}|\\d{2})|" \
  "\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\\.?,?\\s+\\d{4}|" \
  "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4})"

static const DataPattern patterns[N_PATTERNS] = {
  [PHONE] = {
    N_("a phone number"),
    "(?<![\\w+£$€.,/])(?:\\+\\s?44\\s?(?:\\(0\\)\\s?)?\\d[\\d\\s-]{7,13}\\d|\\(?0\\d{2,4}\\)?[\\s-]?\\d[\\d\\s-]{4,10}\\d)(?![\\w.,/]\\d)",
    0,
  },
  [OBFUSCATED_EMAIL] = {
    N_("an email address"),
    "(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*+\\s*(?:\\(at\\)|\\[at\\]|\\{at\\}|\\sat\\s)\\s*[A-Za-z0-9-]+"
    "(?:\\s*(?:\\(dot\\)|\\[dot\\]|\\{dot\\}|\\sdot\\s|\\.)\\s*[A-Za-z]{2,})+",
    G_REGEX_CASELESS,
  },
  [POSTCODE] = {
    N_("a postcode"),
    "\\b(?:[A-Z]{1,2}\\d[A-Z\\d]?|GIR)\\s?\\d[ABD-HJLNP-UW-Z]{2}\\b",
    0,
  },
  [HOUSE] = {
    N_("a home address"),
    "(?<![\\w.,£$/-])\\d{1,4}[A-Za-z]?,?[ \\t]+(?:[A-Z][A-Za-z'’-]*+[ \\t]+){1,3}" STREET_TYPES "\\b",
    0,
  },
  [LIVES_ON] = {
    N_("where someone lives"),
    "\\b(?i:lives?|living|lived|moved|moving|staying)\\s+(?i:on|at|in|to|near|above|below|over|behind|opposite|next to)\\s+"
    "(?:[^.!?\\n]{0,40}?\\s)?(?:(?i:number)\\s+\\d+\\s+|\\d+\\s+)?(?:[A-Z][\\w'’-]+\\s+){1,3}" STREET_TYPES "\\b"
    "(?:,?\\s+(?i:opposite|next to|near|behind|by|beside|across from)\\s+(?:the\\s+)?[\\w'’-]+(?:\\s+[A-Z][\\w'’-]+)?)?",
    0,
    { "liv", "mov", "stay", NULL },
  },
  [BIRTH] = {
    N_("a date of birth"),
    "\\b(?i:born(?:\\s+on)?|date\\s+of\\s+birth:?|d\\.?o\\.?b\\.?:?|birthday:?)[\\s(:,-]*(" DATE ")",
    0,
    { "born", "birth", "dob", "d.o.b", NULL },
  },
};

static GRegex *
compiled (guint kind)
{
  static GRegex *regexes[N_PATTERNS];
  static gsize once;

  if (g_once_init_enter (&once))
    {
      for (guint i = 0; i < N_PATTERNS; i++)
        {
          g_autoptr(GError) error = NULL;

          regexes[i] = g_regex_new (patterns[i].pattern, patterns[i].flags | G_REGEX_OPTIMIZE, 0, &error);
          if (regexes[i] == NULL)
            g_error ("Personal-data pattern %u: %s", i, error->message);
        }
      g_once_init_leave (&once, 1);
    }

  return regexes[kind];
}

static char *
digits_of (const char *text,
           gsize       len)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    if (g_ascii_isdigit (text[i]))
      g_string_append_c (out, text[i]);

  /* +44 7700 … and 07700 … are one number. */
  if (g_str_has_prefix (out->str, "44") && memchr (text, '+', len) != NULL)
    {
      g_string_erase (out, 0, 2);
      if (out->str[0] != '0')
        g_string_prepend_c (out, '0');
    }

  return g_string_free (out, FALSE);
}

static gboolean
is_school_phone (CsCheckContext *ctx,
                 const char     *digits)
{
  const char * const *phones = cs_policy_get_school_phones (ctx->policy);

  for (guint i = 0; phones != NULL && phones[i] != NULL; i++)
    {
      g_autofree char *own = digits_of (phones[i], strlen (phones[i]));

      if (g_str_equal (own, digits))
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_school_postcode (CsCheckContext *ctx,
                    const char     *text,
                    gsize           len)
{
  const char * const *postcodes = cs_policy_get_school_postcodes (ctx->policy);
  g_autofree char *found = g_strndup (text, len);

  g_strdelimit (found, " ", '\0');
  for (guint i = 0; postcodes != NULL && postcodes[i] != NULL; i++)
    {
      g_autoptr(GString) own = g_string_new (NULL);
      g_autoptr(GString) seen = g_string_new (NULL);

      for (const char *p = postcodes[i]; *p; p++)
        if (*p != ' ')
          g_string_append_c (own, g_ascii_toupper (*p));
      for (gsize k = 0; k < len; k++)
        if (text[k] != ' ')
          g_string_append_c (seen, g_ascii_toupper (text[k]));

      if (g_str_equal (own->str, seen->str))
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_school_email (CsCheckContext *ctx,
                 const char     *text,
                 gsize           len)
{
  const char * const *emails = cs_policy_get_school_emails (ctx->policy);

  for (guint i = 0; emails != NULL && emails[i] != NULL; i++)
    if (strlen (emails[i]) == len && g_ascii_strncasecmp (emails[i], text, len) == 0)
      return TRUE;

  return FALSE;
}

static void
add (CsCheckContext *ctx,
     guint           start,
     guint           end,
     const char     *detail)
{
  CsRawFinding *raw;

  if (cs_check_context_has (ctx, CS_RULE_PERSONAL_DATA, NULL, start, end, CS_SPAN_OVERLAPS))
    return;

  raw = cs_check_context_add (ctx, CS_RULE_PERSONAL_DATA, start, end, _(detail));
  raw->suggestions = g_ptr_array_new_with_free_func (g_free);
  /* Translators: words put into the post in place of a phone number,
   * an address or the like. */
  g_ptr_array_add (raw->suggestions, g_strdup (_("the school office")));
}

/* Scans with @kind's expression. A candidate that turns out not to be
 * personal data ("him at school.sch.uk") must not hide a real one that starts
 * inside it, so the search then resumes one character on, not after it. */
/* One pass over the text, looking for any of @needles in any case. */
static gboolean
contains_any (CsCheckContext     *ctx,
              const char * const *needles)
{
  gboolean starts[256] = { FALSE };

  for (guint n = 0; needles[n] != NULL; n++)
    {
      starts[(guchar) g_ascii_tolower (needles[n][0])] = TRUE;
      starts[(guchar) g_ascii_toupper (needles[n][0])] = TRUE;
    }

  for (gsize i = 0; i < ctx->len; i++)
    {
      if (!starts[(guchar) ctx->text[i]])
        continue;

      for (guint n = 0; needles[n] != NULL; n++)
        {
          gsize len = strlen (needles[n]);

          if (i + len <= ctx->len && g_ascii_strncasecmp (ctx->text + i, needles[n], len) == 0)
            return TRUE;
        }
    }

  return FALSE;
}

/* "see you at school.sch.uk" is a link, not an address: a spelled-out
 * address says "dot", brackets its "at", or names a mail provider. */
static gboolean
spelled_out_address (const char *text,
                     gsize       len)
{
  static const char * const signs[] = {
    "dot", "(at)", "[at]", "{at}", "gmail", "hotmail", "yahoo", "outlook", "icloud", "btinternet", "live.", NULL
  };
  g_autofree char *lower = g_ascii_strdown (text, len);

  for (guint i = 0; signs[i] != NULL; i++)
    if (strstr (lower, signs[i]) != NULL)
      return TRUE;

  return FALSE;
}

/* The next " at ", "(at)", "[at]" or "{at}" at or after @from, or -1. */
static gssize
next_at_word (CsCheckContext *ctx,
              gsize           from)
{
  for (gsize i = from; i + 4 <= ctx->len; i++)
    {
      const char *p = ctx->text + i;

      if ((p[1] == 'a' || p[1] == 'A') && (p[2] == 't' || p[2] == 'T') &&
          ((p[0] == ' ' && p[3] == ' ') || (p[0] == '(' && p[3] == ')') ||
           (p[0] == '[' && p[3] == ']') || (p[0] == '{' && p[3] == '}')))
        return i;
    }

  return -1;
}

/* A spelled-out address is found around its "at": the expression runs only
 * in a window about each one, not from every word of the post. */
static void
scan_spelled_out_emails (CsCheckContext *ctx)
{
  gsize from = 0;
  gssize at;

  while ((at = next_at_word (ctx, from)) >= 0)
    {
      g_autoptr(GMatchInfo) info = NULL;
      gsize window_start = at > 80 ? at - 80 : 0;
      gsize window_end = MIN (ctx->len, (gsize) at + 120);
      int s = 0, e = 0;

      window_start = MAX (window_start, from);
      from = at + 1;

      if (!g_regex_match_full (compiled (OBFUSCATED_EMAIL), ctx->text, window_end, window_start, 0, &info, NULL))
        continue;

      while (g_match_info_matches (info))
        {
          g_match_info_fetch_pos (info, 0, &s, &e);
          if ((gsize) s <= (gsize) at && (gsize) e > (gsize) at)
            break;
          g_match_info_next (info, NULL);
        }

      if (g_match_info_matches (info) && spelled_out_address (ctx->text + s, e - s))
        {
          add (ctx, s, e, patterns[OBFUSCATED_EMAIL].detail);
          from = MAX (from, (gsize) e);
        }
    }
}

static void
scan (CsCheckContext *ctx,
      guint           kind)
{
  gsize pos = 0;

  if (patterns[kind].needs[0] != NULL && !contains_any (ctx, patterns[kind].needs))
    return;

  if (kind == OBFUSCATED_EMAIL)
    {
      scan_spelled_out_emails (ctx);
      return;
    }

  while (pos < ctx->len)
    {
      g_autoptr(GMatchInfo) info = NULL;
      gboolean keep = TRUE;
      const char *text;
      gsize len;
      int s, e, ms, me;

      if (!g_regex_match_full (compiled (kind), ctx->text, ctx->len, pos, 0, &info, NULL))
        break;

      g_match_info_fetch_pos (info, 0, &ms, &me);
      /* A date of birth is the date, not the word "born". */
      g_match_info_fetch_pos (info, kind == BIRTH ? 1 : 0, &s, &e);
      text = ctx->text + s;
      len = e - s;

      if (kind == PHONE)
        {
          g_autofree char *digits = digits_of (text, len);
          gsize n = strlen (digits);

          /* UK numbers have 10 or 11 digits after the leading zero form. */
          if (n < 10 || n > 11 || digits[0] != '0' || is_school_phone (ctx, digits))
            keep = FALSE;
          /* Trailing spaces or hyphens are not part of the number. */
          while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '-'))
            len--;
          e = s + len;
        }
      else if (kind == POSTCODE && is_school_postcode (ctx, text, len))
        keep = FALSE;

      if (keep)
        {
          add (ctx, s, e, patterns[kind].detail);
          pos = MAX ((gsize) me, pos + 1);
        }
      else
        pos = g_utf8_next_char (ctx->text + ms) - ctx->text;
    }
}

void
cs_check_personal_data (CsCheckContext *ctx)
{
  if (!cs_check_context_rule_on (ctx, CS_RULE_PERSONAL_DATA))
    return;

  /* Longest kinds first, so "live on Orchard Lane" wins over "Orchard Lane". */
  scan (ctx, LIVES_ON);
  scan (ctx, HOUSE);
  scan (ctx, BIRTH);
  scan (ctx, PHONE);
  scan (ctx, POSTCODE);
  scan (ctx, OBFUSCATED_EMAIL);

  /* Plain addresses were found with the masks. */
  for (guint i = 0; i < ctx->emails->len; i++)
    {
      const CsSpan *email = &g_array_index (ctx->emails, CsSpan, i);

      if (!is_school_email (ctx, ctx->text + email->start, email->end - email->start))
        add (ctx, email->start, email->end, patterns[OBFUSCATED_EMAIL].detail);
    }
}
