/* cs-grapheme.c: counting user-perceived characters, as Mastodon and Bluesky do
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-grapheme-private.h"
#include "cs-platform.h"

#include <string.h>

/* GLib has no grapheme iterator and the core library may not pull in ICU or
 * Pango, so this is a small version of the extended grapheme cluster rules
 * of UAX #29. It follows the rules that real posts meet: combining marks,
 * emoji with skin tones, ZWJ sequences, keycaps, flags, tag flags, Hangul
 * and CR LF. It leaves out the Indic conjunct rule (GB9c, Unicode 15.1),
 * which the counters on the servers did not use either when this was
 * written, and the handful of Myanmar and Tai Tham vowel signs that are
 * Mc in the character database but not SpacingMark for graphemes. */

typedef enum
{
  GB_NONE,              /* before the first character */
  GB_OTHER,
  GB_CR,
  GB_LF,
  GB_CONTROL,
  GB_EXTEND,
  GB_ZWJ,
  GB_REGIONAL_INDICATOR,
  GB_PREPEND,
  GB_SPACING_MARK,
  GB_L,
  GB_V,
  GB_T,
  GB_LV,
  GB_LVT,
  GB_EXT_PICT,
} GraphemeBreak;

typedef struct
{
  gunichar first;
  gunichar last;
} Range;

/* Extended_Pictographic from emoji-data.txt, above U+2000. Sorted, for a
 * binary search. */
static const Range ext_pict_ranges[] = {
  { 0x203C, 0x203C }, { 0x2049, 0x2049 }, { 0x2122, 0x2122 },
  { 0x2139, 0x2139 }, { 0x2194, 0x2199 }, { 0x21A9, 0x21AA },
  { 0x231A, 0x231B }, { 0x2328, 0x2328 }, { 0x2388, 0x2388 },
  { 0x23CF, 0x23CF }, { 0x23E9, 0x23F3 }, { 0x23F8, 0x23FA },
  { 0x24C2, 0x24C2 }, { 0x25AA, 0x25AB }, { 0x25B6, 0x25B6 },
  { 0x25C0, 0x25C0 }, { 0x25FB, 0x25FE }, { 0x2600, 0x2605 },
  { 0x2607, 0x2612 }, { 0x2614, 0x2685 }, { 0x2690, 0x2705 },
  { 0x2708, 0x2712 }, { 0x2714, 0x2714 }, { 0x2716, 0x2716 },
  { 0x271D, 0x271D }, { 0x2721, 0x2721 }, { 0x2728, 0x2728 },
  { 0x2733, 0x2734 }, { 0x2744, 0x2744 }, { 0x2747, 0x2747 },
  { 0x274C, 0x274C }, { 0x274E, 0x274E }, { 0x2753, 0x2755 },
  { 0x2757, 0x2757 }, { 0x2763, 0x2767 }, { 0x2795, 0x2797 },
  { 0x27A1, 0x27A1 }, { 0x27B0, 0x27B0 }, { 0x27BF, 0x27BF },
  { 0x2934, 0x2935 }, { 0x2B05, 0x2B07 }, { 0x2B1B, 0x2B1C },
  { 0x2B50, 0x2B50 }, { 0x2B55, 0x2B55 }, { 0x3030, 0x3030 },
  { 0x303D, 0x303D }, { 0x3297, 0x3297 }, { 0x3299, 0x3299 },
  { 0x1F000, 0x1F0FF }, { 0x1F10D, 0x1F10F }, { 0x1F12F, 0x1F12F },
  { 0x1F16C, 0x1F171 }, { 0x1F17E, 0x1F17F }, { 0x1F18E, 0x1F18E },
  { 0x1F191, 0x1F19A }, { 0x1F1AD, 0x1F1E5 }, { 0x1F201, 0x1F20F },
  { 0x1F21A, 0x1F21A }, { 0x1F22F, 0x1F22F }, { 0x1F232, 0x1F23A },
  { 0x1F23C, 0x1F23F }, { 0x1F249, 0x1F3FA }, { 0x1F400, 0x1F53D },
  { 0x1F546, 0x1F64F }, { 0x1F680, 0x1F6FF }, { 0x1F774, 0x1F77F },
  { 0x1F7D5, 0x1F7FF }, { 0x1F80C, 0x1F80F }, { 0x1F848, 0x1F84F },
  { 0x1F85A, 0x1F85F }, { 0x1F888, 0x1F88F }, { 0x1F8AE, 0x1F8FF },
  { 0x1F90C, 0x1F93A }, { 0x1F93C, 0x1F945 }, { 0x1F947, 0x1FAFF },
  { 0x1FC00, 0x1FFFD },
};

