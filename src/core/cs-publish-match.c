/* cs-publish-match.c: tells whether a post a platform holds is the one being published
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-publish-match.h"

#include "cs-url.h"

#include <string.h>

/* Stands for a link when comparing texts, since platforms shorten links
 * or swap them for their own; a control character never typed in a post. */
#define LINK_MARK "\001"

/* The character a reference starting at @p ("&…;") stands for, with its
 * length in @len; 0 when it is not one. */
static gunichar
decode_reference (const char *p,
                  gsize      *len)
{
  static const struct { const char *name; gunichar c; } named[] = {
    { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
    { "&apos;", '\'' }, { "&nbsp;", 0x00A0 },
  };
  const char *semicolon;
  char *end = NULL;
  guint64 value;

  for (gsize i = 0; i < G_N_ELEMENTS (named); i++)
    if (g_str_has_prefix (p, named[i].name))
      {
        *len = strlen (named[i].name);
        return named[i].c;
      }

  if (p[1] != '#')
    return 0;
  semicolon = strchr (p, ';');
  /* The longest is "&#x10FFFF;". */
  if (semicolon == NULL || semicolon - p > 10)
    return 0;
  if (p[2] == 'x' || p[2] == 'X')
    value = g_ascii_strtoull (p + 3, &end, 16);
  else
    value = g_ascii_strtoull (p + 2, &end, 10);
  if (end != semicolon || end == p + 2 || value == 0 || value > 0x10FFFF || !g_unichar_validate ((gunichar) value))
    return 0;
  *len = semicolon + 1 - p;
  return (gunichar) value;
}

char *
cs_publish_match_decode_entities (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));

  for (const char *p = text; *p != '\0';)
    {
      gsize len = 0;
      gunichar c = *p == '&' ? decode_reference (p, &len) : 0;

      if (c != 0)
        {
          g_string_append_unichar (out, c);
          p += len;
        }
      else
        g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}

char *
cs_publish_match_text_from_html (const char *html)
{
  g_autoptr(GString) text = g_string_sized_new (strlen (html));

  for (const char *p = html; *p != '\0';)
    {
      const char *close;

      if (*p != '<')
        {
          g_string_append_c (text, *p++);
          continue;
        }
      close = strchr (p, '>');
      if (close == NULL)
        break;
      /* A break or a paragraph's end separates words; other tags (links,
       * the spans a shortened link is shown in) sit inside them. */
      if (g_ascii_strncasecmp (p, "<br", 3) == 0 || g_ascii_strncasecmp (p, "</p", 3) == 0)
        g_string_append_c (text, '\n');
      p = close + 1;
    }
  return cs_publish_match_decode_entities (text->str);
}

char *
cs_publish_match_comparable (const char *text)
{
  g_autofree char *nfc = g_utf8_normalize (text, -1, G_NORMALIZE_NFC);
  const char *src = nfc != NULL ? nfc : text;
  g_autoptr(GString) spaced = g_string_sized_new (strlen (src));
  GString *out;
  gboolean in_space = FALSE;
  gsize pos = 0, start, end;

  for (const char *p = src; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          in_space = TRUE;
          continue;
        }
      if (in_space && spaced->len > 0)
        g_string_append_c (spaced, ' ');
      in_space = FALSE;
      g_string_append_unichar (spaced, c);
    }

  out = g_string_sized_new (spaced->len);
  while (pos < spaced->len && cs_url_find_next (spaced->str, spaced->len, pos, &start, &end))
    {
      g_string_append_len (out, spaced->str + pos, start - pos);
      g_string_append (out, LINK_MARK);
      pos = end;
    }
  g_string_append (out, spaced->str + pos);
  return g_string_free (out, FALSE);
}

gboolean
cs_publish_match_same_text (const char *ours,
                            const char *theirs,
                            gboolean    link_added)
{
  g_autofree char *a = cs_publish_match_comparable (ours);
  g_autofree char *b = cs_publish_match_comparable (theirs);

  if (g_str_equal (a, b))
    return TRUE;

  if (link_added && g_str_has_suffix (b, LINK_MARK))
    {
      b[strlen (b) - strlen (LINK_MARK)] = '\0';
      g_strchomp (b);
      return g_str_equal (a, b);
    }
  return FALSE;
}
