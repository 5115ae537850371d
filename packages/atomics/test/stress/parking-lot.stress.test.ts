import { assertRunPassed, runScenario } from '@ft/harness';
import { describe, it } from 'vitest';
import { parkingLotTimeouts } from './parking-lot.scenario.js';

describe('parking lot with real workers', () => {
  it('matches every wake-up to one park, with timeouts under load', async () => {
    assertRunPassed(await runScenario(parkingLotTimeouts));
  });
});
