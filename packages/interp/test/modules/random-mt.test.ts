/**
 * The Mersenne Twister core (src/modules/random-mt.ts) against CPython
 * 3.13: fixtures/random-cpython.json is what `random.Random` printed for
 * the same seeds (fixtures/gen_random.py) — the state right after seeding,
 * 320 `random()` values (past one twist), `getrandbits(k)` for many k and
 * the state after all those draws.
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  genrandUint32,
  getrandbits,
  getrandbitsWords,
  initByArray,
  initGenrand,
  MT_N,
  MT_STATE_WORDS,
  randomDouble,
  seedFromBigInt,
  seedFromBytes,
  seedFromEntropy,
  seedIntOfBytes,
  seedKeyOfBigInt,
  wordsToBigInt,
} from '../../src/modules/random-mt.js';

interface Case {
  kind: 'int' | 'str' | 'bytes' | 'bytearray' | 'float';
  seed: string | number | number[];
  seedInt?: string;
  stateAfterSeed: number[];
  random: number[];
  getrandbits: string[];
  stateAfterDraws: number[];
}

interface Fixture {
  python: string;
  bits: number[];
  cases: Case[];
  midState: { state: number[]; next: number[] };
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/random-cpython.json', import.meta.url), 'utf8')) as Fixture;

function seedBytes(c: Case): Uint8Array {
  return c.kind === 'str' ? new TextEncoder().encode(c.seed as string) : Uint8Array.from(c.seed as number[]);
}

function seeded(c: Case, base = 0): Uint32Array {
  const mt = new Uint32Array(base + MT_STATE_WORDS);
  if (c.kind === 'int') seedFromBigInt(mt, base, BigInt(c.seed as string));
  else if (c.kind === 'float') seedFromBigInt(mt, base, BigInt(c.seedInt!)); // random.ts takes the hash
  else seedFromBytes(mt, base, seedBytes(c));
  return mt;
}

function label(c: Case): string {
  return `${c.kind} ${JSON.stringify(c.seed).slice(0, 40)}`;
}

describe('MT19937 with CPython 3.13 seeding', () => {
  it('the fixture is from CPython 3.13', () => {
    expect(fixture.python.startsWith('3.13.')).toBe(true);
    expect(fixture.cases.length).toBeGreaterThanOrEqual(10);
  });

  for (const c of fixture.cases) {
    describe(label(c), () => {
      if (c.seedInt !== undefined && c.kind !== 'float') {
        it('version-2 seeding of str/bytes makes the int from the bytes and their sha512', () => {
          expect(seedIntOfBytes(seedBytes(c)).toString()).toBe(c.seedInt);
        });
      }

      it('the state right after seeding equals getstate()', () => {
        expect(Array.from(seeded(c))).toEqual(c.stateAfterSeed);
      });

      it('random(), getrandbits(k) and the state after them equal CPython', () => {
        const base = 7; // the state need not start at word 0
        const mt = seeded(c, base);
        const doubles = c.random.map(() => randomDouble(mt, base));
        expect(doubles).toEqual(c.random);
        const bits = fixture.bits.map((k) => getrandbits(mt, base, k).toString());
        expect(bits).toEqual(c.getrandbits);
        expect(Array.from(mt.subarray(base))).toEqual(c.stateAfterDraws);
      });
    });
  }

  it('a state taken mid-block (index ≠ 624) continues as CPython after setstate', () => {
    const mt = Uint32Array.from(fixture.midState.state);
    expect(mt[MT_N]).not.toBe(MT_N);
    expect(fixture.midState.next.map(() => randomDouble(mt, 0))).toEqual(fixture.midState.next);
  });
});

describe('MT19937 building blocks', () => {
  it('init_genrand(5489) gives the reference generator (first output 3499211612, 10000th 4123659995)', () => {
    // Matsumoto & Nishimura's published check values for the default seed.
    const mt = new Uint32Array(MT_STATE_WORDS);
    initGenrand(mt, 0, 5489);
    expect(genrandUint32(mt, 0)).toBe(3499211612);
    for (let i = 2; i < 10000; i++) genrandUint32(mt, 0);
    expect(genrandUint32(mt, 0)).toBe(4123659995);
  });

  it('init_by_array({0x123, 0x234, 0x345, 0x456}) gives mt19937ar.out\'s first outputs', () => {
    const mt = new Uint32Array(MT_STATE_WORDS);
    initByArray(mt, 0, [0x123, 0x234, 0x345, 0x456]);
    expect([0, 1, 2, 3, 4].map(() => genrandUint32(mt, 0))).toEqual([1067595299, 955945823, 477289528, 4107218783, 4228976476]);
  });

  it('seed keys: |n| in little-endian 32-bit words, one word 0 for 0', () => {
    expect(Array.from(seedKeyOfBigInt(0n))).toEqual([0]);
    expect(Array.from(seedKeyOfBigInt(-5n))).toEqual([5]);
    expect(Array.from(seedKeyOfBigInt(2n ** 32n - 1n))).toEqual([0xffffffff]);
    expect(Array.from(seedKeyOfBigInt(2n ** 32n))).toEqual([0, 1]);
    expect(Array.from(seedKeyOfBigInt(0x1_0000_0002_0000_0003n))).toEqual([3, 2, 1]);
  });

  it('getrandbits: k = 0 draws nothing, k ≤ 32 draws one word, the last word keeps the top bits', () => {
    const a = new Uint32Array(MT_STATE_WORDS);
    const b = new Uint32Array(MT_STATE_WORDS);
    seedFromBigInt(a, 0, 99n);
    seedFromBigInt(b, 0, 99n);
    expect(getrandbitsWords(a, 0, 0).length).toBe(0);
    expect(a[MT_N]).toBe(b[MT_N]);
    const w1 = genrandUint32(b, 0);
    expect(getrandbits(a, 0, 5)).toBe(BigInt(w1 >>> 27));
    const lo = genrandUint32(b, 0);
    const hi = genrandUint32(b, 0);
    expect(getrandbits(a, 0, 40)).toBe((BigInt(hi >>> 24) << 32n) | BigInt(lo));
    expect(wordsToBigInt(Uint32Array.from([1, 2]))).toBe((2n << 32n) | 1n);
    expect(() => getrandbitsWords(a, 0, -1)).toThrow(RangeError);
    expect(() => initByArray(a, 0, [])).toThrow(RangeError);
  });

  it('entropy seeding gives different states (and a valid index)', () => {
    const a = new Uint32Array(MT_STATE_WORDS);
    const b = new Uint32Array(MT_STATE_WORDS);
    seedFromEntropy(a, 0);
    seedFromEntropy(b, 0);
    expect(a[MT_N]).toBe(MT_N);
    expect(a[0]).toBe(0x80000000);
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });

  it('random() is in [0, 1) and a multiple of 2^-53', () => {
    const mt = new Uint32Array(MT_STATE_WORDS);
    seedFromBigInt(mt, 0, 7n);
    for (let i = 0; i < 2000; i++) {
      const x = randomDouble(mt, 0);
      expect(x >= 0 && x < 1).toBe(true);
      expect(Number.isInteger(x * 2 ** 53)).toBe(true);
    }
  });
});
