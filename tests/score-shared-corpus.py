#!/usr/bin/env python3
# score-shared-corpus.py: the checker's accuracy on ../shared/corpus, against the targets
#
# Copyright 2026 The Countersign authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs the shared scoring script and turns its summary into TAP, one test per
# target: no false passes, at most one false block, pupil-name recall 1.0 and
# precision at least 0.95, macro F1 at least 0.90.

import os
import re
import subprocess
import sys

corpus, checker = sys.argv[1], sys.argv[2]
score = os.path.join(corpus, "..", "tools", "score_corpus.py")
run = subprocess.run([sys.executable, score, corpus, "-v", "--", checker], capture_output=True, text=True, timeout=600)
for line in (run.stdout + run.stderr).splitlines():
    print(f"# {line}")

m = re.search(r"summary: (.*)", run.stdout)
if not m:
    print("1..1\nnot ok 1 - the scoring script printed a summary")
    sys.exit(1)
values = {k: float(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
crashes = int(re.search(r"crashes=(\d+)", run.stdout).group(1))

targets = [
    ("no checker crashes", crashes == 0),
    ("false passes: 0", values["false_pass"] == 0),
    ("false blocks: at most 1", values["false_block"] <= 1),
    ("pupil-name recall 1.0", values["name_recall"] >= 1.0),
    ("pupil-name precision at least 0.95", values["name_precision"] >= 0.95),
    ("macro F1 at least 0.90", values["macro_f1"] >= 0.90),
]
print(f"1..{len(targets)}")
for i, (name, ok) in enumerate(targets, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
sys.exit(0 if all(ok for _, ok in targets) else 1)
