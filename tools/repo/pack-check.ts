/**
 * `npm run pack:check`: every package must install and work alone from its
 * packed tarball (DESIGN.md §6, Releases). The workspace hides the mistakes
 * this catches: a file missing from "files", a dependency that resolves only
 * through workspace links, an export map that works with the "source"
 * condition but not from dist/, a module that loads on the main thread but
 * not in a worker.
 *
 * For each package, in layer order: `pnpm pack` into a temp directory (pnpm
 * rewrites `workspace:*` to real versions), `npm install` that tarball plus
 * the tarballs of its `@ft` dependencies into an empty ESM project (offline:
 * nothing comes from a registry), then run a plain JavaScript smoke file that
 * imports the package on the main thread and in a worker_thread and compares
 * the export lists. A package may add a real cross-thread smoke in SMOKES.
 *
 * Needs dist/ (run `pnpm run build` first). `--keep` leaves the temp directory.
 */

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { dirNameOf, isLayerName, packageNameOf } from './layers.js';
import { PACKAGES_DIR, REPO_ROOT, listPackageDirs } from './workspace.js';

/**
 * A package-specific smoke, in plain JavaScript (it runs against the installed
 * tarball, with no TypeScript loader). Both snippets are bodies of async
 * functions:
 * - `main(m, startWorker)`: `m` is the package's namespace on the main thread;
 *   `startWorker(data)` starts a worker that runs `worker` with `data` (posted
 *   through workerData) and returns `{ worker, result }`, `result` a promise of
 *   what the worker snippet returned. Throw to fail; return a short summary.
 * - `worker(m, data)`: runs in the worker; its return value is posted back.
 */
interface Smoke {
  readonly description: string;
  readonly main: string;
  readonly worker: string;
}

