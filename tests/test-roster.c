/* test-roster.c: tests for the roster, its CSV reader and its column mapping
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "cs-csv-reader.h"
#include "cs-person.h"
#include "cs-roster.h"
#include "cs-roster-columns.h"

static char *
data_path (const char *name)
{
#ifdef TEST_DATA_DIR
  return g_build_filename (TEST_DATA_DIR, name, NULL);
#else
  return g_test_build_filename (G_TEST_DIST, "data", name, NULL);
#endif
}

static GFile *
data_file (const char *name)
{
  g_autofree char *path = data_path (name);

  return g_file_new_for_path (path);
}

/* A roster plus counts of what it told its listeners. */
typedef struct
{
  CsRoster *roster;
  guint     n_changed;
  guint     n_notify;
} RosterFixture;

static void
changed_cb (CsRoster      *roster,
            RosterFixture *fixture)
{
  fixture->n_changed++;
}

static void
notify_cb (CsRoster      *roster,
           GParamSpec    *pspec,
           RosterFixture *fixture)
{
  fixture->n_notify++;
}

static void
roster_fixture_set_up (RosterFixture *fixture,
                       gconstpointer  user_data)
{
  fixture->roster = cs_roster_new ();
  fixture->n_changed = 0;
  fixture->n_notify = 0;

  g_signal_connect (fixture->roster, "changed", G_CALLBACK (changed_cb), fixture);
  g_signal_connect (fixture->roster, "notify::n-people", G_CALLBACK (notify_cb), fixture);
}

static void
roster_fixture_tear_down (RosterFixture *fixture,
                          gconstpointer  user_data)
{
  g_assert_finalize_object (g_steal_pointer (&fixture->roster));
}

