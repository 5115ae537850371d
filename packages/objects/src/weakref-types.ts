/**
 * Registration of the static types StaticType.WeakRef … StaticType.WeakCallableProxy
 * (weakref.ts): their behaviours, slots and specs, in StaticType order.
 *
 * PLACEHOLDER while the types are being written: plain objects with no
 * behaviour, so that the ids are reserved.
 */

import { freeObject, type BehaviourRegistry } from '@ft/refcount';
import { StaticType } from './layout.js';
import type { ObThread } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import type { BuiltinTypeSpec } from './type-object.js';

/** Registers the group's behaviours and slots; returns its specs in StaticType order. @internal */
export function registerWeakrefTypes(registry: BehaviourRegistry, _slots: SlotRegistry, _box: { readonly t: ObThread | null }): BuiltinTypeSpec[] {
  const dealloc = registry.add('dealloc', 'objects/weakref-types-placeholder', (rc, op) => freeObject(rc, op));
  const specs: BuiltinTypeSpec[] = [
    { name: 'weakref.ReferenceType', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.WeakRef
    { name: 'weakref.ProxyType', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.WeakProxy
    { name: 'weakref.CallableProxyType', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.WeakCallableProxy
  ];
  if (specs.length !== StaticType.WeakCallableProxy - StaticType.WeakRef + 1) throw new Error('weakref-types: wrong number of specs');
  return specs;
}
