import { assertRunPassed, runScenario } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { pymutexCounter, pymutexFairness } from './pymutex.scenario.js';

describe('PyMutex with real workers', () => {
  it('keeps a plain counter exact under contention', async () => {
    const result = await runScenario(pymutexCounter, { workers: 4 });
    assertRunPassed(result);
  });

  it('keeps the counter exact under a recursive mutex taken twice', async () => {
    assertRunPassed(await runScenario(pymutexCounter, { workers: 3, scale: 0.5, variant: { mode: 'recursive' } }));
  });

  it('the same run without the mutex loses updates (the check bites)', async () => {
    // A wider window between the read and the write makes lost updates certain, not just likely.
    const result = await runScenario(pymutexCounter, { workers: 2, variant: { mode: 'unlocked', holdSpins: 200 } });
    expect(result.checks[0].ok).toBe(false);
  });

  it('bounds the longest wait under oversubscribed contention', async () => {
    const result = await runScenario(pymutexFairness);
    assertRunPassed(result);
    console.log(`${result.name}: ${result.metrics.map((m) => `${m.name} ${m.value.toFixed(3)} ${m.unit}`).join(', ')}`);
  });
});
