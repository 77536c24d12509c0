/* cs-roster.c: the pupils and staff a school knows, loaded from its MIS export
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cs-roster"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cs-csv-reader.h"
#include "cs-roster.h"
#include "cs-roster-columns.h"

/* Far beyond any school (a 2,000-pupil roster is well under 1 MiB), but small
 * enough that picking the wrong file by mistake cannot eat the memory. */
#define MAX_ROSTER_SIZE ((gsize) 64 * 1024 * 1024)

/* How many row problems a NO_ROWS error quotes before "and N more". */
#define MAX_PROBLEMS_IN_ERROR 3

/* Values quoted back in messages are cut to this many characters, so a whole
 * misplaced paragraph does not flood the problem list. */
#define MAX_QUOTED_CHARS 40

/* Folded cell values longer than this cannot be any of the words we accept. */
#define MAX_FOLDED_VALUE 32

/* Everything one load produces. A table is built on whichever thread parses
 * the file and never changes afterwards; a new load builds a new table and
 * swaps it in whole, so a snapshot taken earlier stays valid. */
typedef struct
{
  GPtrArray  *people;   /* CsPerson, in file order */
  GHashTable *by_id;    /* id owned by the person → CsPerson */
  GPtrArray  *problems; /* CsRosterProblem, in line order */
} CsRosterTable;

struct _CsRoster
{
  GObject          parent_instance;

  /* Guards the table pointer only: the table itself is immutable. */
  GMutex           mutex;
  CsRosterTable   *table;

  CsRosterColumns *columns;
  guint            generation;

  /* Every load takes a serial when it starts; a load that finishes after a
   * later one has been applied is stale and is dropped, so the roster always
   * shows the file picked last. */
  guint            load_serial;
  guint            applied_serial;
};

enum {
  PROP_0,
  PROP_N_PEOPLE,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CsRoster, cs_roster, G_TYPE_OBJECT)

G_DEFINE_QUARK (cs-roster-error-quark, cs_roster_error)

G_DEFINE_BOXED_TYPE (CsRosterProblem, cs_roster_problem,
                     cs_roster_problem_copy, cs_roster_problem_free)

static CsRosterProblem *
cs_roster_problem_new_take (guint  line,
                            char  *message)
{
  CsRosterProblem *problem = g_new0 (CsRosterProblem, 1);

  problem->line = line;
  problem->message = message;

  return problem;
}

CsRosterProblem *
cs_roster_problem_copy (const CsRosterProblem *problem)
{
  g_return_val_if_fail (problem != NULL, NULL);

  return cs_roster_problem_new_take (problem->line, g_strdup (problem->message));
}

void
cs_roster_problem_free (CsRosterProblem *problem)
{
  if (problem == NULL)
    return;

  g_clear_pointer (&problem->message, g_free);
  g_free (problem);
}

static CsRosterTable *
cs_roster_table_new (void)
{
  CsRosterTable *table = g_new0 (CsRosterTable, 1);

  table->people = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_person_unref);
  table->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  table->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_roster_problem_free);

  return table;
}

static void
cs_roster_table_free (CsRosterTable *table)
{
  if (table == NULL)
    return;

  /* The hash table borrows its keys from the people, so it goes first. */
  g_clear_pointer (&table->by_id, g_hash_table_unref);
  g_clear_pointer (&table->people, g_ptr_array_unref);
  g_clear_pointer (&table->problems, g_ptr_array_unref);
  g_free (table);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsRosterTable, cs_roster_table_free)

static void
add_problem (CsRosterTable *table,
             guint          line,
             char          *message)
{
  g_ptr_array_add (table->problems, cs_roster_problem_new_take (line, message));
}

/* Cell values
 * ===========
 *
 * Every value is already known to be valid UTF-8 when these run.
 */

/* Returns @field NFC-normalised, with surrounding white space removed and
 * inner runs of white space (a double space, a line break inside a quoted
 * cell, a non-breaking space pasted from a web page) made one plain space:
 * names are matched word by word in posts, and "Mary  Jane" must still be
 * Mary Jane. Returns NULL for a value that is empty once trimmed, and for
 * the cell of a column the file does not have (@field NULL). */
