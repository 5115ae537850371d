/**
 * The command line's and environment's configuration of a run
 * (`PyConfig` from `-X` options and `PYTHON*` variables): the GIL, thread-local
 * bytecode, the hash seed.
 */

/** What a run is configured with. */
export interface RunConfig {
  /** `-X gil=1` / `PYTHON_GIL=1`. */
  readonly gil: boolean;
  /** `-X tlbc=0` / `PYTHON_TLBC=0` turns thread-local bytecode (and specialization) off. */
  readonly tlbc: boolean;
  /** `PYTHONHASHSEED`: 'random' or a seed. */
  readonly hashSeed: number | 'random';
}

/** Reads `-X` options (later ones win) over the environment. @throws Error with CPython's message for a bad value. */
export function resolveConfig(xoptions: readonly string[], env: Readonly<Record<string, string>>): RunConfig {
  let gil = env.PYTHON_GIL === '1';
  let tlbc = env.PYTHON_TLBC !== '0';
  for (const x of xoptions) {
    const [key, value] = x.split('=', 2) as [string, string | undefined];
    if (key === 'gil') {
      if (value !== '0' && value !== '1') throw new Error('-X gil=n: n must be 0 or 1');
      gil = value === '1';
    } else if (key === 'tlbc') {
      if (value !== '0' && value !== '1') throw new Error('-X tlbc=n: n must be 0 or 1');
      tlbc = value === '1';
    }
  }
  let hashSeed: number | 'random' = 'random';
  const seed = env.PYTHONHASHSEED;
  if (seed !== undefined && seed !== 'random') {
    const n = Number(seed);
    if (!Number.isInteger(n) || n < 0 || n > 4294967295) throw new Error('PYTHONHASHSEED must be "random" or an integer in range [0; 4294967295]');
    hashSeed = n;
  }
  return { gil, tlbc, hashSeed };
}
