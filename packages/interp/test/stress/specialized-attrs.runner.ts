/**
 * Runs a Python program as `ft prog.py` does, from the TypeScript sources
 * and with Python threads (run-program.ts runs threads only from the built
 * package): the pooled workers boot through the harness's TypeScript
 * loader and resolve the packages' sources, and every thread loads
 * specialized-attrs.slots.ts (the controls' seams). Usage, from
 * packages/interp: `node --import tsx --conditions=source
 * test/stress/specialized-attrs.runner.ts prog.py [args]`.
 */

import { createRuntime } from '../../src/runtime/runtime.js';
import { createInterpreter } from '../../src/vm/interpreter.js';
import { registeredModules } from '../../src/vm/slots.js';
import { mainPathEntry, runMain, waitForThreadShutdown } from '../../src/vm/run-main.js';
import { fdSink } from '../../src/vm/fd-sink.js';
import { resolveConfig } from '../../src/cli/config.js';

const THREAD_BODIES = new URL('../../src/vm/python-thread.ts', import.meta.url);
const SLOTS = new URL('./specialized-attrs.slots.ts', import.meta.url);
const LOADER = new URL('../../../../tools/harness/src/worker-boot.mjs', import.meta.url);

async function run(path: string, args: readonly string[]): Promise<number> {
  const out = fdSink(1, 'block');
  const err = fdSink(2, 'unbuffered');
  const config = resolveConfig([], {});
  const runtime = await createRuntime({
    heapSize: 512 << 20,
    threadBodies: THREAD_BODIES,
    slotsModule: SLOTS,
    workerLoader: LOADER,
    workerExecArgv: ['--conditions=source'],
  });
  let code = 1;
  try {
    const source = { path };
    const vm = createInterpreter(runtime.t, registeredModules(), {
      argv: [path, ...args],
      path: [mainPathEntry(source)],
      stdout: out,
      stderr: err,
      gil: runtime.gilEnabled,
      xoptions: [],
      participant: runtime.objects.participant,
      tlbc: config.tlbc,
      interpState: runtime.interp,
      threadId: 1,
      startThread: (body, arg, o) => runtime.startThread(body, arg, o),
    });
    code = runMain(vm, source);
    waitForThreadShutdown(vm);
    out.flush();
    vm.ds.release();
  } finally {
    await runtime.close();
  }
  out.flush();
  return code;
}

const [path, ...args] = process.argv.slice(2);
if (path === undefined) throw new Error('specialized-attrs.runner: give a program');
process.exitCode = await run(path, args);
