/* cs-roster-columns.h: matching a roster's header onto the columns Countersign reads
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CS_ROSTER_COLUMN_ID,
  CS_ROSTER_COLUMN_FORENAME,
  CS_ROSTER_COLUMN_SURNAME,
  CS_ROSTER_COLUMN_PREFERRED_NAME,
  CS_ROSTER_COLUMN_CLASS,
  CS_ROSTER_COLUMN_ROLE,
  CS_ROSTER_COLUMN_PHOTO_CONSENT,
  CS_ROSTER_COLUMN_NAME_CONSENT,
  CS_ROSTER_COLUMN_CONSENT_EXPIRES,
  CS_ROSTER_N_COLUMNS,
} CsRosterColumn;

/* The position of a column that the header does not have. */
#define CS_ROSTER_COLUMN_ABSENT (-1)

/* The canonical name ("preferred_name") of @column. */
const char      *cs_roster_column_to_string   (CsRosterColumn  column);
/* Matches @name loosely against the canonical names only. */
gboolean         cs_roster_column_from_string (const char     *name,
                                               CsRosterColumn *column);

/* The key header names are compared by: lower case, letters and digits only,
 * so "Preferred Forename", "preferred_forename" and "PREFERRED-FORENAME" are
 * all "preferredforename". */
char            *cs_roster_columns_fold       (const char     *header);

/* The built-in header names that MIS exports use, plus any aliases added.
 * Not thread-safe; copy it to hand it to a worker thread. */
typedef struct _CsRosterColumns CsRosterColumns;

CsRosterColumns *cs_roster_columns_new        (void);
CsRosterColumns *cs_roster_columns_copy       (const CsRosterColumns *self);
void             cs_roster_columns_free       (CsRosterColumns       *self);

/* Maps @header onto @canonical (a canonical column name, matched loosely).
 * An added alias wins over the built-in names, including a built-in use of
 * the same header for another column. Returns FALSE when @canonical is not
 * a column or @header has no letters or digits. */
gboolean         cs_roster_columns_add_alias  (CsRosterColumns       *self,
                                               const char            *header,
                                               const char            *canonical);

/* Looks up one header cell. @rank_out is how loosely it matched: when two
 * cells map to the same column the lower rank (the more specific name, such
 * as "Reg Group" over "Year Group") wins. */
gboolean         cs_roster_columns_lookup     (const CsRosterColumns *self,
                                               const char            *header,
                                               CsRosterColumn        *column_out,
                                               int                   *rank_out);

/* Finds each column in @header_fields (the cells of the header row) and
 * stores its index, or CS_ROSTER_COLUMN_ABSENT, in @positions. Fails with
 * CS_ROSTER_ERROR_MISSING_COLUMN when forename, surname or both consent
 * columns are missing; @header_text (the header line as written, found on
 * @header_line) is quoted in the message so the office can see what was
 * read. */
gboolean         cs_roster_columns_map        (const CsRosterColumns *self,
                                               GPtrArray             *header_fields,
                                               const char            *header_text,
                                               guint                  header_line,
                                               int                    positions[CS_ROSTER_N_COLUMNS],
                                               GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsRosterColumns, cs_roster_columns_free)

G_END_DECLS
