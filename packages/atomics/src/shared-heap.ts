/**
 * The shared address space (DESIGN.md §2): one SharedArrayBuffer of fixed size,
 * addressed by u32 byte offsets with 0 = NULL, and this thread's fixed-length
 * views of it. A `SharedHeap` object is thread-local by construction (JavaScript
 * objects cannot cross workers): each thread builds its own from a postable
 * {@link SharedHeapHandle} and registers a thread id at the same time, so the
 * object is both "my views" and "my thread slot", like CPython's
 * `_PyRuntime` pointer plus `_Py_tss_tstate`.
 *
 * Views are never length-tracking: on Node 20 those cost ~13× per access.
 * The buffer belongs to a shared `WebAssembly.Memory` (see bulk-memory.ts),
 * which is what gives every thread a fast `fill` and `copy` over the heap.
 */

import { bindBulkMemory, isHeapMemory, newHeapMemory, WASM_PAGE_SIZE, type HeapMemory } from './bulk-memory.js';
import {
  criticalSectionResumeOnAttach,
  CriticalSectionStack,
  criticalSectionSuspendAll,
} from './critical-section.js';
import { fatalError } from './fatal.js';
import {
  BUCKET_SIZE,
  HEAP_BUCKET_TABLE_OFFSET,
  HEAP_DEFAULT_SIZE,
  HEAP_HEADER_SIZE,
  HEAP_LAYOUT_VERSION,
  HEAP_LAYOUT_VERSION_OFFSET,
  HEAP_MAGIC,
  HEAP_MAGIC_OFFSET,
  HEAP_MAX_SIZE,
  HEAP_MIN_SIZE,
  HEAP_REGION_BUMP_OFFSET,
  HEAP_REGION_START_OFFSET,
  HEAP_SIZE_OFFSET,
  HEAP_THREAD_CAPACITY_OFFSET,
  HEAP_THREAD_TABLE_OFFSET,
  PARKING_LOT_BUCKETS,
  REGION_AREA_ALIGN,
  THREAD_DEFAULT_CAPACITY,
  THREAD_MAX_CAPACITY,
  THREAD_PARKER_OFFSET,
  THREAD_SLOT_SIZE,
} from './layout.js';
import { registerThreadSlot, unregisterThreadSlot } from './thread-slots.js';

/**
 * What a worker needs to join a heap: post it with `postMessage` or pass it in
 * `workerData`, then call {@link SharedHeap.attach}.
 * @public
 */
export interface SharedHeapHandle {
  /** The heap's memory: a shared `WebAssembly.Memory`, postable like its buffer. */
  readonly memory: HeapMemory;
}

/**
 * Options of {@link SharedHeap.create}.
 * @public
 */
export interface SharedHeapOptions {
  /** Heap size in bytes, at least 1 MiB and at most 4 GiB - 1 (default 1 GiB). */
  size?: number;
  /** How many threads may be registered at once (default 1024). */
  threadCapacity?: number;
}

/**
 * Called by a thread around a blocking wait that allows detaching (a parked
 * PyMutex, event, once flag or RW mutex). By default the detach hook suspends
 * the thread's critical sections and the attach hook resumes the top one, as
 * CPython's `PyEval_ReleaseThread`/`PyEval_AcquireThread` do; the interpreter
 * layer replaces them with its thread-state detach and attach.
 * @beta
 */
export type BlockingHook = (heap: SharedHeap) => void;

function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}

/**
 * One thread's view of the shared address space, and that thread's registration
 * in it.
 *
 * @example
 * ```ts
 * // main thread
 * const heap = SharedHeap.create({ size: 64 << 20 });
 * const worker = new Worker(url, { workerData: heap.handle() });
 * // worker
 * const heap = SharedHeap.attach(workerData);
 * console.log(heap.tid); // ≥ 2: the main thread took 1
 * heap.close();          // releases the tid for reuse
 * ```
 * @public
 */
