/**
 * Specialization (`Python/specialize.c`): adaptive instructions count
 * down a 16-bit backoff counter in their first inline cache unit; when it
 * triggers, the instruction is rewritten in place (in this thread's copy
 * of the bytecode) to a form specialized for the operand types it sees,
 * which checks those types with cheap guards and falls back to the
 * generic body when a guard fails. Counters are CPython 3.14's
 * (`Include/internal/pycore_backoff.h`): 12 bits of value, 4 of backoff
 * exponent; warm-up 1/1, cooldown 52/0, backoff 1, 3, 7 … 4095.
 *
 * The specialized opcodes are numbered after the real ones (150 on) in
 * our own order: they only ever exist in code units the VM specialized,
 * and `DEOPT` maps each back to its family's adaptive opcode (what a new
 * thread-local copy and `co_code` show).
 */

import { INLINE_CACHE_ENTRIES } from '../compiler/opcodes.js';

/** The adaptive (generic) opcodes that specialize, CPython's numbers. */
export const BINARY_OP = 45;
export const COMPARE_OP = 58;
export const BINARY_SUBSCR = 5;
export const STORE_SUBSCR = 39;
export const FOR_ITER = 72;
export const LOAD_ATTR = 82;
export const UNPACK_SEQUENCE = 117;
export const LOAD_GLOBAL = 91;
export const STORE_ATTR = 108;
export const CALL = 53;

/** The specialized forms (`_PyOpcode_Deopt` maps each to its family). */
export const BINARY_OP_ADD_INT = 150;
export const BINARY_OP_SUBTRACT_INT = 151;
export const BINARY_OP_MULTIPLY_INT = 152;
export const BINARY_OP_ADD_FLOAT = 153;
export const BINARY_OP_SUBTRACT_FLOAT = 154;
export const BINARY_OP_MULTIPLY_FLOAT = 155;
export const COMPARE_OP_INT = 156;
export const COMPARE_OP_FLOAT = 157;
export const BINARY_SUBSCR_LIST_INT = 158;
export const BINARY_SUBSCR_TUPLE_INT = 159;
export const BINARY_SUBSCR_DICT = 160;
export const STORE_SUBSCR_LIST_INT = 161;
export const STORE_SUBSCR_DICT = 162;
export const FOR_ITER_LIST = 163;
export const FOR_ITER_TUPLE = 164;
export const FOR_ITER_RANGE = 165;
export const LOAD_ATTR_METHOD_NO_DICT = 166;
export const UNPACK_SEQUENCE_TWO_TUPLE = 167;
export const UNPACK_SEQUENCE_TUPLE = 168;
export const UNPACK_SEQUENCE_LIST = 169;
export const LOAD_GLOBAL_MODULE = 170;
export const LOAD_GLOBAL_BUILTIN = 171;
export const LOAD_ATTR_INSTANCE_VALUE = 172;
export const LOAD_ATTR_MODULE = 173;
export const LOAD_ATTR_METHOD_WITH_VALUES = 174;
export const STORE_ATTR_INSTANCE_VALUE = 175;
export const CALL_PY_EXACT_ARGS = 176;
export const CALL_ALLOC_AND_ENTER_INIT = 177;
export const LOAD_ATTR_METHOD_LAZY_DICT = 178;
export const CALL_BUILTIN_FAST = 179;
export const CALL_METHOD_DESCRIPTOR_FAST = 180;

/** `_PyOpcode_Deopt`: every opcode's unspecialized form (itself for the others). */
export const DEOPT = new Uint8Array(256).map((_, i) => i);
for (const [family, members] of [
  [BINARY_OP, [BINARY_OP_ADD_INT, BINARY_OP_SUBTRACT_INT, BINARY_OP_MULTIPLY_INT, BINARY_OP_ADD_FLOAT, BINARY_OP_SUBTRACT_FLOAT, BINARY_OP_MULTIPLY_FLOAT]],
  [COMPARE_OP, [COMPARE_OP_INT, COMPARE_OP_FLOAT]],
  [BINARY_SUBSCR, [BINARY_SUBSCR_LIST_INT, BINARY_SUBSCR_TUPLE_INT, BINARY_SUBSCR_DICT]],
  [STORE_SUBSCR, [STORE_SUBSCR_LIST_INT, STORE_SUBSCR_DICT]],
  [FOR_ITER, [FOR_ITER_LIST, FOR_ITER_TUPLE, FOR_ITER_RANGE]],
  [LOAD_ATTR, [LOAD_ATTR_METHOD_NO_DICT, LOAD_ATTR_INSTANCE_VALUE, LOAD_ATTR_MODULE, LOAD_ATTR_METHOD_WITH_VALUES, LOAD_ATTR_METHOD_LAZY_DICT]],
  [LOAD_GLOBAL, [LOAD_GLOBAL_MODULE, LOAD_GLOBAL_BUILTIN]],
  [STORE_ATTR, [STORE_ATTR_INSTANCE_VALUE]],
  [CALL, [CALL_PY_EXACT_ARGS, CALL_ALLOC_AND_ENTER_INIT, CALL_BUILTIN_FAST, CALL_METHOD_DESCRIPTOR_FAST]],
  [UNPACK_SEQUENCE, [UNPACK_SEQUENCE_TWO_TUPLE, UNPACK_SEQUENCE_TUPLE, UNPACK_SEQUENCE_LIST]],
] as const) {
  for (const m of members) DEOPT[m] = family;
}

