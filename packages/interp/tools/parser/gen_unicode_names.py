"""Writes src/parser/unicode-names.dat: the character names that `\\N{...}`
accepts in a str literal, as CPython 3.13's unicodedata knows them
(Unicode 15.1). Run once with the pinned interpreter:

    $(pyenv root)/versions/3.13.0/bin/python3 tools/parser/gen_unicode_names.py

Candidates are every code point's `unicodedata.name` plus the formal aliases
of NameAliases.txt (Debian's `unicode-data` package installs it under
/usr/share/unicode; pass another path as the first argument); each one is
kept only if `unicodedata.lookup` maps it back to its code point, so the
file holds exactly what this CPython accepts. CJK UNIFIED IDEOGRAPH-XXXX
names are algorithmic in CPython (`_getcode` of Modules/unicodedata.c):
only their ranges are written.

Format (zlib-deflated UTF-8 text, one record per line):
    line 1: `cjk` then the unified ideograph ranges as `first-last` in hex
    then:   `<delta> <NAME>`, the code point as a hex delta from the previous
            record's (records sorted by code point; aliases follow the name
            of their code point)
Lookup is case-insensitive except for HANGUL SYLLABLE names (CPython
compares those case-sensitively), which the reader handles.
"""

import os
import sys
import unicodedata
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', 'src', 'parser', 'unicode-names.dat')
ALIASES = sys.argv[1] if len(sys.argv) > 1 else '/usr/share/unicode/NameAliases.txt'


def main():
    assert sys.version_info[:3] == (3, 13, 0), 'run with the pinned CPython 3.13.0'
    assert unicodedata.unidata_version == '15.1.0'
    records = []
    cjk = []
    for cp in range(0x110000):
        name = unicodedata.name(chr(cp), None)
        if name is None:
            continue
        if name.startswith('CJK UNIFIED IDEOGRAPH-'):
            assert unicodedata.lookup(name) == chr(cp)
            cjk.append(cp)
            continue
        if unicodedata.lookup(name) == chr(cp):
            records.append((cp, name))
    dropped = 0
    with open(ALIASES, encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            cp_hex, alias, _kind = line.split(';')
            cp = int(cp_hex, 16)
            try:
                ok = unicodedata.lookup(alias) == chr(cp)
            except KeyError:
                ok = False
            if ok:
                records.append((cp, alias))
            else:
                dropped += 1
    records.sort(key=lambda r: r[0])  # stable: a code point's name before its aliases
    ranges = []
    for cp in cjk:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    lines = ['cjk ' + ' '.join(f'{a:x}-{b:x}' for a, b in ranges)]
    previous = 0
    for cp, name in records:
        lines.append(f'{cp - previous:x} {name}')
        previous = cp
    data = zlib.compress('\n'.join(lines).encode('utf-8'), 9)
    with open(OUT, 'wb') as f:
        f.write(data)
    print(f'{len(records)} names ({dropped} aliases dropped), {len(ranges)} CJK ranges, {len(data)} bytes -> {os.path.relpath(OUT)}')


main()
