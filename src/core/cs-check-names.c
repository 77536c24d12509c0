/* cs-check-names.c: pupils and staff named in a post
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "cs-name-evidence-private.h"

/* Many first names are also ordinary words: Hope, May, Will, Grace, Holly.
 * Matching those everywhere would cry wolf on every "Hope to see you there",
 * and staff would learn to ignore the checker. So such a name counts as a
 * name only with evidence that a person is meant: praise before it ("well
 * done to"), a class after it ("in Year 1"), a family word after its
 * possessive, a name beside it ("Freya and Willow"), or a capital letter
 * where a sentence does not start. Names that are not ordinary words
 * (Amelia, Oliver) count wherever they stand, in any case. */

typedef enum
{
  MATCH_NONE,
  MATCH_PUPIL,
  MATCH_STAFF,
  MATCH_ALLOWED,  /* staff or pupils who agreed to be named */
} MatchKind;

typedef struct
{
  guint        first;    /* token range */
  guint        last;
  guint        start;    /* byte range */
  guint        end;
  MatchKind    kind;
  CsNameEntry *entry;
  guint        n_people;
} NameMatch;

/* Matches the folded words @words at token @i; returns the last token. */
static gboolean
match_words (CsCheckContext *ctx,
             guint           i,
             GStrv           words,
             guint          *last)
{
  for (guint k = 0; words[k] != NULL; k++)
    {
      const CsToken *t = cs_token_at (ctx, i + k);

      if (t == NULL || (t->flags & CS_TOKEN_MASKED) || !g_str_equal (t->folded, words[k]))
        return FALSE;
      /* Words of one name sit next to each other. */
      if (k > 0 && !cs_token_gap_is_space (ctx, i + k - 1) &&
          !((t->flags & CS_TOKEN_HASHTAG) && (cs_token_at (ctx, i + k - 1)->flags & CS_TOKEN_HASHTAG)))
        return FALSE;
    }

  *last = i + g_strv_length (words) - 1;
  return TRUE;
}

static MatchKind
kind_for (CsCheckContext *ctx,
          CsNameEntry    *entry,
          gboolean        full_name)
{
  if (entry->person->role == CS_ROLE_STAFF)
    return entry->may_be_named ? MATCH_ALLOWED : MATCH_STAFF;

  /* A school may let pupils with name consent be called by first name;
   * a full name still identifies them. */
  if (!full_name && entry->may_be_named && cs_policy_get_allow_consented_first_names (ctx->policy))
    return MATCH_ALLOWED;

  return MATCH_PUPIL;
}

static char *
describe (const NameMatch *m)
{
  const CsPerson *person = m->entry->person;

  if (m->kind == MATCH_STAFF && person->name_consent && person->consent_expires != NULL)
    {
      char date[64];

      g_date_strftime (date, sizeof date, "%-d %B %Y", person->consent_expires);
      /* Translators: the {detail} of the staff-name message, which goes on
       * "or use their role instead…": forename, surname, the date. */
      return g_strdup_printf (_("%s %s, a member of staff whose consent to be named ran out on %s; "
                                "ask them to renew it and update the roster, or"), person->forename, person->surname, date);
    }

  if (m->kind == MATCH_STAFF)
    /* Translators: the {detail} of the staff-name message, which goes on
     * "use their role instead…": forename and surname. */
    return g_strdup_printf (_("%s %s, a member of staff who has not agreed to be named in school posts;"),
                            person->forename, person->surname);

  if (m->n_people > 1)
    /* Translators: the {detail} of the pupil-name message, after "“Name” names". */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "a pupil on the roster (%u pupil has this name)",
                                         "a pupil on the roster (%u pupils have this name)", m->n_people),
                            m->n_people);

  if (person->class_name != NULL && *person->class_name)
    /* Translators: the {detail} of the pupil-name message; %s is the class. */
    return g_strdup_printf (_("a pupil on the roster (%s)"), person->class_name);

  return g_strdup (_("a pupil on the roster"));
}

