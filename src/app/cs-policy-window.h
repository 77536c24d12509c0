/* cs-policy-window.h: the school's policy rules, each with the clause behind it
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cs-session.h"

G_BEGIN_DECLS

#define CS_TYPE_POLICY_WINDOW (cs_policy_window_get_type ())

G_DECLARE_FINAL_TYPE (CsPolicyWindow, cs_policy_window, CS, POLICY_WINDOW, AdwWindow)

/* Lists the rules of @session's policy by severity, and follows it when the
 * school's policy file changes. */
CsPolicyWindow *cs_policy_window_new          (GtkWindow      *parent,
                                               CsSession      *session);

/* The human name of a rule id ("Pupils' names"), or NULL for an unknown one. */
const char     *cs_policy_window_rule_title   (const char     *rule_id);

G_END_DECLS
