/**
 * Layouts and constants of `@ft/objects`, declared once.
 *
 * Every object starts with the free-threaded header of `@ft/refcount`
 * (DESIGN.md §5: ob_tid, flags/mutex/gc bits, ob_ref_local, ob_ref_shared,
 * ob_type; `ob_size` at 20 for variable-size objects). What follows is the
 * body of each builtin type, in CPython's field order, with 32-bit words for
 * pointers and sizes (addresses are u32), and the runtime-wide state of the
 * object layer (CPython's `_PyRuntime.types` and `interp->types`).
 *
 * Hashes are 32-bit, as on CPython's 32-bit platforms (and in Pyodide):
 * `sys.hash_info.width` 32, integer hashes modulo 2^31 - 1, the 32-bit
 * xxHash primes in tuple hashing. Addresses are 32-bit here, so the hash of
 * an object by identity fits as it does there.
 *
 * @packageDocumentation
 */

import { OB_SIZE_OFFSET, OBJECT_HEADER_SIZE, TYPE_CORE_SIZE, VAR_OBJECT_HEADER_SIZE } from '@ft/refcount';

// ---------------------------------------------------------------------------
// Objects state (one per runtime: static types, singletons, the type lock,
// version counters, the method cache). regionAlloc, 64-byte aligned.
//
//  off   width   field                writer / reader, order
//  0     u32     tag                  creator: OBJECTS_STATE_TAG, Atomics.store last (publishes)
//  4     u32     version              creator: OBJECTS_LAYOUT_VERSION
//  8     u32     fingerprint          creator: the slot registry's fingerprint; joiners compare
//  12    u8      typeLock             PyMutex (`TYPE_LOCK`), taken as a critical section
//  16    u32     nextStaticVersion    Atomics.add: static types' version tags (runtime counter, from 1)
//  20    u32     nextHeapVersion      under typeLock: heap types' tags (from 2^17; 0 = exhausted)
//  24    u32     methodCache          creator: address of the 4096 entries
//  28    u32     internedCount        Atomics: strings interned (statistics)
//  32    u32     interned             under internLock: address of the interned-strings dict
//  36    u8      internLock           PyMutex
//  40    u32×256 staticTypes          creator: type addresses by STATIC_TYPE_* index
//  1064  u32×262 smallInts            creator: immortal ints -5 .. 256
//  2112  u32×16  singletons           creator: None, True, False, (), '', NotImplemented, Ellipsis, the set dummy, ...
//  2176  u32×4   hashKey              creator: the SipHash key of str and bytes hashes (PYTHONHASHSEED)
//  2192  u32     intMaxStrDigits      Atomics: sys.set_int_max_str_digits (0: no limit), 4300 at creation
//  ...           weakrefLocks         u8×128 PyMutex bytes (`interp->weakref_locks`): the weakref list of the object at
//                                     address a is guarded by byte a % 127 (weakref.ts), taken without detaching
//                end
// ---------------------------------------------------------------------------

/** Type tag of the objects state ('OBJS'). @public */ export const OBJECTS_STATE_TAG = 0x534a424f;
/** Layout version of this package's structures. @public */ export const OBJECTS_LAYOUT_VERSION = 7;
/** @internal */ export const OS_TAG_OFFSET = 0;
/** @internal */ export const OS_VERSION_OFFSET = 4;
/** @internal */ export const OS_FINGERPRINT_OFFSET = 8;
/** @internal */ export const OS_TYPE_LOCK_OFFSET = 12;
/** @internal */ export const OS_NEXT_STATIC_VERSION_OFFSET = 16;
/** @internal */ export const OS_NEXT_HEAP_VERSION_OFFSET = 20;
/** @internal */ export const OS_METHOD_CACHE_OFFSET = 24;
/** @internal */ export const OS_INTERNED_COUNT_OFFSET = 28;
/** @internal */ export const OS_INTERNED_OFFSET = 32;
/** @internal */ export const OS_INTERN_LOCK_OFFSET = 36;
/** @internal */ export const OS_STATIC_TYPES_OFFSET = 40;
/** How many static types the state has room for. @internal */ export const OS_STATIC_TYPES_MAX = 256;
/** @internal */ export const OS_SMALL_INTS_OFFSET = OS_STATIC_TYPES_OFFSET + 4 * OS_STATIC_TYPES_MAX;
/** @internal */ export const OS_SINGLETONS_OFFSET = OS_SMALL_INTS_OFFSET + 4 * 262;
/** `_Py_HashSecret`'s SipHash key (k0, k1 as little-endian 32-bit halves), written once at creation. @internal */ export const OS_HASH_KEY_OFFSET = OS_SINGLETONS_OFFSET + 4 * 16;
/** `long_state.max_str_digits`: the interpreter's limit on decimal int conversions (0: none); Atomics. @internal */ export const OS_INT_MAX_STR_DIGITS_OFFSET = OS_HASH_KEY_OFFSET + 16;
/** `func_state.next_version`: the interpreter's one counter of code (and so function) versions, from 2; Atomics (0 forever once it overflows). @internal */ export const OS_FUNC_NEXT_VERSION_OFFSET = OS_INT_MAX_STR_DIGITS_OFFSET + 4;
/** `func_state.mutex`: a PyMutex over the function version cache's entries. @internal */ export const OS_FUNC_CACHE_LOCK_OFFSET = OS_FUNC_NEXT_VERSION_OFFSET + 4;
/** `func_state.func_version_cache`: address of its (func, code) word pairs (function.ts). @internal */ export const OS_FUNC_CACHE_OFFSET = OS_FUNC_CACHE_LOCK_OFFSET + 4;
/** `FUNC_VERSION_CACHE_SIZE`: entries of the function version cache (a power of 2). @public */ export const FUNC_VERSION_CACHE_SIZE = 4096;
/** `FUNC_VERSION_FIRST_VALID`: versions 0 (unset) and 1 (cleared) are never valid. @public */ export const FUNC_VERSION_FIRST_VALID = 2;
/** `interp->weakref_locks`: {@link NUM_WEAKREF_LIST_LOCKS} PyMutex bytes (weakref.ts), padded to 128. @internal */ export const OS_WEAKREF_LOCKS_OFFSET = OS_FUNC_CACHE_OFFSET + 4;
/** `NUM_WEAKREF_LIST_LOCKS`: stripes guarding the weakref lists, keyed by the referent's address. @internal */ export const NUM_WEAKREF_LIST_LOCKS = 127;
/** The first dict keys version (CPython's `next_keys_version` starts at 2; 0 means none). @internal */ export const DICT_KEYS_FIRST_VERSION = 2;
/** `dict_state.next_keys_version`: the interpreter's counter of dict keys versions (`dk_version`), from 2; Atomics (0 forever once it wraps). @internal */ export const OS_NEXT_KEYS_VERSION_OFFSET = OS_WEAKREF_LOCKS_OFFSET + 128;
/** Bytes of the objects state. @internal */ export const OBJECTS_STATE_SIZE = OS_NEXT_KEYS_VERSION_OFFSET + 4;

/** `_PY_NSMALLNEGINTS`: ints from -5 are preallocated. @public */ export const SMALL_INT_MIN = -5;
/** `_PY_NSMALLPOSINTS - 1`: ints up to 256 are preallocated. @public */ export const SMALL_INT_MAX = 256;

