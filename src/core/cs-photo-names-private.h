/* cs-photo-names-private.h: which words read in a photo must be hidden
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cs-photo-region.h"
#include "cs-text-reader.h"

G_BEGIN_DECLS

/* Text regions (CsPhotoRegion, kind CS_REGION_TEXT) for @words (CsTextWord,
 * from cs_text_reader_read()): each word or run of words that matches a
 * name of a person in @people (CsPerson; may be NULL), allowing the slips
 * OCR makes (one edit, case, accents), and, on a certificate ("certificate",
 * "awarded to", "presented to", "well done"), the name line even when the
 * name is not in the roster. Regions carry the text read and the reason. */
GPtrArray *cs_photo_find_names (GPtrArray *words,
                                GPtrArray *people);

G_END_DECLS
