/* test-draft.c: tests for drafts, their JSON form and the store that keeps them
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "cs-draft.h"
#include "cs-draft-store.h"

/* The smallest complete PNG: one transparent pixel. */
static const guchar tiny_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
  0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
  0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
  0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
  0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49,
  0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

/* A JPEG's start of image and JFIF header, then its end: all the store
 * looks at is the start. */
static const guchar tiny_jpeg[] = {
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01,
  0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9,
};

static const guchar tiny_webp[] = {
  'R', 'I', 'F', 'F', 0x1a, 0x00, 0x00, 0x00, 'W', 'E', 'B', 'P',
  'V', 'P', '8', 'L', 0x0d, 0x00, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x00,
  0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0x00,
};

static const guchar tiny_heic[] = {
  0x00, 0x00, 0x00, 0x18, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c',
  0x00, 0x00, 0x00, 0x00, 'm', 'i', 'f', '1', 'h', 'e', 'i', 'c',
};

static const guchar tiny_gif[] = {
  'G', 'I', 'F', '8', '9', 'a', 0x01, 0x00, 0x01, 0x00, 0x80, 0x00,
  0x00, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x21, 0xf9, 0x04, 0x01, 0x00,
  0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
  0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
};

/* Helpers
 * =======
 */

static void
remove_recursively (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) enumerator = NULL;
  GFileType type;

  type = g_file_query_file_type (file, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL);
  if (type == G_FILE_TYPE_DIRECTORY)
    {
      enumerator = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                              G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                              NULL, NULL);
      g_assert_nonnull (enumerator);

      for (;;)
        {
          GFile *child;

          g_assert_true (g_file_enumerator_iterate (enumerator, NULL, &child, NULL, NULL));
          if (child == NULL)
            break;

          g_autofree char *child_path = g_file_get_path (child);
          remove_recursively (child_path);
        }
    }

  if (type != G_FILE_TYPE_UNKNOWN)
    g_assert_true (g_file_delete (file, NULL, NULL));
}

static char *
write_file (const char   *dir,
            const char   *name,
            const guchar *data,
            gsize         len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, (const char *) data, len, &error);
  g_assert_no_error (error);

  return path;
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (data, len);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The names in @dir, sorted, joined with spaces. */
static char *
list_dir (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
  const char *name;

  g_assert_no_error (error);

  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  return g_strjoinv (" ", (char **) names->pdata);
}

static guint
file_mode (const char *path)
{
  GStatBuf buf;

  g_assert_cmpint (g_stat (path, &buf), ==, 0);

  return buf.st_mode & 0777;
}

static CsAttachment *
attachment_new (const char   *id,
                const char   *file,
                const char   *original,
                const char   *alt_text,
                CsPhotoState  state)
{
  CsAttachment *attachment = g_new0 (CsAttachment, 1);

  attachment->id = g_strdup (id);
  attachment->file = g_strdup (file);
  attachment->original = g_strdup (original);
  attachment->alt_text = g_strdup (alt_text);
  attachment->state = state;

  return attachment;
}

static void
assert_attachments_equal (const CsAttachment *a,
                          const CsAttachment *b)
{
  g_assert_cmpstr (a->id, ==, b->id);
  g_assert_cmpstr (a->file, ==, b->file);
  g_assert_cmpstr (a->original, ==, b->original);
  g_assert_cmpstr (a->alt_text, ==, b->alt_text);
  g_assert_cmpint (a->state, ==, b->state);
  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  g_assert_cmpint (a->faces_checked, ==, b->faces_checked);
  g_assert_cmpint (a->marked_by_hand, ==, b->marked_by_hand);
  /* An attachment made outside a draft may have no region array yet. */
  g_assert_cmpuint (a->regions ? a->regions->len : 0, ==, b->regions ? b->regions->len : 0);
  for (guint i = 0; a->regions != NULL && i < a->regions->len; i++)
    {
      const CsPhotoRegion *ra = g_ptr_array_index (a->regions, i);
      const CsPhotoRegion *rb = g_ptr_array_index (b->regions, i);

      g_assert_cmpint (ra->kind, ==, rb->kind);
      g_assert_cmpfloat (ra->rect.x, ==, rb->rect.x);
      g_assert_cmpfloat (ra->rect.y, ==, rb->rect.y);
      g_assert_cmpfloat (ra->rect.w, ==, rb->rect.w);
      g_assert_cmpfloat (ra->rect.h, ==, rb->rect.h);
      g_assert_cmpfloat (ra->score, ==, rb->score);
      g_assert_cmpstr (ra->text, ==, rb->text);
      g_assert_cmpstr (ra->tag, ==, rb->tag);
      g_assert_cmpint (ra->clear, ==, rb->clear);
    }
}

static void
assert_drafts_equal (CsDraft *a,
                     CsDraft *b)
{
  g_assert_cmpstr (cs_draft_get_id (a), ==, cs_draft_get_id (b));
  g_assert_cmpstr (cs_draft_get_text (a), ==, cs_draft_get_text (b));
  g_assert_cmpuint (cs_draft_get_platforms (a), ==, cs_draft_get_platforms (b));
  g_assert_true (g_date_time_equal (cs_draft_get_modified (a), cs_draft_get_modified (b)));
  g_assert_cmpuint (cs_draft_get_n_attachments (a), ==, cs_draft_get_n_attachments (b));

  for (guint i = 0; i < cs_draft_get_n_attachments (a); i++)
    assert_attachments_equal (cs_draft_get_attachment (a, i), cs_draft_get_attachment (b, i));
}

/* Drafts
 * ======
 */

/* A draft plus counts of what it told its listeners. */
typedef struct
{
  CsDraft *draft;
  guint    n_changed;
  guint    n_notify_text;
  guint    n_notify_platforms;
  guint    n_notify_n_attachments;
} DraftFixture;

static void
changed_cb (CsDraft      *draft,
            DraftFixture *fixture)
{
  fixture->n_changed++;
}

static void
notify_cb (CsDraft      *draft,
           GParamSpec   *pspec,
           DraftFixture *fixture)
{
  if (g_str_equal (pspec->name, "text"))
    fixture->n_notify_text++;
  else if (g_str_equal (pspec->name, "platforms"))
    fixture->n_notify_platforms++;
  else if (g_str_equal (pspec->name, "n-attachments"))
    fixture->n_notify_n_attachments++;
  else
    g_assert_not_reached ();
}

static void
draft_fixture_set_up (DraftFixture  *fixture,
                      gconstpointer  user_data)
{
  fixture->draft = cs_draft_new ("d1");

  g_signal_connect (fixture->draft, "changed", G_CALLBACK (changed_cb), fixture);
  g_signal_connect (fixture->draft, "notify", G_CALLBACK (notify_cb), fixture);
}

static void
draft_fixture_tear_down (DraftFixture  *fixture,
                         gconstpointer  user_data)
{
  g_assert_finalize_object (g_steal_pointer (&fixture->draft));
}

