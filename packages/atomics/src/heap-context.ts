/**
 * One thread's context in a heap: its fixed-length views of the shared
 * address space (DESIGN.md §2), its registration (tid, thread slot, parker
 * word) and its thread-local critical-section stack — what CPython reaches
 * through `_PyRuntime` plus `_Py_tss_tstate`. Every primitive of this
 * package takes it first.
 *
 * This file is the bottom of the package: a class and nothing else (it
 * imports only the leaves: layout constants, the bulk-memory binding and the
 * critical-section stack class), so that every primitive can take it without
 * an import cycle. The lifecycle (create, attach, close) is `SharedHeap` in
 * shared-heap.ts, the top of the package; its instances are the only contexts
 * that exist.
 *
 * Views are never length-tracking: on Node 20 those cost ~13× per access.
 * The fields are assigned once in the constructor, so V8 treats them as
 * constant fields with exact representations on the hot paths.
 */

import { bindBulkMemory, type HeapMemory } from './bulk-memory.js';
import { CriticalSectionStack } from './critical-section-stack.js';
import { HEAP_HEADER_SIZE, HEAP_SIZE_OFFSET, HEAP_THREAD_TABLE_OFFSET, THREAD_PARKER_OFFSET, THREAD_SLOT_SIZE } from './layout.js';

/**
 * Called by a thread around a blocking wait that allows detaching (a parked
 * PyMutex, event, once flag or RW mutex). By default the detach hook suspends
 * the thread's critical sections and the attach hook resumes the top one, as
 * CPython's `PyEval_ReleaseThread`/`PyEval_AcquireThread` do; once the thread
 * attaches a world participant (attach-detach.ts), the hooks detach and
 * re-attach that participant, critical sections included.
 * @beta
 */
export type BlockingHook = (heap: HeapContext) => void;

/**
 * One thread's views of the shared heap and its registration in it. Every
 * instance is a {@link SharedHeap} (made by `SharedHeap.create` or
 * `SharedHeap.attach`); functions take this base type so that the files below
 * the lifecycle need not know it.
 * @public
 */
export class HeapContext {
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
   * may overlap), with plain loads and stores; bounds as for {@link HeapContext.fill}.
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
  detachHook: BlockingHook;
  /** Runs after a detaching wait; see {@link BlockingHook}. @beta */
  attachHook: BlockingHook;

  /**
   * Builds this thread's views of `memory` for thread `tid`, whose slot the
   * lifecycle has already claimed; use `SharedHeap.create` or
   * `SharedHeap.attach` instead.
   * @beta
   */
  protected constructor(memory: HeapMemory, tid: number, detachHook: BlockingHook, attachHook: BlockingHook) {
    const buffer = memory.buffer;
    // SAFETY: the heap header's size and thread-table words are immutable,
    // written by the creator before its Atomics.store of the magic and before
    // the memory could reach this thread.
    const size = new Uint32Array(buffer, 0, HEAP_HEADER_SIZE / 4)[HEAP_SIZE_OFFSET >>> 2];
    this.memory = memory;
    this.buffer = buffer;
    this.size = size;
    this.u8 = new Uint8Array(buffer, 0, size);
    this.u16 = new Uint16Array(buffer, 0, Math.floor(size / 2));
    this.i32 = new Int32Array(buffer, 0, Math.floor(size / 4));
    this.u32 = new Uint32Array(buffer, 0, Math.floor(size / 4));
    this.f64 = new Float64Array(buffer, 0, Math.floor(size / 8));
    this.i64 = new BigInt64Array(buffer, 0, Math.floor(size / 8));
    const { fill, copy } = bindBulkMemory(memory);
    this.fill = fill;
    this.copy = copy;
    this.tid = tid;
    this.slot = this.u32[HEAP_THREAD_TABLE_OFFSET >>> 2] + tid * THREAD_SLOT_SIZE; // SAFETY: immutable, see above
    this.parkerIndex = (this.slot + THREAD_PARKER_OFFSET) >>> 2;
    this.criticalSections = new CriticalSectionStack();
    this.detachHook = detachHook;
    this.attachHook = attachHook;
  }
}
