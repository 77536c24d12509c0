/* cs-draft.c: a post being written: its text, platforms and photos
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cs-draft"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cs-draft.h"
#include "cs-draft-store.h"

#define DRAFT_FORMAT_VERSION 1

/* Titles are shown in a list beside other drafts; past this many characters
 * (the ellipsis included) they are cut. */
#define MAX_TITLE_CHARS 60

/* Ids become folder and file names, and arrive from files on disk, so they
 * are kept to a length any file system takes. */
#define MAX_ID_BYTES 128

#define ALL_PLATFORMS ((1u << CS_N_PLATFORMS) - 1)

struct _CsDraft
{
  GObject    parent_instance;

  char      *id;
  char      *text;
  guint      platforms;
  GDateTime *modified;
  GPtrArray *attachments; /* CsAttachment */
};

enum {
  PROP_0,
  PROP_ID,
  PROP_TEXT,
  PROP_PLATFORMS,
  PROP_N_ATTACHMENTS,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CsDraft, cs_draft, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (CsAttachment, cs_attachment,
                     cs_attachment_copy, cs_attachment_free)

/* Photo states
 * ============
 *
 * The strings are what draft.json holds, so they never change.
 */

static const char * const photo_state_names[] = {
  [CS_PHOTO_STATE_CHECKING] = "checking",
  [CS_PHOTO_STATE_NEEDS_REVIEW] = "needs-review",
  [CS_PHOTO_STATE_BLURRED] = "blurred",
};

const char *
cs_photo_state_to_string (CsPhotoState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (photo_state_names), NULL);

  return photo_state_names[state];
}

gboolean
cs_photo_state_from_string (const char   *str,
                            CsPhotoState *state)
{
  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (photo_state_names); i++)
    {
      if (strcmp (str, photo_state_names[i]) == 0)
        {
          if (state != NULL)
            *state = (CsPhotoState) i;
          return TRUE;
        }
    }

  return FALSE;
}

/* Ids
 * ===
 */

gboolean
cs_draft_id_is_valid (const char *id)
{
  gsize len;

  if (id == NULL || id[0] == '\0')
    return FALSE;

  len = strlen (id);
  if (len > MAX_ID_BYTES || !g_utf8_validate (id, len, NULL))
    return FALSE;

  /* A leading dot would hide the folder and covers "." and ".."; a slash or
   * backslash, or ".." anywhere, could reach outside the store. */
  if (id[0] == '.' || strstr (id, "..") != NULL)
    return FALSE;

  for (const char *p = id; *p != '\0'; p++)
    {
      if (*p == '/' || *p == '\\' || (guchar) *p < 0x20 || *p == 0x7f)
        return FALSE;
    }

  return TRUE;
}

/* Attachments
 * ===========
 */

static GPtrArray *
copy_regions (GPtrArray *regions)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_photo_region_free);

  for (guint i = 0; regions != NULL && i < regions->len; i++)
    g_ptr_array_add (copy, cs_photo_region_copy (g_ptr_array_index (regions, i)));

  return copy;
}

CsAttachment *
cs_attachment_copy (const CsAttachment *attachment)
{
  CsAttachment *copy;

  g_return_val_if_fail (attachment != NULL, NULL);

  copy = g_new0 (CsAttachment, 1);
  copy->id = g_strdup (attachment->id);
  copy->file = g_strdup (attachment->file);
  copy->original = g_strdup (attachment->original);
  copy->alt_text = g_strdup (attachment->alt_text);
  copy->state = attachment->state;
  copy->width = attachment->width;
  copy->height = attachment->height;
  copy->regions = copy_regions (attachment->regions);
  copy->faces_checked = attachment->faces_checked;
  copy->marked_by_hand = attachment->marked_by_hand;

  return copy;
}

void
cs_attachment_free (CsAttachment *attachment)
{
  if (attachment == NULL)
    return;

  g_clear_pointer (&attachment->id, g_free);
  g_clear_pointer (&attachment->file, g_free);
  g_clear_pointer (&attachment->original, g_free);
  g_clear_pointer (&attachment->alt_text, g_free);
  g_clear_pointer (&attachment->regions, g_ptr_array_unref);
  g_free (attachment);
}