static char *
clean_text (const char *field)
{
  gboolean after_space = TRUE;
  const guchar *p;
  char *text;
  char *out;

  if (field == NULL)
    return NULL;

  /* Most cells are plain ASCII with nothing to tidy, which is already NFC:
   * copy those without going through the normaliser. */
  for (p = (const guchar *) field; *p != '\0'; p++)
    {
      if (*p >= 0x80 || *p < 0x20 || *p == 0x7f)
        goto slow;
      if (*p == ' ')
        {
          if (after_space)
            goto slow;
          after_space = TRUE;
        }
      else
        after_space = FALSE;
    }

  if (p == (const guchar *) field)
    return NULL;
  if (after_space)
    goto slow;

  return g_strdup (field);

slow:
  text = g_utf8_normalize (field, -1, G_NORMALIZE_NFC);
  if (text == NULL)
    return NULL;

  /* The output never outruns the input (every space it writes replaces at
   * least one byte), so the text is tidied in place. */
  out = text;
  after_space = TRUE;
  for (const char *q = text; *q != '\0';)
    {
      const char *next = g_utf8_next_char (q);
      gunichar c = g_utf8_get_char (q);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        {
          after_space = TRUE;
          q = next;
          continue;
        }

      if (after_space && out != text)
        *out++ = ' ';
      after_space = FALSE;

      while (q < next)
        *out++ = *q++;
    }
  *out = '\0';

  if (text[0] == '\0')
    {
      g_free (text);
      return NULL;
    }

  return text;
}

/* A value to quote back in a message: tidied and cut short if long. */
static char *
quote_value (const char *field)
{
  g_autofree char *text = clean_text (field);

  if (text == NULL)
    return g_strdup ("");

  if (g_utf8_strlen (text, -1) > MAX_QUOTED_CHARS)
    {
      g_autofree char *start = g_utf8_substring (text, 0, MAX_QUOTED_CHARS);

      return g_strconcat (start, "…", NULL);
    }

  return g_steal_pointer (&text);
}

/* Folds a cell into @buf for comparing with the words we accept: ASCII lower
 * case, trimmed, inner white space made one space. A non-breaking space
 * counts as white space because spreadsheets paste them in unseen. Returns
 * FALSE when the value is too long to be any of those words. */
static gboolean
fold_value (const char *field,
            char        buf[MAX_FOLDED_VALUE])
{
  gboolean pending_space = FALSE;
  gsize n = 0;

  for (const char *p = field; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p) || ((guchar) p[0] == 0xC2 && (guchar) p[1] == 0xA0))
        {
          if ((guchar) p[0] == 0xC2)
            p++;
          pending_space = n > 0;
          continue;
        }

      if (n + (pending_space ? 2 : 1) >= MAX_FOLDED_VALUE)
        return FALSE;

      if (pending_space)
        buf[n++] = ' ';
      pending_space = FALSE;
      buf[n++] = g_ascii_tolower (*p);
    }

  buf[n] = '\0';

  return TRUE;
}

static gboolean
value_in (const char         *folded,
          const char * const *words)
{
  for (guint i = 0; words[i] != NULL; i++)
    if (strcmp (folded, words[i]) == 0)
      return TRUE;

  return FALSE;
}

static const char * const yes_words[] = {
  "yes", "y", "true", "1", "granted", "given", "consented", NULL
};

/* An empty cell is no: when nobody recorded consent there is none. */
static const char * const no_words[] = {
  "no", "n", "false", "0", "refused", "withdrawn", "not given", "", NULL
};

static const char * const never_words[] = {
  "never", "do not photograph", "never photograph", NULL
};

static const char * const pupil_words[] = {
  "pupil", "student", "child", "", NULL
};

static const char * const staff_words[] = {
  "staff", "teacher", "employee", "adult", NULL
};

static gboolean
parse_photo_consent (const char *field,
                     CsConsent  *consent)
{
  char folded[MAX_FOLDED_VALUE];

  if (!fold_value (field, folded))
    return FALSE;

  if (value_in (folded, yes_words))
    *consent = CS_CONSENT_YES;
  else if (value_in (folded, no_words))
    *consent = CS_CONSENT_NO;
  else if (value_in (folded, never_words))
    *consent = CS_CONSENT_NEVER;
  else
    return FALSE;

  return TRUE;
}

static gboolean
parse_name_consent (const char *field,
                    gboolean   *consent)
{
  char folded[MAX_FOLDED_VALUE];

  if (!fold_value (field, folded))
    return FALSE;

  /* A name cannot be half-used, so "never" here is simply no. */
  if (value_in (folded, yes_words))
    *consent = TRUE;
  else if (value_in (folded, no_words) || strcmp (folded, "never") == 0)
    *consent = FALSE;
  else
    return FALSE;

  return TRUE;
}

