// Entry point of every stress and benchmark worker: installs the TypeScript
// loader (workers cannot take `--import` hooks from execArgv on Node 20) and
// then runs the worker module named in workerData. Plain JavaScript on purpose.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