export class SharedHeap {
  /** The shared `WebAssembly.Memory` whose buffer is the heap. */
  readonly memory: HeapMemory;
  /** The memory shared by all threads (its length may exceed `size` by less than a 64 KiB page). */
  readonly buffer: SharedArrayBuffer;
  /** Heap size in bytes (the largest address is `size - 1`). */
  readonly size: number;
  /** Byte view; index = address. */
  readonly u8: Uint8Array;
  /** 16-bit view; index = address \>\>\> 1. */
  readonly u16: Uint16Array;
  /** Signed 32-bit view; index = address \>\>\> 2. The only view `Atomics.wait` accepts. */
  readonly i32: Int32Array;
  /** Unsigned 32-bit view (addresses); index = address \>\>\> 2. */
  readonly u32: Uint32Array;
  /** 64-bit float view; index = address \>\>\> 3. */
  readonly f64: Float64Array;
  /** 64-bit integer view (Atomics only: plain 64-bit accesses may tear); index = address \>\>\> 3. */
  readonly i64: BigInt64Array;
  /**
   * Sets `length` bytes from `address` to `byte` (C's `memset`), with plain
   * stores like the views'. The range must lie inside the heap; one that
   * leaves the heap's memory throws a WebAssembly `RuntimeError` and writes
   * nothing. A few nanoseconds of call, then wide stores: prefer it to a
   * store loop from a few dozen bytes on, and always to `u8.fill` (which
   * stores byte by byte behind a runtime call on shared memory).
   */
  readonly fill: (address: number, byte: number, length: number) => void;
  /**
   * Copies `length` bytes from `from` to `to` (C's `memmove`: the ranges
   * may overlap), with plain loads and stores; bounds as for {@link SharedHeap.fill}.
   */
  readonly copy: (to: number, from: number, length: number) => void;
  /** This thread's runtime-wide id (≥ 1), the same number objects carry in `ob_tid`. */
  readonly tid: number;
  /** Address of this thread's slot in the thread table. */
  readonly slot: number;
  /** `i32` index of this thread's parker word. */
  readonly parkerIndex: number;
  /** This thread's critical sections (thread-local, never shared). */
  readonly criticalSections: CriticalSectionStack;
  /** Runs before a detaching wait; see {@link BlockingHook}. @beta */
  detachHook: BlockingHook = criticalSectionSuspendAll;
  /** Runs after a detaching wait; see {@link BlockingHook}. @beta */
  attachHook: BlockingHook = criticalSectionResumeOnAttach;
  private closed = false;

  private constructor(memory: HeapMemory) {
    const buffer = memory.buffer;
    this.memory = memory;
    this.buffer = buffer;
    this.size = new Uint32Array(buffer, 0, HEAP_HEADER_SIZE / 4)[HEAP_SIZE_OFFSET >>> 2];
    this.u8 = new Uint8Array(buffer, 0, this.size);
    this.u16 = new Uint16Array(buffer, 0, Math.floor(this.size / 2));
    this.i32 = new Int32Array(buffer, 0, Math.floor(this.size / 4));
    this.u32 = new Uint32Array(buffer, 0, Math.floor(this.size / 4));
    this.f64 = new Float64Array(buffer, 0, Math.floor(this.size / 8));
    this.i64 = new BigInt64Array(buffer, 0, Math.floor(this.size / 8));
    const { fill, copy } = bindBulkMemory(memory);
    this.fill = fill;
    this.copy = copy;
    this.criticalSections = new CriticalSectionStack();
    this.tid = registerThreadSlot(this);
    if (this.tid === 0) {
      fatalError(`no free thread slot: all ${this.threadCapacity} thread ids of this heap are in use`);
    }
    this.slot = this.threadTable + this.tid * THREAD_SLOT_SIZE;
    this.parkerIndex = (this.slot + THREAD_PARKER_OFFSET) >>> 2;
  }

  /**
   * Creates a heap and registers the calling thread in it.
   * Throws `RangeError` for a size or thread capacity out of range.
   */
  static create(options: SharedHeapOptions = {}): SharedHeap {
    const size = options.size ?? HEAP_DEFAULT_SIZE;
    const threadCapacity = options.threadCapacity ?? THREAD_DEFAULT_CAPACITY;
    if (!Number.isInteger(size) || size < HEAP_MIN_SIZE || size > HEAP_MAX_SIZE) {
      throw new RangeError(`heap size must be an integer from ${HEAP_MIN_SIZE} to ${HEAP_MAX_SIZE} bytes, got ${size}`);
    }
    if (!Number.isInteger(threadCapacity) || threadCapacity < 1 || threadCapacity > THREAD_MAX_CAPACITY) {
      throw new RangeError(`threadCapacity must be an integer from 1 to ${THREAD_MAX_CAPACITY}, got ${threadCapacity}`);
    }
    const threadTable = HEAP_HEADER_SIZE;
    const bucketTable = alignUp(threadTable + (threadCapacity + 1) * THREAD_SLOT_SIZE, BUCKET_SIZE);
    const regionStart = alignUp(bucketTable + PARKING_LOT_BUCKETS * BUCKET_SIZE, REGION_AREA_ALIGN);
    if (regionStart >= size) {
      throw new RangeError(`heap of ${size} bytes is too small for ${threadCapacity} thread slots`);
    }
    const memory = newHeapMemory(size);
    const buffer = memory.buffer;
    // SAFETY: nobody else can see the buffer before this function returns.
    const u32 = new Uint32Array(buffer, 0, HEAP_HEADER_SIZE / 4);
    u32[HEAP_LAYOUT_VERSION_OFFSET >>> 2] = HEAP_LAYOUT_VERSION;
    u32[HEAP_SIZE_OFFSET >>> 2] = size;
    u32[HEAP_REGION_START_OFFSET >>> 2] = regionStart;
    u32[HEAP_THREAD_CAPACITY_OFFSET >>> 2] = threadCapacity;
    u32[HEAP_THREAD_TABLE_OFFSET >>> 2] = threadTable;
    u32[HEAP_BUCKET_TABLE_OFFSET >>> 2] = bucketTable;
    u32[HEAP_REGION_BUMP_OFFSET >>> 2] = regionStart;
    // The magic goes last: a half-initialised header never looks like a heap.
    Atomics.store(u32, HEAP_MAGIC_OFFSET >>> 2, HEAP_MAGIC);
    return new SharedHeap(memory);
  }

