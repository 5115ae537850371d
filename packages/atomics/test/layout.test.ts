// Layout checks (DESIGN.md §6): every shared structure of @ft/atomics has its
// fields aligned to their width, non-overlapping and inside the structure;
// waited-on words are 4-byte aligned Int32 slots; per-thread records are 64
// bytes; a created heap places its tables without overlap.
import { afterEach, describe, expect, it } from 'vitest';
import * as layout from '../src/layout.js';
import {
  HEAP_LAYOUT_VERSION,
  HEAP_MAGIC,
  HEAP_MAX_SIZE,
  HEAP_MIN_SIZE,
  MUTEX_HAS_PARKED_BIT,
  MUTEX_LOCKED_BIT,
  ONCE_INITIALIZED,
  PARKING_LOT_BUCKETS,
  RECURSIVE_MUTEX_SIZE,
  REGION_GRANULE_SIZE,
  RWMUTEX_SIZE,
  SEQLOCK_SIZE,
  SharedHeap,
  stripedLocksCreate,
  THREAD_DEFAULT_CAPACITY,
  THREAD_MAX_CAPACITY,
  THREAD_SLOT_SIZE,
  threadSlotAddress,
} from '../src/index.js';
// Offsets of package-internal layouts: tests of the owning package read them from layout.ts.
import {
  BUCKET_HEAD_OFFSET,
  BUCKET_LOCK_OFFSET,
  BUCKET_NUM_WAITERS_OFFSET,
  BUCKET_SIZE,
  BUCKET_TAIL_OFFSET,
  FREE_EXTENT_NEXT_OFFSET,
  FREE_EXTENT_SIZE_OFFSET,
  HEAP_BUCKET_TABLE_OFFSET,
  HEAP_FENCE_WORD_OFFSET,
  HEAP_HEADER_SIZE,
  HEAP_LAYOUT_VERSION_OFFSET,
  HEAP_LIVE_THREADS_OFFSET,
  HEAP_MAGIC_OFFSET,
  HEAP_MAX_TID_OFFSET,
  HEAP_REGION_BUMP_OFFSET,
  HEAP_REGION_BYTES_IN_USE_OFFSET,
  HEAP_REGION_HIGH_WATER_OFFSET,
  HEAP_REGION_FREE_HEAD_OFFSET,
  HEAP_REGION_LOCK_OFFSET,
  HEAP_REGION_START_OFFSET,
  HEAP_REGIONS_IN_USE_OFFSET,
  HEAP_SIZE_OFFSET,
  HEAP_THREAD_CAPACITY_OFFSET,
  HEAP_THREAD_REGISTRATIONS_OFFSET,
  HEAP_THREAD_TABLE_OFFSET,
  RECURSIVE_MUTEX_LEVEL_OFFSET,
  RECURSIVE_MUTEX_MUTEX_OFFSET,
  RECURSIVE_MUTEX_OWNER_OFFSET,
  REGION_AREA_ALIGN,
  RWMUTEX_HAS_PARKED_BIT,
  RWMUTEX_READER_UNIT,
  RWMUTEX_WRITE_LOCKED_BIT,
  STRIPED_LOCKS_COUNT_OFFSET,
  STRIPED_LOCKS_VERSION_OFFSET,
  STRIPED_LOCKS_HEADER_SIZE,
  STRIPED_LOCKS_STRIDE,
  STRIPED_LOCKS_TAG,
  STRIPED_LOCKS_TAG_OFFSET,
  THREAD_GENERATION_OFFSET,
  THREAD_IS_UNPARKING_OFFSET,
  THREAD_PARK_ARG_OFFSET,
  THREAD_PARKER_OFFSET,
  THREAD_PARKS_OFFSET,
  THREAD_STATE_OFFSET,
  THREAD_UNPARK_VALUE_OFFSET,
  THREAD_WAIT_ADDR_OFFSET,
  THREAD_WAIT_NEXT_OFFSET,
  THREAD_WAIT_PREV_OFFSET,
} from '../src/layout.js';

/** [field name, byte offset, width in bytes]. */
type Field = readonly [name: string, offset: number, width: number];

interface Structure {
  name: string;
  size: number;
  /** Prefix of the exported `…_OFFSET` constants that belong to this structure. */
  constantPrefix: RegExp;
  fields: readonly Field[];
}

