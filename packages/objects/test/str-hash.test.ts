/**
 * The str hash: SipHash-1-3 over the PEP 393 data with the key from
 * PYTHONHASHSEED, equal to the low 32 bits of CPython 3.13's hash
 * (fixtures/str-hash-cpython.json, made once by str-hash-cpython.py).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hashKeyFromSeed, randomHashKey, siphash13 } from '../src/siphash.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/str-hash-cpython.json', import.meta.url), 'utf8')) as { texts: string[]; hashes: Record<string, number[]> };

/** A text's PEP 393 data bytes: the narrowest kind that holds every code point, little-endian. */
function pep393Bytes(text: string): Uint8Array {
  const cps = [...text].map((c) => c.codePointAt(0)!);
  const max = cps.reduce((m, c) => Math.max(m, c), 0);
  const kind = max < 0x100 ? 1 : max < 0x10000 ? 2 : 4;
  const out = new Uint8Array(cps.length * kind);
  const view = new DataView(out.buffer);
  cps.forEach((c, i) => (kind === 1 ? view.setUint8(i, c) : kind === 2 ? view.setUint16(2 * i, c, true) : view.setUint32(4 * i, c, true)));
  return out;
}

describe('str hash (SipHash-1-3)', () => {
  for (const seed of ['0', '1234']) {
    it(`equals CPython's low 32 bits under PYTHONHASHSEED=${seed} for ${fixture.texts.length} strs of every kind`, () => {
      const key = hashKeyFromSeed(Number(seed));
      const got = fixture.texts.map((text) => {
        const bytes = pep393Bytes(text);
        // CPython: the empty str hashes to 0 without SipHash.
        return text === '' ? 0 : siphash13(bytes, 0, bytes.length, key) >>> 0;
      });
      expect(got).toEqual(fixture.hashes[seed]);
    });
  }

  it('a random key differs from run to run; seeds outside CPython\'s range are refused', () => {
    const a = randomHashKey();
    const b = randomHashKey();
    expect([a.k0lo, a.k0hi, a.k1lo, a.k1hi]).not.toEqual([b.k0lo, b.k0hi, b.k1lo, b.k1hi]);
    expect(() => hashKeyFromSeed(-1)).toThrow(RangeError);
    expect(() => hashKeyFromSeed(2 ** 32)).toThrow(RangeError);
  });
});

describe('str hash in a runtime', () => {
  it('strHash uses the runtime\'s PYTHONHASHSEED: seed 1234 gives CPython\'s values; two random runtimes differ', async () => {
    const { createObjectsRuntime, strFromJs, strHash } = await import('../src/index.js');
    const seeded = createObjectsRuntime({ hashSeed: 1234 });
    try {
      const t = seeded.t;
      fixture.texts.forEach((text, i) => {
        const op = strFromJs(t, text);
        expect(strHash(t, op) >>> 0).toBe(fixture.hashes['1234']![i]);
      });
    } finally {
      seeded.close();
    }
    // A thread works in one runtime at a time: one after the other.
    const hashInFreshRuntime = (): number => {
      const rt = createObjectsRuntime();
      try {
        return strHash(rt.t, strFromJs(rt.t, 'hello world'));
      } finally {
        rt.close();
      }
    };
    expect(hashInFreshRuntime()).not.toBe(hashInFreshRuntime());
  });
});
