import { assertRunPassed, runScenario, type RunResult } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { worldStopTheWorld } from './world.scenario.js';

function checkNamed(result: RunResult, prefix: string): { ok: boolean; detail: string } {
  const found = result.checks.find((c) => c.name.startsWith(prefix));
  if (found === undefined) throw new Error(`${result.name}: no check '${prefix}…'`);
  return { ok: found.ok, detail: found.detail ?? '' };
}

function summary(result: RunResult): string {
  return `${result.name} (seed ${result.seed}, ${result.workers} workers): ${result.metrics.map((m) => `${m.name} ${m.value.toFixed(m.unit === '' ? 0 : 3)} ${m.unit}`.trim()).join(', ')}`;
}

/** A control run: few stops, a short stop timeout, mutator 1 misbehaving for two stops. */
function control(mode: string, extra: Record<string, unknown> = {}): Promise<RunResult> {
  return runScenario(worldStopTheWorld, { workers: 3, scale: 0.1, timeoutMs: 60_000, variant: { mode, rogueEpisodes: 2, ...extra } });
}

describe('the world with real workers', () => {
  it('stops and restarts the world exactly, with 2 mutators', async () => {
    const result = await runScenario(worldStopTheWorld, { workers: 3 });
    console.log(summary(result));
    assertRunPassed(result);
  });

  it('also with 4 mutators on 2 cores', async () => {
    const result = await runScenario(worldStopTheWorld, { workers: 5, scale: 0.5 });
    console.log(summary(result));
    assertRunPassed(result);
  });

  // The controls: mutator 1 answers please-stop wrongly; the run must fail.

  it('a participant that never reaches a safe point makes the stop time out, and the error names it (control)', async () => {
    const result = await control('ignore-stop', { stopTimeoutMs: 150 });
    const completed = checkNamed(result, 'every stop completed');
    expect(completed.ok).toBe(false);
    expect(completed.detail).toMatch(/timed out after 150 ms; still running, never at a safe point: participant \d+ at 0x/);
    expect(checkNamed(result, 'every timed-out stop named').ok).toBe(true);
  });

  it('a suspend that skips the countdown makes the stop wait forever (control)', async () => {
    const result = await control('skip-countdown', { stopTimeoutMs: 150 });
    const completed = checkNamed(result, 'every stop completed');
    expect(completed.ok).toBe(false);
    expect(completed.detail).toMatch(/timed out after 150 ms/);
  });

  it('a participant that stores DETACHED and keeps running is caught moving while the world is stopped (control)', async () => {
    const result = await control('run-detached', { rogueEpisodes: 1000 });
    const moved = checkNamed(result, 'no progress counter of a stopped group moved');
    expect(moved.ok).toBe(false);
    expect(moved.detail).toMatch(/mutator 1 in group 0/);
  });
});