static void
add_match (CsCheckContext *ctx,
           NameMatch      *m)
{
  g_autofree char *detail = NULL;
  CsRawFinding *raw;
  const char *cls;

  if (m->kind == MATCH_NONE || m->kind == MATCH_ALLOWED)
    return;

  if (!cs_check_context_rule_on (ctx, m->kind == MATCH_STAFF ? CS_RULE_STAFF_NAME : CS_RULE_PUPIL_NAME))
    return;

  detail = describe (m);
  raw = cs_check_context_add (ctx, m->kind == MATCH_STAFF ? CS_RULE_STAFF_NAME : CS_RULE_PUPIL_NAME,
                              m->start, m->end, detail);

  raw->suggestions = g_ptr_array_new_with_free_func (g_free);
  cls = m->entry->person->class_name;
  if (m->kind == MATCH_STAFF)
    {
      if (cls != NULL && g_str_has_prefix (cls, "Year"))
        /* Translators: words put into the post in place of a teacher's
         * name; %s is their class from the roster, such as "Year 3". */
        g_ptr_array_add (raw->suggestions, g_strdup_printf (_("our %s teacher"), cls));
      else if (cls != NULL && *cls && g_ascii_strcasecmp (cls, "Whole school") != 0)
        {
          g_autofree char *lower = g_utf8_strdown (cls, -1);
          /* Translators: words put into the post in place of a name; %s is
           * a team from the roster, such as "office". */
          g_ptr_array_add (raw->suggestions, g_strdup_printf (_("the %s team"), lower));
        }
      g_ptr_array_add (raw->suggestions, g_strdup (_("a member of staff")));
    }
  else if (cls != NULL && *cls && m->n_people == 1)
    {
      /* Translators: words put into the post in place of a pupil's name;
       * %s is their class from the roster, such as "Year 3". */
      g_ptr_array_add (raw->suggestions, g_strdup_printf (_("a %s pupil"), cls));
      /* Translators: as above. */
      g_ptr_array_add (raw->suggestions, g_strdup_printf (_("the %s class"), cls));
    }
  else
    g_ptr_array_add (raw->suggestions, g_strdup (_("one of our pupils")));
}

static void
set_match (CsCheckContext *ctx,
           NameMatch      *m,
           guint           first,
           guint           last,
           CsNameEntry    *entry,
           MatchKind       kind)
{
  m->first = first;
  m->last = last;
  m->start = cs_token_at (ctx, first)->start;
  m->end = cs_token_at (ctx, last)->end;
  m->entry = entry;
  m->kind = kind;
  m->n_people = 1;
}

/* "Mrs Farrant", "Mr Park": a title names an adult. Returns the last token. */
static gboolean
match_title (CsCheckContext *ctx,
             guint           i,
             NameMatch      *m)
{
  const CsToken *t = cs_token_at (ctx, i);
  const CsToken *next = cs_token_at (ctx, i + 1);
  GPtrArray *candidates;
  gboolean found = FALSE;

  if (!cs_word_in (CS_WORDS_TITLES, t->folded) || next == NULL || !(next->flags & CS_TOKEN_CAPITALISED))
    return FALSE;

  /* Allow "Mr. Park" as well as "Mr Park". */
  for (guint p = t->end; p < next->start; p++)
    if (ctx->text[p] != ' ' && ctx->text[p] != '.')
      return FALSE;

  candidates = cs_name_index_by_surname (ctx->names, next->folded);
  for (guint c = 0; candidates != NULL && c < candidates->len; c++)
    {
      CsNameEntry *entry = g_ptr_array_index (candidates, c);
      guint last;

      if (entry->person->role != CS_ROLE_STAFF || !match_words (ctx, i + 1, entry->surname, &last))
        continue;

      /* With several staff of one surname, the one without consent decides. */
      if (!found || (entry->may_be_named == FALSE && m->kind == MATCH_ALLOWED))
        {
          set_match (ctx, m, i, last, entry, kind_for (ctx, entry, TRUE));
          found = TRUE;
        }
    }

  /* "Miss Louise" */
  candidates = found ? NULL : cs_name_index_by_first (ctx->names, next->folded);
  for (guint c = 0; candidates != NULL && c < candidates->len; c++)
    {
      CsNameEntry *entry = g_ptr_array_index (candidates, c);
      guint last;

      if (entry->person->role != CS_ROLE_STAFF || !match_words (ctx, i + 1, entry->forename, &last))
        continue;

      set_match (ctx, m, i, last, entry, kind_for (ctx, entry, TRUE));
      found = TRUE;
    }

  if (!found)
    {
      /* A title before anyone else's surname is a parent or a visitor:
       * skip the surname so it is not read as a first name. */
      m->first = i;
      m->last = i + 1;
      m->kind = MATCH_NONE;
      return TRUE;
    }

  return TRUE;
}

