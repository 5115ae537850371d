/**
 * The hash that Python code sees (`hash(x)`, `builtin_hash`): the 64-bit
 * `Py_hash_t` of a 64-bit CPython 3.13 (`sys.hash_info.width` 64), while
 * the objects keep their 32-bit hashes inside (layout.ts: the `tp_hash`
 * slots, dict and set entries and the cached hashes of str, bytes, tuple
 * and frozenset are 32-bit, as on CPython's 32-bit builds).
 *
 * The builtin hashable types are hashed again here with CPython's 64-bit
 * rules (`Python/pyhash.c`, `long_hash`, `_Py_HashDouble`, `complex_hash`,
 * `tuple_hash`, `frozenset_hash`, `range_hash`, `slice_hash`,
 * `none_hash`), in BigInt arithmetic, recursing into tuple, frozenset and
 * slice items with the 64-bit hash, so the value equals what CPython
 * prints for the same `PYTHONHASHSEED`. Nothing is cached: `hash()` is not
 * on the dict and set paths, which use the 32-bit slots.
 *
 * An object is hashed by what its type's hash slot is, not by its exact
 * type: an instance of `class C(int): pass` inherits int's slot and hashes
 * as the int, as in CPython. A class's own `__hash__` (slot-dispatch.ts's
 * dispatcher) is called here and its result reduced as `slot_tp_hash`
 * reduces it on a 64-bit build (kept when it fits in 64 bits — so
 * `return hash(self.name)` gives exactly `hash(self.name)` — else the
 * int's hash). Any other slot (weakrefs, methods, builtin functions, the
 * layers above) gives its 32-bit value sign-extended.
 *
 * What cannot equal CPython's numbers: hashes made from addresses
 * (`_Py_HashPointer`: `object()`, NotImplemented, Ellipsis, a NaN) — the
 * formula is CPython's 64-bit one, applied to this heap's 32-bit
 * addresses. None hashes to CPython's constant (3.12+).
 */

import { decref, OB_TYPE_OFFSET } from '@ft/refcount';
import { typeSlot, typeSlotId } from './abstract.js';
import { bytesSize } from './bytes.js';
import { callArgs } from './call.js';
import { complexImag, complexReal } from './complex.js';
import { errRaise, errRaiseInt, errUnhashable } from './errors.js';
import { floatAsDouble } from './float.js';
import { intAsBigInt, intCompactValue, intFromBigInt, intIsCompact } from './int.js';
import { strInternFromJs } from './intern.js';
import {
  BYTES_DATA_OFFSET,
  RANGE_LENGTH_OFFSET,
  RANGE_START_OFFSET,
  RANGE_STEP_OFFSET,
  SLICE_START_OFFSET,
  StaticType,
  STR_DATA_OFFSET,
  STR_KIND_OFFSET,
  STR_LENGTH_OFFSET,
  TPFLAGS_LONG_SUBCLASS,
  TUPLE_ITEMS_OFFSET,
} from './layout.js';
import { typeLookupRef } from './method-cache.js';
import { memoryViewHash, memoryViewToBytes } from './memoryview.js';
import type { ObThread } from './ob-thread.js';
import { setSnapshot } from './set.js';
import { siphash13x64 } from './siphash.js';
import { typeHasFlag, typeOf } from './subtype.js';
import { tupleSize } from './tuple.js';

/** `_PyHASH_MODULUS` of a 64-bit build: the Mersenne prime 2^61 - 1. @public */
export const HASH_MODULUS_64 = (1n << 61n) - 1n;
/** `_PyHASH_INF`. */
const HASH_INF = 314159n;
/** `_PyHASH_IMAG`. */
const HASH_IMAG = 1000003n;
/** `none_hash` (3.12+): a constant, the same in every process. */
const NONE_HASH = 0xfca86420n;

// xxHash's 64-bit primes (`_PyHASH_XXPRIME_*` when Py_hash_t is 64 bits).
const XXPRIME_1 = 11400714785074694791n;
const XXPRIME_2 = 14029467366897019727n;
const XXPRIME_5 = 2870177450012600261n;
const U64 = (1n << 64n) - 1n;

/**
 * `PyObject_Hash` as a 64-bit CPython computes it: a signed bigint in
 * [-2^63, 2^63), never -1; or null with the exception set (TypeError
 * "unhashable type: 'list'", or what a `__hash__` raised).
 * @public
 */
