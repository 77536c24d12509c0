/* cs-roster.h: the pupils and staff a school knows, loaded from its MIS export
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cs-person.h"

G_BEGIN_DECLS

#define CS_ROSTER_ERROR (cs_roster_error_quark ())

typedef enum
{
  /* The file as a whole cannot be used; the previous roster stays. */
  CS_ROSTER_ERROR_EMPTY,
  CS_ROSTER_ERROR_MISSING_COLUMN,
  CS_ROSTER_ERROR_NOT_TEXT,
  CS_ROSTER_ERROR_TOO_LARGE,
  CS_ROSTER_ERROR_NO_ROWS,
} CsRosterError;

GQuark cs_roster_error_quark (void);

#define CS_TYPE_ROSTER_PROBLEM (cs_roster_problem_get_type ())

/* A row that was left out, with the reason in words an office can act on. */
typedef struct
{
  guint  line;
  char  *message;
} CsRosterProblem;

GType            cs_roster_problem_get_type (void) G_GNUC_CONST;
CsRosterProblem *cs_roster_problem_copy     (const CsRosterProblem *problem);
void             cs_roster_problem_free     (CsRosterProblem       *problem);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsRosterProblem, cs_roster_problem_free)

#define CS_TYPE_ROSTER (cs_roster_get_type ())

G_DECLARE_FINAL_TYPE (CsRoster, cs_roster, CS, ROSTER, GObject)

CsRoster   *cs_roster_new               (void);

/* Loads a CSV roster. The good rows load and each bad row is kept as a
 * CsRosterProblem; on an error that makes the whole file unusable
 * (no header, a required column missing, not text) FALSE is returned and the
 * roster keeps the people it had. Emits ::changed on success. */
gboolean    cs_roster_load_data         (CsRoster      *self,
                                         const char    *data,
                                         gsize          len,
                                         GError       **error);
gboolean    cs_roster_load_file         (CsRoster      *self,
                                         GFile         *file,
                                         GCancellable  *cancellable,
                                         GError       **error);
void        cs_roster_load_file_async   (CsRoster           *self,
                                         GFile              *file,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
gboolean    cs_roster_load_file_finish  (CsRoster      *self,
                                         GAsyncResult  *result,
                                         GError       **error);

guint       cs_roster_get_n_people      (CsRoster      *self);
/* A snapshot (new reference) of the people, safe to use on another thread. */
GPtrArray  *cs_roster_dup_people        (CsRoster      *self);
CsPerson   *cs_roster_lookup            (CsRoster      *self,
                                         const char    *id);
/* Problems of the last successful load, in line order. */
GPtrArray  *cs_roster_get_problems      (CsRoster      *self);
/* Increases on every successful load: a cheap way to notice a change. */
guint       cs_roster_get_generation    (CsRoster      *self);

/* Adds a header name from a school's MIS export to the mapping onto the
 * canonical columns (id, forename, surname, preferred_name, class, role,
 * photo_consent, name_consent, consent_expires). */
gboolean    cs_roster_add_column_alias  (CsRoster      *self,
                                         const char    *header,
                                         const char    *canonical);

G_END_DECLS
