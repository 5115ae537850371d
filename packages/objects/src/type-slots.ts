/**
 * A type's slots (`tp_*`) as behaviour ids, and the behaviours they name:
 * the one read every protocol makes first (below `abstract.ts` and
 * `call.ts`, which both dispatch through it).
 */

import { TP_SLOTS_OFFSET } from './layout.js';
import { SLOT_INDEX, SLOT_KINDS, type ObThread, type SlotKind, type SlotShapes, type SlotTables } from './ob-thread.js';

/**
 * `SLOT_INDEX` again, in a dictionary-mode object (V8 makes one of every
 * `Object.create(null)`): a slot's kind reaches {@link typeSlotId} as a
 * value from a hundred call sites, so its property load is megamorphic,
 * and on a fast-mode object of 60 properties such a load searches the
 * descriptors (about 18 ns on V8 11.3), where a dictionary probe by the
 * name's cached hash takes about 7 ns (bench/hot-paths.mjs, "typeSlot").
 */
const SLOT_INDEX_BY_NAME: { readonly [K in SlotKind]: number } = Object.assign(Object.create(null) as { [K in SlotKind]: number }, SLOT_INDEX);

/** `SLOT_INDEX[kind]`, through {@link SLOT_INDEX_BY_NAME}. */
function slotIndexOf(kind: SlotKind): number {
  return SLOT_INDEX_BY_NAME[kind];
}

/**
 * The slot tables of the thread's registry by word index instead of by
 * kind (same arrays), for {@link typeSlot}: module scope is thread-local,
 * and a JavaScript thread has one registry but for tests that make several
 * runtimes, which only rebuild this when they alternate.
 */
let tablesByIndexOf: SlotTables | null = null;
let tablesByIndex: readonly (readonly unknown[])[] = [];

function slotTablesByIndex(slots: SlotTables): readonly (readonly unknown[])[] {
  if (slots !== tablesByIndexOf) {
    tablesByIndex = SLOT_KINDS.map((kind) => slots[kind]);
    tablesByIndexOf = slots;
  }
  return tablesByIndex;
}

/** The behaviour id of `kind` in `type` (0: none). @public */
export function typeSlotId(t: ObThread, type: number, kind: SlotKind): number {
  return t.u32[((type + TP_SLOTS_OFFSET) >>> 2) + slotIndexOf(kind)]!; // SAFETY: slots change only before publication or under the type lock with the version cleared; a reader sees the old or the new id, both valid
}

/** The behaviour of `kind` in `type`, or null. @public */
export function typeSlot<K extends SlotKind>(t: ObThread, type: number, kind: K): SlotShapes[K] | null {
  const index = slotIndexOf(kind);
  const id = t.u32[((type + TP_SLOTS_OFFSET) >>> 2) + index]!; // SAFETY: as in typeSlotId
  return id === 0 ? null : ((slotTablesByIndex(t.slots)[index]![id] as SlotShapes[K] | null | undefined) ?? null);
}
