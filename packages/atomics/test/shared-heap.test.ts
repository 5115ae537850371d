// SharedHeap creation/attach/close and the thread slots (tids, generations,
// parker words). Single-threaded: "other threads" are extra SharedHeap objects
// attached from the same handle on the main thread, which register their own
// tids exactly as a worker would.
import { afterEach, describe, expect, it } from 'vitest';
import {
  criticalSectionBegin,
  criticalSectionEnd,
  FatalError,
  HEAP_DEFAULT_SIZE,
  HEAP_LAYOUT_VERSION,
  HEAP_MAGIC,
  HEAP_MAX_SIZE,
  HEAP_MIN_SIZE,
  isThreadLive,
  liveThreadCount,
  maxThreadId,
  parkerPost,
  parkerWait,
  regionAlloc,
  SharedHeap,
  type HeapMemory,
  THREAD_DEFAULT_CAPACITY,
  THREAD_MAX_CAPACITY,
  threadGeneration,
  threadSlotAddress,
} from '../src/index.js';
// Offsets of package-internal layouts: tests of the owning package read them from layout.ts.
import { newHeapMemory } from '../src/bulk-memory.js';
import {
  HEAP_LAYOUT_VERSION_OFFSET,
  HEAP_SIZE_OFFSET,
  HEAP_THREAD_REGISTRATIONS_OFFSET,
  THREAD_PARKER_OFFSET,
  THREAD_STATE_FREE,
  THREAD_STATE_LIVE,
  THREAD_STATE_OFFSET,
} from '../src/layout.js';

const heaps: SharedHeap[] = [];
function track(heap: SharedHeap): SharedHeap {
  heaps.push(heap);
  return heap;
}

afterEach(() => {
  // Close in reverse order; close() is idempotent, so heaps a test closed itself are fine.
  while (heaps.length > 0) {
    const heap = heaps.pop()!;
    while (heap.criticalSections.depth > 0) criticalSectionEnd(heap);
    heap.close();
  }
});

function registrations(heap: SharedHeap): number {
  return Atomics.load(heap.u32, HEAP_THREAD_REGISTRATIONS_OFFSET >>> 2);
}

/** A same-size copy of `heap`'s memory, as another process's heap would look. */
function copyOf(heap: SharedHeap, byteLength: number = heap.size): HeapMemory {
  const copy = newHeapMemory(byteLength);
  new Uint8Array(copy.buffer).set(heap.u8.subarray(0, Math.min(byteLength, heap.size)));
  return copy;
}

