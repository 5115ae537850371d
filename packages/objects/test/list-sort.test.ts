import { readFileSync } from 'node:fs';
import { Rng } from '@ft/harness';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reverseSlice, timsort, type LessThan } from '../src/list-sort.js';

// Elements are ids 0..n-1 (an element's original position) and `lt` compares
// vals[a] < vals[b]; with values, values[i] starts as id + VOFF, so a value
// that left its key shows. The sorted ranges sit inside a guarded buffer
// (keys, then values, in the SAME Uint32Array) so a write outside them shows.
const VOFF = 1_000_000;
const GUARD = 0xdeadbeef;
const PAD = 3;

interface SortRun {
  rc: number;
  compares: number;
  /** The ids in the keys range after the sort. */
  keys: number[];
  /** The values range after the sort, minus VOFF (null without values). */
  values: number[] | null;
}

interface SortOptions {
  withValues?: boolean;
  /** Return -1 from the failAt-th comparison (1-based). */
  failAt?: number;
  /** Answers the comparison of ids a and b; default vals[a] < vals[b]. */
  answer?: (a: number, b: number) => number;
  /** Called before each comparison with (count so far, a, b). */
  onCompare?: (count: number, a: number, b: number) => void;
}

function sortIds(vals: ArrayLike<number>, opts: SortOptions = {}): SortRun {
  const n = vals.length;
  const withValues = opts.withValues ?? false;
  const buf = new Uint32Array(2 * n + 3 * PAD).fill(GUARD);
  const kStart = PAD;
  const vStart = kStart + n + PAD;
  for (let i = 0; i < n; i++) {
    buf[kStart + i] = i;
    buf[vStart + i] = i + VOFF;
  }
  let compares = 0;
  const failAt = opts.failAt ?? 0;
  const answer = opts.answer;
  const onCompare = opts.onCompare;
  const lt: LessThan = (a, b) => {
    if (a >= n || b >= n) throw new Error(`compared a non-element: ${a}, ${b}`);
    onCompare?.(compares, a, b);
    compares++;
    if (compares === failAt) return -1;
    if (answer !== undefined) return answer(a, b);
    return vals[a] < vals[b] ? 1 : 0;
  };
  const rc = timsort(buf, kStart, n, withValues ? buf : null, vStart, lt);
  // Plain checks (not one expect per element: the error tests sort thousands of times).
  for (let i = 0; i < PAD; i++) {
    if (buf[i] !== GUARD || buf[kStart + n + i] !== GUARD || buf[vStart + n + i] !== GUARD) throw new Error('a guard slot was overwritten');
  }
  const keys = Array.from(buf.subarray(kStart, kStart + n));
  const values = withValues ? Array.from(buf.subarray(vStart, vStart + n), (v) => v - VOFF) : null;
  if (!withValues) {
    for (let i = 0; i < n; i++) if (buf[vStart + i] !== i + VOFF) throw new Error('values moved although the sort had none');
  }
  return { rc, compares, keys, values };
}

/** The reference model: a stable sort, by explicit index tiebreak. */
function modelOrder(vals: ArrayLike<number>): number[] {
  const ids = Array.from({ length: vals.length }, (_, i) => i);
  return ids.sort((a, b) => (vals[a] < vals[b] ? -1 : vals[b] < vals[a] ? 1 : a - b));
}

function expectPermutationPaired(run: SortRun, n: number): void {
  const seen = new Uint8Array(n);
  let problem = '';
  for (let i = 0; i < n && problem === ''; i++) {
    const id = run.keys[i];
    if (!(id < n) || seen[id] !== 0) problem = `key ${id} at ${i} is lost or duplicated`;
    else seen[id] = 1;
    if (run.values !== null && run.values[i] !== id) problem = `value ${run.values[i]} at ${i} is not paired with key ${id}`;
  }
  expect(problem).toBe('');
}

function expectSortedLikeModel(vals: ArrayLike<number>, run: SortRun): void {
  expect(run.rc).toBe(0);
  expect(run.keys).toEqual(modelOrder(vals));
  if (run.values !== null) expect(run.values).toEqual(run.keys);
}

// ---- input shapes ----

