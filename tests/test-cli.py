#!/usr/bin/env python3
# test-cli.py: countersign-check as a user and a script would run it
#
# Copyright 2026 The Countersign authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

checker, data = sys.argv[1], sys.argv[2]
# The face model the checker was built with; "" when there is none.
face_model = sys.argv[3] if len(sys.argv) > 3 else ""
roster = os.path.join(data, "checker-roster.csv")
policy = os.path.join(data, "policy-school.json")
posts = os.path.join(data, "posts")
results = []


def run(*args, stdin=None):
    return subprocess.run([checker, *args], input=stdin, capture_output=True, timeout=60)


class Skip(Exception):
    pass


def test(name):
    def wrap(func):
        try:
            func()
            results.append((True, name, ""))
        except Skip as e:
            results.append((True, name, f"SKIP {e}"))
        except AssertionError as e:
            results.append((False, name, str(e)))
        return func
    return wrap


def need_model():
    if not face_model:
        raise Skip("no face model was configured (-Dface_model)")


def exiv2(*args):
    if shutil.which("exiv2") is None:
        raise Skip("exiv2 is not installed")
    return subprocess.run(["exiv2", *args], capture_output=True, timeout=60)


def overlap(a, b):
    """Intersection over union of two [x, y, w, h] boxes."""
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0
    return w * h / (a[2] * a[3] + b[2] * b[3] - w * h)


two_players = os.path.join(data, "faces", "two-players.png")
cert_flat = os.path.join(data, "certificates", "cert-flat.jpg")
cert_roster = os.path.join(data, "certificates-roster.csv")


@test("clean post exits 0 and says it is ready")
def _():
    p = run("--roster", roster, "--policy", policy, os.path.join(posts, "clean.txt"))
    assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)
    assert b"ready for approval" in p.stdout, p.stdout


@test("errors exit 1 and read like a compiler")
def _():
    path = os.path.join(posts, "breaches.txt")
    p = run("--roster", roster, "--policy", policy, path)
    assert p.returncode == 1, p.returncode
    out = p.stdout.decode()
    assert re.search(re.escape(path) + r":1:16: error: .*Amelia Hart.* \[pupil-name\]", out), out
    assert re.search(re.escape(path) + r":2:6: error: .* \[personal-data\]", out), out
    assert re.search(r":2:27: warning: .* \[external-link\]", out), out
    assert "policy: Sandfield Close Primary" in out, out


@test("json output has the documented shape and code-point offsets")
def _():
    path = os.path.join(posts, "breaches.txt")
    p = run("--roster", roster, "--policy", policy, "--format", "json", "--platform", "mastodon", path)
    assert p.returncode == 1, p.returncode
    doc = json.loads(p.stdout)
    assert doc["platform"] == "mastodon"
    assert doc["length"]["limit"] == 500 and doc["length"]["used"] > 0
    text = open(path, encoding="utf-8").read()
    rules = set()
    for f in doc["findings"]:
        for key in ("rule", "severity", "start", "end", "text", "message", "clause", "suggestions"):
            assert key in f, (key, f)
        assert text[f["start"]:f["end"]] == f["text"], (f, text[f["start"]:f["end"]])
        rules.add(f["rule"])
    assert {"pupil-name", "personal-data", "external-link"} <= rules, rules
    zoe = [f for f in doc["findings"] if f["text"] == "Zoë"]
    assert zoe and zoe[0]["suggestions"] == ["a Year 1 pupil", "the Year 1 class"], zoe


@test("reads the post from standard input")
def _():
    p = run("--roster", roster, "--format", "json", "-", stdin="Well done Oliver!".encode())
    assert p.returncode == 1, p.returncode
    assert json.loads(p.stdout)["findings"][0]["text"] == "Oliver"


@test("x length is counted the way X counts")
def _():
    p = run("--format", "json", "--platform", "x", "-", stdin=("a" * 270 + " https://example.org/" + "x" * 60).encode())
    doc = json.loads(p.stdout)
    assert doc["length"]["used"] == 270 + 1 + 23, doc["length"]


@test("bad usage exits 2 with a message")
def _():
    p = run("--platform", "myspace", os.path.join(posts, "clean.txt"))
    assert p.returncode == 2 and b"myspace" in p.stderr, p
    p = run("--format", "xml", os.path.join(posts, "clean.txt"))
    assert p.returncode == 2 and b"xml" in p.stderr, p
    p = run("--bogus")
    assert p.returncode == 2, p


