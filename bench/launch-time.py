#!/usr/bin/env python3
# launch-time.py: time from starting Countersign to the first frame of its window
#
# Copyright 2026 The Countersign authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Starts the app again and again, each time with an empty home, and times
# from the start of the process to the line the app prints after its first
# frame when COUNTERSIGN_QUIT_AFTER_FIRST_FRAME is set.

import os
import statistics
import subprocess
import sys
import tempfile
import time

exe = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 11
env = dict(os.environ, COUNTERSIGN_QUIT_AFTER_FIRST_FRAME="1", GSETTINGS_BACKEND="memory")
times = []
for _ in range(runs):
    with tempfile.TemporaryDirectory() as home:
        env["XDG_DATA_HOME"] = os.path.join(home, "data")
        env["XDG_CONFIG_HOME"] = os.path.join(home, "config")
        start = time.monotonic()
        app = subprocess.Popen([exe], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        for line in app.stdout:
            if line.startswith(b"first-frame"):
                times.append((time.monotonic() - start) * 1000)
                break
        app.wait(timeout=60)

if not times:
    sys.exit("the app never reported a first frame")
times.sort()
print(f"launch to first frame, {len(times)} runs: median {statistics.median(times):.0f} ms "
      f"(min {times[0]:.0f}, max {times[-1]:.0f})")
