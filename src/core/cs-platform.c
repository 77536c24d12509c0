/* cs-platform.c: the social networks a post goes to, and how each counts length
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-platform.h"
#include "cs-unicode-private.h"
#include "cs-grapheme-private.h"
#include "cs-url.h"

#include <string.h>

/* The composer runs every counter on each keystroke, so none of them may
 * allocate per character, and the common case of text that is already NFC
 * must not pay for a full normalisation pass (g_utf8_normalize takes about
 * half a millisecond on a 30 KB newsletter). */

#define URL_LENGTH 23

typedef struct
{
  const char *name;
  const char *display_name;
  guint       limit;
} PlatformInfo;

static const PlatformInfo platforms[CS_N_PLATFORMS] = {
  [CS_PLATFORM_X] = { "x", "X", 280 },
  [CS_PLATFORM_MASTODON] = { "mastodon", "Mastodon", 500 },
  [CS_PLATFORM_BLUESKY] = { "bluesky", "Bluesky", 300 },
  [CS_PLATFORM_FACEBOOK] = { "facebook", "Facebook", 63206 },
};

gboolean
cs_platform_from_string (const char *str,
                         CsPlatform *platform)
{
  g_return_val_if_fail (platform != NULL, FALSE);

  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < CS_N_PLATFORMS; i++)
    {
      if (g_ascii_strcasecmp (str, platforms[i].name) == 0)
        {
          *platform = i;
          return TRUE;
        }
    }

  /* Older policy files and people still say Twitter. */
  if (g_ascii_strcasecmp (str, "twitter") == 0)
    {
      *platform = CS_PLATFORM_X;
      return TRUE;
    }

  return FALSE;
}

const char *
cs_platform_to_string (CsPlatform platform)
{
  g_return_val_if_fail (platform < CS_N_PLATFORMS, NULL);

  return platforms[platform].name;
}

const char *
cs_platform_get_display_name (CsPlatform platform)
{
  g_return_val_if_fail (platform < CS_N_PLATFORMS, NULL);

  return platforms[platform].display_name;
}

guint
cs_platform_get_limit (CsPlatform platform)
{
  g_return_val_if_fail (platform < CS_N_PLATFORMS, 0);

  return platforms[platform].limit;
}

/* Characters of combining class 0 that still compose with the character
 * before them: Hangul vowels and final consonants, and a few Indic and
 * Balinese vowel signs. The list comes from walking GLib's decomposition
 * table for pairs whose second half has class 0. */
static gboolean
is_composing_starter (gunichar c)
{
  if (c >= 0x1161 && c <= 0x1175)
    return TRUE;
  if (c >= 0x11A8 && c <= 0x11C2)
    return TRUE;

  switch (c)
    {
    case 0x09BE: case 0x09D7: case 0x0B3E: case 0x0B56: case 0x0B57:
    case 0x0BBE: case 0x0BD7: case 0x0CC2: case 0x0CD5: case 0x0CD6:
    case 0x0D3E: case 0x0D57: case 0x0DCF: case 0x0DDF: case 0x102E:
    case 0x1B35: case 0x11127: case 0x1133E: case 0x11357: case 0x114B0:
    case 0x114BA: case 0x114BD: case 0x115AF: case 0x11930:
      return TRUE;

    default:
      return FALSE;
    }
}

/* TRUE when NFC leaves @c alone whatever comes before it and nothing after
 * it can reach back past it: combining class 0 and NFC_Quick_Check=Yes.
 * Normalisation never has to look across such a character. */
static gboolean
is_nfc_boundary (gunichar c)
{
  gunichar a;
  gunichar b;
  gunichar composed;

  if (c < 0x300)
    return TRUE;

  /* Ranges that NFC never changes, checked first because they fill whole
   * posts: CJK ideographs, Hangul syllables (which decompose, but always
   * compose back) and emoji. */
  if ((c >= 0x4E00 && c <= 0x9FFF) ||
      (c >= 0xAC00 && c <= 0xD7A3) ||
      (c >= 0x1F000 && c <= 0x1FAFF))
    return TRUE;

  if (g_unichar_combining_class (c) != 0 || is_composing_starter (c))
    return FALSE;

  if (!g_unichar_decompose (c, &a, &b))
    return TRUE;

  /* A precomposed letter survives NFC when it composes back from its own
   * decomposition; singletons (U+212B ANGSTROM SIGN) and composition
   * exclusions (U+0958) do not. */
  return b != 0 && g_unichar_compose (a, b, &composed) && composed == c;
}

