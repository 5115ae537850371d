/**
 * Thread bodies of the tests (exported functions, numbered by name): each
 * reads its argument, a tuple of ints or a list, from the shared heap.
 */
import { decref } from '@ft/refcount';
import { intAsNumber, intFromNumber, listAppend, tupleGetItem, tupleSize } from '@ft/objects';
import { joinThread, type ThreadContext } from '../../src/index.js';

/** Appends 0 … n-1 to the list `arg[0]`, n = `arg[1]`. */
export function appendRange(ctx: ThreadContext): void {
  const { t, arg } = ctx;
  const list = tupleGetItem(t, arg, 0);
  const n = intAsNumber(t, tupleGetItem(t, arg, 1));
  for (let i = 0; i < n; i++) {
    const v = intFromNumber(t, i);
    if (listAppend(t, list, v) < 0) throw new Error('append failed');
    decref(ctx.rt.rc, v);
  }
}

/** Sleeps `arg[0]` ms (detached, as a blocking call), then appends its thread id to the list `arg[1]`. */
export function sleepThenRecord(ctx: ThreadContext): void {
  const { t, arg, rt } = ctx;
  const ms = intAsNumber(t, tupleGetItem(t, arg, 0));
  rt.detach();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  rt.attach();
  const id = intFromNumber(t, ctx.id);
  listAppend(t, tupleGetItem(t, arg, 1), id);
  decref(rt.rc, id);
}

/** Joins the thread (record `arg[0]`, id `arg[1]`), then appends -id to the list `arg[2]` (it saw the thread done). */
export function joinOther(ctx: ThreadContext): void {
  const { t, arg, rt } = ctx;
  const record = intAsNumber(t, tupleGetItem(t, arg, 0));
  const ident = intAsNumber(t, tupleGetItem(t, arg, 1));
  joinThread(rt, record, ident);
  const v = intFromNumber(t, -ident);
  listAppend(t, tupleGetItem(t, arg, 2), v);
  decref(rt.rc, v);
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
  decref(ctx.rt.rc, n);
}
