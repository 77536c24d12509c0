#!/usr/bin/env python3
# make-fixtures.py: writes the small photos tests/test-image.c loads
#
# Copyright 2026 The Countersign authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run from anywhere: python3 tests/data/photos/make-fixtures.py
# Needs python3-opencv, python3-numpy, a C compiler, libheif-dev and
# liblcms2-dev (for make-heic.c). The outputs are committed, so neither CI
# nor the tests run this; it is here so that every fixture can be remade and
# every byte in them explained.
#
# Almost every photo is "corners": 64 × 48, white, with a 16-pixel square
# in each corner: red top left, green top right, blue bottom left, black
# bottom right. Loaded correctly, each file must show exactly that. Files
# with an orientation store the pixels turned the other way, so only a
# loader that applies the orientation (once) gets the picture right.

import os
import struct
import subprocess
import sys
import tempfile
import zlib

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
W, H = 64, 48

# The colour the Display P3 photos are filled with, in P3 RGB. In sRGB it is
# about (217, 42, 39); test-image.c checks for that.
P3_COLOUR = (200, 60, 50)


def corners_rgba():
    a = np.full((H, W, 4), 255, np.uint8)
    a[0:16, 0:16, :3] = (255, 0, 0)
    a[0:16, W - 16:W, :3] = (0, 255, 0)
    a[H - 16:H, 0:16, :3] = (0, 0, 255)
    a[H - 16:H, W - 16:W, :3] = (0, 0, 0)
    return a


def apply_orientation(a, o):
    """What a viewer shows for pixels stored as @a with EXIF orientation @o."""
    return {
        1: lambda: a,
        2: lambda: a[:, ::-1],
        3: lambda: a[::-1, ::-1],
        4: lambda: a[::-1],
        5: lambda: a.transpose(1, 0, 2),
        6: lambda: np.rot90(a, -1),
        7: lambda: np.rot90(a, -1)[::-1],
        8: lambda: np.rot90(a, 1),
    }[o]().copy()


def stored_for(a, o):
    """The pixels to store so that orientation @o displays @a."""
    inverse = {6: 8, 8: 6}.get(o, o)
    return apply_orientation(a, inverse)


def exif_orientation(o):
    # Little-endian TIFF: header, IFD0 at 8 with one entry, no next IFD.
    return (b'II*\x00' + struct.pack('<I', 8) + struct.pack('<H', 1) +
            struct.pack('<HHIHH', 0x0112, 3, 1, o, 0) + struct.pack('<I', 0))


def write(name, data):
    with open(os.path.join(HERE, name), 'wb') as f:
        f.write(data)
    print(f'{name}: {len(data)} bytes')


# PNG, written by hand so that every colour type and chunk is ours to choose.

def png_chunk(kind, payload):
    body = kind + payload
    return struct.pack('>I', len(payload)) + body + struct.pack('>I', zlib.crc32(body))


def png(pixels, colour_type, bit_depth=8, extra=b'', palette=None, trns=None):
    h, w = pixels.shape[:2]
    rows = b''
    for y in range(h):
        row = pixels[y]
        if bit_depth == 16:
            row = row.astype('>u2')
        rows += b'\x00' + row.tobytes()
    out = b'\x89PNG\r\n\x1a\n'
    out += png_chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, bit_depth, colour_type, 0, 0, 0))
    out += extra
    if palette is not None:
        out += png_chunk(b'PLTE', bytes(c for rgb in palette for c in rgb))
    if trns is not None:
        out += png_chunk(b'tRNS', bytes(trns))
    out += png_chunk(b'IDAT', zlib.compress(rows, 9))
    out += png_chunk(b'IEND', b'')
    return out


# WebP: OpenCV writes the simple formats; the extended one (VP8X, with EXIF
# or ICC chunks) is assembled here around OpenCV's bitstream.

def riff_chunk(fourcc, payload):
    pad = b'\x00' if len(payload) % 2 else b''
    return fourcc + struct.pack('<I', len(payload)) + payload + pad


def webp_bitstream(rgba, lossless=True):
    params = [cv2.IMWRITE_WEBP_QUALITY, 101 if lossless else 90]
    ok, buf = cv2.imencode('.webp', cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGRA), params)
    assert ok
    data = buf.tobytes()
    assert data[12:15] == b'VP8', data[12:16]
    size = struct.unpack('<I', data[16:20])[0]
    return data[12:16], data[20:20 + size]


def webp_extended(rgba, exif=None, icc=None):
    h, w = rgba.shape[:2]
    fourcc, bitstream = webp_bitstream(rgba)
    flags = (0x20 if icc else 0) | (0x08 if exif else 0)
    body = riff_chunk(b'VP8X', struct.pack('<I', flags) +
                      struct.pack('<I', w - 1)[:3] + struct.pack('<I', h - 1)[:3])
    if icc:
        body += riff_chunk(b'ICCP', icc)
    body += riff_chunk(fourcc, bitstream)
    if exif:
        body += riff_chunk(b'EXIF', exif)
    return b'RIFF' + struct.pack('<I', 4 + len(body)) + b'WEBP' + body


def webp_simple(rgba, lossless=True):
    fourcc, bitstream = webp_bitstream(rgba, lossless)
    body = riff_chunk(fourcc, bitstream)
    return b'RIFF' + struct.pack('<I', 4 + len(body)) + b'WEBP' + body


# JPEG: OpenCV encodes; segments are spliced in after SOI.