/* Prepended concatenation marks and the like: they join the character
 * after them rather than the one before. */
static const Range prepend_ranges[] = {
  { 0x0600, 0x0605 }, { 0x06DD, 0x06DD }, { 0x070F, 0x070F },
  { 0x0890, 0x0891 }, { 0x08E2, 0x08E2 }, { 0x0D4E, 0x0D4E },
  { 0x110BD, 0x110BD }, { 0x110CD, 0x110CD }, { 0x111C2, 0x111C3 },
  { 0x1193F, 0x1193F }, { 0x11941, 0x11941 }, { 0x11A3A, 0x11A3A },
  { 0x11A84, 0x11A89 }, { 0x11D46, 0x11D46 }, { 0x11F02, 0x11F02 },
};

static gboolean
in_ranges (const Range *ranges,
           gsize        n_ranges,
           gunichar     c)
{
  gsize lo = 0;
  gsize hi = n_ranges;

  if (c < ranges[0].first || c > ranges[n_ranges - 1].last)
    return FALSE;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (c < ranges[mid].first)
        hi = mid;
      else if (c > ranges[mid].last)
        lo = mid + 1;
      else
        return TRUE;
    }

  return FALSE;
}

gboolean
cs_unichar_is_extended_pictographic (gunichar c)
{
  if (c < 0x2000)
    return c == 0x00A9 || c == 0x00AE;

  /* Most of what a post holds between the symbols and the emoji planes is
   * letters, ideographs and punctuation; skip the search for them. */
  if (c > 0x3299 && c < 0x1F000)
    return FALSE;

  return in_ranges (ext_pict_ranges, G_N_ELEMENTS (ext_pict_ranges), c);
}

gboolean
cs_unichar_is_emoji_modifier (gunichar c)
{
  return c >= 0x1F3FB && c <= 0x1F3FF;
}

gboolean
cs_unichar_is_regional_indicator (gunichar c)
{
  return c >= 0x1F1E6 && c <= 0x1F1FF;
}

static inline gboolean
is_tag (gunichar c)
{
  return c >= 0xE0020 && c <= 0xE007F;
}

static GraphemeBreak
classify_slow (gunichar c)
{
  if (c == 0x200D)
    return GB_ZWJ;
  if (c == 0x200C)
    return GB_EXTEND;

  /* Hangul jamo and syllables, by arithmetic rather than the line-break
   * tables: every syllable is LV when it has no final consonant. */
  if (c >= 0xAC00 && c <= 0xD7A3)
    return (c - 0xAC00) % 28 == 0 ? GB_LV : GB_LVT;
  if (c >= 0x1100 && c <= 0x11FF)
    {
      if (c <= 0x115F)
        return GB_L;
      if (c <= 0x11A7)
        return GB_V;
      return GB_T;
    }
  if (c >= 0xA960 && c <= 0xA97C)
    return GB_L;
  if (c >= 0xD7B0 && c <= 0xD7C6)
    return GB_V;
  if (c >= 0xD7CB && c <= 0xD7FB)
    return GB_T;

  if (c >= 0x1F000)
    {
      if (cs_unichar_is_regional_indicator (c))
        return GB_REGIONAL_INDICATOR;

      /* Skin tones and tags are Extend for graphemes even though the
       * character database files them as a symbol and a format control. */
      if (cs_unichar_is_emoji_modifier (c) || is_tag (c))
        return GB_EXTEND;
    }

  if (cs_unichar_is_extended_pictographic (c))
    return GB_EXT_PICT;

  if (in_ranges (prepend_ranges, G_N_ELEMENTS (prepend_ranges), c))
    return GB_PREPEND;

  /* Halfwidth katakana voicing marks are letters by category but extend
   * the kana before them; Thai and Lao AM are letters that sit as vowel
   * signs. */
  if (c == 0xFF9E || c == 0xFF9F)
    return GB_EXTEND;
  if (c == 0x0E33 || c == 0x0EB3)
    return GB_SPACING_MARK;

  switch (g_unichar_type (c))
    {
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
      return GB_EXTEND;

    case G_UNICODE_SPACING_MARK:
      return GB_SPACING_MARK;

    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
      return GB_CONTROL;

    default:
      return GB_OTHER;
    }
}

