/**
 * The Python-visible methods, attributes and constructors of `range` and
 * `slice` (`range_methods`, `range_members`, `range_new`; `slice_methods`,
 * `slice_members`, `slice_new` of `Objects/rangeobject.c` and
 * `Objects/sliceobject.c`), over range.ts and slice.ts.
 *
 * `slice.indices(length)` takes lengths up to 2^53 − 1 (a larger one is
 * read as that: the indices of a slice of a longer sequence than any
 * object can be).
 */

import { decref } from '@ft/refcount';
import { numberIndex } from './abstract-number.js';
import { checkPositional, noKeywords } from './arg-parse.js';
import { intAsNumber, intFromNumber } from './int.js';
import { arg, MethodTable, newRef, NOARGS, ONE_ARG, type BuiltinTypeAdditions } from './method-table.js';
import { rangeCount, rangeIndex, rangeIterLengthHint, rangeNew, rangeStart, rangeStep, rangeStop } from './range.js';
import type { SlotRegistry } from './slot-registry.js';
import { sliceIndices, sliceNew, sliceStart, sliceStep, sliceStop } from './slice.js';
import { tupleGetItem, tupleSize } from './tuple.js';

/** Registers range's methods, attributes and constructor; returns them for range's spec. @internal */
export function registerRangeMethods(slots: SlotRegistry): BuiltinTypeAdditions {
  const table = new MethodTable(slots, 'range')
    .method('count', ONE_ARG, (t, self, args) => {
      const n = rangeCount(t, self, arg(t, args, 0));
      return n < 0 ? 0 : intFromNumber(t, n);
    })
    .method('index', ONE_ARG, (t, self, args) => rangeIndex(t, self, arg(t, args, 0)))
    .getset('start', (t, self) => newRef(t, rangeStart(t, self)))
    .getset('stop', (t, self) => newRef(t, rangeStop(t, self)))
    .getset('step', (t, self) => newRef(t, rangeStep(t, self)));
  // `range_vectorcall` / `range_new`: no keywords, then range.ts's argument checks.
  const newId = slots.add('new', 'range', (t, _type, args, kwargs) => (noKeywords(t, 'range', kwargs) ? rangeNew(t, args) : 0));
  return table.done({ new: newId });
}

/** Registers slice's methods, attributes and constructor; returns them for slice's spec. @internal */
export function registerSliceMethods(slots: SlotRegistry): BuiltinTypeAdditions {
  const table = new MethodTable(slots, 'slice')
    .method('indices', ONE_ARG, (t, self, args) => {
      const length = numberIndex(t, arg(t, args, 0));
      if (length === 0) return 0;
      const n = intAsNumber(t, length);
      decref(t.rc, length);
      return sliceIndices(t, self, Math.min(n, Number.MAX_SAFE_INTEGER));
    })
    .getset('start', (t, self) => newRef(t, sliceStart(t, self)))
    .getset('stop', (t, self) => newRef(t, sliceStop(t, self)))
    .getset('step', (t, self) => newRef(t, sliceStep(t, self)));
  // `slice_new`: `slice(stop)` or `slice(start, stop[, step])`.
  const newId = slots.add('new', 'slice', (t, _type, args, kwargs) => {
    if (!noKeywords(t, 'slice', kwargs)) return 0;
    const n = tupleSize(t, args);
    if (!checkPositional(t, 'slice', n, 1, 3)) return 0;
    if (n === 1) return sliceNew(t, 0, tupleGetItem(t, args, 0), 0);
    return sliceNew(t, tupleGetItem(t, args, 0), tupleGetItem(t, args, 1), n === 3 ? tupleGetItem(t, args, 2) : 0);
  });
  return table.done({ new: newId });
}

/** `range_iterator`'s methods (`rangeiter_methods`): `__length_hint__`. @internal */
export function registerRangeIterMethods(slots: SlotRegistry): BuiltinTypeAdditions {
  return new MethodTable(slots, 'range_iterator').method('__length_hint__', NOARGS, rangeIterLengthHint).done();
}
