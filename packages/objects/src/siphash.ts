/**
 * SipHash-1-3 (`Python/pyhash.c`, `siphash13`), CPython's hash of str and
 * bytes, over bytes in the heap, and the hash secret (`_Py_HashSecret`)
 * from a `PYTHONHASHSEED` value.
 *
 * The 64-bit state lives in pairs of 32-bit halves (no BigInt on this
 * path). The result is the low 32 bits, as a 32-bit build of CPython casts
 * it to its `Py_hash_t` (layout.ts: hashes are 32-bit here), so with the
 * same seed a str hashes to the low half of what CPython 3.13 prints.
 */

/** The SipHash key: k0 and k1 as little-endian 32-bit halves (low first). @public */
export interface HashKey {
  /** k0's low 32 bits. */ readonly k0lo: number;
  /** k0's high 32 bits. */ readonly k0hi: number;
  /** k1's low 32 bits. */ readonly k1lo: number;
  /** k1's high 32 bits. */ readonly k1hi: number;
}

/**
 * `_Py_HashSecret` for `PYTHONHASHSEED=seed` (`_PyRandom_Init`): 0 turns
 * randomization off (a zero key); another value fills the secret's bytes
 * from the seed with CPython's `lcg_urandom`.
 * @public
 */
export function hashKeyFromSeed(seed: number): HashKey {
  if (!Number.isInteger(seed) || seed < 0 || seed > 4294967295) throw new RangeError(`hashKeyFromSeed: PYTHONHASHSEED must be "random" or an integer in range [0; 4294967295], got ${seed}`);
  const bytes = new Uint8Array(16);
  if (seed !== 0) {
    let x = seed >>> 0;
    for (let i = 0; i < 16; i++) {
      x = (Math.imul(x, 214013) + 2531011) >>> 0;
      bytes[i] = (x >>> 16) & 0xff;
    }
  }
  const words = new DataView(bytes.buffer);
  return { k0lo: words.getUint32(0, true), k0hi: words.getUint32(4, true), k1lo: words.getUint32(8, true), k1hi: words.getUint32(12, true) };
}

/** A random key (`PYTHONHASHSEED` unset or "random"). @public */
export function randomHashKey(): HashKey {
  const words = crypto.getRandomValues(new Uint32Array(4));
  return { k0lo: words[0]!, k0hi: words[1]!, k1lo: words[2]!, k1hi: words[3]! };
}

// The state, as module variables (this module is a leaf; the calls below are not re-entrant).
let v0l = 0;
let v0h = 0;
let v1l = 0;
let v1h = 0;
let v2l = 0;
let v2h = 0;
let v3l = 0;
let v3h = 0;

/** One SipRound. */
function sipRound(): void {
  let lo: number;
  // v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
  lo = (v0l + v1l) >>> 0;
  v0h = (v0h + v1h + (lo < v0l ? 1 : 0)) >>> 0;
  v0l = lo;
  let hl = ((v1l << 13) | (v1h >>> 19)) >>> 0;
  let hh = ((v1h << 13) | (v1l >>> 19)) >>> 0;
  v1l = (hl ^ v0l) >>> 0;
  v1h = (hh ^ v0h) >>> 0;
  let swap = v0l;
  v0l = v0h;
  v0h = swap;
  // v2 += v3; v3 = rotl(v3, 16); v3 ^= v2
  lo = (v2l + v3l) >>> 0;
  v2h = (v2h + v3h + (lo < v2l ? 1 : 0)) >>> 0;
  v2l = lo;
  hl = ((v3l << 16) | (v3h >>> 16)) >>> 0;
  hh = ((v3h << 16) | (v3l >>> 16)) >>> 0;
  v3l = (hl ^ v2l) >>> 0;
  v3h = (hh ^ v2h) >>> 0;
  // v0 += v3; v3 = rotl(v3, 21); v3 ^= v0
  lo = (v0l + v3l) >>> 0;
  v0h = (v0h + v3h + (lo < v0l ? 1 : 0)) >>> 0;
  v0l = lo;
  hl = ((v3l << 21) | (v3h >>> 11)) >>> 0;
  hh = ((v3h << 21) | (v3l >>> 11)) >>> 0;
  v3l = (hl ^ v0l) >>> 0;
  v3h = (hh ^ v0h) >>> 0;
  // v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
  lo = (v2l + v1l) >>> 0;
  v2h = (v2h + v1h + (lo < v2l ? 1 : 0)) >>> 0;
  v2l = lo;
  hl = ((v1l << 17) | (v1h >>> 15)) >>> 0;
  hh = ((v1h << 17) | (v1l >>> 15)) >>> 0;
  v1l = (hl ^ v2l) >>> 0;
  v1h = (hh ^ v2h) >>> 0;
  swap = v2l;
  v2l = v2h;
  v2h = swap;
}

/**
 * SipHash-1-3 of the `length` bytes at `start` of `u8` with `key`: the low
 * 32 bits of the 64-bit hash, as a signed 32-bit integer.
 * @public
 */
export function siphash13(u8: Uint8Array, start: number, length: number, key: HashKey): number {
  v0l = (key.k0lo ^ 0x70736575) >>> 0;
  v0h = (key.k0hi ^ 0x736f6d65) >>> 0;
  v1l = (key.k1lo ^ 0x6e646f6d) >>> 0;
  v1h = (key.k1hi ^ 0x646f7261) >>> 0;
  v2l = (key.k0lo ^ 0x6e657261) >>> 0;
  v2h = (key.k0hi ^ 0x6c796765) >>> 0;
  v3l = (key.k1lo ^ 0x79746573) >>> 0;
  v3h = (key.k1hi ^ 0x74656462) >>> 0;
  const end = start + (length & ~7);
  for (let p = start; p < end; p += 8) {
    const ml = (u8[p]! | (u8[p + 1]! << 8) | (u8[p + 2]! << 16) | (u8[p + 3]! << 24)) >>> 0;
    const mh = (u8[p + 4]! | (u8[p + 5]! << 8) | (u8[p + 6]! << 16) | (u8[p + 7]! << 24)) >>> 0;
    v3l = (v3l ^ ml) >>> 0;
    v3h = (v3h ^ mh) >>> 0;
    sipRound();
    v0l = (v0l ^ ml) >>> 0;
    v0h = (v0h ^ mh) >>> 0;
  }
  // The last block: the remaining bytes, and the length's low byte on top.
  let bl = 0;
  let bh = (length & 0xff) << 24;
  const rest = length & 7;
  for (let i = 0; i < rest; i++) {
    const byte = u8[end + i]!;
    if (i < 4) bl |= byte << (8 * i);
    else bh |= byte << (8 * (i - 4));
  }
  bl >>>= 0;
  bh >>>= 0;
  v3l = (v3l ^ bl) >>> 0;
  v3h = (v3h ^ bh) >>> 0;
  sipRound();
  v0l = (v0l ^ bl) >>> 0;
  v0h = (v0h ^ bh) >>> 0;
  v2l = (v2l ^ 0xff) >>> 0;
  sipRound();
  sipRound();
  sipRound();
  return (v0l ^ v1l ^ v2l ^ v3l) | 0;
}
