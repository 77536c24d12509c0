/* test-policy.c: the default policy, a school's overrides, and bad policy files
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "cs-core.h"

static const char * const rule_ids[] = {
  "pupil-name", "staff-name", "personal-data", "sensitive-topic", "negative-tone", "offensive-language",
  "confidential", "mention", "external-link", "length", "spelling",
  "photo-consent", "photo-never", "photo-face", "photo-text",
  "alt-text", "photo-unchecked",
};

static void
test_defaults_are_complete (void)
{
  g_autoptr(CsPolicy) policy = cs_policy_new ();

  g_assert_cmpuint (g_strv_length ((GStrv) cs_policy_get_rule_ids (policy)), ==, G_N_ELEMENTS (rule_ids));

  for (guint i = 0; i < G_N_ELEMENTS (rule_ids); i++)
    {
      const CsPolicyRule *rule = cs_policy_get_rule (policy, rule_ids[i]);

      g_assert_nonnull (rule);
      g_assert_cmpstr (rule->id, ==, rule_ids[i]);
      g_assert_cmpuint (strlen (rule->message), >, 20);
      /* Every clause names a school and a heading. */
      g_assert_nonnull (strstr (rule->clause, ", "));
      g_assert_cmpuint (strlen (rule->clause_text), >, 20);
    }

  g_assert_cmpint (cs_policy_get_rule (policy, "mention")->severity, ==, CS_SEVERITY_WARNING);
  g_assert_cmpint (cs_policy_get_rule (policy, "external-link")->severity, ==, CS_SEVERITY_WARNING);
  g_assert_cmpint (cs_policy_get_rule (policy, "spelling")->severity, ==, CS_SEVERITY_WARNING);
  g_assert_cmpint (cs_policy_get_rule (policy, "pupil-name")->severity, ==, CS_SEVERITY_ERROR);
  g_assert_false (cs_policy_get_allow_consented_first_names (policy));
  g_assert_cmpuint (cs_policy_get_platforms (policy)->len, ==, 4);
}

