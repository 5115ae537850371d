/** The objects runtime for the tests and stress workers, and two helpers. */

import { decref } from '@ft/refcount';
import { createObjectsRuntime, errToJs, joinObjectsRuntime, type ObjectsRuntime, type ObjectsRuntimeHandle, type ObThread } from '../src/index.js';

export type Runtime = ObjectsRuntime;
export type RuntimeHandle = ObjectsRuntimeHandle;
export const makeRuntime = createObjectsRuntime;
export const joinRuntime = joinObjectsRuntime;

/** Throws the thread's Python exception as a JavaScript error when `result` says it failed (0 or -1 with an exception set). */
export function check<T extends number>(t: ObThread, result: T): T {
  if ((result === 0 || result === -1) && t.error.type !== 0) throw errToJs(t);
  return result;
}

/** Releases references. */
export function release(r: Runtime, ...ops: number[]): void {
  for (const op of ops) decref(r.rc, op);
}
