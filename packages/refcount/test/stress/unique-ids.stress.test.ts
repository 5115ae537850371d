import { assertRunPassed, runScenario } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { uniqueIdScenario } from './unique-ids.scenario.js';

describe('unique-id pool with real workers', () => {
  it('never hands one id to two types, reuses the smallest free id, merges per-thread counts exactly', async () => {
    const result = await runScenario(uniqueIdScenario, { timeoutMs: 60_000 });
    assertRunPassed(result);
    expect(result.metrics.find((m) => m.name === 'largest id')!.value).toBeGreaterThan(8); // the pool grew past its first size
  }, 60_000);
});