static CsAttachment *
find_attachment (CsDraft    *self,
                 const char *id,
                 guint      *index)
{
  if (id == NULL)
    return NULL;

  for (guint i = 0; i < self->attachments->len; i++)
    {
      CsAttachment *attachment = g_ptr_array_index (self->attachments, i);

      if (strcmp (attachment->id, id) == 0)
        {
          if (index != NULL)
            *index = i;
          return attachment;
        }
    }

  return NULL;
}

/* GObject
 * =======
 */

static void
cs_draft_finalize (GObject *object)
{
  CsDraft *self = CS_DRAFT (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->modified, g_date_time_unref);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);

  G_OBJECT_CLASS (cs_draft_parent_class)->finalize (object);
}

static void
cs_draft_constructed (GObject *object)
{
  CsDraft *self = CS_DRAFT (object);

  G_OBJECT_CLASS (cs_draft_parent_class)->constructed (object);

  /* g_object_new() without an id still makes a draft that can be saved. */
  if (self->id == NULL)
    self->id = g_uuid_string_random ();
}

static void
cs_draft_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  CsDraft *self = CS_DRAFT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    case PROP_PLATFORMS:
      g_value_set_uint (value, self->platforms);
      break;

    case PROP_N_ATTACHMENTS:
      g_value_set_uint (value, self->attachments->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_draft_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  CsDraft *self = CS_DRAFT (object);

  switch (prop_id)
    {
    case PROP_ID:
      {
        const char *id = g_value_get_string (value);

        g_return_if_fail (id == NULL || cs_draft_id_is_valid (id));
        self->id = g_strdup (id);
      }
      break;

    case PROP_TEXT:
      cs_draft_set_text (self, g_value_get_string (value));
      break;

    case PROP_PLATFORMS:
      cs_draft_set_platforms (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_draft_class_init (CsDraftClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cs_draft_finalize;
  object_class->constructed = cs_draft_constructed;
  object_class->get_property = cs_draft_get_property;
  object_class->set_property = cs_draft_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_PLATFORMS] =
    g_param_spec_uint ("platforms", NULL, NULL,
                       0, ALL_PLATFORMS, 0,
                       (G_PARAM_READWRITE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties[PROP_N_ATTACHMENTS] =
    g_param_spec_uint ("n-attachments", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted after anything that a save would write has changed, so that an
   * autosave can follow. The modified time is left out on purpose: saving
   * sets it, and a save that asked for another save would never settle. */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 0);
}

static void
cs_draft_init (CsDraft *self)
{
  self->text = g_strdup ("");
  self->modified = g_date_time_new_now_utc ();
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_attachment_free);
}

static void
emit_changed (CsDraft *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Public API
 * ==========
 */

/* A NULL @id gives the draft a fresh random one. */
CsDraft *
cs_draft_new (const char *id)
{
  g_return_val_if_fail (id == NULL || cs_draft_id_is_valid (id), NULL);

  return g_object_new (CS_TYPE_DRAFT, "id", id, NULL);
}

const char *
cs_draft_get_id (CsDraft *self)
{
  g_return_val_if_fail (CS_IS_DRAFT (self), NULL);

  return self->id;
}

const char *
cs_draft_get_text (CsDraft *self)
{
  g_return_val_if_fail (CS_IS_DRAFT (self), NULL);

  return self->text;
}

void
cs_draft_set_text (CsDraft    *self,
                   const char *text)
{
  g_return_if_fail (CS_IS_DRAFT (self));
  g_return_if_fail (text == NULL || g_utf8_validate (text, -1, NULL));

  if (text == NULL)
    text = "";

  if (strcmp (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
  emit_changed (self);
}

guint
cs_draft_get_platforms (CsDraft *self)
{
  g_return_val_if_fail (CS_IS_DRAFT (self), 0);

  return self->platforms;
}

void
cs_draft_set_platforms (CsDraft *self,
                        guint    platforms)
{
  g_return_if_fail (CS_IS_DRAFT (self));
  g_return_if_fail ((platforms & ~ALL_PLATFORMS) == 0);

  if (self->platforms == platforms)
    return;

  self->platforms = platforms;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLATFORMS]);
  emit_changed (self);
}

GDateTime *
cs_draft_get_modified (CsDraft *self)
{
  g_return_val_if_fail (CS_IS_DRAFT (self), NULL);

  return self->modified;
}

/* Does not emit ::changed: see the signal's comment in class_init. */
void
cs_draft_set_modified (CsDraft   *self,
                       GDateTime *modified)
{
  g_return_if_fail (CS_IS_DRAFT (self));
  g_return_if_fail (modified != NULL);

  if (self->modified == modified)
    return;

  g_date_time_unref (self->modified);
  self->modified = g_date_time_ref (modified);
}

guint
cs_draft_get_n_attachments (CsDraft *self)
{
  g_return_val_if_fail (CS_IS_DRAFT (self), 0);

  return self->attachments->len;
}

const CsAttachment *
cs_draft_get_attachment (CsDraft *self,
                         guint    index)
{
  g_return_val_if_fail (CS_IS_DRAFT (self), NULL);
  g_return_val_if_fail (index < self->attachments->len, NULL);

  return g_ptr_array_index (self->attachments, index);
}

const CsAttachment *
cs_draft_find_attachment (CsDraft    *self,
                          const char *id)
{
  g_return_val_if_fail (CS_IS_DRAFT (self), NULL);

  return find_attachment (self, id, NULL);
}

void
cs_draft_add_attachment (CsDraft            *self,
                         const CsAttachment *attachment)
{
  CsAttachment *copy;

  g_return_if_fail (CS_IS_DRAFT (self));
  g_return_if_fail (attachment != NULL);
  g_return_if_fail (cs_draft_id_is_valid (attachment->id));
  g_return_if_fail (attachment->file != NULL);
  g_return_if_fail (attachment->state < G_N_ELEMENTS (photo_state_names));
  g_return_if_fail (attachment->alt_text == NULL || g_utf8_validate (attachment->alt_text, -1, NULL));
  /* Ids are how the rest of the API names an attachment, so they must not
   * repeat within a draft. */
  g_return_if_fail (find_attachment (self, attachment->id, NULL) == NULL);

  copy = cs_attachment_copy (attachment);

  /* Readers can rely on strings, never NULL, for the optional fields. */
  if (copy->original == NULL)
    copy->original = g_strdup ("");
  if (copy->alt_text == NULL)
    copy->alt_text = g_strdup ("");

  g_ptr_array_add (self->attachments, copy);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ATTACHMENTS]);
  emit_changed (self);
}

/* The photo's file is left where it is: the store owns the draft's folder
 * and removes it, photos and all, when the draft is deleted. */
gboolean
cs_draft_remove_attachment (CsDraft    *self,
                            const char *id)
{
  guint index;

  g_return_val_if_fail (CS_IS_DRAFT (self), FALSE);

  if (find_attachment (self, id, &index) == NULL)
    return FALSE;

  g_ptr_array_remove_index (self->attachments, index);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ATTACHMENTS]);
  emit_changed (self);

  return TRUE;
}

