/**
 * The set-like side of dict views (`dictviews_as_number`,
 * `dictview_richcompare`, `dictviews_isdisjoint`, `dictitems_contains` of
 * `Objects/dictobject.c`): `keys()` and `items()` combine with any
 * iterable through `& | - ^` into a new set, compare with sets and other
 * such views as sets do, and answer `isdisjoint`. `values()` is no set.
 * Every view (and the dict) also has `__reversed__`.
 *
 * The number slots see either operand first: `{'a'} - d.keys()` reaches
 * `dictviews_sub` with the set as `self` (set's own `-` refuses a view),
 * and, as in CPython, the left operand is turned into a set whatever it is.
 */

import { decref } from '@ft/refcount';
import { iterNext, objectContains, objectGetIter, objectLength, objectRichCompareBool, PY_EQ, PY_GE, PY_GT, PY_LE, PY_LT, PY_NE } from './abstract.js';
import { reversedNew } from './builtin-iterators.js';
import { dictCopy, dictContains, dictDelItem, dictGetItemRef, dictSize, dictSnapshot, dictView, dictViewOf } from './dict.js';
import { StaticType, TPFLAGS_TUPLE_SUBCLASS } from './layout.js';
import { mappingProxyNew } from './mappingproxy.js';
import { arg, boolResult, MethodTable, NOARGS, ONE_ARG, type BuiltinTypeAdditions } from './method-table.js';
import type { ObThread } from './ob-thread.js';
import { anySetCheck, setAdd, setDifferenceUpdate, setIntersection, setNew, setSymmetricDifferenceUpdate, setUpdate } from './set.js';
import type { SlotRegistry } from './slot-registry.js';
import { typeHasFlag, typeOf } from './subtype.js';
import { tupleFromArray, tupleGetItem, tupleSize } from './tuple.js';
import type { BuiltinTypeSpec } from './type-object.js';

/** `PyDictViewSet_Check(op)`: a keys or an items view (values views are no sets). */
function viewSetCheck(t: ObThread, op: number): boolean {
  const of = dictViewOf(t, op);
  return of !== null && of.which !== 1;
}

/** `dictviews_to_set(self)`: a new set of `self`'s elements (any iterable); 0 with an exception. */
function viewsToSet(t: ObThread, self: number): number {
  return setNew(t, self);
}

/** The new set `self` turned into, then `update(set, other)`; 0 with an exception. */
function toSetThen(t: ObThread, self: number, other: number, update: (t: ObThread, so: number, other: number) => number): number {
  const result = viewsToSet(t, self);
  if (result === 0) return 0;
  if (update(t, result, other) < 0) {
    decref(t.rc, result);
    return 0;
  }
  return result;
}

/** `dictviews_sub`: `set(self)` without `other`'s elements. */
function viewsSub(t: ObThread, self: number, other: number): number {
  return toSetThen(t, self, other, setDifferenceUpdate);
}

/** `dictviews_or`: `set(self)` with `other`'s elements. */
function viewsOr(t: ObThread, self: number, other: number): number {
  return toSetThen(t, self, other, setUpdate);
}

/** `dictitems_contains`: whether `(key, value)` is an item of `view`'s dict; 1, 0, or -1 with an exception. */
function itemsContains(t: ObThread, view: number, obj: number): number {
  if (!typeHasFlag(t, typeOf(t, obj), TPFLAGS_TUPLE_SUBCLASS) || tupleSize(t, obj) !== 2) return 0;
  const found = dictGetItemRef(t, dictViewOf(t, view)!.dict, tupleGetItem(t, obj, 0));
  if (found === 0) return t.error.type !== 0 ? -1 : 0;
  const r = objectRichCompareBool(t, found, tupleGetItem(t, obj, 1), PY_EQ);
  decref(t.rc, found);
  return r;
}

/** `dictkeys_contains` / `dictitems_contains` for a keys or items view. */
function viewContains(t: ObThread, view: number, key: number): number {
  const of = dictViewOf(t, view)!;
  return of.which === 0 ? dictContains(t, of.dict, key) : itemsContains(t, view, key);
}

/**
 * `_PyDictView_Intersect` (`dictviews_and`): a new set of the elements of
 * the smaller side found in the view; an exact set at least as large as
 * the view answers through `set.intersection`.
 */