/** Singleton indices in the state. @internal */
export const SINGLETON_NONE = 0;
/** @internal */ export const SINGLETON_TRUE = 1;
/** @internal */ export const SINGLETON_FALSE = 2;
/** @internal */ export const SINGLETON_EMPTY_TUPLE = 3;
/** @internal */ export const SINGLETON_EMPTY_STR = 4;
/** @internal */ export const SINGLETON_NOT_IMPLEMENTED = 5;
/** @internal */ export const SINGLETON_ELLIPSIS = 6;
/** The key a deleted set entry holds (`_PySet_Dummy`). @internal */ export const SINGLETON_SET_DUMMY = 7;
/** The empty bytes of `Py_GetConstant(Py_CONSTANT_EMPTY_BYTES)`: made on first use (CAS), immortal. @internal */ export const SINGLETON_EMPTY_BYTES = 8;

/** Static builtin type indices: the order they are created in, the same in every runtime. @public */
export const StaticType = {
  Type: 0,
  Object: 1,
  None: 2,
  NotImplemented: 3,
  Ellipsis: 4,
  Bool: 5,
  Int: 6,
  Str: 7,
  Tuple: 8,
  List: 9,
  Dict: 10,
  ListIter: 11,
  ListRevIter: 12,
  TupleIter: 13,
  DictKeys: 14,
  DictValues: 15,
  DictItems: 16,
  DictKeyIter: 17,
  DictValueIter: 18,
  DictItemIter: 19,
  BaseException: 20,
  Exception: 21,
  TypeError: 22,
  ValueError: 23,
  LookupError: 24,
  IndexError: 25,
  KeyError: 26,
  RuntimeError: 27,
  ArithmeticError: 28,
  OverflowError: 29,
  ZeroDivisionError: 30,
  MemoryError: 31,
  AttributeError: 32,
  StopIteration: 33,
  SystemError: 34,
  RecursionError: 35,
  NotImplementedError: 36,
  MemberDescriptor: 37,
  Set: 38,
  FrozenSet: 39,
  SetIter: 40,
  Deque: 41,
  DequeIter: 42,
  Float: 43,
  Complex: 44,
  // The rest of CPython 3.13's builtin exceptions, and 3.13's `_interpreters` exceptions (exception-hierarchy.ts).
  GeneratorExit: 45,
  KeyboardInterrupt: 46,
  SystemExit: 47,
  AssertionError: 48,
  BufferError: 49,
  EOFError: 50,
  ImportError: 51,
  ModuleNotFoundError: 52,
  NameError: 53,
  UnboundLocalError: 54,
  OSError: 55,
  BlockingIOError: 56,
  ChildProcessError: 57,
  ConnectionError: 58,
  BrokenPipeError: 59,
  ConnectionAbortedError: 60,
  ConnectionRefusedError: 61,
  ConnectionResetError: 62,
  FileExistsError: 63,
  FileNotFoundError: 64,
  InterruptedError: 65,
  IsADirectoryError: 66,
  NotADirectoryError: 67,
  PermissionError: 68,
  ProcessLookupError: 69,
  TimeoutError: 70,
  ReferenceError: 71,
  StopAsyncIteration: 72,
  SyntaxError: 73,
  IndentationError: 74,
  TabError: 75,
  IncompleteInputError: 76,
  FloatingPointError: 77,
  PythonFinalizationError: 78,
  UnicodeError: 79,
  UnicodeDecodeError: 80,
  UnicodeEncodeError: 81,
  UnicodeTranslateError: 82,
  Warning: 83,
  UserWarning: 84,
  DeprecationWarning: 85,
  PendingDeprecationWarning: 86,
  SyntaxWarning: 87,
  RuntimeWarning: 88,
  FutureWarning: 89,
  ImportWarning: 90,
  UnicodeWarning: 91,
  BytesWarning: 92,
  EncodingWarning: 93,
  ResourceWarning: 94,
  InterpreterError: 95,
  InterpreterNotFoundError: 96,
  Slice: 97,
  Range: 98,
  RangeIter: 99,
  // bytes.ts, bytearray.ts (bytes-types.ts registers them).
  Bytes: 100,
  ByteArray: 101,
  BytesIter: 102,
  ByteArrayIter: 103,
  // weakref.ts (weakref-types.ts).
  WeakRef: 104,
  WeakProxy: 105,
  WeakCallableProxy: 106,
  // Code, functions, methods, descriptors, modules (callable-types.ts).
  Code: 107,
  Function: 108,
  Cell: 109,
  Method: 110,
  BuiltinFunction: 111,
  MethodDescriptor: 112,
  ClassMethodDescriptor: 113,
  WrapperDescriptor: 114,
  MethodWrapper: 115,
  GetSetDescriptor: 116,
  Module: 117,
  StaticMethod: 118,
  ClassMethod: 119,
  Property: 120,
  Super: 121,
  // BaseExceptionGroup, ExceptionGroup (exception-group.ts).
  BaseExceptionGroup: 122,
  ExceptionGroup: 123,
  // The iterators of the builtins (builtin-iterators.ts, seq-iterator.ts), tracebacks and frames (iterator-types.ts).
  Enumerate: 124,
  Reversed: 125,
  Zip: 126,
  Map: 127,
  Filter: 128,
  SeqIter: 129,
  CallIter: 130,
  Traceback: 131,
  Frame: 132,
  Generator: 133,
  // The read-only view of a class's dict (mappingproxy.ts).
  MappingProxy: 134,
  // memoryview and its iterator (memoryview.ts, memoryview-types.ts).
  MemoryView: 135,
  MemoryIter: 136,
  // Coroutines and async generators (coroutine.ts, async-generator.ts, coroutine-types.ts).
  Coroutine: 137,
  CoroutineWrapper: 138,
  AsyncGenerator: 139,
  AsyncGenASend: 140,
  AsyncGenAThrow: 141,
  AsyncGenWrappedValue: 142,
  AnextAwaitable: 143,
  Count: 144,
} as const;
/** A static builtin type index. @public */
export type StaticType = (typeof StaticType)[keyof typeof StaticType];

// ---------------------------------------------------------------------------
// Type objects: the refcount type core (0..63), then the object layer's part.
//
//  off  width  field              writer / reader, order
//  0..55       refcount's core    creator (flags, sizes, dealloc/traverse/clear/finalize, unique id)
//  56   u32    tp_version_tag     Atomics: assigned under the type lock, cleared by type_modified;
//                                 method-cache readers load it (CPython: relaxed/acquire)
//  60   u16    tp_versions_used   under the type lock (MAX_VERSIONS_PER_CLASS)
//  62   u16    tp_flags2          creator: TYPE2_* bits of this layer (ready, immutable, ...)
//  64   u32    tp_name            creator: str (immortal for static types, a strong ref for heap types)
//  68   u32    tp_base            creator: the solid base (strong)
//  72   u32    tp_bases           under the type lock: tuple (strong)
//  76   u32    tp_mro             Atomics.store under the type lock, Atomics.load by readers (gh-117306:
//                                 readers hold no lock; an old tuple stays valid until QSBR)
//  80   u32    tp_dict            creator: dict (strong); its contents change under the type+dict lock
//  84   u32    tp_subclasses      under the type lock: PyMem array [count, capacity, types...] (borrowed)
//  88   i32    tp_dictoffset      creator: offset of the instance's __dict__ slot (0: none)
//  92   i32    tp_weaklistoffset  creator: offset of the instance's weakref list (0: none)
//  96   u32×71 slots              behaviour ids (SlotKind order: the type's own, then the sequence and
//                                 number protocols'), written before the type is published or under the
//                                 type lock with the version cleared
//  380  u32    ht_cached_keys     heap types: the shared keys of their instances' dicts (a counted
//                                 reference), 0 until the first instance dict; set by CAS, read Atomics.load
//  384  u32    tp_weaklist        the weakrefs to the type itself (types are weakly referenceable: the
//                                 metatype's tp_weaklistoffset names this word); under its weakref stripe
//  388         end
// ---------------------------------------------------------------------------

