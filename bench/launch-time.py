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

# launch-time.py COUNTERSIGN [RUNS [PEER]]: with PEER (bench/launch-peer,
# the smallest libadwaita app with a text view), the two are started in
# turn, so that both see the same machine, and the ratio is reported.
exe = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 11
peer = sys.argv[3] if len(sys.argv) > 3 else None
env = dict(os.environ, COUNTERSIGN_QUIT_AFTER_FIRST_FRAME="1", GSETTINGS_BACKEND="memory")


def launch(program):
    with tempfile.TemporaryDirectory() as home:
        env["XDG_DATA_HOME"] = os.path.join(home, "data")
        env["XDG_CONFIG_HOME"] = os.path.join(home, "config")
        start = time.monotonic()
        app = subprocess.Popen([program], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        elapsed = None
        for line in app.stdout:
            if line.startswith(b"first-frame"):
                elapsed = (time.monotonic() - start) * 1000
                break
        app.wait(timeout=60)
        return elapsed


times, peer_times = [], []
for _ in range(runs):
    t = launch(exe)
    if t is not None:
        times.append(t)
    if peer:
        t = launch(peer)
        if t is not None:
            peer_times.append(t)

if not times or (peer and not peer_times):
    sys.exit("the app never reported a first frame")
times.sort()
print(f"launch to first frame, {len(times)} runs: median {statistics.median(times):.0f} ms "
      f"(min {times[0]:.0f}, max {times[-1]:.0f})")
if peer:
    peer_times.sort()
    print(f"the peer (a bare libadwaita window with a text view), same runs: median "
          f"{statistics.median(peer_times):.0f} ms (min {peer_times[0]:.0f}, max {peer_times[-1]:.0f}); "
          f"Countersign takes {statistics.median(times) / statistics.median(peer_times):.2f}x its time")
