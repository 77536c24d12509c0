/* cs-spelling.h: hunspell behind a thread-safe, caching front
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CS_SPELLING_ERROR (cs_spelling_error_quark ())

typedef enum
{
  CS_SPELLING_ERROR_NO_DICTIONARY,
} CsSpellingError;

GQuark cs_spelling_error_quark (void);

#define CS_TYPE_SPELLING (cs_spelling_get_type ())

G_DECLARE_FINAL_TYPE (CsSpelling, cs_spelling, CS, SPELLING, GObject)

/* Opens the hunspell dictionary for @language ("en_GB") from
 * $COUNTERSIGN_DICTIONARY_DIR, the configured directory or the usual
 * system ones. Loading takes tens of milliseconds: do it off the main thread. */
CsSpelling  *cs_spelling_new          (const char  *language,
                                       GError     **error);
const char  *cs_spelling_get_language (CsSpelling  *self);

/* Both are safe to call from any thread. */
gboolean     cs_spelling_check_word   (CsSpelling  *self,
                                       const char  *word,
                                       gssize       len);
char       **cs_spelling_suggest      (CsSpelling  *self,
                                       const char  *word);

/* Words accepted for this session only: roster names, the school's name. */
void         cs_spelling_add_word     (CsSpelling  *self,
                                       const char  *word);

/* TRUE if the dictionary knows @word written in lower case: "hope", "may".
 * That is what makes a pupil's name also an ordinary word. */
gboolean     cs_spelling_is_common_word (CsSpelling *self,
                                         const char *word);

G_END_DECLS