/** `tp_version_tag` (u32; written with Atomics; the VM's guards read it plain, as CPython's relaxed loads). @public */ export const TP_VERSION_TAG_OFFSET = 56;
/** @internal */ export const TP_VERSIONS_USED_OFFSET = 60;
/** @internal */ export const TP_FLAGS2_OFFSET = 62;
/** @internal */ export const TP_NAME_OFFSET = TYPE_CORE_SIZE;
/** @internal */ export const TP_BASE_OFFSET = TYPE_CORE_SIZE + 4;
/** @internal */ export const TP_BASES_OFFSET = TYPE_CORE_SIZE + 8;
/** @internal */ export const TP_MRO_OFFSET = TYPE_CORE_SIZE + 12;
/** @internal */ export const TP_DICT_OFFSET = TYPE_CORE_SIZE + 16;
/** @internal */ export const TP_SUBCLASSES_OFFSET = TYPE_CORE_SIZE + 20;
/** @internal */ export const TP_DICTOFFSET_OFFSET = TYPE_CORE_SIZE + 24;
/** @internal */ export const TP_WEAKLISTOFFSET_OFFSET = TYPE_CORE_SIZE + 28;
/** @internal */ export const TP_SLOTS_OFFSET = TYPE_CORE_SIZE + 32;
/** Room for slot ids. @internal */ export const TP_SLOTS_MAX = 71;
/** `ht_cached_keys`. @internal */ export const TP_CACHED_KEYS_OFFSET = TP_SLOTS_OFFSET + 4 * TP_SLOTS_MAX;
/** `tp_weaklist`: the head of the weakrefs to the type itself (weakref.ts). @internal */ export const TP_WEAKLIST_OFFSET = TP_CACHED_KEYS_OFFSET + 4;
/** Bytes of a type object. @public */ export const TYPE_OBJECT_SIZE = TP_WEAKLIST_OFFSET + 4;

/** `tp_flags2`: `PyType_Ready` has run. @internal */ export const TYPE2_READY = 1;
/** `tp_flags2`: attributes cannot be set (`Py_TPFLAGS_IMMUTABLETYPE`). @internal */ export const TYPE2_IMMUTABLE = 2;
/** `tp_flags2`: instances may not be subclassed (`!Py_TPFLAGS_BASETYPE`). @internal */ export const TYPE2_FINAL = 4;

/** `_Py_MAX_GLOBAL_TYPE_VERSION_TAG`: static types' tags stay below. @public */ export const MAX_GLOBAL_TYPE_VERSION_TAG = (2 << 16) - 1;
/** `_Py_TYPE_BASE_VERSION_TAG`: heap types' tags start here. @public */ export const TYPE_BASE_VERSION_TAG = 2 << 16;
/** `MAX_VERSIONS_PER_CLASS`: a type that used this many tags gets no more. @public */ export const MAX_VERSIONS_PER_CLASS = 1000;

// CPython's tp_flags bits this layer reads (Py_TPFLAGS_*; refcount defines HEAPTYPE and HAVE_GC).
/** `Py_TPFLAGS_LONG_SUBCLASS`. @public */ export const TPFLAGS_LONG_SUBCLASS = 1 << 24;
/** `Py_TPFLAGS_LIST_SUBCLASS`. @public */ export const TPFLAGS_LIST_SUBCLASS = 1 << 25;
/** `Py_TPFLAGS_TUPLE_SUBCLASS`. @public */ export const TPFLAGS_TUPLE_SUBCLASS = 1 << 26;
/** `Py_TPFLAGS_UNICODE_SUBCLASS`. @public */ export const TPFLAGS_UNICODE_SUBCLASS = 1 << 28;
/** `Py_TPFLAGS_DICT_SUBCLASS`. @public */ export const TPFLAGS_DICT_SUBCLASS = 1 << 29;
/** `Py_TPFLAGS_BASE_EXC_SUBCLASS`. @public */ export const TPFLAGS_BASE_EXC_SUBCLASS = 1 << 30;
/** `Py_TPFLAGS_TYPE_SUBCLASS`. @public */ export const TPFLAGS_TYPE_SUBCLASS = 1 << 31;

// ---------------------------------------------------------------------------
// Method cache (`interp->types.type_cache`): 4096 entries of 16 bytes.
//
//  off  width  field     writer / reader, order
//  0    u32    version   writer: Atomics.store LAST (release: a reader that matches it sees the
//                        name and value stored before); readers Atomics.load (acquire)
//  4    u32    sequence  seqlock (odd while written)
//  8    u32    name      writer: Atomics.store, a strong ref to an exact str; readers Atomics.load
//  12   u32    value     writer: Atomics.store, borrowed; readers try-incref it
// ---------------------------------------------------------------------------

/** `MCACHE_SIZE_EXP`. @public */ export const MCACHE_SIZE_EXP = 12;
/** Entries of the method cache. @public */ export const MCACHE_ENTRIES = 1 << MCACHE_SIZE_EXP;
/** `MCACHE_MAX_ATTR_SIZE`: longer names are not cached. @public */ export const MCACHE_MAX_ATTR_SIZE = 100;
/** @internal */ export const MCACHE_ENTRY_SIZE = 16;
/** @internal */ export const MC_VERSION_OFFSET = 0;
/** @internal */ export const MC_SEQUENCE_OFFSET = 4;
/** @internal */ export const MC_NAME_OFFSET = 8;
/** @internal */ export const MC_VALUE_OFFSET = 12;

// ---------------------------------------------------------------------------
// int (`PyLongObject`, 3.12+): not variable-size by header; lv_tag says
// the sign and digit count; 30-bit digits (`PYLONG_BITS_IN_DIGIT`).
//
//  20   u32    lv_tag    creator: ndigits << 3 | sign (0 positive, 1 zero, 2 negative)
//  24   u32×n  ob_digit  creator; never changed (ints are immutable)
// ---------------------------------------------------------------------------

/** `lv_tag`: sign and digit count of an int. @public */ export const LONG_TAG_OFFSET = OBJECT_HEADER_SIZE;
/** `ob_digit`: the first of an int's 30-bit digits. @public */ export const LONG_DIGITS_OFFSET = OBJECT_HEADER_SIZE + 4;
/** `PyLong_SHIFT`. @public */ export const LONG_SHIFT = 30;
/** `PyLong_BASE`. @internal */ export const LONG_BASE = 2 ** 30;
/** `PyLong_MASK`. @internal */ export const LONG_MASK = LONG_BASE - 1;
/** `NON_SIZE_BITS`. @internal */ export const LONG_NON_SIZE_BITS = 3;
/** @internal */ export const LONG_SIGN_MASK = 3;
/** @internal */ export const LONG_SIGN_ZERO = 1;
/** @internal */ export const LONG_SIGN_NEGATIVE = 2;