static void
test_draft_defaults (void)
{
  g_autoptr(CsDraft) draft = cs_draft_new ("abc");
  g_autoptr(CsDraft) unnamed = g_object_new (CS_TYPE_DRAFT, NULL);

  g_assert_cmpstr (cs_draft_get_id (draft), ==, "abc");
  g_assert_cmpstr (cs_draft_get_text (draft), ==, "");
  g_assert_cmpuint (cs_draft_get_platforms (draft), ==, 0);
  g_assert_cmpuint (cs_draft_get_n_attachments (draft), ==, 0);
  g_assert_nonnull (cs_draft_get_modified (draft));

  /* Without an id a draft makes up its own. */
  g_assert_true (cs_draft_id_is_valid (cs_draft_get_id (unnamed)));
}

static void
test_draft_notify_text (DraftFixture  *fixture,
                        gconstpointer  user_data)
{
  cs_draft_set_text (fixture->draft, "Sports day");
  g_assert_cmpuint (fixture->n_notify_text, ==, 1);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  g_assert_cmpstr (cs_draft_get_text (fixture->draft), ==, "Sports day");

  /* The same text again is no change. */
  cs_draft_set_text (fixture->draft, "Sports day");
  g_assert_cmpuint (fixture->n_notify_text, ==, 1);
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  /* Through the property: one notification, not two. */
  g_object_set (fixture->draft, "text", "Sports day!", NULL);
  g_assert_cmpuint (fixture->n_notify_text, ==, 2);
  g_assert_cmpuint (fixture->n_changed, ==, 2);

  g_object_set (fixture->draft, "text", "Sports day!", NULL);
  g_assert_cmpuint (fixture->n_notify_text, ==, 2);

  /* NULL clears. */
  cs_draft_set_text (fixture->draft, NULL);
  g_assert_cmpstr (cs_draft_get_text (fixture->draft), ==, "");
  g_assert_cmpuint (fixture->n_notify_text, ==, 3);
  cs_draft_set_text (fixture->draft, "");
  g_assert_cmpuint (fixture->n_notify_text, ==, 3);

  g_assert_cmpuint (fixture->n_notify_platforms, ==, 0);
  g_assert_cmpuint (fixture->n_notify_n_attachments, ==, 0);
}

static void
test_draft_notify_platforms (DraftFixture  *fixture,
                             gconstpointer  user_data)
{
  guint platforms = 1u << CS_PLATFORM_X | 1u << CS_PLATFORM_FACEBOOK;
  guint value = 0;

  cs_draft_set_platforms (fixture->draft, platforms);
  g_assert_cmpuint (cs_draft_get_platforms (fixture->draft), ==, platforms);
  g_assert_cmpuint (fixture->n_notify_platforms, ==, 1);
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  cs_draft_set_platforms (fixture->draft, platforms);
  g_object_set (fixture->draft, "platforms", platforms, NULL);
  g_assert_cmpuint (fixture->n_notify_platforms, ==, 1);
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  g_object_set (fixture->draft, "platforms", 1u << CS_PLATFORM_MASTODON, NULL);
  g_object_get (fixture->draft, "platforms", &value, NULL);
  g_assert_cmpuint (value, ==, 1u << CS_PLATFORM_MASTODON);
  g_assert_cmpuint (fixture->n_notify_platforms, ==, 2);
  g_assert_cmpuint (fixture->n_changed, ==, 2);

  g_assert_cmpuint (fixture->n_notify_text, ==, 0);
}

static void
test_draft_attachments (DraftFixture  *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(CsAttachment) first = attachment_new ("p1", "/drafts/d1/photos/p1.jpg",
                                                  "/home/office/trip.jpg", NULL,
                                                  CS_PHOTO_STATE_CHECKING);
  g_autoptr(CsAttachment) second = attachment_new ("p2", "/drafts/d1/photos/p2.png",
                                                   NULL, "Two pupils at the finish line",
                                                   CS_PHOTO_STATE_BLURRED);
  const CsAttachment *found;
  guint n = 0;

  cs_draft_add_attachment (fixture->draft, first);
  cs_draft_add_attachment (fixture->draft, second);
  g_assert_cmpuint (cs_draft_get_n_attachments (fixture->draft), ==, 2);
  g_assert_cmpuint (fixture->n_notify_n_attachments, ==, 2);
  g_assert_cmpuint (fixture->n_changed, ==, 2);

  g_object_get (fixture->draft, "n-attachments", &n, NULL);
  g_assert_cmpuint (n, ==, 2);

  /* The draft holds copies, with "" for strings left out. */
  found = cs_draft_get_attachment (fixture->draft, 0);
  g_assert_true (found != first);
  g_assert_cmpstr (found->id, ==, "p1");
  g_assert_cmpstr (found->alt_text, ==, "");
  found = cs_draft_find_attachment (fixture->draft, "p2");
  g_assert_nonnull (found);
  g_assert_cmpstr (found->original, ==, "");
  g_assert_cmpstr (found->alt_text, ==, "Two pupils at the finish line");
  g_assert_null (cs_draft_find_attachment (fixture->draft, "p3"));

  /* Alt text and state: ::changed, but no property notification, and
   * nothing at all when the value is the same. */
  g_assert_true (cs_draft_set_alt_text (fixture->draft, "p1", "A relay race"));
  g_assert_cmpuint (fixture->n_changed, ==, 3);
  g_assert_true (cs_draft_set_alt_text (fixture->draft, "p1", "A relay race"));
  g_assert_cmpuint (fixture->n_changed, ==, 3);
  g_assert_cmpstr (cs_draft_find_attachment (fixture->draft, "p1")->alt_text, ==, "A relay race");

  g_assert_true (cs_draft_set_photo_state (fixture->draft, "p1", CS_PHOTO_STATE_NEEDS_REVIEW));
  g_assert_cmpuint (fixture->n_changed, ==, 4);
  g_assert_true (cs_draft_set_photo_state (fixture->draft, "p1", CS_PHOTO_STATE_NEEDS_REVIEW));
  g_assert_cmpuint (fixture->n_changed, ==, 4);
  g_assert_cmpint (cs_draft_find_attachment (fixture->draft, "p1")->state, ==,
                   CS_PHOTO_STATE_NEEDS_REVIEW);

  g_assert_false (cs_draft_set_alt_text (fixture->draft, "nope", "x"));
  g_assert_false (cs_draft_set_photo_state (fixture->draft, "nope", CS_PHOTO_STATE_BLURRED));
  g_assert_false (cs_draft_remove_attachment (fixture->draft, "nope"));
  g_assert_cmpuint (fixture->n_changed, ==, 4);
  g_assert_cmpuint (fixture->n_notify_n_attachments, ==, 2);

  g_assert_true (cs_draft_remove_attachment (fixture->draft, "p1"));
  g_assert_cmpuint (cs_draft_get_n_attachments (fixture->draft), ==, 1);
  g_assert_cmpuint (fixture->n_notify_n_attachments, ==, 3);
  g_assert_cmpuint (fixture->n_changed, ==, 5);
  g_assert_cmpstr (cs_draft_get_attachment (fixture->draft, 0)->id, ==, "p2");

  g_assert_cmpuint (fixture->n_notify_text, ==, 0);
  g_assert_cmpuint (fixture->n_notify_platforms, ==, 0);
}

