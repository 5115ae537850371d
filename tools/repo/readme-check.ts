/**
 * `npm run readme:check`: every README code block runs as written.
 *
 * Reads `README.md` and `packages/<dir>/README.md` (every package, present or
 * future), takes their TypeScript and JavaScript blocks by the convention in
 * `readme-blocks.ts`, and for each README writes its blocks side by side into
 * a fresh directory under the OS temp directory, where `node_modules/@ft/<dir>`
 * links to the workspace package (so a block imports `@ft/atomics` exactly as
 * a user would; with `--conditions=source` it runs the package's src/, no
 * build needed). Then:
 *
 * 1. type-checks the TypeScript blocks with the repository's compiler options
 *    (a reader pasting a block into a strict project must not get errors);
 * 2. runs every program block in its own process, `node --import tsx
 *    --conditions=source`, with a time limit; worker threads get the same
 *    TypeScript loader (on Node 20 `--import tsx` does not reach workers, so a
 *    preload registers it there), and `new URL('./worker.js', import.meta.url)`
 *    finds `worker.ts` as it would find the compiled file.
 *
 * A block passes when its process exits with code 0 within the limit. A
 * failure prints the README path and line and the block's stderr, with stack
 * frames pointing into the README. Blocks marked `<!-- not run: … -->` are
 * listed with their reasons. Exits 1 on any failure or convention problem.
 *
 * Flags: `--filter <text>` only READMEs whose path contains it, `--timeout
 * <seconds>` per block (default 30), `--keep` leaves the temp directory.
 */

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { fileNameOf, scanReadme, type ReadmeBlock, type ReadmeProblem } from './readme-blocks.js';
import { PACKAGES_DIR, REPO_ROOT, listPackageDirs } from './workspace.js';

interface Options {
  readonly filter: string | null;
  readonly timeoutMs: number;
  readonly keep: boolean;
}

/** One README's blocks and where they were written. */
interface ReadmeSet {
  /** Repository-relative path of the README. */
  readonly name: string;
  readonly blocks: ReadmeBlock[];
  /** The temp directory holding this README's files. */
  readonly dir: string;
}

interface RunResult {
  readonly set: ReadmeSet;
  readonly block: ReadmeBlock;
  readonly ok: boolean;
  readonly reason: string;
  readonly output: string;
  readonly ms: number;
}

function parseOptions(argv: string[]): Options {
  let filter: string | null = null;
  let timeoutMs = 30_000;
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') continue; // pnpm passes the separator through
    else if (arg === '--filter') filter = argv[++i] ?? '';
    else if (arg === '--timeout') timeoutMs = Number(argv[++i]) * 1000;
    else if (arg === '--keep') keep = true;
    else throw new Error(`readme-check: unknown argument '${arg}' (--filter <text>, --timeout <seconds>, --keep)`);
  }
  if (!(timeoutMs > 0)) throw new Error('readme-check: --timeout takes a positive number of seconds');
  return { filter, timeoutMs, keep };
}

/** The root README, then each package's in layer order. */
function findReadmes(): string[] {
  const readmes = [join(REPO_ROOT, 'README.md')];
  for (const dir of listPackageDirs()) readmes.push(join(PACKAGES_DIR, dir, 'README.md'));
  return readmes.filter((path) => existsSync(path));
}

/**
 * An ESM project that sees the workspace packages by name and has tsx, plus
 * the worker preload. Returns the preload's URL.
 */
function prepareRoot(root: string): string {
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'ft-readme-blocks', private: true, type: 'module' }, null, 2));
  const scope = join(root, 'node_modules', '@ft');
  mkdirSync(scope, { recursive: true });
  for (const dir of listPackageDirs()) {
    const pkgFile = join(PACKAGES_DIR, dir, 'package.json');
    if (!existsSync(pkgFile)) continue;
    const name = (JSON.parse(readFileSync(pkgFile, 'utf8')) as { name?: string }).name;
    if (typeof name !== 'string' || !name.startsWith('@ft/')) continue;
    symlinkSync(join(PACKAGES_DIR, dir), join(scope, name.slice('@ft/'.length)), 'dir');
  }
  symlinkSync(realpathSync(join(REPO_ROOT, 'node_modules', 'tsx')), join(root, 'node_modules', 'tsx'), 'dir');
  // Node 20 runs --import preloads in worker threads too, but tsx's own entry
  // does not install its hooks there; this does, before the worker's module loads.
  const preload = join(root, 'worker-loader.mjs');
  writeFileSync(
    preload,
    [
      "import { isMainThread } from 'node:worker_threads';",
      "import { register } from 'tsx/esm/api';",
      'if (!isMainThread) register();',
      '',
    ].join('\n'),
  );
  return pathToFileURL(preload).href;
}

