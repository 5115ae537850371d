/**
 * Choosing the allocators by name, as `PYTHONMALLOC` does (`FT_MALLOC` here):
 *
 * | name | raw | mem | object |
 * |---|---|---|---|
 * | `default` | raw heap | mimalloc (free-threaded) / pymalloc (GIL) | same as mem |
 * | `mimalloc` | raw heap | mimalloc mem heap | mimalloc object heap |
 * | `pymalloc` | raw heap | pymalloc | pymalloc — GIL mode only |
 * | `malloc` | raw heap | raw heap | raw heap |
 * | `debug`, `<name>_debug` | the same, wrapped by the debug hooks | | |
 *
 * "raw heap" is the runtime's raw allocator: a mimalloc heap of its own
 * (tag 4). In free-threaded mode (the default) `pymalloc` is refused, as in
 * CPython's free-threaded build, where mimalloc is required: a pymalloc
 * state is not thread-safe and only works under an interpreter lock.
 *
 * Any other name is refused wherever a name is accepted — here, by
 * {@link parseAllocatorName} and by {@link allocatorNameFromEnv} — with the
 * list of valid names, as CPython refuses one (`_PyMem_GetAllocatorName`
 * fails and start-up stops with "PYTHONMALLOC: unknown allocator"). Nothing
 * falls back to a default: `pymalloc-debug` (a dash) is not `pymalloc_debug`.
 */

import { describeValue, type SharedHeap } from '@ft/atomics';
import { MI_HEAP_MEM, type MiThread } from '@ft/mimalloc';
import { AllocatorDomains } from './allocator-domains.js';
import { setupDebugHooks, type DebugHookOptions } from './debug-hooks.js';
import type { ObmallocState } from './obmalloc-state.js';
import type { Pymalloc } from './pymalloc.js';
import { mimallocAllocator, mimallocObjectAllocator, pymallocAllocator, RAW_HEAP_TAG } from './standard-allocators.js';

/** Every name `FT_MALLOC` accepts (`PYTHONMALLOC`'s). @public */
export const ALLOCATOR_NAMES = ['default', 'debug', 'pymalloc', 'pymalloc_debug', 'mimalloc', 'mimalloc_debug', 'malloc', 'malloc_debug'] as const;

/** An allocator name. @public */
export type AllocatorName = (typeof ALLOCATOR_NAMES)[number];

function checkName(where: string, name: unknown): AllocatorName {
  if (typeof name !== 'string') throw new TypeError(`${where}: the memory allocator name must be a string, got ${describeValue(name)}`);
  if ((ALLOCATOR_NAMES as readonly string[]).includes(name)) return name as AllocatorName;
  throw new RangeError(`${where}: unknown memory allocator '${name}'; valid names: ${ALLOCATOR_NAMES.join(', ')}`);
}

/**
 * Checks an allocator name (`_PyMem_GetAllocatorName`).
 * @throws TypeError when `name` is not a string; RangeError, listing the
 * valid names, when it is not one of {@link ALLOCATOR_NAMES}.
 * @public
 */
export function parseAllocatorName(name: string): AllocatorName {
  return checkName('parseAllocatorName', name);
}

/**
 * The allocator named by the `FT_MALLOC` environment variable (CPython's
 * `PYTHONMALLOC`), or `default` when it is unset or empty (CPython ignores
 * an empty variable too).
 * @throws RangeError, listing the valid names, for any other value that is
 * not one of {@link ALLOCATOR_NAMES} (CPython: "PYTHONMALLOC: unknown allocator").
 * @public
 */
export function allocatorNameFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): AllocatorName {
  const value = env.FT_MALLOC;
  return value === undefined || value === '' ? 'default' : checkName('FT_MALLOC', value);
}

/**
 * What {@link createAllocatorDomains} builds the allocators from.
 * @public
 */
