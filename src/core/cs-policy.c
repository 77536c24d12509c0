/* cs-policy.c: a school's social-media policy as rules the checker applies
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "cs-policy.h"

#define DEFAULT_POLICY_RESOURCE "/io/github/countersign/Countersign/policies/default.json"

/* Everything parsed from one tree; swapped into the policy as a whole. */
typedef struct
{
  GPtrArray  *rules;
  GHashTable *rules_by_id;
  GStrv       rule_ids;
  char       *school_name;
  GStrv       domains;
  GStrv       emails;
  GStrv       phones;
  GStrv       postcodes;
  GStrv       handles;
  GStrv       words;
  gboolean    allow_consented_first_names;
  GArray     *platforms;
  GHashTable *roster_columns;
} Parsed;

/* The policy is kept as the merged JSON tree and, beside it, the parsed form
 * the checker reads. A school's file is merged into a copy of the tree and
 * parsed in full before anything is replaced, so a bad file changes nothing. */
struct _CsPolicy
{
  GObject     parent_instance;

  JsonNode   *tree;
  Parsed      p;
  guint       generation;
};

G_DEFINE_FINAL_TYPE (CsPolicy, cs_policy, G_TYPE_OBJECT)

G_DEFINE_QUARK (cs-policy-error-quark, cs_policy_error)

static void
cs_policy_rule_free (CsPolicyRule *rule)
{
  g_free (rule->id);
  g_free (rule->message);
  g_free (rule->clause);
  g_free (rule->clause_text);
  g_strfreev (rule->phrases);
  g_strfreev (rule->patterns);
  g_strfreev (rule->anchors);
  g_strfreev (rule->general);
  g_strfreev (rule->markers);
  g_strfreev (rule->gated);
  g_free (rule);
}

static void
parsed_clear (Parsed *p)
{
  g_clear_pointer (&p->rules_by_id, g_hash_table_unref);
  g_clear_pointer (&p->rules, g_ptr_array_unref);
  g_clear_pointer (&p->rule_ids, g_strfreev);
  g_clear_pointer (&p->school_name, g_free);
  g_clear_pointer (&p->domains, g_strfreev);
  g_clear_pointer (&p->emails, g_strfreev);
  g_clear_pointer (&p->phones, g_strfreev);
  g_clear_pointer (&p->postcodes, g_strfreev);
  g_clear_pointer (&p->handles, g_strfreev);
  g_clear_pointer (&p->words, g_strfreev);
  g_clear_pointer (&p->platforms, g_array_unref);
  g_clear_pointer (&p->roster_columns, g_hash_table_unref);
}

static void
cs_policy_finalize (GObject *object)
{
  CsPolicy *self = CS_POLICY (object);

  parsed_clear (&self->p);
  g_clear_pointer (&self->tree, json_node_unref);

  G_OBJECT_CLASS (cs_policy_parent_class)->finalize (object);
}

static void
cs_policy_class_init (CsPolicyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cs_policy_finalize;
}

static void
cs_policy_init (CsPolicy *self)
{
}

/* Objects merge member by member; anything else in @over replaces @base. */
static JsonNode *
merge_nodes (JsonNode *base,
             JsonNode *over)
{
  JsonObject *merged;
  JsonNode *result;

  if (base == NULL || !JSON_NODE_HOLDS_OBJECT (base) || !JSON_NODE_HOLDS_OBJECT (over))
    return json_node_copy (over);

  result = json_node_new (JSON_NODE_OBJECT);
  merged = json_object_new ();
  {
    JsonObjectIter iter;
    const char *name;
    JsonNode *member;

    json_object_iter_init (&iter, json_node_get_object (base));
    while (json_object_iter_next (&iter, &name, &member))
      json_object_set_member (merged, name, json_node_copy (member));

    json_object_iter_init (&iter, json_node_get_object (over));
    while (json_object_iter_next (&iter, &name, &member))
      {
        JsonNode *old = json_object_get_member (merged, name);
        json_object_set_member (merged, name, merge_nodes (old, member));
      }
  }
  json_node_take_object (result, merged);

  return result;
}

static gboolean
invalid (GError     **error,
         const char  *name,
         const char  *format,
         ...) G_GNUC_PRINTF (3, 4);

static gboolean
invalid (GError     **error,
         const char  *name,
         const char  *format,
         ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, CS_POLICY_ERROR, CS_POLICY_ERROR_INVALID, "%s: %s", name, detail);
  return FALSE;
}

