/**
 * str against the peers issue 19 names, in the same run: the hash of
 * 1,000 random 20-character strings seen for the first time (SipHash-1-3
 * over the PEP 393 data, as CPython's default) vs a JavaScript string hash
 * (FNV-1a over the UTF-16 code units) — and the cached hash, which is
 * what every later lookup pays — and `','.join` of 10,000 short strings
 * vs `Array.prototype.join` and CPython 3.13's `timeit`.
 */

import { timeLoop, type BenchSample, type BenchSuite } from '@ft/harness';
import { decref } from '@ft/refcount';
import { createObjectsRuntime, listFromArray, strFromJs, strHash, type ObjectsRuntime } from '../src/index.js';
import { STR_HASH_OFFSET } from '../src/layout.js';
import { strJoin } from '../src/str-methods.js';
import { cpythonTimeit } from './cpython-timeit.js';

/** 1,000 pseudo-random 20-character ASCII strings. */
function randomStrings(): string[] {
  let x = 0x2545f491;
  const out: string[] = [];
  for (let i = 0; i < 1000; i++) {
    let s = '';
    for (let k = 0; k < 20; k++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      s += String.fromCharCode(97 + ((x >>> 0) % 26));
    }
    out.push(s);
  }
  return out;
}

const STRINGS = randomStrings();
/** 10,000 short strings: `w0` … `w99` over and over. */
const PARTS = Array.from({ length: 10_000 }, (_, i) => `w${i % 100}`);

function withRuntime(body: (rt: ObjectsRuntime) => BenchSample): BenchSample {
  const rt = createObjectsRuntime();
  try {
    return body(rt);
  } finally {
    rt.close();
  }
}

/** FNV-1a over the UTF-16 code units: a hash a JavaScript program would write. */
function jsHash(): BenchSample {
  return timeLoop((n) => {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const s = STRINGS[i % 1000]!;
      let h = 0x811c9dc5;
      for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
      acc ^= h;
    }
    return acc;
  });
}

/** `hash(s)` of a str whose hash is not cached yet (the cache word is reset before each). */
function strHashFirst(cached: boolean): BenchSample {
  return withRuntime((rt) => {
    const t = rt.t;
    const strs = STRINGS.map((s) => strFromJs(t, s));
    const sample = timeLoop((n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const s = strs[i % 1000]!;
        if (!cached) t.i32[(s + STR_HASH_OFFSET) >>> 2] = -1;
        acc ^= strHash(t, s);
      }
      return acc;
    });
    for (const s of strs) decref(t.rc, s);
    return sample;
  });
}

function jsJoin(): BenchSample {
  return timeLoop((n) => {
    let total = 0;
    for (let i = 0; i < n; i++) total += PARTS.join(',').length;
    return total;
  });
}

function strJoinCase(): BenchSample {
  return withRuntime((rt) => {
    const t = rt.t;
    const items = PARTS.map((s) => strFromJs(t, s));
    const list = listFromArray(t, items);
    for (const s of items) decref(t.rc, s);
    const sep = strFromJs(t, ',');
    const sample = timeLoop((n) => {
      let total = 0;
      for (let i = 0; i < n; i++) {
        const r = strJoin(t, sep, list);
        total += r;
        decref(t.rc, r);
      }
      return total;
    });
    decref(t.rc, sep);
    decref(t.rc, list);
    return sample;
  });
}

export const suites: BenchSuite[] = [
  {
    name: 'objects/str-hash',
    description: 'hash of 1,000 random 20-character strings (ns per string)',
    target: 'report the ratio to a JavaScript string hash (FNV-1a)',
    cases: [
      { name: 'JavaScript FNV-1a over the code units (baseline)', baseline: true, run: () => jsHash() },
      { name: 'strHash, first time (SipHash-1-3 of the data)', run: () => strHashFirst(false) },
      { name: 'strHash, cached', run: () => strHashFirst(true) },
    ],
  },
  {
    name: 'objects/str-join',
    description: "','.join of a list of 10,000 short strings (ns per join)",
    target: 'report the ratio to Array.prototype.join',
    cases: [
      { name: 'Array.prototype.join (baseline)', baseline: true, run: () => jsJoin() },
      { name: 'strJoin of a list', run: () => strJoinCase() },
      { name: 'CPython 3.13 timeit', run: ({ quick }) => cpythonTimeit(`parts = ['w%d' % (i % 100) for i in range(10000)]`, "','.join(parts)", quick, quick ? 200 : 2000) },
    ],
  },
];
