/* cs-check-photos.c: consent, clear faces and names, alt text in photos
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cs-check-context-private.h"
#include "cs-checker.h"
#include "cs-unicode-private.h"

static void
add (GPtrArray          *findings,
     CsPolicy           *policy,
     const char         *rule_id,
     const CsAttachment *attachment,
     int                 region,
     const char         *detail)
{
  const CsPolicyRule *rule = cs_policy_get_rule (policy, rule_id);
  g_autofree char *name = NULL;
  CsFinding *finding;

  if (rule == NULL || rule->severity == CS_SEVERITY_OFF)
    return;

  name = g_path_get_basename (attachment->original != NULL && attachment->original[0] != '\0'
                              ? attachment->original : attachment->file);
  finding = cs_finding_new (rule_id, rule->severity, 0, 0, name);
  finding->message = cs_format_rule_message (rule->message, name, detail);
  finding->clause = g_strdup (rule->clause);
  finding->detail = g_strdup (detail);
  finding->photo = g_strdup (attachment->id);
  finding->region = region;
  finding->suggestions = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (findings, finding);
}

static void
check_region (GPtrArray           *findings,
              CsPolicy            *policy,
              CsRoster            *roster,
              const CsAttachment  *attachment,
              int                  index,
              const GDate         *today)
{
  const CsPhotoRegion *region = g_ptr_array_index (attachment->regions, index);
  g_autoptr(CsPerson) person = NULL;
  g_autofree char *who = NULL;

  if (region->tag != NULL)
    {
      CsPerson *found = cs_roster_lookup (roster, region->tag);

      person = found != NULL ? cs_person_ref (found) : NULL;
      who = person != NULL ? cs_person_dup_display_name (person) : g_strdup (region->tag);
    }

  /* No blur makes this photo safe: the child must not be in it at all. */
  if (person != NULL && person->photo_consent == CS_CONSENT_NEVER)
    {
      add (findings, policy, CS_RULE_PHOTO_NEVER, attachment, index, who);
      return;
    }

  if (!region->clear)
    return;

  if (region->kind == CS_REGION_TEXT)
    {
      add (findings, policy, CS_RULE_PHOTO_TEXT, attachment, index,
           /* Translators: the {detail} of the photo-text message when the
            * words in the photo were not read, as in "“A name” can be read in
            * “photo.jpg”". */
           region->text != NULL ? region->text : _("A name"));
      return;
    }

  if (region->tag == NULL)
    add (findings, policy, CS_RULE_PHOTO_FACE, attachment, index, NULL);
  else if (person == NULL || !cs_person_may_be_pictured (person, today))
    add (findings, policy, CS_RULE_PHOTO_CONSENT, attachment, index, who);
}

GPtrArray *
cs_checker_check_photos (CsChecker   *self,
                         GPtrArray   *attachments,
                         const GDate *today)
{
  GPtrArray *findings = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_finding_free);
  CsPolicy *policy;
  CsRoster *roster;

  g_return_val_if_fail (CS_IS_CHECKER (self), findings);

  policy = cs_checker_get_policy (self);
  roster = cs_checker_get_roster (self);

  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    {
      const CsAttachment *attachment = g_ptr_array_index (attachments, i);

      if (!attachment->faces_checked && !attachment->marked_by_hand &&
          attachment->state != CS_PHOTO_STATE_CHECKING)
        add (findings, policy, CS_RULE_PHOTO_UNCHECKED, attachment, -1, NULL);

      for (guint j = 0; attachment->regions != NULL && j < attachment->regions->len; j++)
        check_region (findings, policy, roster, attachment, (int) j, today);

      if (cs_utf8_is_blank (attachment->alt_text))
        add (findings, policy, CS_RULE_ALT_TEXT, attachment, -1, NULL);
    }

  return findings;
}
