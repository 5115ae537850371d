/**
 * `ft`'s standard output as a pipe meets it (a child process of bin/ft.mjs
 * over the built package): a slow reader loses nothing, even with the pipe
 * in non-blocking mode; a reader that goes away early gives CPython 3.13's
 * BrokenPipeError, its exit-time report and its exit codes, never a fatal
 * error. Expectations are CPython 3.13's (checked by hand with
 * `python3.13 -c … | head -1`, `PYTHONUNBUFFERED` unset).
 */

import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const FT = fileURLToPath(new URL('../bin/ft.mjs', import.meta.url));

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number | null;
}

/**
 * Runs `node args…`; `reader` decides what the parent does with the pipe:
 * read it all after a pause, or close it at once / after the first chunk.
 */
function run(args: readonly string[], reader: { pauseMs?: number; close?: 'at-once' | 'after-first-chunk' }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.PYTHONUNBUFFERED;
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    if (reader.close === 'at-once') child.stdout.destroy();
    else {
      child.stdout.setEncoding('utf8').on('data', (s: string) => {
        stdout += s;
        if (reader.close === 'after-first-chunk') child.stdout.destroy();
      });
      if (reader.pauseMs !== undefined) {
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), reader.pauseMs);
      }
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, status });
    });
  });
}

const MANY_LINES = 'for i in range(100000): print(i)';

describe("ft's standard output on a pipe", () => {
  it('a slow reader gets every line, also when the pipe is in non-blocking mode (EAGAIN is waited out)', async () => {
    // A real pipe (a shell's), whose reader starts a second late. Touching process.stdout first
    // makes Node put the pipe in non-blocking mode, as any other process sharing it may have done:
    // ft must wait out EAGAIN and partial writes.
    const wrapper = `process.stdout.isTTY; await import(${JSON.stringify(pathToFileURL(FT).href)});`;
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const writer = [process.execPath, '--input-type=module', '-e', wrapper, 'argv0', '-c', MANY_LINES].map(quote).join(' ');
    const r = await run(['-e', `require('child_process').spawn('sh', ['-c', ${JSON.stringify(`(${writer}; echo "status $?" >&2) | (sleep 1; wc -l)`)}], { stdio: 'inherit' }).on('close', (c) => process.exit(c))`], {});
    expect(r.stderr).toBe('status 0\n');
    expect(r.stdout.trim()).toBe('100000');
  });

  it('a reader that goes away: BrokenPipeError at the print, exit 1, no fatal error', async () => {
    const r = await run([FT, '-c', `\n${MANY_LINES}`], { close: 'after-first-chunk' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'Traceback (most recent call last):\n  File "<string>", line 2, in <module>\n    for i in range(100000): print(i)\n                            ~~~~~^^^\nBrokenPipeError: [Errno 32] Broken pipe\n',
    );
  });

  it('output left at exit with no reader: "Exception ignored on flushing sys.stdout" and exit 120', async () => {
    const r = await run([FT, '-c', "import time; time.sleep(0.3); print('hi')"], { close: 'at-once' });
    expect(r.stderr).toBe('Exception ignored on flushing sys.stdout:\nBrokenPipeError: [Errno 32] Broken pipe\n');
    expect(r.status).toBe(120);
  });

  it('BrokenPipeError can be caught: errno 32, and the program ends normally', async () => {
    const code = `
import sys
try:
    for i in range(100000): print(i)
except BrokenPipeError as e:
    print('caught', repr(e), e.errno, isinstance(e, OSError), file=sys.stderr)
`;
    const r = await run([FT, '-c', code], { close: 'after-first-chunk' });
    expect(r.stderr).toBe("caught BrokenPipeError(32, 'Broken pipe') 32 True\n");
    expect(r.status).toBe(0);
  });
});