/** `_PyHASH_BITS` of a 32-bit build. @public */ export const HASH_BITS = 31;
/** `_PyHASH_MODULUS`: 2^31 - 1. @public */ export const HASH_MODULUS = 2 ** 31 - 1;

// ---------------------------------------------------------------------------
// float (`PyFloatObject`) and complex (`PyComplexObject`): immutable IEEE
// doubles, 8-aligned after the header.
//
//  24   f64    ob_fval / cval.real   creator; never changed
//  32   f64    cval.imag (complex)   creator; never changed
// ---------------------------------------------------------------------------

/** `ob_fval`: a float's double. @public */ export const FLOAT_VALUE_OFFSET = OBJECT_HEADER_SIZE + 4;
/** Bytes of a float object. @internal */ export const FLOAT_OBJECT_SIZE = FLOAT_VALUE_OFFSET + 8;
/** @internal */ export const COMPLEX_REAL_OFFSET = OBJECT_HEADER_SIZE + 4;
/** @internal */ export const COMPLEX_IMAG_OFFSET = COMPLEX_REAL_OFFSET + 8;
/** Bytes of a complex object. @internal */ export const COMPLEX_OBJECT_SIZE = COMPLEX_IMAG_OFFSET + 8;

// ---------------------------------------------------------------------------
// str (`PyUnicodeObject`, PEP 393 compact): length in code points, the
// cached hash, the kind, then the data inline.
//
//  20   u32    length     creator
//  24   i32    hash       -1 until computed; Atomics (CPython: relaxed; any thread may fill it)
//  28   u8     kind       creator: 1 (latin-1), 2 (UCS-2), 4 (UCS-4)
//  29   u8     ascii      creator: 1 when every code point < 128
//  30   u8     interned   under the intern lock: 0 not, 1 interned, 2 interned immortal
//  32   ...    data       creator: length × kind bytes, then a zero code unit
// ---------------------------------------------------------------------------

/** @internal */ export const STR_LENGTH_OFFSET = OBJECT_HEADER_SIZE;
/** @internal */ export const STR_HASH_OFFSET = OBJECT_HEADER_SIZE + 4;
/** @internal */ export const STR_KIND_OFFSET = OBJECT_HEADER_SIZE + 8;
/** @internal */ export const STR_ASCII_OFFSET = OBJECT_HEADER_SIZE + 9;
/** @internal */ export const STR_INTERNED_OFFSET = OBJECT_HEADER_SIZE + 10;
/** @internal */ export const STR_DATA_OFFSET = OBJECT_HEADER_SIZE + 12;
/** `SSTATE_INTERNED_MORTAL`. @internal */ export const STR_INTERNED_MORTAL = 1;
/** `SSTATE_INTERNED_IMMORTAL`. @internal */ export const STR_INTERNED_IMMORTAL = 2;

// ---------------------------------------------------------------------------
// tuple (`PyTupleObject`): ob_size items inline; immutable once published.
//
//  20   i32    ob_size    creator
//  24   i32    ob_hash    -1 until computed (3.14 caches it; Atomics as str's)
//  28   u32×n  ob_item    creator (strong refs)
// ---------------------------------------------------------------------------

/** `ob_size` of a tuple. @public */ export const TUPLE_SIZE_OFFSET = OB_SIZE_OFFSET;
/** @internal */ export const TUPLE_HASH_OFFSET = VAR_OBJECT_HEADER_SIZE;
/** `ob_item`: the first of a tuple's items. @public */ export const TUPLE_ITEMS_OFFSET = VAR_OBJECT_HEADER_SIZE + 4;

// ---------------------------------------------------------------------------
// list (`PyListObject`) and its item array (`_PyListArray`).
//
//  20   i32    ob_size    writers under the list's critical section, Atomics.store;
//                         lock-free readers Atomics.load (CPython: relaxed)
//  24   u32    ob_item    writers: Atomics.store (release) after filling a new array; readers
//                         Atomics.load; 0 = no array (empty, or being sorted)
//  28   i32    allocated  under the critical section; -1 while sorting (the sort's "modified" check)
//
// The array: [capacity u32][item u32 × capacity]; ob_item points at the
// first item, so a reader finds the capacity of the array it loaded at
// ob_item - 4. Items are stored with Atomics.store (release) and loaded
// with Atomics.load. An array replaced while the list is SHARED is freed
// through QSBR; otherwise at once.
// ---------------------------------------------------------------------------

/** `ob_size` of a list. @public */ export const LIST_SIZE_OFFSET = OB_SIZE_OFFSET;
/** `ob_item`: the address of a list's item array. @public */ export const LIST_ITEMS_OFFSET = VAR_OBJECT_HEADER_SIZE;
/** @internal */ export const LIST_ALLOCATED_OFFSET = VAR_OBJECT_HEADER_SIZE + 4;
/** Bytes of a list object. @internal */ export const LIST_OBJECT_SIZE = VAR_OBJECT_HEADER_SIZE + 8;
/** Bytes before the first item of an item array (its capacity). @internal */ export const LIST_ARRAY_HEADER_SIZE = 4;
/**
 * The largest list (`PY_SSIZE_T_MAX / 8 - 1` in CPython): here the item
 * array must fit in a 4 GiB address space with its header.
 * @public
 */
export const LIST_MAX_SIZE = (2 ** 32 - 64) / 4 - 1;

// ---------------------------------------------------------------------------
// list iterator / tuple iterator.
//
//  20   u32    it_seq     the iterated object (strong; 0 once exhausted)
//  24   i32    it_index   the next index (Atomics: iterators may be shared)
// ---------------------------------------------------------------------------

/** @internal */ export const SEQITER_SEQ_OFFSET = OBJECT_HEADER_SIZE;
/** @internal */ export const SEQITER_INDEX_OFFSET = OBJECT_HEADER_SIZE + 4;
/** @internal */ export const SEQITER_SIZE = OBJECT_HEADER_SIZE + 8;

// ---------------------------------------------------------------------------
// dict (`PyDictObject`) and its keys table (`PyDictKeysObject`): combined
// tables (keys and values in the entries), and split tables for instance
// dicts — the keys shared by every instance of a class (the type's
// `ht_cached_keys`), the values in an array of each dict's own.
//
// dict object:
//  20   i32    ma_used     writers under the dict's critical section, Atomics.store; len() Atomics.load
//  24   u32    ma_version  writers under the critical section: +1 per mutation (iteration checks, watchers)
//  28   u32    ma_keys     writers Atomics.store (release) after building the table; readers Atomics.load
//  32   u32    ma_values   split tables: the values array (PyMem block), Atomics.store (release) / Atomics.load;
//                          0 for a combined table
//
// keys table (PyMem block, 8-byte aligned):
//  0    i32    dk_refcnt   1 for a combined table (one owner); a split table counts its type and its
//                          dicts (Atomics.add/sub)
//  4    u8     dk_log2_size
//  5    u8     dk_log2_index_bytes
//  6    u8     dk_kind     DICT_KEYS_GENERAL / DICT_KEYS_UNICODE (every key an exact str) / DICT_KEYS_SPLIT
//  7    u8     dk_mutex    PyMutex of a split table (`LOCK_KEYS`): appending a key, from any of its dicts
//  8    u32    dk_version  0 after any change
//  12   i32    dk_usable   under the critical section
//  16   i32    dk_nentries under the critical section; Atomics.store (readers bound their scans by it)
//  20   u32    pad
//  24   ...    dk_indices  (1 << log2_size) slots of 1, 2 or 4 bytes; -1 empty, -2 dummy;
//                          Atomics (CPython: relaxed loads and stores of the index width)
//  then        dk_entries  general {hash i32, key u32, value u32}, unicode {key u32, value u32};
//                          key and value written with Atomics.store (release), read with Atomics.load;
//                          a split table's entries are append-only and their value words unused
//
// values array of a split dict (`PyDictValues`, PyMem block):
//  0    u32    capacity    fixed at creation (the shared table's usable size): bounds lock-free reads
//  4    u32    size        entries in the insertion order (under the dict's critical section)
//  8    u32×capacity       values by the shared table's entry index (Atomics.store / try-incref + re-check)
//  then u8×capacity        insertion order: entry indices (under the critical section)
// ---------------------------------------------------------------------------