static gboolean
parse_role (const char *field,
            CsRole     *role)
{
  char folded[MAX_FOLDED_VALUE];

  if (!fold_value (field, folded))
    return FALSE;

  if (value_in (folded, pupil_words))
    *role = CS_ROLE_PUPIL;
  else if (value_in (folded, staff_words))
    *role = CS_ROLE_STAFF;
  else
    return FALSE;

  return TRUE;
}

/* Reads between @min_digits and @max_digits decimal digits at *@p. */
static gboolean
parse_digits (const char **p,
              guint        min_digits,
              guint        max_digits,
              guint       *value)
{
  guint n = 0;

  *value = 0;
  while (g_ascii_isdigit (**p) && n < max_digits)
    {
      *value = *value * 10 + (guint) (**p - '0');
      (*p)++;
      n++;
    }

  return n >= min_digits && !g_ascii_isdigit (**p);
}

/* Accepts ISO dates (2027-08-31) and UK dates (31/08/2027), the two forms
 * MIS exports and UK spreadsheets write. US order is never tried: 04/05 is
 * the 4th of May to a school office. Returns FALSE for anything else,
 * including dates that do not exist; an empty cell is a valid "no expiry"
 * and gives a NULL @date. */
static gboolean
parse_date (const char  *field,
            GDate      **date)
{
  char folded[MAX_FOLDED_VALUE];
  const char *p = folded;
  guint day, month, year;

  *date = NULL;

  if (!fold_value (field, folded))
    return FALSE;
  if (folded[0] == '\0')
    return TRUE;

  if (parse_digits (&p, 4, 4, &year) && *p == '-')
    {
      p++;
      if (!parse_digits (&p, 1, 2, &month) || *p++ != '-' ||
          !parse_digits (&p, 1, 2, &day) || *p != '\0')
        return FALSE;
    }
  else
    {
      p = folded;
      if (!parse_digits (&p, 1, 2, &day) || *p++ != '/' ||
          !parse_digits (&p, 1, 2, &month) || *p++ != '/' ||
          !parse_digits (&p, 4, 4, &year) || *p != '\0')
        return FALSE;
    }

  if (year < 1 || year > G_MAXUINT16 ||
      !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return FALSE;

  *date = g_date_new_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year);

  return TRUE;
}

static gboolean
same_name (const char *a,
           const char *b)
{
  g_autofree char *folded_a = NULL;
  g_autofree char *folded_b = NULL;

  if (strcmp (a, b) == 0)
    return TRUE;

  folded_a = g_utf8_casefold (a, -1);
  folded_b = g_utf8_casefold (b, -1);

  return strcmp (folded_a, folded_b) == 0;
}

static const char *
get_field (GPtrArray      *fields,
           const int       positions[CS_ROSTER_N_COLUMNS],
           CsRosterColumn  column)
{
  if (positions[column] == CS_ROSTER_COLUMN_ABSENT)
    return NULL;

  return g_ptr_array_index (fields, positions[column]);
}

/* Builds the person on @line from its cells, or returns NULL with the reason
 * in @message. A missing consent column reads as an empty cell, which is no. */
