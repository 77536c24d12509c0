/* cs-school-checks.c: the server's own run of the policy checks
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cs-school-checks.h"

#include "cs-face-detector.h"

struct _CsSchoolChecks
{
  GObject          parent_instance;

  CsQueueStore    *store;
  char            *face_model;

  GMutex           lock;
  GHashTable      *checkers;  /* school id → CsChecker */
  gboolean         detector_loaded;
  CsFaceDetector  *detector;
};

G_DEFINE_FINAL_TYPE (CsSchoolChecks, cs_school_checks, G_TYPE_OBJECT)

static void
cs_school_checks_finalize (GObject *object)
{
  CsSchoolChecks *self = CS_SCHOOL_CHECKS (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->checkers, g_hash_table_unref);
  g_clear_pointer (&self->detector, cs_face_detector_free);
  g_free (self->face_model);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (cs_school_checks_parent_class)->finalize (object);
}

static void
cs_school_checks_class_init (CsSchoolChecksClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cs_school_checks_finalize;
}

static void
cs_school_checks_init (CsSchoolChecks *self)
{
  g_mutex_init (&self->lock);
  self->checkers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

CsSchoolChecks *
cs_school_checks_new (CsQueueStore *store,
                      const char   *face_model)
{
  CsSchoolChecks *self = g_object_new (CS_TYPE_SCHOOL_CHECKS, NULL);

  self->store = g_object_ref (store);
  self->face_model = g_strdup (face_model != NULL ? face_model : "");
  return self;
}

void
cs_school_checks_invalidate (CsSchoolChecks *self,
                             const char     *school)
{
  g_return_if_fail (CS_IS_SCHOOL_CHECKS (self));

  g_mutex_lock (&self->lock);
  g_hash_table_remove (self->checkers, school);
  g_mutex_unlock (&self->lock);
}

static CsChecker *
build_checker (CsSchoolChecks *self,
               const char     *school,
               GError        **error)
{
  g_autoptr(GBytes) policy_data = cs_queue_store_get_policy (self->store, school, error);
  g_autoptr(GBytes) roster_data = NULL;
  g_autoptr(CsPolicy) policy = cs_policy_new ();
  g_autoptr(CsRoster) roster = cs_roster_new ();
  g_autoptr(CsSpelling) spelling = NULL;
  g_autoptr(GError) spelling_error = NULL;

  if (policy_data == NULL)
    return NULL;
  roster_data = cs_queue_store_get_roster (self->store, school, error);
  if (roster_data == NULL)
    return NULL;

  if (g_bytes_get_size (policy_data) > 0 &&
      !cs_policy_load_data (policy, g_bytes_get_data (policy_data, NULL), g_bytes_get_size (policy_data),
                            "the school's policy", error))
    return NULL;
  if (g_bytes_get_size (roster_data) > 0 &&
      !cs_roster_load_data (roster, g_bytes_get_data (roster_data, NULL), g_bytes_get_size (roster_data), error))
    return NULL;

  /* Spelling only ever warns, so a server without the dictionary still
   * checks everything that can block a post. */
  spelling = cs_spelling_new ("en_GB", &spelling_error);
  if (spelling == NULL)
    g_message ("Spelling is not checked on the server: %s", spelling_error->message);

  return cs_checker_new (policy, roster, spelling);
}

static CsChecker *
get_checker (CsSchoolChecks *self,
             const char     *school,
             GError        **error)
{
  CsChecker *checker;

  g_mutex_lock (&self->lock);
  checker = g_hash_table_lookup (self->checkers, school);
  if (checker != NULL)
    g_object_ref (checker);
  g_mutex_unlock (&self->lock);
  if (checker != NULL)
    return checker;

  /* Built outside the lock: two threads may both build one for a school
   * they both just met, and the second simply replaces the first. */
  checker = build_checker (self, school, error);
  if (checker == NULL)
    return NULL;

  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->checkers, g_strdup (school), g_object_ref (checker));
  g_mutex_unlock (&self->lock);

  return checker;
}

CsRoster *
cs_school_checks_dup_roster (CsSchoolChecks  *self,
                             const char      *school,
                             GError         **error)
{
  g_autoptr(CsChecker) checker = NULL;
  CsRoster *roster;

  g_return_val_if_fail (CS_IS_SCHOOL_CHECKS (self), NULL);

  checker = get_checker (self, school, error);
  if (checker == NULL)
    return NULL;
  roster = cs_checker_get_roster (checker);
  return roster != NULL ? g_object_ref (roster) : NULL;
}

