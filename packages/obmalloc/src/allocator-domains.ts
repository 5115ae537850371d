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
 * Allocators are JavaScript objects, so they live per thread (code cannot be
 * shared, DESIGN.md §2): every thread installs the same kind of allocators on
 * its own `AllocatorDomains`. Hooks wrap the previous allocator exactly as
 * `PyMem_SetAllocator` users do.
 */

/**
 * One domain's allocator (`PyMemAllocatorEx` without `ctx`: a JavaScript
 * object carries its own context). Addresses are heap addresses, 0 = NULL.
 * @public
 */
export interface MemAllocator {
  /** `n` bytes, or 0. Called with n ≥ 0; must return a distinct block for 0. */
  malloc(n: number): number;
  /** `nelem * elsize` zeroed bytes, or 0. The product is already checked. */
  calloc(nelem: number, elsize: number): number;
  /** Resizes `p` (never 0 here) to `n` bytes; on failure returns 0 and leaves `p` valid. */
  realloc(p: number, n: number): number;
  /** Frees `p` (never 0 here). */
  free(p: number): void;
}

/** The three domains (`PyMemAllocatorDomain`). @public */
export type AllocatorDomain = 'raw' | 'mem' | 'object';

/** Largest request (`PY_SSIZE_T_MAX` of a 32-bit build). @public */
export const MAX_REQUEST_SIZE = 0x7fffffff;

/**
 * A thread's allocators for the three domains (CPython keeps one table per
 * process; here each thread holds its own, installed identically).
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

  constructor(raw: MemAllocator, mem: MemAllocator, object: MemAllocator) {
    this.raw = raw;
    this.mem = mem;
    this.object = object;
  }
}

/** The allocator installed for a domain (`PyMem_GetAllocator`). @public */
export function getAllocator(domains: AllocatorDomains, domain: AllocatorDomain): MemAllocator {
  return domains[domain];
}

/**
 * Installs an allocator for a domain (`PyMem_SetAllocator`). To hook, get the
 * current one first and wrap it:
 * @example
 * ```ts
 * const previous = getAllocator(domains, 'mem');
 * let calls = 0;
 * setAllocator(domains, 'mem', { ...previous, malloc: (n) => (calls++, previous.malloc(n)) });
 * ```
 * @public
 */
export function setAllocator(domains: AllocatorDomains, domain: AllocatorDomain, allocator: MemAllocator): void {
  domains[domain] = allocator;
}

function checkedMalloc(a: MemAllocator, n: number): number {
  if (!(n >= 0 && n <= MAX_REQUEST_SIZE)) return 0;
  return a.malloc(n);
}

function checkedCalloc(a: MemAllocator, nelem: number, elsize: number): number {
  if (!(nelem >= 0 && elsize >= 0)) return 0;
  if (elsize !== 0 && nelem > Math.floor(MAX_REQUEST_SIZE / elsize)) return 0;
  return a.calloc(nelem, elsize);
}

function checkedRealloc(a: MemAllocator, p: number, n: number): number {
  if (!(n >= 0 && n <= MAX_REQUEST_SIZE)) return 0;
  return p === 0 ? a.malloc(n) : a.realloc(p, n);
}

/** `PyMem_RawMalloc`. @public */
export function pyMemRawMalloc(d: AllocatorDomains, n: number): number {
  return checkedMalloc(d.raw, n);
}
/** `PyMem_RawCalloc`. @public */
export function pyMemRawCalloc(d: AllocatorDomains, nelem: number, elsize: number): number {
  return checkedCalloc(d.raw, nelem, elsize);
}
/** `PyMem_RawRealloc`. @public */
export function pyMemRawRealloc(d: AllocatorDomains, p: number, n: number): number {
  return checkedRealloc(d.raw, p, n);
}
/** `PyMem_RawFree`. @public */
export function pyMemRawFree(d: AllocatorDomains, p: number): void {
  if (p !== 0) d.raw.free(p);
}
/** `PyMem_Malloc`. @public */
export function pyMemMalloc(d: AllocatorDomains, n: number): number {
  return checkedMalloc(d.mem, n);
}
/** `PyMem_Calloc`. @public */
export function pyMemCalloc(d: AllocatorDomains, nelem: number, elsize: number): number {
  return checkedCalloc(d.mem, nelem, elsize);
}
/** `PyMem_Realloc`. @public */
export function pyMemRealloc(d: AllocatorDomains, p: number, n: number): number {
  return checkedRealloc(d.mem, p, n);
}
/** `PyMem_Free`. @public */
export function pyMemFree(d: AllocatorDomains, p: number): void {
  if (p !== 0) d.mem.free(p);
}
/** `PyObject_Malloc`. @public */
export function pyObjectMalloc(d: AllocatorDomains, n: number): number {
  return checkedMalloc(d.object, n);
}
/** `PyObject_Calloc`. @public */
export function pyObjectCalloc(d: AllocatorDomains, nelem: number, elsize: number): number {
  return checkedCalloc(d.object, nelem, elsize);
}
/** `PyObject_Realloc`. @public */
export function pyObjectRealloc(d: AllocatorDomains, p: number, n: number): number {
  return checkedRealloc(d.object, p, n);
}
/** `PyObject_Free`. @public */
export function pyObjectFree(d: AllocatorDomains, p: number): void {
  if (p !== 0) d.object.free(p);
}
