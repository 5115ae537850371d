/**
 * The object layer against the peers issue 18 names, in the same run:
 * a dict lookup by str key (the same key objects, as interned names are)
 * vs a JavaScript `Map.get` with string keys; a method-cache hit vs a `Map`
 * lookup of the same name; `list.sort()` of 1M random compact ints vs V8's
 * `Array.prototype.sort` with a comparator on the same numbers, and the
 * descending-with-duplicates list vs the random one.
 *
 * The other peer of the dict lookup is the npm `multithreading` package's
 * `SharedJsonBuffer` (a dev dependency of this package, for this benchmark
 * only): its documented thread-safe read holds its `Mutex`, and its bare
 * proxy read (no lock: safe only while no thread writes) is shown too.
 */

import { availableParallelism } from 'node:os';
import { runBenchWorkers, timeLoop, type BenchSample, type BenchSuite } from '@ft/harness';
import type { ReaderParams } from './readers.bench-worker.js';
import { decref } from '@ft/refcount';
import {
  createObjectsRuntime,
  dictGetItemRef,
  dictNew,
  dictSetItem,
  intFromNumber,
  listAppend,
  listNew,
  listSetItemInit,
  listSort,
  StaticType,
  strFromJs,
  tupleNew,
  typeLookupRef,
  typeNew,
  type ObjectsRuntime,
} from '../src/index.js';

const KEYS = 1000;

function keyText(i: number): string {
  return `attribute_${i}`;
}

/** A dict of 1000 str keys → ints, and the key objects. */
function makeDict(rt: ObjectsRuntime): { d: number; keys: Uint32Array } {
  const t = rt.t;
  const d = dictNew(t);
  const keys = new Uint32Array(KEYS);
  for (let i = 0; i < KEYS; i++) {
    keys[i] = strFromJs(t, keyText(i));
    const v = intFromNumber(t, i + 1000);
    dictSetItem(t, d, keys[i]!, v);
    decref(rt.rc, v);
  }
  return { d, keys };
}

/** The `multithreading` package, whose Node 20 entry expects the `navigator` global of Node 21+. */
async function importMultithreading(): Promise<typeof import('multithreading')> {
  (globalThis as { navigator?: unknown }).navigator ??= { hardwareConcurrency: availableParallelism() };
  return import('multithreading');
}

/** `SharedJsonBuffer` property reads of an object with the same 1000 keys: under its Mutex (`locked`), or bare. */
async function sharedJsonBufferRead(locked: boolean): Promise<BenchSample> {
  const { Mutex, SharedJsonBuffer } = await importMultithreading();
  const init: Record<string, number> = {};
  const names: string[] = [];
  for (let i = 0; i < KEYS; i++) {
    names.push(keyText(i));
    init[names[i]!] = i + 1000;
  }
  const buffer = new SharedJsonBuffer(init);
  if (!locked) {
    const view = buffer as unknown as Record<string, number>;
    return timeLoop((n) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += view[names[i % KEYS]!]!;
      return sum;
    });
  }
  const mutex = new Mutex(buffer);
  return timeLoop((n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const guard = mutex.blockingLock();
      sum += (guard.value as unknown as Record<string, number>)[names[i % KEYS]!]!;
      guard[Symbol.dispose]();
    }
    return sum;
  });
}

function mapLookup(): BenchSample {
  const map = new Map<string, number>();
  const names: string[] = [];
  for (let i = 0; i < KEYS; i++) {
    names.push(keyText(i));
    map.set(names[i]!, i + 1000);
  }
  return timeLoop((n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += map.get(names[i % KEYS]!)!;
    return sum;
  });
}

function dictLookup(): BenchSample {
  const rt = createObjectsRuntime();
  try {
    const t = rt.t;
    const rc = rt.rc;
    const { d, keys } = makeDict(rt);
    return timeLoop((n) => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const v = dictGetItemRef(t, d, keys[i % KEYS]!);
        sum += v;
        decref(rc, v);
      }
      return sum;
    });
  } finally {
    rt.close();
  }
}

