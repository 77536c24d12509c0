/* cs-unicode-private.h: small UTF-8 helpers shared by the text checks
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Code points in the first @len bytes of valid UTF-8: one lead byte each. A
 * plain loop the compiler can vectorise, several times quicker than
 * g_utf8_strlen(); the composer asks it for every paragraph it re-checks. */
static inline guint
cs_utf8_count_chars (const char *text,
                     gsize       len)
{
  guint n = 0;

  for (gsize i = 0; i < len; i++)
    n += ((guchar) text[i] & 0xC0) != 0x80;

  return n;
}

/* A character that can be part of a word or a link label: \w in Unicode. */
static inline gboolean
cs_unichar_is_word_char (gunichar c)
{
  if (c < 0x80)
    return g_ascii_isalnum (c) || c == '_';

  return g_unichar_isalnum (c) ||
         g_unichar_ismark (c) ||
         g_unichar_type (c) == G_UNICODE_CONNECT_PUNCTUATION;
}

/* Whether @text (NULL counts) holds nothing but white space: an alt text
 * or a comment of spaces says nothing. */
static inline gboolean
cs_utf8_is_blank (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}

G_END_DECLS
