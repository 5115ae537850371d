/**
 * The Python-visible methods and constructors of `set` and `frozenset`
 * (`set_methods`, `frozenset_methods`, `set_new`/`set_init`,
 * `frozenset_new` of `Objects/setobject.c`) and their operators
 * (`set_as_number`: `| & - ^` between sets and frozensets, `|= &= -= ^=`
 * for a set; `set_richcompare`: `==` and subset / superset order), over
 * set.ts. The binary methods take any number of other iterables
 * (`s.union(a, b)`), the operators sets only; their results are of the
 * receiver's base type (a set for a set or a subclass of set, else a
 * frozenset).
 *
 * `discard`, `remove` look a set argument up as the frozenset of its
 * elements (`{frozenset({1})}.discard({1})` finds it), as CPython does.
 */

import { decref } from '@ft/refcount';
import { PY_EQ, PY_GE, PY_LE, PY_LT, PY_NE, typeSlotId } from './abstract.js';
import { checkPositional, noKeywords } from './arg-parse.js';
import { errExceptionMatches, errClear } from './errors.js';
import { subtypeNew } from './heap-type.js';
import { errSetKeyError } from './key-error.js';
import { StaticType } from './layout.js';
import { arg, boolResult, FASTCALL, MethodTable, newRef, NOARGS, noneResult, ONE_ARG, type BuiltinTypeAdditions, type MethodFn } from './method-table.js';
import type { ObThread } from './ob-thread.js';
import {
  anySetCheck,
  anySetCheckExact,
  setAdd,
  setClear,
  setDifference,
  setDifferenceUpdate,
  setDiscard,
  setIntersection,
  setIsDisjoint,
  setIsSubset,
  setIsSuperset,
  setNew,
  setNewBaseType,
  setPop,
  setSize,
  setSymmetricDifference,
  setSymmetricDifferenceUpdate,
  setUpdate,
  withFrozenKey,
} from './set.js';
import type { SlotRegistry } from './slot-registry.js';
import { typeIsSubtype, typeName, typeOf } from './subtype.js';
import { tupleGetItem, tupleSize } from './tuple.js';
import type { BuiltinTypeSpec } from './type-object.js';

/** A None result after a C-API call that returned 0 or -1. */
function noneOr(t: ObThread, r: number): number {
  return r < 0 ? 0 : noneResult(t);
}

/** `set_discard_key` with `set_discard`'s retry: 1 removed, 0 absent, -1 with an exception. */
function discardKey(t: ObThread, so: number, key: number): number {
  return withFrozenKey(t, so, key, setDiscard);
}

/** `set.copy()` / `frozenset.copy()`: an exact frozenset is itself. */
function copy(t: ObThread, so: number): number {
  if (typeOf(t, so) === t.types[StaticType.FrozenSet]) return newRef(t, so);
  return setNewBaseType(t, so, so);
}

/** The positional arguments of a vectorcall (borrowed). */
function others(t: ObThread, args: number, nargs: number): number[] {
  return Array.from(t.u32.subarray(args >>> 2, (args >>> 2) + nargs));
}

/** `set_union(so, *others)`: a copy of `so` updated with each. */
const union: MethodFn = (t, so, args, nargs) => {
  const result = setNewBaseType(t, so, so);
  if (result === 0) return 0;
  for (const other of others(t, args, nargs)) {
    if (other === so) continue;
    if (setUpdate(t, result, other) < 0) {
      decref(t.rc, result);
      return 0;
    }
  }
  return result;
};

/** `set_intersection_multi(so, *others)`. */
function intersectionMulti(t: ObThread, so: number, list: readonly number[]): number {
  if (list.length === 0) return setNewBaseType(t, so, so);
  let result = newRef(t, so);
  for (const other of list) {
    const next = setIntersection(t, result, other);
    decref(t.rc, result);
    if (next === 0) return 0;
    result = next;
  }
  return result;
}

const intersection: MethodFn = (t, so, args, nargs) => intersectionMulti(t, so, others(t, args, nargs));

/** `set_difference_multi(so, *others)`. */
const difference: MethodFn = (t, so, args, nargs) => {
  if (nargs === 0) return setNewBaseType(t, so, so);
  const list = others(t, args, nargs);
  const result = setDifference(t, so, list[0]!);
  if (result === 0) return 0;
  for (let i = 1; i < list.length; i++) {
    if (setDifferenceUpdate(t, result, list[i]!) < 0) {
      decref(t.rc, result);
      return 0;
    }
  }
  return result;
};

const symmetricDifference: MethodFn = (t, so, args) => setSymmetricDifference(t, so, arg(t, args, 0));

/** A predicate method: `fn` gives 1, 0 or -1. */
function predicate(fn: (t: ObThread, so: number, other: number) => number): MethodFn {
  return (t, so, args) => {
    const r = fn(t, so, arg(t, args, 0));
    return r < 0 ? 0 : boolResult(t, r === 1);
  };
}

