/* cs-name-index.c: the roster's names, indexed for matching in text
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-check-context-private.h"
#include "cs-name-index-private.h"

struct _CsNameIndex
{
  gatomicrefcount  ref_count;
  GPtrArray       *entries;     /* CsNameEntry */
  GHashTable      *by_first;    /* folded word → GPtrArray of CsNameEntry */
  GHashTable      *by_surname;  /* folded word → GPtrArray of CsNameEntry */
  GHashTable      *ordinary;    /* folded first names that are also words */
  GPtrArray       *plain;       /* folded first names that are not */
  GHashTable      *classified;  /* folded first names already sorted */
};

/* Used when no dictionary is at hand: first names that are everyday words. */
static const char * const fallback_ordinary[] = {
  "art", "autumn", "bay", "bill", "blossom", "brook", "candy", "carol", "cherry", "crystal", "daisy",
  "dawn", "dean", "destiny", "drew", "ebony", "faith", "frank", "gene", "ginger", "grace", "harry",
  "hazel", "heather", "holly", "honey", "hope", "iris", "ivy", "jack", "jade", "jasmine", "joy",
  "june", "lily", "mark", "max", "may", "melody", "mike", "miles", "neil", "pat", "patience", "pearl",
  "penny", "poppy", "river", "robin", "rose", "rowan", "ruby", "rusty", "sage", "sky", "skye", "sonny",
  "star", "stone", "summer", "sunny", "taylor", "teddy", "victor", "violet", "will", "willow", "winter",
  NULL
};

static const char * const calendar_words[] = {
  "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
  "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
  "easter", "christmas", "noel", "eve", "spring", "summer", "autumn", "winter",
  NULL
};

static void
entry_free (CsNameEntry *entry)
{
  g_clear_pointer (&entry->person, cs_person_unref);
  g_strfreev (entry->forename);
  g_strfreev (entry->preferred);
  g_strfreev (entry->surname);
  g_free (entry);
}

static void
collect_word (const char *word,
              gsize       len,
              gpointer    data)
{
  g_autofree char *folded = cs_fold_word (word, len);

  g_strv_builder_add (data, folded);
}

static GStrv
fold_words (const char *name)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GStrv words;

  if (name == NULL || *name == '\0')
    return NULL;

  cs_foreach_word (name, collect_word, builder);
  words = g_strv_builder_end (builder);
  if (words[0] == NULL)
    g_clear_pointer (&words, g_strfreev);

  return words;
}

static void
index_add (GHashTable  *table,
           const char  *word,
           CsNameEntry *entry)
{
  GPtrArray *list = g_hash_table_lookup (table, word);

  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (table, g_strdup (word), list);
    }

  if (list->len == 0 || g_ptr_array_index (list, list->len - 1) != entry)
    g_ptr_array_add (list, entry);
}

static void
classify_first (CsNameIndex        *self,
                const char         *folded,
                const char         *original,
                CsSpelling         *spelling,
                GHashTable         *extra)
{
  gboolean ordinary;

  if (!g_hash_table_add (self->classified, g_strdup (folded)))
    return;

  if (g_hash_table_contains (extra, folded))
    ordinary = TRUE;
  else if (spelling != NULL)
    ordinary = cs_spelling_is_common_word (spelling, original);
  else
    ordinary = g_strv_contains (fallback_ordinary, folded);

  if (ordinary)
    g_hash_table_add (self->ordinary, g_strdup (folded));
  else
    g_ptr_array_add (self->plain, g_strdup (folded));
}

CsNameIndex *
cs_name_index_new (GPtrArray          *people,
                   CsSpelling         *spelling,
                   const char * const *ordinary_names)
{
  CsNameIndex *self = g_new0 (CsNameIndex, 1);
  g_autoptr(GHashTable) extra = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_atomic_ref_count_init (&self->ref_count);
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->by_first = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->by_surname = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->ordinary = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->plain = g_ptr_array_new_with_free_func (g_free);
  self->classified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; ordinary_names != NULL && ordinary_names[i] != NULL; i++)
    g_hash_table_add (extra, cs_fold_word (ordinary_names[i], -1));
  /* Months and days are written with capitals, so the dictionary does not
   * know them in lower case; as names they are as ambiguous as Hope. */
  for (guint i = 0; calendar_words[i] != NULL; i++)
    g_hash_table_add (extra, g_strdup (calendar_words[i]));

  for (guint i = 0; people != NULL && i < people->len; i++)
    {
      CsPerson *person = g_ptr_array_index (people, i);
      CsNameEntry *entry = g_new0 (CsNameEntry, 1);

      entry->person = cs_person_ref (person);
      entry->forename = fold_words (person->forename);
      entry->preferred = fold_words (person->preferred_name);
      entry->surname = fold_words (person->surname);
      entry->may_be_named = cs_person_may_be_named (person, NULL);

      if (entry->forename == NULL || entry->surname == NULL)
        {
          entry_free (entry);
          continue;
        }

      g_ptr_array_add (self->entries, entry);
      index_add (self->by_first, entry->forename[0], entry);
      classify_first (self, entry->forename[0], person->forename, spelling, extra);
      if (entry->preferred != NULL)
        {
          index_add (self->by_first, entry->preferred[0], entry);
          classify_first (self, entry->preferred[0], person->preferred_name, spelling, extra);
        }
      index_add (self->by_surname, entry->surname[0], entry);
    }

  return self;
}

CsNameIndex *
cs_name_index_ref (CsNameIndex *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
cs_name_index_unref (CsNameIndex *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_hash_table_unref (self->by_first);
  g_hash_table_unref (self->by_surname);
  g_hash_table_unref (self->ordinary);
  g_ptr_array_unref (self->plain);
  g_hash_table_unref (self->classified);
  g_ptr_array_unref (self->entries);
  g_free (self);
}

GPtrArray *
cs_name_index_by_first (CsNameIndex *self,
                        const char  *word)
{
  return g_hash_table_lookup (self->by_first, word);
}

GPtrArray *
cs_name_index_by_surname (CsNameIndex *self,
                          const char  *word)
{
  return g_hash_table_lookup (self->by_surname, word);
}

gboolean
cs_name_index_is_ordinary (CsNameIndex *self,
                           const char  *word)
{
  return g_hash_table_contains (self->ordinary, word);
}

GPtrArray *
cs_name_index_get_plain_names (CsNameIndex *self)
{
  return self->plain;
}
