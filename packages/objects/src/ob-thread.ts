/**
 * A thread's context in the object layer: its views of the heap, the
 * layers below (reference counting, the collector, QSBR), the runtime's
 * objects state and static types, the slot behaviours by id, and the
 * thread's exception state (CPython's `PyThreadState.current_exception`).
 *
 * Everything here is thread-local (a JavaScript object of one worker); the
 * shared parts are addresses into the heap. Object functions take it first,
 * as CPython's take the thread state implicitly.
 */

import type { SharedHeap } from '@ft/atomics';
import type { GcThread } from '@ft/gc';
import type { AllocatorDomains, DelayedFreeIds } from '@ft/obmalloc';
import type { QsbrThread } from '@ft/qsbr';
import type { FreeList, RcThread } from '@ft/refcount';
import { bindObjectFreeLists } from './free-lists.js';
import type { HashKey } from './siphash.js';
import {
  MCACHE_ENTRIES,
  OS_HASH_KEY_OFFSET,
  OS_SINGLETONS_OFFSET,
  OS_SMALL_INTS_OFFSET,
  OS_STATIC_TYPES_OFFSET,
  SINGLETON_EMPTY_STR,
  SINGLETON_EMPTY_TUPLE,
  SINGLETON_FALSE,
  SINGLETON_NONE,
  SINGLETON_NOT_IMPLEMENTED,
  SINGLETON_TRUE,
  StaticType,
} from './layout.js';

/** `reprfunc`, `getiterfunc`, `iternextfunc`: one object in, a new reference or 0 (error, or exhaustion without an error for iternext). @public */
export type UnaryFn = (t: ObThread, op: number) => number;
/** `hashfunc`: the hash, or -1 with an exception set. @public */
export type HashFn = (t: ObThread, op: number) => number;
/** `richcmpfunc`: a new reference (NotImplemented when it does not know), or 0 with an exception set. @public */
export type RichCompareFn = (t: ObThread, a: number, b: number, op: number) => number;
/** `getattrofunc`: a new reference, or 0 with an exception set. @public */
export type GetAttroFn = (t: ObThread, op: number, name: number) => number;
/** `setattrofunc`: 0, or -1 with an exception set; `value` 0 deletes. @public */
export type SetAttroFn = (t: ObThread, op: number, name: number, value: number) => number;
/** `ternaryfunc` for calls: `args` a tuple, `kwargs` a dict or 0; a new reference or 0. @public */
export type CallFn = (t: ObThread, callable: number, args: number, kwargs: number) => number;
/** `descrgetfunc`: `obj` 0 for a lookup on the type; a new reference or 0. @public */
export type DescrGetFn = (t: ObThread, descr: number, obj: number, type: number) => number;
/** `descrsetfunc`: 0, or -1; `value` 0 deletes. @public */
export type DescrSetFn = (t: ObThread, descr: number, obj: number, value: number) => number;
/** `initproc`: 0, or -1. @public */
export type InitFn = (t: ObThread, self: number, args: number, kwargs: number) => number;
/** `newfunc`: a new reference or 0. @public */
export type NewFn = (t: ObThread, type: number, args: number, kwargs: number) => number;
/** `lenfunc`: the length, or -1. @public */
export type LengthFn = (t: ObThread, op: number) => number;
/** `binaryfunc` (mp_subscript): a new reference or 0. @public */
export type SubscriptFn = (t: ObThread, op: number, key: number) => number;
/** `objobjargproc` (mp_ass_subscript): 0, or -1; `value` 0 deletes. @public */
export type AssSubscriptFn = (t: ObThread, op: number, key: number, value: number) => number;
/** `objobjproc` (sq_contains), `inquiry` (nb_bool): 1, 0, or -1. @public */
export type PredicateFn = (t: ObThread, op: number, key: number) => number;
/** `ssizeargfunc` (sq_item, sq_repeat): a new reference or 0. @public */
export type ItemFn = (t: ObThread, op: number, index: number) => number;
/** `binaryfunc` of the number protocol (nb_add …): a new reference, `NotImplemented` (a new reference) when it does not know the operands, or 0 with an exception. @public */
export type BinaryFn = (t: ObThread, a: number, b: number) => number;
/** `ternaryfunc` (nb_power): `c` is the modulus or None; as {@link BinaryFn}. @public */
export type TernaryFn = (t: ObThread, a: number, b: number, c: number) => number;
/**
 * `vectorcallfunc`: `callable(*args, **kw)` with `nargs` positional
 * arguments at `args` (the byte address of a word array of borrowed
 * references in the heap, CPython's `PyObject *const *args`), followed by
 * one value per name of `kwnames` (a tuple of str, or 0 for none). A new
 * reference, or 0 with an exception. Builtin functions and methods are
 * registered in this shape with `callable` their `self` (call.ts).
 * @public
 */
