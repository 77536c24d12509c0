/* cs-csv-reader.c: a small RFC 4180 reader for the CSV files an MIS exports
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cs-csv-reader"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cs-csv-reader.h"

/* A roster is read once per load and may hold thousands of rows, so the
 * reader unquotes every row into one scratch buffer that is reused from row
 * to row, and copies runs of bytes rather than single characters. Nothing is
 * allocated per character, and once the buffer has grown to fit the longest
 * row nothing is allocated per row either. */
struct _CsCsvReader
{
  const char *pos;
  const char *end;
  guint       line;

  const char *row_start;
  const char *row_end;

  char       *buf;
  gsize       buf_len;
  gsize       buf_size;
  GArray     *starts;
  GPtrArray  *fields;
};

G_DEFINE_QUARK (cs-csv-error-quark, cs_csv_error)

CsCsvReader *
cs_csv_reader_new (const char *data,
                   gsize       len)
{
  CsCsvReader *self;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (data == NULL)
    data = "";

  /* Excel's "CSV UTF-8" puts a byte order mark first; it is not part of the
   * first column's name. */
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      len -= 3;
    }

  self = g_new0 (CsCsvReader, 1);
  self->pos = data;
  self->end = data + len;
  self->line = 1;
  self->row_start = data;
  self->row_end = data;
  self->buf_size = 256;
  self->buf = g_malloc (self->buf_size);
  self->starts = g_array_sized_new (FALSE, FALSE, sizeof (gsize), 16);
  self->fields = g_ptr_array_sized_new (16);

  return self;
}

void
cs_csv_reader_free (CsCsvReader *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->buf, g_free);
  g_clear_pointer (&self->starts, g_array_unref);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_free (self);
}

static inline void
cs_csv_reader_append (CsCsvReader *self,
                      const char  *bytes,
                      gsize        len)
{
  /* One byte is always kept spare for the NUL that ends a field. */
  if (G_UNLIKELY (self->buf_len + len + 1 > self->buf_size))
    {
      self->buf_size = MAX (self->buf_size * 2, self->buf_len + len + 1);
      self->buf = g_realloc (self->buf, self->buf_size);
    }

  memcpy (self->buf + self->buf_len, bytes, len);
  self->buf_len += len;
}

/* Returns the first comma or line-break byte at or after @p. */
static inline const char *
scan_unquoted (const char *p,
               const char *end)
{
  while (p < end && *p != ',' && *p != '\n' && *p != '\r')
    p++;

  return p;
}

/* @p points at CR or LF; a CR directly followed by LF is one line break. */
static inline const char *
skip_line_break (const char *p,
                 const char *end)
{
  if (*p == '\r' && p + 1 < end && p[1] == '\n')
    return p + 2;

  return p + 1;
}

gboolean
cs_csv_reader_next_row (CsCsvReader  *self,
                        GPtrArray   **fields_out,
                        guint        *line_out,
                        GError      **error)
{
  const char *p;
  const char *end;
  guint start_line;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  p = self->pos;
  end = self->end;
  start_line = self->line;

  if (fields_out != NULL)
    *fields_out = NULL;
  if (line_out != NULL)
    *line_out = start_line;

  g_ptr_array_set_size (self->fields, 0);

  /* A final line break does not start another, empty row. */
  if (p >= end)
    {
      self->row_start = self->row_end = end;
      return FALSE;
    }

  self->buf_len = 0;
  g_array_set_size (self->starts, 0);
  self->row_start = p;

  for (;;)
    {
      gsize start = self->buf_len;
      const char *run;

      g_array_append_val (self->starts, start);

      if (p < end && *p == '"')
        {
          const char *quote = p;
          guint quote_line = self->line;

          p++;

          for (;;)
            {
              run = p;
              while (p < end && *p != '"' && *p != '\n' && *p != '\r')
                p++;
              cs_csv_reader_append (self, run, p - run);

              if (p == end)
                {
                  const char *q = quote;

                  /* Everything after the stray quote was swallowed into
                   * one value. Rather than lose the rest of the file, give
                   * up on the line the quote opened on and start again on
                   * the next one. */
                  while (q < end && *q != '\n' && *q != '\r')
                    q++;
                  self->row_end = q;
                  if (q < end)
                    q = skip_line_break (q, end);
                  self->pos = q;
                  self->line = quote_line + 1;
                  if (line_out != NULL)
                    *line_out = quote_line;

                  g_set_error (error,
                               CS_CSV_ERROR,
                               CS_CSV_ERROR_UNTERMINATED_QUOTE,
                               _("Line %u: a value starts with a quote mark (\") "
                               "that is never closed, so the line was left out; "
                               "add the closing quote mark or remove the opening one"),
                               quote_line);
                  return FALSE;
                }

              if (*p == '"')
                {
                  /* A doubled quote stands for one quote mark. */
                  if (p + 1 < end && p[1] == '"')
                    {
                      cs_csv_reader_append (self, "\"", 1);
                      p += 2;
                      continue;
                    }

                  p++;
                  break;
                }

              /* A line break inside quotes belongs to the value, but it is
               * still a physical line for the line numbers of what follows. */
              run = p;
              p = skip_line_break (p, end);
              cs_csv_reader_append (self, run, p - run);
              self->line++;
            }

          /* RFC 4180 has nothing after the closing quote, but hand-edited
           * files do ("Smith" Jr); keep that text rather than refuse the
           * row. */
          run = p;
          p = scan_unquoted (p, end);
          cs_csv_reader_append (self, run, p - run);
        }
      else
        {
          /* A quote mark inside an unquoted value (O"Neill) is taken
           * literally, as spreadsheets do. */
          run = p;
          p = scan_unquoted (p, end);
          cs_csv_reader_append (self, run, p - run);
        }

      cs_csv_reader_append (self, "", 1);

      if (p < end && *p == ',')
        {
          p++;
          continue;
        }

      break;
    }

  self->row_end = p;
  if (p < end)
    {
      p = skip_line_break (p, end);
      self->line++;
    }
  self->pos = p;

  /* The buffer may have moved while it grew, so the field pointers are only
   * made once the row is complete. */
  g_ptr_array_set_size (self->fields, self->starts->len);
  for (guint i = 0; i < self->starts->len; i++)
    self->fields->pdata[i] = self->buf + g_array_index (self->starts, gsize, i);

  if (fields_out != NULL)
    *fields_out = self->fields;

  return TRUE;
}

const char *
cs_csv_reader_get_row_text (CsCsvReader *self,
                            gsize       *len_out)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (len_out != NULL)
    *len_out = self->row_end - self->row_start;

  return self->row_start;
}
