/**
 * The allocator domains (CPython `PyMem_Raw*`, `PyMem_*`, `PyObject_*`, the
 * "Memory Management" C-API): three domains, each with malloc, calloc,
 * realloc and free, dispatching to the allocator currently installed for the
 * domain, with the documented semantics enforced at the entry points:
 *
 * - a request larger than the largest signed size (2^31 - 1 here: sizes are
 *   32-bit) fails with 0, and so does a calloc whose `nelem * elsize`
 *   overflows it;
 * - `malloc(0)` and `calloc` with a zero argument return a distinct non-NULL
 *   block (the allocators below guarantee it);
 * - `realloc(0, n)` is `malloc(n)`; `realloc(p, 0)` resizes and returns
 *   non-NULL; a failed realloc returns 0 and leaves `p` valid;
 * - freeing 0 does nothing.
 *
 * JavaScript callers can pass what C's types rule out, so every entry point
 * first checks its sizes and addresses (`argument-checks.ts` has the table):
 * a value that is not a size or not an address of the heap throws a
 * `TypeError` or `RangeError` before anything is touched; an integer size
 * above the maximum returns 0. The allocator objects behind the domains
 * ({@link MemAllocator}) are the unchecked layer, as a `PyMemAllocatorEx`'s
 * functions are in C: the entry points call them with checked arguments.
 *
 * Allocators are JavaScript objects, so they live per thread (code cannot be
 * shared, DESIGN.md §2): every thread installs the same kind of allocators on
 * its own `AllocatorDomains`. Hooks wrap the previous allocator exactly as
 * `PyMem_SetAllocator` users do.
 */

import type { SharedHeap } from '@ft/atomics';
import { MAX_REQUEST_SIZE, rejectAddress, rejectCallocSizes, rejectSize } from './argument-checks.js';

// Module-local copy for the hot paths (root README, "Notes for contributors").
const K_MAX_REQUEST_SIZE = MAX_REQUEST_SIZE;

/**
 * One domain's allocator (`PyMemAllocatorEx` without `ctx`: a JavaScript
 * object carries its own context). Addresses are heap addresses, 0 = NULL.
 *
 * This is the unchecked layer: the domain entry points (`pyMemMalloc` and
 * the rest) check every argument and then call these functions with
 * integers only, so an allocator need not check again. Calling an
 * allocator's functions directly (`getAllocator(d, 'mem').free(p)`) skips
 * those checks, like calling a `PyMemAllocatorEx` function pointer in C.
 * @public
 */
export interface MemAllocator {
  /** `n` bytes, or 0. Called with an integer 0 ≤ n ≤ 2^31 − 1; must return a distinct block for 0. */
  malloc(n: number): number;
  /** `nelem * elsize` zeroed bytes, or 0. Integers whose product is at most 2^31 − 1. */
  calloc(nelem: number, elsize: number): number;
  /** Resizes `p` (a non-zero heap address) to `n` bytes; on failure returns 0 and leaves `p` valid. */
  realloc(p: number, n: number): number;
  /** Frees `p` (a non-zero heap address). */
  free(p: number): void;
}

/** The three domains (`PyMemAllocatorDomain`). @public */
export type AllocatorDomain = 'raw' | 'mem' | 'object';

function checkDomain(fn: string, domain: unknown): asserts domain is AllocatorDomain {
  if (domain !== 'raw' && domain !== 'mem' && domain !== 'object') {
    throw new RangeError(`${fn}: unknown allocator domain ${typeof domain === 'string' ? `'${domain}'` : String(domain)}; the domains are 'raw', 'mem' and 'object'`);
  }
}

function checkAllocator(fn: string, what: string, a: unknown): asserts a is MemAllocator {
  const x = a as Partial<Record<keyof MemAllocator, unknown>> | null;
  if (typeof x !== 'object' || x === null || typeof x.malloc !== 'function' || typeof x.calloc !== 'function' || typeof x.realloc !== 'function' || typeof x.free !== 'function') {
    throw new TypeError(`${fn}: ${what} must be an allocator object with malloc, calloc, realloc and free functions`);
  }
}

