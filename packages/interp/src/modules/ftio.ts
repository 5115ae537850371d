/**
 * `_ftio`: what `sys.stdout` and `sys.stderr` write through (CPython's
 * `_io.TextIOWrapper` over `FileIO`, reduced to text written to the
 * interpreter's sinks). The stream class itself is Python
 * (`STREAM_CLASS_SOURCE`, run by the interpreter at start-up) so that
 * instances have attributes and a `__dict__` as users expect.
 */

import { errRaise, intAsNumber, intFromNumber, METH_FASTCALL, StaticType, strToJs, TPFLAGS_UNICODE_SUBCLASS, typeHasFlag, typeNameOf, typeOf, type ObThread } from '@ft/objects';
import { incref } from '@ft/refcount';
import { raiseStreamWriteError } from '../vm/stream-error.js';
import { interpOf } from '../vm/interp-state.js';
import type { ModuleDef } from './module-def.js';

function sinkOf(t: ObThread, fd: number) {
  const interp = interpOf(t);
  return fd === 2 ? interp.stderr : interp.stdout;
}

/** `_ftio.write(fd, text)`: the number of characters written. */
function write(t: ObThread, _self: number, args: number, nargs: number): number {
  if (nargs !== 2) return errRaise(t, StaticType.TypeError, `write expected 2 arguments, got ${nargs}`);
  const fd = intAsNumber(t, t.u32[args >>> 2]!);
  const s = t.u32[(args >>> 2) + 1]!;
  if (!typeHasFlag(t, typeOf(t, s), TPFLAGS_UNICODE_SUBCLASS)) return errRaise(t, StaticType.TypeError, `write() argument must be str, not ${typeNameOf(t, s)}`);
  const text = strToJs(t, s);
  try {
    sinkOf(t, fd).write(text);
  } catch (error) {
    return raiseStreamWriteError(t, error);
  }
  return intFromNumber(t, text.length);
}

/** `_ftio.flush(fd)`. */
function flush(t: ObThread, _self: number, args: number, nargs: number): number {
  if (nargs !== 1) return errRaise(t, StaticType.TypeError, `flush expected 1 argument, got ${nargs}`);
  try {
    sinkOf(t, intAsNumber(t, t.u32[args >>> 2]!)).flush();
  } catch (error) {
    return raiseStreamWriteError(t, error);
  }
  incref(t.rc, t.none);
  return t.none;
}

export const FTIO_MODULE: ModuleDef = {
  name: '_ftio',
  functions: [
    { name: 'write', flags: METH_FASTCALL, fn: write },
    { name: 'flush', flags: METH_FASTCALL, fn: flush },
  ],
};

/** The standard streams' class and `sys.version_info`'s, run in the `_ftio` module's namespace. */
export const STREAM_CLASS_SOURCE = `
class TextIOWrapper:
    def __init__(self, fd, name):
        self._fd = fd
        self.name = name
        self.encoding = 'utf-8'
        self.errors = 'strict'
    def write(self, s):
        return write(self._fd, s)
    def flush(self):
        flush(self._fd)
    def writelines(self, lines):
        for line in lines:
            write(self._fd, line)
    def isatty(self):
        return False
    def fileno(self):
        return self._fd
    def writable(self):
        return True
    def readable(self):
        return False
    def __repr__(self):
        return f"<_io.TextIOWrapper name='{self.name}' mode='w' encoding='utf-8'>"
TextIOWrapper.__module__ = '_io'

class version_info(tuple):
    # sys.version_info: CPython's struct sequence, a tuple whose items are also named attributes.
    __slots__ = ()
    _fields = ('major', 'minor', 'micro', 'releaselevel', 'serial')
    n_fields = n_sequence_fields = 5
    n_unnamed_fields = 0
    major = property(lambda self: self[0])
    minor = property(lambda self: self[1])
    micro = property(lambda self: self[2])
    releaselevel = property(lambda self: self[3])
    serial = property(lambda self: self[4])
    def __repr__(self):
        return 'sys.version_info(' + ', '.join(f'{n}={v!r}' for n, v in zip(self._fields, self)) + ')'
version_info.__module__ = 'sys'
`;
