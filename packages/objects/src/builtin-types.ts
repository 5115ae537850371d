/**
 * The builtin types' behaviours and their static type specs: which dealloc,
 * traverse and clear (the refcount registry) and which slots (the slot
 * registry) each has, registered in one fixed order so that ids agree on
 * every thread, and the specs the runtime's static types are created from
 * (`_PyTypes_InitTypes`), in {@link StaticType} order.
 *
 * Behaviours receive the thread's RcThread (the layers below call them);
 * each registration closes over a box that the thread's ObThread fills
 * when it joins (objects-lifecycle.ts).
 */

import { formatAddress } from '@ft/atomics';
import { gcDel, gcUntrack } from '@ft/gc';
import { decref, freeObject, incref, OB_TYPE_OFFSET, TYPE_FLAG_HAVE_GC, type BehaviourRegistry, type RcThread } from '@ft/refcount';
import { objectIsTrue, objectRichCompareBool, PY_EQ, PY_NE, typeSlot } from './abstract.js';
import { errRaise, errRaiseInt, errUnhashable } from './errors.js';
import { dictViewOf, dictViewReprJs, dictAssSubscript, dictContains, dictDealloc, dictIter, dictIterDealloc, dictIterNext, dictReprJs, dictRichCompare, dictSize, dictTpClear, dictTraverse } from './dict.js';
import { dictSubscriptOrMissing } from './dict-methods.js';
import { floatAsDouble, floatDealloc, floatReprJs } from './float.js';
import { registerFloatSlots } from './float-arith.js';
import { indexCheck, numberIndex } from './abstract-number.js';
import { registerIntNumberSlots } from './int-arith.js';
import { registerExceptionTypes } from './exception-hierarchy.js';
import { intAsNumber, intCopy, intDealloc, intCompare, intHash, intIsCompact, intCompactValue, intReprJs, intSign } from './int.js';
import {
  COMPLEX_OBJECT_SIZE,
  DICT_OBJECT_SIZE,
  DICTITER_DICT_OFFSET,
  FLOAT_OBJECT_SIZE,
  DICTITER_SIZE,
  DICTVIEW_SIZE,
  LIST_OBJECT_SIZE,
  SEQITER_SIZE,
  STR_DATA_OFFSET,
  StaticType,
  TPFLAGS_DICT_SUBCLASS,
  TPFLAGS_LIST_SUBCLASS,
  TPFLAGS_LONG_SUBCLASS,
  TPFLAGS_TUPLE_SUBCLASS,
  TPFLAGS_UNICODE_SUBCLASS,
  TUPLE_ITEMS_OFFSET,
  LONG_DIGITS_OFFSET,
  MEMBER_SIZE,
  DEQUE_OBJECT_SIZE,
  DEQUE_WEAKLIST_OFFSET,
  DEQUEITER_DEQUE_OFFSET,
  DEQUEITER_SIZE,
  SET_OBJECT_SIZE,
  SET_WEAKLIST_OFFSET,
  TP_WEAKLIST_OFFSET,
  MEMBER_TYPE_OFFSET,
  RANGE_SIZE,
  RANGEITER_SIZE,
  SLICE_SIZE,
} from './layout.js';
import {
  listContains,
  listDealloc,
  listGetItemRef,
  listIter,
  listIterDealloc,
  listIterNext,
  listIterTraverse,
  listReprJs,
  listRichCompare,
  listSetItem,
  listSize,
  listTraverse,
  listClear,
} from './list.js';
import { listConcat, listInplaceConcat, listInplaceRepeat, listRepeat } from './list-arith.js';
import { listDelSlice, listGetSlice, listSetSlice } from './list-slice.js';
import { rangeBool, rangeContains, rangeDealloc, rangeHash, rangeIter, rangeIterDealloc, rangeIterNext, rangeLength, rangeReprJs, rangeRichCompare, rangeSubscript } from './range.js';
import { sliceCheck, sliceDealloc, sliceHash, sliceReprJs, sliceRichCompare, sliceTraverse, sliceUnpack } from './slice.js';
import type { BuiltinBehaviourIds, ObThread } from './ob-thread.js';
import { strConcat, strContains, strExact, strGetItem, strGetSlice, strRepeat } from './str-methods.js';
import { memberGet, memberSet, objectGenericGetAttr, objectGenericSetAttr, typeGetAttro, typeSetAttro } from './generic-attr.js';
import { genericAliasNew, heapTypeClear, heapTypeDealloc, heapTypeTraverse, instanceClear, instanceDealloc, instanceTraverse, memberDealloc, memberName } from './heap-type.js';
import type { SlotRegistry } from './slot-registry.js';
import { strEq, strCompare, strFromJs, strHash, strReprJs } from './str.js';
import { strLength } from './str-read.js';
import { typeHasFlag, typeIsSubtype, typeName, typeNameOf, typeOf } from './subtype.js';
import { compareLengths, tupleGetSlice, tupleGetItem, tupleHash, tupleReleaseItems, tupleReprJs, tupleRichCompare, tupleSize, tupleTraverse } from './tuple.js';
import type { BuiltinTypeSpec } from './type-object.js';
import { objectInit, objectNew, typeCall, typeTpInit, typeTpNew, type ObjectSlotIds } from './type-call.js';
import { registerBuiltinMethods, type BuiltinTypeAdditions } from './builtin-methods.js';
import { METH_CLASS, METH_O } from './builtin-function.js';
import { fixupSlots } from './slot-dispatch.js';
import { slotFinalize, updateFinalize } from './instance-finalize.js';
import { wrapperSlotId } from './slot-wrappers.js';
import { typeModuleJs, typeQualNameJs } from './type-names.js';
import { registerBytesTypes } from './bytes-types.js';
import { registerCallableTypes } from './callable-types.js';
import { registerExceptionGroupTypes } from './exception-group-types.js';
import { registerIteratorTypes } from './iterator-types.js';
import { registerGeneratorType } from './generator-types.js';
import { registerCoroutineTypes } from './coroutine-types.js';
import { registerMappingProxyType } from './mappingproxy.js';
import { registerMemoryViewTypes } from './memoryview-types.js';
import { registerTypeIntrospection } from './type-introspection.js';
import { registerWeakrefTypes } from './weakref-types.js';
import { clearWeakRefs } from './weakref-clear.js';
import { dequeClear, dequeContains, dequeDealloc, dequeGetItem, dequeIter, dequeIterDealloc, dequeIterNext, dequeReprJs, dequeSize, dequeTraverse } from './deque.js';
import { anySetCheckExact, frozensetHash, setClear, setContainsKey, setDealloc, setEqual, setIter, setIterNext, setReprJs, setSize, setTraverse } from './set.js';

