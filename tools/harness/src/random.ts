/**
 * Seeded randomness for stress tests: xoshiro128** (Blackman and Vigna), small,
 * fast and allocation-free. Every run prints its seed; FT_STRESS_SEED replays it.
 */

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 expands the seed into four non-zero words.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next() | 1;
  }

  /** Uniform u32. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor((this.nextU32() / 0x100000000) * n);
  }

  /** Uniform float in [0, 1). */
  nextFloat(): number {
    return this.nextU32() / 0x100000000;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The seed for this run: FT_STRESS_SEED if set, else a fresh one. */
export function stressSeed(): number {
  const fromEnv = process.env.FT_STRESS_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    const seed = Number(fromEnv);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`FT_STRESS_SEED must be an integer from 0 to 2^32-1, got '${fromEnv}'`);
    }
    return seed;
  }
  return (Math.random() * 0x100000000) >>> 0;
}

/** FT_STRESS_SCALE (default 1): multiplies every stress test's operation counts. */
export function stressScale(): number {
  const fromEnv = process.env.FT_STRESS_SCALE;
  if (fromEnv === undefined || fromEnv === '') return 1;
  const scale = Number(fromEnv);
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(`FT_STRESS_SCALE must be a positive number, got '${fromEnv}'`);
  }
  return scale;
}
