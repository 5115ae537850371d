/**
 * The child process of the VM benchmarks (vm.bench.ts): one Python
 * implementation that lives in JavaScript, loaded once, then asked over the
 * IPC channel to run kernels. `node vm-child.ts pyodide` loads Pyodide with
 * `loadPyodide()`; `node vm-child.ts ft` imports ft's `runProgram` and runs
 * `pass` with it once (ft is unavailable until that works). Each
 * kernel times itself inside Python (time.perf_counter around its work), so
 * loading the interpreter and compiling the kernel are never in the figure.
 *
 * A child rather than the bench runner's own process, so that neither peer
 * shares a heap, a JIT or a garbage collector with the runner or the other.
 */

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** What the runner asks for. */
export type VmChildRequest =
  | { readonly id: number; readonly kind: 'run'; readonly path: string; readonly argv: readonly string[]; readonly xoptions: readonly string[] }
  | { readonly id: number; readonly kind: 'pass' };

/** What the child answers: a kernel's output, or why it could not run. */
export type VmChildReply =
  | { readonly id: number; readonly ok: true; readonly stdout: string; readonly stderr: string; readonly exitCode: number; readonly wallMs: number }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** The child's first message: the implementation is loaded (and how long that took), or it failed to load. */
export type VmChildHello = { readonly kind: 'ready'; readonly loadMs: number; readonly version: string } | { readonly kind: 'unavailable'; readonly error: string };

/** One Python implementation, as the child drives it. */
interface Runner {
  readonly version: string;
  run(path: string, argv: readonly string[], xoptions: readonly string[]): Promise<{ stdout: string; stderr: string; exitCode: number }>;
  /** Runs the empty program `pass`. */
  pass(): Promise<void>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function loadPyodideRunner(): Promise<Runner> {
  const { loadPyodide } = await import('pyodide');
  const py = await loadPyodide();
  let out: string[] = [];
  let err: string[] = [];
  py.setStdout({ batched: (line: string) => out.push(line) });
  py.setStderr({ batched: (line: string) => err.push(line) });
  return {
    version: `Pyodide ${py.version}`,
    async run(path, argv, xoptions) {
      if (xoptions.length > 0) throw new Error(`Pyodide takes no -X options (asked for ${xoptions.join(' ')})`);
      const source = readFileSync(path, 'utf8');
      out = [];
      err = [];
      // A fresh module namespace per run, named __main__ as a script's is, so
      // that one kernel's globals never leak into the next run.
      const globals = py.toPy({ __name__: '__main__', __file__: path });
      try {
        py.runPython(`import sys\nsys.argv = ${JSON.stringify([path, ...argv])}`);
        py.runPython(source, { globals, filename: path });
        return { stdout: out.map((line) => `${line}\n`).join(''), stderr: err.map((line) => `${line}\n`).join(''), exitCode: 0 };
      } catch (error) {
        // A Python exception arrives as a PythonError whose message is the traceback.
        return { stdout: out.map((line) => `${line}\n`).join(''), stderr: describe(error), exitCode: 1 };
      } finally {
        globals.destroy();
      }
    },
    async pass() {
      py.runPython('pass');
    },
  };
}

async function loadFtRunner(): Promise<Runner> {
  const { runProgram } = await import('../src/cli/run-program.js');
  const runner: Runner = {
    version: 'ft',
    run: (path, argv, xoptions) => runProgram({ path, argv, xoptions }),
    async pass() {
      const result = await runProgram({ code: 'pass' });
      if (result.exitCode !== 0) throw new Error(`ft -c pass exited with ${result.exitCode}: ${result.stderr}`);
    },
  };
  // ft counts as loaded once it runs the empty program: until then it is not
  // available (the VM not built yet), and after that a kernel that makes
  // runProgram throw is a bug to report as such.
  await runner.pass();
  return runner;
}

async function main(): Promise<void> {
  const send = (message: VmChildHello | VmChildReply): void => {
    process.send!(message);
  };
  const which = process.argv[2];
  if (process.send === undefined) throw new Error('vm-child.ts: start me with child_process.fork (I answer over the IPC channel)');
  let runner: Runner;
  const t0 = performance.now();
  try {
    if (which === 'pyodide') runner = await loadPyodideRunner();
    else if (which === 'ft') runner = await loadFtRunner();
    else throw new Error(`vm-child.ts: unknown implementation '${String(which)}' (pyodide or ft)`);
  } catch (error) {
    send({ kind: 'unavailable', error: describe(error) });
    process.disconnect();
    return;
  }
  send({ kind: 'ready', loadMs: performance.now() - t0, version: runner.version });

  // One request at a time: the runner waits for each answer before asking again.
  process.on('message', (request: VmChildRequest) => {
    void (async () => {
      const start = performance.now();
      try {
        if (request.kind === 'pass') {
          await runner.pass();
          send({ id: request.id, ok: true, stdout: '', stderr: '', exitCode: 0, wallMs: performance.now() - start });
        } else {
          const result = await runner.run(request.path, request.argv, request.xoptions);
          send({ id: request.id, ok: true, ...result, wallMs: performance.now() - start });
        }
      } catch (error) {
        send({ id: request.id, ok: false, error: describe(error) });
      }
    })();
  });
  // The runner going away (its process ended) ends this one.
  process.on('disconnect', () => process.exit(0));
}

await main();