static void
load_fixture_file (RosterFixture *fixture,
                   const char    *name)
{
  g_autoptr(GFile) file = data_file (name);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = cs_roster_load_file (fixture->roster, file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
load_string (RosterFixture *fixture,
             const char    *text)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = cs_roster_load_data (fixture->roster, text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static const CsRosterProblem *
find_problem (CsRoster *roster,
              guint     line)
{
  GPtrArray *problems = cs_roster_get_problems (roster);

  for (guint i = 0; i < problems->len; i++)
    {
      const CsRosterProblem *problem = g_ptr_array_index (problems, i);

      if (problem->line == line)
        return problem;
    }

  return NULL;
}

/* Asserts that @line has a problem whose message names the line and
 * contains each of the NULL-terminated strings that follow. */
static void
assert_problem (CsRoster   *roster,
                guint       line,
                const char *first,
                ...)
{
  const CsRosterProblem *problem = find_problem (roster, line);
  g_autofree char *line_text = g_strdup_printf ("Line %u", line);
  va_list args;

  if (problem == NULL)
    g_error ("expected a problem on line %u", line);

  g_assert_nonnull (strstr (problem->message, line_text));

  va_start (args, first);
  for (const char *part = first; part != NULL; part = va_arg (args, const char *))
    if (strstr (problem->message, part) == NULL)
      g_error ("problem on line %u, “%s”, does not mention “%s”",
               line, problem->message, part);
  va_end (args);
}

static void
assert_problem_lines (CsRoster    *roster,
                      const guint *lines,
                      guint        n_lines)
{
  GPtrArray *problems = cs_roster_get_problems (roster);

  g_assert_cmpuint (problems->len, ==, n_lines);
  for (guint i = 0; i < n_lines; i++)
    {
      const CsRosterProblem *problem = g_ptr_array_index (problems, i);

      g_assert_cmpuint (problem->line, ==, lines[i]);
    }
}

/* CsPerson
 * ========
 */

static void
test_person_names (void)
{
  g_autoptr(CsPerson) person = cs_person_new ();
  g_autoptr(CsPerson) copy = NULL;
  g_autofree char *display = NULL;
  g_autofree char *display_preferred = NULL;

  person->forename = g_strdup ("Oswin");
  person->surname = g_strdup ("Ferraby");

  g_assert_cmpstr (cs_person_get_known_as (person), ==, "Oswin");
  display = cs_person_dup_display_name (person);
  g_assert_cmpstr (display, ==, "Oswin Ferraby");

  person->preferred_name = g_strdup ("Oz");
  g_assert_cmpstr (cs_person_get_known_as (person), ==, "Oz");
  display_preferred = cs_person_dup_display_name (person);
  g_assert_cmpstr (display_preferred, ==, "Oz Ferraby");

  /* The boxed copy is a new reference to the same person. */
  copy = g_boxed_copy (CS_TYPE_PERSON, person);
  g_assert_true (copy == person);

  g_assert_cmpstr (cs_consent_to_string (CS_CONSENT_YES), ==, "yes");
  g_assert_cmpstr (cs_consent_to_string (CS_CONSENT_NO), ==, "no");
  g_assert_cmpstr (cs_consent_to_string (CS_CONSENT_NEVER), ==, "never");
}

static void
test_person_consent (void)
{
  g_autoptr(CsPerson) person = cs_person_new ();
  g_autoptr(GDate) before = g_date_new_dmy (30, G_DATE_AUGUST, 2027);
  g_autoptr(GDate) on = g_date_new_dmy (31, G_DATE_AUGUST, 2027);
  g_autoptr(GDate) after = g_date_new_dmy (1, G_DATE_SEPTEMBER, 2027);

  person->forename = g_strdup ("Tamsin");
  person->surname = g_strdup ("Pellow");
  person->photo_consent = CS_CONSENT_YES;
  person->name_consent = TRUE;

  /* No expiry date: consent holds on any day. */
  g_assert_false (cs_person_is_expired (person, after));
  g_assert_true (cs_person_may_be_pictured (person, after));
  g_assert_true (cs_person_may_be_named (person, NULL));

  /* The expiry date is the last day consent holds. */
  person->consent_expires = g_date_new_dmy (31, G_DATE_AUGUST, 2027);
  g_assert_false (cs_person_is_expired (person, before));
  g_assert_false (cs_person_is_expired (person, on));
  g_assert_true (cs_person_is_expired (person, after));
  g_assert_true (cs_person_may_be_pictured (person, on));
  g_assert_false (cs_person_may_be_pictured (person, after));
  g_assert_true (cs_person_may_be_named (person, on));
  g_assert_false (cs_person_may_be_named (person, after));

  /* Today's real date is long past 2000 and long before 2999. */
  g_date_set_dmy (person->consent_expires, 1, G_DATE_JANUARY, 2000);
  g_assert_true (cs_person_is_expired (person, NULL));
  g_date_set_dmy (person->consent_expires, 1, G_DATE_JANUARY, 2999);
  g_assert_false (cs_person_is_expired (person, NULL));

  person->photo_consent = CS_CONSENT_NEVER;
  g_assert_false (cs_person_may_be_pictured (person, before));
  person->photo_consent = CS_CONSENT_NO;
  g_assert_false (cs_person_may_be_pictured (person, before));
}

/* CsCsvReader
 * ===========
 */

static void
assert_row (CsCsvReader *reader,
            guint        expected_line,
            const char  *first,
            ...)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *fields = NULL;
  guint line = 0;
  guint i = 0;
  va_list args;

  g_assert_true (cs_csv_reader_next_row (reader, &fields, &line, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (line, ==, expected_line);

  va_start (args, first);
  for (const char *field = first; field != NULL; field = va_arg (args, const char *))
    {
      g_assert_cmpuint (i, <, fields->len);
      g_assert_cmpstr (g_ptr_array_index (fields, i), ==, field);
      i++;
    }
  va_end (args);

  g_assert_cmpuint (i, ==, fields->len);
}

static void
assert_end (CsCsvReader *reader)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *fields = NULL;

  g_assert_false (cs_csv_reader_next_row (reader, &fields, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (fields);
}

static void
test_csv_line_endings (void)
{
  static const char data[] = "\xEF\xBB\xBF" "a,b\r\nc,d\re,f\ng,\n";
  g_autoptr(CsCsvReader) reader = cs_csv_reader_new (data, strlen (data));
  const char *text;
  gsize len;

  assert_row (reader, 1, "a", "b", NULL);
  text = cs_csv_reader_get_row_text (reader, &len);
  g_assert_cmpmem (text, len, "a,b", 3);

  assert_row (reader, 2, "c", "d", NULL);
  assert_row (reader, 3, "e", "f", NULL);
  /* A trailing comma is an empty last field; the final line break does not
   * start another row. */
  assert_row (reader, 4, "g", "", NULL);
  assert_end (reader);
  assert_end (reader);
}

static void
test_csv_quotes (void)
{
  static const char data[] =
    "\"Smith, Jr\",\"say \"\"hi\"\"\",plain\n"
    "one,\"two\nlines\",\"three\r\nwith crlf\"\n"
    "O\"Neill,\"\",\"Smith\" Jr\n"
    "\n"
    "last";
  g_autoptr(CsCsvReader) reader = cs_csv_reader_new (data, strlen (data));

  assert_row (reader, 1, "Smith, Jr", "say \"hi\"", "plain", NULL);
  assert_row (reader, 2, "one", "two\nlines", "three\r\nwith crlf", NULL);
  /* Lines 2 to 4 were one row, so the next starts on line 5. */
  assert_row (reader, 5, "O\"Neill", "", "Smith Jr", NULL);
  assert_row (reader, 6, "", NULL);
  assert_row (reader, 7, "last", NULL);
  assert_end (reader);
}

static void
test_csv_unterminated_quote (void)
{
  static const char data[] = "a,b\nc,\"d\ne,f\n";
  g_autoptr(CsCsvReader) reader = cs_csv_reader_new (data, strlen (data));
  g_autoptr(GError) error = NULL;
  GPtrArray *fields = NULL;
  guint line = 0;

  assert_row (reader, 1, "a", "b", NULL);

  g_assert_false (cs_csv_reader_next_row (reader, &fields, &line, &error));
  g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_UNTERMINATED_QUOTE);
  g_assert_nonnull (strstr (error->message, "Line 2"));
  g_assert_cmpuint (line, ==, 2);

  /* The reader carries on after the broken line. */
  assert_row (reader, 3, "e", "f", NULL);
  assert_end (reader);
}

static void
test_csv_empty (void)
{
  g_autoptr(CsCsvReader) reader = cs_csv_reader_new ("", 0);
  g_autoptr(CsCsvReader) bom_only = cs_csv_reader_new ("\xEF\xBB\xBF", 3);
  g_autoptr(CsCsvReader) null_data = cs_csv_reader_new (NULL, 0);

  assert_end (reader);
  assert_end (bom_only);
  assert_end (null_data);
}

/* CsRosterColumns
 * ===============
 */

static void
test_columns_fold (void)
{
  static const char * const same[] = {
    "Preferred Forename", "preferred_forename", "PREFERRED-FORENAME",
    " preferred.forename ", "Preferred  (Forename)",
  };
  g_autoptr(CsRosterColumns) columns = cs_roster_columns_new ();

  for (guint i = 0; i < G_N_ELEMENTS (same); i++)
    {
      g_autofree char *key = cs_roster_columns_fold (same[i]);
      CsRosterColumn column;

      g_assert_cmpstr (key, ==, "preferredforename");
      g_assert_true (cs_roster_columns_lookup (columns, same[i], &column, NULL));
      g_assert_cmpint (column, ==, CS_ROSTER_COLUMN_PREFERRED_NAME);
    }
}

static void
test_columns_aliases (void)
{
  static const struct {
    const char     *header;
    CsRosterColumn  column;
  } cases[] = {
    { "UPN", CS_ROSTER_COLUMN_ID },
    { "Admission Number", CS_ROSTER_COLUMN_ID },
    { "Adno", CS_ROSTER_COLUMN_ID },
    { "Person ID", CS_ROSTER_COLUMN_ID },
    { "Legal Forename", CS_ROSTER_COLUMN_FORENAME },
    { "First Name", CS_ROSTER_COLUMN_FORENAME },
    { "Given Name", CS_ROSTER_COLUMN_FORENAME },
    { "Legal Surname", CS_ROSTER_COLUMN_SURNAME },
    { "Last Name", CS_ROSTER_COLUMN_SURNAME },
    { "Family Name", CS_ROSTER_COLUMN_SURNAME },
    { "Known As", CS_ROSTER_COLUMN_PREFERRED_NAME },
    { "Preferred Name", CS_ROSTER_COLUMN_PREFERRED_NAME },
    { "Reg Group", CS_ROSTER_COLUMN_CLASS },
    { "Registration Group", CS_ROSTER_COLUMN_CLASS },
    { "Form", CS_ROSTER_COLUMN_CLASS },
    { "Year Group", CS_ROSTER_COLUMN_CLASS },
    { "Type", CS_ROSTER_COLUMN_ROLE },
    { "Person Type", CS_ROSTER_COLUMN_ROLE },
    { "Photographs - Social Media", CS_ROSTER_COLUMN_PHOTO_CONSENT },
    { "Photo Consent", CS_ROSTER_COLUMN_PHOTO_CONSENT },
    { "Photograph Consent", CS_ROSTER_COLUMN_PHOTO_CONSENT },
    { "Consent - Photographs (Social Media)", CS_ROSTER_COLUMN_PHOTO_CONSENT },
    { "Name Consent", CS_ROSTER_COLUMN_NAME_CONSENT },
    { "Names - Social Media", CS_ROSTER_COLUMN_NAME_CONSENT },
    { "Consent - Name (Social Media)", CS_ROSTER_COLUMN_NAME_CONSENT },
    { "Consent Expires", CS_ROSTER_COLUMN_CONSENT_EXPIRES },
    { "Consent Expiry", CS_ROSTER_COLUMN_CONSENT_EXPIRES },
    { "Consent Review Date", CS_ROSTER_COLUMN_CONSENT_EXPIRES },
  };
  g_autoptr(CsRosterColumns) columns = cs_roster_columns_new ();
  g_autoptr(CsRosterColumns) copy = NULL;
  CsRosterColumn column;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      if (!cs_roster_columns_lookup (columns, cases[i].header, &column, NULL))
        g_error ("“%s” did not match a column", cases[i].header);
      g_assert_cmpint (column, ==, cases[i].column);
    }

  g_assert_false (cs_roster_columns_lookup (columns, "Gender", NULL, NULL));
  g_assert_false (cs_roster_columns_lookup (columns, "---", NULL, NULL));

  /* An added alias beats the built-in meaning of the same header. */
  g_assert_true (cs_roster_columns_add_alias (columns, "Type", "class"));
  g_assert_false (cs_roster_columns_add_alias (columns, "Colour", "favourite_colour"));
  g_assert_false (cs_roster_columns_add_alias (columns, "--", "class"));
  g_assert_true (cs_roster_columns_lookup (columns, "type", &column, NULL));
  g_assert_cmpint (column, ==, CS_ROSTER_COLUMN_CLASS);

  copy = cs_roster_columns_copy (columns);
  g_assert_true (cs_roster_columns_lookup (copy, "TYPE", &column, NULL));
  g_assert_cmpint (column, ==, CS_ROSTER_COLUMN_CLASS);

  for (guint i = 0; i < CS_ROSTER_N_COLUMNS; i++)
    {
      g_assert_true (cs_roster_column_from_string (cs_roster_column_to_string (i), &column));
      g_assert_cmpint (column, ==, (CsRosterColumn) i);
    }
}

/* CsRoster
 * ========
 */

static void
test_loads_canonical_any_order (RosterFixture *fixture,
                                gconstpointer  user_data)
{
  CsPerson *person;

  load_fixture_file (fixture, "roster-canonical.csv");

  g_assert_cmpuint (cs_roster_get_n_people (fixture->roster), ==, 6);
  g_assert_cmpuint (cs_roster_get_problems (fixture->roster)->len, ==, 0);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  g_assert_cmpuint (fixture->n_notify, ==, 1);
  g_assert_cmpuint (cs_roster_get_generation (fixture->roster), ==, 1);

  person = cs_roster_lookup (fixture->roster, "TC-P001");
  g_assert_nonnull (person);
  g_assert_cmpstr (person->forename, ==, "Tamsin");
  g_assert_cmpstr (person->surname, ==, "Pellow");
  g_assert_null (person->preferred_name);
  g_assert_cmpstr (person->class_name, ==, "Kestrel");
  g_assert_cmpint (person->role, ==, CS_ROLE_PUPIL);
  g_assert_cmpint (person->photo_consent, ==, CS_CONSENT_YES);
  g_assert_false (person->name_consent);
  g_assert_nonnull (person->consent_expires);
  g_assert_cmpint (g_date_get_year (person->consent_expires), ==, 2027);
  g_assert_cmpint (g_date_get_month (person->consent_expires), ==, G_DATE_AUGUST);
  g_assert_cmpint (g_date_get_day (person->consent_expires), ==, 31);
  g_assert_cmpuint (person->line, ==, 2);

  person = cs_roster_lookup (fixture->roster, "TC-P002");
  g_assert_cmpstr (person->preferred_name, ==, "Oz");
  g_assert_true (person->name_consent);
  g_assert_cmpint (person->role, ==, CS_ROLE_PUPIL);

  /* A preferred name that repeats the forename is no preferred name. */
  person = cs_roster_lookup (fixture->roster, "TC-P003");
  g_assert_null (person->preferred_name);
  g_assert_null (person->consent_expires);
  g_assert_cmpint (person->role, ==, CS_ROLE_PUPIL);

  person = cs_roster_lookup (fixture->roster, "TC-P004");
  g_assert_cmpint (person->photo_consent, ==, CS_CONSENT_NEVER);

  person = cs_roster_lookup (fixture->roster, "TC-S001");
  g_assert_cmpint (person->role, ==, CS_ROLE_STAFF);
  g_assert_cmpstr (cs_person_get_known_as (person), ==, "Rhi");

  person = cs_roster_lookup (fixture->roster, "TC-S002");
  g_assert_cmpint (person->role, ==, CS_ROLE_STAFF);

  g_assert_null (cs_roster_lookup (fixture->roster, "TC-P999"));
}

static void
test_loads_mis_export (RosterFixture *fixture,
                       gconstpointer  user_data)
{
  CsPerson *person;

  load_fixture_file (fixture, "roster-mis-export.csv");

  g_assert_cmpuint (cs_roster_get_n_people (fixture->roster), ==, 4);
  g_assert_cmpuint (cs_roster_get_problems (fixture->roster)->len, ==, 0);

  person = cs_roster_lookup (fixture->roster, "A123456789012");
  g_assert_nonnull (person);
  g_assert_cmpstr (person->forename, ==, "Temperance");
  g_assert_cmpstr (person->surname, ==, "Okafor-Lund");
  g_assert_cmpstr (person->preferred_name, ==, "Tempe");
  /* Both Reg Group and Year Group are there; the more specific one wins
   * even though Year Group comes first. */
  g_assert_cmpstr (person->class_name, ==, "3 Rowan");
  g_assert_cmpint (person->role, ==, CS_ROLE_PUPIL);
  g_assert_cmpint (person->photo_consent, ==, CS_CONSENT_YES);
  /* No name consent column: nobody may be named. */
  g_assert_false (person->name_consent);
  g_assert_cmpint (g_date_get_day (person->consent_expires), ==, 31);
  g_assert_cmpint (g_date_get_month (person->consent_expires), ==, G_DATE_AUGUST);
  g_assert_cmpint (g_date_get_year (person->consent_expires), ==, 2027);

  person = cs_roster_lookup (fixture->roster, "B223456789012");
  g_assert_cmpint (person->photo_consent, ==, CS_CONSENT_NO);
  g_assert_null (person->preferred_name);

  person = cs_roster_lookup (fixture->roster, "C323456789012");
  g_assert_cmpint (person->photo_consent, ==, CS_CONSENT_NEVER);
  g_assert_null (person->preferred_name);
  g_assert_null (person->consent_expires);
  g_assert_cmpstr (person->class_name, ==, "4 Alder");

  /* UK order with single digits: the 1st of September. */
  person = cs_roster_lookup (fixture->roster, "D423456789012");
  g_assert_cmpint (g_date_get_day (person->consent_expires), ==, 1);
  g_assert_cmpint (g_date_get_month (person->consent_expires), ==, G_DATE_SEPTEMBER);
  g_assert_cmpint (g_date_get_year (person->consent_expires), ==, 2026);
}

static void
test_year_group_alone (RosterFixture *fixture,
                       gconstpointer  user_data)
{
  CsPerson *person;

  load_string (fixture,
               "Forename,Surname,Year Group,Photo Consent\n"
               "Ivo,Sandoval,Year 5,yes\n");

  person = cs_roster_lookup (fixture->roster, "line-2");
  g_assert_nonnull (person);
  g_assert_cmpstr (person->class_name, ==, "Year 5");
}

static void
test_custom_alias (RosterFixture *fixture,
                   gconstpointer  user_data)
{
  static const char data[] =
    "Pupil Ref,Christian Name,Family,Pictures OK,Naming OK\n"
    "CA-1,Ambrose,Penhaligon,Yes,No\n";
  g_autoptr(GError) error = NULL;
  CsPerson *person;

  g_assert_false (cs_roster_load_data (fixture->roster, data, strlen (data), &error));
  g_assert_error (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_MISSING_COLUMN);
  g_clear_error (&error);

  g_assert_true (cs_roster_add_column_alias (fixture->roster, "Pupil Ref", "id"));
  g_assert_true (cs_roster_add_column_alias (fixture->roster, "Christian Name", "forename"));
  g_assert_true (cs_roster_add_column_alias (fixture->roster, "family", "SURNAME"));
  g_assert_true (cs_roster_add_column_alias (fixture->roster, "Pictures OK", "photo_consent"));
  g_assert_true (cs_roster_add_column_alias (fixture->roster, "Naming OK", "Name Consent"));
  g_assert_false (cs_roster_add_column_alias (fixture->roster, "Shoe Size", "shoe_size"));

  load_string (fixture, data);

  person = cs_roster_lookup (fixture->roster, "CA-1");
  g_assert_nonnull (person);
  g_assert_cmpstr (person->forename, ==, "Ambrose");
  g_assert_cmpstr (person->surname, ==, "Penhaligon");
  g_assert_cmpint (person->photo_consent, ==, CS_CONSENT_YES);
  g_assert_false (person->name_consent);
}

static void
test_consent_values (RosterFixture *fixture,
                     gconstpointer  user_data)
{
  static const struct {
    const char *photo;
    const char *name;
    CsConsent   photo_consent;
    gboolean    name_consent;
  } cases[] = {
    { "yes", "yes", CS_CONSENT_YES, TRUE },
    { "Y", "TRUE", CS_CONSENT_YES, TRUE },
    { "1", "Granted", CS_CONSENT_YES, TRUE },
    { " Given ", "consented", CS_CONSENT_YES, TRUE },
    { "no", "no", CS_CONSENT_NO, FALSE },
    { "N", "false", CS_CONSENT_NO, FALSE },
    { "0", "Refused", CS_CONSENT_NO, FALSE },
    { "withdrawn", "", CS_CONSENT_NO, FALSE },
    { "", "never", CS_CONSENT_NO, FALSE },
    { "never", "no", CS_CONSENT_NEVER, FALSE },
    { "NEVER", "no", CS_CONSENT_NEVER, FALSE },
    { "Do not photograph", "no", CS_CONSENT_NEVER, FALSE },
    { "never  photograph", "no", CS_CONSENT_NEVER, FALSE },
  };
  g_autoptr(GString) data = g_string_new ("id,forename,surname,photo_consent,name_consent\n");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_string_append_printf (data, "CV-%u,Nell,Gwynne,\"%s\",\"%s\"\n",
                            i, cases[i].photo, cases[i].name);

  load_string (fixture, data->str);
  g_assert_cmpuint (cs_roster_get_problems (fixture->roster)->len, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *id = g_strdup_printf ("CV-%u", i);
      CsPerson *person = cs_roster_lookup (fixture->roster, id);

      g_assert_nonnull (person);
      g_assert_cmpint (person->photo_consent, ==, cases[i].photo_consent);
      g_assert_cmpint (person->name_consent, ==, cases[i].name_consent);
    }
}

static void
test_never (RosterFixture *fixture,
            gconstpointer  user_data)
{
  g_autoptr(GDate) today = g_date_new_dmy (1, G_DATE_JANUARY, 2026);
  CsPerson *person;

  load_fixture_file (fixture, "roster-bad-rows.csv");

  person = cs_roster_lookup (fixture->roster, "BR-009");
  g_assert_nonnull (person);
  g_assert_cmpint (person->photo_consent, ==, CS_CONSENT_NEVER);
  g_assert_false (cs_person_may_be_pictured (person, today));
  g_assert_true (cs_person_may_be_named (person, today));

  /* In the name column "never" is simply no. */
  person = cs_roster_lookup (fixture->roster, "BR-010");
  g_assert_nonnull (person);
  g_assert_false (person->name_consent);
  g_assert_false (cs_person_may_be_named (person, today));
}

static void
test_expired_consent (RosterFixture *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GDate) summer = g_date_new_dmy (31, G_DATE_JULY, 2026);
  g_autoptr(GDate) autumn = g_date_new_dmy (1, G_DATE_SEPTEMBER, 2026);
  CsPerson *expiring;
  CsPerson *lasting;

  load_string (fixture,
               "id,forename,surname,photo_consent,name_consent,consent_expires\n"
               "EX-1,Posy,Treloar,yes,yes,31/08/2026\n"
               "EX-2,Rafferty,Kemble,yes,yes,2027-08-31\n");

  expiring = cs_roster_lookup (fixture->roster, "EX-1");
  lasting = cs_roster_lookup (fixture->roster, "EX-2");

  g_assert_true (cs_person_may_be_pictured (expiring, summer));
  g_assert_true (cs_person_may_be_named (expiring, summer));
  g_assert_true (cs_person_is_expired (expiring, autumn));
  g_assert_false (cs_person_may_be_pictured (expiring, autumn));
  g_assert_false (cs_person_may_be_named (expiring, autumn));

  g_assert_true (cs_person_may_be_pictured (lasting, autumn));
  g_assert_true (cs_person_may_be_named (lasting, autumn));
}

static void
test_missing_column_keeps_previous (RosterFixture *fixture,
                                    gconstpointer  user_data)
{
  g_autoptr(GFile) file = data_file ("roster-missing-surname.csv");
  g_autoptr(GError) error = NULL;

  load_fixture_file (fixture, "roster-canonical.csv");
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  g_assert_false (cs_roster_load_file (fixture->roster, file, NULL, &error));
  g_assert_error (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_MISSING_COLUMN);
  g_assert_nonnull (strstr (error->message, "no surname column"));
  g_assert_nonnull (strstr (error->message, "The first line reads"));
  g_assert_nonnull (strstr (error->message, "id,forename,class,photo_consent,name_consent"));

  g_assert_cmpuint (cs_roster_get_n_people (fixture->roster), ==, 6);
  g_assert_nonnull (cs_roster_lookup (fixture->roster, "TC-P001"));
  g_assert_null (cs_roster_lookup (fixture->roster, "MS-1"));
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  g_assert_cmpuint (fixture->n_notify, ==, 1);
  g_assert_cmpuint (cs_roster_get_generation (fixture->roster), ==, 1);
}

static void
test_missing_several_columns (RosterFixture *fixture,
                              gconstpointer  user_data)
{
  static const char data[] = "id,given,class\nX,Y,Z\n";
  g_autoptr(GError) error = NULL;

  g_assert_false (cs_roster_load_data (fixture->roster, data, strlen (data), &error));
  g_assert_error (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_MISSING_COLUMN);
  g_assert_nonnull (strstr (error->message, "no forename, surname or consent column"));
  g_assert_nonnull (strstr (error->message, "id,given,class"));
  g_assert_cmpuint (fixture->n_changed, ==, 0);
}

static void
test_semicolon_header (RosterFixture *fixture,
                       gconstpointer  user_data)
{
  static const char data[] = "id;forename;surname;photo_consent\nS;A;B;yes\n";
  g_autoptr(GError) error = NULL;

  g_assert_false (cs_roster_load_data (fixture->roster, data, strlen (data), &error));
  g_assert_error (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_MISSING_COLUMN);
  g_assert_nonnull (strstr (error->message, "semicolons"));
}

static void
test_rejects_unknown_consent_value (RosterFixture *fixture,
                                    gconstpointer  user_data)
{
  load_fixture_file (fixture, "roster-bad-rows.csv");

  g_assert_null (cs_roster_lookup (fixture->roster, "BR-002"));
  assert_problem (fixture->roster, 3, "photo consent", "“maybe”", "yes, no or never", NULL);

  g_assert_null (cs_roster_lookup (fixture->roster, "BR-011"));
  assert_problem (fixture->roster, 13, "name consent", "“perhaps”", "yes or no", NULL);
}

static void
test_bad_rows (RosterFixture *fixture,
               gconstpointer  user_data)
{
  static const guint lines[] = { 3, 5, 6, 7, 8, 9, 13, 14 };
  g_autoptr(GPtrArray) people = NULL;

  load_fixture_file (fixture, "roster-bad-rows.csv");

  people = cs_roster_dup_people (fixture->roster);
  g_assert_cmpuint (people->len, ==, 4);
  g_assert_cmpstr (((CsPerson *) g_ptr_array_index (people, 0))->id, ==, "BR-001");
  g_assert_cmpstr (((CsPerson *) g_ptr_array_index (people, 1))->id, ==, "BR-003");
  g_assert_cmpstr (((CsPerson *) g_ptr_array_index (people, 2))->id, ==, "BR-009");
  g_assert_cmpstr (((CsPerson *) g_ptr_array_index (people, 3))->id, ==, "BR-010");

  assert_problem_lines (fixture->roster, lines, G_N_ELEMENTS (lines));
  assert_problem (fixture->roster, 7, "no surname", NULL);
  assert_problem (fixture->roster, 9, "role", "“governor”", "pupil or staff", NULL);
}

static void
test_rejects_duplicate_id (RosterFixture *fixture,
                           gconstpointer  user_data)
{
  CsPerson *person;

  load_fixture_file (fixture, "roster-bad-rows.csv");

  /* The first keeps the id; the second is the one reported. */
  person = cs_roster_lookup (fixture->roster, "BR-001");
  g_assert_cmpstr (person->forename, ==, "Jessamy");
  g_assert_cmpuint (person->line, ==, 2);
  assert_problem (fixture->roster, 5, "“BR-001”", "line 2", NULL);
}

static void
test_rejects_wrong_field_count (RosterFixture *fixture,
                                gconstpointer  user_data)
{
  load_fixture_file (fixture, "roster-bad-rows.csv");

  g_assert_null (cs_roster_lookup (fixture->roster, "BR-005"));
  assert_problem (fixture->roster, 6, "has 8 fields but the header has 9",
                  "missing comma", NULL);
}

static void
test_rejects_invalid_utf8 (RosterFixture *fixture,
                           gconstpointer  user_data)
{
  static const guint lines[] = { 3 };
  CsPerson *person;

  load_fixture_file (fixture, "roster-invalid-utf8.csv");

  g_assert_cmpuint (cs_roster_get_n_people (fixture->roster), ==, 2);
  person = cs_roster_lookup (fixture->roster, "IU-1");
  g_assert_cmpstr (person->forename, ==, "Zoë");
  g_assert_null (cs_roster_lookup (fixture->roster, "IU-2"));
  g_assert_nonnull (cs_roster_lookup (fixture->roster, "IU-3"));

  assert_problem_lines (fixture->roster, lines, G_N_ELEMENTS (lines));
  assert_problem (fixture->roster, 3, "not valid UTF-8", "CSV UTF-8", NULL);
}

static void
test_reads_windows_1252 (RosterFixture *fixture,
                         gconstpointer  user_data)
{
  CsPerson *person;

  load_fixture_file (fixture, "roster-windows-1252.csv");

  g_assert_cmpuint (cs_roster_get_n_people (fixture->roster), ==, 2);
  person = cs_roster_lookup (fixture->roster, "W-1");
  g_assert_cmpstr (person->forename, ==, "Renée");
  person = cs_roster_lookup (fixture->roster, "W-2");
  g_assert_cmpstr (person->forename, ==, "Naïma");

  /* The conversion is noted against the file as a whole. */
  g_assert_cmpuint (cs_roster_get_problems (fixture->roster)->len, ==, 1);
  g_assert_nonnull (find_problem (fixture->roster, 0));
  g_assert_nonnull (strstr (find_problem (fixture->roster, 0)->message, "Windows-1252"));
}

static void
test_reads_bom_and_crlf (RosterFixture *fixture,
                         gconstpointer  user_data)
{
  CsPerson *person;

  load_fixture_file (fixture, "roster-bom-crlf.csv");

  g_assert_cmpuint (cs_roster_get_n_people (fixture->roster), ==, 3);
  g_assert_cmpuint (cs_roster_get_problems (fixture->roster)->len, ==, 0);

  /* Had the byte order mark been kept, the id column would not match and
   * every id would be made up from its line. */
  person = cs_roster_lookup (fixture->roster, "BC-1");
  g_assert_nonnull (person);
  g_assert_cmpstr (person->surname, ==, "Pendleford, Jr");
  g_assert_cmpint (person->photo_consent, ==, CS_CONSENT_YES);
  g_assert_false (person->name_consent);
  g_assert_cmpuint (person->line, ==, 2);

  /* A line break inside a class name is tidied to one space. */
  person = cs_roster_lookup (fixture->roster, "BC-2");
  g_assert_cmpstr (person->class_name, ==, "Linnet annexe");
  g_assert_true (person->name_consent);
  g_assert_cmpuint (person->line, ==, 3);

  person = cs_roster_lookup (fixture->roster, "BC-3");
  g_assert_cmpstr (person->forename, ==, "Zoë");
  g_assert_cmpstr (person->surname, ==, "O\"Callaghan");
  g_assert_cmpuint (person->line, ==, 5);
}

static void
test_quoted_fields_and_line_numbers (RosterFixture *fixture,
                                     gconstpointer  user_data)
{
  static const guint lines[] = { 7 };
  CsPerson *person;

  load_fixture_file (fixture, "roster-quoted.csv");

  g_assert_cmpuint (cs_roster_get_n_people (fixture->roster), ==, 4);

  person = cs_roster_lookup (fixture->roster, "Q-1");
  g_assert_cmpstr (person->surname, ==, "Hartigan, the younger");
  g_assert_cmpuint (person->line, ==, 2);

  person = cs_roster_lookup (fixture->roster, "Q-2");
  g_assert_cmpuint (person->line, ==, 3);

  person = cs_roster_lookup (fixture->roster, "Q-3");
  g_assert_cmpuint (person->line, ==, 6);

  /* Q-4 starts on line 7 and runs onto line 8. */
  assert_problem_lines (fixture->roster, lines, G_N_ELEMENTS (lines));
  assert_problem (fixture->roster, 7, "“sometimes”", NULL);

  person = cs_roster_lookup (fixture->roster, "Q-5");
  g_assert_cmpuint (person->line, ==, 9);
}

static void
test_unterminated_quote (RosterFixture *fixture,
                         gconstpointer  user_data)
{
  static const guint lines[] = { 3 };
  CsPerson *person;

  load_fixture_file (fixture, "roster-unterminated-quote.csv");

  g_assert_cmpuint (cs_roster_get_n_people (fixture->roster), ==, 2);
  assert_problem_lines (fixture->roster, lines, G_N_ELEMENTS (lines));
  assert_problem (fixture->roster, 3, "quote mark", NULL);

  /* The rows after the broken one still load, with their own lines. */
  person = cs_roster_lookup (fixture->roster, "UQ-3");
  g_assert_nonnull (person);
  g_assert_cmpuint (person->line, ==, 4);
}

static void
test_uk_dates (RosterFixture *fixture,
               gconstpointer  user_data)
{
  CsPerson *person;

  load_string (fixture,
               "id,forename,surname,photo_consent,consent_expires\n"
               "D-1,Ione,Blackwood,yes,04/05/2027\n"
               "D-2,Thaddeus,Crane,yes,2028-02-29\n"
               "D-3,Verity,Lomax,yes,  \n");

  /* 04/05 is the 4th of May in a UK school, never April the 5th. */
  person = cs_roster_lookup (fixture->roster, "D-1");
  g_assert_cmpint (g_date_get_day (person->consent_expires), ==, 4);
  g_assert_cmpint (g_date_get_month (person->consent_expires), ==, G_DATE_MAY);
  g_assert_cmpint (g_date_get_year (person->consent_expires), ==, 2027);

  person = cs_roster_lookup (fixture->roster, "D-2");
  g_assert_cmpint (g_date_get_day (person->consent_expires), ==, 29);
  g_assert_cmpint (g_date_get_month (person->consent_expires), ==, G_DATE_FEBRUARY);

  person = cs_roster_lookup (fixture->roster, "D-3");
  g_assert_null (person->consent_expires);
}

static void
test_rejects_bad_dates (RosterFixture *fixture,
                        gconstpointer  user_data)
{
  static const guint lines[] = { 2, 3, 4, 5, 6, 7 };

  load_string (fixture,
               "id,forename,surname,photo_consent,consent_expires\n"
               "B-1,Ione,Blackwood,yes,31/02/2027\n"
               "B-2,Thaddeus,Crane,yes,2027/08/31\n"
               "B-3,Verity,Lomax,yes,next summer\n"
               "B-4,Aurelio,Finch,yes,08/31/2027\n"
               "B-5,Mireille,Dane,yes,31-08-2027\n"
               "B-6,Caradoc,Vane,yes,2027-08-31T00:00\n"
               "B-7,Lettice,Moore,yes,2027-08-31\n");

  g_assert_cmpuint (cs_roster_get_n_people (fixture->roster), ==, 1);
  assert_problem_lines (fixture->roster, lines, G_N_ELEMENTS (lines));
  assert_problem (fixture->roster, 2, "“31/02/2027”", "YYYY-MM-DD", "DD/MM/YYYY", NULL);
  assert_problem (fixture->roster, 3, "“2027/08/31”", NULL);
  assert_problem (fixture->roster, 4, "“next summer”", NULL);
  assert_problem (fixture->roster, 5, "“08/31/2027”", NULL);
  assert_problem (fixture->roster, 7, "“2027-08-31T00:00”", NULL);
}

static void
test_tidies_names (RosterFixture *fixture,
                   gconstpointer  user_data)
{
  CsPerson *person;

  /* "Zoë" spelt with a combining diaeresis, a non-breaking space before
   * the surname and a doubled space inside it. */
  load_string (fixture,
               "id,forename,surname,preferred_name,class,photo_consent\n"
               "N-1,  Zoe\xCC\x88 ,\xC2\xA0" "de  la Mare,ZOË,,yes\n"
               "  ,Kit,Aldous,,Heron,yes\n");

  person = cs_roster_lookup (fixture->roster, "N-1");
  g_assert_nonnull (person);
  g_assert_cmpstr (person->forename, ==, "Zo\xC3\xAB");
  g_assert_cmpstr (person->surname, ==, "de la Mare");
  g_assert_null (person->preferred_name);
  g_assert_null (person->class_name);

  /* An empty id is made up from the line. */
  person = cs_roster_lookup (fixture->roster, "line-3");
  g_assert_nonnull (person);
  g_assert_cmpstr (person->forename, ==, "Kit");
}

static void
test_empty_file (RosterFixture *fixture,
                 gconstpointer  user_data)
{
  static const char * const empties[] = { "", "\xEF\xBB\xBF", "\n\n", ",,,\r\n \r\n" };
  g_autoptr(GFile) file = data_file ("roster-empty.csv");
  g_autoptr(GError) error = NULL;

  load_fixture_file (fixture, "roster-canonical.csv");

  g_assert_false (cs_roster_load_file (fixture->roster, file, NULL, &error));
  g_assert_error (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_EMPTY);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (empties); i++)
    {
      g_assert_false (cs_roster_load_data (fixture->roster, empties[i], strlen (empties[i]), &error));
      g_assert_error (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_EMPTY);
      g_clear_error (&error);
    }

  g_assert_false (cs_roster_load_data (fixture->roster, NULL, 0, &error));
  g_assert_error (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_EMPTY);
  g_clear_error (&error);

  /* A header with nobody under it would empty the roster, which is never
   * what a school means. */
  g_assert_false (cs_roster_load_data (fixture->roster, "forename,surname,photo_consent\n\n", 32, &error));
  g_assert_error (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_EMPTY);
  g_clear_error (&error);

  g_assert_cmpuint (cs_roster_get_n_people (fixture->roster), ==, 6);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
}

static void
test_no_usable_rows (RosterFixture *fixture,
                     gconstpointer  user_data)
{
  static const char data[] =
    "id,forename,surname,photo_consent\n"
    "U-1,Ada,Nuttall,maybe\n"
    "U-2,Bea,,yes\n"
    "U-3,Cy,Orme,yes,extra\n"
    "U-4,Di,Penn,perhaps\n";
  g_autoptr(GError) error = NULL;

  load_fixture_file (fixture, "roster-canonical.csv");

  g_assert_false (cs_roster_load_data (fixture->roster, data, strlen (data), &error));
  g_assert_error (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_NO_ROWS);
  g_assert_nonnull (strstr (error->message, "None of the 4 rows"));
  g_assert_nonnull (strstr (error->message, "Line 2: the photo consent column says “maybe”"));
  g_assert_nonnull (strstr (error->message, "Line 3"));
  g_assert_nonnull (strstr (error->message, "Line 4"));
  g_assert_null (strstr (error->message, "Line 5"));
  g_assert_nonnull (strstr (error->message, "One more line has a problem too"));

  g_assert_cmpuint (cs_roster_get_n_people (fixture->roster), ==, 6);
  g_assert_cmpuint (cs_roster_get_problems (fixture->roster)->len, ==, 0);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
}

static void
test_not_text (RosterFixture *fixture,
               gconstpointer  user_data)
{
  static const char xlsx[] = "PK\x03\x04\x14\x00\x06\x00";
  static const char binary[] = "id,forename\0surname\n";
  g_autoptr(GError) error = NULL;

  g_assert_false (cs_roster_load_data (fixture->roster, xlsx, sizeof xlsx - 1, &error));
  g_assert_error (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_NOT_TEXT);
  g_assert_nonnull (strstr (error->message, "Excel"));
  g_clear_error (&error);

  g_assert_false (cs_roster_load_data (fixture->roster, binary, sizeof binary - 1, &error));
  g_assert_error (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_NOT_TEXT);
  g_assert_cmpuint (fixture->n_changed, ==, 0);
}

static void
test_reads_utf16 (RosterFixture *fixture,
                  gconstpointer  user_data)
{
  static const char text[] = "forename,surname,photo_consent\nZoë,Hale,yes\n";
  g_autofree char *utf16 = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  CsPerson *person;

  utf16 = g_convert (text, -1, "UTF-16LE", "UTF-8", NULL, &len, &error);
  g_assert_no_error (error);
  data = g_malloc (len + 2);
  memcpy (data, "\xFF\xFE", 2);
  memcpy (data + 2, utf16, len);

  g_assert_true (cs_roster_load_data (fixture->roster, data, len + 2, &error));
  g_assert_no_error (error);

  person = cs_roster_lookup (fixture->roster, "line-2");
  g_assert_cmpstr (person->forename, ==, "Zoë");
}

static void
test_too_large (RosterFixture *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  gsize len = (gsize) 64 * 1024 * 1024 + 1;
  g_autofree char *data = g_malloc (len);

  /* Only the length matters: the check comes before anything is read. */
  memset (data, 'a', len);

  g_assert_false (cs_roster_load_data (fixture->roster, data, len, &error));
  g_assert_error (error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_TOO_LARGE);
  g_assert_cmpuint (fixture->n_changed, ==, 0);
}

static void
test_missing_file (RosterFixture *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GFile) file = data_file ("roster-does-not-exist.csv");
  g_autoptr(GError) error = NULL;

  g_assert_false (cs_roster_load_file (fixture->roster, file, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_notify_only_on_change (RosterFixture *fixture,
                            gconstpointer  user_data)
{
  static const char three[] =
    "forename,surname,photo_consent\nA,B,yes\nC,D,no\nE,F,yes\n";
  static const char other_three[] =
    "forename,surname,photo_consent\nG,H,yes\nI,J,no\nK,L,yes\n";
  guint n_people = 0;

  load_string (fixture, three);
  g_assert_cmpuint (fixture->n_notify, ==, 1);
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  /* Same number of people: no notify, but ::changed all the same. */
  load_string (fixture, other_three);
  g_assert_cmpuint (fixture->n_notify, ==, 1);
  g_assert_cmpuint (fixture->n_changed, ==, 2);
  g_assert_cmpuint (cs_roster_get_generation (fixture->roster), ==, 2);

  load_fixture_file (fixture, "roster-canonical.csv");
  g_assert_cmpuint (fixture->n_notify, ==, 2);
  g_assert_cmpuint (fixture->n_changed, ==, 3);

  g_object_get (fixture->roster, "n-people", &n_people, NULL);
  g_assert_cmpuint (n_people, ==, 6);
}

static void
test_snapshot_survives_reload (RosterFixture *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;

  load_fixture_file (fixture, "roster-canonical.csv");
  before = cs_roster_dup_people (fixture->roster);

  load_fixture_file (fixture, "roster-mis-export.csv");
  after = cs_roster_dup_people (fixture->roster);

  g_assert_cmpuint (before->len, ==, 6);
  g_assert_cmpstr (((CsPerson *) g_ptr_array_index (before, 0))->forename, ==, "Tamsin");
  g_assert_cmpuint (after->len, ==, 4);
  g_assert_cmpstr (((CsPerson *) g_ptr_array_index (after, 0))->forename, ==, "Temperance");

  /* The snapshot is the caller's own array. */
  g_ptr_array_remove_index (after, 0);
  g_assert_cmpuint (cs_roster_get_n_people (fixture->roster), ==, 4);
}

static gpointer
dup_people_thread (gpointer data)
{
  CsRoster *roster = data;

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GPtrArray) people = cs_roster_dup_people (roster);

      for (guint j = 0; j < people->len; j++)
        g_assert_nonnull (((CsPerson *) g_ptr_array_index (people, j))->surname);
    }

  return NULL;
}

static void
test_snapshot_from_thread (RosterFixture *fixture,
                           gconstpointer  user_data)
{
  GThread *thread;

  load_fixture_file (fixture, "roster-canonical.csv");

  thread = g_thread_new ("dup-people", dup_people_thread, fixture->roster);
  for (guint i = 0; i < 50; i++)
    load_fixture_file (fixture, i % 2 ? "roster-canonical.csv" : "roster-mis-export.csv");
  g_thread_join (thread);
}

typedef struct
{
  GMainLoop *loop;
  gboolean   ok;
  GError    *error;
} AsyncResult;

static void
load_file_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncResult *async = user_data;

  async->ok = cs_roster_load_file_finish (CS_ROSTER (object), result, &async->error);
  g_main_loop_quit (async->loop);
}

