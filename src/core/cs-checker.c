/* cs-checker.c: applies a school's policy to the text of a post
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "cs-check-context-private.h"
#include "cs-checker.h"
#include "cs-unicode-private.h"

/* What a check reads besides the text, rebuilt only when the roster or the
 * policy changes. It is immutable and refcounted, so worker threads can go
 * on checking with it while the main thread swaps in a new one. */
typedef struct
{
  gatomicrefcount  ref_count;
  guint            roster_generation;
  guint            policy_generation;
  CsNameIndex     *names;
  GHashTable      *regexes;
} Snapshot;

struct _CsChecker
{
  GObject     parent_instance;

  CsPolicy   *policy;
  CsRoster   *roster;
  CsSpelling *spelling;

  GMutex      lock;
  Snapshot   *snapshot;
};

G_DEFINE_FINAL_TYPE (CsChecker, cs_checker, G_TYPE_OBJECT)

static Snapshot *
snapshot_ref (Snapshot *snapshot)
{
  g_atomic_ref_count_inc (&snapshot->ref_count);
  return snapshot;
}

static void
snapshot_unref (Snapshot *snapshot)
{
  if (!g_atomic_ref_count_dec (&snapshot->ref_count))
    return;

  g_clear_pointer (&snapshot->names, cs_name_index_unref);
  g_clear_pointer (&snapshot->regexes, g_hash_table_unref);
  g_free (snapshot);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, snapshot_unref)

/* A rule may have no expressions of a kind: the table then holds NULL. */
static void
regex_unref0 (gpointer regex)
{
  if (regex != NULL)
    g_regex_unref (regex);
}

static void
cs_checker_finalize (GObject *object)
{
  CsChecker *self = CS_CHECKER (object);

  g_clear_pointer (&self->snapshot, snapshot_unref);
  g_clear_object (&self->policy);
  g_clear_object (&self->roster);
  g_clear_object (&self->spelling);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (cs_checker_parent_class)->finalize (object);
}

static void
cs_checker_class_init (CsCheckerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cs_checker_finalize;
}

static void
cs_checker_init (CsChecker *self)
{
  g_mutex_init (&self->lock);
}

CsChecker *
cs_checker_new (CsPolicy   *policy,
                CsRoster   *roster,
                CsSpelling *spelling)
{
  CsChecker *self;

  g_return_val_if_fail (CS_IS_POLICY (policy), NULL);
  g_return_val_if_fail (roster == NULL || CS_IS_ROSTER (roster), NULL);
  g_return_val_if_fail (spelling == NULL || CS_IS_SPELLING (spelling), NULL);

  self = g_object_new (CS_TYPE_CHECKER, NULL);
  self->policy = g_object_ref (policy);
  self->roster = roster != NULL ? g_object_ref (roster) : cs_roster_new ();
  self->spelling = spelling != NULL ? g_object_ref (spelling) : NULL;

  return self;
}

CsPolicy *
cs_checker_get_policy (CsChecker *self)
{
  g_return_val_if_fail (CS_IS_CHECKER (self), NULL);
  return self->policy;
}

CsRoster *
cs_checker_get_roster (CsChecker *self)
{
  g_return_val_if_fail (CS_IS_CHECKER (self), NULL);
  return self->roster;
}

CsSpelling *
cs_checker_get_spelling (CsChecker *self)
{
  g_return_val_if_fail (CS_IS_CHECKER (self), NULL);
  return self->spelling;
}

static void
add_session_word (const char *word,
                  gsize       len,
                  gpointer    data)
{
  g_autofree char *copy = g_strndup (word, len);

  cs_spelling_add_word (data, copy);
}

