/**
 * One thread's handle on the interpreter's collector, and the hooks through
 * which the layers above supply what the collector needs but cannot know
 * (DESIGN.md §1): weak references, legacy finalizers, tuple untracking, the
 * mark-alive roots, the VM's stacks, `gc.callbacks`, unraisable errors.
 * Hooks are functions, so every thread that may collect passes its own
 * (the same behaviour in every thread, as the behaviour registries are).
 */

import type { Participant, SharedHeap } from '@ft/atomics';
import type { MiThread } from '@ft/mimalloc';
import type { QsbrThread } from '@ft/qsbr';
import type { BehaviourRegistry, ClearFn, FinalizeFn, RcThread, TraverseFn } from '@ft/refcount';

/**
 * What the collector needs of weak references (CPython's `_PyWeakref_*`),
 * supplied by the weakref type of `@ft/objects`.
 * @public
 */
export interface WeakrefHooks {
  /** Whether `op` is a weak reference (`PyWeakref_Check`). */
  isWeakref(t: RcThread, op: number): boolean;
  /** The weak references to `op`, newest first; empty when it has none or its type has no weakref list. */
  weakrefsTo(t: RcThread, op: number): readonly number[];
  /**
   * Clears `wr` (`_PyWeakref_ClearRef`): unlinks it from its referent's list
   * and makes its referent None, keeping its callback. The world may be
   * stopped: it must not allocate, free or run Python code.
   */
  clear(t: RcThread, wr: number): void;
  /** Whether `wr` has a callback. */
  hasCallback(t: RcThread, wr: number): boolean;
  /** Calls `wr`'s callback with `wr` (the world runs); a failure is the hook's to report. */
  callCallback(t: RcThread, wr: number): void;
  /** Whether `op` is a class: weakrefs to classes are cleared after finalizers (gh-135552). */
  isClass?(t: RcThread, op: number): boolean;
}

/** `info` of a `gc.callbacks` call. @public */
export interface GcCallbackInfo {
  /** The generation collected. */
  readonly generation: number;
  /** Objects freed ("stop" only; 0 at "start"). */
  readonly collected: number;
  /** Unreachable objects not freed ("stop" only). */
  readonly uncollectable: number;
}

/**
 * The hooks of a thread's collector; every member is optional.
 * @public
 */
export interface GcHooks {
  /** Weak references (without them, no object has weakrefs). */
  readonly weakrefs?: WeakrefHooks;
  /** Whether `op`'s type has a legacy finalizer (`tp_del`): such cycles go to `gc.garbage`. */
  readonly hasLegacyFinalizer?: (t: RcThread, op: number) => boolean;
  /**
   * `gc_maybe_untrack`: untracks `op` when it is an exact tuple whose items
   * are all untracked or atomic, and says whether it did.
   */
  readonly maybeUntrack?: (t: RcThread, op: number) => boolean;
  /** Known roots of the mark-alive pre-pass (interpreter dicts, static types' dicts and subclasses). */
  readonly visitRoots?: (t: RcThread, visit: (op: number) => void) => void;
  /** Every deferred reference held by every thread's frames (the VM), world stopped. */
  readonly visitStacks?: (t: RcThread, visit: (op: number) => void) => void;
  /** `gc.callbacks`: called with "start" and "stop" (not at shutdown). */
  readonly callbacks?: (phase: 'start' | 'stop', info: GcCallbackInfo) => void;
  /** An error the collector must not propagate (`PyErr_FormatUnraisable`). Default: written with {@link GcHooks.write}. */
  readonly unraisable?: (message: string, error: unknown) => void;
  /** The name of a type, for `DEBUG_COLLECTABLE` output (`tp_name`). Default: "object". */
  readonly typeName?: (t: RcThread, type: number) => string;
  /** Where `DEBUG_*` output goes (CPython's stderr). Default: `process.stderr`. */
  readonly write?: (text: string) => void;
}

/**
 * One thread's collector state (`_PyThreadStateImpl.gc`): its buffered
 * allocation count, and the behaviour tables and hooks collections run with.
 * Create it with {@link gcThreadInit}.
 * @public
 */
export class GcThread {
  /** The thread's reference counting. */ declare readonly rc: RcThread;
  /** Its mimalloc state (whose heaps a collection visits). */ declare readonly mi: MiThread;
  /** Its world participant (collections stop its group). */ declare readonly participant: Participant;
  /** The shared heap. */ declare readonly heap: SharedHeap;
  /** Byte view. */ declare readonly u8: Uint8Array;
  /** Word view. */ declare readonly u32: Uint32Array;
  /** Signed word view. */ declare readonly i32: Int32Array;
  /** Address of the interpreter's GC state. */ declare readonly state: number;
  /** Traverse behaviours by id (the registry the thread joined with). */ declare readonly traverse: readonly (TraverseFn | null)[];
  /** Clear behaviours by id. */ declare readonly clear: readonly (ClearFn | null)[];
  /** Finalize behaviours by id. */ declare readonly finalize: readonly (FinalizeFn | null)[];
  /** The hooks. */ declare readonly hooks: GcHooks;
  /**
   * The thread's QSBR registration, or null: with one, a collection completes
   * every thread's pending delayed frees while the world is stopped
   * (`process_delayed_frees`).
   */
  declare readonly qsbr: QsbrThread | null;
  /** Allocations minus deallocations of GC objects not yet flushed into the shared count (`alloc_count`). */
  allocCount = 0;
  /** True after {@link gcThreadExit}. */
  exited = false;

  /** @internal */
  constructor(rc: RcThread, mi: MiThread, participant: Participant, state: number, registry: BehaviourRegistry, hooks: GcHooks, qsbr: QsbrThread | null) {
    this.rc = rc;
    this.mi = mi;
    this.participant = participant;
    this.heap = rc.heap;
    this.u8 = rc.u8;
    this.u32 = rc.u32;
    this.i32 = rc.i32;
    this.state = state;
    this.traverse = registry.traverse;
    this.clear = registry.clear;
    this.finalize = registry.finalize;
    this.hooks = hooks;
    this.qsbr = qsbr;
  }
}
