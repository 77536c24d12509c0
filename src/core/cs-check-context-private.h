/* cs-check-context-private.h: what every rule sees while a post is checked
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-finding.h"
#include "cs-name-index-private.h"
#include "cs-policy.h"
#include "cs-spelling.h"

G_BEGIN_DECLS

typedef enum
{
  CS_TOKEN_CAPITALISED    = 1 << 0,  /* First letter upper case. */
  CS_TOKEN_ALL_CAPS       = 1 << 1,  /* Two or more letters, all upper case. */
  CS_TOKEN_SENTENCE_START = 1 << 2,  /* Capitals here say nothing about names. */
  CS_TOKEN_HASHTAG        = 1 << 3,  /* A part of a #hashtag. */
  CS_TOKEN_MASKED         = 1 << 4,  /* Inside a link, email address or @handle. */
  CS_TOKEN_POSSESSIVE     = 1 << 5,  /* Followed by 's, which is not in the token. */
  CS_TOKEN_NUMBER         = 1 << 6,  /* Digits, perhaps with letters: 3rd, 10m. */
  CS_TOKEN_HEADING        = 1 << 7,  /* On a line in capitals or Title Case. */
  CS_TOKEN_MIXED_CAPS     = 1 << 8,  /* Capitals after the first letter: SATs, iPad. */
  CS_TOKEN_HASHTAG_WHOLE  = 1 << 9,  /* A hashtag kept whole (no camel case). */
} CsTokenFlags;

typedef struct
{
  guint        start;   /* byte offsets into the checked text */
  guint        end;
  guint        flags;
  const char  *folded;  /* lower case, accents and curly apostrophes folded */
} CsToken;

typedef struct
{
  guint start;  /* byte offsets into the checked text */
  guint end;
} CsSpan;

/* A finding while the check runs: byte offsets into the checked text. */
typedef struct
{
  const char *rule;
  guint       start;
  guint       end;
  char       *detail;
  GPtrArray  *suggestions;
} CsRawFinding;

typedef struct
{
  const char   *text;
  gsize         len;
  CsPolicy     *policy;
  CsNameIndex  *names;
  CsSpelling   *spelling;     /* may be NULL */
  GArray       *tokens;       /* CsToken */
  GArray       *masks;        /* CsSpan: not to be read as words */
  /* What the masks are, by kind, for the rules that report them. */
  GArray       *links;        /* CsSpan */
  GArray       *emails;       /* CsSpan */
  GArray       *handles;      /* CsSpan */
  GStringChunk *chunk;
  GPtrArray    *raw;          /* CsRawFinding */
} CsCheckContext;

void         cs_check_context_init    (CsCheckContext *ctx,
                                       const char     *text,
                                       gsize           len);
void         cs_check_context_clear   (CsCheckContext *ctx);

CsRawFinding *cs_check_context_add    (CsCheckContext *ctx,
                                       const char     *rule,
                                       guint           start,
                                       guint           end,
                                       const char     *detail);
gboolean     cs_check_context_rule_on (CsCheckContext *ctx,
                                       const char     *rule);

typedef enum
{
  CS_SPAN_OVERLAPS,  /* the finding and the range share a byte */
  CS_SPAN_WITHIN,    /* the finding lies inside the range */
  CS_SPAN_COVERS,    /* the finding covers the whole range */
} CsSpanRelation;

/* TRUE if a finding of @rule (or of @rule2, when not NULL) found so far
 * stands in @relation to the byte range @start to @end. */
gboolean     cs_check_context_has     (CsCheckContext *ctx,
                                       const char     *rule,
                                       const char     *rule2,
                                       guint           start,
                                       guint           end,
                                       CsSpanRelation  relation);

/* Words of @text folded for comparison: lower case, without accents, with ’ as '. */
char        *cs_fold_word             (const char     *word,
                                       gssize          len);
/* Calls @func for each word of @text (letters with inner ' ’ -). */
void         cs_foreach_word          (const char     *text,
                                       void          (*func) (const char *word, gsize len, gpointer data),
                                       gpointer        data);

/* The bytes between token @i and the next one. */
gboolean     cs_token_gap_is_space    (CsCheckContext *ctx,
                                       guint           i);
gboolean     cs_token_gap_has         (CsCheckContext *ctx,
                                       guint           i,
                                       const char     *chars);
const CsToken *cs_token_at            (CsCheckContext *ctx,
                                       guint           i);
/* The sentence around byte @pos, as a byte range. */
void         cs_sentence_bounds       (CsCheckContext *ctx,
                                       guint           pos,
                                       guint          *start,
                                       guint          *end);
/* A regular expression built from @patterns, each also matching curly
 * apostrophes where it says ', whole words only, ignoring case. */
GRegex      *cs_compile_patterns      (const char * const *patterns,
                                       const char * const *phrases);

/* TRUE if byte @pos is inside a link, address or handle; @mask_end, when
 * not NULL, is set to where that one ends. */
gboolean     cs_check_context_masked  (CsCheckContext *ctx,
                                       guint           pos,
                                       guint          *mask_end);

/* @template with {text} and {detail} filled in. */
char *cs_format_rule_message   (const char     *template,
                                const char     *text,
                                const char     *detail);

void cs_check_masks            (CsCheckContext *ctx);
void cs_check_tokenize         (CsCheckContext *ctx);
void cs_check_names            (CsCheckContext *ctx);
void cs_check_personal_data    (CsCheckContext *ctx);
void cs_check_links            (CsCheckContext *ctx);
void cs_check_phrases          (CsCheckContext *ctx,
                                GHashTable     *regex_cache);
void cs_check_spelling         (CsCheckContext *ctx);
void cs_check_phrases_prepare  (CsPolicy       *policy,
                                GHashTable     *regex_cache);

G_END_DECLS
