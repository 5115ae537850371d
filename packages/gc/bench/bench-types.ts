/**
 * The container type of the gc benchmarks, built the same way in every
 * thread that joins (main thread and bench workers): n reference slots from
 * byte 24 (a variable-size object), traverse over them, clear and dealloc
 * releasing them.
 */

import { BehaviourRegistry, decref, VAR_OBJECT_HEADER_SIZE } from '@ft/refcount';
import { gcDel, gcUntrack, type GcThread } from '../src/index.js';

/** Byte offset of slot 0. */
export const SLOT = VAR_OBJECT_HEADER_SIZE;
/** Byte offset of `ob_size` (the slot count). */
const SIZE = 20;

/** The registry with the node's behaviours; `gt` gives the thread's collector once it exists. */
export function benchRegistry(gt: () => GcThread): { registry: BehaviourRegistry; dealloc: number; traverse: number; clear: number } {
  const registry = new BehaviourRegistry();
  const release = (u32: Uint32Array, t: Parameters<typeof decref>[0], op: number): void => {
    const n = u32[(op + SIZE) >>> 2]!;
    for (let i = 0; i < n; i++) {
      const child = u32[(op + SLOT + 4 * i) >>> 2]!;
      if (child !== 0) {
        u32[(op + SLOT + 4 * i) >>> 2] = 0;
        decref(t, child);
      }
    }
  };
  const dealloc = registry.add('dealloc', 'node', (t, op) => {
    gcUntrack(t, op);
    release(t.u32, t, op);
    gcDel(gt(), op);
  });
  const traverse = registry.add('traverse', 'node', (t, op, visit) => {
    const u32 = t.u32;
    const n = u32[(op + SIZE) >>> 2]!;
    for (let i = 0; i < n; i++) {
      const child = u32[(op + SLOT + 4 * i) >>> 2]!;
      if (child !== 0 && visit(child) !== 0) return 1;
    }
    return 0;
  });
  const clear = registry.add('clear', 'node', (t, op) => release(t.u32, t, op));
  return { registry, dealloc, traverse, clear };
}
