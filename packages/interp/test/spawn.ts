/**
 * How the tests start pooled workers: the harness's TypeScript loader for
 * the worker module, and the packages below as the test process itself
 * loads them (their built `dist`, which `npm test` builds first): both
 * sides must register the same behaviours in the same order.
 */
import { Worker } from 'node:worker_threads';

const BOOT = new URL('../../../tools/harness/src/worker-boot.mjs', import.meta.url);

export function spawnWorker(entry: URL, boot: unknown): Worker {
  return new Worker(BOOT, { workerData: { entry: entry.href, data: boot } });
}
