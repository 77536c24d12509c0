#!/usr/bin/env python3
# with-keyring.py: runs a command with a GNOME Keyring of its own
#
# Copyright 2026 The Countersign authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# usage: with-keyring.py COMMAND [ARGS...]
#
# Starts a private D-Bus session bus (dbus-run-session), and on it
# gnome-keyring-daemon with only its Secret Service, its files in a
# temporary folder. The daemon is given an empty password on stdin, so it
# makes a "login" keyring, unlocked, as the default collection: what a
# desktop session has, with no prompt. Then it runs COMMAND, stops the
# daemon and removes the folder; the user's own keyring is never touched.
# Exits with COMMAND's status. Without dbus-run-session or the daemon it
# prints a TAP plan that skips, for meson's TAP tests.

import os
import shutil
import subprocess
import sys
import tempfile
import time

INNER = "--inside-session"


def skip(reason):
    print("1..0 # SKIP %s" % reason)
    sys.exit(0)


def secret_service_is_up(env):
    answer = subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.DBus",
                             "--object-path", "/org/freedesktop/DBus",
                             "--method", "org.freedesktop.DBus.NameHasOwner", "org.freedesktop.secrets"],
                            env=env, capture_output=True, text=True)
    return answer.returncode == 0 and "true" in answer.stdout


def inside_session(command):
    tmp = tempfile.mkdtemp(prefix="cs-keyring-")
    env = dict(os.environ)
    # Everything the daemon writes goes under tmp: keyrings/ under the
    # data folder, its control socket under the runtime folder.
    for name in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"):
        path = os.path.join(tmp, name.lower())
        os.mkdir(path, 0o700)
        env[name] = path

    # The tests' G_DEBUG=fatal-warnings is for the tests: the daemon logs
    # warnings of its own (no PAM, no session manager here) and would abort.
    daemon_env = {k: v for k, v in env.items() if k not in ("G_DEBUG", "G_MESSAGES_DEBUG")}

    daemon = None
    status = 1
    log_path = os.path.join(tmp, "daemon.log")
    try:
        log = open(log_path, "wb")
        daemon = subprocess.Popen(["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                                  stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log,
                                  env=daemon_env)
        log.close()
        # One empty line: an empty password. Without the newline the
        # daemon reads no password at all and makes no login keyring.
        daemon.stdin.write(b"\n")
        daemon.stdin.close()

        deadline = time.monotonic() + 20
        while not secret_service_is_up(env):
            if daemon.poll() is not None:
                with open(log_path, errors="replace") as f:
                    sys.exit("with-keyring: gnome-keyring-daemon stopped: %s" % f.read())
            if time.monotonic() > deadline:
                sys.exit("with-keyring: gnome-keyring-daemon did not start within 20 seconds")
            time.sleep(0.05)

        status = subprocess.run(command, env=env).returncode
    finally:
        if daemon is not None and daemon.poll() is None:
            daemon.terminate()
            try:
                daemon.wait(timeout=10)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return status


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: with-keyring.py COMMAND [ARGS...]")

    if sys.argv[1] == INNER:
        sys.exit(inside_session(sys.argv[2:]))

    for tool in ("dbus-run-session", "gnome-keyring-daemon", "gdbus"):
        if shutil.which(tool) is None:
            skip("%s is not installed (apt-get install dbus-daemon gnome-keyring libglib2.0-bin)" % tool)

    # A bus of its own, ended with the command: the keyring cannot leak
    # into, or read from, the session of whoever runs the tests.
    sys.exit(subprocess.run(["dbus-run-session", "--", sys.executable, os.path.abspath(__file__), INNER]
                            + sys.argv[1:]).returncode)


if __name__ == "__main__":
    main()
