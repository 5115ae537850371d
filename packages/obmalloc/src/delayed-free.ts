/**
 * Delayed free of mem and object blocks (`_PyMem_FreeDelayed`,
 * `_PyObject_FreeDelayed`): a block that lock-free readers may still be
 * looking at (a shared list's item array, a shared dict's keys) is freed
 * through `@ft/qsbr` once every thread has passed a quiescent state. The
 * free callbacks are registered by name in the thread's QSBR callback
 * registry, which every thread builds in the same order; each thread's
 * callback frees through that thread's own allocator domains.
 */

import { freeDelayed, type FreeCallbackRegistry, type QsbrThread } from '@ft/qsbr';
import { pyMemFree, pyObjectFree, type AllocatorDomains } from './allocator-domains.js';

/**
 * The callback ids `registerDelayedFree` returned.
 * @public
 */
export interface DelayedFreeIds {
  /** Frees with `PyMem_Free`. */
  readonly mem: number;
  /** Frees with `PyObject_Free`. */
  readonly object: number;
}

/**
 * Registers the mem and object delayed-free callbacks in this thread's QSBR
 * registry (do it at the same point of setup on every thread).
 * @public
 */
export function registerDelayedFree(registry: FreeCallbackRegistry, domains: AllocatorDomains): DelayedFreeIds {
  return {
    mem: registry.register('obmalloc/mem-free', (_heap, address) => pyMemFree(domains, address)),
    object: registry.register('obmalloc/object-free', (_heap, address) => pyObjectFree(domains, address)),
  };
}

/**
 * Frees a `PyMem_Malloc` block once no lock-free reader can see it
 * (`_PyMem_FreeDelayed`); 0 is ignored.
 * @example
 * ```ts
 * const ids = registerDelayedFree(registry, domains);   // at thread setup, before qsbrRegister
 * const old = Atomics.exchange(heap.u32, itemsSlot >>> 2, fresh);
 * memFreeDelayed(qsbrThread, ids, old);
 * ```
 * @public
 */
export function memFreeDelayed(t: QsbrThread, ids: DelayedFreeIds, address: number): void {
  freeDelayed(t, address, ids.mem);
}

/**
 * Frees a `PyObject_Malloc` block once no lock-free reader can see it (`_PyObject_FreeDelayed`).
 * @public
 */
export function objectFreeDelayed(t: QsbrThread, ids: DelayedFreeIds, address: number): void {
  freeDelayed(t, address, ids.object);
}