  /**
   * Joins an existing heap from its handle and registers the calling thread.
   * Throws `TypeError` when the buffer is not an ft heap or has another layout version.
   */
  static attach(handle: SharedHeapHandle): SharedHeap {
    const memory = handle?.memory;
    if (!isHeapMemory(memory)) {
      throw new TypeError('SharedHeap.attach: the handle has no shared WebAssembly.Memory (pass heap.handle() through workerData or postMessage)');
    }
    const buffer = memory.buffer;
    if (buffer.byteLength < HEAP_MIN_SIZE) {
      throw new TypeError(`SharedHeap.attach: a memory of ${buffer.byteLength} bytes is not an ft heap (too small)`);
    }
    const u32 = new Uint32Array(buffer, 0, HEAP_HEADER_SIZE / 4);
    const magic = Atomics.load(u32, HEAP_MAGIC_OFFSET >>> 2);
    if (magic !== HEAP_MAGIC) {
      throw new TypeError(`SharedHeap.attach: not an ft heap (magic 0x${magic.toString(16)}, expected 0x${HEAP_MAGIC.toString(16)})`);
    }
    const version = u32[HEAP_LAYOUT_VERSION_OFFSET >>> 2];
    if (version !== HEAP_LAYOUT_VERSION) {
      throw new TypeError(`SharedHeap.attach: heap layout version ${version}, but this @ft/atomics speaks version ${HEAP_LAYOUT_VERSION}`);
    }
    const size = u32[HEAP_SIZE_OFFSET >>> 2];
    if (Math.ceil(size / WASM_PAGE_SIZE) * WASM_PAGE_SIZE !== buffer.byteLength) {
      throw new TypeError(`SharedHeap.attach: header says ${size} bytes but the memory has ${buffer.byteLength}`);
    }
    return new SharedHeap(memory);
  }

  /** The postable handle other threads attach with. */
  handle(): SharedHeapHandle {
    return { memory: this.memory };
  }

  /** First address the region allocator may hand out; everything below is the reserved prefix. */
  get regionStart(): number {
    return this.u32[HEAP_REGION_START_OFFSET >>> 2];
  }

  /** How many thread ids can be live at once. */
  get threadCapacity(): number {
    return this.u32[HEAP_THREAD_CAPACITY_OFFSET >>> 2];
  }

  /** Address of thread slot 0 (slot `tid` is `threadTable + tid * THREAD_SLOT_SIZE`). */
  get threadTable(): number {
    return this.u32[HEAP_THREAD_TABLE_OFFSET >>> 2];
  }

  /** Address of parking-lot bucket 0. */
  get bucketTable(): number {
    return this.u32[HEAP_BUCKET_TABLE_OFFSET >>> 2];
  }

  /** Whether {@link SharedHeap.close} has run. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Sets the hooks run around detaching waits (see {@link BlockingHook}).
   * @beta
   */
  setBlockingHooks(detach: BlockingHook, attach: BlockingHook): void {
    this.detachHook = detach;
    this.attachHook = attach;
  }

  /**
   * Unregisters this thread: its tid may be handed to the next thread that
   * attaches. Fatal if the thread still holds critical sections. Idempotent.
   */
  close(): void {
    if (this.closed) return;
    if (this.criticalSections.depth !== 0) {
      fatalError(`thread ${this.tid} closes its heap while holding ${this.criticalSections.depth} critical section(s)`);
    }
    this.closed = true;
    unregisterThreadSlot(this);
  }
}