/* Reads an array of strings at @member of @object; absent is an empty list. */
static gboolean
read_strv (JsonObject  *object,
           const char  *member,
           const char  *path,
           const char  *name,
           GStrv       *out,
           GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (object, member);

  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        return invalid (error, name, "“%s.%s” must be a list of text in square brackets", path, member);

      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
            return invalid (error, name, "item %u of “%s.%s” must be text in double quotes", i + 1, path, member);

          g_strv_builder_add (builder, json_node_get_string (item));
        }
    }

  *out = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
read_string (JsonObject  *object,
             const char  *member,
             const char  *path,
             const char  *name,
             char       **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = g_strdup ("");
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, name, "“%s.%s” must be text in double quotes", path, member);

  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
check_patterns (GStrv        patterns,
                const char  *path,
                const char  *name,
                GError     **error)
{
  for (guint i = 0; patterns[i] != NULL; i++)
    {
      g_autoptr(GRegex) regex = NULL;
      g_autoptr(GError) local_error = NULL;

      regex = g_regex_new (patterns[i], G_REGEX_CASELESS, 0, &local_error);
      if (regex == NULL)
        return invalid (error, name, "“%s” item %u is not a valid pattern: %s", path, i + 1, local_error->message);
    }

  return TRUE;
}

static gboolean
parse_rule (const char    *id,
            JsonNode      *node,
            const char    *name,
            CsPolicyRule **out,
            GError       **error)
{
  g_autoptr(GString) path = g_string_new ("rules.");
  CsPolicyRule *rule;
  JsonObject *object;
  JsonNode *member;

  g_string_append (path, id);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, name, "“%s” must be an object in curly brackets", path->str);

  object = json_node_get_object (node);
  rule = g_new0 (CsPolicyRule, 1);
  rule->id = g_strdup (id);
  rule->severity = CS_SEVERITY_ERROR;
  *out = rule;

  member = json_object_get_member (object, "severity");
  if (member != NULL)
    {
      const char *value = JSON_NODE_HOLDS_VALUE (member) ? json_node_get_string (member) : NULL;

      if (!cs_severity_from_string (value, &rule->severity))
        return invalid (error, name, "“%s.severity” must be \"error\", \"warning\" or \"off\"", path->str);
    }

  if (!read_string (object, "message", path->str, name, &rule->message, error))
    return FALSE;

  member = json_object_get_member (object, "clause");
  if (member != NULL && JSON_NODE_HOLDS_OBJECT (member))
    {
      JsonObject *clause = json_node_get_object (member);
      g_autofree char *school = NULL;
      g_autofree char *heading = NULL;
      g_autofree char *clause_path = g_strconcat (path->str, ".clause", NULL);

      if (!read_string (clause, "school", clause_path, name, &school, error) ||
          !read_string (clause, "heading", clause_path, name, &heading, error) ||
          !read_string (clause, "text", clause_path, name, &rule->clause_text, error))
        return FALSE;

      rule->clause = g_strdup_printf ("%s%s%s", school, *school && *heading ? ", " : "", heading);
    }
  else if (member != NULL && JSON_NODE_HOLDS_VALUE (member))
    {
      rule->clause = g_strdup (json_node_get_string (member));
      rule->clause_text = g_strdup ("");
    }
  else
    {
      rule->clause = g_strdup ("");
      rule->clause_text = g_strdup ("");
    }

  if (!read_strv (object, "phrases", path->str, name, &rule->phrases, error) ||
      !read_strv (object, "patterns", path->str, name, &rule->patterns, error) ||
      !read_strv (object, "anchors", path->str, name, &rule->anchors, error) ||
      !read_strv (object, "general", path->str, name, &rule->general, error) ||
      !read_strv (object, "markers", path->str, name, &rule->markers, error) ||
      !read_strv (object, "gated", path->str, name, &rule->gated, error))
    return FALSE;

  if (!check_patterns (rule->patterns, path->str, name, error) ||
      !check_patterns (rule->anchors, path->str, name, error) ||
      !check_patterns (rule->general, path->str, name, error) ||
      !check_patterns (rule->markers, path->str, name, error) ||
      !check_patterns (rule->gated, path->str, name, error))
    return FALSE;

  return TRUE;
}

