/**
 * Starts one worker thread that runs a TypeScript module from source, for
 * scripted interleavings in unit tests (the stress runner and the benchmark
 * runner start theirs the same way). The module reads `workerData.data`.
 */

import { Worker } from 'node:worker_threads';

const BOOT_URL = new URL('./worker-boot.mjs', import.meta.url);

export function spawnTsWorker(module: URL, data: unknown): Worker {
  return new Worker(BOOT_URL, { workerData: { entry: module.href, data }, execArgv: ['--conditions=source'] });
}

/** Resolves with the worker's first message; rejects on error or an exit without one. */
export function nextMessage<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: T): void => {
      cleanup();
      resolve(message);
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`worker exited with code ${code} before posting a message`));
    };
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
