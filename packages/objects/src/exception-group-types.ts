/**
 * Registration of the static types StaticType.BaseExceptionGroup and
 * StaticType.ExceptionGroup (exception-group.ts): their behaviours, slots
 * and specs, in StaticType order.
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
export function registerExceptionGroupTypes(registry: BehaviourRegistry, _slots: SlotRegistry, _box: { readonly t: ObThread | null }): BuiltinTypeSpec[] {
  const dealloc = registry.add('dealloc', 'objects/exception-group-placeholder', (rc, op) => freeObject(rc, op));
  const specs: BuiltinTypeSpec[] = [
    { name: 'BaseExceptionGroup', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.BaseExceptionGroup
    { name: 'ExceptionGroup', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.ExceptionGroup
  ];
  if (specs.length !== StaticType.ExceptionGroup - StaticType.BaseExceptionGroup + 1) throw new Error('exception-group-types: wrong number of specs');
  return specs;
}