/** @internal */ export const DICT_USED_OFFSET = OB_SIZE_OFFSET;
/** @internal */ export const DICT_VERSION_OFFSET = VAR_OBJECT_HEADER_SIZE;
/** @internal */ export const DICT_KEYS_OFFSET = VAR_OBJECT_HEADER_SIZE + 4;
/** @internal */ export const DICT_VALUES_OFFSET = VAR_OBJECT_HEADER_SIZE + 8;
/** Bytes of a dict object. @internal */ export const DICT_OBJECT_SIZE = VAR_OBJECT_HEADER_SIZE + 12;

/** @internal */ export const DK_REFCNT_OFFSET = 0;
/** @internal */ export const DK_LOG2_SIZE_OFFSET = 4;
/** @internal */ export const DK_LOG2_INDEX_BYTES_OFFSET = 5;
/** @internal */ export const DK_KIND_OFFSET = 6;
/** @internal */ export const DK_MUTEX_OFFSET = 7;
/** @internal */ export const DK_VERSION_OFFSET = 8;
/** @internal */ export const DK_USABLE_OFFSET = 12;
/** @internal */ export const DK_NENTRIES_OFFSET = 16;
/** @internal */ export const DK_INDICES_OFFSET = 24;
/** `DICT_KEYS_GENERAL`. @internal */ export const DICT_KEYS_GENERAL = 0;
/** `DICT_KEYS_UNICODE`: every key an exact str; entries have no hash word. @internal */ export const DICT_KEYS_UNICODE = 1;
/** Bytes of a general entry: hash, key, value. @internal */ export const DK_GENERAL_ENTRY_SIZE = 12;
/** `DICT_KEYS_SPLIT`: a class's shared instance keys, every key an exact str; values live in each dict. @internal */ export const DICT_KEYS_SPLIT = 2;
/** `SHARED_KEYS_MAX_SIZE`: entries a split table takes before its dicts turn combined. @internal */ export const SHARED_KEYS_MAX_SIZE = 30;
/** `NEXT_LOG2_SHARED_KEYS_MAX_SIZE`: a split table's log2 size. @internal */ export const SHARED_KEYS_LOG2_SIZE = 6;
/** @internal */ export const VALUES_CAPACITY_OFFSET = 0;
/** @internal */ export const VALUES_SIZE_OFFSET = 4;
/** The class whose shared keys the values go with (strong: it keeps the keys alive for the dict). @internal */ export const VALUES_TYPE_OFFSET = 8;
/** @internal */ export const VALUES_ITEMS_OFFSET = 12;
/** Bytes of a unicode entry: key, value. @internal */ export const DK_UNICODE_ENTRY_SIZE = 8;
/** `PyDict_MINSIZE`. @public */ export const DICT_MIN_SIZE = 8;
/** `PERTURB_SHIFT`. @internal */ export const PERTURB_SHIFT = 5;
/** `DKIX_EMPTY`. @internal */ export const DKIX_EMPTY = -1;
/** `DKIX_DUMMY`. @internal */ export const DKIX_DUMMY = -2;
/** `DKIX_ERROR`. @internal */ export const DKIX_ERROR = -3;
/** `DKIX_KEY_CHANGED`: the entry changed under a lock-free reader (retry or lock). @internal */ export const DKIX_KEY_CHANGED = -4;
/** The largest log2 table size (indices and entries must fit the heap). @internal */ export const DICT_MAX_LOG2_SIZE = 27;

// ---------------------------------------------------------------------------
// dict iterators and views.
//
//  20   u32    di_dict     the dict (strong; 0 once exhausted by its owner thread)
//  24   i32    di_used     ma_used when the iteration began ("changed size during iteration")
//  28   i32    di_pos      the next entry index (Atomics)
//  32   i32    len         items left (length_hint)
// views: 20 u32 dv_dict (strong)
// ---------------------------------------------------------------------------

/** @internal */ export const DICTITER_DICT_OFFSET = OBJECT_HEADER_SIZE;
/** @internal */ export const DICTITER_USED_OFFSET = OBJECT_HEADER_SIZE + 4;
/** @internal */ export const DICTITER_POS_OFFSET = OBJECT_HEADER_SIZE + 8;
/** @internal */ export const DICTITER_LEN_OFFSET = OBJECT_HEADER_SIZE + 12;
/** @internal */ export const DICTITER_SIZE = OBJECT_HEADER_SIZE + 16;
/** @internal */ export const DICTVIEW_DICT_OFFSET = OBJECT_HEADER_SIZE;
/** @internal */ export const DICTVIEW_SIZE = OBJECT_HEADER_SIZE + 4;

// ---------------------------------------------------------------------------
// Member descriptor (`PyMemberDescrObject`): an instance slot declared by
// `__slots__`, a reference at a fixed offset of the instance.
//
//  20   u32    d_type     creator: the owning type (borrowed: the type's dict holds the descriptor)
//  24   u32    d_name     creator: str (strong)
//  28   u32    offset     creator: byte offset of the slot in the instance
// ---------------------------------------------------------------------------

/** @internal */ export const MEMBER_TYPE_OFFSET = OBJECT_HEADER_SIZE;
/** @internal */ export const MEMBER_NAME_OFFSET = OBJECT_HEADER_SIZE + 4;
/** @internal */ export const MEMBER_SLOT_OFFSET = OBJECT_HEADER_SIZE + 8;
/** @internal */ export const MEMBER_SIZE = OBJECT_HEADER_SIZE + 12;

// ---------------------------------------------------------------------------
// set / frozenset (`PySetObject`): open addressing with linear probes, the
// table in a PyMem block of {key u32, hash i32} entries. In 3.13/3.14 every
// read and write of the elements holds the set's critical section; `used`
// (len) and a frozenset's cached hash are read without it.
//
//  20   i32    fill       under the critical section: active + dummy entries
//  24   i32    used       under the critical section, Atomics.store; len() Atomics.load
//  28   u32    mask       under the critical section: table size - 1
//  32   u32    table      under the critical section: the entries
//  36   i32    hash       frozenset: -1 until computed; Atomics (any thread may fill it)
//  40   u32    finger     under the critical section: where pop() searches next
//  44   u32    weakreflist the weakrefs to the set (tp_weaklistoffset): under its weakref stripe (weakref.ts)
// ---------------------------------------------------------------------------

