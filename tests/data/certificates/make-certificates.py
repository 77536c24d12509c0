#!/usr/bin/env python3
# make-certificates.py: renders the certificate photos the text tests read
#
# Copyright 2026 The Countersign authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: make-certificates.py [--eval N] [OUTDIR]
#
# Draws school certificates with ImageMagick (`convert`, Debian's imagemagick
# package), warps each onto a noisy background as a phone photo would see it
# held up or pinned to a wall, and writes certificates.json beside them:
#   {"images":[{"file","width","height","names":[{"text","box","quad"}]}]}
# where box is the name's ink [x, y, w, h] in photo pixels after the warp and
# quad its four warped corners. All names are invented.
#
# Without --eval it writes the small fixed set the tests use (committed, so
# the tests do not need ImageMagick). With --eval N it writes N varied photos
# for measuring the reader: angles, perspective, small text, large photos,
# busy backgrounds with other words on them.

import json
import os
import random
import subprocess
import sys
import tempfile

CERT_W, CERT_H = 1600, 1130
NAME_TOP = 420

FIXTURES = [
    # file, photo size, name, font, ink, title, centre, width in photo,
    # rotation (degrees), perspective (left edge taller by this share), busy
    dict(file="cert-flat.jpg", size=(1400, 1050), name="Elowen Marchetti", font="C059-Bold-Italic",
         ink="#1d3d7a", title="Certificate of Achievement", centre=(700, 520), width=1100,
         angle=0.0, tilt=0.04, busy=False, seed=11),
    dict(file="cert-angled.jpg", size=(1400, 1050), name="Rafferty Osei-Blom", font="Z003-Medium-Italic",
         ink="#6a1b5e", title="Star of the Week", centre=(720, 530), width=1000,
         angle=-11.0, tilt=0.22, busy=False, seed=12),
    dict(file="cert-small.jpg", size=(1600, 1200), name="Ines Kowalczyk", font="P052-Italic",
         ink="#1f5f2a", title="Reading Champion", centre=(1150, 320), width=430,
         angle=4.0, tilt=0.08, busy=True, seed=13),
]

FIRST = ["Aurelia", "Bartholomew", "Cosima", "Dmitri", "Esme", "Fionnuala", "Gethin", "Hollis",
         "Ifeoma", "Jolyon", "Kerensa", "Leopold", "Marisol", "Nnamdi", "Ottilie", "Peregrine",
         "Quilla", "Rosalind", "Soren", "Tamsin", "Ulrika", "Valentin", "Wilhelmina", "Xanthe",
         "Yusuf", "Zofia"]
SURNAMES = ["Abernethy", "Baptiste-Cole", "Castellanos", "Dunmore", "Ekwueme", "Fairweather",
            "Gallagher-Ruiz", "Holmqvist", "Iwasaki", "Jaramillo", "Kristiansen", "Llewellyn",
            "Montgomery", "Nwachukwu", "Oyelaran", "Penhaligon", "Quartermaine", "Rasmussen",
            "Szymanska", "Trevithick", "Ugarte", "Vasquez-Lind", "Whitlock", "Yamaguchi"]
FONTS = ["Z003-Medium-Italic", "C059-Bold-Italic", "P052-Italic", "URW-Bookman-Demi",
         "NimbusSans-Bold", "DejaVu-Serif-Bold", "URW-Gothic-Demi", "NimbusRoman-BoldItalic",
         "DejaVu-Sans"]
INKS = ["#1d3d7a", "#6a1b5e", "#1f5f2a", "#8a1c1c", "#222222", "#4b2a85", "#0b5f6b"]
TITLES = ["Certificate of Achievement", "Certificate of Merit", "Star of the Week",
          "Reading Champion", "Sports Day Winner", "Headteacher's Award", "Well Done!"]
REASONS = ["for excellent science project work", "for kindness and helping others",
           "for reading forty books this year", "for outstanding effort in mathematics",
           "for a wonderful poem about the sea", "for always trying their best"]
