#!/usr/bin/env python3
# score-corpus.py: the checker's accuracy on a labelled corpus of posts, as TAP
#
# Copyright 2026 The Countersign authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# usage: score-corpus.py CHECKER CORPUS_DIR
#
# A corpus is posts/NNN.txt, labels.jsonl (one {"id","platform","labels":
# [{"rule","text","occurrence"}]} per post), roster.csv and policy.json. A
# finding matches a label of the same rule when their code-point spans
# overlap (any span for "length"). A post should be blocked when any label's
# rule is an error by default. The targets are those the product is held to:
# no false passes, at most one false block, pupil-name recall 1.0 and
# precision at least 0.95, macro F1 over the rules at least 0.90.

import json
import os
import subprocess
import sys
from collections import Counter

BLOCKING = {"pupil-name", "staff-name", "personal-data", "sensitive-topic", "negative-tone",
            "offensive-language", "confidential", "length"}

checker, corpus = sys.argv[1], sys.argv[2]
roster = os.path.join(corpus, "roster.csv")
policy = os.path.join(corpus, "policy.json")


def label_span(text, needle, occurrence):
    at = -1
    for _ in range(occurrence):
        at = text.find(needle, at + 1)
        if at < 0:
            return None
    return at, at + len(needle)


def overlaps(finding, span):
    return span is not None and finding["start"] < span[1] and finding["end"] > span[0]


found_right, missed, extra = Counter(), Counter(), Counter()
false_pass = false_block = crashes = 0
notes = []
records = [json.loads(line) for line in open(os.path.join(corpus, "labels.jsonl"), encoding="utf-8") if line.strip()]

for record in records:
    path = os.path.join(corpus, "posts", record["id"] + ".txt")
    text = open(path, encoding="utf-8").read()
    run = subprocess.run([checker, "--format", "json", "--platform", record.get("platform", "x"),
                          "--roster", roster, "--policy", policy, path],
                         capture_output=True, text=True, timeout=60)
    try:
        findings = [f for f in json.loads(run.stdout)["findings"] if f["rule"] != "spelling"]
    except (ValueError, KeyError):
        crashes += 1
        findings = []
        notes.append(f"{record['id']}: the checker gave no JSON (exit {run.returncode})")

    gold = [(label["rule"], label_span(text, label["text"], label.get("occurrence", 1))) for label in record["labels"]]
    used = set()
    for rule, span in gold:
        hit = next((i for i, f in enumerate(findings)
                    if f["rule"] == rule and (rule == "length" or overlaps(f, span))), None)
        if hit is None:
            missed[rule] += 1
            notes.append(f"{record['id']}: missed {rule} {text[span[0]:span[1]] if span else ''!r}")
        else:
            found_right[rule] += 1
            used.add(hit)
    for i, f in enumerate(findings):
        if i in used:
            continue
        if any(rule == f["rule"] and (rule == "length" or overlaps(f, span)) for rule, span in gold):
            continue
        extra[f["rule"]] += 1
        notes.append(f"{record['id']}: extra {f['rule']} {f['text']!r}")

    should_block = any(rule in BLOCKING for rule, _ in gold)
    blocked = any(f["severity"] == "error" for f in findings)
    if should_block and not blocked:
        false_pass += 1
        notes.append(f"{record['id']}: false pass")
    elif blocked and not should_block:
        false_block += 1
        notes.append(f"{record['id']}: false block")


def ratio(a, b):
    return a / b if b else 1.0


f1s = []
for rule in sorted(set(found_right) | set(missed) | set(extra)):
    recall = ratio(found_right[rule], found_right[rule] + missed[rule])
    precision = ratio(found_right[rule], found_right[rule] + extra[rule])
    if found_right[rule] + missed[rule]:
        f1s.append(2 * recall * precision / (recall + precision) if recall + precision else 0.0)
    print(f"# {rule:20} found {found_right[rule]:3} missed {missed[rule]:3} extra {extra[rule]:3} "
          f"recall {recall:.3f} precision {precision:.3f}")
for note in notes:
    print(f"# {note}")

name_recall = ratio(found_right["pupil-name"], found_right["pupil-name"] + missed["pupil-name"])
name_precision = ratio(found_right["pupil-name"], found_right["pupil-name"] + extra["pupil-name"])
macro_f1 = sum(f1s) / len(f1s) if f1s else 0.0
print(f"# posts={len(records)} false_pass={false_pass} false_block={false_block} name_recall={name_recall:.3f} "
      f"name_precision={name_precision:.3f} macro_f1={macro_f1:.3f}")

targets = [
    ("the checker answers every post", crashes == 0),
    ("no false passes", false_pass == 0),
    ("at most one false block", false_block <= 1),
    ("pupil-name recall 1.0", name_recall >= 1.0),
    ("pupil-name precision at least 0.95", name_precision >= 0.95),
    ("macro F1 at least 0.90", macro_f1 >= 0.90),
]
print(f"1..{len(targets)}")
for i, (name, ok) in enumerate(targets, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
sys.exit(0 if all(ok for _, ok in targets) else 1)
