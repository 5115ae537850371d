/**
 * `_random` (`Modules/_randommodule.c`): the Mersenne Twister behind
 * `random.Random` (lib/random.py). CPython's `_random.Random` is a type
 * whose instances carry the 624-word state; here the state is a plain
 * object that `lib/random.py`'s `Random` keeps in `self._state` and hands
 * to these functions — a bytes object made by `new_state()`: the 624 words
 * of `mt[]`, the index, and a tag word telling it from other bytes (host
 * byte order) — so no new type is needed and the generator runs in place
 * on the object's data in the shared heap (random-mt.ts).
 *
 * Why bytes, which Python code treats as immutable: its data sits inside
 * the object at a fixed place and size, so a call finds it with no buffer
 * export (a bytearray's buffer can move, and exporting it costs more than
 * the draw). The object stays private to its `Random`; Python code that
 * digs it out sees it change, and its cached hash is not renewed.
 *
 * Threads: CPython 3.13's free-threaded build runs every method of a
 * `Random` under the object's critical section, so two threads sharing a
 * generator each get whole draws; here each function holds the state
 * object's critical section while it reads or writes the words.
 */

import { randomFillSync } from 'node:crypto';
import { criticalSectionBegin, criticalSectionEnd } from '@ft/atomics';
import {
  byteArrayCheck,
  byteArrayToJs,
  bytesAlloc,
  bytesCheck,
  bytesCheckExact,
  bytesData,
  bytesFromBytes,
  bytesSize,
  bytesToJs,
  checkPositional,
  cIntArg,
  errRaise,
  floatFromDouble,
  intAsBigInt,
  intFromBigInt,
  intFromNumber,
  METH_FASTCALL,
  METH_NOARGS,
  METH_O,
  numberIndex,
  objectHashValue,
  ssizeArg,
  StaticType,
  strCheck,
  strEncodeJs,
  TPFLAGS_LONG_SUBCLASS,
  tupleCheckExact,
  tupleFromArray,
  tupleGetItem,
  tupleSize,
  typeHasFlag,
  typeIsSubtype,
  typeOf,
  type ObThread,
} from '@ft/objects';
import { decref, OB_MUTEX_OFFSET } from '@ft/refcount';
import type { ModuleDef } from './module-def.js';
import {
  genrandUint32,
  getrandbitsWords,
  initByArray,
  MT_N,
  MT_STATE_WORDS,
  randomDouble,
  seedFromEntropy,
  seedIntOfBytes,
  seedKeyOfBigInt,
  wordsToBigInt,
} from './random-mt.js';

/** The word after the state that marks a bytes object as one (`MT19`). */
const STATE_TAG = 0x3931544d;
/** Bytes of a state object: 624 words, the index and the tag. */
export const RANDOM_STATE_BYTES = (MT_STATE_WORDS + 1) * 4;

const TWO_64 = 1n << 64n;
const TWO_63 = 1n << 63n;

/**
 * Test seam: the stress test's control turns the critical section off to
 * show that its checks catch draws without it. Never false otherwise.
 * @internal
 */
export const randomSeams = { criticalSection: true };

/** `PyLong_Check`. */
function longCheck(t: ObThread, op: number): boolean {
  return typeHasFlag(t, typeOf(t, op), TPFLAGS_LONG_SUBCLASS);
}

/**
 * Runs `body` on the state words of `state` (a `new_state()` object)
 * under its critical section; `body` must not allocate objects or raise.
 * undefined with TypeError when `state` is not a state object.
 */
function withState<R>(t: ObThread, state: number, fname: string, body: (u32: Uint32Array, base: number) => R): R | undefined {
  const data = bytesData(t, state);
  // The size and the tag never change: they are read without the lock.
  if (!bytesCheckExact(t, state) || bytesSize(t, state) !== RANDOM_STATE_BYTES || (data & 3) !== 0 || t.u32[(data >>> 2) + MT_STATE_WORDS] !== STATE_TAG) {
    errRaise(t, StaticType.TypeError, `${fname}() argument 1 must be a state from _random.new_state()`);
    return undefined;
  }
  if (!randomSeams.criticalSection) return body(t.u32, data >>> 2);
  criticalSectionBegin(t.heap, state + OB_MUTEX_OFFSET);
  try {
    return body(t.u32, data >>> 2);
  } finally {
    criticalSectionEnd(t.heap);
  }
}