static Snapshot *
get_snapshot (CsChecker *self)
{
  guint roster_generation = cs_roster_get_generation (self->roster);
  guint policy_generation = cs_policy_get_generation (self->policy);
  Snapshot *snapshot;

  g_mutex_lock (&self->lock);

  if (self->snapshot == NULL ||
      self->snapshot->roster_generation != roster_generation ||
      self->snapshot->policy_generation != policy_generation)
    {
      g_autoptr(GPtrArray) people = cs_roster_dup_people (self->roster);
      const char * const *words = cs_policy_get_school_words (self->policy);
      Snapshot *fresh = g_new0 (Snapshot, 1);

      g_atomic_ref_count_init (&fresh->ref_count);
      fresh->roster_generation = roster_generation;
      fresh->policy_generation = policy_generation;
      fresh->names = cs_name_index_new (people, self->spelling, NULL);
      fresh->regexes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              regex_unref0);

      /* Names and the school's own words are spelled right, though still names. */
      if (self->spelling != NULL)
        {
          for (guint i = 0; i < people->len; i++)
            {
              CsPerson *person = g_ptr_array_index (people, i);

              cs_foreach_word (person->forename, add_session_word, self->spelling);
              cs_foreach_word (person->surname, add_session_word, self->spelling);
              if (person->preferred_name != NULL)
                cs_foreach_word (person->preferred_name, add_session_word, self->spelling);
            }
          cs_foreach_word (cs_policy_get_school_name (self->policy), add_session_word, self->spelling);
          for (guint i = 0; words != NULL && words[i] != NULL; i++)
            cs_foreach_word (words[i], add_session_word, self->spelling);
        }

      /* Compile every expression now, so checks only ever read the table. */
      cs_check_phrases_prepare (self->policy, fresh->regexes);

      g_clear_pointer (&self->snapshot, snapshot_unref);
      self->snapshot = fresh;
    }

  snapshot = snapshot_ref (self->snapshot);
  g_mutex_unlock (&self->lock);

  return snapshot;
}

char *
cs_format_rule_message (const char *template,
                const char *text,
                const char *detail)
{
  GString *out = g_string_new (NULL);

  /* The built-in policy's messages are in the catalogue (see
   * data/policies/default-policy-strings.h); a school's own policy's are
   * not, and come back as written. An empty msgid would return the
   * catalogue's header. */
  if (*template != '\0')
    template = g_dgettext (GETTEXT_PACKAGE, template);

  for (const char *p = template; *p; p++)
    {
      if (g_str_has_prefix (p, "{text}"))
        {
          g_string_append (out, text);
          p += strlen ("{text}") - 1;
        }
      else if (g_str_has_prefix (p, "{detail}"))
        {
          g_string_append (out, detail != NULL ? detail : "");
          p += strlen ("{detail}") - 1;
        }
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

typedef struct
{
  guint  byte;
  guint *out;
} Offset;

static int
offset_compare (gconstpointer a,
                gconstpointer b)
{
  const Offset *oa = a, *ob = b;

  return (oa->byte > ob->byte) - (oa->byte < ob->byte);
}

/* Turns the raw byte-offset findings into CsFindings in code points, with
 * one walk over the text for all offsets. */
static GPtrArray *
finish (CsChecker      *self,
        CsCheckContext *ctx,
        guint           base_chars)
{
  GPtrArray *findings = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_finding_free);
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (Offset));
  const char *p = ctx->text;
  guint chars = 0;

  for (guint i = 0; i < ctx->raw->len; i++)
    {
      CsRawFinding *raw = g_ptr_array_index (ctx->raw, i);
      const CsPolicyRule *rule = cs_policy_get_rule (self->policy, raw->rule);
      g_autofree char *text = g_strndup (ctx->text + raw->start, raw->end - raw->start);
      CsFinding *finding;
      Offset o;

      if (rule == NULL || rule->severity == CS_SEVERITY_OFF)
        continue;

      finding = cs_finding_new (raw->rule, rule->severity, 0, 0, text);
      finding->message = cs_format_rule_message (rule->message, text, raw->detail);
      finding->clause = g_strdup (rule->clause);
      finding->suggestions = g_steal_pointer (&raw->suggestions);
      if (finding->suggestions == NULL && !g_str_equal (raw->rule, CS_RULE_SPELLING))
        finding->suggestions = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (findings, finding);

      o.byte = raw->start;
      o.out = &finding->start;
      g_array_append_val (offsets, o);
      o.byte = raw->end;
      o.out = &finding->end;
      g_array_append_val (offsets, o);
    }

  g_array_sort (offsets, offset_compare);
  for (guint i = 0; i < offsets->len; i++)
    {
      Offset *o = &g_array_index (offsets, Offset, i);
      const char *target = ctx->text + o->byte;

      while (p < target)
        {
          p = g_utf8_next_char (p);
          chars++;
        }
      *o->out = base_chars + chars;
    }

  g_ptr_array_sort (findings, cs_finding_compare);

  return findings;
}
static void
run_rules (CsChecker      *self,
           Snapshot       *snapshot,
           CsCheckContext *ctx)
{
  ctx->policy = self->policy;
  ctx->names = snapshot->names;
  ctx->spelling = self->spelling;

  cs_check_masks (ctx);
  cs_check_tokenize (ctx);
  cs_check_names (ctx);
  cs_check_personal_data (ctx);
  cs_check_links (ctx);
  cs_check_phrases (ctx, snapshot->regexes);
  cs_check_spelling (ctx);
}

