#!/usr/bin/env python3
# score-shared-certificates.py: are the names on ../shared's certificate photos hidden?
#
# Copyright 2026 The Countersign authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: score-shared-certificates.py FIND-PHOTO-NAMES CERTIFICATES-DIR [ROSTER.csv]
#
# Runs find-photo-names over the photos with the test roster that holds the
# (fictional) names, then prints TAP: one test per annotated name, passing
# when the blurred covers of the text regions hide at least 95% of the name's
# box. A cover is the region grown by the margin cs_photo_region_get_cover()
# adds to text. Regions that touch no name, and the seconds per photo, are
# reported as comments: they are costs to watch, not pass/fail.

import json
import os
import subprocess
import sys

NEEDED = 0.95


def cover(region, width, height):
    """The blurred rectangle for a text region, as cs_photo_region_get_cover()."""
    margin = max(4.0, region["h"] / 3.0)
    x1 = min(max(region["x"] - margin, 0), width)
    y1 = min(max(region["y"] - margin, 0), height)
    x2 = min(max(region["x"] + region["w"] + margin, 0), width)
    y2 = min(max(region["y"] + region["h"] + margin, 0), height)
    return (x1, y1, x2, y2)


def covered_fraction(box, covers):
    """The share of @box inside the union of @covers, sampled on a fine grid."""
    x, y, w, h = box
    steps_x, steps_y = max(1, int(w)), max(1, int(h))
    inside = 0
    for j in range(steps_y):
        py = y + (j + 0.5) * h / steps_y
        rows = [c for c in covers if c[1] <= py <= c[3]]
        if not rows:
            continue
        for i in range(steps_x):
            px = x + (i + 0.5) * w / steps_x
            if any(c[0] <= px <= c[2] for c in rows):
                inside += 1
    return inside / (steps_x * steps_y)


def intersects(a, box):
    x, y, w, h = box
    return a[0] < x + w and x < a[2] and a[1] < y + h and y < a[3]


def main():
    tool, photos = sys.argv[1], sys.argv[2]
    roster = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "certificates-roster.csv")
    if len(sys.argv) > 3:
        roster = sys.argv[3]
    with open(os.path.join(photos, "certificates.json")) as f:
        truth = json.load(f)["images"]

    files = [os.path.join(photos, image["file"]) for image in truth]
    run = subprocess.run([tool, roster] + files, capture_output=True, text=True, timeout=900)
    for line in run.stderr.splitlines():
        print(f"# {line}")
    if run.returncode != 0:
        print(f"1..1\nnot ok 1 - find-photo-names ran (exit {run.returncode})")
        return 1
    found = {image["file"]: image for image in json.loads(run.stdout)["images"]}

    results = []
    total_seconds = 0.0
    for image in truth:
        result = found.get(image["file"])
        if result is None:
            for name in image["names"]:
                results.append((f"{image['file']}: {name['text']} (photo not read)", False))
            continue
        covers = [cover(r, result["width"], result["height"]) for r in result["regions"]]
        for name in image["names"]:
            share = covered_fraction(name["box"], covers)
            results.append((f"{image['file']}: {name['text']} {share:.0%} covered", share >= NEEDED))
        false = [r for r, c in zip(result["regions"], covers)
                 if not any(intersects(c, n["box"]) for n in image["names"])]
        total_seconds += result["seconds"]
        texts = ", ".join(f"{r['text']!r} ({r['reason']})" for r in false)
        print(f"# {image['file']}: {len(result['regions'])} regions, {len(false)} false"
              f"{': ' + texts if texts else ''}; {result['words']} words; {result['seconds']:.2f} s")

    print(f"# {total_seconds / max(1, len(truth)):.2f} s per photo on average")
    print(f"1..{len(results)}")
    for i, (label, ok) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {label}")
    return 0 if all(ok for _, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
