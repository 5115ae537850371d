import { assertRunPassed, runScenario, type RunResult } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { pymallocGil } from './pymalloc-gil.scenario.js';

function report(result: RunResult): void {
  console.log(
    `${result.name}${result.checks.length > 0 && result.ok ? '' : ' (failed checks)'}: seed ${result.seed} (FT_STRESS_SEED=${result.seed} replays it), ${result.workers} workers, ` +
      `${(result.elapsedMs / 1000).toFixed(2)} s, ${result.metrics.map((m) => `${m.name} ${Math.round(m.value)}${m.unit}`).join(', ')}`,
  );
}

describe('pymalloc in GIL mode under its lock, with real workers', () => {
  it('keeps every block intact, frees each exactly once and ends with at most one empty arena (3 workers)', async () => {
    const result = await runScenario(pymallocGil, { timeoutMs: 60_000 });
    report(result);
    assertRunPassed(result);
    // The run exercised what it claims to.
    const metric = (name: string): number => result.metrics.find((m) => m.name === name)!.value;
    expect(metric('cross-worker frees')).toBeGreaterThan(0);
    expect(metric('GIL holds')).toBeGreaterThan(result.workers);
  });

  it('passes with 2 and 4 workers too', async () => {
    for (const workers of [2, 4]) {
      const result = await runScenario(pymallocGil, { workers, scale: 0.4, timeoutMs: 60_000 });
      report(result);
      assertRunPassed(result);
    }
  });

  it('the same workers without the GIL corrupt pymalloc (the checks bite)', async () => {
    let result: RunResult | undefined;
    let thrown: unknown;
    try {
      result = await runScenario(pymallocGil, { variant: { mode: 'nolock' }, timeoutMs: 60_000 });
    } catch (error) {
      // A worker may die of the damage (a fatal error from pymalloc or the
      // region allocator): that is the control failing too.
      thrown = error;
    }
    if (result !== undefined) {
      report(result);
      const failed = result.checks.filter((c) => !c.ok);
      console.log(`nolock control: ${failed.map((c) => `${c.name}: ${c.detail}`).join(' | ')}`);
      expect(failed.length).toBeGreaterThan(0);
    } else {
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      console.log(`nolock control: the run threw: ${message.split('\n').slice(0, 3).join(' / ')}`);
      // The worker code itself is sound (the GIL runs above pass); the throw must come from the run, not from loading it.
      expect(message).toMatch(/obmalloc\/pymalloc-gil/);
    }
  });
});
