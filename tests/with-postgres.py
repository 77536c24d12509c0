#!/usr/bin/env python3
# with-postgres.py: runs a command beside a PostgreSQL server of its own
#
# Copyright 2026 The Countersign authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# usage: with-postgres.py COMMAND [ARGS...]
#
# Makes a database cluster in a temporary folder, starts it listening on a
# Unix socket only (no TCP port, so nothing else on the machine can reach
# it), runs COMMAND with CS_TEST_POSTGRES set to a libpq connection string
# for it, stops it and removes the folder. PostgreSQL refuses to run as
# root, so under root (as in CI) it runs as the "postgres" user that
# Debian's package makes. Exits with COMMAND's status.

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile


def postgres_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if not found:
        sys.exit("with-postgres: PostgreSQL is not installed (apt-get install postgresql)")
    return os.path.dirname(found[-1])


def main():
    bindir = postgres_bin()
    as_root = os.getuid() == 0
    tmp = tempfile.mkdtemp(prefix="cs-postgres-")
    os.chmod(tmp, 0o755)
    data = os.path.join(tmp, "data")
    os.mkdir(data, 0o700)
    prefix = []
    if as_root:
        user = pwd.getpwnam("postgres")
        os.chown(data, user.pw_uid, user.pw_gid)
        os.chown(tmp, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]

    def pg(*args, **kw):
        return subprocess.run(prefix + list(args), check=True, stdout=subprocess.DEVNULL, **kw)

    status = 1
    started = False
    try:
        pg(os.path.join(bindir, "initdb"), "-D", data, "-A", "trust", "-U", "postgres",
           "--no-sync", "-E", "UTF8", "--locale=C")
        # fsync stays on: the durability tests kill the server and count
        # what survived, which only means something with real syncs.
        options = "-k %s -c listen_addresses='' -c max_connections=300" % tmp
        pg(os.path.join(bindir, "pg_ctl"), "-D", data, "-o", options, "-l", os.path.join(tmp, "log"),
           "-w", "start")
        started = True
        env = dict(os.environ)
        env["CS_TEST_POSTGRES"] = "host=%s dbname=postgres user=postgres" % tmp
        status = subprocess.run(sys.argv[1:], env=env).returncode
    except subprocess.CalledProcessError as e:
        sys.stderr.write("with-postgres: %s failed\n" % " ".join(e.cmd))
        log = os.path.join(tmp, "log")
        if os.path.exists(log):
            sys.stderr.write(open(log).read())
    finally:
        if started:
            subprocess.run(prefix + [os.path.join(bindir, "pg_ctl"), "-D", data, "-m", "immediate", "stop"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(status)


if __name__ == "__main__":
    main()
