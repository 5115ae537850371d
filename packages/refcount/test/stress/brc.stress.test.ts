/**
 * Biased reference counting from real workers (brc.scenario.ts describes the
 * run and every check), with an operation budget, plus the controls that
 * must fail.
 */

import { assertRunPassed, runScenario, type RunResult } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { brcScenario, brcWorldScenario, churnScenario } from './brc.scenario.js';

function metric(result: RunResult, name: string): number {
  const m = result.metrics.find((x) => x.name === name);
  if (m === undefined) throw new Error(`no metric '${name}'`);
  return m.value;
}

function report(result: RunResult, label: string): void {
  console.log(
    `${result.name} [${label}]${result.ok ? '' : ' (failed checks)'}: seed ${result.seed} (FT_STRESS_SEED=${result.seed} replays it), ` +
      `${result.workers} workers, ${(result.elapsedMs / 1000).toFixed(2)} s, ${result.metrics.map((m) => `${m.name} ${Math.round(m.value)}${m.unit}`).join(', ')}`,
  );
}

function failedChecks(result: RunResult): string[] {
  const failed = result.checks.filter((c) => !c.ok);
  console.log(`${result.name} control: ${failed.map((c) => `${c.name}: ${c.detail ?? ''}`).join(' | ')}`);
  return failed.map((c) => c.name);
}

/**
 * The run did what it claims: references released last by a worker other than
 * the owner (queued, then freed in the owner's merge), and — where `freedElsewhere`
 * — objects, heap-type instances among them, deallocated on a worker other than
 * their creator (merged objects, exited owners), so the per-thread type counts
 * go up on one worker and down on another.
 */
function expectCoverage(result: RunResult, freedElsewhere: boolean): void {
  expect(metric(result, 'queued')).toBeGreaterThan(0);
  expect(metric(result, 'merged')).toBeGreaterThan(0);
  expect(metric(result, "released last elsewhere, freed in the owner's merge")).toBeGreaterThan(0);
  if (freedElsewhere) {
    expect(metric(result, 'freed by another worker')).toBeGreaterThan(0);
    expect(metric(result, 'heap-type instances freed by another worker')).toBeGreaterThan(0);
  }
}

const TIMEOUT = 60_000;

describe('biased reference counting with real workers', () => {
  it('3 workers, one owner exiting early: every object deallocated exactly once, never while referenced; type refcount and reference total restored', async () => {
    const result = await runScenario(brcScenario, { timeoutMs: TIMEOUT });
    report(result, '3 workers');
    assertRunPassed(result);
    expectCoverage(result, true);
    // The early owner left while peers still held its objects, and their last decrefs merged them.
    expect(metric(result, 'early owner objects alive at its exit')).toBeGreaterThan(0);
    expect(metric(result, 'mergedForExited')).toBeGreaterThan(0);
  }, TIMEOUT);

  it('4 workers', async () => {
    const result = await runScenario(brcScenario, { workers: 4, scale: 0.5, timeoutMs: TIMEOUT });
    report(result, '4 workers');
    assertRunPassed(result);
    expectCoverage(result, true);
    expect(metric(result, 'mergedForExited')).toBeGreaterThan(0);
  }, TIMEOUT);

  it('2 peers', async () => {
    const result = await runScenario(brcScenario, { workers: 2, scale: 0.5, timeoutMs: TIMEOUT });
    report(result, '2 workers');
    assertRunPassed(result);
    // Two peers and no exiting owner: a dealloc off the creator needs a merged object, which is rare here.
    expectCoverage(result, false);
  }, TIMEOUT);

  it('3 workers, owners also merging their objects explicitly (as the GC does) while others queue them', async () => {
    const result = await runScenario(brcScenario, { scale: 0.5, variant: { ownerMergeOneIn: 8 }, timeoutMs: TIMEOUT });
    report(result, 'owner explicit merges');
    assertRunPassed(result);
    expectCoverage(result, true);
    expect(metric(result, 'owner explicit merges')).toBeGreaterThan(0);
  }, TIMEOUT);

  it('3 workers in the world: merge requests arrive in the owners\' eval breakers and are merged at their safe points', async () => {
    const result = await runScenario(brcWorldScenario, { scale: 0.5, timeoutMs: TIMEOUT });
    report(result, 'world');
    assertRunPassed(result);
    expectCoverage(result, true);
    // Every merge went through the eval-breaker handler (the only caller of processMergeQueue here).
    expect(metric(result, 'merge requests')).toBeGreaterThan(0);
    expect(metric(result, 'merged')).toBeGreaterThan(0);
  }, TIMEOUT);

  it('object churn with QSBR-delayed page reuse (the stress report scenario), 2 workers', async () => {
    const result = await runScenario(churnScenario, { scale: 0.5, timeoutMs: TIMEOUT });
    report(result, 'churn');
    assertRunPassed(result);
    expectCoverage(result, false);
    // Generations released at once empty whole pages: they wait for QSBR before reuse.
    expect(metric(result, 'QSBR-pending pages with the peers drained') + metric(result, 'QSBR-pending pages after the exits')).toBeGreaterThan(0);
  }, TIMEOUT);

  it("control: non-owners decrementing the owner's ob_ref_local with plain ops lose counts (caught)", async () => {
    const result = await runScenario(brcScenario, { scale: 0.1, variant: { sabotage: 'nonowner-local', holdSpins: 50 }, timeoutMs: TIMEOUT });
    report(result, 'nonowner-local control');
    expect(metric(result, 'sabotaged')).toBeGreaterThan(0);
    const failed = failedChecks(result);
    expect(result.ok).toBe(false);
    expect(failed).toContain('serial table: every object allocated was deallocated exactly once, no other serial touched');
    expect(failed).toContain('allocations = deallocations, in total and for heap-type instances');
  }, TIMEOUT);

  it('control: a non-owner that deallocates at shared zero instead of queueing frees objects still referenced (caught)', async () => {
    const result = await runScenario(brcScenario, { scale: 0.1, variant: { sabotage: 'no-queue' }, timeoutMs: TIMEOUT });
    report(result, 'no-queue control');
    expect(metric(result, 'sabotaged')).toBeGreaterThan(0);
    const failed = failedChecks(result);
    expect(failed).toContain('no held reference found its object dead, poisoned or reused');
  }, TIMEOUT);

  it('control: a worker whose behaviour registry differs is refused by rcThreadInit', async () => {
    let thrown: unknown;
    try {
      await runScenario(brcScenario, { scale: 0.05, variant: { sabotage: 'registry' }, timeoutMs: TIMEOUT });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    const message = (thrown as Error).message;
    console.log(`registry control: ${message.split('\n').find((line) => /fingerprint/.test(line)) ?? message}`);
    expect(message).toMatch(/worker 1 \(peer\)/);
    expect(message).toMatch(/differ from the runtime's/);
  }, TIMEOUT);
});