const SMOKES: Record<string, Smoke> = {
  '@ft/atomics': {
    description: 'shared heap attached by a worker (tid 2), PyMutex contended across threads',
    main: /* js */ `
      const heap = m.SharedHeap.create({ size: 1 << 20, threadCapacity: 16 }); // 1 MiB is the minimum
      if (heap.tid !== 1) throw new Error('main thread got tid ' + heap.tid + ', expected 1');
      const mutex = m.regionAlloc(heap, 64);
      if (mutex === 0) throw new Error('regionAlloc(64) failed in a 1 MiB heap');
      const counter = mutex + 8; // plain u32 guarded by the mutex
      // Hold the mutex before the worker starts, so the worker must take the
      // slow path and park: that crosses threads through the parking lot, not
      // just through the uncontended compare-exchange.
      m.mutexLock(heap, mutex);
      const { result } = startWorker({ handle: heap.handle(), mutex, counter });
      let workerError;
      result.catch((error) => { workerError = error; });
      const deadline = Date.now() + 10000;
      while ((Atomics.load(heap.u8, mutex) & m.MUTEX_HAS_PARKED_BIT) === 0) {
        if (workerError) throw workerError;
        if (Date.now() > deadline) throw new Error('the worker never parked on the held mutex');
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      heap.u32[counter >>> 2] = 41;
      m.mutexUnlock(heap, mutex);
      const reply = await result;
      if (reply.tid !== 2) throw new Error('worker reported tid ' + reply.tid + ', expected 2');
      m.mutexLock(heap, mutex);
      const value = heap.u32[counter >>> 2];
      m.mutexUnlock(heap, mutex);
      if (value !== 42) throw new Error('counter is ' + value + ' after the worker incremented 41 under the mutex');
      if (Atomics.load(heap.u8, mutex) !== 0) throw new Error('mutex byte is ' + heap.u8[mutex] + ' at the end, expected 0');
      heap.close();
      return 'worker attached as tid 2, parked on a held PyMutex, woke, incremented under it';
    `,
    worker: /* js */ `
      const heap = m.SharedHeap.attach(data.handle);
      if (heap.tid !== 2) throw new Error('worker got tid ' + heap.tid + ', expected 2');
      m.mutexLock(heap, data.mutex);
      heap.u32[data.counter >>> 2] += 1; // under the mutex
      m.mutexUnlock(heap, data.mutex);
      const tid = heap.tid;
      heap.close();
      return { tid };
    `,
  },
  '@ft/qsbr': {
    description: 'a worker frees a block with freeDelayed while the main thread holds it back',
    main: /* js */ `
      const a = await import('@ft/atomics');
      const heap = a.SharedHeap.create({ size: 1 << 20, threadCapacity: 16 });
      const qsbr = m.qsbrCreate(heap);
      const block = a.regionAlloc(heap, 64);
      const registry = new m.FreeCallbackRegistry();
      // Same callbacks in the same order on every thread: whoever processes the queue runs it.
      registry.register('smoke/mark', (h, addr) => { h.u32[addr >>> 2] = 0xdd; });
      const t = m.qsbrRegister(heap, qsbr, registry);
      m.qsbrAttach(t); // online and never quiescent: the worker's free must wait for us
      const reply = await startWorker({ handle: heap.handle(), qsbr, block }).result;
      if (heap.u32[block >>> 2] !== 0) throw new Error('the block was freed while a reader was online');
      if (reply.pending !== 1) throw new Error('worker had ' + reply.pending + ' pending frees, expected 1');
      m.qsbrQuiescentState(t);
      m.processDelayed(t);
      if (heap.u32[block >>> 2] !== 0xdd) throw new Error('the block was not freed after the reader passed a quiescent state');
      m.qsbrUnregister(t);
      heap.close();
      return 'worker queued a delayed free and exited; freed only after the main thread passed a quiescent state';
    `,
    worker: /* js */ `
      const a = await import('@ft/atomics');
      const heap = a.SharedHeap.attach(data.handle);
      const registry = new m.FreeCallbackRegistry();
      const mark = registry.register('smoke/mark', (h, addr) => { h.u32[addr >>> 2] = 0xdd; });
      const t = m.qsbrRegister(heap, data.qsbr, registry);
      m.qsbrAttach(t);
      m.freeDelayed(t, data.block, mark);
      const pending = m.pendingDelayed(t);
      m.qsbrUnregister(t);
      heap.close();
      return { pending };
    `,
  },
  '@ft/mimalloc': {
    description: 'blocks allocated on the main thread are freed by a worker (cross-thread free)',
    main: /* js */ `
      const a = await import('@ft/atomics');
      const heap = a.SharedHeap.create({ size: 16 << 20, threadCapacity: 16 });
      const mi = m.miCreate(heap, { checked: true });
      const t = m.miThreadInit(heap, mi, null);
      const blocks = [];
      for (let i = 0; i < 1000; i++) blocks.push(m.miMalloc(t, 16 + (i % 200)));
      if (blocks.some((b) => b === 0)) throw new Error('miMalloc returned 0 in a 16 MiB heap');
      const reply = await startWorker({ handle: heap.handle(), mi, blocks }).result;
      if (reply.freed !== blocks.length) throw new Error('worker freed ' + reply.freed + ' blocks');
      m.miCollect(t, true);
      const stats = m.miStats(t);
      if (stats.liveBlocks !== 0) throw new Error(stats.liveBlocks + ' blocks still live after the worker freed them all');
      m.miThreadExit(t);
      heap.close();
      return '1000 blocks freed by a worker, 0 live after collection';
    `,
    worker: /* js */ `
      const a = await import('@ft/atomics');
      const heap = a.SharedHeap.attach(data.handle);
      const t = m.miThreadInit(heap, data.mi, null);
      for (const b of data.blocks) m.miFree(t, b);
      m.miThreadExit(t);
      heap.close();
      return { freed: data.blocks.length };
    `,
  },
  '@ft/refcount': {
    description: 'an object made on the main thread is released by a worker and merged back through the merge queue',
    main: /* js */ `
      const a = await import('@ft/atomics');
      const mim = await import('@ft/mimalloc');
      const heap = a.SharedHeap.create({ size: 16 << 20, threadCapacity: 16 });
      const mi = mim.miCreate(heap, { checked: true });
      const registry = new m.BehaviourRegistry(); // the same (default) behaviours on every thread
      const rc = m.rcCreate(heap, registry);
      const t = m.rcThreadInit(heap, rc, registry, { mi: mim.miThreadInit(heap, mi, null) });
      const type = m.createStaticType(t, m.createMetatype(t), { basicSize: 32 });
      const op = m.allocObject(t, type);
      m.incref(t, op); // two references: one stays here, one goes to the worker
      const reply = await startWorker({ handle: heap.handle(), mi, rc, op }).result;
      if (reply.flags !== m.REF_QUEUED) throw new Error('after the worker released its reference the shared flags are ' + reply.flags + ', expected QUEUED');
      if (!m.mergeRequested(t)) throw new Error('the worker queued the object but the owner was not asked to merge');
      if (m.processMergeQueue(t) !== 1) throw new Error('the owner merged nothing');
      if (m.getRefcount(t, op) !== 1 || m.objectOwner(t, op) !== 0) throw new Error('after the merge: count ' + m.getRefcount(t, op) + ', owner ' + m.objectOwner(t, op));
      m.decref(t, op);
      mim.miCollect(t.mi, true);
      const live = mim.miStats(t.mi).liveBlocks;
      if (live !== 2) throw new Error(live + ' blocks live at the end, expected 2 (the two static types)');
      m.rcThreadExit(t);
      heap.close();
      return 'worker released a reference it did not own; the owner merged it from its queue and freed the object';
    `,
    worker: /* js */ `
      const a = await import('@ft/atomics');
      const mim = await import('@ft/mimalloc');
      const heap = a.SharedHeap.attach(data.handle);
      const t = m.rcThreadInit(heap, data.rc, new m.BehaviourRegistry(), { mi: mim.miThreadInit(heap, data.mi, null) });
      m.decref(t, data.op); // shared count 0: queued for the owner
      const flags = m.sharedFlags(t, data.op);
      m.rcThreadExit(t);
      mim.miThreadExit(t.mi);
      heap.close();
      return { flags };
    `,
  },
};