function methodCacheHit(): BenchSample {
  const rt = createObjectsRuntime();
  try {
    const t = rt.t;
    const rc = rt.rc;
    const { d: ns, keys } = makeDict(rt);
    const bases = tupleNew(t, 0);
    const cls = typeNew(t, t.types[StaticType.Type]!, 'C', bases, ns);
    const names = keys.subarray(0, 16);
    for (const name of names) decref(rc, typeLookupRef(t, cls, name)); // fill the cache
    return timeLoop((n) => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const v = typeLookupRef(t, cls, names[i & 15]!);
        sum += v;
        decref(rc, v);
      }
      return sum;
    });
  } finally {
    rt.close();
  }
}

function mapMethodLookup(): BenchSample {
  const map = new Map<string, number>();
  const names: string[] = [];
  for (let i = 0; i < 16; i++) {
    names.push(keyText(i));
    map.set(names[i]!, i);
  }
  return timeLoop((n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += map.get(names[i & 15]!)!;
    return sum;
  });
}

/** A deterministic shuffle source (xorshift). */
function randomInts(n: number, seed: number): number[] {
  let x = seed | 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.push((x >>> 0) % 1_000_000_000);
  }
  return out;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
}

function v8Sort(quick: boolean): BenchSample {
  const n = quick ? 100_000 : 1_000_000;
  const values = randomInts(n, 12345);
  const times: number[] = [];
  for (let r = 0; r < (quick ? 2 : 5); r++) {
    const copy = values.slice();
    const t0 = performance.now();
    copy.sort((a, b) => a - b);
    times.push(performance.now() - t0);
  }
  return { nsPerOp: (median(times) * 1e6) / n, note: `${n / 1e6}M numbers, median of ${times.length} sorts (ns per item)` };
}

/** `list.sort()` of `n` ints in the order `values` gives, timed a few times from the same order. */
function ftSort(quick: boolean, shape: 'random' | 'descending-duplicates'): BenchSample {
  const n = quick ? 100_000 : 1_000_000;
  const rt = createObjectsRuntime({ heapSize: 256 << 20 });
  try {
    const t = rt.t;
    const values = shape === 'random' ? randomInts(n, 12345).map((v) => v % (2 ** 30 - 1)) : Array.from({ length: n }, (_, i) => (n - i) >> 1);
    const ints = values.map((v) => intFromNumber(t, v));
    const lst = listNew(t, n);
    const times: number[] = [];
    for (let r = 0; r < (quick ? 2 : 5); r++) {
      for (let i = 0; i < n; i++) listSetItemInit(t, lst, i, ints[i]!); // the same order each time (the list holds the references)
      const t0 = performance.now();
      if (listSort(t, lst) < 0) throw new Error('sort failed');
      times.push(performance.now() - t0);
    }
    return { nsPerOp: (median(times) * 1e6) / n, note: `${n / 1e6}M compact ints (${shape}), median of ${times.length} sorts (ns per item)` };
  } finally {
    rt.close();
  }
}

const readerWorker = new URL('./readers.bench-worker.ts', import.meta.url);

/**
 * `lst[i]` / `d[k]` from `workers` workers, each on its own container or
 * all on the main thread's: wall-clock ns per read of the whole group.
 */
async function readers(kind: 'list' | 'dict', mode: 'own' | 'shared', workers: number, quick: boolean): Promise<BenchSample> {
  const rt = createObjectsRuntime({ heapSize: 128 << 20 });
  try {
    const t = rt.t;
    const size = 1000;
    const lst = listNew(t, 0);
    const d = dictNew(t);
    const keys: number[] = [];
    for (let i = 0; i < size; i++) {
      const v = intFromNumber(t, 1000 + i);
      keys.push(strFromJs(t, `key_${i}`));
      listAppend(t, lst, v);
      dictSetItem(t, d, keys[i]!, v);
      decref(rt.rc, v);
    }
    const params: ReaderParams = { handle: rt.handle, kind, mode, list: lst, dict: d, keys, size, reads: quick ? 200_000 : 15_000_000 };
    const r = await runBenchWorkers(readerWorker, workers, params);
    return { nsPerOp: r.nsPerOp, note: `${workers} worker${workers > 1 ? 's' : ''}, ${mode} ${kind}, ${(r.totalOps / 1e6).toFixed(1)}M reads in ${r.elapsedMs.toFixed(0)} ms` };
  } finally {
    rt.close();
  }
}