@test("unreadable input exits 2 naming the file")
def _():
    p = run(os.path.join(posts, "missing.txt"))
    assert p.returncode == 2 and b"missing.txt" in p.stderr, p
    p = run(os.path.join(posts, "not-utf8.txt"))
    assert p.returncode == 2 and b"UTF-8" in p.stderr, p
    p = run("--roster", os.path.join(data, "roster-missing-surname.csv"), os.path.join(posts, "clean.txt"))
    assert p.returncode == 2 and b"surname" in p.stderr, p
    p = run("--policy", os.path.join(data, "roster-canonical.csv"), os.path.join(posts, "clean.txt"))
    assert p.returncode == 2 and b"roster-canonical.csv" in p.stderr, p


@test("roster problems are warnings with line numbers, and good rows still count")
def _():
    p = run("--roster", os.path.join(data, "roster-bad-rows.csv"), "-", stdin=b"Hello")
    assert p.returncode == 0, p
    assert re.search(rb"roster-bad-rows.csv:\d+: warning: ", p.stderr), p.stderr


@test("help and version")
def _():
    p = run("--help")
    assert p.returncode == 0 and b"--platform" in p.stdout and b"Exit status" in p.stdout, p
    for option in (b"--photo", b"--redact-dir", b"--face-model", b'"photos"'):
        assert option in p.stdout, (option, p.stdout)
    p = run("--version")
    assert p.returncode == 0 and p.stdout.startswith(b"countersign-check "), p


@test("--photo reports each face in the upright photo as JSON")
def _():
    need_model()
    p = run("--format", "json", "--photo", two_players)
    assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)
    doc = json.loads(p.stdout)
    assert doc["findings"] == [], doc["findings"]
    assert len(doc["photos"]) == 1, doc["photos"]
    photo = doc["photos"][0]
    assert photo["file"] == two_players, photo
    assert (photo["width"], photo["height"]) == (640, 480), photo
    assert photo["faces_checked"] is True and photo["redacted"] is None, photo
    faces = [r for r in photo["regions"] if r["kind"] == "face"]
    for r in faces:
        assert set(r) == {"kind", "x", "y", "w", "h", "score", "text"}, r
        assert r["text"] is None and 0 < r["score"] <= 1, r
        assert all(isinstance(r[k], int) for k in ("x", "y", "w", "h")), r
    # Where the faces are, by eye: left x 72..105, y 91..135; right x 510..553, y 58..125.
    expected = ([72, 91, 33, 44], [510, 58, 43, 67])
    for face in expected:
        best = max(faces, key=lambda r: overlap([r["x"], r["y"], r["w"], r["h"]], face))
        assert overlap([best["x"], best["y"], best["w"], best["h"]], face) >= 0.5, (face, faces)
    # A second box on the same head may come and go as the detector is tuned;
    # a box anywhere else is a mistake.
    for r in faces:
        assert any(overlap([r["x"], r["y"], r["w"], r["h"]], [x - w, y - h, 3 * w, 3 * h]) > 0
                   for x, y, w, h in expected), (r, faces)


@test("--photo with a post adds the photo to the post's findings, in text too")
def _():
    need_model()
    p = run("--roster", roster, "--photo", two_players, os.path.join(posts, "clean.txt"))
    assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)
    out = p.stdout.decode()
    assert re.search(re.escape(two_players) + r": note: face at 7\d,\d+ \(\d+×\d+\) to be blurred", out), out
    assert "clean.txt: ready for approval" in out, out


@test("without a face model a photo is unchecked, and says to mark faces by hand")
def _():
    p = run("--format", "json", "--face-model", "", "--photo", two_players)
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    assert b"by hand" in p.stderr, p.stderr
    doc = json.loads(p.stdout)
    assert doc["photos"][0]["faces_checked"] is False, doc["photos"]
    unchecked = [f for f in doc["findings"] if f["rule"] == "photo-unchecked"]
    assert len(unchecked) == 1 and unchecked[0]["photo"] == two_players, doc["findings"]
    assert unchecked[0]["severity"] == "error" and "two-players.png" in unchecked[0]["message"], unchecked
    # A photo alone has no alt text to give; that is asked for where the post is written.
    assert not [f for f in doc["findings"] if f["rule"] == "alt-text"], doc["findings"]


