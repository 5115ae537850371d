/**
 * The repository's examples (examples/*.py at the root: a parallel map on a
 * thread pool, a queue pipeline, a shared dict under a Lock, a weakref
 * cache): each runs with the built `ft` command in a child process, as the
 * examples' README tells users to, and its stdout must equal what CPython
 * 3.13 printed (examples/expected/<name>.txt, written once with
 * python3.13; CI never runs CPython), with empty stderr and exit code 0,
 * free-threaded and again with a GIL (`-X gil=1`): the same output.
 * The examples start threads, so they need the built package (pooled
 * workers load built modules; `npm test` builds first).
 */

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runNode } from './spawn.js';

const EXAMPLES_DIR = fileURLToPath(new URL('../../../examples/', import.meta.url));
const FT = fileURLToPath(new URL('../bin/ft.mjs', import.meta.url));

/** How long one example may take (seconds on ft, on two loaded cores). */
const EXAMPLE_TIMEOUT_MS = 120_000;

const examples = readdirSync(EXAMPLES_DIR)
  .filter((name) => name.endsWith('.py'))
  .map((name) => name.slice(0, -'.py'.length))
  .sort();

describe('examples (CPython 3.13 outputs)', () => {
  it('has an expected output for every example and an example for every expected output', () => {
    const expected = readdirSync(`${EXAMPLES_DIR}expected/`)
      .filter((name) => name.endsWith('.txt'))
      .map((name) => name.slice(0, -'.txt'.length))
      .sort();
    expect(examples.length).toBeGreaterThanOrEqual(4);
    expect(expected).toEqual(examples);
  });

  for (const name of examples) {
    for (const mode of ['free-threaded', 'with a GIL (-X gil=1)'] as const) {
      it(
        `${name}, ${mode}`,
        async () => {
          const expected = readFileSync(`${EXAMPLES_DIR}expected/${name}.txt`, 'utf8');
          const options = mode === 'free-threaded' ? [] : ['-X', 'gil=1'];
          const r = await runNode([FT, ...options, `examples/${name}.py`], {
            cwd: fileURLToPath(new URL('../../../', import.meta.url)),
            timeoutMs: EXAMPLE_TIMEOUT_MS,
          });
          expect(r.stderr).toBe('');
          expect(r.stdout).toBe(expected);
          expect(r.status).toBe(0);
        },
        EXAMPLE_TIMEOUT_MS,
      );
    }
  }
});