export type VectorcallFn = (t: ObThread, callable: number, args: number, nargs: number, kwnames: number) => number;
/** `getter` of a getset descriptor (`PyGetSetDef.get`): a new reference, or 0 with an exception. @public */
export type GetterFn = (t: ObThread, op: number) => number;
/** `setter` of a getset descriptor (`value` 0 deletes): 0, or -1 with an exception. @public */
export type SetterFn = (t: ObThread, op: number, value: number) => number;

/**
 * The slots a type names by behaviour id, in the order of their words in the
 * type object (layout.ts `TP_SLOTS_OFFSET`), with the shape of each.
 * @public
 */
export interface SlotShapes {
  /** `tp_repr`: `repr(op)`. */
  repr: UnaryFn;
  /** `tp_str`: `str(op)`. */
  str: UnaryFn;
  /** `tp_hash`: `hash(op)`. */
  hash: HashFn;
  /** `tp_richcompare`: `a < b` and the rest. */
  richcompare: RichCompareFn;
  /** `tp_getattro`: `op.name`. */
  getattro: GetAttroFn;
  /** `tp_setattro`: `op.name = value`, `del op.name`. */
  setattro: SetAttroFn;
  /** `tp_iter`: `iter(op)`. */
  iter: UnaryFn;
  /** `tp_iternext`: `next(it)`. */
  iternext: UnaryFn;
  /** `tp_call`: `op(*args, **kwargs)`. */
  call: CallFn;
  /** `tp_descr_get`: `__get__`. */
  descrGet: DescrGetFn;
  /** `tp_descr_set`: `__set__` / `__delete__`. */
  descrSet: DescrSetFn;
  /** `tp_init`: `__init__`. */
  init: InitFn;
  /** `tp_new`: `__new__`. */
  new: NewFn;
  /** `mp_length` / `sq_length`: `len(op)`. */
  length: LengthFn;
  /** `mp_subscript`: `op[key]`. */
  subscript: SubscriptFn;
  /** `mp_ass_subscript`: `op[key] = value`, `del op[key]`. */
  assSubscript: AssSubscriptFn;
  /** `sq_contains`: `key in op`. */
  contains: PredicateFn;
  /** `nb_bool`: `bool(op)`. */
  bool: UnaryFn;
  /** `sq_item`: `op[i]` for an int index. */
  item: ItemFn;
  /** `sq_concat`: `a + b` of sequences (after nb_add). */
  concat: BinaryFn;
  /** `sq_repeat`: `seq * n`. */
  repeat: ItemFn;
  /** `sq_inplace_concat`: `a += b`. */
  inplaceConcat: BinaryFn;
  /** `sq_inplace_repeat`: `seq *= n`. */
  inplaceRepeat: ItemFn;
  /** `nb_add`. */ add: BinaryFn;
  /** `nb_subtract`. */ subtract: BinaryFn;
  /** `nb_multiply`. */ multiply: BinaryFn;
  /** `nb_remainder`. */ remainder: BinaryFn;
  /** `nb_divmod`. */ divmod: BinaryFn;
  /** `nb_power`. */ power: TernaryFn;
  /** `nb_negative`. */ negative: UnaryFn;
  /** `nb_positive`. */ positive: UnaryFn;
  /** `nb_absolute`. */ absolute: UnaryFn;
  /** `nb_invert`. */ invert: UnaryFn;
  /** `nb_lshift`. */ lshift: BinaryFn;
  /** `nb_rshift`. */ rshift: BinaryFn;
  /** `nb_and`. */ and: BinaryFn;
  /** `nb_xor`. */ xor: BinaryFn;
  /** `nb_or`. */ or: BinaryFn;
  /** `nb_int`: `int(op)`. */ int: UnaryFn;
  /** `nb_float`: `float(op)`. */ float: UnaryFn;
  /** `nb_floor_divide`. */ floorDivide: BinaryFn;
  /** `nb_true_divide`. */ trueDivide: BinaryFn;
  /** `nb_index`: `operator.index(op)`. */ index: UnaryFn;
  /** `nb_matrix_multiply`. */ matrixMultiply: BinaryFn;
  /** `nb_inplace_add`. */ inplaceAdd: BinaryFn;
  /** `nb_inplace_subtract`. */ inplaceSubtract: BinaryFn;
  /** `nb_inplace_multiply`. */ inplaceMultiply: BinaryFn;
  /** `nb_inplace_remainder`. */ inplaceRemainder: BinaryFn;
  /** `nb_inplace_power`. */ inplacePower: TernaryFn;
  /** `nb_inplace_lshift`. */ inplaceLshift: BinaryFn;
  /** `nb_inplace_rshift`. */ inplaceRshift: BinaryFn;
  /** `nb_inplace_and`. */ inplaceAnd: BinaryFn;
  /** `nb_inplace_xor`. */ inplaceXor: BinaryFn;
  /** `nb_inplace_or`. */ inplaceOr: BinaryFn;
  /** `nb_inplace_floor_divide`. */ inplaceFloorDivide: BinaryFn;
  /** `nb_inplace_true_divide`. */ inplaceTrueDivide: BinaryFn;
  /** `nb_inplace_matrix_multiply`. */ inplaceMatrixMultiply: BinaryFn;
  /** `tp_vectorcall` of a type (calling the type), and the functions of builtin functions and methods (call.ts). */ vectorcall: VectorcallFn;
  /** Getters of getset descriptors (never set in a type's words). */ getter: GetterFn;
  /** Setters of getset descriptors (never set in a type's words). */ setter: SetterFn;
}

