/**
 * The type core: what the low layers need from a type object — flags, sizes,
 * behaviour ids, the unique id for per-thread counting. The objects layer's
 * type object extends it (layout.ts). Static types are immortal and never
 * freed; heap types are GC objects with a unique id, so instances count their
 * references to the type per thread.
 */

import { fatalError } from '@ft/atomics';
import { MI_HEAP_MEM, miHeapZalloc } from '@ft/mimalloc';
import { OBJECT_DEALLOC, TYPE_DEALLOC } from './behaviour-registry.js';
import { enableDeferredRefcount } from './deferred.js';
import {
  TP_BASICSIZE_OFFSET,
  TP_CLEAR_OFFSET,
  TP_DEALLOC_OFFSET,
  TP_FINALIZE_OFFSET,
  TP_FLAGS_OFFSET,
  TP_ITEMSIZE_OFFSET,
  TP_TRAVERSE_OFFSET,
  TP_UNIQUE_ID_OFFSET,
  TYPE_CORE_SIZE,
  TYPE_FLAG_HAVE_GC,
  TYPE_FLAG_HEAPTYPE,
  TYPE_FLAG_STATIC_BUILTIN,
  OBJECT_HEADER_SIZE,
  OB_TYPE_INDEX,
} from './layout.js';
import { initStaticObject } from './object-header.js';
import { allocObject } from './object-memory.js';
import type { RcThread } from './rc-thread.js';
import { assignUniqueId, setTypeUniqueId } from './unique-ids.js';

/** What a type core holds. @public */
export interface TypeSpec {
  /** Bytes of an instance without items (at least the object header). */
  readonly basicSize: number;
  /** Bytes per item of a variable-size instance (default 0). */
  readonly itemSize?: number;
  /** `TYPE_FLAG_*` bits besides HEAPTYPE/STATIC_BUILTIN, e.g. {@link TYPE_FLAG_HAVE_GC}. */
  readonly flags?: number;
  /** Dealloc behaviour id (default {@link OBJECT_DEALLOC}). */
  readonly dealloc?: number;
  /** Traverse behaviour id (default 0 = none). */
  readonly traverse?: number;
  /** Clear behaviour id (default 0 = none). */
  readonly clear?: number;
  /** Finalize behaviour id (default 0 = none). */
  readonly finalize?: number;
}

function writeCore(t: RcThread, type: number, spec: TypeSpec, flags: number): void {
  const itemSize = spec.itemSize ?? 0;
  if (!Number.isInteger(spec.basicSize) || spec.basicSize < OBJECT_HEADER_SIZE || !Number.isInteger(itemSize) || itemSize < 0) {
    throw new Error(`type spec: basicSize must be an integer ≥ ${OBJECT_HEADER_SIZE} and itemSize ≥ 0 (got ${spec.basicSize}, ${itemSize})`);
  }
  const dealloc = spec.dealloc ?? OBJECT_DEALLOC;
  if (t.deallocs[dealloc] === undefined) throw new Error(`type spec: dealloc id ${dealloc} is not registered`);
  const u32 = t.u32;
  // SAFETY: the type is not published yet.
  u32[(type + TP_FLAGS_OFFSET) >>> 2] = flags;
  u32[(type + TP_BASICSIZE_OFFSET) >>> 2] = spec.basicSize;
  u32[(type + TP_ITEMSIZE_OFFSET) >>> 2] = itemSize;
  u32[(type + TP_DEALLOC_OFFSET) >>> 2] = dealloc;
  u32[(type + TP_TRAVERSE_OFFSET) >>> 2] = spec.traverse ?? 0;
  u32[(type + TP_CLEAR_OFFSET) >>> 2] = spec.clear ?? 0;
  u32[(type + TP_FINALIZE_OFFSET) >>> 2] = spec.finalize ?? 0;
  u32[(type + TP_UNIQUE_ID_OFFSET) >>> 2] = 0;
}