/** The methods set and frozenset share, registered under `owner`. */
function shared(table: MethodTable): MethodTable {
  return table
    .method('copy', NOARGS, (t, so) => copy(t, so))
    .method('difference', FASTCALL, difference)
    .method('intersection', FASTCALL, intersection)
    .method('isdisjoint', ONE_ARG, predicate(setIsDisjoint))
    .method('issubset', ONE_ARG, predicate(setIsSubset))
    .method('issuperset', ONE_ARG, predicate(setIsSuperset))
    .method('symmetric_difference', ONE_ARG, symmetricDifference)
    .method('union', FASTCALL, union);
}

// --- operators (`set_as_number`, `set_richcompare`) ---------------------------------------------

/** `set_copy`: a copy of `so` of its base type (`make_new_set_basetype`). */
function copyBaseType(t: ObThread, so: number): number {
  return setNewBaseType(t, so, so);
}

/**
 * A binary operator of `set_as_number`: `fn(so, other)` when both operands
 * are sets or frozensets (`PyAnySet_Check`), else `NotImplemented` (the
 * reflected call has the set on the right, `so` may be anything).
 */
function setOperator(fn: (t: ObThread, so: number, other: number) => number): (t: ObThread, so: number, other: number) => number {
  return (t, so, other) => (anySetCheck(t, so) && anySetCheck(t, other) ? fn(t, so, other) : t.notImplemented);
}

/** `set_or`: a copy of `so` updated with `other`. */
function setOr(t: ObThread, so: number, other: number): number {
  const result = copyBaseType(t, so);
  if (result === 0 || so === other) return result;
  if (setUpdate(t, result, other) < 0) {
    decref(t.rc, result);
    return 0;
  }
  return result;
}

/**
 * An in-place operator of `set_as_number` (`set_ior` …): `update(so,
 * other)` and `so` itself when `other` is a set or frozenset, else
 * `NotImplemented` (then `s |= [1]` tries `|`, which refuses too).
 */
function setInPlace(update: (t: ObThread, so: number, other: number) => number): (t: ObThread, so: number, other: number) => number {
  return (t, so, other) => {
    if (!anySetCheck(t, other)) return t.notImplemented;
    return update(t, so, other) < 0 ? 0 : newRef(t, so);
  };
}

/** `set_intersection_update(so, other)`: `so` keeps only the elements also in `other`. 0, or -1. */
function intersectionUpdate(t: ObThread, so: number, other: number): number {
  const result = setIntersection(t, so, other);
  if (result === 0) return -1;
  // `set_swap_bodies`: the result's elements become so's.
  setClear(t, so);
  const r = setUpdate(t, so, result);
  decref(t.rc, result);
  return r;
}

/** A `set_richcompare` answer: True, False, or 0 when `r` is -1 (the exception stays set). */
function boolOrError(t: ObThread, r: number): number {
  return r < 0 ? 0 : boolResult(t, r === 1);
}

/**
 * `set_richcompare`: sets compare with sets and frozensets only (else
 * `NotImplemented`): `==` the same elements, `<=` / `>=` subset and
 * superset, `<` / `>` proper ones.
 */
function setRichCompare(t: ObThread, v: number, w: number, op: number): number {
  if (!anySetCheck(t, w)) return t.notImplemented;
  switch (op) {
    case PY_EQ:
    case PY_NE: {
      const eq = setSize(t, v) !== setSize(t, w) ? 0 : setIsSubset(t, v, w);
      return eq < 0 ? 0 : boolResult(t, (eq === 1) === (op === PY_EQ));
    }
    case PY_LE:
      return boolOrError(t, setIsSubset(t, v, w));
    case PY_GE:
      return boolOrError(t, setIsSuperset(t, v, w));
    case PY_LT:
      return setSize(t, v) >= setSize(t, w) ? t.false : boolOrError(t, setIsSubset(t, v, w));
    default: // PY_GT
      return setSize(t, v) <= setSize(t, w) ? t.false : boolOrError(t, setIsSuperset(t, v, w));
  }
}

/** The operator slots of set and frozenset, registered once: both types share them, as in CPython. @internal */
export interface SetOperatorSlots {
  /** `|`, `&`, `-`, `^` and the comparisons (set and frozenset). */
  readonly shared: BuiltinTypeSpec['slots'];
  /** `|=`, `&=`, `-=`, `^=` (set only: a frozenset's `fs |= x` rebinds to `fs | x`). */
  readonly inplace: BuiltinTypeSpec['slots'];
}

