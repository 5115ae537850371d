/**
 * Dealloc dispatch (`_Py_Dealloc`): when the last reference to an object is
 * gone, the dealloc behaviour its type names runs on the thread that dropped
 * it, exactly once per object life. The behaviour ids index the thread's
 * dispatch table (`t.deallocs`, built by `rcThreadInit` in the same order on
 * every thread).
 */

import { fatalError, formatAddress } from '@ft/atomics';
import { OB_TYPE_INDEX, TP_DEALLOC_INDEX } from './layout.js';
import type { RcThread } from './rc-thread.js';

/** Deallocs nested deeper than this are deferred to the outermost one (CPython: `_PyTrash_UNWIND_LEVEL`). @public */
export const TRASHCAN_DEPTH = 50;

// Module-local copy of a constant (root README, "Notes for contributors").
const DEPTH = TRASHCAN_DEPTH;

/**
 * Runs the dealloc behaviour of `op`'s type (`_Py_Dealloc`). Called when the
 * last reference is gone; exactly once per object life.
 *
 * The trashcan (CPython's `Py_TRASHCAN_BEGIN`, generic in 3.14's
 * `_Py_Dealloc`): a dealloc that drops the last reference to another object
 * deallocates it from inside, so a long chain would recurse as deep as it is
 * long and overflow the JavaScript stack. Past {@link TRASHCAN_DEPTH} nested
 * deallocs the object is set aside instead, and the outermost dealloc frees
 * what was set aside once it has returned.
 * @beta
 */
export function deallocate(t: RcThread, op: number): void {
  if (t.deallocDepth >= DEPTH) {
    t.trash.push(op);
    return;
  }
  t.deallocDepth++;
  dispatchDealloc(t, op);
  if (--t.deallocDepth === 0 && t.trash.length !== 0) emptyTrash(t);
}

function dispatchDealloc(t: RcThread, op: number): void {
  const u32 = t.u32;
  // SAFETY: the last reference is gone, so op's header is ours; a published
  // type core never changes.
  const type = u32[(op >>> 2) + OB_TYPE_INDEX];
  const dealloc = t.deallocs[u32[(type >>> 2) + TP_DEALLOC_INDEX]];
  if (dealloc === undefined) fatalError(`object ${formatAddress(op)} of type ${formatAddress(type)} names an unregistered dealloc behaviour`);
  dealloc(t, op);
}

/** Frees what nested deallocs set aside (each may set aside more). */
function emptyTrash(t: RcThread): void {
  const trash = t.trash;
  while (trash.length !== 0) {
    t.deallocDepth++;
    dispatchDealloc(t, trash.pop()!);
    t.deallocDepth--;
  }
}
