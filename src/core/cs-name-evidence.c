/* cs-name-evidence.c: what the words around a first name say about whether it is one
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "cs-name-evidence-private.h"

static gboolean in_list (const char         *word,
                         const char * const *list);

/* Evidence is scored: praise before a name ("well done to"), a class after
 * it ("in Year 1"), a family word after its possessive, a role in apposition
 * ("Mark, our Year 6 teacher"), a capital where no sentence starts. Each
 * list below holds the words of one such cue. */

static const char * const titles[] = {
  "mr", "mrs", "miss", "ms", "mx", "dr", "sir", "madam", "master", "prof", "rev", NULL
};

/* Words before a name that make it someone, or somewhere, else: St George's
 * Day, King Charles, Lake Louise. */
static const char * const other_titles[] = {
  "st", "saint", "king", "queen", "prince", "princess", "lord", "lady", "captain", "lake", "mount", "cape",
  "port", "fort", "san", "santa", NULL
};

/* Words after a name that make it the name of a thing: "Rowan class",
 * "Art Club" in lower case, "Ruby wedding", "May half term". */
static const char * const thing_nouns[] = {
  "class", "classes", "group", "groups", "team", "teams", "club", "clubs", "house", "houses", "term", "terms",
  "half", "holiday", "holidays", "lane", "street", "road", "avenue", "close", "way", "drive", "crescent",
  "wedding", "anniversary", "fair", "fete", "festival", "exhibition", "concert", "assembly", "show", "day",
  "days", "week", "weeks", "morning", "afternoon", "evening", "night", "side", "bulbs", "bulb", "tree",
  "trees", "wreath", "wreaths", "leaves", "tunnel", "dome", "garden", "gardens", "hall", "room", "centre",
  "park", "field", "fields", "woods", "wood", "farm", "bank", "sale", "trip", "party", "celebration",
  "fortnight", "skies", "sky", "weather", "spells", "hill", "walk", "trail", "costume", "costumes",
  "bank", "season", "sunshine", "sun", "flowers", "flower", "plants", "plant", "berries", "hedge", "bush",
  "service", "services", "market", "hood", "chain", "chains", "field", "nuts", "redbreast", "tea", "pie",
  NULL
};

/* Words before a capitalised word that make it a month or a noun. */
static const char * const determiners[] = {
  "the", "a", "an", "our", "your", "their", "this", "that", "these", "those", "in", "of", "for", "on", "by",
  "during", "since", "until", "till", "last", "next", "every", "each", "early", "late", "mid", "from", "into",
  "its", "my", "his", "her", "some", "any", "no", "with", "before", "after", "than", "is", "was", "be",
  NULL
};

/* Praise and address before a name, read backwards from the name. */
static const char * const praise[][5] = {
  { "done", "well", NULL },
  { "to", "done", "well", NULL },
  { "congratulations", NULL },
  { "to", "congratulations", NULL },
  { "congrats", NULL },
  { "to", "congrats", NULL },
  { "you", "thank", NULL },
  { "to", "you", "thank", NULL },
  { "thanks", NULL },
  { "to", "thanks", NULL },
  { "birthday", "happy", NULL },
  { "to", "birthday", "happy", NULL },
  { "welcome", NULL },
  { "back", "welcome", NULL },
  { "luck", "good", NULL },
  { "to", "luck", "good", NULL },
  { "of", "proud", NULL },
  { "to", "out", "shout", NULL },
  { "bravo", NULL },
  { "dear", NULL },
  { "to", "goes", NULL },
  { "to", "go", NULL },
  { "to", "awarded", NULL },
  { "to", "presented", NULL },
  { "played", "well", NULL },
  { "to", "off", "hats", NULL },
  { "by", "written", NULL },
  { "by", "drawn", NULL },
  { "by", "made", NULL },
};

/* "the legend of Tristan", "the story of Jonah": a character, not a pupil. */
static const char * const story_words[] = {
  "legend", "story", "tale", "tales", "life", "adventures", "book", "myth", "ballad", "song", "poem", "play",
  "diary", "voyage", "journey", "death", "birth", "history", "saint", "feast", NULL
};

/* Third-person pronouns that show a sentence is about a person. */
static const char * const person_pronouns[] = {
  "he", "him", "his", "she", "her", "hers", "himself", "herself", NULL
};

/* Verbs straight after a subject. */
static const char * const subject_verbs[] = {
  "has", "had", "is", "was", "will", "would", "can", "could", "did", "does", "loves", "loved", "enjoys",
  "enjoyed", "needs", "needed", "wants", "wanted", "made", "came", "went", "said", "told", "tried", NULL
};