/** Writes a README's program and module blocks into their own directory. */
function writeBlocks(root: string, name: string, blocks: ReadmeBlock[]): ReadmeSet {
  const dir = join(root, name.replace(/\/?README\.md$/i, '').replace(/[\\/]/g, '-') || 'root');
  mkdirSync(dir, { recursive: true });
  for (const block of blocks) {
    if (block.role !== 'not-run') writeFileSync(join(dir, fileNameOf(block)), block.code);
  }
  return { name, blocks, dir };
}

/** Rewrites `<temp>/<file>:<line>` in output to `<README>:<line in the README>`. */
function pointIntoReadmes(text: string, sets: ReadmeSet[]): string {
  let out = text;
  for (const set of sets) {
    for (const block of set.blocks) {
      if (block.role === 'not-run') continue;
      const path = join(set.dir, fileNameOf(block));
      for (const prefix of [pathToFileURL(path).href, path]) {
        out = out.split(prefix + ':').join(`\u0000${set.name}:${block.line}+`);
      }
    }
  }
  return out.replace(/\u0000([^:\s]+):(\d+)\+(\d+)/g, (_match, name: string, fence: string, line: string) => `${name}:${Number(fence) + Number(line)}`);
}

/** Type-checks every TypeScript block as a module with the repository's compiler options. */
function typecheck(sets: ReadmeSet[]): { problems: ReadmeProblem[]; files: number } {
  const files = new Map<string, { set: ReadmeSet; block: ReadmeBlock }>();
  for (const set of sets) {
    for (const block of set.blocks) {
      if (block.role !== 'not-run' && block.typescript) files.set(join(set.dir, fileNameOf(block)), { set, block });
    }
  }
  if (files.size === 0) return { problems: [], files: 0 };
  const configFile = join(REPO_ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(configFile, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, REPO_ROOT, undefined, configFile);
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, moduleDetection: ts.ModuleDetectionKind.Force };
  const program = ts.createProgram({ rootNames: [...files.keys()], options });
  const problems: ReadmeProblem[] = [];
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const file of files.keys()) {
    const source = program.getSourceFile(file);
    if (source !== undefined) diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
  }
  for (const diagnostic of diagnostics) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const entry = diagnostic.file === undefined ? undefined : files.get(diagnostic.file.fileName);
    if (entry === undefined || diagnostic.file === undefined) {
      problems.push({ readme: 'tsconfig.json', line: 0, message: `TS${diagnostic.code}: ${message}` });
      continue;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    problems.push({ readme: entry.set.name, line: entry.block.line + 1 + line, message: `TS${diagnostic.code}: ${message}` });
  }
  return { problems, files: files.size };
}

function runBlock(set: ReadmeSet, block: ReadmeBlock, preload: string, timeoutMs: number): Promise<RunResult> {
  const started = performance.now();
  const file = join(set.dir, fileNameOf(block));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', preload, '--conditions=source', file], {
      cwd: set.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      const output = chunks.join('');
      if (timedOut) resolve({ set, block, ok: false, reason: `did not finish within ${timeoutMs / 1000} s`, output, ms });
      else if (code === 0) resolve({ set, block, ok: true, reason: '', output, ms });
      else resolve({ set, block, ok: false, reason: signal !== null ? `killed by ${signal}` : `exit code ${code}`, output, ms });
    });
  });
}

/** Runs `jobs` with at most `limit` in flight, keeping their order in the result. */
async function pool<T>(jobs: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results = new Array<T>(jobs.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, jobs.length) }, async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]();
    }
  });
  await Promise.all(lanes);
  return results;
}