function viewsAnd(t: ObThread, self: number, other: number): number {
  // The interpreter swaps nothing: a view on the right arrives as `other`.
  if (!viewSetCheck(t, self)) [self, other] = [other, self];
  const lenSelf = dictSize(t, dictViewOf(t, self)!.dict);
  if (typeOf(t, other) === t.types[StaticType.Set]) {
    const lenOther = objectLength(t, other);
    if (lenOther < 0) return 0;
    if (lenSelf <= lenOther) return setIntersection(t, other, self);
  }
  if (viewSetCheck(t, other) && dictSize(t, dictViewOf(t, other)!.dict) > lenSelf) [self, other] = [other, self];
  const result = setNew(t);
  if (result === 0) return 0;
  const it = objectGetIter(t, other);
  if (it === 0) {
    decref(t.rc, result);
    return 0;
  }
  let r = 0;
  for (;;) {
    const key = iterNext(t, it);
    if (key === 0) {
      if (t.error.type !== 0) r = -1;
      break;
    }
    r = viewContains(t, self, key);
    if (r === 1) r = setAdd(t, result, key);
    decref(t.rc, key);
    if (r < 0) break;
  }
  decref(t.rc, it);
  if (r < 0) {
    decref(t.rc, result);
    return 0;
  }
  return result;
}

/**
 * `dictitems_xor`: `d1.items() ^ d2.items()` — the items of `d2` whose key
 * is missing from `d1` or maps to an unequal value, then what is left of
 * a copy of `d1` after removing the keys `d2` matched.
 */
function itemsXor(t: ObThread, d1: number, d2: number): number {
  const temp = dictCopy(t, d1);
  if (temp === 0) return 0;
  const result = setNew(t);
  const pairs = result === 0 ? null : dictSnapshot(t, d2, 2);
  let r = pairs === null ? -1 : 0;
  for (const pair of pairs ?? []) {
    if (r === 0) {
      const key = tupleGetItem(t, pair, 0);
      const val2 = tupleGetItem(t, pair, 1);
      const val1 = dictGetItemRef(t, temp, key);
      let toDelete = 0;
      if (val1 === 0) {
        if (t.error.type !== 0) r = -1;
      } else {
        toDelete = objectRichCompareBool(t, val1, val2, PY_EQ);
        decref(t.rc, val1);
        if (toDelete < 0) r = -1;
      }
      if (r === 0) r = toDelete === 1 ? dictDelItem(t, temp, key) : setAdd(t, result, pair);
    }
    decref(t.rc, pair);
  }
  if (r === 0) {
    const remaining = dictView(t, temp, 2);
    r = remaining === 0 ? -1 : setUpdate(t, result, remaining);
    if (remaining !== 0) decref(t.rc, remaining);
  }
  decref(t.rc, temp);
  if (r < 0) {
    if (result !== 0) decref(t.rc, result);
    return 0;
  }
  return result;
}

/** `dictviews_xor`: items with items by `dictitems_xor`, else `set(self)` symmetric-differenced with `other`. */
function viewsXor(t: ObThread, self: number, other: number): number {
  const a = dictViewOf(t, self);
  const b = dictViewOf(t, other);
  if (a !== null && a.which === 2 && b !== null && b.which === 2) return itemsXor(t, a.dict, b.dict);
  return toSetThen(t, self, other, setSymmetricDifferenceUpdate);
}

/** `all_contained_in(self, other)`: 1 when every element of `self` is in `other`, 0 when not, -1 with an exception. */
function allContainedIn(t: ObThread, self: number, other: number): number {
  const it = objectGetIter(t, self);
  if (it === 0) return -1;
  let ok = 1;
  for (;;) {
    const item = iterNext(t, it);
    if (item === 0) {
      if (t.error.type !== 0) ok = -1;
      break;
    }
    ok = objectContains(t, other, item);
    decref(t.rc, item);
    if (ok <= 0) break;
  }
  decref(t.rc, it);
  return ok;
}

/**
 * `dictview_richcompare`: a keys or items view compares with sets,
 * frozensets and keys or items views by their lengths and containment;
 * anything else is `NotImplemented`.
 */
