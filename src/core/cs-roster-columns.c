/* cs-roster-columns.c: matching a roster's header onto the columns Countersign reads
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cs-roster-columns"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cs-roster.h"
#include "cs-roster-columns.h"

/* Aliases that the office adds rank above every built-in name: the school
 * knows its own export better than we do. */
#define RANK_ALIAS (-1)

typedef struct
{
  const char     *header;
  CsRosterColumn  column;
  int             rank;
} BuiltinAlias;

/* Header names as the common UK MIS exports (SIMS, Arbor, Bromcom,
 * ScholarPack) and hand-made spreadsheets write them. They are folded before
 * use, so spacing, case and punctuation here are only for reading. A lower
 * rank is a more specific name and wins when a file has two columns that
 * mean the same thing: a pupil's registration group says more than their
 * year group, and the legal forename is what the rest of the school uses
 * when both it and a plain "Forename" are exported. */
static const BuiltinAlias builtin_aliases[] = {
  { "id", CS_ROSTER_COLUMN_ID, 0 },
  { "Person ID", CS_ROSTER_COLUMN_ID, 0 },
  { "Pupil ID", CS_ROSTER_COLUMN_ID, 0 },
  { "Student ID", CS_ROSTER_COLUMN_ID, 0 },
  { "Staff ID", CS_ROSTER_COLUMN_ID, 0 },
  { "UPN", CS_ROSTER_COLUMN_ID, 1 },
  { "Unique Pupil Number", CS_ROSTER_COLUMN_ID, 1 },
  { "Admission Number", CS_ROSTER_COLUMN_ID, 2 },
  { "Admission No", CS_ROSTER_COLUMN_ID, 2 },
  { "Adno", CS_ROSTER_COLUMN_ID, 2 },
  { "Adm No", CS_ROSTER_COLUMN_ID, 2 },

  { "forename", CS_ROSTER_COLUMN_FORENAME, 1 },
  { "Legal Forename", CS_ROSTER_COLUMN_FORENAME, 0 },
  { "Legal First Name", CS_ROSTER_COLUMN_FORENAME, 0 },
  { "First Name", CS_ROSTER_COLUMN_FORENAME, 1 },
  { "Given Name", CS_ROSTER_COLUMN_FORENAME, 1 },

  { "surname", CS_ROSTER_COLUMN_SURNAME, 1 },
  { "Legal Surname", CS_ROSTER_COLUMN_SURNAME, 0 },
  { "Legal Last Name", CS_ROSTER_COLUMN_SURNAME, 0 },
  { "Last Name", CS_ROSTER_COLUMN_SURNAME, 1 },
  { "Family Name", CS_ROSTER_COLUMN_SURNAME, 1 },

  { "preferred_name", CS_ROSTER_COLUMN_PREFERRED_NAME, 0 },
  { "Preferred Forename", CS_ROSTER_COLUMN_PREFERRED_NAME, 0 },
  { "Preferred First Name", CS_ROSTER_COLUMN_PREFERRED_NAME, 0 },
  { "Known As", CS_ROSTER_COLUMN_PREFERRED_NAME, 0 },

  { "class", CS_ROSTER_COLUMN_CLASS, 0 },
  { "Class Name", CS_ROSTER_COLUMN_CLASS, 0 },
  { "Reg Group", CS_ROSTER_COLUMN_CLASS, 0 },
  { "Registration Group", CS_ROSTER_COLUMN_CLASS, 0 },
  { "Form", CS_ROSTER_COLUMN_CLASS, 0 },
  { "Form Group", CS_ROSTER_COLUMN_CLASS, 0 },
  { "Tutor Group", CS_ROSTER_COLUMN_CLASS, 0 },
  { "Year Group", CS_ROSTER_COLUMN_CLASS, 1 },
  { "Year", CS_ROSTER_COLUMN_CLASS, 1 },

  { "role", CS_ROSTER_COLUMN_ROLE, 0 },
  { "Person Type", CS_ROSTER_COLUMN_ROLE, 0 },
  { "Type", CS_ROSTER_COLUMN_ROLE, 1 },

  { "photo_consent", CS_ROSTER_COLUMN_PHOTO_CONSENT, 0 },
  { "Photographs - Social Media", CS_ROSTER_COLUMN_PHOTO_CONSENT, 0 },
  { "Photos - Social Media", CS_ROSTER_COLUMN_PHOTO_CONSENT, 0 },
  { "Consent - Photographs (Social Media)", CS_ROSTER_COLUMN_PHOTO_CONSENT, 0 },
  { "Photograph Consent", CS_ROSTER_COLUMN_PHOTO_CONSENT, 1 },
  { "Photography Consent", CS_ROSTER_COLUMN_PHOTO_CONSENT, 1 },

  { "name_consent", CS_ROSTER_COLUMN_NAME_CONSENT, 0 },
  { "Names - Social Media", CS_ROSTER_COLUMN_NAME_CONSENT, 0 },
  { "Name - Social Media", CS_ROSTER_COLUMN_NAME_CONSENT, 0 },
  { "Consent - Name (Social Media)", CS_ROSTER_COLUMN_NAME_CONSENT, 0 },
  { "Consent - Names (Social Media)", CS_ROSTER_COLUMN_NAME_CONSENT, 0 },

  { "consent_expires", CS_ROSTER_COLUMN_CONSENT_EXPIRES, 0 },
  { "Consent Expiry", CS_ROSTER_COLUMN_CONSENT_EXPIRES, 0 },
  { "Consent Expiry Date", CS_ROSTER_COLUMN_CONSENT_EXPIRES, 0 },
  { "Consent End Date", CS_ROSTER_COLUMN_CONSENT_EXPIRES, 0 },
  { "Consent Review Date", CS_ROSTER_COLUMN_CONSENT_EXPIRES, 1 },
};