/** A slot's name. @public */
export type SlotKind = keyof SlotShapes;

/** Slot kinds in type-object order: the index of a kind is its word in the slots. @public */
export const SLOT_KINDS: readonly SlotKind[] = [
  'repr',
  'str',
  'hash',
  'richcompare',
  'getattro',
  'setattro',
  'iter',
  'iternext',
  'call',
  'descrGet',
  'descrSet',
  'init',
  'new',
  'length',
  'subscript',
  'assSubscript',
  'contains',
  'bool',
  'item',
  'concat',
  'repeat',
  'inplaceConcat',
  'inplaceRepeat',
  'add',
  'subtract',
  'multiply',
  'remainder',
  'divmod',
  'power',
  'negative',
  'positive',
  'absolute',
  'invert',
  'lshift',
  'rshift',
  'and',
  'xor',
  'or',
  'int',
  'float',
  'floorDivide',
  'trueDivide',
  'index',
  'matrixMultiply',
  'inplaceAdd',
  'inplaceSubtract',
  'inplaceMultiply',
  'inplaceRemainder',
  'inplacePower',
  'inplaceLshift',
  'inplaceRshift',
  'inplaceAnd',
  'inplaceXor',
  'inplaceOr',
  'inplaceFloorDivide',
  'inplaceTrueDivide',
  'inplaceMatrixMultiply',
  'vectorcall',
  'getter',
  'setter',
];

