/* cs-photo-names.c: which words read in a photo must be hidden
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two kinds of evidence make a region. A word that is a roster name, read
 * with the slips OCR makes, is hidden wherever it is. And a certificate
 * says whose it is in a known place, the line after "presented to" or the
 * most prominent line that is not its wording, so that line is hidden even
 * when the name is a visitor's, a sibling's, or was read too badly to match.
 *
 * OCR gives words with boxes but little reliable structure: the sparse page
 * mode splits lines, and a second pass repeats words. So lines are rebuilt
 * here from the geometry of the boxes.
 */

#include <math.h>
#include <string.h>

#include "cs-check-context-private.h"
#include "cs-photo-names-private.h"

/* Names that are also everyday words, which a photo of a classroom wall
 * shows all the time ("We will...", "May 2025", "Green class"). Such a word
 * alone is not taken for a pupil's name; beside the rest of the name, or on
 * a certificate's name line, it is. Kept to words common enough to be read
 * in photos: a rarer word that is a pupil's name is better hidden. */
static const char * const ordinary_words[] = {
  /* first names */
  "amber", "april", "art", "ash", "august", "autumn", "bay", "bill", "blossom", "bob", "brook",
  "candy", "carol", "chance", "cherry", "clay", "crystal", "daisy", "dale", "dawn", "dean",
  "destiny", "don", "dove", "drew", "ebony", "eve", "faith", "fern", "frank", "gene", "ginger",
  "grace", "guy", "harry", "hazel", "heather", "holly", "honey", "hope", "hunter", "iris", "ivy",
  "jack", "jade", "jasmine", "joy", "june", "king", "kit", "lily", "mark", "mason", "max", "may",
  "melody", "miles", "neil", "ocean", "olive", "pat", "patience", "pearl", "penny", "poppy",
  "rain", "ray", "reed", "rich", "river", "rob", "robin", "rose", "rowan", "ruby", "rusty",
  "sage", "scout", "sky", "skye", "sonny", "star", "storm", "summer", "sunny", "taylor",
  "teddy", "true", "victor", "violet", "will", "willow", "winter", "wren",
  /* surnames */
  "baker", "banks", "bell", "best", "bird", "black", "bond", "brown", "bush", "church", "cook",
  "cross", "day", "field", "fish", "ford", "fox", "frost", "gold", "gray", "green", "grey",
  "hall", "hill", "hunt", "knight", "lamb", "lane", "law", "little", "long", "low", "major",
  "marsh", "mills", "moss", "north", "page", "park", "pool", "power", "price", "read", "rice",
  "sharp", "short", "small", "spring", "stone", "strong", "swan", "wall", "ward", "waters",
  "wells", "west", "white", "wild", "wise", "wood", "young",
  /* months and days, which are on every certificate and display */
  "january", "february", "march", "june", "july", "september", "october", "november", "december",
  "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
  NULL
};

/* What certificates say, as letters without spaces so that OCR's word
 * breaks ("pres ented to") do not matter. */
typedef enum
{
  TRIGGER_TITLE,    /* the name follows on a later line */
  TRIGGER_POINTER,  /* "presented to": the name is on the next line */
  TRIGGER_PRAISE,   /* "well done": the name may follow on the same line */
} TriggerKind;

typedef struct
{
  const char  *letters;
  TriggerKind  kind;
} Trigger;

static const Trigger triggers[] = {
  { "certificate", TRIGGER_TITLE },
  { "oftheweek", TRIGGER_TITLE },
  { "oftheterm", TRIGGER_TITLE },
  { "ofthemonth", TRIGGER_TITLE },
  { "headteachersaward", TRIGGER_TITLE },
  { "presentedto", TRIGGER_POINTER },
  { "awardedto", TRIGGER_POINTER },
  { "welldone", TRIGGER_PRAISE },
  { "congratulations", TRIGGER_PRAISE },
};

/* Words of a certificate's own wording: a line made of them is not a name. */
static const char * const boilerplate_words[] = {
  "certificate", "certificates", "presented", "awarded", "award", "awards", "congratulations",
  "well", "done", "head", "teacher", "headteacher", "headteachers", "school", "primary",
  "academy", "infant", "infants", "junior", "juniors", "signed", "signature", "date", "week",
  "month", "term", "star", "merit", "achievement", "excellence", "champion", "winner", "class",
  "year", "reading", "writing", "maths", "mathematics", "science", "sports", "day", "pupil",
  "attendance", "effort", "kindness", "values", "super", "superstar", "golden", "gold", "silver",
  "bronze", "outstanding", "excellent", "fantastic", "brilliant", "amazing", "january",
  "february", "march", "april", "may", "june", "july", "august", "september", "october",
  "november", "december",
  NULL
};

