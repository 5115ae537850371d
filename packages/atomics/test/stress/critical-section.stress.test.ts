import { assertRunPassed, runScenario } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { criticalSectionOrders } from './critical-section.scenario.js';

describe('critical sections with real workers', () => {
  it('never deadlock on opposite lock orders and keep counters exact', async () => {
    assertRunPassed(await runScenario(criticalSectionOrders, { timeoutMs: 60_000 }));
  });

  it('the deadlock-prone pattern alone completes with suspension', async () => {
    assertRunPassed(await runScenario(criticalSectionOrders, { variant: { oppositeOnly: true }, timeoutMs: 60_000 }));
  });

  it('without suspend-before-blocking the same workload deadlocks (the test bites)', async () => {
    const run = runScenario(criticalSectionOrders, { variant: { suspend: false, oppositeOnly: true }, scale: 100, timeoutMs: 3_000 });
    await expect(run).rejects.toThrow(/did not finish/);
  });

  it('also with more workers than cores', async () => {
    assertRunPassed(await runScenario(criticalSectionOrders, { workers: 4, scale: 0.25, timeoutMs: 60_000 }));
  });
});
