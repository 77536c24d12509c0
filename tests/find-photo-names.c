/* find-photo-names.c: prints the name regions found in photos, for scoring
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: find-photo-names ROSTER.csv FILE...
 * Prints {"images":[{"file","width","height","regions":[{"x","y","w","h",
 * "text","reason"}],"words","seconds"}]} on standard output.
 */

#include <json-glib/json-glib.h>

#include "cs-photo-names-private.h"
#include "cs-roster.h"
#include "cs-text-reader.h"
#include "cs-test-image-private.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsRoster) roster = cs_roster_new ();
  g_autoptr(GFile) roster_file = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(CsTextReader) reader = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  gboolean failed = FALSE;

  if (argc < 3)
    {
      g_printerr ("Usage: %s ROSTER.csv FILE...\n", argv[0]);
      return 2;
    }

  roster_file = g_file_new_for_commandline_arg (argv[1]);
  if (!cs_roster_load_file (roster, roster_file, NULL, &error))
    {
      g_printerr ("%s: %s\n", argv[1], error->message);
      return 1;
    }
  people = cs_roster_dup_people (roster);

  reader = cs_text_reader_new (NULL, &error);
  if (reader == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "images");
  json_builder_begin_array (builder);

  for (int a = 2; a < argc; a++)
    {
      g_autoptr(CsTestImage) image = NULL;
      g_autoptr(GPtrArray) words = NULL;
      g_autoptr(GPtrArray) regions = NULL;
      g_autofree char *base = g_path_get_basename (argv[a]);
      gint64 start;
      double seconds;

      image = cs_test_image_load (argv[a], &error);
      if (image == NULL)
        {
          g_printerr ("%s\n", error->message);
          g_clear_error (&error);
          failed = TRUE;
          continue;
        }

      /* Timed as the app sees it: reading, then matching. */
      start = g_get_monotonic_time ();
      words = cs_text_reader_read (reader, cs_test_image_get (image), NULL, &error);
      if (words == NULL)
        {
          g_printerr ("%s: %s\n", base, error->message);
          g_clear_error (&error);
          failed = TRUE;
          continue;
        }
      regions = cs_photo_find_names (words, people);
      seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, base);
      json_builder_set_member_name (builder, "width");
      json_builder_add_int_value (builder, cs_test_image_get (image)->width);
      json_builder_set_member_name (builder, "height");
      json_builder_add_int_value (builder, cs_test_image_get (image)->height);
      json_builder_set_member_name (builder, "regions");
      json_builder_begin_array (builder);
      for (guint i = 0; i < regions->len; i++)
        {
          const CsPhotoRegion *region = g_ptr_array_index (regions, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "x");
          json_builder_add_double_value (builder, region->rect.x);
          json_builder_set_member_name (builder, "y");
          json_builder_add_double_value (builder, region->rect.y);
          json_builder_set_member_name (builder, "w");
          json_builder_add_double_value (builder, region->rect.w);
          json_builder_set_member_name (builder, "h");
          json_builder_add_double_value (builder, region->rect.h);
          json_builder_set_member_name (builder, "text");
          json_builder_add_string_value (builder, region->text);
          json_builder_set_member_name (builder, "reason");
          json_builder_add_string_value (builder, region->reason);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "words");
      json_builder_add_int_value (builder, words->len);
      if (g_getenv ("CS_FIND_NAMES_WORDS") != NULL)
        {
          json_builder_set_member_name (builder, "read");
          json_builder_begin_array (builder);
          for (guint i = 0; i < words->len; i++)
            {
              const CsTextWord *word = g_ptr_array_index (words, i);
              g_autofree char *desc = g_strdup_printf ("%s @%.0f,%.0f,%.0f,%.0f c%.2f l%u",
                                                       word->text, word->rect.x, word->rect.y,
                                                       word->rect.w, word->rect.h,
                                                       word->confidence, word->line);

              json_builder_add_string_value (builder, desc);
            }
          json_builder_end_array (builder);
        }
      json_builder_set_member_name (builder, "seconds");
      json_builder_add_double_value (builder, seconds);
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json = json_generator_to_data (generator, NULL);
  g_print ("%s\n", json);

  return failed ? 1 : 0;
}
