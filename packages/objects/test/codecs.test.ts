/**
 * codecs.ts against CPython 3.13 (fixtures/codecs-cpython.json, made once
 * by codecs-cpython.py): `str.encode` and `bytes.decode` for utf-8, ascii,
 * latin-1, utf-16 and utf-32 (with a BOM, little- and big-endian) under
 * every error handler — strict, ignore, replace, backslashreplace,
 * surrogateescape, surrogatepass, xmlcharrefreplace and an unknown name —
 * on edge inputs (lone and paired surrogates, truncated, overlong and
 * out-of-range UTF-8, BOMs, odd lengths) and random ones; each
 * UnicodeEncodeError / UnicodeDecodeError with its message and its fields
 * (`encoding`, `start`, `end`, `reason`, `object`); every alias of these
 * codecs and unknown names. Decoded strs must be canonical (narrowest
 * kind) and held once; live blocks come back after each batch.
 */

import { readFileSync } from 'node:fs';
import { miStats } from '@ft/mimalloc';
import { getRefcount, isImmortal } from '@ft/refcount';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errFetch, formatError, intAsNumber, intFromNumber, listFromArray, objectGetAttr, objectReprJs, strCodePointAt, strFromJs, strInternFromJs, strLength, strToJs, type FetchedError, type ObThread } from '../src/index.js';
import { codecLookup, strEncodeJs, unicodeDecode } from '../src/codecs.js';
import { STR_ASCII_OFFSET, STR_KIND_OFFSET } from '../src/layout.js';
import { strFromCodePoints } from '../src/str-methods.js';
import { makeRuntime, release, type Runtime } from './runtime.js';

interface Outcome {
  bytes?: string;
  str?: number[];
  error?: string;
  start?: number;
  end?: number;
  reason?: string;
  encoding?: string;
}

