/**
 * The operations of this package that need every other thread stopped
 * (reading other threads' per-thread counts, the 3.13 immortalization
 * sweep) stop the world of the thread's participant (`@ft/atomics`), as
 * CPython's `_PyEval_StopTheWorld(interp)`. A thread without a participant
 * runs them as they are: its caller promises that no other thread of the
 * interpreter runs meanwhile.
 */

import { assertWorldStopped, startTheWorld, stopTheWorld } from '@ft/atomics';
import type { RcThread } from './rc-thread.js';

/** Stops the world of `t`'s participant's group, if it has a participant. */
export function stopWorld(t: RcThread): void {
  if (t.participant !== null) stopTheWorld(t.heap, t.participant.group);
}

/** Restarts what {@link stopWorld} stopped. */
export function startWorld(t: RcThread): void {
  if (t.participant !== null) startTheWorld(t.heap, t.participant.group);
}

/** Fatal unless `t` holds a stop of its group's world (when it has a participant). */
export function assertStopped(t: RcThread): void {
  if (t.participant !== null) assertWorldStopped(t.heap, t.participant.group);
}