static char *
write_temp_roster (const char *contents,
                   gssize      len)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd;

  fd = g_file_open_tmp ("roster-XXXXXX.csv", &path, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);

  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);

  return path;
}

static void
test_load_file_async (RosterFixture *fixture,
                      gconstpointer  user_data)
{
  static const char text[] =
    "id,forename,surname,photo_consent,name_consent\n"
    "AS-1,Wystan,Pilbeam,yes,no\n"
    "AS-2,Honora,Gage,never,no\n";
  g_autofree char *path = write_temp_roster (text, -1);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncResult async = { loop, FALSE, NULL };

  cs_roster_load_file_async (fixture->roster, file, NULL, load_file_cb, &async);
  /* Nothing changes until the main loop applies the result. */
  g_assert_cmpuint (cs_roster_get_n_people (fixture->roster), ==, 0);
  g_main_loop_run (loop);

  g_assert_no_error (async.error);
  g_assert_true (async.ok);
  g_assert_cmpuint (cs_roster_get_n_people (fixture->roster), ==, 2);
  g_assert_cmpint (cs_roster_lookup (fixture->roster, "AS-2")->photo_consent, ==, CS_CONSENT_NEVER);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  g_assert_cmpuint (fixture->n_notify, ==, 1);

  g_unlink (path);
}