/**
 * Creates the metatype (`type`): a static, immortal GC type whose type is
 * itself and whose instances are heap types. A layer whose type objects
 * extend the core passes their size as `spec.basicSize` (at least
 * {@link TYPE_CORE_SIZE}) and its own behaviours; static types created with
 * this metatype then have that size too.
 * @public
 */
export function createMetatype(t: RcThread, spec: Partial<TypeSpec> = {}): number {
  const basicSize = spec.basicSize ?? TYPE_CORE_SIZE;
  if (!Number.isInteger(basicSize) || basicSize < TYPE_CORE_SIZE) throw new Error(`createMetatype: basicSize must be an integer ≥ ${TYPE_CORE_SIZE} (got ${basicSize})`);
  const type = allocStaticType(t, basicSize);
  initStaticObject(t, type, 0);
  writeCore(t, type, { dealloc: TYPE_DEALLOC, ...spec, basicSize }, (spec.flags ?? 0) | TYPE_FLAG_HAVE_GC | TYPE_FLAG_STATIC_BUILTIN);
  t.u32[(type >>> 2) + OB_TYPE_INDEX] = type; // SAFETY: not published yet
  return type;
}

/** Zeroed memory for a static type object of `size` bytes (never freed). */
function allocStaticType(t: RcThread, size: number): number {
  if (t.mi === null) fatalError('creating a static type needs the thread\'s mimalloc state');
  const type = miHeapZalloc(t.mi, MI_HEAP_MEM, size);
  if (type === 0) throw new Error('creating a static type: out of memory');
  return type;
}

/**
 * Creates a static builtin type: immortal, never freed, counted by nobody.
 * The type object has the size of `metatype`'s instances (the core alone
 * when `metatype` is 0, while bootstrapping). Throws when memory is exhausted.
 * @public
 */
export function createStaticType(t: RcThread, metatype: number, spec: TypeSpec): number {
  // SAFETY: a published type core never changes.
  const type = allocStaticType(t, metatype === 0 ? TYPE_CORE_SIZE : t.u32[(metatype + TP_BASICSIZE_OFFSET) >>> 2]);
  initStaticObject(t, type, metatype);
  writeCore(t, type, spec, (spec.flags ?? 0) | TYPE_FLAG_STATIC_BUILTIN);
  return type;
}

/**
 * Creates a heap type, an instance of `metatype` (`type_new`'s refcount
 * part): one reference owned by this thread, deferred reference counting,
 * and a unique id so instances count their type references per thread.
 * Throws when memory is exhausted.
 * @example
 * ```ts
 * const meta = createMetatype(t);
 * const Point = createHeapType(t, meta, { basicSize: 32 });
 * const p = allocObject(t, Point);    // counts +1 on Point in this thread's array
 * ```
 * @public
 */
export function createHeapType(t: RcThread, metatype: number, spec: TypeSpec): number {
  const type = allocObject(t, metatype);
  if (type === 0) throw new Error('createHeapType: out of memory');
  writeCore(t, type, spec, ((spec.flags ?? 0) | TYPE_FLAG_HEAPTYPE) & ~TYPE_FLAG_STATIC_BUILTIN);
  const id = assignUniqueId(t, type);
  if (id !== 0) setTypeUniqueId(t, type, id);
  else enableDeferredRefcount(t, type);
  return type;
}

/** The type's `TYPE_FLAG_*` bits. @public */
export function typeFlags(t: RcThread, type: number): number {
  // SAFETY: written before the type is published, never changed afterwards.
  return t.u32[(type + TP_FLAGS_OFFSET) >>> 2];
}

/** The type's unique id for per-thread counting, 0 when none. @public */
export function typeUniqueId(t: RcThread, type: number): number {
  return Atomics.load(t.u32, (type + TP_UNIQUE_ID_OFFSET) >>> 2);
}

/** Whether instances of `type` are GC objects. @public */
export function typeIsGc(t: RcThread, type: number): boolean {
  return (typeFlags(t, type) & TYPE_FLAG_HAVE_GC) !== 0;
}