CLUTTER = ["Our Class Rules", "Be kind", "Reading Corner", "Times Tables", "Look at our work!",
           "Year 4 Vikings", "Welcome", "Growth mindset", "Spelling Bee", "Eco Council"]


def run(*args):
    subprocess.run(["convert", *args], check=True)


def size_of(path):
    out = subprocess.run(["identify", "-format", "%w %h", path], check=True,
                         capture_output=True, text=True).stdout
    w, h = out.split()
    return int(w), int(h)


def solve(a, b):
    """Gaussian elimination with partial pivoting, for the 8x8 homography."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] for i in range(n)]


def homography(src, dst):
    a, b = [], []
    for (x, y), (u, v) in zip(src, dst):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        b.append(u)
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b.append(v)
    h = solve(a, b)
    return h + [1.0]


def apply(h, x, y):
    d = h[6] * x + h[7] * y + h[8]
    return ((h[0] * x + h[1] * y + h[2]) / d, (h[3] * x + h[4] * y + h[5]) / d)


def quad_for(spec):
    """The certificate's corners in the photo: scaled, tilted, rotated."""
    import math
    cx, cy = spec["centre"]
    w = spec["width"]
    h = w * CERT_H / CERT_W
    t = spec["tilt"]
    # The left edge is nearer the camera, so taller; the right one shorter.
    local = [(-w / 2, -h / 2 * (1 + t)), (w / 2, -h / 2 * (1 - t)),
             (w / 2, h / 2 * (1 - t)), (-w / 2, h / 2 * (1 + t))]
    a = math.radians(spec["angle"])
    return [(cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a))
            for x, y in local]


