/* cs-check-phrases.c: rules read from the policy's phrases and patterns
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "cs-check-context-private.h"

typedef enum
{
  LIST_PATTERNS,
  LIST_PHRASES,
  LIST_ANCHORS,
  LIST_MARKERS,
  LIST_GATED,
  LIST_GENERAL,
} ListKind;

/* Compiled expressions live as long as the policy generation they came from. */
static GRegex *
regex_for (GHashTable         *cache,
           const CsPolicyRule *rule,
           ListKind            kind)
{
  GStrv lists[] = { rule->patterns, NULL, rule->anchors, rule->markers, rule->gated, rule->general };
  g_autofree char *key = g_strdup_printf ("%s/%d", rule->id, kind);
  GRegex *regex;

  if (g_hash_table_lookup_extended (cache, key, NULL, (gpointer *) &regex))
    return regex;

  if (kind == LIST_PHRASES)
    regex = cs_compile_patterns (NULL, (const char * const *) rule->phrases);
  else
    regex = cs_compile_patterns ((const char * const *) lists[kind], NULL);

  g_hash_table_insert (cache, g_steal_pointer (&key), regex);

  return regex;
}

static GArray *
find_all (CsCheckContext *ctx,
          GRegex         *regex,
          guint           from,
          guint           to)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (CsSpan));
  g_autoptr(GMatchInfo) info = NULL;

  if (regex == NULL)
    return spans;

  g_regex_match_full (regex, ctx->text, to, from, 0, &info, NULL);
  for (; g_match_info_matches (info); g_match_info_next (info, NULL))
    {
      CsSpan span;
      int s, e;

      g_match_info_fetch_pos (info, 0, &s, &e);
      span.start = s;
      span.end = e;
      if (e > s && !cs_check_context_masked (ctx, s, NULL))
        g_array_append_val (spans, span);
    }

  return spans;
}

static gboolean
any_in (CsCheckContext *ctx,
        GRegex         *regex,
        guint           from,
        guint           to)
{
  g_autoptr(GArray) spans = find_all (ctx, regex, from, to);

  return spans->len > 0;
}

/* Adds @spans as findings of @rule. Spans in one sentence become one finding
 * when @join_sentence is set ("in hospital … with his asthma" is one
 * disclosure), or only when nothing but spaces parts them otherwise. */
static void
add_spans (CsCheckContext *ctx,
           const char     *rule,
           GArray         *spans,
           gboolean        join_sentence)
{
  CsRawFinding *last = NULL;
  guint last_sentence = G_MAXUINT;

  for (guint i = 0; i < spans->len; i++)
    {
      CsSpan *span = &g_array_index (spans, CsSpan, i);
      guint s_start, s_end;
      gboolean join = FALSE;

      cs_sentence_bounds (ctx, span->start, &s_start, &s_end);

      if (last != NULL && span->start <= last->end)
        join = TRUE;
      else if (last != NULL && join_sentence && s_start == last_sentence)
        join = TRUE;
      else if (last != NULL && !join_sentence)
        {
          join = TRUE;
          for (guint p = last->end; p < span->start; p++)
            if (ctx->text[p] != ' ')
              join = FALSE;
        }

      if (join)
        last->end = MAX (last->end, span->end);
      else
        last = cs_check_context_add (ctx, rule, span->start, span->end, NULL);

      last_sentence = s_start;
    }
}

static int
span_compare (gconstpointer a,
              gconstpointer b)
{
  const CsSpan *sa = a, *sb = b;

  return (sa->start > sb->start) - (sa->start < sb->start);
}

/* A sensitive word is a breach when the sentence is about someone in
 * particular: a name, "he", "their", "the two Year 5 boys". "Our SEND team
 * has set up a sensory corner" is about nobody. */
