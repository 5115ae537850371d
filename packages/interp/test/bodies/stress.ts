/**
 * Thread bodies of the stress test. `appender`: appends its thread id
 * `arg[1]` times to the list `arg[0]`. `joiner`: joins each thread of the
 * tuple `arg[1]` (records and ids, in pairs), and right after each join
 * counts that thread's items in the list `arg[0]`: it must see all of
 * them — a join that returns before the thread is done sees fewer — and
 * appends the shortfall (0 when right) to the list `arg[2]`.
 */
import { decref } from '@ft/refcount';
import { errClear, intAsNumber, intFromNumber, listAppend, listGetItemRef, listSize, tupleFromArray, tupleGetItem, tupleSize } from '@ft/objects';
import { pollSafePoint } from '@ft/atomics';
import { joinThread, type ThreadContext } from '../../src/index.js';

export function appender(ctx: ThreadContext): void {
  const { t, arg, ts } = ctx;
  const list = tupleGetItem(t, arg, 0);
  const n = intAsNumber(t, tupleGetItem(t, arg, 1));
  const me = intFromNumber(t, ctx.id);
  for (let i = 0; i < n; i++) listAppend(t, list, me);
  decref(ts.rc, me);
}

export function joiner(ctx: ThreadContext): void {
  const { t, arg, ts } = ctx;
  const list = tupleGetItem(t, arg, 0);
  const targets = tupleGetItem(t, arg, 1);
  const per = intAsNumber(t, tupleGetItem(t, arg, 3));
  for (let k = 0; k < tupleSize(t, targets); k += 2) {
    const record = intAsNumber(t, tupleGetItem(t, targets, k));
    const ident = intAsNumber(t, tupleGetItem(t, targets, k + 1));
    joinThread(ctx.heap, record, ident);
    let seen = 0;
    for (let i = 0; i < listSize(t, list); i++) {
      const v = listGetItemRef(t, list, i);
      if (v !== 0) {
        if (intAsNumber(t, v) === ident) seen++;
        decref(ts.rc, v);
      }
    }
    const shortfall = intFromNumber(t, per - seen);
    listAppend(t, tupleGetItem(t, arg, 2), shortfall);
    decref(ts.rc, shortfall);
  }
}

/**
 * `arg`: (counter address, rounds, children, detached). Adds 1 to the u32
 * at the counter address `rounds` times, with a safe point before each
 * add — or, for the stress test's control, 2,000 at a time while detached
 * (a stop-the-world does not hold a detached thread back) — and then starts
 * `children` threads of itself with no children, joining them.
 */
export function counter(ctx: ThreadContext): void {
  const { t, arg, heap, ts } = ctx;
  const index = intAsNumber(t, tupleGetItem(t, arg, 0)) >>> 2;
  const rounds = intAsNumber(t, tupleGetItem(t, arg, 1));
  const children = intAsNumber(t, tupleGetItem(t, arg, 2));
  const detached = intAsNumber(t, tupleGetItem(t, arg, 3)) !== 0;
  for (let i = 0; i < rounds; i++) {
    if (detached) {
      ts.detach();
      for (let j = 0; j < 2000; j++) Atomics.add(heap.u32, index, 1); // a long detached stretch
      ts.attach();
    } else {
      pollSafePoint(ts.participant);
      Atomics.add(heap.u32, index, 1);
    }
  }
  if (children === 0) return;
  const leafArg = tupleFromArray(t, [tupleGetItem(t, arg, 0), tupleGetItem(t, arg, 1), t.u32[t.smallIntsIndex + 5]!, tupleGetItem(t, arg, 3)]);
  const handles = [];
  for (let c = 0; c < children; c++) {
    try {
      handles.push(ctx.startThread('counter', leafArg));
    } catch {
      errClear(t); // every worker busy: fewer children this round
    }
  }
  for (const h of handles) h.join();
  decref(ts.rc, leafArg);
}
