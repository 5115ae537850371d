/** What the objects stress tests read from a run and print about it. */

import type { RunResult } from '@ft/harness';

/** A metric of the run by name (throws when the scenario has none by that name). */
export function metric(result: RunResult, name: string): number {
  const m = result.metrics.find((x) => x.name === name);
  if (m === undefined) throw new Error(`no metric '${name}'`);
  return m.value;
}

/** One line for the log: the run, its seed (to replay it) and its metrics. */
export function report(result: RunResult, label: string): void {
  console.log(
    `${result.name} [${label}]${result.ok ? '' : ' (failed checks)'}: seed ${result.seed} (FT_STRESS_SEED=${result.seed} replays it), ` +
      `${result.workers} workers, ${(result.elapsedMs / 1000).toFixed(2)} s, ${result.metrics.map((m) => `${m.name} ${Math.round(m.value)}${m.unit}`).join(', ')}`,
  );
}

/** The checks a (control) run failed, printed with their details. */
export function failedChecks(result: RunResult): string[] {
  const failed = result.checks.filter((c) => !c.ok);
  console.log(`${result.name} control: ${failed.map((c) => `${c.name}: ${c.detail ?? ''}`).join(' | ')}`);
  return failed.map((c) => c.name);
}
