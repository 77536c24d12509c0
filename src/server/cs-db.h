/* cs-db.h: one SQL connection, to SQLite or to PostgreSQL
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The queue's store is written once, against this: statements use ? or ?N
 * placeholders (turned into $N for PostgreSQL), parameters are typed, and
 * every result is read whole into memory. Not thread safe: the store
 * serialises its calls.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CS_DB_ERROR (cs_db_error_quark ())

typedef enum
{
  CS_DB_ERROR_FAILED,
  CS_DB_ERROR_CONSTRAINT,  /* a unique key or foreign key was violated */
} CsDbError;

GQuark cs_db_error_quark (void);

typedef enum
{
  CS_DB_SQLITE,
  CS_DB_POSTGRES,
} CsDbKind;

typedef enum
{
  CS_DB_END,
  CS_DB_NULL,
  CS_DB_INT,
  CS_DB_TEXT,
  CS_DB_BLOB,
} CsDbType;

typedef struct
{
  CsDbType      type;
  gint64        i;
  const char   *s;
  gconstpointer blob;
  gsize         len;
} CsDbValue;

#define CS_DB_P_INT(v)       ((CsDbValue) { CS_DB_INT, (v), NULL, NULL, 0 })
#define CS_DB_P_TEXT(v)      ((CsDbValue) { (v) != NULL ? CS_DB_TEXT : CS_DB_NULL, 0, (v), NULL, 0 })
#define CS_DB_P_BLOB(p, n)   ((CsDbValue) { CS_DB_BLOB, 0, NULL, (p), (n) })
#define CS_DB_P_NULL         ((CsDbValue) { CS_DB_NULL, 0, NULL, NULL, 0 })
#define CS_DB_P_END          ((CsDbValue) { CS_DB_END, 0, NULL, NULL, 0 })

typedef struct _CsDb CsDb;
typedef struct _CsDbRows CsDbRows;

CsDb       *cs_db_open_sqlite     (const char       *path,
                                   GError          **error);
/* @conninfo is a libpq connection string ("host=/run/pg dbname=queue"). */
CsDb       *cs_db_open_postgres   (const char       *conninfo,
                                   GError          **error);
void        cs_db_close           (CsDb             *db);
CsDbKind    cs_db_get_kind        (CsDb             *db);

/* Runs one or more statements that take no parameters. */
gboolean    cs_db_exec            (CsDb             *db,
                                   const char       *sql,
                                   GError          **error);

/* Runs one statement; @params ends with CS_DB_P_END. */
CsDbRows   *cs_db_query           (CsDb             *db,
                                   const char       *sql,
                                   const CsDbValue  *params,
                                   GError          **error);

guint       cs_db_rows_count      (CsDbRows         *rows);
gboolean    cs_db_rows_is_null    (CsDbRows         *rows,
                                   guint             row,
                                   guint             col);
gint64      cs_db_rows_int        (CsDbRows         *rows,
                                   guint             row,
                                   guint             col);
/* NULL for SQL NULL; owned by @rows. */
const char *cs_db_rows_text       (CsDbRows         *rows,
                                   guint             row,
                                   guint             col);
GBytes     *cs_db_rows_bytes      (CsDbRows         *rows,
                                   guint             row,
                                   guint             col);
void        cs_db_rows_free       (CsDbRows         *rows);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsDbRows, cs_db_rows_free)

/* For the backends */
CsDbRows   *cs_db_rows_new        (guint             n_cols);
void        cs_db_rows_add_cell   (CsDbRows         *rows,
                                   const void       *data,
                                   gssize            len);

G_END_DECLS