function indent(text: string, prefix: string, maxChars: number): string {
  const trimmed = text.trimEnd();
  const cut = trimmed.length > maxChars ? `… (${trimmed.length - maxChars} characters before)\n${trimmed.slice(-maxChars)}` : trimmed;
  return cut
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const started = performance.now();
  const problems: ReadmeProblem[] = [];
  const scanned: Array<{ name: string; blocks: ReadmeBlock[] }> = [];
  for (const readme of findReadmes()) {
    const name = relative(REPO_ROOT, readme).split('\\').join('/');
    if (options.filter !== null && !name.includes(options.filter)) continue;
    const scan = scanReadme(readme, readFileSync(readme, 'utf8'));
    problems.push(...scan.problems.map((problem) => ({ ...problem, readme: name })));
    scanned.push({ name, blocks: scan.blocks });
  }

  const root = mkdtempSync(join(tmpdir(), 'ft-readme-'));
  try {
    const preload = prepareRoot(root);
    const sets = scanned.map(({ name, blocks }) => writeBlocks(root, name, blocks));

    const typecheckStarted = performance.now();
    const checked = typecheck(sets);
    const typecheckMs = performance.now() - typecheckStarted;
    problems.push(...checked.problems);

    const programs = sets.flatMap((set) => set.blocks.filter((block) => block.role === 'program').map((block) => ({ set, block })));
    const limit = Math.max(1, Math.min(2, availableParallelism()));
    const results = await pool(
      programs.map(({ set, block }) => () => runBlock(set, block, preload, options.timeoutMs)),
      limit,
    );

    let failed = 0;
    for (const set of sets) {
      const mine = results.filter((result) => result.set === set);
      const mineProblems = problems.filter((problem) => problem.readme === set.name);
      const modules = set.blocks.filter((block) => block.role === 'module').length;
      const notRun = set.blocks.filter((block) => block.role === 'not-run');
      const passed = mine.filter((result) => result.ok).length;
      failed += mine.length - passed;
      const parts = [`${mine.length} run`, `${passed} passed`];
      if (modules > 0) parts.push(`${modules} module${modules === 1 ? '' : 's'} used by them`);
      if (notRun.length > 0) parts.push(`${notRun.length} marked not run`);
      if (mineProblems.length > 0) parts.push(`${mineProblems.length} problem${mineProblems.length === 1 ? '' : 's'}`);
      console.log(`${set.name}: ${set.blocks.length === 0 ? 'no TypeScript/JavaScript blocks' : parts.join(', ')}`);
      for (const block of notRun) console.log(`  not run  ${set.name}:${block.line}  ${block.notRunReason}`);
      for (const result of mine) {
        const label = `${set.name}:${result.block.line}${result.block.fileName === null ? '' : ` (${result.block.fileName})`}`;
        if (result.ok) {
          console.log(`  ok       ${label}  ${(result.ms / 1000).toFixed(1)} s`);
        } else {
          console.log(`  FAILED   ${label}  ${result.reason}, ${(result.ms / 1000).toFixed(1)} s`);
          if (result.output.trim() !== '') console.log(indent(pointIntoReadmes(result.output, sets), '           | ', 6000));
        }
      }
      for (const problem of mineProblems) console.log(`  PROBLEM  ${problem.readme}:${problem.line}: ${problem.message}`);
    }
    const known = new Set(sets.map((set) => set.name));
    for (const problem of problems) {
      if (!known.has(problem.readme)) console.log(`  PROBLEM  ${problem.readme}:${problem.line}: ${problem.message}`);
    }

    const notRun = sets.reduce((n, set) => n + set.blocks.filter((block) => block.role === 'not-run').length, 0);
    const modules = sets.reduce((n, set) => n + set.blocks.filter((block) => block.role === 'module').length, 0);
    const summary =
      `readme-check: ${results.length} blocks run, ${results.length - failed} passed, ${failed} failed; ` +
      `${modules} modules used by them; ${notRun} marked not run; ${checked.files} type-checked ` +
      `(${(typecheckMs / 1000).toFixed(1)} s), ` +
      `${problems.length} problem${problems.length === 1 ? '' : 's'} (type errors, convention) ` +
      `(${((performance.now() - started) / 1000).toFixed(1)} s)`;
    console.log(summary);
    if (options.keep) console.log(`readme-check: blocks kept in ${root}`);
    return failed > 0 || problems.length > 0 ? 1 : 0;
  } finally {
    if (!options.keep) rmSync(root, { recursive: true, force: true });
  }
}

process.exitCode = await main();
