import { assertRunPassed, runScenario, type RunResult } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { interpreterStates } from './interpreter-states.scenario.js';

function report(result: RunResult): void {
  console.log(
    `${result.name}${result.ok ? '' : ' (failed checks)'}: seed ${result.seed} (FT_STRESS_SEED=${result.seed} replays it), ${result.workers} workers, ` +
      `${(result.elapsedMs / 1000).toFixed(2)} s, ${result.metrics.map((m) => `${m.name} ${Math.round(m.value)}${m.unit}`).join(', ')}`,
  );
}

describe('per-interpreter allocator states created and ended while other interpreters allocate, with real workers', () => {
  it('keeps the runtime list, the counts, the foreign-owner lookups and the leak totals exact (2 creators, 2 allocators)', async () => {
    const result = await runScenario(interpreterStates, { timeoutMs: 90_000 });
    report(result);
    assertRunPassed(result);
    const metric = (name: string): number => result.metrics.find((m) => m.name === name)!.value;
    // The run exercised what it claims to.
    expect(metric('interpreters created')).toBeGreaterThan(result.workers);
    expect(metric('owners found')).toBeGreaterThan(0);
    expect(metric('leaks kept')).toBeGreaterThan(0);
  });

  it('passes with 3 workers too (one allocator)', async () => {
    const result = await runScenario(interpreterStates, { workers: 3, scale: 0.5, timeoutMs: 90_000 });
    report(result);
    assertRunPassed(result);
  });

  it("the control: an allocator freeing a creator's published block dies of the cross-interpreter fatal error", async () => {
    await expect(runScenario(interpreterStates, { variant: { mode: 'wrong-owner' }, scale: 0.3, timeoutMs: 90_000 })).rejects.toThrow(
      /belongs to the pymalloc state of interpreter \d+, but interpreter 10\d\d \(the current interpreter\) is freeing it/,
    );
  });
});
