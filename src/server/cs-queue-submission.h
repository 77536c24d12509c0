/* cs-queue-submission.h: reads and bounds a submitted post
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "cs-queue-store.h"

G_BEGIN_DECLS

#define CS_SUBMISSION_ERROR (cs_submission_error_quark ())

/* Each maps to the HTTP status the client gets. */
typedef enum
{
  CS_SUBMISSION_ERROR_MALFORMED = 400,  /* not JSON, not multipart, wrong types */
  CS_SUBMISSION_ERROR_TOO_LARGE = 413,  /* a part or a photo over its limit */
  CS_SUBMISSION_ERROR_INVALID = 422,    /* well formed, but not a post we accept */
} CsSubmissionError;

GQuark cs_submission_error_quark (void);

#define CS_SUBMISSION_MAX_PHOTOS      4
#define CS_SUBMISSION_MAX_PHOTO_BYTES (10u * 1024u * 1024u)
#define CS_SUBMISSION_MAX_TEXT_BYTES  (64u * 1024u)
#define CS_SUBMISSION_MAX_ALT_CHARS   1500
#define CS_SUBMISSION_MAX_TAGS        60
#define CS_SUBMISSION_MAX_JSON_DEPTH  16
#define CS_SUBMISSION_MAX_COMMENT     4000

/* Parses a JSON document of at most CS_SUBMISSION_MAX_JSON_DEPTH levels;
 * deeper nesting is refused before the parser sees it. @what names the
 * document in messages. */
JsonNode    *cs_submission_parse_json    (GBytes              *body,
                                          const char          *what,
                                          GError             **error);

/* A post from the body of POST /api/v1/posts: either application/json
 * {"text","platforms"} or multipart/form-data with a "post" part holding
 * {"text","platforms","photos":[{"alt","tags":[{"pupil","x","y","w","h"}]}]}
 * and a part "photo0".."photo3" (image/jpeg) for each photo. Errors name
 * the field at fault. */
CsQueuePost *cs_submission_parse         (SoupMessageHeaders  *headers,
                                          GBytes              *body,
                                          GError             **error);

/* The first metadata segment in a JPEG ("EXIF", "XMP", "IPTC", "ICC
 * profile", "comment" or another APPn), or NULL when it holds only the
 * picture. Also NULL for data that is not a JPEG at all. */
const char  *cs_submission_jpeg_metadata (GBytes              *jpeg);

G_END_DECLS
