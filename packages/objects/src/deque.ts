/**
 * `collections.deque` (`Modules/_collectionsmodule.c`): a doubly linked
 * list of 64-slot blocks, the first block's items starting in its middle so
 * that both ends grow without moving anything.
 *
 * Thread safety as the free-threaded build's (its methods are
 * `@critical_section` clinic functions): every operation holds the deque's
 * critical section; only `len()` reads without it. An item released by a
 * pop or a bounded append is released after the lock (its dealloc may run
 * code that uses the deque). Iterators fail with "deque mutated during
 * iteration" when the deque changed since they began.
 */

import { criticalSectionBegin, criticalSectionEnd } from '@ft/atomics';
import { gcDel, gcNew, gcTrack, gcUntrack } from '@ft/gc';
import { pyMemFree, pyMemMalloc } from '@ft/obmalloc';
import { decref, incref, OB_MUTEX_OFFSET, type RcThread } from '@ft/refcount';
import { iterNext, objectGetIter, objectReprJs, objectRichCompareBool, PY_EQ } from './abstract.js';
import { errNoMemory, errRaise, errRaiseInt } from './errors.js';
import {
  DEQUE_BLOCK_SIZE,
  DEQUE_BLOCKLEN,
  DEQUE_CENTER,
  DEQUE_LEFTBLOCK_OFFSET,
  DEQUE_LEFTINDEX_OFFSET,
  DEQUE_MAXLEN_OFFSET,
  DEQUE_RIGHTBLOCK_OFFSET,
  DEQUE_RIGHTINDEX_OFFSET,
  DEQUE_SIZE_OFFSET,
  DEQUE_STATE_OFFSET,
  DEQUEITER_DEQUE_OFFSET,
  DEQUEITER_INDEX_OFFSET,
  DEQUEITER_STATE_OFFSET,
  StaticType,
} from './layout.js';
import { typeNameOf } from './subtype.js';
import type { ObThread } from './ob-thread.js';

const SIZE = DEQUE_SIZE_OFFSET >>> 2;
const LEFTBLOCK = DEQUE_LEFTBLOCK_OFFSET >>> 2;
const RIGHTBLOCK = DEQUE_RIGHTBLOCK_OFFSET >>> 2;
const LEFTINDEX = DEQUE_LEFTINDEX_OFFSET >>> 2;
const RIGHTINDEX = DEQUE_RIGHTINDEX_OFFSET >>> 2;
const MAXLEN = DEQUE_MAXLEN_OFFSET >>> 2;
const STATE = DEQUE_STATE_OFFSET >>> 2;
const LEFTLINK = 0;
const RIGHTLINK = 1;
const DATA = 2;

/** A new block, links cleared; 0 without memory. */
function newBlock(t: ObThread): number {
  const b = pyMemMalloc(t.domains, DEQUE_BLOCK_SIZE);
  if (b !== 0) {
    t.u32[(b >>> 2) + LEFTLINK] = 0;
    t.u32[(b >>> 2) + RIGHTLINK] = 0;
  }
  return b;
}

/** `deque([iterable[, maxlen]])`: a new deque (`maxlen` -1: unbounded), or 0 with an exception. @public */
export function dequeNew(t: ObThread, iterable = 0, maxlen = -1): number {
  if (maxlen < -1 || !Number.isInteger(maxlen)) return errRaise(t, StaticType.ValueError, 'maxlen must be non-negative');
  const block = newBlock(t);
  if (block === 0) return errNoMemory(t);
  const op = gcNew(t.gc, t.types[StaticType.Deque]!);
  if (op === 0) {
    pyMemFree(t.domains, block);
    return errNoMemory(t);
  }
  const base = op >>> 2;
  // SAFETY: not published yet.
  t.u32[base + LEFTBLOCK] = block;
  t.u32[base + RIGHTBLOCK] = block;
  t.i32[base + LEFTINDEX] = DEQUE_CENTER + 1;
  t.i32[base + RIGHTINDEX] = DEQUE_CENTER;
  t.i32[base + MAXLEN] = maxlen;
  gcTrack(t.rc, op);
  if (iterable !== 0 && dequeExtend(t, op, iterable) < 0) {
    decref(t.rc, op);
    return 0;
  }
  return op;
}

