/* cs-text-reader.h: reads the words in a photo with tesseract
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-image.h"

G_BEGIN_DECLS

typedef struct
{
  char   *text;        /* UTF-8, as read */
  CsRect  rect;        /* in upright image pixels */
  double  confidence;  /* 0..1 */
  guint   line;        /* words of one text line share this number */
} CsTextWord;

void cs_text_word_free (CsTextWord *word);

typedef struct _CsTextReader CsTextReader;

/* @data_dir NULL uses tesseract's own tessdata; English is loaded. */
CsTextReader *cs_text_reader_new  (const char     *data_dir,
                                   GError        **error);
void          cs_text_reader_free (CsTextReader   *self);

/* All words found in @image in reading order, as CsTextWord, including small
 * or slanted text such as a name on a certificate held up in a photo.
 * Safe to call from several threads at once. */
GPtrArray    *cs_text_reader_read (CsTextReader   *self,
                                   const CsImage  *image,
                                   GCancellable   *cancellable,
                                   GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsTextWord, cs_text_word_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsTextReader, cs_text_reader_free)

G_END_DECLS