def jpeg(rgb, progressive=False, segments=b''):
    params = [cv2.IMWRITE_JPEG_QUALITY, 95, cv2.IMWRITE_JPEG_PROGRESSIVE, int(progressive)]
    ok, buf = cv2.imencode('.jpg', cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), params)
    assert ok
    data = buf.tobytes()
    return data[:2] + segments + data[2:]


def jpeg_segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack('>H', len(payload) + 2) + payload


def main():
    corners = corners_rgba()
    rgb = corners[:, :, :3]

    with tempfile.TemporaryDirectory() as tmp:
        helper = os.path.join(tmp, 'make-heic')
        flags = subprocess.check_output(
            ['pkg-config', '--cflags', '--libs', 'libheif', 'lcms2', 'glib-2.0'], text=True).split()
        subprocess.check_call(['cc', '-O1', '-o', helper, os.path.join(HERE, 'make-heic.c')] + flags)

        icc_path = os.path.join(tmp, 'p3.icc')
        subprocess.check_call([helper, 'icc', icc_path])
        with open(icc_path, 'rb') as f:
            icc = f.read()

        p3 = np.zeros((H, W, 4), np.uint8)
        p3[:, :] = P3_COLOUR + (255,)

        def heic(name, rgba, *options):
            raw = os.path.join(tmp, 'in.rgba')
            with open(raw, 'wb') as f:
                f.write(np.ascontiguousarray(rgba).tobytes())
            h, w = rgba.shape[:2]
            out = os.path.join(HERE, name)
            subprocess.check_call([helper, 'heic', raw, str(w), str(h), out] + list(options))
            print(f'{name}: {os.path.getsize(out)} bytes')

        heic('corners.heic', corners)
        # As an iPhone writes a photo taken sideways: the sensor's pixels,
        # irot saying how to turn them, and EXIF repeating it.
        heic('corners-irot6.heic', stored_for(corners, 6), 'orientation=6', 'exif-orientation=6')
        # irot and imir together.
        heic('corners-irot7.heic', stored_for(corners, 7), 'orientation=7')
        # EXIF claims a rotation the HEIF boxes do not: it must be ignored.
        heic('corners-exif6.heic', corners, 'exif-orientation=6')
        alpha = corners.copy()
        alpha[0:16, 0:16, 3] = 0
        heic('corners-alpha.heic', alpha, 'alpha')
        heic('p3.heic', p3, 'icc=' + icc_path)
        heic('p3-nclx.heic', p3, 'nclx-p3')

    # PNG in each colour type.
    write('corners.png', png(rgb, 2))
    grey = np.full((H, W), 255, np.uint8)
    grey[0:16, 0:16] = 0
    grey[0:16, W - 16:W] = 85
    grey[H - 16:H, 0:16] = 170
    grey[H - 16:H, W - 16:W] = 40
    write('corners-grey.png', png(grey, 0))
    write('corners-16bit.png', png(rgb.astype(np.uint16) * 257, 2, bit_depth=16))
    rgba = corners.copy()
    rgba[0:16, 0:16, 3] = 0          # top left fully transparent: white
    rgba[0:16, W - 16:W, 3] = 128    # top right half green over white
    write('corners-alpha.png', png(rgba, 6))
    grey_alpha = np.dstack([grey, np.full((H, W), 255, np.uint8)])
    grey_alpha[H - 16:H, W - 16:W, 1] = 0   # bottom right transparent: white
    write('corners-grey-alpha.png', png(grey_alpha, 4))
    palette = [(255, 255, 255), (255, 0, 0), (0, 255, 0), (0, 0, 255), (0, 0, 0)]
    index = np.zeros((H, W), np.uint8)
    index[0:16, 0:16] = 1
    index[0:16, W - 16:W] = 2
    index[H - 16:H, 0:16] = 3
    index[H - 16:H, W - 16:W] = 4
    # Palette entry 4 (black, bottom right) is transparent: white.
    write('corners-palette.png', png(index, 3, palette=palette, trns=[255, 255, 255, 255, 0]))
    write('corners-exif6.png', png(stored_for(rgb, 6), 2, extra=png_chunk(b'eXIf', exif_orientation(6))))
    iccp = b'Display P3\x00\x00' + zlib.compress(icc)
    write('p3.png', png(p3[:, :, :3], 2, extra=png_chunk(b'iCCP', iccp)))

    # WebP: lossless, lossy, alpha, EXIF orientation, ICC.
    write('corners.webp', webp_simple(corners))
    write('corners-lossy.webp', webp_simple(corners, lossless=False))
    write('corners-alpha.webp', webp_simple(alpha))
    write('corners-exif8.webp', webp_extended(stored_for(corners, 8), exif=exif_orientation(8)))
    write('p3.webp', webp_extended(p3, icc=icc))

    # JPEG: an orientation, progressive coding, and a profile split in two
    # APP2 pieces as large profiles are.
    app1 = jpeg_segment(0xE1, b'Exif\x00\x00' + exif_orientation(3))
    write('corners-exif3.jpg', jpeg(stored_for(rgb, 3), segments=app1))
    write('corners-progressive.jpg', jpeg(rgb, progressive=True))
    half = len(icc) // 2
    app2 = (jpeg_segment(0xE2, b'ICC_PROFILE\x00\x01\x02' + icc[:half]) +
            jpeg_segment(0xE2, b'ICC_PROFILE\x00\x02\x02' + icc[half:]))
    write('p3.jpg', jpeg(p3[:, :, :3], segments=app2))


if __name__ == '__main__':
    sys.exit(main())
