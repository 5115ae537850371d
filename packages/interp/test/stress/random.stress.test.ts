/**
 * One Mersenne Twister shared by real workers (random.scenario.ts describes
 * the run, its checks and the control), with a draw budget scaled by
 * FT_STRESS_SCALE: the words drawn are exactly one generator's first N,
 * each 64-bit draw whole, the final state the single-threaded one; and the
 * control without the critical section, which must repeat or lose words.
 */

import { assertRunPassed, runScenario, type RunResult } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { randomControlScenario, randomScenario, WORDS_CHECK } from './random.scenario.js';

/** The run's own deadline comes first, so that a hang fails with the workers' progress dump. */
const RUN_TIMEOUT = 30_000;
const TIMEOUT = 45_000;

function report(result: RunResult, label: string): void {
  console.log(
    `${result.name} [${label}]${result.ok ? '' : ' (failed checks)'}: seed ${result.seed} (FT_STRESS_SEED=${result.seed} replays it), ` +
      `${result.workers} workers, ${(result.elapsedMs / 1000).toFixed(2)} s, ${result.metrics.map((m) => `${m.name} ${Math.round(m.value)}`).join(', ')}`,
  );
}

describe('random: one generator shared by workers (CPython 3.13 free-threaded contract)', () => {
  it('workers draw 32- and 64-bit values from one state: no word repeated or lost, every draw whole, the final state the single-threaded one', async () => {
    const result = await runScenario(randomScenario, { timeoutMs: RUN_TIMEOUT });
    report(result, `${result.workers} drawers`);
    assertRunPassed(result);
  }, TIMEOUT);

  it('control: draws without the critical section repeat or lose words (caught by the words check)', async () => {
    // Two workers that happen not to overlap lose nothing: up to four runs.
    const seen: string[][] = [];
    for (const seed of [4321, 4322, 4323, 4324]) {
      const result = await runScenario(randomControlScenario, { workers: 2, scale: 2, seed, timeoutMs: RUN_TIMEOUT });
      report(result, 'no-critical-section control');
      const failed = result.checks.filter((c) => !c.ok);
      console.log(`control: ${failed.map((c) => `${c.name}: ${c.detail ?? ''}`).join(' | ')}`);
      seen.push(failed.map((c) => c.name));
      if (seen.at(-1)!.includes(WORDS_CHECK)) break;
    }
    expect(seen.at(-1)).toContain(WORDS_CHECK);
  }, 4 * TIMEOUT);
});
