/**
 * Weak proxies (`weakref.ProxyType`, `weakref.CallableProxyType`, the
 * proxy half of `Objects/weakrefobject.c`): a weakref that stands for its
 * referent — attribute access, the operators, `len`, items, iteration,
 * `str`, comparison and (for a callable referent) calls are forwarded to
 * it, each proxy operand replaced by its referent (`UNWRAP`); once the
 * referent is gone each raises ReferenceError ("weakly-referenced object
 * no longer exists"). A proxy is not hashable (its referent's hash could
 * change when it dies). Its layout, list and clearing are weakref.ts's.
 */

import { decref, incref } from '@ft/refcount';
import { formatAddress } from '@ft/atomics';
import { iterNext, objectContains, objectGetItem, objectGetIter, objectIsTrue, objectLength, objectRichCompare, objectSetItem, typeSlotId } from './abstract.js';
import { numberBinaryOp, numberIndex, numberInPlaceOp, numberLong, numberPower, numberUnaryOp, type NumberBinarySlot, type NumberUnarySlot } from './abstract-number.js';
import { objectCall } from './call.js';
import { errRaise, errUnhashable } from './errors.js';
import { objectStr } from './exceptions.js';
import { numberFloat } from './float-arith.js';
import { objectGetAttr, objectSetAttr } from './generic-attr.js';
import { StaticType } from './layout.js';
import type { ObThread, SlotKind } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import { strFromJs } from './str.js';
import { typeNameOf, typeOf } from './subtype.js';
import { typeFullyQualifiedNameJs, weakrefCheckProxy, weakrefGetRef } from './weakref.js';

/** `proxy_check_ref`: ReferenceError for a dead referent (`obj` 0). */
function deadProxy(t: ObThread): 0 {
  return errRaise(t, StaticType.ReferenceError, 'weakly-referenced object no longer exists');
}

/** The referent of proxy `proxy` (a new reference), or 0 with ReferenceError. */
function referent(t: ObThread, proxy: number): number {
  const obj = weakrefGetRef(t, proxy);
  return obj === 0 ? deadProxy(t) : obj;
}

/** `UNWRAP(o)`: a proxy's referent, anything else itself, as a new reference; 0 with ReferenceError. */
function unwrap(t: ObThread, o: number): number {
  if (weakrefCheckProxy(t, o)) return referent(t, o);
  incref(t.rc, o);
  return o;
}

/** `WRAP_UNARY`. */
function unary(t: ObThread, proxy: number, fn: (t: ObThread, obj: number) => number): number {
  const obj = unwrap(t, proxy);
  if (obj === 0) return 0;
  const r = fn(t, obj);
  decref(t.rc, obj);
  return r;
}

/** `WRAP_BINARY`: either operand may be the proxy (a reflected operator). */
function binary(t: ObThread, x: number, y: number, fn: (t: ObThread, a: number, b: number) => number): number {
  const a = unwrap(t, x);
  if (a === 0) return 0;
  const b = unwrap(t, y);
  if (b === 0) {
    decref(t.rc, a);
    return 0;
  }
  const r = fn(t, a, b);
  decref(t.rc, a);
  decref(t.rc, b);
  return r;
}

/** `WRAP_TERNARY` (pow with its modulus, None when not given). */
function ternary(t: ObThread, x: number, y: number, z: number, inplace: boolean): number {
  const c = unwrap(t, z);
  if (c === 0) return 0;
  const r = binary(t, x, y, (t2, a, b) => numberPower(t2, a, b, c, inplace));
  decref(t.rc, c);
  return r;
}

/** `proxy_repr`: `<weakproxy at 0x…; to 'Foo' at 0x…>` (the type's fully qualified name), or `<weakproxy at 0x…; dead>` (never raises for a dead one). @internal */
export function proxyReprJs(t: ObThread, proxy: number): string {
  const obj = weakrefGetRef(t, proxy);
  if (obj === 0) return `<weakproxy at ${formatAddress(proxy)}; dead>`;
  const text = `<weakproxy at ${formatAddress(proxy)}; to '${typeFullyQualifiedNameJs(t, typeOf(t, obj))}' at ${formatAddress(obj)}>`;
  decref(t.rc, obj);
  return text;
}

/** `proxy_iternext`: the referent must be an iterator ("Weakref proxy referenced a non-iterator 'L' object"). */
function proxyIterNext(t: ObThread, proxy: number): number {
  const obj = referent(t, proxy);
  if (obj === 0) return 0;
  if (typeSlotId(t, typeOf(t, obj), 'iternext') === 0) {
    const name = typeNameOf(t, obj);
    decref(t.rc, obj);
    return errRaise(t, StaticType.TypeError, `Weakref proxy referenced a non-iterator '${name}' object`);
  }
  const r = iterNext(t, obj);
  decref(t.rc, obj);
  return r;
}

/** `proxy_setattr`, `proxy_setitem`, `proxy_bool`, `proxy_length`, `proxy_contains`: the referent's, or -1 with ReferenceError. */
function intResult(t: ObThread, proxy: number, fn: (t: ObThread, obj: number) => number): number {
  const obj = weakrefGetRef(t, proxy);
  if (obj === 0) {
    deadProxy(t);
    return -1;
  }
  const r = fn(t, obj);
  decref(t.rc, obj);
  return r;
}