/** Word index of each slot kind in a type's slots (`TP_SLOTS_OFFSET`). @public */
export const SLOT_INDEX: { readonly [K in SlotKind]: number } = Object.fromEntries(SLOT_KINDS.map((k, i) => [k, i])) as { [K in SlotKind]: number };

/** The behaviours of every slot kind by id (index 0: none). @public */
export type SlotTables = { readonly [K in SlotKind]: readonly (SlotShapes[K] | null)[] };

/** Behaviour ids of the refcount registry that the object layer's own code names (heap types' instances). @public */
export interface BuiltinBehaviourIds {
  /** `subtype_dealloc`: instances of heap types. */
  readonly instanceDealloc: number;
  /** `subtype_traverse`. */
  readonly instanceTraverse: number;
  /** `subtype_clear`. */
  readonly instanceClear: number;
  /** The slots that call a class's special methods (slot-dispatch.ts), by kind; `unhashable` for `__hash__ = None`. */
  readonly slotDispatch: SlotDispatchIds;
  /** `tp_new_wrapper`: the `vectorcall` behaviour of builtin types' `__new__`. */
  readonly newWrapper: number;
  /** `subtype_dict` / `subtype_setdict` and `subtype_getweakref`: the getter and setter ids of a class's `__dict__` and `__weakref__` descriptors. */
  readonly subtypeGetSets: { readonly dictGet: number; readonly dictSet: number; readonly weakrefGet: number };
  /**
   * `fixup_slot_dispatchers` / `update_slot`: fills a new class's slots
   * from the special methods in its dict (only `name`'s slot when given);
   * 0, or -1 with an exception. A function, not an id: heap-type.ts calls
   * it below the files that implement it.
   */
  readonly fixupSlots: (t: ObThread, type: number, name?: string) => number;
}

/** The ids of slot-dispatch.ts's slots by kind, and `unhashable`. @public */
export type SlotDispatchIds = Readonly<Partial<Record<SlotKind | 'unhashable', number>>>;

/**
 * The thread's exception state (`PyThreadState.current_exception`): the
 * exception's type and either its object or — for an exception raised
 * with a message and not yet asked for as an object (errors.ts keeps that
 * path cheap) — the message as a JavaScript string. `type` 0: no exception.
 * @public
 */
export interface ErrorState {
  /** Address of the exception's type (0: none). */
  type: number;
  /** The exception instance once it exists (0 while only the type and message are known). */
  value: number;
  /** The message `PyErr_SetString` received (used until the instance is made). */
  message: string;
}

/**
 * A zeroed first level of the method cache left by this JavaScript
 * thread's last thread state (48 KiB): a pooled worker makes a thread
 * state per Python thread, and zeroing a used one costs less than a new
 * allocation. Module scope is per JavaScript thread.
 */
let spareTypeCache: Uint32Array | null = null;

function takeTypeCache(): Uint32Array {
  const cache = spareTypeCache ?? new Uint32Array(3 * MCACHE_ENTRIES);
  spareTypeCache = null;
  return cache;
}

/**
 * Gives a deleted thread state's method-cache array (emptied by
 * `typeCacheRelease`) to the next thread state of this JavaScript thread.
 * @internal
 */
export function recycleTypeCache(t: ObThread): void {
  if (t.typeCacheFilled !== 0) throw new Error('recycleTypeCache: release the type cache first');
  spareTypeCache = t.typeCache;
}

/**
 * What resuming a generator does, installed by the VM on each of its
 * threads (`ObThread.genOps`; generator.ts calls it). Each returns what
 * the method returns: a new reference, or 0 with the exception set
 * (`iternext`: 0 without one when the generator is exhausted).
 * @public
 */