static CsPerson *
parse_person (GPtrArray  *fields,
              const int   positions[CS_ROSTER_N_COLUMNS],
              guint       line,
              char      **message)
{
  g_autoptr(CsPerson) person = cs_person_new ();
  const char *field;

  person->line = line;
  person->forename = clean_text (get_field (fields, positions, CS_ROSTER_COLUMN_FORENAME));
  person->surname = clean_text (get_field (fields, positions, CS_ROSTER_COLUMN_SURNAME));

  if (person->forename == NULL || person->surname == NULL)
    {
      const char *format;

      /* Whole sentences, so that each can be translated as one. */
      if (person->forename != NULL)
        format = _("Line %u has no surname; every person needs a forename and a surname.");
      else if (person->surname != NULL)
        format = _("Line %u has no forename; every person needs a forename and a surname.");
      else
        format = _("Line %u has no forename or surname; every person needs a forename and a surname.");
      *message = g_strdup_printf (format, line);
      return NULL;
    }

  field = get_field (fields, positions, CS_ROSTER_COLUMN_PHOTO_CONSENT);
  if (field != NULL && !parse_photo_consent (field, &person->photo_consent))
    {
      g_autofree char *value = quote_value (field);

      *message = g_strdup_printf (_("Line %u: the photo consent column says “%s”; use yes, no or never."),
                                  line, value);
      return NULL;
    }

  field = get_field (fields, positions, CS_ROSTER_COLUMN_NAME_CONSENT);
  if (field != NULL && !parse_name_consent (field, &person->name_consent))
    {
      g_autofree char *value = quote_value (field);

      *message = g_strdup_printf (_("Line %u: the name consent column says “%s”; use yes or no."),
                                  line, value);
      return NULL;
    }

  field = get_field (fields, positions, CS_ROSTER_COLUMN_CONSENT_EXPIRES);
  if (field != NULL && !parse_date (field, &person->consent_expires))
    {
      g_autofree char *value = quote_value (field);

      *message = g_strdup_printf (_("Line %u: the consent expiry date “%s” is not a date "
                                  "Countersign can read; write it as YYYY-MM-DD "
                                  "(2027-08-31) or DD/MM/YYYY (31/08/2027), or leave "
                                  "it empty if consent does not expire."),
                                  line, value);
      return NULL;
    }

  field = get_field (fields, positions, CS_ROSTER_COLUMN_ROLE);
  if (field != NULL && !parse_role (field, &person->role))
    {
      g_autofree char *value = quote_value (field);

      *message = g_strdup_printf ("Line %u: the role column says “%s”; use pupil or staff.",
                                  line, value);
      return NULL;
    }

  person->id = clean_text (get_field (fields, positions, CS_ROSTER_COLUMN_ID));
  /* Without an id the line number is the only stable handle; it is enough
   * for one load, which is all the roster promises. */
  if (person->id == NULL)
    person->id = g_strdup_printf ("line-%u", line);

  person->preferred_name = clean_text (get_field (fields, positions, CS_ROSTER_COLUMN_PREFERRED_NAME));
  if (person->preferred_name != NULL && same_name (person->preferred_name, person->forename))
    g_clear_pointer (&person->preferred_name, g_free);

  person->class_name = clean_text (get_field (fields, positions, CS_ROSTER_COLUMN_CLASS));

  return g_steal_pointer (&person);
}

static gboolean
is_blank_row (GPtrArray *fields)
{
  for (guint i = 0; i < fields->len; i++)
    for (const char *p = g_ptr_array_index (fields, i); *p != '\0'; p++)
      if (!g_ascii_isspace (*p))
        return FALSE;

  return TRUE;
}

/* A line of the file to quote in a message, cut short at a character
 * boundary if it is long. */
static char *
excerpt (const char *text,
         gsize       len)
{
  const gsize max_len = 200;
  gsize cut = len;

  if (len <= max_len)
    return g_strndup (text, len);

  cut = max_len;
  while (cut > 0 && ((guchar) text[cut] & 0xC0) == 0x80)
    cut--;

  return g_strdup_printf ("%.*s…", (int) cut, text);
}

/* Whole-file checks
 * =================
 */

static void
set_too_large_error (GError  **error,
                     guint64   size)
{
  g_autofree char *size_text = g_format_size (size);

  g_set_error (error,
               CS_ROSTER_ERROR,
               CS_ROSTER_ERROR_TOO_LARGE,
               _("The roster file is %s, far more than any school roster; "
               "a roster can be at most 64 MiB. Check that this is the right file."),
               size_text);
}

/* Makes sure the data is text Countersign can read, converting it to UTF-8
 * when it is in an encoding we can recognise. Returns the text to parse
 * (@data itself, or a converted copy in @converted), or NULL with @error set.
 *
 * A file that is not UTF-8 anywhere, but has bytes above 127, is what Excel's
 * plain "CSV (Comma delimited)" writes on Windows: it is read as Windows-1252
 * and a note at line 0 says so, because an office seeing "RenÃ©e" later would
 * not know why. A file that is mostly UTF-8 with a few bad bytes is left
 * alone so that only the damaged rows are refused. */