/* Returns FALSE only when there is no attachment @id. */
gboolean
cs_draft_set_alt_text (CsDraft    *self,
                       const char *id,
                       const char *alt_text)
{
  CsAttachment *attachment;

  g_return_val_if_fail (CS_IS_DRAFT (self), FALSE);
  g_return_val_if_fail (alt_text == NULL || g_utf8_validate (alt_text, -1, NULL), FALSE);

  attachment = find_attachment (self, id, NULL);
  if (attachment == NULL)
    return FALSE;

  if (alt_text == NULL)
    alt_text = "";

  if (g_strcmp0 (attachment->alt_text, alt_text) != 0)
    {
      g_free (attachment->alt_text);
      attachment->alt_text = g_strdup (alt_text);
      emit_changed (self);
    }

  return TRUE;
}

/* Returns FALSE only when there is no attachment @id. */
gboolean
cs_draft_set_photo_regions (CsDraft    *self,
                            const char *id,
                            int         width,
                            int         height,
                            GPtrArray  *regions,
                            gboolean    faces_checked)
{
  CsAttachment *attachment;

  g_return_val_if_fail (CS_IS_DRAFT (self), FALSE);
  g_return_val_if_fail (width >= 0 && height >= 0, FALSE);

  attachment = find_attachment (self, id, NULL);
  if (attachment == NULL)
    return FALSE;

  g_clear_pointer (&attachment->regions, g_ptr_array_unref);
  attachment->regions = copy_regions (regions);
  attachment->width = width;
  attachment->height = height;
  attachment->faces_checked = faces_checked;
  emit_changed (self);

  return TRUE;
}

