/* cs-url.c: finding links in post text, as the platforms and the checker see them
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-url.h"
#include "cs-unicode-private.h"
#include "cs-grapheme-private.h"

#include <string.h>

/* The rules follow twitter-text closely enough that X's count agrees with
 * ours on the links a school writes: a link starts at a word boundary, a
 * link without a scheme needs a top-level domain we know, and sentence
 * punctuation after a link is left out of it. Unlike twitter-text we keep
 * a short built-in list of top-level domains rather than all of IANA's:
 * with every TLD, slips and file names such as "end.It" or "photos.zip"
 * turn into links, and the checker would flag them as external. */

/* The last label of a bare domain must be one of these. Second-level
 * names like sch.uk, nhs.uk, gov.uk and co.uk end in uk, so they are
 * covered by it. */
static const char * const known_tlds[] = {
  "com", "org", "net", "edu", "gov", "info", "biz",
  "app", "dev", "io", "ai", "me", "tv", "fm", "ly", "to", "gl", "be", "co", "gle", "gd", "cc", "ws",
  "news", "blog", "online", "shop", "site",
  "uk", "scot", "wales", "cymru", "london", "ie", "eu", "ac",
  "de", "fr", "nl", "es", "ca", "au", "nz",
};

typedef enum
{
  START_NONE,
  START_SCHEME_ONLY,
  START_ANY,
} StartKind;

typedef struct
{
  gsize end;
  guint n_labels;
  gsize first_label_end;
  gsize prev_label_start;
  gsize last_label_start;
} Host;

static gunichar
char_before (const char *text,
             gsize       pos)
{
  gsize start = pos;
  gsize n_bytes;
  gunichar c;

  /* Step back over continuation bytes, at most the three a code point
   * can have, then check that the lead byte decodes to exactly this span;
   * anything else is a broken sequence. */
  while (start > 0 && pos - start < 4)
    {
      start--;
      if (((guchar) text[start] & 0xC0) != 0x80)
        break;
    }

  c = cs_utf8_decode (text + start, pos - start, &n_bytes);
  if (start + n_bytes != pos)
    return 0xFFFD;

  return c;
}

static StartKind
start_kind (const char *text,
            gsize       pos)
{
  gunichar prev;

  if (pos == 0)
    return START_ANY;

  prev = char_before (text, pos);

  /* Inside a word, a handle, a cashtag or a hashtag nothing starts. The
   * domain of an email address comes after an @, so this is also what
   * keeps "office@school.sch.uk" from being a link. */
  if (cs_unichar_is_word_char (prev))
    return START_NONE;

  switch (prev)
    {
    case '@':
    case '$':
    case '#':
    case 0xFF20: /* fullwidth @ */
    case 0xFF03: /* fullwidth # */
      return START_NONE;

    /* After these a bare domain would be the tail of something longer (a
     * path, a file name, a hyphenated word), but "http" announces itself. */
    case '.':
    case '-':
    case '/':
      return START_SCHEME_ONLY;

    default:
      return START_ANY;
    }
}

static gsize
scheme_length (const char *text,
               gsize       len,
               gsize       pos)
{
  if (text[pos] != 'h' && text[pos] != 'H')
    return 0;
  if (len - pos >= 8 && g_ascii_strncasecmp (text + pos, "https://", 8) == 0)
    return 8;
  if (len - pos >= 7 && g_ascii_strncasecmp (text + pos, "http://", 7) == 0)
    return 7;

  return 0;
}