/** @internal */ export const SET_FILL_OFFSET = OBJECT_HEADER_SIZE;
/** @internal */ export const SET_USED_OFFSET = OBJECT_HEADER_SIZE + 4;
/** @internal */ export const SET_MASK_OFFSET = OBJECT_HEADER_SIZE + 8;
/** @internal */ export const SET_TABLE_OFFSET = OBJECT_HEADER_SIZE + 12;
/** @internal */ export const SET_HASH_OFFSET = OBJECT_HEADER_SIZE + 16;
/** @internal */ export const SET_FINGER_OFFSET = OBJECT_HEADER_SIZE + 20;
/** `weakreflist` (weakref.ts). @internal */ export const SET_WEAKLIST_OFFSET = OBJECT_HEADER_SIZE + 24;
/** @internal */ export const SET_OBJECT_SIZE = OBJECT_HEADER_SIZE + 28;
/** `PySet_MINSIZE`. @public */ export const SET_MIN_SIZE = 8;
/** `LINEAR_PROBES`. @internal */ export const SET_LINEAR_PROBES = 9;
/** Bytes of a set entry: key, hash. @internal */ export const SET_ENTRY_SIZE = 8;

// ---------------------------------------------------------------------------
// deque (`Modules/_collectionsmodule.c`): a doubly linked list of blocks of
// 64 references; every operation holds the deque's critical section (as
// the free-threaded build's `@critical_section` clinic methods), `len()`
// reads ob_size without it.
//
//  20   i32    ob_size      under the critical section, Atomics.store; len() Atomics.load
//  24   u32    leftblock    under the critical section
//  28   u32    rightblock   under the critical section
//  32   i32    leftindex    under the critical section: first item's slot in leftblock
//  36   i32    rightindex   under the critical section: last item's slot in rightblock
//  40   i32    maxlen       creator: -1 unbounded
//  44   u32    state        under the critical section: +1 per mutation (iterators check it)
//  48   u32    weakreflist  the weakrefs to the deque (tp_weaklistoffset): under its weakref stripe (weakref.ts)
// block (PyMem): [leftlink u32][rightlink u32][data u32 × 64]
// ---------------------------------------------------------------------------

/** @internal */ export const DEQUE_SIZE_OFFSET = OB_SIZE_OFFSET;
/** @internal */ export const DEQUE_LEFTBLOCK_OFFSET = VAR_OBJECT_HEADER_SIZE;
/** @internal */ export const DEQUE_RIGHTBLOCK_OFFSET = VAR_OBJECT_HEADER_SIZE + 4;
/** @internal */ export const DEQUE_LEFTINDEX_OFFSET = VAR_OBJECT_HEADER_SIZE + 8;
/** @internal */ export const DEQUE_RIGHTINDEX_OFFSET = VAR_OBJECT_HEADER_SIZE + 12;
/** @internal */ export const DEQUE_MAXLEN_OFFSET = VAR_OBJECT_HEADER_SIZE + 16;
/** @internal */ export const DEQUE_STATE_OFFSET = VAR_OBJECT_HEADER_SIZE + 20;
/** `weakreflist` (weakref.ts). @internal */ export const DEQUE_WEAKLIST_OFFSET = VAR_OBJECT_HEADER_SIZE + 24;
/** @internal */ export const DEQUE_OBJECT_SIZE = VAR_OBJECT_HEADER_SIZE + 28;
/** `BLOCKLEN`. @internal */ export const DEQUE_BLOCKLEN = 64;
/** `CENTER`: where the first block's items start. @internal */ export const DEQUE_CENTER = (DEQUE_BLOCKLEN - 1) >> 1;
/** Bytes of a block. @internal */ export const DEQUE_BLOCK_SIZE = 8 + 4 * DEQUE_BLOCKLEN;
//
// deque iterator: 20 u32 deque (strong), 24 i32 index, 28 u32 state at creation
/** @internal */ export const DEQUEITER_DEQUE_OFFSET = OBJECT_HEADER_SIZE;
/** @internal */ export const DEQUEITER_INDEX_OFFSET = OBJECT_HEADER_SIZE + 4;
/** @internal */ export const DEQUEITER_STATE_OFFSET = OBJECT_HEADER_SIZE + 8;
/** @internal */ export const DEQUEITER_SIZE = OBJECT_HEADER_SIZE + 12;

// ---------------------------------------------------------------------------
// Exceptions (`PyBaseExceptionObject` and the larger layouts of
// `Include/cpython/pyerrors.h`), exceptions.ts and exception-types.ts.
// Every reference field is read and replaced under the exception's critical
// section (as CPython 3.14's getters and setters); a new exception's fields
// are written plain before it is published. 0 is NULL (read as None).
//
//  20   u32    dict              the instance __dict__ (tp_dictoffset): generic-attr.ts's protocol
//  24   u32    args              tuple (strong; never 0 once created)
//  28   u32    notes             unused, as in CPython 3.12+ (`add_note` keeps `__notes__` in the dict)
//  32   u32    traceback         any object for now (tracebacks come with the VM)
//  36   u32    context           an exception or 0
//  40   u32    cause             an exception or 0
//  44   u8     suppress_context  0 / 1
//  48          BaseException's end; the extensions follow:
//
//  StopIteration       48 value
//  SystemExit          48 code
//  ImportError         48 msg, 52 name, 56 path, 60 name_from
//  AttributeError      48 obj, 52 name
//  NameError           48 name
//  OSError             48 errno, 52 strerror, 56 filename, 60 filename2, 64 f64 written (-1: unset)
//  SyntaxError         48 msg, 52 filename, 56 lineno, 60 offset, 64 end_lineno, 68 end_offset,
//                      72 text, 76 print_file_and_line
//  Unicode*Error       48 encoding, 52 object, 56 reason, 64 f64 start, 72 f64 end
//                      (Py_ssize_t as a double: every index a JavaScript number can hold exactly)
// ---------------------------------------------------------------------------