/** `_random.new_state()`: a new state object seeded from the OS's entropy (as `_random.Random()` is). */
function newState(t: ObThread): number {
  const words = new Uint32Array(MT_STATE_WORDS + 1);
  seedFromEntropy(words, 0);
  words[MT_STATE_WORDS] = STATE_TAG;
  return bytesFromBytes(t, new Uint8Array(words.buffer));
}

/**
 * The `init_by_array` key `Random.seed(a)` (version 2) seeds from, or
 * undefined with an exception set: for None 624 words of the OS's entropy;
 * for an int the words of its absolute value; for a str (UTF-8), bytes or
 * bytearray the words of the int made from its bytes and their sha512
 * (random-mt.ts); for anything else, CPython's `(size_t)PyObject_Hash(a)`
 * — a float seeds from its hash, the same on every 64-bit build. Made
 * before the state is locked: only `init_by_array` runs under the lock.
 */
function seedKey(t: ObThread, a: number): Uint32Array | undefined {
  if (a === 0 || a === t.none) {
    const key = new Uint32Array(MT_N);
    randomFillSync(key);
    return key;
  }
  if (longCheck(t, a)) return seedKeyOfBigInt(intAsBigInt(t, a));
  let data: Uint8Array | null = null;
  if (strCheck(t, a)) {
    data = strEncodeJs(t, a, 'utf-8', 'strict');
    if (data === null) return undefined;
  } else if (bytesCheck(t, a)) data = bytesToJs(t, a);
  else if (byteArrayCheck(t, a)) data = byteArrayToJs(t, a);
  if (data !== null) return seedKeyOfBigInt(seedIntOfBytes(data));
  const hash = objectHashValue(t, a);
  if (hash === null) return undefined;
  return seedKeyOfBigInt(hash < 0n ? hash + TWO_64 : hash);
}

/** `_random.seed(state, a=None)`: `Random.seed(a)` of CPython (version 2). */
function seed(t: ObThread, _self: number, args: number, nargs: number): number {
  if (!checkPositional(t, 'seed', nargs, 1, 2)) return 0;
  const base = args >>> 2;
  const key = seedKey(t, nargs > 1 ? t.u32[base + 1]! : 0);
  if (key === undefined) return 0;
  const done = withState(t, t.u32[base]!, 'seed', (u32, at) => {
    initByArray(u32, at, key);
    return true;
  });
  return done === undefined ? 0 : t.none;
}

/** `_random.random(state)`: `Random.random()`, 53 bits in [0, 1). */
function random(t: ObThread, _self: number, state: number): number {
  const x = withState(t, state, 'random', randomDouble);
  return x === undefined ? 0 : floatFromDouble(t, x);
}

/** `_random.getrandbits(state, k)`: `Random.getrandbits(k)`. */
function getrandbits(t: ObThread, _self: number, args: number, nargs: number): number {
  if (!checkPositional(t, 'getrandbits', nargs, 2, 2)) return 0;
  const base = args >>> 2;
  const k = cIntArg(t, t.u32[base + 1]!);
  if (k === undefined) return 0;
  if (k < 0) return errRaise(t, StaticType.ValueError, 'number of bits must be non-negative');
  const words = withState(t, t.u32[base]!, 'getrandbits', (u32, at) =>
    k <= 32 ? k === 0 ? 0 : genrandUint32(u32, at) >>> (32 - k) : getrandbitsWords(u32, at, k),
  );
  if (words === undefined) return 0;
  return typeof words === 'number' ? intFromNumber(t, words) : intFromBigInt(t, wordsToBigInt(words));
}

/** `_random.getstate(state)`: `Random.getstate()` of the C type — a tuple of the 624 words and the index. */
function getstate(t: ObThread, _self: number, state: number): number {
  const words = withState(t, state, 'getstate', (u32, at) => u32.slice(at, at + MT_STATE_WORDS));
  if (words === undefined) return 0;
  const items: number[] = [];
  let ok = true;
  for (let i = 0; ok && i < MT_STATE_WORDS; i++) {
    const item = intFromNumber(t, words[i]!);
    if (item === 0) ok = false;
    else items.push(item);
  }
  const tuple = ok ? tupleFromArray(t, items) : 0;
  for (const item of items) decref(t.rc, item);
  return tuple;
}