static void
test_load_file_async_errors (RosterFixture *fixture,
                             gconstpointer  user_data)
{
  g_autofree char *path = write_temp_roster ("id,forename,class,photo_consent\nX,Y,Z,yes\n", -1);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) good = data_file ("roster-canonical.csv");
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncResult async = { loop, FALSE, NULL };

  load_fixture_file (fixture, "roster-canonical.csv");

  cs_roster_load_file_async (fixture->roster, file, NULL, load_file_cb, &async);
  g_main_loop_run (loop);
  g_assert_false (async.ok);
  g_assert_error (async.error, CS_ROSTER_ERROR, CS_ROSTER_ERROR_MISSING_COLUMN);
  g_clear_error (&async.error);

  g_cancellable_cancel (cancellable);
  cs_roster_load_file_async (fixture->roster, good, cancellable, load_file_cb, &async);
  g_main_loop_run (loop);
  g_assert_false (async.ok);
  g_assert_error (async.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&async.error);

  g_assert_cmpuint (cs_roster_get_n_people (fixture->roster), ==, 6);
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  g_unlink (path);
}

static void
test_load_file_async_superseded (RosterFixture *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(GFile) file = data_file ("roster-mis-export.csv");
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncResult async = { loop, FALSE, NULL };

  /* A file picked after the async load started wins, whichever finishes
   * last. */
  cs_roster_load_file_async (fixture->roster, file, NULL, load_file_cb, &async);
  load_fixture_file (fixture, "roster-canonical.csv");
  g_main_loop_run (loop);

  g_assert_false (async.ok);
  g_assert_error (async.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&async.error);
  g_assert_nonnull (cs_roster_lookup (fixture->roster, "TC-P001"));
  g_assert_cmpuint (fixture->n_changed, ==, 1);
}