/** @internal */ export const EXC_DICT_OFFSET = OBJECT_HEADER_SIZE;
/** @internal */ export const EXC_ARGS_OFFSET = OBJECT_HEADER_SIZE + 4;
/** @internal */ export const EXC_NOTES_OFFSET = OBJECT_HEADER_SIZE + 8;
/** @internal */ export const EXC_TRACEBACK_OFFSET = OBJECT_HEADER_SIZE + 12;
/** @internal */ export const EXC_CONTEXT_OFFSET = OBJECT_HEADER_SIZE + 16;
/** @internal */ export const EXC_CAUSE_OFFSET = OBJECT_HEADER_SIZE + 20;
/** @internal */ export const EXC_SUPPRESS_CONTEXT_OFFSET = OBJECT_HEADER_SIZE + 24;
/** Bytes of a BaseException (`sizeof(PyBaseExceptionObject)`). @internal */ export const BASE_EXCEPTION_SIZE = OBJECT_HEADER_SIZE + 28;
/** @internal */ export const STOPITERATION_VALUE_OFFSET = BASE_EXCEPTION_SIZE;
/** @internal */ export const SYSTEMEXIT_CODE_OFFSET = BASE_EXCEPTION_SIZE;
/** Bytes of StopIteration and SystemExit (one more reference). @internal */ export const EXC_ONE_FIELD_SIZE = BASE_EXCEPTION_SIZE + 4;
/** @internal */ export const IMPORTERROR_MSG_OFFSET = BASE_EXCEPTION_SIZE;
/** @internal */ export const IMPORTERROR_NAME_OFFSET = BASE_EXCEPTION_SIZE + 4;
/** @internal */ export const IMPORTERROR_PATH_OFFSET = BASE_EXCEPTION_SIZE + 8;
/** @internal */ export const IMPORTERROR_NAME_FROM_OFFSET = BASE_EXCEPTION_SIZE + 12;
/** @internal */ export const IMPORTERROR_SIZE = BASE_EXCEPTION_SIZE + 16;
/** @internal */ export const ATTRIBUTEERROR_OBJ_OFFSET = BASE_EXCEPTION_SIZE;
/** @internal */ export const ATTRIBUTEERROR_NAME_OFFSET = BASE_EXCEPTION_SIZE + 4;
/** @internal */ export const ATTRIBUTEERROR_SIZE = BASE_EXCEPTION_SIZE + 8;
/** @internal */ export const NAMEERROR_NAME_OFFSET = BASE_EXCEPTION_SIZE;
/** @internal */ export const OSERROR_ERRNO_OFFSET = BASE_EXCEPTION_SIZE;
/** @internal */ export const OSERROR_STRERROR_OFFSET = BASE_EXCEPTION_SIZE + 4;
/** @internal */ export const OSERROR_FILENAME_OFFSET = BASE_EXCEPTION_SIZE + 8;
/** @internal */ export const OSERROR_FILENAME2_OFFSET = BASE_EXCEPTION_SIZE + 12;
/** @internal */ export const OSERROR_WRITTEN_OFFSET = BASE_EXCEPTION_SIZE + 16;
/** @internal */ export const OSERROR_SIZE = BASE_EXCEPTION_SIZE + 24;
/** @internal */ export const SYNTAXERROR_MSG_OFFSET = BASE_EXCEPTION_SIZE;
/** @internal */ export const SYNTAXERROR_FILENAME_OFFSET = BASE_EXCEPTION_SIZE + 4;
/** @internal */ export const SYNTAXERROR_LINENO_OFFSET = BASE_EXCEPTION_SIZE + 8;
/** @internal */ export const SYNTAXERROR_OFFSET_OFFSET = BASE_EXCEPTION_SIZE + 12;
/** @internal */ export const SYNTAXERROR_END_LINENO_OFFSET = BASE_EXCEPTION_SIZE + 16;
/** @internal */ export const SYNTAXERROR_END_OFFSET_OFFSET = BASE_EXCEPTION_SIZE + 20;
/** @internal */ export const SYNTAXERROR_TEXT_OFFSET = BASE_EXCEPTION_SIZE + 24;
/** @internal */ export const SYNTAXERROR_PRINT_FILE_AND_LINE_OFFSET = BASE_EXCEPTION_SIZE + 28;
/** @internal */ export const SYNTAXERROR_SIZE = BASE_EXCEPTION_SIZE + 32;
/** @internal */ export const UNICODEERROR_ENCODING_OFFSET = BASE_EXCEPTION_SIZE;
/** @internal */ export const UNICODEERROR_OBJECT_OFFSET = BASE_EXCEPTION_SIZE + 4;
/** @internal */ export const UNICODEERROR_REASON_OFFSET = BASE_EXCEPTION_SIZE + 8;
/** @internal */ export const UNICODEERROR_START_OFFSET = BASE_EXCEPTION_SIZE + 16;
/** @internal */ export const UNICODEERROR_END_OFFSET = BASE_EXCEPTION_SIZE + 24;
/** @internal */ export const UNICODEERROR_SIZE = BASE_EXCEPTION_SIZE + 32;

// ---------------------------------------------------------------------------
// slice (`PySliceObject`, GC) and range (`rangeobject`): immutable; every
// field written before publication, never changed after.
//
// slice:  20 start, 24 stop, 28 step (objects; None when not given — consecutive: hashed as one run)
// range:  20 start, 24 stop, 28 step, 32 length (ints)
// range_iterator: 20 the range, 24 f64 the next index
// ---------------------------------------------------------------------------

/** @internal */ export const SLICE_START_OFFSET = OBJECT_HEADER_SIZE;
/** @internal */ export const SLICE_STOP_OFFSET = OBJECT_HEADER_SIZE + 4;
/** @internal */ export const SLICE_STEP_OFFSET = OBJECT_HEADER_SIZE + 8;
/** Bytes of a slice. @internal */ export const SLICE_SIZE = OBJECT_HEADER_SIZE + 12;
/** @internal */ export const RANGE_START_OFFSET = OBJECT_HEADER_SIZE;
/** @internal */ export const RANGE_STOP_OFFSET = OBJECT_HEADER_SIZE + 4;
/** @internal */ export const RANGE_STEP_OFFSET = OBJECT_HEADER_SIZE + 8;
/** @internal */ export const RANGE_LENGTH_OFFSET = OBJECT_HEADER_SIZE + 12;
/** Bytes of a range. @internal */ export const RANGE_SIZE = OBJECT_HEADER_SIZE + 16;
/** @internal */ export const RANGEITER_RANGE_OFFSET = OBJECT_HEADER_SIZE;
/** @internal */ export const RANGEITER_INDEX_OFFSET = OBJECT_HEADER_SIZE + 4;
/** The next item, when the whole range is in exact doubles (`rangeiterobject.start`): f64. @internal */ export const RANGEITER_NEXT_OFFSET = OBJECT_HEADER_SIZE + 12;
/** The step then (`rangeiterobject.step`): f64. @internal */ export const RANGEITER_STEP_OFFSET = OBJECT_HEADER_SIZE + 20;
/** Items left then (`rangeiterobject.len`), or -1: the range needs bigints and the index (f64). @internal */ export const RANGEITER_LEFT_OFFSET = OBJECT_HEADER_SIZE + 28;
/** Bytes of a range iterator. @internal */ export const RANGEITER_SIZE = OBJECT_HEADER_SIZE + 36;

// ---------------------------------------------------------------------------
// Weak references (`PyWeakReference`, weakref.ts): ref, proxy and callable
// proxy share one layout. A referent whose type has a `tp_weaklistoffset`
// keeps the head of its doubly linked list of weakrefs in that word of its
// own (0: none). The list, its head, `wr_object` and `wr_callback` are
// guarded by the stripe lock of the referent's address (the objects state's
// weakrefLocks); the hash by the weakref's own critical section.
//
//  20   u32    wr_object    the referent (borrowed), None once cleared: written under the stripe
//                           with Atomics.store, read with Atomics.load (lock-free first look)
//  24   u32    wr_callback  under the stripe: a strong reference, 0 for none
//  28   i32    hash         under the weakref's critical section: -1 until computed
//  32   u32    wr_prev      under the stripe
//  36   u32    wr_next      under the stripe
//  40   u32    lock key     creator: the referent's address, whose stripe guards this weakref for
//                           its whole life (`weakrefs_lock`: still known once wr_object is None)
// ---------------------------------------------------------------------------

/** @internal */ export const WR_OBJECT_OFFSET = OBJECT_HEADER_SIZE;
/** @internal */ export const WR_CALLBACK_OFFSET = OBJECT_HEADER_SIZE + 4;
/** @internal */ export const WR_HASH_OFFSET = OBJECT_HEADER_SIZE + 8;
/** @internal */ export const WR_PREV_OFFSET = OBJECT_HEADER_SIZE + 12;
/** @internal */ export const WR_NEXT_OFFSET = OBJECT_HEADER_SIZE + 16;
/** @internal */ export const WR_LOCK_KEY_OFFSET = OBJECT_HEADER_SIZE + 20;
/** Bytes of a weakref or proxy. @internal */ export const WEAKREF_OBJECT_SIZE = OBJECT_HEADER_SIZE + 24;

