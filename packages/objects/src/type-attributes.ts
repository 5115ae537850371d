/**
 * The attributes a static builtin type's dict gets when the runtime is
 * built (`type_add_methods`, `type_add_getset` of `type_ready`): a method
 * descriptor per entry of its spec's `methods`, a getset descriptor per
 * entry of `getsets`. They are immortal and untracked like the dict that
 * holds them: every thread reads them, and their counts would otherwise
 * bounce between cores.
 */

import { gcUntrack } from '@ft/gc';
import { decref, immortalize } from '@ft/refcount';
import { getSetDescrNew, methodDescrNew } from './descr.js';
import { dictSetItem } from './dict.js';
import { strInternFromJs } from './intern.js';
import { TP_DICT_OFFSET } from './layout.js';
import type { ObThread } from './ob-thread.js';
import type { StaticTypeSpec } from './type-object.js';
import { addSlotWrappers } from './slot-wrappers.js';

/** Fills `type`'s dict from its spec; false when out of memory. @internal */
export function addTypeAttributes(t: ObThread, type: number, spec: Pick<StaticTypeSpec, 'methods' | 'getsets' | 'slots'>): boolean {
  const dict = t.u32[(type + TP_DICT_OFFSET) >>> 2]!;
  const finish = (op: number): void => {
    gcUntrack(t.rc, op);
    immortalize(t.rc, op);
  };
  // `add_operators` first: a slot wrapper per special name the type's own slots serve.
  if (!addSlotWrappers(t, type, spec.slots ?? {}, t.builtinIds.newWrapper, finish)) return false;
  const entries: { name: string; make: (name: number) => number }[] = [];
  for (const m of spec.methods ?? []) entries.push({ name: m.name, make: (name) => methodDescrNew(t, type, name, m.fn, m.flags) });
  for (const g of spec.getsets ?? []) entries.push({ name: g.name, make: (name) => getSetDescrNew(t, type, name, g.get, g.set ?? 0) });
  for (const { name: text, make } of entries) {
    const name = strInternFromJs(t, text);
    if (name === 0) return false;
    const descr = make(name);
    if (descr === 0) return false;
    finish(descr);
    const r = dictSetItem(t, dict, name, descr);
    decref(t.rc, name);
    if (r < 0) return false;
  }
  return true;
}