/** `len(d)`: lock-free (CPython: relaxed). @public */
export function dequeSize(t: ObThread, op: number): number {
  return Atomics.load(t.i32, (op >>> 2) + SIZE);
}

/**
 * An item a full bounded deque dropped before a push that then failed for
 * lack of memory: the caller releases it after the lock.
 */
let droppedBeforeFailure = 0;

function pushFailed(dropped: number): -1 {
  droppedBeforeFailure = dropped;
  return -1;
}

/**
 * `deque_append_lock_held` / `deque_appendleft_lock_held`: steals `item`;
 * returns an item a bounded deque dropped (to release after the lock), or
 * 0; -1 without memory (then `droppedBeforeFailure` holds any item dropped).
 */
function pushLocked(t: ObThread, op: number, item: number, left: boolean): number {
  const u32 = t.u32;
  const i32 = t.i32;
  const base = op >>> 2;
  // A full bounded deque drops from the other end first (CPython trims after the append, so its
  // lock-free len() can read maxlen + 1 for a moment; here the size never passes maxlen).
  const maxlen = i32[base + MAXLEN]!;
  let dropped = 0;
  if (maxlen >= 0 && i32[base + SIZE]! >= maxlen) {
    if (maxlen === 0) return item;
    dropped = popLocked(t, op, !left);
  }
  if (left) {
    if (i32[base + LEFTINDEX] === 0) {
      const b = newBlock(t);
      if (b === 0) return pushFailed(dropped);
      u32[(b >>> 2) + RIGHTLINK] = u32[base + LEFTBLOCK]!;
      u32[(u32[base + LEFTBLOCK]! >>> 2) + LEFTLINK] = b;
      u32[base + LEFTBLOCK] = b;
      i32[base + LEFTINDEX] = DEQUE_BLOCKLEN;
    }
    i32[base + LEFTINDEX]!--;
    u32[(u32[base + LEFTBLOCK]! >>> 2) + DATA + i32[base + LEFTINDEX]!] = item;
  } else {
    if (i32[base + RIGHTINDEX] === DEQUE_BLOCKLEN - 1) {
      const b = newBlock(t);
      if (b === 0) return pushFailed(dropped);
      u32[(b >>> 2) + LEFTLINK] = u32[base + RIGHTBLOCK]!;
      u32[(u32[base + RIGHTBLOCK]! >>> 2) + RIGHTLINK] = b;
      u32[base + RIGHTBLOCK] = b;
      i32[base + RIGHTINDEX] = -1;
    }
    i32[base + RIGHTINDEX]!++;
    u32[(u32[base + RIGHTBLOCK]! >>> 2) + DATA + i32[base + RIGHTINDEX]!] = item;
  }
  Atomics.store(i32, base + SIZE, i32[base + SIZE]! + 1);
  u32[base + STATE]!++;
  return dropped;
}

/** `deque_pop_impl` / `deque_popleft_impl` with the lock held: the item (its reference passes to the caller), or 0 when empty. */
function popLocked(t: ObThread, op: number, left: boolean): number {
  const u32 = t.u32;
  const i32 = t.i32;
  const base = op >>> 2;
  if (i32[base + SIZE] === 0) return 0;
  let item: number;
  if (left) {
    const block = u32[base + LEFTBLOCK]!;
    item = u32[(block >>> 2) + DATA + i32[base + LEFTINDEX]!]!;
    i32[base + LEFTINDEX]!++;
    if (i32[base + LEFTINDEX] === DEQUE_BLOCKLEN && i32[base + SIZE]! > 1) {
      const next = u32[(block >>> 2) + RIGHTLINK]!;
      u32[(next >>> 2) + LEFTLINK] = 0;
      u32[base + LEFTBLOCK] = next;
      i32[base + LEFTINDEX] = 0;
      pyMemFree(t.domains, block);
    }
  } else {
    const block = u32[base + RIGHTBLOCK]!;
    item = u32[(block >>> 2) + DATA + i32[base + RIGHTINDEX]!]!;
    i32[base + RIGHTINDEX]!--;
    if (i32[base + RIGHTINDEX] === -1 && i32[base + SIZE]! > 1) {
      const prev = u32[(block >>> 2) + LEFTLINK]!;
      u32[(prev >>> 2) + RIGHTLINK] = 0;
      u32[base + RIGHTBLOCK] = prev;
      i32[base + RIGHTINDEX] = DEQUE_BLOCKLEN - 1;
      pyMemFree(t.domains, block);
    }
  }
  Atomics.store(i32, base + SIZE, i32[base + SIZE]! - 1);
  u32[base + STATE]!++;
  if (i32[base + SIZE] === 0) {
    // Empty: recentre (`deque_pop`'s reset), so alternating ends do not walk off a block.
    i32[base + LEFTINDEX] = DEQUE_CENTER + 1;
    i32[base + RIGHTINDEX] = DEQUE_CENTER;
  }
  return item;
}