/** Registers the operators of set and frozenset (`set_as_number`, `set_richcompare`). @internal */
export function registerSetOperatorSlots(slots: SlotRegistry): SetOperatorSlots {
  return {
    shared: {
      or: slots.add('or', 'set', setOperator(setOr)),
      and: slots.add('and', 'set', setOperator(setIntersection)),
      subtract: slots.add('subtract', 'set', setOperator(setDifference)),
      xor: slots.add('xor', 'set', setOperator(setSymmetricDifference)),
      richcompare: slots.add('richcompare', 'set/ordered', setRichCompare),
    },
    inplace: {
      inplaceOr: slots.add('inplaceOr', 'set', setInPlace(setUpdate)),
      inplaceAnd: slots.add('inplaceAnd', 'set', setInPlace(intersectionUpdate)),
      inplaceSubtract: slots.add('inplaceSubtract', 'set', setInPlace(setDifferenceUpdate)),
      inplaceXor: slots.add('inplaceXor', 'set', setInPlace(setSymmetricDifferenceUpdate)),
    },
  };
}

/** Registers set's methods and constructor; returns them for set's spec. @internal */
export function registerSetMethods(slots: SlotRegistry, operators: SetOperatorSlots): BuiltinTypeAdditions {
  const table = shared(new MethodTable(slots, 'set'))
    .method('add', ONE_ARG, (t, so, args) => noneOr(t, setAdd(t, so, arg(t, args, 0))))
    .method('clear', NOARGS, (t, so) => {
      setClear(t, so);
      return noneResult(t);
    })
    .method('discard', ONE_ARG, (t, so, args) => noneOr(t, discardKey(t, so, arg(t, args, 0))))
    .method('pop', NOARGS, (t, so) => setPop(t, so))
    .method('remove', ONE_ARG, (t, so, args) => {
      const key = arg(t, args, 0);
      const r = discardKey(t, so, key);
      if (r < 0) return 0;
      if (r === 0) return errSetKeyError(t, key);
      return noneResult(t);
    })
    .method('update', FASTCALL, (t, so, args, nargs) => {
      for (const other of others(t, args, nargs)) if (setUpdate(t, so, other) < 0) return 0;
      return noneResult(t);
    })
    .method('intersection_update', FASTCALL, (t, so, args, nargs) => {
      const result = intersectionMulti(t, so, others(t, args, nargs));
      if (result === 0) return 0;
      // `set_swap_bodies`: the result's elements become so's.
      setClear(t, so);
      const r = setUpdate(t, so, result);
      decref(t.rc, result);
      return noneOr(t, r);
    })
    .method('difference_update', FASTCALL, (t, so, args, nargs) => {
      for (const other of others(t, args, nargs)) if (setDifferenceUpdate(t, so, other) < 0) return 0;
      return noneResult(t);
    })
    .method('symmetric_difference_update', ONE_ARG, (t, so, args) => noneOr(t, setSymmetricDifferenceUpdate(t, so, arg(t, args, 0))));

  // `set_new`: an empty set (keywords refused for set itself); `set_init` empties it and adds the iterable's elements.
  const newId = slots.add('new', 'set', (t, type, _args, kwargs) => {
    if (type === t.types[StaticType.Set]) return noKeywords(t, 'set', kwargs) ? setNew(t) : 0;
    return subtypeNew(t, type);
  });
  const initId = slots.add('init', 'set', (t, self, args, kwargs) => {
    if (!noKeywords(t, 'set', kwargs)) return -1;
    const n = tupleSize(t, args);
    if (!checkPositional(t, typeName(t, typeOf(t, self)), n, 0, 1)) return -1;
    setClear(t, self);
    return n === 0 ? 0 : setUpdate(t, self, tupleGetItem(t, args, 0));
  });
  return table.done({ new: newId, init: initId, ...operators.shared, ...operators.inplace });
}

/** Registers frozenset's methods and constructor; returns them for frozenset's spec. @internal */
export function registerFrozenSetMethods(slots: SlotRegistry, operators: SetOperatorSlots): BuiltinTypeAdditions {
  const table = shared(new MethodTable(slots, 'frozenset'));
  // `frozenset_new`: the iterable's elements (an exact frozenset is itself); keywords refused unless a subclass's __init__ takes them.
  const newId = slots.add('new', 'frozenset', (t, type, args, kwargs) => {
    const frozenset = t.types[StaticType.FrozenSet]!;
    if ((type === frozenset || typeSlotId(t, type, 'init') === typeSlotId(t, frozenset, 'init')) && !noKeywords(t, 'frozenset', kwargs)) return 0;
    const n = tupleSize(t, args);
    if (!checkPositional(t, typeName(t, type), n, 0, 1)) return 0;
    const iterable = n === 0 ? 0 : tupleGetItem(t, args, 0);
    if (type !== frozenset) return subtypeNew(t, type, iterable);
    if (iterable !== 0 && anySetCheckExact(t, iterable) && typeOf(t, iterable) === frozenset) return newRef(t, iterable);
    return setNew(t, iterable, true);
  });
  return table.done({ new: newId, ...operators.shared });
}