export interface GeneratorOps {
  /** `gen.send(value)`. */
  send(t: ObThread, gen: number, value: number): number;
  /** `gen.throw(typ[, val[, tb]])`, the arguments as a vectorcall's. */
  throw(t: ObThread, gen: number, args: number, nargs: number): number;
  /** `gen.close()`. */
  close(t: ObThread, gen: number): number;
  /** `next(gen)` (`gen_iternext`). */
  iternext(t: ObThread, gen: number): number;
  /** `gi_frame`: the frame object (a new reference), None when finished. */
  frame(t: ObThread, gen: number): number;
  /** `gi_yieldfrom`: the iterator a `yield from` delegates to (a new reference), None. */
  yieldFrom(t: ObThread, gen: number): number;
  /** `_PyCoro_GetAwaitableIter(o)`: what `await o` iterates (a new reference), or 0 with TypeError. */
  awaitableIter(t: ObThread, o: number): number;
  /** `_PyErr_WarnUnawaitedCoroutine(coro)`: the RuntimeWarning of a coroutine freed without ever running (no exception left set). */
  unawaited(t: ObThread, coro: number): void;
}

/**
 * One thread's context in the object layer.
 * @public
 */
export class ObThread {
  /** The shared heap. */ declare readonly heap: SharedHeap;
  /** Byte view. */ declare readonly u8: Uint8Array;
  /** Half-word view. */ declare readonly u16: Uint16Array;
  /** Word view. */ declare readonly u32: Uint32Array;
  /** Signed word view. */ declare readonly i32: Int32Array;
  /** Double view (floats). */ declare readonly f64: Float64Array;
  /** The thread's reference counting. */ declare readonly rc: RcThread;
  /** The thread's collector. */ declare readonly gc: GcThread;
  /** The thread's QSBR slot (delayed frees of replaced item arrays and key tables). */ declare readonly qsbr: QsbrThread;
  /** Address of the runtime's objects state. */ declare readonly state: number;
  /** The slot behaviours by id. */ declare readonly slots: SlotTables;
  /** Static types by `StaticType` index (copied from the state: they never change). */ declare readonly types: Uint32Array;
  /** `None`, `True`, `False`. */ declare readonly none: number;
  /** `True`. */ declare readonly true: number;
  /** `False`. */ declare readonly false: number;
  /** `NotImplemented`. */ declare readonly notImplemented: number;
  /** `()`. */ declare readonly emptyTuple: number;
  /** `''`. */ declare readonly emptyStr: number;
  /** The SipHash key of str and bytes hashes (the state's, copied: it never changes). */ declare readonly hashKey: HashKey;
  /** `u32` index of the state's small-int table: the int `v` (-5 … 256) is at `u32[smallIntsIndex + v + 5]`. */ declare readonly smallIntsIndex: number;
  /** The delayed-free callbacks of `@ft/obmalloc` (`_PyMem_FreeDelayed`), registered in the thread's QSBR registry. */ declare readonly freeIds: DelayedFreeIds;
  /** The thread's allocator domains (`PyMem_*`). */ declare readonly domains: AllocatorDomains;
  /** Behaviour ids this layer's code names. */ declare readonly builtinIds: BuiltinBehaviourIds;
  /** The current exception. */ readonly error: ErrorState = { type: 0, value: 0, message: '' };
  /** How deep `repr` of containers is nested, and which containers are being printed (`Py_ReprEnter`). */ readonly reprStack: number[] = [];
  /**
   * The thread's private first level of the method cache (method-cache.ts):
   * (version, name, value) words per entry, thread-local memory.
   * @internal
   */
  readonly typeCache = takeTypeCache();
  /** Entries of {@link ObThread.typeCache} that hold a name (released at the thread's end). @internal */
  typeCacheFilled = 0;
  /**
   * The interned strs this thread has asked for by text (intern.ts): they
   * are immortal, so the address stays good for the runtime's life, and
   * the lookup skips the str made for it, its hash and the intern lock.
   * @internal
   */
  readonly internedByText = new Map<string, number>();
  /** Freed floats kept for reuse (float.ts), this thread's: addresses of blocks still allocated (the thread's `rc.freeList1`, free-lists.ts). @internal */
  declare readonly floatFreeList: FreeList;
  /** Freed one-digit ints kept for reuse (int.ts; `rc.freeList0`). @internal */
  declare readonly intFreeList: FreeList;
  /**
   * The VM's entry for calling a Python function (`_PyFunction_Vectorcall`
   * → `_PyEval_Vector`), installed by the interpreter on each of its
   * threads; null: no evaluation loop on this thread (function.ts raises).
   * @internal
   */
  evalFunction: VectorcallFn | null = null;
  /**
   * What resuming a generator does (generator.ts), installed by the
   * interpreter on each of its threads; null: generators raise
   * SystemError here.
   * @internal
   */
  genOps: GeneratorOps | null = null;
  /**
   * `super()` without arguments (`super_init_without_args`): the running
   * Python frame's `__class__` and first argument, from the VM (null with
   * RuntimeError set when the frame has none); null: no VM here.
   * @internal
   */
  superArgs: ((t: ObThread) => { type: number; obj: number } | null) | null = null;
  /**
   * The argument stack of calls made from TypeScript (call.ts): a PyMem
   * block (0 until first used) and the word index of its top and end.
   * @internal
   */
  argStack = 0;
  /** Word index of the argument stack's top. @internal */ argTop = 0;
  /** Word index of the argument stack's end. @internal */ argEnd = 0;