function push(t: ObThread, op: number, item: number, left: boolean): number {
  incref(t.rc, item);
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const dropped = pushLocked(t, op, item, left);
  criticalSectionEnd(t.heap);
  if (dropped === -1) {
    decref(t.rc, item);
    if (droppedBeforeFailure !== 0) decref(t.rc, droppedBeforeFailure);
    droppedBeforeFailure = 0;
    errNoMemory(t);
    return -1;
  }
  if (dropped !== 0) decref(t.rc, dropped);
  return 0;
}

/** `d.append(item)`: 0, or -1 with MemoryError. @public */
export function dequeAppend(t: ObThread, op: number, item: number): number {
  return push(t, op, item, false);
}

/** `d.appendleft(item)`: 0, or -1 with MemoryError. @public */
export function dequeAppendLeft(t: ObThread, op: number, item: number): number {
  return push(t, op, item, true);
}

function pop(t: ObThread, op: number, left: boolean): number {
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const item = popLocked(t, op, left);
  criticalSectionEnd(t.heap);
  if (item === 0) return errRaise(t, StaticType.IndexError, 'pop from an empty deque');
  return item;
}

/** `d.pop()`: a new reference, or 0 with IndexError "pop from an empty deque". @public */
export function dequePop(t: ObThread, op: number): number {
  return pop(t, op, false);
}

/** `d.popleft()`: a new reference, or 0 with IndexError "pop from an empty deque". @public */
export function dequePopLeft(t: ObThread, op: number): number {
  return pop(t, op, true);
}

/** `d.extend(iterable)`: item by item, each append atomic. 0, or -1. @public */
export function dequeExtend(t: ObThread, op: number, iterable: number): number {
  const it = objectGetIter(t, iterable);
  if (it === 0) return -1;
  for (;;) {
    const item = iterNext(t, it);
    if (item === 0) break;
    const r = push(t, op, item, false);
    decref(t.rc, item);
    if (r < 0) break;
  }
  decref(t.rc, it);
  return t.error.type !== 0 ? -1 : 0;
}

/** `d.clear()`: empty at once under the lock, the items released after it. @public */
export function dequeClear(t: ObThread, op: number): void {
  const items: number[] = [];
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  for (;;) {
    const item = popLocked(t, op, true);
    if (item === 0) break;
    items.push(item);
  }
  criticalSectionEnd(t.heap);
  for (const item of items) decref(t.rc, item);
}

/** The slot address of item `i` (0 ≤ i < size). SAFETY: the lock is held. */
function slotOf(t: ObThread, op: number, i: number): number {
  const base = op >>> 2;
  let n = t.i32[base + LEFTINDEX]! + i;
  let block = t.u32[base + LEFTBLOCK]!;
  while (n >= DEQUE_BLOCKLEN) {
    block = t.u32[(block >>> 2) + RIGHTLINK]!;
    n -= DEQUE_BLOCKLEN;
  }
  return block + 4 * (DATA + n);
}

/** `d[i]`: a new reference, or 0 with IndexError "deque index out of range". @public */
export function dequeGetItem(t: ObThread, op: number, index: number): number {
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const n = t.i32[(op >>> 2) + SIZE]!;
  const i = index < 0 ? index + n : index;
  let item = 0;
  if (i >= 0 && i < n) {
    item = t.u32[slotOf(t, op, i) >>> 2]!;
    incref(t.rc, item);
  }
  criticalSectionEnd(t.heap);
  if (item === 0) return errRaise(t, StaticType.IndexError, 'deque index out of range');
  return item;
}