/* Returns FALSE only when there is no attachment @id. */
gboolean
cs_draft_set_marked_by_hand (CsDraft    *self,
                             const char *id,
                             gboolean    marked)
{
  CsAttachment *attachment;

  g_return_val_if_fail (CS_IS_DRAFT (self), FALSE);

  attachment = find_attachment (self, id, NULL);
  if (attachment == NULL)
    return FALSE;

  if (attachment->marked_by_hand != !!marked)
    {
      attachment->marked_by_hand = !!marked;
      emit_changed (self);
    }

  return TRUE;
}

/* Returns FALSE only when there is no attachment @id. */
gboolean
cs_draft_set_photo_state (CsDraft      *self,
                          const char   *id,
                          CsPhotoState  state)
{
  CsAttachment *attachment;

  g_return_val_if_fail (CS_IS_DRAFT (self), FALSE);
  g_return_val_if_fail (state < G_N_ELEMENTS (photo_state_names), FALSE);

  attachment = find_attachment (self, id, NULL);
  if (attachment == NULL)
    return FALSE;

  if (attachment->state != state)
    {
      attachment->state = state;
      emit_changed (self);
    }

  return TRUE;
}

/* Title
 * =====
 */

/* Whether a cut just before @c would split a character from the marks,
 * joiners, variation selectors or skin tones that belong with it. */
static gboolean
continues_cluster (gunichar c)
{
  return (g_unichar_ismark (c) ||
          c == 0x200D ||
          (c >= 0xFE00 && c <= 0xFE0F) ||
          (c >= 0x1F3FB && c <= 0x1F3FF) ||
          (c >= 0xE0020 && c <= 0xE007F));
}

char *
cs_draft_dup_title (CsDraft *self)
{
  g_autoptr(GString) title = NULL;
  const char *line;
  const char *end;
  const char *p;
  gsize n_chars = 0;
  gsize cut;
  gsize space;

  g_return_val_if_fail (CS_IS_DRAFT (self), NULL);

  /* The first line with anything but white space on it. */
  line = self->text;
  for (;;)
    {
      gboolean blank = TRUE;

      end = line;
      while (*end != '\0' && *end != '\n' && *end != '\r')
        {
          if (!g_unichar_isspace (g_utf8_get_char (end)))
            blank = FALSE;
          end = g_utf8_next_char (end);
        }

      if (!blank)
        break;
      if (*end == '\0')
        return g_strdup (_("Untitled draft"));
      line = end + 1;
    }

  /* Runs of white space (tabs, non-breaking spaces) become one plain space.
   * Copying stops one character past the limit: a first line can be a whole
   * post, and all that matters beyond the limit is that there is more. */
  title = g_string_new (NULL);
  for (p = line; p < end && n_chars <= MAX_TITLE_CHARS; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          if (title->len > 0 && title->str[title->len - 1] != ' ')
            {
              g_string_append_c (title, ' ');
              n_chars++;
            }
          continue;
        }

      g_string_append_unichar (title, c);
      n_chars++;
    }

  while (p < end && g_unichar_isspace (g_utf8_get_char (p)))
    p = g_utf8_next_char (p);

  if (title->str[title->len - 1] == ' ')
    {
      g_string_truncate (title, title->len - 1);
      n_chars--;
    }

  if (p == end && n_chars <= MAX_TITLE_CHARS)
    return g_string_free (g_steal_pointer (&title), FALSE);

  /* Room for all but one character, which the ellipsis takes, without
   * splitting a letter from its accents or an emoji sequence. */
  cut = g_utf8_offset_to_pointer (title->str, MAX_TITLE_CHARS - 1) - title->str;
  while (cut > 0)
    {
      const char *at = title->str + cut;
      const char *before = g_utf8_prev_char (at);

      if (!continues_cluster (g_utf8_get_char (at)) && g_utf8_get_char (before) != 0x200D)
        break;
      cut = before - title->str;
    }

  /* Cut after the last word that fits whole, unless that would throw away
   * most of the line (one long word, a link, or a script without spaces). */
  for (space = cut; space > 0 && title->str[space] != ' '; space--)
    ;
  if (title->str[space] == ' ' && g_utf8_strlen (title->str, space) >= MAX_TITLE_CHARS / 2)
    cut = space;

  g_string_truncate (title, cut);
  while (title->len > 0 && strchr (" ,;:-", title->str[title->len - 1]) != NULL)
    g_string_truncate (title, title->len - 1);
  g_string_append (title, "…");

  return g_string_free (g_steal_pointer (&title), FALSE);
}

