import { assertRunPassed, runScenario } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { uniqueIdScenario } from './unique-ids.scenario.js';

describe('unique-id pool with real workers', () => {
  it('never hands one id to two types, reuses the smallest free id, merges per-thread counts exactly', async () => {
    const result = await runScenario(uniqueIdScenario, { timeoutMs: 60_000 });
    assertRunPassed(result);
    expect(result.metrics.find((m) => m.name === 'largest id')!.value).toBeGreaterThan(8); // the pool grew past its first size
  }, 60_000);

  it('control: the same pool steps without the pool lock hand one id to two types (caught)', async () => {
    const result = await runScenario(uniqueIdScenario, { scale: 0.25, variant: { mode: 'unlocked-pool', holdSpins: 5_000 }, timeoutMs: 60_000 });
    const failed = result.checks.filter((c) => !c.ok);
    console.log(`unlocked-pool control (seed ${result.seed}): ${failed.map((c) => `${c.name}: ${c.detail ?? ''}`).join(' | ')}`);
    expect(failed.map((c) => c.name)).toContain('no id held by two types at once');
  }, 60_000);
});
