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
import { rejectAddress } from './argument-checks.js';

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
 * registry (do it at the same point of setup on every thread). `domains`
 * may be a function that returns them, for a setup that registers with
 * QSBR before it builds the domains (mimalloc wants the thread's QSBR slot
 * first, so that it delays page reuse).
 * @public
 */
export function registerDelayedFree(registry: FreeCallbackRegistry, domains: AllocatorDomains | (() => AllocatorDomains)): DelayedFreeIds {
  const of = typeof domains === 'function' ? domains : () => domains;
  return {
    mem: registry.register('obmalloc/mem-free', (_heap, address) => pyMemFree(of(), address)),
    object: registry.register('obmalloc/object-free', (_heap, address) => pyObjectFree(of(), address)),
  };
}

/**
 * Checks a delayed free's address now, not when the queue is processed:
 * the free callback would throw far from the mistake, inside some later
 * QSBR poll. The range is the one the domains check ({@link AllocatorDomains}).
 */
function checkDelayedAddress(t: QsbrThread, address: number, fn: string): void {
  if (address === 0) return;
  const heap = t.heap;
  const low = heap.regionStart;
  const high = heap.size;
  if (typeof address !== 'number' || address >>> 0 !== address || address < low || address >= high) rejectAddress(fn, address, low, high);
}

/**
 * Frees a `PyMem_Malloc` block once no lock-free reader can see it
 * (`_PyMem_FreeDelayed`); 0 is ignored.
 * @example
 * ```ts
 * import { SharedHeap } from '@ft/atomics';
 * import { miCreate, miThreadInit } from '@ft/mimalloc';
 * import { FreeCallbackRegistry, qsbrCreate, qsbrRegister, qsbrSynchronize } from '@ft/qsbr';
 * import { createAllocatorDomains, memFreeDelayed, pyMemMalloc, registerDelayedFree } from '@ft/obmalloc';
 *
 * const heap = SharedHeap.create({ size: 64 << 20 });
 * const registry = new FreeCallbackRegistry();
 * const domains = createAllocatorDomains(heap, 'default', { mi: miThreadInit(heap, miCreate(heap), null) });
 * const ids = registerDelayedFree(registry, domains); // at thread setup, before qsbrRegister
 * const qsbrThread = qsbrRegister(heap, qsbrCreate(heap), registry);
 * const items = pyMemMalloc(domains, 64);             // an array lock-free readers may still hold
 * memFreeDelayed(qsbrThread, ids, items);             // freed once every thread has passed a quiescent state
 * ```
 * @throws TypeError when `address` is not a number; RangeError when it is
 * not 0 nor an integer inside the heap's allocatable range (checked now,
 * nothing is queued).
 * @public
 */
export function memFreeDelayed(t: QsbrThread, ids: DelayedFreeIds, address: number): void {
  checkDelayedAddress(t, address, 'memFreeDelayed');
  freeDelayed(t, address, ids.mem);
}

/**
 * Frees a `PyObject_Malloc` block once no lock-free reader can see it
 * (`_PyObject_FreeDelayed`); 0 is ignored.
 * @throws TypeError or RangeError as {@link memFreeDelayed}; nothing is queued then.
 * @public
 */
export function objectFreeDelayed(t: QsbrThread, ids: DelayedFreeIds, address: number): void {
  checkDelayedAddress(t, address, 'objectFreeDelayed');
  freeDelayed(t, address, ids.object);
}