const HEAP_HEADER_FIELDS: readonly Field[] = [
  ['magic', HEAP_MAGIC_OFFSET, 4],
  ['layoutVersion', HEAP_LAYOUT_VERSION_OFFSET, 4],
  ['heapSize', HEAP_SIZE_OFFSET, 4],
  ['regionStart', HEAP_REGION_START_OFFSET, 4],
  ['threadCapacity', HEAP_THREAD_CAPACITY_OFFSET, 4],
  ['threadTable', HEAP_THREAD_TABLE_OFFSET, 4],
  ['bucketTable', HEAP_BUCKET_TABLE_OFFSET, 4],
  ['fenceWord', HEAP_FENCE_WORD_OFFSET, 4],
  ['liveThreads', HEAP_LIVE_THREADS_OFFSET, 4],
  ['maxTid', HEAP_MAX_TID_OFFSET, 4],
  ['regionLock', HEAP_REGION_LOCK_OFFSET, 4],
  ['regionBump', HEAP_REGION_BUMP_OFFSET, 4],
  ['regionFreeHead', HEAP_REGION_FREE_HEAD_OFFSET, 4],
  ['regionBytesInUse', HEAP_REGION_BYTES_IN_USE_OFFSET, 4],
  ['regionHighWater', HEAP_REGION_HIGH_WATER_OFFSET, 4],
  ['regionsInUse', HEAP_REGIONS_IN_USE_OFFSET, 4],
  ['threadRegistrations', HEAP_THREAD_REGISTRATIONS_OFFSET, 4],
  ['world', layout.HEAP_WORLD_OFFSET, 4],
];

// The world's records (stop-the-world); read through the module namespace.
const WORLD_FIELDS: readonly Field[] = [
  ['tag', layout.WORLD_TAG_OFFSET, 4],
  ['headLock', layout.WORLD_HEAD_LOCK_OFFSET, 1],
  ['stwRwMutex', layout.WORLD_STW_RWMUTEX_OFFSET, 4],
  ['groupsHead', layout.WORLD_GROUPS_HEAD_OFFSET, 4],
  ['nextGroupId', layout.WORLD_NEXT_GROUP_ID_OFFSET, 4],
];
const STW_FIELDS: readonly Field[] = [
  ['mutex', layout.STW_MUTEX_OFFSET, 1],
  ['stopEvent', layout.STW_EVENT_OFFSET, 1],
  ['requested', layout.STW_REQUESTED_OFFSET, 4],
  ['stopped', layout.STW_STOPPED_OFFSET, 4],
  ['countdown', layout.STW_COUNTDOWN_OFFSET, 4],
  ['requester', layout.STW_REQUESTER_OFFSET, 4],
  ['requesterTid', layout.STW_REQUESTER_TID_OFFSET, 4],
  ['isGlobal', layout.STW_IS_GLOBAL_OFFSET, 4],
];
const GROUP_FIELDS: readonly Field[] = [
  ['tag', layout.GROUP_TAG_OFFSET, 4],
  ['id', layout.GROUP_ID_OFFSET, 4],
  ['next', layout.GROUP_NEXT_OFFSET, 4],
  ['participants', layout.GROUP_PARTICIPANTS_OFFSET, 4],
  ['world', layout.GROUP_WORLD_OFFSET, 4],
  ['version', layout.GROUP_VERSION_OFFSET, 4],
  ['count', layout.GROUP_COUNT_OFFSET, 4],
  ['nextId', layout.GROUP_NEXT_ID_OFFSET, 4],
];
/**
 * A stop-the-world record embedded at `offset` of another record, as that
 * record's fields (its first, `stw.mutex`, stands for the embedding record's
 * `…_STW_OFFSET` in the coverage check).
 */
const embeddedStw = (offset: number): Field[] => STW_FIELDS.map(([name, at, width]) => [`stw.${name}`, offset + at, width] as const);
const WORLD_ALL_FIELDS: readonly Field[] = [...WORLD_FIELDS, ...embeddedStw(layout.WORLD_STW_OFFSET)];
const GROUP_ALL_FIELDS: readonly Field[] = [...GROUP_FIELDS, ...embeddedStw(layout.GROUP_STW_OFFSET)];
const PARTICIPANT_FIELDS: readonly Field[] = [
  ['status', layout.PARTICIPANT_STATUS_OFFSET, 4],
  ['evalBreaker', layout.PARTICIPANT_EVAL_BREAKER_OFFSET, 4],
  ['tid', layout.PARTICIPANT_TID_OFFSET, 4],
  ['group', layout.PARTICIPANT_GROUP_OFFSET, 4],
  ['next', layout.PARTICIPANT_NEXT_OFFSET, 4],
  ['prev', layout.PARTICIPANT_PREV_OFFSET, 4],
  ['id', layout.PARTICIPANT_ID_OFFSET, 4],
  ['tag', layout.PARTICIPANT_TAG_OFFSET, 4],
];