@test("a certificate photo reports the name on it as a text region")
def _():
    p = run("--roster", cert_roster, "--face-model", face_model, "--format", "json", "--photo", cert_flat)
    # The name is blurred, so it is no error; only a photo nobody looked at faces in is.
    assert p.returncode == (0 if face_model else 1), (p.returncode, p.stderr)
    doc = json.loads(p.stdout)
    texts = [r for r in doc["photos"][0]["regions"] if r["kind"] == "text"]
    assert texts, doc["photos"]
    # The printed name line, from certificates.json.
    name = max(texts, key=lambda r: overlap([r["x"], r["y"], r["w"], r["h"]], [338.9, 417.7, 746.0, 65.6]))
    assert overlap([name["x"], name["y"], name["w"], name["h"]], [338.9, 417.7, 746.0, 65.6]) >= 0.5, texts
    assert "Marchetti" in name["text"], name
    p = run("--roster", cert_roster, "--photo", cert_flat)
    assert re.search(r"cert-flat.jpg: note: name “[^”]*Marchetti” at \d+,\d+", p.stdout.decode()), p.stdout


@test("--redact-dir saves a blurred copy with no metadata and leaves the photo alone")
def _():
    with tempfile.TemporaryDirectory() as tmp:
        photo = os.path.join(tmp, "prize-giving.jpg")
        shutil.copy(cert_flat, photo)
        tagged = exiv2("-c", "Taken at Hillside Primary",
                       "-M", "set Exif.GPSInfo.GPSLatitudeRef N",
                       "-M", "set Exif.GPSInfo.GPSLatitude 51/1 30/1 0/1",
                       "-M", "set Xmp.dc.title Prize giving",
                       "-M", "set Iptc.Application2.Caption Elowen wins the art prize",
                       photo)
        assert tagged.returncode == 0, tagged
        assert b"GPSLatitude" in exiv2("-pa", photo).stdout
        before = open(photo, "rb").read()

        # The photo's own folder: the copy must not take the photo's name.
        p = run("--roster", cert_roster, "--format", "json", "--photo", photo, "--redact-dir", tmp)
        assert p.returncode != 2, (p.returncode, p.stderr)
        redacted = os.path.join(tmp, "prize-giving-redacted.jpg")
        assert json.loads(p.stdout)["photos"][0]["redacted"] == redacted, p.stdout
        assert open(photo, "rb").read() == before
        meta = exiv2("-pa", redacted)
        assert meta.stdout == b"", meta.stdout
        assert exiv2("-pc", redacted).stdout.strip() == b""
        assert open(redacted, "rb").read(3) == b"\xff\xd8\xff"

        # A folder that is not there yet is made.
        nested = os.path.join(tmp, "out", "blurred")
        p = run("--roster", cert_roster, "--photo", two_players, "--redact-dir", nested)
        assert p.returncode != 2, (p.returncode, p.stderr)
        assert os.listdir(nested) == ["two-players-redacted.jpg"], os.listdir(nested)
        assert b"saved as " + os.path.join(nested, "two-players-redacted.jpg").encode() in p.stdout, p.stdout


@test("a photo that cannot be read exits 2 naming the file and why")
def _():
    with tempfile.TemporaryDirectory() as tmp:
        broken = os.path.join(tmp, "sports-day.jpg")
        with open(broken, "wb") as f:
            f.write(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(40)))
        p = run("--format", "json", "--photo", two_players, "--photo", broken, "--redact-dir", tmp)
        assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
        assert p.stdout == b"", p.stdout
        errors = [line for line in p.stderr.decode().splitlines() if line.startswith("countersign-check:")]
        assert len(errors) == 1 and broken in errors[0] and "two-players" not in errors[0], errors
        assert os.listdir(tmp) == ["sports-day.jpg"], os.listdir(tmp)
        p = run("--photo", os.path.join(tmp, "missing.png"))
        assert p.returncode == 2 and b"missing.png" in p.stderr, p
    p = run("--redact-dir", "somewhere", os.path.join(posts, "clean.txt"))
    assert p.returncode == 2 and b"--photo" in p.stderr, p


print(f"1..{len(results)}")
for i, (ok, name, why) in enumerate(results, 1):
    skip = f" # {why}" if ok and why else ""
    print(f"{'ok' if ok else 'not ok'} {i} - {name}{skip}")
    if not ok:
        for line in why.splitlines()[:20]:
            print(f"# {line}")
sys.exit(0 if all(ok for ok, _, _ in results) else 1)