static void
test_draft_modified_is_not_a_change (DraftFixture  *fixture,
                                     gconstpointer  user_data)
{
  g_autoptr(GDateTime) when = g_date_time_new_utc (2026, 3, 14, 9, 30, 0);

  /* Saving sets the time; were that a change, autosave would never stop. */
  cs_draft_set_modified (fixture->draft, when);
  g_assert_true (g_date_time_equal (cs_draft_get_modified (fixture->draft), when));
  g_assert_cmpuint (fixture->n_changed, ==, 0);
}

static void
test_draft_attachment_boxed (void)
{
  g_autoptr(CsAttachment) attachment = attachment_new ("p1", "/a/p1.jpg", "/b/c.jpg", "Alt",
                                                       CS_PHOTO_STATE_BLURRED);
  g_autoptr(CsAttachment) copy = g_boxed_copy (CS_TYPE_ATTACHMENT, attachment);

  assert_attachments_equal (attachment, copy);
  g_assert_true (copy->id != attachment->id);
}

static void
test_draft_photo_state_strings (void)
{
  CsPhotoState state;

  g_assert_cmpstr (cs_photo_state_to_string (CS_PHOTO_STATE_CHECKING), ==, "checking");
  g_assert_cmpstr (cs_photo_state_to_string (CS_PHOTO_STATE_NEEDS_REVIEW), ==, "needs-review");
  g_assert_cmpstr (cs_photo_state_to_string (CS_PHOTO_STATE_BLURRED), ==, "blurred");

  for (CsPhotoState s = CS_PHOTO_STATE_CHECKING; s <= CS_PHOTO_STATE_BLURRED; s++)
    {
      g_assert_true (cs_photo_state_from_string (cs_photo_state_to_string (s), &state));
      g_assert_cmpint (state, ==, s);
    }

  g_assert_false (cs_photo_state_from_string ("Blurred", &state));
  g_assert_false (cs_photo_state_from_string ("", &state));
  g_assert_false (cs_photo_state_from_string (NULL, &state));
}

static void
test_draft_id_validity (void)
{
  const char *good[] = { "a", "0b7c4f1e-8a2d-4c1b-9b9e-2f1f4a3e5d6c", "draft_1", "élève" };
  const char *bad[] = { "", "..", ".", "../x", "a/b", "a\\b", "x/../y", "a..b", ".hidden",
                        "tab\there", "/etc" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (cs_draft_id_is_valid (good[i]));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (cs_draft_id_is_valid (bad[i]));
  g_assert_false (cs_draft_id_is_valid (NULL));
}

static char *
title_for (const char *text)
{
  g_autoptr(CsDraft) draft = cs_draft_new ("t");

  cs_draft_set_text (draft, text);

  return cs_draft_dup_title (draft);
}

static void
test_draft_title (void)
{
  const char *long_text = "Our wonderful Year 5 pupils visited the Science Museum today "
                          "and learned all about electricity";
  g_autofree char *sixty = g_strnfill (60, 'x');
  g_autofree char *hundred = g_strnfill (100, 'y');
  g_autoptr(GString) accents = g_string_new (NULL);
  g_autofree char *title = NULL;
  const char *ellipsis;
  gsize prefix_len;

  title = title_for ("");
  g_assert_cmpstr (title, ==, "Untitled draft");
  g_clear_pointer (&title, g_free);

  title = title_for ("  \n\t \r\n ");
  g_assert_cmpstr (title, ==, "Untitled draft");
  g_clear_pointer (&title, g_free);

  title = title_for ("\n\n   Sports day!  \nThe rest of the post");
  g_assert_cmpstr (title, ==, "Sports day!");
  g_clear_pointer (&title, g_free);

  title = title_for ("Year 6\t\tresidential\u00a0 trip\r\nmore");
  g_assert_cmpstr (title, ==, "Year 6 residential trip");
  g_clear_pointer (&title, g_free);

  /* Exactly at the limit, nothing is cut. */
  title = title_for (sixty);
  g_assert_cmpstr (title, ==, sixty);
  g_clear_pointer (&title, g_free);

  /* Over it, the cut falls between words and is marked. */
  title = title_for (long_text);
  g_assert_cmpuint (g_utf8_strlen (title, -1), <=, 60);
  g_assert_true (g_str_has_suffix (title, "…"));
  prefix_len = strlen (title) - strlen ("…");
  g_assert_cmpint (strncmp (title, long_text, prefix_len), ==, 0);
  g_assert_cmpint (long_text[prefix_len], ==, ' ');
  g_assert_cmpint (title[prefix_len - 1], !=, ' ');
  g_assert_cmpstr (title, ==, "Our wonderful Year 5 pupils visited the Science Museum…");
  g_clear_pointer (&title, g_free);

  /* One long word is cut where it must be. */
  title = title_for (hundred);
  g_assert_cmpuint (g_utf8_strlen (title, -1), ==, 60);
  g_assert_true (g_str_has_suffix (title, "…"));
  g_clear_pointer (&title, g_free);

  /* Never between a letter and its accent. */
  for (guint i = 0; i < 40; i++)
    g_string_append (accents, "e\xcc\x81");
  title = title_for (accents->str);
  g_assert_cmpuint (g_utf8_strlen (title, -1), <=, 60);
  ellipsis = g_strrstr (title, "…");
  g_assert_nonnull (ellipsis);
  g_assert_cmpuint (g_utf8_get_char (g_utf8_prev_char (ellipsis)), ==, 0x0301);
}

/* JSON
 * ====
 */

static void
add_regions (CsDraft    *draft,
             const char *id)
{
  g_autoptr(GPtrArray) regions = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_photo_region_free);
  CsRect face = { 120.25, 80, 64, 80 };
  CsRect name = { 400, 610.5, 220, 40 };
  CsPhotoRegion *region;

  region = cs_photo_region_new (CS_REGION_FACE, &face, 0.875);
  region->tag = g_strdup ("A1234");
  region->clear = TRUE;
  g_ptr_array_add (regions, region);
  region = cs_photo_region_new (CS_REGION_TEXT, &name, 0.5);
  region->text = g_strdup ("Zoë Ashby");
  region->reason = g_strdup ("certificate");
  g_ptr_array_add (regions, region);

  g_assert_true (cs_draft_set_photo_regions (draft, id, 1600, 1200, regions, TRUE));
}

static CsDraft *
make_full_draft (const char *dir)
{
  CsDraft *draft = cs_draft_new ("0b7c4f1e-8a2d-4c1b-9b9e-2f1f4a3e5d6c");
  g_autoptr(GDateTime) when = g_date_time_new_utc (2026, 3, 14, 9, 30, 12.345678);
  g_autofree char *file1 = g_build_filename (dir, "photos", "p1.jpg", NULL);
  g_autofree char *file2 = g_build_filename (dir, "photos", "p2.png", NULL);
  g_autoptr(CsAttachment) first = attachment_new ("p1", file1, "/home/office/Sports day/IMG_0001.JPG",
                                                  "", CS_PHOTO_STATE_NEEDS_REVIEW);
  g_autoptr(CsAttachment) second = attachment_new ("p2", file2, "",
                                                   "Year 5 “Eco Club” planting trees ✓",
                                                   CS_PHOTO_STATE_BLURRED);

  cs_draft_set_text (draft, "Sports day 🏃‍♀️\n\nWell done to everyone — “Team Blue” won!\t");
  cs_draft_set_platforms (draft, 1u << CS_PLATFORM_X | 1u << CS_PLATFORM_BLUESKY);
  cs_draft_add_attachment (draft, first);
  cs_draft_add_attachment (draft, second);
  add_regions (draft, "p1");
  cs_draft_set_marked_by_hand (draft, "p2", TRUE);
  cs_draft_set_modified (draft, when);

  return draft;
}

