/**
 * Exceptions with real workers (exceptions.scenario.ts describes the run
 * and its checks), with an operation budget scaled by FT_STRESS_SCALE: one
 * exception's fields replaced and read at once under its critical section,
 * and `__context__` chaining against it as every thread's handled
 * exception while its chain changes.
 */

import { assertRunPassed, runScenario } from '@ft/harness';
import { describe, it } from 'vitest';
import { report } from './run-report.js';
import { exceptionScenario } from './exceptions.scenario.js';

/** The run's own deadline comes first, so that a hang fails with the workers' progress dump. */
const RUN_TIMEOUT = 30_000;
const TIMEOUT = 45_000;

describe('exceptions with real workers (CPython 3.14 free-threaded contract)', () => {
  it('fields of one shared exception replaced and read at once: never a freed object; chains to it as the handled exception right; notes exact; everything collected', async () => {
    const result = await runScenario(exceptionScenario, { timeoutMs: RUN_TIMEOUT });
    report(result, '3 workers');
    assertRunPassed(result);
  }, TIMEOUT);
});
