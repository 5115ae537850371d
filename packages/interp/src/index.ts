/**
 * `@ft/interp`: layer 8 of ft, the interpreter. This first part is the
 * runtime (`pylifecycle.c`, `pystate.c`): configuration, the interpreter
 * state, and Python threads on pooled worker threads that run at the same
 * time, joined and finalized as CPython's.
 *
 * @packageDocumentation
 */

export { DEFAULT_MAX_THREADS, DEFAULT_MAX_WORKERS, INTERP_LAYOUT_VERSION } from './layout.js';
export { ConfigError, readConfig, type RuntimeConfig, type RuntimeConfigInput } from './runtime/options.js';
export { type ThreadBodies, type ThreadBody, type ThreadContext } from './runtime/thread-bodies.js';
export { createRuntime, joinThread, Runtime, ThreadHandle, type RuntimeOptions, type SpawnWorker, type StartThreadOptions } from './runtime/runtime.js';