static const char *
decode_text (const char     *data,
             gsize          *len,
             char          **converted,
             CsRosterTable  *table,
             GError        **error)
{
  const char *not_text_message =
    _("This file does not look like CSV text. Save the roster from your MIS "
    "or spreadsheet as “CSV UTF-8 (Comma delimited)” and load that file.");
  gsize n_valid = 0, n_invalid = 0;
  gsize converted_len = 0;

  *converted = NULL;

  if (*len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      *len -= 3;
    }
  else if (*len >= 2 &&
           (memcmp (data, "\xFF\xFE", 2) == 0 || memcmp (data, "\xFE\xFF", 2) == 0))
    {
      /* Excel's "Unicode Text" is UTF-16 with a byte order mark. */
      const char *from = (guchar) data[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";

      *converted = g_convert (data + 2, *len - 2, "UTF-8", from, NULL, &converted_len, NULL);
      if (*converted == NULL)
        {
          g_set_error_literal (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_NOT_TEXT,
                               not_text_message);
          return NULL;
        }
      data = *converted;
      *len = converted_len;
    }

  if ((*len >= 4 && memcmp (data, "PK\x03\x04", 4) == 0) ||
      (*len >= 4 && memcmp (data, "\xD0\xCF\x11\xE0", 4) == 0))
    {
      g_set_error_literal (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_NOT_TEXT,
                           _("This file is an Excel workbook, not CSV text. Open it "
                           "in Excel, choose Save As and “CSV UTF-8 (Comma "
                           "delimited)”, and load the file that makes."));
      return NULL;
    }

  if (memchr (data, '\0', *len) != NULL)
    {
      g_set_error_literal (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_NOT_TEXT,
                           not_text_message);
      return NULL;
    }

  if (g_utf8_validate (data, *len, NULL))
    return data;

  for (const char *p = data, *end = data + *len; p < end;)
    {
      gunichar c;

      if ((guchar) *p < 0x80)
        {
          p++;
          continue;
        }

      c = g_utf8_get_char_validated (p, end - p);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          n_invalid++;
          p++;
        }
      else
        {
          n_valid++;
          p = g_utf8_next_char (p);
        }
    }

  /* Text converted from UTF-16 is never reinterpreted. */
  if (n_valid > 0 || n_invalid == 0 || *converted != NULL)
    return data;

  /* Windows-1252 leaves five bytes undefined; Latin-1 maps every byte, so
   * it is the fallback that cannot fail. g_convert() sets the length even
   * when it fails, hence the separate variable. */
  *converted = g_convert (data, *len, "UTF-8", "WINDOWS-1252", NULL, &converted_len, NULL);
  if (*converted == NULL)
    *converted = g_convert (data, *len, "UTF-8", "ISO-8859-1", NULL, &converted_len, NULL);
  if (*converted == NULL)
    {
      g_set_error_literal (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_NOT_TEXT,
                           not_text_message);
      return NULL;
    }
  *len = converted_len;

  add_problem (table, 0,
               g_strdup (_("The file is not saved as UTF-8 text, so it was read as "
                         "Windows-1252, the way Excel saves “CSV (Comma delimited)”. "
                         "Check that accented names look right, and next time save "
                         "the roster as “CSV UTF-8 (Comma delimited)”.")));

  return *converted;
}

static void
set_no_rows_error (GError        **error,
                   CsRosterTable  *table,
                   guint           n_rows)
{
  g_autoptr(GString) message = g_string_new (NULL);
  guint n_quoted = 0;
  guint n_row_problems = 0;

  if (n_rows == 1)
    g_string_append (message, _("The one row in the roster could not be used."));
  else
    g_string_append_printf (message, g_dngettext (GETTEXT_PACKAGE,
                                                  "None of the %u row in the roster could be used.",
                                                  "None of the %u rows in the roster could be used.",
                                                  n_rows),
                            n_rows);

  for (guint i = 0; i < table->problems->len; i++)
    {
      const CsRosterProblem *problem = g_ptr_array_index (table->problems, i);

      /* Notes about the file as a whole are not the reason rows failed. */
      if (problem->line == 0)
        continue;

      n_row_problems++;
      if (n_quoted < MAX_PROBLEMS_IN_ERROR)
        {
          g_string_append_c (message, ' ');
          g_string_append (message, problem->message);
          n_quoted++;
        }
    }

  if (n_row_problems > n_quoted)
    {
      guint more = n_row_problems - n_quoted;

      g_string_append_c (message, ' ');
      if (more == 1)
        g_string_append (message, _("One more line has a problem too."));
      else
        g_string_append_printf (message, g_dngettext (GETTEXT_PACKAGE, "%u more line has a problem too.",
                                                      "%u more lines have problems too.", more),
                                more);
    }

  g_set_error_literal (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_NO_ROWS, message->str);
}

