import { assertRunPassed, runScenario } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { qsbrTorture } from './torture.scenario.js';

describe('QSBR torture with real workers', () => {
  it('no reader ever sees a block freed under it', async () => {
    assertRunPassed(await runScenario(qsbrTorture));
  });

  it('freeing immediately instead is caught (the test bites)', async () => {
    const result = await runScenario(qsbrTorture, { variant: { mode: 'immediate' } });
    const unsafe = result.checks.filter((c) => c.name.startsWith('no reader saw'));
    expect(unsafe.some((c) => !c.ok)).toBe(true);
    console.log(`immediate free: ${unsafe.map((c) => c.detail).join('; ')}`);
  });
});
