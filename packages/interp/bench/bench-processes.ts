/**
 * The processes the interpreter benchmarks compare: CPython 3.13 (found once)
 * and the built `ft` command, each run as a child process with its output
 * and wall time collected.
 */

import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** One run may take this long (ft before specialization may be slow; a hang must not stall the bench). */
const RUN_TIMEOUT_MS = 600_000;
const INTERP_PACKAGE_JSON = fileURLToPath(new URL('../package.json', import.meta.url));

/** The python3.13 to compare with (`FT_PYTHON`, pyenv's 3.13.0, `python3.13` on the PATH), or why there is none. */
let pythonFound: { python: string } | { missing: string } | undefined;

export function findPython(): { python: string } | { missing: string } {
  if (pythonFound !== undefined) return pythonFound;
  const candidates: string[] = [];
  if (process.env.FT_PYTHON) candidates.push(process.env.FT_PYTHON);
  const root = spawnSync('pyenv', ['root'], { encoding: 'utf8' });
  if (root.status === 0) candidates.push(`${root.stdout.trim()}/versions/3.13.0/bin/python3`);
  candidates.push('python3.13');
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import sys; print(sys.version_info[:2] == (3, 13))'], { encoding: 'utf8' });
    if (probe.status === 0 && probe.stdout.trim() === 'True') return (pythonFound = { python });
  }
  return (pythonFound = { missing: `skipped: no python3.13 here (tried ${candidates.join(', ')}; set FT_PYTHON)` });
}

export function requirePython(): string {
  const found = findPython();
  if ('missing' in found) throw new Error(found.missing);
  return found.python;
}

export function runProcess(command: string, args: readonly string[]): Promise<{ stdout: string; wallMs: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    execFile(command, args, { encoding: 'utf8', timeout: RUN_TIMEOUT_MS, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const wallMs = performance.now() - start;
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr.slice(-2000)}`));
      else resolve({ stdout, wallMs });
    });
  });
}

/** The file `ft` runs as, from @ft/interp's package.json `bin`, or null while there is none. */
export function ftBin(): string | null {
  const pkg = JSON.parse(readFileSync(INTERP_PACKAGE_JSON, 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.ft;
  if (bin === undefined) return null;
  const path = fileURLToPath(new URL(bin, pathToFileURL(INTERP_PACKAGE_JSON)));
  return existsSync(path) ? path : null;
}
