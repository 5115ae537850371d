/**
 * The shared address space's lifecycle (DESIGN.md §2): creating a heap (one
 * shared `WebAssembly.Memory` of fixed size, addressed by u32 byte offsets
 * with 0 = NULL), attaching a thread to it and closing that thread's
 * registration. A `SharedHeap` object is thread-local by construction
 * (JavaScript objects cannot cross workers): each thread builds its own from
 * a postable {@link SharedHeapHandle} and claims a thread id at the same
 * time, so the object is both "my views" and "my thread slot", like CPython's
 * `_PyRuntime` pointer plus `_Py_tss_tstate`. The views and registration
 * fields are its base class, {@link HeapContext} (heap-context.ts); this file
 * is the top of the package.
 */

import { isHeapMemory, newHeapMemory, WASM_PAGE_SIZE, type HeapMemory } from './bulk-memory.js';
import { criticalSectionResumeOnAttach, criticalSectionSuspendAll } from './critical-section.js';
import { fatalError } from './fatal.js';
import { HeapContext, type BlockingHook } from './heap-context.js';
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
export class SharedHeap extends HeapContext {
  private closed = false;

  private constructor(memory: HeapMemory) {
    super(memory, claimThreadSlot(memory), criticalSectionSuspendAll, criticalSectionResumeOnAttach);
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
    // SAFETY: the creator wrote the header words before its Atomics.store of
    // the magic, which we have just loaded; they never change afterwards.
    const version = u32[HEAP_LAYOUT_VERSION_OFFSET >>> 2];
    if (version !== HEAP_LAYOUT_VERSION) {
      throw new TypeError(`SharedHeap.attach: heap layout version ${version}, but this @ft/atomics speaks version ${HEAP_LAYOUT_VERSION}`);
    }
    const size = u32[HEAP_SIZE_OFFSET >>> 2]; // SAFETY: as above
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
    return this.u32[HEAP_REGION_START_OFFSET >>> 2]; // SAFETY: immutable after creation
  }

  /** How many thread ids can be live at once. */
  get threadCapacity(): number {
    return this.u32[HEAP_THREAD_CAPACITY_OFFSET >>> 2]; // SAFETY: immutable after creation
  }

  /** Address of thread slot 0 (slot `tid` is `threadTable + tid * THREAD_SLOT_SIZE`). */
  get threadTable(): number {
    return this.u32[HEAP_THREAD_TABLE_OFFSET >>> 2]; // SAFETY: immutable after creation
  }

  /** Address of parking-lot bucket 0. */
  get bucketTable(): number {
    return this.u32[HEAP_BUCKET_TABLE_OFFSET >>> 2]; // SAFETY: immutable after creation
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
    unregisterThreadSlot(this.i32, this.slot);
  }
}

/**
 * Claims the lowest free thread id of the heap in `memory` for the calling
 * thread, before its context exists (the context's `tid` is a constant field).
 * Fatal when every id is taken.
 */
function claimThreadSlot(memory: HeapMemory): number {
  const buffer = memory.buffer;
  const header = new Uint32Array(buffer, 0, HEAP_HEADER_SIZE / 4);
  // SAFETY: the header's size and capacity are immutable after creation (see attach).
  const size = header[HEAP_SIZE_OFFSET >>> 2];
  const tid = registerThreadSlot(new Int32Array(buffer, 0, Math.floor(size / 4)), new Uint32Array(buffer, 0, Math.floor(size / 4)));
  if (tid === 0) {
    fatalError(`no free thread slot: all ${header[HEAP_THREAD_CAPACITY_OFFSET >>> 2]} thread ids of this heap are in use`);
  }
  return tid;
}
