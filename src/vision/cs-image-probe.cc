/* cs-image-probe.cc: what a photo file is, read from its bytes before decoding
 *
 * Copyright 2026 The Countersign authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every read here is bounds-checked against the buffer; the input is whatever
 * a parent chose to attach, and the fuzz target drives this code hardest.
 */

#include "cs-image-probe.h"

#include <cstring>

#include <zlib.h>

/* A progressive JPEG has about ten scans. Thousands of tiny scans make
 * libjpeg pass over the whole coefficient buffer thousands of times, a known
 * way to make a small file take minutes; nothing real comes near this. */
#define MAX_JPEG_SCANS 256

static inline guint32
read_be16 (const guint8 *p)
{
  return ((guint32) p[0] << 8) | p[1];
}

static inline guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static inline guint32
read_le16 (const guint8 *p)
{
  return ((guint32) p[1] << 8) | p[0];
}

static inline guint32
read_le24 (const guint8 *p)
{
  return ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
}

static inline guint32
read_le32 (const guint8 *p)
{
  return ((guint32) p[3] << 24) | ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
}

static inline bool
has_prefix (const guint8 *data,
            gsize         len,
            const void   *prefix,
            gsize         prefix_len)
{
  return len >= prefix_len && memcmp (data, prefix, prefix_len) == 0;
}

/* Text that someone renamed (or a web page saved with an image's name)
 * should be called text in the error, which office staff will recognise. */
static bool
looks_like_text (const guint8 *data,
                 gsize         len)
{
  gsize n = MIN (len, (gsize) 4096);
  const char *end = NULL;

  if (!g_utf8_validate_len ((const char *) data, n, &end))
    {
      /* Only a character cut in two by the 4 KiB window is forgiven. */
      if (n < len && (gsize) (end - (const char *) data) + 4 > n)
        n = end - (const char *) data;
      else
        return false;
    }

  for (gsize i = 0; i < n; i++)
    {
      guint8 c = data[i];

      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')
        return false;
    }

  return n > 0;
}

/* ISO base media files (HEIF, AVIF, MP4, MOV, Canon CR3) all open with an
 * ftyp box naming brands; which family a brand belongs to decides the kind. */
static CsImageKind
sniff_ftyp (const guint8 *data,
            gsize         len)
{
  static const char heic_brands[][5] = {
    "heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs",
  };
  static const char avif_brands[][5] = { "avif", "avis" };
  guint32 box_size = read_be32 (data);
  gsize end = MIN ((gsize) box_size, len);
  bool heic = false, avif = false, generic = false;

  if (end < 16)
    end = 16;

  for (gsize pos = 8; pos + 4 <= end; pos += 4)
    {
      const guint8 *brand = data + pos;

      /* Bytes 12-15 are the minor version, not a brand. */
      if (pos == 12)
        continue;

      for (const char *b : heic_brands)
        if (memcmp (brand, b, 4) == 0)
          heic = true;
      for (const char *b : avif_brands)
        if (memcmp (brand, b, 4) == 0)
          avif = true;
      if (memcmp (brand, "mif1", 4) == 0 || memcmp (brand, "msf1", 4) == 0)
        generic = true;
      if (pos == 8 && memcmp (brand, "crx ", 4) == 0)
        return CsImageKind::TIFF;
    }

  /* The major brand wins when the file claims both families. */
  for (const char *b : avif_brands)
    if (memcmp (data + 8, b, 4) == 0)
      return CsImageKind::AVIF;
  if (heic)
    return CsImageKind::HEIC;
  if (avif)
    return CsImageKind::AVIF;
  if (generic)
    return CsImageKind::HEIC;

  return CsImageKind::VIDEO;
}

