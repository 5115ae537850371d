export * from './bench.js';
export * from './control-block.js';
export * from './random.js';
export * from './run-scenario.js';
export * from './scenario.js';
export * from './worker-runtime.js';
export * from './spawn-worker.js';
export * from './working-set.js';
