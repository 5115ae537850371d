/**
 * The eval loop's warm-up (src/vm/warm-up.ts): before any user code, every
 * instruction `runFrames` holds inline has run once in the isolate, so that
 * V8 compiles the loop with type feedback for all of them (an instruction
 * without feedback is a deopt when it first runs: vm-speed-facts.md rule
 * 6). Checked with V8's own block coverage of the built loop
 * (NODE_V8_COVERAGE) after `ft -c pass`; and the warm-up leaves nothing a
 * program can see: no output, no module, none of its objects left for
 * `gc.collect()` to find.
 */

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runNode } from './spawn.js';

const FT = fileURLToPath(new URL('../bin/ft.mjs', import.meta.url));
const LOOP = fileURLToPath(new URL('../dist/vm/ceval.js', import.meta.url));

/** A block of V8's coverage of one function: byte offsets in the script and how often it ran. */
interface CoverageRange {
  readonly startOffset: number;
  readonly endOffset: number;
  readonly count: number;
}

/** The source text of every block of `runFrames` that never ran in `ft -c pass`. */
async function unrunBlocks(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ft-cov-'));
  const r = await runNode([FT, '-c', 'pass'], { env: { ...process.env, NODE_V8_COVERAGE: dir }, timeoutMs: 60_000 });
  expect(r.status).toBe(0);
  const source = readFileSync(LOOP, 'utf8');
  const blocks: string[] = [];
  for (const file of readdirSync(dir)) {
    const report = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { result: { url: string; functions: { functionName: string; ranges: CoverageRange[] }[] }[] };
    for (const script of report.result) {
      if (script.url !== `file://${LOOP}`) continue;
      for (const fn of script.functions) {
        if (fn.functionName !== 'runFrames') continue;
        for (const range of fn.ranges) if (range.count === 0) blocks.push(source.slice(range.startOffset, range.endOffset).trim());
      }
    }
  }
  return blocks;
}

describe('the eval loop warm-up', () => {
  it('runs every instruction the loop holds inline (no case of runFrames is left without type feedback)', async () => {
    const blocks = await unrunBlocks();
    // The function itself ran: its unrun blocks are error and rare paths, never a whole instruction.
    expect(blocks.length).toBeGreaterThan(0);
    const cases = blocks.filter((b) => /^case \d+ \/\*/.test(b)).map((b) => b.split('\n')[0]);
    expect(cases).toEqual([]);
  }, 90_000);

  it('leaves nothing behind: no output, no module, no global, nothing of its own among the garbage', async () => {
    const program = [
      'import gc, sys',
      'gc.set_debug(gc.DEBUG_SAVEALL)',
      'gc.collect()',
      "mine = [o for o in gc.garbage if getattr(o, 'co_filename', None) == '<warm-up>' or getattr(getattr(o, '__code__', None), 'co_filename', None) == '<warm-up>']",
      "print(len(mine), sorted(m for m in sys.modules if 'warm' in m), [k for k in globals() if k.startswith('_') and not k.startswith('__')])",
    ].join('\n');
    const r = await runNode([FT, '-c', program], { timeoutMs: 60_000 });
    expect({ stdout: r.stdout, stderr: r.stderr, status: r.status }).toEqual({ stdout: '0 [] []\n', stderr: '', status: 0 });
  }, 90_000);
});