function randomVals(rng: Rng, n: number, hi: number): number[] {
  return Array.from({ length: n }, () => rng.nextInt(hi));
}
function descDups(k: number, m: number): number[] {
  const out: number[] = [];
  for (let v = k; v >= 0; v--) for (let j = 0; j < m; j++) out.push(v);
  return out;
}
function sawtooth(n: number, period: number): number[] {
  return Array.from({ length: n }, (_, i) => i % period);
}
/** Ascending runs whose values interleave in blocks: the merges gallop. */
function blockyRuns(rng: Rng, n: number, runs: number, maxBlock: number, weights?: number[]): number[] {
  const buckets: number[][] = Array.from({ length: runs }, () => []);
  const w = weights ?? Array.from({ length: runs }, () => 1);
  const total = w.reduce((s, x) => s + x, 0);
  let v = 0;
  while (v < n) {
    let r = rng.nextFloat() * total;
    let b = 0;
    while (r >= w[b]) r -= w[b++];
    const len = 1 + rng.nextInt(maxBlock);
    for (let j = 0; j < len && v < n; j++) buckets[b].push(v++);
  }
  return buckets.flat();
}

function shapes(rng: Rng, n: number): Array<[string, number[]]> {
  return [
    ['random', randomVals(rng, n, 4 * n + 1)],
    ['few-distinct', randomVals(rng, n, 3)],
    ['sorted', Array.from({ length: n }, (_, i) => i)],
    ['reversed', Array.from({ length: n }, (_, i) => n - i)],
    ['all-equal', new Array<number>(n).fill(5)],
    ['desc-dups', descDups(Math.ceil(n / 2), 2).slice(0, n)],
    ['desc-triples', descDups(Math.ceil(n / 3), 3).slice(0, n)],
    ['sawtooth', sawtooth(n, 7)],
    ['sawtooth-desc', sawtooth(n, 7).map((v) => 6 - v)],
    ['organ-pipe', Array.from({ length: n }, (_, i) => Math.min(i, n - 1 - i))],
    ['blocky', blockyRuns(rng, n, 3, 12)],
  ];
}

describe('timsort against the reference model', () => {
  it('sorts every shape of every size 0..70, with and without values', () => {
    const rng = new Rng(0x51);
    for (let n = 0; n <= 70; n++) {
      for (const [name, vals] of shapes(rng, n)) {
        for (const withValues of [false, true]) {
          const run = sortIds(vals, { withValues });
          try {
            expectSortedLikeModel(vals, run);
          } catch (e) {
            throw new Error(`${name} n=${n} values=${withValues}: ${(e as Error).message}`);
          }
        }
      }
    }
  });

  it('sorts every sequence over {0, 1, 2} of length up to 8 stably', () => {
    for (let n = 0; n <= 8; n++) {
      const vals = new Array<number>(n).fill(0);
      for (let code = 0; code < 3 ** n; code++) {
        let c = code;
        for (let i = 0; i < n; i++) {
          vals[i] = c % 3;
          c = Math.floor(c / 3);
        }
        expectSortedLikeModel(vals, sortIds(vals, { withValues: true }));
      }
    }
  });

  it('sorts large inputs of every shape (merges, galloping, powersort order)', () => {
    const rng = new Rng(0x52);
    for (const n of [100, 257, 1000, 4099, 20000]) {
      for (const [name, vals] of [...shapes(rng, n), ['many-blocky-runs', blockyRuns(rng, n, 9, 50, [1, 5, 2, 8, 1, 3, 1, 6, 2])] as [string, number[]]]) {
        const run = sortIds(vals, { withValues: true });
        try {
          expectSortedLikeModel(vals, run);
        } catch (e) {
          throw new Error(`${name} n=${n}: ${(e as Error).message}`);
        }
      }
    }
  });

  it('stability: equal keys keep their original order, values stay with their keys', () => {
    // Keys are the values themselves (not ids); values are original positions.
    const rng = new Rng(0x53);
    for (const n of [10, 64, 65, 500, 3000]) {
      const keys = new Uint32Array(n);
      const values = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        keys[i] = rng.nextInt(8) * 0x20000000; // few distinct keys, some >= 2**31
        values[i] = i;
      }
      const before = Array.from(keys);
      expect(timsort(keys, 0, n, values, 0, (a, b) => (a < b ? 1 : 0))).toBe(0);
      for (let i = 0; i < n; i++) {
        expect(keys[i]).toBe(before[values[i]]);
        if (i > 0) {
          expect(keys[i - 1] <= keys[i]).toBe(true);
          if (keys[i - 1] === keys[i]) expect(values[i - 1] < values[i]).toBe(true);
        }
      }
    }
  });

  it('leaves elements outside the range alone and sorts at any offset', () => {
    const a = new Uint32Array([9, 8, 7, 3, 1, 2, 0, 5, 4]);
    expect(timsort(a, 2, 5, null, 0, (x, y) => (x < y ? 1 : 0))).toBe(0);
    expect(Array.from(a)).toEqual([9, 8, 0, 1, 2, 3, 7, 5, 4]);
  });

  it('does nothing for n < 2 and never calls lt then', () => {
    const a = new Uint32Array([3, 1]);
    const never: LessThan = () => {
      throw new Error('called');
    };
    expect(timsort(a, 0, 0, null, 0, never)).toBe(0);
    expect(timsort(a, 1, 1, a, 0, never)).toBe(0);
    expect(Array.from(a)).toEqual([3, 1]);
  });
});

