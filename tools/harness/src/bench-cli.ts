/**
 * `npm run bench [-- --package <name>] [--filter <substring>] [--json <file>] [--quick]`
 *
 * Finds `packages/<pkg>/bench/*.bench.ts` (layer order), imports each file's
 * `suites`, runs every case of every suite one after another on this thread
 * (cases that need workers start their own), and prints one table per suite
 * with each case's ratio to the suite's baseline case from the same run.
 * Progress goes to stderr, tables to stdout, so `> file` keeps only results.
 *
 * `--filter` keeps the cases whose "<pkg>/<file> <suite> <case>" contains the
 * substring; a suite's baseline case always runs with them, or there would be
 * nothing to compare with. `--dir <path>` (for trying the runner) reads
 * *.bench.ts from one directory instead of packages/.
 */

import { writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PACKAGES_DIR, listFiles, listPackageDirs } from '../../repo/workspace.js';
import { runBenchCase, type BenchSample, type BenchSuite } from './bench.js';
import { ensureSourceCondition, formatNs, formatSi, machineInfo, machineLine, parseFlags, renderTable, UsageError } from './cli-support.js';

const USAGE = `usage: npm run bench -- [--package <name>] [--filter <substring>] [--json <file>] [--quick]
  --package <name>     only packages/<name> (atomics or @ft/atomics)
  --filter <substring> only cases whose "<pkg>/<file> <suite> <case>" contains it (plus their suite's baseline)
  --json <file>        also write all results as JSON
  --quick              short runs (CI smoke); figures are indicative only`;

// Benchmarks import sibling packages by name; measure their sources, as the
// bench workers do (the root script starts Node without the condition).
ensureSourceCondition(fileURLToPath(import.meta.url));

interface BenchFile {
  /** `<pkg>/<concept>`, e.g. `atomics/pymutex`. */
  readonly label: string;
  readonly path: string;
}

interface CaseResult {
  readonly file: string;
  readonly suite: string;
  readonly case: string;
  readonly baseline: boolean;
  readonly nsPerOp: number | null;
  readonly opsPerSecond: number | null;
  /** case nsPerOp ÷ baseline nsPerOp: > 1 is slower than the baseline. */
  readonly ratioToBaseline: number | null;
  readonly note?: string;
  readonly error?: string;
}

