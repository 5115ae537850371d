/**
 * The runtime stress report (`npm run stress-report`): every stress scenario of every
 * package, run for a fixed time with real workers, then a table of what
 * happened and whether every invariant held.
 *
 *   node --import tsx --conditions=source tools/harness/src/stress-report-cli.ts
 *     [--seconds N] [--filter substring] [--json file]
 *
 * Scenarios come from `packages/<pkg>/test/stress/*.scenario.ts` (their
 * exported `scenarios`), lowest layer first, so a broken foundation shows up
 * before whatever is built on it. The same definitions run in the vitest
 * stress tests with an operation budget; here they run in timed mode. Each run
 * prints its seed; FT_STRESS_SEED=<seed> runs with that seed again (timing
 * still differs between runs, so a timed run is not an exact replay).
 *
 * Exit code 1 when a check failed, a run threw, or a scenario file did not load.
 */

import { writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PACKAGES_DIR, listFiles, listPackageDirs } from '../../repo/workspace.js';
import { ensureSourceCondition, formatSi, formatValue, machineInfo, machineLine, parseFlags, renderTable, UsageError } from './cli-support.js';
import { stressSeed } from './random.js';
import { runScenario, type RunResult } from './run-scenario.js';
import type { StressScenario } from './scenario.js';

const USAGE = `usage: node --import tsx --conditions=source tools/harness/src/stress-report-cli.ts [--seconds N] [--filter substring] [--json file]
  --seconds N          run each scenario for N seconds (default 3)
  --filter substring   only scenarios whose name contains it (e.g. atomics/pymutex)
  --json file          also write the results as JSON
  FT_STRESS_SEED=<n>   use this seed for every run`;

// Scenario files import their package's sources and sibling packages by name.
ensureSourceCondition(fileURLToPath(import.meta.url));

interface Entry {
  readonly file: string;
  readonly scenario: StressScenario<unknown, unknown>;
}

interface Outcome {
  readonly scenario: StressScenario<unknown, unknown>;
  readonly workers: number;
  readonly seed: number;
  readonly result?: RunResult;
  readonly error?: string;
}

function isScenario(value: unknown): value is StressScenario<unknown, unknown> {
  const s = value as Partial<StressScenario<unknown, unknown>> | null;
  return (
    typeof s?.name === 'string' &&
    s.worker instanceof URL &&
    typeof s.setup === 'function' &&
    typeof s.check === 'function'
  );
}