export interface AllocatorSetup {
  /** The calling thread's mimalloc state. */
  mi: MiThread;
  /** `free-threaded` (default) or `gil`. */
  mode?: 'free-threaded' | 'gil';
  /** GIL mode: the interpreter's pymalloc state (a handle for this thread); default: `interpreter.pymalloc`. */
  pymalloc?: Pymalloc;
  /**
   * The calling thread's handle on its interpreter's allocator state. In GIL
   * mode it supplies the pymalloc state, and with the debug hooks on, frees
   * of another interpreter's pymalloc blocks are fatal errors.
   */
  interpreter?: ObmallocState;
  /** Options of the debug hooks, for `debug` and `*_debug`. */
  debug?: DebugHookOptions;
}

/**
 * The calling thread's allocator domains for allocator `name` (see the table
 * in this module's documentation).
 * @example
 * ```ts
 * import { SharedHeap } from '@ft/atomics';
 * import { miCreate, miThreadInit } from '@ft/mimalloc';
 * import { allocatorNameFromEnv, createAllocatorDomains, pyMemFree, pyMemMalloc } from '@ft/obmalloc';
 *
 * const heap = SharedHeap.create({ size: 64 << 20 });
 * const miThread = miThreadInit(heap, miCreate(heap), null);
 * const domains = createAllocatorDomains(heap, allocatorNameFromEnv(), { mi: miThread });
 * const p = pyMemMalloc(domains, 100);
 * pyMemFree(domains, p);
 * ```
 * @throws RangeError, listing the valid names, for a name that is not one of
 * {@link ALLOCATOR_NAMES} (TypeError when it is not a string), and for a
 * mode other than `free-threaded` and `gil`; TypeError without `setup.mi`;
 * Error for `pymalloc` in free-threaded mode, or in GIL mode without a
 * pymalloc state.
 * @public
 */
export function createAllocatorDomains(heap: SharedHeap, name: AllocatorName, setup: AllocatorSetup): AllocatorDomains {
  checkName('createAllocatorDomains', name);
  if (typeof setup !== 'object' || setup === null || typeof setup.mi !== 'object' || setup.mi === null) {
    throw new TypeError("createAllocatorDomains: setup.mi must be the calling thread's mimalloc state (miThreadInit)");
  }
  const mode = setup.mode ?? 'free-threaded';
  if (mode !== 'free-threaded' && mode !== 'gil') {
    throw new RangeError(`createAllocatorDomains: unknown mode ${describeValue(mode)}; the modes are 'free-threaded' and 'gil'`);
  }
  const debug = name === 'debug' || name.endsWith('_debug');
  let base = name === 'debug' || name === 'default' ? (mode === 'gil' ? 'pymalloc' : 'mimalloc') : name.replace(/_debug$/, '');
  const raw = mimallocAllocator(setup.mi, RAW_HEAP_TAG);
  let domains: AllocatorDomains;
  if (base === 'pymalloc') {
    if (mode !== 'gil') {
      throw new Error(`memory allocator '${name}' is not available in free-threaded mode: pymalloc needs the interpreter lock (use mimalloc, or run in GIL mode)`);
    }
    const pm = setup.pymalloc ?? setup.interpreter?.pymalloc;
    if (pm === undefined) throw new Error(`memory allocator '${name}' needs the interpreter's pymalloc state`);
    const small = pymallocAllocator(pm, raw);
    domains = new AllocatorDomains(heap, raw, small, small);
  } else if (base === 'malloc') {
    domains = new AllocatorDomains(heap, raw, raw, raw);
  } else {
    base = 'mimalloc';
    domains = new AllocatorDomains(heap, raw, mimallocAllocator(setup.mi, MI_HEAP_MEM), mimallocObjectAllocator(setup.mi));
  }
  if (debug) {
    // Only pymalloc domains can meet another interpreter's pymalloc blocks.
    const interpreter = base === 'pymalloc' ? setup.interpreter : undefined;
    setupDebugHooks(heap, domains, { freeThreaded: mode !== 'gil', mi: setup.mi, interpreter, ...setup.debug });
  }
  return domains;
}
