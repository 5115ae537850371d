/**
 * Allocator statistics: `FT_MALLOCSTATS` (CPython's `PYTHONMALLOCSTATS`)
 * prints pymalloc's statistics whenever a new arena is created and at
 * shutdown, in the spirit of `sys._debugmallocstats()`; and the counts of
 * allocated blocks per interpreter and over all interpreters
 * (`_PyInterpreterState_GetAllocatedBlocks`, `_Py_GetGlobalAllocatedBlocks`)
 * that leak checks compare, which count mimalloc blocks in abandoned
 * segments too, and in GIL mode the blocks pymalloc sent to raw, counted in
 * the interpreter's pymalloc state.
 */

import { fatalError } from '@ft/atomics';
import { miStats, type MiThread } from '@ft/mimalloc';
import { ObmallocState, obmallocRuntimeLeaks } from './obmalloc-state.js';
import { pymallocRawAllocatedBlocks, pymallocStats, type Pymalloc, type PymallocStats } from './pymalloc.js';

/**
 * Formats pymalloc statistics as `sys._debugmallocstats()` does.
 * @public
 */
export function formatMallocStats(stats: PymallocStats): string {
  const lines = [
    'Small block threshold = 512, in 32 size classes.',
    '',
    'class   size   num pools   blocks in use  avail blocks',
    '-----   ----   ---------   -------------  ------------',
  ];
  for (const c of stats.classes) {
    lines.push(`${String(c.sizeClass).padStart(5)}  ${String(c.blockSize).padStart(5)}  ${String(c.pools).padStart(10)}  ${String(c.blocksInUse).padStart(14)}  ${String(c.freeBlocks).padStart(12)}`);
  }
  lines.push(
    '',
    `# arenas allocated total           = ${stats.arenasAllocatedTotal}`,
    `# arenas reclaimed                 = ${stats.arenasAllocatedTotal - stats.arenasAllocated}`,
    `# arenas highwater mark            = ${stats.arenasHighWater}`,
    `# arenas allocated current         = ${stats.arenasAllocated}`,
    `${stats.arenasAllocated} arenas * 1048576 bytes/arena = ${stats.arenaBytes}`,
    '',
    `# bytes in allocated blocks        = ${stats.allocatedBytes}`,
    `# free pools                       = ${stats.freePools}`,
    `# blocks in use                    = ${stats.blocksInUse}`,
  );
  return lines.join('\n');
}

/**
 * Turns on `FT_MALLOCSTATS` for a pymalloc handle when the variable is set
 * (non-empty): statistics are printed each time a new arena is created.
 * Returns whether it was turned on; call {@link printMallocStats} at shutdown.
 * @public
 */
export function enableMallocStatsFromEnv(
  pm: Pymalloc,
  env: Readonly<Record<string, string | undefined>> = process.env,
  print: (text: string) => void = (text) => process.stderr.write(text + '\n'),
): boolean {
  if (env.FT_MALLOCSTATS === undefined || env.FT_MALLOCSTATS === '') return false;
  pm.onNewArena = () => print(formatMallocStats(pymallocStats(pm)));
  return true;
}

/**
 * Prints pymalloc statistics (at shutdown, when `FT_MALLOCSTATS` is on).
 * @public
 */
export function printMallocStats(pm: Pymalloc, print: (text: string) => void = (text) => process.stderr.write(text + '\n')): void {
  print(formatMallocStats(pymallocStats(pm)));
}

/**
 * What one interpreter's allocated blocks are counted from (a plain object,
 * or an {@link ObmallocState} handle).
 * @public
 */
export interface InterpreterAllocators {
  /** Free-threaded mode: any thread's handle on the interpreter's mimalloc state. */
  mi?: MiThread;
  /** GIL mode: the interpreter's own pymalloc state (a handle). When given, it is what is counted. */
  pymalloc?: Pymalloc;
}

/**
 * Blocks allocated and not freed in one interpreter
 * (`_PyInterpreterState_GetAllocatedBlocks`), exact when no thread allocates
 * meanwhile, and the same whichever thread asks:
 * - GIL mode (a pymalloc state, or an {@link ObmallocState} of a `gil`
 *   runtime): pymalloc's blocks in use plus the blocks the pymalloc domain
 *   allocator sent to raw (`raw_allocated_blocks`, kept in the state). An
 *   interpreter that shares the main interpreter's state has no count of its
 *   own: asking is a fatal error, as in CPython.
 * - Free-threaded mode: the live mimalloc blocks of every thread of the
 *   interpreter and of its abandoned segments (every heap: our raw domain is
 *   a mimalloc heap of the interpreter, where CPython's is the C library's).
 * @public
 */
export function interpreterAllocatedBlocks(a: InterpreterAllocators | ObmallocState): number {
  let pm = a.pymalloc;
  if (a instanceof ObmallocState) {
    if (a.mode === 'gil') {
      if (!a.ownsState) fatalError(`interpreterAllocatedBlocks: interpreter ${a.id} doesn't have its own allocator (it uses the main interpreter's)`);
    } else pm = undefined;
  }
  if (pm !== undefined) return pymallocStats(pm).blocksInUse + pymallocRawAllocatedBlocks(pm);
  if (a.mi === undefined) throw new Error('interpreterAllocatedBlocks: neither a pymalloc state (GIL mode) nor a mimalloc thread (free-threaded mode) to count');
  return miStats(a.mi).liveBlocks;
}

/**
 * The sum over interpreters (`_Py_GetGlobalAllocatedBlocks`): each
 * interpreter that has its own count (in GIL mode, those that share the main
 * state are skipped, their blocks being the main interpreter's), plus, when
 * the list holds {@link ObmallocState} handles, the blocks leaked by
 * interpreters that have ended (`interpreter_leaks`) once.
 * @public
 */
export function globalAllocatedBlocks(interpreters: readonly (InterpreterAllocators | ObmallocState)[]): number {
  let sum = 0;
  let leaksFrom: ObmallocState | undefined;
  for (const a of interpreters) {
    if (a instanceof ObmallocState) {
      leaksFrom ??= a;
      if (a.mode === 'gil' && !a.ownsState) continue;
    }
    sum += interpreterAllocatedBlocks(a);
  }
  return sum + (leaksFrom !== undefined ? obmallocRuntimeLeaks(leaksFrom) : 0);
}
