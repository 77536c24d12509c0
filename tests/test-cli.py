#!/usr/bin/env python3
# test-cli.py: countersign-check as a user and a script would run it
#
# Copyright 2026 The Countersign authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import re
import subprocess
import sys

checker, data = sys.argv[1], sys.argv[2]
roster = os.path.join(data, "checker-roster.csv")
policy = os.path.join(data, "policy-school.json")
posts = os.path.join(data, "posts")
results = []


def run(*args, stdin=None):
    return subprocess.run([checker, *args], input=stdin, capture_output=True, timeout=60)


def test(name):
    def wrap(func):
        try:
            func()
            results.append((True, name, ""))
        except AssertionError as e:
            results.append((False, name, str(e)))
        return func
    return wrap


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
    p = run("--version")
    assert p.returncode == 0 and p.stdout.startswith(b"countersign-check "), p


print(f"1..{len(results)}")
for i, (ok, name, why) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
    if not ok:
        for line in why.splitlines()[:20]:
            print(f"# {line}")
sys.exit(0 if all(ok for ok, _, _ in results) else 1)