describe('reverseSlice', () => {
  it('reverses exactly a[lo .. hi)', () => {
    for (let n = 0; n <= 6; n++) {
      for (let lo = 0; lo <= n; lo++) {
        for (let hi = lo; hi <= n; hi++) {
          const a = new Uint32Array(Array.from({ length: n }, (_, i) => i));
          reverseSlice(a, lo, hi);
          const want = Array.from({ length: n }, (_, i) => (i >= lo && i < hi ? hi - 1 - (i - lo) : i));
          expect(Array.from(a)).toEqual(want);
        }
      }
    }
  });
});

describe('timsort properties (fast-check)', () => {
  const lt: LessThan = (a, b) => (a < b ? 1 : 0);

  it('sorted, stable and a permutation, for arbitrary u32 keys', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 400 }),
          fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 400 }),
          // concatenated ascending / descending runs of random lengths
          fc.array(fc.tuple(fc.boolean(), fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 90 })), { maxLength: 12 }).map((runs) =>
            runs.flatMap(([up, r]) => [...r].sort((x, y) => (up ? x - y : y - x))),
          ),
        ),
        (input) => {
          const n = input.length;
          const keys = Uint32Array.from(input);
          const values = Uint32Array.from({ length: n }, (_, i) => i);
          if (timsort(keys, 0, n, values, 0, lt) !== 0) return false;
          for (let i = 0; i < n; i++) {
            if (keys[i] !== input[values[i]]) return false; // paired, so a permutation when values is one
            if (i > 0 && (keys[i - 1] > keys[i] || (keys[i - 1] === keys[i] && values[i - 1] >= values[i]))) return false;
          }
          return [...values].sort((a, b) => a - b).every((v, i) => v === i);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('after a failure at any comparison: -1, stopped there, a permutation with values paired', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 2, maxLength: 300 }), fc.nat(), (vals, pick) => {
        const total = sortIds(vals).compares;
        const failAt = 1 + (pick % total);
        const run = sortIds(vals, { withValues: true, failAt });
        expect(run.rc).toBe(-1);
        expect(run.compares).toBe(failAt);
        expectPermutationPaired(run, vals.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('comparison counts', () => {
  it('count_run takes [k, k, k-1, k-1, ..., 0, 0] as ONE run: 3n/2 - 1 compares (3.12 needed ~n log n)', () => {
    // Each descending step costs one compare, each equal step two (only `<` is
    // asked: "not smaller" must be followed by "not larger"), plus one to find
    // that the leading equal pair is not ascending. CPython 3.13.0 counts
    // 11, 29, 95, 299, 1499 for n = 8, 20, 64, 200, 1000 (3.12.1: 18, 70,
    // 278, 1011, 5283). No merge happens, so the whole count is count_run's.
    for (const k of [1, 3, 9, 31, 99, 499, 4999]) {
      const vals = descDups(k, 2);
      const n = vals.length;
      const run = sortIds(vals, { withValues: true });
      expectSortedLikeModel(vals, run);
      expect(run.compares).toBe((3 * n) / 2 - 1);
    }
    // [0, 0] is an ascending run of equal elements: one compare.
    expect(sortIds([0, 0]).compares).toBe(1);
  });

  it('a strictly descending or ascending input takes exactly n - 1 compares', () => {
    for (const n of [2, 3, 64, 65, 1000, 10001]) {
      const down = Array.from({ length: n }, (_, i) => n - i);
      const up = Array.from({ length: n }, (_, i) => i);
      const eq = new Array<number>(n).fill(1);
      for (const vals of [down, up, eq]) {
        const run = sortIds(vals, { withValues: true });
        expectSortedLikeModel(vals, run);
        expect(run.compares).toBe(n - 1);
      }
    }
  });

  it('a reversed run is extended by its naturally ascending suffix: [3, 2, 3, 4, 1, 0]', () => {
    // count_run: 2 < 3 (descending); 3 < 2? no, 2 < 3: the descending run [3, 2]
    // is over; reversed to [2, 3], then extended by 3 and 4 (3 < 3? no, 4 < 3?
    // no) until 1 < 4: one run of 4 from 6 compares. n < 64: binary insertion
    // places the last two.
    const seen: Array<[number, number]> = [];
    const vals = [3, 2, 3, 4, 1, 0];
    const run = sortIds(vals, { onCompare: (_c, a, b) => seen.push([a, b]) });
    expectSortedLikeModel(vals, run);
    expect(seen.slice(0, 6)).toEqual([
      [1, 0],
      [2, 1],
      [1, 2],
      [2, 0], // after the reversal the ids are [1, 0, 2, 3, 4, 5]
      [3, 2],
      [4, 3],
    ]);
  });
});

// ---- the differential check against CPython 3.13 (fixtures from timsort-cpython.py) ----

interface Fixture {
  python: string;
  cases: Array<{
    name: string;
    values: number[];
    key: boolean;
    reverse: boolean;
    cmp: 'value' | 'xorshift' | 'noisy';
    seed: number;
    compares: number;
    sequence: number[] | null;
    result: number[] | null;
  }>;
  errors: Array<{ name: string; values: number[]; key: boolean; cmp: 'value' | 'noisy'; seed: number; compares: number; hashes: number[] }>;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/timsort-cpython.json', import.meta.url), 'utf8')) as Fixture;

function xorshift32(x: number): number {
  x = (x ^ (x << 13)) >>> 0;
  x = (x ^ (x >>> 17)) >>> 0;
  return (x ^ (x << 5)) >>> 0;
}

/** The `__lt__` of timsort-cpython.py's K, for ids a and b. */
function pythonAnswer(vals: number[], cmp: string, seed: number): (a: number, b: number) => number {
  let x = seed >>> 0;
  return (a, b) => {
    if (cmp === 'value') return vals[a] < vals[b] ? 1 : 0;
    x = xorshift32(x);
    if (cmp === 'xorshift') return (x >>> 16) & 1;
    const r = vals[a] < vals[b] ? 1 : 0;
    return (x & 15) === 0 ? 1 - r : r;
  };
}

function fnv1a(ids: number[]): number {
  let h = 2166136261;
  for (const id of ids) h = Math.imul(h ^ id, 16777619) >>> 0;
  return h;
}

/**
 * list.sort as CPython runs it over timsort: with key= the list items (values)
 * move with the keys; reverse= reverses before and after (stability of the
 * reversed order).
 */
function pythonSort(vals: number[], key: boolean, reverse: boolean, answer: (a: number, b: number) => number, opts: SortOptions): { run: SortRun; items: number[] } {
  const n = vals.length;
  if (!reverse) {
    const run = sortIds(vals, { ...opts, withValues: key, answer });
    return { run, items: key ? (run.values as number[]) : run.keys };
  }
  // Reverse-sort the ids directly (sortIds starts from identity order).
  const buf = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    buf[i] = i;
    buf[n + i] = i + VOFF;
  }
  reverseSlice(buf, 0, n);
  if (key) reverseSlice(buf, n, 2 * n);
  let compares = 0;
  const seq: Array<[number, number]> = [];
  const rc = timsort(buf, 0, n, key ? buf : null, n, (a, b) => {
    opts.onCompare?.(compares, a, b);
    compares++;
    seq.push([a, b]);
    return answer(a, b);
  });
  reverseSlice(buf, 0, n);
  if (key) reverseSlice(buf, n, 2 * n);
  const keys = Array.from(buf.subarray(0, n));
  const values = key ? Array.from(buf.subarray(n), (v) => v - VOFF) : null;
  return { run: { rc, compares, keys, values }, items: key ? (values as number[]) : keys };
}

describe(`differential against CPython ${fixture.python} (test/fixtures/timsort-cpython.json)`, () => {
  it('the fixture was made by CPython 3.13 and covers what it should', () => {
    expect(fixture.python.startsWith('3.13.')).toBe(true);
    expect(fixture.cases.length).toBeGreaterThanOrEqual(40);
    expect(fixture.cases.filter((c) => c.sequence !== null).length).toBeGreaterThanOrEqual(10);
    expect(fixture.errors.length).toBeGreaterThanOrEqual(3);
  });

  for (const c of fixture.cases) {
    it(`${c.name}: CPython's ${c.compares} comparisons${c.sequence !== null ? ' in the same order' : ''} and the same result`, () => {
      const seq = c.sequence;
      let firstMismatch = -1;
      const onCompare = (i: number, a: number, b: number): void => {
        if (seq !== null && firstMismatch < 0 && (seq[2 * i] !== a || seq[2 * i + 1] !== b)) firstMismatch = i;
      };
      const { run, items } = pythonSort(c.values, c.key, c.reverse, pythonAnswer(c.values, c.cmp, c.seed), { onCompare });
      expect(run.rc).toBe(0);
      expect(firstMismatch).toBe(-1);
      expect(run.compares).toBe(c.compares);
      if (seq !== null) expect(2 * run.compares).toBe(seq.length);
      if (c.key) expect(run.values).toEqual(run.keys);
      if (c.result !== null) {
        expect(items).toEqual(c.result);
      } else {
        // A consistent comparison: CPython's result is the stable order (the
        // generator asserts it), i.e. the model's (reversed stably for reverse=).
        const want = c.reverse ? modelOrder(c.values.map((v) => -v)) : modelOrder(c.values);
        expect(items).toEqual(want);
      }
    });
  }

  for (const e of fixture.errors) {
    it(`${e.name}: a comparison raising at each k of 1..${e.compares} leaves CPython's exact permutation`, () => {
      const n = e.values.length;
      let mismatches = 0;
      for (let k = 1; k <= e.compares; k++) {
        const run = sortIds(e.values, { withValues: e.key, failAt: k, answer: pythonAnswer(e.values, e.cmp, e.seed) });
        expect(run.rc).toBe(-1);
        expect(run.compares).toBe(k);
        expectPermutationPaired(run, n);
        const items = e.key ? (run.values as number[]) : run.keys;
        if (fnv1a(items) !== e.hashes[k - 1]) mismatches++;
      }
      expect(mismatches).toBe(0);
    });
  }
});

// ---- errors ----

describe('a comparison that raises', () => {
  // Two natural runs, so the only merge is merge_at(0): trimmed by gallops,
  // then merge_lo (na <= nb) or merge_hi (na > nb), with blocks of 1..40
  // interleaved values, so both the one-at-a-time and the galloping loops run
  // (and min_gallop moves). Failing at every k fails at every comparison of
  // each phase: count_run, the trimming gallops, each merge loop.
  function twoRuns(rng: Rng, na: number, nb: number): number[] {
    const a: number[] = [];
    const b: number[] = [];
    let v = 0;
    while (a.length < na || b.length < nb) {
      const toA = b.length >= nb || (a.length < na && rng.nextFloat() < na / (na + nb));
      const len = 1 + rng.nextInt(40);
      const dest = toA ? a : b;
      const cap = toA ? na : nb;
      for (let j = 0; j < len && dest.length < cap; j++) dest.push(v++);
    }
    // Equal values across the runs too: B's first copies an A value.
    return [...a, ...b.map((x) => x - (x % 3 === 0 ? 1 : 0))];
  }

  const rng = new Rng(0x54);
  const inputs: Array<[string, number[]]> = [
    ['merge_lo (na < nb)', twoRuns(rng, 150, 350)],
    ['merge_hi (na > nb)', twoRuns(rng, 350, 150)],
    ['many runs, powersort merges', blockyRuns(rng, 900, 7, 30, [1, 4, 2, 6, 1, 3, 2])],
    ['descending with duplicates and suffixes', [...descDups(60, 2), ...descDups(40, 3), 5, 6, 7, 1, 0]],
    ['random', randomVals(rng, 400, 50)],
  ];

  for (const [name, vals] of inputs) {
    it(`${name}: -1 at every k, stopped at once, a permutation with values paired`, () => {
      const total = sortIds(vals).compares;
      expect(total).toBeGreaterThan(vals.length);
      for (let k = 1; k <= total; k++) {
        for (const withValues of [false, true]) {
          const run = sortIds(vals, { withValues, failAt: k });
          expect(run.rc).toBe(-1);
          expect(run.compares).toBe(k);
          expectPermutationPaired(run, vals.length);
        }
      }
      // And the sort still works afterwards (no state left behind).
      expectSortedLikeModel(vals, sortIds(vals, { withValues: true }));
    });
  }

  it('an inconsistent comparison still leaves a permutation (random answers, no failure)', () => {
    const rng2 = new Rng(0x55);
    for (const n of [10, 70, 300, 2000]) {
      for (let rep = 0; rep < 5; rep++) {
        const run = sortIds(new Array<number>(n).fill(0), { withValues: true, answer: () => rng2.nextInt(2) });
        expect(run.rc).toBe(0);
        expectPermutationPaired(run, n);
      }
    }
  });
});

// ---- re-entrancy ----

describe('re-entrancy: a comparison that sorts another list', () => {
  it('nested sorts (up to 3 deep, with growing scratch) during the merges leave both results right', () => {
    const rng = new Rng(0x56);
    const outerVals = blockyRuns(rng, 3000, 6, 40, [1, 3, 1, 5, 2, 2]);
    const innerShapes = [randomVals(rng, 200, 30), blockyRuns(rng, 5000, 4, 60), descDups(300, 2), randomVals(rng, 2500, 1000)];
    let nested = 0;
    let depth = 1;
    let maxDepth = 1;

    const nestedSort = (vals: number[]): void => {
      depth++;
      maxDepth = Math.max(maxDepth, depth);
      nested++;
      let calls = 0;
      const run = sortIds(vals, {
        withValues: true,
        answer: (a, b) => {
          // Deeper nesting now and then (a budget keeps the total bounded).
          if (depth < 3 && ++calls % 499 === 0 && nested < 400) nestedSort(innerShapes[0]);
          return vals[a] < vals[b] ? 1 : 0;
        },
      });
      expectSortedLikeModel(vals, run);
      depth--;
    };

    let calls = 0;
    const run = sortIds(outerVals, {
      withValues: true,
      answer: (a, b) => {
        // Every 7th comparison at first (inside count_run, the binary insertions
        // and the first merges), then every 61st, so the later, bigger merges
        // see nested sorts too without the test taking long.
        ++calls;
        if (calls % (calls < 2000 ? 7 : 61) === 0) nestedSort(innerShapes[calls % innerShapes.length]);
        return outerVals[a] < outerVals[b] ? 1 : 0;
      },
    });
    expectSortedLikeModel(outerVals, run);
    expect(maxDepth).toBe(3);
    expect(nested).toBeGreaterThan(300);
  });

  it('a nested sort that fails fails alone; the outer one goes on and counts as without nesting', () => {
    const rng = new Rng(0x57);
    const outerVals = blockyRuns(rng, 1500, 4, 30);
    const plain = sortIds(outerVals).compares;
    const inner = randomVals(rng, 300, 100);
    let calls = 0;
    const run = sortIds(outerVals, {
      withValues: true,
      answer: (a, b) => {
        if (++calls % 11 === 0) {
          const r = sortIds(inner, { withValues: true, failAt: 1 + (calls % 500) });
          expect(r.rc).toBe(-1);
          expectPermutationPaired(r, inner.length);
        }
        return outerVals[a] < outerVals[b] ? 1 : 0;
      },
    });
    expectSortedLikeModel(outerVals, run);
    expect(run.compares).toBe(plain);
  });

  it('a comparison that throws a JS exception does not leave the state stack unbalanced', () => {
    const vals = randomVals(new Rng(0x58), 1000, 100);
    let calls = 0;
    expect(() =>
      sortIds(vals, {
        answer: () => {
          if (++calls === 500) {
            // Throw from a nested sort's comparison, two states deep.
            sortIds([3, 2, 1], {
              answer: () => {
                throw new Error('boom');
              },
            });
          }
          return 0;
        },
      }),
    ).toThrow('boom');
    // Outer and nested sorts still work and do not share scratch.
    let n2 = 0;
    const run = sortIds(vals, {
      withValues: true,
      answer: (a, b) => {
        if (++n2 % 5 === 0) expectSortedLikeModel(vals, sortIds(vals, { withValues: true }));
        return vals[a] < vals[b] ? 1 : 0;
      },
    });
    expectSortedLikeModel(vals, run);
  });
});