static gboolean
parse_tree (JsonNode    *tree,
            const char  *name,
            gboolean     known_rules_only,
            GHashTable  *known_rules,
            Parsed      *p,
            GError     **error)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  JsonObject *root;
  JsonObject *school = NULL;
  JsonNode *node;

  if (!JSON_NODE_HOLDS_OBJECT (tree))
    return invalid (error, name, "the file must hold one object in curly brackets");

  root = json_node_get_object (tree);

  node = json_object_get_member (root, "school");
  if (node != NULL && !JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, name, "“school” must be an object in curly brackets");
  school = node != NULL ? json_node_get_object (node) : json_object_new ();

  if (!read_string (school, "name", "school", name, &p->school_name, error) ||
      !read_strv (school, "domains", "school", name, &p->domains, error) ||
      !read_strv (school, "emails", "school", name, &p->emails, error) ||
      !read_strv (school, "phones", "school", name, &p->phones, error) ||
      !read_strv (school, "postcodes", "school", name, &p->postcodes, error) ||
      !read_strv (school, "handles", "school", name, &p->handles, error) ||
      !read_strv (school, "words", "school", name, &p->words, error))
    {
      if (node == NULL)
        json_object_unref (school);
      return FALSE;
    }
  if (node == NULL)
    json_object_unref (school);

  node = json_object_get_member (root, "names");
  if (node != NULL)
    {
      JsonNode *allow;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, name, "“names” must be an object in curly brackets");

      allow = json_object_get_member (json_node_get_object (node), "allow_consented_first_names");
      if (allow != NULL)
        {
          if (!JSON_NODE_HOLDS_VALUE (allow) || json_node_get_value_type (allow) != G_TYPE_BOOLEAN)
            return invalid (error, name, "“names.allow_consented_first_names” must be true or false");
          p->allow_consented_first_names = json_node_get_boolean (allow);
        }
    }

  p->platforms = g_array_new (FALSE, FALSE, sizeof (CsPlatform));
  {
    g_auto(GStrv) platforms = NULL;

    if (!read_strv (root, "platforms", "", name, &platforms, error))
      return FALSE;

    for (guint i = 0; platforms[i] != NULL; i++)
      {
        CsPlatform platform;

        if (!cs_platform_from_string (platforms[i], &platform))
          return invalid (error, name, "“platforms” lists “%s”; use x, facebook, mastodon or bluesky", platforms[i]);
        g_array_append_val (p->platforms, platform);
      }
  }

  p->roster_columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  node = json_object_get_member (root, "roster_columns");
  if (node != NULL)
    {
      JsonObjectIter iter;
      const char *header;
      JsonNode *value;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, name, "“roster_columns” must be an object mapping a header to a column");

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &header, &value))
        {
          if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
            return invalid (error, name, "“roster_columns.%s” must be the name of a roster column", header);
          g_hash_table_insert (p->roster_columns, g_strdup (header), g_strdup (json_node_get_string (value)));
        }
    }

  p->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_policy_rule_free);
  p->rules_by_id = g_hash_table_new (g_str_hash, g_str_equal);

  node = json_object_get_member (root, "rules");
  if (node != NULL)
    {
      JsonObjectIter iter;
      const char *id;
      JsonNode *value;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, name, "“rules” must be an object in curly brackets");

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &id, &value))
        {
          CsPolicyRule *rule = NULL;

          if (known_rules_only && !g_hash_table_contains (known_rules, id))
            return invalid (error, name, "“rules.%s” is not a rule Countersign knows; check the spelling of the rule id", id);

          if (!parse_rule (id, value, name, &rule, error))
            {
              cs_policy_rule_free (rule);
              return FALSE;
            }

          g_ptr_array_add (p->rules, rule);
          g_hash_table_insert (p->rules_by_id, rule->id, rule);
          g_strv_builder_add (ids, rule->id);
        }
    }

  p->rule_ids = g_strv_builder_end (ids);

  return TRUE;
}

static void
apply_parsed (CsPolicy *self,
              Parsed   *p)
{
  Parsed old = self->p;

  self->p = *p;
  self->generation++;

  memset (p, 0, sizeof *p);
  parsed_clear (&old);
}

static JsonNode *
parse_json (const char  *data,
            gssize       len,
            const char  *name,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;

  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_set_error (error, CS_POLICY_ERROR, CS_POLICY_ERROR_PARSE,
                   "%s is not valid JSON: %s", name, local_error->message);
      return NULL;
    }

  return json_node_ref (json_parser_get_root (parser));
}

/* Replaces everything with the built-in defaults. */
static void
load_defaults (CsPolicy *self)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  Parsed p = { 0 };
  const char *data;
  gsize len;

  bytes = g_resources_lookup_data (DEFAULT_POLICY_RESOURCE, 0, &error);
  /* The default policy is compiled in; failing to read it is a build fault. */
  if (bytes == NULL)
    g_error ("The built-in policy is missing: %s", error->message);

  data = g_bytes_get_data (bytes, &len);
  g_clear_pointer (&self->tree, json_node_unref);
  self->tree = parse_json (data, len, "The built-in policy", &error);
  if (self->tree == NULL || !parse_tree (self->tree, "The built-in policy", FALSE, NULL, &p, &error))
    g_error ("%s", error->message);

  apply_parsed (self, &p);
}