GPtrArray *
cs_checker_check_range (CsChecker  *self,
                        const char *text,
                        gssize      len,
                        gsize       start,
                        gsize       end)
{
  g_autoptr(Snapshot) snapshot = NULL;
  CsCheckContext ctx;
  GPtrArray *findings;
  guint base_chars;

  g_return_val_if_fail (CS_IS_CHECKER (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (len < 0)
    len = strlen (text);
  end = MIN (end, (gsize) len);
  start = MIN (start, end);

  snapshot = get_snapshot (self);
  base_chars = cs_utf8_count_chars (text, start);

  cs_check_context_init (&ctx, text + start, end - start);
  run_rules (self, snapshot, &ctx);
  findings = finish (self, &ctx, base_chars);
  cs_check_context_clear (&ctx);

  return findings;
}

/* The code point where @text first goes over @limit, by bisection on
 * prefixes: exact for every counting scheme, and only run when over. */
static guint
overflow_point (CsPlatform  platform,
                const char *text,
                gsize       len,
                guint       limit)
{
  glong n = g_utf8_strlen (text, len);
  glong lo = 0, hi = n;

  while (lo < hi)
    {
      glong mid = (lo + hi) / 2;
      const char *cut = g_utf8_offset_to_pointer (text, mid + 1);

      if (cs_platform_count (platform, text, cut - text) > limit)
        hi = mid;
      else
        lo = mid + 1;
    }

  return lo;
}

CsFinding *
cs_checker_check_length (CsChecker  *self,
                         const char *text,
                         gssize      len,
                         CsPlatform  platform)
{
  const CsPolicyRule *rule;
  g_autofree char *detail = NULL;
  g_autofree char *snippet = NULL;
  CsFinding *finding;
  guint used, limit, start;

  g_return_val_if_fail (CS_IS_CHECKER (self), NULL);

  rule = cs_policy_get_rule (self->policy, CS_RULE_LENGTH);
  if (rule == NULL || rule->severity == CS_SEVERITY_OFF)
    return NULL;

  if (len < 0)
    len = strlen (text);

  used = cs_platform_count (platform, text, len);
  limit = cs_platform_get_limit (platform);
  if (used <= limit)
    return NULL;

  start = overflow_point (platform, text, len, limit);
  snippet = g_utf8_substring (text, start, g_utf8_strlen (text, len));
  /* Translators: the {detail} of the length message. The platform's name
   * is given twice, for languages that need it in each place. */
  detail = g_strdup_printf (_("This post is %1$u characters long as %2$s counts them, and %3$s allows %4$u: "
                              "%5$u too many."),
                            used, cs_platform_get_display_name (platform),
                            cs_platform_get_display_name (platform), limit, used - limit);

  finding = cs_finding_new (CS_RULE_LENGTH, rule->severity, start, g_utf8_strlen (text, len), snippet);
  finding->message = cs_format_rule_message (rule->message, snippet, detail);
  finding->clause = g_strdup (rule->clause);
  finding->detail = g_strdup (cs_platform_to_string (platform));
  finding->suggestions = g_ptr_array_new_with_free_func (g_free);

  return finding;
}

GPtrArray *
cs_checker_check (CsChecker  *self,
                  const char *text,
                  gssize      len,
                  CsPlatform  platform)
{
  GPtrArray *findings;
  CsFinding *length;

  g_return_val_if_fail (CS_IS_CHECKER (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (len < 0)
    len = strlen (text);

  findings = cs_checker_check_range (self, text, len, 0, len);

  length = cs_checker_check_length (self, text, len, platform);
  if (length != NULL)
    {
      g_ptr_array_add (findings, length);
      g_ptr_array_sort (findings, cs_finding_compare);
    }

  return findings;
}

void
cs_checker_fill_suggestions (CsChecker *self,
                             CsFinding *finding)
{
  g_auto(GStrv) words = NULL;

  g_return_if_fail (CS_IS_CHECKER (self));

  if (finding->suggestions != NULL)
    return;

  finding->suggestions = g_ptr_array_new_with_free_func (g_free);
  if (self->spelling == NULL || !g_str_equal (finding->rule, CS_RULE_SPELLING))
    return;

  words = cs_spelling_suggest (self->spelling, finding->text);
  for (guint i = 0; words[i] != NULL; i++)
    g_ptr_array_add (finding->suggestions, g_strdup (words[i]));
}
