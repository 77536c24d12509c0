/* cs-image-probe.h: what a photo file is, read from its bytes before decoding
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The decoders are only trusted with files this probe has walked from end to
 * end: it names the format from the bytes (never the file name), reads the
 * dimensions from the header so that a decompression bomb is refused before
 * any pixel memory is allocated, and notices a file that stops short. It
 * also picks out the two pieces of metadata the loader needs, the EXIF
 * orientation and the ICC profile. Private to the vision library; C++.
 */

#pragma once

#include <glib.h>

#include <cstddef>
#include <cstdint>
#include <vector>

/* Everything the sniffer can tell apart. Only the first four are decoded;
 * the rest are named so that the error message can say what the file is. */
enum class CsImageKind
{
  UNKNOWN,
  JPEG,
  PNG,
  WEBP,
  HEIC,
  EMPTY,
  TEXT,
  AVIF,
  GIF,
  BMP,
  TIFF,
  PDF,
  JPEG_XL,
  JPEG_2000,
  PSD,
  VIDEO,
  ARCHIVE,
};

enum class CsImageProblem
{
  NONE,
  TRUNCATED,      /* the file ends before the picture does */
  DAMAGED,        /* its structure is broken */
  ANIMATED,       /* a moving picture we cannot reduce to one still */
  UNSUPPORTED,    /* a variant of the format the decoder cannot read */
};

struct CsImageProbe
{
  CsImageKind    kind = CsImageKind::UNKNOWN;
  CsImageProblem problem = CsImageProblem::NONE;
  /* From the header; both 0 for HEIC, whose size libheif reports. */
  guint32        width = 0;
  guint32        height = 0;
  /* From EXIF (JPEG APP1, PNG eXIf, WebP EXIF); 1 when there is none. */
  int            orientation = 1;
  /* The embedded ICC profile, reassembled from its pieces; empty if none. */
  std::vector<guint8> icc;
};

/* An ICC profile larger than this is ignored rather than reassembled or
 * inflated: real ones are a few kilobytes, and it bounds a zlib bomb. */
#define CS_IMAGE_MAX_ICC_BYTES (4u * 1024u * 1024u)

CsImageKind cs_image_sniff               (const guint8 *data,
                                          gsize         len);
void        cs_image_probe               (const guint8 *data,
                                          gsize         len,
                                          CsImageProbe *probe);
int         cs_image_exif_orientation    (const guint8 *tiff,
                                          gsize         len);