CsPolicy *
cs_policy_new (void)
{
  CsPolicy *self = g_object_new (CS_TYPE_POLICY, NULL);

  load_defaults (self);

  return self;
}

gboolean
cs_policy_reload_file (CsPolicy  *self,
                       GFile     *file,
                       GError   **error)
{
  g_autoptr(CsPolicy) fresh = NULL;
  Parsed swap;

  g_return_val_if_fail (CS_IS_POLICY (self), FALSE);

  if (file == NULL)
    {
      load_defaults (self);
      return TRUE;
    }

  /* Load into a fresh policy first, so a bad file changes nothing here. */
  fresh = cs_policy_new ();
  if (!cs_policy_load_file (fresh, file, error))
    return FALSE;

  swap = fresh->p;
  fresh->p = self->p;
  self->p = swap;
  {
    JsonNode *tree = fresh->tree;
    fresh->tree = self->tree;
    self->tree = tree;
  }
  self->generation = MAX (self->generation, fresh->generation) + 1;

  return TRUE;
}

gboolean
cs_policy_load_data (CsPolicy    *self,
                     const char  *data,
                     gssize       len,
                     const char  *name,
                     GError     **error)
{
  g_autoptr(JsonNode) over = NULL;
  g_autoptr(JsonNode) merged = NULL;
  Parsed p = { 0 };

  g_return_val_if_fail (CS_IS_POLICY (self), FALSE);

  if (name == NULL)
    name = "The policy file";

  over = parse_json (data, len, name, error);
  if (over == NULL)
    return FALSE;

  if (!JSON_NODE_HOLDS_OBJECT (over))
    return invalid (error, name, "the file must hold one object in curly brackets");

  merged = merge_nodes (self->tree, over);
  if (!parse_tree (merged, name, TRUE, self->p.rules_by_id, &p, error))
    {
      parsed_clear (&p);
      return FALSE;
    }

  g_clear_pointer (&self->tree, json_node_unref);
  self->tree = g_steal_pointer (&merged);
  apply_parsed (self, &p);

  return TRUE;
}

gboolean
cs_policy_load_file (CsPolicy  *self,
                     GFile     *file,
                     GError   **error)
{
  g_autofree char *data = NULL;
  g_autofree char *name = NULL;
  gsize len;

  g_return_val_if_fail (CS_IS_POLICY (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  name = g_file_get_parse_name (file);
  if (!g_file_load_contents (file, NULL, &data, &len, NULL, error))
    return FALSE;

  return cs_policy_load_data (self, data, len, name, error);
}

const CsPolicyRule *
cs_policy_get_rule (CsPolicy   *self,
                    const char *id)
{
  g_return_val_if_fail (CS_IS_POLICY (self), NULL);

  return g_hash_table_lookup (self->p.rules_by_id, id);
}

const char * const *
cs_policy_get_rule_ids (CsPolicy *self)
{
  g_return_val_if_fail (CS_IS_POLICY (self), NULL);

  return (const char * const *) self->p.rule_ids;
}

const char *
cs_policy_get_school_name (CsPolicy *self)
{
  g_return_val_if_fail (CS_IS_POLICY (self), NULL);

  return self->p.school_name;
}

#define STRV_GETTER(field) \
  const char * const * \
  cs_policy_get_school_##field (CsPolicy *self) \
  { \
    g_return_val_if_fail (CS_IS_POLICY (self), NULL); \
    return (const char * const *) self->p.field; \
  }

STRV_GETTER (domains)
STRV_GETTER (emails)
STRV_GETTER (phones)
STRV_GETTER (postcodes)
STRV_GETTER (handles)
STRV_GETTER (words)

gboolean
cs_policy_get_allow_consented_first_names (CsPolicy *self)
{
  g_return_val_if_fail (CS_IS_POLICY (self), FALSE);

  return self->p.allow_consented_first_names;
}

GArray *
cs_policy_get_platforms (CsPolicy *self)
{
  g_return_val_if_fail (CS_IS_POLICY (self), NULL);

  return self->p.platforms;
}

GHashTable *
cs_policy_get_roster_columns (CsPolicy *self)
{
  g_return_val_if_fail (CS_IS_POLICY (self), NULL);

  return self->p.roster_columns;
}

guint
cs_policy_get_generation (CsPolicy *self)
{
  g_return_val_if_fail (CS_IS_POLICY (self), 0);

  return self->generation;
}
