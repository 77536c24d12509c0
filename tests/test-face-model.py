#!/usr/bin/env python3
# test-face-model.py: the configured face model is the YuNet 2023mar file, intact
#
# Copyright 2026 The Countersign authors
# SPDX-License-Identifier: GPL-3.0-or-later

import hashlib
import sys

EXPECTED = "8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4"

path = sys.argv[1]
print("1..1")
try:
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
except OSError as e:
    print(f"not ok 1 - the face model can be read\n# {e}")
    sys.exit(1)
if digest == EXPECTED:
    print("ok 1 - the face model is the expected file")
else:
    print(f"not ok 1 - the face model is the expected file\n# {path}: sha256 {digest}")
    sys.exit(1)