const THREAD_SLOT_FIELDS: readonly Field[] = [
  ['state', THREAD_STATE_OFFSET, 4],
  ['parker', THREAD_PARKER_OFFSET, 4],
  ['waitAddr', THREAD_WAIT_ADDR_OFFSET, 4],
  ['waitNext', THREAD_WAIT_NEXT_OFFSET, 4],
  ['waitPrev', THREAD_WAIT_PREV_OFFSET, 4],
  ['isUnparking', THREAD_IS_UNPARKING_OFFSET, 4],
  ['unparkValue', THREAD_UNPARK_VALUE_OFFSET, 4],
  ['generation', THREAD_GENERATION_OFFSET, 4],
  ['parkArg', THREAD_PARK_ARG_OFFSET, 8],
  ['parks', THREAD_PARKS_OFFSET, 4],
];

const BUCKET_FIELDS: readonly Field[] = [
  ['lock', BUCKET_LOCK_OFFSET, 4],
  ['head', BUCKET_HEAD_OFFSET, 4],
  ['tail', BUCKET_TAIL_OFFSET, 4],
  ['numWaiters', BUCKET_NUM_WAITERS_OFFSET, 4],
];

const RECURSIVE_MUTEX_FIELDS: readonly Field[] = [
  ['mutex', RECURSIVE_MUTEX_MUTEX_OFFSET, 1],
  ['owner', RECURSIVE_MUTEX_OWNER_OFFSET, 4],
  ['level', RECURSIVE_MUTEX_LEVEL_OFFSET, 4],
];

const STRIPED_LOCKS_HEADER_FIELDS: readonly Field[] = [
  ['tag', STRIPED_LOCKS_TAG_OFFSET, 4],
  ['count', STRIPED_LOCKS_COUNT_OFFSET, 4],
  ['version', STRIPED_LOCKS_VERSION_OFFSET, 4],
];

const FREE_EXTENT_FIELDS: readonly Field[] = [
  ['size', FREE_EXTENT_SIZE_OFFSET, 4],
  ['next', FREE_EXTENT_NEXT_OFFSET, 4],
];

const STRUCTURES: readonly Structure[] = [
  // HEAP_HEADER_SIZE and friends are not offsets; the regex only picks `…_OFFSET`.
  { name: 'heap header', size: HEAP_HEADER_SIZE, constantPrefix: /^HEAP_.*_OFFSET$/, fields: HEAP_HEADER_FIELDS },
  { name: 'thread slot', size: THREAD_SLOT_SIZE, constantPrefix: /^THREAD_.*_OFFSET$/, fields: THREAD_SLOT_FIELDS },
  { name: 'parking-lot bucket', size: BUCKET_SIZE, constantPrefix: /^BUCKET_.*_OFFSET$/, fields: BUCKET_FIELDS },
  {
    name: 'recursive mutex',
    size: RECURSIVE_MUTEX_SIZE,
    constantPrefix: /^RECURSIVE_MUTEX_.*_OFFSET$/,
    fields: RECURSIVE_MUTEX_FIELDS,
  },
  {
    name: 'striped locks header',
    size: STRIPED_LOCKS_HEADER_SIZE,
    constantPrefix: /^STRIPED_LOCKS_.*_OFFSET$/,
    fields: STRIPED_LOCKS_HEADER_FIELDS,
  },
  // A free extent is at least one granule; its bookkeeping takes the first 8 bytes.
  { name: 'free extent', size: 8, constantPrefix: /^FREE_EXTENT_.*_OFFSET$/, fields: FREE_EXTENT_FIELDS },
  { name: 'world', size: layout.WORLD_SIZE, constantPrefix: /^WORLD_.*_OFFSET$/, fields: WORLD_ALL_FIELDS },
  { name: 'stop-the-world record', size: layout.STW_SIZE, constantPrefix: /^STW_.*_OFFSET$/, fields: STW_FIELDS },
  { name: 'world group', size: layout.GROUP_SIZE, constantPrefix: /^GROUP_.*_OFFSET$/, fields: GROUP_ALL_FIELDS },
  { name: 'participant', size: layout.PARTICIPANT_SIZE, constantPrefix: /^PARTICIPANT_.*_OFFSET$/, fields: PARTICIPANT_FIELDS },
];