static const char * const column_names[CS_ROSTER_N_COLUMNS] = {
  [CS_ROSTER_COLUMN_ID] = "id",
  [CS_ROSTER_COLUMN_FORENAME] = "forename",
  [CS_ROSTER_COLUMN_SURNAME] = "surname",
  [CS_ROSTER_COLUMN_PREFERRED_NAME] = "preferred_name",
  [CS_ROSTER_COLUMN_CLASS] = "class",
  [CS_ROSTER_COLUMN_ROLE] = "role",
  [CS_ROSTER_COLUMN_PHOTO_CONSENT] = "photo_consent",
  [CS_ROSTER_COLUMN_NAME_CONSENT] = "name_consent",
  [CS_ROSTER_COLUMN_CONSENT_EXPIRES] = "consent_expires",
};

struct _CsRosterColumns
{
  /* Folded header → the column and rank packed by pack_entry(). */
  GHashTable *aliases;
};

static inline gpointer
pack_entry (CsRosterColumn column,
            int            rank)
{
  /* Offset by one so that no entry is NULL, which the hash table would
   * not tell apart from a missing key. */
  return GINT_TO_POINTER (((rank + 2) << 8) | ((int) column + 1));
}

static inline void
unpack_entry (gpointer        entry,
              CsRosterColumn *column,
              int            *rank)
{
  int packed = GPOINTER_TO_INT (entry);

  *column = (CsRosterColumn) ((packed & 0xff) - 1);
  *rank = (packed >> 8) - 2;
}

const char *
cs_roster_column_to_string (CsRosterColumn column)
{
  g_return_val_if_fail (column >= 0 && column < CS_ROSTER_N_COLUMNS, NULL);

  return column_names[column];
}

char *
cs_roster_columns_fold (const char *header)
{
  GString *key;

  g_return_val_if_fail (header != NULL, NULL);

  key = g_string_sized_new (32);

  /* Invalid UTF-8 stops the fold rather than reading past a bad sequence;
   * a header with garbage in it simply will not match anything. */
  for (const char *p = header; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;

      if (g_unichar_isalnum (c))
        g_string_append_unichar (key, g_unichar_tolower (c));
    }

  return g_string_free (key, FALSE);
}

gboolean
cs_roster_column_from_string (const char     *name,
                              CsRosterColumn *column)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (name != NULL, FALSE);

  key = cs_roster_columns_fold (name);

  for (guint i = 0; i < CS_ROSTER_N_COLUMNS; i++)
    {
      g_autofree char *canonical = cs_roster_columns_fold (column_names[i]);

      if (g_str_equal (key, canonical))
        {
          if (column != NULL)
            *column = (CsRosterColumn) i;
          return TRUE;
        }
    }

  return FALSE;
}

/* The built-in names, folded once and shared read-only by every thread. */
static GHashTable *
get_builtin_table (void)
{
  static GHashTable *table;

  if (g_once_init_enter (&table))
    {
      GHashTable *built = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      for (guint i = 0; i < G_N_ELEMENTS (builtin_aliases); i++)
        {
          const BuiltinAlias *alias = &builtin_aliases[i];

          g_hash_table_insert (built,
                               cs_roster_columns_fold (alias->header),
                               pack_entry (alias->column, alias->rank));
        }

      g_once_init_leave (&table, built);
    }

  return table;
}

CsRosterColumns *
cs_roster_columns_new (void)
{
  CsRosterColumns *self = g_new0 (CsRosterColumns, 1);

  self->aliases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  return self;
}

CsRosterColumns *
cs_roster_columns_copy (const CsRosterColumns *self)
{
  CsRosterColumns *copy;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (self != NULL, NULL);

  copy = cs_roster_columns_new ();

  g_hash_table_iter_init (&iter, self->aliases);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy->aliases, g_strdup (key), value);

  return copy;
}

