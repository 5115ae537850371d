/**
 * The VM's side of a thread state (`PyThreadState`'s `current_frame`,
 * `py_recursion_remaining`, `datastack_*`): the data stack, the frame
 * running now, the recursion depth, and the interpreter it belongs to.
 */

import type { Participant } from '@ft/atomics';
import type { StartThreadOptions, ThreadHandle } from '../runtime/thread-handle.js';
import { StaticType, type ObThread } from '@ft/objects';
import { DataStack } from './frame.js';
import type { Interp } from './interp-state.js';

/** CPython's default `sys.getrecursionlimit()`. */
export const DEFAULT_RECURSION_LIMIT = 1000;

export class VmThread {
  readonly ds: DataStack;
  /** Byte address of the innermost frame being executed (0: none): `tstate->current_frame`. */
  currentFrame = 0;
  /** Python frames on this thread now. */
  depth = 0;
  /** `sys.getrecursionlimit()`. */
  recursionLimit = DEFAULT_RECURSION_LIMIT;
  /** Re-entrant `evalFrame` calls on the JavaScript stack (bounded apart from Python's depth). */
  jsDepth = 0;
  /** Whether adaptive instructions specialize (false under `-X tlbc=0` / `PYTHON_TLBC=0`). */
  specializing = true;
  /** This thread's index into code objects' thread-local bytecode (tlbc.ts): 0 runs the main copy. */
  tlbcIndex = 0;
  /** `threading.get_ident()`: the runtime's thread id (the main thread is 1). */
  threadId = 1;
  /** The runtime's interpreter state (layout.ts `IS_*`), 0 when no runtime runs this interpreter. */
  interpState = 0;
  /** Starts a Python thread on the runtime (null: this interpreter cannot start threads). */
  startThread: ((body: string, arg?: number, options?: StartThreadOptions) => ThreadHandle) | null = null;
  /** Set by YIELD_VALUE: the value `evalFrame` returned was yielded, not returned. */
  yielded = false;
  /** YIELD_VALUE's oparg (1 inside `yield from`): the suspended state's offset. */
  yieldOparg = 0;
  /** Set by `genSendEx`: the generator returned (its value is the result), rather than yielding. */
  genReturned = false;
  /** Set by an out-of-line instruction that re-raises (out-of-line.ts): no traceback entry for this frame. */
  skipTraceback = false;
  /** The frame an out-of-line instruction pushed for the loop to run next (out-of-line.ts). */
  enterFrame = 0;
  /**
   * `PyEval_EvalCode(code, globals)` for the import system, which sits
   * below the eval loop (the loop imports through it): installed by the
   * interpreter.
   */
  execModule: (code: number, globals: number) => number = () => {
    throw new Error('VmThread.execModule: the interpreter did not install it');
  };

  /** The types `function` and `method` (the frame pushes compare with them on every call). */
  readonly functionType: number;
  readonly methodType: number;

  constructor(
    readonly t: ObThread,
    readonly interp: Interp,
    /** The thread's place in the world: its eval breaker is polled at backward jumps and RESUME (null: never polled). */
    readonly participant: Participant | null = null,
  ) {
    this.ds = new DataStack(t.domains);
    this.functionType = t.types[StaticType.Function]!;
    this.methodType = t.types[StaticType.Method]!;
  }
}

const vms = new WeakMap<ObThread, VmThread>();

/** Binds `vm` to its thread context. */
export function setVmThread(t: ObThread, vm: VmThread): void {
  vms.set(t, vm);
}

/** The VM thread of `t`. @throws TypeError on a thread without one. */
export function vmOf(t: ObThread): VmThread {
  const vm = vms.get(t);
  if (vm === undefined) throw new TypeError('vmOf: this thread runs no Python VM');
  return vm;
}
