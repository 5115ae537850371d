/**
 * Character names for `\N{...}` escapes (CPython's `_getcode` of
 * `Modules/unicodedata.c`, reached through `_PyUnicode_Name_CAPI`).
 *
 * The table is `unicode-names.dat`, written by
 * `tools/parser/gen_unicode_names.py` from CPython 3.13's unicodedata
 * (format in that script). It is read and indexed on the first lookup only:
 * most programs never write `\N{...}`, and the index costs about 50,000
 * strings.
 *
 * The file sits next to this module's source; the compiled module in
 * `dist/parser/` reaches it as `../../src/parser/` (the package ships `src`),
 * so the same relative URL works from both.
 */

import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

const DATA_URL = new URL('../../src/parser/unicode-names.dat', import.meta.url);
const HANGUL_FIRST = 0xac00;
const HANGUL_LAST = 0xd7a3;
const CJK_PREFIX = 'CJK UNIFIED IDEOGRAPH-';

interface NameTable {
  readonly codes: Map<string, number>;
  readonly cjkRanges: readonly (readonly [number, number])[];
}

let table: NameTable | undefined;

function loadTable(): NameTable {
  const text = inflateSync(readFileSync(DATA_URL)).toString('utf8');
  const lines = text.split('\n');
  const cjkRanges = lines[0]
    .split(' ')
    .slice(1)
    .map((range) => {
      const [first, last] = range.split('-');
      return [parseInt(first, 16), parseInt(last, 16)] as const;
    });
  const codes = new Map<string, number>();
  let cp = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const space = line.indexOf(' ');
    cp += parseInt(line.slice(0, space), 16);
    codes.set(line.slice(space + 1), cp);
  }
  return { codes, cjkRanges };
}

/**
 * The code point named `name`, or -1. Names and aliases compare
 * case-insensitively; HANGUL SYLLABLE and CJK UNIFIED IDEOGRAPH names only in
 * upper case, as in CPython (it derives those two algorithmically and
 * compares them with `strncmp`).
 */
export function lookupUnicodeName(name: string): number {
  table ??= loadTable();
  if (name.startsWith(CJK_PREFIX)) {
    const digits = name.slice(CJK_PREFIX.length);
    if ((digits.length !== 4 && digits.length !== 5) || !/^[0-9A-F]+$/.test(digits)) return -1;
    const cp = parseInt(digits, 16);
    for (const [first, last] of table.cjkRanges) if (cp >= first && cp <= last) return cp;
    return -1;
  }
  // Py_TOUPPER: ASCII letters only.
  const cp = table.codes.get(name.replace(/[a-z]+/g, (letters) => letters.toUpperCase()));
  if (cp === undefined) return -1;
  if (cp >= HANGUL_FIRST && cp <= HANGUL_LAST && !table.codes.has(name)) return -1;
  return cp;
}