/** Inline cache units of every opcode, specialized ones included (their family's). */
export const CACHE_UNITS = new Uint8Array(256).map((_, i) => INLINE_CACHE_ENTRIES[DEOPT[i]!] ?? 0);

/** Whether `opcode` is one of the adaptive families above. */
export const ADAPTIVE = new Uint8Array(256);
for (const f of [BINARY_OP, COMPARE_OP, BINARY_SUBSCR, STORE_SUBSCR, FOR_ITER, LOAD_ATTR, UNPACK_SEQUENCE, LOAD_GLOBAL, STORE_ATTR, CALL]) ADAPTIVE[f] = 1;

// --- backoff counters (pycore_backoff.h) ----------------------------------------------------

const BACKOFF_BITS = 4;
const MAX_BACKOFF = 12;

/** A counter of `value` and backoff exponent `backoff`. */
export function makeCounter(value: number, backoff: number): number {
  return (value << BACKOFF_BITS) | backoff;
}

/** `adaptive_counter_warmup()`: value 1, backoff 1. */
export const COUNTER_WARMUP = makeCounter(1, 1);
/** `adaptive_counter_cooldown()`: value 52, backoff 0. */
export const COUNTER_COOLDOWN = makeCounter(52, 0);

/** Whether the counter has reached zero (`backoff_counter_triggers`). */
export function counterTriggers(counter: number): boolean {
  return counter >>> BACKOFF_BITS === 0;
}

/** `advance_backoff_counter`: one step down. */
export function counterAdvance(counter: number): number {
  return counter - (1 << BACKOFF_BITS);
}

/** `restart_backoff_counter`: after a failed specialization, wait 2**(b+1) - 1 more (b grows to 12: 1, 3, 7 … 4095). */
export function counterRestart(counter: number): number {
  const backoff = Math.min((counter & ((1 << BACKOFF_BITS) - 1)) + 1, MAX_BACKOFF);
  return makeCounter((1 << backoff) - 1, backoff);
}

/**
 * An adaptive instruction's counter (the cache unit at `counter`): one
 * step down, or true when it is at zero (the caller specializes).
 */
export function adaptiveCounterTriggers(u16: Uint16Array, counter: number): boolean {
  const c = u16[counter]!;
  if (counterTriggers(c)) return true;
  u16[counter] = counterAdvance(c);
  return false;
}

/**
 * Rewrites the instruction at `at` to specialized opcode `spec` with the
 * cooldown counter, or — `spec` 0 — keeps `family` and backs off.
 */
export function specializeAt(u16: Uint16Array, at: number, counter: number, family: number, spec: number): void {
  u16[at] = (u16[at]! & 0xff00) | (spec === 0 ? family : spec);
  u16[counter] = spec === 0 ? counterRestart(u16[counter]!) : COUNTER_COOLDOWN;
}

/**
 * A specialized instruction's guard missed (`DEOPT_IF`): the miss counts
 * against the cooldown; at zero the instruction goes back to `family`,
 * which respecializes when its own counter runs out.
 */
export function specializationMiss(u16: Uint16Array, at: number, counter: number, family: number): void {
  const c = u16[counter]!;
  if (counterTriggers(c)) {
    u16[at] = (u16[at]! & 0xff00) | family;
    u16[counter] = counterRestart(c);
  } else u16[counter] = counterAdvance(c);
}

/**
 * `_PyCode_Quicken`: every adaptive instruction's counter set to warm-up
 * (the units from `start` to `end`, a u16 index range of one code
 * object's units). EXTENDED_ARG prefixes are stepped over.
 */
export function quicken(u16: Uint16Array, start: number, count: number): void {
  for (let i = 0; i < count; i++) {
    const opcode = u16[start + i]! & 0xff;
    if (ADAPTIVE[opcode] === 1) u16[start + i + 1] = COUNTER_WARMUP;
    i += CACHE_UNITS[opcode]!;
  }
}

/**
 * A deoptimized copy of code units (`_PyCode_GetTLBC`'s copy source):
 * specialized opcodes back to their families, caches zeroed, counters at
 * warm-up.
 */
export function deoptimizedCopy(units: Uint16Array): Uint16Array {
  const out = new Uint16Array(units.length);
  for (let i = 0; i < units.length; i++) {
    const word = units[i]!;
    const opcode = DEOPT[word & 0xff]!;
    out[i] = (word & 0xff00) | opcode;
    const caches = CACHE_UNITS[opcode]!;
    if (ADAPTIVE[opcode] === 1 && caches > 0) out[i + 1] = COUNTER_WARMUP;
    i += caches;
  }
  return out;
}
