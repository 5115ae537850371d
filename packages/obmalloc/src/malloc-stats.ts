/**
 * Allocator statistics: `FT_MALLOCSTATS` (CPython's `PYTHONMALLOCSTATS`)
 * prints pymalloc's statistics whenever a new arena is created and at
 * shutdown, in the spirit of `sys._debugmallocstats()`; and the counts of
 * allocated blocks per interpreter and over all interpreters
 * (`_PyInterpreterState_GetAllocatedBlocks`, `_Py_GetGlobalAllocatedBlocks`)
 * that leak checks compare, which count mimalloc blocks in abandoned
 * segments too.
 */

import { miStats, type MiThread } from '@ft/mimalloc';
import { pymallocStats, type Pymalloc, type PymallocStats } from './pymalloc.js';

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
 * What one interpreter's allocated blocks are counted from.
 * @public
 */
export interface InterpreterAllocators {
  /** Any thread's handle on the interpreter's mimalloc state. */
  mi: MiThread;
  /** The interpreter's pymalloc state, if it has one (GIL mode). */
  pymalloc?: Pymalloc;
}

/**
 * Blocks allocated and not freed in one interpreter
 * (`_PyInterpreterState_GetAllocatedBlocks`): live mimalloc blocks of every
 * thread and of abandoned segments — the raw heap's included, so the blocks
 * pymalloc sends to raw (CPython's `raw_allocated_blocks`) are counted there —
 * plus pymalloc's blocks in use. Exact when no thread allocates meanwhile.
 * @public
 */
export function interpreterAllocatedBlocks(a: InterpreterAllocators): number {
  return miStats(a.mi).liveBlocks + (a.pymalloc !== undefined ? pymallocStats(a.pymalloc).blocksInUse : 0);
}

/**
 * The sum over interpreters (`_Py_GetGlobalAllocatedBlocks`).
 * @public
 */
export function globalAllocatedBlocks(interpreters: readonly InterpreterAllocators[]): number {
  return interpreters.reduce((sum, a) => sum + interpreterAllocatedBlocks(a), 0);
}
