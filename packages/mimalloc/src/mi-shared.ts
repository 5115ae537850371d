/**
 * The interpreter's mimalloc state (CPython `interp->mimalloc`): the
 * abandoned-segment pool (one per interpreter, so objects of different
 * interpreters never share a reclaimed segment), the table of threads'
 * records that heap visiting walks, the segment map that checked mode uses to
 * recognise foreign pointers, and the all-zero "empty page".
 */

import { fatalError, formatAddress, regionAlloc, type SharedHeap } from '@ft/atomics';
import { checkBoolean } from './argument-checks.js';
import {
  MI_LAYOUT_VERSION,
  MI_SEGMENT_MAP_SIZE,
  MI_SEGMENT_SHIFT,
  MI_SHARED_TAG,
  SHARED_CHECKED_OFFSET,
  SHARED_TAG_OFFSET,
  SHARED_THREAD_CAPACITY_OFFSET,
  SHARED_THREAD_TABLE_OFFSET,
  SHARED_VERSION_OFFSET,
} from './layout.js';

/**
 * Options of {@link miCreate}.
 * @public
 */
export interface MiOptions {
  /**
   * Checked mode: double frees, foreign and interior pointers and free-list
   * corruption are reported as fatal errors naming the address, and freed
   * blocks are filled with 0xDD past the protected header bytes. Slower;
   * meant for tests. Default false.
   */
  checked?: boolean;
}

/** The options {@link miCreate} knows. */
const MI_OPTION_NAMES: ReadonlySet<string> = new Set(['checked']);

/**
 * Creates the mimalloc state of one interpreter and returns its address (0
 * when the heap has no room for it). `options` must be an object with only
 * known options, `checked` a boolean when given: anything else is a
 * `TypeError`, thrown before anything is allocated (a misspelt `chekced`
 * would otherwise turn checked mode off silently).
 * @example
 * ```ts
 * const mi = miCreate(heap, { checked: true });
 * // post { heap: heap.handle(), mi } to workers; each calls miThreadInit(heap, mi, qsbrThread)
 * ```
 * @public
 */
export function miCreate(heap: SharedHeap, options: MiOptions = {}): number {
  checkOptions(options);
  const capacity = heap.threadCapacity + 1;
  const size = SHARED_THREAD_TABLE_OFFSET + 4 * capacity + 4 * MI_SEGMENT_MAP_SIZE;
  const shared = regionAlloc(heap, size);
  if (shared === 0) return 0;
  // SAFETY: not published yet; the region is zeroed (pool empty, tables empty,
  // the empty page all zero).
  const u32 = heap.u32;
  u32[(shared + SHARED_VERSION_OFFSET) >>> 2] = MI_LAYOUT_VERSION;
  u32[(shared + SHARED_CHECKED_OFFSET) >>> 2] = options.checked === true ? 1 : 0;
  u32[(shared + SHARED_THREAD_CAPACITY_OFFSET) >>> 2] = capacity;
  Atomics.store(u32, (shared + SHARED_TAG_OFFSET) >>> 2, MI_SHARED_TAG);
  return shared;
}

function checkOptions(options: unknown): asserts options is MiOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`miCreate: options must be an object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (!MI_OPTION_NAMES.has(key)) throw new TypeError(`miCreate: unknown option '${key}' (known: ${[...MI_OPTION_NAMES].join(', ')})`);
  }
  const checked = (options as MiOptions).checked;
  if (checked !== undefined) checkBoolean('miCreate', 'options.checked', checked);
}

/**
 * Fails unless `shared` is mimalloc state of this layout version.
 * SAFETY: the version is read plain after the tag, whose Atomics.store the
 * creator made last (it publishes the state).
 * @internal
 */
export function checkMiShared(heap: SharedHeap, shared: number): void {
  const ok =
    Number.isInteger(shared) &&
    shared > 0 &&
    shared % 4 === 0 &&
    shared < heap.size &&
    Atomics.load(heap.u32, (shared + SHARED_TAG_OFFSET) >>> 2) === MI_SHARED_TAG &&
    heap.u32[(shared + SHARED_VERSION_OFFSET) >>> 2] === MI_LAYOUT_VERSION;
  if (!ok) fatalError(`${formatAddress(shared)} is not mimalloc state of layout version ${MI_LAYOUT_VERSION}`);
}

/**
 * Address of the thread-table entry of `tid`.
 * @internal
 */
export function threadTableEntry(shared: number, tid: number): number {
  return shared + SHARED_THREAD_TABLE_OFFSET + 4 * tid;
}

/**
 * Entries of the thread table (the heap's thread capacity + 1: tids start at 1).
 * SAFETY: written once by the creator before the state was published.
 * @internal
 */
export function threadCapacity(heap: SharedHeap, shared: number): number {
  return heap.u32[(shared + SHARED_THREAD_CAPACITY_OFFSET) >>> 2];
}

/**
 * Address of the segment-map entry covering `addr`.
 * @internal
 */
export function segmentMapEntry(heap: SharedHeap, shared: number, addr: number): number {
  return shared + SHARED_THREAD_TABLE_OFFSET + 4 * threadCapacity(heap, shared) + 4 * (addr >>> MI_SEGMENT_SHIFT);
}