export function objectHashValue(t: ObThread, op: number): bigint | null {
  return hashBySlot(t, op, typeSlotId(t, typeOf(t, op), 'hash'));
}

/**
 * `hash(op)` (`builtin_hash`): {@link objectHashValue} as a new int, or 0
 * with the exception set.
 * @public
 */
export function objectHashPy(t: ObThread, op: number): number {
  const h = objectHashValue(t, op);
  return h === null ? 0 : intFromBigInt(t, h);
}

/**
 * The 64-bit hash of `op` by the hash slot `id` (its type's, or the one a
 * slot wrapper such as `int.__hash__` names): {@link objectHashValue}'s
 * rules for that slot. null with the exception set.
 * @internal
 */
export function hashBySlot(t: ObThread, op: number, id: number): bigint | null {
  if (id === 0) {
    errUnhashable(t, op);
    return null;
  }
  const types = t.types;
  const slotOf = (index: number): number => typeSlotId(t, types[index]!, 'hash');
  if (id === slotOf(StaticType.Int)) return longHash64(t, op); // int, bool and their subclasses
  if (id === slotOf(StaticType.Str)) return strHash64(t, op);
  if (id === slotOf(StaticType.Tuple)) return xxHash64(t, (op + TUPLE_ITEMS_OFFSET) >>> 2, tupleSize(t, op), true);
  if (id === slotOf(StaticType.Float)) return hashDouble64(op, floatAsDouble(t, op));
  if (id === slotOf(StaticType.Bytes)) {
    const size = bytesSize(t, op);
    return size === 0 ? 0n : notMinusOne(siphash13x64(t.u8, op + BYTES_DATA_OFFSET, size, t.hashKey));
  }
  if (id === slotOf(StaticType.MemoryView)) {
    // `memory_hash`: its checks and errors (the 32-bit value cached), then the bytes' 64-bit hash.
    if (memoryViewHash(t, op) === -1) return null;
    const bytes = memoryViewToBytes(t, op);
    if (bytes === 0) return null;
    const size = bytesSize(t, bytes);
    const h = size === 0 ? 0n : notMinusOne(siphash13x64(t.u8, bytes + BYTES_DATA_OFFSET, size, t.hashKey));
    decref(t.rc, bytes);
    return h;
  }
  if (id === slotOf(StaticType.None)) return NONE_HASH;
  if (id === slotOf(StaticType.Complex)) return complexHash64(op, complexReal(t, op), complexImag(t, op));
  if (id === slotOf(StaticType.FrozenSet)) return frozensetHash64(t, op);
  if (id === slotOf(StaticType.Range)) return rangeHash64(t, op);
  if (id === slotOf(StaticType.Slice)) return xxHash64(t, (op + SLICE_START_OFFSET) >>> 2, 3, false);
  if (id === slotOf(StaticType.Object)) return pointerHash64(op);
  if (id === t.builtinIds.slotDispatch.hash) return slotHash64(t, op);
  // Another behaviour (weakref, method, builtin function, …): its 32-bit value, sign-extended.
  const h = t.slots.hash[id]!(t, op);
  return h === -1 ? null : BigInt(h);
}

/** -1 is the error value: -2 instead (every `tp_hash`'s last step). */
function notMinusOne(h: bigint): bigint {
  return h === -1n ? -2n : h;
}

/**
 * `long_hash` of a 64-bit build: |v| modulo 2^61 - 1 with v's sign, -1
 * becoming -2 (`hash(-1) == -2`, `hash(2**61) == 1`). CPython folds the
 * 30-bit digits with rotations; the residue is the same.
 * @public
 */
export function longHash64(t: ObThread, op: number): bigint {
  if (intIsCompact(t, op)) return notMinusOne(BigInt(intCompactValue(t, op))); // |v| < 2^30 < the modulus
  const v = intAsBigInt(t, op);
  return notMinusOne(v < 0n ? -(-v % HASH_MODULUS_64) : v % HASH_MODULUS_64);
}

/** The bits of a double being hashed (module scope: thread-local). */
const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);

/**
 * `_Py_HashPointer` of a 64-bit build: the address rotated right by 4
 * bits in 64 bits (its low bits are usually 0), -1 becoming -2.
 * @public
 */
