/**
 * Helpers for the scripted (step-by-step) tests: every wait on a worker has a
 * deadline, so a lost message fails the test instead of hanging it.
 */

import type { Worker } from 'node:worker_threads';

/** How long one scripted step may take. */
export const STEP_TIMEOUT_MS = 60_000;

/** `promise`, or a rejection naming `what` after {@link STEP_TIMEOUT_MS}. */
export function within<T>(promise: Promise<T>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Resolves with the exit code once the worker thread has ended. */
export function exited(worker: Worker): Promise<number> {
  return new Promise((resolve) => worker.once('exit', resolve));
}