static gboolean
is_label_char (const char *text,
               gsize       len,
               gsize       pos,
               gboolean    allow_unicode,
               gsize      *n_bytes)
{
  guchar b = (guchar) text[pos];
  gunichar c;

  if (b < 0x80)
    {
      *n_bytes = 1;
      return g_ascii_isalnum (b);
    }

  if (!allow_unicode)
    return FALSE;

  c = cs_utf8_decode (text + pos, len - pos, n_bytes);
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

/* Reads dot-separated labels from @pos. A dot only continues the host when
 * a label follows it, so "school.sch.uk." stops before the full stop. */
static gboolean
parse_host (const char *text,
            gsize       len,
            gsize       pos,
            gboolean    allow_unicode,
            Host       *host)
{
  gsize p = pos;

  memset (host, 0, sizeof *host);

  for (;;)
    {
      gsize label_start = p;
      gsize last_alnum_end = p;
      gsize n_chars = 0;
      gsize n_bytes;

      while (p < len)
        {
          if (is_label_char (text, len, p, allow_unicode, &n_bytes))
            {
              p += n_bytes;
              last_alnum_end = p;
            }
          else if (p > label_start && (text[p] == '-' || text[p] == '_'))
            p++;
          else
            break;
          n_chars++;
        }

      if (p == label_start)
        break;

      /* DNS allows 63 octets a label, and twitter-text refuses longer ones
       * outright. A non-ASCII label is measured in characters here, not in
       * its punycode form, which is as lenient as this needs to be. */
      if (n_chars > 63)
        return FALSE;

      /* A label cannot end in a hyphen or an underscore: in "see
       * bbc.co.uk--" the dashes are punctuation. */
      p = last_alnum_end;

      host->n_labels++;
      if (host->n_labels == 1)
        host->first_label_end = p;
      host->prev_label_start = host->last_label_start;
      host->last_label_start = label_start;

      if (p + 1 < len && text[p] == '.' && text[p + 1] != '.' &&
          is_label_char (text, len, p + 1, allow_unicode, &n_bytes))
        {
          p++;
          continue;
        }

      break;
    }

  host->end = p;
  return host->n_labels > 0;
}

static gboolean
is_known_tld (const char *tld,
              gsize       len)
{
  for (gsize i = 0; i < G_N_ELEMENTS (known_tlds); i++)
    {
      if (strlen (known_tlds[i]) == len &&
          g_ascii_strncasecmp (known_tlds[i], tld, len) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
has_upper (const char *text,
           gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (g_ascii_isupper (text[i]))
      return TRUE;

  return FALSE;
}

static gboolean
is_bare_link_host (const char *text,
                   gsize       pos,
                   const Host *host)
{
  const char *tld = text + host->last_label_start;
  gsize tld_len = host->end - host->last_label_start;

  if (host->n_labels < 2)
    return FALSE;

  /* "www." says link whatever the ending is, as long as it has one. */
  if (host->n_labels >= 3 &&
      host->first_label_end - pos == 3 &&
      g_ascii_strncasecmp (text + pos, "www", 3) == 0)
    {
      if (tld_len < 2)
        return FALSE;
      for (gsize i = 0; i < tld_len; i++)
        if (!g_ascii_isalpha (tld[i]))
          return FALSE;
      return TRUE;
    }

  if (!is_known_tld (tld, tld_len))
    return FALSE;

  /* A missing space after a full stop ("this week.Be there") reads like a
   * domain with a capitalised ending after a lower-case word. Real
   * addresses are typed either in lower case or with every part
   * capitalised ("Hollinsbrook.Sch.Uk"). */
  if (g_ascii_isupper (tld[0]) && !has_upper (tld + 1, tld_len - 1))
    {
      const char *prev = text + host->prev_label_start;
      gsize prev_len = host->last_label_start - 1 - host->prev_label_start;

      if (!has_upper (prev, prev_len))
        return FALSE;
    }

  return TRUE;
}

static inline gboolean
is_ascii_in (char        c,
             const char *set)
{
  return c != '\0' && strchr (set, c) != NULL;
}

/* Skips "user:password@" after a scheme, when there is one. */
static gsize
skip_userinfo (const char *text,
               gsize       len,
               gsize       pos)
{
  gsize p = pos;

  while (p < len && (g_ascii_isalnum (text[p]) || is_ascii_in (text[p], "-._~%!$&'()*+,;=:")))
    p++;

  if (p > pos && p + 1 < len && text[p] == '@' && g_ascii_isalnum (text[p + 1]))
    return p + 1;

  return pos;
}

static gboolean
is_path_char (gunichar c)
{
  if (c < 0x80)
    return g_ascii_isalnum (c) || is_ascii_in ((char) c, "-._~:/?#[]@!$&'()*+,;=%|");

  /* As twitter-text does, accented Latin and Cyrillic letters continue a
   * path but other scripts do not: Japanese and Chinese posts often run
   * their text straight on after a link with no space. */
  return (c >= 0x00C0 && c <= 0x024F && c != 0x00D7 && c != 0x00F7) ||
         (c >= 0x0300 && c <= 0x036F) ||
         (c >= 0x0400 && c <= 0x04FF) ||
         (c >= 0x1E00 && c <= 0x1EFF);
}

static gsize
trim_path (const char *text,
           gsize       path_start,
           gsize       end)
{
  guint open = 0;
  guint close = 0;

  for (gsize i = path_start; i < end; i++)
    {
      if (text[i] == '(')
        open++;
      else if (text[i] == ')')
        close++;
    }

  /* Sentence punctuation after a link is not part of it, and nor is a
   * closing bracket unless the link opened one itself, as Wikipedia's do. */
  while (end > path_start)
    {
      char last = text[end - 1];

      if (memchr (".,;:!?'*(", last, 9) != NULL)
        {
          if (last == '(')
            open--;
          end--;
        }
      else if (last == ')' && close > open)
        {
          close--;
          end--;
        }
      else
        break;
    }

  return end;
}

static gboolean
match_link_at (const char *text,
               gsize       len,
               gsize       pos,
               StartKind   kind,
               gsize      *link_end)
{
  gsize scheme = scheme_length (text, len, pos);
  gsize p;
  Host host;

  if (scheme > 0)
    {
      p = skip_userinfo (text, len, pos + scheme);
      if (!parse_host (text, len, p, TRUE, &host))
        return FALSE;
    }
  else
    {
      gunichar next;
      gsize n_bytes;

      if (kind != START_ANY)
        return FALSE;
      if (!parse_host (text, len, pos, FALSE, &host) ||
          !is_bare_link_host (text, pos, &host))
        return FALSE;

      /* "a.smith.co@example.com" is an address, and "example.comé" is a
       * word; neither is a link. */
      if (host.end < len)
        {
          next = cs_utf8_decode (text + host.end, len - host.end, &n_bytes);
          if (next == '@' || next == 0xFF20 || cs_unichar_is_word_char (next))
            return FALSE;
        }
    }

  p = host.end;

  if (p + 1 < len && text[p] == ':' && g_ascii_isdigit (text[p + 1]))
    {
      gsize digits = p + 1;

      while (digits < len && g_ascii_isdigit (text[digits]) && digits - p <= 5)
        digits++;
      if (digits >= len || !g_ascii_isdigit (text[digits]))
        p = digits;
    }

  if (p < len && (text[p] == '/' || text[p] == '?' || text[p] == '#'))
    {
      gsize path_start = p;

      while (p < len)
        {
          gsize n_bytes;
          gunichar c = cs_utf8_decode (text + p, len - p, &n_bytes);

          if (!is_path_char (c))
            break;
          p += n_bytes;
        }

      /* A lone "?" or "#" after a domain is punctuation, and trims away. */
      p = trim_path (text, path_start, p);
      if (p == path_start + 1 && text[path_start] != '/')
        p = path_start;
    }

  *link_end = p;
  return TRUE;
}

gboolean
cs_url_find_next (const char *text,
                  gsize       len,
                  gsize       from,
                  gsize      *start,
                  gsize      *end)
{
  gsize pos = from;

  g_return_val_if_fail (text != NULL || len == 0, FALSE);

  while (pos < len)
    {
      guchar b = (guchar) text[pos];

      /* Every link starts with an ASCII letter or digit, and ASCII bytes
       * never occur inside a multi-byte character, so a byte scan is safe. */
      if (g_ascii_isalnum (b))
        {
          StartKind kind;
          gsize link_end;
          gsize word_end = pos + 1;

          /* Every link has a dot or a scheme's colon straight after its
           * first word, which rules out nearly all words at once. */
          while (word_end < len && (g_ascii_isalnum (text[word_end]) ||
                                    text[word_end] == '-' || text[word_end] == '_'))
            word_end++;
          if (word_end >= len || (text[word_end] != '.' && text[word_end] != ':'))
            {
              pos = word_end;
              continue;
            }

          kind = start_kind (text, pos);
          if (kind != START_NONE && match_link_at (text, len, pos, kind, &link_end))
            {
              if (start != NULL)
                *start = pos;
              if (end != NULL)
                *end = link_end;
              return TRUE;
            }

          /* Skip the rest of this run of domain characters, which keeps the
           * scan linear. Inside it only a scheme glued on by a dot or a
           * hyphen ("see.http://…") could still start, and posts do not
           * have those. */
          while (pos < len && (g_ascii_isalnum (text[pos]) || text[pos] == '-' ||
                               text[pos] == '_' || text[pos] == '.'))
            pos++;
          continue;
        }

      pos++;
    }

  return FALSE;
}

static char *
dup_lower_valid (const char *text,
                 gsize       len)
{
  g_autofree char *valid = NULL;

  if (!g_utf8_validate_len (text, len, NULL))
    {
      valid = g_utf8_make_valid (text, len);
      return g_utf8_strdown (valid, -1);
    }

  return g_utf8_strdown (text, len);
}

char *
cs_url_dup_host (const char *url,
                 gssize      len)
{
  gsize ulen;
  gsize p = 0;
  gsize authority_end;
  gsize host_end;
  char *host;

  if (url == NULL)
    return NULL;

  ulen = len < 0 ? strlen (url) : (gsize) len;

  while (p < ulen && g_ascii_isspace (url[p]))
    p++;

  /* Any scheme, not just http: "ftp://" has a host too. */
  for (gsize q = p; q < ulen; q++)
    {
      if (g_ascii_isalnum (url[q]) || url[q] == '+' || url[q] == '-' || url[q] == '.')
        continue;
      if (q > p && ulen - q >= 3 && memcmp (url + q, "://", 3) == 0)
        p = q + 3;
      break;
    }
  if (ulen - p >= 2 && url[p] == '/' && url[p + 1] == '/')
    p += 2;

  authority_end = p;
  while (authority_end < ulen && url[authority_end] != '\0' &&
         !is_ascii_in (url[authority_end], "/?# \t\r\n"))
    authority_end++;

  for (gsize q = authority_end; q > p; q--)
    {
      if (url[q - 1] == '@')
        {
          p = q;
          break;
        }
    }

  if (p < authority_end && url[p] == '[')
    {
      host_end = p;
      while (host_end < authority_end && url[host_end] != ']')
        host_end++;
      if (host_end < authority_end)
        host_end++;
    }
  else
    {
      host_end = p;
      while (host_end < authority_end && url[host_end] != ':')
        host_end++;
    }

  /* "example.com." is the fully qualified spelling of the same host. */
  while (host_end > p && url[host_end - 1] == '.')
    host_end--;

  if (host_end - p > 4 && g_ascii_strncasecmp (url + p, "www.", 4) == 0)
    p += 4;

  if (host_end == p)
    return NULL;

  host = dup_lower_valid (url + p, host_end - p);
  return host;
}

static char *
dup_comparable_domain (const char *name)
{
  char *lower = dup_lower_valid (name, strlen (name));
  gsize len = strlen (lower);
  gsize skip = 0;

  while (len > 0 && lower[len - 1] == '.')
    lower[--len] = '\0';
  while (lower[skip] == '.')
    skip++;
  if (len - skip > 4 && strncmp (lower + skip, "www.", 4) == 0)
    skip += 4;
  if (skip > 0)
    memmove (lower, lower + skip, len - skip + 1);

  return lower;
}

gboolean
cs_url_host_in_domain (const char *host,
                       const char *domain)
{
  g_autofree char *h = NULL;
  g_autofree char *d = NULL;
  gsize hlen;
  gsize dlen;

  if (host == NULL || domain == NULL)
    return FALSE;

  h = dup_comparable_domain (host);
  d = dup_comparable_domain (domain);
  hlen = strlen (h);
  dlen = strlen (d);

  if (dlen == 0 || hlen < dlen)
    return FALSE;
  if (hlen == dlen)
    return strcmp (h, d) == 0;

  /* A subdomain must meet the domain at a dot: "evilschool.sch.uk" is
   * somebody else's site, not a page of "school.sch.uk". */
  return h[hlen - dlen - 1] == '.' && strcmp (h + hlen - dlen, d) == 0;
}