/* Parses a whole roster into a new table. Touches nothing shared, so it runs
 * on a worker thread as well as on the main one. */
static CsRosterTable *
cs_roster_parse (const char             *data,
                 gsize                   len,
                 const CsRosterColumns  *columns,
                 GError                **error)
{
  g_autoptr(CsRosterTable) table = cs_roster_table_new ();
  /* Declared before the reader, which points into it, so it is freed after. */
  g_autofree char *converted = NULL;
  g_autoptr(CsCsvReader) reader = NULL;
  g_autofree char *header_text = NULL;
  g_autoptr(GError) local_error = NULL;
  int positions[CS_ROSTER_N_COLUMNS];
  guint header_line = 0;
  guint n_header_fields = 0;
  guint n_rows = 0;

  if (data == NULL)
    data = "";

  if (len > MAX_ROSTER_SIZE)
    {
      set_too_large_error (error, len);
      return NULL;
    }

  data = decode_text (data, &len, &converted, table, error);
  if (data == NULL)
    return NULL;

  reader = cs_csv_reader_new (data, len);

  /* The header is the first line with anything on it. */
  for (;;)
    {
      g_autoptr(GError) row_error = NULL;
      GPtrArray *fields;
      const char *text;
      gsize text_len;
      guint line;

      if (!cs_csv_reader_next_row (reader, &fields, &line, &row_error))
        {
          if (row_error == NULL)
            {
              g_set_error_literal (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_EMPTY,
                                   _("The roster file is empty."));
              return NULL;
            }

          g_set_error (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_MISSING_COLUMN,
                       _("The header line of the roster cannot be read. %s."),
                       row_error->message);
          return NULL;
        }

      text = cs_csv_reader_get_row_text (reader, &text_len);

      if (!g_utf8_validate (text, text_len, NULL))
        {
          g_set_error (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_NOT_TEXT,
                       _("Line %u, the header, is not valid UTF-8 text; save the "
                       "file as “CSV UTF-8 (Comma delimited)”."),
                       line);
          return NULL;
        }

      if (is_blank_row (fields))
        continue;

      /* Excel writes "sep=," first when asked to name its separator. */
      if (header_line == 0 && text_len >= 4 && text_len <= 5 && memcmp (text, "sep=", 4) == 0)
        {
          header_line = line;
          continue;
        }

      header_line = line;
      header_text = excerpt (text, text_len);
      n_header_fields = fields->len;

      if (!cs_roster_columns_map (columns, fields, header_text, header_line, positions, &local_error))
        {
          /* A header that is one long cell was split on something other
           * than commas, which is worth saying in so many words. */
          if (n_header_fields == 1 && strpbrk (header_text, ";\t") != NULL)
            {
              char *message = g_strconcat (local_error->message,
                                           _(" The columns seem to be separated by "
                                           "semicolons or tabs rather than commas; save "
                                           "the file as “CSV UTF-8 (Comma delimited)”."),
                                           NULL);

              g_free (local_error->message);
              local_error->message = message;
            }

          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      break;
    }

  for (;;)
    {
      g_autoptr(GError) row_error = NULL;
      g_autofree char *message = NULL;
      CsPerson *person;
      CsPerson *first;
      GPtrArray *fields;
      const char *text;
      gsize text_len;
      guint line;

      if (!cs_csv_reader_next_row (reader, &fields, &line, &row_error))
        {
          if (row_error == NULL)
            break;

          n_rows++;
          add_problem (table, line, g_strconcat (row_error->message, ".", NULL));
          continue;
        }

      /* Validating the raw row, rather than each cell, also catches bad
       * bytes in columns we do not read: the same file will not be right
       * there either, and the office should hear about it. */
      text = cs_csv_reader_get_row_text (reader, &text_len);
      if (!g_utf8_validate (text, text_len, NULL))
        {
          n_rows++;
          add_problem (table, line,
                       g_strdup_printf (_("Line %u is not valid UTF-8 text; save the "
                                        "file as “CSV UTF-8 (Comma delimited)”."),
                                        line));
          continue;
        }

      if (is_blank_row (fields))
        continue;

      n_rows++;

      if (fields->len != n_header_fields)
        {
          add_problem (table, line,
                       g_strdup_printf (_("Line %u has %u fields but the header has %u; "
                                        "check for a missing comma or an unquoted "
                                        "comma inside a name."),
                                        line, fields->len, n_header_fields));
          continue;
        }

      person = parse_person (fields, positions, line, &message);
      if (person == NULL)
        {
          add_problem (table, line, g_steal_pointer (&message));
          continue;
        }

      first = g_hash_table_lookup (table->by_id, person->id);
      if (first != NULL)
        {
          g_autofree char *id = quote_value (person->id);

          add_problem (table, line,
                       g_strdup_printf (_("Line %u has the id “%s”, which line %u "
                                        "already uses; every person needs an id "
                                        "of their own."),
                                        line, id, first->line));
          cs_person_unref (person);
          continue;
        }

      g_hash_table_insert (table->by_id, person->id, person);
      g_ptr_array_add (table->people, person);
    }

  if (n_rows == 0)
    {
      g_set_error_literal (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_EMPTY,
                           _("The roster has a header line but no people under it."));
      return NULL;
    }

  if (table->people->len == 0)
    {
      set_no_rows_error (error, table, n_rows);
      return NULL;
    }

  return g_steal_pointer (&table);
}

/* Reads the file, refusing one that is too large before reading it in. */
static GBytes *
cs_roster_read_file (GFile         *file,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  char *contents = NULL;
  gsize len = 0;

  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE,
                            cancellable,
                            error);
  if (info == NULL)
    return NULL;

  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE) &&
      (guint64) g_file_info_get_size (info) > MAX_ROSTER_SIZE)
    {
      set_too_large_error (error, g_file_info_get_size (info));
      return NULL;
    }

  if (!g_file_load_contents (file, cancellable, &contents, &len, NULL, error))
    return NULL;

  return g_bytes_new_take (contents, len);
}