gboolean
cs_school_checks_warm_up (CsSchoolChecks  *self,
                          GError         **error)
{
  g_auto(GStrv) schools = cs_queue_store_list_schools (self->store, error);

  if (schools == NULL)
    return FALSE;
  for (guint i = 0; schools[i] != NULL; i++)
    {
      g_autoptr(GError) local = NULL;
      g_autoptr(CsChecker) checker = get_checker (self, schools[i], &local);

      /* A school whose files are broken still gets a clear answer on
       * each post; it must not keep the others from starting. */
      if (checker == NULL)
        g_warning ("%s: %s", schools[i], local->message);
    }
  return TRUE;
}

static CsFaceDetector *
get_detector (CsSchoolChecks *self)
{
  CsFaceDetector *detector;

  g_mutex_lock (&self->lock);
  if (!self->detector_loaded)
    {
      g_autoptr(GError) error = NULL;

      self->detector_loaded = TRUE;
      if (self->face_model[0] != '\0')
        self->detector = cs_face_detector_new (self->face_model, &error);
      if (self->detector == NULL)
        g_warning ("Photos will be refused: %s",
                   error != NULL ? error->message : "no face model is configured");
    }
  detector = self->detector;
  g_mutex_unlock (&self->lock);

  return detector;
}

static double
covered_fraction (const CsRect *face,
                  const CsRect *tag)
{
  double w = MIN (face->x + face->w, tag->x + tag->w) - MAX (face->x, tag->x);
  double h = MIN (face->y + face->h, tag->y + tag->h) - MAX (face->y, tag->y);

  if (w <= 0 || h <= 0 || face->w * face->h <= 0)
    return 0;
  return w * h / (face->w * face->h);
}

/* The photo as the checker's photo rules see an attachment: each tag a
 * face the author chose to leave clear, and each face found that no tag
 * covers a clear face nobody tagged. */
static CsAttachment *
attachment_for (const CsQueuePhoto *photo,
                guint               index,
                CsFaceDetector     *detector,
                GCancellable       *cancellable,
                GError            **error)
{
  g_autoptr(CsAttachment) attachment = g_new0 (CsAttachment, 1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *tags;

  attachment->id = g_strdup_printf ("photo%u", index);
  attachment->file = g_strdup_printf ("photo %u", index + 1);
  attachment->alt_text = g_strdup (photo->alt);
  attachment->regions = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_photo_region_free);
  attachment->state = CS_PHOTO_STATE_BLURRED;

  /* The tags were validated and written by the submission parser. */
  if (!json_parser_load_from_data (parser, photo->tags_json != NULL ? photo->tags_json : "[]", -1, error))
    return NULL;
  tags = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (tags); i++)
    {
      JsonObject *tag = json_array_get_object_element (tags, i);
      CsRect rect = { json_object_get_double_member (tag, "x"), json_object_get_double_member (tag, "y"),
                      json_object_get_double_member (tag, "w"), json_object_get_double_member (tag, "h") };
      CsPhotoRegion *region = cs_photo_region_new (CS_REGION_FACE, &rect, 1.0);

      region->tag = g_strdup (json_object_get_string_member (tag, "pupil"));
      region->clear = TRUE;
      g_ptr_array_add (attachment->regions, region);
    }
  guint n_tags = attachment->regions->len;

  if (detector != NULL && photo->jpeg != NULL)
    {
      g_autoptr(CsImage) image = NULL;
      g_autoptr(GArray) faces = NULL;

      image = cs_image_load_bytes (photo->jpeg, attachment->file, error);
      if (image == NULL)
        return NULL;
      attachment->width = cs_image_get_width (image);
      attachment->height = cs_image_get_height (image);
      faces = cs_face_detector_detect (detector, image, CS_FACE_DETECTOR_THRESHOLD, cancellable, error);
      if (faces == NULL)
        return NULL;
      attachment->faces_checked = TRUE;

      for (guint f = 0; f < faces->len; f++)
        {
          const CsFace *face = &g_array_index (faces, CsFace, f);
          gboolean tagged = FALSE;

          for (guint t = 0; t < n_tags && !tagged; t++)
            tagged = covered_fraction (&face->rect,
                                       &((CsPhotoRegion *) g_ptr_array_index (attachment->regions, t))->rect) >= 0.5;
          if (!tagged)
            {
              CsPhotoRegion *region = cs_photo_region_new (CS_REGION_FACE, &face->rect, face->score);

              region->clear = TRUE;
              g_ptr_array_add (attachment->regions, region);
            }
        }
    }

  return g_steal_pointer (&attachment);
}