/** The items as new references, one snapshot under the lock. @internal */
export function dequeSnapshot(t: ObThread, op: number): number[] {
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const n = t.i32[(op >>> 2) + SIZE]!;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const item = t.u32[slotOf(t, op, i) >>> 2]!;
    incref(t.rc, item);
    out.push(item);
  }
  criticalSectionEnd(t.heap);
  return out;
}

/** `x in d`: 1, 0, or -1; a deque changed by a comparison raises "deque mutated during iteration". @public */
export function dequeContains(t: ObThread, op: number, value: number): number {
  const state = Atomics.load(t.u32, (op >>> 2) + STATE);
  const items = dequeSnapshot(t, op);
  let r = 0;
  for (const item of items) {
    if (r === 0) {
      r = objectRichCompareBool(t, item, value, PY_EQ);
      if (r === 0 && Atomics.load(t.u32, (op >>> 2) + STATE) !== state) r = errRaiseInt(t, StaticType.RuntimeError, 'deque mutated during iteration');
    }
    decref(t.rc, item);
  }
  return r;
}

/** `d.rotate(n)`: right by `n` (left when negative), under the lock. @public */
export function dequeRotate(t: ObThread, op: number, n: number): void {
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const size = t.i32[(op >>> 2) + SIZE]!;
  if (size > 1) {
    let k = n % size;
    if (k < 0) k += size;
    // Moving items between ends never needs memory beyond one block, which pushLocked may allocate:
    // on failure the rotation stops where it is (CPython's deque_rotate returns -1 likewise).
    for (let i = 0; i < k; i++) {
      const item = popLocked(t, op, false);
      if (pushLocked(t, op, item, true) === -1) {
        // Back where it was: the right end has room for the item just popped from it.
        pushLocked(t, op, item, false);
        errNoMemory(t);
        break;
      }
    }
  }
  criticalSectionEnd(t.heap);
}

/** `d.extendleft(iterable)`: item by item on the left (so the items end up reversed), each append atomic. 0, or -1. @public */
export function dequeExtendLeft(t: ObThread, op: number, iterable: number): number {
  const it = objectGetIter(t, iterable);
  if (it === 0) return -1;
  for (;;) {
    const item = iterNext(t, it);
    if (item === 0) break;
    const r = push(t, op, item, true);
    decref(t.rc, item);
    if (r < 0) break;
  }
  decref(t.rc, it);
  return t.error.type !== 0 ? -1 : 0;
}

/** `d.maxlen`: the bound, or -1 for an unbounded deque. @public */
export function dequeMaxlen(t: ObThread, op: number): number {
  return Atomics.load(t.i32, (op >>> 2) + MAXLEN);
}

/**
 * `deque_init`: bounds the deque by `maxlen` (-1: unbounded), empties it
 * and extends it with `iterable` (0: nothing). 0, or -1.
 * @public
 */
export function dequeInit(t: ObThread, op: number, iterable: number, maxlen: number): number {
  if (maxlen < -1 || !Number.isInteger(maxlen)) return errRaiseInt(t, StaticType.ValueError, 'maxlen must be non-negative');
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  Atomics.store(t.i32, (op >>> 2) + MAXLEN, maxlen);
  criticalSectionEnd(t.heap);
  if (dequeSize(t, op) > 0) dequeClear(t, op);
  return iterable === 0 ? 0 : dequeExtend(t, op, iterable);
}

/**
 * Compares the items of a snapshot with `value` in order from `start`
 * until `stop`, `each` deciding after every comparison: -2 to go on, else
 * the result. A deque changed by a comparison raises `mutated` ("deque
 * mutated during iteration").
 */
