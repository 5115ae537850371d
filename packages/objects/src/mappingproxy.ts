/**
 * The read-only view of a mapping (`mappingproxy`, `PyDictProxy_Type` of
 * `Objects/descrobject.c`): what `A.__dict__` gives for a class, and
 * `types.MappingProxyType(m)`. It holds one reference, the mapping, set
 * before the proxy is published and never replaced (only the collector's
 * clear empties it, with the world stopped), so it is read without a lock;
 * every operation is the mapping's own (`len`, `[]`, `in`, iteration,
 * `get`, `keys`, `values`, `items`, `copy`, `|`, comparisons, hash, str),
 * and none writes: the proxy has no `mp_ass_subscript`, so `p[k] = v` and
 * `del p[k]` raise the generic "'mappingproxy' object does not support
 * item assignment" / "… item deletion", and `p |= x` its own TypeError.
 */

import { type BehaviourRegistry, decref, OB_TYPE_OFFSET, OBJECT_HEADER_SIZE, TYPE_FLAG_HAVE_GC } from '@ft/refcount';
import { objectContains, objectGetItem, objectGetIter, objectHash, objectLength, objectRepr, objectRichCompare, typeSlot } from './abstract.js';
import { numberBinaryOp } from './abstract-number.js';
import { checkPositional, unpackKeywordsTuple, type ArgSpec } from './arg-parse.js';
import { callArgs } from './call.js';
import { dictCheckExact, dictContains } from './dict.js';
import { errRaise } from './errors.js';
import { objectStr } from './exceptions.js';
import { fieldGet, fieldsClear, fieldsDealloc, fieldsNew, fieldsTraverse } from './field-object.js';
import { objectGetAttr } from './generic-attr.js';
import { StaticType, TPFLAGS_LIST_SUBCLASS, TPFLAGS_TUPLE_SUBCLASS } from './layout.js';
import { arg, FASTCALL, MethodTable, NOARGS } from './method-table.js';
import type { ObThread } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import { strFromJs } from './str.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeNameOf, typeOf } from './subtype.js';
import type { BuiltinTypeSpec } from './type-object.js';
import { internedName } from './type-names.js';

/** `mapping`: the mapping viewed (strong; never replaced). @internal */ export const MAPPINGPROXY_MAPPING_OFFSET = OBJECT_HEADER_SIZE;
/** Bytes of a mappingproxy. @internal */ export const MAPPINGPROXY_SIZE = OBJECT_HEADER_SIZE + 4;

const FIELDS = [MAPPINGPROXY_MAPPING_OFFSET] as const;

/** Whether `op` is a mappingproxy. @public */
export function mappingProxyCheck(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.MappingProxy];
}

/** The mapping a proxy views (borrowed: the proxy keeps it for its whole life). @public */
export function mappingProxyMapping(t: ObThread, proxy: number): number {
  return fieldGet(t, proxy, MAPPINGPROXY_MAPPING_OFFSET);
}

/**
 * `PyDictProxy_New(mapping)`: a new proxy over `mapping`, or 0 with
 * TypeError "mappingproxy() argument must be a mapping, not list" (a list,
 * a tuple, or an object without `__getitem__`) or MemoryError.
 * @public
 */
export function mappingProxyNew(t: ObThread, mapping: number): number {
  const type = typeOf(t, mapping);
  // `mappingproxy_check_mapping`: PyMapping_Check, but not a sequence that also has mp_subscript.
  if (typeSlot(t, type, 'subscript') === null || typeHasFlag(t, type, TPFLAGS_LIST_SUBCLASS) || typeHasFlag(t, type, TPFLAGS_TUPLE_SUBCLASS)) {
    return errRaise(t, StaticType.TypeError, `mappingproxy() argument must be a mapping, not ${typeNameOf(t, mapping)}`);
  }
  return fieldsNew(t, t.types[StaticType.MappingProxy]!, FIELDS, [mapping]);
}

/** `PyObject_CallMethod(obj, name, ...)`: a new reference, or 0 with the exception. */
function callMethod(t: ObThread, obj: number, name: string, args: readonly number[]): number {
  const key = internedName(t, name);
  if (key === 0) return 0;
  const method = objectGetAttr(t, obj, key);
  if (method === 0) return 0;
  const r = callArgs(t, method, args);
  decref(t.rc, method);
  return r;
}