static const char * const family_words[] = {
  "mum", "mummy", "dad", "daddy", "mother", "father", "parents", "parent", "family", "brother", "sister",
  "nan", "nanna", "nanny", "gran", "granny", "grandma", "grandad", "grandpa", "grandparents", "carer",
  "carers", "auntie", "aunt", "uncle", "twin", "cousin", "stepdad", "stepmum", "birthday", "lunchbox",
  "coat", "bag", "book", "work", "drawing", "painting", "picture", "portrait", "poem", "story", "project",
  "classmates", "classmate", "friends", "friend", "teacher", "teammates", "team", "peers", "class", "group",
  "table", "reading", "writing", "artwork", "model", "design", "speech", "solo", "performance", "goal", "goals",
  NULL
};

static const char * const class_words[] = {
  "year", "yr", "reception", "nursery", "class", "form", NULL
};

static const char * const strong_verbs[] = {
  "scored", "won", "achieved", "earned", "received", "completed", "swam", "performed", "wrote", "sang",
  "drew", "painted", "captained", "represented", "raised", "collected", "celebrates", "celebrated",
  "turns", "turned", "shared", "recited", "designed", "baked", "created", "organised", "presented", "led",
  "competed", "finished", "reached", "beat", "climbed", "danced", "starred", "entered", "became", "impressed",
  "amazed", "wowed", "managed", "tied", "scooped", "bagged", "gained", "volunteered", NULL
};

static const char * const pronouns[] = {
  "you", "your", "yours", "we", "us", "our", "i", "me", "my", "they", "them", "their", "he", "him", "his",
  "she", "her", "it", "its", "everyone", "everybody", "all", "to", "the", "a", "an", "this", "that", NULL
};

/* Roles after "our" in an apposition: "Mark, our Year 6 teacher". */
static const char * const role_nouns[] = {
  "teacher", "teachers", "head", "headteacher", "deputy", "caretaker", "cook", "chef", "ta", "assistant",
  "officer", "manager", "lead", "leader", "coach", "pupil", "student", "senco", "administrator", "secretary",
  "librarian", "governor", "volunteer", "helper", "superstar", "star", "captain", "champion", "winner", NULL
};

/* Places a member of staff is "in": "Carol in the office". */
static const char * const place_words[] = {
  "office", "kitchen", "library", "nursery", "reception", "hall", "site", "team", NULL
};

static const char * const weak_verbs[] = {
  "has", "had", "is", "was", "read", "came", "got", "made", "played", "ran", "finished", "passed",
  "joined", "helped", "showed", "gave", "brought", "built", "found", "spotted", "discovered", "caught",
  "saw", "noticed", "asked", "told", "said", "explained", "answered", NULL
};


const char *
cs_folded_at (CsCheckContext *ctx,
           gint            i)
{
  const CsToken *t = i >= 0 ? cs_token_at (ctx, i) : NULL;

  return t != NULL ? t->folded : NULL;
}

/* Token @i is a name sitting in running text, not a title or a list start. */
gboolean
cs_capital_means_name (const CsToken *t)
{
  return (t->flags & CS_TOKEN_CAPITALISED) &&
         !(t->flags & (CS_TOKEN_SENTENCE_START | CS_TOKEN_ALL_CAPS | CS_TOKEN_HEADING | CS_TOKEN_HASHTAG));
}

static gboolean
praise_before (CsCheckContext *ctx,
               guint           i)
{
  for (guint p = 0; p < G_N_ELEMENTS (praise); p++)
    {
      gint j = (gint) i - 1;
      guint k;

      for (k = 0; praise[p][k] != NULL; k++, j--)
        {
          const CsToken *t = j >= 0 ? cs_token_at (ctx, j) : NULL;

          if (t == NULL || !g_str_equal (t->folded, praise[p][k]))
            break;
          /* "Well done. Hope…" is two sentences. */
          if (cs_token_gap_has (ctx, j, ".!?\n"))
            break;
        }

      if (praise[p][k] == NULL)
        return TRUE;
    }

  return FALSE;
}