describe('SharedHeap.create', () => {
  it('with defaults: 1 GiB, 1024 thread slots, the creator is tid 1', () => {
    const heap = track(SharedHeap.create());
    expect(heap.size).toBe(HEAP_DEFAULT_SIZE);
    expect(heap.size).toBe(1 << 30);
    expect(heap.buffer.byteLength).toBe(1 << 30);
    expect(heap.threadCapacity).toBe(THREAD_DEFAULT_CAPACITY);
    expect(heap.tid).toBe(1);
    expect(heap.slot).toBe(threadSlotAddress(heap, 1));
    expect(heap.parkerIndex).toBe((heap.slot + THREAD_PARKER_OFFSET) >>> 2);
    expect(heap.isClosed).toBe(false);
    expect(heap.u32[HEAP_SIZE_OFFSET >>> 2]).toBe(1 << 30);
    expect(heap.u32[0]).toBe(HEAP_MAGIC);
    expect(heap.u32[HEAP_LAYOUT_VERSION_OFFSET >>> 2]).toBe(HEAP_LAYOUT_VERSION);
    expect(liveThreadCount(heap)).toBe(1);
    expect(maxThreadId(heap)).toBe(1);
    expect(registrations(heap)).toBe(1);
    expect(heap.criticalSections.depth).toBe(0);
  });

  it('with options: size and threadCapacity are honoured', () => {
    const heap = track(SharedHeap.create({ size: 3 << 20, threadCapacity: 7 }));
    expect(heap.size).toBe(3 << 20);
    expect(heap.buffer.byteLength).toBe(3 << 20);
    expect(heap.threadCapacity).toBe(7);
    expect(heap.tid).toBe(1);
    expect(heap.handle().memory).toBe(heap.memory);
    expect(heap.memory.buffer).toBe(heap.buffer);
  });

  it('a size that is not a whole number of 64 KiB pages: the memory rounds up, the heap keeps the size', () => {
    const size = (3 << 20) + 12345;
    const heap = track(SharedHeap.create({ size }));
    expect(heap.size).toBe(size);
    expect(heap.u8.length).toBe(size);
    expect(heap.buffer.byteLength).toBe((3 << 20) + 65536);
    const other = track(SharedHeap.attach(heap.handle()));
    expect(other.size).toBe(size);
  });

  it('accepts the extreme thread capacities', () => {
    const one = track(SharedHeap.create({ size: HEAP_MIN_SIZE, threadCapacity: 1 }));
    expect(one.threadCapacity).toBe(1);
    const max = track(SharedHeap.create({ size: 16 << 20, threadCapacity: THREAD_MAX_CAPACITY }));
    expect(max.threadCapacity).toBe(THREAD_MAX_CAPACITY);
  });

  it.each([
    ['0', 0],
    ['-1', -1],
    ['< 1 MiB', HEAP_MIN_SIZE - 1],
    ['64 KiB', 64 << 10],
    ['> 0xffffffff', HEAP_MAX_SIZE + 1],
    ['2**32 + 4096', 2 ** 32 + 4096],
    ['non-integer', HEAP_MIN_SIZE + 0.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('rejects size %s with a RangeError', (_label, size) => {
    expect(() => track(SharedHeap.create({ size }))).toThrowError(RangeError);
    expect(() => track(SharedHeap.create({ size }))).toThrowError(/heap size must be an integer/);
  });

  it.each([
    ['0', 0],
    ['-1', -1],
    ['non-integer', 2.5],
    ['NaN', Number.NaN],
    ['THREAD_MAX_CAPACITY + 1', THREAD_MAX_CAPACITY + 1],
    ['2**32', 2 ** 32],
  ])('rejects threadCapacity %s with a RangeError', (_label, threadCapacity) => {
    expect(() => track(SharedHeap.create({ size: 16 << 20, threadCapacity }))).toThrowError(RangeError);
    expect(() => track(SharedHeap.create({ size: 16 << 20, threadCapacity }))).toThrowError(/threadCapacity must be an integer/);
  });

  it('rejects a heap too small for its thread table with a RangeError', () => {
    // 0xfffe slots of 64 bytes need about 4 MiB before the region area.
    expect(() => track(SharedHeap.create({ size: HEAP_MIN_SIZE, threadCapacity: THREAD_MAX_CAPACITY }))).toThrowError(
      /too small for 65534 thread slots/,
    );
    expect(() => track(SharedHeap.create({ size: HEAP_MIN_SIZE, threadCapacity: THREAD_MAX_CAPACITY }))).toThrowError(RangeError);
  });

  it('the largest heap (0xffffffff bytes) can be created and its last byte addressed', () => {
    // Memory is committed lazily: only the touched pages cost anything.
    const heap = SharedHeap.create({ size: HEAP_MAX_SIZE });
    try {
      expect(heap.size).toBe(0xffffffff);
      expect(heap.u32[HEAP_SIZE_OFFSET >>> 2]).toBe(0xffffffff);
      expect(heap.u8.length).toBe(0xffffffff);
      expect(heap.u8[0xfffffffe]).toBe(0);
      heap.u8[0xfffffffe] = 0xa5;
      expect(heap.u8[0xfffffffe]).toBe(0xa5);
      expect(Atomics.load(heap.u8, 0xfffffffe)).toBe(0xa5);
      // One past the end is not part of the heap.
      expect(heap.u8[0xffffffff]).toBeUndefined();
      // The last whole words of each view.
      expect(heap.u16.length).toBe(0x7fffffff);
      expect(heap.i32.length).toBe(0x3fffffff);
      expect(heap.f64.length).toBe(0x1fffffff);
      // The last whole u32 covers bytes 0xfffffff8..0xfffffffb.
      heap.u32[heap.u32.length - 1] = 0xdeadbeef;
      expect(heap.u8[0xfffffff8]).toBe(0xef);
      expect(heap.u8[0xfffffffb]).toBe(0xde);
      expect(heap.u8[0xfffffffe]).toBe(0xa5);
    } finally {
      heap.close();
    }
  });

  it.each([
    [HEAP_MIN_SIZE, HEAP_MIN_SIZE, HEAP_MIN_SIZE / 2, HEAP_MIN_SIZE / 4, HEAP_MIN_SIZE / 8],
    [HEAP_MIN_SIZE + 7, HEAP_MIN_SIZE + 7, HEAP_MIN_SIZE / 2 + 3, HEAP_MIN_SIZE / 4 + 1, HEAP_MIN_SIZE / 8],
    [16 << 20, 16 << 20, 8 << 20, 4 << 20, 2 << 20],
  ])('views of a %i-byte heap have fixed lengths covering it', (size, n8, n16, n32, n64) => {
    const heap = track(SharedHeap.create({ size }));
    for (const view of [heap.u8, heap.u16, heap.i32, heap.u32, heap.f64, heap.i64]) {
      expect(view.buffer).toBe(heap.buffer);
      expect(view.byteOffset).toBe(0);
    }
    expect(heap.u8.length).toBe(n8);
    expect(heap.u16.length).toBe(n16);
    expect(heap.i32.length).toBe(n32);
    expect(heap.u32.length).toBe(n32);
    expect(heap.f64.length).toBe(n64);
    expect(heap.i64.length).toBe(n64);
    // All views alias the same bytes.
    const addr = regionAlloc(heap, 4096);
    heap.i64[addr >>> 3] = -2n;
    expect(heap.u32[addr >>> 2]).toBe(0xfffffffe);
    expect(heap.i32[(addr >>> 2) + 1]).toBe(-1);
    expect(heap.u16[addr >>> 1]).toBe(0xfffe);
    expect(heap.u8[addr]).toBe(0xfe);
  });
});

describe('SharedHeap.attach', () => {
  it('gives the attaching thread a new tid and its own slot', () => {
    const heap = track(SharedHeap.create({ size: 16 << 20 }));
    const gen2 = threadGeneration(heap, 2);
    const other = track(SharedHeap.attach(heap.handle()));
    expect(other.tid).toBe(2);
    expect(other.buffer).toBe(heap.buffer);
    expect(other.size).toBe(heap.size);
    expect(other.slot).toBe(threadSlotAddress(heap, 2));
    expect(other.parkerIndex).not.toBe(heap.parkerIndex);
    expect(other.criticalSections).not.toBe(heap.criticalSections);
    expect(other.regionStart).toBe(heap.regionStart);
    expect(other.threadTable).toBe(heap.threadTable);
    expect(other.bucketTable).toBe(heap.bucketTable);
    expect(liveThreadCount(heap)).toBe(2);
    expect(maxThreadId(heap)).toBe(2);
    expect(registrations(heap)).toBe(2);
    expect(isThreadLive(heap, 2)).toBe(true);
    expect(threadGeneration(heap, 2)).toBe(gen2 + 1);
    expect(Atomics.load(heap.i32, (other.slot + THREAD_STATE_OFFSET) >>> 2)).toBe(THREAD_STATE_LIVE);
  });

  it('reuses freed tids lowest first', () => {
    const heap = track(SharedHeap.create({ size: 16 << 20 }));
    const t2 = track(SharedHeap.attach(heap.handle()));
    const t3 = track(SharedHeap.attach(heap.handle()));
    const t4 = track(SharedHeap.attach(heap.handle()));
    expect([t2.tid, t3.tid, t4.tid]).toEqual([2, 3, 4]);
    t3.close();
    t2.close();
    expect(liveThreadCount(heap)).toBe(2);
    expect(isThreadLive(heap, 2)).toBe(false);
    expect(isThreadLive(heap, 3)).toBe(false);
    expect(maxThreadId(heap)).toBe(4);

    const a = track(SharedHeap.attach(heap.handle()));
    const b = track(SharedHeap.attach(heap.handle()));
    const c = track(SharedHeap.attach(heap.handle()));
    expect([a.tid, b.tid, c.tid]).toEqual([2, 3, 5]);
    expect(maxThreadId(heap)).toBe(5);
    expect(liveThreadCount(heap)).toBe(5);
    expect(registrations(heap)).toBe(7);
  });

  it('a reused tid gets a fresh parker word', () => {
    const heap = track(SharedHeap.create({ size: 16 << 20 }));
    const t2 = SharedHeap.attach(heap.handle());
    parkerPost(heap, 2); // a post the old owner of tid 2 never consumed
    expect(heap.i32[t2.parkerIndex]).toBe(1);
    t2.close();
    const again = track(SharedHeap.attach(heap.handle()));
    expect(again.tid).toBe(2);
    expect(heap.i32[again.parkerIndex]).toBe(0);
    expect(parkerWait(again, 0)).toBe(false);
  });

  it('close() frees the slot, and is idempotent', () => {
    const heap = track(SharedHeap.create({ size: 16 << 20 }));
    const t2 = SharedHeap.attach(heap.handle());
    expect(liveThreadCount(heap)).toBe(2);
    t2.close();
    expect(t2.isClosed).toBe(true);
    expect(liveThreadCount(heap)).toBe(1);
    expect(isThreadLive(heap, 2)).toBe(false);
    expect(Atomics.load(heap.i32, (threadSlotAddress(heap, 2) + THREAD_STATE_OFFSET) >>> 2)).toBe(THREAD_STATE_FREE);

    // Another thread takes tid 2; closing the old object again must not free it.
    const successor = track(SharedHeap.attach(heap.handle()));
    expect(successor.tid).toBe(2);
    t2.close();
    t2.close();
    expect(liveThreadCount(heap)).toBe(2);
    expect(isThreadLive(heap, 2)).toBe(true);
    const next = track(SharedHeap.attach(heap.handle()));
    expect(next.tid).toBe(3);
  });

  it('rejects a handle without a shared WebAssembly.Memory with a TypeError', () => {
    const bad: unknown[] = [
      { buffer: new SharedArrayBuffer(HEAP_MIN_SIZE) },
      { memory: { buffer: new SharedArrayBuffer(HEAP_MIN_SIZE) } },
      { memory: new SharedArrayBuffer(HEAP_MIN_SIZE) },
      { memory: new (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => unknown } }).WebAssembly.Memory({ initial: 16 }) },
      {},
      null,
      undefined,
    ];
    for (const handle of bad) {
      expect(() => track(SharedHeap.attach(handle as never))).toThrowError(TypeError);
      expect(() => track(SharedHeap.attach(handle as never))).toThrowError(/has no shared WebAssembly.Memory/);
    }
  });

  it('rejects a memory too small to be a heap', () => {
    const attach = (): SharedHeap => track(SharedHeap.attach({ memory: newHeapMemory(65536) }));
    expect(attach).toThrowError(TypeError);
    expect(attach).toThrowError(/a memory of 65536 bytes is not an ft heap \(too small\)/);
  });

  it('rejects a memory without the magic', () => {
    const attach = (): SharedHeap => track(SharedHeap.attach({ memory: newHeapMemory(HEAP_MIN_SIZE) }));
    expect(attach).toThrowError(TypeError);
    expect(attach).toThrowError(/not an ft heap \(magic 0x0, expected 0x50485446\)/);
  });

  it('rejects a heap of another layout version', () => {
    const heap = track(SharedHeap.create({ size: HEAP_MIN_SIZE }));
    const copy = copyOf(heap);
    new Uint32Array(copy.buffer)[HEAP_LAYOUT_VERSION_OFFSET >>> 2] = HEAP_LAYOUT_VERSION + 1;
    const attach = (): SharedHeap => track(SharedHeap.attach({ memory: copy }));
    expect(attach).toThrowError(TypeError);
    expect(attach).toThrowError(
      new RegExp(`heap layout version ${HEAP_LAYOUT_VERSION + 1}, but this @ft/atomics speaks version ${HEAP_LAYOUT_VERSION}`),
    );
    // No slot was claimed in the copy, nothing changed in the original.
    expect(liveThreadCount(heap)).toBe(1);
    expect(new Int32Array(copy.buffer)[(threadSlotAddress(heap, 2) + THREAD_STATE_OFFSET) >>> 2]).toBe(THREAD_STATE_FREE);
  });

  it('rejects a memory whose size differs from the header', () => {
    const heap = track(SharedHeap.create({ size: HEAP_MIN_SIZE }));
    const bigger = copyOf(heap, 2 * HEAP_MIN_SIZE);
    const attach = (): SharedHeap => track(SharedHeap.attach({ memory: bigger }));
    expect(attach).toThrowError(TypeError);
    expect(attach).toThrowError(/header says 1048576 bytes but the memory has 2097152/);
    // One more page than the header's size needs is wrong too.
    const page = copyOf(heap, HEAP_MIN_SIZE + 65536);
    expect(() => track(SharedHeap.attach({ memory: page }))).toThrowError(/header says 1048576 bytes but the memory has 1114112/);
  });

  it('an intact copy attaches (the checks do not reject good heaps)', () => {
    const heap = track(SharedHeap.create({ size: HEAP_MIN_SIZE }));
    const copy = copyOf(heap);
    const other = track(SharedHeap.attach({ memory: copy }));
    // The copy already had tid 1 live (copied from the creator).
    expect(other.tid).toBe(2);
    expect(liveThreadCount(other)).toBe(2);
    expect(liveThreadCount(heap)).toBe(1);
  });

  it('capacity exhaustion throws a FatalError and claims nothing', () => {
    const heap = track(SharedHeap.create({ size: 16 << 20, threadCapacity: 2 }));
    const t2 = track(SharedHeap.attach(heap.handle()));
    expect(t2.tid).toBe(2);
    const third = (): SharedHeap => track(SharedHeap.attach(heap.handle()));
    expect(third).toThrowError(FatalError);
    expect(third).toThrowError(/no free thread slot/);
    expect(third).toThrowError(/all 2 thread ids of this heap are in use/);
    expect(liveThreadCount(heap)).toBe(2);
    expect(maxThreadId(heap)).toBe(2);
    expect(registrations(heap)).toBe(2);
    // Freeing a slot makes room again.
    t2.close();
    const t2b = track(SharedHeap.attach(heap.handle()));
    expect(t2b.tid).toBe(2);
  });

  it('a heap with threadCapacity 1 admits only its creator', () => {
    const heap = track(SharedHeap.create({ size: HEAP_MIN_SIZE, threadCapacity: 1 }));
    expect(() => track(SharedHeap.attach(heap.handle()))).toThrowError(/no free thread slot/);
    heap.close();
    const again = track(SharedHeap.attach(heap.handle()));
    expect(again.tid).toBe(1);
    expect(liveThreadCount(heap)).toBe(1);
  });
});

describe('thread slot queries', () => {
  it('liveThreadCount, maxThreadId, isThreadLive and threadGeneration follow registrations', () => {
    const heap = track(SharedHeap.create({ size: 16 << 20, threadCapacity: 8 }));
    expect(threadGeneration(heap, 1)).toBe(1);
    expect(threadGeneration(heap, 2)).toBe(0); // never handed out
    expect(isThreadLive(heap, 1)).toBe(true);
    expect(isThreadLive(heap, 2)).toBe(false);
    // Out-of-range tids are never live.
    expect(isThreadLive(heap, 0)).toBe(false);
    expect(isThreadLive(heap, -1)).toBe(false);
    expect(isThreadLive(heap, 9)).toBe(false);

    const t2 = SharedHeap.attach(heap.handle());
    expect(threadGeneration(heap, 2)).toBe(1);
    t2.close();
    expect(threadGeneration(heap, 2)).toBe(1); // unchanged by close
    expect(maxThreadId(heap)).toBe(2); // only grows
    expect(liveThreadCount(heap)).toBe(1);

    for (let round = 2; round <= 4; round++) {
      const t = SharedHeap.attach(heap.handle());
      expect(t.tid).toBe(2);
      expect(threadGeneration(heap, 2)).toBe(round);
      expect(isThreadLive(heap, 2)).toBe(true);
      expect(liveThreadCount(heap)).toBe(2);
      t.close();
      expect(isThreadLive(heap, 2)).toBe(false);
    }
    expect(threadGeneration(heap, 1)).toBe(1);
    expect(maxThreadId(heap)).toBe(2);
    expect(registrations(heap)).toBe(5);
  });
});

describe('parker words', () => {
  it('parkerWait(heap, 0) returns false immediately', () => {
    const heap = track(SharedHeap.create({ size: 16 << 20 }));
    const t0 = performance.now();
    expect(parkerWait(heap, 0)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(50);
    expect(heap.i32[heap.parkerIndex]).toBe(0);
  });

  it('parkerWait(heap, 20) times out after about 20 ms', () => {
    const heap = track(SharedHeap.create({ size: 16 << 20 }));
    const t0 = performance.now();
    expect(parkerWait(heap, 20)).toBe(false);
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(19);
    expect(elapsed).toBeLessThan(2000);
  });

  it('a post before the wait is remembered, and consumed by the wait', () => {
    const heap = track(SharedHeap.create({ size: 16 << 20 }));
    parkerPost(heap, heap.tid);
    expect(heap.i32[heap.parkerIndex]).toBe(1);
    const t0 = performance.now();
    expect(parkerWait(heap, 1000)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(heap.i32[heap.parkerIndex]).toBe(0);
    // Consumed: the next wait times out again.
    const t1 = performance.now();
    expect(parkerWait(heap, 20)).toBe(false);
    expect(performance.now() - t1).toBeGreaterThanOrEqual(19);
  });

  it('two posts are one (binary semaphore)', () => {
    const heap = track(SharedHeap.create({ size: 16 << 20 }));
    parkerPost(heap, heap.tid);
    parkerPost(heap, heap.tid);
    expect(parkerWait(heap, 0)).toBe(true);
    expect(parkerWait(heap, 0)).toBe(false);
  });

  it('a remembered post satisfies a wait with no timeout (negative) without blocking', () => {
    const heap = track(SharedHeap.create({ size: 16 << 20 }));
    parkerPost(heap, heap.tid);
    expect(parkerWait(heap, -1)).toBe(true);
    expect(parkerWait(heap, 0)).toBe(false);
  });

  it('a post reaches only the named thread', () => {
    const heap = track(SharedHeap.create({ size: 16 << 20 }));
    const other = track(SharedHeap.attach(heap.handle()));
    parkerPost(heap, other.tid);
    expect(heap.i32[other.parkerIndex]).toBe(1);
    expect(parkerWait(heap, 0)).toBe(false);
    expect(parkerWait(other, 0)).toBe(true);
    expect(parkerWait(other, 0)).toBe(false);
  });
});

describe('closing with critical sections held', () => {
  it('throws a FatalError and leaves the thread registered', () => {
    const heap = track(SharedHeap.create({ size: 16 << 20 }));
    const mutex = regionAlloc(heap, 4096);
    expect(mutex).not.toBe(0);
    criticalSectionBegin(heap, mutex);
    expect(heap.criticalSections.depth).toBe(1);
    expect(() => heap.close()).toThrowError(FatalError);
    expect(() => heap.close()).toThrowError(/thread 1 closes its heap while holding 1 critical section/);
    expect(heap.isClosed).toBe(false);
    expect(isThreadLive(heap, 1)).toBe(true);
    expect(liveThreadCount(heap)).toBe(1);
    criticalSectionEnd(heap);
    expect(heap.u8[mutex]).toBe(0);
    heap.close();
    expect(heap.isClosed).toBe(true);
    expect(isThreadLive(heap, 1)).toBe(false);
    expect(liveThreadCount(heap)).toBe(0);
  });
});
