#!/usr/bin/env python3
# policy-strings.py: writes the built-in policy's messages as N_() lines for xgettext
#
# The checker looks each rule's message up with g_dgettext() when it makes a
# finding, so the messages in default.json need to be in the catalogue.
# xgettext cannot read JSON, so this writes them out in C, one N_() each,
# to default-policy-strings.h beside it. Run it after changing a message:
#
#   data/policies/policy-strings.py > data/policies/default-policy-strings.h
#
# The 'policy-strings' test fails when the file is out of date.
#
# Copyright 2026 The Countersign authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import sys


def c_string(text):
    return '"' + text.replace('\\', '\\\\').replace('"', '\\"') + '"'


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), 'default.json')
    with open(path, encoding='utf-8') as f:
        policy = json.load(f)

    out = ['/* default-policy-strings.h: the built-in policy\'s messages, for xgettext',
           ' *',
           ' * Written by data/policies/policy-strings.py from default.json; do not edit.',
           ' * Never compiled: it is listed in po/POTFILES.in only.',
           ' *',
           ' * Copyright 2026 The Countersign authors',
           ' * SPDX-License-Identifier: GPL-3.0-or-later',
           ' */',
           '']
    for rule_id, rule in policy['rules'].items():
        message = rule.get('message', '')
        if not message:
            continue
        out.append('/* Translators: the %s rule\'s message. Keep {text} (the words or the' % rule_id)
        out.append('   photo found) and {detail} (a phrase the checker adds) as they are. */')
        out.append('N_(%s);' % c_string(message))
    sys.stdout.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
