/** The mailbox protocol between world.test.ts and world-actor.worker.ts (see the worker's header). */

import type { SharedHeapHandle } from '../../src/index.js';

export interface WorldActorData {
  heap: SharedHeapHandle;
  group: number;
  mailbox: number;
}

export const CMD_CREATE = 1;
export const CMD_ATTACH = 2;
export const CMD_DETACH = 3;
/** Attached: run a loop of counter increments with a safe point after each until `stop`. */
export const CMD_RUN = 4;
/** Lock the PyMutex at `arg` (a detaching wait), then unlock it. */
export const CMD_LOCK = 5;
export const CMD_DELETE = 6;
/** Stop the group's world, report, and hold it until `stop`; then start it. */
export const CMD_STOP_HOLD = 7;
/** Wait (attached, never at a safe point) until the please-stop bit appears, then detach and delete. */
export const CMD_DELETE_WHEN_ASKED = 8;
/** Attached, never at a safe point, until `stop` (a participant that ignores please-stop). */
export const CMD_SPIN_NO_POLL = 10;
export const CMD_EXIT = 9;
/** Detached: mark the participant SHUTTING_DOWN. */
export const CMD_SHUTDOWN = 11;

export const MB_SEQ = 0;
export const MB_CMD = 1;
export const MB_ARG = 2;
export const MB_ACK = 3;
export const MB_COUNTER = 4;
export const MB_STOP = 5;
export const MB_RESULT = 6;
export const MB_ERROR = 7;

