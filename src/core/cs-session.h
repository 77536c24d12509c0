/* cs-session.h: the dictionary, policy and roster a window checks against
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-checker.h"

G_BEGIN_DECLS

#define CS_TYPE_SESSION (cs_session_get_type ())

G_DECLARE_FINAL_TYPE (CsSession, cs_session, CS, SESSION, GObject)

/* Signals, all on the main context:
 * ::ready when the dictionary has loaded and the checker exists;
 * ::roster-loaded when a roster has loaded (its problems, if any, are on it);
 * ::roster-failed (GError) when one could not be used: the last good stays;
 * ::policy-failed (GError) likewise for the policy file;
 * ::changed whenever what a check reads has changed, so posts re-check. */
CsSession  *cs_session_new              (void);

/* Loads the dictionary off the main thread, then the policy and roster. */
void        cs_session_load_async       (CsSession           *self,
                                         GFile               *roster,
                                         GFile               *policy,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean    cs_session_load_finish      (CsSession           *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/* Loads @file (NULL: no roster) and watches it: a change on disk reloads it. */
void        cs_session_set_roster_file  (CsSession  *self,
                                         GFile      *file);
GFile      *cs_session_get_roster_file  (CsSession  *self);
void        cs_session_set_policy_file  (CsSession  *self,
                                         GFile      *file);

/* Words the user added to the dictionary, kept in @file. */
void        cs_session_set_words_file   (CsSession  *self,
                                         GFile      *file);
gboolean    cs_session_add_word         (CsSession  *self,
                                         const char *word,
                                         GError    **error);

gboolean    cs_session_is_ready         (CsSession  *self);
CsChecker  *cs_session_get_checker      (CsSession  *self);
CsRoster   *cs_session_get_roster       (CsSession  *self);
CsPolicy   *cs_session_get_policy       (CsSession  *self);
/* The last roster failure, or NULL when the roster in use loaded cleanly. */
const GError *cs_session_get_roster_error (CsSession *self);

G_END_DECLS
