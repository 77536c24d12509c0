/* test-photo-checks.c: consent, clear faces and names, alt text in photos
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "cs-checker.h"

static const char roster_csv[] =
  "id,forename,surname,preferred_name,class,role,photo_consent,name_consent,consent_expires\n"
  "P1,Ada,Quill,,Year 2,pupil,yes,no,2030-08-31\n"
  "P2,Bram,Stokes,,Year 2,pupil,no,no,\n"
  "P3,Cleo,North,,Year 3,pupil,never,no,\n"
  "P4,Dev,Patel,,Year 3,pupil,yes,no,2024-08-31\n";

typedef struct
{
  CsPolicy     *policy;
  CsRoster     *roster;
  CsChecker    *checker;
  CsAttachment *photo;
  GDate        *today;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->policy = cs_policy_new ();
  f->roster = cs_roster_new ();
  g_assert_true (cs_roster_load_data (f->roster, roster_csv, strlen (roster_csv), &error));
  g_assert_no_error (error);
  f->checker = cs_checker_new (f->policy, f->roster, NULL);

  f->photo = g_new0 (CsAttachment, 1);
  f->photo->id = g_strdup ("photo-1");
  f->photo->file = g_strdup ("/drafts/photos/photo-1.jpg");
  f->photo->original = g_strdup ("/home/office/Pictures/sports-day.jpg");
  f->photo->alt_text = g_strdup ("Children running the egg and spoon race");
  f->photo->state = CS_PHOTO_STATE_BLURRED;
  f->photo->width = 1200;
  f->photo->height = 800;
  f->photo->faces_checked = TRUE;
  f->photo->regions = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_photo_region_free);

  f->today = g_date_new_dmy (1, G_DATE_OCTOBER, 2026);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->photo, cs_attachment_free);
  g_clear_pointer (&f->today, g_date_free);
  g_clear_object (&f->checker);
  g_assert_finalize_object (f->roster);
  g_assert_finalize_object (f->policy);
}

static CsPhotoRegion *
add_region (Fixture      *f,
            CsRegionKind  kind,
            const char   *tag,
            gboolean      clear)
{
  CsRect rect = { 100 + 120 * f->photo->regions->len, 100, 80, 100 };
  CsPhotoRegion *region = cs_photo_region_new (kind, &rect, 0.9);

  region->tag = g_strdup (tag);
  region->clear = clear;
  g_ptr_array_add (f->photo->regions, region);

  return region;
}

static GPtrArray *
check (Fixture *f)
{
  g_autoptr(GPtrArray) photos = g_ptr_array_new ();

  g_ptr_array_add (photos, f->photo);
  return cs_checker_check_photos (f->checker, photos, f->today);
}

static void
assert_rules (GPtrArray  *findings,
              const char *expected)
{
  g_autoptr(GString) rules = g_string_new (NULL);

  for (guint i = 0; i < findings->len; i++)
    {
      const CsFinding *finding = g_ptr_array_index (findings, i);

      g_string_append_printf (rules, "%s%s[%d]", rules->len ? " " : "", finding->rule, finding->region);
      g_assert_cmpstr (finding->photo, ==, "photo-1");
      g_assert_cmpint (finding->severity, ==, CS_SEVERITY_ERROR);
      g_assert_nonnull (finding->clause);
    }

  g_assert_cmpstr (rules->str, ==, expected);
}

static void
test_blurred_faces_are_fine (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) findings = NULL;

  add_region (f, CS_REGION_FACE, NULL, FALSE);
  add_region (f, CS_REGION_FACE, "P2", FALSE);
  add_region (f, CS_REGION_TEXT, NULL, FALSE);

  findings = check (f);
  assert_rules (findings, "");
}

static void
test_consented_face_may_be_clear (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) findings = NULL;
  CsPhotoRegion *region = add_region (f, CS_REGION_FACE, "P1", TRUE);
  g_autoptr(CsPerson) ada = cs_person_ref (cs_roster_lookup (f->roster, "P1"));

  findings = check (f);
  assert_rules (findings, "");
  g_assert_false (cs_photo_region_is_hidden (region, ada, f->today));
}

static void
test_clear_face_needs_consent (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) findings = NULL;
  const CsFinding *finding;

  add_region (f, CS_REGION_FACE, "P2", TRUE);   /* no consent */
  add_region (f, CS_REGION_FACE, "P4", TRUE);   /* consent expired */
  add_region (f, CS_REGION_MANUAL, "P9", TRUE); /* left the roster */

  findings = check (f);
  assert_rules (findings, "photo-consent[0] photo-consent[1] photo-consent[2]");
  finding = g_ptr_array_index (findings, 0);
  g_assert_nonnull (strstr (finding->message, "Bram Stokes"));
  g_assert_nonnull (strstr (finding->message, "sports-day.jpg"));
}

