/* cs-person.c: one pupil or member of staff from the school's roster
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cs-person"

#include "cs-person.h"

/* People live in an atomic refcounted box rather than a plain struct with a
 * count of its own: a check running on a worker thread holds references
 * while the main thread swaps in a newly loaded roster, and the box makes
 * the last release safe whichever thread does it. */
G_DEFINE_BOXED_TYPE (CsPerson, cs_person, cs_person_ref, cs_person_unref)

CsPerson *
cs_person_new (void)
{
  return g_atomic_rc_box_new0 (CsPerson);
}

CsPerson *
cs_person_ref (CsPerson *person)
{
  g_return_val_if_fail (person != NULL, NULL);

  return g_atomic_rc_box_acquire (person);
}

static void
cs_person_clear (CsPerson *person)
{
  g_clear_pointer (&person->id, g_free);
  g_clear_pointer (&person->forename, g_free);
  g_clear_pointer (&person->surname, g_free);
  g_clear_pointer (&person->preferred_name, g_free);
  g_clear_pointer (&person->class_name, g_free);
  g_clear_pointer (&person->consent_expires, g_date_free);
}

void
cs_person_unref (CsPerson *person)
{
  g_return_if_fail (person != NULL);

  g_atomic_rc_box_release_full (person, (GDestroyNotify) cs_person_clear);
}

const char *
cs_person_get_known_as (const CsPerson *person)
{
  g_return_val_if_fail (person != NULL, NULL);

  if (person->preferred_name != NULL && person->preferred_name[0] != '\0')
    return person->preferred_name;

  return person->forename;
}

char *
cs_person_dup_display_name (const CsPerson *person)
{
  const char *known_as;

  g_return_val_if_fail (person != NULL, NULL);

  known_as = cs_person_get_known_as (person);

  /* A person built by hand may lack either part; never print "(null)". */
  if (known_as == NULL || known_as[0] == '\0')
    return g_strdup (person->surname != NULL ? person->surname : "");
  if (person->surname == NULL || person->surname[0] == '\0')
    return g_strdup (known_as);

  return g_strdup_printf ("%s %s", known_as, person->surname);
}

gboolean
cs_person_is_expired (const CsPerson *person,
                      const GDate    *today)
{
  GDate now;

  g_return_val_if_fail (person != NULL, FALSE);

  if (person->consent_expires == NULL || !g_date_valid (person->consent_expires))
    return FALSE;

  if (today == NULL || !g_date_valid (today))
    {
      g_autoptr(GDateTime) local = g_date_time_new_now_local ();

      /* Schools think in local days: consent that ends on the 31st is still
       * good until midnight here, whatever the UTC date is. */
      g_date_clear (&now, 1);
      g_date_set_dmy (&now,
                      g_date_time_get_day_of_month (local),
                      g_date_time_get_month (local),
                      g_date_time_get_year (local));
      today = &now;
    }

  /* The expiry date is the last day the consent holds, so it expires the
   * day after, not on the day itself. */
  return g_date_compare (person->consent_expires, today) < 0;
}

gboolean
cs_person_may_be_pictured (const CsPerson *person,
                           const GDate    *today)
{
  g_return_val_if_fail (person != NULL, FALSE);

  return person->photo_consent == CS_CONSENT_YES &&
         !cs_person_is_expired (person, today);
}

gboolean
cs_person_may_be_named (const CsPerson *person,
                        const GDate    *today)
{
  g_return_val_if_fail (person != NULL, FALSE);

  return person->name_consent && !cs_person_is_expired (person, today);
}

const char *
cs_consent_to_string (CsConsent consent)
{
  switch (consent)
    {
    case CS_CONSENT_NO:
      return "no";
    case CS_CONSENT_YES:
      return "yes";
    case CS_CONSENT_NEVER:
      return "never";
    default:
      break;
    }

  g_return_val_if_reached (NULL);
}