export function pointerHash64(address: number): bigint {
  const a = BigInt(address >>> 0);
  return notMinusOne(BigInt.asIntN(64, (a >> 4n) | ((a & 15n) << 60n)));
}

/**
 * `_Py_HashDouble(inst, v)` of a 64-bit build: a finite value's hash is
 * the rational number's residue modulo 2^61 - 1 with its sign (an
 * integral float hashes as the int: `hash(2.0**70) == hash(2**70)`),
 * ±inf hash to ±314159, and a NaN by the address of the object `inst`
 * that holds it. Never -1.
 * @public
 */
export function hashDouble64(inst: number, v: number): bigint {
  if (v !== v) return pointerHash64(inst);
  if (v === Infinity) return HASH_INF;
  if (v === -Infinity) return -HASH_INF;
  if (v === 0) return 0n;
  // |v| = m · 2^e with a 53-bit integer m; 2^61 ≡ 1 (mod 2^61 - 1), so 2^e ≡ 2^(e mod 61).
  scratch[0] = v;
  const hi = words[1]!;
  const biased = (hi >>> 20) & 0x7ff;
  let m = (hi & 0xfffff) * 0x100000000 + words[0]!;
  let e = -1074;
  if (biased !== 0) {
    m += 2 ** 52;
    e = biased - 1075;
  }
  const k = ((e % 61) + 61) % 61;
  const r = (BigInt(m) << BigInt(k)) % HASH_MODULUS_64;
  return notMinusOne(v < 0 ? -r : r);
}

/**
 * `complex_hash` of a 64-bit build: hash(real) + 1000003 × hash(imag),
 * wrapping at 64 bits; never -1. (`hash(complex(x, 0)) == hash(x)`.)
 * @public
 */
export function complexHash64(inst: number, real: number, imag: number): bigint {
  return notMinusOne(BigInt.asIntN(64, hashDouble64(inst, real) + HASH_IMAG * hashDouble64(inst, imag)));
}

/** `unicode_hash` of a 64-bit build: SipHash-1-3 of the PEP 393 data, 0 for '', never -1. Its low 32 bits are `strHash`'s (but for a low half of -1, which strHash makes -2). */
function strHash64(t: ObThread, op: number): bigint {
  // SAFETY: the length, kind and data are immutable once published.
  const length = t.u32[(op + STR_LENGTH_OFFSET) >>> 2]!;
  if (length === 0) return 0n;
  return notMinusOne(siphash13x64(t.u8, op + STR_DATA_OFFSET, length * t.u8[op + STR_KIND_OFFSET]!, t.hashKey));
}

/** One xxHash round of `tuple_hash` (64-bit): acc += lane × PRIME_2; acc = rotl(acc, 31); acc ×= PRIME_1. */
function xxRound(acc: bigint, lane: bigint): bigint {
  acc = (acc + BigInt.asUintN(64, lane) * XXPRIME_2) & U64;
  acc = ((acc << 31n) | (acc >> 33n)) & U64;
  return (acc * XXPRIME_1) & U64;
}

/** The end of `tuple_hash` / `slice_hash`: -1 (as unsigned) becomes 1546275796; the accumulator as a signed value. */
function xxFinish(acc: bigint): bigint {
  return acc === U64 ? 1546275796n : BigInt.asIntN(64, acc);
}

/**
 * xxHash (64-bit) over the 64-bit hashes of `n` objects at the words from
 * `base`: `tuple_hash` with the length term, `slice_hash` (3.12+) without.
 */
function xxHash64(t: ObThread, base: number, n: number, withLength: boolean): bigint | null {
  let acc = XXPRIME_5;
  for (let i = 0; i < n; i++) {
    const lane = objectHashValue(t, t.u32[base + i]!); // SAFETY: a tuple's and a slice's items are immutable once published
    if (lane === null) return null;
    acc = xxRound(acc, lane);
  }
  if (withLength) acc = (acc + (BigInt(n) ^ (XXPRIME_5 ^ 3527539n))) & U64;
  return xxFinish(acc);
}

/**
 * `range_hash`: the hash of the tuple (len, None, None) when empty,
 * (1, start, None) for one item, (len, start, step) otherwise — mixed here
 * without building the tuple.
 */
