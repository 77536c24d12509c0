/* countersign-check.c: checks a draft post against the school's policy
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cs-core.h"
#include "cs-photo-analyser.h"

enum
{
  EXIT_CLEAN = 0,
  EXIT_FINDINGS = 1,
  EXIT_USAGE = 2,
};

/* Posts are short; a file this large is a mistake, not a post. */
#define MAX_POST_BYTES (4 * 1024 * 1024)

static gboolean
read_post (const char  *path,
           char       **text,
           gsize       *len,
           GError     **error)
{
  if (g_strcmp0 (path, "-") == 0)
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (0, FALSE);
      g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

      if (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, error) < 0)
        return FALSE;

      *len = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out));
      *text = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
      *text = g_realloc (*text, *len + 1);
      (*text)[*len] = '\0';
    }
  else if (!g_file_get_contents (path, text, len, error))
    return FALSE;

  if (*len > MAX_POST_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s is %" G_GSIZE_FORMAT " bytes, far too long for a post (the limit is 4 MB)", path, *len);
      return FALSE;
    }

  if (!g_utf8_validate (*text, *len, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s is not UTF-8 text; save it as UTF-8 and try again", path);
      return FALSE;
    }

  return TRUE;
}

static void
line_and_column (const char *text,
                 guint       offset,
                 guint      *line,
                 guint      *column)
{
  const char *p = text;

  *line = 1;
  *column = 1;
  for (guint i = 0; i < offset && *p; i++, p = g_utf8_next_char (p))
    {
      if (*p == '\n')
        {
          (*line)++;
          *column = 1;
        }
      else
        (*column)++;
    }
}

/* A photo named with --photo, what was found in it, and where its blurred
 * copy went. */
typedef struct
{
  char            *path;      /* as given on the command line */
  CsPhotoAnalysis *analysis;
  GPtrArray       *leftovers; /* CsPhotoRegion found again after blurring */
  char            *redacted;  /* the blurred copy, or NULL */
} Photo;

static void
photo_free (Photo *photo)
{
  g_free (photo->path);
  g_clear_pointer (&photo->analysis, cs_photo_analysis_free);
  g_clear_pointer (&photo->leftovers, g_ptr_array_unref);
  g_free (photo->redacted);
  g_free (photo);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Photo, photo_free)

/* Analyses every photo, so that all the unreadable ones are named at once.
 * Returns FALSE when any could not be read. */
static gboolean
analyse_photos (CsPhotoAnalyser  *analyser,
                char            **paths,
                GPtrArray        *people,
                GPtrArray        *photos)
{
  gboolean ok = TRUE;

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(Photo) photo = g_new0 (Photo, 1);

      photo->path = g_strdup (paths[i]);
      photo->analysis = cs_photo_analyser_analyse (analyser, paths[i], people, NULL, &error);
      if (photo->analysis == NULL)
        {
          g_printerr ("countersign-check: %s: %s\n", paths[i], error->message);
          ok = FALSE;
          continue;
        }

      if (photo->analysis->warning != NULL)
        g_printerr ("%s: warning: %s\n", paths[i], photo->analysis->warning);
      g_ptr_array_add (photos, g_steal_pointer (&photo));
    }

  return ok;
}

/* Whether @path is one of the photos being checked, by whatever name. */
static gboolean
is_a_photo (const char *path,
            GPtrArray  *photos)
{
  GStatBuf dest, photo;

  if (g_stat (path, &dest) != 0)
    return FALSE;

  for (guint i = 0; i < photos->len; i++)
    {
      const Photo *p = g_ptr_array_index (photos, i);

      if (g_stat (p->path, &photo) == 0 && photo.st_dev == dest.st_dev && photo.st_ino == dest.st_ino)
        return TRUE;
    }

  return FALSE;
}

/* "sports-day.png" becomes "sports-day-redacted.jpg": never the name of a
 * photo being checked, even in its own folder, and unique among this run's
 * copies. */
static char *
redacted_path (const char *dir,
               const char *path,
               GPtrArray  *photos,
               GHashTable *used)
{
  g_autofree char *base = g_path_get_basename (path);
  char *dot = strrchr (base, '.');
  char *dest = NULL;

  if (dot != NULL && dot != base)
    *dot = '\0';

  for (guint n = 1; dest == NULL; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup_printf ("%s-redacted.jpg", base)
                                     : g_strdup_printf ("%s-redacted-%u.jpg", base, n);
      g_autofree char *candidate = g_build_filename (dir, name, NULL);

      if (!g_hash_table_contains (used, name) && !is_a_photo (candidate, photos))
        {
          g_hash_table_add (used, g_steal_pointer (&name));
          dest = g_steal_pointer (&candidate);
        }
    }

  return dest;
}

