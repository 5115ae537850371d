/**
 * An output sink writing to a file descriptor (CPython's buffered text
 * streams over fd 1 and 2): unbuffered (stderr), line-buffered (a
 * terminal, or once Python threads run: their lines then interleave as
 * written), or block-buffered (a pipe or file, flushed at 64 KiB and at
 * exit).
 */

import { writeSync } from 'node:fs';
import type { OutputSink } from './interp-state.js';

export function fdSink(fd: number, mode: 'unbuffered' | 'line' | 'block'): OutputSink {
  let buffer = '';
  const flush = (): void => {
    if (buffer === '') return;
    const text = buffer;
    buffer = '';
    writeSync(fd, text);
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