export const suites: BenchSuite[] = [
  {
    name: 'objects/dict-lookup',
    description: 'd[k] with str keys (the same key objects, as interned names), 1000 entries, one thread (ns per lookup, the reference taken and released)',
    target: '≤ 2× JavaScript Map.get with string keys',
    cases: [
      { name: 'Map.get, string keys (baseline)', baseline: true, run: () => mapLookup() },
      { name: 'dictGetItemRef + decref', run: () => dictLookup() },
    ],
  },
  {
    name: 'objects/dict-vs-shared-json-buffer',
    description: 'the same d[k] vs a property read of the npm multithreading package’s SharedJsonBuffer holding the same 1000 keys: under its Mutex (its thread-safe read), and bare (no lock: safe only while nobody writes) (ns per read)',
    target: 'd[k] ≥ 10× faster than the SharedJsonBuffer read',
    cases: [
      { name: 'SharedJsonBuffer read under its Mutex (baseline)', baseline: true, run: () => sharedJsonBufferRead(true) },
      { name: 'SharedJsonBuffer bare proxy read (no lock)', run: () => sharedJsonBufferRead(false) },
      { name: 'dictGetItemRef + decref', run: () => dictLookup() },
    ],
  },
  {
    name: 'objects/method-cache',
    description: "a method-cache hit (_PyType_LookupRef of a class attribute) vs a Map lookup of the same name (ns per lookup)",
    target: '≤ 20 ns per hit',
    cases: [
      { name: 'Map.get of the name (baseline)', baseline: true, run: () => mapMethodLookup() },
      { name: 'typeLookupRef hit + decref', run: () => methodCacheHit() },
    ],
  },
  {
    name: 'objects/list-sort',
    description: 'list.sort() of 1M compact ints vs V8 Array.prototype.sort with a comparator on the same numbers (ns per item)',
    target: 'random ≤ 2× V8; descending-with-duplicates ≥ 4× faster than random',
    cases: [
      { name: 'V8 sort with a comparator (baseline)', baseline: true, run: ({ quick }) => v8Sort(quick) },
      { name: 'list.sort(), random', run: ({ quick }) => ftSort(quick, 'random') },
      { name: 'list.sort(), descending with duplicates', run: ({ quick }) => ftSort(quick, 'descending-duplicates') },
    ],
  },
  {
    name: 'objects/2-workers-list',
    description: 'lst[i] (the reference taken and released) from workers: each on its own list, or both on one shared list (wall-clock ns per read of the group)',
    target: 'own: 2 workers ≥ 1.8× the throughput of 1; shared ÷ own no worse than CPython 3.13t’s 5.3×',
    cases: [
      { name: '1 worker, own list (baseline)', baseline: true, run: ({ quick }) => readers('list', 'own', 1, quick) },
      { name: '2 workers, own lists', run: ({ quick }) => readers('list', 'own', 2, quick) },
      { name: '2 workers, one shared list', run: ({ quick }) => readers('list', 'shared', 2, quick) },
    ],
  },
  {
    name: 'objects/2-workers-dict',
    description: 'd[k] (str keys, the reference taken and released) from workers: each on its own dict, or both on one shared dict (wall-clock ns per read of the group)',
    target: 'own: 2 workers ≥ 1.8× the throughput of 1; shared ÷ own no worse than CPython 3.13t’s 5.3×',
    cases: [
      { name: '1 worker, own dict (baseline)', baseline: true, run: ({ quick }) => readers('dict', 'own', 1, quick) },
      { name: '2 workers, own dicts', run: ({ quick }) => readers('dict', 'own', 2, quick) },
      { name: '2 workers, one shared dict', run: ({ quick }) => readers('dict', 'shared', 2, quick) },
    ],
  },
];
