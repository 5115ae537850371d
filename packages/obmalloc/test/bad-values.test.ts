/**
 * Wrong JavaScript values at every public entry point: each gets its
 * documented outcome (a TypeError, a RangeError, or the documented 0 /
 * false / -1 return) and the heap is left exactly as it was — the heap's
 * reserved prefix (magic, header, thread table, parking-lot buckets) byte
 * for byte, the block counts of mimalloc and pymalloc, the caller's live
 * block and its bytes — and still works: a new malloc + free succeeds,
 * `miCollect` returns, and a worker can attach.
 *
 * The rule (src/argument-checks.ts): a size must be a non-negative integer
 * Number, and an integer above 2^31 - 1 is a request that fails with 0; an
 * address must be 0 (NULL) or an integer Number inside
 * [heap.regionStart, heap.size). Not a Number: TypeError. A Number that is
 * not such an integer: RangeError.
 */

import { FatalError, HEAP_MAGIC, SharedHeap } from '@ft/atomics';
import { nextMessage, spawnTsWorker } from '@ft/harness';
import { miCollect, miCreate, miStats, miThreadExit, miThreadInit, type MiThread } from '@ft/mimalloc';
import { FreeCallbackRegistry, pendingDelayed, qsbrCreate, qsbrRegister, qsbrUnregister } from '@ft/qsbr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ALLOCATOR_NAMES,
  AllocatorDomains,
  allocatorNameFromEnv,
  createAllocatorDomains,
  debugAllocator,
  freeThreadedAllocators,
  getAllocator,
  MAX_REQUEST_SIZE,
  memFreeDelayed,
  mimallocAllocator,
  objectFreeDelayed,
  obmallocRuntimeCreate,
  obmallocStateAttach,
  obmallocStateCreate,
  parseAllocatorName,
  pymallocAddressInRange,
  pymallocAlloc,
  pymallocAttach,
  pymallocBlockSize,
  pymallocCreate,
  pymallocFree,
  pymallocRawAllocatedBlocks,
  pymallocStats,
  pyMemCalloc,
  pyMemFree,
  pyMemMalloc,
  pyMemRawCalloc,
  pyMemRawFree,
  pyMemRawMalloc,
  pyMemRawRealloc,
  pyMemRealloc,
  pyObjectCalloc,
  pyObjectFree,
  pyObjectMalloc,
  pyObjectRealloc,
  registerDelayedFree,
  setAllocator,
  TraceMalloc,
  type AllocatorDomain,
  type AllocatorName,
  type Pymalloc,
} from '../src/index.js';

let heap: SharedHeap;
let mi: number;
let t: MiThread;
let pm: Pymalloc;

beforeEach(() => {
  heap = SharedHeap.create({ size: 32 << 20 });
  mi = miCreate(heap);
  t = miThreadInit(heap, mi, null);
  pm = pymallocCreate(heap);
});

afterEach(() => {
  miThreadExit(t);
  heap.close();
});

// ---------------------------------------------------------------------------
// The values
// ---------------------------------------------------------------------------

type Outcome = 'TypeError' | 'RangeError' | 'NULL';

/** Bad sizes and what every size parameter does with them. */
const SIZE_CASES: readonly (readonly [label: string, value: unknown, outcome: Outcome])[] = [
  ['"100" (a numeric string)', '100', 'TypeError'],
  ['[100] (an array)', [100], 'TypeError'],
  ['NaN', Number.NaN, 'RangeError'],
  ['Infinity', Number.POSITIVE_INFINITY, 'RangeError'],
  ['-Infinity', Number.NEGATIVE_INFINITY, 'RangeError'],
  ['-1', -1, 'RangeError'],
  ['1.5', 1.5, 'RangeError'],
  ['2**31 (MAX_REQUEST_SIZE + 1)', 2 ** 31, 'NULL'],
  ['2**32', 2 ** 32, 'NULL'],
  ['2**40', 2 ** 40, 'NULL'],
  ['undefined', undefined, 'TypeError'],
  ['null', null, 'TypeError'],
  ['{} (an object)', {}, 'TypeError'],
  ['100n (a bigint)', 100n, 'TypeError'],
  ['true', true, 'TypeError'],
];

