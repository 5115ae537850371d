/**
 * `ft --stats`: after the program, what the runtime's layers did, as a
 * readable table on stderr — memory (mimalloc's segments and live blocks,
 * read from the shared heap), reference counting (the main thread's merge
 * traffic; each thread keeps its own counters), QSBR (sequences and delayed
 * frees of the whole interpreter) and the cycle collector (collections,
 * objects freed, stop-the-world pauses).
 */

import { gcGetPauseStats, gcGetStats } from '@ft/gc';
import { miStats } from '@ft/mimalloc';
import type { ObThread } from '@ft/objects';
import { qsbrStats } from '@ft/qsbr';

/** Thousands separated, as a table reads best. */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

/** The table, one layer per block of lines (`label  text`). */
export function formatRunStats(t: ObThread, wallMs: number): string {
  const rows: [string, string][] = [];
  const mi = t.rc.mi;
  if (mi !== null && mi !== undefined) {
    const m = miStats(mi);
    rows.push(['memory', `${count(m.liveBlocks)} live blocks (${mib(m.liveBytes)}) in ${count(m.segments)} segments (${count(m.hugeSegments)} huge)`]);
    rows.push(['', `pages: ${count(m.pages.small)} small, ${count(m.pages.medium)} medium, ${count(m.pages.large)} large; abandoned segments ${count(m.abandonedSegments)}, reclaimed ${count(m.reclaimedSegments)}`]);
  }
  rows.push(['refcount', `main thread: ${count(t.rc.queued)} objects handed to their owners' merge queues, ${count(t.rc.mergedForExited)} merged for exited owners`]);
  const q = qsbrStats(t.qsbr.heap, t.qsbr.shared);
  rows.push(['qsbr', `write sequence ${count(q.wrSeq)}, read sequence ${count(q.rdSeq)}; threads ${q.threads} (slots ${q.slotCapacity})`]);
  rows.push(['', `delayed frees: ${count(q.queuedItems)} queued, ${count(q.freedItems)} freed`]);
  const generations = gcGetStats(t.gc);
  const collections = generations.reduce((n, g) => n + g.collections, 0);
  const collected = generations.reduce((n, g) => n + g.collected, 0);
  const uncollectable = generations.reduce((n, g) => n + g.uncollectable, 0);
  rows.push(['gc', `${count(collections)} collections (${generations.map((g, i) => `gen${i} ${count(g.collections)}`).join(', ')}): ${count(collected)} objects freed, ${count(uncollectable)} uncollectable`]);
  const p = gcGetPauseStats(t.gc);
  rows.push(['', `${count(p.pauses)} stop-the-world pauses, ${p.totalMs.toFixed(2)} ms in all, the longest ${p.maxMs.toFixed(2)} ms`]);
  rows.push(['run', `${(wallMs / 1000).toFixed(3)} s wall time`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return `ft --stats\n${rows.map(([label, text]) => `  ${label.padEnd(width)}  ${text}`).join('\n')}\n`;
}
