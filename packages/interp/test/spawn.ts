/**
 * How the tests start pooled workers: the harness's TypeScript loader as
 * the workers' entry, and the packages below as the test process itself
 * loads them (their built `dist`, which `npm test` builds first): both
 * sides must register the same behaviours in the same order.
 */
export const workerLoader = new URL('../../../tools/harness/src/worker-boot.mjs', import.meta.url);

import { spawn } from 'node:child_process';

/** What a child process printed and how it ended. */
export interface ChildResult {
  readonly stdout: string;
  readonly stderr: string;
  /** The exit code; null when it was killed (a timeout). */
  readonly status: number | null;
}

/**
 * Runs `node args…` in a child process and collects its output, without
 * blocking this process's event loop (a test worker whose loop is blocked
 * for a minute, as a long synchronous spawn on a loaded machine does,
 * misses vitest's own messages); killed after `timeoutMs`.
 */
export function runNode(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, status });
    });
  });
}