/* "in Year 1", "from Reception", "(Year 3)", ", Year 2". */
static gboolean
class_after (CsCheckContext *ctx,
             guint           last)
{
  const char *next = cs_folded_at (ctx, last + 1);
  const char *after = cs_folded_at (ctx, last + 2);

  if (cs_token_gap_has (ctx, last, ".!?\n"))
    return FALSE;

  if ((g_strcmp0 (next, "in") == 0 || g_strcmp0 (next, "from") == 0) && in_list (after, class_words))
    return TRUE;

  if (in_list (next, class_words) && cs_token_gap_has (ctx, last, "(,"))
    return TRUE;

  /* "Carol in the office" */
  if (g_strcmp0 (next, "in") == 0 && g_strcmp0 (after, "the") == 0 && in_list (cs_folded_at (ctx, last + 3), place_words))
    return TRUE;

  /* "Mark, our Year 6 teacher", "Robin, their class teacher" */
  if ((g_strcmp0 (next, "our") == 0 || g_strcmp0 (next, "their") == 0 || g_strcmp0 (next, "the") == 0 ||
       g_strcmp0 (next, "your") == 0) && cs_token_gap_has (ctx, last, ","))
    for (guint k = last + 2; k <= last + 5; k++)
      {
        if (in_list (cs_folded_at (ctx, k), role_nouns))
          return TRUE;
        if (cs_token_gap_has (ctx, k, ".!?,\n"))
          break;
      }

  /* Y3, Yr3 */
  if (next != NULL && next[0] == 'y' && g_ascii_isdigit (next[strlen (next) - 1]) && strlen (next) <= 4)
    return TRUE;

  return FALSE;
}

static const char * const group_words[] = {
  "volunteers", "team", "staff", "crew", "members", "coaches", "instructors", "players", "officers", "lifeguards",
  "rangers", "helpers", "everyone", "friends", "colleagues", NULL
};

/* The lists are small, but asked about for every first name in a post:
 * each becomes a hash set, once, before any check reads them. */
static const char * const * const all_lists[] = {
  titles,
  other_titles,
  thing_nouns,
  determiners,
  story_words,
  person_pronouns,
  subject_verbs,
  family_words,
  class_words,
  strong_verbs,
  pronouns,
  role_nouns,
  place_words,
  weak_verbs,
  group_words,
};

static gboolean
in_list (const char         *word,
         const char * const *list)
{
  static GHashTable *sets[G_N_ELEMENTS (all_lists)];
  static gsize once;

  if (g_once_init_enter (&once))
    {
      for (guint i = 0; i < G_N_ELEMENTS (all_lists); i++)
        {
          sets[i] = g_hash_table_new (g_str_hash, g_str_equal);
          for (guint k = 0; all_lists[i][k] != NULL; k++)
            g_hash_table_add (sets[i], (gpointer) all_lists[i][k]);
        }
      g_once_init_leave (&once, 1);
    }

  if (word == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (all_lists); i++)
    if (all_lists[i] == list)
      return g_hash_table_contains (sets[i], word);

  return g_strv_contains (list, word);
}

static gboolean
from_organisation (CsCheckContext *ctx,
                   guint           k)
{
  const CsToken *org;

  if (g_strcmp0 (cs_folded_at (ctx, k), "from") != 0 && g_strcmp0 (cs_folded_at (ctx, k), "at") != 0)
    return FALSE;
  if (g_strcmp0 (cs_folded_at (ctx, k + 1), "the") == 0)
    k++;

  org = cs_token_at (ctx, k + 1);
  return org != NULL && (org->flags & (CS_TOKEN_CAPITALISED | CS_TOKEN_ALL_CAPS)) &&
         !in_list (org->folded, class_words) && !(org->flags & CS_TOKEN_NUMBER);
}

static gboolean
adult_from_elsewhere (CsCheckContext *ctx,
                      guint           i)
{
  /* "Glen from the RNLI" */
  if (cs_token_gap_is_space (ctx, i) && from_organisation (ctx, i + 1))
    return TRUE;

  /* "Glen and the volunteers from Porthvean Surf Club" */
  if (g_strcmp0 (cs_folded_at (ctx, i + 1), "and") == 0 && g_strcmp0 (cs_folded_at (ctx, i + 2), "the") == 0 &&
      in_list (cs_folded_at (ctx, i + 3), group_words) && from_organisation (ctx, i + 4))
    return TRUE;

  return FALSE;
}