/* The decomposed form of a stretch between two boundaries, with each code
 * point's combining class beside it. Stretches are a letter and its marks,
 * so a small fixed buffer holds all but pathological ones. */
#define SEGMENT_MAX 64

typedef struct
{
  gunichar c[SEGMENT_MAX];
  guint8   ccc[SEGMENT_MAX];
  gsize    n;
} Segment;

static gboolean
segment_decompose (Segment    *seg,
                   const char *text,
                   gsize       len)
{
  gsize pos = 0;

  seg->n = 0;

  while (pos < len)
    {
      gunichar decomposed[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
      gsize n_bytes;
      gunichar c = cs_utf8_decode (text + pos, len - pos, &n_bytes);
      gsize n = g_unichar_fully_decompose (c, FALSE, decomposed, G_N_ELEMENTS (decomposed));

      if (seg->n + n > SEGMENT_MAX)
        return FALSE;

      for (gsize i = 0; i < n; i++)
        {
          gsize j = seg->n++;
          guint8 ccc = (guint8) g_unichar_combining_class (decomposed[i]);

          /* Canonical ordering: a mark moves in front of marks with a
           * higher class, never past a starter, and equal classes keep
           * their order. */
          while (ccc != 0 && j > 0 && seg->ccc[j - 1] > ccc)
            {
              seg->c[j] = seg->c[j - 1];
              seg->ccc[j] = seg->ccc[j - 1];
              j--;
            }
          seg->c[j] = decomposed[i];
          seg->ccc[j] = ccc;
        }

      pos += n_bytes;
    }

  return TRUE;
}

/* Canonical composition (UAX #15): each character joins the last starter
 * unless a character between them blocks it. */
static void
segment_compose (Segment *seg)
{
  gsize starter = 0;
  gsize kept;
  guint last_ccc;

  if (seg->n == 0)
    return;

  /* A stretch that starts with a mark has no starter to compose with until
   * one turns up; 256 is above every class, so nothing joins it. */
  last_ccc = seg->ccc[0] == 0 ? 0 : 256;
  kept = 1;

  for (gsize i = 1; i < seg->n; i++)
    {
      gunichar composed;
      guint ccc = seg->ccc[i];

      if ((last_ccc == 0 || last_ccc < ccc) &&
          g_unichar_compose (seg->c[starter], seg->c[i], &composed))
        {
          seg->c[starter] = composed;
          continue;
        }

      if (ccc == 0)
        starter = kept;
      last_ccc = ccc;
      seg->c[kept] = seg->c[i];
      seg->ccc[kept] = (guint8) ccc;
      kept++;
    }

  seg->n = kept;
}

static void
append_nfc (GString    *out,
            const char *text,
            gsize       len)
{
  Segment seg;

  if (!segment_decompose (&seg, text, len))
    {
      g_autofree char *normalised = g_utf8_normalize (text, len, G_NORMALIZE_NFC);

      if (normalised != NULL)
        g_string_append (out, normalised);
      else
        g_string_append_len (out, text, len);
      return;
    }

  segment_compose (&seg);

  for (gsize i = 0; i < seg.n; i++)
    g_string_append_unichar (out, seg.c[i]);
}

/* NFC-normalises only the stretches that need it, from the last boundary
 * before a character that might change to the next boundary after it.
 * Returns NULL when @text is already NFC. @text must be valid UTF-8. */
static char *
dup_nfc_if_needed (const char *text,
                   gsize       len,
                   gsize      *out_len)
{
  GString *out = NULL;
  gsize pos = 0;
  gsize copied = 0;

  while (pos < len)
    {
      gsize n_bytes;
      gunichar c;
      gsize boundary;
      gsize segment_end;

      /* Bytes below 0xCC are ASCII, continuation bytes, or lead bytes of
       * code points below U+0300, which are all boundaries; only a lead
       * byte from 0xCC up can start anything else. */
      while (pos < len && (guchar) text[pos] < 0xCC)
        pos++;
      if (pos >= len)
        break;

      c = cs_utf8_decode (text + pos, len - pos, &n_bytes);
      if (is_nfc_boundary (c))
        {
          pos += n_bytes;
          continue;
        }

      /* Everything since the last stretch has been a boundary, so the
       * character just before this one is where the stretch starts. */
      boundary = pos;
      if (boundary > copied)
        {
          boundary--;
          while (boundary > copied && ((guchar) text[boundary] & 0xC0) == 0x80)
            boundary--;
        }

      segment_end = pos + n_bytes;
      while (segment_end < len)
        {
          c = cs_utf8_decode (text + segment_end, len - segment_end, &n_bytes);
          if (is_nfc_boundary (c))
            break;
          segment_end += n_bytes;
        }

      if (out == NULL)
        out = g_string_sized_new (len + 16);

      g_string_append_len (out, text + copied, boundary - copied);
      append_nfc (out, text + boundary, segment_end - boundary);

      copied = segment_end;
      pos = segment_end;
    }

  if (out == NULL)
    return NULL;

  g_string_append_len (out, text + copied, len - copied);
  *out_len = out->len;
  return g_string_free (out, FALSE);
}

/* twitter-text config v3: most scripts below U+1100 and general
 * punctuation weigh 100, everything else 200, on a scale of 100. */
static inline guint
x_weight (gunichar c)
{
  if (c <= 0x10FF ||
      (c >= 0x2000 && c <= 0x200D) ||
      (c >= 0x2010 && c <= 0x201F) ||
      (c >= 0x2032 && c <= 0x2037))
    return 1;

  return 2;
}

static guint
count_x (const char *text,
         gsize       len)
{
  gsize pos = 0;
  gsize url_start = 0;
  gsize url_end = 0;
  gboolean have_url;
  guint weight = 0;

  have_url = cs_url_find_next (text, len, 0, &url_start, &url_end);

  while (pos < len)
    {
      gsize limit = have_url ? url_start : len;
      guchar b;
      gsize n_bytes;
      gunichar c;

      if (have_url && pos >= url_start)
        {
          weight += URL_LENGTH;
          pos = url_end;
          have_url = cs_url_find_next (text, len, pos, &url_start, &url_end);
          continue;
        }

      b = (guchar) text[pos];

      /* Only a keycap starts an emoji with an ASCII character, and it
       * needs a non-ASCII character straight after. */
      if (b < 0x80 &&
          !(pos + 1 < limit && (guchar) text[pos + 1] >= 0x80 &&
            (g_ascii_isdigit (b) || b == '#' || b == '*')))
        {
          weight += 1;
          pos++;
          continue;
        }

      /* X counts one emoji sequence as one emoji of weight 2, however many
       * code points it is built from. */
      n_bytes = cs_emoji_sequence_length (text + pos, limit - pos);
      if (n_bytes > 0)
        {
          weight += 2;
          pos += n_bytes;
          continue;
        }

      c = cs_utf8_decode (text + pos, limit - pos, &n_bytes);
      weight += x_weight (c);
      pos += n_bytes;
    }

  return weight;
}

static inline gboolean
is_username_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* Mastodon shortens "@user@example.social" to "@user" before counting,
 * following Account::MENTION_RE: the @ must not follow a word character,
 * "=" or "/", the username is letters, digits and underscores with dots
 * and hyphens inside, and the domain is word characters with dots and
 * hyphens inside. On a match, @user_end is where "@example.social" starts
 * and @domain_end where it ends. */
static gboolean
match_remote_mention (const char *text,
                      gsize       len,
                      gsize       at,
                      gsize      *user_end,
                      gsize      *domain_end)
{
  gsize p = at + 1;
  gsize last_word_end;
  gunichar c;
  gsize n_bytes;

  if (at > 0)
    {
      gsize start = at - 1;

      while (start > 0 && ((guchar) text[start] & 0xC0) == 0x80 && at - start < 4)
        start--;
      c = cs_utf8_decode (text + start, at - start, &n_bytes);
      if (start + n_bytes == at && (cs_unichar_is_word_char (c) || c == '=' || c == '/'))
        return FALSE;
    }

  if (p >= len || !is_username_char (text[p]))
    return FALSE;

  last_word_end = p;
  while (p < len && (is_username_char (text[p]) || text[p] == '.' || text[p] == '-'))
    {
      p++;
      if (is_username_char (text[p - 1]))
        last_word_end = p;
    }
  p = last_word_end;
  *user_end = p;

  if (p + 1 >= len || text[p] != '@')
    return FALSE;

  p++;
  last_word_end = p;
  while (p < len)
    {
      c = cs_utf8_decode (text + p, len - p, &n_bytes);
      if (cs_unichar_is_word_char (c))
        last_word_end = p + n_bytes;
      else if (c != '.' && c != '-')
        break;
      p += n_bytes;
    }

  /* The domain needs at least two characters, ending in a word character. */
  if (last_word_end < *user_end + 3)
    return FALSE;
  if (last_word_end - *user_end - 1 > 253)
    return FALSE;

  /* Mastodon drops a match that runs straight on into another @ or a
   * scheme, and so leaves its length alone. */
  p = last_word_end;
  if (p < len && (text[p] == '@' || (len - p >= 3 && memcmp (text + p, "://", 3) == 0)))
    return FALSE;
  if (len - p >= 3 && memcmp (text + p, "\xEF\xBC\xA0", 3) == 0)
    return FALSE;

  *domain_end = last_word_end;
  return TRUE;
}

static void
feed_mastodon_text (CsGraphemeCounter *counter,
                    const char        *text,
                    gsize              start,
                    gsize              end)
{
  gsize pos = start;
  gsize fed = start;

  while (pos < end)
    {
      const char *at = memchr (text + pos, '@', end - pos);
      gsize user_end;
      gsize domain_end;

      if (at == NULL)
        break;

      pos = at - text;
      if (match_remote_mention (text, end, pos, &user_end, &domain_end))
        {
          cs_grapheme_counter_feed (counter, text + fed, user_end - fed);
          fed = domain_end;
          pos = domain_end;
        }
      else
        {
          pos++;
        }
    }

  cs_grapheme_counter_feed (counter, text + fed, end - fed);
}

static gboolean
has_scheme (const char *text,
            gsize       len)
{
  return (len >= 7 && g_ascii_strncasecmp (text, "http://", 7) == 0) ||
         (len >= 8 && g_ascii_strncasecmp (text, "https://", 8) == 0);
}

/* Mastodon's StatusLengthValidator extracts URLs with
 * extract_url_without_protocol: false, so only links with http:// or
 * https:// become 23 characters; "bit.ly/x" and "www.example.com" count as
 * typed. */
static gboolean
find_next_scheme_url (const char *text,
                      gsize       len,
                      gsize       from,
                      gsize      *start,
                      gsize      *end)
{
  while (cs_url_find_next (text, len, from, start, end))
    {
      if (has_scheme (text + *start, *end - *start))
        return TRUE;
      from = *end;
    }

  return FALSE;
}

static guint
count_mastodon (const char *text,
                gsize       len)
{
  CsGraphemeCounter counter;
  gsize pos = 0;
  gsize url_start;
  gsize url_end;

  cs_grapheme_counter_init (&counter);

  while (find_next_scheme_url (text, len, pos, &url_start, &url_end))
    {
      feed_mastodon_text (&counter, text, pos, url_start);
      cs_grapheme_counter_add_plain (&counter, URL_LENGTH);
      pos = url_end;
    }

  feed_mastodon_text (&counter, text, pos, len);

  return cs_grapheme_counter_get_count (&counter);
}
guint
cs_platform_count (CsPlatform  platform,
                   const char *text,
                   gssize      len)
{
  g_autofree char *valid = NULL;
  g_autofree char *nfc = NULL;
  gsize ulen;
  gsize nfc_len = 0;

  g_return_val_if_fail (platform < CS_N_PLATFORMS, 0);

  if (text == NULL)
    return 0;

  ulen = len < 0 ? strlen (text) : (gsize) len;

  /* The servers would reject broken UTF-8 outright; count it as the
   * replacement characters a paste would show rather than guess. */
  if (!g_utf8_validate_len (text, ulen, NULL))
    {
      valid = g_utf8_make_valid (text, ulen);
      text = valid;
      ulen = strlen (valid);
    }

  nfc = dup_nfc_if_needed (text, ulen, &nfc_len);
  if (nfc != NULL)
    {
      text = nfc;
      ulen = nfc_len;
    }

  switch (platform)
    {
    case CS_PLATFORM_X:
      return count_x (text, ulen);

    case CS_PLATFORM_MASTODON:
      return count_mastodon (text, ulen);

    case CS_PLATFORM_BLUESKY:
      return cs_count_graphemes (text, ulen);

    case CS_PLATFORM_FACEBOOK:
      return cs_utf8_count_chars (text, ulen);

    case CS_N_PLATFORMS:
    default:
      g_return_val_if_reached (0);
    }
}

void
cs_platforms_to_json (guint        platforms,
                      JsonBuilder *builder)
{
  json_builder_begin_array (builder);
  for (CsPlatform platform = 0; platform < CS_N_PLATFORMS; platform++)
    if (platforms & (1u << platform))
      json_builder_add_string_value (builder, cs_platform_to_string (platform));
  json_builder_end_array (builder);
}
