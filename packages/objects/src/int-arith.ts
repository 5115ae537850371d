/**
 * int arithmetic (`Objects/longobject.c`): the number slots of `int` (and
 * `bool`'s own `&`, `|`, `^`). Registered by builtin-types.ts through
 * {@link registerIntNumberSlots}.
 */

import type { SlotKind } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';

/** The number-slot ids of `int` and of `bool`, registered in a fixed order. @internal */
export interface IntNumberSlots {
  readonly int: Partial<Record<SlotKind, number>>;
  readonly bool: Partial<Record<SlotKind, number>>;
}

/** Registers int's and bool's number slots (always the same ones, in the same order). @internal */
export function registerIntNumberSlots(_slots: SlotRegistry): IntNumberSlots {
  return { int: {}, bool: {} };
}