/**
 * Bad addresses, made from a live block `p`: what the domains' free and
 * realloc do (`outcome`) and what pymallocFree does (`pymalloc`: an integer
 * that is not in an arena is just not pymalloc's).
 */
const ADDRESS_CASES: readonly (readonly [label: string, value: (p: number) => unknown, outcome: Outcome, pymalloc: Outcome | 'false'])[] = [
  ['String(p) (a numeric string)', (p) => String(p), 'TypeError', 'TypeError'],
  ['[p] (an array)', (p) => [p], 'TypeError', 'TypeError'],
  ['NaN', () => Number.NaN, 'RangeError', 'RangeError'],
  ['Infinity', () => Number.POSITIVE_INFINITY, 'RangeError', 'RangeError'],
  ['-Infinity', () => Number.NEGATIVE_INFINITY, 'RangeError', 'RangeError'],
  ['-1', () => -1, 'RangeError', 'false'],
  ['1.5', () => 1.5, 'RangeError', 'RangeError'],
  ['p + 0.5', (p) => p + 0.5, 'RangeError', 'RangeError'],
  ['2**32 + p (p as a u32)', (p) => 2 ** 32 + p, 'RangeError', 'false'],
  ['2**32', () => 2 ** 32, 'RangeError', 'false'],
  ['2**40', () => 2 ** 40, 'RangeError', 'false'],
  ['undefined', () => undefined, 'TypeError', 'TypeError'],
  ['null', () => null, 'TypeError', 'TypeError'],
  ['{} (an object)', () => ({}), 'TypeError', 'TypeError'],
  ['BigInt(p)', (p) => BigInt(p), 'TypeError', 'TypeError'],
  ['true', () => true, 'TypeError', 'TypeError'],
  ['8 (inside the heap header)', () => 8, 'RangeError', 'false'],
  ['thread slot 1 (the thread table)', () => heap.threadTable + 64, 'RangeError', 'false'],
  ['heap.size (one past the end)', () => heap.size, 'RangeError', 'false'],
];

const ERRORS = { TypeError, RangeError } as const;

/** Runs `call` and checks the outcome; returns the result for NULL outcomes. */
function expectOutcome(call: () => unknown, outcome: Outcome | 'false', label: string): void {
  if (outcome === 'NULL') {
    expect(call(), label).toBe(0);
  } else if (outcome === 'false') {
    expect(call(), label).toBe(false);
  } else {
    let thrown: unknown;
    try {
      call();
    } catch (e) {
      thrown = e;
    }
    expect(thrown, `${label}: expected a ${outcome}`).toBeInstanceOf(ERRORS[outcome]);
    expect(thrown, label).not.toBeInstanceOf(FatalError);
  }
}

// ---------------------------------------------------------------------------
// The heap, intact
// ---------------------------------------------------------------------------

interface HeapSnapshot {
  /** The reserved prefix: header (magic, layout version, sizes, region allocator), thread table, parking-lot buckets. */
  prefix: Uint8Array;
  miLive: number;
  pymallocInUse: number;
  pymallocRaw: number;
}