CsImageKind
cs_image_sniff (const guint8 *data,
                gsize         len)
{
  if (len == 0)
    return CsImageKind::EMPTY;

  if (has_prefix (data, len, "\xFF\xD8\xFF", 3))
    return CsImageKind::JPEG;
  if (has_prefix (data, len, "\x89PNG\r\n\x1A\n", 8))
    return CsImageKind::PNG;
  /* A WebP cut off inside its first twelve bytes is still a WebP (an
   * incomplete one), not some other RIFF file. */
  if (len >= 8 && memcmp (data, "RIFF", 4) == 0 &&
      memcmp (data + 8, "WEBP", MIN (len - 8, (gsize) 4)) == 0)
    return CsImageKind::WEBP;
  if (len >= 16 && memcmp (data + 4, "ftyp", 4) == 0)
    return sniff_ftyp (data, len);

  if (has_prefix (data, len, "GIF87a", 6) || has_prefix (data, len, "GIF89a", 6))
    return CsImageKind::GIF;
  if (has_prefix (data, len, "II*\0", 4) || has_prefix (data, len, "MM\0*", 4) ||
      has_prefix (data, len, "IIRO", 4) || has_prefix (data, len, "IIRS", 4) ||
      has_prefix (data, len, "IIU\0", 4))
    return CsImageKind::TIFF;
  if (has_prefix (data, len, "%PDF-", 5))
    return CsImageKind::PDF;
  if (has_prefix (data, len, "\xFF\x0A", 2) ||
      has_prefix (data, len, "\0\0\0\x0CJXL \r\n\x87\n", 12))
    return CsImageKind::JPEG_XL;
  if (has_prefix (data, len, "\0\0\0\x0CjP  \r\n\x87\n", 12) ||
      has_prefix (data, len, "\xFF\x4F\xFF\x51", 4))
    return CsImageKind::JPEG_2000;
  if (has_prefix (data, len, "8BPS", 4))
    return CsImageKind::PSD;
  if (has_prefix (data, len, "PK\x03\x04", 4) || has_prefix (data, len, "\xD0\xCF\x11\xE0", 4) ||
      has_prefix (data, len, "\x1F\x8B", 2) || has_prefix (data, len, "7z\xBC\xAF", 4) ||
      has_prefix (data, len, "Rar!", 4))
    return CsImageKind::ARCHIVE;
  if (len >= 4 && memcmp (data, "RIFF", 4) == 0)
    return CsImageKind::VIDEO;

  /* "BM" alone is two letters a text file could start with; the size of
   * the header that follows it is what gives a real BMP away. */
  if (len >= 18 && data[0] == 'B' && data[1] == 'M')
    {
      guint32 header = read_le32 (data + 14);

      if (header == 12 || header == 40 || header == 52 || header == 56 ||
          header == 64 || header == 108 || header == 124)
        return CsImageKind::BMP;
    }

  if (looks_like_text (data, len))
    return CsImageKind::TEXT;

  return CsImageKind::UNKNOWN;
}

/* EXIF is a little TIFF file: a byte-order mark, then IFD0, whose entries
 * are twelve bytes each. Orientation is tag 0x0112, a SHORT. Anything
 * malformed means "no orientation", never a refusal. */
int
cs_image_exif_orientation (const guint8 *tiff,
                           gsize         len)
{
  bool big_endian;
  guint32 ifd, count;

  if (len >= 6 && memcmp (tiff, "Exif\0\0", 6) == 0)
    {
      /* WebP's EXIF chunk should hold bare TIFF but some writers keep the
       * JPEG-style prefix. */
      tiff += 6;
      len -= 6;
    }

  if (len < 8)
    return 1;

  if (memcmp (tiff, "II*\0", 4) == 0)
    big_endian = false;
  else if (memcmp (tiff, "MM\0*", 4) == 0)
    big_endian = true;
  else
    return 1;

  auto u16 = [&] (gsize at) { return big_endian ? read_be16 (tiff + at) : read_le16 (tiff + at); };
  auto u32 = [&] (gsize at) { return big_endian ? read_be32 (tiff + at) : read_le32 (tiff + at); };

  ifd = u32 (4);
  if (ifd < 8 || ifd > len - 2)
    return 1;

  count = u16 (ifd);
  for (guint32 i = 0; i < count; i++)
    {
      gsize entry = (gsize) ifd + 2 + (gsize) i * 12;
      guint32 type, value;

      if (entry + 12 > len)
        break;
      if (u16 (entry) != 0x0112)
        continue;

      type = u16 (entry + 2);
      if (u32 (entry + 4) != 1)
        return 1;
      if (type == 3)        /* SHORT, as the standard says */
        value = u16 (entry + 8);
      else if (type == 4)   /* LONG, which a few writers use */
        value = u32 (entry + 8);
      else
        return 1;

      return value >= 1 && value <= 8 ? (int) value : 1;
    }

  return 1;
}

