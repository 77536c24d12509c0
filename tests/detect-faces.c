/* detect-faces.c: runs the face detector over photos and prints the boxes
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   detect-faces [--threshold T] MODEL PHOTO|DIR...
 *
 * Prints {"images":[{"file","width","height","faces":[[x,y,w,h,score],...]}]},
 * the detections format of ../shared/tools/score_faces.py, with "file" the
 * photo's base name. A development tool for measuring the detector.
 */

#include <stdio.h>
#include <stdlib.h>

#include <json-glib/json-glib.h>

#include "cs-face-detector.h"

static void
add_photo (JsonBuilder    *out,
           CsFaceDetector *detector,
           const char     *path,
           double          threshold)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsImage) image = cs_image_load (path, &error);
  g_autoptr(GArray) faces = NULL;
  g_autofree char *name = g_path_get_basename (path);

  if (image != NULL)
    faces = cs_face_detector_detect (detector, image, threshold, NULL, &error);
  if (faces == NULL)
    {
      g_printerr ("%s: %s\n", path, error->message);
      return;
    }

  json_builder_begin_object (out);
  json_builder_set_member_name (out, "file");
  json_builder_add_string_value (out, name);
  json_builder_set_member_name (out, "width");
  json_builder_add_int_value (out, cs_image_get_width (image));
  json_builder_set_member_name (out, "height");
  json_builder_add_int_value (out, cs_image_get_height (image));
  json_builder_set_member_name (out, "faces");
  json_builder_begin_array (out);
  for (guint i = 0; i < faces->len; i++)
    {
      const CsFace *f = &g_array_index (faces, CsFace, i);

      json_builder_begin_array (out);
      json_builder_add_double_value (out, f->rect.x);
      json_builder_add_double_value (out, f->rect.y);
      json_builder_add_double_value (out, f->rect.w);
      json_builder_add_double_value (out, f->rect.h);
      json_builder_add_double_value (out, f->score);
      json_builder_end_array (out);
    }
  json_builder_end_array (out);
  json_builder_end_object (out);
}

static gboolean
is_photo (const char *name)
{
  static const char *const suffixes[] = { ".jpg", ".jpeg", ".png", ".webp", ".heic" };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (lower, suffixes[i]))
      return TRUE;
  return FALSE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

int
main (int   argc,
      char *argv[])
{
  double threshold = CS_FACE_DETECTOR_THRESHOLD;
  GOptionEntry entries[] = {
    { "threshold", 't', 0, G_OPTION_ARG_DOUBLE, &threshold, "Lowest score reported", "T" },
    { NULL },
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("MODEL PHOTO|DIR...");
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFaceDetector) detector = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) out = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  gint64 started;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || argc < 3)
    {
      g_printerr ("usage: detect-faces [--threshold T] MODEL PHOTO|DIR...\n");
      return 2;
    }

  detector = cs_face_detector_new (argv[1], &error);
  if (detector == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  for (int i = 2; i < argc; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
      const char *name;

      if (dir == NULL)
        {
          g_ptr_array_add (paths, g_strdup (argv[i]));
          continue;
        }
      while ((name = g_dir_read_name (dir)) != NULL)
        if (is_photo (name))
          g_ptr_array_add (paths, g_build_filename (argv[i], name, NULL));
    }
  g_ptr_array_sort (paths, compare_strings);

  started = g_get_monotonic_time ();
  json_builder_begin_object (out);
  json_builder_set_member_name (out, "images");
  json_builder_begin_array (out);
  for (guint i = 0; i < paths->len; i++)
    add_photo (out, detector, g_ptr_array_index (paths, i), threshold);
  json_builder_end_array (out);
  json_builder_end_object (out);
  g_printerr ("%u photos in %.2f s at threshold %.2f\n", paths->len,
              (g_get_monotonic_time () - started) / 1e6, threshold);

  root = json_builder_get_root (out);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  puts (text);
  return 0;
}
