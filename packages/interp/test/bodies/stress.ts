/**
 * Thread bodies of the stress test. `appender`: appends its thread id
 * `arg[1]` times to the list `arg[0]`. `joiner`: joins each thread of the
 * tuple `arg[1]` (records and ids, in pairs), and right after each join
 * counts that thread's items in the list `arg[0]`: it must see all of
 * them — a join that returns before the thread is done sees fewer — and
 * appends the shortfall (0 when right) to the list `arg[2]`.
 */
import { decref } from '@ft/refcount';
import { intAsNumber, intFromNumber, listAppend, listGetItemRef, listSize, tupleGetItem, tupleSize } from '@ft/objects';
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