/* Edit distance of at most one between @a and @b (bytes of folded words). */
static gboolean
one_edit_apart (const char *a,
                const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  gsize i = 0, j = 0;
  gboolean edited = FALSE;

  if (la > lb + 1 || lb > la + 1)
    return FALSE;

  while (i < la && j < lb)
    {
      if (a[i] == b[j])
        {
          i++;
          j++;
          continue;
        }
      if (edited)
        return FALSE;
      edited = TRUE;
      if (la > lb)
        i++;
      else if (lb > la)
        j++;
      else
        {
          i++;
          j++;
        }
    }

  return !edited || (i == la && j == lb);
}

/* "Amelia Harte" for Amelia Hart: a slip in the surname still names her. */
static gboolean
near_surname (CsCheckContext *ctx,
              guint           i,
              GStrv           surname,
              guint          *last)
{
  const CsToken *t = cs_token_at (ctx, i);

  if (t == NULL || surname[1] != NULL || strlen (surname[0]) < 4 || !(t->flags & CS_TOKEN_CAPITALISED) ||
      !one_edit_apart (t->folded, surname[0]))
    return FALSE;

  *last = i;
  return TRUE;
}

/* A full name: forename or preferred name, then surname. */
static gboolean
match_full (CsCheckContext *ctx,
            guint           i,
            GPtrArray      *candidates,
            NameMatch      *m)
{
  const CsToken *next = cs_token_at (ctx, i + 1);
  gboolean found = FALSE;

  /* Most first names in a post are not followed by a surname: "will",
   * "may" and the like are everywhere. A surname, or a slip in one, has a
   * capital unless it is in the roster as written. */
  if (next == NULL || (cs_name_index_by_surname (ctx->names, next->folded) == NULL &&
                       !(next->flags & CS_TOKEN_CAPITALISED) &&
                       cs_name_index_by_first (ctx->names, next->folded) == NULL))
    return FALSE;

  for (guint c = 0; c < candidates->len; c++)
    {
      CsNameEntry *entry = g_ptr_array_index (candidates, c);
      GStrv firsts[] = { entry->forename, entry->preferred };

      for (guint f = 0; f < G_N_ELEMENTS (firsts); f++)
        {
          guint first_last, last;

          if (firsts[f] == NULL || !match_words (ctx, i, firsts[f], &first_last))
            continue;
          if (!cs_token_gap_is_space (ctx, first_last))
            continue;
          if (!match_words (ctx, first_last + 1, entry->surname, &last) &&
              !near_surname (ctx, first_last + 1, entry->surname, &last))
            continue;

          if (!found || (last > m->last) || (m->kind == MATCH_ALLOWED && kind_for (ctx, entry, TRUE) != MATCH_ALLOWED))
            {
              set_match (ctx, m, i, last, entry, kind_for (ctx, entry, TRUE));
              found = TRUE;
            }
        }
    }

  return found;
}

/* "M. Nguyen", "M Nguyen": an initial and a surname. */
static gboolean
match_initial (CsCheckContext *ctx,
               guint           i,
               NameMatch      *m)
{
  const CsToken *t = cs_token_at (ctx, i);
  const CsToken *next = cs_token_at (ctx, i + 1);
  GPtrArray *candidates;

  if (t->end - t->start != 1 || !(t->flags & CS_TOKEN_CAPITALISED) || next == NULL ||
      !(next->flags & CS_TOKEN_CAPITALISED))
    return FALSE;

  for (guint p = t->end; p < next->start; p++)
    if (ctx->text[p] != ' ' && ctx->text[p] != '.')
      return FALSE;

  candidates = cs_name_index_by_surname (ctx->names, next->folded);
  for (guint c = 0; candidates != NULL && c < candidates->len; c++)
    {
      CsNameEntry *entry = g_ptr_array_index (candidates, c);
      guint last;

      if (entry->person->role != CS_ROLE_PUPIL)
        continue;
      if (entry->forename[0][0] != t->folded[0] && (entry->preferred == NULL || entry->preferred[0][0] != t->folded[0]))
        continue;
      if (!match_words (ctx, i + 1, entry->surname, &last))
        continue;

      set_match (ctx, m, i, last, entry, kind_for (ctx, entry, TRUE));
      return TRUE;
    }

  return FALSE;
}