/** The box a thread's behaviours read their ObThread from. @internal */
export interface ObBox {
  t: ObThread | null;
}

/** What the builtin registrations return: the specs of the static types, in {@link StaticType} order. @internal */
export interface BuiltinTypes {
  /** Spec of each static type; `base` holds a StaticType index (+1), resolved when created. */
  readonly specs: readonly BuiltinTypeSpec[];
  /** The behaviours of heap types (the metatype's instances). */
  readonly heapType: { readonly dealloc: number; readonly traverse: number; readonly clear: number };
  /** Behaviour ids this layer's code names. */
  readonly ids: BuiltinBehaviourIds;
}

/** This thread's scratch for a slice's unpacked bounds (module scope is per thread). */
const unpacked: { start: number | null; stop: number | null; step: number | null } = { start: null, stop: null, step: null };

/** A str result from JavaScript text (0 with the exception when `text` is null). */
function reprResult(t: ObThread, text: string | null): number {
  return text === null ? 0 : strFromJs(t, text);
}

/**
 * `PyNumber_AsSsize_t(key, IndexError)` for the index of a sequence: the
 * int's value, or null with TypeError ("list indices must be integers or
 * slices, not str").
 */
function indexOf(t: ObThread, key: number, what: string): number | null {
  if (!typeHasFlag(t, typeOf(t, key), TPFLAGS_LONG_SUBCLASS)) {
    // `_PyIndex_Check`: an object with `__index__` is an index too.
    if (indexCheck(t, key)) {
      const index = numberIndex(t, key);
      if (index === 0) return null;
      const v = indexOf(t, index, what);
      decref(t.rc, index);
      return v;
    }
    errRaise(t, StaticType.TypeError, `${what} indices must be integers or slices, not ${typeNameOf(t, key)}`);
    return null;
  }
  if (intIsCompact(t, key)) return intCompactValue(t, key);
  const v = intAsNumber(t, key);
  // Past any index: IndexError as CPython raises for a huge index ("cannot fit 'int' into an index-sized integer").
  if (!Number.isSafeInteger(v)) {
    errRaise(t, StaticType.IndexError, "cannot fit 'int' into an index-sized integer");
    return null;
  }
  return v;
}

/**
 * `object_richcompare` for `!=`: the negation of what `type(a)`'s own
 * richcompare answers for `==` (so a class defining only `__eq__` gets a
 * matching `!=`), NotImplemented when that is NotImplemented; 0 with an
 * exception.
 */
function objectNotEqual(t: ObThread, a: number, b: number): number {
  const compare = typeSlot(t, typeOf(t, a), 'richcompare');
  if (compare === null) return t.notImplemented;
  const eq = compare(t, a, b, PY_EQ);
  if (eq === 0 || eq === t.notImplemented) return eq;
  const ok = objectIsTrue(t, eq);
  decref(t.rc, eq);
  if (ok < 0) return 0;
  return ok !== 0 ? t.false : t.true;
}

/**
 * Registers every builtin behaviour and slot, in one fixed order, and
 * returns the static types' specs. Every thread calls it with fresh
 * registries before it joins.
 * @internal
 */