static char *
make_large_roster (guint n_rows)
{
  GString *data = g_string_sized_new (n_rows * 80);

  g_string_append (data, "UPN,Legal Forename,Legal Surname,Preferred Forename,Reg Group,"
                         "Year Group,Photographs - Social Media,Name Consent,Consent Expires\n");
  for (guint i = 0; i < n_rows; i++)
    g_string_append_printf (data,
                            "L%06u,Forename%u,\"Surname, %u\",%s,%uR,Year %u,%s,%s,%s\n",
                            i, i, i,
                            i % 7 == 0 ? "Pref" : "",
                            i % 30, i % 7,
                            i % 3 == 0 ? "Yes" : i % 3 == 1 ? "No" : "Never",
                            i % 2 ? "yes" : "no",
                            i % 4 ? "31/08/2027" : "");

  return g_string_free (data, FALSE);
}

static void
test_large_roster (RosterFixture *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *data = make_large_roster (5000);
  CsPerson *person;

  load_string (fixture, data);

  g_assert_cmpuint (cs_roster_get_n_people (fixture->roster), ==, 5000);
  g_assert_cmpuint (cs_roster_get_problems (fixture->roster)->len, ==, 0);

  person = cs_roster_lookup (fixture->roster, "L004999");
  g_assert_nonnull (person);
  g_assert_cmpstr (person->surname, ==, "Surname, 4999");
  g_assert_cmpuint (person->line, ==, 5001);
}