void
cs_roster_columns_free (CsRosterColumns *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->aliases, g_hash_table_unref);
  g_free (self);
}

gboolean
cs_roster_columns_add_alias (CsRosterColumns *self,
                             const char      *header,
                             const char      *canonical)
{
  g_autofree char *key = NULL;
  CsRosterColumn column;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (header != NULL, FALSE);
  g_return_val_if_fail (canonical != NULL, FALSE);

  if (!cs_roster_column_from_string (canonical, &column))
    return FALSE;

  key = cs_roster_columns_fold (header);
  if (key[0] == '\0')
    return FALSE;

  g_hash_table_insert (self->aliases,
                       g_steal_pointer (&key),
                       pack_entry (column, RANK_ALIAS));

  return TRUE;
}

gboolean
cs_roster_columns_lookup (const CsRosterColumns *self,
                          const char            *header,
                          CsRosterColumn        *column_out,
                          int                   *rank_out)
{
  g_autofree char *key = NULL;
  gpointer entry;
  CsRosterColumn column;
  int rank;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (header != NULL, FALSE);

  key = cs_roster_columns_fold (header);
  if (key[0] == '\0')
    return FALSE;

  entry = g_hash_table_lookup (self->aliases, key);
  if (entry == NULL)
    entry = g_hash_table_lookup (get_builtin_table (), key);
  if (entry == NULL)
    return FALSE;

  unpack_entry (entry, &column, &rank);

  if (column_out != NULL)
    *column_out = column;
  if (rank_out != NULL)
    *rank_out = rank;

  return TRUE;
}

gboolean
cs_roster_columns_map (const CsRosterColumns *self,
                       GPtrArray             *header_fields,
                       const char            *header_text,
                       guint                  header_line,
                       int                    positions[CS_ROSTER_N_COLUMNS],
                       GError               **error)
{
  int ranks[CS_ROSTER_N_COLUMNS];
  static const char * const no_columns[8] = {
    NULL,
    N_("The roster has no forename column."),
    N_("The roster has no surname column."),
    N_("The roster has no forename or surname column."),
    N_("The roster has no consent column."),
    N_("The roster has no forename or consent column."),
    N_("The roster has no surname or consent column."),
    N_("The roster has no forename, surname or consent column."),
  };
  guint missing = 0;
  g_autoptr(GString) message = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (header_fields != NULL, FALSE);
  g_return_val_if_fail (header_text != NULL, FALSE);

  for (guint i = 0; i < CS_ROSTER_N_COLUMNS; i++)
    {
      positions[i] = CS_ROSTER_COLUMN_ABSENT;
      ranks[i] = G_MAXINT;
    }

  /* Ties go to the leftmost cell, which is the one a person reading the
   * spreadsheet meets first. */
  for (guint i = 0; i < header_fields->len; i++)
    {
      CsRosterColumn column;
      int rank;

      if (!cs_roster_columns_lookup (self, g_ptr_array_index (header_fields, i), &column, &rank))
        continue;

      if (rank < ranks[column])
        {
          positions[column] = (int) i;
          ranks[column] = rank;
        }
    }

  /* Whole sentences for each set of missing columns, so that each can be
   * translated as one. */
  if (positions[CS_ROSTER_COLUMN_FORENAME] == CS_ROSTER_COLUMN_ABSENT)
    missing |= 1;
  if (positions[CS_ROSTER_COLUMN_SURNAME] == CS_ROSTER_COLUMN_ABSENT)
    missing |= 2;
  /* Either consent column is enough: a school that only records photo
   * consent still gets its photos checked, and its names count as not
   * consented. */
  if (positions[CS_ROSTER_COLUMN_PHOTO_CONSENT] == CS_ROSTER_COLUMN_ABSENT &&
      positions[CS_ROSTER_COLUMN_NAME_CONSENT] == CS_ROSTER_COLUMN_ABSENT)
    missing |= 4;

  if (missing == 0)
    return TRUE;

  message = g_string_new (_(no_columns[missing]));
  g_string_append_c (message, ' ');

  if (header_line <= 1)
    g_string_append_printf (message, _("The first line reads: “%s”. "), header_text);
  else
    g_string_append_printf (message, _("The header, on line %u, reads: “%s”. "),
                            header_line, header_text);

  g_string_append (message,
                   _("Countersign needs a forename column, a surname column and a "
                   "photo consent or name consent column (photo_consent, "
                   "name_consent); rename the columns in the file to match."));

  g_set_error_literal (error,
                       CS_ROSTER_ERROR,
                       CS_ROSTER_ERROR_MISSING_COLUMN,
                       message->str);

  return FALSE;
}