function overlaps(a: Field, b: Field): boolean {
  return a[1] < b[1] + b[2] && b[1] < a[1] + a[2];
}

/** Largest field width: the structure's own alignment requirement. */
function structureAlign(fields: readonly Field[]): number {
  return Math.max(...fields.map((f) => f[2]));
}

const heaps: SharedHeap[] = [];
function track(heap: SharedHeap): SharedHeap {
  heaps.push(heap);
  return heap;
}

afterEach(() => {
  while (heaps.length > 0) heaps.pop()!.close();
});

describe.each(STRUCTURES)('$name layout', ({ name, size, constantPrefix, fields }) => {
  it('every field is aligned to its width', () => {
    for (const [field, offset, width] of fields) {
      expect([1, 2, 4, 8], `${name}.${field} width`).toContain(width);
      expect(Number.isInteger(offset), `${name}.${field} offset`).toBe(true);
      expect(offset % width, `${name}.${field} at ${offset} is not ${width}-aligned`).toBe(0);
    }
  });

  it('no two fields overlap', () => {
    for (let i = 0; i < fields.length; i++) {
      for (let j = i + 1; j < fields.length; j++) {
        expect(overlaps(fields[i]!, fields[j]!), `${name}: ${fields[i]![0]} overlaps ${fields[j]![0]}`).toBe(false);
      }
    }
  });

  it('all fields fit inside the structure size', () => {
    for (const [field, offset, width] of fields) {
      expect(offset, `${name}.${field}`).toBeGreaterThanOrEqual(0);
      expect(offset + width, `${name}.${field} ends past ${size}`).toBeLessThanOrEqual(size);
    }
    // The structure size keeps every field aligned when structures are laid out back to back.
    expect(size % structureAlign(fields)).toBe(0);
  });

  it('the field list covers every offset constant layout.ts declares for the structure', () => {
    const exported = Object.entries(layout)
      .filter(([key, value]) => constantPrefix.test(key) && typeof value === 'number')
      .map(([, value]) => value as number)
      .sort((a, b) => a - b);
    // Fields of an embedded record ('stw.mutex') have their constants in that record's own list.
    const declared = fields
      .filter((f) => !f[0].includes('.') || f[0].endsWith('.mutex'))
      .map((f) => f[1])
      .sort((a, b) => a - b);
    expect(declared).toEqual(exported);
  });
});

describe('structure sizes', () => {
  it('has the documented sizes', () => {
    expect(HEAP_HEADER_SIZE).toBe(128);
    expect(THREAD_SLOT_SIZE).toBe(64);
    expect(BUCKET_SIZE).toBe(64);
    expect(RECURSIVE_MUTEX_SIZE).toBe(12);
    expect(STRIPED_LOCKS_HEADER_SIZE).toBe(64);
    expect(STRIPED_LOCKS_STRIDE).toBe(64);
    expect(RWMUTEX_SIZE).toBe(4);
    expect(SEQLOCK_SIZE).toBe(4);
    expect(PARKING_LOT_BUCKETS).toBe(257);
  });

  it('per-thread and per-bucket records are padded to 64 bytes against false sharing', () => {
    expect(THREAD_SLOT_SIZE).toBe(64);
    expect(BUCKET_SIZE).toBe(64);
    // Striped-lock stripes sit one per 64-byte line, after the header.
    expect(STRIPED_LOCKS_STRIDE).toBe(64);
    expect(STRIPED_LOCKS_HEADER_SIZE % STRIPED_LOCKS_STRIDE).toBe(0);
  });

  it('the recursive mutex is 4-aligned: its u32 fields follow the PyMutex byte', () => {
    expect(structureAlign(RECURSIVE_MUTEX_FIELDS)).toBe(4);
    expect(RECURSIVE_MUTEX_SIZE % 4).toBe(0);
  });

  it('a free extent header fits in the smallest extent (one granule)', () => {
    expect(REGION_GRANULE_SIZE).toBe(4096);
    for (const [, offset, width] of FREE_EXTENT_FIELDS) expect(offset + width).toBeLessThanOrEqual(REGION_GRANULE_SIZE);
    expect(REGION_AREA_ALIGN % REGION_GRANULE_SIZE).toBe(0);
  });

  it('bit constants of the one-word locks do not collide', () => {
    expect(MUTEX_LOCKED_BIT & MUTEX_HAS_PARKED_BIT).toBe(0);
    expect((MUTEX_LOCKED_BIT | MUTEX_HAS_PARKED_BIT | ONCE_INITIALIZED) & ~0xff).toBe(0);
    expect(RWMUTEX_WRITE_LOCKED_BIT & RWMUTEX_HAS_PARKED_BIT).toBe(0);
    expect(RWMUTEX_READER_UNIT & (RWMUTEX_WRITE_LOCKED_BIT | RWMUTEX_HAS_PARKED_BIT)).toBe(0);
    expect(RWMUTEX_READER_UNIT).toBe(4);
  });

  it('size limits are the documented ones', () => {
    expect(HEAP_MIN_SIZE).toBe(1 << 20);
    expect(HEAP_MAX_SIZE).toBe(0xffffffff);
    expect(THREAD_MAX_CAPACITY).toBeLessThanOrEqual(0xffff);
  });
});

