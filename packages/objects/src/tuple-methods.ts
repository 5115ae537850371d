/**
 * `tuple`'s Python-visible methods and constructor (`tuple_methods`,
 * `tuple_new` of `Objects/tupleobject.c`): `index`, `count`, and
 * `tuple(iterable)` — the iterable itself when it is an exact tuple, a
 * subclass's instance through heap-type.ts's `tuple_subtype_new` —,
 * iteration (`tuple_iter`, `tupleiter_next`) and the sequence slots `+`
 * and `*` (`tupleconcat`, `tuplerepeat`).
 */

import { typeSlotId } from './abstract.js';
import { checkPositional, noKeywords, sliceIndexNotNoneArg } from './arg-parse.js';
import { sequenceTuple } from './exceptions.js';
import { subtypeNew } from './heap-type.js';
import { intFromNumber } from './int.js';
import { StaticType } from './layout.js';
import { arg, FASTCALL, MethodTable, newRef, NOARGS, ONE_ARG, type BuiltinTypeAdditions } from './method-table.js';
import type { SlotRegistry } from './slot-registry.js';
import { tupleConcat, tupleCount, tupleGetItem, tupleIndex, tupleIter, tupleIterLengthHint, tupleIterNext, tupleRepeat, tupleSize } from './tuple.js';

/** Registers tuple's methods and constructor; returns them for tuple's spec. @internal */
export function registerTupleMethods(slots: SlotRegistry): BuiltinTypeAdditions {
  const table = new MethodTable(slots, 'tuple')
    .method('index', FASTCALL, (t, self, args, nargs) => {
      if (!checkPositional(t, 'index', nargs, 1, 3)) return 0;
      const start = sliceIndexNotNoneArg(t, nargs > 1 ? arg(t, args, 1) : 0, 0);
      if (start === undefined) return 0;
      const stop = sliceIndexNotNoneArg(t, nargs > 2 ? arg(t, args, 2) : 0, Number.MAX_SAFE_INTEGER);
      if (stop === undefined) return 0;
      const i = tupleIndex(t, self, arg(t, args, 0), start, stop);
      return i < 0 ? 0 : intFromNumber(t, i);
    })
    .method('count', ONE_ARG, (t, self, args) => {
      const n = tupleCount(t, self, arg(t, args, 0));
      return n < 0 ? 0 : intFromNumber(t, n);
    });

  const newId = slots.add('new', 'tuple', (t, type, args, kwargs) => {
    const tuple = t.types[StaticType.Tuple]!;
    // Keywords are refused unless a subclass's own __init__ takes them.
    if ((type === tuple || typeSlotId(t, type, 'init') === typeSlotId(t, tuple, 'init')) && !noKeywords(t, 'tuple', kwargs)) return 0;
    const n = tupleSize(t, args);
    if (!checkPositional(t, 'tuple', n, 0, 1)) return 0;
    const iterable = n === 0 ? 0 : tupleGetItem(t, args, 0);
    if (type !== tuple) return subtypeNew(t, type, iterable);
    return iterable === 0 ? newRef(t, t.emptyTuple) : sequenceTuple(t, iterable);
  });
  return table.done({ new: newId, iter: slots.add('iter', 'tuple', tupleIter), concat: slots.add('concat', 'tuple', tupleConcat), repeat: slots.add('repeat', 'tuple', tupleRepeat) });
}

/** The tuple iterator's `next` (`tupleiter_next`) and `__length_hint__`; returns them for tuple_iterator's spec. @internal */
export function registerTupleIterSlots(slots: SlotRegistry): BuiltinTypeAdditions {
  const table = new MethodTable(slots, 'tuple_iterator').method('__length_hint__', NOARGS, (t, self) => intFromNumber(t, tupleIterLengthHint(t, self)));
  return table.done({ iternext: slots.add('iternext', 'tuple_iterator', tupleIterNext) });
}