static void
test_school_only_file (void)
{
  g_autoptr(CsPolicy) policy = cs_policy_new ();
  g_autoptr(GError) error = NULL;
  const char *json =
    "{\"school\": {\"name\": \"Hollinsbrook Primary School\", \"domains\": [\"hollinsbrook.sch.uk\"],"
    " \"emails\": [\"office@hollinsbrook.sch.uk\"], \"phones\": [\"01632 960111\"], \"postcodes\": [\"GL7 4QX\"]}}";
  const char *before = cs_policy_get_rule (policy, "pupil-name")->message;
  g_autofree char *kept = g_strdup (before);

  g_assert_true (cs_policy_load_data (policy, json, -1, "policy.json", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cs_policy_get_school_name (policy), ==, "Hollinsbrook Primary School");
  g_assert_cmpstr (cs_policy_get_school_domains (policy)[0], ==, "hollinsbrook.sch.uk");
  g_assert_cmpstr (cs_policy_get_school_emails (policy)[0], ==, "office@hollinsbrook.sch.uk");
  g_assert_cmpstr (cs_policy_get_school_phones (policy)[0], ==, "01632 960111");
  g_assert_cmpstr (cs_policy_get_school_postcodes (policy)[0], ==, "GL7 4QX");
  /* Everything the file does not say keeps its default. */
  g_assert_cmpstr (cs_policy_get_rule (policy, "pupil-name")->message, ==, kept);
  g_assert_cmpuint (g_strv_length ((GStrv) cs_policy_get_rule_ids (policy)), ==, G_N_ELEMENTS (rule_ids));
}

static void
test_key_by_key (void)
{
  g_autoptr(CsPolicy) policy = cs_policy_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *clause = g_strdup (cs_policy_get_rule (policy, "mention")->clause);
  const CsPolicyRule *rule;
  GArray *platforms;

  g_assert_true (cs_policy_load_data (policy,
                                      "{\"rules\": {\"mention\": {\"severity\": \"error\", \"phrases\": [\"tag us\"]}},"
                                      " \"platforms\": [\"facebook\", \"x\"],"
                                      " \"names\": {\"allow_consented_first_names\": true},"
                                      " \"roster_columns\": {\"Pupil Forename\": \"forename\"}}",
                                      -1, "school.json", &error));
  g_assert_no_error (error);

  rule = cs_policy_get_rule (policy, "mention");
  g_assert_cmpint (rule->severity, ==, CS_SEVERITY_ERROR);
  g_assert_cmpstr (rule->phrases[0], ==, "tag us");
  g_assert_cmpstr (rule->clause, ==, clause);
  g_assert_true (cs_policy_get_allow_consented_first_names (policy));

  platforms = cs_policy_get_platforms (policy);
  g_assert_cmpuint (platforms->len, ==, 2);
  g_assert_cmpint (g_array_index (platforms, CsPlatform, 0), ==, CS_PLATFORM_FACEBOOK);
  g_assert_cmpstr (g_hash_table_lookup (cs_policy_get_roster_columns (policy), "Pupil Forename"), ==, "forename");

  /* A second file merges over the first. */
  g_assert_true (cs_policy_load_data (policy, "{\"rules\": {\"mention\": {\"severity\": \"off\"}}}", -1, "more.json", &error));
  g_assert_cmpint (cs_policy_get_rule (policy, "mention")->severity, ==, CS_SEVERITY_OFF);
  g_assert_cmpstr (cs_policy_get_rule (policy, "mention")->phrases[0], ==, "tag us");
}

static void
assert_rejected (const char *json,
                 const char *expected)
{
  g_autoptr(CsPolicy) policy = cs_policy_new ();
  g_autoptr(GError) error = NULL;
  guint generation = cs_policy_get_generation (policy);

  g_assert_false (cs_policy_load_data (policy, json, -1, "school.json", &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == CS_POLICY_ERROR);
  if (strstr (error->message, expected) == NULL)
    g_error ("message “%s” does not mention “%s”", error->message, expected);
  g_assert_nonnull (strstr (error->message, "school.json"));
  /* Nothing changed. */
  g_assert_cmpuint (cs_policy_get_generation (policy), ==, generation);
  g_assert_cmpint (cs_policy_get_rule (policy, "mention")->severity, ==, CS_SEVERITY_WARNING);
}

static void
test_bad_files (void)
{
  assert_rejected ("{\"rules\": {\"mention\": {\"severity\": \"error\"}, \"pupil-nme\": {}}}", "pupil-nme");
  assert_rejected ("{\"rules\": {\"mention\": {\"severity\": \"loud\"}}}", "rules.mention.severity");
  assert_rejected ("{\"school\": {\"domains\": \"hollinsbrook.sch.uk\"}}", "school.domains");
  assert_rejected ("{\"school\": {\"phones\": [1632960111]}}", "school.phones");
  assert_rejected ("{\"platforms\": [\"myspace\"]}", "myspace");
  assert_rejected ("{\"names\": {\"allow_consented_first_names\": \"yes\"}}", "allow_consented_first_names");
  assert_rejected ("{\"rules\": {\"mention\": {\"patterns\": [\"(unclosed\"]}}}", "not a valid pattern");
  assert_rejected ("{\"school\": {\"name\": \"x\"", "not valid JSON");
  assert_rejected ("[1, 2]", "one object");
}

static void
test_load_file (void)
{
  g_autoptr(CsPolicy) policy = cs_policy_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, "policy-school.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/policy.json");

  g_assert_true (cs_policy_load_file (policy, file, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cs_policy_get_school_name (policy), ==, "Hollybank Primary School");

  g_assert_false (cs_policy_load_file (policy, missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (cs_policy_get_school_name (policy), ==, "Hollybank Primary School");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/policy/defaults-are-complete", test_defaults_are_complete);
  g_test_add_func ("/core/policy/school-only-file", test_school_only_file);
  g_test_add_func ("/core/policy/overrides-key-by-key", test_key_by_key);
  g_test_add_func ("/core/policy/rejects-bad-files", test_bad_files);
  g_test_add_func ("/core/policy/load-file", test_load_file);

  return g_test_run ();
}
