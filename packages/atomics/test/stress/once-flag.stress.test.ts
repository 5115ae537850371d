import { assertRunPassed, runScenario } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { onceFlagRace } from './once-flag.scenario.js';

describe('once flag with real workers', () => {
  it('runs each initialiser exactly once successfully after a failed first try', async () => {
    assertRunPassed(await runScenario(onceFlagRace));
  });

  it('control: check-then-act without claiming the flag runs initialisers twice (caught)', async () => {
    const result = await runScenario(onceFlagRace, { scale: 0.25, variant: { mode: 'check-then-act', initSpins: 5000 } });
    const failed = result.checks.filter((c) => !c.ok);
    console.log(`check-then-act control: ${failed.map((c) => `${c.name}: ${c.detail ?? ''}`).join(' | ')}`);
    expect(failed.map((c) => c.name)).toContain('never initialised twice');
  });
});
