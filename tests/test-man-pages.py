#!/usr/bin/env python3
# test-man-pages.py: the manual pages format without a warning and match --help
#
# Copyright 2026 The Countersign authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# usage: test-man-pages.py PAGE.1 PROGRAM [PAGE.1 PROGRAM]...
#
# Each page is formatted by groff with every warning on, and by man-db as
# man(1) would show it; any warning fails. Then PROGRAM --help is run, and
# every option and configuration key it mentions must be in the page, so
# that the two cannot drift apart. Prints TAP.

import os
import re
import shutil
import subprocess
import sys

ENV = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80", MANROFFSEQ="")

n = 0
failed = False


def result(ok, name, detail=""):
    global n, failed
    n += 1
    print(("ok" if ok else "not ok") + " %d %s" % (n, name))
    if not ok:
        failed = True
        for line in detail.rstrip().splitlines():
            print("# " + line)


def warnings_of(command):
    done = subprocess.run(command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    return done.returncode, done.stderr


def page_words(page):
    # The page's text with troff's escapes for a hyphen and a backslash undone.
    with open(page, encoding="utf-8") as f:
        return f.read().replace("\\-", "-").replace("\\%", "").replace("\\e", "\\")


def help_names(program):
    done = subprocess.run([program, "--help"], env=ENV, capture_output=True, text=True)
    text = done.stdout + done.stderr
    options = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", text))
    options.discard("--help")
    # Configuration keys, listed as "  key=value  description".
    keys = set(re.findall(r"^\s+([a-z_]+)=", text, re.M))
    # Subcommands from the usage lines: "countersign-queue [...] user add".
    commands = set()
    for line in text.splitlines():
        m = re.match(r"\s+\S+ \[--config FILE\] ([a-z]+(?: [a-z]+)?)", line)
        if m:
            commands.add(m.group(1))
    return done.returncode, options, keys, commands


def main():
    args = sys.argv[1:]
    if not args or len(args) % 2:
        print("usage: test-man-pages.py PAGE.1 PROGRAM...", file=sys.stderr)
        return 2

    groff = shutil.which("groff")
    man = shutil.which("man")
    for page, program in zip(args[0::2], args[1::2]):
        name = os.path.basename(page)
        if groff:
            rc, err = warnings_of([groff, "-man", "-ww", "-z", "-Tutf8", page])
            result(rc == 0 and err == "", name + ": groff -man -ww has no warnings", err)
        else:
            print("ok %d # SKIP groff is not installed" % (n + 1))
        if man:
            rc, err = warnings_of([man, "--warnings", "-l", page])
            result(rc == 0 and err == "", name + ": man --warnings has no warnings", err)
        else:
            print("ok %d # SKIP man is not installed" % (n + 1))

        text = page_words(page)
        rc, options, keys, commands = help_names(program)
        result(rc == 0 and options, name + ": " + os.path.basename(program) + " --help runs")
        for option in sorted(options):
            result(option in text, "%s documents %s" % (name, option))
        for key in sorted(keys):
            result(re.search(r"\b%s=" % re.escape(key), text) is not None,
                   "%s documents the key %s" % (name, key))
        for command in sorted(commands):
            result(command in text, "%s documents the command %s" % (name, command))
        result("@VERSION@" not in text, name + ": the version is filled in")

    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
