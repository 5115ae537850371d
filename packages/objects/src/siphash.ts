/**
 * SipHash-1-3 (`Python/pyhash.c`, `siphash13`), CPython's hash of str and
 * bytes, over bytes in the heap, and the hash secret (`_Py_HashSecret`)
 * from a `PYTHONHASHSEED` value.
 *
 * The 64-bit state lives in pairs of 32-bit halves (no BigInt on this
 * path). The result is the low 32 bits, as a 32-bit build of CPython casts
 * it to its `Py_hash_t` (layout.ts: hashes are 32-bit here), so with the
 * same seed a str hashes to the low half of what CPython 3.13 prints.
 * `siphash13x64` gives the whole 64-bit value (`hash()`, hash64.ts).
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

/**
 * SipHash-1-3 of the `length` bytes at `start` of `u8` with `key`: the low
 * 32 bits of the 64-bit hash, as a signed 32-bit integer.
 *
 * The 64-bit state words are (low, high) pairs of int32 locals, and the
 * SipRound is written once inside the one loop that feeds every block,
 * the last block and the three finalization rounds: V8 keeps the locals
 * in registers (module-level state cost a HeapNumber per store, 35× slower).
 * @public
 */
export function siphash13(u8: Uint8Array, start: number, length: number, key: HashKey): number {
  let v0l = key.k0lo ^ 0x70736575;
  let v0h = key.k0hi ^ 0x736f6d65;
  let v1l = key.k1lo ^ 0x6e646f6d;
  let v1h = key.k1hi ^ 0x646f7261;
  let v2l = key.k0lo ^ 0x6e657261;
  let v2h = key.k0hi ^ 0x6c796765;
  let v3l = key.k1lo ^ 0x79746573;
  let v3h = key.k1hi ^ 0x74656462;
  const nblocks = length >>> 3;
  const tail = start + 8 * nblocks;
  // Iterations 0 … nblocks-1: the 8-byte blocks; nblocks: the last block (the remaining bytes and the
  // length's low byte on top); then v2 ^= 0xff and three rounds.
  for (let b = 0; b <= nblocks + 3; b++) {
    let ml = 0;
    let mh = 0;
    if (b < nblocks) {
      const p = start + 8 * b;
      ml = u8[p]! | (u8[p + 1]! << 8) | (u8[p + 2]! << 16) | (u8[p + 3]! << 24);
      mh = u8[p + 4]! | (u8[p + 5]! << 8) | (u8[p + 6]! << 16) | (u8[p + 7]! << 24);
    } else if (b === nblocks) {
      mh = (length & 0xff) << 24;
      const rest = length & 7;
      for (let k = 0; k < rest; k++) {
        const byte = u8[tail + k]!;
        if (k < 4) ml |= byte << (8 * k);
        else mh |= byte << (8 * (k - 4));
      }
    } else if (b === nblocks + 1) {
      v2l ^= 0xff;
    }
    v3l ^= ml;
    v3h ^= mh;
    // SipRound. v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
    let lo = (v0l + v1l) | 0;
    v0h = (v0h + v1h + ((lo >>> 0) < (v0l >>> 0) ? 1 : 0)) | 0;
    v0l = lo;
    let hl = (v1l << 13) | (v1h >>> 19);
    let hh = (v1h << 13) | (v1l >>> 19);
    v1l = hl ^ v0l;
    v1h = hh ^ v0h;
    let swap = v0l;
    v0l = v0h;
    v0h = swap;
    // v2 += v3; v3 = rotl(v3, 16); v3 ^= v2
    lo = (v2l + v3l) | 0;
    v2h = (v2h + v3h + ((lo >>> 0) < (v2l >>> 0) ? 1 : 0)) | 0;
    v2l = lo;
    hl = (v3l << 16) | (v3h >>> 16);
    hh = (v3h << 16) | (v3l >>> 16);
    v3l = hl ^ v2l;
    v3h = hh ^ v2h;
    // v0 += v3; v3 = rotl(v3, 21); v3 ^= v0
    lo = (v0l + v3l) | 0;
    v0h = (v0h + v3h + ((lo >>> 0) < (v0l >>> 0) ? 1 : 0)) | 0;
    v0l = lo;
    hl = (v3l << 21) | (v3h >>> 11);
    hh = (v3h << 21) | (v3l >>> 11);
    v3l = hl ^ v0l;
    v3h = hh ^ v0h;
    // v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
    lo = (v2l + v1l) | 0;
    v2h = (v2h + v1h + ((lo >>> 0) < (v2l >>> 0) ? 1 : 0)) | 0;
    v2l = lo;
    hl = (v1l << 17) | (v1h >>> 15);
    hh = (v1h << 17) | (v1l >>> 15);
    v1l = hl ^ v2l;
    v1h = hh ^ v2h;
    swap = v2l;
    v2l = v2h;
    v2h = swap;
    v0l ^= ml;
    v0h ^= mh;
  }
  return v0l ^ v1l ^ v2l ^ v3l;
}

