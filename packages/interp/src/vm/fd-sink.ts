/**
 * An output sink writing to a file descriptor (CPython's buffered text
 * streams over fd 1 and 2): unbuffered (stderr), line-buffered (a
 * terminal, or once Python threads run: their lines then interleave as
 * written), or block-buffered (a pipe or file, flushed at 64 KiB and at
 * exit).
 *
 * Writes are whole: a descriptor in non-blocking mode (a pipe whose reader
 * is slow; Node or another process may have set O_NONBLOCK on the shared
 * open file) answers EAGAIN or writes part of the bytes, and the rest is
 * written once it can take more, as CPython's blocking `write` loop does.
 * A write the descriptor refuses (EPIPE: the reader is gone) drops what was
 * buffered and throws a `StreamWriteError`; stderr's sink swallows it,
 * as CPython ignores errors writing its own reports to stderr.
 */

import { writeSync } from 'node:fs';
import type { OutputSink } from './interp-state.js';
import { StreamWriteError } from './stream-error.js';

/** Linux's errno and `strerror` text for the write errors a stream meets, by Node's code. */
const WRITE_ERRORS: Readonly<Record<string, readonly [number, string]>> = {
  EPIPE: [32, 'Broken pipe'],
  EBADF: [9, 'Bad file descriptor'],
  EIO: [5, 'Input/output error'],
  ENOSPC: [28, 'No space left on device'],
  EFBIG: [27, 'File too large'],
  EDQUOT: [122, 'Disk quota exceeded'],
  EINVAL: [22, 'Invalid argument'],
};

/** Waits between attempts on a full non-blocking descriptor. */
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `bytes` to `fd`, waiting out EAGAIN (1 ms, then up to 16 ms between attempts). */
function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  let waitMs = 1;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
      waitMs = 1;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'EINTR') {
        Atomics.wait(pause, 0, 0, waitMs);
        waitMs = Math.min(waitMs * 2, 16);
        continue;
      }
      const known = code === undefined ? undefined : WRITE_ERRORS[code];
      if (known !== undefined) throw new StreamWriteError(known[0], known[1]);
      throw error;
    }
  }
}

export function fdSink(fd: number, mode: 'unbuffered' | 'line' | 'block'): OutputSink {
  let buffer = '';
  const flush = (): void => {
    if (buffer === '') return;
    const text = buffer;
    // Dropped whether or not the write succeeds: after a broken pipe, CPython's stream does not
    // raise the same error again for the same text at the next flush or at exit.
    buffer = '';
    try {
      writeAll(fd, Buffer.from(text, 'utf8'));
    } catch (error) {
      if (fd === 2 && error instanceof StreamWriteError) return;
      throw error;
    }
  };
  const sink: OutputSink = {
    lineMode: mode === 'line',
    write(text: string) {
      buffer += text;
      if (mode === 'unbuffered' || buffer.length > 1 << 16 || (sink.lineMode === true && text.includes('\n'))) flush();
    },
    flush,
  };
  return sink;
}
