#!/usr/bin/env python3
# test-po.py: the Welsh catalogue is complete, valid and in step with the source
#
#   test-po.py SOURCE_ROOT
#
# A string marked for translation after cy.po was last updated fails here,
# so no window goes out half in English. To bring cy.po up to date:
#   meson compile -C BUILD countersign-pot countersign-update-po
# then translate every entry msgmerge adds or marks fuzzy.
#
# Copyright 2026 The Countersign authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import subprocess
import sys
import tempfile

# The same options as meson's i18n.gettext(preset: 'glib').
XGETTEXT_ARGS = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
]

n = 0
failed = False


def report(ok, name, detail=''):
    global n, failed
    n += 1
    print(('ok' if ok else 'not ok') + ' %d - %s' % (n, name))
    if not ok:
        failed = True
        for line in detail.rstrip().splitlines():
            print('# ' + line)


def entries(path):
    """The (msgctxt, msgid, msgid_plural) keys of a PO file, and the fuzzy ones."""
    keys, fuzzy = set(), set()
    cur, key, flags = {}, None, ''
    with open(path, encoding='utf-8') as f:
        lines = f.read().splitlines() + ['']
    for line in lines:
        if not line.strip():
            if 'msgid' in cur and cur['msgid'] != '':
                k = (cur.get('msgctxt'), cur['msgid'], cur.get('msgid_plural'))
                keys.add(k)
                if 'fuzzy' in flags:
                    fuzzy.add(k)
            cur, key, flags = {}, None, ''
            continue
        if line.startswith('#,'):
            flags += line
        if line.startswith('#'):
            continue
        m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line)
        if m:
            key = m.group(1)
            cur[key] = m.group(2)
        elif line.startswith('"') and key is not None:
            cur[key] += line[1:-1]
    return keys, fuzzy


def main():
    root = sys.argv[1]
    po = os.path.join(root, 'po', 'cy.po')

    # Every entry translated, none fuzzy, every format the same as the msgid's.
    r = subprocess.run(['msgfmt', '--check', '--statistics', '-o', os.devnull, po],
                       capture_output=True, text=True)
    stats = r.stderr
    report(r.returncode == 0, 'msgfmt --check accepts cy.po', stats)
    report(re.search(r'\d+ (untranslated|fuzzy)', stats) is None,
           'cy.po has no untranslated or fuzzy entries', stats)
    report(re.search(r'nplurals=6; plural=\(n==0\) \? 0 : \(n==1\) \? 1 : \(n==2\) \? 2 : '
                     r'\(n==3\) \? 3 : \(n==6\) \? 4 : 5;',
                     open(po, encoding='utf-8').read().replace('"\n"', '')) is not None,
           'cy.po has the six Welsh plural forms')

    # The built-in policy's messages as xgettext sees them.
    with open(os.path.join(root, 'data', 'policies', 'default-policy-strings.h'), encoding='utf-8') as f:
        written = f.read()
    r = subprocess.run([sys.executable, os.path.join(root, 'data', 'policies', 'policy-strings.py')],
                       capture_output=True, text=True)
    report(r.returncode == 0 and r.stdout == written,
           'default-policy-strings.h matches default.json',
           'run data/policies/policy-strings.py > data/policies/default-policy-strings.h\n' + r.stderr)

    # A fresh POT from the sources: every msgid in it is in cy.po.
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'countersign.pot')
        r = subprocess.run(['xgettext', '--package-name=countersign', '-D', root, '-o', pot,
                            '-f', os.path.join(root, 'po', 'POTFILES.in')] + XGETTEXT_ARGS,
                           capture_output=True, text=True)
        report(r.returncode == 0 and os.path.exists(pot), 'xgettext reads every file in POTFILES.in', r.stderr)
        if os.path.exists(pot):
            wanted, _ = entries(pot)
            have, fuzzy = entries(po)
            missing = sorted(wanted - have, key=str)
            report(not missing, 'every string marked in the sources is in cy.po',
                   '%d missing, for example:\n' % len(missing) +
                   '\n'.join(repr(m[1][:100]) for m in missing[:10]))
            stale = sorted(have - wanted, key=str)
            report(not stale, 'cy.po holds no strings the sources no longer have',
                   '%d stale, for example:\n' % len(stale) +
                   '\n'.join(repr(m[1][:100]) for m in stale[:10]))

    # Every source file that marks strings is listed, so none is left out of the POT.
    listed = set()
    with open(os.path.join(root, 'po', 'POTFILES.in'), encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                listed.add(line)
    marked = re.compile(r'(\b_|\bN_|\bC_|\bNC_|g_dngettext|\bngettext) ?\(|translatable="yes"')
    unlisted = []
    for sub in ('src/app', 'src/core', 'ui'):
        for name in sorted(os.listdir(os.path.join(root, sub))):
            rel = sub + '/' + name
            if not name.endswith(('.c', '.ui')) or rel in listed:
                continue
            # The server's and the publishers' messages stay in English.
            if re.search(r'-publisher\.c$|publish-match', name):
                continue
            with open(os.path.join(root, rel), encoding='utf-8') as f:
                if marked.search(f.read()):
                    unlisted.append(rel)
    report(not unlisted, 'POTFILES.in lists every file that marks strings', '\n'.join(unlisted))

    print('1..%d' % n)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
