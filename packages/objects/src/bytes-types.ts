/**
 * Registration of the static types StaticType.Bytes … StaticType.ByteArrayIter
 * (bytes.ts and bytearray.ts): their behaviours, slots and specs, in StaticType order.
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
export function registerBytesTypes(registry: BehaviourRegistry, _slots: SlotRegistry, _box: { readonly t: ObThread | null }): BuiltinTypeSpec[] {
  const dealloc = registry.add('dealloc', 'objects/bytes-types-placeholder', (rc, op) => freeObject(rc, op));
  const specs: BuiltinTypeSpec[] = [
    { name: 'bytes', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.Bytes
    { name: 'bytearray', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.ByteArray
    { name: 'bytes_iterator', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.BytesIter
    { name: 'bytearray_iterator', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.ByteArrayIter
  ];
  if (specs.length !== StaticType.ByteArrayIter - StaticType.Bytes + 1) throw new Error('bytes-types: wrong number of specs');
  return specs;
}