/* JSON
 * ====
 */

static char *
file_to_json_path (const char *dir,
                   const char *path)
{
  g_autoptr(GFile) dir_file = g_file_new_for_path (dir);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  char *relative = g_file_get_relative_path (dir_file, file);

  /* A file outside the draft's folder should not happen, but if it does the
   * absolute path still finds it. */
  if (relative == NULL)
    return g_strdup (path);

  return relative;
}

JsonNode *
cs_draft_to_json (CsDraft    *self,
                  const char *dir)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *modified = NULL;

  g_return_val_if_fail (CS_IS_DRAFT (self), NULL);
  g_return_val_if_fail (dir != NULL, NULL);

  modified = g_date_time_format_iso8601 (self->modified);

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, DRAFT_FORMAT_VERSION);

  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, self->id);

  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, self->text);

  json_builder_set_member_name (builder, "platforms");
  cs_platforms_to_json (self->platforms, builder);

  json_builder_set_member_name (builder, "modified");
  json_builder_add_string_value (builder, modified);

  json_builder_set_member_name (builder, "attachments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->attachments->len; i++)
    {
      const CsAttachment *attachment = g_ptr_array_index (self->attachments, i);
      g_autofree char *file = file_to_json_path (dir, attachment->file);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, attachment->id);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, file);
      json_builder_set_member_name (builder, "original");
      json_builder_add_string_value (builder, attachment->original);
      json_builder_set_member_name (builder, "alt_text");
      json_builder_add_string_value (builder, attachment->alt_text);
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, cs_photo_state_to_string (attachment->state));
      json_builder_set_member_name (builder, "width");
      json_builder_add_int_value (builder, attachment->width);
      json_builder_set_member_name (builder, "height");
      json_builder_add_int_value (builder, attachment->height);
      json_builder_set_member_name (builder, "faces_checked");
      json_builder_add_boolean_value (builder, attachment->faces_checked);
      json_builder_set_member_name (builder, "marked_by_hand");
      json_builder_add_boolean_value (builder, attachment->marked_by_hand);
      json_builder_set_member_name (builder, "regions");
      json_builder_begin_array (builder);
      for (guint j = 0; j < attachment->regions->len; j++)
        cs_photo_region_to_json (g_ptr_array_index (attachment->regions, j), builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean corrupt (GError     **error,
                         const char  *field,
                         const char  *format,
                         ...) G_GNUC_PRINTF (3, 4);

/* Every problem names the field, so that whoever opens the file to rescue
 * the text knows where to look. */
static gboolean
corrupt (GError     **error,
         const char  *field,
         const char  *format,
         ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_CORRUPT,
               "The saved draft is damaged: “%s” %s.", field, detail);
  return FALSE;
}

static gboolean
node_is_string (JsonNode *node)
{
  return (node != NULL &&
          JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING);
}

/* Reads the string member @member of @object into @out (borrowed). With
 * @nullable, a missing or null member reads as "". */
static gboolean
read_string (JsonObject  *object,
             const char  *member,
             const char  *field,
             gboolean     nullable,
             const char **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *str;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (nullable)
        {
          *out = "";
          return TRUE;
        }
      if (node == NULL)
        return corrupt (error, field, "is missing");
    }

  if (!node_is_string (node))
    return corrupt (error, field, "must be text");

  str = json_node_get_string (node);
  if (!g_utf8_validate (str, -1, NULL))
    return corrupt (error, field, "is not valid UTF-8 text");

  *out = str;
  return TRUE;
}

static gboolean
read_array (JsonObject  *object,
            const char  *member,
            const char  *what,
            JsonArray  **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return corrupt (error, member, "is missing");
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return corrupt (error, member, "must be a list of %s", what);

  *out = json_node_get_array (node);
  return TRUE;
}

