/**
 * The C3 linearization (`mro_implementation`, `pmerge`): a class comes
 * before its bases, and the bases keep the order they were listed in and
 * the orders of their own MROs; when no such order exists, TypeError with
 * CPython's message naming the bases left in conflict.
 */

import { errRaise } from './errors.js';
import { StaticType, TP_MRO_OFFSET, TUPLE_ITEMS_OFFSET, TUPLE_SIZE_OFFSET } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { typeName } from './subtype.js';

/** The MRO of an existing type as an array. */
function mroOf(t: ObThread, type: number): number[] {
  const mro = Atomics.load(t.u32, (type + TP_MRO_OFFSET) >>> 2);
  const n = t.i32[(mro + TUPLE_SIZE_OFFSET) >>> 2]!;
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(t.u32[((mro + TUPLE_ITEMS_OFFSET) >>> 2) + i]!);
  return out;
}

/**
 * The MRO of a new type `type` with `bases` (each with an MRO already):
 * `[type, ...merge(mro(b1), …, mro(bn), [b1, …, bn])]`, or null with
 * TypeError ("duplicate base class X", "Cannot create a consistent method
 * resolution order (MRO) for bases X, Y").
 * @internal
 */
export function c3Linearize(t: ObThread, type: number, bases: readonly number[]): number[] | null {
  for (let i = 0; i < bases.length; i++) {
    for (let j = i + 1; j < bases.length; j++) {
      if (bases[i] === bases[j]) {
        errRaise(t, StaticType.TypeError, `duplicate base class ${typeName(t, bases[i]!)}`);
        return null;
      }
    }
  }
  const sequences = bases.map((b) => mroOf(t, b));
  sequences.push([...bases]);
  const result = [type];
  for (;;) {
    const live = sequences.filter((s) => s.length > 0);
    if (live.length === 0) return result;
    // The first head that is in no other sequence's tail.
    let candidate = 0;
    for (const s of live) {
      const head = s[0]!;
      if (!live.some((other) => other.indexOf(head) > 0)) {
        candidate = head;
        break;
      }
    }
    if (candidate === 0) {
      // `set_mro_error`: the heads still in conflict, each once, in order.
      const heads: number[] = [];
      for (const s of live) if (!heads.includes(s[0]!)) heads.push(s[0]!);
      errRaise(t, StaticType.TypeError, `Cannot create a consistent method resolution order (MRO) for bases ${heads.map((h) => typeName(t, h)).join(', ')}`);
      return null;
    }
    result.push(candidate);
    for (const s of sequences) if (s[0] === candidate) s.shift();
  }
}
