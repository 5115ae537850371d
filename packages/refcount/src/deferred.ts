/**
 * Deferred reference counting (CPython 3.14 `_PyObject_SetDeferredRefcount`,
 * `PyUnstable_Object_EnableDeferredRefcount`): objects referenced from every
 * thread's frames (functions, modules, heap types, code) carry the DEFERRED
 * bit in `ob_gc_bits` and a bias of {@link REF_DEFERRED} in their shared
 * count. References held by interpreter stacks are then not counted at all;
 * the bias keeps the object alive, and the GC — which scans the stacks — is
 * what frees it (see the package README for the contract).
 *
 * Also CPython 3.13's temporary measure (gh-117783), as an option of the
 * runtime: once a second thread joins, every deferred object is made immortal
 * instead, and later ones at once, unless the creating thread suppresses it.
 */

import { fatalError } from '@ft/atomics';
import { MI_HEAP_GC, miVisitBlocks } from '@ft/mimalloc';
import { immortalize, isImmortal } from './immortal.js';
import {
  GC_BITS_DEFERRED,
  OB_GC_BITS_OFFSET,
  OB_REF_SHARED_INDEX,
  OB_TYPE_INDEX,
  RC_IMMORTALIZE_OFFSET,
  REF_DEFERRED,
  REF_SHARED_SHIFT,
  TP_FLAGS_INDEX,
  TYPE_FLAG_HAVE_GC,
} from './layout.js';
import { IMMORTALIZE_ARMED, IMMORTALIZE_DONE } from './rc-state.js';
import type { RcThread } from './rc-thread.js';
import { startWorld, stopWorld } from './stopped-world.js';

const BIAS = REF_DEFERRED << REF_SHARED_SHIFT;

/** Whether `op` has deferred reference counting (`_PyObject_HasDeferredRefcount`). @public */
export function hasDeferredRefcount(t: RcThread, op: number): boolean {
  return (Atomics.load(t.u8, op + OB_GC_BITS_OFFSET) & GC_BITS_DEFERRED) !== 0;
}

/**
 * Enables deferred reference counting on `op`
 * (`PyUnstable_Object_EnableDeferredRefcount`): only for instances of GC
 * types, once. Returns whether this call enabled it. With the 3.13 measure
 * in force (and not suppressed on this thread) the object is made immortal
 * instead, and `true` is returned.
 * @public
 */
export function enableDeferredRefcount(t: RcThread, op: number): boolean {
  if (isImmortal(t, op)) return false;
  // SAFETY: ob_type is fixed while op is alive (the caller holds a reference),
  // and a published type core's flags never change.
  const type = t.u32[(op >>> 2) + OB_TYPE_INDEX];
  if ((t.u32[(type >>> 2) + TP_FLAGS_INDEX] & TYPE_FLAG_HAVE_GC) === 0) return false;
  if (!t.suppressImmortalize && Atomics.load(t.i32, (t.state + RC_IMMORTALIZE_OFFSET) >>> 2) === IMMORTALIZE_DONE) {
    immortalize(t, op);
    return true;
  }
  // The bit lives in a byte shared with nothing that changes concurrently but
  // other GC bits: a byte CAS loop, as CPython's.
  const at = op + OB_GC_BITS_OFFSET;
  let bits = Atomics.load(t.u8, at);
  for (;;) {
    if ((bits & GC_BITS_DEFERRED) !== 0) return false;
    const seen = Atomics.compareExchange(t.u8, at, bits, bits | GC_BITS_DEFERRED);
    if (seen === bits) break;
    bits = seen;
  }
  Atomics.add(t.i32, (op >>> 2) + OB_REF_SHARED_INDEX, BIAS);
  return true;
}

/**
 * Removes deferred counting from `op` (`disable_deferred_refcounting`): the
 * bit is cleared and the bias taken off, so the object dies when its counted
 * references are gone. The GC does this to unreachable objects and at
 * shutdown; the world must be stopped or no uncounted reference to `op` may
 * remain. Returns whether the object was deferred.
 * @beta
 */
export function disableDeferredRefcount(t: RcThread, op: number): boolean {
  const bits = Atomics.and(t.u8, op + OB_GC_BITS_OFFSET, ~GC_BITS_DEFERRED);
  if ((bits & GC_BITS_DEFERRED) === 0) return false;
  Atomics.sub(t.i32, (op >>> 2) + OB_REF_SHARED_INDEX, BIAS);
  return true;
}

/**
 * The 3.13 measure's sweep (`_PyGC_ImmortalizeDeferredObjects`): with the
 * world stopped, every object with the DEFERRED bit in the GC heaps —
 * including abandoned segments — becomes immortal, and objects made deferred
 * later are immortal at once. Runs once, when the first thread other than the
 * creator joins an interpreter created with `immortalizeDeferredOnThreadStart`.
 * Returns the number of objects immortalized.
 * @beta
 */
export function immortalizeDeferredObjects(t: RcThread): number {
  const word = (t.state + RC_IMMORTALIZE_OFFSET) >>> 2;
  if (t.mi === null) fatalError('immortalizeDeferredObjects: the thread has no mimalloc state to visit the GC heaps with');
  let count = 0;
  stopWorld(t);
  try {
    if (Atomics.load(t.i32, word) !== IMMORTALIZE_ARMED) return 0;
    miVisitBlocks(t.mi, 1 << MI_HEAP_GC, (_block, _size, op) => {
      // `op` is past the debug hooks' header when they are on (gh-112529).
      // SAFETY: the world is stopped; nobody else touches the headers.
      if ((t.u8[op + OB_GC_BITS_OFFSET] & GC_BITS_DEFERRED) === 0) return;
      immortalize(t, op);
      Atomics.and(t.u8, op + OB_GC_BITS_OFFSET, ~GC_BITS_DEFERRED);
      count++;
    });
    Atomics.store(t.i32, word, IMMORTALIZE_DONE);
  } finally {
    startWorld(t);
  }
  return count;
}