/* JPEG
 * ====
 *
 * Markers are walked from SOI to EOI, and the entropy-coded data after each
 * SOS is scanned for the marker that ends it. A file copied only in part
 * runs out before EOI, which libjpeg would paper over with grey.
 */

struct IccChunks
{
  std::vector<guint8> seen;           /* by sequence number, 1-based */
  std::vector<std::vector<guint8>> parts;
  gsize total = 0;
  bool broken = false;
};

static void
add_icc_chunk (IccChunks    *chunks,
               const guint8 *payload,
               gsize         len)
{
  /* "ICC_PROFILE\0", sequence number, count, then the piece. */
  guint seq, count;

  if (len < 14 || chunks->broken)
    return;

  seq = payload[12];
  count = payload[13];
  if (seq == 0 || count == 0 || seq > count ||
      (!chunks->parts.empty () && chunks->parts.size () != count) ||
      chunks->total + (len - 14) > CS_IMAGE_MAX_ICC_BYTES)
    {
      chunks->broken = true;
      return;
    }

  if (chunks->parts.empty ())
    {
      chunks->parts.resize (count);
      chunks->seen.assign (count, 0);
    }
  if (chunks->seen[seq - 1])
    {
      chunks->broken = true;
      return;
    }

  chunks->seen[seq - 1] = 1;
  chunks->parts[seq - 1].assign (payload + 14, payload + len);
  chunks->total += len - 14;
}

static void
finish_icc_chunks (IccChunks    *chunks,
                   CsImageProbe *probe)
{
  if (chunks->broken || chunks->parts.empty ())
    return;

  for (guint8 seen : chunks->seen)
    if (!seen)
      return;

  probe->icc.reserve (chunks->total);
  for (const auto &part : chunks->parts)
    probe->icc.insert (probe->icc.end (), part.begin (), part.end ());
}

static void
probe_jpeg (const guint8 *data,
            gsize         len,
            CsImageProbe *probe)
{
  IccChunks icc;
  bool seen_sof = false, seen_exif = false;
  guint n_scans = 0;
  gsize pos = 2;

  for (;;)
    {
      guint8 marker;

      /* Anything but 0xFF between segments is junk libjpeg skips with a
       * warning; fill bytes (more 0xFF) are legal. */
      while (pos < len && data[pos] != 0xFF)
        pos++;
      while (pos < len && data[pos] == 0xFF)
        pos++;
      if (pos >= len)
        {
          probe->problem = CsImageProblem::TRUNCATED;
          return;
        }

      marker = data[pos++];

      if (marker == 0xD9)   /* EOI */
        {
          if (n_scans == 0)
            probe->problem = CsImageProblem::DAMAGED;
          break;
        }
      if (marker == 0xD8 || marker == 0x00)
        {
          probe->problem = CsImageProblem::DAMAGED;
          return;
        }
      if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01)
        continue;   /* standalone markers carry no length */

      if (pos + 2 > len)
        {
          probe->problem = CsImageProblem::TRUNCATED;
          return;
        }

      guint32 seg_len = read_be16 (data + pos);
      if (seg_len < 2)
        {
          probe->problem = CsImageProblem::DAMAGED;
          return;
        }
      if (pos + seg_len > len)
        {
          probe->problem = CsImageProblem::TRUNCATED;
          return;
        }

      const guint8 *payload = data + pos + 2;
      gsize payload_len = seg_len - 2;

      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
        {
          /* SOFn: precision, height, width, components. */
          if (seen_sof || payload_len < 6)
            {
              probe->problem = CsImageProblem::DAMAGED;
              return;
            }
          seen_sof = true;
          probe->height = read_be16 (payload + 1);
          probe->width = read_be16 (payload + 3);
          if (probe->width == 0)
            {
              probe->problem = CsImageProblem::DAMAGED;
              return;
            }
          /* Lossless and hierarchical JPEG, and a height deferred to a DNL
           * marker, are things libjpeg-turbo 2.1 does not decode. */
          if (probe->height == 0 || marker == 0xC3 || marker == 0xC5 || marker == 0xC6 ||
              marker == 0xC7 || marker == 0xCB || marker == 0xCD || marker == 0xCE || marker == 0xCF)
            probe->problem = CsImageProblem::UNSUPPORTED;
        }
      else if (marker == 0xE1 && !seen_exif && payload_len >= 6 &&
               memcmp (payload, "Exif\0\0", 6) == 0)
        {
          seen_exif = true;
          probe->orientation = cs_image_exif_orientation (payload + 6, payload_len - 6);
        }
      else if (marker == 0xE2 && payload_len >= 12 && memcmp (payload, "ICC_PROFILE\0", 12) == 0)
        {
          add_icc_chunk (&icc, payload, payload_len);
        }

      pos += seg_len;

      if (marker != 0xDA)   /* SOS */
        continue;

      if (!seen_sof || ++n_scans > MAX_JPEG_SCANS)
        {
          probe->problem = CsImageProblem::DAMAGED;
          return;
        }

      /* Entropy-coded data: 0xFF is followed by 0x00 (a stuffed byte), a
       * restart marker, or the marker that ends the scan. */
      for (;;)
        {
          const guint8 *ff = (const guint8 *) memchr (data + pos, 0xFF, len - pos);

          if (ff == NULL || ff + 1 >= data + len)
            {
              probe->problem = CsImageProblem::TRUNCATED;
              return;
            }

          pos = ff - data;
          guint8 next = data[pos + 1];
          if (next == 0x00 || (next >= 0xD0 && next <= 0xD7))
            pos += 2;
          else if (next == 0xFF)
            pos += 1;
          else
            break;
        }
    }

  if (!seen_sof)
    probe->problem = CsImageProblem::DAMAGED;

  finish_icc_chunks (&icc, probe);
}

