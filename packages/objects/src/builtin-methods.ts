/**
 * The Python-visible methods and attributes of the builtin types that
 * builtin-types.ts registers (`tp_methods` / `tp_getset` of list, dict,
 * tuple, str, int, float, set, …) and their constructors: each type's
 * table is its own file (list-methods.ts, dict-methods.ts, …); this index
 * registers them in one fixed order (the slot ids must agree on every
 * thread) and returns them by static type, to be merged into those
 * types' specs.
 */

import { registerComplexMethods } from './complex-methods.js';
import { registerDequeMethods } from './deque-methods.js';
import { registerDictMethods } from './dict-methods.js';
import { registerDictViewMethods, registerDictViewSlots } from './dict-views.js';
import { registerExceptionMethods } from './exception-methods.js';
import { registerFloatMethods } from './float-methods.js';
import { registerBoolMethods, registerIntMethods } from './int-methods.js';
import { StaticType } from './layout.js';
import { registerListIterMethods, registerListMethods } from './list-methods.js';
import type { BuiltinTypeAdditions } from './method-table.js';
import { registerObjectMethods, registerTypeMethods } from './object-methods.js';
import { registerRangeIterMethods, registerRangeMethods, registerSliceMethods } from './range-slice-methods.js';
import { registerFrozenSetMethods, registerSetMethods, registerSetOperatorSlots } from './set-methods.js';
import type { SlotRegistry } from './slot-registry.js';
import { registerStrMethods } from './str-methods-table.js';
import { registerTupleIterSlots, registerTupleMethods } from './tuple-methods.js';

export type { BuiltinTypeAdditions } from './method-table.js';

/** Registers the methods and constructors; returns them by static type. @internal */
export function registerBuiltinMethods(slots: SlotRegistry): ReadonlyMap<StaticType, BuiltinTypeAdditions> {
  const tables = new Map<StaticType, BuiltinTypeAdditions>();
  tables.set(StaticType.Object, registerObjectMethods(slots));
  tables.set(StaticType.Type, registerTypeMethods(slots));
  tables.set(StaticType.List, registerListMethods(slots));
  tables.set(StaticType.ListIter, registerListIterMethods(slots));
  tables.set(StaticType.Tuple, registerTupleMethods(slots));
  tables.set(StaticType.TupleIter, registerTupleIterSlots(slots));
  tables.set(StaticType.Str, registerStrMethods(slots));
  tables.set(StaticType.Dict, registerDictMethods(slots));
  const viewSlots = registerDictViewSlots(slots);
  tables.set(StaticType.DictKeys, registerDictViewMethods(slots, 0, viewSlots));
  tables.set(StaticType.DictValues, registerDictViewMethods(slots, 1, viewSlots));
  tables.set(StaticType.DictItems, registerDictViewMethods(slots, 2, viewSlots));
  const setOperators = registerSetOperatorSlots(slots);
  tables.set(StaticType.Set, registerSetMethods(slots, setOperators));
  tables.set(StaticType.FrozenSet, registerFrozenSetMethods(slots, setOperators));
  tables.set(StaticType.Deque, registerDequeMethods(slots));
  tables.set(StaticType.Int, registerIntMethods(slots));
  tables.set(StaticType.Bool, registerBoolMethods(slots));
  tables.set(StaticType.Float, registerFloatMethods(slots));
  tables.set(StaticType.Complex, registerComplexMethods(slots));
  tables.set(StaticType.Range, registerRangeMethods(slots));
  tables.set(StaticType.RangeIter, registerRangeIterMethods(slots));
  tables.set(StaticType.Slice, registerSliceMethods(slots));
  tables.set(StaticType.BaseException, registerExceptionMethods(slots));
  return tables;
}
