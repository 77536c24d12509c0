/* cs-checker.h: applies a school's policy to the text of a post
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cs-draft.h"
#include "cs-finding.h"
#include "cs-platform.h"
#include "cs-policy.h"
#include "cs-roster.h"
#include "cs-spelling.h"

G_BEGIN_DECLS

#define CS_TYPE_CHECKER (cs_checker_get_type ())

G_DECLARE_FINAL_TYPE (CsChecker, cs_checker, CS, CHECKER, GObject)

/* @spelling may be NULL: then there are no spelling findings, and names that
 * are also ordinary words are recognised from a short built-in list. */
CsChecker *cs_checker_new               (CsPolicy      *policy,
                                         CsRoster      *roster,
                                         CsSpelling    *spelling);

CsPolicy  *cs_checker_get_policy        (CsChecker     *self);
CsRoster  *cs_checker_get_roster        (CsChecker     *self);
CsSpelling *cs_checker_get_spelling     (CsChecker     *self);

/* Every finding for @text posted to @platform, sorted by position. Safe to
 * call from a worker thread; a roster or policy that changed since the last
 * check is picked up here. Returns a GPtrArray of CsFinding. */
GPtrArray *cs_checker_check             (CsChecker     *self,
                                         const char    *text,
                                         gssize         len,
                                         CsPlatform     platform);

/* Re-checks one edited part of @text (bytes @start to @end, usually a
 * paragraph) with the rules that read no further than a paragraph; the
 * length rule and anything spanning paragraphs are left to a full check.
 * Offsets in the findings are code points into the whole of @text. */
GPtrArray *cs_checker_check_range       (CsChecker     *self,
                                         const char    *text,
                                         gssize         len,
                                         gsize          start,
                                         gsize          end);

/* Fills @finding->suggestions if they were left to be computed on demand
 * (spelling). May be slow: call it off the main thread. */
void       cs_checker_fill_suggestions  (CsChecker     *self,
                                         CsFinding     *finding);

/* The finding for a post over @platform's limit, or NULL. */
CsFinding *cs_checker_check_length      (CsChecker     *self,
                                         const char    *text,
                                         gssize         len,
                                         CsPlatform     platform);

/* Findings for the photos (CsAttachment) of a post: consent for the pupils
 * tagged, faces and names left clear, alt text, photos nobody checked.
 * Consent is judged on @today (NULL for the current local date) against
 * the roster in force, so a withdrawal shows at once. */
GPtrArray *cs_checker_check_photos      (CsChecker     *self,
                                         GPtrArray     *attachments,
                                         const GDate   *today);

G_END_DECLS
