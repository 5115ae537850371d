import { assertRunPassed, runScenario, type RunResult } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { createMimallocStress, mimallocStress } from './mimalloc-stress.scenario.js';

const checkedStress = createMimallocStress({ checked: true, name: 'mimalloc/stress (checked)' });

function metric(result: RunResult, name: string): number {
  const m = result.metrics.find((x) => x.name === name);
  if (m === undefined) throw new Error(`no metric '${name}'`);
  return m.value;
}

function report(result: RunResult): void {
  console.log(
    `${result.name}: seed ${result.seed} (FT_STRESS_SEED=${result.seed} replays it), ${result.workers} workers, ${(result.elapsedMs / 1000).toFixed(2)} s, ` +
      result.metrics.map((m) => `${m.name} ${Math.round(m.value)}${m.unit}`).join(', '),
  );
}

describe('mimalloc stress (test-stress.c style) with real workers', () => {
  it('keeps every block intact, frees each exactly once and leaves no segment behind (checked mode)', async () => {
    const result = await runScenario(checkedStress, { timeoutMs: 120_000 });
    report(result);
    assertRunPassed(result);
    // The run exercised what it claims to.
    expect(metric(result, 'cross-thread frees')).toBeGreaterThan(0);
    expect(metric(result, 'reallocs')).toBeGreaterThan(0);
  });

  it('unchecked, at full speed for 3 s as in the stress report: the heap never runs out', async () => {
    const result = await runScenario(mimallocStress, { durationMs: 3000, timeoutMs: 63_000 });
    report(result);
    assertRunPassed(result);
  });

  it('passes with 2 and 4 workers too', async () => {
    for (const workers of [2, 4]) {
      const result = await runScenario(checkedStress, { workers, scale: 0.4, timeoutMs: 120_000 });
      report(result);
      assertRunPassed(result);
    }
  });

  it('a worker that keeps one block is caught by the leak checks (the checks bite)', async () => {
    const result = await runScenario(checkedStress, { scale: 0.1, variant: { sabotage: 'leak' }, timeoutMs: 120_000 });
    report(result);
    const failed = result.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(metric(result, 'leaked')).toBe(result.workers);
    expect(failed).toContain('every block allocated was freed exactly once: allocations = frees');
    expect(failed).toContain('miStats: no live block after the join');
    expect(failed).toContain('after a forced collect no segment is left');
    expect(failed).toContain('the region allocator holds exactly the fixed structures again');
    console.log(`leak: ${result.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join(' | ')}`);
  });

  it('damaged blocks are counted exactly by the pattern check (the check bites)', async () => {
    const result = await runScenario(checkedStress, { scale: 0.2, variant: { sabotage: 'scribble' }, timeoutMs: 120_000 });
    report(result);
    const scribbled = metric(result, 'scribbled');
    expect(scribbled).toBeGreaterThan(0);
    expect(metric(result, 'corruptions')).toBe(scribbled);
    expect(result.checks.find((c) => c.name.startsWith('no block pattern broken'))!.ok).toBe(false);
    // Everything else still holds: the damage was to the contents only.
    expect(result.checks.filter((c) => !c.ok)).toHaveLength(1);
  });
});