interface Fixture {
  encodes: [number[], string, string, Outcome][];
  decodes: [string, string, string, Outcome][];
  lookups: [string, Outcome][];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/codecs-cpython.json', import.meta.url), 'utf8')) as Fixture;

let r: Runtime;
let t: ObThread;
beforeAll(() => {
  r = makeRuntime();
  t = r.t;
  for (const name of ['start', 'end', 'reason', 'encoding', 'object']) nameOf(name);
});
afterAll(() => r?.close());

function liveBlocks(): number {
  return miStats(r.rc.mi!).liveBlocks - t.floatFreeList.length - t.intFreeList.length;
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (s: string): Uint8Array => Uint8Array.from({ length: s.length / 2 }, (_, i) => parseInt(s.slice(2 * i, 2 * i + 2), 16));

let wrong: string[] = [];
function complain(what: string): void {
  if (wrong.length < 30) wrong.push(what);
}

/** An attribute of an exception object: an int as a number, a str as text, else its repr. */
/** Attribute names, interned once: the method cache keeps the names it looked up (a fresh str per lookup would stay there). */
const names = new Map<string, number>();
function nameOf(name: string): number {
  let n = names.get(name);
  if (n === undefined) names.set(name, (n = strInternFromJs(t, name)));
  return n;
}

function attr(exc: number, name: string): string | number {
  const v = objectGetAttr(t, exc, nameOf(name));
  if (v === 0) return `!${formatError(t, errFetch(t)!)}`;
  const repr = objectReprJs(t, v)!;
  const out = /^-?\d+$/.test(repr) ? intAsNumber(t, v) : repr.startsWith("'") ? strToJs(t, v) : repr;
  release(r, v);
  return out;
}

/** The fetched error as the fixture writes it (the exception's fields for Unicode errors); `object` must be `expectedObject` when given. */
function errorOutcome(fetched: FetchedError, where: string, expectedObject: number): Outcome {
  const out: Outcome = { error: formatError(t, fetched) };
  if (fetched.value !== 0) {
    if (out.error!.startsWith('Unicode')) {
      out.start = attr(fetched.value, 'start') as number;
      out.end = attr(fetched.value, 'end') as number;
      out.reason = attr(fetched.value, 'reason') as string;
      out.encoding = attr(fetched.value, 'encoding') as string;
      if (expectedObject !== 0) {
        const o = objectGetAttr(t, fetched.value, nameOf('object'));
        if (o !== expectedObject) complain(`${where}: the error's object is not the input`);
        release(r, o);
      }
    }
    release(r, fetched.value);
  }
  return out;
}

function same(got: Outcome, expected: Outcome, where: string): void {
  if (JSON.stringify(got) !== JSON.stringify(expected)) complain(`${where}: ${JSON.stringify(got)} ≠ ${JSON.stringify(expected)}`);
}

describe('str.encode against CPython 3.13', () => {
  it(`${fixture.encodes.length} cases: every codec × handler, errors with their fields; the error's object is the str`, () => {
    wrong = [];
    const before = liveBlocks();
    for (const [cps, codec, errors, expected] of fixture.encodes) {
      const s = strFromCodePoints(t, cps);
      const where = `${JSON.stringify(cps)}.encode(${codec}, ${errors})`;
      const got = strEncodeJs(t, s, codec, errors);
      const out = got !== null ? { bytes: hex(got) } : errorOutcome(errFetch(t)!, where, s);
      same(out, expected, where);
      if (!isImmortal(r.rc, s) && getRefcount(r.rc, s) !== 1) complain(`${where}: the str's refcount ${getRefcount(r.rc, s)}`);
      release(r, s);
    }
    expect(wrong).toEqual([]);
    expect(liveBlocks()).toBe(before);
  });

  it('defaults: utf-8, strict', () => {
    const s = strFromJs(t, 'é\u{1f600}');
    expect(hex(strEncodeJs(t, s)!)).toBe('c3a9f09f9880');
    release(r, s);
  });
});

describe('bytes.decode against CPython 3.13', () => {
  it(`${fixture.decodes.length} cases: every codec × handler, errors with their fields`, () => {
    wrong = [];
    const before = liveBlocks();
    for (const [data, codec, errors, expected] of fixture.decodes) {
      const where = `b'${data}'.decode(${codec}, ${errors})`;
      const got = unicodeDecode(t, unhex(data), codec, errors);
      let out: Outcome;
      if (got === 0) out = errorOutcome(errFetch(t)!, where, 0);
      else {
        const n = strLength(t, got);
        const cps: number[] = [];
        let max = 0;
        for (let i = 0; i < n; i++) {
          const c = strCodePointAt(t, got, i);
          cps.push(c);
          max = Math.max(max, c);
        }
        const kind = max < 0x100 ? 1 : max < 0x10000 ? 2 : 4;
        if (t.u8[got + STR_KIND_OFFSET] !== kind || t.u8[got + STR_ASCII_OFFSET] !== (max < 0x80 ? 1 : 0)) complain(`${where}: not canonical`);
        if (!isImmortal(r.rc, got) && getRefcount(r.rc, got) !== 1) complain(`${where}: refcount ${getRefcount(r.rc, got)}`);
        release(r, got);
        out = { str: cps };
      }
      same(out, expected, where);
    }
    expect(wrong).toEqual([]);
    expect(liveBlocks()).toBe(before);
  });

  it("a UnicodeDecodeError's object is the source named, else a tuple of the byte values", () => {
    const data = unhex('61ff62');
    const source = listFromArray(t, [97, 255, 98].map((b) => intFromNumber(t, b))); // small ints: immortal
    expect(unicodeDecode(t, data, 'utf-8', 'strict', source)).toBe(0);
    const fetched = errFetch(t)!;
    expect(formatError(t, fetched)).toBe("UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 1: invalid start byte");
    const n = nameOf('object');
    const o = objectGetAttr(t, fetched.value, n);
    expect(o).toBe(source);
    release(r, o, fetched.value);
    expect(unicodeDecode(t, data, 'ascii')).toBe(0);
    const second = errFetch(t)!;
    expect(formatError(t, second)).toBe("UnicodeDecodeError: 'ascii' codec can't decode byte 0xff in position 1: ordinal not in range(128)");
    const o2 = objectGetAttr(t, second.value, n);
    expect(objectReprJs(t, o2)).toBe('(97, 255, 98)');
    release(r, o2, second.value, source);
  });
});

describe('encoding names against CPython 3.13', () => {
  it(`${fixture.lookups.length} names: every alias of these codecs, spelling variants, unknown names`, () => {
    wrong = [];
    const s = strFromJs(t, 'a€\x80');
    const a = strFromJs(t, 'a');
    for (const [name, expected] of fixture.lookups) {
      const input = expected.error !== undefined || expected.bytes === '61' ? a : s;
      const got = strEncodeJs(t, input, name, 'xmlcharrefreplace');
      same(got !== null ? { bytes: hex(got) } : { error: formatError(t, errFetch(t)!) }, expected, JSON.stringify(name));
    }
    release(r, s, a);
    expect(wrong).toEqual([]);
    expect(codecLookup(t, 'UTF8')).toBe('utf-8');
    expect(codecLookup(t, 'nope')).toBe(null);
    expect(formatError(t, errFetch(t)!)).toBe('LookupError: unknown encoding: nope');
  });
});