function discover(flags: Map<string, string | true>): BenchFile[] {
  const dir = flags.get('--dir');
  if (typeof dir === 'string') {
    const abs = resolve(process.cwd(), dir);
    return listFiles(abs, '.bench.ts').map((path) => ({ label: `${basename(abs)}/${basename(path, '.bench.ts')}`, path }));
  }
  let dirs = listPackageDirs();
  const only = flags.get('--package');
  if (typeof only === 'string') {
    const wanted = only.replace(/^@ft\//, '');
    if (!dirs.includes(wanted)) throw new UsageError(`no package '${only}' under packages/ (there are: ${dirs.join(', ') || 'none'})`);
    dirs = [wanted];
  }
  return dirs.flatMap((pkg) => listFiles(join(PACKAGES_DIR, pkg, 'bench'), '.bench.ts').map((path) => ({ label: `${pkg}/${basename(path, '.bench.ts')}`, path })));
}

function isSuiteArray(value: unknown): value is BenchSuite[] {
  return Array.isArray(value) && value.every((s) => typeof s?.name === 'string' && Array.isArray(s?.cases));
}

/** "baseline", "3.20× faster", "1.45× slower": a ratio with its direction spelled out. */
function describeRatio(ratio: number | null, isBaseline: boolean): string {
  if (isBaseline) return 'baseline';
  if (ratio === null) return '—';
  if (ratio < 1) return `${(1 / ratio).toFixed(2)}× faster`;
  return `${ratio.toFixed(2)}× slower`;
}

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2), ['--package', '--filter', '--json', '--dir'], ['--quick', '--help']);
  if (flags.has('--help')) {
    console.log(USAGE);
    return 0;
  }
  const quick = flags.get('--quick') === true;
  const filter = flags.get('--filter') as string | undefined;
  const jsonFile = flags.get('--json') as string | undefined;
  const files = discover(flags);
  if (files.length === 0) {
    console.error(`bench: no *.bench.ts files found${flags.has('--package') ? ` for ${flags.get('--package')}` : ''}`);
    return 0;
  }

  const results: CaseResult[] = [];
  let failed = 0;
  let ran = 0;
  for (const file of files) {
    const module = (await import(pathToFileURL(file.path).href)) as { suites?: unknown };
    if (!isSuiteArray(module.suites)) {
      console.error(`bench: ${file.path} does not export 'suites: BenchSuite[]'`);
      failed++;
      continue;
    }
    for (const suite of module.suites) {
      const matches = (caseName: string): boolean => filter === undefined || `${file.label} ${suite.name} ${caseName}`.includes(filter);
      const selected = suite.cases.filter((c) => matches(c.name));
      if (selected.length === 0) continue;
      const cases = suite.cases.filter((c) => c.baseline === true || matches(c.name));
      const samples = new Map<string, BenchSample | Error>();
      for (const benchCase of cases) {
        process.stderr.write(`running ${file.label}: ${benchCase.name} ...`);
        try {
          const sample = await runBenchCase(benchCase, { quick });
          samples.set(benchCase.name, sample);
          process.stderr.write(` ${formatNs(sample.nsPerOp)} ns/op\n`);
        } catch (error) {
          const err = error instanceof Error ? error : new Error(String(error));
          samples.set(benchCase.name, err);
          process.stderr.write(' failed\n');
          failed++;
        }
        ran++;
      }

      const baselineCase = cases.find((c) => c.baseline === true);
      const baselineSample = baselineCase ? samples.get(baselineCase.name) : undefined;
      const baselineNs = baselineSample && !(baselineSample instanceof Error) ? baselineSample.nsPerOp : null;
      const rows: string[][] = [];
      const errors: string[] = [];
      for (const benchCase of cases) {
        const sample = samples.get(benchCase.name)!;
        const isBaseline = benchCase === baselineCase;
        if (sample instanceof Error) {
          rows.push([benchCase.name, 'error', '', '', '']);
          errors.push(`  ✗ ${benchCase.name}: ${sample.stack ?? sample.message}`);
          results.push({ file: file.label, suite: suite.name, case: benchCase.name, baseline: isBaseline, nsPerOp: null, opsPerSecond: null, ratioToBaseline: null, error: sample.message });
          continue;
        }
        const ratio = baselineNs !== null && baselineNs > 0 ? sample.nsPerOp / baselineNs : null;
        const opsPerSecond = sample.nsPerOp > 0 ? 1e9 / sample.nsPerOp : Infinity;
        rows.push([benchCase.name, formatNs(sample.nsPerOp), formatSi(opsPerSecond), describeRatio(ratio, isBaseline), sample.note ?? '']);
        results.push({ file: file.label, suite: suite.name, case: benchCase.name, baseline: isBaseline, nsPerOp: sample.nsPerOp, opsPerSecond, ratioToBaseline: ratio, note: sample.note });
      }
      console.log(`\n${file.label} · ${suite.name}${suite.description ? ` — ${suite.description}` : ''}`);
      console.log(renderTable(['case', 'ns/op', 'ops/s', 'vs baseline (same run)', 'note'], rows, ['left', 'right', 'right', 'right', 'left']));
      if (suite.target) console.log(`target: ${suite.target}`);
      console.log(`machine: ${machineLine()}`);
      if (!baselineCase) console.log('(this suite names no baseline case)');
      for (const line of errors) console.log(line);
    }
  }

  if (jsonFile !== undefined) {
    const out = {
      ...machineInfo(),
      quick,
      ratioToBaseline: 'case nsPerOp / baseline nsPerOp of the same suite and run (> 1 = slower than the baseline)',
      results,
    };
    writeFileSync(resolve(process.cwd(), jsonFile), `${JSON.stringify(out, null, 2)}\n`);
    console.error(`bench: wrote ${resolve(process.cwd(), jsonFile)}`);
  }
  if (ran === 0 && filter !== undefined) console.error(`bench: no case matches --filter '${filter}'`);
  console.error(`bench: ${ran} case${ran === 1 ? '' : 's'} run${failed ? `, ${failed} failed` : ''}${quick ? ' (quick)' : ''}; ${machineLine()}`);
  return failed > 0 ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`bench: ${error.message}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