/* Small words that only a sentence has, never a name. */
static const char * const sentence_words[] = {
  "a", "an", "and", "at", "by", "for", "has", "have", "her", "his", "in", "is", "of", "on",
  "the", "their", "this", "to", "with", "was", "been", "being", "who", "our",
  NULL
};

typedef struct
{
  const CsTextWord *word;
  char             *key;       /* folded, trimmed of punctuation and a possessive 's */
  char             *letters;   /* the key's letters and digits only */
  gboolean          capital;   /* read with a capital first letter */
  int               copy_of;   /* the earlier word whose box this repeats (a second
                                * OCR pass), or -1 */
  int               line;      /* index into the lines, or -1 */
  int               prev;      /* the word before on its line, or -1 */
  int               next;
  gboolean          named;     /* part of a roster-name region */
  guint             before;    /* letters of its name left unread before it, */
  guint             after;     /* and after it (a double-barrelled name's other half) */
} Token;

typedef struct
{
  GArray *members;  /* token indexes, left to right */
  CsRect  box;
  double  height;   /* the tallest word's */
  double  confidence;
} Line;

typedef enum
{
  PART_FIRST,
  PART_SURNAME,
} PartKind;

typedef struct
{
  char     *text;      /* folded; hyphenated names whole */
  GStrv     pieces;    /* the parts of a hyphenated name, or NULL */
  PartKind  kind;
  guint     person;
} NamePart;

typedef struct
{
  guint    person;
  guint    part;    /* index into the parts; G_MAXUINT for a whole name */
  PartKind kind;
  gboolean strong;  /* enough on its own */
  int      span;    /* the match takes this token and the next @span - 1 */
  guint    before;  /* letters of a double-barrelled name not read, */
  guint    after;   /* before and after it */
} Match;

typedef struct
{
  GPtrArray  *words;
  GArray     *tokens;   /* Token */
  GArray     *lines;    /* Line */
  GPtrArray  *parts;    /* NamePart */
  GPtrArray  *full;     /* folded "forenamesurname" per person, for merged reads */
  GArray     *matches;  /* per token: a GArray of Match, or NULL */
  GPtrArray  *regions;
} Finder;

static gboolean
strv_has (const char * const *list,
          const char         *word)
{
  return word != NULL && g_strv_contains (list, word);
}

/* Optimal string alignment distance on code points, up to @limit + 1. */
static guint
edit_distance (const char *a,
               const char *b,
               guint       limit)
{
  glong n, m;
  g_autofree gunichar *s = g_utf8_to_ucs4_fast (a, -1, &n);
  g_autofree gunichar *t = g_utf8_to_ucs4_fast (b, -1, &m);
  g_autofree guint *rows = NULL;
  guint *prev2, *prev, *cur;

  if ((guint) ABS (n - m) > limit)
    return limit + 1;

  rows = g_new (guint, 3 * (m + 1));
  prev2 = rows;
  prev = rows + (m + 1);
  cur = rows + 2 * (m + 1);

  for (glong j = 0; j <= m; j++)
    prev[j] = j;

  for (glong i = 1; i <= n; i++)
    {
      guint best = G_MAXUINT;
      guint *tmp;

      cur[0] = i;
      for (glong j = 1; j <= m; j++)
        {
          guint cost = s[i - 1] == t[j - 1] ? 0 : 1;
          guint v = MIN (prev[j] + 1, cur[j - 1] + 1);

          v = MIN (v, prev[j - 1] + cost);
          if (i > 1 && j > 1 && s[i - 1] == t[j - 2] && s[i - 2] == t[j - 1])
            v = MIN (v, prev2[j - 2] + 1);
          cur[j] = v;
          best = MIN (best, v);
        }
      if (best > limit)
        return limit + 1;

      tmp = prev2;
      prev2 = prev;
      prev = cur;
      cur = tmp;
    }

  return MIN (prev[m], limit + 1);
}

/* OCR misreads a letter or two in a long name, but a short one read with a
 * slip is too often another name or word. */
static gboolean
name_matches (const char *name,
              const char *read)
{
  guint len = g_utf8_strlen (name, -1);

  if (strcmp (name, read) == 0)
    return TRUE;
  if (len < 4)
    return FALSE;

  return edit_distance (name, read, 1) <= 1;
}

