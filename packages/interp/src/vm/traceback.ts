/**
 * Tracebacks (`Python/traceback.c`): `PyTraceBack_Here` adds an entry for
 * a frame as an exception passes through it.
 */

import type { VmThread } from './vm-thread.js';

/** `PyTraceBack_Here(frame)`: the frame at byte address `frame`, executing code unit `index`. */
export function tracebackHere(vm: VmThread, frame: number, index: number): void {
  void vm;
  void frame;
  void index;
}
