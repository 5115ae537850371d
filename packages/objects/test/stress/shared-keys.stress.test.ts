/**
 * Split (shared-keys) instance dicts with real workers
 * (shared-keys.scenario.ts describes the run, its checks and the control),
 * with a round budget scaled by FT_STRESS_SCALE: racing creation of a
 * class's shared keys table and racing appends to it from different dicts,
 * `__dict__` replaced under readers, everything collected at the end; and
 * the control that appends without the table's `dk_mutex`, which must be
 * caught by the table check.
 */

import { assertRunPassed, runScenario } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { failedChecks, metric, report } from './run-report.js';
import { CONTROL_NAMES, sharedKeysScenario, TABLE_CHECK } from './shared-keys.scenario.js';

/** The run's own deadline comes first, so that a hang fails with the workers' progress dump. */
const RUN_TIMEOUT = 30_000;
const TIMEOUT = 45_000;

describe('split instance dicts with real workers (CPython free-threaded contract)', () => {
  it('racing shared-keys creation and appends: one table with each name once; every value exact, lock-free too; __dict__ replaced under readers gives old or new, never garbage; everything collected', async () => {
    const result = await runScenario(sharedKeysScenario, { timeoutMs: RUN_TIMEOUT });
    report(result, '3 workers');
    assertRunPassed(result);
  }, TIMEOUT);

  it('control: appends to a shared table without its dk_mutex (dictSeams.lockKeys = false) lose or duplicate names, and the table check catches it', async () => {
    const result = await runScenario(sharedKeysScenario, { variant: { control: 'no-keys-lock', names: CONTROL_NAMES, replaceEvery: 0, orders: 'same' }, timeoutMs: RUN_TIMEOUT });
    report(result, 'no-keys-lock control');
    expect(failedChecks(result)).toContain(TABLE_CHECK);
    expect(metric(result, 'broken tables')).toBeGreaterThan(0);
  }, TIMEOUT);
});
