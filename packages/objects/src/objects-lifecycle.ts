/**
 * Building the object layer of a runtime and joining it from a thread
 * (`_PyTypes_InitTypes`, `_PyLong_InitGlobalObjects`, the static
 * singletons): the first thread creates the static builtin types, `None`,
 * `True`/`False`, the small ints, `()` and `''` once, immortal; every other
 * thread joins with registries built in the same order and gets its own
 * context over the same objects.
 *
 * Order on every thread: {@link objectsRegister} (before the refcount
 * registry is used: it adds the builtin deallocs), then the layers below
 * (`rcCreate`/`rcThreadInit`, `gcThreadInit` with the hooks it returns,
 * `qsbrRegister`), then {@link objectsCreate} (the first thread) or
 * {@link objectsThreadInit} (the others).
 */

import { regionAlloc } from '@ft/atomics';
import type { GcHooks, GcThread } from '@ft/gc';
import { MI_HEAP_MEM, miHeapZalloc } from '@ft/mimalloc';
import type { DelayedFreeIds } from '@ft/obmalloc';
import type { QsbrThread } from '@ft/qsbr';
import { gcUntrack } from '@ft/gc';
import { createMetatype, immortalize, initStaticObject, type BehaviourRegistry, type RcThread } from '@ft/refcount';
import { dictNew } from './dict.js';
import { registerBuiltinTypes, type BuiltinTypes, type ObBox } from './builtin-types.js';
import { addTypeAttributes } from './type-attributes.js';
import {
  DICT_KEYS_FIRST_VERSION,
  LONG_DIGITS_OFFSET,
  LONG_NON_SIZE_BITS,
  LONG_SIGN_NEGATIVE,
  LONG_SIGN_ZERO,
  LONG_TAG_OFFSET,
  MCACHE_ENTRIES,
  MCACHE_ENTRY_SIZE,
  OBJECTS_LAYOUT_VERSION,
  OBJECTS_STATE_SIZE,
  OBJECTS_STATE_TAG,
  OS_FINGERPRINT_OFFSET,
  OS_INTERNED_OFFSET,
  OS_METHOD_CACHE_OFFSET,
  OS_NEXT_HEAP_VERSION_OFFSET,
  OS_NEXT_STATIC_VERSION_OFFSET,
  OS_SINGLETONS_OFFSET,
  OS_HASH_KEY_OFFSET,
  OS_INT_MAX_STR_DIGITS_OFFSET,
  OS_FUNC_NEXT_VERSION_OFFSET,
  OS_NEXT_KEYS_VERSION_OFFSET,
  OS_FUNC_CACHE_OFFSET,
  FUNC_VERSION_CACHE_SIZE,
  FUNC_VERSION_FIRST_VALID,
  OS_SMALL_INTS_OFFSET,
  OS_STATIC_TYPES_OFFSET,
  OS_TAG_OFFSET,
  OS_VERSION_OFFSET,
  SINGLETON_ELLIPSIS,
  SINGLETON_EMPTY_STR,
  SINGLETON_EMPTY_TUPLE,
  SINGLETON_FALSE,
  SINGLETON_NONE,
  SINGLETON_NOT_IMPLEMENTED,
  SINGLETON_TRUE,
  SINGLETON_SET_DUMMY,
  SMALL_INT_MAX,
  SMALL_INT_MIN,
  STR_ASCII_OFFSET,
  STR_DATA_OFFSET,
  STR_HASH_OFFSET,
  STR_KIND_OFFSET,
  StaticType,
  TP_BASE_OFFSET,
  TPFLAGS_TYPE_SUBCLASS,
  TP_SLOTS_OFFSET,
  TP_WEAKLISTOFFSET_OFFSET,
  TUPLE_HASH_OFFSET,
  TUPLE_ITEMS_OFFSET,
  TYPE_BASE_VERSION_TAG,
  TYPE_OBJECT_SIZE,
} from './layout.js';
import { INT_DEFAULT_MAX_STR_DIGITS } from './int-format.js';
import { hashKeyFromSeed, randomHashKey } from './siphash.js';
import { ObThread, SLOT_INDEX, SLOT_KINDS } from './ob-thread.js';
import { SlotRegistry } from './slot-registry.js';
import { tupleMaybeUntrack } from './tuple.js';
import { typeName } from './subtype.js';
import { createStaticBuiltinType, finishStaticType } from './type-object.js';
import { weakrefGcHooks } from './weakref-clear.js';

