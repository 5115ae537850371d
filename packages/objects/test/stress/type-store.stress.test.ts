/**
 * A class attribute store against the method cache with real workers
 * (type-store.scenario.ts describes the run, its checks and the control),
 * with a write budget scaled by FT_STRESS_SCALE: a setter stores A.x while
 * another thread holds A's dict lock and readers look x up on C(B(A)).
 * `typeDictStore` takes the type lock and the dict lock together, so the
 * store never waits for the dict with the type lock suspended; the control
 * (`typeDictStoreSeams.typeLockOnly`: the type lock alone, the dict's taken
 * inside it) lets a lookup in that gap cache the old value under a fresh
 * version, and must be caught serving it.
 */

import { assertRunPassed, runScenario } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { failedChecks, metric, report } from './run-report.js';
import { FINAL_CHECK, GARBAGE_CHECK, STALE_CHECK, typeStoreScenario } from './type-store.scenario.js';

/** The run's own deadline comes first, so that a hang fails with the workers' progress dump. */
const RUN_TIMEOUT = 30_000;
const TIMEOUT = 45_000;

describe('class attribute stores vs the method cache with the class dict locked elsewhere (CPython BEGIN_TYPE_DICT_LOCK)', () => {
  it('a store that waits for the dict lock keeps the type lock: no lookup is ever served a value older than the last completed store', async () => {
    const result = await runScenario(typeStoreScenario, { timeoutMs: RUN_TIMEOUT });
    report(result, 'setter, dict-locker, 2 readers');
    assertRunPassed(result);
    expect(metric(result, 'setter waits')).toBeGreaterThan(0);
  }, TIMEOUT);

  it('control: the store under the type lock alone (typeDictStoreSeams.typeLockOnly) is caught serving the old value under a fresh version', async () => {
    const result = await runScenario(typeStoreScenario, { variant: { control: 'type-lock-only' }, timeoutMs: RUN_TIMEOUT });
    report(result, 'type-lock-only control');
    const failed = failedChecks(result);
    expect(failed).toContain(STALE_CHECK);
    expect(metric(result, 'stale values')).toBeGreaterThan(0);
    console.log(`  also: ${failed.includes(FINAL_CHECK) ? 'a stale entry left after a triple’s last write' : 'no stale entry left at the end'}, ${failed.includes(GARBAGE_CHECK) ? 'garbage' : 'no garbage'}`);
  }, TIMEOUT);
});