/**
 * A thread's allocators for the three domains (CPython keeps one table per
 * process; here each thread holds its own, installed identically), and the
 * address range of the heap they allocate from, which the entry points
 * check addresses against.
 * @example
 * ```ts
 * import type { SharedHeap } from '@ft/atomics';
 * import { miCreate, miThreadInit } from '@ft/mimalloc';
 * import { AllocatorDomains, freeThreadedAllocators, pyMemFree, pyMemMalloc } from '@ft/obmalloc';
 *
 * const heap = SharedHeap.create({ size: 64 << 20 });
 * const a = freeThreadedAllocators(miThreadInit(heap, miCreate(heap), null));
 * const domains = new AllocatorDomains(heap, a.raw, a.mem, a.object);
 * pyMemFree(domains, pyMemMalloc(domains, 100));
 * ```
 * @public
 */
export class AllocatorDomains {
  // `declare`d so the fields are defined once, by the constructor (see MiThread).
  /** `PYMEM_DOMAIN_RAW`. */
  declare raw: MemAllocator;
  /** `PYMEM_DOMAIN_MEM`. */
  declare mem: MemAllocator;
  /** `PYMEM_DOMAIN_OBJ`. */
  declare object: MemAllocator;
  /** The heap the blocks come from (this thread's views). */
  declare readonly heap: SharedHeap;
  /** Lowest address a block can have: `heap.regionStart` (below it is the heap's reserved prefix). */
  declare readonly lowAddress: number;
  /** One past the highest address a block can have: `heap.size`. */
  declare readonly highAddress: number;

  /** @throws TypeError when `heap` is not a `SharedHeap` or an allocator is not an allocator object. */
  constructor(heap: SharedHeap, raw: MemAllocator, mem: MemAllocator, object: MemAllocator) {
    // Duck-typed: two copies of @ft/atomics (a bundle and a dependency) must not make a heap look foreign.
    const h = heap as Partial<SharedHeap> | null;
    if (typeof h !== 'object' || h === null || typeof h.size !== 'number' || typeof h.regionStart !== 'number') {
      throw new TypeError('AllocatorDomains: the first argument must be the SharedHeap the allocators allocate from');
    }
    checkAllocator('AllocatorDomains', 'the raw allocator', raw);
    checkAllocator('AllocatorDomains', 'the mem allocator', mem);
    checkAllocator('AllocatorDomains', 'the object allocator', object);
    this.raw = raw;
    this.mem = mem;
    this.object = object;
    this.heap = heap;
    this.lowAddress = heap.regionStart;
    this.highAddress = heap.size;
  }
}

/**
 * The allocator installed for a domain (`PyMem_GetAllocator`).
 * @throws RangeError for a domain other than 'raw', 'mem' and 'object'.
 * @public
 */
export function getAllocator(domains: AllocatorDomains, domain: AllocatorDomain): MemAllocator {
  checkDomain('getAllocator', domain);
  return domains[domain];
}

/**
 * Installs an allocator for a domain (`PyMem_SetAllocator`). To hook, get the
 * current one first and wrap it:
 * @example
 * ```ts
 * import type { SharedHeap } from '@ft/atomics';
 * import { miCreate, miThreadInit } from '@ft/mimalloc';
 * import { createAllocatorDomains, getAllocator, pyMemFree, pyMemMalloc, setAllocator } from '@ft/obmalloc';
 *
 * const heap = SharedHeap.create({ size: 64 << 20 });
 * const domains = createAllocatorDomains(heap, 'default', { mi: miThreadInit(heap, miCreate(heap), null) });
 * const previous = getAllocator(domains, 'mem');
 * let calls = 0;
 * setAllocator(domains, 'mem', { ...previous, malloc: (n) => (calls++, previous.malloc(n)) });
 * pyMemFree(domains, pyMemMalloc(domains, 10));
 * console.log(calls); // 1
 * ```
 * @throws RangeError for an unknown domain; TypeError when `allocator` lacks one of the four functions.
 * @public
 */
