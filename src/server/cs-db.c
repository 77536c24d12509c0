/* cs-db.c: one SQL connection, to SQLite or to PostgreSQL
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-db-private.h"

#include <string.h>

G_DEFINE_QUARK (cs-db-error-quark, cs_db_error)

typedef struct
{
  char  *data;  /* NUL-terminated, for text; NULL for SQL NULL */
  gsize  len;
} Cell;

struct _CsDbRows
{
  guint   n_cols;
  GArray *cells;  /* Cell, row after row */
};

static void
cell_clear (Cell *cell)
{
  g_free (cell->data);
}

CsDbRows *
cs_db_rows_new (guint n_cols)
{
  CsDbRows *rows = g_new0 (CsDbRows, 1);

  rows->n_cols = n_cols;
  rows->cells = g_array_new (FALSE, FALSE, sizeof (Cell));
  g_array_set_clear_func (rows->cells, (GDestroyNotify) cell_clear);
  return rows;
}

void
cs_db_rows_add_cell (CsDbRows   *rows,
                     const void *data,
                     gssize      len)
{
  Cell cell = { NULL, 0 };

  if (data != NULL)
    {
      cell.len = len < 0 ? strlen (data) : (gsize) len;
      cell.data = g_malloc (cell.len + 1);
      memcpy (cell.data, data, cell.len);
      cell.data[cell.len] = '\0';
    }
  g_array_append_val (rows->cells, cell);
}

void
cs_db_rows_free (CsDbRows *rows)
{
  if (rows == NULL)
    return;
  g_array_unref (rows->cells);
  g_free (rows);
}

guint
cs_db_rows_count (CsDbRows *rows)
{
  return rows->n_cols > 0 ? rows->cells->len / rows->n_cols : 0;
}

static Cell *
cell_at (CsDbRows *rows,
         guint     row,
         guint     col)
{
  g_return_val_if_fail (col < rows->n_cols && row < cs_db_rows_count (rows), NULL);
  return &g_array_index (rows->cells, Cell, row * rows->n_cols + col);
}

gboolean
cs_db_rows_is_null (CsDbRows *rows,
                    guint     row,
                    guint     col)
{
  return cell_at (rows, row, col)->data == NULL;
}

gint64
cs_db_rows_int (CsDbRows *rows,
                guint     row,
                guint     col)
{
  Cell *cell = cell_at (rows, row, col);

  return cell->data != NULL ? g_ascii_strtoll (cell->data, NULL, 10) : 0;
}

const char *
cs_db_rows_text (CsDbRows *rows,
                 guint     row,
                 guint     col)
{
  return cell_at (rows, row, col)->data;
}

GBytes *
cs_db_rows_bytes (CsDbRows *rows,
                  guint     row,
                  guint     col)
{
  Cell *cell = cell_at (rows, row, col);

  return cell->data != NULL ? g_bytes_new (cell->data, cell->len) : NULL;
}

void
cs_db_close (CsDb *db)
{
  if (db != NULL)
    db->klass->close (db);
}

CsDbKind
cs_db_get_kind (CsDb *db)
{
  return db->kind;
}

gboolean
cs_db_exec (CsDb        *db,
            const char  *sql,
            GError     **error)
{
  return db->klass->exec (db, sql, error);
}

CsDbRows *
cs_db_query (CsDb            *db,
             const char      *sql,
             const CsDbValue *params,
             GError         **error)
{
  static const CsDbValue none[] = { { CS_DB_END, 0, NULL, NULL, 0 } };

  return db->klass->query (db, sql, params != NULL ? params : none, error);
}