/** Imports every scenario file; returns the scenarios and one message per file that failed to load. */
async function discover(dir: string | undefined): Promise<{ entries: Entry[]; loadErrors: string[] }> {
  const entries: Entry[] = [];
  const loadErrors: string[] = [];
  // --dir (for trying the report itself) reads one directory instead of packages/.
  const files =
    dir !== undefined
      ? listFiles(resolve(process.cwd(), dir), '.scenario.ts').map((path) => ({ path, file: path }))
      : listPackageDirs().flatMap((pkg) =>
          listFiles(join(PACKAGES_DIR, pkg, 'test', 'stress'), '.scenario.ts').map((path) => ({ path, file: `packages/${pkg}/test/stress/${basename(path)}` })),
        );
  {
    for (const { path, file } of files) {
      try {
        const module = (await import(pathToFileURL(path).href)) as { scenarios?: unknown };
        if (!Array.isArray(module.scenarios)) {
          loadErrors.push(`${file}: does not export 'scenarios' (an array of StressScenario)`);
          continue;
        }
        for (const scenario of module.scenarios) {
          if (isScenario(scenario)) entries.push({ file, scenario });
          else loadErrors.push(`${file}: an entry of 'scenarios' is not a StressScenario (needs name, worker URL, setup, check)`);
        }
      } catch (error) {
        loadErrors.push(`${file}: failed to load: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
  }
  return { entries, loadErrors };
}

/**
 * The live progress line. On a terminal one line is rewritten in place; in a
 * log (CI) a line is printed every second, so the log shows a run is alive
 * without drowning in updates.
 */
class ProgressLine {
  private readonly tty = process.stderr.isTTY === true;
  private lastPrint = -Infinity;

  update(text: string): void {
    if (this.tty) {
      process.stderr.write(`\r${text}\x1b[K`);
    } else if (performance.now() - this.lastPrint >= 1000) {
      this.lastPrint = performance.now();
      process.stderr.write(`${text}\n`);
    }
  }

  finish(text: string): void {
    process.stderr.write(this.tty ? `\r${text}\x1b[K\n` : `${text}\n`);
    this.lastPrint = -Infinity;
  }
}

function rate(ops: number, ms: number): string {
  return ms > 0 ? `${formatSi((ops * 1000) / ms)} ops/s` : '— ops/s';
}

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2), ['--seconds', '--filter', '--json', '--dir'], ['--help']);
  if (flags.has('--help')) {
    console.log(USAGE);
    return 0;
  }
  const seconds = flags.has('--seconds') ? Number(flags.get('--seconds')) : 3;
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new UsageError(`--seconds must be a positive number, got '${String(flags.get('--seconds'))}'`);
  const durationMs = seconds * 1000;
  const filter = flags.get('--filter') as string | undefined;
  const jsonFile = flags.get('--json') as string | undefined;

  const { entries, loadErrors } = await discover(flags.get('--dir') as string | undefined);
  for (const message of loadErrors) console.error(`stress-report: ${message}`);
  const selected = entries.filter((e) => filter === undefined || e.scenario.name.includes(filter));
  if (selected.length === 0) {
    console.error(`stress-report: no scenarios${filter !== undefined ? ` match '${filter}'` : ' found under packages/*/test/stress/*.scenario.ts'}`);
    return 1;
  }
  console.error(
    `stress-report: ${selected.length} scenario${selected.length === 1 ? '' : 's'}, ${seconds} s each; ${machineLine()}`,
  );

  const outcomes: Outcome[] = [];
  const progress = new ProgressLine();
  for (const [i, { scenario }] of selected.entries()) {
    const prefix = `[${i + 1}/${selected.length}] ${scenario.name}`;
    const workers = scenario.defaultWorkers ?? 2;
    // Chosen here rather than inside runScenario so that it can be printed
    // even when the run throws.
    const seed = stressSeed();
    progress.update(`${prefix}  starting ${workers} workers  seed ${seed}`);
    try {
      const result = await runScenario(scenario, {
        workers,
        durationMs,
        seed,
        // A timed run stops itself; past this something hangs, and
        // runScenario fails with every worker's progress counters.
        timeoutMs: durationMs + 60_000,
        onProgress: (ops, elapsedMs) => progress.update(`${prefix}  ${(elapsedMs / 1000).toFixed(1)} s  ${formatSi(ops, 2)} ops  ${rate(ops, elapsedMs)}`),
      });
      const passed = result.checks.filter((c) => c.ok).length;
      progress.finish(
        `${prefix}  ${result.ok ? 'ok' : 'FAILED'}  ${(result.elapsedMs / 1000).toFixed(1)} s  ${formatSi(result.totalOps, 2)} ops  ${rate(result.totalOps, result.elapsedMs)}  checks ${passed}/${result.checks.length}  seed ${seed}`,
      );
      outcomes.push({ scenario, workers, seed, result });
    } catch (error) {
      progress.finish(`${prefix}  ERROR  seed ${seed}`);
      outcomes.push({ scenario, workers, seed, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  }

  const rows = outcomes.map(({ scenario, workers, seed, result, error }) => {
    if (!result) return [scenario.name, String(workers), String(seed), '—', '—', `error`, ''];
    const passed = result.checks.filter((c) => c.ok).length;
    const metrics = result.metrics.map((m) => `${m.name} ${formatValue(m.value)} ${m.unit}`.trim()).join('; ');
    return [
      scenario.name,
      String(workers),
      String(seed),
      formatSi(result.totalOps),
      formatSi(result.opsPerSecond),
      `${result.ok ? '✓' : '✗'} ${passed}/${result.checks.length}`,
      metrics || (error ?? ''),
    ];
  });
  console.log('');
  console.log(renderTable(['scenario', 'workers', 'seed', 'ops', 'ops/s', 'checks', 'metrics'], rows, ['left', 'right', 'right', 'right', 'right', 'left', 'left']));

  const failures: string[] = [];
  for (const { scenario, seed, result, error } of outcomes) {
    const replay = `seed ${seed}; FT_STRESS_SEED=${seed} reuses it`;
    if (error !== undefined) {
      failures.push(`✗ ${scenario.name} threw (${replay}):\n${indent(error)}`);
      continue;
    }
    if (result!.checks.length === 0) failures.push(`✗ ${scenario.name}: no checks ran (${replay})`);
    for (const check of result!.checks.filter((c) => !c.ok)) {
      failures.push(`✗ ${scenario.name}: ${check.name}${check.detail ? `: ${check.detail}` : ''} (${replay})`);
    }
  }
  for (const message of loadErrors) failures.push(`✗ ${message}`);
  const ok = outcomes.filter((o) => o.result?.ok).length;
  console.log('');
  if (failures.length > 0) {
    for (const line of failures) console.log(line);
    console.log('');
  }
  console.log(`stress-report: ${ok}/${outcomes.length} scenarios passed every check${loadErrors.length ? `; ${loadErrors.length} scenario file(s) failed to load` : ''}`);

  if (jsonFile !== undefined) {
    const out = {
      ...machineInfo(),
      secondsPerScenario: seconds,
      loadErrors,
      results: outcomes.map(({ scenario, workers, seed, result, error }) => ({
        name: scenario.name,
        description: scenario.description,
        workers,
        seed,
        ok: result?.ok ?? false,
        totalOps: result?.totalOps ?? null,
        elapsedMs: result?.elapsedMs ?? null,
        opsPerSecond: result?.opsPerSecond ?? null,
        checks: result?.checks ?? [],
        metrics: result?.metrics ?? [],
        ...(error !== undefined ? { error } : {}),
      })),
    };
    writeFileSync(resolve(process.cwd(), jsonFile), `${JSON.stringify(out, null, 2)}\n`);
    console.error(`stress-report: wrote ${resolve(process.cwd(), jsonFile)}`);
  }
  return failures.length > 0 ? 1 : 0;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`stress-report: ${error.message}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
