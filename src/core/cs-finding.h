/* cs-finding.h: one problem the checker found in a post
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  CS_SEVERITY_OFF,
  CS_SEVERITY_WARNING,
  CS_SEVERITY_ERROR,
} CsSeverity;

const char *cs_severity_to_string   (CsSeverity  severity);
gboolean    cs_severity_from_string (const char *str,
                                     CsSeverity *severity);

#define CS_TYPE_FINDING (cs_finding_get_type ())

/* Offsets are in Unicode code points, so that the composer, the JSON output
 * and the scoring tools all agree whatever the encoding on their side.
 */
typedef struct
{
  char       *rule;
  CsSeverity  severity;
  guint       start;
  guint       end;
  char       *text;
  char       *message;
  char       *clause;
  /* NULL while the suggestions have not been computed (spelling computes
   * them lazily, see cs_checker_get_suggestions()); an empty array when
   * there is no fix. */
  GPtrArray  *suggestions;
  /* What the rule says more about the finding; for "length", the platform
   * id ("x"), so that a window can name it without the changing count. */
  char       *detail;
  /* Photo findings: the attachment's id and the index of the region at
   * fault (-1 for the photo as a whole); NULL and -1 for the text. */
  char       *photo;
  int         region;
} CsFinding;

GType      cs_finding_get_type        (void) G_GNUC_CONST;
CsFinding *cs_finding_new             (const char      *rule,
                                       CsSeverity       severity,
                                       guint            start,
                                       guint            end,
                                       const char      *text);
CsFinding *cs_finding_copy            (const CsFinding *finding);
void       cs_finding_free            (CsFinding       *finding);
void       cs_finding_add_suggestion  (CsFinding       *finding,
                                       const char      *suggestion);
int        cs_finding_compare         (gconstpointer    a,
                                       gconstpointer    b);

/* @finding as one JSON object: rule, severity, start, end, text, message,
 * clause, suggestions (empty when none are known), and for a photo's
 * finding photo and region. The one form the command line, the queue and
 * the app all read. */
void       cs_finding_to_json         (const CsFinding *finding,
                                       JsonBuilder     *builder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsFinding, cs_finding_free)

G_END_DECLS