static char *
clean_word (const char *text,
            gboolean   *capital)
{
  const char *start = text;
  const char *end = text + strlen (text);
  g_autofree char *trimmed = NULL;

  /* Quotes, commas, full stops and stray marks around the word. */
  while (start < end && !g_unichar_isalnum (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  while (end > start)
    {
      const char *last = g_utf8_find_prev_char (start, end);

      if (g_unichar_isalnum (g_utf8_get_char (last)))
        break;
      end = last;
    }
  if (start == end)
    return NULL;

  *capital = g_unichar_isupper (g_utf8_get_char (start));
  trimmed = g_strndup (start, end - start);

  /* A possessive is the name all the same: "Amelia's". */
  if (g_str_has_suffix (trimmed, "'s"))
    trimmed[strlen (trimmed) - 2] = '\0';
  else if (g_str_has_suffix (trimmed, "\xe2\x80\x99s"))
    trimmed[strlen (trimmed) - 4] = '\0';

  return cs_fold_word (trimmed, -1);
}

static char *
letters_of (const char *key)
{
  GString *out = g_string_new (NULL);

  for (const char *p = key; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c))
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

static gboolean
rect_overlap_y (const CsRect *a,
                const CsRect *b,
                double       *overlap)
{
  double top = MAX (a->y, b->y);
  double bottom = MIN (a->y + a->h, b->y + b->h);

  *overlap = bottom - top;
  return *overlap > 0;
}

static double
rect_intersection (const CsRect *a,
                   const CsRect *b)
{
  double w = MIN (a->x + a->w, b->x + b->w) - MAX (a->x, b->x);
  double h = MIN (a->y + a->h, b->y + b->h) - MAX (a->y, b->y);

  return w > 0 && h > 0 ? w * h : 0;
}

static void
rect_union (CsRect       *acc,
            const CsRect *r,
            gboolean      first)
{
  double x2, y2;

  if (first)
    {
      *acc = *r;
      return;
    }

  x2 = MAX (acc->x + acc->w, r->x + r->w);
  y2 = MAX (acc->y + acc->h, r->y + r->h);
  acc->x = MIN (acc->x, r->x);
  acc->y = MIN (acc->y, r->y);
  acc->w = x2 - acc->x;
  acc->h = y2 - acc->y;
}

static inline Token *
token_at (Finder *f,
          int     i)
{
  return &g_array_index (f->tokens, Token, i);
}

static inline Line *
line_at (Finder *f,
         int     i)
{
  return &g_array_index (f->lines, Line, i);
}

static void
tokens_init (Finder *f)
{
  for (guint i = 0; i < f->words->len; i++)
    {
      const CsTextWord *word = g_ptr_array_index (f->words, i);
      Token token = { word, NULL, NULL, FALSE, -1, -1, -1, -1, FALSE, 0, 0 };

      if (word->text == NULL || word->rect.w <= 0 || word->rect.h <= 0)
        continue;

      token.key = clean_word (word->text, &token.capital);
      if (token.key == NULL)
        continue;
      token.letters = letters_of (token.key);

      /* A second pass over the photo reads much the same words again. */
      for (guint j = 0; j < f->tokens->len; j++)
        {
          const CsRect *a = &token_at (f, j)->word->rect;
          const CsRect *b = &word->rect;

          /* Much the same box, not one word inside a larger scrap. */
          if (token_at (f, j)->copy_of < 0 &&
              rect_intersection (a, b) > 0.5 * MAX (a->w * a->h, b->w * b->h))
            {
              token.copy_of = j;
              break;
            }
        }

      g_array_append_val (f->tokens, token);
    }
}

/* Whether @b can follow @a on a text line, and how far apart they are. */
static gboolean
follows (const CsRect *a,
         const CsRect *b,
         double       *gap)
{
  double h = MAX (a->h, b->h);
  double hmin = MIN (a->h, b->h);
  double overlap;

  if (hmin < 0.4 * h)
    return FALSE;
  if (!rect_overlap_y (a, b, &overlap) || overlap < 0.4 * hmin)
    return FALSE;
  if (b->x + 0.5 * b->w <= a->x + a->w)
    return FALSE;

  *gap = b->x - (a->x + a->w);

  return *gap >= -0.3 * hmin && *gap <= 1.5 * h;
}

static void
lines_init (Finder *f)
{
  guint n = f->tokens->len;
  g_autofree double *gaps = g_new (double, n);

  for (guint i = 0; i < n; i++)
    gaps[i] = G_MAXDOUBLE;

  /* OCR's own lines come first: read in a turned view of a slanted
   * certificate, the words of a line have boxes that no longer line up. */
  for (guint i = 0; i + 1 < n; i++)
    {
      Token *a = token_at (f, i);
      Token *b = token_at (f, i + 1);
      double h = MAX (a->word->rect.h, b->word->rect.h);
      double dx = b->word->rect.x - (a->word->rect.x + a->word->rect.w);
      double dy = fabs ((b->word->rect.y + b->word->rect.h / 2) - (a->word->rect.y + a->word->rect.h / 2));

      if (a->copy_of >= 0 || b->copy_of >= 0 || a->word->line != b->word->line)
        continue;
      if (dx > 1.5 * h || dy > h || b->word->rect.x <= a->word->rect.x)
        continue;
      a->next = i + 1;
      b->prev = i;
      gaps[i + 1] = -G_MAXDOUBLE;
    }

  /* Then each word takes its nearest follower; a word claimed twice goes to
   * the nearer claimant. */
  for (guint i = 0; i < n; i++)
    {
      Token *a = token_at (f, i);
      int best = -1;
      double best_gap = G_MAXDOUBLE;

      if (a->copy_of >= 0 || a->next >= 0)
        continue;

      for (guint j = 0; j < n; j++)
        {
          Token *b = token_at (f, j);
          double gap;

          if (j == i || b->copy_of >= 0)
            continue;
          if (follows (&a->word->rect, &b->word->rect, &gap) && gap < best_gap)
            {
              best = j;
              best_gap = gap;
            }
        }

      if (best >= 0 && best_gap < gaps[best])
        {
          if (token_at (f, best)->prev >= 0)
            token_at (f, token_at (f, best)->prev)->next = -1;
          token_at (f, best)->prev = i;
          a->next = best;
          gaps[best] = best_gap;
        }
    }

  for (guint i = 0; i < n; i++)
    {
      Token *t = token_at (f, i);
      Line line = { 0, };
      int k;

      if (t->copy_of >= 0 || t->prev >= 0)
        continue;

      line.members = g_array_new (FALSE, FALSE, sizeof (int));
      for (k = i; k >= 0; k = token_at (f, k)->next)
        {
          Token *m = token_at (f, k);

          /* A cycle cannot form as followers lie to the right, but a
           * broken box should not hang the check. */
          if (m->line >= 0)
            break;
          m->line = f->lines->len;
          rect_union (&line.box, &m->word->rect, line.members->len == 0);
          line.height = MAX (line.height, m->word->rect.h);
          line.confidence = MAX (line.confidence, m->word->confidence);
          g_array_append_val (line.members, k);
        }
      g_array_append_val (f->lines, line);
    }
}

static void
add_part (Finder     *f,
          const char *word,
          gsize       len,
          PartKind    kind,
          guint       person)
{
  NamePart *part = g_new0 (NamePart, 1);

  part->text = cs_fold_word (word, len);
  part->kind = kind;
  part->person = person;
  if (strchr (part->text, '-') != NULL)
    part->pieces = g_strsplit (part->text, "-", -1);
  g_ptr_array_add (f->parts, part);
}

static void
name_part_free (NamePart *part)
{
  g_free (part->text);
  g_strfreev (part->pieces);
  g_free (part);
}

typedef struct
{
  Finder   *finder;
  PartKind  kind;
  guint     person;
} PartCollector;

static void
collect_part (const char *word,
              gsize       len,
              gpointer    data)
{
  PartCollector *c = data;

  add_part (c->finder, word, len, c->kind, c->person);
}

static void
parts_init (Finder    *f,
            GPtrArray *people)
{
  for (guint i = 0; people != NULL && i < people->len; i++)
    {
      const CsPerson *person = g_ptr_array_index (people, i);
      PartCollector c = { f, PART_FIRST, i };
      g_autofree char *full = NULL;

      if (person->forename != NULL)
        cs_foreach_word (person->forename, collect_part, &c);
      if (person->preferred_name != NULL)
        cs_foreach_word (person->preferred_name, collect_part, &c);
      c.kind = PART_SURNAME;
      if (person->surname != NULL)
        cs_foreach_word (person->surname, collect_part, &c);

      /* OCR sometimes loses the space: "AmeliaHart". */
      if (person->forename != NULL && person->surname != NULL)
        {
          g_autofree char *joined = g_strconcat (cs_person_get_known_as (person),
                                                 person->surname, NULL);
          g_autofree char *folded = cs_fold_word (joined, -1);

          full = letters_of (folded);
        }
      g_ptr_array_add (f->full, g_steal_pointer (&full));
    }
}

/* Whether what was read, @key, is the name @part, or part of a hyphenated
 * one; sets *@piece to the piece matched when only one was, and @before
 * and @after to the letters of the name left unread on either side. */
static gboolean
part_matches (const NamePart  *part,
              const char      *key,
              const char     **piece,
              guint           *before,
              guint           *after)
{
  *piece = part->text;
  *before = *after = 0;

  if (name_matches (part->text, key))
    return TRUE;
  if (part->pieces == NULL)
    return FALSE;

  /* "akamura-Osei": each piece with its own allowance for slips. */
  if (strchr (key, '-') != NULL)
    {
      g_auto(GStrv) read = g_strsplit (key, "-", -1);
      guint matched = 0;

      if (g_strv_length (read) != g_strv_length (part->pieces))
        return FALSE;
      for (guint i = 0; read[i] != NULL; i++)
        matched += name_matches (part->pieces[i], read[i]);

      return matched == g_strv_length (read);
    }

  /* One half of a double-barrelled name, alone or split off by OCR. */
  for (guint i = 0; part->pieces[i] != NULL; i++)
    {
      if (name_matches (part->pieces[i], key))
        {
          *piece = part->pieces[i];
          for (guint j = 0; part->pieces[j] != NULL; j++)
            {
              if (j < i)
                *before += g_utf8_strlen (part->pieces[j], -1) + 1;
              else if (j > i)
                *after += g_utf8_strlen (part->pieces[j], -1) + 1;
            }
          return TRUE;
        }
    }

  return FALSE;
}

/* The en_GB dictionary, loaded once for the life of the process and shared
 * by every thread (CsSpelling locks), or NULL when none is installed. */
static CsSpelling *
get_dictionary (void)
{
  static CsSpelling *dictionary;
  static gsize loaded;

  if (g_once_init_enter (&loaded))
    {
      dictionary = cs_spelling_new ("en_GB", NULL);
      g_once_init_leave (&loaded, 1);
    }

  return dictionary;
}

static gboolean
is_english_word (const char *key)
{
  CsSpelling *dictionary = get_dictionary ();

  if (strv_has (sentence_words, key) || strv_has (boilerplate_words, key) ||
      strv_has (ordinary_words, key))
    return TRUE;

  return dictionary != NULL && cs_spelling_is_common_word (dictionary, key);
}

/* Whether a match of @piece, read as @read, is enough alone. */
static gboolean
is_strong (const Token *t,
           const char  *piece,
           const char  *read)
{
  guint len = g_utf8_strlen (piece, -1);

  if (strv_has (ordinary_words, piece))
    return FALSE;
  /* "the" is one slip from Theo and "hard" from Hart: a word that OCR read
   * correctly as an English word is not taken for a misread name. */
  if (strcmp (piece, read) != 0 && is_english_word (read))
    return FALSE;
  if (len >= 4)
    return TRUE;
  /* Short names are exact matches, but the noise OCR finds in a busy
   * background is full of short lower-case scraps. */
  return len == 3 && t->capital && t->word->confidence >= 0.5;
}

static void
add_match (Finder   *f,
           int       i,
           guint     person,
           guint     part,
           PartKind  kind,
           gboolean  strong,
           int       span,
           guint     before,
           guint     after)
{
  GArray **list = &g_array_index (f->matches, GArray *, i);
  Match m = { person, part, kind, strong, span, before, after };

  if (*list == NULL)
    *list = g_array_new (FALSE, FALSE, sizeof (Match));
  g_array_append_val (*list, m);
}

static void
match_tokens (Finder *f)
{
  g_array_set_size (f->matches, f->tokens->len);

  for (guint i = 0; i < f->tokens->len; i++)
    {
      Token *t = token_at (f, i);

      for (guint p = 0; p < f->parts->len; p++)
        {
          const NamePart *part = g_ptr_array_index (f->parts, p);
          const char *piece;
          guint before, after;

          if (part_matches (part, t->key, &piece, &before, &after))
            add_match (f, i, part->person, p, part->kind, is_strong (t, piece, t->key), 1,
                       before, after);
        }

      for (guint p = 0; p < f->full->len; p++)
        {
          const char *full = g_ptr_array_index (f->full, p);

          if (full != NULL && strlen (t->letters) >= 6 && name_matches (full, t->letters))
            add_match (f, i, p, G_MAXUINT, PART_FIRST, TRUE, 1, 0, 0);
        }

      /* A long name broken in two by OCR: "Ferr eira". */
      if (t->next >= 0)
        {
          Token *n = token_at (f, t->next);
          g_autofree char *joined = g_strconcat (t->key, n->key, NULL);

          for (guint p = 0; p < f->parts->len; p++)
            {
              const NamePart *part = g_ptr_array_index (f->parts, p);
              const char *piece;
              guint before, after;

              if (g_utf8_strlen (part->text, -1) >= 6 &&
                  part_matches (part, joined, &piece, &before, &after) &&
                  g_utf8_strlen (piece, -1) >= 6)
                add_match (f, i, part->person, p, part->kind, is_strong (t, piece, joined), 2,
                           before, after);
            }
        }
    }
}

static GArray *
matches_of (Finder *f,
            int     i)
{
  if (i < 0 || (guint) i >= f->matches->len)
    return NULL;

  return g_array_index (f->matches, GArray *, i);
}

/* Whether token @j matches another part of the name that @m is part of:
 * "the ... then" are both one slip from Theo, but are not Theo's names. */
static gboolean
has_other_part (Finder      *f,
                int          j,
                const Match *m)
{
  GArray *list = matches_of (f, j);

  for (guint k = 0; list != NULL && k < list->len; k++)
    {
      const Match *other = &g_array_index (list, Match, k);

      if (other->person == m->person && other->part != m->part)
        return TRUE;
    }

  return FALSE;
}

/* The box of token @i, grown along its line by the letters of its name
 * that were not read: "Vasquez-" for Vasquez-Lind hides where "Lind" is. */
static void
grown_rect (Finder *f,
            int     i,
            gboolean first,
            gboolean last,
            CsRect *rect)
{
  Token *t = token_at (f, i);
  const CsRect *r = &t->word->rect;
  double letter = r->w / MAX (1, g_utf8_strlen (t->key, -1));
  double before = first ? t->before * letter : 0;
  double after = last ? t->after * letter : 0;
  double slope = 0;
  int other = t->prev >= 0 ? t->prev : t->next;

  *rect = *r;
  if (before == 0 && after == 0)
    return;

  /* The line may slope, as on a certificate photographed at an angle. */
  if (other >= 0)
    {
      const CsRect *o = &token_at (f, other)->word->rect;
      double dx = (o->x + o->w / 2) - (r->x + r->w / 2);

      if (fabs (dx) > 1)
        slope = CLAMP (((o->y + o->h / 2) - (r->y + r->h / 2)) / dx, -0.5, 0.5);
    }

  rect->x -= before;
  rect->w += before + after;
  rect->y -= MAX (0, slope * after) + MAX (0, -slope * before);
  rect->h += fabs (slope) * (before + after);
}

static void
add_region (Finder     *f,
            GArray     *members,
            const char *reason)
{
  g_autoptr(GString) text = g_string_new (NULL);
  CsPhotoRegion *region;
  CsRect rect = { 0, };
  double confidence = 0;

  for (guint k = 0; k < members->len; k++)
    {
      const CsTextWord *word = token_at (f, g_array_index (members, int, k))->word;
      CsRect grown;

      grown_rect (f, g_array_index (members, int, k), k == 0, k == members->len - 1, &grown);
      rect_union (&rect, &grown, k == 0);
      confidence += word->confidence;
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, word->text);
    }

  region = cs_photo_region_new (CS_REGION_TEXT, &rect, confidence / members->len);
  region->text = g_strdup (text->str);
  region->reason = g_strdup (reason);
  g_ptr_array_add (f->regions, region);
}

/* A token's accepted roster match: strong, or weak beside another part of
 * the same person's name (one word may sit between, a middle name). */
static gboolean
accepted (Finder *f,
          int     i,
          int    *span)
{
  gboolean ok = FALSE;
  GArray *list = matches_of (f, i);
  Token *t = token_at (f, i);

  *span = 1;
  for (guint k = 0; list != NULL && k < list->len; k++)
    {
      const Match *m = &g_array_index (list, Match, k);
      int prev = t->prev;
      int next = t->next;

      if (m->span > 1)
        for (int s = 1; s < m->span && next >= 0; s++)
          next = token_at (f, next)->next;

      if (m->strong ||
          has_other_part (f, prev, m) ||
          has_other_part (f, next, m) ||
          (prev >= 0 && has_other_part (f, token_at (f, prev)->prev, m)) ||
          (next >= 0 && has_other_part (f, token_at (f, next)->next, m)))
        {
          *span = MAX (*span, m->span);
          t->before = MAX (t->before, m->before);
          t->after = MAX (t->after, m->after);
          ok = TRUE;
        }
    }

  return ok;
}

static void
find_roster_names (Finder *f)
{
  g_autofree gboolean *hit = g_new0 (gboolean, f->tokens->len);

  for (guint i = 0; i < f->tokens->len; i++)
    {
      int span;

      if (!accepted (f, i, &span))
        continue;
      for (int k = i, s = 0; k >= 0 && s < span; k = token_at (f, k)->next, s++)
        hit[k] = TRUE;
    }

  /* A middle name between a forename and a surname is hidden with them. */
  for (guint i = 0; i < f->tokens->len; i++)
    {
      Token *t = token_at (f, i);

      if (!hit[i] && t->prev >= 0 && t->next >= 0 && hit[t->prev] && hit[t->next] && t->capital)
        hit[i] = TRUE;
    }

  for (guint l = 0; l < f->lines->len; l++)
    {
      Line *line = line_at (f, l);
      g_autoptr(GArray) run = g_array_new (FALSE, FALSE, sizeof (int));

      for (guint k = 0; k <= line->members->len; k++)
        {
          int i = k < line->members->len ? g_array_index (line->members, int, k) : -1;

          if (i >= 0 && hit[i])
            {
              g_array_append_val (run, i);
              token_at (f, i)->named = TRUE;
              continue;
            }
          if (run->len > 0)
            {
              add_region (f, run, "roster name");
              g_array_set_size (run, 0);
            }
        }
    }

  /* A word repeated by a second pass is on no line: it counts alone when
   * the other reading of it did not. */
  for (guint i = 0; i < f->tokens->len; i++)
    {
      Token *t = token_at (f, i);

      if (hit[i] && t->line < 0 && (t->copy_of < 0 || !token_at (f, t->copy_of)->named))
        {
          g_autoptr(GArray) one = g_array_new (FALSE, FALSE, sizeof (int));

          g_array_append_val (one, i);
          t->named = TRUE;
          add_region (f, one, "roster name");
        }
    }
}

/* Sellers' approximate substring search: where @pattern occurs in @text with
 * at most @limit edits; returns the lowest-cost match's byte range. */
static gboolean
find_approx (const char *text,
             const char *pattern,
             guint       limit,
             guint      *start,
             guint      *end)
{
  gsize n = strlen (text);
  gsize m = strlen (pattern);
  g_autofree guint *cost = g_new (guint, m + 1);
  g_autofree guint *from = g_new (guint, m + 1);
  guint best = limit + 1;

  if (n == 0 || m == 0)
    return FALSE;

  for (gsize i = 0; i <= m; i++)
    {
      cost[i] = i;
      from[i] = 0;
    }

  for (gsize j = 1; j <= n; j++)
    {
      guint diag = cost[0], diag_from = from[0];

      cost[0] = 0;
      from[0] = j;
      for (gsize i = 1; i <= m; i++)
        {
          guint up = cost[i], up_from = from[i];
          guint c = diag + (pattern[i - 1] == text[j - 1] ? 0 : 1);
          guint c_from = diag_from;

          if (up + 1 < c)
            {
              c = up + 1;
              c_from = up_from;
            }
          if (cost[i - 1] + 1 < c)
            {
              c = cost[i - 1] + 1;
              c_from = from[i - 1];
            }
          diag = up;
          diag_from = up_from;
          cost[i] = c;
          from[i] = c_from;
        }

      if (cost[m] < best)
        {
          best = cost[m];
          *start = from[m];
          *end = j;
        }
    }

  return best <= limit;
}

static guint
trigger_limit (const char *letters)
{
  gsize len = strlen (letters);

  return len <= 6 ? 0 : len <= 10 ? 1 : 2;
}

static gboolean
line_is_boilerplate (Finder *f,
                     Line   *line)
{
  guint n_words = 0;
  guint n_boiler = 0;

  for (guint k = 0; k < line->members->len; k++)
    {
      Token *t = token_at (f, g_array_index (line->members, int, k));
      gboolean digits = FALSE;

      for (const char *p = t->letters; *p; p++)
        digits |= g_ascii_isdigit (*p);

      /* Dates, and a lower-case "for", "and", "the": a sentence. */
      if (digits && t->word->confidence >= 0.5)
        return TRUE;
      if (!t->capital && strv_has (sentence_words, t->key) && t->word->confidence >= 0.5)
        return TRUE;
      if (strlen (t->letters) < 2)
        continue;
      n_words++;
      if (strv_has (boilerplate_words, t->key) || strv_has (sentence_words, t->key))
        n_boiler++;
    }

  return n_words == 0 || 2 * n_boiler >= n_words;
}

/* Whether @line could be a name written on a certificate. */
static gboolean
line_may_be_name (Finder *f,
                  Line   *line)
{
  guint n_letters = 0;

  for (guint k = 0; k < line->members->len; k++)
    {
      Token *t = token_at (f, g_array_index (line->members, int, k));

      for (const char *p = t->letters; *p; p++)
        n_letters += g_ascii_isalpha (*p) || (guchar) *p >= 0x80;
    }

  /* OCR's noise on a patterned background is scraps read with little
   * confidence; a name has a word read with some. */
  return n_letters >= 3 && line->confidence >= 0.4 && !line_is_boilerplate (f, line);
}

/* The name line under a trigger at @box: the most prominent candidate in
 * the few lines below, the nearer of two alike. */
static int
line_below (Finder       *f,
            const CsRect *box,
            int           trigger_line)
{
  int best = -1;
  double best_height = 0, best_gap = 0;

  for (guint l = 0; l < f->lines->len; l++)
    {
      Line *line = line_at (f, l);
      double gap = line->box.y - (box->y + box->h);
      double dx = fabs ((line->box.x + line->box.w / 2) - (box->x + box->w / 2));
      double h = MAX (box->h, line->height);

      if ((int) l == trigger_line)
        continue;
      /* Below the trigger, centred roughly under it, not far down. */
      if (line->box.y + line->box.h / 2 < box->y + box->h ||
          gap > 3.0 * h ||
          dx > MAX (box->w, line->box.w))
        continue;
      if (!line_may_be_name (f, line))
        continue;

      gap = MAX (gap, 0);
      if (best < 0 ||
          line->height > 1.2 * best_height ||
          (line->height > best_height / 1.2 && gap < best_gap))
        {
          best = l;
          best_height = line->height;
          best_gap = gap;
        }
    }

  return best;
}

static void
add_line_region (Finder *f,
                 GArray *members,
                 GArray *seen,
                 int     line)
{
  gboolean all_named = TRUE;

  for (guint k = 0; k < seen->len; k++)
    if (g_array_index (seen, int, k) == line)
      return;
  g_array_append_val (seen, line);

  for (guint k = 0; k < members->len; k++)
    all_named &= token_at (f, g_array_index (members, int, k))->named;
  if (!all_named)
    add_region (f, members, "certificate");
}

static void
find_certificate_names (Finder *f)
{
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (int));

  for (guint l = 0; l < f->lines->len; l++)
    {
      Line *line = line_at (f, l);
      g_autoptr(GString) letters = g_string_new (NULL);
      g_autoptr(GArray) owner = g_array_new (FALSE, FALSE, sizeof (int));

      /* The line's letters without spaces, and which word each came from. */
      for (guint k = 0; k < line->members->len; k++)
        {
          int i = g_array_index (line->members, int, k);
          const char *w = token_at (f, i)->letters;

          g_string_append (letters, w);
          for (gsize c = 0; w[c]; c++)
            g_array_append_val (owner, i);
        }

      for (guint t = 0; t < G_N_ELEMENTS (triggers); t++)
        {
          const Trigger *trigger = &triggers[t];
          guint start = 0, end = 0;
          CsRect box = { 0, };
          int first, last, name;

          if (!find_approx (letters->str, trigger->letters, trigger_limit (trigger->letters),
                            &start, &end) || end <= start)
            continue;

          first = g_array_index (owner, int, start);
          last = g_array_index (owner, int, end - 1);
          for (int i = first; ; i = token_at (f, i)->next)
            {
              rect_union (&box, &token_at (f, i)->word->rect, i == first);
              if (i == last || token_at (f, i)->next < 0)
                break;
            }

          /* "Well done Amelia!": capitalised words after the praise. */
          if (trigger->kind == TRIGGER_PRAISE)
            {
              g_autoptr(GArray) after = g_array_new (FALSE, FALSE, sizeof (int));

              for (int i = token_at (f, last)->next; i >= 0 && after->len < 4; i = token_at (f, i)->next)
                {
                  Token *tok = token_at (f, i);

                  if (after->len == 0 && strcmp (tok->key, "to") == 0)
                    continue;
                  if (!tok->capital || strv_has (boilerplate_words, tok->key))
                    break;
                  g_array_append_val (after, i);
                }
              if (after->len > 0)
                {
                  gboolean all_named = TRUE;

                  for (guint k = 0; k < after->len; k++)
                    all_named &= token_at (f, g_array_index (after, int, k))->named;
                  if (!all_named)
                    add_region (f, after, "certificate");
                  continue;
                }
            }

          name = line_below (f, &box, l);
          if (name >= 0)
            add_line_region (f, line_at (f, name)->members, seen, name);
        }
    }
}