export function setAllocator(domains: AllocatorDomains, domain: AllocatorDomain, allocator: MemAllocator): void {
  checkDomain('setAllocator', domain);
  checkAllocator('setAllocator', 'the allocator', allocator);
  domains[domain] = allocator;
}

// The checks below are the table of `argument-checks.ts`, inline: a size
// passes when it is a Number that is a non-negative int32 (0 … 2^31 − 1,
// exactly the requests that may succeed); an address passes when it is a
// Number, an integer (`>>> 0` keeps it) and inside [lowAddress, highAddress).
// Everything else goes to the out-of-line reject functions, which throw or,
// for an integer size above the maximum, return 0.

function checkedMalloc(a: MemAllocator, n: number, fn: string): number {
  if (typeof n !== 'number' || (n | 0) !== n || n < 0) return rejectSize(fn, 'the size', n);
  return a.malloc(n);
}

function checkedCalloc(a: MemAllocator, nelem: number, elsize: number, fn: string): number {
  if (typeof nelem !== 'number' || typeof elsize !== 'number' || (nelem | 0) !== nelem || (elsize | 0) !== elsize || nelem < 0 || elsize < 0) {
    return rejectCallocSizes(fn, nelem, elsize);
  }
  // Both are below 2^31, so the product is exact up to 2^53 and far above the maximum past that.
  if (nelem * elsize > K_MAX_REQUEST_SIZE) return 0;
  return a.calloc(nelem, elsize);
}

function checkedRealloc(d: AllocatorDomains, a: MemAllocator, p: number, n: number, fn: string): number {
  if (p !== 0 && (typeof p !== 'number' || (p >>> 0) !== p || p < d.lowAddress || p >= d.highAddress)) rejectAddress(fn, p, d.lowAddress, d.highAddress);
  // An integer size above the maximum returns 0 here, before the allocator: p stays valid.
  if (typeof n !== 'number' || (n | 0) !== n || n < 0) return rejectSize(fn, 'the size', n);
  return p === 0 ? a.malloc(n) : a.realloc(p, n);
}

function checkedFree(d: AllocatorDomains, a: MemAllocator, p: number, fn: string): void {
  if (p === 0) return;
  if (typeof p !== 'number' || (p >>> 0) !== p || p < d.lowAddress || p >= d.highAddress) rejectAddress(fn, p, d.lowAddress, d.highAddress);
  a.free(p);
}

/**
 * `PyMem_RawMalloc`: `n` bytes from the raw domain, or 0 (NULL) when
 * `n` is an integer above {@link MAX_REQUEST_SIZE} or memory runs out.
 * @throws TypeError when `n` is not a number; RangeError when it is negative, `NaN`, infinite or a fraction.
 * @public
 */
export function pyMemRawMalloc(d: AllocatorDomains, n: number): number {
  return checkedMalloc(d.raw, n, 'pyMemRawMalloc');
}
/**
 * `PyMem_RawCalloc`: `nelem * elsize` zeroed bytes, or 0 (NULL) when either
 * argument or the product is above {@link MAX_REQUEST_SIZE} or memory runs out.
 * @throws TypeError when an argument is not a number; RangeError when it is negative, `NaN`, infinite or a fraction.
 * @public
 */
export function pyMemRawCalloc(d: AllocatorDomains, nelem: number, elsize: number): number {
  return checkedCalloc(d.raw, nelem, elsize, 'pyMemRawCalloc');
}
/**
 * `PyMem_RawRealloc`: resizes `p` (0: allocates) to `n` bytes. Returns 0
 * (NULL), leaving `p` valid, when `n` is an integer above
 * {@link MAX_REQUEST_SIZE} or memory runs out.
 * @throws TypeError when `p` or `n` is not a number; RangeError when `p` is
 * not an integer inside the heap's allocatable range, or `n` is negative,
 * `NaN`, infinite or a fraction. Nothing is freed or written then.
 * @public
 */