static JsonNode *
json_round_trip_text (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

static void
test_draft_json_round_trip (void)
{
  const char *dir = "/home/office/.local/share/countersign/drafts/0b7c4f1e";
  g_autoptr(CsDraft) draft = make_full_draft (dir);
  g_autoptr(CsDraft) loaded = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) reparsed = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  JsonArray *platforms;
  JsonObject *attachment;

  node = cs_draft_to_json (draft, dir);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));

  object = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, 1);
  platforms = json_object_get_array_member (object, "platforms");
  g_assert_cmpuint (json_array_get_length (platforms), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (platforms, 0), ==, "x");
  g_assert_cmpstr (json_array_get_string_element (platforms, 1), ==, "bluesky");

  /* Photos are stored relative to the draft's folder, so the folder can move. */
  attachment = json_array_get_object_element (json_object_get_array_member (object, "attachments"), 0);
  g_assert_cmpstr (json_object_get_string_member (attachment, "file"), ==, "photos/p1.jpg");
  g_assert_cmpstr (json_object_get_string_member (attachment, "state"), ==, "needs-review");

  reparsed = json_round_trip_text (node);
  loaded = cs_draft_new_from_json (reparsed, dir, &error);
  g_assert_no_error (error);
  assert_drafts_equal (draft, loaded);

  /* In another folder, the photos are found in that folder. */
  g_clear_object (&loaded);
  loaded = cs_draft_new_from_json (reparsed, "/media/backup/d", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cs_draft_get_attachment (loaded, 1)->file, ==, "/media/backup/d/photos/p2.png");
}

static void
test_draft_json_skips_unknown_platforms (void)
{
  g_autoptr(CsDraft) draft = make_full_draft ("/d");
  g_autoptr(CsDraft) loaded = NULL;
  g_autoptr(JsonNode) node = cs_draft_to_json (draft, "/d");
  g_autoptr(GError) error = NULL;
  JsonArray *platforms;

  platforms = json_object_get_array_member (json_node_get_object (node), "platforms");
  json_array_add_string_element (platforms, "myspace");

  loaded = cs_draft_new_from_json (node, "/d", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cs_draft_get_platforms (loaded), ==,
                    1u << CS_PLATFORM_X | 1u << CS_PLATFORM_BLUESKY);
}

typedef struct
{
  const char *member;     /* "attachments[0].state" reaches into the first photo */
  const char *value;      /* JSON text, or NULL to remove the member */
  const char *expected;   /* in the error message */
} Damage;

static const Damage damages[] = {
  { "version", NULL, "“version” is missing" },
  { "version", "\"1\"", "“version”" },
  { "version", "0", "“version”" },
  { "version", "2", "newer version of Countersign" },
  { "id", NULL, "“id” is missing" },
  { "id", "\"../../elsewhere\"", "“id”" },
  { "id", "17", "“id” must be text" },
  { "text", NULL, "“text” is missing" },
  { "text", "[\"a\"]", "“text” must be text" },
  { "platforms", "\"x\"", "“platforms”" },
  { "platforms", NULL, "“platforms” is missing" },
  { "platforms", "[\"x\", 3]", "“platforms[1]”" },
  { "modified", "\"last Tuesday\"", "“modified” is “last Tuesday”" },
  { "modified", "null", "“modified”" },
  { "attachments", "{}", "“attachments”" },
  { "attachments", "[\"photo.jpg\"]", "“attachments[0]”" },
  { "attachments[0].id", NULL, "“attachments[0].id” is missing" },
  { "attachments[0].id", "\"a/b\"", "“attachments[0].id”" },
  { "attachments[0].file", "\"../../../etc/passwd\"", "“attachments[0].file”" },
  { "attachments[0].file", "\"\"", "“attachments[0].file”" },
  { "attachments[0].file", "true", "“attachments[0].file” must be text" },
  { "attachments[0].alt_text", "3", "“attachments[0].alt_text”" },
  { "attachments[0].original", "{}", "“attachments[0].original”" },
  { "attachments[0].state", "\"sparkly\"", "“attachments[0].state” is “sparkly”" },
  { "attachments[0].state", NULL, "“attachments[0].state” is missing" },
  { "attachments[1].id", "\"p1\"", "“attachments[1].id”" },
  { "attachments[0].width", "-4", "“attachments[0].width”" },
  { "attachments[0].height", "\"tall\"", "“attachments[0].height”" },
  { "attachments[0].faces_checked", "1", "“attachments[0].faces_checked”" },
  { "attachments[0].regions", "{}", "“attachments[0].regions”" },
  { "attachments[0].regions", "[{\"kind\": \"face\", \"x\": 1, \"y\": 2, \"w\": 3}]", "“attachments[0].regions[0].h”" },
  { "attachments[0].regions", "[{\"kind\": \"blob\", \"x\": 1, \"y\": 2, \"w\": 3, \"h\": 4}]", "“attachments[0].regions[0].kind”" },
};

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

static void
test_draft_json_rejects_damage (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (damages); i++)
    {
      const Damage *damage = &damages[i];
      g_autoptr(CsDraft) draft = make_full_draft ("/d");
      g_autoptr(CsDraft) loaded = NULL;
      g_autoptr(JsonNode) node = cs_draft_to_json (draft, "/d");
      g_autoptr(GError) error = NULL;
      JsonObject *object = json_node_get_object (node);
      const char *member = damage->member;

      g_test_message ("%s = %s", damage->member, damage->value ? damage->value : "(removed)");

      if (g_str_has_prefix (member, "attachments["))
        {
          guint index = member[strlen ("attachments[")] - '0';
          JsonArray *attachments = json_object_get_array_member (object, "attachments");

          object = json_array_get_object_element (attachments, index);
          member = strchr (member, '.') + 1;
        }

      if (damage->value != NULL)
        json_object_set_member (object, member, parse_json (damage->value));
      else
        json_object_remove_member (object, member);

      loaded = cs_draft_new_from_json (node, "/d", &error);
      g_assert_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_CORRUPT);
      g_assert_null (loaded);
      if (strstr (error->message, damage->expected) == NULL)
        g_error ("“%s” does not say “%s”", error->message, damage->expected);
    }
}

static void
test_draft_json_rejects_bad_utf8 (void)
{
  g_autoptr(CsDraft) draft = make_full_draft ("/d");
  g_autoptr(CsDraft) loaded = NULL;
  g_autoptr(JsonNode) node = cs_draft_to_json (draft, "/d");
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (json_node_get_object (node), "text", "Caf\xe9 menu");

  loaded = cs_draft_new_from_json (node, "/d", &error);
  g_assert_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "“text” is not valid UTF-8"));
  g_assert_null (loaded);
}

