/**
 * bytearray with real workers (bytearray.scenario.ts describes the run,
 * its checks and the control), with an operation budget scaled by
 * FT_STRESS_SCALE: mutators on one bytearray while a reader snapshots it
 * and holds exports — per-marker conservation exact, every read a marker;
 * and the control without the critical section, which must lose appends.
 */

import { assertRunPassed, runScenario } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { failedChecks, metric, report } from './run-report.js';
import { bytearrayControlScenario, bytearrayScenario, CONSERVATION_CHECK } from './bytearray.scenario.js';

/** The run's own deadline comes first, so that a hang fails with the workers' progress dump. */
const RUN_TIMEOUT = 30_000;
const TIMEOUT = 45_000;

describe('bytearray with real workers (CPython 3.14 free-threaded contract)', () => {
  it('mutators append, extend, pop, insert, remove and += while a reader snapshots, exports and iterates: every marker accounted for, every read a marker, no export left', async () => {
    const result = await runScenario(bytearrayScenario, { timeoutMs: RUN_TIMEOUT });
    report(result, `${result.workers - 1} mutators, 1 reader`);
    assertRunPassed(result);
    expect(metric(result, 'bytes added')).toBeGreaterThan(0);
    expect(metric(result, 'exports')).toBeGreaterThan(0);
  }, TIMEOUT);

  it('control: appends without the critical section lose bytes (caught by the conservation check)', async () => {
    // Two workers that happen not to overlap lose nothing (a CI run saw it at a quarter of this budget):
    // up to four runs (the pre-sized bytearray holds all 160,000 appends of one without reallocating).
    const seen: string[][] = [];
    for (const seed of [1234, 1235, 1236, 1237]) {
      const result = await runScenario(bytearrayControlScenario, { workers: 2, scale: 4, seed, timeoutMs: RUN_TIMEOUT });
      report(result, 'no-critical-section control');
      seen.push(failedChecks(result));
      if (seen.at(-1)!.includes(CONSERVATION_CHECK)) break;
    }
    expect(seen.at(-1)).toContain(CONSERVATION_CHECK);
  }, 4 * TIMEOUT);
});
