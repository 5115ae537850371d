/**
 * The cycle collector with real workers (gc-stress.scenario.ts describes the
 * run, every check and the controls), with an operation budget scaled by
 * FT_STRESS_SCALE, plus the two controls the issue demands.
 */

import { assertRunPassed, runScenario, type RunResult } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { gcStressScenario } from './gc-stress.scenario.js';

function metric(result: RunResult, name: string): number {
  const m = result.metrics.find((x) => x.name === name);
  if (m === undefined) throw new Error(`no metric '${name}'`);
  return m.value;
}

function report(result: RunResult, label: string): void {
  console.log(
    `${result.name} [${label}]${result.ok ? '' : ' (failed checks)'}: seed ${result.seed} (FT_STRESS_SEED=${result.seed} replays it), ` +
      `${result.workers} workers, ${(result.elapsedMs / 1000).toFixed(2)} s, ${result.metrics.map((m) => `${m.name} ${m.unit === 'ms' ? m.value.toFixed(2) : Math.round(m.value)}${m.unit}`).join(', ')}`,
  );
}

function failedChecks(result: RunResult): string[] {
  const failed = result.checks.filter((c) => !c.ok);
  console.log(`${result.name} control: ${failed.map((c) => `${c.name}: ${c.detail ?? ''}`).join(' | ')}`);
  return failed.map((c) => c.name);
}

/** The run did what it claims: collections found garbage, finalizers resurrected, callbacks ran, references crossed workers and queues. */
function expectCoverage(result: RunResult): void {
  for (const name of [
    'collections',
    'collections by mutators',
    'objects collected',
    'finalizers',
    'resurrections',
    'resurrected taken back',
    'weakrefs made by finalizers',
    'weakref callbacks (collector)',
    'weakref callbacks (dealloc)',
    'derefs of cleared weakrefs',
    'handed over',
    'freed by another worker',
    'queued',
    'merged',
    'hand-back cycles queued at the end',
    'tp_clear calls',
  ]) {
    expect(metric(result, name), name).toBeGreaterThan(0);
  }
}

/** The run's own deadline comes first, so that a hang fails with the workers' progress dump. */
const RUN_TIMEOUT = 45_000;
const TIMEOUT = 60_000;
const FINAL = 'the final collection, with every owner parked, left no object alive and no merge queue holding one';
const OWNER = "ob_tid restored: every held object said its creator's tid or 0 with MERGED after every collection";

describe('the cycle collector with real workers', () => {
  it('a collector and 2 mutators: every object deallocated exactly once, never while reachable; finalizers once; weakrefs safe; no cycle leaked', async () => {
    const result = await runScenario(gcStressScenario, { timeoutMs: RUN_TIMEOUT });
    report(result, '2 mutators');
    assertRunPassed(result);
    expectCoverage(result);
  }, TIMEOUT);

  it('a collector and 3 mutators', async () => {
    const result = await runScenario(gcStressScenario, { workers: 4, scale: 0.5, timeoutMs: RUN_TIMEOUT });
    report(result, '3 mutators');
    assertRunPassed(result);
    expectCoverage(result);
  }, TIMEOUT);

  it('control: a collector that skips the merge-queue drain leaves the hand-back cycles in their queues, uncollected (caught)', async () => {
    const result = await runScenario(gcStressScenario, { scale: 0.1, variant: { control: 'skip-drain' }, timeoutMs: RUN_TIMEOUT });
    report(result, 'skip-drain control');
    const failed = failedChecks(result);
    expect(failed).toContain(FINAL);
    expect(metric(result, 'hand-back cycles queued at the end')).toBeGreaterThan(0);
  }, TIMEOUT);

  it('control: a collector that forgets to restore ob_tid leaves survivors with their gc_refs as owner (caught)', async () => {
    const result = await runScenario(gcStressScenario, { scale: 0.1, variant: { control: 'keep-tid' }, timeoutMs: RUN_TIMEOUT });
    report(result, 'keep-tid control');
    const failed = failedChecks(result);
    expect(failed).toContain(OWNER);
  }, TIMEOUT);
});