const BINARY: readonly NumberBinarySlot[] = ['add', 'subtract', 'multiply', 'remainder', 'divmod', 'lshift', 'rshift', 'and', 'xor', 'or', 'floorDivide', 'trueDivide', 'matrixMultiply'];
const INPLACE: { readonly [K in NumberBinarySlot]?: SlotKind } = {
  add: 'inplaceAdd',
  subtract: 'inplaceSubtract',
  multiply: 'inplaceMultiply',
  remainder: 'inplaceRemainder',
  lshift: 'inplaceLshift',
  rshift: 'inplaceRshift',
  and: 'inplaceAnd',
  xor: 'inplaceXor',
  or: 'inplaceOr',
  floorDivide: 'inplaceFloorDivide',
  trueDivide: 'inplaceTrueDivide',
  matrixMultiply: 'inplaceMatrixMultiply',
};
const UNARY: readonly NumberUnarySlot[] = ['negative', 'positive', 'absolute', 'invert'];

/**
 * Registers the proxies' slots (one set for both types; the callable one
 * adds `call`) and returns the slot ids of each type's spec.
 * @internal
 */
export function registerProxySlots(slots: SlotRegistry): { proxy: Partial<Record<SlotKind, number>>; callable: Partial<Record<SlotKind, number>> } {
  const own: Partial<Record<SlotKind, number>> = {
    repr: slots.add('repr', 'weakproxy', (t, op) => strFromJs(t, proxyReprJs(t, op))),
    str: slots.add('str', 'weakproxy', (t, op) => unary(t, op, objectStr)),
    // No `tp_hash`, but a `tp_richcompare`: `__hash__` is None (PyType_Ready; slot-wrappers.ts knows errUnhashable).
    hash: slots.add('hash', 'weakproxy', errUnhashable),
    richcompare: slots.add('richcompare', 'weakproxy', (t, a, b, op) => binary(t, a, b, (t2, x, y) => objectRichCompare(t2, x, y, op))),
    getattro: slots.add('getattro', 'weakproxy', (t, op, name) => unary(t, op, (t2, obj) => objectGetAttr(t2, obj, name))),
    setattro: slots.add('setattro', 'weakproxy', (t, op, name, value) => intResult(t, op, (t2, obj) => objectSetAttr(t2, obj, name, value))),
    iter: slots.add('iter', 'weakproxy', (t, op) => {
      const obj = referent(t, op);
      if (obj === 0) return 0;
      const r = objectGetIter(t, obj);
      decref(t.rc, obj);
      return r;
    }),
    iternext: slots.add('iternext', 'weakproxy', proxyIterNext),
    length: slots.add('length', 'weakproxy', (t, op) => intResult(t, op, objectLength)),
    contains: slots.add('contains', 'weakproxy', (t, op, key) => intResult(t, op, (t2, obj) => objectContains(t2, obj, key))),
    subscript: slots.add('subscript', 'weakproxy', (t, op, key) => binary(t, op, key, objectGetItem)),
    assSubscript: slots.add('assSubscript', 'weakproxy', (t, op, key, value) => intResult(t, op, (t2, obj) => objectSetItem(t2, obj, key, value))),
    bool: slots.add('bool', 'weakproxy', (t, op) => intResult(t, op, objectIsTrue)),
    power: slots.add('power', 'weakproxy', (t, a, b, c) => ternary(t, a, b, c, false)),
    inplacePower: slots.add('inplacePower', 'weakproxy', (t, a, b, c) => ternary(t, a, b, c, true)),
    int: slots.add('int', 'weakproxy', (t, op) => unary(t, op, numberLong)),
    float: slots.add('float', 'weakproxy', (t, op) => unary(t, op, numberFloat)),
    index: slots.add('index', 'weakproxy', (t, op) => unary(t, op, numberIndex)),
  };
  for (const kind of BINARY) {
    own[kind] = slots.add(kind, 'weakproxy', (t, a, b) => binary(t, a, b, (t2, x, y) => numberBinaryOp(t2, x, y, kind)));
    const inplace = INPLACE[kind];
    if (inplace !== undefined) own[inplace] = slots.add(inplace as 'inplaceAdd', 'weakproxy', (t, a, b) => binary(t, a, b, (t2, x, y) => numberInPlaceOp(t2, x, y, kind)));
  }
  for (const kind of UNARY) own[kind] = slots.add(kind, 'weakproxy', (t, op) => unary(t, op, (t2, obj) => numberUnaryOp(t2, obj, kind)));
  // `proxy_call` (`WRAP_TERNARY(proxy_call, PyObject_Call)`): the arguments are passed as they are.
  const call = slots.add('call', 'weakcallableproxy', (t, op, args, kwargs) => unary(t, op, (t2, obj) => objectCall(t2, obj, args, kwargs)));
  return { proxy: own, callable: { ...own, call } };
}