static void
check_sensitive (CsCheckContext *ctx,
                 GHashTable     *cache,
                 const CsPolicyRule *rule)
{
  g_autoptr(GArray) spans = find_all (ctx, regex_for (cache, rule, LIST_PATTERNS), 0, ctx->len);
  g_autoptr(GArray) kept = g_array_new (FALSE, FALSE, sizeof (CsSpan));
  GRegex *anchors = regex_for (cache, rule, LIST_ANCHORS);
  GRegex *general = regex_for (cache, rule, LIST_GENERAL);

  for (guint i = 0; i < spans->len; i++)
    {
      CsSpan *span = &g_array_index (spans, CsSpan, i);
      guint s, e;

      cs_sentence_bounds (ctx, span->start, &s, &e);
      /* A pupil's name always makes it personal; otherwise a pronoun does,
       * unless the sentence speaks of anyone ("if your child might be a young
       * carer") or of a member of staff, which is the confidential rule's. */
      if (cs_check_context_has (ctx, CS_RULE_PUPIL_NAME, NULL, s, e, CS_SPAN_WITHIN) ||
          anchors == NULL ||
          (any_in (ctx, anchors, s, e) && (general == NULL || !any_in (ctx, general, s, e))))
        g_array_append_val (kept, *span);
    }

  add_spans (ctx, rule->id, kept, TRUE);
}

/* Some secrets are plain ("a £38,000 deficit"); others only show as secrets
 * beside a marker ("we haven't told the children yet"). The finding points at
 * the secret itself, and at the marker only when the secret is not found. */
static void
check_confidential (CsCheckContext *ctx,
                    GHashTable     *cache,
                    const CsPolicyRule *rule)
{
  g_autoptr(GArray) plain = find_all (ctx, regex_for (cache, rule, LIST_PATTERNS), 0, ctx->len);
  g_autoptr(GArray) markers = find_all (ctx, regex_for (cache, rule, LIST_MARKERS), 0, ctx->len);
  g_autoptr(GArray) gated = NULL;

  if (markers->len > 0)
    {
      gated = find_all (ctx, regex_for (cache, rule, LIST_GATED), 0, ctx->len);
      g_array_append_vals (plain, gated->data, gated->len);
      g_array_sort (plain, span_compare);
    }

  if (plain->len > 0)
    add_spans (ctx, rule->id, plain, TRUE);
  else if (markers->len > 0)
    add_spans (ctx, rule->id, markers, TRUE);
}

/* Compiles every list of every rule into @cache, so that checks on worker
 * threads only ever read it. */
void
cs_check_phrases_prepare (CsPolicy   *policy,
                          GHashTable *cache)
{
  const char * const *ids = cs_policy_get_rule_ids (policy);

  for (guint i = 0; ids[i] != NULL; i++)
    for (ListKind kind = LIST_PATTERNS; kind <= LIST_GENERAL; kind++)
      regex_for (cache, cs_policy_get_rule (policy, ids[i]), kind);
}

void
cs_check_phrases (CsCheckContext *ctx,
                  GHashTable     *cache)
{
  const char * const *ids = cs_policy_get_rule_ids (ctx->policy);

  for (guint i = 0; ids[i] != NULL; i++)
    {
      const CsPolicyRule *rule = cs_policy_get_rule (ctx->policy, ids[i]);
      g_autoptr(GArray) extra = NULL;

      if (rule->severity == CS_SEVERITY_OFF)
        continue;

      if (g_str_equal (rule->id, CS_RULE_SENSITIVE_TOPIC))
        check_sensitive (ctx, cache, rule);
      else if (g_str_equal (rule->id, CS_RULE_CONFIDENTIAL))
        check_confidential (ctx, cache, rule);
      else if (rule->patterns[0] != NULL)
        {
          g_autoptr(GArray) spans = find_all (ctx, regex_for (cache, rule, LIST_PATTERNS), 0, ctx->len);

          add_spans (ctx, rule->id, spans, !g_str_equal (rule->id, CS_RULE_OFFENSIVE_LANGUAGE));
        }

      /* A school's own phrases count wherever they appear. */
      extra = find_all (ctx, regex_for (cache, rule, LIST_PHRASES), 0, ctx->len);
      if (extra->len > 0)
        {
          g_array_sort (extra, span_compare);
          add_spans (ctx, rule->id, extra, FALSE);
        }
    }
}