const NEW_SPEC: ArgSpec = { fname: 'mappingproxy', posonly: 0, names: ['mapping'], minpos: 1, maxpos: 1 };

/** Registers the type's behaviours, slots and methods; returns its spec (StaticType.MappingProxy). @internal */
export function registerMappingProxyType(registry: BehaviourRegistry, slots: SlotRegistry, box: { readonly t: ObThread | null }): BuiltinTypeSpec {
  const ob = (): ObThread => box.t!;
  const mapping = (t: ObThread, op: number): number => mappingProxyMapping(t, op);
  const table = new MethodTable(slots, 'mappingproxy')
    .method('get', FASTCALL, (t, self, args, nargs) => {
      if (!checkPositional(t, 'get', nargs, 1, 2)) return 0;
      return callMethod(t, mapping(t, self), 'get', [arg(t, args, 0), nargs >= 2 ? arg(t, args, 1) : t.none]);
    })
    .method('keys', NOARGS, (t, self) => callMethod(t, mapping(t, self), 'keys', []))
    .method('values', NOARGS, (t, self) => callMethod(t, mapping(t, self), 'values', []))
    .method('items', NOARGS, (t, self) => callMethod(t, mapping(t, self), 'items', []))
    .method('copy', NOARGS, (t, self) => callMethod(t, mapping(t, self), 'copy', []))
    .method('__reversed__', NOARGS, (t, self) => callMethod(t, mapping(t, self), '__reversed__', []));
  // `mappingproxy_or`: either side unwrapped, then the mappings' own `|`.
  const unwrap = (t: ObThread, op: number): number => (mappingProxyCheck(t, op) ? mapping(t, op) : op);
  const additions = table.done({
    new: slots.add('new', 'mappingproxy', (t, _type, args, kwargs) => {
      const out: number[] = [];
      return unpackKeywordsTuple(t, NEW_SPEC, args, kwargs, out) ? mappingProxyNew(t, out[0]!) : 0;
    }),
    repr: slots.add('repr', 'mappingproxy', (t, op) => {
      const inner = objectRepr(t, mapping(t, op));
      if (inner === 0) return 0;
      const text = strToJs(t, inner);
      decref(t.rc, inner);
      return strFromJs(t, `mappingproxy(${text})`);
    }),
    str: slots.add('str', 'mappingproxy', (t, op) => objectStr(t, mapping(t, op))),
    hash: slots.add('hash', 'mappingproxy', (t, op) => objectHash(t, mapping(t, op))),
    richcompare: slots.add('richcompare', 'mappingproxy', (t, a, b, op) => objectRichCompare(t, mapping(t, a), b, op)),
    length: slots.add('length', 'mappingproxy', (t, op) => objectLength(t, mapping(t, op))),
    subscript: slots.add('subscript', 'mappingproxy', (t, op, key) => objectGetItem(t, mapping(t, op), key)),
    // `mappingproxy_contains`: a dict's own lookup, else the sequence protocol's `in`.
    contains: slots.add('contains', 'mappingproxy', (t, op, key) => {
      const m = mapping(t, op);
      return dictCheckExact(t, m) ? dictContains(t, m, key) : objectContains(t, m, key);
    }),
    iter: slots.add('iter', 'mappingproxy', (t, op) => objectGetIter(t, mapping(t, op))),
    or: slots.add('or', 'mappingproxy', (t, a, b) => numberBinaryOp(t, unwrap(t, a), unwrap(t, b), 'or')),
    inplaceOr: slots.add('inplaceOr', 'mappingproxy', (t, a) => errRaise(t, StaticType.TypeError, `'|=' is not supported by ${typeNameOf(t, a)}; use '|' instead`)),
  });
  return {
    name: 'mappingproxy',
    baseIndex: StaticType.Object + 1,
    basicSize: MAPPINGPROXY_SIZE,
    flags: TYPE_FLAG_HAVE_GC,
    final: true,
    dealloc: registry.add('dealloc', 'objects/mappingproxy', (_rc, op) => fieldsDealloc(ob(), op, FIELDS)),
    traverse: registry.add('traverse', 'objects/mappingproxy', (rc, op, visit) => fieldsTraverse(rc, op, visit, FIELDS)),
    clear: registry.add('clear', 'objects/mappingproxy', (rc, op) => fieldsClear(rc, op, FIELDS)),
    ...additions,
  };
}
