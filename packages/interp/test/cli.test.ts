/**
 * The `ft` command as a user runs it (a child process of bin/ft.mjs over
 * the built package): output, exit codes (0, 1 for an uncaught exception,
 * 2 for a bad command line or a missing file, SystemExit's), `-X` and the
 * environment; expectations are CPython 3.13's behaviour.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FT = fileURLToPath(new URL('../bin/ft.mjs', import.meta.url));

function ft(args: string[], env: Record<string, string> = {}): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [FT, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('the ft command', () => {
  it('ft -c runs code with sys.argv as CPython gives it', () => {
    const r = ft(['-c', 'import sys; print(sys.argv, 6 * 7)', 'a', 'b']);
    expect(r).toEqual({ stdout: "['-c', 'a', 'b'] 42\n", stderr: '', status: 0 });
  });

  it('ft run file and ft file run a script with its arguments; an uncaught exception prints a traceback and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ft-cli-'));
    const file = join(dir, 'prog.py');
    writeFileSync(file, 'import sys\nprint(sys.argv[1:])\ndef f():\n    return 1 / 0\nf()\n');
    for (const args of [['run', file, 'x'], [file, 'x']]) {
      const r = ft(args);
      expect(r.stdout).toBe("['x']\n");
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`File "${file}", line 5, in <module>`);
      expect(r.stderr.endsWith('ZeroDivisionError: division by zero\n')).toBe(true);
    }
  });

  it("-c code is shown in tracebacks as CPython 3.13 shows it: every '<string>' frame's line comes from it", () => {
    // CPython 3.13's output for the same command, an exec'd string's frame included (its line 2 is -c's).
    const r = ft(['-c', "\ndef f():\n    exec('x=1\\n1/0')\nf()"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      [
        'Traceback (most recent call last):',
        '  File "<string>", line 4, in <module>',
        '    f()',
        '    ~^^',
        '  File "<string>", line 3, in f',
        "    exec('x=1\\n1/0')",
        '    ~~~~^^^^^^^^^^^^',
        '  File "<string>", line 2, in <module>',
        '    def f():',
        '    ^^^',
        'ZeroDivisionError: division by zero',
        '',
      ].join('\n'),
    );
  });

  it('exit codes: SystemExit(3) is 3, a message goes to stderr with 1, a missing file is 2', () => {
    expect(ft(['-c', 'raise SystemExit(3)']).status).toBe(3);
    expect(ft(['-c', 'import sys; sys.exit("bye")'])).toEqual({ stdout: '', stderr: 'bye\n', status: 1 });
    const missing = ft(['no-such-file.py']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe("ft: can't open file 'no-such-file.py': [Errno 2] No such file or directory\n");
  });

  it('-X gil and PYTHON_GIL set sys._is_gil_enabled(); a bad value is refused', () => {
    expect(ft(['-c', 'import sys; print(sys._is_gil_enabled())']).stdout).toBe('False\n');
    expect(ft(['-X', 'gil=1', '-c', 'import sys; print(sys._is_gil_enabled())']).stdout).toBe('True\n');
    expect(ft(['-c', 'import sys; print(sys._is_gil_enabled())'], { PYTHON_GIL: '1' }).stdout).toBe('True\n');
    const bad = ft(['-X', 'gil=2', '-c', 'pass']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('gil');
  });

  it('--stats prints, after the program, what the runtime did: memory, refcount, QSBR, GC with its pauses', () => {
    // A cycle for the collector, garbage for the free lists, one explicit collection.
    const r = ft(['--stats', '-c', 'import gc\ngc.disable()\nfor i in range(1000):\n    a = []; a.append(a)\nprint(gc.collect() >= 999)']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('True\n');
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe('ft --stats');
    for (const label of ['memory', 'refcount', 'qsbr', 'gc', 'run']) expect(lines.some((l) => l.trimStart().startsWith(label + ' '))).toBe(true);
    const gcLine = lines.find((l) => l.trimStart().startsWith('gc '))!;
    const collected = Number(/: ([\d,]+) objects freed/.exec(gcLine)![1]!.replace(/,/g, ''));
    expect(collected).toBeGreaterThanOrEqual(999);
    const pauses = lines.find((l) => l.includes('stop-the-world pauses'))!;
    expect(Number(/([\d,]+) stop-the-world pauses/.exec(pauses)![1])).toBeGreaterThanOrEqual(2);
    // Without the option, nothing of it.
    expect(ft(['-c', 'pass']).stderr).toBe('');
  });

  it('a bad option prints the usage and exits 2', () => {
    const r = ft(['--no-such-option']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: ft');
  });
});
