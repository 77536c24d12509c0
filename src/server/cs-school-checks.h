/* cs-school-checks.h: the server's own run of the policy checks
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server never trusts what the app says it checked: each post is
 * checked again with the school's current roster and policy, and its
 * photos are looked at again for faces.
 */

#pragma once

#include "cs-core.h"
#include "cs-queue-store.h"

G_BEGIN_DECLS

#define CS_TYPE_SCHOOL_CHECKS (cs_school_checks_get_type ())

G_DECLARE_FINAL_TYPE (CsSchoolChecks, cs_school_checks, CS, SCHOOL_CHECKS, GObject)

/* @face_model may be NULL or "": photos are then refused, since nobody
 * can vouch that their faces were hidden. */
CsSchoolChecks *cs_school_checks_new        (CsQueueStore      *store,
                                             const char        *face_model);

/* Builds every school's checker now (the dictionary and the roster take
 * a moment each), so that the first post after a restart is as quick as
 * any other. */
gboolean        cs_school_checks_warm_up    (CsSchoolChecks    *self,
                                             GError           **error);

/* Forgets what it built for @school, after its roster or policy changed. */
void            cs_school_checks_invalidate (CsSchoolChecks    *self,
                                             const char        *school);

/* The findings (CsFinding) for @post under @school's rules: the text on
 * each of its platforms, the consent of every pupil tagged in a photo,
 * and, when @look_at_photos, any face left clear that no consenting tag
 * covers. Thread safe. NULL with @error when the checks could not run. */
GPtrArray      *cs_school_checks_run        (CsSchoolChecks    *self,
                                             const CsQueuePost *post,
                                             gboolean           look_at_photos,
                                             GCancellable      *cancellable,
                                             GError           **error);

/* Whether any of @findings is an error. */
/* The roster @school's checks use now (a new reference), or NULL. */
CsRoster       *cs_school_checks_dup_roster (CsSchoolChecks    *self,
                                             const char        *school,
                                             GError           **error);

gboolean        cs_findings_have_errors     (GPtrArray         *findings);

/* @findings as a JSON array, each as cs_finding_to_json() writes it. */
JsonNode       *cs_findings_to_json         (GPtrArray         *findings);

G_END_DECLS