static void
test_draft_json_rejects_non_object (void)
{
  g_autoptr(JsonNode) node = parse_json ("[1, 2, 3]");
  g_autoptr(GError) error = NULL;
  g_autoptr(CsDraft) loaded = NULL;

  loaded = cs_draft_new_from_json (node, "/d", &error);
  g_assert_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_CORRUPT);
  g_assert_null (loaded);
}

/* The store
 * =========
 */

typedef struct
{
  char         *tmp;    /* removed at the end */
  char         *dir;    /* the store's folder, inside @tmp, made by the store */
  CsDraftStore *store;
} StoreFixture;

static void
store_fixture_set_up (StoreFixture  *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->tmp = g_dir_make_tmp ("countersign-test-draft-XXXXXX", &error);
  g_assert_no_error (error);

  fixture->dir = g_build_filename (fixture->tmp, "drafts", NULL);
  fixture->store = cs_draft_store_new (fixture->dir);
  g_assert_cmpstr (cs_draft_store_get_dir (fixture->store), ==, fixture->dir);
}

static void
store_fixture_tear_down (StoreFixture  *fixture,
                         gconstpointer  user_data)
{
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  remove_recursively (fixture->tmp);
  g_assert_false (g_file_test (fixture->tmp, G_FILE_TEST_EXISTS));
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->tmp, g_free);
}

static char *
draft_path (StoreFixture *fixture,
            CsDraft      *draft,
            const char   *name)
{
  return g_build_filename (fixture->dir, cs_draft_get_id (draft), name, NULL);
}

static void
test_store_default_dir (void)
{
  g_autoptr(CsDraftStore) store = cs_draft_store_new (NULL);
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "countersign", "drafts", NULL);

  g_assert_cmpstr (cs_draft_store_get_dir (store), ==, expected);
}

static void
test_store_save_load (StoreFixture  *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(CsDraft) draft = cs_draft_store_create (fixture->store);
  g_autoptr(CsDraft) other = cs_draft_store_create (fixture->store);
  g_autoptr(CsDraft) loaded = NULL;
  g_autoptr(GDateTime) before = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) old = g_date_time_new_utc (2020, 1, 1, 0, 0, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *photo = NULL;
  g_autoptr(CsAttachment) attachment = NULL;

  g_assert_true (cs_draft_id_is_valid (cs_draft_get_id (draft)));
  g_assert_cmpstr (cs_draft_get_id (draft), !=, cs_draft_get_id (other));

  /* Nothing is written until saved. */
  g_assert_false (g_file_test (fixture->dir, G_FILE_TEST_EXISTS));

  folder = g_build_filename (fixture->dir, cs_draft_get_id (draft), NULL);
  photo = g_build_filename (folder, "photos", "p1.jpg", NULL);
  attachment = attachment_new ("p1", photo, "/home/office/p.jpg", "A choir", CS_PHOTO_STATE_BLURRED);

  cs_draft_set_text (draft, "Harvest festival\nThank you for the donations.");
  cs_draft_set_platforms (draft, 1u << CS_PLATFORM_MASTODON);
  cs_draft_add_attachment (draft, attachment);
  cs_draft_set_modified (draft, old);

  g_assert_true (cs_draft_store_save (fixture->store, draft, &error));
  g_assert_no_error (error);

  /* Saving stamps the time. */
  g_assert_cmpint (g_date_time_compare (cs_draft_get_modified (draft), before), >=, 0);

  loaded = cs_draft_store_load (fixture->store, cs_draft_get_id (draft), &error);
  g_assert_no_error (error);
  assert_drafts_equal (draft, loaded);

  /* A second save replaces the first. */
  g_clear_object (&loaded);
  cs_draft_set_text (draft, "Harvest festival, updated");
  g_assert_true (cs_draft_store_save (fixture->store, draft, &error));
  g_assert_no_error (error);
  loaded = cs_draft_store_load (fixture->store, cs_draft_get_id (draft), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cs_draft_get_text (loaded), ==, "Harvest festival, updated");

  /* A draft never saved is not there. */
  g_clear_object (&loaded);
  loaded = cs_draft_store_load (fixture->store, cs_draft_get_id (other), &error);
  g_assert_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_NOT_FOUND);
  g_assert_null (loaded);
}

static void
test_store_load_rejects_corrupt (StoreFixture  *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(CsDraft) draft = cs_draft_store_create (fixture->store);
  g_autoptr(CsDraft) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (cs_draft_store_save (fixture->store, draft, &error));
  g_assert_no_error (error);
  path = draft_path (fixture, draft, "draft.json");

  g_assert_true (g_file_set_contents (path, "{ \"version\": 1, \"id\": ", -1, NULL));
  loaded = cs_draft_store_load (fixture->store, cs_draft_get_id (draft), &error);
  g_assert_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_null (loaded);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  loaded = cs_draft_store_load (fixture->store, cs_draft_get_id (draft), &error);
  g_assert_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_CORRUPT);
  g_assert_null (loaded);
  g_clear_error (&error);

  /* A draft file in a folder not named after its id would be saved back to
   * a different folder, so it is not opened. */
  contents = g_strdup_printf ("{\"version\":1,\"id\":\"someone-else\",\"text\":\"\","
                              "\"platforms\":[],\"modified\":\"2026-01-01T00:00:00Z\","
                              "\"attachments\":[]}");
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  loaded = cs_draft_store_load (fixture->store, cs_draft_get_id (draft), &error);
  g_assert_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "“id”"));
  g_assert_null (loaded);
}

static void
test_store_list_newest_first (StoreFixture  *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(CsDraft) a = cs_draft_store_create (fixture->store);
  g_autoptr(CsDraft) b = cs_draft_store_create (fixture->store);
  g_autoptr(CsDraft) c = cs_draft_store_create (fixture->store);
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(GError) error = NULL;

  /* Nothing saved yet, not even the folder. */
  drafts = cs_draft_store_list (fixture->store);
  g_assert_cmpuint (drafts->len, ==, 0);
  g_clear_pointer (&drafts, g_ptr_array_unref);

  cs_draft_set_text (a, "a");
  cs_draft_set_text (b, "b");
  cs_draft_set_text (c, "c");

  g_assert_true (cs_draft_store_save (fixture->store, a, &error));
  g_assert_true (cs_draft_store_save (fixture->store, b, &error));
  g_assert_true (cs_draft_store_save (fixture->store, c, &error));
  g_assert_no_error (error);

  drafts = cs_draft_store_list (fixture->store);
  g_assert_cmpuint (drafts->len, ==, 3);
  g_assert_cmpstr (cs_draft_get_text (g_ptr_array_index (drafts, 0)), ==, "c");
  g_assert_cmpstr (cs_draft_get_text (g_ptr_array_index (drafts, 1)), ==, "b");
  g_assert_cmpstr (cs_draft_get_text (g_ptr_array_index (drafts, 2)), ==, "a");
  assert_drafts_equal (g_ptr_array_index (drafts, 0), c);
  g_clear_pointer (&drafts, g_ptr_array_unref);

  /* Saving again brings a draft to the top. */
  g_assert_true (cs_draft_store_save (fixture->store, a, &error));
  g_assert_no_error (error);

  drafts = cs_draft_store_list (fixture->store);
  g_assert_cmpuint (drafts->len, ==, 3);
  g_assert_cmpstr (cs_draft_get_text (g_ptr_array_index (drafts, 0)), ==, "a");
  g_assert_cmpstr (cs_draft_get_text (g_ptr_array_index (drafts, 1)), ==, "c");
  g_assert_cmpstr (cs_draft_get_text (g_ptr_array_index (drafts, 2)), ==, "b");
}