/** What {@link objectsRegister} hands back, for the thread's setup. @public */
export interface ObjectsRegistration {
  /** The slot registry (add the layers above's slots to it before joining). */
  readonly slots: SlotRegistry;
  /** The hooks to give `gcThreadInit`: tuple untracking, type names and weak references. */
  readonly gcHooks: GcHooks;
}

/** What a registration keeps for the thread's join: the box its behaviours read their context from, the builtin specs. */
interface RegistrationState {
  readonly box: ObBox;
  readonly builtins: BuiltinTypes;
}

const registrations = new WeakMap<ObjectsRegistration, RegistrationState>();

function stateOf(registration: ObjectsRegistration): RegistrationState {
  const state = registrations.get(registration);
  if (state === undefined) throw new TypeError('objects: the registration must come from objectsRegister on this thread');
  return state;
}

/**
 * Registers the builtin types' behaviours in `behaviours` (the refcount
 * registry, before any thread uses it) and their slots in a new slot
 * registry. Call it on every thread, at the same point of its setup.
 * @public
 */
export function objectsRegister(behaviours: BehaviourRegistry): ObjectsRegistration {
  const slots = new SlotRegistry();
  const box: ObBox = { t: null };
  const builtins = registerBuiltinTypes(behaviours, slots, box);
  const gcHooks: GcHooks = {
    maybeUntrack: (rc: RcThread, op: number) => box.t !== null && tupleMaybeUntrack(rc, box.t.types[StaticType.Tuple]!, op),
    typeName: (_rc: RcThread, type: number) => (box.t === null ? 'object' : typeName(box.t, type)),
    weakrefs: weakrefGcHooks(box),
  };
  const registration: ObjectsRegistration = { slots, gcHooks };
  registrations.set(registration, { box, builtins });
  return registration;
}

/** An immortal object of `size` zeroed bytes outside the GC heaps (`_PyObject_HEAD_INIT` of a static). */
function staticObject(t: ObThread, type: number, size: number): number {
  const op = miHeapZalloc(t.rc.mi!, MI_HEAP_MEM, size);
  if (op === 0) throw new Error('objectsCreate: out of memory for the static objects');
  initStaticObject(t.rc, op, type);
  return op;
}

/** A static int (`_PyLong_SMALL_INTS`, `_Py_TrueStruct`): one digit, immortal. */
function staticInt(t: ObThread, type: number, v: number): number {
  const op = staticObject(t, type, LONG_DIGITS_OFFSET + 4);
  const sign = v === 0 ? LONG_SIGN_ZERO : v < 0 ? LONG_SIGN_NEGATIVE : 0;
  // SAFETY: not published yet.
  t.u32[(op + LONG_TAG_OFFSET) >>> 2] = ((v === 0 ? 0 : 1) << LONG_NON_SIZE_BITS) | sign;
  t.u32[(op + LONG_DIGITS_OFFSET) >>> 2] = Math.abs(v);
  return op;
}

/**
 * Creates the runtime's object layer with the first thread's layers:
 * the objects state, the static builtin types and singletons. Returns this
 * thread's context; `ctx.state` is what other threads join with.
 * `hashSeed` is `PYTHONHASHSEED`: 'random' (the default) or an integer, 0
 * turning randomization off.
 * @throws Error when the heap has no room for them.
 * @public
 */