/**
 * `_random.setstate(state, words)`: `Random.setstate()` of the C type,
 * with its checks and messages — a tuple of 625 ints, each word taken as
 * `PyLong_AsUnsignedLong` takes it and truncated to 32 bits, the index
 * as `PyLong_AsLong` and within [0, 624]. The state changes only when
 * all of it is valid.
 */
function setstate(t: ObThread, _self: number, args: number, nargs: number): number {
  if (!checkPositional(t, 'setstate', nargs, 2, 2)) return 0;
  const base = args >>> 2;
  const tuple = t.u32[base + 1]!;
  if (!(tupleCheckExact(t, tuple) || typeIsSubtype(t, typeOf(t, tuple), t.types[StaticType.Tuple]!))) {
    return errRaise(t, StaticType.TypeError, 'state vector must be a tuple');
  }
  if (tupleSize(t, tuple) !== MT_N + 1) return errRaise(t, StaticType.ValueError, 'state vector is the wrong size');
  const words = new Uint32Array(MT_STATE_WORDS);
  for (let i = 0; i < MT_N; i++) {
    const item = tupleGetItem(t, tuple, i);
    if (!longCheck(t, item)) return errRaise(t, StaticType.TypeError, 'an integer is required');
    const v = intAsBigInt(t, item);
    if (v < 0n) return errRaise(t, StaticType.OverflowError, "can't convert negative value to unsigned int");
    if (v >= TWO_64) return errRaise(t, StaticType.OverflowError, 'Python int too large to convert to C unsigned long');
    words[i] = Number(v & 0xffffffffn);
  }
  const indexObj = numberIndex(t, tupleGetItem(t, tuple, MT_N));
  if (indexObj === 0) return 0;
  const index = intAsBigInt(t, indexObj);
  decref(t.rc, indexObj);
  if (index < -TWO_63 || index >= TWO_63) return errRaise(t, StaticType.OverflowError, 'Python int too large to convert to C long');
  if (index < 0n || index > BigInt(MT_N)) return errRaise(t, StaticType.ValueError, 'invalid state');
  words[MT_N] = Number(index);
  const done = withState(t, t.u32[base]!, 'setstate', (u32, at) => {
    u32.set(words, at);
    return true;
  });
  return done === undefined ? 0 : t.none;
}

/**
 * `_random.urandom(n)`: `os.urandom(n)` for `SystemRandom` (ft has no `os`
 * module yet): n bytes of the OS's randomness.
 */
function urandom(t: ObThread, _self: number, arg: number): number {
  const n = ssizeArg(t, arg);
  if (n === undefined) return 0;
  if (n < 0) return errRaise(t, StaticType.ValueError, 'negative argument not allowed');
  const op = bytesAlloc(t, n);
  if (op !== 0 && n > 0) randomFillSync(t.u8.subarray(bytesData(t, op), bytesData(t, op) + n));
  return op;
}

/** The `_random` module. */
export const RANDOM_MODULE: ModuleDef = {
  name: '_random',
  doc: 'Module implements the Mersenne Twister random number generator.',
  functions: [
    { name: 'new_state', flags: METH_NOARGS, fn: (t) => newState(t) },
    { name: 'seed', flags: METH_FASTCALL, fn: seed },
    { name: 'random', flags: METH_O, fn: (t, self, args) => random(t, self, t.u32[args >>> 2]!) },
    { name: 'getrandbits', flags: METH_FASTCALL, fn: getrandbits },
    { name: 'getstate', flags: METH_O, fn: (t, self, args) => getstate(t, self, t.u32[args >>> 2]!) },
    { name: 'setstate', flags: METH_FASTCALL, fn: setstate },
    { name: 'urandom', flags: METH_O, fn: (t, self, args) => urandom(t, self, t.u32[args >>> 2]!) },
  ],
};