static void
test_store_list_skips_broken (StoreFixture  *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(CsDraft) good = cs_draft_store_create (fixture->store);
  g_autoptr(CsDraft) broken = cs_draft_store_create (fixture->store);
  g_autoptr(CsDraft) future = cs_draft_store_create (fixture->store);
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *broken_json = NULL;
  g_autofree char *future_json = NULL;
  g_autofree char *empty_folder = NULL;
  g_autofree char *hidden = NULL;
  g_autofree char *stray = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (cs_draft_store_save (fixture->store, good, &error));
  g_assert_true (cs_draft_store_save (fixture->store, broken, &error));
  g_assert_true (cs_draft_store_save (fixture->store, future, &error));
  g_assert_no_error (error);

  broken_json = draft_path (fixture, broken, "draft.json");
  g_assert_true (g_file_set_contents (broken_json, "{\"version\": 1, \"text\": \"half a po", -1, NULL));

  future_json = draft_path (fixture, future, "draft.json");
  g_assert_true (g_file_get_contents (future_json, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"version\" : 1"));
  memcpy (strstr (contents, "\"version\" : 1") + strlen ("\"version\" : "), "9", 1);
  g_assert_true (g_file_set_contents (future_json, contents, -1, NULL));

  /* An empty draft folder, a hidden folder and a stray file. */
  empty_folder = g_build_filename (fixture->dir, "empty", NULL);
  g_assert_cmpint (g_mkdir (empty_folder, 0700), ==, 0);
  hidden = g_build_filename (fixture->dir, ".trash", NULL);
  g_assert_cmpint (g_mkdir (hidden, 0700), ==, 0);
  stray = g_build_filename (fixture->dir, "notes.txt", NULL);
  g_assert_true (g_file_set_contents (stray, "hello", -1, NULL));

  drafts = cs_draft_store_list (fixture->store);
  g_assert_cmpuint (drafts->len, ==, 1);
  g_assert_cmpstr (cs_draft_get_id (g_ptr_array_index (drafts, 0)), ==, cs_draft_get_id (good));

  /* Nothing is deleted: the damaged drafts may still be rescued by hand. */
  g_assert_true (g_file_test (broken_json, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (future_json, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (empty_folder, G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_test (stray, G_FILE_TEST_IS_REGULAR));
}

static void
test_store_delete (StoreFixture  *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(CsDraft) draft = cs_draft_store_create (fixture->store);
  g_autoptr(CsDraft) keep = cs_draft_store_create (fixture->store);
  g_autoptr(CsDraft) loaded = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) link = NULL;
  g_autofree char *source = NULL;
  g_autofree char *outside = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *link_path = NULL;
  g_autoptr(GFile) source_file = NULL;

  source = write_file (fixture->tmp, "photo.png", tiny_png, sizeof tiny_png);
  source_file = g_file_new_for_path (source);
  g_assert_nonnull (cs_draft_store_import_photo (fixture->store, draft, source_file, &error));
  g_assert_no_error (error);
  g_assert_true (cs_draft_store_save (fixture->store, keep, &error));
  g_assert_no_error (error);

  /* A link inside the draft to a file outside it: the link goes, the file
   * it points at stays. */
  outside = write_file (fixture->tmp, "precious.txt", (const guchar *) "keep me", 7);
  link_path = draft_path (fixture, draft, "photos/link");
  link = g_file_new_for_path (link_path);
  g_assert_true (g_file_make_symbolic_link (link, outside, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (cs_draft_store_delete (fixture->store, cs_draft_get_id (draft), &error));
  g_assert_no_error (error);

  folder = g_build_filename (fixture->dir, cs_draft_get_id (draft), NULL);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (outside, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (source, G_FILE_TEST_IS_REGULAR));

  loaded = cs_draft_store_load (fixture->store, cs_draft_get_id (draft), &error);
  g_assert_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_NOT_FOUND);
  g_assert_null (loaded);
  g_clear_error (&error);

  g_assert_false (cs_draft_store_delete (fixture->store, cs_draft_get_id (draft), &error));
  g_assert_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_NOT_FOUND);

  drafts = cs_draft_store_list (fixture->store);
  g_assert_cmpuint (drafts->len, ==, 1);
  g_assert_cmpstr (cs_draft_get_id (g_ptr_array_index (drafts, 0)), ==, cs_draft_get_id (keep));
}

static void
test_store_refuses_path_traversal (StoreFixture  *fixture,
                                   gconstpointer  user_data)
{
  const char *bad_ids[] = { "..", ".", "../victim", "../../victim", "a/../../victim",
                            "/etc", "", "x/y" };
  g_autoptr(CsDraft) keep = cs_draft_store_create (fixture->store);
  g_autoptr(GError) error = NULL;
  g_autofree char *victim = g_build_filename (fixture->tmp, "victim", NULL);
  g_autofree char *victim_file = g_build_filename (victim, "draft.json", NULL);

  g_assert_true (cs_draft_store_save (fixture->store, keep, &error));
  g_assert_no_error (error);

  /* A folder beside the store that looks just like a draft. */
  g_assert_cmpint (g_mkdir (victim, 0700), ==, 0);
  g_assert_true (g_file_set_contents (victim_file, "{}", -1, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (bad_ids); i++)
    {
      g_autoptr(CsDraft) loaded = NULL;

      loaded = cs_draft_store_load (fixture->store, bad_ids[i], &error);
      g_assert_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_NOT_FOUND);
      g_assert_null (loaded);
      g_clear_error (&error);

      g_assert_false (cs_draft_store_delete (fixture->store, bad_ids[i], &error));
      g_assert_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_NOT_FOUND);
      g_clear_error (&error);
    }

  g_assert_true (g_file_test (victim_file, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (fixture->dir, G_FILE_TEST_IS_DIR));
  g_assert_nonnull (cs_draft_store_load (fixture->store, cs_draft_get_id (keep), NULL));
}

static void
test_store_save_is_atomic (StoreFixture  *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(CsDraft) draft = cs_draft_store_create (fixture->store);
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *listing = NULL;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *text = g_strdup_printf ("Version %u", i);

      cs_draft_set_text (draft, text);
      g_assert_true (cs_draft_store_save (fixture->store, draft, &error));
      g_assert_no_error (error);
    }

  /* Only the draft remains: no temporary files beside it. */
  folder = g_build_filename (fixture->dir, cs_draft_get_id (draft), NULL);
  listing = list_dir (folder);
  g_assert_cmpstr (listing, ==, "draft.json");
  g_clear_pointer (&listing, g_free);

  listing = list_dir (fixture->dir);
  g_assert_cmpstr (listing, ==, cs_draft_get_id (draft));
}

static void
test_store_folders_are_private (StoreFixture  *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(CsDraft) draft = cs_draft_store_create (fixture->store);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) source_file = NULL;
  g_autofree char *source = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *photos = NULL;
  g_autofree char *json = NULL;
  const CsAttachment *attachment;

  /* Even a world-readable source gives a private copy. */
  source = write_file (fixture->tmp, "open.png", tiny_png, sizeof tiny_png);
  g_assert_cmpint (g_chmod (source, 0644), ==, 0);
  source_file = g_file_new_for_path (source);

  attachment = cs_draft_store_import_photo (fixture->store, draft, source_file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (attachment);

  folder = g_build_filename (fixture->dir, cs_draft_get_id (draft), NULL);
  photos = g_build_filename (folder, "photos", NULL);
  json = g_build_filename (folder, "draft.json", NULL);

  g_assert_cmpuint (file_mode (fixture->dir), ==, 0700);
  g_assert_cmpuint (file_mode (folder), ==, 0700);
  g_assert_cmpuint (file_mode (photos), ==, 0700);
  g_assert_cmpuint (file_mode (json), ==, 0600);
  g_assert_cmpuint (file_mode (attachment->file), ==, 0600);
  g_assert_cmpuint (file_mode (source), ==, 0644);

  /* A draft folder loosened by hand is tightened on the next save. */
  g_assert_cmpint (g_chmod (folder, 0755), ==, 0);
  g_assert_true (cs_draft_store_save (fixture->store, draft, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (folder), ==, 0700);
}

static void
count_cb (CsDraft *draft,
          guint   *n)
{
  (*n)++;
}

static void
check_import (StoreFixture *fixture,
              const char   *name,
              const guchar *data,
              gsize         len,
              const char   *ext)
{
  g_autoptr(CsDraft) draft = cs_draft_store_create (fixture->store);
  g_autoptr(CsDraft) loaded = NULL;
  g_autoptr(GFile) source_file = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GBytes) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *source = NULL;
  g_autofree char *photos = NULL;
  g_autofree char *expected_name = NULL;
  g_autofree char *copy_name = NULL;
  const CsAttachment *attachment;
  GStatBuf stat_before;
  GStatBuf stat_after;
  guint n_changed = 0;

  source = write_file (fixture->tmp, name, data, len);
  source_file = g_file_new_for_path (source);
  before = read_bytes (source);
  g_assert_cmpint (g_stat (source, &stat_before), ==, 0);

  cs_draft_set_text (draft, "Trip to the farm");
  g_signal_connect (draft, "changed", G_CALLBACK (count_cb), &n_changed);

  attachment = cs_draft_store_import_photo (fixture->store, draft, source_file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (attachment);
  g_assert_cmpuint (n_changed, ==, 1);

  /* A new attachment, waiting to be checked, pointing back at the source. */
  g_assert_cmpuint (cs_draft_get_n_attachments (draft), ==, 1);
  g_assert_true (cs_draft_get_attachment (draft, 0) == attachment);
  g_assert_true (cs_draft_id_is_valid (attachment->id));
  g_assert_cmpint (attachment->state, ==, CS_PHOTO_STATE_CHECKING);
  g_assert_cmpstr (attachment->original, ==, source);
  g_assert_cmpstr (attachment->alt_text, ==, "");

  /* The copy is in the draft's photos folder, named by id and by content. */
  photos = g_build_filename (fixture->dir, cs_draft_get_id (draft), "photos", NULL);
  copy_name = g_path_get_basename (attachment->file);
  expected_name = g_strconcat (attachment->id, ".", ext, NULL);
  g_assert_cmpstr (copy_name, ==, expected_name);
  g_assert_true (g_str_has_prefix (attachment->file, photos));
  copy = read_bytes (attachment->file);
  g_assert_true (g_bytes_equal (copy, before));

  /* The source is only read. */
  after = read_bytes (source);
  g_assert_true (g_bytes_equal (after, before));
  g_assert_cmpint (g_stat (source, &stat_after), ==, 0);
  g_assert_cmpint (stat_after.st_mtime, ==, stat_before.st_mtime);
  g_assert_cmpuint (stat_after.st_mode, ==, stat_before.st_mode);

  /* The draft was saved with the photo in it. */
  loaded = cs_draft_store_load (fixture->store, cs_draft_get_id (draft), &error);
  g_assert_no_error (error);
  assert_drafts_equal (draft, loaded);
}

static void
test_store_import_png (StoreFixture  *fixture,
                       gconstpointer  user_data)
{
  check_import (fixture, "sports day.png", tiny_png, sizeof tiny_png, "png");
}

static void
test_store_import_jpeg (StoreFixture  *fixture,
                        gconstpointer  user_data)
{
  check_import (fixture, "IMG_0042.JPG", tiny_jpeg, sizeof tiny_jpeg, "jpg");
}

static void
test_store_import_webp_heic (StoreFixture  *fixture,
                             gconstpointer  user_data)
{
  check_import (fixture, "a.webp", tiny_webp, sizeof tiny_webp, "webp");
  check_import (fixture, "IMG_0043.HEIC", tiny_heic, sizeof tiny_heic, "heic");
}

/* The content decides, not the name: a JPEG called .png is taken as JPEG. */
static void
test_store_import_ignores_extension (StoreFixture  *fixture,
                                     gconstpointer  user_data)
{
  check_import (fixture, "really-a-jpeg.png", tiny_jpeg, sizeof tiny_jpeg, "jpg");
}

static void
check_refused (StoreFixture *fixture,
               const char   *name,
               const guchar *data,
               gsize         len)
{
  g_autoptr(CsDraft) draft = cs_draft_store_create (fixture->store);
  g_autoptr(GFile) source_file = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *source = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *quoted = NULL;
  const CsAttachment *attachment;

  source = write_file (fixture->tmp, name, data, len);
  source_file = g_file_new_for_path (source);
  before = read_bytes (source);

  attachment = cs_draft_store_import_photo (fixture->store, draft, source_file, &error);
  g_assert_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_NOT_A_PHOTO);
  g_assert_null (attachment);

  /* The message names the file and says what would do instead. */
  quoted = g_strdup_printf ("“%s” is not a photo Countersign can use", name);
  g_assert_nonnull (strstr (error->message, quoted));
  g_assert_nonnull (strstr (error->message, "JPEG, PNG, WebP or HEIC"));

  g_assert_cmpuint (cs_draft_get_n_attachments (draft), ==, 0);
  folder = g_build_filename (fixture->dir, cs_draft_get_id (draft), NULL);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));

  after = read_bytes (source);
  g_assert_true (g_bytes_equal (after, before));
}