export function objectsCreate(registration: ObjectsRegistration, rc: RcThread, gc: GcThread, qsbr: QsbrThread, freeIds: DelayedFreeIds, hashSeed: number | 'random' = 'random'): ObThread {
  const hashKey = hashSeed === 'random' ? randomHashKey() : hashKeyFromSeed(hashSeed);
  const heap = rc.heap;
  const state = regionAlloc(heap, OBJECTS_STATE_SIZE, 64);
  const cache = regionAlloc(heap, MCACHE_ENTRIES * MCACHE_ENTRY_SIZE, 64);
  const funcCache = regionAlloc(heap, FUNC_VERSION_CACHE_SIZE * 8, 64);
  if (state === 0 || cache === 0 || funcCache === 0) throw new Error('objectsCreate: out of shared memory for the objects state');
  const u32 = heap.u32;
  // SAFETY: unpublished until the tag is stored; regions come zeroed.
  u32[(state + OS_VERSION_OFFSET) >>> 2] = OBJECTS_LAYOUT_VERSION;
  u32[(state + OS_FINGERPRINT_OFFSET) >>> 2] = registration.slots.fingerprint();
  u32[(state + OS_NEXT_STATIC_VERSION_OFFSET) >>> 2] = 1;
  u32[(state + OS_NEXT_HEAP_VERSION_OFFSET) >>> 2] = TYPE_BASE_VERSION_TAG;
  u32[(state + OS_METHOD_CACHE_OFFSET) >>> 2] = cache;
  const key = (state + OS_HASH_KEY_OFFSET) >>> 2;
  u32[key] = hashKey.k0lo;
  u32[key + 1] = hashKey.k0hi;
  u32[key + 2] = hashKey.k1lo;
  u32[key + 3] = hashKey.k1hi;
  u32[(state + OS_INT_MAX_STR_DIGITS_OFFSET) >>> 2] = INT_DEFAULT_MAX_STR_DIGITS;
  u32[(state + OS_FUNC_NEXT_VERSION_OFFSET) >>> 2] = FUNC_VERSION_FIRST_VALID;
  u32[(state + OS_FUNC_CACHE_OFFSET) >>> 2] = funcCache;
  u32[(state + OS_NEXT_KEYS_VERSION_OFFSET) >>> 2] = DICT_KEYS_FIRST_VERSION;

  const { box, builtins } = stateOf(registration);
  const t = new ObThread(rc, gc, qsbr, state, registration.slots.slots, freeIds, builtins.ids);
  box.t = t;
  registration.slots.seal();
  const typesIndex = (state + OS_STATIC_TYPES_OFFSET) >>> 2;

  // The types, each after its base (bool after int).
  const specs = builtins.specs;
  const heapType = builtins.heapType;
  const metatype = createMetatype(rc, { basicSize: TYPE_OBJECT_SIZE, dealloc: heapType.dealloc, traverse: heapType.traverse, clear: heapType.clear, flags: TPFLAGS_TYPE_SUBCLASS });
  u32[typesIndex + StaticType.Type] = metatype;
  // Type objects can be weakly referenced (the word is in every type, static or heap).
  heap.i32[(metatype + TP_WEAKLISTOFFSET_OFFSET) >>> 2] = specs[StaticType.Type]!.weaklistOffset ?? 0;
  const order: number[] = [];
  const placed = new Set<number>([StaticType.Type]);
  while (order.length < specs.length - 1) {
    for (let i = 1; i < specs.length; i++) {
      const baseIndex = specs[i]!.baseIndex;
      if (placed.has(i) || (baseIndex !== 0 && !placed.has(baseIndex - 1))) continue;
      if (specs[i]!.extraBaseIndices?.some((b) => !placed.has(b - 1)) === true) continue;
      placed.add(i);
      order.push(i);
    }
  }
  for (const i of order) {
    const spec = specs[i]!;
    const base = spec.baseIndex === 0 ? 0 : u32[typesIndex + spec.baseIndex - 1]!;
    u32[typesIndex + i] = createStaticBuiltinType(t, metatype, { ...spec, base });
  }
  // `type`'s base is object; it inherits object's slots.
  const object = u32[typesIndex + StaticType.Object]!;
  u32[(metatype + TP_BASE_OFFSET) >>> 2] = object;
  const own = specs[StaticType.Type]!.slots ?? {};
  for (const kind of SLOT_KINDS) {
    const k = SLOT_INDEX[kind];
    u32[((metatype + TP_SLOTS_OFFSET) >>> 2) + k] = own[kind] ?? u32[((object + TP_SLOTS_OFFSET) >>> 2) + k]!;
  }
  t.bindRuntime();

  // The singletons.
  const singletons = (state + OS_SINGLETONS_OFFSET) >>> 2;
  const types = t.types;
  u32[singletons + SINGLETON_NONE] = staticObject(t, types[StaticType.None]!, 20);
  u32[singletons + SINGLETON_NOT_IMPLEMENTED] = staticObject(t, types[StaticType.NotImplemented]!, 20);
  u32[singletons + SINGLETON_ELLIPSIS] = staticObject(t, types[StaticType.Ellipsis]!, 20);
  u32[singletons + SINGLETON_SET_DUMMY] = staticObject(t, types[StaticType.Object]!, 20);
  u32[singletons + SINGLETON_FALSE] = staticInt(t, types[StaticType.Bool]!, 0);
  u32[singletons + SINGLETON_TRUE] = staticInt(t, types[StaticType.Bool]!, 1);
  const emptyTuple = staticObject(t, types[StaticType.Tuple]!, TUPLE_ITEMS_OFFSET);
  heap.i32[(emptyTuple + TUPLE_HASH_OFFSET) >>> 2] = -1;
  u32[singletons + SINGLETON_EMPTY_TUPLE] = emptyTuple;
  const emptyStr = staticObject(t, types[StaticType.Str]!, STR_DATA_OFFSET + 4);
  heap.i32[(emptyStr + STR_HASH_OFFSET) >>> 2] = -1;
  heap.u8[emptyStr + STR_KIND_OFFSET] = 1;
  heap.u8[emptyStr + STR_ASCII_OFFSET] = 1;
  u32[singletons + SINGLETON_EMPTY_STR] = emptyStr;
  const smallInts = (state + OS_SMALL_INTS_OFFSET) >>> 2;
  for (let v = SMALL_INT_MIN; v <= SMALL_INT_MAX; v++) u32[smallInts + v - SMALL_INT_MIN] = staticInt(t, types[StaticType.Int]!, v);
  t.bindRuntime();

  // Names, bases and MROs, each type after its base.
  // object first: the metatype's MRO is built from its base's.
  const first = order[0]!;
  if (!finishStaticType(t, u32[typesIndex + first]!, specs[first]!.name)) throw new Error('objectsCreate: out of memory');
  if (!finishStaticType(t, metatype, 'type')) throw new Error('objectsCreate: out of memory');
  for (const i of order.slice(1)) {
    const extraBases = (specs[i]!.extraBaseIndices ?? []).map((b) => u32[typesIndex + b - 1]!);
    if (!finishStaticType(t, u32[typesIndex + i]!, specs[i]!.name, extraBases)) throw new Error('objectsCreate: out of memory');
  }
  // The interned strings' table: immortal, untracked (its keys are immortal strs).
  const interned = dictNew(t);
  if (interned === 0) throw new Error('objectsCreate: out of memory');
  gcUntrack(rc, interned);
  immortalize(rc, interned);
  u32[(state + OS_INTERNED_OFFSET) >>> 2] = interned;
  // The builtin methods and attributes in the types' dicts (their names are interned).
  for (let i = 0; i < specs.length; i++) if (!addTypeAttributes(t, u32[typesIndex + i]!, specs[i]!)) throw new Error('objectsCreate: out of memory');
  Atomics.store(u32, (state + OS_TAG_OFFSET) >>> 2, OBJECTS_STATE_TAG);
  return t;
}