describe('waited-on words', () => {
  const waited: readonly [string, string, readonly Field[]][] = [
    ['thread slot', 'parker', THREAD_SLOT_FIELDS],
    ['parking-lot bucket', 'lock', BUCKET_FIELDS],
    ['heap header', 'regionLock', HEAP_HEADER_FIELDS],
    ['participant', 'status', PARTICIPANT_FIELDS],
    ['world', 'stwRwMutex', WORLD_ALL_FIELDS],
  ];

  it.each(waited)('%s.%s is a 4-byte aligned Int32 slot', (_struct, fieldName, fields) => {
    const field = fields.find((f) => f[0] === fieldName)!;
    expect(field).toBeDefined();
    expect(field[2]).toBe(4);
    expect(field[1] % 4).toBe(0);
  });

  it('the parker, bucket lock and region lock words of a real heap can be waited on', () => {
    const heap = track(SharedHeap.create({ size: 16 << 20 }));
    const words = [
      heap.slot + THREAD_PARKER_OFFSET,
      heap.bucketTable + BUCKET_LOCK_OFFSET,
      heap.bucketTable + (PARKING_LOT_BUCKETS - 1) * BUCKET_SIZE + BUCKET_LOCK_OFFSET,
      HEAP_REGION_LOCK_OFFSET,
    ];
    for (const addr of words) {
      expect(addr % 4).toBe(0);
      expect(heap.i32[addr >>> 2]).toBe(0);
      // Atomics.wait accepts only Int32Array (or BigInt64Array) views: the
      // word is usable as a futex. Timeout 0 on the current value times out;
      // on another value it reports not-equal.
      expect(Atomics.wait(heap.i32, addr >>> 2, 0, 0)).toBe('timed-out');
      expect(Atomics.wait(heap.i32, addr >>> 2, 1, 0)).toBe('not-equal');
    }
    expect(heap.parkerIndex).toBe((heap.slot + THREAD_PARKER_OFFSET) >>> 2);
  });
});

describe('the heap magic', () => {
  it("spells 'FTHP' in little-endian bytes", () => {
    expect(HEAP_MAGIC & 0xff).toBe('F'.charCodeAt(0));
    expect((HEAP_MAGIC >>> 8) & 0xff).toBe('T'.charCodeAt(0));
    expect((HEAP_MAGIC >>> 16) & 0xff).toBe('H'.charCodeAt(0));
    expect((HEAP_MAGIC >>> 24) & 0xff).toBe('P'.charCodeAt(0));
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, HEAP_MAGIC, true);
    expect(String.fromCharCode(...bytes)).toBe('FTHP');
  });

  it('a created heap carries the magic and layout version in its first bytes', () => {
    const heap = track(SharedHeap.create({ size: HEAP_MIN_SIZE }));
    expect(String.fromCharCode(...heap.u8.subarray(HEAP_MAGIC_OFFSET, HEAP_MAGIC_OFFSET + 4))).toBe('FTHP');
    expect(heap.u32[HEAP_MAGIC_OFFSET >>> 2]).toBe(HEAP_MAGIC);
    expect(heap.u32[HEAP_LAYOUT_VERSION_OFFSET >>> 2]).toBe(HEAP_LAYOUT_VERSION);
    expect(heap.u32[HEAP_SIZE_OFFSET >>> 2]).toBe(HEAP_MIN_SIZE);
  });
});

