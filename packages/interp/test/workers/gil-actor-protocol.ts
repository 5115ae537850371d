/** The mailbox protocol between gil.test.ts and gil-actor.worker.ts (see the worker's header). */

import type { SharedHeapHandle } from '@ft/atomics';

export interface GilActorData {
  heap: SharedHeapHandle;
  group: number;
  gil: number;
  mailbox: number;
  /** Int32 words: [0] count, then the indexes of the actors in the order they attached (CMD_ATTACH_LOG_DETACH). */
  orderLog: number;
  index: number;
}

export const CMD_CREATE = 1;
export const CMD_ATTACH = 2;
export const CMD_DETACH = 3;
/** Bump the counter with a safe point after each until `stop` (attached; arg: RUN_ATTACH / RUN_DETACH first / after). */
export const CMD_RUN = 4;
export const RUN_ATTACH = 1;
export const RUN_DETACH = 2;
/** Attach, append this actor's index to the order log, detach. */
export const CMD_ATTACH_LOG_DETACH = 5;
export const CMD_DELETE = 6;
export const CMD_EXIT = 9;

export const MB_SEQ = 0;
export const MB_CMD = 1;
export const MB_ARG = 2;
export const MB_ACK = 3;
export const MB_COUNTER = 4;
export const MB_STOP = 5;
export const MB_RESULT = 6;
export const MB_ERROR = 7;
export const MB_PARTICIPANT = 8;

