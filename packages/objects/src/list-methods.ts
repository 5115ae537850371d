/**
 * `list`'s Python-visible methods and constructor (`list_methods`,
 * `list_new`/`list___init__` of `Objects/listobject.c`): thin wrappers
 * that parse the arguments as Argument Clinic does and call list.ts,
 * list-slice.ts and list-sort.ts.
 *
 * `list(iterable)` is `tp_new` (an empty list: `PyType_GenericNew`, or a
 * subclass's instance) then `tp_init`, which empties the list and extends
 * it, so that a subclass's `__init__` can call `list.__init__(self, x)`.
 */

import { typeSlotId } from './abstract.js';
import { checkPositional, noKeywords, sliceIndexNotNoneArg, ssizeArg, unpackKeywords, boolArg, type ArgSpec } from './arg-parse.js';
import { subtypeNew } from './heap-type.js';
import { intFromNumber } from './int.js';
import { StaticType } from './layout.js';
import { listAppend, listClear, listCount, listExtend, listInsert, listIterLengthHint, listNew, listPop, listSort } from './list.js';
import { listCopy, listIndexRange, listRemove, listReverse } from './list-slice.js';
import { arg, FASTCALL, FASTCALL_KEYWORDS, MethodTable, NOARGS, noneResult, ONE_ARG, type BuiltinTypeAdditions } from './method-table.js';
import type { ObThread } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import { typeOf } from './subtype.js';
import { tupleGetItem, tupleSize } from './tuple.js';

const SORT: ArgSpec = { fname: 'sort', posonly: 0, names: ['key', 'reverse'], minpos: 0, maxpos: 0 };

/** This thread's scratch for parsed arguments (module scope is per thread; no call nests inside a parse). */
const parsed: number[] = [];

/** A None result after a C-API call that returned 0 or -1. */
function noneOr(t: ObThread, r: number): number {
  return r < 0 ? 0 : noneResult(t);
}

/** Registers list's methods and constructor; returns them for list's spec. @internal */
export function registerListMethods(slots: SlotRegistry): BuiltinTypeAdditions {
  const table = new MethodTable(slots, 'list')
    .method('append', ONE_ARG, (t, self, args) => noneOr(t, listAppend(t, self, arg(t, args, 0))))
    .method('extend', ONE_ARG, (t, self, args) => noneOr(t, listExtend(t, self, arg(t, args, 0))))
    .method('insert', FASTCALL, (t, self, args, nargs) => {
      if (!checkPositional(t, 'insert', nargs, 2, 2)) return 0;
      const index = ssizeArg(t, arg(t, args, 0));
      if (index === undefined) return 0;
      return noneOr(t, listInsert(t, self, index, arg(t, args, 1)));
    })
    .method('pop', FASTCALL, (t, self, args, nargs) => {
      if (!checkPositional(t, 'pop', nargs, 0, 1)) return 0;
      const index = nargs === 0 ? -1 : ssizeArg(t, arg(t, args, 0));
      return index === undefined ? 0 : listPop(t, self, index);
    })
    .method('remove', ONE_ARG, (t, self, args) => noneOr(t, listRemove(t, self, arg(t, args, 0))))
    .method('index', FASTCALL, (t, self, args, nargs) => {
      if (!checkPositional(t, 'index', nargs, 1, 3)) return 0;
      const start = sliceIndexNotNoneArg(t, nargs > 1 ? arg(t, args, 1) : 0, 0);
      if (start === undefined) return 0;
      const stop = sliceIndexNotNoneArg(t, nargs > 2 ? arg(t, args, 2) : 0, Number.MAX_SAFE_INTEGER);
      if (stop === undefined) return 0;
      const i = listIndexRange(t, self, arg(t, args, 0), start, stop);
      return i < 0 ? 0 : intFromNumber(t, i);
    })
    .method('count', ONE_ARG, (t, self, args) => {
      const n = listCount(t, self, arg(t, args, 0));
      return n < 0 ? 0 : intFromNumber(t, n);
    })
    .method('clear', NOARGS, (t, self) => {
      listClear(t, self);
      return noneResult(t);
    })
    .method('copy', NOARGS, (t, self) => listCopy(t, self))
    .method('reverse', NOARGS, (t, self) => noneOr(t, listReverse(t, self)))
    .method('sort', FASTCALL_KEYWORDS, (t, self, args, nargs, kwnames) => {
      if (!unpackKeywords(t, SORT, args, nargs, kwnames, parsed)) return 0;
      const key = parsed[0]!;
      const reverse = boolArg(t, parsed[1]!, false);
      if (reverse === undefined) return 0;
      return noneOr(t, listSort(t, self, key === t.none ? 0 : key, reverse));
    });

  // `PyType_GenericNew`: an empty list, whatever the arguments (tp_init checks them).
  const newId = slots.add('new', 'list', (t, type) => (type === t.types[StaticType.List] ? listNew(t, 0) : subtypeNew(t, type)));
  const initId = slots.add('init', 'list', (t, self, args, kwargs) => {
    // Keywords are refused unless a subclass's own __new__ took them.
    if ((typeOf(t, self) === t.types[StaticType.List] || typeSlotId(t, typeOf(t, self), 'new') === newId) && !noKeywords(t, 'list', kwargs)) return -1;
    const n = tupleSize(t, args);
    if (!checkPositional(t, 'list', n, 0, 1)) return -1;
    listClear(t, self);
    if (n === 0) return 0;
    return listExtend(t, self, tupleGetItem(t, args, 0)) < 0 ? -1 : 0;
  });
  return table.done({ new: newId, init: initId });
}

/** `list_iterator`'s methods (`listiter_methods`): `__length_hint__`. @internal */
export function registerListIterMethods(slots: SlotRegistry): BuiltinTypeAdditions {
  return new MethodTable(slots, 'list_iterator').method('__length_hint__', NOARGS, (t, self) => intFromNumber(t, listIterLengthHint(t, self))).done();
}