static void
test_consent_withdrawn_after_tagging (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *withdrawn = NULL;

  add_region (f, CS_REGION_FACE, "P1", TRUE);
  before = check (f);
  assert_rules (before, "");

  withdrawn = g_strdup (roster_csv);
  memcpy (strstr (withdrawn, "pupil,yes,no,2030"), "pupil,no, no,2030", strlen ("pupil,no, no,2030"));
  g_assert_true (cs_roster_load_data (f->roster, withdrawn, strlen (withdrawn), &error));
  g_assert_no_error (error);

  after = check (f);
  assert_rules (after, "photo-consent[0]");
}

static void
test_never_cannot_be_blurred_away (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GPtrArray) findings = NULL;

  add_region (f, CS_REGION_FACE, "P3", FALSE);
  findings = check (f);
  assert_rules (findings, "photo-never[0]");
  g_assert_nonnull (strstr (((CsFinding *) g_ptr_array_index (findings, 0))->message, "Remove this photo"));
}

static void
test_untagged_clear_face (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) findings = NULL;
  CsPhotoRegion *region = add_region (f, CS_REGION_FACE, NULL, TRUE);

  findings = check (f);
  assert_rules (findings, "photo-face[0]");
  /* Whatever the checks say, the export never shows it. */
  g_assert_true (cs_photo_region_is_hidden (region, NULL, f->today));
}

static void
test_readable_name (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) findings = NULL;
  CsPhotoRegion *region = add_region (f, CS_REGION_TEXT, NULL, TRUE);

  region->text = g_strdup ("Ada Quill");
  findings = check (f);
  assert_rules (findings, "photo-text[0]");
  g_assert_nonnull (strstr (((CsFinding *) g_ptr_array_index (findings, 0))->message, "Ada Quill"));
}

static void
test_alt_text_required (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) findings = NULL;

  g_free (f->photo->alt_text);
  f->photo->alt_text = g_strdup (" \n\t ");
  findings = check (f);
  assert_rules (findings, "alt-text[-1]");
}

static void
test_unchecked_until_marked_by_hand (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GPtrArray) unchecked = NULL;
  g_autoptr(GPtrArray) checking = NULL;
  g_autoptr(GPtrArray) marked = NULL;

  f->photo->faces_checked = FALSE;
  f->photo->state = CS_PHOTO_STATE_NEEDS_REVIEW;
  unchecked = check (f);
  assert_rules (unchecked, "photo-unchecked[-1]");

  f->photo->state = CS_PHOTO_STATE_CHECKING;
  checking = check (f);
  assert_rules (checking, "");

  f->photo->state = CS_PHOTO_STATE_NEEDS_REVIEW;
  f->photo->marked_by_hand = TRUE;
  marked = check (f);
  assert_rules (marked, "");
}

static void
test_rule_can_be_turned_down (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GError) error = NULL;
  const char *policy = "{\"rules\": {\"alt-text\": {\"severity\": \"warning\"}}}";

  g_assert_true (cs_policy_load_data (f->policy, policy, -1, "school.json", &error));
  g_assert_no_error (error);
  g_free (f->photo->alt_text);
  f->photo->alt_text = g_strdup ("");

  findings = check (f);
  g_assert_cmpuint (findings->len, ==, 1);
  g_assert_cmpint (((CsFinding *) g_ptr_array_index (findings, 0))->severity, ==, CS_SEVERITY_WARNING);
}

