/**
 * The argument stack of TypeScript callers (`PyObject *const *args` in the
 * heap: a PyMem block per thread used as a stack, so that calls nest
 * without allocating per call) and a call with positional arguments only:
 * what the protocols below `dict.ts` call through (`call.ts`, above it,
 * adds keyword arguments as dicts).
 */

import { decref, OB_TYPE_OFFSET } from '@ft/refcount';
import { pyMemFree, pyMemMalloc } from '@ft/obmalloc';
import { errNoMemory, errRaise } from './errors.js';
import { StaticType } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { typeNameOf } from './subtype.js';
import { tupleFromArray } from './tuple-core.js';
import { typeSlot } from './type-slots.js';

/** Words of a thread's argument stack (64 KiB); a call that needs more gets a block of its own. */
const ARG_STACK_WORDS = 16384;

/**
 * Pushes `values` (borrowed) on this thread's argument stack: the byte
 * address of the first, or 0 with MemoryError. Pop with {@link argsPop}
 * in reverse order of the pushes.
 * @public
 */
export function argsPush(t: ObThread, values: ArrayLike<number>): number {
  const n = values.length;
  if (t.argStack === 0) {
    const block = pyMemMalloc(t.domains, 4 * ARG_STACK_WORDS);
    if (block === 0) return errNoMemory(t);
    t.argStack = block;
    t.argTop = block >>> 2;
    t.argEnd = (block >>> 2) + ARG_STACK_WORDS;
  }
  let base = t.argTop;
  if (base + n > t.argEnd) {
    // A call too wide for what is left: a block of its own, freed by argsPop (which sees it outside the stack).
    const block = pyMemMalloc(t.domains, 4 * Math.max(1, n));
    if (block === 0) return errNoMemory(t);
    base = block >>> 2;
  } else {
    t.argTop = base + n;
  }
  const u32 = t.u32;
  for (let i = 0; i < n; i++) u32[base + i] = values[i]!;
  return base << 2;
}

/**
 * Releases what {@link argsPush} returned (`args`, for `n` values): the
 * most recent push first.
 * @throws Error when `args` is not the top of the stack (pops out of order: a bug of the caller).
 * @public
 */
export function argsPop(t: ObThread, args: number, n: number): void {
  const base = args >>> 2;
  if (base >= t.argStack >>> 2 && base < t.argEnd) {
    if (t.argTop !== base + n) throw new Error(`argsPop: ${n} values at ${args} are not the top of the argument stack`);
    t.argTop = base;
  } else pyMemFree(t.domains, args);
}

/** Frees the thread's argument stack (a thread state's deletion). @internal */
export function argsRelease(t: ObThread): void {
  if (t.argStack !== 0) pyMemFree(t.domains, t.argStack);
  t.argStack = t.argTop = t.argEnd = 0;
}

/** The vectorcall behaviour of `callable`'s type, or null when calls go through `tp_call`. @internal */
export function vectorcallOf(t: ObThread, callable: number) {
  return typeSlot(t, t.u32[(callable + OB_TYPE_OFFSET) >>> 2]!, 'vectorcall');
}

/**
 * `PyObject_CallOneArg`-style call with positional arguments only
 * (borrowed): the callable's vectorcall, or its `tp_call` with a tuple; 0
 * with TypeError ("'int' object is not callable").
 * @internal
 */
export function callPositional(t: ObThread, callable: number, values: ArrayLike<number>): number {
  const vectorcall = vectorcallOf(t, callable);
  if (vectorcall !== null) {
    const args = argsPush(t, values);
    if (args === 0) return 0;
    const r = vectorcall(t, callable, args, values.length, 0);
    argsPop(t, args, values.length);
    return r;
  }
  const call = typeSlot(t, t.u32[(callable + OB_TYPE_OFFSET) >>> 2]!, 'call');
  if (call === null) return errRaise(t, StaticType.TypeError, `'${typeNameOf(t, callable)}' object is not callable`);
  const tuple = tupleFromArray(t, values);
  if (tuple === 0) return 0;
  const r = call(t, callable, tuple, 0);
  decref(t.rc, tuple);
  return r;
}
