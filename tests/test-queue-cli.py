#!/usr/bin/env python3
# test-queue-cli.py: countersign-queue as the school's IT technician uses it
#
# Copyright 2026 The Countersign authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# usage: test-queue-cli.py COUNTERSIGN-QUEUE
# Prints TAP.

import datetime
import json
import os
import stat
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

queue = sys.argv[1]
results = []


def check(name, ok, detail=""):
    results.append((name, ok, detail))


def run(conf, *args, stdin=None):
    return subprocess.run([queue, "--config", conf, *args], input=stdin, capture_output=True, text=True, timeout=60)


with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, "queue.db")
    conf = os.path.join(tmp, "queue.conf")
    with open(conf, "w") as f:
        # One quick try per platform: the Mastodon below does not exist.
        f.write("[server]\ndatabase=%s\naddress=127.0.0.1\nport=0\nretry_first_seconds=1\nretry_attempts=1\n" % db)

    r = run(conf, "school", "add", "larkfield", "Larkfield Primary")
    check("school add", r.returncode == 0, r.stderr)

    r = run(conf, "user", "add", "--school", "larkfield", "--role", "head", "hana")
    token = r.stdout.strip()
    check("user add prints a token once", r.returncode == 0 and re.fullmatch(r"[A-Za-z0-9_-]{40,}", token) is not None
          and "shown once" in r.stderr, r.stdout + r.stderr)

    r = run(conf, "user", "add", "--school", "larkfield", "--role", "caretaker", "cal")
    check("user add refuses an unknown role", r.returncode == 2 and "staff, head or admin" in r.stderr, r.stderr)

    r = run(conf, "user", "add", "--school", "elsewhere", "--role", "staff", "sam")
    check("user add names a missing school", r.returncode == 1 and "elsewhere" in r.stderr, r.stderr)

    r = run(conf, "user", "add", "--school", "larkfield", "--role", "staff", "--password", "sam", stdin="open sesame\n")
    check("user add with a password", r.returncode == 0, r.stderr)

    roster = os.path.join(tmp, "roster.csv")
    with open(roster, "w") as f:
        f.write("id,forename,surname\nP1,Poppy,Whitlow\n")
    r = run(conf, "roster", "set", "--school", "larkfield", roster)
    check("roster set refuses a roster without consent", r.returncode == 1 and "roster.csv" in r.stderr, r.stderr)
    with open(roster, "w") as f:
        f.write("id,forename,surname,photo_consent\nP1,Poppy,Whitlow,yes\n")
    r = run(conf, "roster", "set", "--school", "larkfield", roster)
    check("roster set", r.returncode == 0, r.stderr)

    # Accounts: settings and secrets come from a file, the secrets are
    # sealed with a key made beside the database, readable by its owner alone.
    website = os.path.join(tmp, "website")
    os.mkdir(website)
    account = os.path.join(tmp, "account.json")
    with open(account, "w") as f:
        json.dump({"settings": {"folder": website}, "secrets": {}}, f)
    r = run(conf, "account", "set", "--school", "larkfield", "export", account)
    key = os.path.join(tmp, "accounts.key")
    check("account set", r.returncode == 0, r.stderr)
    check("the accounts key is made private", os.path.exists(key) and stat.S_IMODE(os.stat(key).st_mode) == 0o600
          and os.path.getsize(key) == 32)
    with open(account, "w") as f:
        json.dump({"settings": {"base_url": "https://mastodon.invalid"},
                   "secrets": {"access_token": "cli-secret-token-4711"}}, f)
    r = run(conf, "account", "set", "--school", "larkfield", "mastodon", account)
    check("account set with a token", r.returncode == 0, r.stderr)
    with open(db, "rb") as f:
        check("the token is not in the database in the clear", b"cli-secret-token-4711" not in f.read())
    with open(account, "w") as f:
        json.dump({"settings": {"base_url": "https://mastodon.invalid"}, "secrets": {}}, f)
    r = run(conf, "account", "set", "--school", "larkfield", "mastodon", account)
    check("account set names a missing field", r.returncode == 1 and "access_token" in r.stderr, r.stderr)
    r = run(conf, "account", "list", "--school", "larkfield")
    listed = json.loads(r.stdout) if r.returncode == 0 else []
    check("account list shows settings, never secrets",
          sorted(a["platform"] for a in listed) == ["export", "mastodon"] and "cli-secret-token" not in r.stdout,
          r.stdout + r.stderr)
    os.chmod(key, 0o644)
    r = run(conf, "account", "set", "--school", "larkfield", "mastodon", account)
    check("a key file others can read is refused", r.returncode == 1 and "chmod 600" in r.stderr, r.stderr)
    os.chmod(key, 0o600)

    # The server answers with the token printed above.
    server = subprocess.Popen([queue, "--config", conf, "serve"], stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/api/v1", line)
    check("serve says where it listens", m is not None, line)
    if m:
        base = "http://127.0.0.1:%s/api/v1" % m.group(1)
        req = urllib.request.Request(base + "/me", headers={"Authorization": "Bearer " + token})
        with urllib.request.urlopen(req, timeout=10) as resp:
            me = json.load(resp)
        check("serve accepts the token", me.get("name") == "hana" and me.get("role") == "head", json.dumps(me))
        try:
            urllib.request.urlopen(base + "/posts", timeout=10)
            check("serve refuses a request without a token", False)
        except urllib.error.HTTPError as e:
            check("serve refuses a request without a token", e.code == 401, str(e.code))
        body = json.dumps({"school": "larkfield", "username": "sam", "password": "open sesame"}).encode()
        req = urllib.request.Request(base + "/login", data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            login = json.load(resp)
        check("a password signs in", login.get("role") == "staff" and len(login.get("token", "")) > 40, json.dumps(login))

        # Publishing from the real process: the export goes out; the
        # Mastodon that does not exist fails, and says so.
        def api(method, path, who, payload=None):
            data = json.dumps(payload).encode() if payload is not None else None
            req = urllib.request.Request(base + path, data=data, method=method,
                                         headers={"Authorization": "Bearer " + who,
                                                  "Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=30) as resp:
                return json.load(resp)

        def submit_and_approve(text, publish_at=None):
            post = api("POST", "/posts", login["token"], {"text": text, "platforms": ["mastodon"]})
            decision = {"content_hash": post["content_hash"]}
            if publish_at is not None:
                decision["publish_at"] = publish_at
            return api("POST", "/posts/%d/approve" % post["id"], token, decision)["id"]

        def wait_for(post_id, platform, state, seconds=30):
            end = time.time() + seconds
            while time.time() < end:
                post = api("GET", "/posts/%d" % post_id, token)
                found = [d for d in post["deliveries"] if d["platform"] == platform]
                if found and found[0]["state"] == state:
                    return found[0]
                time.sleep(0.1)
            return None

        first = submit_and_approve("Year 6 sang beautifully at the carol concert.")
        exported = wait_for(first, "export", "published")
        failed = wait_for(first, "mastodon", "failed")
        check("serve publishes to the export folder",
              exported is not None and exported["url"].startswith("file://") and len(os.listdir(website)) == 1,
              json.dumps(exported))
        check("serve says why a platform failed", failed is not None and "could not be reached" in failed["message"],
              json.dumps(failed))

        when = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=3)).isoformat()
        second = submit_and_approve("Reception's nativity was a joy to watch.", when)
    server.send_signal(signal.SIGTERM)
    check("serve stops on SIGTERM", server.wait(timeout=10) == 0)

    # The scheduled post's time passes while the server is down; it goes
    # out when the server is back, and only once however often it starts.
    if m:
        time.sleep(4)
        check("nothing is published while the server is down", len(os.listdir(website)) == 1)
        for attempt in range(2):
            server = subprocess.Popen([queue, "--config", conf, "serve"], stdout=subprocess.PIPE, text=True)
            line = server.stdout.readline()
            m2 = re.search(r"http://127\.0\.0\.1:(\d+)/api/v1", line)
            base = "http://127.0.0.1:%s/api/v1" % m2.group(1)
            if attempt == 0:
                done = wait_for(second, "export", "published")
                check("a scheduled post is published after a restart", done is not None, line)
            else:
                time.sleep(2)
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=10)
        check("and published only once", len(os.listdir(website)) == 2, str(os.listdir(website)))

    r = run(conf, "audit", "verify")
    check("audit verify on an intact log", r.returncode == 0 and "intact" in r.stdout, r.stdout + r.stderr)

    r = run(conf, "audit", "export", "--format", "csv")
    lines = r.stdout.strip().splitlines()
    check("audit export as CSV", r.returncode == 0 and lines[0].startswith("seq,at,school,actor,action")
          and any("user-added" in line for line in lines), r.stdout)
    r = run(conf, "audit", "export")
    entries = json.loads(r.stdout)
    check("audit export as JSON", r.returncode == 0 and entries[0]["seq"] == 1 and "hash" in entries[0], r.stdout[:200])

    con = sqlite3.connect(db)
    con.execute("DROP TRIGGER audit_no_update")
    con.execute("UPDATE audit SET actor = 'someone else' WHERE seq = 2")
    con.commit()
    con.close()
    r = run(conf, "audit", "verify")
    check("audit verify finds an edited entry", r.returncode == 1 and "tampered" in r.stderr and "2" in r.stderr,
          r.stdout + r.stderr)

    bad = os.path.join(tmp, "bad.conf")
    with open(bad, "w") as f:
        f.write("[server]\nport=eighty\n")
    r = run(bad, "audit", "verify")
    check("a bad configuration names the key", r.returncode == 2 and "port" in r.stderr and "bad.conf" in r.stderr,
          r.stderr)

    r = run(os.path.join(tmp, "missing.conf"), "audit", "verify")
    check("a missing configuration named on the command line is reported", r.returncode == 2, r.stderr)

print("1..%d" % len(results))
for i, (name, ok, detail) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
    if not ok and detail:
        for line in detail.splitlines()[:10]:
            print("# " + line)
sys.exit(0)