static inline GraphemeBreak
classify (gunichar c)
{
  /* Latin text never reaches the tables: below U+0300 there are no marks,
   * and the only specials are the controls and the two pictographs. */
  if (c < 0x300)
    {
      if (c >= 0x20 && c < 0x7F)
        return GB_OTHER;
      if (c == '\r')
        return GB_CR;
      if (c == '\n')
        return GB_LF;
      if (c < 0xA0 || c == 0xAD)
        return GB_CONTROL;
      if (c == 0xA9 || c == 0xAE)
        return GB_EXT_PICT;
      return GB_OTHER;
    }

  return classify_slow (c);
}

/* Whether there is a cluster boundary between the previous character and
 * one of class @cur, by rules GB3 to GB999. */
static inline gboolean
is_boundary (const CsGraphemeCounter *self,
             GraphemeBreak            cur)
{
  GraphemeBreak prev = self->prev;

  if (prev == GB_NONE)
    return TRUE;

  if (prev == GB_CR && cur == GB_LF)
    return FALSE;
  if (prev == GB_CR || prev == GB_LF || prev == GB_CONTROL)
    return TRUE;
  if (cur == GB_CR || cur == GB_LF || cur == GB_CONTROL)
    return TRUE;

  /* Hangul syllable sequences. */
  if (prev == GB_L && (cur == GB_L || cur == GB_V || cur == GB_LV || cur == GB_LVT))
    return FALSE;
  if ((prev == GB_LV || prev == GB_V) && (cur == GB_V || cur == GB_T))
    return FALSE;
  if ((prev == GB_LVT || prev == GB_T) && cur == GB_T)
    return FALSE;

  if (cur == GB_EXTEND || cur == GB_ZWJ || cur == GB_SPACING_MARK)
    return FALSE;

  if (prev == GB_PREPEND)
    return FALSE;

  if (prev == GB_ZWJ && cur == GB_EXT_PICT && self->zwj_after_pict)
    return FALSE;

  if (prev == GB_REGIONAL_INDICATOR && cur == GB_REGIONAL_INDICATOR && self->ri_odd)
    return FALSE;

  return TRUE;
}

static inline void
step (CsGraphemeCounter *self,
      GraphemeBreak      cur)
{
  if (is_boundary (self, cur))
    self->count++;

  /* GB11 needs to know whether a ZWJ follows a pictograph with only
   * extenders in between; GB12 and GB13 need the parity of the run of
   * regional indicators so that flags pair up from the left. */
  switch (cur)
    {
    case GB_EXT_PICT:
      self->pict_run = TRUE;
      self->zwj_after_pict = FALSE;
      break;

    case GB_EXTEND:
      self->zwj_after_pict = FALSE;
      break;

    case GB_ZWJ:
      self->zwj_after_pict = self->pict_run;
      self->pict_run = FALSE;
      break;

    default:
      self->pict_run = FALSE;
      self->zwj_after_pict = FALSE;
      break;
    }

  if (cur == GB_REGIONAL_INDICATOR)
    self->ri_odd = self->prev == GB_REGIONAL_INDICATOR ? !self->ri_odd : TRUE;
  else
    self->ri_odd = FALSE;

  self->prev = cur;
}

void
cs_grapheme_counter_init (CsGraphemeCounter *self)
{
  g_return_if_fail (self != NULL);

  memset (self, 0, sizeof *self);
  self->prev = GB_NONE;
}