/* PNG
 * ===
 *
 * Chunks are walked from the signature to IEND, checking each CRC as libpng
 * would: a bad critical chunk is damage, a bad ancillary chunk is ignored.
 */

static void
inflate_icc (const guint8 *data,
             gsize         len,
             CsImageProbe *probe)
{
  z_stream stream;
  std::vector<guint8> out (64 * 1024);
  int status;

  memset (&stream, 0, sizeof stream);
  if (inflateInit (&stream) != Z_OK)
    return;

  stream.next_in = (Bytef *) data;
  stream.avail_in = (uInt) len;

  do
    {
      if (stream.total_out == out.size ())
        {
          if (out.size () >= CS_IMAGE_MAX_ICC_BYTES)
            break;
          out.resize (MIN (out.size () * 2, (gsize) CS_IMAGE_MAX_ICC_BYTES));
        }
      stream.next_out = out.data () + stream.total_out;
      stream.avail_out = (uInt) (out.size () - stream.total_out);
      status = inflate (&stream, Z_NO_FLUSH);
    }
  while (status == Z_OK);

  if (status == Z_STREAM_END)
    {
      out.resize (stream.total_out);
      probe->icc = std::move (out);
    }

  inflateEnd (&stream);
}

static void
probe_png (const guint8 *data,
           gsize         len,
           CsImageProbe *probe)
{
  gsize pos = 8;
  bool seen_ihdr = false, seen_idat = false;

  for (;;)
    {
      if (pos + 8 > len)
        {
          probe->problem = CsImageProblem::TRUNCATED;
          return;
        }

      guint32 chunk_len = read_be32 (data + pos);
      const guint8 *type = data + pos + 4;
      const guint8 *payload = data + pos + 8;

      if (chunk_len > 0x7FFFFFFFu)
        {
          probe->problem = CsImageProblem::DAMAGED;
          return;
        }
      if (len - pos - 8 < (gsize) chunk_len + 4)
        {
          probe->problem = CsImageProblem::TRUNCATED;
          return;
        }

      bool critical = (type[0] & 0x20) == 0;
      guint32 crc = read_be32 (payload + chunk_len);
      bool crc_ok = crc32 (crc32 (0, NULL, 0), type, chunk_len + 4) == crc;

      if (!crc_ok && critical)
        {
          probe->problem = CsImageProblem::DAMAGED;
          return;
        }

      if (!seen_ihdr)
        {
          if (memcmp (type, "IHDR", 4) != 0 || chunk_len != 13)
            {
              probe->problem = CsImageProblem::DAMAGED;
              return;
            }
          seen_ihdr = true;
          probe->width = read_be32 (payload);
          probe->height = read_be32 (payload + 4);
          if (probe->width == 0 || probe->height == 0 ||
              probe->width > 0x7FFFFFFFu || probe->height > 0x7FFFFFFFu)
            {
              probe->problem = CsImageProblem::DAMAGED;
              return;
            }
        }
      else if (memcmp (type, "IDAT", 4) == 0)
        {
          seen_idat = true;
        }
      else if (memcmp (type, "IEND", 4) == 0)
        {
          if (!seen_idat)
            probe->problem = CsImageProblem::DAMAGED;
          return;
        }
      else if (crc_ok && memcmp (type, "eXIf", 4) == 0)
        {
          probe->orientation = cs_image_exif_orientation (payload, chunk_len);
        }
      else if (crc_ok && memcmp (type, "iCCP", 4) == 0 && probe->icc.empty ())
        {
          /* A profile name of 1-79 bytes, NUL, compression method 0, zlib. */
          const guint8 *nul = (const guint8 *) memchr (payload, 0, MIN (chunk_len, 80u));

          if (nul != NULL && nul + 2 <= payload + chunk_len && nul[1] == 0)
            inflate_icc (nul + 2, payload + chunk_len - (nul + 2), probe);
        }

      pos += 12 + (gsize) chunk_len;
    }
}