static void
test_store_import_refuses_gif (StoreFixture  *fixture,
                               gconstpointer  user_data)
{
  check_refused (fixture, "cat.gif", tiny_gif, sizeof tiny_gif);
}

static void
test_store_import_refuses_text_named_jpeg (StoreFixture  *fixture,
                                           gconstpointer  user_data)
{
  const char *text = "Dear parents, the trip is on Friday.\n";

  check_refused (fixture, "letter.jpg", (const guchar *) text, strlen (text));
  check_refused (fixture, "empty.jpg", (const guchar *) "", 0);
  check_refused (fixture, "two-bytes.jpg", tiny_jpeg, 2);
}

static void
test_store_import_refuses_folder_and_missing (StoreFixture  *fixture,
                                              gconstpointer  user_data)
{
  g_autoptr(CsDraft) draft = cs_draft_store_create (fixture->store);
  g_autoptr(GFile) folder = g_file_new_for_path (fixture->tmp);
  g_autoptr(GFile) missing = g_file_get_child (folder, "gone.jpg");
  g_autoptr(GError) error = NULL;

  g_assert_null (cs_draft_store_import_photo (fixture->store, draft, folder, &error));
  g_assert_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_NOT_A_PHOTO);
  g_clear_error (&error);

  g_assert_null (cs_draft_store_import_photo (fixture->store, draft, missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "“gone.jpg”"));

  g_assert_cmpuint (cs_draft_get_n_attachments (draft), ==, 0);
}