/* TRUE when nothing but punctuation follows the 's of token @i: no noun. */
static gboolean
possessive_stands_alone (CsCheckContext *ctx,
                         guint           i)
{
  const CsToken *t = cs_token_at (ctx, i);
  const CsToken *next = cs_token_at (ctx, i + 1);
  const char *p = ctx->text + t->end;
  const char *end = next != NULL ? ctx->text + next->start : ctx->text + ctx->len;

  /* Step over the apostrophe and the s. */
  p = g_utf8_next_char (p);
  if (p < end)
    p++;

  if (p >= end)
    return next == NULL;

  for (; p < end; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return TRUE;

  return FALSE;
}

static gboolean
pronoun_later (CsCheckContext *ctx,
               guint           i)
{
  for (guint k = i; k < ctx->tokens->len; k++)
    {
      if (k > i && (cs_token_at (ctx, k)->flags & CS_TOKEN_SENTENCE_START))
        break;
      if (in_list (cs_token_at (ctx, k)->folded, person_pronouns))
        return TRUE;
    }

  return FALSE;
}

int
cs_name_evidence (CsCheckContext *ctx,
                  guint           i)
{
  const CsToken *t = cs_token_at (ctx, i);
  const CsToken *next = cs_token_at (ctx, i + 1);
  const char *prev = cs_folded_at (ctx, (gint) i - 1);
  gboolean same_sentence_next = next != NULL && !cs_token_gap_has (ctx, i, ".!?:\n") && !(t->flags & CS_TOKEN_POSSESSIVE);
  int score = 0;

  if (praise_before (ctx, i))
    score += 2;

  if (class_after (ctx, i))
    score += 2;

  if (same_sentence_next && g_str_equal (next->folded, "who") && !(next->flags & CS_TOKEN_SENTENCE_START))
    score += 2;

  if (same_sentence_next && (g_str_equal (next->folded, "aged") || g_str_equal (next->folded, "age")))
    score += 2;

  if ((t->flags & CS_TOKEN_POSSESSIVE) && next != NULL && in_list (next->folded, family_words))
    score += 2;

  if (same_sentence_next && cs_token_gap_is_space (ctx, i) && (t->flags & CS_TOKEN_CAPITALISED))
    {
      if (in_list (next->folded, strong_verbs))
        score += 2;
      else if (in_list (next->folded, weak_verbs))
        score += 1;
    }

  if (cs_capital_means_name (t) && !in_list (prev, determiners))
    score += 1;

  if ((t->flags & CS_TOKEN_POSSESSIVE) && (t->flags & CS_TOKEN_CAPITALISED))
    {
      score += 1;
      /* "The best one is Sunday's." A possessive standing alone belongs to someone. */
      if (possessive_stands_alone (ctx, i))
        score += 1;
    }

  /* Pupils are "from Year 3"; "Glen from the RNLI" or "Glen and the
   * volunteers from the surf club" is an adult from somewhere else. */
  if (same_sentence_next && adult_from_elsewhere (ctx, i))
    score -= 3;

  /* "#GoHunter", "Go Hunter!" */
  if ((t->flags & CS_TOKEN_CAPITALISED) && g_strcmp0 (prev, "go") == 0 && i > 0 &&
      ((cs_token_at (ctx, i - 1)->flags & CS_TOKEN_HASHTAG) || cs_token_gap_is_space (ctx, i - 1)) &&
      (next == NULL || cs_token_gap_has (ctx, i, "!#") || (next->flags & CS_TOKEN_HASHTAG) == 0))
    score += 2;

  /* "Cliff has been finding things tricky, so we've referred him": a subject
   * with a verb, and he or she later in the sentence. */
  if ((t->flags & CS_TOKEN_CAPITALISED) && same_sentence_next && cs_token_gap_is_space (ctx, i) &&
      in_list (next->folded, subject_verbs) && pronoun_later (ctx, i + 1))
    score += 2;

  return score;
}

/* TRUE when the sentence around token @i has no capital letters at all. */
gboolean
cs_lower_case_sentence (CsCheckContext *ctx,
                        guint           i)
{
  gint first = i, last = i;

  while (first > 0 && !(cs_token_at (ctx, first)->flags & CS_TOKEN_SENTENCE_START))
    first--;
  while ((guint) last + 1 < ctx->tokens->len && !(cs_token_at (ctx, last + 1)->flags & CS_TOKEN_SENTENCE_START))
    last++;

  for (gint k = first; k <= last; k++)
    if (cs_token_at (ctx, k)->flags & (CS_TOKEN_CAPITALISED | CS_TOKEN_ALL_CAPS))
      return FALSE;

  return TRUE;
}

gboolean
cs_word_in (CsWordList  list,
            const char *folded)
{
  static const char * const *lists[] = {
    [CS_WORDS_TITLES] = titles,
    [CS_WORDS_OTHER_TITLES] = other_titles,
    [CS_WORDS_THINGS] = thing_nouns,
    [CS_WORDS_CLASS] = class_words,
    [CS_WORDS_DETERMINERS] = determiners,
    [CS_WORDS_STORY] = story_words,
    [CS_WORDS_PRONOUNS] = pronouns,
  };

  return in_list (folded, lists[list]);
}