static gboolean
redact_photos (CsPhotoAnalyser  *analyser,
               GPtrArray        *photos,
               GPtrArray        *people,
               const char       *dir,
               GError          **error)
{
  g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* The copies hold children's photos, blurred or not: keep them private. */
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot create the folder %s for the blurred photos: %s", dir, g_strerror (saved));
      return FALSE;
    }

  for (guint i = 0; i < photos->len; i++)
    {
      Photo *photo = g_ptr_array_index (photos, i);
      g_autofree char *dest = redacted_path (dir, photo->path, photos, used);
      g_autoptr(GError) local_error = NULL;

      /* No pupil is tagged from the command line, so every face is blurred. */
      photo->leftovers = cs_photo_analyser_redact (analyser, photo->path, photo->analysis->regions,
                                                   people, NULL, dest, NULL, &local_error);
      if (photo->leftovers == NULL)
        {
          g_set_error (error, local_error->domain, local_error->code,
                       "%s: %s", photo->path, local_error->message);
          return FALSE;
        }
      photo->redacted = g_steal_pointer (&dest);
    }

  return TRUE;
}

/* The photo rules as they apply to a photo checked from the command line:
 * nothing is tagged or left clear, so what remains is whether faces were
 * looked for at all. Alt text is written where the post is composed, not
 * here, so it is not asked for. */
static GPtrArray *
check_photos (CsChecker *checker,
              GPtrArray *photos)
{
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_attachment_free);
  g_autoptr(GPtrArray) found = NULL;
  GPtrArray *findings = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_finding_free);

  for (guint i = 0; i < photos->len; i++)
    {
      const Photo *photo = g_ptr_array_index (photos, i);
      CsAttachment *attachment = g_new0 (CsAttachment, 1);

      attachment->id = g_strdup (photo->path);
      attachment->file = g_strdup (photo->path);
      attachment->original = g_strdup (photo->path);
      attachment->alt_text = g_strdup ("");
      attachment->state = CS_PHOTO_STATE_NEEDS_REVIEW;
      attachment->width = photo->analysis->width;
      attachment->height = photo->analysis->height;
      attachment->regions = g_ptr_array_ref (photo->analysis->regions);
      attachment->faces_checked = photo->analysis->faces_checked;
      g_ptr_array_add (attachments, attachment);
    }

  found = cs_checker_check_photos (checker, attachments, NULL);
  for (guint i = 0; i < found->len; i++)
    {
      CsFinding *finding = g_ptr_array_index (found, i);

      if (!g_str_equal (finding->rule, CS_RULE_ALT_TEXT))
        g_ptr_array_add (findings, g_steal_pointer (&g_ptr_array_index (found, i)));
    }

  return findings;
}

/* Whole pixels, rounded outwards so that the box still covers everything
 * that was found. */
static void
pixel_box (const CsRect *rect,
           int           box[4])
{
  box[0] = (int) floor (rect->x);
  box[1] = (int) floor (rect->y);
  box[2] = (int) ceil (rect->x + rect->w) - box[0];
  box[3] = (int) ceil (rect->y + rect->h) - box[1];
}

static void
print_finding (const char *where,
               CsFinding  *f)
{
  g_print ("%s: %s: %s [%s]\n", where, cs_severity_to_string (f->severity), f->message, f->rule);
  if (f->clause != NULL && *f->clause)
    g_print ("    policy: %s\n", f->clause);
  if (f->suggestions != NULL && f->suggestions->len > 0)
    {
      g_print ("    try: ");
      for (guint s = 0; s < f->suggestions->len; s++)
        g_print ("%s%s", s ? ", " : "", (char *) g_ptr_array_index (f->suggestions, s));
      g_print ("\n");
    }
}

static void
print_region (const Photo         *photo,
              const CsPhotoRegion *region,
              const char          *what)
{
  int box[4];

  pixel_box (&region->rect, box);
  if (region->kind == CS_REGION_TEXT)
    g_print ("%s: note: name “%s” at %d,%d (%d×%d) %s\n", photo->path,
             region->text != NULL ? region->text : "", box[0], box[1], box[2], box[3], what);
  else
    g_print ("%s: note: face at %d,%d (%d×%d) %s\n", photo->path, box[0], box[1], box[2], box[3], what);
}