/* A first name on its own; decides whether it is used as a name. */
static gboolean
match_single (CsCheckContext *ctx,
              guint           i,
              GPtrArray      *candidates,
              NameMatch      *m,
              int            *score_out)
{
  const CsToken *t = cs_token_at (ctx, i);
  const CsToken *next = cs_token_at (ctx, i + 1);
  CsNameEntry *chosen = NULL;
  MatchKind kind = MATCH_NONE;
  guint n_pupils = 0;
  guint last = i;

  for (guint c = 0; c < candidates->len; c++)
    {
      CsNameEntry *entry = g_ptr_array_index (candidates, c);
      GStrv firsts[] = { entry->forename, entry->preferred };

      for (guint f = 0; f < G_N_ELEMENTS (firsts); f++)
        {
          guint l;
          MatchKind k;

          if (firsts[f] == NULL || !match_words (ctx, i, firsts[f], &l))
            continue;

          k = kind_for (ctx, entry, FALSE);
          if (entry->person->role == CS_ROLE_PUPIL)
            n_pupils++;
          /* Pupils first, then staff without consent, then the rest. */
          if (chosen == NULL || (k == MATCH_PUPIL && kind != MATCH_PUPIL) ||
              (k == MATCH_STAFF && kind == MATCH_ALLOWED))
            {
              chosen = entry;
              kind = k;
              last = l;
            }
          break;
        }
    }

  if (chosen == NULL)
    return FALSE;

  next = cs_token_at (ctx, last + 1);
  if (i >= 2 && g_strcmp0 (cs_folded_at (ctx, i - 1), "of") == 0 && cs_word_in (CS_WORDS_STORY, cs_folded_at (ctx, i - 2)))
    {
      m->first = i;
      m->last = last;
      m->kind = MATCH_NONE;
      return TRUE;
    }

  m->first = i;
  m->last = last;
  m->start = t->start;
  m->end = cs_token_at (ctx, last)->end;
  m->entry = chosen;
  m->kind = kind;
  m->n_people = MAX (n_pupils, 1);
  *score_out = CS_NAME_ENOUGH;

  /* "Art Club", "Brook Lane", "Oliver Twist": the next capitalised word makes
   * it something else, unless it is a class. */
  if (next != NULL && cs_token_gap_is_space (ctx, last) && !(t->flags & (CS_TOKEN_HEADING | CS_TOKEN_ALL_CAPS)) &&
      (next->flags & CS_TOKEN_CAPITALISED) && !(next->flags & CS_TOKEN_HASHTAG) &&
      !cs_word_in (CS_WORDS_CLASS, next->folded) && !cs_word_in (CS_WORDS_TITLES, next->folded) &&
      !g_str_equal (next->folded, "and") && !g_str_equal (next->folded, "i"))
    {
      m->kind = MATCH_NONE;
      return TRUE;
    }

  if (next != NULL && cs_token_gap_is_space (ctx, last) && cs_word_in (CS_WORDS_THINGS, next->folded) &&
      !(t->flags & CS_TOKEN_POSSESSIVE))
    {
      m->kind = MATCH_NONE;
      return TRUE;
    }

  if (cs_name_index_is_ordinary (ctx->names, t->folded))
    {
      *score_out = cs_name_evidence (ctx, i);
      /* In lower case an ordinary word is just that ("from dawn till dusk"),
       * unless the words around it leave no doubt: "happy birthday to hazel
       * in year 1" is typed by someone who skips capitals altogether. */
      if (!(t->flags & CS_TOKEN_CAPITALISED))
        {
          if (!cs_lower_case_sentence (ctx, i))
            {
              m->kind = MATCH_NONE;
              return TRUE;
            }
          /* Short of that, it waits for the same name elsewhere in the post. */
          if (*score_out < 2 * CS_NAME_ENOUGH)
            *score_out = MIN (*score_out, CS_NAME_ENOUGH - 1);
        }
    }

  return TRUE;
}

