/* cs-finding.c: one problem the checker found in a post
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-finding.h"

G_DEFINE_BOXED_TYPE (CsFinding, cs_finding, cs_finding_copy, cs_finding_free)

const char *
cs_severity_to_string (CsSeverity severity)
{
  switch (severity)
    {
    case CS_SEVERITY_ERROR:
      return "error";
    case CS_SEVERITY_WARNING:
      return "warning";
    case CS_SEVERITY_OFF:
    default:
      return "off";
    }
}

gboolean
cs_severity_from_string (const char *str,
                         CsSeverity *severity)
{
  if (g_strcmp0 (str, "error") == 0)
    *severity = CS_SEVERITY_ERROR;
  else if (g_strcmp0 (str, "warning") == 0)
    *severity = CS_SEVERITY_WARNING;
  else if (g_strcmp0 (str, "off") == 0)
    *severity = CS_SEVERITY_OFF;
  else
    return FALSE;

  return TRUE;
}

CsFinding *
cs_finding_new (const char *rule,
                CsSeverity  severity,
                guint       start,
                guint       end,
                const char *text)
{
  CsFinding *self = g_new0 (CsFinding, 1);

  self->rule = g_strdup (rule);
  self->severity = severity;
  self->start = start;
  self->end = end;
  self->text = g_strdup (text);
  self->region = -1;

  return self;
}

CsFinding *
cs_finding_copy (const CsFinding *finding)
{
  CsFinding *copy = cs_finding_new (finding->rule, finding->severity,
                                    finding->start, finding->end, finding->text);

  copy->message = g_strdup (finding->message);
  copy->clause = g_strdup (finding->clause);
  copy->detail = g_strdup (finding->detail);
  copy->photo = g_strdup (finding->photo);
  copy->region = finding->region;

  if (finding->suggestions != NULL)
    {
      copy->suggestions = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < finding->suggestions->len; i++)
        g_ptr_array_add (copy->suggestions, g_strdup (g_ptr_array_index (finding->suggestions, i)));
    }

  return copy;
}

void
cs_finding_free (CsFinding *finding)
{
  if (finding == NULL)
    return;

  g_free (finding->rule);
  g_free (finding->text);
  g_free (finding->message);
  g_free (finding->clause);
  g_free (finding->detail);
  g_free (finding->photo);
  g_clear_pointer (&finding->suggestions, g_ptr_array_unref);
  g_free (finding);
}

void
cs_finding_add_suggestion (CsFinding  *finding,
                           const char *suggestion)
{
  if (finding->suggestions == NULL)
    finding->suggestions = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < finding->suggestions->len; i++)
    if (g_str_equal (g_ptr_array_index (finding->suggestions, i), suggestion))
      return;

  g_ptr_array_add (finding->suggestions, g_strdup (suggestion));
}

/* For g_ptr_array_sort(): text order, then the more severe first. */
int
cs_finding_compare (gconstpointer a,
                    gconstpointer b)
{
  const CsFinding *fa = *(const CsFinding * const *) a;
  const CsFinding *fb = *(const CsFinding * const *) b;

  if (fa->start != fb->start)
    return fa->start < fb->start ? -1 : 1;
  if (fa->severity != fb->severity)
    return fa->severity > fb->severity ? -1 : 1;
  if (fa->end != fb->end)
    return fa->end < fb->end ? -1 : 1;

  return g_strcmp0 (fa->rule, fb->rule);
}

void
cs_finding_to_json (const CsFinding *finding,
                    JsonBuilder     *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "rule");
  json_builder_add_string_value (builder, finding->rule);
  json_builder_set_member_name (builder, "severity");
  json_builder_add_string_value (builder, cs_severity_to_string (finding->severity));
  json_builder_set_member_name (builder, "start");
  json_builder_add_int_value (builder, finding->start);
  json_builder_set_member_name (builder, "end");
  json_builder_add_int_value (builder, finding->end);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, finding->text);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, finding->message);
  json_builder_set_member_name (builder, "clause");
  json_builder_add_string_value (builder, finding->clause);
  json_builder_set_member_name (builder, "suggestions");
  json_builder_begin_array (builder);
  for (guint i = 0; finding->suggestions != NULL && i < finding->suggestions->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (finding->suggestions, i));
  json_builder_end_array (builder);
  if (finding->photo != NULL)
    {
      json_builder_set_member_name (builder, "photo");
      json_builder_add_string_value (builder, finding->photo);
      json_builder_set_member_name (builder, "region");
      json_builder_add_int_value (builder, finding->region);
    }
  json_builder_end_object (builder);
}
