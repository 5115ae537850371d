/**
 * The Mersenne Twister of CPython's `_random` module
 * (`Modules/_randommodule.c`: MT19937 by Matsumoto and Nishimura, with
 * Python's seeding and its `random()` / `getrandbits()` on top), in plain
 * TypeScript so that a seeded sequence equals CPython 3.13's bit for bit.
 *
 * A generator's state is {@link MT_STATE_WORDS} 32-bit words of a
 * `Uint32Array` from word `base` on: the 624 words of `mt[]`, then the
 * index of the next word to temper (CPython's `self->index`, 624 meaning
 * "twist first"). Working on a caller's array and offset lets the
 * `_random` module run the generator in place on a state object's buffer
 * in the shared heap (no copy per call) and lets the tests use a plain
 * array.
 */

import { createHash, randomFillSync } from 'node:crypto';

/** `N`: the degree of recurrence, words of `mt[]`. */
export const MT_N = 624;
/** `M`: the middle word offset of the twist. */
const MT_M = 397;
/** Words of one state: `mt[]` and the index. */
export const MT_STATE_WORDS = MT_N + 1;

const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** `init_genrand(self, s)`: fills `mt[]` from one 32-bit seed (Knuth's multiplier 1812433253). */
export function initGenrand(mt: Uint32Array, base: number, s: number): void {
  let prev = s >>> 0;
  mt[base] = prev;
  for (let i = 1; i < MT_N; i++) {
    prev = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    mt[base + i] = prev;
  }
  mt[base + MT_N] = MT_N;
}

/**
 * `init_by_array(self, init_key, key_length)`: the 2002 seeding by an
 * array of 32-bit words, which is how CPython seeds from an int (its
 * absolute value's little-endian words) and from the OS's entropy.
 */
export function initByArray(mt: Uint32Array, base: number, key: ArrayLike<number>): void {
  const len = key.length;
  if (len === 0) throw new RangeError('initByArray: the key needs at least one word');
  initGenrand(mt, base, 19650218);
  let i = 1;
  let j = 0;
  for (let k = MT_N > len ? MT_N : len; k > 0; k--) {
    const prev = mt[base + i - 1]!;
    // Sums of three 32-bit values stay exact in a double; >>> 0 reduces mod 2^32.
    mt[base + i] = (((mt[base + i]! ^ Math.imul(prev ^ (prev >>> 30), 1664525)) >>> 0) + (key[j]! >>> 0) + j) >>> 0;
    i++;
    j++;
    if (i >= MT_N) {
      mt[base] = mt[base + MT_N - 1]!;
      i = 1;
    }
    if (j >= len) j = 0;
  }
  for (let k = MT_N - 1; k > 0; k--) {
    const prev = mt[base + i - 1]!;
    mt[base + i] = (((mt[base + i]! ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) >>> 0) - i) >>> 0;
    i++;
    if (i >= MT_N) {
      mt[base] = mt[base + MT_N - 1]!;
      i = 1;
    }
  }
  mt[base] = 0x80000000; // MSB is 1: the state is never all zeros
}

/** The twist: regenerates all 624 words (the first half of `genrand_uint32`). */
function twist(mt: Uint32Array, base: number): void {
  let kk = 0;
  for (; kk < MT_N - MT_M; kk++) {
    const y = (mt[base + kk]! & UPPER_MASK) | (mt[base + kk + 1]! & LOWER_MASK);
    mt[base + kk] = mt[base + kk + MT_M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
  }
  for (; kk < MT_N - 1; kk++) {
    const y = (mt[base + kk]! & UPPER_MASK) | (mt[base + kk + 1]! & LOWER_MASK);
    mt[base + kk] = mt[base + kk + (MT_M - MT_N)]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
  }
  const y = (mt[base + MT_N - 1]! & UPPER_MASK) | (mt[base]! & LOWER_MASK);
  mt[base + MT_N - 1] = mt[base + MT_M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
}

/** `genrand_uint32(self)`: the next tempered 32-bit word. */
export function genrandUint32(mt: Uint32Array, base: number): number {
  let index = mt[base + MT_N]!;
  if (index >= MT_N) {
    twist(mt, base);
    index = 0;
  }
  let y = mt[base + index]!;
  mt[base + MT_N] = index + 1;
  y ^= y >>> 11;
  y ^= (y << 7) & 0x9d2c5680;
  y ^= (y << 15) & 0xefc60000;
  y ^= y >>> 18;
  return y >>> 0;
}

/**
 * `_random.Random.random`: a double in [0, 1) from 53 random bits, the
 * top 27 bits of one word and the top 26 of the next (`a*2^26 + b`) / 2^53.
 */
export function randomDouble(mt: Uint32Array, base: number): number {
  const a = genrandUint32(mt, base) >>> 5;
  const b = genrandUint32(mt, base) >>> 6;
  return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

/**
 * `_random.Random.getrandbits(k)` for k ≥ 0, as its 32-bit words, least
 * significant first: one word per 32 bits, drawn from the least
 * significant word up, the last word keeping the top bits of its draw
 * (`r >> (32 - k)`) — CPython's order on a little-endian machine. k ≤ 32
 * is one word, the fast path's `genrand_uint32() >> (32 - k)`; k = 0 is
 * no word and draws nothing.
 */
export function getrandbitsWords(mt: Uint32Array, base: number, k: number): Uint32Array {
  if (!(Number.isInteger(k) && k >= 0)) throw new RangeError(`getrandbitsWords: k must be a non-negative integer, got ${k}`);
  if (k === 0) return new Uint32Array(0);
  const words = new Uint32Array(((k - 1) >>> 5) + 1);
  for (let i = 0; i < words.length; i++, k -= 32) {
    let r = genrandUint32(mt, base);
    if (k < 32) r >>>= 32 - k;
    words[i] = r;
  }
  return words;
}

/** `getrandbits(k)` as a bigint (see {@link getrandbitsWords}). */
export function getrandbits(mt: Uint32Array, base: number, k: number): bigint {
  return wordsToBigInt(getrandbitsWords(mt, base, k));
}

/** A non-negative bigint from little-endian 32-bit words. */
export function wordsToBigInt(words: Uint32Array): bigint {
  if (words.length === 0) return 0n;
  if (words.length === 1) return BigInt(words[0]!);
  let hex = '';
  for (let i = words.length - 1; i >= 0; i--) hex += words[i]!.toString(16).padStart(8, '0');
  return BigInt('0x' + hex);
}

/**
 * The key `random_seed` makes from an int: the little-endian 32-bit
 * words of |n| (`_PyLong_AsByteArray`), as many as its bits need
 * (`(bits - 1) / 32 + 1`), and one word 0 for n = 0.
 */
export function seedKeyOfBigInt(n: bigint): Uint32Array {
  const hex = (n < 0n ? -n : n).toString(16);
  const words = new Uint32Array(Math.max(1, Math.ceil(hex.length / 8)));
  for (let i = 0, end = hex.length; end > 0; i++, end -= 8) {
    words[i] = parseInt(hex.slice(Math.max(0, end - 8), end), 16);
  }
  return words;
}

/** `random_seed(self, n)` for an int: `init_by_array` with the words of abs(n). */
export function seedFromBigInt(mt: Uint32Array, base: number, n: bigint): void {
  initByArray(mt, base, seedKeyOfBigInt(n));
}

/**
 * `Random.seed(a, version=2)` for bytes (and a str, UTF-8 encoded by the
 * caller): the int `int.from_bytes(a + sha512(a).digest(), 'big')`, so
 * every byte of `a` counts, then the int seeding.
 */
export function seedIntOfBytes(data: Uint8Array): bigint {
  const digest = createHash('sha512').update(data).digest();
  return BigInt('0x' + Buffer.from(data).toString('hex') + digest.toString('hex'));
}

/** {@link seedIntOfBytes} then {@link seedFromBigInt}. */
export function seedFromBytes(mt: Uint32Array, base: number, data: Uint8Array): void {
  seedFromBigInt(mt, base, seedIntOfBytes(data));
}

/**
 * `random_seed_urandom`: `init_by_array` with 624 words of the OS's
 * entropy (`seed()` / `seed(None)`). Node's CSPRNG does not fail, so
 * CPython's time-and-pid fallback has no use here.
 */
export function seedFromEntropy(mt: Uint32Array, base: number): void {
  const key = new Uint32Array(MT_N);
  randomFillSync(key);
  initByArray(mt, base, key);
}