/* Swaps in @table (taking it) on the main thread. Returns FALSE, dropping
 * the table, when a load started later has already been applied. */
static gboolean
cs_roster_apply (CsRoster      *self,
                 CsRosterTable *table,
                 guint          serial)
{
  g_autoptr(CsRosterTable) old = NULL;

  if (serial < self->applied_serial)
    {
      cs_roster_table_free (table);
      return FALSE;
    }

  g_mutex_lock (&self->mutex);
  old = g_steal_pointer (&self->table);
  self->table = table;
  g_mutex_unlock (&self->mutex);

  self->applied_serial = serial;
  self->generation++;

  if (old->people->len != table->people->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PEOPLE]);

  g_signal_emit (self, signals[CHANGED], 0);

  return TRUE;
}

static void
cs_roster_finalize (GObject *object)
{
  CsRoster *self = (CsRoster *) object;

  g_clear_pointer (&self->table, cs_roster_table_free);
  g_clear_pointer (&self->columns, cs_roster_columns_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (cs_roster_parent_class)->finalize (object);
}

static void
cs_roster_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  CsRoster *self = CS_ROSTER (object);

  switch (prop_id)
    {
    case PROP_N_PEOPLE:
      g_value_set_uint (value, cs_roster_get_n_people (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_roster_class_init (CsRosterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cs_roster_finalize;
  object_class->get_property = cs_roster_get_property;

  properties[PROP_N_PEOPLE] =
    g_param_spec_uint ("n-people", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted on the main thread after every successful load, even when the
   * new file has the same people: their consent may have changed. */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 0);
}

static void
cs_roster_init (CsRoster *self)
{
  g_mutex_init (&self->mutex);
  self->table = cs_roster_table_new ();
  self->columns = cs_roster_columns_new ();
}

CsRoster *
cs_roster_new (void)
{
  return g_object_new (CS_TYPE_ROSTER, NULL);
}

gboolean
cs_roster_load_data (CsRoster    *self,
                     const char  *data,
                     gsize        len,
                     GError     **error)
{
  CsRosterTable *table;
  guint serial;

  g_return_val_if_fail (CS_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  serial = ++self->load_serial;

  table = cs_roster_parse (data, len, self->columns, error);
  if (table == NULL)
    return FALSE;

  cs_roster_apply (self, table, serial);

  return TRUE;
}

gboolean
cs_roster_load_file (CsRoster      *self,
                     GFile         *file,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GBytes) bytes = NULL;
  CsRosterTable *table;
  guint serial;

  g_return_val_if_fail (CS_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  serial = ++self->load_serial;

  bytes = cs_roster_read_file (file, cancellable, error);
  if (bytes == NULL)
    return FALSE;

  table = cs_roster_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                           self->columns, error);
  if (table == NULL)
    return FALSE;

  cs_roster_apply (self, table, serial);

  return TRUE;
}

typedef struct
{
  GFile           *file;
  CsRosterColumns *columns;
  guint            serial;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->file);
  g_clear_pointer (&data->columns, cs_roster_columns_free);
  g_free (data);
}

static void
cs_roster_load_file_thread (GTask        *task,
                            gpointer      source_object,
                            gpointer      task_data,
                            GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  CsRosterTable *table;

  bytes = cs_roster_read_file (data->file, cancellable, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  table = cs_roster_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                           data->columns, &error);
  if (table == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, table, (GDestroyNotify) cs_roster_table_free);
}

/* Runs on the context that started the load, so the swap and the signals
 * happen on the main thread whether or not the caller ever calls _finish. */
static void
cs_roster_load_file_parsed_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CsRoster *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  LoadData *data = g_task_get_task_data (G_TASK (result));
  CsRosterTable *table;

  table = g_task_propagate_pointer (G_TASK (result), &error);
  if (table == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!cs_roster_apply (self, table, data->serial))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "A roster picked later was loaded first");
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
cs_roster_load_file_async (CsRoster            *self,
                           GFile               *file,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  LoadData *data;

  g_return_if_fail (CS_IS_ROSTER (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_roster_load_file_async);

  /* The worker gets its own copy of the column aliases, so that adding one
   * on the main thread while it parses is safe. */
  data = g_new0 (LoadData, 1);
  data->file = g_object_ref (file);
  data->columns = cs_roster_columns_copy (self->columns);
  data->serial = ++self->load_serial;

  /* The worker holds no reference to the roster: the thread may let go of
   * its task after the result is delivered, and the roster must not outlive
   * its owner because of that. */
  worker = g_task_new (NULL, cancellable, cs_roster_load_file_parsed_cb, g_steal_pointer (&task));
  g_task_set_source_tag (worker, cs_roster_load_file_async);
  g_task_set_task_data (worker, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (worker, cs_roster_load_file_thread);
}

gboolean
cs_roster_load_file_finish (CsRoster      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (CS_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cs_roster_load_file_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

guint
cs_roster_get_n_people (CsRoster *self)
{
  guint n_people;

  g_return_val_if_fail (CS_IS_ROSTER (self), 0);

  g_mutex_lock (&self->mutex);
  n_people = self->table->people->len;
  g_mutex_unlock (&self->mutex);

  return n_people;
}

static gpointer
copy_person (gconstpointer person,
             gpointer      user_data)
{
  return cs_person_ref ((CsPerson *) person);
}

/* Safe to call from any thread. */
GPtrArray *
cs_roster_dup_people (CsRoster *self)
{
  GPtrArray *people;

  g_return_val_if_fail (CS_IS_ROSTER (self), NULL);

  g_mutex_lock (&self->mutex);
  people = g_ptr_array_copy (self->table->people, copy_person, NULL);
  g_mutex_unlock (&self->mutex);

  g_ptr_array_set_free_func (people, (GDestroyNotify) cs_person_unref);

  return people;
}

/* Returns the person (owned by the roster, valid until the next successful
 * load) or NULL. Main thread only: use cs_roster_dup_people() elsewhere. */
CsPerson *
cs_roster_lookup (CsRoster   *self,
                  const char *id)
{
  g_return_val_if_fail (CS_IS_ROSTER (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->table->by_id, id);
}

/* Owned by the roster; never NULL. Main thread only. */
GPtrArray *
cs_roster_get_problems (CsRoster *self)
{
  g_return_val_if_fail (CS_IS_ROSTER (self), NULL);

  return self->table->problems;
}

guint
cs_roster_get_generation (CsRoster *self)
{
  g_return_val_if_fail (CS_IS_ROSTER (self), 0);

  return self->generation;
}

gboolean
cs_roster_add_column_alias (CsRoster   *self,
                            const char *header,
                            const char *canonical)
{
  g_return_val_if_fail (CS_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (header != NULL, FALSE);
  g_return_val_if_fail (canonical != NULL, FALSE);

  return cs_roster_columns_add_alias (self->columns, header, canonical);
}
