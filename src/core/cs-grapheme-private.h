/* cs-grapheme-private.h: grapheme clusters and emoji sequences, for the length counters
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A grapheme counter that can be fed a text in pieces. Mastodon counts a
 * text in which every link has been replaced by 23 placeholder letters, so
 * its counter feeds the text between links and adds the placeholders with
 * cs_grapheme_counter_add_plain(); the state carries across the pieces so a
 * mark straight after a link still joins the cluster before it, as it would
 * on the server. The fields are private. */
typedef struct
{
  guint count;
  guint prev : 8;
  guint ri_odd : 1;
  guint pict_run : 1;
  guint zwj_after_pict : 1;
} CsGraphemeCounter;

void     cs_grapheme_counter_init            (CsGraphemeCounter       *self);
void     cs_grapheme_counter_feed            (CsGraphemeCounter       *self,
                                              const char              *text,
                                              gsize                    len);
/* Counts @n_chars plain ASCII letters, as if they had been fed. */
void     cs_grapheme_counter_add_plain       (CsGraphemeCounter       *self,
                                              guint                    n_chars);
guint    cs_grapheme_counter_get_count       (const CsGraphemeCounter *self);

/* Close to the Unicode Extended_Pictographic property (emoji-data 15). */
gboolean cs_unichar_is_extended_pictographic (gunichar c);
gboolean cs_unichar_is_emoji_modifier        (gunichar c);
gboolean cs_unichar_is_regional_indicator    (gunichar c);

/* The byte length of the emoji sequence that starts at @text (one emoji with
 * its variation selector and skin tone, a ZWJ sequence, a keycap, a flag
 * pair or a tag flag), or 0 if no emoji starts there. A character that is
 * text by default and sits in the narrow ranges X weighs as 1 (© and ®) is
 * an emoji only when U+FE0F asks for emoji presentation. */
gsize    cs_emoji_sequence_length            (const char *text,
                                              gsize       len);

/* Decodes one code point at @text, which has @len > 0 bytes left, and sets
 * @n_bytes to its length. A malformed byte decodes as U+FFFD, one byte long,
 * so that callers never stall or read past the end. */
static inline gunichar
cs_utf8_decode (const char *text,
                gsize       len,
                gsize      *n_bytes)
{
  const guchar *p = (const guchar *) text;
  gunichar c;
  gsize need;
  gunichar min;

  if (p[0] < 0x80)
    {
      *n_bytes = 1;
      return p[0];
    }

  if (p[0] >= 0xC2 && p[0] <= 0xDF)
    {
      c = p[0] & 0x1F;
      need = 1;
      min = 0x80;
    }
  else if (p[0] >= 0xE0 && p[0] <= 0xEF)
    {
      c = p[0] & 0x0F;
      need = 2;
      min = 0x800;
    }
  else if (p[0] >= 0xF0 && p[0] <= 0xF4)
    {
      c = p[0] & 0x07;
      need = 3;
      min = 0x10000;
    }
  else
    {
      *n_bytes = 1;
      return 0xFFFD;
    }

  if (len <= need)
    {
      *n_bytes = 1;
      return 0xFFFD;
    }

  for (gsize i = 1; i <= need; i++)
    {
      if ((p[i] & 0xC0) != 0x80)
        {
          *n_bytes = 1;
          return 0xFFFD;
        }
      c = (c << 6) | (p[i] & 0x3F);
    }

  /* Overlong forms, surrogates and values past U+10FFFF are not text. */
  if (c < min || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
    {
      *n_bytes = 1;
      return 0xFFFD;
    }

  *n_bytes = need + 1;
  return c;
}

G_END_DECLS
