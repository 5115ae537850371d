/**
 * memoryview with real workers (memoryview.scenario.ts describes the run
 * and its checks), with an operation budget scaled by FT_STRESS_SCALE:
 * users read and write one bytearray through a shared view and views made
 * from it while a resizer tries to resize it and releases the shared view
 * a quarter of the way — counters exact, regions intact, no resize while exported.
 */

import { assertRunPassed, runScenario } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { metric, report } from './run-report.js';
import { memoryViewScenario } from './memoryview.scenario.js';

/** The run's own deadline comes first, so that a hang fails with the workers' progress dump. */
const RUN_TIMEOUT = 30_000;
const TIMEOUT = 45_000;

describe('memoryview with real workers (items under the view, exports held until release)', () => {
  it('users write counters and regions through views while the shared view is released under them (a quarter of the way) and a resizer waits for the exports to go', async () => {
    const result = await runScenario(memoryViewScenario, { timeoutMs: RUN_TIMEOUT });
    report(result, `${result.workers - 1} users, 1 resizer`);
    assertRunPassed(result);
    expect(metric(result, 'increments')).toBeGreaterThan(0);
    expect(metric(result, 'resizes')).toBeGreaterThan(0);
  }, TIMEOUT);
});
