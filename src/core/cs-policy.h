/* cs-policy.h: a school's social-media policy as rules the checker applies
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cs-finding.h"
#include "cs-platform.h"

G_BEGIN_DECLS

#define CS_POLICY_ERROR (cs_policy_error_quark ())

typedef enum
{
  CS_POLICY_ERROR_PARSE,
  CS_POLICY_ERROR_INVALID,
} CsPolicyError;

GQuark cs_policy_error_quark (void);

/* The rule ids, exactly as findings and policy files name them. */
#define CS_RULE_PUPIL_NAME         "pupil-name"
#define CS_RULE_STAFF_NAME         "staff-name"
#define CS_RULE_PERSONAL_DATA      "personal-data"
#define CS_RULE_SENSITIVE_TOPIC    "sensitive-topic"
#define CS_RULE_NEGATIVE_TONE      "negative-tone"
#define CS_RULE_OFFENSIVE_LANGUAGE "offensive-language"
#define CS_RULE_CONFIDENTIAL       "confidential"
#define CS_RULE_MENTION            "mention"
#define CS_RULE_EXTERNAL_LINK      "external-link"
#define CS_RULE_LENGTH             "length"
#define CS_RULE_SPELLING           "spelling"
#define CS_RULE_PHOTO_CONSENT      "photo-consent"
#define CS_RULE_PHOTO_NEVER        "photo-never"
#define CS_RULE_PHOTO_FACE         "photo-face"
#define CS_RULE_PHOTO_TEXT         "photo-text"
#define CS_RULE_ALT_TEXT           "alt-text"
#define CS_RULE_PHOTO_UNCHECKED    "photo-unchecked"

typedef struct
{
  char       *id;
  CsSeverity  severity;
  char       *message;      /* may hold {text} and {detail} */
  char       *clause;       /* "School, heading" */
  char       *clause_text;  /* what the clause says, in our words */
  GStrv       phrases;      /* a school's own extra phrases: literal, any case */
  GStrv       patterns;     /* built-in expressions (PCRE) */
  GStrv       anchors;      /* sensitive-topic: words that make it about someone */
  GStrv       general;      /* sensitive-topic: words that make it about anyone */
  GStrv       markers;      /* confidential: "don't share yet" and the like */
  GStrv       gated;        /* confidential: secret only beside a marker */
} CsPolicyRule;

#define CS_TYPE_POLICY (cs_policy_get_type ())

G_DECLARE_FINAL_TYPE (CsPolicy, cs_policy, CS, POLICY, GObject)

/* The built-in default policy. */
CsPolicy           *cs_policy_new                      (void);

/* Merges a school's policy file over the defaults, key by key. On error the
 * policy is unchanged and the message names the file and the field. */
gboolean            cs_policy_load_file                (CsPolicy    *self,
                                                        GFile       *file,
                                                        GError     **error);
/* Goes back to the defaults and merges @file (NULL: none) over them, as a
 * school's policy file changed on disk needs. Unchanged on error. */
gboolean            cs_policy_reload_file              (CsPolicy    *self,
                                                        GFile       *file,
                                                        GError     **error);
gboolean            cs_policy_load_data                (CsPolicy    *self,
                                                        const char  *data,
                                                        gssize       len,
                                                        const char  *name,
                                                        GError     **error);

const CsPolicyRule *cs_policy_get_rule                 (CsPolicy    *self,
                                                        const char  *id);
/* Every rule id, in the order the policy lists them. */
const char * const *cs_policy_get_rule_ids             (CsPolicy    *self);

const char         *cs_policy_get_school_name          (CsPolicy    *self);
const char * const *cs_policy_get_school_domains       (CsPolicy    *self);
const char * const *cs_policy_get_school_emails        (CsPolicy    *self);
const char * const *cs_policy_get_school_phones        (CsPolicy    *self);
const char * const *cs_policy_get_school_postcodes     (CsPolicy    *self);
const char * const *cs_policy_get_school_handles       (CsPolicy    *self);
/* Words of the school's own that are not in the dictionary (its name,
 * its village, its class names). */
const char * const *cs_policy_get_school_words         (CsPolicy    *self);

gboolean            cs_policy_get_allow_consented_first_names (CsPolicy *self);
/* The platforms the school posts to, in the order it lists them. */
GArray             *cs_policy_get_platforms            (CsPolicy    *self);
/* Extra roster header names: header → canonical column. */
GHashTable         *cs_policy_get_roster_columns       (CsPolicy    *self);
/* Increases on every successful load. */
guint               cs_policy_get_generation           (CsPolicy    *self);

G_END_DECLS
