/**
 * The per-interpreter refcount state (CPython: `interp->brc`,
 * `interp->unique_ids`, `interp->object_state.reftotal` and
 * `interp->gc.immortalize`), one region of the shared heap: the merge-queue
 * buckets, the unique-id pool, the reference total, and what every joining
 * thread must agree with (the behaviour-registry fingerprint, the counting
 * mode).
 */

import { fatalError, formatAddress, regionAlloc, type SharedHeap } from '@ft/atomics';
import type { BehaviourRegistry } from './behaviour-registry.js';
import {
  RC_FINGERPRINT_OFFSET,
  RC_IMMORTALIZE_OFFSET,
  RC_MODE_BIASED,
  RC_MODE_NAIVE,
  RC_MODE_OFFSET,
  RC_REF_DEBUG_OFFSET,
  RC_STATE_SIZE,
  RC_STATE_TAG,
  RC_TAG_OFFSET,
  RC_VERSION_OFFSET,
  REFCOUNT_LAYOUT_VERSION,
} from './layout.js';

/** Options of {@link rcCreate}. @public */
export interface RcOptions {
  /**
   * `'biased'` (default): CPython's biased reference counting. `'naive'`: every
   * object is created merged, so every incref and decref is one atomic
   * operation on one count — the benchmark baseline, nothing else.
   */
  readonly mode?: 'biased' | 'naive';
  /**
   * CPython 3.13's temporary measure (gh-117783): once the first thread other
   * than the creator joins, every object with deferred reference counting is
   * made immortal, and later ones are immortal at once. Default off (CPython
   * 3.14's complete deferred counting).
   */
  readonly immortalizeDeferredOnThreadStart?: boolean;
  /**
   * Count the reference total (CPython's `Py_REF_DEBUG` accounting, what
   * `sys.gettotalrefcount()` reports in a debug build): every counted incref
   * and decref also moves the thread's `refTotal`, and `getTotalRefcount`
   * answers. Default off, as in a CPython release build: the owner's
   * incref + decref pair is then about 15% cheaper.
   */
  readonly refDebug?: boolean;
}

/** `interp->gc.immortalize`: the 3.13 measure is off. @public */ export const IMMORTALIZE_OFF = -1;
/** The 3.13 measure waits for the first non-main thread. @public */ export const IMMORTALIZE_ARMED = 0;
/** Deferred objects have been immortalized; new ones are immortal at once. @public */ export const IMMORTALIZE_DONE = 1;

/**
 * Creates the refcount state of an interpreter and returns its address; every
 * thread passes it with the same registry contents to `rcThreadInit`.
 * Throws when the heap has no room.
 * @example
 * ```ts
 * const registry = buildRegistry();              // same code in every worker
 * const rc = rcCreate(heap, registry);
 * new Worker(url, { workerData: { heap: heap.handle(), rc } });
 * ```
 * @public
 */
export function rcCreate(heap: SharedHeap, registry: BehaviourRegistry, options: RcOptions = {}): number {
  const mode = options.mode ?? 'biased';
  if (mode !== 'biased' && mode !== 'naive') throw new Error(`rcCreate: unknown mode '${String(mode)}' (valid: 'biased', 'naive')`);
  const state = regionAlloc(heap, RC_STATE_SIZE);
  if (state === 0) throw new Error('rcCreate: out of shared memory for the refcount state');
  const u32 = heap.u32;
  const s = state >>> 2;
  // SAFETY: the region is zeroed and unpublished until we return its address.
  u32[s + (RC_FINGERPRINT_OFFSET >>> 2)] = registry.fingerprint();
  u32[s + (RC_MODE_OFFSET >>> 2)] = mode === 'naive' ? RC_MODE_NAIVE : RC_MODE_BIASED;
  heap.i32[s + (RC_IMMORTALIZE_OFFSET >>> 2)] = options.immortalizeDeferredOnThreadStart === true ? IMMORTALIZE_ARMED : IMMORTALIZE_OFF;
  u32[s + (RC_REF_DEBUG_OFFSET >>> 2)] = options.refDebug === true ? 1 : 0;
  u32[s + (RC_VERSION_OFFSET >>> 2)] = REFCOUNT_LAYOUT_VERSION;
  Atomics.store(u32, s + (RC_TAG_OFFSET >>> 2), RC_STATE_TAG);
  return state;
}

/** Fails fast when `state` is not a refcount state of this layout version. */
export function checkRcState(heap: SharedHeap, state: number): void {
  if (state === 0 || (state & 3) !== 0 || state + RC_STATE_SIZE > heap.size) fatalError(`not a refcount state: ${formatAddress(state)}`);
  const s = state >>> 2;
  if (Atomics.load(heap.u32, s + (RC_TAG_OFFSET >>> 2)) !== RC_STATE_TAG) fatalError(`not a refcount state (bad tag) at ${formatAddress(state)}`);
  // SAFETY: immutable; written before the tag's Atomics.store, loaded just above.
  const version = heap.u32[s + (RC_VERSION_OFFSET >>> 2)];
  if (version !== REFCOUNT_LAYOUT_VERSION) {
    fatalError(`refcount state at ${formatAddress(state)} has layout version ${version}, this code has ${REFCOUNT_LAYOUT_VERSION}`);
  }
}