// ---------------------------------------------------------------------------
// bytes (`PyBytesObject`) and bytearray (`PyByteArrayObject`), bytes.ts and
// bytearray.ts; their iterators have the list iterator's layout
// (SEQITER_*: the sequence, then the next index).
//
// bytes: immutable once published (only the cached hash is written later).
//  20   i32    ob_size     creator
//  24   i32    ob_shash    -1 until computed; Atomics (any thread may fill it: every one computes the same)
//  28   u8×n+1 ob_sval     creator: the bytes, then a 0 (C's trailing NUL)
//
// bytearray: every field changes under the object's critical section (as
// CPython 3.14's bytearray); len() reads ob_size without it.
//  20   i32    ob_size     under the critical section, Atomics.store; len() Atomics.load
//  24   i32    ob_alloc    under the critical section: bytes of the buffer (0: no buffer)
//  28   u32    ob_bytes    under the critical section: the PyMem buffer (0: none)
//  32   u32    ob_start    under the critical section: the first byte (ob_bytes + the logical offset
//                          that `del b[:n]` advances)
//  36   i32    ob_exports  buffers exported (PyObject_GetBuffer): Atomics.add/sub under the critical
//                          section; a resize while it is not 0 raises BufferError
// ---------------------------------------------------------------------------

/** @internal */ export const BYTES_SIZE_OFFSET = OB_SIZE_OFFSET;
/** @internal */ export const BYTES_HASH_OFFSET = VAR_OBJECT_HEADER_SIZE;
/** @internal */ export const BYTES_DATA_OFFSET = VAR_OBJECT_HEADER_SIZE + 4;
/** `PyBytesObject_SIZE`: the header and the trailing NUL (the type's basic size; one item per byte). @internal */ export const BYTES_BASIC_SIZE = BYTES_DATA_OFFSET + 1;
/** @internal */ export const BYTEARRAY_SIZE_OFFSET = OB_SIZE_OFFSET;
/** @internal */ export const BYTEARRAY_ALLOC_OFFSET = VAR_OBJECT_HEADER_SIZE;
/** @internal */ export const BYTEARRAY_BYTES_OFFSET = VAR_OBJECT_HEADER_SIZE + 4;
/** @internal */ export const BYTEARRAY_START_OFFSET = VAR_OBJECT_HEADER_SIZE + 8;
/** @internal */ export const BYTEARRAY_EXPORTS_OFFSET = VAR_OBJECT_HEADER_SIZE + 12;
/** Bytes of a bytearray object. @internal */ export const BYTEARRAY_OBJECT_SIZE = VAR_OBJECT_HEADER_SIZE + 16;
/*
 * A memoryview (`PyMemoryViewObject`, at most one dimension here): written
 * before publication and never changed after, except `flags`' RELEASED
 * bit, `exports` (both under the view's critical section) and `hash`
 * (relaxed: every thread computes the same value).
 *
 *   20  obj       u32  the exporter (strong; kept until dealloc/clear, as CPython's mbuf keeps it)
 *   24  buf       u32  address of item 0 (a negative stride walks down from it)
 *   28  len       i32  nbytes: shape * itemsize
 *   32  itemsize  i32
 *   36  shape     i32  items in dimension 1 (unused when ndim is 0)
 *   40  stride    i32  bytes from one item to the next, maybe negative
 *   44  flags     u32  MEMORYVIEW_*_BIT, ndim (bits 8..15), format char (bits 24..31)
 *   48  exports   i32  buffers exported from this view and not released
 *   52  hash      i32  cached hash, -1 until computed
 *   56  weaklist  u32  head of the weak references to the view (weakref.ts's protocol)
 */
/** @internal */ export const MEMORYVIEW_OBJ_OFFSET = OBJECT_HEADER_SIZE;
/** @internal */ export const MEMORYVIEW_BUF_OFFSET = OBJECT_HEADER_SIZE + 4;
/** @internal */ export const MEMORYVIEW_LEN_OFFSET = OBJECT_HEADER_SIZE + 8;
/** @internal */ export const MEMORYVIEW_ITEMSIZE_OFFSET = OBJECT_HEADER_SIZE + 12;
/** @internal */ export const MEMORYVIEW_SHAPE_OFFSET = OBJECT_HEADER_SIZE + 16;
/** @internal */ export const MEMORYVIEW_STRIDE_OFFSET = OBJECT_HEADER_SIZE + 20;
/** @internal */ export const MEMORYVIEW_FLAGS_OFFSET = OBJECT_HEADER_SIZE + 24;
/** @internal */ export const MEMORYVIEW_EXPORTS_OFFSET = OBJECT_HEADER_SIZE + 28;
/** @internal */ export const MEMORYVIEW_HASH_OFFSET = OBJECT_HEADER_SIZE + 32;
/** `weakreflist` (`tp_weaklistoffset`). @internal */ export const MEMORYVIEW_WEAKLIST_OFFSET = OBJECT_HEADER_SIZE + 36;
/** Bytes of a memoryview. @internal */ export const MEMORYVIEW_SIZE = OBJECT_HEADER_SIZE + 40;
/** `_Py_MEMORYVIEW_RELEASED`: set once by release(), never cleared. @internal */ export const MEMORYVIEW_RELEASED_BIT = 1 << 0;
/** The view refuses writes. @internal */ export const MEMORYVIEW_READONLY_BIT = 1 << 1;
/** `_Py_MEMORYVIEW_C`. @internal */ export const MEMORYVIEW_C_BIT = 1 << 2;
/** `_Py_MEMORYVIEW_FORTRAN`. @internal */ export const MEMORYVIEW_FORTRAN_BIT = 1 << 3;
/** The format was given as `'@x'` (cast keeps the explicit native prefix in `format`). @internal */ export const MEMORYVIEW_AT_BIT = 1 << 4;
/** Shift of ndim in the flags word. @internal */ export const MEMORYVIEW_NDIM_SHIFT = 8;
/** Shift of the format character in the flags word. @internal */ export const MEMORYVIEW_FORMAT_SHIFT = 24;
/** `Py_TPFLAGS_BYTES_SUBCLASS`. @public */ export const TPFLAGS_BYTES_SUBCLASS = 1 << 27;
/**
 * The largest bytes or bytearray: one block of the heap holds it (CPython's
 * bound is `PY_SSIZE_T_MAX`; past this, MemoryError as an allocation failure).
 * @public
 */
export const BYTES_MAX_SIZE = 0x7fff0000 - 64;

// ---------------------------------------------------------------------------
// BaseExceptionGroup and ExceptionGroup (`PyBaseExceptionGroupObject`),
// exception-group.ts: BaseException's fields, then two references, both set
// by `__new__` before the group is published and never replaced (read-only
// members); only the collector's clear empties them, with the world stopped.
//  48   u32    msg     the message (a str)
//  52   u32    excs    the exceptions (a non-empty tuple of exceptions)
// ---------------------------------------------------------------------------

/** @internal */ export const EXCGROUP_MSG_OFFSET = BASE_EXCEPTION_SIZE;
/** @internal */ export const EXCGROUP_EXCS_OFFSET = BASE_EXCEPTION_SIZE + 4;
/** Bytes of a BaseExceptionGroup. @internal */ export const EXCGROUP_SIZE = BASE_EXCEPTION_SIZE + 8;