static void
test_store_import_refuses_too_large (StoreFixture  *fixture,
                                     gconstpointer  user_data)
{
  g_autoptr(CsDraft) draft = cs_draft_store_create (fixture->store);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->tmp, "huge.jpg", NULL);

  /* A JPEG start and then a hole: 60 MB and one byte on paper, little on disk. */
  file = g_file_new_for_path (path);
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (G_OUTPUT_STREAM (stream), tiny_jpeg, sizeof tiny_jpeg,
                                            NULL, NULL, &error));
  g_assert_true (g_seekable_truncate (G_SEEKABLE (stream), 60 * 1000 * 1000 + 1, NULL, &error));
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error));
  g_assert_no_error (error);

  g_assert_null (cs_draft_store_import_photo (fixture->store, draft, file, &error));
  g_assert_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "“huge.jpg”"));
  g_assert_nonnull (strstr (error->message, "60 MB"));
  g_assert_cmpuint (cs_draft_get_n_attachments (draft), ==, 0);
}

static void
test_store_import_bytes (StoreFixture  *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(CsDraft) draft = cs_draft_store_create (fixture->store);
  g_autoptr(CsDraft) loaded = NULL;
  g_autoptr(GBytes) png = g_bytes_new_static (tiny_png, sizeof tiny_png);
  g_autoptr(GBytes) jpeg = g_bytes_new_static (tiny_jpeg, sizeof tiny_jpeg);
  g_autoptr(GBytes) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *photos = NULL;
  g_autofree char *copy_name = NULL;
  const CsAttachment *attachment;

  attachment = cs_draft_store_import_photo_bytes (fixture->store, draft, png, &error);
  g_assert_no_error (error);
  g_assert_nonnull (attachment);
  g_assert_cmpint (attachment->state, ==, CS_PHOTO_STATE_CHECKING);
  g_assert_cmpstr (attachment->original, ==, "");
  g_assert_true (g_str_has_suffix (attachment->file, ".png"));
  g_assert_cmpuint (file_mode (attachment->file), ==, 0600);

  copy = read_bytes (attachment->file);
  g_assert_true (g_bytes_equal (copy, png));

  loaded = cs_draft_store_load (fixture->store, cs_draft_get_id (draft), &error);
  g_assert_no_error (error);
  assert_drafts_equal (draft, loaded);

  /* Only PNG data is taken from memory. */
  g_assert_null (cs_draft_store_import_photo_bytes (fixture->store, draft, jpeg, &error));
  g_assert_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_NOT_A_PHOTO);
  g_assert_cmpuint (cs_draft_get_n_attachments (draft), ==, 1);

  /* And nothing is left behind by the refusal. */
  photos = g_build_filename (fixture->dir, cs_draft_get_id (draft), "photos", NULL);
  listing = list_dir (photos);
  copy_name = g_path_get_basename (attachment->file);
  g_assert_cmpstr (listing, ==, copy_name);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/draft/defaults", test_draft_defaults);
  g_test_add ("/core/draft/notifies-text-only-on-change", DraftFixture, NULL,
              draft_fixture_set_up, test_draft_notify_text, draft_fixture_tear_down);
  g_test_add ("/core/draft/notifies-platforms-only-on-change", DraftFixture, NULL,
              draft_fixture_set_up, test_draft_notify_platforms, draft_fixture_tear_down);
  g_test_add ("/core/draft/attachments-notify-and-change", DraftFixture, NULL,
              draft_fixture_set_up, test_draft_attachments, draft_fixture_tear_down);
  g_test_add ("/core/draft/modified-time-is-not-a-change", DraftFixture, NULL,
              draft_fixture_set_up, test_draft_modified_is_not_a_change, draft_fixture_tear_down);
  g_test_add_func ("/core/draft/attachment-is-boxed", test_draft_attachment_boxed);
  g_test_add_func ("/core/draft/photo-state-strings", test_draft_photo_state_strings);
  g_test_add_func ("/core/draft/id-validity", test_draft_id_validity);
  g_test_add_func ("/core/draft/title", test_draft_title);
  g_test_add_func ("/core/draft/json-round-trip", test_draft_json_round_trip);
  g_test_add_func ("/core/draft/json-skips-unknown-platforms", test_draft_json_skips_unknown_platforms);
  g_test_add_func ("/core/draft/json-rejects-bad-fields-by-name", test_draft_json_rejects_damage);
  g_test_add_func ("/core/draft/json-rejects-invalid-utf8", test_draft_json_rejects_bad_utf8);
  g_test_add_func ("/core/draft/json-rejects-non-object", test_draft_json_rejects_non_object);

  g_test_add_func ("/core/draft/store/default-dir", test_store_default_dir);
#define ADD_STORE_TEST(path, func) \
  g_test_add ("/core/draft/store/" path, StoreFixture, NULL, \
              store_fixture_set_up, func, store_fixture_tear_down)
  ADD_STORE_TEST ("save-load", test_store_save_load);
  ADD_STORE_TEST ("load-rejects-corrupt", test_store_load_rejects_corrupt);
  ADD_STORE_TEST ("list-newest-first", test_store_list_newest_first);
  ADD_STORE_TEST ("list-skips-broken-drafts-and-keeps-them", test_store_list_skips_broken);
  ADD_STORE_TEST ("delete", test_store_delete);
  ADD_STORE_TEST ("refuses-path-traversal", test_store_refuses_path_traversal);
  ADD_STORE_TEST ("save-leaves-no-temporary-files", test_store_save_is_atomic);
  ADD_STORE_TEST ("folders-are-private", test_store_folders_are_private);
  ADD_STORE_TEST ("import-png", test_store_import_png);
  ADD_STORE_TEST ("import-jpeg", test_store_import_jpeg);
  ADD_STORE_TEST ("import-webp-and-heic", test_store_import_webp_heic);
  ADD_STORE_TEST ("import-trusts-content-not-extension", test_store_import_ignores_extension);
  ADD_STORE_TEST ("import-refuses-gif", test_store_import_refuses_gif);
  ADD_STORE_TEST ("import-refuses-text-named-jpg", test_store_import_refuses_text_named_jpeg);
  ADD_STORE_TEST ("import-refuses-folder-and-missing-file", test_store_import_refuses_folder_and_missing);
  ADD_STORE_TEST ("import-refuses-too-large", test_store_import_refuses_too_large);
  ADD_STORE_TEST ("import-pasted-png", test_store_import_bytes);
#undef ADD_STORE_TEST

  return g_test_run ();
}