void
cs_grapheme_counter_feed (CsGraphemeCounter *self,
                          const char        *text,
                          gsize              len)
{
  gsize pos = 0;

  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL || len == 0);

  while (pos < len)
    {
      guchar b = (guchar) text[pos];
      gsize n_bytes;
      gunichar c;

      /* After an ordinary character every printable ASCII character
       * starts a cluster of its own, since no rule joins two of them, so a
       * run of them is counted without decoding. */
      if (b >= 0x20 && b < 0x7F && self->prev == GB_OTHER)
        {
          gsize run = pos;

          while (run < len && (guchar) text[run] >= 0x20 && (guchar) text[run] < 0x7F)
            run++;

          self->count += (guint) (run - pos);
          self->pict_run = FALSE;
          self->zwj_after_pict = FALSE;
          self->ri_odd = FALSE;
          pos = run;
          continue;
        }

      c = cs_utf8_decode (text + pos, len - pos, &n_bytes);
      step (self, classify (c));
      pos += n_bytes;
    }
}

void
cs_grapheme_counter_add_plain (CsGraphemeCounter *self,
                               guint              n_chars)
{
  g_return_if_fail (self != NULL);

  /* The first letter goes through the rules, since a prepended mark before
   * it would hold on to it; after that every letter is a cluster. */
  if (n_chars == 0)
    return;

  step (self, GB_OTHER);
  self->count += n_chars - 1;
}

guint
cs_grapheme_counter_get_count (const CsGraphemeCounter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->count;
}

guint
cs_count_graphemes (const char *text,
                    gssize      len)
{
  CsGraphemeCounter counter;

  if (text == NULL)
    return 0;

  if (len < 0)
    len = strlen (text);

  cs_grapheme_counter_init (&counter);
  cs_grapheme_counter_feed (&counter, text, len);

  return counter.count;
}

static inline gboolean
decode_at (const char *text,
           gsize       len,
           gsize       pos,
           gunichar   *c,
           gsize      *n_bytes)
{
  if (pos >= len)
    return FALSE;

  *c = cs_utf8_decode (text + pos, len - pos, n_bytes);
  return TRUE;
}

/* Skips the variation selector and skin tones that may follow an emoji. */
static gsize
skip_presentation (const char *text,
                   gsize       len,
                   gsize       pos)
{
  gunichar c;
  gsize n;

  while (decode_at (text, len, pos, &c, &n) &&
         (c == 0xFE0F || cs_unichar_is_emoji_modifier (c)))
    pos += n;

  return pos;
}

gsize
cs_emoji_sequence_length (const char *text,
                          gsize       len)
{
  gunichar c;
  gunichar next;
  gsize n;
  gsize n_next;
  gsize pos;

  g_return_val_if_fail (text != NULL || len == 0, 0);

  if (!decode_at (text, len, 0, &c, &n))
    return 0;

  /* A keycap is a digit, # or * with U+20E3 after it; twitter-text takes
   * it with or without the variation selector in between. */
  if ((c >= '0' && c <= '9') || c == '#' || c == '*')
    {
      pos = n;
      if (decode_at (text, len, pos, &next, &n_next) && next == 0xFE0F)
        pos += n_next;
      if (decode_at (text, len, pos, &next, &n_next) && next == 0x20E3)
        return pos + n_next;
      return 0;
    }

  if (c < 0x80)
    return 0;

  if (cs_unichar_is_regional_indicator (c))
    {
      if (decode_at (text, len, n, &next, &n_next) &&
          cs_unichar_is_regional_indicator (next))
        return n + n_next;
      return n;
    }

  if (!cs_unichar_is_extended_pictographic (c) && !cs_unichar_is_emoji_modifier (c))
    return 0;

  /* © and ® are text unless asked to be emoji; as text X weighs them 1. */
  if (c <= 0x10FF &&
      !(decode_at (text, len, n, &next, &n_next) && next == 0xFE0F))
    return 0;

  pos = skip_presentation (text, len, n);

  /* Subdivision flags (England, Scotland, Wales) spell their region in
   * tag characters after the black flag. */
  while (decode_at (text, len, pos, &next, &n_next) && is_tag (next))
    pos += n_next;

  for (;;)
    {
      gunichar joined;
      gsize n_joined;

      if (!decode_at (text, len, pos, &next, &n_next) || next != 0x200D)
        break;
      if (!decode_at (text, len, pos + n_next, &joined, &n_joined) ||
          !cs_unichar_is_extended_pictographic (joined))
        break;

      pos = skip_presentation (text, len, pos + n_next + n_joined);
    }

  return pos;
}