GPtrArray *
cs_school_checks_run (CsSchoolChecks    *self,
                      const CsQueuePost *post,
                      gboolean           look_at_photos,
                      GCancellable      *cancellable,
                      GError           **error)
{
  g_autoptr(CsChecker) checker = NULL;
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_finding_free);
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_attachment_free);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) photo_findings = NULL;
  CsFaceDetector *detector = NULL;
  JsonArray *platforms;

  g_return_val_if_fail (CS_IS_SCHOOL_CHECKS (self), NULL);

  checker = get_checker (self, post->school, error);
  if (checker == NULL)
    return NULL;

  if (!json_parser_load_from_data (parser, post->platforms_json, -1, error))
    return NULL;
  platforms = json_node_get_array (json_parser_get_root (parser));

  /* Everything but the length is the same on every platform, so the
   * first platform's findings are kept whole and the others add only
   * their own length. */
  for (guint i = 0; i < json_array_get_length (platforms); i++)
    {
      CsPlatform platform;
      g_autoptr(GPtrArray) found = NULL;

      if (!cs_platform_from_string (json_array_get_string_element (platforms, i), &platform))
        continue;
      found = cs_checker_check (checker, post->text, -1, platform);
      for (guint k = 0; k < found->len; k++)
        {
          CsFinding *finding = g_ptr_array_index (found, k);

          if (i == 0 || g_strcmp0 (finding->rule, CS_RULE_LENGTH) == 0)
            g_ptr_array_add (findings, cs_finding_copy (finding));
        }
    }

  if (look_at_photos && post->photos->len > 0)
    {
      detector = get_detector (self);
      if (detector == NULL)
        {
          CsFinding *finding = cs_finding_new (CS_RULE_PHOTO_UNCHECKED, CS_SEVERITY_ERROR, 0, 0, "");

          finding->message = g_strdup ("The approval queue cannot look for faces in photos (its face model "
                                       "is missing), so posts with photos cannot be accepted. Ask your "
                                       "IT technician to reinstall the queue server.");
          finding->region = -1;
          g_ptr_array_add (findings, finding);
        }
    }

  for (guint i = 0; i < post->photos->len; i++)
    {
      CsAttachment *attachment = attachment_for (g_ptr_array_index (post->photos, i), i,
                                                 look_at_photos ? detector : NULL, cancellable, error);

      if (attachment == NULL)
        return NULL;
      g_ptr_array_add (attachments, attachment);
    }
  photo_findings = cs_checker_check_photos (checker, attachments, NULL);
  for (guint i = 0; i < photo_findings->len; i++)
    {
      CsFinding *finding = g_ptr_array_index (photo_findings, i);

      /* The app's "photo-unchecked" means nobody marked the faces; here
       * the server has looked itself (or said above that it cannot). */
      if (g_strcmp0 (finding->rule, CS_RULE_PHOTO_UNCHECKED) != 0)
        g_ptr_array_add (findings, cs_finding_copy (finding));
    }

  return g_steal_pointer (&findings);
}

gboolean
cs_findings_have_errors (GPtrArray *findings)
{
  for (guint i = 0; findings != NULL && i < findings->len; i++)
    if (((CsFinding *) g_ptr_array_index (findings, i))->severity == CS_SEVERITY_ERROR)
      return TRUE;
  return FALSE;
}

JsonNode *
cs_findings_to_json (GPtrArray *findings)
{
  g_autoptr(JsonBuilder) out = json_builder_new ();

  json_builder_begin_array (out);
  for (guint i = 0; findings != NULL && i < findings->len; i++)
    cs_finding_to_json (g_ptr_array_index (findings, i), out);
  json_builder_end_array (out);

  return json_builder_get_root (out);
}