static void
print_photo_text (const Photo *photo,
                  GPtrArray   *findings)
{
  const char *what = photo->redacted != NULL ? "blurred" : "to be blurred";

  for (guint i = 0; i < photo->analysis->regions->len; i++)
    print_region (photo, g_ptr_array_index (photo->analysis->regions, i), what);
  for (guint i = 0; photo->leftovers != NULL && i < photo->leftovers->len; i++)
    print_region (photo, g_ptr_array_index (photo->leftovers, i), "found again after blurring, and blurred too");

  if (photo->analysis->regions->len == 0 && photo->analysis->faces_checked)
    g_print ("%s: note: no faces or names found\n", photo->path);
  if (photo->redacted != NULL)
    g_print ("%s: note: blurred copy without metadata saved as %s\n", photo->path, photo->redacted);

  for (guint i = 0; i < findings->len; i++)
    {
      CsFinding *f = g_ptr_array_index (findings, i);

      if (g_strcmp0 (f->photo, photo->path) == 0)
        print_finding (photo->path, f);
    }
}

static void
print_text (const char *name,
            const char *text,
            GPtrArray  *findings,
            GPtrArray  *photos,
            GPtrArray  *photo_findings)
{
  guint errors = 0, warnings = 0;

  for (guint i = 0; i < findings->len; i++)
    {
      CsFinding *f = g_ptr_array_index (findings, i);
      g_autofree char *where = NULL;
      guint line, column;

      line_and_column (text, f->start, &line, &column);
      where = g_strdup_printf ("%s:%u:%u", name, line, column);
      print_finding (where, f);
    }

  for (guint i = 0; i < photos->len; i++)
    print_photo_text (g_ptr_array_index (photos, i), photo_findings);

  for (guint i = 0; i < findings->len + photo_findings->len; i++)
    {
      CsFinding *f = i < findings->len ? g_ptr_array_index (findings, i)
                                       : g_ptr_array_index (photo_findings, i - findings->len);

      if (f->severity == CS_SEVERITY_ERROR)
        errors++;
      else
        warnings++;
    }

  if (errors == 0 && warnings == 0)
    g_print ("%s: ready for approval\n", name);
  else
    g_print ("%s: %u %s, %u %s\n", name, errors, errors == 1 ? "error" : "errors",
             warnings, warnings == 1 ? "warning" : "warnings");
}

static void
add_region_json (JsonBuilder         *builder,
                 const CsPhotoRegion *region)
{
  int box[4];

  pixel_box (&region->rect, box);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, cs_region_kind_to_string (region->kind));
  json_builder_set_member_name (builder, "x");
  json_builder_add_int_value (builder, box[0]);
  json_builder_set_member_name (builder, "y");
  json_builder_add_int_value (builder, box[1]);
  json_builder_set_member_name (builder, "w");
  json_builder_add_int_value (builder, box[2]);
  json_builder_set_member_name (builder, "h");
  json_builder_add_int_value (builder, box[3]);
  json_builder_set_member_name (builder, "score");
  json_builder_add_double_value (builder, round (region->score * 1000) / 1000);
  json_builder_set_member_name (builder, "text");
  if (region->kind == CS_REGION_TEXT && region->text != NULL)
    json_builder_add_string_value (builder, region->text);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