GPtrArray *
cs_photo_find_names (GPtrArray *words,
                     GPtrArray *people)
{
  Finder f = { 0, };

  g_return_val_if_fail (words != NULL, NULL);

  f.words = words;
  f.tokens = g_array_new (FALSE, FALSE, sizeof (Token));
  f.lines = g_array_new (FALSE, FALSE, sizeof (Line));
  f.parts = g_ptr_array_new_with_free_func ((GDestroyNotify) name_part_free);
  f.full = g_ptr_array_new_with_free_func (g_free);
  f.matches = g_array_new (FALSE, TRUE, sizeof (GArray *));
  f.regions = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_photo_region_free);

  tokens_init (&f);
  lines_init (&f);
  parts_init (&f, people);
  match_tokens (&f);
  find_roster_names (&f);
  find_certificate_names (&f);

  for (guint i = 0; i < f.tokens->len; i++)
    {
      Token *t = token_at (&f, i);

      g_free (t->key);
      g_free (t->letters);
      g_clear_pointer (&g_array_index (f.matches, GArray *, i), g_array_unref);
    }
  for (guint l = 0; l < f.lines->len; l++)
    g_array_unref (line_at (&f, l)->members);
  g_array_unref (f.tokens);
  g_array_unref (f.lines);
  g_ptr_array_unref (f.parts);
  g_ptr_array_unref (f.full);
  g_array_unref (f.matches);

  return f.regions;
}
