/* cs-csv-reader.h: a small RFC 4180 reader for the CSV files an MIS exports
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CS_CSV_ERROR (cs_csv_error_quark ())

typedef enum
{
  /* A quoted field runs to the end of the data without its closing quote. */
  CS_CSV_ERROR_UNTERMINATED_QUOTE,
} CsCsvError;

GQuark cs_csv_error_quark (void);

typedef struct _CsCsvReader CsCsvReader;

/* Reads comma-separated rows from @data, which must stay alive and unchanged
 * as long as the reader. A leading UTF-8 byte order mark is skipped; CRLF,
 * LF and a lone CR all end a line. No encoding checks are made: see
 * cs_csv_reader_get_row_text() for the bytes to validate. */
CsCsvReader *cs_csv_reader_new           (const char   *data,
                                          gsize         len);
void         cs_csv_reader_free          (CsCsvReader  *self);

/* Reads the next row. Returns TRUE with the row's fields in @fields_out (an
 * array of NUL-terminated strings that belongs to the reader and stays valid
 * until the next call) and the 1-based physical line the row starts on in
 * @line_out.
 *
 * Returns FALSE with no error at the end of the data. Returns FALSE with
 * @error set when the row cannot be read (a quote that is never closed);
 * @line_out then holds the line the quote opened on, which the message
 * names too, and the reader has moved on to the line after it, so the
 * caller may keep reading. */
gboolean     cs_csv_reader_next_row      (CsCsvReader  *self,
                                          GPtrArray   **fields_out,
                                          guint        *line_out,
                                          GError      **error);

/* The raw bytes of the row last read, without its line ending and without
 * unquoting. Useful to validate the encoding of a row as a whole, and to
 * show a line as the user typed it. */
const char  *cs_csv_reader_get_row_text  (CsCsvReader  *self,
                                          gsize        *len_out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsCsvReader, cs_csv_reader_free)

G_END_DECLS