function scan(t: ObThread, op: number, value: number, start: number, stop: number, mutated: StaticType, each: (i: number, eq: number) => number): number {
  const state = Atomics.load(t.u32, (op >>> 2) + STATE);
  const items = dequeSnapshot(t, op);
  let r = -2;
  for (let i = start; i < stop && i < items.length && r === -2; i++) {
    const eq = objectRichCompareBool(t, items[i]!, value, PY_EQ);
    if (eq < 0) r = -1;
    else if (Atomics.load(t.u32, (op >>> 2) + STATE) !== state) r = errRaiseInt(t, mutated, 'deque mutated during iteration');
    else r = each(i, eq);
  }
  for (const item of items) decref(t.rc, item);
  return r;
}

/** `d.count(value)`: how many items equal `value`; -1 with an exception (RuntimeError "deque mutated during iteration"). @public */
export function dequeCount(t: ObThread, op: number, value: number): number {
  let count = 0;
  const r = scan(t, op, value, 0, dequeSize(t, op), StaticType.RuntimeError, (_i, eq) => {
    count += eq;
    return -2;
  });
  return r === -1 ? -1 : count;
}

/**
 * `d.index(value, start, stop)` (`deque_index_impl`): the first index in
 * `[start, stop)` (negative bounds count from the end) of an item equal
 * to `value`; -1 with ValueError "1 is not in deque", RuntimeError "deque
 * mutated during iteration", or what a comparison raised.
 * @public
 */
export function dequeIndex(t: ObThread, op: number, value: number, start = 0, stop = Number.MAX_SAFE_INTEGER): number {
  const n = dequeSize(t, op);
  if (start < 0) start = Math.max(0, start + n);
  if (stop < 0) stop = Math.max(0, stop + n);
  if (stop > n) stop = n;
  if (start > stop) start = stop;
  const r = scan(t, op, value, start, stop, StaticType.RuntimeError, (i, eq) => (eq > 0 ? i : -2));
  if (r !== -2) return r;
  const repr = objectReprJs(t, value);
  return repr === null ? -1 : errRaiseInt(t, StaticType.ValueError, `${repr} is not in deque`);
}

/**
 * `d.remove(value)`: removes the first item equal to `value`; 0, or -1
 * with ValueError "2 is not in deque", IndexError "deque mutated during
 * iteration", or what a comparison raised. The removed item is released
 * after the lock.
 * @public
 */
export function dequeRemove(t: ObThread, op: number, value: number): number {
  const state = Atomics.load(t.u32, (op >>> 2) + STATE);
  const i = scan(t, op, value, 0, dequeSize(t, op), StaticType.IndexError, (k, eq) => (eq > 0 ? k : -2));
  if (i === -1) return -1;
  if (i === -2) {
    const repr = objectReprJs(t, value);
    return repr === null ? -1 : errRaiseInt(t, StaticType.ValueError, `${repr} is not in deque`);
  }
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  if (t.u32[(op >>> 2) + STATE] !== state) {
    criticalSectionEnd(t.heap);
    return errRaiseInt(t, StaticType.IndexError, 'deque mutated during iteration');
  }
  const removed = delItemLocked(t, op, i);
  criticalSectionEnd(t.heap);
  if (removed === 0) {
    errNoMemory(t);
    return -1;
  }
  decref(t.rc, removed);
  return 0;
}

/**
 * `deque_del_item` with the lock held: item `i` taken out by rotating it
 * to the left end, popping it and rotating back (each step moves one item
 * between ends and needs at most a block). The item (its reference), or
 * 0 without memory (the deque then as it was).
 */
function delItemLocked(t: ObThread, op: number, i: number): number {
  let moved = 0;
  for (; moved < i; moved++) {
    const item = popLocked(t, op, true);
    if (pushLocked(t, op, item, false) === -1) {
      pushLocked(t, op, item, true); // back where it was: the left end has room for it
      break;
    }
  }
  let removed = 0;
  if (moved === i) removed = popLocked(t, op, true);
  for (; moved > 0; moved--) {
    const item = popLocked(t, op, false);
    if (pushLocked(t, op, item, true) === -1) {
      // Out of memory: the item goes back where it was (the deque stays rotated, nothing is lost).
      pushLocked(t, op, item, false);
      break;
    }
  }
  return removed;
}

