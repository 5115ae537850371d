/**
 * The delayed-free callback registry. Shared memory cannot hold a JavaScript
 * function (DESIGN.md §2), so a queued block names its free function by a
 * small integer id, and every thread builds the same registry in the same
 * order. A fingerprint of the names lets QSBR refuse a thread whose registry
 * differs, instead of calling the wrong function on someone's memory.
 */

import type { SharedHeap } from '@ft/atomics';

/**
 * Frees a block once no lock-free reader can still see it. Runs on whichever
 * thread processes the queue, possibly long after `freeDelayed`, and possibly
 * on another thread than the one that queued the block.
 * @public
 */
export type DelayedFreeCallback = (heap: SharedHeap, address: number) => void;

/**
 * Ids of delayed-free callbacks; build it identically, in the same order, in
 * every thread.
 * @example
 * ```ts
 * // in a module every thread imports, so the order is the same everywhere
 * export const registry = new FreeCallbackRegistry();
 * export const FREE_LIST_ITEMS = registry.register('list-items', (heap, addr) => objectFree(heap, addr));
 * ```
 * @public
 */
export class FreeCallbackRegistry {
  private readonly names: string[] = [];
  private readonly callbacks: DelayedFreeCallback[] = [];

  /** Adds a callback and returns its id (0, 1, 2, … in registration order). */
  register(name: string, callback: DelayedFreeCallback): number {
    if (this.names.includes(name)) throw new Error(`delayed-free callback '${name}' is already registered`);
    this.names.push(name);
    this.callbacks.push(callback);
    return this.callbacks.length - 1;
  }

  /** Number of registered callbacks. */
  get size(): number {
    return this.callbacks.length;
  }

  /** The callback with this id, or undefined. */
  get(id: number): DelayedFreeCallback | undefined {
    return this.callbacks[id];
  }

  /** The registered names, in id order. */
  get registeredNames(): readonly string[] {
    return this.names;
  }

  /** 32-bit FNV-1a over the names in order (never 0: 0 means "not yet set" in shared memory). */
  fingerprint(): number {
    let hash = 0x811c9dc5;
    for (const name of this.names) {
      for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
      hash = Math.imul(hash ^ 0x1f, 0x01000193); // separator, so ['ab','c'] ≠ ['a','bc']
    }
    return (hash >>> 0) || 1;
  }
}