/**
 * SipHash-1-3 of the `length` bytes at `start` of `u8` with `key`: the
 * whole 64-bit hash as a signed bigint in [-2^63, 2^63) — the `Py_hash_t`
 * of a 64-bit CPython (`hash()` of a str or bytes before the -1 and empty
 * rules); its low 32 bits are {@link siphash13}'s value.
 *
 * The same rounds as {@link siphash13}, written out again rather than
 * shared: a common core that also hands back the high half (through an
 * `Int32Array` out-parameter, only when asked) made `siphash13` about 5%
 * slower on 20-byte inputs, and `siphash13` is the hot one (every str and
 * bytes hash of dicts and sets); this one serves `hash()` (hash64.ts).
 * @public
 */
export function siphash13x64(u8: Uint8Array, start: number, length: number, key: HashKey): bigint {
  let v0l = key.k0lo ^ 0x70736575;
  let v0h = key.k0hi ^ 0x736f6d65;
  let v1l = key.k1lo ^ 0x6e646f6d;
  let v1h = key.k1hi ^ 0x646f7261;
  let v2l = key.k0lo ^ 0x6e657261;
  let v2h = key.k0hi ^ 0x6c796765;
  let v3l = key.k1lo ^ 0x79746573;
  let v3h = key.k1hi ^ 0x74656462;
  const nblocks = length >>> 3;
  const tail = start + 8 * nblocks;
  // Iterations 0 … nblocks-1: the 8-byte blocks; nblocks: the last block (the remaining bytes and the
  // length's low byte on top); then v2 ^= 0xff and three rounds.
  for (let b = 0; b <= nblocks + 3; b++) {
    let ml = 0;
    let mh = 0;
    if (b < nblocks) {
      const p = start + 8 * b;
      ml = u8[p]! | (u8[p + 1]! << 8) | (u8[p + 2]! << 16) | (u8[p + 3]! << 24);
      mh = u8[p + 4]! | (u8[p + 5]! << 8) | (u8[p + 6]! << 16) | (u8[p + 7]! << 24);
    } else if (b === nblocks) {
      mh = (length & 0xff) << 24;
      const rest = length & 7;
      for (let k = 0; k < rest; k++) {
        const byte = u8[tail + k]!;
        if (k < 4) ml |= byte << (8 * k);
        else mh |= byte << (8 * (k - 4));
      }
    } else if (b === nblocks + 1) {
      v2l ^= 0xff;
    }
    v3l ^= ml;
    v3h ^= mh;
    // SipRound. v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
    let lo = (v0l + v1l) | 0;
    v0h = (v0h + v1h + ((lo >>> 0) < (v0l >>> 0) ? 1 : 0)) | 0;
    v0l = lo;
    let hl = (v1l << 13) | (v1h >>> 19);
    let hh = (v1h << 13) | (v1l >>> 19);
    v1l = hl ^ v0l;
    v1h = hh ^ v0h;
    let swap = v0l;
    v0l = v0h;
    v0h = swap;
    // v2 += v3; v3 = rotl(v3, 16); v3 ^= v2
    lo = (v2l + v3l) | 0;
    v2h = (v2h + v3h + ((lo >>> 0) < (v2l >>> 0) ? 1 : 0)) | 0;
    v2l = lo;
    hl = (v3l << 16) | (v3h >>> 16);
    hh = (v3h << 16) | (v3l >>> 16);
    v3l = hl ^ v2l;
    v3h = hh ^ v2h;
    // v0 += v3; v3 = rotl(v3, 21); v3 ^= v0
    lo = (v0l + v3l) | 0;
    v0h = (v0h + v3h + ((lo >>> 0) < (v0l >>> 0) ? 1 : 0)) | 0;
    v0l = lo;
    hl = (v3l << 21) | (v3h >>> 11);
    hh = (v3h << 21) | (v3l >>> 11);
    v3l = hl ^ v0l;
    v3h = hh ^ v0h;
    // v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
    lo = (v2l + v1l) | 0;
    v2h = (v2h + v1h + ((lo >>> 0) < (v2l >>> 0) ? 1 : 0)) | 0;
    v2l = lo;
    hl = (v1l << 17) | (v1h >>> 15);
    hh = (v1h << 17) | (v1l >>> 15);
    v1l = hl ^ v2l;
    v1h = hh ^ v2h;
    swap = v2l;
    v2l = v2h;
    v2h = swap;
    v0l ^= ml;
    v0h ^= mh;
  }
  // (v0 ^ v1 ^ v2 ^ v3) as a signed 64-bit integer: the high half signed, the low half unsigned.
  return (BigInt(v0h ^ v1h ^ v2h ^ v3h) << 32n) | BigInt((v0l ^ v1l ^ v2l ^ v3l) >>> 0);
}
