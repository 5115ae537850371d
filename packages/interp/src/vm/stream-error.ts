/**
 * A write the operating system refused on a standard stream (EPIPE: the
 * reader of the pipe is gone), and how Python code meets it: CPython's
 * `OSError(errno, strerror)`, which is `BrokenPipeError` for EPIPE.
 */

import { errSetObject, intFromNumber, StaticType, strFromJs, tupleFromArray, type ObThread } from '@ft/objects';
import { decref } from '@ft/refcount';

/**
 * A refused write: `errno` and `strerror` as CPython's `OSError` carries
 * them (`BrokenPipeError: [Errno 32] Broken pipe`).
 */
export class StreamWriteError extends Error {
  constructor(
    readonly errno: number,
    readonly strerror: string,
  ) {
    super(`[Errno ${errno}] ${strerror}`);
    this.name = 'StreamWriteError';
  }
}

/**
 * Raises a refused write as CPython's `OSError(errno, strerror)` (which
 * `OSError`'s constructor turns into `BrokenPipeError` for EPIPE); 0.
 * Anything else thrown is not a stream's error and is thrown on.
 */
export function raiseStreamWriteError(t: ObThread, error: unknown): 0 {
  if (!(error instanceof StreamWriteError)) throw error;
  const errno = intFromNumber(t, error.errno);
  const strerror = strFromJs(t, error.strerror);
  const args = errno === 0 || strerror === 0 ? 0 : tupleFromArray(t, [errno, strerror]);
  if (errno !== 0) decref(t.rc, errno);
  if (strerror !== 0) decref(t.rc, strerror);
  if (args === 0) return 0;
  errSetObject(t, t.types[StaticType.OSError]!, args);
  decref(t.rc, args);
  return 0;
}