export function registerBuiltinTypes(registry: BehaviourRegistry, slots: SlotRegistry, box: ObBox): BuiltinTypes {
  const ob = (): ObThread => box.t!;

  // --- refcount behaviours -------------------------------------------------------
  const tupleDealloc = registry.add('dealloc', 'objects/tuple', (rc, op) => {
    const t = ob();
    gcUntrack(rc, op);
    tupleReleaseItems(rc, op);
    gcDel(t.gc, op);
  });
  const tupleTraverseId = registry.add('traverse', 'objects/tuple', tupleTraverse);
  const listDeallocId = registry.add('dealloc', 'objects/list', (_rc, op) => listDealloc(ob(), op));
  const listTraverseId = registry.add('traverse', 'objects/list', listTraverse);
  const listClearId = registry.add('clear', 'objects/list', (_rc, op) => listClear(ob(), op));
  const seqIterDealloc = registry.add('dealloc', 'objects/seq-iter', (_rc, op) => listIterDealloc(ob(), op));
  const seqIterTraverse = registry.add('traverse', 'objects/seq-iter', listIterTraverse);
  const plainDealloc = registry.add('dealloc', 'objects/plain', (rc, op) => freeObject(rc, op));
  const instanceDeallocId = registry.add('dealloc', 'objects/instance', (_rc, op) => instanceDealloc(ob(), op, registry.finalize));
  // `slot_tp_finalize`: the tp_finalize of classes whose MRO defines `__del__` (instance-finalize.ts).
  const instanceFinalizeId = registry.add('finalize', 'objects/instance', (_rc, op) => slotFinalize(ob(), op));
  // Instances of heap types hand their static base's part to its behaviours, found by id in this registry's tables.
  const instanceTraverseId = registry.add('traverse', 'objects/instance', (rc, op, visit) => instanceTraverse(rc, op, visit, registry.traverse));
  const instanceClearId = registry.add('clear', 'objects/instance', (rc, op) => instanceClear(rc, op, registry.clear));
  const heapTypeDeallocId = registry.add('dealloc', 'objects/heap-type', (_rc, op) => heapTypeDealloc(ob(), op));
  const heapTypeTraverseId = registry.add('traverse', 'objects/heap-type', heapTypeTraverse);
  const heapTypeClearId = registry.add('clear', 'objects/heap-type', (_rc, op) => heapTypeClear(ob(), op));
  const memberDeallocId = registry.add('dealloc', 'objects/member', (_rc, op) => memberDealloc(ob(), op));
  const setDeallocId = registry.add('dealloc', 'objects/set', (rc, op) => {
    // `set_dealloc`: untracked, then its weakrefs cleared (their callbacks may run) before anything is released.
    gcUntrack(rc, op);
    clearWeakRefs(ob(), op);
    setDealloc(ob(), op);
  });
  const setTraverseId = registry.add('traverse', 'objects/set', setTraverse);
  const setClearId = registry.add('clear', 'objects/set', (_rc, op) => setClear(ob(), op));
  const dequeDeallocId = registry.add('dealloc', 'objects/deque', (rc, op) => {
    // `deque_dealloc`: untracked, its weakrefs cleared, then emptied.
    gcUntrack(rc, op);
    clearWeakRefs(ob(), op);
    dequeDealloc(ob(), op);
  });
  const dequeTraverseId = registry.add('traverse', 'objects/deque', dequeTraverse);
  const dequeClearId = registry.add('clear', 'objects/deque', (_rc, op) => dequeClear(ob(), op));
  const dequeIterDeallocId = registry.add('dealloc', 'objects/deque-iter', (_rc, op) => dequeIterDealloc(ob(), op));
  const dequeIterTraverse = registry.add('traverse', 'objects/deque-iter', (rc, op, visit) => visit(rc.u32[(op + DEQUEITER_DEQUE_OFFSET) >>> 2]!));
  const floatDeallocId = registry.add('dealloc', 'objects/float', (_rc, op) => floatDealloc(ob(), op));
  const intDeallocId = registry.add('dealloc', 'objects/int', (_rc, op) => intDealloc(ob(), op));
  const dictDeallocId = registry.add('dealloc', 'objects/dict', (_rc, op) => dictDealloc(ob(), op));
  const dictTraverseId = registry.add('traverse', 'objects/dict', dictTraverse);
  const dictClearId = registry.add('clear', 'objects/dict', (_rc, op) => dictTpClear(ob(), op));
  const dictIterDeallocId = registry.add('dealloc', 'objects/dict-iter', (_rc, op) => dictIterDealloc(ob(), op));
  const dictIterTraverse = registry.add('traverse', 'objects/dict-iter', (rc, op, visit) => {
    const d = rc.u32[(op + DICTITER_DICT_OFFSET) >>> 2]!;
    return d === 0 ? 0 : visit(d);
  });

  // --- slots ---------------------------------------------------------------------------
  // `object.__new__`, `object.__init__` and `type.__call__` (type-call.ts): each of the first two names the other's id.
  const objectIds: ObjectSlotIds = { new: 0, init: 0 };
  objectIds.new = slots.add('new', 'object', (t, type, args, kwargs) => objectNew(t, type, args, kwargs, objectIds));
  objectIds.init = slots.add('init', 'object', (t, self, args, kwargs) => objectInit(t, self, args, kwargs, objectIds));
  const typeCallId = slots.add('call', 'type', typeCall);
  // `type_new` / `type_init` (type-call.ts): `type.__new__`, `type.__init__`, and what metaclasses inherit.
  const typeNewIds = { new: 0 };
  typeNewIds.new = slots.add('new', 'type', (t, metatype, args, kwargs) => typeTpNew(t, metatype, args, kwargs, typeNewIds.new));
  const typeInitId = slots.add('init', 'type', typeTpInit);
  const objectGetattro = slots.add('getattro', 'object', objectGenericGetAttr);
  const objectSetattro = slots.add('setattro', 'object', objectGenericSetAttr);
  const typeGetattroId = slots.add('getattro', 'type', typeGetAttro);
  const typeSetattroId = slots.add('setattro', 'type', typeSetAttro);
  const typeRepr = slots.add('repr', 'type', (t, op) => strFromJs(t, `<class '${typeName(t, op)}'>`));
  const memberGetId = slots.add('descrGet', 'member_descriptor', memberGet);
  const memberSetId = slots.add('descrSet', 'member_descriptor', memberSet);
  const memberRepr = slots.add('repr', 'member_descriptor', (t, op) => strFromJs(t, `<member '${memberName(t, op)}' of '${typeName(t, t.u32[(op + MEMBER_TYPE_OFFSET) >>> 2]!)}' objects>`));
  // `object_repr`: `<module.Qualname object at 0x…>`, the module left out for builtins.
  const objectRepr = slots.add('repr', 'object', (t, op) => {
    const type = typeOf(t, op);
    const module = typeModuleJs(t, type);
    return strFromJs(t, module !== null && module !== 'builtins' ? `<${module}.${typeQualNameJs(t, type)} object at ${formatAddress(op)}>` : `<${typeNameOf(t, op)} object at ${formatAddress(op)}>`);
  });
  // `_Py_HashPointer`: the address rotated by 4 bits (its low bits are always 0).
  const objectHashId = slots.add('hash', 'object', (_t, op) => {
    const h = ((op >>> 4) | (op << 28)) | 0;
    return h === -1 ? -2 : h;
  });
  const objectRichcompare = slots.add('richcompare', 'object', (t, a, b, op) => {
    if (op === PY_EQ) return a === b ? t.true : t.notImplemented;
    // `object_richcompare`: `!=` is the inverse of the type's own `==` (a class's __eq__), unless that is NotImplemented.
    if (op === PY_NE) return objectNotEqual(t, a, b);
    return t.notImplemented;
  });

  const noneRepr = slots.add('repr', 'NoneType', (t) => strFromJs(t, 'None'));
  const noneBool = slots.add('bool', 'NoneType', () => 0);
  const noneHash = slots.add('hash', 'NoneType', () => 0xfca86420 | 0);
  const notImplementedRepr = slots.add('repr', 'NotImplementedType', (t) => strFromJs(t, 'NotImplemented'));
  const ellipsisRepr = slots.add('repr', 'ellipsis', (t) => strFromJs(t, 'Ellipsis'));

  const intHashId = slots.add('hash', 'int', intHash);
  const intRichcompare = slots.add('richcompare', 'int', (t, a, b, op) => {
    // An exact int needs no flag read (a plain type-word compare); else `PyLong_Check`.
    if (t.u32[(b + OB_TYPE_OFFSET) >>> 2] !== t.types[StaticType.Int] && !typeHasFlag(t, typeOf(t, b), TPFLAGS_LONG_SUBCLASS)) return t.notImplemented;
    return compareLengths(t, intCompare(t, a, b), 0, op);
  });
  const intBool = slots.add('bool', 'int', (t, op) => (intSign(t, op) !== 0 ? 1 : 0));
  const intIndex = slots.add('index', 'int', intCopy);
  const intInt = slots.add('int', 'int', intCopy);
  const boolRepr = slots.add('repr', 'bool', (t, op) => strFromJs(t, op === t.true ? 'True' : 'False'));

  const strRepr = slots.add('repr', 'str', (t, op) => strFromJs(t, strReprJs(t, op)));
  const strStr = slots.add('str', 'str', strExact);
  const strHashId = slots.add('hash', 'str', strHash);
  const strRichcompare = slots.add('richcompare', 'str', (t, a, b, op) => {
    if (!typeHasFlag(t, typeOf(t, b), TPFLAGS_UNICODE_SUBCLASS)) return t.notImplemented;
    if (op === PY_EQ || op === PY_NE) return (strEq(t, a, b) === (op === PY_EQ)) ? t.true : t.false;
    return compareLengths(t, strCompare(t, a, b), 0, op);
  });
  const strLengthId = slots.add('length', 'str', strLength);
  const strConcatId = slots.add('concat', 'str', strConcat);
  const strRepeatId = slots.add('repeat', 'str', strRepeat);
  const strContainsId = slots.add('contains', 'str', strContains);
  const strItemId = slots.add('item', 'str', strGetItem);
  const strSubscript = slots.add('subscript', 'str', (t, op, key) => {
    if (sliceCheck(t, key)) return sliceUnpack(t, key, unpacked) < 0 ? 0 : strGetSlice(t, op, unpacked.start, unpacked.stop, unpacked.step);
    if (!typeHasFlag(t, typeOf(t, key), TPFLAGS_LONG_SUBCLASS)) return errRaise(t, StaticType.TypeError, `string indices must be integers, not '${typeNameOf(t, key)}'`);
    const i = indexOf(t, key, 'string');
    return i === null ? 0 : strGetItem(t, op, i);
  });

  const tupleRepr = slots.add('repr', 'tuple', (t, op) => reprResult(t, tupleReprJs(t, op)));
  const tupleHashId = slots.add('hash', 'tuple', tupleHash);
  const tupleRichcompareId = slots.add('richcompare', 'tuple', tupleRichCompare);
  const tupleLength = slots.add('length', 'tuple', tupleSize);
  const tupleSubscript = slots.add('subscript', 'tuple', (t, op, key) => {
    if (sliceCheck(t, key)) return sliceUnpack(t, key, unpacked) < 0 ? 0 : tupleGetSlice(t, op, unpacked.start, unpacked.stop, unpacked.step);
    const i = indexOf(t, key, 'tuple');
    if (i === null) return 0;
    const n = tupleSize(t, op);
    const j = i < 0 ? i + n : i;
    if (j < 0 || j >= n) return errRaise(t, StaticType.IndexError, 'tuple index out of range');
    return newRef(t, tupleGetItem(t, op, j));
  });
  const tupleContains = slots.add('contains', 'tuple', (t, op, key) => {
    const n = tupleSize(t, op);
    for (let i = 0; i < n; i++) {
      const eq = objectRichCompareBool(t, tupleGetItem(t, op, i), key, PY_EQ);
      if (eq !== 0) return eq;
    }
    return 0;
  });

  const listRepr = slots.add('repr', 'list', (t, op) => reprResult(t, listReprJs(t, op)));
  const listRichcompareId = slots.add('richcompare', 'list', listRichCompare);
  const listLength = slots.add('length', 'list', listSize);
  const listIterId = slots.add('iter', 'list', listIter);
  const listSubscript = slots.add('subscript', 'list', (t, op, key) => {
    if (sliceCheck(t, key)) return sliceUnpack(t, key, unpacked) < 0 ? 0 : listGetSlice(t, op, unpacked.start, unpacked.stop, unpacked.step);
    const i = indexOf(t, key, 'list');
    if (i === null) return 0;
    return listGetItemRef(t, op, i < 0 ? i + listSize(t, op) : i);
  });
  const listAssSubscript = slots.add('assSubscript', 'list', (t, op, key, value) => {
    if (sliceCheck(t, key)) {
      if (sliceUnpack(t, key, unpacked) < 0) return -1;
      return value === 0 ? listDelSlice(t, op, unpacked.start, unpacked.stop, unpacked.step) : listSetSlice(t, op, unpacked.start, unpacked.stop, unpacked.step, value);
    }
    const i = indexOf(t, key, 'list');
    if (i === null) return -1;
    const j = i < 0 ? i + listSize(t, op) : i;
    if (value !== 0) return listSetItem(t, op, j, value);
    // `del lst[i]`: the one-item slice, after the index check `list_ass_item` makes.
    if (j < 0 || j >= listSize(t, op)) return errRaiseInt(t, StaticType.IndexError, 'list assignment index out of range');
    return listDelSlice(t, op, j, j + 1);
  });
  const listConcatId = slots.add('concat', 'list', listConcat);
  const listRepeatId = slots.add('repeat', 'list', listRepeat);
  const listInplaceConcatId = slots.add('inplaceConcat', 'list', listInplaceConcat);
  const listInplaceRepeatId = slots.add('inplaceRepeat', 'list', listInplaceRepeat);
  const listContainsId = slots.add('contains', 'list', listContains);
  const seqIterIter = slots.add('iter', 'iterator', newRef);
  const listIterNextId = slots.add('iternext', 'list_iterator', listIterNext);

  // `PyObject_HashNotImplemented`: mutable containers are unhashable (an explicit slot, so that it is not inherited from object).
  const unhashable = slots.add('hash', 'unhashable', errUnhashable);
  const dictRepr = slots.add('repr', 'dict', (t, op) => reprResult(t, dictReprJs(t, op)));
  const dictRichcompareId = slots.add('richcompare', 'dict', dictRichCompare);
  const dictLength = slots.add('length', 'dict', dictSize);
  const dictIterId = slots.add('iter', 'dict', (t, op) => dictIter(t, op, 0));
  const dictSubscriptId = slots.add('subscript', 'dict', dictSubscriptOrMissing);
  const dictAssSubscriptId = slots.add('assSubscript', 'dict', dictAssSubscript);
  const dictContainsId = slots.add('contains', 'dict', dictContains);
  const viewRepr = slots.add('repr', 'dict_view', (t, op) => reprResult(t, dictViewReprJs(t, op)));
  const viewLength = slots.add('length', 'dict_view', (t, op) => dictSize(t, dictViewOf(t, op)!.dict));
  const viewIter = slots.add('iter', 'dict_view', (t, op) => {
    const of = dictViewOf(t, op)!;
    return dictIter(t, of.dict, of.which);
  });
  const keysContains = slots.add('contains', 'dict_keys', (t, op, key) => dictContains(t, dictViewOf(t, op)!.dict, key));
  const dictIterNextId = slots.add('iternext', 'dict_iterator', dictIterNext);

  const setRepr = slots.add('repr', 'set', (t, op) => reprResult(t, setReprJs(t, op)));
  const setLength = slots.add('length', 'set', setSize);
  const setIterId = slots.add('iter', 'set', setIter);
  const setContainsId = slots.add('contains', 'set', setContainsKey);
  const setRichcompare = slots.add('richcompare', 'set', (t, a, b, op) => {
    // `PyAnySet_Check(w)`: subclasses of set and frozenset compare as their bases.
    if (!anySetCheck(t, b) || (op !== PY_EQ && op !== PY_NE)) return t.notImplemented;
    const eq = setEqual(t, a, b);
    if (eq < 0) return 0;
    return (eq === 1) === (op === PY_EQ) ? t.true : t.false;
  });
  const frozensetHashId = slots.add('hash', 'frozenset', frozensetHash);
  const setIterNextId = slots.add('iternext', 'set_iterator', setIterNext);

  const dequeRepr = slots.add('repr', 'deque', (t, op) => reprResult(t, dequeReprJs(t, op)));
  const dequeLength = slots.add('length', 'deque', dequeSize);
  const dequeIterId = slots.add('iter', 'deque', dequeIter);
  const dequeContainsId = slots.add('contains', 'deque', dequeContains);
  const dequeSubscript = slots.add('subscript', 'deque', (t, op, key) => {
    // A deque is a sequence without slices: `sq_item` through PyNumber_AsSsize_t, with its message.
    if (!typeHasFlag(t, typeOf(t, key), TPFLAGS_LONG_SUBCLASS)) return errRaise(t, StaticType.TypeError, `sequence index must be integer, not '${typeNameOf(t, key)}'`);
    const i = indexOf(t, key, 'deque');
    return i === null ? 0 : dequeGetItem(t, op, i);
  });
  const dequeIterNextId = slots.add('iternext', 'deque_iterator', dequeIterNext);

  const floatRepr = slots.add('repr', 'float', (t, op) => strFromJs(t, floatReprJs(floatAsDouble(t, op))));
  const floatBool = slots.add('bool', 'float', (t, op) => (floatAsDouble(t, op) !== 0 ? 1 : 0));
  // The number protocols of int, bool, float and complex (their own files).
  const intNumber = registerIntNumberSlots(slots);
  const floatNumber = registerFloatSlots(slots);

  // The exceptions' behaviours and slots (exception-hierarchy.ts).
  const sliceDeallocId = registry.add('dealloc', 'objects/slice', (_rc, op) => sliceDealloc(ob(), op));
  const sliceTraverseId = registry.add('traverse', 'objects/slice', sliceTraverse);
  const sliceRepr = slots.add('repr', 'slice', (t, op) => reprResult(t, sliceReprJs(t, op)));
  const sliceRichcompareId = slots.add('richcompare', 'slice', sliceRichCompare);
  const sliceHashId = slots.add('hash', 'slice', sliceHash);
  const rangeDeallocId = registry.add('dealloc', 'objects/range', (_rc, op) => rangeDealloc(ob(), op));
  const rangeIterDeallocId = registry.add('dealloc', 'objects/range-iter', (_rc, op) => rangeIterDealloc(ob(), op));
  const rangeRepr = slots.add('repr', 'range', (t, op) => strFromJs(t, rangeReprJs(t, op)));
  const rangeRichcompareId = slots.add('richcompare', 'range', rangeRichCompare);
  const rangeHashId = slots.add('hash', 'range', rangeHash);
  const rangeLengthId = slots.add('length', 'range', rangeLength);
  const rangeSubscriptId = slots.add('subscript', 'range', rangeSubscript);
  const rangeContainsId = slots.add('contains', 'range', rangeContains);
  const rangeIterId = slots.add('iter', 'range', rangeIter);
  const rangeBoolId = slots.add('bool', 'range', rangeBool);
  const rangeIterNextId = slots.add('iternext', 'range_iterator', rangeIterNext);

  const exceptions = registerExceptionTypes(registry, slots, box);
  // Each group's behaviours, slots and specs (its own file), in StaticType order.
  const bytesSpecs = registerBytesTypes(registry, slots, box);
  const weakrefSpecs = registerWeakrefTypes(registry, slots, box);
  const callables = registerCallableTypes(registry, slots, box);
  const exceptionGroupSpecs = registerExceptionGroupTypes(registry, slots, box);
  const iteratorSpecs = registerIteratorTypes(registry, slots, box);
  const generatorSpec = registerGeneratorType(registry, slots, box);
  const mappingProxySpec = registerMappingProxyType(registry, slots, box);
  const memoryViewSpecs = registerMemoryViewTypes(registry, slots, box);
  const coroutineSpecs = registerCoroutineTypes(registry, slots, box);

  // --- the static types, in StaticType order -------------------------------------------
  const NONE = 0;
  const gcVar = (itemSize: number, basicSize: number, extra: number) => ({ basicSize, itemSize, flags: TYPE_FLAG_HAVE_GC | extra });
  const objectSlots = { repr: objectRepr, hash: objectHashId, richcompare: objectRichcompare, getattro: objectGetattro, setattro: objectSetattro, new: objectIds.new, init: objectIds.init };
  const exception = (index: StaticType) => exceptions.spec(index);
  const specs = [
    { name: 'type', baseIndex: StaticType.Object + 1, dealloc: 0, weaklistOffset: TP_WEAKLIST_OFFSET, slots: { getattro: typeGetattroId, setattro: typeSetattroId, repr: typeRepr, call: typeCallId, new: typeNewIds.new, init: typeInitId } }, // the metatype: created apart
    { name: 'object', baseIndex: NONE, basicSize: 20, dealloc: plainDealloc, slots: objectSlots },
    { name: 'NoneType', baseIndex: StaticType.Object + 1, dealloc: plainDealloc, slots: { repr: noneRepr, bool: noneBool, hash: noneHash } },
    { name: 'NotImplementedType', baseIndex: StaticType.Object + 1, dealloc: plainDealloc, slots: { repr: notImplementedRepr } },
    { name: 'ellipsis', baseIndex: StaticType.Object + 1, dealloc: plainDealloc, slots: { repr: ellipsisRepr } },
    { name: 'bool', baseIndex: StaticType.Int + 1, final: true, dealloc: plainDealloc, flags: TPFLAGS_LONG_SUBCLASS, slots: { repr: boolRepr, ...intNumber.bool } },
    { name: 'int', baseIndex: StaticType.Object + 1, basicSize: LONG_DIGITS_OFFSET, itemSize: 4, flags: TPFLAGS_LONG_SUBCLASS, dealloc: intDeallocId, slots: { hash: intHashId, richcompare: intRichcompare, bool: intBool, index: intIndex, int: intInt, ...intNumber.int } },
    { name: 'str', baseIndex: StaticType.Object + 1, basicSize: STR_DATA_OFFSET, itemSize: 1, flags: TPFLAGS_UNICODE_SUBCLASS, dealloc: plainDealloc, slots: { repr: strRepr, str: strStr, hash: strHashId, richcompare: strRichcompare, length: strLengthId, concat: strConcatId, repeat: strRepeatId, contains: strContainsId, item: strItemId, subscript: strSubscript } },
    {
      name: 'tuple',
      baseIndex: StaticType.Object + 1,
      ...gcVar(4, TUPLE_ITEMS_OFFSET, TPFLAGS_TUPLE_SUBCLASS),
      dealloc: tupleDealloc,
      traverse: tupleTraverseId,
      slots: { repr: tupleRepr, hash: tupleHashId, richcompare: tupleRichcompareId, length: tupleLength, subscript: tupleSubscript, contains: tupleContains },
    },
    {
      name: 'list',
      baseIndex: StaticType.Object + 1,
      basicSize: LIST_OBJECT_SIZE,
      flags: TYPE_FLAG_HAVE_GC | TPFLAGS_LIST_SUBCLASS,
      dealloc: listDeallocId,
      traverse: listTraverseId,
      clear: listClearId,
      slots: {
        repr: listRepr,
        richcompare: listRichcompareId,
        length: listLength,
        iter: listIterId,
        subscript: listSubscript,
        assSubscript: listAssSubscript,
        contains: listContainsId,
        hash: unhashable,
        concat: listConcatId,
        repeat: listRepeatId,
        inplaceConcat: listInplaceConcatId,
        inplaceRepeat: listInplaceRepeatId,
      },
    },
    {
      name: 'dict',
      baseIndex: StaticType.Object + 1,
      basicSize: DICT_OBJECT_SIZE,
      flags: TYPE_FLAG_HAVE_GC | TPFLAGS_DICT_SUBCLASS,
      dealloc: dictDeallocId,
      traverse: dictTraverseId,
      clear: dictClearId,
      slots: { repr: dictRepr, richcompare: dictRichcompareId, length: dictLength, iter: dictIterId, subscript: dictSubscriptId, assSubscript: dictAssSubscriptId, contains: dictContainsId, hash: unhashable },
    },
    { name: 'list_iterator', baseIndex: StaticType.Object + 1, basicSize: SEQITER_SIZE, flags: TYPE_FLAG_HAVE_GC, dealloc: seqIterDealloc, traverse: seqIterTraverse, slots: { iter: seqIterIter, iternext: listIterNextId } },
    { name: 'list_reverseiterator', baseIndex: StaticType.Object + 1, basicSize: SEQITER_SIZE, flags: TYPE_FLAG_HAVE_GC, dealloc: seqIterDealloc, traverse: seqIterTraverse, slots: { iter: seqIterIter } },
    { name: 'tuple_iterator', baseIndex: StaticType.Object + 1, basicSize: SEQITER_SIZE, flags: TYPE_FLAG_HAVE_GC, dealloc: seqIterDealloc, traverse: seqIterTraverse, slots: { iter: seqIterIter } },
    { name: 'dict_keys', baseIndex: StaticType.Object + 1, basicSize: DICTVIEW_SIZE, flags: TYPE_FLAG_HAVE_GC, dealloc: seqIterDealloc, traverse: seqIterTraverse, slots: { repr: viewRepr, length: viewLength, iter: viewIter, contains: keysContains, hash: unhashable } },
    { name: 'dict_values', baseIndex: StaticType.Object + 1, basicSize: DICTVIEW_SIZE, flags: TYPE_FLAG_HAVE_GC, dealloc: seqIterDealloc, traverse: seqIterTraverse, slots: { repr: viewRepr, length: viewLength, iter: viewIter, hash: unhashable } },
    { name: 'dict_items', baseIndex: StaticType.Object + 1, basicSize: DICTVIEW_SIZE, flags: TYPE_FLAG_HAVE_GC, dealloc: seqIterDealloc, traverse: seqIterTraverse, slots: { repr: viewRepr, length: viewLength, iter: viewIter, hash: unhashable } },
    { name: 'dict_keyiterator', baseIndex: StaticType.Object + 1, basicSize: DICTITER_SIZE, flags: TYPE_FLAG_HAVE_GC, dealloc: dictIterDeallocId, traverse: dictIterTraverse, slots: { iter: seqIterIter, iternext: dictIterNextId } },
    { name: 'dict_valueiterator', baseIndex: StaticType.Object + 1, basicSize: DICTITER_SIZE, flags: TYPE_FLAG_HAVE_GC, dealloc: dictIterDeallocId, traverse: dictIterTraverse, slots: { iter: seqIterIter, iternext: dictIterNextId } },
    { name: 'dict_itemiterator', baseIndex: StaticType.Object + 1, basicSize: DICTITER_SIZE, flags: TYPE_FLAG_HAVE_GC, dealloc: dictIterDeallocId, traverse: dictIterTraverse, slots: { iter: seqIterIter, iternext: dictIterNextId } },
    exception(StaticType.BaseException),
    exception(StaticType.Exception),
    exception(StaticType.TypeError),
    exception(StaticType.ValueError),
    exception(StaticType.LookupError),
    exception(StaticType.IndexError),
    exception(StaticType.KeyError),
    exception(StaticType.RuntimeError),
    exception(StaticType.ArithmeticError),
    exception(StaticType.OverflowError),
    exception(StaticType.ZeroDivisionError),
    exception(StaticType.MemoryError),
    exception(StaticType.AttributeError),
    exception(StaticType.StopIteration),
    exception(StaticType.SystemError),
    exception(StaticType.RecursionError),
    exception(StaticType.NotImplementedError),
    { name: 'member_descriptor', baseIndex: StaticType.Object + 1, basicSize: MEMBER_SIZE, flags: TYPE_FLAG_HAVE_GC, dealloc: memberDeallocId, slots: { descrGet: memberGetId, descrSet: memberSetId, repr: memberRepr } },
    {
      name: 'set',
      baseIndex: StaticType.Object + 1,
      basicSize: SET_OBJECT_SIZE,
      weaklistOffset: SET_WEAKLIST_OFFSET,
      flags: TYPE_FLAG_HAVE_GC,
      dealloc: setDeallocId,
      traverse: setTraverseId,
      clear: setClearId,
      slots: { repr: setRepr, length: setLength, iter: setIterId, contains: setContainsId, richcompare: setRichcompare, hash: unhashable },
    },
    {
      name: 'frozenset',
      baseIndex: StaticType.Object + 1,
      basicSize: SET_OBJECT_SIZE,
      weaklistOffset: SET_WEAKLIST_OFFSET,
      flags: TYPE_FLAG_HAVE_GC,
      dealloc: setDeallocId,
      traverse: setTraverseId,
      clear: setClearId,
      slots: { repr: setRepr, length: setLength, iter: setIterId, contains: setContainsId, richcompare: setRichcompare, hash: frozensetHashId },
    },
    { name: 'set_iterator', baseIndex: StaticType.Object + 1, basicSize: SEQITER_SIZE + 4, flags: TYPE_FLAG_HAVE_GC, dealloc: seqIterDealloc, traverse: seqIterTraverse, slots: { iter: seqIterIter, iternext: setIterNextId } },
    {
      name: 'collections.deque',
      baseIndex: StaticType.Object + 1,
      basicSize: DEQUE_OBJECT_SIZE,
      weaklistOffset: DEQUE_WEAKLIST_OFFSET,
      flags: TYPE_FLAG_HAVE_GC,
      dealloc: dequeDeallocId,
      traverse: dequeTraverseId,
      clear: dequeClearId,
      slots: { repr: dequeRepr, length: dequeLength, iter: dequeIterId, contains: dequeContainsId, subscript: dequeSubscript, hash: unhashable },
    },
    { name: '_collections._deque_iterator', baseIndex: StaticType.Object + 1, basicSize: DEQUEITER_SIZE, flags: TYPE_FLAG_HAVE_GC, dealloc: dequeIterDeallocId, traverse: dequeIterTraverse, slots: { iter: seqIterIter, iternext: dequeIterNextId } },
    { name: 'float', baseIndex: StaticType.Object + 1, basicSize: FLOAT_OBJECT_SIZE, dealloc: floatDeallocId, slots: { repr: floatRepr, bool: floatBool, ...floatNumber.float } },
    { name: 'complex', baseIndex: StaticType.Object + 1, basicSize: COMPLEX_OBJECT_SIZE, dealloc: plainDealloc, slots: { ...floatNumber.complex } },
    exception(StaticType.GeneratorExit),
    exception(StaticType.KeyboardInterrupt),
    exception(StaticType.SystemExit),
    exception(StaticType.AssertionError),
    exception(StaticType.BufferError),
    exception(StaticType.EOFError),
    exception(StaticType.ImportError),
    exception(StaticType.ModuleNotFoundError),
    exception(StaticType.NameError),
    exception(StaticType.UnboundLocalError),
    exception(StaticType.OSError),
    exception(StaticType.BlockingIOError),
    exception(StaticType.ChildProcessError),
    exception(StaticType.ConnectionError),
    exception(StaticType.BrokenPipeError),
    exception(StaticType.ConnectionAbortedError),
    exception(StaticType.ConnectionRefusedError),
    exception(StaticType.ConnectionResetError),
    exception(StaticType.FileExistsError),
    exception(StaticType.FileNotFoundError),
    exception(StaticType.InterruptedError),
    exception(StaticType.IsADirectoryError),
    exception(StaticType.NotADirectoryError),
    exception(StaticType.PermissionError),
    exception(StaticType.ProcessLookupError),
    exception(StaticType.TimeoutError),
    exception(StaticType.ReferenceError),
    exception(StaticType.StopAsyncIteration),
    exception(StaticType.SyntaxError),
    exception(StaticType.IndentationError),
    exception(StaticType.TabError),
    exception(StaticType.IncompleteInputError),
    exception(StaticType.FloatingPointError),
    exception(StaticType.PythonFinalizationError),
    exception(StaticType.UnicodeError),
    exception(StaticType.UnicodeDecodeError),
    exception(StaticType.UnicodeEncodeError),
    exception(StaticType.UnicodeTranslateError),
    exception(StaticType.Warning),
    exception(StaticType.UserWarning),
    exception(StaticType.DeprecationWarning),
    exception(StaticType.PendingDeprecationWarning),
    exception(StaticType.SyntaxWarning),
    exception(StaticType.RuntimeWarning),
    exception(StaticType.FutureWarning),
    exception(StaticType.ImportWarning),
    exception(StaticType.UnicodeWarning),
    exception(StaticType.BytesWarning),
    exception(StaticType.EncodingWarning),
    exception(StaticType.ResourceWarning),
    exception(StaticType.InterpreterError),
    exception(StaticType.InterpreterNotFoundError),
    { name: 'slice', baseIndex: StaticType.Object + 1, basicSize: SLICE_SIZE, flags: TYPE_FLAG_HAVE_GC, final: true, dealloc: sliceDeallocId, traverse: sliceTraverseId, slots: { repr: sliceRepr, richcompare: sliceRichcompareId, hash: sliceHashId } },
    {
      name: 'range',
      baseIndex: StaticType.Object + 1,
      basicSize: RANGE_SIZE,
      final: true,
      dealloc: rangeDeallocId,
      slots: { repr: rangeRepr, richcompare: rangeRichcompareId, hash: rangeHashId, length: rangeLengthId, subscript: rangeSubscriptId, contains: rangeContainsId, iter: rangeIterId, bool: rangeBoolId },
    },
    { name: 'range_iterator', baseIndex: StaticType.Object + 1, basicSize: RANGEITER_SIZE, final: true, dealloc: rangeIterDeallocId, slots: { iter: seqIterIter, iternext: rangeIterNextId } },
    ...bytesSpecs,
    ...weakrefSpecs,
    ...callables.specs,
    ...exceptionGroupSpecs,
    ...iteratorSpecs,
    generatorSpec,
    mappingProxySpec,
    ...memoryViewSpecs,
    ...coroutineSpecs,
  ];
  if (specs.length !== StaticType.Count) throw new Error(`builtin-types: ${specs.length} specs for ${StaticType.Count} static types`);
  // The Python-visible methods and constructors of these types (builtin-methods.ts).
  const additions = withClassGetItem(slots, registerBuiltinMethods(slots));
  // type's `__dict__`, `__subclasses__` and `__prepare__` (type-introspection.ts), after object-methods.ts's table.
  const typeIntrospection = registerTypeIntrospection(slots);
  const merge = (spec: BuiltinTypeSpec, extra: BuiltinTypeAdditions | undefined): BuiltinTypeSpec =>
    extra === undefined ? spec : { ...spec, methods: [...(spec.methods ?? []), ...(extra.methods ?? [])], getsets: [...(spec.getsets ?? []), ...(extra.getsets ?? [])], slots: { ...spec.slots, ...extra.slots } };
  const merged = (specs as BuiltinTypeSpec[]).map((spec, i): BuiltinTypeSpec => {
    const withTable = merge(spec, additions.get(i as StaticType));
    return i === StaticType.Type ? merge(withTable, typeIntrospection) : withTable;
  });
  return {
    specs: merged,
    heapType: { dealloc: heapTypeDeallocId, traverse: heapTypeTraverseId, clear: heapTypeClearId },
    ids: {
      instanceDealloc: instanceDeallocId,
      instanceTraverse: instanceTraverseId,
      instanceClear: instanceClearId,
      slotDispatch: callables.slotDispatch,
      newWrapper: callables.newWrapper,
      subtypeGetSets: callables.subtypeGetSets,
      fixupSlots: (t, type, name) => {
        if (fixupSlots(t, type, callables.slotDispatch, wrapperSlotId, name) < 0) return -1;
        if (name === undefined || name === '__del__') updateFinalize(t, type, instanceFinalizeId, name !== undefined);
        return 0;
      },
    },
  };
}