static gboolean
read_platforms (JsonObject  *object,
                guint       *out,
                GError     **error)
{
  JsonArray *array;
  guint platforms = 0;

  if (!read_array (object, "platforms", "platform names", &array, error))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree char *field = g_strdup_printf ("platforms[%u]", i);
      const char *name;
      CsPlatform platform;

      if (!node_is_string (node))
        return corrupt (error, field, "must be the name of a platform");

      name = json_node_get_string (node);

      /* A draft saved by a newer version may name a platform this one does
       * not know; the rest of the draft is still worth opening. */
      if (!cs_platform_from_string (name, &platform))
        {
          g_debug ("Skipping unknown platform “%s” in draft", name);
          continue;
        }

      platforms |= 1u << platform;
    }

  *out = platforms;
  return TRUE;
}

/* A relative path must stay inside the draft's folder. */
static gboolean
json_path_is_safe (const char *path)
{
  g_auto(GStrv) parts = NULL;

  if (g_path_is_absolute (path))
    return TRUE;

  parts = g_strsplit (path, G_DIR_SEPARATOR_S, -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (strcmp (parts[i], "..") == 0)
        return FALSE;
    }

  return TRUE;
}

static gboolean
read_flag (JsonObject  *object,
           const char  *member,
           const char  *prefix,
           gboolean    *out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autofree char *field = g_strdup_printf ("%s.%s", prefix, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return corrupt (error, field, "must be true or false");

  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
read_size (JsonObject  *object,
           const char  *member,
           const char  *prefix,
           int         *out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autofree char *field = g_strdup_printf ("%s.%s", prefix, member);
  gint64 value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return corrupt (error, field, "must be a whole number");

  value = json_node_get_int (node);
  if (value < 0 || value > 1000000)
    return corrupt (error, field, "is out of range");

  *out = (int) value;
  return TRUE;
}

static gboolean
read_photo_check (JsonObject    *object,
                  const char    *prefix,
                  CsAttachment  *attachment,
                  GError       **error)
{
  JsonNode *node;
  JsonArray *regions;
  g_autofree char *regions_field = g_strdup_printf ("%s.regions", prefix);

  attachment->regions = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_photo_region_free);

  if (!read_size (object, "width", prefix, &attachment->width, error) ||
      !read_size (object, "height", prefix, &attachment->height, error) ||
      !read_flag (object, "faces_checked", prefix, &attachment->faces_checked, error) ||
      !read_flag (object, "marked_by_hand", prefix, &attachment->marked_by_hand, error))
    return FALSE;

  node = json_object_get_member (object, "regions");
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return corrupt (error, regions_field, "must be a list of regions");

  regions = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (regions); i++)
    {
      g_autofree char *field = g_strdup_printf ("%s[%u]", regions_field, i);
      g_autoptr(GError) local_error = NULL;
      CsPhotoRegion *region;

      region = cs_photo_region_from_json (json_array_get_element (regions, i), field, &local_error);
      if (region == NULL)
        {
          g_set_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_CORRUPT,
                       "The saved draft is damaged: %s.", local_error->message);
          return FALSE;
        }
      g_ptr_array_add (attachment->regions, region);
    }

  return TRUE;
}

static CsAttachment *
read_attachment (JsonNode    *node,
                 guint        index,
                 const char  *dir,
                 GError     **error)
{
  g_autoptr(CsAttachment) attachment = g_new0 (CsAttachment, 1);
  g_autofree char *prefix = g_strdup_printf ("attachments[%u]", index);
  g_autofree char *id_field = g_strconcat (prefix, ".id", NULL);
  g_autofree char *file_field = g_strconcat (prefix, ".file", NULL);
  g_autofree char *original_field = g_strconcat (prefix, ".original", NULL);
  g_autofree char *alt_text_field = g_strconcat (prefix, ".alt_text", NULL);
  g_autofree char *state_field = g_strconcat (prefix, ".state", NULL);
  JsonObject *object;
  const char *id;
  const char *file;
  const char *original;
  const char *alt_text;
  const char *state;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      corrupt (error, prefix, "must describe a photo");
      return NULL;
    }

  object = json_node_get_object (node);

  if (!read_string (object, "id", id_field, FALSE, &id, error) ||
      !read_string (object, "file", file_field, FALSE, &file, error) ||
      !read_string (object, "original", original_field, TRUE, &original, error) ||
      !read_string (object, "alt_text", alt_text_field, TRUE, &alt_text, error) ||
      !read_string (object, "state", state_field, FALSE, &state, error))
    return NULL;

  if (!cs_draft_id_is_valid (id))
    {
      corrupt (error, id_field, "is “%s”, which is not a photo id", id);
      return NULL;
    }

  if (file[0] == '\0' || !json_path_is_safe (file))
    {
      corrupt (error, file_field, "is “%s”, which is not a file in the draft’s folder", file);
      return NULL;
    }

  if (!cs_photo_state_from_string (state, &attachment->state))
    {
      corrupt (error, state_field,
               "is “%s”; it must be checking, needs-review or blurred", state);
      return NULL;
    }

  attachment->id = g_strdup (id);
  if (g_path_is_absolute (file))
    attachment->file = g_strdup (file);
  else
    attachment->file = g_build_filename (dir, file, NULL);
  attachment->original = g_strdup (original);
  attachment->alt_text = g_strdup (alt_text);

  /* Drafts saved before photos were checked have none of what follows. */
  if (!read_photo_check (object, prefix, attachment, error))
    return NULL;

  return g_steal_pointer (&attachment);
}