static void
test_region_json_round_trip (void)
{
  CsRect rect = { 10.5, 20, 30, 40 };
  g_autoptr(CsPhotoRegion) region = cs_photo_region_new (CS_REGION_TEXT, &rect, 0.75);
  g_autoptr(CsPhotoRegion) back = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  region->text = g_strdup ("Ada Quill");
  region->reason = g_strdup ("certificate");
  region->tag = g_strdup ("P1");
  region->clear = TRUE;
  cs_photo_region_to_json (region, builder);
  node = json_builder_get_root (builder);

  back = cs_photo_region_from_json (node, "regions[0]", &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->kind, ==, CS_REGION_TEXT);
  g_assert_cmpfloat (back->rect.x, ==, 10.5);
  g_assert_cmpfloat (back->rect.h, ==, 40);
  g_assert_cmpfloat (back->score, ==, 0.75);
  g_assert_cmpstr (back->text, ==, "Ada Quill");
  g_assert_cmpstr (back->reason, ==, "certificate");
  g_assert_cmpstr (back->tag, ==, "P1");
  g_assert_true (back->clear);
}

static void
test_region_json_rejects_bad_fields (void)
{
  const struct { const char *json; const char *field; } cases[] = {
    { "{\"kind\": \"hat\", \"x\": 1, \"y\": 1, \"w\": 5, \"h\": 5}", "“r.kind”" },
    { "{\"kind\": \"face\", \"x\": \"1\", \"y\": 1, \"w\": 5, \"h\": 5}", "“r.x”" },
    { "{\"kind\": \"face\", \"x\": 1, \"y\": 1, \"w\": 0, \"h\": 5}", "“r.w”" },
    { "{\"kind\": \"face\", \"x\": 1, \"y\": 1, \"w\": 5, \"h\": 1e9}", "“r.h”" },
    { "{\"kind\": \"face\", \"x\": 1, \"y\": 1, \"w\": 5, \"h\": 5, \"score\": 2}", "“r.score”" },
    { "{\"kind\": \"face\", \"x\": 1, \"y\": 1, \"w\": 5, \"h\": 5, \"tag\": 7}", "“r.tag”" },
    { "{\"kind\": \"face\", \"x\": 1, \"y\": 1, \"w\": 5, \"h\": 5, \"clear\": \"yes\"}", "“r.clear”" },
    { "[1, 2]", "“r”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (cases[i].json, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(CsPhotoRegion) region = cs_photo_region_from_json (node, "r", &error);

      g_assert_null (region);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_nonnull (strstr (error->message, cases[i].field));
    }
}

static void
test_cover_grows_and_clips (void)
{
  CsRect rect = { 5, 5, 100, 100 };
  g_autoptr(CsPhotoRegion) face = cs_photo_region_new (CS_REGION_FACE, &rect, 0.9);
  g_autoptr(CsPhotoRegion) text = cs_photo_region_new (CS_REGION_TEXT, &rect, 0.9);
  CsRect cover;

  cs_photo_region_get_cover (face, 1000, 1000, &cover);
  g_assert_cmpfloat (cover.x, ==, 0);
  g_assert_cmpfloat (cover.y, ==, 0);
  g_assert_cmpfloat (cover.x + cover.w, >, 105);
  g_assert_cmpfloat (cover.y + cover.h, >, 105);

  cs_photo_region_get_cover (text, 110, 1000, &cover);
  g_assert_cmpfloat (cover.x + cover.w, ==, 110);
  g_assert_cmpfloat (cover.y + cover.h, >, 105);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/core/photo-checks/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("blurred-faces-are-fine", test_blurred_faces_are_fine);
  ADD ("consented-face-may-be-clear", test_consented_face_may_be_clear);
  ADD ("clear-face-needs-consent", test_clear_face_needs_consent);
  ADD ("consent-withdrawn-after-tagging", test_consent_withdrawn_after_tagging);
  ADD ("never-cannot-be-blurred-away", test_never_cannot_be_blurred_away);
  ADD ("untagged-clear-face", test_untagged_clear_face);
  ADD ("readable-name", test_readable_name);
  ADD ("alt-text-required", test_alt_text_required);
  ADD ("unchecked-until-marked-by-hand", test_unchecked_until_marked_by_hand);
  ADD ("rule-can-be-turned-down", test_rule_can_be_turned_down);
#undef ADD
  g_test_add_func ("/core/photo-region/json-round-trip", test_region_json_round_trip);
  g_test_add_func ("/core/photo-region/json-rejects-bad-fields", test_region_json_rejects_bad_fields);
  g_test_add_func ("/core/photo-region/cover-grows-and-clips", test_cover_grows_and_clips);

  return g_test_run ();
}