/** The generic part every package gets: import on both threads, same export names. */
function smokeSource(packageName: string, smoke: Smoke | undefined): string {
  return `// Generated by tools/repo/pack-check.ts: smoke test of ${packageName} installed from its tarball.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const NAME = ${JSON.stringify(packageName)};
const m = await import(NAME);

async function mainExtra(m, startWorker) {${smoke?.main ?? '\n      return undefined;\n'}}
async function workerExtra(m, data) {${smoke?.worker ?? '\n      return undefined;\n'}}

function startWorker(kind, data) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { kind, data } });
  const result = new Promise((resolve, reject) => {
    let replied = false;
    worker.once('message', (value) => { replied = true; resolve(value); });
    worker.once('error', reject);
    worker.once('exit', (code) => { if (!replied) reject(new Error('worker exited with code ' + code + ' before replying')); });
  });
  return { worker, result };
}

if (isMainThread) {
  const watchdog = setTimeout(() => { console.error('smoke: timed out after 20 s'); process.exit(1); }, 20000);
  const keys = Object.keys(m).sort();
  if (keys.length === 0) throw new Error(NAME + ' exports nothing');
  const workerKeys = await startWorker('keys').result;
  const missing = keys.filter((k) => !workerKeys.includes(k));
  const extra = workerKeys.filter((k) => !keys.includes(k));
  if (missing.length || extra.length) {
    throw new Error('exports differ between main thread and worker: only on main [' + missing + '], only in worker [' + extra + ']');
  }
  const summary = await mainExtra(m, (data) => startWorker('extra', data));
  clearTimeout(watchdog);
  console.log(JSON.stringify({ exports: keys.length, workerExports: workerKeys.length, summary: summary ?? null }));
} else if (workerData.kind === 'keys') {
  parentPort.postMessage(Object.keys(m).sort());
} else {
  parentPort.postMessage(await workerExtra(m, workerData.data));
}
`;
}

