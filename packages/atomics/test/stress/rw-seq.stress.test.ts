import { assertRunPassed, runScenario } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { rwMutexReaders, seqLockReaders } from './rw-seq.scenario.js';

describe('RW mutex and seqlock with real workers', () => {
  it('RW mutex readers never see a torn record', async () => {
    assertRunPassed(await runScenario(rwMutexReaders));
  });

  it('seqlock readers never accept a torn record', async () => {
    assertRunPassed(await runScenario(seqLockReaders));
  });

  it('readers that skip seqlock validation do see torn records (the check bites)', async () => {
    const result = await runScenario(seqLockReaders, { variant: { guarded: false }, scale: 4 });
    expect(result.checks.find((c) => c.name === 'no reader saw a torn record')?.ok).toBe(false);
  });
});
