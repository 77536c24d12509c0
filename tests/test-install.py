#!/usr/bin/env python3
# test-install.py: `meson install` puts every file where GNOME looks for it
#
#   test-install.py BUILD_ROOT SOURCE_ROOT
#
# Installs the build into a temporary DESTDIR with `meson install
# --no-rebuild` (meson test has built the installed targets first: they are
# this test's depends) and checks that the launcher, the software-centre
# entry, both icons, the settings schema, the Welsh catalogue, the manual
# pages, the guide and the programs land under the prefix as the desktop,
# yelp and man expect. Prints TAP.
#
# Copyright 2026 The Countersign authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

APP_ID = 'io.github.countersign.Countersign'

n = 0
failed = False


def report(ok, name, detail=''):
    global n, failed
    n += 1
    print(('ok' if ok else 'not ok') + ' %d %s' % (n, name))
    if not ok:
        failed = True
        for line in str(detail).rstrip().splitlines():
            print('# ' + line)


def meson_command():
    # Meson tells its tests how to run itself, as the introspection command.
    introspect = os.environ.get('MESONINTROSPECT')
    if introspect:
        return shlex.split(introspect)[:-1]
    return [shutil.which('meson') or 'meson']


def main():
    build, source = sys.argv[1], sys.argv[2]
    meson = meson_command()

    options = subprocess.run(meson + ['introspect', '--buildoptions', build],
                             capture_output=True, text=True, check=True)
    option = {o['name']: o['value'] for o in json.loads(options.stdout)}
    prefix = option['prefix']

    def under(key, *parts):
        path = option[key]
        if not os.path.isabs(path):
            path = os.path.join(prefix, path)
        return os.path.join(*((path,) + parts))

    with tempfile.TemporaryDirectory(prefix='countersign-install-') as destdir:
        done = subprocess.run(meson + ['install', '-C', build, '--no-rebuild', '--quiet',
                                       '--destdir', destdir],
                              capture_output=True, text=True)
        report(done.returncode == 0, 'meson install --no-rebuild into a DESTDIR succeeds',
               done.stdout + done.stderr)

        def installed(path):
            return os.path.join(destdir, path.lstrip('/'))

        expected = [
            ('the launcher', under('datadir', 'applications', APP_ID + '.desktop')),
            ('the D-Bus service', under('datadir', 'dbus-1', 'services', APP_ID + '.service')),
            ('the software-centre entry', under('datadir', 'metainfo', APP_ID + '.metainfo.xml')),
            ('the app icon', under('datadir', 'icons', 'hicolor', 'scalable', 'apps', APP_ID + '.svg')),
            ('the symbolic icon', under('datadir', 'icons', 'hicolor', 'symbolic', 'apps',
                                        APP_ID + '-symbolic.svg')),
            ('the settings schema', under('datadir', 'glib-2.0', 'schemas', APP_ID + '.gschema.xml')),
            ('the Welsh catalogue', under('localedir', 'cy', 'LC_MESSAGES', 'countersign.mo')),
            ('the manual page of countersign-check', under('mandir', 'man1', 'countersign-check.1')),
            ('the manual page of countersign-queue', under('mandir', 'man1', 'countersign-queue.1')),
            ('the built-in policy', under('datadir', 'countersign', 'policies', 'default.json')),
            ('the example queue configuration', under('datadir', 'doc', 'countersign', 'queue.conf.example')),
            ('the app', under('bindir', 'countersign')),
            ('countersign-check', under('bindir', 'countersign-check')),
            ('countersign-queue', under('bindir', 'countersign-queue')),
        ]
        for what, path in expected:
            report(os.path.isfile(installed(path)), '%s is installed as %s' % (what, path))

        for program in ('countersign', 'countersign-check', 'countersign-queue'):
            path = installed(under('bindir', program))
            report(os.access(path, os.X_OK), '%s is executable' % program)

        # Every page of the guide, where yelp finds help:countersign.
        help_dir = under('datadir', 'help', 'C', 'countersign')
        pages = sorted(p for p in os.listdir(os.path.join(source, 'help', 'C')) if p.endswith('.page'))
        report('index.page' in pages, 'the guide has an index page')
        missing = [p for p in pages if not os.path.isfile(installed(os.path.join(help_dir, p)))]
        report(not missing, 'all %d pages of the guide are installed in %s' % (len(pages), help_dir),
               'missing: ' + ' '.join(missing))

        # Nothing lands outside the prefix: an install that writes to /etc or
        # /usr behind the prefix's back would surprise a packager. (The
        # systemd unit goes to PREFIX/lib/systemd/system.)
        stray = []
        for root, dirs, files in os.walk(destdir):
            for name in files:
                path = '/' + os.path.relpath(os.path.join(root, name), destdir)
                if not path.startswith(prefix.rstrip('/') + '/'):
                    stray.append(path)
        report(not stray, 'every file is under the prefix %s' % prefix, '\n'.join(stray))

        # The installed manual pages have their version filled in.
        for page in ('countersign-check.1', 'countersign-queue.1'):
            path = installed(under('mandir', 'man1', page))
            text = open(path, encoding='utf-8').read() if os.path.isfile(path) else ''
            report(text.startswith('.\\"') and '@VERSION@' not in text,
                   '%s is a manual page with its version filled in' % page)

    print('1..%d' % n)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
