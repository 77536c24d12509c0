#!/usr/bin/env python3
# test-queue-durability.py: the queue loses nothing and doubles nothing when killed
#
# Copyright 2026 The Countersign authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# usage: test-queue-durability.py COUNTERSIGN-QUEUE [KILLS]
#
# Four clients submit posts concurrently, each with its own Idempotency-Key
# and retrying with the same key until it gets an answer, as the app's
# outbox does. Meanwhile the server is killed with SIGKILL at random
# moments (KILLS times, 50 by default) and started again. Afterwards every
# post that got a 201 must be in the queue exactly once, and no post may be
# there twice. With CS_TEST_POSTGRES set (see with-postgres.py) the queue
# keeps its data in PostgreSQL, otherwise in SQLite. Prints TAP.

import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

queue = sys.argv[1]
kills = int(sys.argv[2]) if len(sys.argv) > 2 else 50
postgres = os.environ.get("CS_TEST_POSTGRES")
random.seed(20261203)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(conf, *args):
    r = subprocess.run([queue, "--config", conf, *args], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        sys.exit("countersign-queue %s failed: %s" % (" ".join(args), r.stderr))
    return r.stdout.strip()


tmp = tempfile.mkdtemp(prefix="cs-durability-")
conf = os.path.join(tmp, "queue.conf")
port = free_port()
with open(conf, "w") as f:
    f.write("[server]\ndatabase=%s\naddress=127.0.0.1\nport=%d\nrate_per_minute=1000000\n"
            % (os.path.join(tmp, "queue.db"), port))
    if postgres:
        f.write("postgres=%s\n" % postgres)
        # A fresh schema: earlier tests may have left tables behind.
        subprocess.run(["psql", postgres, "-q", "-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"],
                       check=False, capture_output=True)

cli(conf, "school", "add", "larkfield", "Larkfield Primary")
tokens = [cli(conf, "user", "add", "--school", "larkfield", "--role", "staff", "staff%d" % i) for i in range(4)]
head = cli(conf, "user", "add", "--school", "larkfield", "--role", "head", "hana")
base = "http://127.0.0.1:%d/api/v1" % port

server = None
server_lock = threading.Lock()


def start_server():
    global server
    proc = subprocess.Popen([queue, "--config", conf, "serve"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    proc.stdout.readline()  # "Listening on ..." once it can take requests
    server = proc


acknowledged = {}   # key -> post id, for every 201
attempts = [0]
stop = threading.Event()
errors = []


def submit(token, key, text):
    body = json.dumps({"text": text, "platforms": ["x"]}).encode()
    req = urllib.request.Request(base + "/posts", data=body, method="POST", headers={
        "Authorization": "Bearer " + token, "Content-Type": "application/json", "Idempotency-Key": key})
    with urllib.request.urlopen(req, timeout=20) as resp:
        return resp.status, json.load(resp)


def client(n):
    i = 0
    while not stop.is_set():
        i += 1
        key = "client%d-post%d" % (n, i)
        text = "Thank you to everyone who came to the Year %d reading morning, number %d." % (n + 1, i)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            attempts[0] += 1
            try:
                status, post = submit(tokens[n], key, text)
                if status == 201:
                    if key in acknowledged and acknowledged[key] != post["id"]:
                        errors.append("%s answered with post %s, then %s" % (key, acknowledged[key], post["id"]))
                    acknowledged[key] = post["id"]
                    break
                errors.append("%s: status %d" % (key, status))
                break
            except urllib.error.HTTPError as e:
                errors.append("%s: HTTP %d %s" % (key, e.code, e.read()[:200]))
                break
            except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError, OSError):
                time.sleep(0.02)   # the server is down: retry with the same key
        # Sometimes retry a post that already succeeded, as a client that
        # lost the answer would.
        if key in acknowledged and random.random() < 0.3:
            try:
                status, post = submit(tokens[n], key, text)
                if post["id"] != acknowledged[key]:
                    errors.append("%s retried into a second post %s" % (key, post["id"]))
            except Exception:
                pass
        # Paced like people in an office, so the queue's first page (500
        # posts) holds every one of them.
        time.sleep(random.uniform(0.1, 0.3))


start_server()
threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
for t in threads:
    t.start()

for k in range(kills):
    time.sleep(random.uniform(0.1, 0.5))
    server.send_signal(signal.SIGKILL)
    server.wait()
    start_server()

stop.set()
for t in threads:
    t.join()

req = urllib.request.Request(base + "/posts", headers={"Authorization": "Bearer " + head})
with urllib.request.urlopen(req, timeout=20) as resp:
    posts = json.load(resp)["posts"]
server.send_signal(signal.SIGTERM)
server.wait()

texts = [p["text"] for p in posts]
ids = {p["id"] for p in posts}
numbers = {}
for p in posts:
    m = re.search(r"Year (\d) reading morning, number (\d+)", p["text"])
    if m:
        numbers.setdefault("client%d-post%s" % (int(m.group(1)) - 1, m.group(2)), []).append(p["id"])

missing = [k for k, pid in acknowledged.items() if pid not in ids]
doubled = [k for k, pids in numbers.items() if len(pids) > 1]

print("1..4")
print("%s 1 - %d kills while 4 clients submitted (%d answered, %d attempts, %d posts stored)"
      % ("ok" if kills > 0 and len(acknowledged) > kills else "not ok", kills, len(acknowledged), attempts[0],
         len(posts)))
print("%s 2 - every post that got a 201 is stored%s"
      % ("ok" if not missing else "not ok", "" if not missing else ": missing " + ", ".join(missing[:10])))
print("%s 3 - no post is stored twice%s"
      % ("ok" if not doubled and len(texts) == len(set(texts)) else "not ok",
         "" if not doubled else ": doubled " + ", ".join(doubled[:10])))
print("%s 4 - retries got the first answer%s"
      % ("ok" if not errors else "not ok", "" if not errors else ": " + "; ".join(errors[:5])))
verify = subprocess.run([queue, "--config", conf, "audit", "verify"], capture_output=True, text=True)
print("# %s" % verify.stdout.strip())
subprocess.run(["rm", "-rf", tmp])
