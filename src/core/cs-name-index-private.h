/* cs-name-index-private.h: the roster's names, indexed for matching in text
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-person.h"
#include "cs-spelling.h"

G_BEGIN_DECLS

typedef struct
{
  CsPerson  *person;
  GStrv      forename;   /* folded words */
  GStrv      preferred;  /* folded words, or NULL */
  GStrv      surname;    /* folded words */
  gboolean   may_be_named;
} CsNameEntry;

typedef struct _CsNameIndex CsNameIndex;

/* Built once per roster; immutable and refcounted, so a check on another
 * thread can keep using it while a new roster loads. */
CsNameIndex *cs_name_index_new        (GPtrArray   *people,
                                       CsSpelling  *spelling,
                                       const char * const *ordinary_names);
CsNameIndex *cs_name_index_ref        (CsNameIndex *self);
void         cs_name_index_unref      (CsNameIndex *self);

/* Entries whose forename or preferred name starts with folded @word. */
GPtrArray   *cs_name_index_by_first   (CsNameIndex *self,
                                       const char  *word);
/* Entries whose surname starts with folded @word. */
GPtrArray   *cs_name_index_by_surname (CsNameIndex *self,
                                       const char  *word);
/* TRUE when the folded first name is also an ordinary English word. */
gboolean     cs_name_index_is_ordinary (CsNameIndex *self,
                                        const char  *word);
/* Every folded first name that is not an ordinary word, for hashtags. */
GPtrArray   *cs_name_index_get_plain_names (CsNameIndex *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsNameIndex, cs_name_index_unref)

G_END_DECLS
