/**
 * Weak references with real workers (weakref.scenario.ts describes the run,
 * its checks and the control), with a round budget scaled by
 * FT_STRESS_SCALE: weakrefs and proxies to one shared object created and
 * dropped by every worker while its last strong reference goes away on any
 * of them; and the control without the striped locks, which must fail.
 */

import { assertRunPassed, runScenario, type RunResult } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { failedChecks, metric, report } from './run-report.js';
import { CALLBACK_CHECK, CANONICAL_CHECK, FAULT_CHECK, GET_CHECK, weakrefScenario } from './weakref.scenario.js';

/** The run's own deadline comes first, so that a hang fails with the workers' progress dump. */
const RUN_TIMEOUT = 40_000;
const TIMEOUT = 60_000;
/**
 * The control: five times the rounds (a run that fails stops at its first
 * fault; a race that corrupts a list took from 1 to 265 rounds in twelve
 * runs of the plain budget) and a fixed seed.
 */
const CONTROL = { workers: 3, scale: 5, seed: 1234, variant: { control: 'no-stripes' }, timeoutMs: RUN_TIMEOUT };

describe('weakrefs with real workers (CPython 3.13 free-threaded striped locks)', () => {
  it('weakrefs and proxies to one object created and dropped everywhere while it dies on any thread: reads give it or nothing, each callback once, one basic ref, nothing left', async () => {
    const result = await runScenario(weakrefScenario, { timeoutMs: RUN_TIMEOUT });
    report(result, `${result.workers} workers`);
    assertRunPassed(result);
    expect(metric(result, 'held at death with a callback')).toBeGreaterThan(0);
    expect(metric(result, 'canonical checks')).toBeGreaterThan(0);
    expect(metric(result, 'dropped before death')).toBeGreaterThan(0);
  }, TIMEOUT);

  it('control: without the striped locks the lists are edited by several threads at once and the invariants break (caught)', async () => {
    let outcome: RunResult | Error;
    try {
      outcome = await runScenario(weakrefScenario, CONTROL);
    } catch (error) {
      outcome = error as Error;
    }
    if (outcome instanceof Error) {
      // A corrupted list can also hang a worker (a cycle walked forever): the run's deadline fails it. Nothing else may.
      console.log(`objects/weakref-churn-and-death control: the run failed: ${outcome.message.split('\n')[0]}`);
      expect(outcome.message).toMatch(/did not finish within|not reached in/);
      return;
    }
    report(outcome, 'no-stripes control');
    const failed = failedChecks(outcome);
    expect(failed.some((name) => [GET_CHECK, CALLBACK_CHECK, CANONICAL_CHECK, FAULT_CHECK].includes(name)), failed.join(' | ')).toBe(true);
  }, TIMEOUT);
});
