/**
 * A thread's reference-counting context: its views of the heap, its tid (the
 * owner id written into `ob_tid`, equal to the heap's and mimalloc's thread
 * id), its merge-queue record, its per-thread reference counts, its reference
 * total and its dealloc behaviours. JavaScript module scope is thread-local,
 * so an `RcThread` is never shared: each worker builds its own with
 * `rcThreadInit` (thread-lifecycle.ts).
 *
 * This file is the bottom of the package: the context class and the shapes of
 * the behaviours it dispatches to, and nothing else.
 */

import { EVAL_EXPLICIT_MERGE_BIT, type Participant, type SharedHeap } from '@ft/atomics';
import type { MiThread } from '@ft/mimalloc';
import type { AllocatorDomains } from '@ft/obmalloc';
import { FreeList } from './free-list.js';
import { RC_MODE_NAIVE, RC_MODE_OFFSET, RC_REF_DEBUG_OFFSET, TR_MERGE_REQUEST_OFFSET } from './layout.js';

/**
 * A dealloc behaviour (`tp_dealloc`): called exactly once, on the thread that
 * dropped the last reference, with the object's counts at zero. It must release
 * what the object references and its memory (see `freeObject`).
 * @public
 */
export type DeallocFn = (t: RcThread, op: number) => void;

/**
 * A traverse behaviour (`tp_traverse`): calls `visit` for every object address
 * `op` references; stops and returns a non-zero result of `visit`.
 * @public
 */
export type TraverseFn = (t: RcThread, op: number, visit: (child: number) => number) => number;

/** A clear behaviour (`tp_clear`): drops the references `op` holds. @public */
export type ClearFn = (t: RcThread, op: number) => void;

/** A finalize behaviour (`tp_finalize`). @public */
export type FinalizeFn = (t: RcThread, op: number) => void;

/** Options of {@link rcThreadInit}. @public */
export interface RcThreadOptions {
  /** The thread's mimalloc state: object memory comes from its object and GC heaps. */
  readonly mi?: MiThread;
  /**
   * The thread's allocator domains (`@ft/obmalloc`): `allocObject` and
   * `freeObject` go through the object domain, so that its debug hooks,
   * tracemalloc and statistics see every object (DESIGN.md §5). Default:
   * plain free-threaded domains over `mi` (`@ft/obmalloc`'s
   * `createAllocatorDomains` with the name 'mimalloc'). The object allocator must allocate from
   * `mi.currentObjectTag` (`mimallocObjectAllocator`), as every domain
   * `createAllocatorDomains` makes does.
   */
  readonly domains?: AllocatorDomains;
  /**
   * The thread's participant in the world (`@ft/atomics`): merge requests
   * then set the explicit-merge bit of its eval breaker, whose handler
   * merges the queue at the thread's next safe point, and the operations
   * that need the world stopped (the 3.13 immortalization, disabling a
   * type's per-thread counts) stop the participant's group. Without one, the
   * merge request is a word of the thread's own record (see
   * `mergeRequested`) and the caller promises that no other thread runs
   * while such an operation runs.
   */
  readonly participant?: Participant;
}

/**
 * One thread's reference-counting state (`_PyThreadStateImpl`'s `brc` and
 * `refcounts` parts, plus `reftotal`). Fields are public for the hot paths of
 * this package and the layers above; treat them as read-only.
 * @public
 */
export class RcThread {
  // Fields set in the constructor are `declare`d: with ES2022 class fields a
  // plain declaration first defines them as `undefined`, and V8 then tracks
  // them as mutable fields of any representation; assigned once, the hot
  // paths load `t.u32` and `t.tid` without map or Smi checks (as MiThread).
  /** The shared heap. */ declare readonly heap: SharedHeap;
  /** Byte view. */ declare readonly u8: Uint8Array;
  /** Word view. */ declare readonly u32: Uint32Array;
  /** Signed word view. */ declare readonly i32: Int32Array;
  /** The owner id written into `ob_tid`. */ declare readonly tid: number;
  /** Address of the interpreter's refcount state. */ declare readonly state: number;
  /** Address of this thread's record in the merge table. */ declare readonly record: number;
  /** Dealloc behaviours by id: the built-in ones, then the registry's. */ declare readonly deallocs: readonly DeallocFn[];
  /** Whose heaps objects are allocated in (`allocObject`), or null. */ declare readonly mi: MiThread | null;
  /** The allocator domains objects go through, or null (then objects cannot be allocated). */ declare readonly domains: AllocatorDomains | null;
  /** The thread's participant in the world, or null. */ declare readonly participant: Participant | null;
  /** Whether the interpreter counts naively (benchmark baseline). */ declare readonly naive: boolean;
  /** Whether this interpreter counts the reference total (`RcOptions.refDebug`, `Py_REF_DEBUG`). */ declare readonly refDebug: boolean;
  /** Net counted incref/decref operations of this thread not yet merged into the interpreter's total. */
  refTotal = 0;
  /** Objects this thread queued for other owners (statistics). */
  queued = 0;
  /** Objects this thread merged itself because their owner had exited (statistics). */
  mergedForExited = 0;
  /** Deallocs running on this thread, nested (the trashcan's depth). @internal */
  deallocDepth = 0;
  /** Dead objects set aside by the trashcan, freed by the outermost dealloc. @internal */
  readonly trash: number[] = [];
  /** Owner-only merge queue (top chunk address). @internal */
  localToMerge = 0;
  /** Scratch result of a stack pop. @internal */
  popped = 0;
  /** Empty stack chunks kept for reuse. @internal */
  readonly chunkCache: number[] = [];
  /** Int32 index of the word other threads set to ask this one to merge. */
  declare evalBreakerIndex: number;
  /** The bit they set in it. */
  declare evalBreakerBit: number;
  /** Int32 index of this thread's per-thread refcount array. */
  countsIndex = 0;
  /** Entries in it; ids past it count on the object directly. */
  countsSize = 0;
  /** Set at exit: later per-thread increfs go to the object (`is_finalized`). */
  countsFinalized = false;
  /** Per-thread suppression of the 3.13 immortalization measure (like `compile()`'s). */
  suppressImmortalize = false;
  /**
   * The two free lists `decref` fills inline (free-list.ts), unbound until
   * the layer above binds them to a type (the object layer: int and float).
   */
  readonly freeList0 = new FreeList();
  /** The second (see {@link RcThread.freeList0}). */
  readonly freeList1 = new FreeList();

  /** @internal */
  constructor(heap: SharedHeap, state: number, record: number, deallocs: readonly DeallocFn[], options: RcThreadOptions, domains: AllocatorDomains | null) {
    this.heap = heap;
    this.u8 = heap.u8;
    this.u32 = heap.u32;
    this.i32 = heap.i32;
    this.tid = heap.tid;
    this.state = state;
    this.record = record;
    this.deallocs = deallocs;
    this.mi = options.mi ?? null;
    this.participant = options.participant ?? null;
    this.domains = domains;
    this.refDebug = heap.u32[(state + RC_REF_DEBUG_OFFSET) >>> 2] !== 0; // SAFETY: immutable after rcCreate
    // SAFETY: the mode is immutable, written before the state's tag was published (checkRcState loaded it).
    this.naive = heap.u32[(state + RC_MODE_OFFSET) >>> 2] === RC_MODE_NAIVE;
    this.evalBreakerIndex = (record + TR_MERGE_REQUEST_OFFSET) >>> 2;
    this.evalBreakerBit = EVAL_EXPLICIT_MERGE_BIT;
  }
}