static void
add_photo_json (JsonBuilder *builder,
                const Photo *photo)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, photo->path);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, photo->analysis->width);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, photo->analysis->height);
  json_builder_set_member_name (builder, "faces_checked");
  json_builder_add_boolean_value (builder, photo->analysis->faces_checked);
  json_builder_set_member_name (builder, "regions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < photo->analysis->regions->len; i++)
    add_region_json (builder, g_ptr_array_index (photo->analysis->regions, i));
  for (guint i = 0; photo->leftovers != NULL && i < photo->leftovers->len; i++)
    add_region_json (builder, g_ptr_array_index (photo->leftovers, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "redacted");
  if (photo->redacted != NULL)
    json_builder_add_string_value (builder, photo->redacted);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

static void
print_json (CsPlatform  platform,
            const char *text,
            gsize       len,
            GPtrArray  *findings,
            GPtrArray  *photos,
            GPtrArray  *photo_findings)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *out = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "platform");
  json_builder_add_string_value (builder, cs_platform_to_string (platform));
  json_builder_set_member_name (builder, "length");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "used");
  json_builder_add_int_value (builder, cs_platform_count (platform, text, len));
  json_builder_set_member_name (builder, "limit");
  json_builder_add_int_value (builder, cs_platform_get_limit (platform));
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "findings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < findings->len; i++)
    cs_finding_to_json (g_ptr_array_index (findings, i), builder);
  for (guint i = 0; i < photo_findings->len; i++)
    cs_finding_to_json (g_ptr_array_index (photo_findings, i), builder);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "photos");
  json_builder_begin_array (builder);
  for (guint i = 0; i < photos->len; i++)
    add_photo_json (builder, g_ptr_array_index (photos, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  out = json_generator_to_data (generator, NULL);
  g_print ("%s\n", out);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *opt_policy = NULL;
  g_autofree char *opt_roster = NULL;
  g_autofree char *opt_platform = NULL;
  g_autofree char *opt_format = NULL;
  g_auto(GStrv) opt_files = NULL;
  g_auto(GStrv) opt_photos = NULL;
  g_autofree char *opt_face_model = NULL;
  g_autofree char *opt_redact_dir = NULL;
  gboolean opt_version = FALSE;
  const GOptionEntry entries[] = {
    { "policy", 0, 0, G_OPTION_ARG_FILENAME, &opt_policy, "The school's policy file (JSON) over the defaults", "FILE" },
    { "roster", 0, 0, G_OPTION_ARG_FILENAME, &opt_roster, "The roster of pupils and staff (CSV)", "FILE" },
    { "platform", 0, 0, G_OPTION_ARG_STRING, &opt_platform, "Where the post goes: x, mastodon, bluesky or facebook (default: x)", "NAME" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, "Output: text (default) or json", "FORMAT" },
    { "photo", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_photos, "A photo for the post (JPEG, PNG, WebP or HEIC); repeat for each", "FILE" },
    { "redact-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_redact_dir, "Save each photo there with faces and names blurred and no metadata, as NAME-redacted.jpg", "DIR" },
    { "face-model", 0, 0, G_OPTION_ARG_FILENAME, &opt_face_model, "The YuNet face model to use instead of the installed one (\"\" for none)", "FILE" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, "Show the version and exit", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_files, NULL, "[FILE|-]" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CsPolicy) policy = NULL;
  g_autoptr(CsRoster) roster = NULL;
  g_autoptr(CsSpelling) spelling = NULL;
  g_autoptr(CsChecker) checker = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GPtrArray) photos = g_ptr_array_new_with_free_func ((GDestroyNotify) photo_free);
  g_autoptr(GPtrArray) photo_findings = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(CsPhotoAnalyser) analyser = NULL;
  g_autofree char *text = NULL;
  const char *path;
  const char *name;
  gboolean json = FALSE;
  CsPlatform platform = CS_PLATFORM_X;
  gsize len = 0;

  setlocale (LC_ALL, "");

  context = g_option_context_new ("— check a draft post against the school's social-media policy");
  g_option_context_set_summary (context,
                                "Reads a post from FILE (or standard input with - or no FILE) and reports every\n"
                                "breach of the policy with the clause it comes from.\n"
                                "\n"
                                "Each --photo is searched for faces, pupils' names (from the roster) and the\n"
                                "name lines of certificates. No pupil can be tagged here, so everything found is\n"
                                "to be blurred; --redact-dir saves the blurred copies, and any face found only\n"
                                "when a copy is looked at again is blurred too and listed with the others.\n"
                                "With --photo and no FILE only the photos are checked. Alt text is not checked:\n"
                                "it is written where the post is composed.");
  g_option_context_set_description (context,
                                    "With --format json the output is one object:\n"
                                    "  {\"platform\", \"length\":{\"used\",\"limit\"},\n"
                                    "   \"findings\":[{\"rule\",\"severity\",\"start\",\"end\",\"text\",\"message\",\n"
                                    "                \"clause\",\"suggestions\"}],\n"
                                    "   \"photos\":[{\"file\",\"width\",\"height\",\"faces_checked\",\"redacted\",\n"
                                    "              \"regions\":[{\"kind\",\"x\",\"y\",\"w\",\"h\",\"score\",\"text\"}]}]}\n"
                                    "Offsets are in Unicode code points. A finding about a photo has start and end 0\n"
                                    "and \"photo\", the photo's file as given, and \"region\", the index of the region\n"
                                    "at fault (-1: the whole photo). Regions are \"face\" or \"text\",\n"
                                    "in whole pixels of the photo turned upright; \"text\" is what was read for a\n"
                                    "text region and null for a face; \"redacted\" is the blurred copy or null.\n"
                                    "\n"
                                    "Exit status: 0 when the post and photos have no errors, 1 when they have\n"
                                    "errors, 2 for bad usage or input (post, photo, roster, policy) that cannot be\n"
                                    "read, or a blurred copy that cannot be saved.");
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("countersign-check: %s\nTry “countersign-check --help”.\n", error->message);
      return EXIT_USAGE;
    }

  if (opt_version)
    {
      g_print ("countersign-check %s\n", PACKAGE_VERSION);
      return EXIT_CLEAN;
    }

  if (opt_platform != NULL && !cs_platform_from_string (opt_platform, &platform))
    {
      g_printerr ("countersign-check: “%s” is not a platform; use x, mastodon, bluesky or facebook\n", opt_platform);
      return EXIT_USAGE;
    }

  if (opt_format != NULL && !g_str_equal (opt_format, "text") && !g_str_equal (opt_format, "json"))
    {
      g_printerr ("countersign-check: “%s” is not an output format; use text or json\n", opt_format);
      return EXIT_USAGE;
    }
  json = g_strcmp0 (opt_format, "json") == 0;

  if (opt_files != NULL && g_strv_length (opt_files) > 1)
    {
      g_printerr ("countersign-check: give one post at a time\n");
      return EXIT_USAGE;
    }

  if (opt_redact_dir != NULL && opt_photos == NULL)
    {
      g_printerr ("countersign-check: --redact-dir needs at least one --photo\n");
      return EXIT_USAGE;
    }

  /* Photos alone are checked without waiting for a post on standard input. */
  path = opt_files != NULL ? opt_files[0] : opt_photos != NULL ? NULL : "-";
  name = path == NULL ? "photos" : g_str_equal (path, "-") ? "<stdin>" : path;

  policy = cs_policy_new ();
  if (opt_policy != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (opt_policy);

      if (!cs_policy_load_file (policy, file, &error))
        {
          g_printerr ("countersign-check: %s\n", error->message);
          return EXIT_USAGE;
        }
    }

  roster = cs_roster_new ();
  if (opt_roster != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (opt_roster);
      GHashTable *aliases = cs_policy_get_roster_columns (policy);
      GHashTableIter iter;
      gpointer key, value;
      GPtrArray *problems;

      g_hash_table_iter_init (&iter, aliases);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (!cs_roster_add_column_alias (roster, key, value))
          g_printerr ("countersign-check: warning: the policy maps “%s” to “%s”, which is not a roster column\n",
                      (char *) key, (char *) value);

      if (!cs_roster_load_file (roster, file, NULL, &error))
        {
          g_printerr ("countersign-check: %s\n", error->message);
          return EXIT_USAGE;
        }

      problems = cs_roster_get_problems (roster);
      for (guint i = 0; problems != NULL && i < problems->len; i++)
        {
          CsRosterProblem *problem = g_ptr_array_index (problems, i);
          g_printerr ("%s:%u: warning: %s\n", opt_roster, problem->line, problem->message);
        }
    }

  spelling = cs_spelling_new ("en_GB", &error);
  if (spelling == NULL)
    {
      g_printerr ("countersign-check: warning: %s; spelling is not checked\n", error->message);
      g_clear_error (&error);
    }

  if (path == NULL)
    text = g_strdup ("");
  else if (!read_post (path, &text, &len, &error))
    {
      g_printerr ("countersign-check: %s\n", error->message);
      return EXIT_USAGE;
    }

  if (opt_photos != NULL)
    {
      analyser = cs_photo_analyser_new (opt_face_model != NULL ? opt_face_model : CS_FACE_MODEL);
      people = cs_roster_dup_people (roster);

      if (!analyse_photos (analyser, opt_photos, people, photos))
        return EXIT_USAGE;

      if (opt_redact_dir != NULL && !redact_photos (analyser, photos, people, opt_redact_dir, &error))
        {
          g_printerr ("countersign-check: %s\n", error->message);
          return EXIT_USAGE;
        }
    }

  checker = cs_checker_new (policy, roster, spelling);
  findings = path != NULL ? cs_checker_check (checker, text, len, platform)
                          : g_ptr_array_new_with_free_func ((GDestroyNotify) cs_finding_free);
  photo_findings = check_photos (checker, photos);

  for (guint i = 0; i < findings->len; i++)
    cs_checker_fill_suggestions (checker, g_ptr_array_index (findings, i));

  if (json)
    print_json (platform, text, len, findings, photos, photo_findings);
  else
    print_text (name, text, findings, photos, photo_findings);

  for (guint i = 0; i < findings->len + photo_findings->len; i++)
    {
      CsFinding *f = i < findings->len ? g_ptr_array_index (findings, i)
                                       : g_ptr_array_index (photo_findings, i - findings->len);

      if (f->severity == CS_SEVERITY_ERROR)
        return EXIT_FINDINGS;
    }

  return EXIT_CLEAN;
}