def render(spec, outdir, tmp):
    W, H = spec["size"]
    rnd = random.Random(spec["seed"])
    ink = spec["ink"]
    name_png = os.path.join(tmp, "name.png")
    cert_png = os.path.join(tmp, "cert.png")
    back_png = os.path.join(tmp, "back.png")
    warp_png = os.path.join(tmp, "warp.png")

    run("-background", "none", "-fill", ink, "-font", spec["font"], "-pointsize", "120",
        f"label:{spec['name']}", "-trim", "+repage", name_png)
    nw, nh = size_of(name_png)
    nx = (CERT_W - nw) // 2

    reason = spec.get("reason", REASONS[spec["seed"] % len(REASONS)])
    run("-size", f"{CERT_W}x{CERT_H}", "xc:#fbf8ef",
        "-fill", "none", "-stroke", ink, "-strokewidth", "14", "-draw", "rectangle 34,34 1566,1096",
        "-strokewidth", "4", "-draw", "rectangle 62,62 1538,1068",
        "-stroke", "none", "-fill", ink, "-font", "C059-Bold", "-pointsize", "84",
        "-gravity", "north", "-annotate", "+0+150", spec["title"],
        "-font", "C059-Italic", "-pointsize", "44", "-annotate", "+0+300",
        "This certificate is presented to",
        "-font", "C059-Roman", "-pointsize", "46", "-annotate", f"+0+{NAME_TOP + nh + 90}", reason,
        "-gravity", "southwest", "-font", "DejaVu-Sans", "-pointsize", "34",
        "-annotate", "+130+190", "Harbour View Primary School", "-annotate", "+130+140", "21 March 2025",
        "-gravity", "southeast", "-annotate", "+150+140", "Head Teacher",
        "-gravity", "northwest", "-stroke", ink, "-strokewidth", "3", "-draw", "line 1060,930 1440,930",
        "-stroke", "none", name_png, "-geometry", f"+{nx}+{NAME_TOP}", "-composite", cert_png)

    lo, hi = ("red", "blue") if spec["busy"] else ("grey70", "grey50")
    run("-size", f"{W // 2}x{H // 2}", "-seed", str(spec["seed"]), f"plasma:{lo}-{hi}",
        "-blur", "0x2" if spec["busy"] else "0x6", "-resize", f"{W}x{H}!", back_png)
    if spec["busy"]:
        # Other paper on the wall, some of it with words that are not names.
        args = [back_png]
        for _ in range(6):
            x, y = rnd.randrange(0, W - 300), rnd.randrange(0, H - 200)
            w, h = rnd.randrange(200, 500), rnd.randrange(120, 360)
            colour = rnd.choice(["#f4e04d", "#8fd3f4", "#f7a1c4", "#b8e986", "#ffffff"])
            args += ["-fill", colour, "-draw", f"rectangle {x},{y} {x + w},{y + h}",
                     "-fill", "#202020", "-font", rnd.choice(FONTS), "-pointsize", str(rnd.randrange(28, 60)),
                     "-annotate", f"+{x + 15}+{y + 70}", rnd.choice(CLUTTER)]
        run(*args, back_png)

    quad = quad_for(spec)
    src = [(0, 0), (CERT_W, 0), (CERT_W, CERT_H), (0, CERT_H)]
    points = " ".join(f"{sx},{sy} {dx:.2f},{dy:.2f}" for (sx, sy), (dx, dy) in zip(src, quad))
    run(cert_png, "-alpha", "set", "-virtual-pixel", "transparent",
        "-define", f"distort:viewport={W}x{H}+0+0", "-distort", "Perspective", points, warp_png)

    out = os.path.join(outdir, spec["file"])
    run(back_png, warp_png, "-composite",
        "(", "-size", f"{W}x{H}", "radial-gradient:white-gray60", ")", "-compose", "multiply", "-composite",
        "-blur", "0x1.1", "-seed", str(spec["seed"]), "-attenuate", "0.25", "+noise", "Gaussian",
        "-quality", "85", out)

    h = homography(src, quad)
    corners = [apply(h, x, y) for x, y in
               [(nx, NAME_TOP), (nx + nw, NAME_TOP), (nx + nw, NAME_TOP + nh), (nx, NAME_TOP + nh)]]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    box = [round(min(xs), 1), round(min(ys), 1), round(max(xs) - min(xs), 1), round(max(ys) - min(ys), 1)]
    return {"file": spec["file"], "width": W, "height": H,
            "names": [{"text": spec["name"], "box": box,
                       "quad": [[round(x, 1), round(y, 1)] for x, y in corners]}]}


def eval_specs(n):
    """Varied photos for measuring: the harder cases are over-represented."""
    rnd = random.Random(2026)
    specs = []
    for i in range(n):
        W, H = rnd.choice([(1600, 1200), (2000, 1500), (3000, 2250), (4032, 3024)])
        width = rnd.uniform(0.22, 0.7) * W
        hw = width / 2
        specs.append(dict(
            file=f"eval-{i:02d}.jpg", size=(W, H),
            name=f"{rnd.choice(FIRST)} {rnd.choice(SURNAMES)}", font=rnd.choice(FONTS),
            ink=rnd.choice(INKS), title=rnd.choice(TITLES),
            centre=(rnd.uniform(hw + 20, W - hw - 20), rnd.uniform(hw * 0.75 + 20, H - hw * 0.75 - 20)),
            width=width, angle=rnd.choice([0, 3, -6, 9, -12, 15, -20]) + rnd.uniform(-2, 2),
            tilt=rnd.uniform(0, 0.3), busy=rnd.random() < 0.5, seed=100 + i))
    return specs


def main():
    args = sys.argv[1:]
    specs = FIXTURES
    if args[:1] == ["--eval"]:
        specs = eval_specs(int(args[1]))
        args = args[2:]
    outdir = args[0] if args else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(outdir, exist_ok=True)

    images = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec in specs:
            images.append(render(spec, outdir, tmp))
            print(spec["file"], images[-1]["names"][0]["box"], file=sys.stderr)
    with open(os.path.join(outdir, "certificates.json"), "w") as f:
        json.dump({"images": images}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