/* Lower-case and run-together hashtags: #welldonefreya. */
static void
match_in_hashtag (CsCheckContext *ctx,
                  guint           i,
                  GArray         *matches)
{
  const CsToken *t = cs_token_at (ctx, i);
  GPtrArray *plain = cs_name_index_get_plain_names (ctx->names);

  for (guint n = 0; n < plain->len; n++)
    {
      const char *name = g_ptr_array_index (plain, n);
      gsize len = strlen (name);
      const char *hit;

      if (len < 4 || len >= strlen (t->folded))
        continue;

      hit = strstr (t->folded, name);
      /* Folding can change lengths; only plain ASCII tags map back simply. */
      if (hit != NULL && t->end - t->start == strlen (t->folded))
        {
          GPtrArray *candidates = cs_name_index_by_first (ctx->names, name);
          NameMatch m = { 0 };

          for (guint c = 0; candidates != NULL && c < candidates->len; c++)
            {
              CsNameEntry *entry = g_ptr_array_index (candidates, c);
              MatchKind k = kind_for (ctx, entry, FALSE);

              if (m.entry == NULL || k == MATCH_PUPIL)
                {
                  m.entry = entry;
                  m.kind = k;
                }
            }

          m.first = m.last = i;
          m.start = t->start + (hit - t->folded);
          m.end = m.start + len;
          m.n_people = candidates != NULL ? candidates->len : 1;
          g_array_append_val (matches, m);
          return;
        }
    }
}

typedef struct
{
  NameMatch match;
  int       score;
} Pending;

static gboolean
is_name_token (GArray *matches,
               guint   token)
{
  for (guint k = 0; k < matches->len; k++)
    {
      NameMatch *m = &g_array_index (matches, NameMatch, k);

      if (m->kind != MATCH_NONE && token >= m->first && token <= m->last)
        return TRUE;
    }

  return FALSE;
}

/* "Freya and Willow", "Halima, Joel and Filip": a word beside a name in a
 * list of names is one too. */
static gboolean
coordinated (CsCheckContext *ctx,
             GArray         *matches,
             const NameMatch *m)
{
  const char *before = cs_folded_at (ctx, (gint) m->first - 1);
  const char *after = cs_folded_at (ctx, m->last + 1);

  if (m->first >= 2 && (g_strcmp0 (before, "and") == 0 || g_strcmp0 (before, "or") == 0) &&
      cs_token_gap_is_space (ctx, m->first - 2) && is_name_token (matches, m->first - 2))
    return TRUE;

  if ((g_strcmp0 (after, "and") == 0 || g_strcmp0 (after, "or") == 0) &&
      cs_token_gap_is_space (ctx, m->last) && is_name_token (matches, m->last + 2))
    return TRUE;

  if (m->first >= 1 && cs_token_gap_has (ctx, m->first - 1, ",&") && !cs_token_gap_has (ctx, m->first - 1, ".!?\n") &&
      is_name_token (matches, m->first - 1))
    return TRUE;

  if (cs_token_gap_has (ctx, m->last, ",&") && !cs_token_gap_has (ctx, m->last, ".!?\n") &&
      is_name_token (matches, m->last + 1))
    return TRUE;

  return FALSE;
}

