/**
 * Per-thread free lists (CPython 3.14's `struct _Py_freelist`,
 * `Include/internal/pycore_freelist.h`): dead objects of one exact type kept
 * allocated for the thread's next instance of that type, so that a
 * short-lived int or float costs neither the allocator nor the dealloc
 * dispatch. `decref` fills the list inline when the owner drops the last
 * reference to an object of the list's type (vm-speed-facts rule 3: the
 * registry call of the dealloc cost 28–36% of the boxed loops' time); the
 * layer above takes objects back from it (`freeListPop`) and empties it when
 * the thread leaves.
 *
 * Which type and which instances a list holds is the layer above's to say
 * ({@link freeListBind}): the exact type, and a bound on one word of the
 * instance — the int's digit count, say, since only one-digit ints fit the
 * block the list hands out. The list holds addresses of blocks that are
 * still allocated; they belong to this thread's free list and to nobody
 * else, so every field here is thread-local JavaScript state.
 */

/**
 * One thread's free list of one exact type (`struct _Py_freelist`).
 * Thread-local: `length` and `items` are read and written by their thread
 * only.
 * @public
 */
export class FreeList {
  /** The exact type whose instances the list holds; 0: unbound (decref never pushes). */
  type = 0;
  /** Word index (from the object's address) of the word the instances are bounded on. */
  limitIndex = 0;
  /** The largest value of that word that an instance on the list may have. */
  limitMax = 0;
  /** The most objects the list keeps (`Py_*_MAXFREELIST`); 0 while unbound. */
  capacity = 0;
  /** Objects on the list now. */
  length = 0;
  /** The objects' addresses, `items[0 … length)`. */
  items: Uint32Array = new Uint32Array(0);
}

/**
 * Binds `list` to the exact type `type`: from now on, an instance whose word
 * at `limitIndex` (in words from its address) is at most `limitMax` goes on
 * the list when its owner drops its last reference, while fewer than
 * `capacity` are kept. The list must be empty.
 * @example
 * ```ts
 * // one-digit ints (lv_tag, the word after the header, at most 1 << 3 | 7):
 * freeListBind(t.freeList0, intType, 5, 15, 100);
 * ```
 * @public
 */
export function freeListBind(list: FreeList, type: number, limitIndex: number, limitMax: number, capacity: number): void {
  if (list.length !== 0) throw new Error('freeListBind: the free list still holds objects');
  if (typeof type !== 'number' || type >>> 0 !== type || (type & 3) !== 0) throw new RangeError(`freeListBind: ${String(type)} is not the address of a type object`);
  if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`freeListBind: capacity must be a non-negative integer, got ${String(capacity)}`);
  list.type = type;
  list.limitIndex = limitIndex;
  list.limitMax = limitMax;
  list.capacity = capacity;
  list.items = new Uint32Array(capacity);
}

/**
 * Puts the dead object `op` on the list if it is the list's type, within its
 * bound and the list has room (`_Py_FREELIST_PUSH`); returns whether it did.
 * For the type's dealloc behaviour, which runs for the objects `decref`
 * does not put there itself (those released by another thread).
 * @public
 */
export function freeListPush(list: FreeList, u32: Uint32Array, op: number, type: number): boolean {
  const n = list.length;
  // SAFETY: op is dead: its words are this thread's to read.
  if (type !== list.type || n >= list.capacity || u32[(op >>> 2) + list.limitIndex] > list.limitMax) return false;
  list.items[n] = op;
  list.length = n + 1;
  return true;
}

/** Takes an object's block off the list (`_Py_FREELIST_POP`), or 0 when it is empty; its header is the caller's to initialise. @public */
export function freeListPop(list: FreeList): number {
  const n = list.length;
  if (n === 0) return 0;
  list.length = n - 1;
  return list.items[n - 1];
}