describe('placement of the tables in a created heap', () => {
  const cases: readonly [size: number, threadCapacity: number | undefined][] = [
    [HEAP_MIN_SIZE, undefined],
    [HEAP_MIN_SIZE, 1],
    [HEAP_MIN_SIZE, 2],
    [HEAP_MIN_SIZE + 7, 3],
    [16 << 20, THREAD_DEFAULT_CAPACITY],
    [16 << 20, 1000],
    [16 << 20, THREAD_MAX_CAPACITY],
  ];

  it.each(cases)('size %i, threadCapacity %s: header, thread table, buckets and regions do not overlap', (size, threadCapacity) => {
    const heap = track(SharedHeap.create(threadCapacity === undefined ? { size } : { size, threadCapacity }));
    const capacity = threadCapacity ?? THREAD_DEFAULT_CAPACITY;
    expect(heap.threadCapacity).toBe(capacity);
    expect(heap.u32[HEAP_THREAD_CAPACITY_OFFSET >>> 2]).toBe(capacity);

    const threadTable = heap.threadTable;
    const bucketTable = heap.bucketTable;
    const regionStart = heap.regionStart;
    expect(heap.u32[HEAP_THREAD_TABLE_OFFSET >>> 2]).toBe(threadTable);
    expect(heap.u32[HEAP_BUCKET_TABLE_OFFSET >>> 2]).toBe(bucketTable);
    expect(heap.u32[HEAP_REGION_START_OFFSET >>> 2]).toBe(regionStart);

    // [start, end) of each area, in address order.
    const areas: [string, number, number][] = [
      ['header', 0, HEAP_HEADER_SIZE],
      // Slot 0 is never handed out but is part of the table (tid = index).
      ['thread table', threadTable, threadTable + (capacity + 1) * THREAD_SLOT_SIZE],
      ['bucket table', bucketTable, bucketTable + PARKING_LOT_BUCKETS * BUCKET_SIZE],
      ['region area', regionStart, heap.size],
    ];
    for (let i = 1; i < areas.length; i++) {
      const [prevName, , prevEnd] = areas[i - 1]!;
      const [curName, curStart, curEnd] = areas[i]!;
      expect(curStart, `${curName} starts inside ${prevName}`).toBeGreaterThanOrEqual(prevEnd);
      expect(curEnd, `${curName} is empty`).toBeGreaterThan(curStart);
    }
    expect(threadTable % THREAD_SLOT_SIZE).toBe(0);
    expect(bucketTable % BUCKET_SIZE).toBe(0);
    expect(regionStart % REGION_AREA_ALIGN).toBe(0);
    expect(regionStart).toBeLessThan(heap.size);
    // The first and last slot addresses stay inside the thread table; a slot's f64 is 8-aligned.
    expect(threadSlotAddress(heap, 1)).toBe(threadTable + THREAD_SLOT_SIZE);
    expect(threadSlotAddress(heap, capacity) + THREAD_SLOT_SIZE).toBeLessThanOrEqual(bucketTable);
    expect((threadSlotAddress(heap, capacity) + THREAD_PARK_ARG_OFFSET) % 8).toBe(0);
    // The calling thread's slot is slot 1.
    expect(heap.tid).toBe(1);
    expect(heap.slot).toBe(threadSlotAddress(heap, 1));
  });
});

describe('striped locks table', () => {
  it('stripe i sits on its own 64-byte line past the header fields', () => {
    const heap = track(SharedHeap.create({ size: 16 << 20 }));
    const table = stripedLocksCreate(heap, 5);
    expect(table).not.toBe(0);
    expect(table % STRIPED_LOCKS_STRIDE).toBe(0);
    expect(heap.u32[(table + STRIPED_LOCKS_TAG_OFFSET) >>> 2]).toBe(STRIPED_LOCKS_TAG);
    expect(heap.u32[(table + STRIPED_LOCKS_COUNT_OFFSET) >>> 2]).toBe(5);
    for (let i = 0; i < 5; i++) {
      const stripe = STRIPED_LOCKS_HEADER_SIZE + i * STRIPED_LOCKS_STRIDE;
      for (const f of STRIPED_LOCKS_HEADER_FIELDS) expect(overlaps([`stripe${i}`, stripe, 1], f)).toBe(false);
      expect(stripe % 64).toBe(0);
    }
  });
});