void
cs_check_names (CsCheckContext *ctx)
{
  g_autoptr(GArray) matches = g_array_new (FALSE, TRUE, sizeof (NameMatch));
  g_autoptr(GArray) pending = g_array_new (FALSE, TRUE, sizeof (Pending));
  gboolean changed = TRUE;

  if (ctx->names == NULL)
    return;

  for (guint i = 0; i < ctx->tokens->len; i++)
    {
      const CsToken *t = cs_token_at (ctx, i);
      GPtrArray *candidates;
      NameMatch m = { 0 };
      int score = 0;

      if (t->flags & (CS_TOKEN_MASKED | CS_TOKEN_NUMBER))
        continue;

      if (cs_word_in (CS_WORDS_OTHER_TITLES, t->folded) && !(t->flags & CS_TOKEN_ALL_CAPS) && (t->flags & CS_TOKEN_CAPITALISED) &&
          i + 1 < ctx->tokens->len && (cs_token_at (ctx, i + 1)->flags & CS_TOKEN_CAPITALISED) &&
          cs_token_gap_has (ctx, i, " ") && !cs_token_gap_has (ctx, i, ",;:!?\n"))
        {
          i++;
          continue;
        }

      if (match_title (ctx, i, &m) || match_initial (ctx, i, &m))
        {
          g_array_append_val (matches, m);
          i = m.last;
          continue;
        }

      candidates = cs_name_index_by_first (ctx->names, t->folded);
      if (candidates == NULL)
        {
          if (t->flags & CS_TOKEN_HASHTAG_WHOLE)
            match_in_hashtag (ctx, i, matches);
          continue;
        }

      if (match_full (ctx, i, candidates, &m))
        {
          g_array_append_val (matches, m);
          i = m.last;
          continue;
        }

      if (!match_single (ctx, i, candidates, &m, &score))
        continue;

      if (score >= CS_NAME_ENOUGH || m.kind == MATCH_NONE)
        g_array_append_val (matches, m);
      else
        {
          Pending p = { m, score };
          g_array_append_val (pending, p);
        }
      i = m.last;
    }

  /* Names in a list with other names, until nothing more is found. */
  while (changed)
    {
      changed = FALSE;
      for (guint k = 0; k < pending->len; k++)
        {
          Pending *p = &g_array_index (pending, Pending, k);

          if (coordinated (ctx, matches, &p->match))
            {
              g_array_append_val (matches, p->match);
              g_array_remove_index (pending, k);
              changed = TRUE;
              break;
            }
        }
    }

  /* "Rowan and Violet shared first place": two first names in a list, both
   * with capitals where no sentence starts, name each other. */
  for (guint k = 0; k + 1 < pending->len; k++)
    {
      Pending *a = &g_array_index (pending, Pending, k);
      Pending *b = &g_array_index (pending, Pending, k + 1);
      const CsToken *tb = cs_token_at (ctx, b->match.first);

      if (b->match.first == a->match.last + 2 && g_strcmp0 (cs_folded_at (ctx, a->match.last + 1), "and") == 0 &&
          cs_token_gap_is_space (ctx, a->match.last) && cs_token_gap_is_space (ctx, a->match.last + 1) &&
          (cs_token_at (ctx, a->match.first)->flags & CS_TOKEN_CAPITALISED) && cs_capital_means_name (tb) &&
          !cs_word_in (CS_WORDS_DETERMINERS, cs_folded_at (ctx, (gint) a->match.first - 1)))
        {
          g_array_append_val (matches, a->match);
          g_array_append_val (matches, b->match);
          g_array_remove_range (pending, k, 2);
          k--;
        }
    }

  /* Once a word is clearly a child's name in this post, the same word with a
   * capital is that child again: "… with Pearl in Year 4. Pearl will be back". */
  for (guint k = 0; k < pending->len; k++)
    {
      Pending *p = &g_array_index (pending, Pending, k);
      const char *word = cs_token_at (ctx, p->match.first)->folded;

      const CsToken *prev = p->match.first > 0 ? cs_token_at (ctx, p->match.first - 1) : NULL;

      if (!(cs_token_at (ctx, p->match.first)->flags & CS_TOKEN_CAPITALISED) && !cs_lower_case_sentence (ctx, p->match.first))
        continue;
      /* "Hope you all…", "Mark your calendars", "May we…": a verb, not her. */
      if (cs_token_gap_is_space (ctx, p->match.last) && cs_word_in (CS_WORDS_PRONOUNS, cs_folded_at (ctx, p->match.last + 1)))
        continue;
      /* "for April in Cornwall", "until Christmas Eve": a date, not her. */
      if (prev != NULL && !cs_token_gap_has (ctx, p->match.first - 1, ".!?:\n") &&
          (cs_token_at (ctx, p->match.first)->flags & CS_TOKEN_CAPITALISED) &&
          (cs_word_in (CS_WORDS_DETERMINERS, prev->folded) ||
           ((prev->flags & CS_TOKEN_CAPITALISED) && !(prev->flags & CS_TOKEN_SENTENCE_START) &&
            cs_token_gap_is_space (ctx, p->match.first - 1))))
        continue;

      for (guint j = 0; j < matches->len; j++)
        {
          NameMatch *m = &g_array_index (matches, NameMatch, j);

          if (m->kind != MATCH_NONE && m->first == m->last && g_str_equal (cs_token_at (ctx, m->first)->folded, word))
            {
              g_array_append_val (matches, p->match);
              break;
            }
        }
    }

  for (guint k = 0; k < matches->len; k++)
    add_match (ctx, &g_array_index (matches, NameMatch, k));
}
