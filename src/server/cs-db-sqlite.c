/* cs-db-sqlite.c: the SQLite backend, for one school on one server
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-db-private.h"

#include <sqlite3.h>

typedef struct
{
  CsDb     parent;
  sqlite3 *handle;
} CsDbSqlite;

static gboolean
fail (CsDbSqlite  *self,
      GError     **error)
{
  int code = sqlite3_extended_errcode (self->handle);

  g_set_error (error, CS_DB_ERROR,
               (code & 0xff) == SQLITE_CONSTRAINT ? CS_DB_ERROR_CONSTRAINT : CS_DB_ERROR_FAILED,
               "%s", sqlite3_errmsg (self->handle));
  return FALSE;
}

static void
sqlite_close (CsDb *db)
{
  CsDbSqlite *self = (CsDbSqlite *) db;

  sqlite3_close (self->handle);
  g_free (self);
}

static gboolean
sqlite_exec (CsDb        *db,
             const char  *sql,
             GError     **error)
{
  CsDbSqlite *self = (CsDbSqlite *) db;

  return sqlite3_exec (self->handle, sql, NULL, NULL, NULL) == SQLITE_OK || fail (self, error);
}

static CsDbRows *
sqlite_query (CsDb            *db,
              const char      *sql,
              const CsDbValue *params,
              GError         **error)
{
  CsDbSqlite *self = (CsDbSqlite *) db;
  sqlite3_stmt *stmt = NULL;
  CsDbRows *rows;
  int rc, n_cols;

  if (sqlite3_prepare_v2 (self->handle, sql, -1, &stmt, NULL) != SQLITE_OK)
    return fail (self, error), NULL;

  for (int i = 0; params[i].type != CS_DB_END; i++)
    switch (params[i].type)
      {
      case CS_DB_INT:
        sqlite3_bind_int64 (stmt, i + 1, params[i].i);
        break;
      case CS_DB_TEXT:
        sqlite3_bind_text (stmt, i + 1, params[i].s, -1, SQLITE_STATIC);
        break;
      case CS_DB_BLOB:
        sqlite3_bind_blob64 (stmt, i + 1, params[i].blob, params[i].len, SQLITE_STATIC);
        break;
      case CS_DB_NULL:
      case CS_DB_END:
      default:
        sqlite3_bind_null (stmt, i + 1);
        break;
      }

  n_cols = sqlite3_column_count (stmt);
  rows = cs_db_rows_new (n_cols);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    for (int c = 0; c < n_cols; c++)
      {
        switch (sqlite3_column_type (stmt, c))
          {
          case SQLITE_NULL:
            cs_db_rows_add_cell (rows, NULL, 0);
            break;
          case SQLITE_BLOB:
            cs_db_rows_add_cell (rows, sqlite3_column_blob (stmt, c), sqlite3_column_bytes (stmt, c));
            break;
          default:
            cs_db_rows_add_cell (rows, sqlite3_column_text (stmt, c), sqlite3_column_bytes (stmt, c));
            break;
          }
      }

  if (rc != SQLITE_DONE)
    {
      fail (self, error);
      cs_db_rows_free (rows);
      rows = NULL;
    }
  sqlite3_finalize (stmt);
  return rows;
}

static const CsDbClass sqlite_class = { sqlite_close, sqlite_exec, sqlite_query };

CsDb *
cs_db_open_sqlite (const char  *path,
                   GError     **error)
{
  CsDbSqlite *self = g_new0 (CsDbSqlite, 1);

  self->parent.kind = CS_DB_SQLITE;
  self->parent.klass = &sqlite_class;

  if (sqlite3_open_v2 (path, &self->handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      g_set_error (error, CS_DB_ERROR, CS_DB_ERROR_FAILED, "“%s” could not be opened: %s", path,
                   self->handle != NULL ? sqlite3_errmsg (self->handle) : "out of memory");
      sqlite_close (&self->parent);
      return NULL;
    }
  sqlite3_busy_timeout (self->handle, 5000);
  sqlite3_extended_result_codes (self->handle, 1);

  /* An approval must survive a power cut: WAL with a sync on every
   * commit. Normal sync would be faster and could lose the last commits. */
  if (!sqlite_exec (&self->parent, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                                   "PRAGMA foreign_keys = ON;", error))
    {
      sqlite_close (&self->parent);
      return NULL;
    }

  return &self->parent;
}