/** The builtin classes that are generic (PEP 585: `list[int]`): their `__class_getitem__` is `Py_GenericAlias`. */
const GENERIC_BUILTINS: readonly StaticType[] = [StaticType.Type, StaticType.Tuple, StaticType.List, StaticType.Dict, StaticType.Set, StaticType.FrozenSet, StaticType.Deque, StaticType.Enumerate, StaticType.MappingProxy];

/** `additions` with the class method `__class_getitem__` added to each of {@link GENERIC_BUILTINS}' tables. */
function withClassGetItem(slots: SlotRegistry, additions: ReadonlyMap<StaticType, BuiltinTypeAdditions>): ReadonlyMap<StaticType, BuiltinTypeAdditions> {
  const fn = slots.add('vectorcall', 'generic.__class_getitem__', (t, cls, args) => genericAliasNew(t, cls, t.u32[args >>> 2]!));
  const method = { name: '__class_getitem__', flags: METH_CLASS | METH_O, fn };
  const out = new Map(additions);
  for (const type of GENERIC_BUILTINS) {
    const table = out.get(type) ?? {};
    out.set(type, { ...table, methods: [...(table.methods ?? []), method] });
  }
  return out;
}

/** `PyAnySet_Check(op)`: a set, a frozenset, or an instance of a subclass of either. */
function anySetCheck(t: ObThread, op: number): boolean {
  if (anySetCheckExact(t, op)) return true;
  const type = typeOf(t, op);
  return typeIsSubtype(t, type, t.types[StaticType.Set]!) || typeIsSubtype(t, type, t.types[StaticType.FrozenSet]!);
}

/** `Py_NewRef(op)`. */
function newRef(t: ObThread, op: number): number {
  incref(t.rc, op);
  return op;
}