function rangeHash64(t: ObThread, op: number): bigint | null {
  const field = (offset: number): number => t.u32[(op + offset) >>> 2]!; // SAFETY: immutable once published
  const length = field(RANGE_LENGTH_OFFSET);
  const n = intAsBigInt(t, length);
  const items = [length, n === 0n ? t.none : field(RANGE_START_OFFSET), n <= 1n ? t.none : field(RANGE_STEP_OFFSET)];
  let acc = XXPRIME_5;
  for (const item of items) {
    const lane = objectHashValue(t, item);
    if (lane === null) return null;
    acc = xxRound(acc, lane);
  }
  return xxFinish((acc + (3n ^ (XXPRIME_5 ^ 3527539n))) & U64);
}

/** `_shuffle_bits` of `frozenset_hash`, 64-bit. */
function shuffleBits(h: bigint): bigint {
  h = BigInt.asUintN(64, h);
  return (((h ^ 89869747n) ^ (h << 16n)) * 3644798167n) & U64;
}

/**
 * `frozenset_hash` of a 64-bit build: the xor of the shuffled 64-bit
 * hashes of the items (order-independent), the size mixed in, then
 * dispersed; -1 becomes 590923713. The items' 64-bit hashes are computed
 * again (the table keeps 32-bit ones).
 */
function frozensetHash64(t: ObThread, op: number): bigint | null {
  const keys = setSnapshot(t, op);
  let hash = 0n;
  let failed = false;
  for (const key of keys) {
    if (!failed) {
      const h = objectHashValue(t, key);
      if (h === null) failed = true;
      else hash ^= shuffleBits(h);
    }
    decref(t.rc, key);
  }
  if (failed) return null;
  hash ^= (BigInt(keys.length + 1) * 1927868237n) & U64;
  hash ^= (hash >> 11n) ^ (hash >> 25n);
  hash = (hash * 69069n + 907133923n) & U64;
  return hash === U64 ? 590923713n : BigInt.asIntN(64, hash);
}

/** The interned '__hash__' (immortal and shared), per thread context. */
const hashNames = new WeakMap<ObThread, number>();

/**
 * `slot_tp_hash` of a 64-bit build: the class's `__hash__` called; an
 * int result that fits in 64 bits is the hash (-1 becoming -2), a bigger
 * one is reduced by int's hash; TypeError "__hash__ method should return
 * an integer" otherwise. (The same lookup and call as slot-dispatch.ts's
 * dispatcher, which reduces to 32 bits.)
 */
function slotHash64(t: ObThread, self: number): bigint | null {
  const r = callHashMethod(t, self);
  if (r === 0) return null;
  if (!typeHasFlag(t, typeOf(t, r), TPFLAGS_LONG_SUBCLASS)) {
    decref(t.rc, r);
    errRaiseInt(t, StaticType.TypeError, '__hash__ method should return an integer');
    return null;
  }
  const v = intAsBigInt(t, r);
  const h = BigInt.asIntN(64, v) === v ? notMinusOne(v) : longHash64(t, r);
  decref(t.rc, r);
  return h;
}

/** `type(self).__hash__(self)` (`vectorcall_method`): a new reference, or 0 with an exception (AttributeError when the class has none). */
function callHashMethod(t: ObThread, self: number): number {
  let name = hashNames.get(t);
  if (name === undefined) {
    name = strInternFromJs(t, '__hash__');
    if (name === 0) return 0;
    hashNames.set(t, name);
  }
  const type = typeOf(t, self);
  const found = typeLookupRef(t, type, name);
  if (found === 0) return errRaise(t, StaticType.AttributeError, '__hash__');
  const foundType = t.u32[(found + OB_TYPE_OFFSET) >>> 2]!;
  let r: number;
  if (foundType === t.types[StaticType.Function] || foundType === t.types[StaticType.MethodDescriptor] || foundType === t.types[StaticType.WrapperDescriptor]) {
    r = callArgs(t, found, [self]);
  } else {
    const get = typeSlot(t, foundType, 'descrGet');
    if (get === null) r = callArgs(t, found, []);
    else {
      const bound = get(t, found, self, type);
      r = bound === 0 ? 0 : callArgs(t, bound, []);
      if (bound !== 0) decref(t.rc, bound);
    }
  }
  decref(t.rc, found);
  return r;
}
