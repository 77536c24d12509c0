/* cs-db-postgres.c: the PostgreSQL backend, for a trust's shared server
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-db-private.h"

#include <libpq-fe.h>
#include <string.h>

/* Type OIDs from PostgreSQL's catalogue, fixed since its first releases. */
#define OID_BYTEA 17
#define OID_INT8  20
#define OID_TEXT  25

typedef struct
{
  CsDb    parent;
  PGconn *conn;
} CsDbPostgres;

static void
postgres_close (CsDb *db)
{
  CsDbPostgres *self = (CsDbPostgres *) db;

  g_clear_pointer (&self->conn, PQfinish);
  g_free (self);
}

static gboolean
check_result (CsDbPostgres  *self,
              PGresult      *result,
              GError       **error)
{
  ExecStatusType status = PQresultStatus (result);
  const char *state;
  g_autofree char *message = NULL;

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return TRUE;

  state = PQresultErrorField (result, PG_DIAG_SQLSTATE);
  message = g_strdup (PQresultErrorMessage (result));
  g_strchomp (message);
  /* Class 23 is "integrity constraint violation". */
  g_set_error (error, CS_DB_ERROR,
               state != NULL && g_str_has_prefix (state, "23") ? CS_DB_ERROR_CONSTRAINT : CS_DB_ERROR_FAILED,
               "%s", message[0] != '\0' ? message : PQerrorMessage (self->conn));
  return FALSE;
}

static gboolean
postgres_exec (CsDb        *db,
               const char  *sql,
               GError     **error)
{
  CsDbPostgres *self = (CsDbPostgres *) db;
  PGresult *result = PQexec (self->conn, sql);
  gboolean ok = check_result (self, result, error);

  PQclear (result);
  return ok;
}

/* ?N stays N; a bare ? takes the next number. Question marks inside
 * quoted strings are left alone. */
static char *
numbered_placeholders (const char *sql)
{
  GString *out = g_string_new (NULL);
  gboolean quoted = FALSE;
  int next = 1;

  for (const char *p = sql; *p != '\0'; p++)
    {
      if (*p == '\'')
        quoted = !quoted;
      if (*p != '?' || quoted)
        {
          g_string_append_c (out, *p);
          continue;
        }
      if (g_ascii_isdigit (p[1]))
        g_string_append_c (out, '$');
      else
        g_string_append_printf (out, "$%d", next++);
    }
  return g_string_free (out, FALSE);
}

static CsDbRows *
postgres_query (CsDb            *db,
                const char      *sql,
                const CsDbValue *params,
                GError         **error)
{
  CsDbPostgres *self = (CsDbPostgres *) db;
  g_autofree char *text = numbered_placeholders (sql);
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  int n = 0;
  Oid *types;
  const char **values;
  int *lengths, *formats;
  PGresult *result;
  CsDbRows *rows = NULL;

  while (params[n].type != CS_DB_END)
    n++;
  types = g_newa (Oid, n + 1);
  values = g_newa (const char *, n + 1);
  lengths = g_newa (int, n + 1);
  formats = g_newa (int, n + 1);

  for (int i = 0; i < n; i++)
    {
      lengths[i] = 0;
      formats[i] = 0;
      switch (params[i].type)
        {
        case CS_DB_INT:
          types[i] = OID_INT8;
          values[i] = g_strdup_printf ("%" G_GINT64_FORMAT, params[i].i);
          g_ptr_array_add (owned, (char *) values[i]);
          break;
        case CS_DB_TEXT:
          types[i] = OID_TEXT;
          values[i] = params[i].s;
          break;
        case CS_DB_BLOB:
          /* Sent as raw bytes, not escaped text. */
          types[i] = OID_BYTEA;
          values[i] = params[i].blob;
          lengths[i] = params[i].len;
          formats[i] = 1;
          break;
        case CS_DB_NULL:
        case CS_DB_END:
        default:
          /* Untyped, so PostgreSQL takes the type of the column it meets. */
          types[i] = 0;
          values[i] = NULL;
          break;
        }
    }

  result = PQexecParams (self->conn, text, n, types, values, lengths, formats, 0);
  if (check_result (self, result, error))
    {
      int n_rows = PQntuples (result), n_cols = PQnfields (result);

      rows = cs_db_rows_new (n_cols);
      for (int r = 0; r < n_rows; r++)
        for (int c = 0; c < n_cols; c++)
          {
            if (PQgetisnull (result, r, c))
              cs_db_rows_add_cell (rows, NULL, 0);
            else if (PQftype (result, c) == OID_BYTEA)
              {
                size_t len = 0;
                unsigned char *bytes = PQunescapeBytea ((const unsigned char *) PQgetvalue (result, r, c), &len);

                cs_db_rows_add_cell (rows, bytes != NULL ? (const char *) bytes : "", bytes != NULL ? (gssize) len : 0);
                PQfreemem (bytes);
              }
            else
              cs_db_rows_add_cell (rows, PQgetvalue (result, r, c), PQgetlength (result, r, c));
          }
    }
  PQclear (result);
  return rows;
}

static void
ignore_notice (void       *data,
               const char *message)
{
}

static const CsDbClass postgres_class = { postgres_close, postgres_exec, postgres_query };

CsDb *
cs_db_open_postgres (const char  *conninfo,
                     GError     **error)
{
  CsDbPostgres *self = g_new0 (CsDbPostgres, 1);

  self->parent.kind = CS_DB_POSTGRES;
  self->parent.klass = &postgres_class;
  self->conn = PQconnectdb (conninfo);

  if (PQstatus (self->conn) != CONNECTION_OK)
    {
      g_autofree char *message = g_strdup (PQerrorMessage (self->conn));

      g_strchomp (message);
      g_set_error (error, CS_DB_ERROR, CS_DB_ERROR_FAILED, "The PostgreSQL server could not be reached: %s", message);
      postgres_close (&self->parent);
      return NULL;
    }

  /* Notices (such as "relation already exists, skipping") are not for
   * the service's log. */
  PQsetNoticeProcessor (self->conn, ignore_notice, NULL);
  return &self->parent;
}
