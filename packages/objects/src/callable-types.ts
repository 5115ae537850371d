/**
 * Registration of the static types StaticType.Code … StaticType.Super
 * (code.ts, function.ts, method.ts, descriptors and module.ts): their behaviours, slots and specs, in StaticType order.
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
export function registerCallableTypes(registry: BehaviourRegistry, _slots: SlotRegistry, _box: { readonly t: ObThread | null }): BuiltinTypeSpec[] {
  const dealloc = registry.add('dealloc', 'objects/callable-types-placeholder', (rc, op) => freeObject(rc, op));
  const specs: BuiltinTypeSpec[] = [
    { name: 'code', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.Code
    { name: 'function', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.Function
    { name: 'cell', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.Cell
    { name: 'method', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.Method
    { name: 'builtin_function_or_method', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.BuiltinFunction
    { name: 'method_descriptor', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.MethodDescriptor
    { name: 'classmethod_descriptor', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.ClassMethodDescriptor
    { name: 'wrapper_descriptor', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.WrapperDescriptor
    { name: 'method-wrapper', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.MethodWrapper
    { name: 'getset_descriptor', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.GetSetDescriptor
    { name: 'module', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.Module
    { name: 'staticmethod', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.StaticMethod
    { name: 'classmethod', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.ClassMethod
    { name: 'property', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.Property
    { name: 'super', baseIndex: StaticType.Object + 1, dealloc, final: true }, // StaticType.Super
  ];
  if (specs.length !== StaticType.Super - StaticType.Code + 1) throw new Error('callable-types: wrong number of specs');
  return specs;
}