/**
 * Joins a thread to a runtime's object layer: its context over the objects
 * state at `state` (another thread's `ctx.state`).
 * @throws TypeError when `state` is not an objects state, or when this
 * thread's slot registry differs from the one the runtime was created
 * with (a mismatched id would call the wrong code on shared objects).
 * @public
 */
export function objectsThreadInit(registration: ObjectsRegistration, rc: RcThread, gc: GcThread, qsbr: QsbrThread, freeIds: DelayedFreeIds, state: number): ObThread {
  const u32 = rc.u32;
  if (typeof state !== 'number' || state >>> 0 !== state || state === 0 || state + OBJECTS_STATE_SIZE > rc.heap.size || Atomics.load(u32, (state + OS_TAG_OFFSET) >>> 2) !== OBJECTS_STATE_TAG) {
    throw new TypeError(`objectsThreadInit: ${String(state)} is not the address of an objects state`);
  }
  if (u32[(state + OS_VERSION_OFFSET) >>> 2] !== OBJECTS_LAYOUT_VERSION) throw new TypeError(`objectsThreadInit: the objects state has layout version ${u32[(state + OS_VERSION_OFFSET) >>> 2]}, this code ${OBJECTS_LAYOUT_VERSION}`);
  const expected = u32[(state + OS_FINGERPRINT_OFFSET) >>> 2];
  const actual = registration.slots.fingerprint();
  if (expected !== actual) throw new TypeError(`objectsThreadInit: this thread's slot registry (fingerprint ${actual}) differs from the runtime's (${expected}); register the same slots in the same order on every thread`);
  const { box, builtins } = stateOf(registration);
  const t = new ObThread(rc, gc, qsbr, state, registration.slots.slots, freeIds, builtins.ids);
  box.t = t;
  registration.slots.seal();
  return t;
}