  /** @internal */
  constructor(rc: RcThread, gc: GcThread, qsbr: QsbrThread, state: number, slots: SlotTables, freeIds: DelayedFreeIds, builtinIds: BuiltinBehaviourIds) {
    const heap = rc.heap;
    if (rc.domains === null) throw new TypeError('ObThread: the thread has no allocator domains (rcThreadInit option domains)');
    Object.assign(this, { heap, u8: heap.u8, u16: heap.u16, u32: heap.u32, i32: heap.i32, f64: heap.f64, rc, gc, qsbr, state, slots, freeIds, builtinIds, domains: rc.domains, intFreeList: rc.freeList0, floatFreeList: rc.freeList1 });
    this.bindRuntime();
  }

  /**
   * Reads the static types and singletons from the state: once they exist
   * (objects-lifecycle.ts creates them with this thread's context while
   * the runtime is built), they never change.
   * @internal
   */
  bindRuntime(): void {
    const u32 = this.u32;
    const singletons = (this.state + OS_SINGLETONS_OFFSET) >>> 2;
    Object.assign(this, {
      types: u32.slice((this.state + OS_STATIC_TYPES_OFFSET) >>> 2, ((this.state + OS_STATIC_TYPES_OFFSET) >>> 2) + StaticType.Count),
      none: u32[singletons + SINGLETON_NONE],
      true: u32[singletons + SINGLETON_TRUE],
      false: u32[singletons + SINGLETON_FALSE],
      emptyTuple: u32[singletons + SINGLETON_EMPTY_TUPLE],
      emptyStr: u32[singletons + SINGLETON_EMPTY_STR],
      notImplemented: u32[singletons + SINGLETON_NOT_IMPLEMENTED],
      smallIntsIndex: (this.state + OS_SMALL_INTS_OFFSET) >>> 2,
      hashKey: { k0lo: u32[(this.state + OS_HASH_KEY_OFFSET) >>> 2]!, k0hi: u32[((this.state + OS_HASH_KEY_OFFSET) >>> 2) + 1]!, k1lo: u32[((this.state + OS_HASH_KEY_OFFSET) >>> 2) + 2]!, k1hi: u32[((this.state + OS_HASH_KEY_OFFSET) >>> 2) + 3]! },
    });
    bindObjectFreeLists(this.rc, this.types[StaticType.Int]!, this.types[StaticType.Float]!);
  }

  /** The static type at `index`. */
  type(index: StaticType): number {
    return this.types[index]!;
  }
}
