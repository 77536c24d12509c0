/* countersign-check.c: checks a draft post against the school's policy
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <gio/gunixinputstream.h>
#include <json-glib/json-glib.h>

#include "cs-core.h"

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

static void
print_text (const char *name,
            const char *text,
            GPtrArray  *findings)
{
  guint errors = 0, warnings = 0;

  for (guint i = 0; i < findings->len; i++)
    {
      CsFinding *f = g_ptr_array_index (findings, i);
      guint line, column;

      line_and_column (text, f->start, &line, &column);
      g_print ("%s:%u:%u: %s: %s [%s]\n", name, line, column, cs_severity_to_string (f->severity), f->message, f->rule);
      if (f->clause != NULL && *f->clause)
        g_print ("    policy: %s\n", f->clause);
      if (f->suggestions != NULL && f->suggestions->len > 0)
        {
          g_print ("    try: ");
          for (guint s = 0; s < f->suggestions->len; s++)
            g_print ("%s%s", s ? ", " : "", (char *) g_ptr_array_index (f->suggestions, s));
          g_print ("\n");
        }

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
print_json (CsPlatform  platform,
            const char *text,
            gsize       len,
            GPtrArray  *findings)
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
    {
      CsFinding *f = g_ptr_array_index (findings, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "rule");
      json_builder_add_string_value (builder, f->rule);
      json_builder_set_member_name (builder, "severity");
      json_builder_add_string_value (builder, cs_severity_to_string (f->severity));
      json_builder_set_member_name (builder, "start");
      json_builder_add_int_value (builder, f->start);
      json_builder_set_member_name (builder, "end");
      json_builder_add_int_value (builder, f->end);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, f->text);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, f->message);
      json_builder_set_member_name (builder, "clause");
      json_builder_add_string_value (builder, f->clause);
      json_builder_set_member_name (builder, "suggestions");
      json_builder_begin_array (builder);
      for (guint s = 0; f->suggestions != NULL && s < f->suggestions->len; s++)
        json_builder_add_string_value (builder, g_ptr_array_index (f->suggestions, s));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
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
  gboolean opt_version = FALSE;
  const GOptionEntry entries[] = {
    { "policy", 0, 0, G_OPTION_ARG_FILENAME, &opt_policy, "The school's policy file (JSON) over the defaults", "FILE" },
    { "roster", 0, 0, G_OPTION_ARG_FILENAME, &opt_roster, "The roster of pupils and staff (CSV)", "FILE" },
    { "platform", 0, 0, G_OPTION_ARG_STRING, &opt_platform, "Where the post goes: x, mastodon, bluesky or facebook (default: x)", "NAME" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, "Output: text (default) or json", "FORMAT" },
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
                                "breach of the policy with the clause it comes from.");
  g_option_context_set_description (context,
                                    "Exit status: 0 when the post has no errors, 1 when it has errors,\n"
                                    "2 for bad usage or input that cannot be read.");
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

  path = opt_files != NULL ? opt_files[0] : "-";
  name = g_str_equal (path, "-") ? "<stdin>" : path;

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

  if (!read_post (path, &text, &len, &error))
    {
      g_printerr ("countersign-check: %s\n", error->message);
      return EXIT_USAGE;
    }

  checker = cs_checker_new (policy, roster, spelling);
  findings = cs_checker_check (checker, text, len, platform);

  for (guint i = 0; i < findings->len; i++)
    cs_checker_fill_suggestions (checker, g_ptr_array_index (findings, i));

  if (json)
    print_json (platform, text, len, findings);
  else
    print_text (name, text, findings);

  for (guint i = 0; i < findings->len; i++)
    if (((CsFinding *) g_ptr_array_index (findings, i))->severity == CS_SEVERITY_ERROR)
      return EXIT_FINDINGS;

  return EXIT_CLEAN;
}
