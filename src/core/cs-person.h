/* cs-person.h: one pupil or member of staff from the school's roster
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  CS_ROLE_PUPIL,
  CS_ROLE_STAFF,
} CsRole;

typedef enum
{
  CS_CONSENT_NO,
  CS_CONSENT_YES,
  /* The child must never appear at all, whatever is blurred: adopted or
   * looked-after children, or a court order. */
  CS_CONSENT_NEVER,
} CsConsent;

#define CS_TYPE_PERSON (cs_person_get_type ())

/* Immutable once loaded and refcounted, so that a roster can be swapped
 * while a check on another thread still holds the old people. */
typedef struct
{
  char      *id;
  char      *forename;
  char      *surname;
  char      *preferred_name;  /* NULL when the same as the forename */
  char      *class_name;
  CsRole     role;
  CsConsent  photo_consent;
  gboolean   name_consent;
  GDate     *consent_expires; /* NULL when it does not expire */
  guint      line;            /* line of the roster file it came from */
} CsPerson;

GType       cs_person_get_type          (void) G_GNUC_CONST;
CsPerson   *cs_person_new               (void);
CsPerson   *cs_person_ref               (CsPerson   *person);
void        cs_person_unref             (CsPerson   *person);

/* The name the school uses day to day: the preferred name, else the forename. */
const char *cs_person_get_known_as      (const CsPerson *person);
char       *cs_person_dup_display_name  (const CsPerson *person);

/* Consent that has passed its expiry date counts as no. @today may be NULL
 * for the current local date. */
gboolean    cs_person_is_expired        (const CsPerson *person,
                                         const GDate    *today);
gboolean    cs_person_may_be_pictured   (const CsPerson *person,
                                         const GDate    *today);
gboolean    cs_person_may_be_named      (const CsPerson *person,
                                         const GDate    *today);

const char *cs_consent_to_string        (CsConsent   consent);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsPerson, cs_person_unref)

G_END_DECLS
