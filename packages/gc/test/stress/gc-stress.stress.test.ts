/**
 * The cycle collector with real workers (gc-stress.scenario.ts describes the
 * run, every check and the controls), with an operation budget scaled by
 * FT_STRESS_SCALE: two mutators; three, two of which leave mid-run; the
 * two controls the issue demands, and one of the stack hook.
 */

import { assertRunPassed, runScenario, type RunResult } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { gcStressScenario, gcThreadExitScenario } from './gc-stress.scenario.js';

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

/**
 * The run did what it claims: collections found garbage, finalizers resurrected, callbacks ran, references crossed
 * workers and queues, deferred objects sat on stacks, legacy objects and DEBUG_SAVEALL filled gc.garbage, freezes
 * came and went. Hand-back cycles are queued at the end only where two of their owners stay to the end.
 */
function expectCoverage(result: RunResult, except: readonly string[] = []): void {
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
    'deferred nodes',
    'stack pushes',
    'stack uses',
    'pinned stack witnesses checked',
    'legacy objects in gc.garbage',
    'freeze epochs',
    'DEBUG_SAVEALL epochs',
    'kept by DEBUG_SAVEALL',
  ]) {
    if (except.includes(name)) continue;
    expect(metric(result, name), name).toBeGreaterThan(0);
  }
}

/**
 * Both leavers left; their objects were used, freed and collected afterwards in abandoned segments, survivors
 * merged there; the adopter reclaimed a segment of the adoptee's, whose survivors then carried its tid.
 */
function expectExitCoverage(result: RunResult): void {
  expect(metric(result, 'left mid-run'), 'left mid-run').toBe(2);
  for (const name of [
    'objects of exited workers checked afterwards',
    'objects of exited workers freed after they left',
    'tp_clear in abandoned segments',
    'of them merged in abandoned segments',
    'segments of an exited worker reclaimed',
    'of them adopted by a reclaiming thread',
  ]) {
    expect(metric(result, name), name).toBeGreaterThan(0);
  }
}

/** The run's own deadline comes first, so that a hang fails with the workers' progress dump. */
const RUN_TIMEOUT = 45_000;
const TIMEOUT = 60_000;
const FINAL = 'the final collection, with every owner parked, left no object alive and no merge queue holding one';
const OWNER = "ob_tid restored: every held object said its creator's tid or 0 with MERGED after every collection";
const STACKS = "deferred reference counting: no reference held only on a thread's stack (uncounted) was freed; every stack empty at the end";

describe('the cycle collector with real workers', () => {
  it('a collector and 2 mutators: every object deallocated exactly once, never while reachable; finalizers once; weakrefs safe; no cycle leaked', async () => {
    const result = await runScenario(gcStressScenario, { timeoutMs: RUN_TIMEOUT });
    report(result, '2 mutators');
    assertRunPassed(result);
    expectCoverage(result);
  }, TIMEOUT);

  it('a collector and 3 mutators, two of which leave mid-run while the others hold their objects (abandoned and reclaimed segments)', async () => {
    const result = await runScenario(gcThreadExitScenario, { scale: 0.5, timeoutMs: RUN_TIMEOUT });
    report(result, '3 mutators, two leave');
    assertRunPassed(result);
    expectCoverage(result, ['hand-back cycles queued at the end']);
    expectExitCoverage(result);
  }, TIMEOUT);

  it('control: a collector that skips the merge-queue drain leaves the hand-back cycles in their queues, uncollected (caught)', async () => {
    const result = await runScenario(gcStressScenario, { scale: 0.1, variant: { control: 'skip-drain' }, timeoutMs: RUN_TIMEOUT });
    report(result, 'skip-drain control');
    const failed = failedChecks(result);
    expect(failed).toContain(FINAL);
    expect(metric(result, 'hand-back cycles queued at the end')).toBeGreaterThan(0);
  }, TIMEOUT);

  it('control: a collector that forgets to restore ob_tid leaves survivors with their gc_refs as owner (caught)', async () => {
    let result: Awaited<ReturnType<typeof runScenario>>;
    try {
      result = await runScenario(gcStressScenario, { scale: 0.1, variant: { control: 'keep-tid' }, timeoutMs: RUN_TIMEOUT });
    } catch (error) {
      // The survivors' gc_refs left in ob_tid may also wreck the heap before a check looks at them:
      // then mimalloc's own consistency check stops the run with a fatal error, which catches it too.
      expect(String(error)).toMatch(/ft fatal error: heap visit/);
      return;
    }
    report(result, 'keep-tid control');
    const failed = failedChecks(result);
    expect(failed).toContain(OWNER);
  }, TIMEOUT);

  it('control: a visitStacks hook that reports nothing lets the collector free deferred objects held only on stacks (caught)', async () => {
    const result = await runScenario(gcStressScenario, { scale: 0.1, variant: { control: 'skip-stacks' }, timeoutMs: RUN_TIMEOUT });
    report(result, 'skip-stacks control');
    const failed = failedChecks(result);
    expect(failed).toContain(STACKS);
    expect(metric(result, 'pinned stack witnesses checked')).toBeGreaterThan(0);
  }, TIMEOUT);
});
