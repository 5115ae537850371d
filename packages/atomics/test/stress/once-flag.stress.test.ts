import { assertRunPassed, runScenario } from '@ft/harness';
import { describe, it } from 'vitest';
import { onceFlagRace } from './once-flag.scenario.js';

describe('once flag with real workers', () => {
  it('runs each initialiser exactly once successfully after a failed first try', async () => {
    assertRunPassed(await runScenario(onceFlagRace));
  });
});
