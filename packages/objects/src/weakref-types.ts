/**
 * Registration of the static types StaticType.WeakRef … StaticType.WeakCallableProxy
 * (weakref.ts, weakref-proxy.ts): their behaviours, slots and specs, in
 * StaticType order. The three share one layout, dealloc, traverse and clear;
 * none of them can itself be weakly referenced (`tp_weaklistoffset` 0).
 */

import { incref, TYPE_FLAG_HAVE_GC, type BehaviourRegistry } from '@ft/refcount';
import { errRaiseInt } from './errors.js';
import { objectGenericGetAttr, objectGenericSetAttr } from './generic-attr.js';
import { StaticType, TPFLAGS_UNICODE_SUBCLASS, WEAKREF_OBJECT_SIZE } from './layout.js';
import type { ObThread } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import type { BuiltinTypeSpec } from './type-object.js';
import { strFromJs } from './str.js';
import { strLength, strToJs } from './str-read.js';
import { typeHasFlag, typeOf } from './subtype.js';
import {
  weakrefCall,
  weakrefCallback,
  weakrefDealloc,
  weakrefHash,
  weakrefInit,
  weakrefNew,
  weakrefReprJs,
  weakrefRichCompare,
  weakrefTpClear,
  weakrefTraverse,
} from './weakref.js';
import { registerProxySlots } from './weakref-proxy.js';

/** Registers the group's behaviours and slots; returns its specs in StaticType order. @internal */
export function registerWeakrefTypes(registry: BehaviourRegistry, slots: SlotRegistry, box: { readonly t: ObThread | null }): BuiltinTypeSpec[] {
  const dealloc = registry.add('dealloc', 'objects/weakref', (_rc, op) => weakrefDealloc(box.t!, op));
  const traverse = registry.add('traverse', 'objects/weakref', weakrefTraverse);
  const clear = registry.add('clear', 'objects/weakref', (_rc, op) => weakrefTpClear(box.t!, op));
  const refSlots = {
    repr: slots.add('repr', 'weakref', (t, op) => strFromJs(t, weakrefReprJs(t, op))),
    hash: slots.add('hash', 'weakref', weakrefHash),
    richcompare: slots.add('richcompare', 'weakref', weakrefRichCompare),
    call: slots.add('call', 'weakref', weakrefCall),
    new: slots.add('new', 'weakref', weakrefNew),
    init: slots.add('init', 'weakref', weakrefInit),
    getattro: slots.add('getattro', 'weakref', weakrefGetAttro),
    setattro: slots.add('setattro', 'weakref', weakrefSetAttro),
  };
  const proxy = registerProxySlots(slots);
  const common = { baseIndex: StaticType.Object + 1, basicSize: WEAKREF_OBJECT_SIZE, flags: TYPE_FLAG_HAVE_GC, dealloc, traverse, clear };
  const specs: BuiltinTypeSpec[] = [
    // `Py_TPFLAGS_BASETYPE` in CPython (heap-type.ts does not build subclasses of it yet).
    { name: 'weakref.ReferenceType', ...common, slots: refSlots }, // StaticType.WeakRef
    { name: 'weakref.ProxyType', ...common, final: true, slots: proxy.proxy }, // StaticType.WeakProxy
    { name: 'weakref.CallableProxyType', ...common, final: true, slots: proxy.callable }, // StaticType.WeakCallableProxy
  ];
  if (specs.length !== StaticType.WeakCallableProxy - StaticType.WeakRef + 1) throw new Error('weakref-types: wrong number of specs');
  return specs;
}

/** Whether `name` is the str `__callback__`. */
function isCallbackName(t: ObThread, name: number): boolean {
  return typeHasFlag(t, typeOf(t, name), TPFLAGS_UNICODE_SUBCLASS) && strLength(t, name) === 12 && strToJs(t, name) === '__callback__';
}

/** The ref type's `tp_getattro`: its `__callback__` member (None when it has none), then the generic lookup.*/
export function weakrefGetAttro(t: ObThread, wr: number, name: number): number {
  if (!isCallbackName(t, name)) return objectGenericGetAttr(t, wr, name);
  const callback = weakrefCallback(t, wr);
  if (callback !== 0) return callback;
  incref(t.rc, t.none);
  return t.none;
}

/** The ref type's `tp_setattro`: `__callback__` is read-only ("readonly attribute").*/
export function weakrefSetAttro(t: ObThread, wr: number, name: number, value: number): number {
  if (isCallbackName(t, name)) return errRaiseInt(t, StaticType.AttributeError, 'readonly attribute');
  return objectGenericSetAttr(t, wr, name, value);
}