function snapshot(): HeapSnapshot {
  return {
    prefix: heap.u8.slice(0, heap.regionStart),
    miLive: miStats(t).liveBlocks,
    pymallocInUse: pymallocStats(pm).blocksInUse,
    pymallocRaw: pymallocRawAllocatedBlocks(pm),
  };
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Nothing written to the prefix, no block allocated or freed. */
function expectUnchanged(before: HeapSnapshot, label: string): void {
  expect(heap.u32[0], `${label}: heap magic`).toBe(HEAP_MAGIC);
  expect(firstDifference(before.prefix, heap.u8.subarray(0, heap.regionStart)), `${label}: first changed byte of the reserved prefix`).toBe(-1);
  expect(miStats(t).liveBlocks, `${label}: mimalloc live blocks`).toBe(before.miLive);
  expect(pymallocStats(pm).blocksInUse, `${label}: pymalloc blocks in use`).toBe(before.pymallocInUse);
  expect(pymallocRawAllocatedBlocks(pm), `${label}: pymalloc raw blocks`).toBe(before.pymallocRaw);
}

/** The caller's block still holds what was written to it. */
function fillPattern(p: number, n: number): void {
  for (let i = 0; i < n; i++) heap.u8[p + i] = (i * 7 + 3) & 0xff;
}
function expectPattern(p: number, n: number, label: string): void {
  let bad = -1;
  for (let i = 0; i < n && bad < 0; i++) if (heap.u8[p + i] !== ((i * 7 + 3) & 0xff)) bad = i;
  expect(bad, `${label}: first changed byte of the live block`).toBe(-1);
}

// ---------------------------------------------------------------------------
// Every domain entry point, in every preset
// ---------------------------------------------------------------------------

type Api = {
  malloc: (d: AllocatorDomains, n: unknown) => number;
  calloc: (d: AllocatorDomains, nelem: unknown, elsize: unknown) => number;
  realloc: (d: AllocatorDomains, p: unknown, n: unknown) => number;
  free: (d: AllocatorDomains, p: unknown) => void;
};
// The public functions take numbers; the casts are the point of these tests.
const APIS: Record<AllocatorDomain, Api> = {
  raw: { malloc: pyMemRawMalloc, calloc: pyMemRawCalloc, realloc: pyMemRawRealloc, free: pyMemRawFree } as unknown as Api,
  mem: { malloc: pyMemMalloc, calloc: pyMemCalloc, realloc: pyMemRealloc, free: pyMemFree } as unknown as Api,
  object: { malloc: pyObjectMalloc, calloc: pyObjectCalloc, realloc: pyObjectRealloc, free: pyObjectFree } as unknown as Api,
};

const PRESETS = ['mimalloc', 'mimalloc_debug', 'malloc', 'malloc_debug', 'pymalloc', 'pymalloc_debug'] as const;

function make(preset: AllocatorName): AllocatorDomains {
  return preset.startsWith('pymalloc') ? createAllocatorDomains(heap, preset, { mi: t, mode: 'gil', pymalloc: pm }) : createAllocatorDomains(heap, preset, { mi: t });
}

/** What each parameter test does with one bad value, given the domains and a live block. */
const PARAMETERS = {
  'malloc size': (api: Api, d: AllocatorDomains, _p: number, v: unknown) => api.malloc(d, v),
  'calloc nelem': (api: Api, d: AllocatorDomains, _p: number, v: unknown) => api.calloc(d, v, 8),
  'calloc elsize': (api: Api, d: AllocatorDomains, _p: number, v: unknown) => api.calloc(d, 8, v),
  'realloc size': (api: Api, d: AllocatorDomains, p: number, v: unknown) => api.realloc(d, p, v),
  'realloc(NULL) size': (api: Api, d: AllocatorDomains, _p: number, v: unknown) => api.realloc(d, 0, v),
} as const;
const ADDRESS_PARAMETERS = {
  'realloc address': (api: Api, d: AllocatorDomains, v: unknown) => api.realloc(d, v, 16),
  'free address': (api: Api, d: AllocatorDomains, v: unknown) => api.free(d, v),
} as const;

describe.each(PRESETS)('%s domains', (preset) => {
  describe.each(['raw', 'mem', 'object'] as const)('%s domain', (domain) => {
    const api = APIS[domain];

    /** A live block with a pattern, warmed-up domains, and the snapshot. */
    function arrange(): { d: AllocatorDomains; p: number; before: HeapSnapshot } {
      const d = make(preset);
      // Warm up: the first allocations may take regions (segments, arenas).
      for (const n of [16, 100, 600]) api.free(d, api.malloc(d, n));
      api.free(d, api.calloc(d, 4, 4));
      const p = api.malloc(d, 100);
      fillPattern(p, 100);
      return { d, p, before: snapshot() };
    }

    /** Afterwards: the block is intact and freeable, new blocks work, counts come back, collection returns. */
    function finish(d: AllocatorDomains, p: number, before: HeapSnapshot): void {
      expectPattern(p, 100, 'after every bad value');
      const q = api.malloc(d, 64);
      expect(q).not.toBe(0);
      api.free(d, q);
      api.free(d, p);
      miCollect(t, true);
      const after = snapshot();
      expect(after.miLive + after.pymallocInUse + after.pymallocRaw).toBe(before.miLive + before.pymallocInUse + before.pymallocRaw - 1);
      expect(after.pymallocInUse).toBeLessThan(2 ** 31); // never wrapped below zero
      expect(heap.u32[0]).toBe(HEAP_MAGIC);
    }

    it.each(Object.keys(PARAMETERS) as (keyof typeof PARAMETERS)[])('%s: every bad value has its outcome and leaves the heap intact', (parameter) => {
      const { d, p, before } = arrange();
      for (const [label, value, outcome] of SIZE_CASES) {
        expectOutcome(() => PARAMETERS[parameter](api, d, p, value), outcome, `${parameter} = ${label}`);
        expectUnchanged(before, `${parameter} = ${label}`);
      }
      finish(d, p, before);
    });

    it.each(Object.keys(ADDRESS_PARAMETERS) as (keyof typeof ADDRESS_PARAMETERS)[])('%s: every bad value has its outcome and leaves the heap intact', (parameter) => {
      const { d, p, before } = arrange();
      for (const [label, value, outcome] of ADDRESS_CASES) {
        expectOutcome(() => ADDRESS_PARAMETERS[parameter](api, d, value(p)), outcome, `${parameter} = ${label}`);
        expectUnchanged(before, `${parameter} = ${label}`);
      }
      finish(d, p, before);
    });
  });
});

describe('sizes: one rule, stated precisely', () => {
  it('the messages name the function, the parameter and the value', () => {
    const d = make('mimalloc');
    const bad = APIS.mem;
    expect(() => bad.malloc(d, '100')).toThrow(/^pyMemMalloc: the size must be a number, got "100" \(a string\)$/);
    expect(() => bad.malloc(d, 1.5)).toThrow(/^pyMemMalloc: the size must be a non-negative integer, got 1\.5$/);
    expect(() => APIS.object.calloc(d, 2, 10n)).toThrow(/^pyObjectCalloc: elsize must be a number, got 10n \(a bigint\)$/);
    expect(() => APIS.raw.free(d, 2 ** 40)).toThrow(/^pyMemRawFree: address 0x10000000000 is not inside the heap's allocatable range \(0x[0-9a-f]+ to 0x1ffffff\), nor 0 \(NULL\)$/);
  });

  it('a value is never converted: valueOf is not called', () => {
    const d = make('mimalloc_debug');
    let calls = 0;
    const sneaky = { valueOf: () => (calls++, 100) };
    expect(() => APIS.mem.malloc(d, sneaky)).toThrow(TypeError);
    expect(() => APIS.mem.free(d, sneaky)).toThrow(TypeError);
    expect(() => APIS.mem.calloc(d, sneaky, 1)).toThrow(TypeError);
    expect(calls).toBe(0);
  });

  it('the largest sizes: MAX_REQUEST_SIZE passes the check, one more is NULL; calloc products and zero arguments', () => {
    const d = make('mimalloc');
    // 2^31 - 1 bytes cannot fit in a 32 MiB heap, but it is a size: NULL from the allocator, no throw.
    expect(pyMemMalloc(d, MAX_REQUEST_SIZE)).toBe(0);
    expect(pyMemMalloc(d, MAX_REQUEST_SIZE + 1)).toBe(0);
    expect(pyMemCalloc(d, 0x10000, 0x8000)).toBe(0); // 2^31: one above the maximum
    // An argument above the maximum is NULL even when the other is 0 (one rule for every size).
    expect(pyMemCalloc(d, 2 ** 40, 0)).toBe(0);
    const z = pyMemCalloc(d, 0, 2 ** 20);
    expect(z).not.toBe(0);
    pyMemFree(d, z);
    // -0 is 0.
    const m = pyMemMalloc(d, -0);
    expect(m).not.toBe(0);
    pyMemFree(d, -0); // NULL: nothing
    pyMemFree(d, m);
  });
});

// ---------------------------------------------------------------------------
// The scenarios the issue reports
// ---------------------------------------------------------------------------

describe('the reported scenarios', () => {
  it.each(['mimalloc_debug', 'pymalloc_debug'] as const)('%s: pyMemMalloc(d, "100") throws a TypeError and leaks nothing', (preset) => {
    const d = make(preset);
    pyMemFree(d, pyMemMalloc(d, 100));
    const before = snapshot();
    expect(() => pyMemMalloc(d, '100' as unknown as number)).toThrow(TypeError);
    expectUnchanged(before, 'pyMemMalloc("100")');
  });

  it.each(['mimalloc_debug', 'pymalloc_debug', 'mimalloc', 'pymalloc'] as const)(
    '%s: a failed realloc leaves the old block valid: freeing it next is the only free, miCollect returns, counts do not wrap',
    (preset) => {
      const d = make(preset);
      const p = pyMemMalloc(d, 100);
      fillPattern(p, 100);
      const before = snapshot();
      expect(() => pyMemRealloc(d, p, '200' as unknown as number)).toThrow(TypeError);
      expect(() => pyMemRealloc(d, p, -1)).toThrow(RangeError);
      expect(() => pyMemRealloc(d, p, 1.5)).toThrow(RangeError);
      expect(pyMemRealloc(d, p, 2 ** 40)).toBe(0); // a size, too large: NULL, p untouched
      expect(pyMemRealloc(d, p, MAX_REQUEST_SIZE)).toBe(0);
      expectUnchanged(before, 'failed reallocs');
      expectPattern(p, 100, 'failed reallocs');
      pyMemFree(d, p); // the caller's documented next step
      if (preset.endsWith('_debug')) {
        // The block was freed once, here: a second free is the hooks' fatal error, not a silent double free.
        expect(() => pyMemFree(d, p)).toThrow(FatalError);
      }
      miCollect(t, true); // returns (a double free made it loop forever)
      const after = snapshot();
      expect(after.miLive + after.pymallocInUse + after.pymallocRaw).toBe(before.miLive + before.pymallocInUse + before.pymallocRaw - 1);
      expect(pymallocStats(pm).blocksInUse).not.toBe(4294967295);
      const q = pyMemMalloc(d, 100);
      expect(q).not.toBe(0);
      pyMemFree(d, q);
    },
  );

  it('pyMemFree(d, NaN | undefined | "abc" | 1.5 | {}) throws and writes no thread slot', () => {
    const d = make('mimalloc');
    const slotState = Atomics.load(heap.i32, heap.slot >>> 2);
    const table = heap.u8.slice(heap.threadTable, heap.bucketTable);
    const before = snapshot();
    for (const v of [Number.NaN, undefined, 'abc', 1.5, {}]) {
      expect(() => pyMemFree(d, v as number)).toThrow(v === 1.5 || Number.isNaN(v) ? RangeError : TypeError);
    }
    expect(Atomics.load(heap.i32, heap.slot >>> 2)).toBe(slotState);
    expect(firstDifference(table, heap.u8.subarray(heap.threadTable, heap.bucketTable))).toBe(-1);
    expectUnchanged(before, 'frees of non-addresses');
  });

  it('pyMemFree(d, 2**40) throws a RangeError; the magic is intact and a worker can still attach and allocate', async () => {
    for (const preset of ['mimalloc', 'mimalloc_debug'] as const) {
      const d = make(preset);
      expect(() => pyMemFree(d, 2 ** 40)).toThrow(RangeError);
      expect(() => pyMemFree(d, 2 ** 32)).toThrow(RangeError);
      expect(() => pyObjectFree(d, 2 ** 40 + 8)).toThrow(RangeError);
    }
    expect(heap.u32[0]).toBe(HEAP_MAGIC);
    const worker = spawnTsWorker(new URL('./workers/attach.worker.ts', import.meta.url), { heap: heap.handle(), mi });
    const reply = await nextMessage<{ tid: number; ok: boolean }>(worker);
    await worker.terminate();
    expect(reply.ok).toBe(true);
    expect(reply.tid).toBeGreaterThan(heap.tid);
  });
});

// ---------------------------------------------------------------------------
// Debug-hook reports never crash
// ---------------------------------------------------------------------------

describe('debug-hook reports on bad addresses', () => {
  it.each(['mem', 'object', 'raw'] as const)('a %s hook called directly reports every bad address as a FatalError naming it', (domain) => {
    const d = make('mimalloc_debug');
    const hook = getAllocator(d, domain);
    const p = hook.malloc(100);
    const expected: readonly (readonly [unknown, RegExp])[] = [
      [Number.NaN, /p=NaN: not an address inside the heap/],
      [2 ** 40, /p=1099511627776: not an address inside the heap/],
      [heap.size + 16, /p=\d+: not an address inside the heap|p=0x[0-9a-f]{8}: not an address inside the heap/],
      [-8, /p=-8: not an address inside the heap/],
      [1.5, /p=1\.5: not an address inside the heap/],
      ['abc', /p="abc" \(a string\): not an address inside the heap/],
      [String(p), /\(a string\): not an address inside the heap/],
      [{}, /p=an object: not an address inside the heap/],
      [BigInt(p), /n \(a bigint\): not an address inside the heap/],
      [undefined, /p=undefined: not an address inside the heap/],
      [8, /p=0x00000008: too close to the heap's start/],
    ];
    for (const [value, message] of expected) {
      for (const call of [() => hook.free(value as number), () => hook.realloc(value as number, 16)]) {
        let thrown: unknown;
        try {
          call();
        } catch (e) {
          thrown = e;
        }
        expect(thrown, String(value)).toBeInstanceOf(FatalError);
        expect((thrown as Error).message).toMatch(message);
        expect((thrown as Error).message).toMatch(/bad address/);
      }
    }
    hook.free(p);
  });

  it('an address inside the heap that is not a block gets the full report (bad ID), also at the very end of the heap', () => {
    const d = make('mimalloc_debug');
    for (const p of [heap.regionStart, heap.regionStart + 3, heap.size - 8, heap.size - 1]) {
      let thrown: unknown;
      try {
        pyMemFree(d, p);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(FatalError);
      expect((thrown as Error).message).toMatch(/^ft fatal error: Debug memory block at address p=0x[0-9a-f]{8}: API '/);
      expect((thrown as Error).message).toMatch(/_PyMem_DebugFree: bad (ID|leading pad byte|trailing pad byte)/);
    }
    expect(heap.u32[0]).toBe(HEAP_MAGIC);
  });

  it('an allocation-traceback provider that throws does not hide the report', () => {
    const a = freeThreadedAllocators(t);
    const hook = debugAllocator(heap, a.mem, 'mem', {
      allocationTraceback: () => {
        throw new Error('provider broke');
      },
    });
    expect(() => hook.free(Number.NaN)).toThrow(/the provider threw: Error: provider broke/);
    expect(() => hook.free(heap.regionStart + 64)).toThrow(/bad ID[^]*|the provider threw/);
  });

  it('the hooks check sizes too when called directly', () => {
    const d = make('pymalloc_debug');
    const hook = getAllocator(d, 'object');
    const before = snapshot();
    for (const [label, value, outcome] of SIZE_CASES) {
      expectOutcome(() => hook.malloc(value as number), outcome, `hook malloc(${label})`);
      expectOutcome(() => hook.calloc(value as number, 2), outcome, `hook calloc(${label}, 2)`);
      expectUnchanged(before, label);
    }
  });
});

// ---------------------------------------------------------------------------
// pymalloc's own entry points
// ---------------------------------------------------------------------------

describe('pymalloc entry points', () => {
  it('pymallocAlloc: bad sizes throw or return 0, nothing allocated', () => {
    pymallocFree(pm, pymallocAlloc(pm, 16)); // the first arena
    const before = snapshot();
    for (const [label, value, outcome] of SIZE_CASES) {
      expectOutcome(() => pymallocAlloc(pm, value as number), outcome, `pymallocAlloc(${label})`);
      expectUnchanged(before, label);
    }
    expect(pymallocAlloc(pm, 0)).toBe(0);
    expect(pymallocAlloc(pm, 513)).toBe(0);
    expectUnchanged(before, '0 and 513');
  });

  it('pymallocFree: bad addresses throw or return false; the queries answer "not pymalloc\'s" and never throw', () => {
    const p = pymallocAlloc(pm, 100);
    fillPattern(p, 100);
    const before = snapshot();
    for (const [label, value, , outcome] of ADDRESS_CASES) {
      const v = value(p) as number;
      expectOutcome(() => pymallocFree(pm, v), outcome, `pymallocFree(${label})`);
      expect(pymallocAddressInRange(pm, v), label).toBe(false);
      expect(pymallocBlockSize(pm, v), label).toBe(0);
      expectUnchanged(before, label);
    }
    expectPattern(p, 100, 'pymallocFree');
    expect(pymallocFree(pm, p)).toBe(true);
    expect(pymallocStats(pm).blocksInUse).toBe(before.pymallocInUse - 1);
  });

  it('pymallocAttach refuses anything but a living state, 2**32 + state included (it used to wrap onto the state)', () => {
    for (const v of [2 ** 32 + pm.state, Number.NaN, String(pm.state), pm.state + 4, 2 ** 40, -pm.state, undefined]) {
      expect(() => pymallocAttach(heap, v as number), String(v)).toThrow(FatalError);
    }
    expect(pymallocAttach(heap, pm.state).state).toBe(pm.state);
  });
});

// ---------------------------------------------------------------------------
// The other entry points
// ---------------------------------------------------------------------------

describe('allocator names', () => {
  it('createAllocatorDomains refuses unknown names with the list of valid ones, before building anything', () => {
    const before = snapshot();
    const list = ALLOCATOR_NAMES.join(', ');
    for (const name of ['pymalloc-debug', 'jemalloc', 'DEBUG', ' debug', 'debug ', 'mimalloc_debug_debug', '']) {
      expect(() => createAllocatorDomains(heap, name as AllocatorName, { mi: t, mode: 'gil', pymalloc: pm }), name).toThrow(RangeError);
      expect(() => createAllocatorDomains(heap, name as AllocatorName, { mi: t })).toThrow(`createAllocatorDomains: unknown memory allocator '${name}'; valid names: ${list}`);
    }
    for (const name of [undefined, null, 42, ['debug'], { toString: () => 'debug' }]) {
      expect(() => createAllocatorDomains(heap, name as AllocatorName, { mi: t }), String(name)).toThrow(TypeError);
    }
    expectUnchanged(before, 'refused names');
  });

  it('FT_MALLOC and parseAllocatorName refuse them alike (CPython: "PYTHONMALLOC: unknown allocator")', () => {
    expect(() => allocatorNameFromEnv({ FT_MALLOC: 'jemalloc' })).toThrow(/^FT_MALLOC: unknown memory allocator 'jemalloc'; valid names: default, debug/);
    expect(() => allocatorNameFromEnv({ FT_MALLOC: 'pymalloc-debug' })).toThrow(RangeError);
    expect(() => parseAllocatorName('pymalloc-debug')).toThrow(RangeError);
    expect(() => parseAllocatorName(42 as unknown as string)).toThrow(TypeError);
    for (const name of ALLOCATOR_NAMES) expect(allocatorNameFromEnv({ FT_MALLOC: name })).toBe(name);
  });

  it('createAllocatorDomains refuses an unknown mode and a missing mimalloc thread', () => {
    expect(() => createAllocatorDomains(heap, 'default', { mi: t, mode: 'nogil' as 'gil' })).toThrow(RangeError);
    expect(() => createAllocatorDomains(heap, 'default', {} as { mi: MiThread })).toThrow(TypeError);
    expect(() => createAllocatorDomains(heap, 'default', undefined as unknown as { mi: MiThread })).toThrow(TypeError);
  });
});

describe('domains, allocators and hooks', () => {
  it('AllocatorDomains needs a heap and four allocators; get/setAllocator need a domain', () => {
    const a = freeThreadedAllocators(t);
    expect(() => new AllocatorDomains(a.raw as unknown as SharedHeap, a.raw, a.mem, a.object)).toThrow(TypeError);
    expect(() => new AllocatorDomains(heap, a.raw, {} as typeof a.mem, a.object)).toThrow(TypeError);
    const d = new AllocatorDomains(heap, a.raw, a.mem, a.object);
    expect(d.lowAddress).toBe(heap.regionStart);
    expect(d.highAddress).toBe(heap.size);
    for (const domain of ['memory', 'obj', '', undefined, 0]) {
      expect(() => getAllocator(d, domain as AllocatorDomain)).toThrow(RangeError);
      expect(() => setAllocator(d, domain as AllocatorDomain, a.mem)).toThrow(RangeError);
    }
    expect(() => setAllocator(d, 'mem', { malloc: () => 0 } as unknown as typeof a.mem)).toThrow(TypeError);
    expect(getAllocator(d, 'mem')).toBe(a.mem);
    expect(() => debugAllocator(heap, a.mem, 'memory' as AllocatorDomain)).toThrow(RangeError);
  });

  it('mimallocAllocator refuses a tag that is not a mimalloc heap tag', () => {
    for (const tag of [16, -1, 1.5, Number.NaN, '0', undefined]) {
      expect(() => mimallocAllocator(t, tag as number), String(tag)).toThrow(RangeError);
    }
    expect(typeof mimallocAllocator(t, 15).malloc).toBe('function');
  });
});

describe('delayed free', () => {
  it('memFreeDelayed and objectFreeDelayed check the address now and queue nothing for a bad one', () => {
    const qsbr = qsbrCreate(heap);
    const registry = new FreeCallbackRegistry();
    const d = make('mimalloc');
    const ids = registerDelayedFree(registry, d);
    const q = qsbrRegister(heap, qsbr, registry);
    const p = pyMemMalloc(d, 64);
    const before = snapshot();
    for (const [label, value, outcome] of ADDRESS_CASES) {
      for (const fn of [memFreeDelayed, objectFreeDelayed]) {
        expectOutcome(() => fn(q, ids, value(p) as number), outcome, `${fn.name}(${label})`);
      }
      expect(pendingDelayed(q), label).toBe(0);
      expectUnchanged(before, label);
    }
    memFreeDelayed(q, ids, 0); // NULL: ignored
    expect(pendingDelayed(q)).toBe(0);
    memFreeDelayed(q, ids, p);
    expect(pendingDelayed(q)).toBe(1);
    qsbrUnregister(q); // runs what is queued
    expect(miStats(t).liveBlocks).toBe(before.miLive - 1);
  });
});

describe('tracemalloc', () => {
  it('bad values through traced domains throw before the wrappers; track/untrack return -1', () => {
    const d = make('mimalloc');
    const tm = new TraceMalloc();
    tm.start(d, 1);
    const p = pyMemMalloc(d, 100);
    const traced = tm.getTracedMemory();
    const before = snapshot();
    for (const [label, value, outcome] of SIZE_CASES) {
      expectOutcome(() => pyMemMalloc(d, value as number), outcome, `traced pyMemMalloc(${label})`);
      expectOutcome(() => pyMemRealloc(d, p, value as number), outcome, `traced pyMemRealloc(p, ${label})`);
      // track's size is any u32 (CPython's size_t), so 2**31 is tracked, and untracked again.
      const isU32 = typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
      expect(tm.track(1, 0x1000, value as number), label).toBe(isU32 ? 0 : -1);
      expect(tm.untrack(1, 0x1000)).toBe(0);
    }
    for (const [label, value, outcome] of ADDRESS_CASES) {
      expectOutcome(() => pyMemFree(d, value(p) as number), outcome, `traced pyMemFree(${label})`);
      const v = value(p) as number;
      // An address is any u32 for track (other trace domains describe memory outside the heap).
      const isU32 = typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
      expect(tm.untrack(1, v), label).toBe(isU32 ? 0 : -1);
    }
    expectUnchanged(before, 'traced bad values');
    expect(tm.getTracedMemory().current).toBe(traced.current);
    expect(tm.getTraceback(0, p)).toBeDefined();
    pyMemFree(d, p);
    expect(tm.getTracedMemory().current).toBe(traced.current - 100);
    tm.stop();
  });
});

describe('interpreter states', () => {
  it('obmallocStateCreate checks the id and the mimalloc address; obmallocStateAttach refuses 2**32 + record', () => {
    const runtime = obmallocRuntimeCreate(heap, { mode: 'gil' });
    for (const id of ['0', -1, 1.5, Number.NaN, 2 ** 32, undefined]) {
      expect(() => obmallocStateCreate(heap, runtime, { id: id as number }), String(id)).toThrow(RangeError);
    }
    for (const m of ['1', -1, 1.5, 2 ** 40, 8]) {
      expect(() => obmallocStateCreate(heap, runtime, { id: 0, mi: m as number }), String(m)).toThrow(RangeError);
    }
    const record = obmallocStateCreate(heap, runtime, { id: 0, mi });
    for (const v of [2 ** 32 + record, Number.NaN, String(record), 2 ** 40, undefined]) {
      expect(() => obmallocStateAttach(heap, v as number), String(v)).toThrow(FatalError);
    }
    expect(() => obmallocStateCreate(heap, 2 ** 32 + runtime, { id: 1 })).toThrow(FatalError);
    expect(obmallocStateAttach(heap, record, t).id).toBe(0);
  });
});