/* WebP
 * ====
 *
 * A RIFF file of chunks. The size in the RIFF header says where the file
 * should end; a shorter file was cut off. The simple formats hold one VP8
 * (lossy) or VP8L (lossless) chunk; the extended one starts with VP8X.
 */

static bool
vp8_size (const guint8 *payload,
          gsize         len,
          guint32      *width,
          guint32      *height)
{
  /* A three-byte frame tag (bit 0 clear on a key frame), the start code
   * 9d 01 2a, then 14-bit width and height with two bits of scaling each. */
  if (len < 10 || (payload[0] & 1) != 0 || memcmp (payload + 3, "\x9D\x01\x2A", 3) != 0)
    return false;

  *width = read_le16 (payload + 6) & 0x3FFF;
  *height = read_le16 (payload + 8) & 0x3FFF;
  return *width > 0 && *height > 0;
}

static bool
vp8l_size (const guint8 *payload,
           gsize         len,
           guint32      *width,
           guint32      *height)
{
  guint32 bits;

  /* The signature 0x2f, then width-1 and height-1 in 14 bits each. */
  if (len < 5 || payload[0] != 0x2F)
    return false;

  bits = read_le32 (payload + 1);
  *width = (bits & 0x3FFF) + 1;
  *height = ((bits >> 14) & 0x3FFF) + 1;
  return true;
}

