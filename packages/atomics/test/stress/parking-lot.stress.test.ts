import { assertRunPassed, runScenario, type RunResult } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { parkingLotTimeouts } from './parking-lot.scenario.js';

const LOST_WAKE_UP = 'no lost wake-up: each woken event waiter was woken by the first change after the value it checked';

function report(result: RunResult, label: string): string[] {
  const failed = result.checks.filter((c) => !c.ok);
  const lost = result.checks.find((c) => c.name === LOST_WAKE_UP);
  console.log(`${result.name} [${label}] seed ${result.seed}: ${lost?.detail ?? ''}${failed.length ? `; failed: ${failed.map((c) => c.name).join(' | ')}` : ''}`);
  return failed.map((c) => c.name);
}

describe('parking lot with real workers', () => {
  it('matches every wake-up to one park, with timeouts under load; no event waiter sleeps through a change', async () => {
    const result = await runScenario(parkingLotTimeouts);
    report(result, 'park');
    assertRunPassed(result);
  });

  it('control: checking the word before the bucket lock loses wake-ups (caught)', async () => {
    const result = await runScenario(parkingLotTimeouts, { scale: 0.25, variant: { mode: 'unvalidated-park', gapSpins: 30_000 } });
    expect(report(result, 'unvalidated-park control')).toContain(LOST_WAKE_UP);
  });

  it('control: changing the word without unparking loses wake-ups (caught)', async () => {
    const result = await runScenario(parkingLotTimeouts, { scale: 0.25, variant: { mode: 'forgetful-signal' } });
    expect(report(result, 'forgetful-signal control')).toContain(LOST_WAKE_UP);
  });
});
