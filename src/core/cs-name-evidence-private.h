/* cs-name-evidence-private.h: what the words around a first name say about whether it is one
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-check-context-private.h"

G_BEGIN_DECLS

/* How much evidence makes a word-like first name a name. */
#define CS_NAME_ENOUGH 2

typedef enum
{
  CS_WORDS_TITLES,        /* Mr, Mrs, Dr: an adult follows */
  CS_WORDS_OTHER_TITLES,  /* St, King, Lake: someone or somewhere else follows */
  CS_WORDS_THINGS,        /* class, lane, wedding: the name of a thing */
  CS_WORDS_CLASS,         /* year, reception, class */
  CS_WORDS_DETERMINERS,   /* the, in, for: a noun or a month follows */
  CS_WORDS_STORY,         /* legend, story, tale (of): a character follows */
  CS_WORDS_PRONOUNS,      /* you, we, it: "Hope you", "May we" are verbs */
} CsWordList;

gboolean    cs_word_in              (CsWordList      list,
                                     const char     *folded);
/* The folded word of token @i, or NULL outside the post. */
const char *cs_folded_at            (CsCheckContext *ctx,
                                     gint            i);
/* A capital on token @i is informative: not a sentence start, heading or tag. */
gboolean    cs_capital_means_name   (const CsToken  *t);
/* TRUE when the sentence around token @i has no capital letters at all. */
gboolean    cs_lower_case_sentence  (CsCheckContext *ctx,
                                     guint           i);
/* The evidence that the word-like first name at token @i names a person. */
int         cs_name_evidence        (CsCheckContext *ctx,
                                     guint           i);

G_END_DECLS
