/**
 * Registration of the static types StaticType.BaseExceptionGroup and
 * StaticType.ExceptionGroup (exception-group.ts): their collector
 * behaviours, slots, methods and specs, in StaticType order.
 *
 * BaseExceptionGroup has BaseException's layout with `message` and
 * `exceptions` after it (read-only attributes, answered by the exceptions'
 * `getattro` as the other layouts' are: exceptions.ts); ExceptionGroup is
 * `ExceptionGroup(BaseExceptionGroup, Exception)` — a second base, so its
 * MRO is `(ExceptionGroup, BaseExceptionGroup, Exception, BaseException,
 * object)` — and shares everything else with BaseExceptionGroup. (In
 * CPython it is a heap type made by `PyErr_NewException`; here a static
 * one, so its attributes cannot be assigned.)
 */

import { TYPE_FLAG_HAVE_GC, type BehaviourRegistry } from '@ft/refcount';
import { exceptionGroupDerive, exceptionGroupInit, exceptionGroupNew, exceptionGroupSplit, exceptionGroupStr, exceptionGroupSubgroup } from './exception-group.js';
import { excFieldGet } from './exception-object.js';
import { errRaiseInt } from './errors.js';
import { exceptionAttributes, exceptionClear, exceptionDealloc, exceptionGetAttro, exceptionSetAttro, exceptionTraverse, type ExceptionAttribute } from './exceptions.js';
import { EXC_DICT_OFFSET, EXCGROUP_EXCS_OFFSET, EXCGROUP_MSG_OFFSET, EXCGROUP_SIZE, StaticType, TPFLAGS_BASE_EXC_SUBCLASS } from './layout.js';
import { arg, MethodTable, ONE_ARG } from './method-table.js';
import type { ObThread } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import type { BuiltinTypeSpec } from './type-object.js';

/** A `Py_READONLY` `_Py_T_OBJECT` member: None while empty; any store or delete raises AttributeError "readonly attribute". */
function readonlyMember(offset: number): ExceptionAttribute {
  return {
    get: (t, op) => {
      const v = excFieldGet(t, op, offset);
      if (v !== 0) return v;
      return t.none; // immortal
    },
    set: (t) => errRaiseInt(t, StaticType.AttributeError, 'readonly attribute'),
  };
}

/** Registers the group's behaviours and slots; returns its specs in StaticType order. @internal */
export function registerExceptionGroupTypes(registry: BehaviourRegistry, slots: SlotRegistry, box: { readonly t: ObThread | null }): BuiltinTypeSpec[] {
  const ob = (): ObThread => box.t!;
  const words = [EXCGROUP_MSG_OFFSET, EXCGROUP_EXCS_OFFSET];
  const name = 'objects/exception/group';
  const dealloc = registry.add('dealloc', name, (_rc, op) => exceptionDealloc(ob(), op, words));
  const traverse = registry.add('traverse', name, (rc, op, visit) => exceptionTraverse(rc, op, visit, words));
  const clear = registry.add('clear', name, (rc, op) => exceptionClear(rc, op, words));
  const attributes = exceptionAttributes([
    ['message', readonlyMember(EXCGROUP_MSG_OFFSET)],
    ['exceptions', readonlyMember(EXCGROUP_EXCS_OFFSET)],
  ]);
  const groupSlots = {
    getattro: slots.add('getattro', 'exception/group', (t, op, attr) => exceptionGetAttro(t, op, attr, attributes)),
    setattro: slots.add('setattro', 'exception/group', (t, op, attr, value) => exceptionSetAttro(t, op, attr, value, attributes)),
    new: slots.add('new', 'BaseExceptionGroup', exceptionGroupNew),
    init: slots.add('init', 'BaseExceptionGroup', exceptionGroupInit),
    str: slots.add('str', 'BaseExceptionGroup', exceptionGroupStr),
  };
  const table = new MethodTable(slots, 'BaseExceptionGroup')
    .method('derive', ONE_ARG, (t, self, args) => exceptionGroupDerive(t, self, arg(t, args, 0)))
    .method('split', ONE_ARG, (t, self, args) => exceptionGroupSplit(t, self, arg(t, args, 0)))
    .method('subgroup', ONE_ARG, (t, self, args) => exceptionGroupSubgroup(t, self, arg(t, args, 0)))
    .done(groupSlots);
  const layout = { basicSize: EXCGROUP_SIZE, flags: TYPE_FLAG_HAVE_GC | TPFLAGS_BASE_EXC_SUBCLASS, dictOffset: EXC_DICT_OFFSET, dealloc, traverse, clear };
  const specs: BuiltinTypeSpec[] = [
    { name: 'BaseExceptionGroup', baseIndex: StaticType.BaseException + 1, ...layout, ...table }, // StaticType.BaseExceptionGroup
    { name: 'ExceptionGroup', baseIndex: StaticType.BaseExceptionGroup + 1, extraBaseIndices: [StaticType.Exception + 1], ...layout }, // StaticType.ExceptionGroup
  ];
  if (specs.length !== StaticType.ExceptionGroup - StaticType.BaseExceptionGroup + 1) throw new Error('exception-group-types: wrong number of specs');
  return specs;
}