static void
test_problem_boxed (void)
{
  CsRosterProblem problem = { 14, (char *) "Line 14: something" };
  g_autoptr(CsRosterProblem) copy = g_boxed_copy (CS_TYPE_ROSTER_PROBLEM, &problem);

  g_assert_cmpuint (copy->line, ==, 14);
  g_assert_cmpstr (copy->message, ==, problem.message);
  g_assert_true (copy->message != problem.message);
}

#define add_roster_test(path, func) \
  g_test_add (path, RosterFixture, NULL, roster_fixture_set_up, func, roster_fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/person/names", test_person_names);
  g_test_add_func ("/core/person/consent", test_person_consent);

  g_test_add_func ("/core/csv/line-endings", test_csv_line_endings);
  g_test_add_func ("/core/csv/quotes", test_csv_quotes);
  g_test_add_func ("/core/csv/unterminated-quote", test_csv_unterminated_quote);
  g_test_add_func ("/core/csv/empty", test_csv_empty);

  g_test_add_func ("/core/roster/columns/fold", test_columns_fold);
  g_test_add_func ("/core/roster/columns/aliases", test_columns_aliases);

  g_test_add_func ("/core/roster/problem-boxed", test_problem_boxed);
  add_roster_test ("/core/roster/loads-canonical-any-order", test_loads_canonical_any_order);
  add_roster_test ("/core/roster/loads-mis-export", test_loads_mis_export);
  add_roster_test ("/core/roster/year-group-alone", test_year_group_alone);
  add_roster_test ("/core/roster/custom-alias", test_custom_alias);
  add_roster_test ("/core/roster/consent-values", test_consent_values);
  add_roster_test ("/core/roster/never", test_never);
  add_roster_test ("/core/roster/expired-consent-counts-as-no", test_expired_consent);
  add_roster_test ("/core/roster/missing-column-keeps-previous", test_missing_column_keeps_previous);
  add_roster_test ("/core/roster/missing-several-columns", test_missing_several_columns);
  add_roster_test ("/core/roster/semicolon-header", test_semicolon_header);
  add_roster_test ("/core/roster/rejects-unknown-consent-value", test_rejects_unknown_consent_value);
  add_roster_test ("/core/roster/bad-rows", test_bad_rows);
  add_roster_test ("/core/roster/rejects-duplicate-id", test_rejects_duplicate_id);
  add_roster_test ("/core/roster/rejects-wrong-field-count", test_rejects_wrong_field_count);
  add_roster_test ("/core/roster/rejects-invalid-utf8", test_rejects_invalid_utf8);
  add_roster_test ("/core/roster/reads-windows-1252", test_reads_windows_1252);
  add_roster_test ("/core/roster/reads-bom-and-crlf", test_reads_bom_and_crlf);
  add_roster_test ("/core/roster/quoted-fields-and-line-numbers", test_quoted_fields_and_line_numbers);
  add_roster_test ("/core/roster/unterminated-quote", test_unterminated_quote);
  add_roster_test ("/core/roster/uk-dates", test_uk_dates);
  add_roster_test ("/core/roster/rejects-bad-dates", test_rejects_bad_dates);
  add_roster_test ("/core/roster/tidies-names", test_tidies_names);
  add_roster_test ("/core/roster/empty-file", test_empty_file);
  add_roster_test ("/core/roster/no-usable-rows", test_no_usable_rows);
  add_roster_test ("/core/roster/not-text", test_not_text);
  add_roster_test ("/core/roster/reads-utf16", test_reads_utf16);
  add_roster_test ("/core/roster/too-large", test_too_large);
  add_roster_test ("/core/roster/missing-file", test_missing_file);
  add_roster_test ("/core/roster/notify-only-on-change", test_notify_only_on_change);
  add_roster_test ("/core/roster/snapshot-survives-reload", test_snapshot_survives_reload);
  add_roster_test ("/core/roster/snapshot-from-thread", test_snapshot_from_thread);
  add_roster_test ("/core/roster/load-file-async", test_load_file_async);
  add_roster_test ("/core/roster/load-file-async-errors", test_load_file_async_errors);
  add_roster_test ("/core/roster/load-file-async-superseded", test_load_file_async_superseded);
  add_roster_test ("/core/roster/large-roster", test_large_roster);

  return g_test_run ();
}
