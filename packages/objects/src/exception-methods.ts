/**
 * `BaseException`'s Python-visible methods (`BaseException_methods` of
 * `Objects/exceptions.c`): `with_traceback(tb)` and `add_note(note)`,
 * over exceptions.ts. Every exception class finds them along its MRO; the
 * data attributes (`args`, `__traceback__`, …) are exceptions.ts's own
 * `getattro`.
 */

import { exceptionAddNote, exceptionWithTraceback } from './exceptions.js';
import { arg, MethodTable, noneResult, ONE_ARG, type BuiltinTypeAdditions } from './method-table.js';
import type { SlotRegistry } from './slot-registry.js';

/** Registers BaseException's methods; returns them for its spec. @internal */
export function registerExceptionMethods(slots: SlotRegistry): BuiltinTypeAdditions {
  return new MethodTable(slots, 'BaseException')
    .method('with_traceback', ONE_ARG, (t, self, args) => exceptionWithTraceback(t, self, arg(t, args, 0)))
    .method('add_note', ONE_ARG, (t, self, args) => (exceptionAddNote(t, self, arg(t, args, 0)) < 0 ? 0 : noneResult(t)))
    .done();
}