CsDraft *
cs_draft_new_from_json (JsonNode    *node,
                        const char  *dir,
                        GError     **error)
{
  g_autoptr(CsDraft) draft = NULL;
  g_autoptr(GDateTime) modified = NULL;
  JsonObject *object;
  JsonNode *version;
  JsonArray *attachments;
  const char *id;
  const char *text;
  const char *modified_str;
  guint platforms = 0;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_CORRUPT,
                           "The saved draft is damaged: it does not hold a draft.");
      return NULL;
    }

  object = json_node_get_object (node);

  version = json_object_get_member (object, "version");
  if (version == NULL)
    {
      corrupt (error, "version", "is missing");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (version) || json_node_get_value_type (version) != G_TYPE_INT64)
    {
      corrupt (error, "version", "must be a whole number");
      return NULL;
    }
  if (json_node_get_int (version) != DRAFT_FORMAT_VERSION)
    {
      if (json_node_get_int (version) > DRAFT_FORMAT_VERSION)
        g_set_error (error, CS_DRAFT_STORE_ERROR, CS_DRAFT_STORE_ERROR_CORRUPT,
                     "This draft was saved by a newer version of Countersign "
                     "(“version” is %" G_GINT64_FORMAT "); update Countersign to open it.",
                     json_node_get_int (version));
      else
        corrupt (error, "version", "is %" G_GINT64_FORMAT ", which no version of Countersign wrote",
                 json_node_get_int (version));
      return NULL;
    }

  if (!read_string (object, "id", "id", FALSE, &id, error))
    return NULL;
  if (!cs_draft_id_is_valid (id))
    {
      corrupt (error, "id", "is “%s”, which is not a draft id", id);
      return NULL;
    }

  if (!read_string (object, "text", "text", FALSE, &text, error))
    return NULL;

  if (!read_platforms (object, &platforms, error))
    return NULL;

  if (!read_string (object, "modified", "modified", FALSE, &modified_str, error))
    return NULL;
  modified = g_date_time_new_from_iso8601 (modified_str, NULL);
  if (modified == NULL)
    {
      corrupt (error, "modified", "is “%s”, which is not a date and time", modified_str);
      return NULL;
    }

  if (!read_array (object, "attachments", "photos", &attachments, error))
    return NULL;

  draft = cs_draft_new (id);
  cs_draft_set_text (draft, text);
  cs_draft_set_platforms (draft, platforms);

  for (guint i = 0; i < json_array_get_length (attachments); i++)
    {
      CsAttachment *attachment;

      attachment = read_attachment (json_array_get_element (attachments, i), i, dir, error);
      if (attachment == NULL)
        return NULL;

      if (find_attachment (draft, attachment->id, NULL) != NULL)
        {
          g_autofree char *field = g_strdup_printf ("attachments[%u].id", i);

          corrupt (error, field, "is “%s”, the same as an earlier photo’s", attachment->id);
          cs_attachment_free (attachment);
          return NULL;
        }

      g_ptr_array_add (draft->attachments, attachment);
    }

  cs_draft_set_modified (draft, modified);

  return g_steal_pointer (&draft);
}
