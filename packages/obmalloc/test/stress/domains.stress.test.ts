import { assertRunPassed, runScenario, type RunResult } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { domainsScenario } from './domains.scenario.js';

function metric(result: RunResult, name: string): number {
  const m = result.metrics.find((x) => x.name === name);
  if (m === undefined) throw new Error(`no metric '${name}'`);
  return m.value;
}

function report(result: RunResult, label: string): void {
  console.log(
    `${result.name} [${label}]${result.checks.length > 0 && result.ok ? '' : ' (failed checks)'}: seed ${result.seed} (FT_STRESS_SEED=${result.seed} replays it), ` +
      `${result.workers} workers, ${(result.elapsedMs / 1000).toFixed(2)} s, ${result.metrics.map((m) => `${m.name} ${Math.round(m.value)}${m.unit}`).join(', ')}`,
  );
}

/** The run exercised what it claims to: cross-worker frees in every domain, resizes, callocs. */
function expectCoverage(result: RunResult): void {
  for (const domain of ['raw', 'mem', 'object']) expect(metric(result, `cross-worker frees (${domain})`)).toBeGreaterThan(0);
  expect(metric(result, 'reallocs')).toBeGreaterThan(0);
  expect(metric(result, 'callocs')).toBeGreaterThan(0);
}

describe('mimalloc-backed domains used from workers concurrently with cross-thread frees', () => {
  it("'mimalloc_debug': every block intact, frees balanced per domain, the hooks check every cross-thread free, nothing left (3 workers)", async () => {
    const result = await runScenario(domainsScenario, { timeoutMs: 60_000 });
    report(result, 'mimalloc_debug');
    assertRunPassed(result);
    expectCoverage(result);
    expect(metric(result, 'debug frames checked')).toBeGreaterThan(0);
  });

  it("'mimalloc_debug' with 2 workers", async () => {
    const result = await runScenario(domainsScenario, { workers: 2, scale: 0.5, timeoutMs: 60_000 });
    report(result, 'mimalloc_debug');
    assertRunPassed(result);
    expectCoverage(result);
  });

  it("'mimalloc' (no hooks): the same checks hold (3 workers)", async () => {
    const result = await runScenario(domainsScenario, { variant: { allocator: 'mimalloc' }, timeoutMs: 60_000 });
    report(result, 'mimalloc');
    assertRunPassed(result);
    expectCoverage(result);
    expect(metric(result, 'debug frames checked')).toBe(0);
  });

  it('control: a worker that keeps one block is caught by the leak checks', async () => {
    const result = await runScenario(domainsScenario, { scale: 0.1, variant: { sabotage: 'leak' }, timeoutMs: 60_000 });
    report(result, 'leak control');
    expect(metric(result, 'leaked')).toBe(result.workers);
    const failed = result.checks.filter((c) => !c.ok).map((c) => c.name);
    console.log(`leak control: ${result.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join(' | ')}`);
    expect(failed).toEqual([
      'allocations = frees in each domain',
      'miStats on the main thread: no live block after every worker exited',
      'after miCollect(t, true): no segment left and only the main thread has mimalloc state',
      'the region allocator holds exactly what it held before the workers',
    ]);
  });

  it('control: a received mem block freed with PyObject_Free stops that worker with the "bad ID" fatal error', async () => {
    let thrown: unknown;
    try {
      const result = await runScenario(domainsScenario, { scale: 0.1, variant: { sabotage: 'wrong-domain' }, timeoutMs: 60_000 });
      report(result, 'wrong-domain control');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    const message = (thrown as Error).message;
    console.log(`wrong-domain control: the run threw: ${message.split('\n').filter((line) => /fatal|bad ID/.test(line)).slice(0, 2).join(' / ')}`);
    expect(message).toMatch(/obmalloc\/domains \(seed \d+\)/);
    expect(message).toMatch(/bad ID/);
    expect(message).toMatch(/_PyMem_DebugFree: bad ID: Allocated using API 'm', verified using API 'o'/);
  });
});