/** `deque_repr` as JavaScript text: `deque([1, 2])`, `deque([1], maxlen=3)`; null with the exception set. @public */
export function dequeReprJs(t: ObThread, op: number): string | null {
  if (t.reprStack.includes(op)) return '[...]';
  const items = dequeSnapshot(t, op);
  t.reprStack.push(op);
  try {
    const parts: string[] = [];
    for (const item of items) {
      const r = objectReprJs(t, item);
      if (r === null) return null;
      parts.push(r);
    }
    const maxlen = t.i32[(op >>> 2) + MAXLEN]!;
    const fullName = typeNameOf(t, op); // a subclass prints its own name (`_PyType_Name`: after the last dot)
    const name = fullName.slice(fullName.lastIndexOf('.') + 1);
    return maxlen >= 0 ? `${name}([${parts.join(', ')}], maxlen=${maxlen})` : `${name}([${parts.join(', ')}])`;
  } finally {
    t.reprStack.pop();
    for (const item of items) decref(t.rc, item);
  }
}

/** `deque.__iter__`: a new iterator, or 0 with MemoryError. @public */
export function dequeIter(t: ObThread, op: number): number {
  const it = gcNew(t.gc, t.types[StaticType.DequeIter]!);
  if (it === 0) return errNoMemory(t);
  incref(t.rc, op);
  // SAFETY: not published yet.
  t.u32[(it + DEQUEITER_DEQUE_OFFSET) >>> 2] = op;
  t.i32[(it + DEQUEITER_INDEX_OFFSET) >>> 2] = 0;
  t.u32[(it + DEQUEITER_STATE_OFFSET) >>> 2] = Atomics.load(t.u32, (op >>> 2) + STATE);
  gcTrack(t.rc, it);
  return it;
}

/** `dequeiter_next`: the next item (a new reference), 0 when exhausted or with RuntimeError "deque mutated during iteration". @public */
export function dequeIterNext(t: ObThread, it: number): number {
  const op = t.u32[(it + DEQUEITER_DEQUE_OFFSET) >>> 2]!;
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  if (t.u32[(op >>> 2) + STATE] !== t.u32[(it + DEQUEITER_STATE_OFFSET) >>> 2]) {
    criticalSectionEnd(t.heap);
    return errRaise(t, StaticType.RuntimeError, 'deque mutated during iteration');
  }
  const index = t.i32[(it + DEQUEITER_INDEX_OFFSET) >>> 2]!;
  let item = 0;
  if (index < t.i32[(op >>> 2) + SIZE]!) {
    item = t.u32[slotOf(t, op, index) >>> 2]!;
    incref(t.rc, item);
    t.i32[(it + DEQUEITER_INDEX_OFFSET) >>> 2] = index + 1;
  }
  criticalSectionEnd(t.heap);
  return item;
}

// --- behaviours ------------------------------------------------------------------------------

/** The deque's traverse. SAFETY: world stopped. @internal */
export function dequeTraverse(t: RcThread, op: number, visit: (child: number) => number): number {
  const base = op >>> 2;
  const n = t.i32[base + SIZE]!;
  let block = t.u32[base + LEFTBLOCK]!;
  let index = t.i32[base + LEFTINDEX]!;
  for (let i = 0; i < n; i++) {
    const r = visit(t.u32[(block >>> 2) + DATA + index]!);
    if (r !== 0) return r;
    if (++index === DEQUE_BLOCKLEN) {
      block = t.u32[(block >>> 2) + RIGHTLINK]!;
      index = 0;
    }
  }
  return 0;
}

/** The deque's dealloc: its items released, its blocks freed. @internal */
export function dequeDealloc(t: ObThread, op: number): void {
  gcUntrack(t.rc, op);
  dequeClear(t, op);
  pyMemFree(t.domains, t.u32[(op >>> 2) + LEFTBLOCK]!);
  gcDel(t.gc, op);
}

/** The deque iterator's dealloc. @internal */
export function dequeIterDealloc(t: ObThread, it: number): void {
  gcUntrack(t.rc, it);
  decref(t.rc, t.u32[(it + DEQUEITER_DEQUE_OFFSET) >>> 2]!);
  gcDel(t.gc, it);
}
