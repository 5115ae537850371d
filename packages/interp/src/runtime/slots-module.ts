/**
 * The layers above's slot behaviours, registered on every thread of a
 * runtime in the same order (DESIGN.md §2): a module exporting
 * `registerSlots(slots)`, named by URL so that each pooled worker loads it
 * too (the VM's modules, vm/slots.ts).
 */

import type { SlotRegistry } from '@ft/objects';

/** The `registerSlots` export of the module at `href` (null: none). @internal */
export async function loadRegisterSlots(href: string | null): Promise<((slots: SlotRegistry) => void) | undefined> {
  if (href === null) return undefined;
  const module = (await import(href)) as { registerSlots?: unknown };
  if (typeof module.registerSlots !== 'function') throw new TypeError(`slotsModule: ${href} exports no registerSlots function`);
  return module.registerSlots as (slots: SlotRegistry) => void;
}
