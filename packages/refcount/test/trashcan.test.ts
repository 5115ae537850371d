import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allocObject, decref, getTotalRefcount, incref, processMergeQueue, TRASHCAN_DEPTH, type RcThread } from '../src/index.js';
import { CHAIN_NEXT_OFFSET, closeEnv, makeEnv, otherThread, type Env } from './fixture.js';

let env: Env;
let t: RcThread;
beforeEach(() => {
  env = makeEnv();
  t = env.t;
});
afterEach(() => closeEnv(env));

/** A list of `n` nodes, each holding the only reference to the next; returns the head. */
function chain(owner: RcThread, n: number): number {
  let next = 0;
  for (let i = 0; i < n; i++) {
    const node = allocObject(owner, env.chainNode);
    owner.u32[(node + CHAIN_NEXT_OFFSET) >>> 2] = next; // the reference moves into the node
    next = node;
  }
  return next;
}

describe('the trashcan', () => {
  it('frees a chain of 200,000 nodes from one decref without deep recursion, each node once', () => {
    const start = getTotalRefcount(t);
    const head = chain(t, 200_000);
    decref(t, head);
    expect(env.deaths.length).toBe(200_000);
    expect(new Set(env.deaths.map((d) => d.op)).size).toBe(200_000);
    expect(t.deallocDepth).toBe(0);
    expect(t.trash.length).toBe(0);
    expect(getTotalRefcount(t)).toBe(start);
  });

  it('keeps the order of short chains: nothing is set aside below the depth limit', () => {
    const head = chain(t, TRASHCAN_DEPTH - 1);
    const order: number[] = [];
    for (let op = head; op !== 0; op = t.u32[(op + CHAIN_NEXT_OFFSET) >>> 2]) order.push(op);
    decref(t, head);
    expect(env.deaths.map((d) => d.op)).toEqual(order);
  });

  it('a chain released by a non-owner: the head dies there, the rest is queued for the owner, who frees it all', () => {
    const other = otherThread(env);
    const head = chain(t, 50_000);
    incref(other, head);
    decref(t, head); // the owner's count reaches zero: merged, other holds the last reference
    decref(other, head); // dies on `other`; its dealloc drops the next node, which `t` owns: queued
    expect(env.deaths.length).toBe(1);
    expect(processMergeQueue(t)).toBe(1);
    expect(env.deaths.length).toBe(50_000);
    expect(env.deaths.slice(1).every((d) => d.by === t.tid)).toBe(true);
  });
});