static void
probe_webp (const guint8 *data,
            gsize         len,
            CsImageProbe *probe)
{
  guint32 riff_size = read_le32 (data + 4);
  gsize end, pos = 12;
  bool extended = false, seen_bitstream = false;

  if (len < 12)
    {
      probe->problem = CsImageProblem::TRUNCATED;
      return;
    }

  if (riff_size < 4 || riff_size > G_MAXUINT32 - 8)
    {
      probe->problem = CsImageProblem::DAMAGED;
      return;
    }
  if ((gsize) riff_size + 8 > len)
    {
      probe->problem = CsImageProblem::TRUNCATED;
      return;
    }
  end = (gsize) riff_size + 8;

  while (pos < end)
    {
      if (end - pos < 8)
        {
          probe->problem = CsImageProblem::DAMAGED;
          return;
        }

      const guint8 *fourcc = data + pos;
      guint32 chunk_len = read_le32 (data + pos + 4);
      const guint8 *payload = data + pos + 8;

      if (chunk_len > end - pos - 8)
        {
          probe->problem = CsImageProblem::TRUNCATED;
          return;
        }

      if (pos == 12 && memcmp (fourcc, "VP8X", 4) == 0)
        {
          if (chunk_len < 10)
            {
              probe->problem = CsImageProblem::DAMAGED;
              return;
            }
          extended = true;
          probe->width = read_le24 (payload + 4) + 1;
          probe->height = read_le24 (payload + 7) + 1;
          if (payload[0] & 0x02)
            probe->problem = CsImageProblem::ANIMATED;
        }
      else if (memcmp (fourcc, "VP8 ", 4) == 0 || memcmp (fourcc, "VP8L", 4) == 0)
        {
          guint32 w = 0, h = 0;
          bool ok = fourcc[3] == ' ' ? vp8_size (payload, chunk_len, &w, &h)
                                     : vp8l_size (payload, chunk_len, &w, &h);

          if (!ok || seen_bitstream || (pos != 12 && !extended))
            {
              probe->problem = CsImageProblem::DAMAGED;
              return;
            }
          seen_bitstream = true;

          /* The canvas of an extended file must match the bitstream; the
           * larger of the two is what a decoder might allocate. */
          if (extended && (w != probe->width || h != probe->height))
            {
              probe->problem = CsImageProblem::DAMAGED;
              return;
            }
          probe->width = w;
          probe->height = h;
        }
      else if (memcmp (fourcc, "ANIM", 4) == 0 || memcmp (fourcc, "ANMF", 4) == 0)
        {
          probe->problem = CsImageProblem::ANIMATED;
        }
      else if (extended && memcmp (fourcc, "EXIF", 4) == 0)
        {
          probe->orientation = cs_image_exif_orientation (payload, chunk_len);
        }
      else if (extended && memcmp (fourcc, "ICCP", 4) == 0 && chunk_len <= CS_IMAGE_MAX_ICC_BYTES)
        {
          probe->icc.assign (payload, payload + chunk_len);
        }
      else if (pos == 12)
        {
          probe->problem = CsImageProblem::DAMAGED;
          return;
        }

      /* Chunks are padded to an even length; the pad may be missing only
       * after the last one. */
      pos += 8 + (gsize) chunk_len + (chunk_len & 1);
    }

  if (!seen_bitstream && probe->problem == CsImageProblem::NONE)
    probe->problem = CsImageProblem::DAMAGED;
}

/* HEIF
 * ====
 *
 * libheif reads the boxes; here only the top-level box sizes are checked so
 * that a file cut short is reported as that rather than as "damaged".
 */

static void
probe_heif (const guint8 *data,
            gsize         len,
            CsImageProbe *probe)
{
  gsize pos = 0;

  while (pos < len)
    {
      guint64 size;
      gsize header = 8;

      if (len - pos < 8)
        {
          probe->problem = CsImageProblem::TRUNCATED;
          return;
        }

      size = read_be32 (data + pos);
      if (size == 1)
        {
          if (len - pos < 16)
            {
              probe->problem = CsImageProblem::TRUNCATED;
              return;
            }
          size = ((guint64) read_be32 (data + pos + 8) << 32) | read_be32 (data + pos + 12);
          header = 16;
        }
      else if (size == 0)
        {
          size = len - pos;   /* the last box runs to the end of the file */
        }

      if (size < header)
        {
          probe->problem = CsImageProblem::DAMAGED;
          return;
        }
      if (size > len - pos)
        {
          probe->problem = CsImageProblem::TRUNCATED;
          return;
        }

      pos += size;
    }
}

void
cs_image_probe (const guint8 *data,
                gsize         len,
                CsImageProbe *probe)
{
  *probe = CsImageProbe ();
  probe->kind = cs_image_sniff (data, len);

  switch (probe->kind)
    {
    case CsImageKind::JPEG:
      probe_jpeg (data, len, probe);
      break;

    case CsImageKind::PNG:
      probe_png (data, len, probe);
      break;

    case CsImageKind::WEBP:
      probe_webp (data, len, probe);
      break;

    case CsImageKind::HEIC:
      probe_heif (data, len, probe);
      break;

    default:
      break;
    }
}
