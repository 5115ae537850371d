/**
 * Thread bodies of the tests (exported functions, numbered by name): each
 * reads its argument, a tuple of ints or a list, from the shared heap.
 */
import { pollSafePoint } from '@ft/atomics';
import { decref } from '@ft/refcount';
import { dictNew, dictSetItem, errFetch, errRestore, intAsNumber, intFromNumber, listAppend, listNew, tupleGetItem, tupleSize } from '@ft/objects';
import { joinThread, type ThreadContext } from '../../src/index.js';

/** Appends 0 … n-1 to the list `arg[0]`, n = `arg[1]`. */
export function appendRange(ctx: ThreadContext): void {
  const { t, arg } = ctx;
  const list = tupleGetItem(t, arg, 0);
  const n = intAsNumber(t, tupleGetItem(t, arg, 1));
  for (let i = 0; i < n; i++) {
    const v = intFromNumber(t, i);
    if (listAppend(t, list, v) < 0) throw new Error('append failed');
    decref(ctx.ts.rc, v);
  }
}

/** Sleeps `arg[0]` ms (detached, as a blocking call), then appends its thread id to the list `arg[1]`. */
export function sleepThenRecord(ctx: ThreadContext): void {
  const { t, arg, ts } = ctx;
  const ms = intAsNumber(t, tupleGetItem(t, arg, 0));
  ts.detach();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  ts.attach();
  const id = intFromNumber(t, ctx.id);
  listAppend(t, tupleGetItem(t, arg, 1), id);
  decref(ts.rc, id);
}

/** Joins the thread (record `arg[0]`, id `arg[1]`), then appends -id to the list `arg[2]` (it saw the thread done). */
export function joinOther(ctx: ThreadContext): void {
  const { t, arg, ts } = ctx;
  const record = intAsNumber(t, tupleGetItem(t, arg, 0));
  const ident = intAsNumber(t, tupleGetItem(t, arg, 1));
  joinThread(ctx.heap, record, ident);
  const v = intFromNumber(t, -ident);
  listAppend(t, tupleGetItem(t, arg, 2), v);
  decref(ts.rc, v);
}

/** Throws: the thread's error is reported, the thread still ends. */
export function fails(_ctx: ThreadContext): void {
  throw new Error('a failing thread body');
}

/** Returns at once. */
export function empty(_ctx: ThreadContext): void {}

/** The number of items of the tuple `arg`, appended to `arg[0]` (a list). */
export function countArgs(ctx: ThreadContext): void {
  const { t, arg } = ctx;
  const n = intFromNumber(t, tupleSize(t, arg));
  listAppend(t, tupleGetItem(t, arg, 0), n);
  decref(ctx.ts.rc, n);
}

/** Appends its thread id to the list `arg`. */
export function appendId(ctx: ThreadContext): void {
  const v = intFromNumber(ctx.t, ctx.id);
  listAppend(ctx.t, ctx.arg, v);
  decref(ctx.ts.rc, v);
}

/**
 * Starts `arg[1]` threads running `appendId` on the list `arg[0]` from
 * this thread (all at once, so that some need a worker of their own), and
 * joins them; then appends its own id.
 */
export function startChildren(ctx: ThreadContext): void {
  const { t, arg } = ctx;
  const list = tupleGetItem(t, arg, 0);
  const n = intAsNumber(t, tupleGetItem(t, arg, 1));
  const children = [];
  for (let i = 0; i < n; i++) children.push(ctx.startThread('appendId', list));
  for (const child of children) child.join();
  appendId({ ...ctx, arg: list });
}

/**
 * A thread's worth of allocation: a list of 200 new ints and a dict of
 * 50 of them, dropped again, and one new int left in the list `arg` — an
 * object that outlives the thread that made it, freed later by another.
 */
export function churn(ctx: ThreadContext): void {
  const { t, ts } = ctx;
  const tmp = listNew(t, 0);
  const d = dictNew(t);
  for (let i = 0; i < 200; i++) {
    const v = intFromNumber(t, 100_000 + i);
    listAppend(t, tmp, v);
    if (i % 4 === 0) dictSetItem(t, d, v, v);
    decref(ts.rc, v);
  }
  decref(ts.rc, d);
  decref(ts.rc, tmp);
  const kept = intFromNumber(t, 1_000_000 + ctx.id);
  listAppend(t, ctx.arg, kept);
  decref(ts.rc, kept);
}

/**
 * Adds 1 to the plain (non-atomic) u32 at heap address `arg[0]`, `arg[1]`
 * times: a read, then a write, with a safe point between increments — where
 * a thread may be switched out, as between bytecodes. Only the GIL makes
 * the total exact when threads do this at once.
 */
export function plainIncrements(ctx: ThreadContext): void {
  const { t, arg, heap, ts } = ctx;
  const index = intAsNumber(t, tupleGetItem(t, arg, 0)) >>> 2;
  const n = intAsNumber(t, tupleGetItem(t, arg, 1));
  const u32 = heap.u32;
  for (let i = 0; i < n; i++) {
    pollSafePoint(ts.participant);
    u32[index] = u32[index]! + 1;
  }
}

/** Never returns: adds 1 to the u32 at heap address `arg[0]` forever, with a safe point each time (a daemon thread at exit). */
export function spinForever(ctx: ThreadContext): void {
  const { t, arg, heap, ts } = ctx;
  const index = intAsNumber(t, tupleGetItem(t, arg, 0)) >>> 2;
  for (;;) {
    pollSafePoint(ts.participant);
    Atomics.add(heap.u32, index, 1);
  }
}

/**
 * Spins with a safe point each round until an exception is set on the
 * thread (an async exception arrives there), then returns with it set —
 * the thread ends reporting it, as the VM's loop would.
 */
export function spinUntilRaised(ctx: ThreadContext): void {
  const { t, ts } = ctx;
  while (t.error.type === 0) pollSafePoint(ts.participant);
  // What was raised, for the test to see (the list `arg`): the class's address.
  const fetched = errFetch(t);
  const v = intFromNumber(t, fetched?.type ?? 0);
  listAppend(t, ctx.arg, v);
  decref(ts.rc, v);
  errRestore(t, fetched);
}
