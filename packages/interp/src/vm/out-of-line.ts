/**
 * Instructions run out of the eval loop: the calling convention between
 * `evalFrame` and the instruction bodies it does not hold.
 *
 * Why out of line (vm-speed-facts.md rule 6): V8 compiles the loop
 * function as one unit, and its compile time grows faster than its size —
 * with every instruction inline, one TurboFan compile of `evalFrame` took
 * 0.3–3 s, and each first run of a path the compiler had no type feedback
 * for (an instruction the program had not used yet) threw the compiled
 * code away, so short programs ran mostly unoptimized. The loop keeps the
 * instructions every program runs in its inner loops (locals, constants,
 * jumps, the specialized forms, calls and returns); the rest run here,
 * each a small function compiled on its own, called through one table
 * from one call site (which, megamorphic from the start, never deopts the
 * loop when a new instruction first runs).
 *
 * The convention: `op(vm, fw, sp, oparg, here)` with the frame's word
 * index, the stack pointer (an absolute word index, always > 0), the
 * instruction's argument and its code unit index. It returns
 * - the new stack pointer (> 0): the loop goes on after the instruction
 *   and its inline cache;
 * - minus the stack pointer (< 0): the exception is set; the loop unwinds
 *   from that stack pointer (adding this frame's traceback entry unless
 *   the op set `vm.skipTraceback`: a re-raise);
 * - 0: the op pushed a Python frame (`vm.enterFrame`, counted in the
 *   recursion depth, the caller's stack top saved in its frame) that the
 *   loop runs next.
 * No out-of-line instruction jumps.
 */

import type { VmThread } from './vm-thread.js';

/** An instruction body run out of the loop (file comment). */
export type OutOfLineOp = (vm: VmThread, fw: number, sp: number, oparg: number, here: number) => number;

/** An opcode and its out-of-line body. */
export type OpEntry = readonly [opcode: number, op: OutOfLineOp];
