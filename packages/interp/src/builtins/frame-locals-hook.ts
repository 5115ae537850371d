/**
 * What `vars()` and `dir()` without an argument need from the VM: the
 * current frame's locals (`PyEval_GetFrameLocals`; at module level the
 * globals dict). The builtins sit below the eval loop, so the VM hands
 * the function in once per JavaScript thread (each worker loads its own
 * copy of this module) rather than being imported from here.
 */

import { errRaise, StaticType, type ObThread } from '@ft/objects';

/** The current frame's locals as a mapping, a new reference; 0 with an exception set. */
export type FrameLocalsFn = (t: ObThread) => number;

let frameLocals: FrameLocalsFn | null = null;

/** Installs the VM's `locals()` (null removes it). */
export function setFrameLocalsHook(fn: FrameLocalsFn | null): void {
  frameLocals = fn;
}

/** `locals()` through the VM's hook; SystemError "frame does not exist" without one (CPython's answer when no Python frame runs). */
export function currentFrameLocals(t: ObThread): number {
  if (frameLocals === null) return errRaise(t, StaticType.SystemError, 'frame does not exist');
  return frameLocals(t);
}