interface Exec {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: string[], cwd: string, timeoutMs = 60_000): Promise<Exec> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: timeoutMs, maxBuffer: 16 << 20, env: { ...process.env, npm_config_update_notifier: 'false' } }, (error, stdout, stderr) => {
      resolve({ ok: !error, stdout: String(stdout), stderr: String(stderr) + (error && !stderr ? String(error.message) : '') });
    });
  });
}

class PackFailure extends Error {}

function fail(message: string, output?: Exec): never {
  const detail = output ? `\n${(output.stdout + output.stderr).trim().split('\n').map((l) => `    ${l}`).join('\n')}` : '';
  throw new PackFailure(`${message}${detail}`);
}

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const pnpm = join(REPO_ROOT, 'node_modules', '.bin', 'pnpm');
const work = mkdtempSync(join(tmpdir(), 'ft-pack-check-'));
const tarballs = new Map<string, string>(); // npm name → tarball path
const started = performance.now();
let failures = 0;

/** The package's `@ft` runtime dependencies, transitively, dependencies first. */
function ftDependencies(packageName: string, seen = new Set<string>()): string[] {
  const dir = dirNameOf(packageName)!;
  const pkg = JSON.parse(readFileSync(join(PACKAGES_DIR, dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const out: string[] = [];
  for (const name of Object.keys(pkg.dependencies ?? {})) {
    if (dirNameOf(name) === undefined || seen.has(name)) continue;
    seen.add(name);
    out.push(...ftDependencies(name, seen), name);
  }
  return out;
}

/**
 * src/*.ts files whose dist/*.js is missing or older. Compared file by file:
 * tsc's incremental build re-emits only what changed, so dist/index.js alone
 * says nothing about the rest.
 */
function staleOutputs(pkgDir: string, dir = 'src'): string[] {
  const out: string[] = [];
  const srcDir = join(pkgDir, dir);
  if (!existsSync(srcDir)) return out;
  for (const name of readdirSync(srcDir)) {
    const path = join(srcDir, name);
    if (statSync(path).isDirectory()) {
      out.push(...staleOutputs(pkgDir, join(dir, name)));
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
      const emitted = join(pkgDir, 'dist', relative('src', dir), name.replace(/\.ts$/, '.js'));
      if (!existsSync(emitted) || statSync(emitted).mtimeMs + 1000 < statSync(path).mtimeMs) out.push(join(dir, name));
    }
  }
  return out;
}

async function checkPackage(dir: string): Promise<string> {
  const pkgDir = join(PACKAGES_DIR, dir);
  const name = packageNameOf(dir);
  if (!isLayerName(dir)) fail(`packages/${dir} is not a layer (see npm run check)`);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as Record<string, any>;
  const importTarget: unknown = pkg.exports?.['.']?.import;
  if (typeof importTarget !== 'string') fail(`${name}: package.json has no exports["."].import`);
  if (!existsSync(join(pkgDir, 'dist')) || !existsSync(join(pkgDir, importTarget))) {
    fail(`${name}: ${relative(REPO_ROOT, join(pkgDir, importTarget))} is missing; run \`pnpm run build\` first`);
  }
  // A stale dist/ would pass or fail for the wrong reasons; say so, but do not
  // fail (mtimes are only a hint: a checkout can reorder them).
  const stale = staleOutputs(pkgDir);
  if (stale.length > 0) {
    const shown = stale.slice(0, 3).join(', ') + (stale.length > 3 ? ` and ${stale.length - 3} more` : '');
    console.log(`  warning: ${name}: dist/ is older than ${shown}; run \`pnpm run build\``);
  }

  const packDir = join(work, 'tarballs', dir);
  mkdirSync(packDir, { recursive: true });
  const packed = await run(pnpm, ['pack', '--pack-destination', packDir], pkgDir);
  const tarball = readdirSync(packDir).find((f) => f.endsWith('.tgz'));
  if (!packed.ok || tarball === undefined) fail(`${name}: pnpm pack failed`, packed);
  const tarballPath = join(packDir, tarball);
  tarballs.set(name, tarballPath);

  const deps = ftDependencies(name);
  const missingDeps = deps.filter((d) => !tarballs.has(d));
  if (missingDeps.length > 0) fail(`${name}: dependencies ${missingDeps.join(', ')} were not packed (failed earlier, or not in layer order)`);

  const project = join(work, 'install', dir);
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: `ft-pack-check-${dir}`, private: true, type: 'module' }, null, 2));
  const installArgs = ['install', '--no-audit', '--no-fund', '--no-package-lock', ...deps.map((d) => tarballs.get(d)!), tarballPath];
  let installed = await run('npm', [...installArgs, '--offline'], project);
  // --offline only forbids the registry; if some npm version refuses it for
  // local tarballs, fall back to a normal install of the same local files.
  if (!installed.ok && /ENOTCACHED|offline/i.test(installed.stderr)) installed = await run('npm', installArgs, project);
  if (!installed.ok) fail(`${name}: npm install of the tarball failed`, installed);

  // Every file the installed export map names must be in the tarball ("source"
  // is the workspace-only condition that points at src/, which is not shipped).
  const installedDir = join(project, 'node_modules', ...name.split('/'));
  const installedPkg = JSON.parse(readFileSync(join(installedDir, 'package.json'), 'utf8')) as Record<string, any>;
  const targets: [string, unknown][] = [...Object.entries(installedPkg.exports?.['.'] ?? {}), ['types', installedPkg.types]];
  for (const [condition, target] of targets) {
    if (condition === 'source' || typeof target !== 'string') continue;
    if (!existsSync(join(installedDir, target))) fail(`${name}: the tarball lacks ${target} (exports condition "${condition}"); check "files" in package.json`);
  }
  for (const [field, entries] of Object.entries({ dependencies: installedPkg.dependencies, peerDependencies: installedPkg.peerDependencies })) {
    for (const [dep, range] of Object.entries((entries ?? {}) as Record<string, string>)) {
      if (range.startsWith('workspace:')) fail(`${name}: packed ${field} still says ${dep}@${range}`);
    }
  }

  const smoke = SMOKES[name];
  writeFileSync(join(project, 'smoke.mjs'), smokeSource(name, smoke));
  const ran = await run(process.execPath, ['smoke.mjs'], project, 30_000);
  if (!ran.ok) fail(`${name}: smoke test failed`, ran);
  const lastLine = ran.stdout.trim().split('\n').pop() ?? '';
  const report = JSON.parse(lastLine) as { exports: number; workerExports: number; summary: string | null };
  const size = (statSync(tarballPath).size / 1024).toFixed(1);
  const parts = [`packed ${size} KiB`, `installed${deps.length ? ` with ${deps.join(', ')}` : ' alone'}`, `${report.exports} exports on main thread and worker`];
  if (smoke) parts.push(`${smoke.description}: ${report.summary ?? 'ok'}`);
  return parts.join(' · ');
}

try {
  const dirs = listPackageDirs();
  if (dirs.length === 0) {
    console.log('pack:check: no packages under packages/');
  }
  for (const dir of dirs) {
    const t0 = performance.now();
    console.log(`pack:check: ${packageNameOf(dir)} …`);
    try {
      const summary = await checkPackage(dir);
      console.log(`  ✓ ${summary} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failures++;
      console.log(`  ✗ ${error instanceof PackFailure ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (failures > 0) {
    console.log(`pack:check: ${failures} of ${dirs.length} package${dirs.length === 1 ? '' : 's'} failed (${seconds} s)`);
    process.exitCode = 1;
  } else {
    console.log(`pack:check: ${dirs.length} package${dirs.length === 1 ? '' : 's'} install and run from their tarballs (${seconds} s)`);
  }
} finally {
  if (keep) console.log(`pack:check: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