function viewRichCompare(t: ObThread, self: number, other: number, op: number): number {
  if (!anySetCheck(t, other) && !viewSetCheck(t, other)) return t.notImplemented;
  const lenSelf = objectLength(t, self);
  if (lenSelf < 0) return 0;
  const lenOther = objectLength(t, other);
  if (lenOther < 0) return 0;
  let ok = 0;
  switch (op) {
    case PY_EQ:
    case PY_NE:
      if (lenSelf === lenOther) ok = allContainedIn(t, self, other);
      if (op === PY_NE && ok >= 0) ok = ok === 1 ? 0 : 1;
      break;
    case PY_LT:
      if (lenSelf < lenOther) ok = allContainedIn(t, self, other);
      break;
    case PY_LE:
      if (lenSelf <= lenOther) ok = allContainedIn(t, self, other);
      break;
    case PY_GT:
      if (lenSelf > lenOther) ok = allContainedIn(t, other, self);
      break;
    case PY_GE:
      if (lenSelf >= lenOther) ok = allContainedIn(t, other, self);
      break;
  }
  return ok < 0 ? 0 : boolResult(t, ok === 1);
}

/** `dictviews_isdisjoint(self, other)`: True when no element of `other` (any iterable) is in `self`. */
function viewsIsDisjoint(t: ObThread, self: number, other: number): number {
  if (self === other) return boolResult(t, dictSize(t, dictViewOf(t, self)!.dict) === 0);
  // Iterate the shorter side, when the other is a set or a set-like view (containment is cheap in both).
  if (anySetCheck(t, other) || viewSetCheck(t, other)) {
    const lenSelf = dictSize(t, dictViewOf(t, self)!.dict);
    const lenOther = objectLength(t, other);
    if (lenOther < 0) return 0;
    if (lenOther > lenSelf) [self, other] = [other, self];
  }
  const it = objectGetIter(t, other);
  if (it === 0) return 0;
  for (;;) {
    const item = iterNext(t, it);
    if (item === 0) {
      decref(t.rc, it);
      return t.error.type !== 0 ? 0 : t.true;
    }
    const contains = objectContains(t, self, item);
    decref(t.rc, item);
    if (contains !== 0) {
      decref(t.rc, it);
      return contains < 0 ? 0 : t.false;
    }
  }
}

/**
 * `reversed(d)`, `reversed(d.keys())`, … (`dict___reversed__`,
 * `dictkeys_reversed`, …): the keys (0), values (1) or items (2) of a
 * snapshot of `dict`, last first. CPython's `dict_reversekeyiterator` and
 * its siblings walk the live table and notice a change of size; this one
 * is a `reversed` over the snapshot.
 * @public
 */
export function dictReversed(t: ObThread, dict: number, which: 0 | 1 | 2): number {
  const items = dictSnapshot(t, dict, which);
  if (items === null) return 0;
  const seq = tupleFromArray(t, items);
  for (const x of items) decref(t.rc, x);
  if (seq === 0) return 0;
  const r = reversedNew(t, t.types[StaticType.Reversed]!, seq);
  decref(t.rc, seq);
  return r;
}

/** The slots keys and items views share (`dictviews_as_number`, `dictview_richcompare`), registered once. @internal */
export interface DictViewSlots {
  readonly setLike: BuiltinTypeSpec['slots'];
}

/** Registers the set-like slots of keys and items views. @internal */
export function registerDictViewSlots(slots: SlotRegistry): DictViewSlots {
  return {
    setLike: {
      subtract: slots.add('subtract', 'dict_view', viewsSub),
      and: slots.add('and', 'dict_view', viewsAnd),
      or: slots.add('or', 'dict_view', viewsOr),
      xor: slots.add('xor', 'dict_view', viewsXor),
      richcompare: slots.add('richcompare', 'dict_view', viewRichCompare),
    },
  };
}

/** Registers the methods of `dict_keys` (0), `dict_values` (1) or `dict_items` (2); returns them for that view's spec. @internal */
export function registerDictViewMethods(slots: SlotRegistry, which: 0 | 1 | 2, shared: DictViewSlots): BuiltinTypeAdditions {
  const owner = ['dict_keys', 'dict_values', 'dict_items'][which]!;
  const table = new MethodTable(slots, owner)
    .method('__reversed__', NOARGS, (t, self) => dictReversed(t, dictViewOf(t, self)!.dict, which))
    // `dictview_mapping`: a read-only proxy of the dict the view looks at.
    .getset('mapping', (t, self) => mappingProxyNew(t, dictViewOf(t, self)!.dict));
  if (which === 1) return table.done();
  table.method('isdisjoint', ONE_ARG, (t, self, args) => viewsIsDisjoint(t, self, arg(t, args, 0)));
  if (which === 0) return table.done(shared.setLike);
  return table.done({ ...shared.setLike, contains: slots.add('contains', 'dict_items', itemsContains) });
}
