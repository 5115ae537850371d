/**
 * `@ft/interp`: layer 8 of ft, the interpreter: the compiler and the VM
 * ({@link runProgram} runs a Python program in-process), and the
 * runtime (`pylifecycle.c`, `pystate.c`): configuration, the interpreter
 * state, and Python threads on pooled worker threads that run at the same
 * time, each with a thread state of its own, joined and finalized as
 * CPython's.
 *
 * @packageDocumentation
 */

export { DEFAULT_MAX_THREADS, DEFAULT_MAX_WORKERS, INTERP_LAYOUT_VERSION } from './layout.js';
export { ConfigError, readConfig, type RuntimeConfig, type RuntimeConfigInput } from './runtime/options.js';
export { type ThreadBodies, type ThreadBody, type ThreadContext } from './runtime/thread-bodies.js';
export { joinThread, ThreadHandle, type StartThreadOptions } from './runtime/thread-handle.js';
export { type WorkerLaunch } from './runtime/worker-pool.js';
export { createRuntime, Runtime, type RuntimeOptions } from './runtime/runtime.js';
export { runtimeStats, type RuntimeStats } from './runtime/runtime-stats.js';
export { GIL_DEFAULT_SWITCH_INTERVAL } from './runtime/gil.js';
export { setAsyncExc } from './runtime/async-exc.js';
export { runProgram, type ProgramResult, type RunProgramOptions } from './cli/run-program.js';
