/**
 * The runtime's configuration (`PyConfig` as `Python/initconfig.c` reads
 * it): environment variables (`PYTHON_GIL`, `PYTHONMALLOC`,
 * `PYTHONHASHSEED`) and `-X` options, `-X` winning over the environment,
 * checked with CPython's messages. A bad value is a {@link ConfigError}
 * naming the function CPython reports ("config_read_gil: PYTHON_GIL / -X
 * gil must be "0" or "1""), thrown before anything is created.
 */

/** The allocators `PYTHONMALLOC` may name that ft has: objects always live in mimalloc's heaps. */
const MALLOC_PRESETS = { mimalloc: 'mimalloc', mimalloc_debug: 'mimalloc_debug', debug: 'mimalloc_debug' } as const;

/** A configuration error (CPython's `Fatal Python error: <function>: <message>`). @public */
export class ConfigError extends Error {
  /** The CPython function whose check failed (`config_read_gil`). */
  readonly where: string;
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'ConfigError';
    this.where = where;
  }
}

/** What a runtime is created with (all optional). @public */
export interface RuntimeConfigInput {
  /** Environment variables to read (`PYTHON_GIL`, `PYTHONMALLOC`, `PYTHONHASHSEED`); default none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `-X` options, each `name` or `name=value` (`['gil=1']`). Unknown names are kept, as CPython keeps them in `sys._xoptions`. */
  readonly xoptions?: readonly string[];
}

/** The configuration the runtime runs with. @public */
export interface RuntimeConfig {
  /** `PYTHON_GIL` / `-X gil`: true with a real GIL (`1`), false free-threaded (`0`, or unset: the default). */
  readonly gil: boolean;
  /** `config->enable_gil`: `'enable'` (`1`), `'disable'` (`0`), or `'default'` (unset: off, though it could be turned on at run time). */
  readonly gilMode: 'default' | 'enable' | 'disable';
  /** The object allocator (`PYTHONMALLOC`): `mimalloc`, or `mimalloc_debug` (`debug`, `mimalloc_debug`). */
  readonly allocator: 'mimalloc' | 'mimalloc_debug';
  /** `PYTHONHASHSEED`: 'random' or the seed. */
  readonly hashSeed: number | 'random';
  /** The `-X` options as `sys._xoptions` holds them (a value, or true for a bare name). */
  readonly xoptions: Readonly<Record<string, string | true>>;
}

/**
 * Reads the configuration (`_PyConfig_Read`), or throws {@link ConfigError}
 * for a value CPython refuses.
 * @public
 */
export function readConfig(input: RuntimeConfigInput = {}): RuntimeConfig {
  const env = input.env ?? {};
  const xoptions: Record<string, string | true> = {};
  for (const option of input.xoptions ?? []) {
    if (typeof option !== 'string') throw new TypeError(`readConfig: -X options are strings, not ${typeof option}`);
    const eq = option.indexOf('=');
    if (eq < 0) xoptions[option] = true;
    else xoptions[option.slice(0, eq)] = option.slice(eq + 1);
  }

  // `config_read_gil`: -X gil first, then PYTHON_GIL (an empty variable counts as unset; a bare `-X gil` as "").
  const gilText = xoptions.gil !== undefined ? (xoptions.gil === true ? '' : xoptions.gil) : env.PYTHON_GIL === '' ? undefined : env.PYTHON_GIL;
  if (gilText !== undefined && gilText !== '0' && gilText !== '1') throw new ConfigError('config_read_gil', 'PYTHON_GIL / -X gil must be "0" or "1"');
  const gil = gilText === '1';
  const gilMode = gilText === undefined ? 'default' : gil ? 'enable' : 'disable';

  // `PYTHONMALLOC`: ft's objects live in mimalloc's heaps; the other allocators' names are refused.
  const mallocText = env.PYTHONMALLOC;
  let allocator: RuntimeConfig['allocator'] = 'mimalloc';
  if (mallocText !== undefined && mallocText !== '') {
    const preset = (MALLOC_PRESETS as Record<string, RuntimeConfig['allocator']>)[mallocText];
    if (preset === undefined) {
      const known = ['malloc', 'pymalloc', 'malloc_debug', 'pymalloc_debug'].includes(mallocText);
      throw new ConfigError('_PyMem_SetupAllocators', known ? `PYTHONMALLOC=${mallocText} is not available in ft: objects live in mimalloc's heaps (use mimalloc, mimalloc_debug or debug)` : 'PYTHONMALLOC: unknown allocator');
    }
    allocator = preset;
  }

  // `config_init_hash_seed`.
  const seedText = env.PYTHONHASHSEED;
  let hashSeed: number | 'random' = 'random';
  if (seedText !== undefined && seedText !== '' && seedText !== 'random') {
    const n = /^\d+$/.test(seedText) ? Number(seedText) : NaN;
    if (!(n >= 0 && n <= 4294967295)) throw new ConfigError('config_init_hash_seed', 'PYTHONHASHSEED must be "random" or an integer in range [0; 4294967295]');
    hashSeed = n;
  }
  return { gil, gilMode, allocator, hashSeed, xoptions };
}