export function pyMemRawRealloc(d: AllocatorDomains, p: number, n: number): number {
  return checkedRealloc(d, d.raw, p, n, 'pyMemRawRealloc');
}
/**
 * `PyMem_RawFree`: frees `p`; 0 does nothing.
 * @throws TypeError when `p` is not a number; RangeError when it is not an
 * integer inside the heap's allocatable range. Nothing is written then.
 * @public
 */
export function pyMemRawFree(d: AllocatorDomains, p: number): void {
  checkedFree(d, d.raw, p, 'pyMemRawFree');
}
/**
 * `PyMem_Malloc`: as {@link pyMemRawMalloc}, from the mem domain.
 * @throws TypeError when `n` is not a number; RangeError when it is negative, `NaN`, infinite or a fraction.
 * @public
 */
export function pyMemMalloc(d: AllocatorDomains, n: number): number {
  return checkedMalloc(d.mem, n, 'pyMemMalloc');
}
/**
 * `PyMem_Calloc`: as {@link pyMemRawCalloc}, from the mem domain.
 * @throws TypeError when an argument is not a number; RangeError when it is negative, `NaN`, infinite or a fraction.
 * @public
 */
export function pyMemCalloc(d: AllocatorDomains, nelem: number, elsize: number): number {
  return checkedCalloc(d.mem, nelem, elsize, 'pyMemCalloc');
}
/**
 * `PyMem_Realloc`: as {@link pyMemRawRealloc}, in the mem domain.
 * @throws TypeError or RangeError as {@link pyMemRawRealloc}; nothing is freed or written then.
 * @public
 */
export function pyMemRealloc(d: AllocatorDomains, p: number, n: number): number {
  return checkedRealloc(d, d.mem, p, n, 'pyMemRealloc');
}
/**
 * `PyMem_Free`: as {@link pyMemRawFree}, in the mem domain.
 * @throws TypeError or RangeError as {@link pyMemRawFree}; nothing is written then.
 * @public
 */
export function pyMemFree(d: AllocatorDomains, p: number): void {
  checkedFree(d, d.mem, p, 'pyMemFree');
}
/**
 * `PyObject_Malloc`: as {@link pyMemRawMalloc}, from the object domain.
 * @throws TypeError when `n` is not a number; RangeError when it is negative, `NaN`, infinite or a fraction.
 * @public
 */
export function pyObjectMalloc(d: AllocatorDomains, n: number): number {
  return checkedMalloc(d.object, n, 'pyObjectMalloc');
}
/**
 * `PyObject_Calloc`: as {@link pyMemRawCalloc}, from the object domain.
 * @throws TypeError when an argument is not a number; RangeError when it is negative, `NaN`, infinite or a fraction.
 * @public
 */
export function pyObjectCalloc(d: AllocatorDomains, nelem: number, elsize: number): number {
  return checkedCalloc(d.object, nelem, elsize, 'pyObjectCalloc');
}
/**
 * `PyObject_Realloc`: as {@link pyMemRawRealloc}, in the object domain.
 * @throws TypeError or RangeError as {@link pyMemRawRealloc}; nothing is freed or written then.
 * @public
 */
export function pyObjectRealloc(d: AllocatorDomains, p: number, n: number): number {
  return checkedRealloc(d, d.object, p, n, 'pyObjectRealloc');
}
/**
 * `PyObject_Free`: as {@link pyMemRawFree}, in the object domain.
 * @throws TypeError or RangeError as {@link pyMemRawFree}; nothing is written then.
 * @public
 */
export function pyObjectFree(d: AllocatorDomains, p: number): void {
  checkedFree(d, d.object, p, 'pyObjectFree');
}
