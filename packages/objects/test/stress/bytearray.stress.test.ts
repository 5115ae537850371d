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
    const result = await runScenario(bytearrayControlScenario, { workers: 2, scale: 0.25, seed: 1234, timeoutMs: RUN_TIMEOUT });
    report(result, 'no-critical-section control');
    expect(failedChecks(result)).toContain(CONSERVATION_CHECK);
  }, TIMEOUT);
});
