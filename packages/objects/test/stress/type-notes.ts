/**
 * What the workers of the type stress scenarios (types.worker.ts,
 * type-store.worker.ts) note about a value they looked up: its problems
 * list, a description of a suspect object (freed, another type, its int
 * value and count), the pending exception, and a busy pause.
 */

import { getRefcount, OB_TYPE_OFFSET } from '@ft/refcount';
import { errFetch, formatError, intAsNumber, intCheckExact, type ObThread } from '../../src/index.js';

/** The type word of an object freed under `mimalloc_debug` (past the 16 protected header bytes). */
export const POISON_WORD = 0xdddddddd;
/** Problems kept per worker for the report. */
export const MAX_PROBLEMS = 8;
/** A reference count no value here can reach: more is garbage. */
export const MAX_SANE_REFCOUNT = 10_000;

/** Adds `message` to `list` while it has fewer than MAX_PROBLEMS. */
export function note(list: string[], message: string): void {
  if (list.length < MAX_PROBLEMS) list.push(message);
}

/** Busy-waits `us` microseconds (a pause that keeps the worker runnable). */
export function spinMicros(us: number): void {
  const end = performance.now() + us / 1000;
  while (performance.now() < end) {
    // spin
  }
}

/** What `v` is, for a problem note. SAFETY: plain reads of an object this thread holds (or one freed under it: the point is to see 0xDD). */
export function describe(t: ObThread, v: number): string {
  const type = t.u32[(v + OB_TYPE_OFFSET) >>> 2]!;
  if (type === POISON_WORD) return `0x${v.toString(16)} (freed: type word 0xdddddddd)`;
  if (!intCheckExact(t, v)) return `0x${v.toString(16)} (type 0x${type.toString(16)})`;
  return `0x${v.toString(16)} = ${intAsNumber(t, v)} (refcount ${getRefcount(t.rc, v)})`;
}

/** The pending exception as text (and cleared). */
export function takeError(t: ObThread): string {
  const e = errFetch(t);
  return e === null ? 'no exception' : formatError(t, e);
}
