/**
 * Code objects (`Objects/codeobject.c`): what the compiler makes of a
 * function body — its code units (16-bit: opcode + oparg, inline caches),
 * constants, names, the names and kinds of its locals, cells and free
 * variables, its line table and exception table, sizes and flags.
 * Immutable once made, except for the VM's per-thread copies of the
 * bytecode (`co_tlbc`, owned by @ft/interp) whose array's address sits in
 * a word here.
 *
 * Code objects are GC-tracked and use deferred reference counting (CPython
 * 3.13t: every function and frame references its code object, and
 * counting those references from every thread would bounce one cache
 * line). Each gets `co_version` from the interpreter's counter
 * (function.ts's version cache keys on it).
 */

import { enableDeferredRefcount, immortalize, incref, isImmortal, OB_TYPE_OFFSET, setMaybeWeakref, type RcThread } from '@ft/refcount';
import { gcDel, gcNew, gcTrack, gcUntrack } from '@ft/gc';
import { errNoMemory, errRaise } from './errors.js';
import { fieldsClear, fieldsTraverse } from './field-object.js';
import { clearWeakRefs } from './weakref-clear.js';
import { clearCodeByVersion, CODE_VERSION_OFFSET } from './function-version.js';

export { CODE_VERSION_OFFSET };
import { BYTES_DATA_OFFSET, OS_FUNC_NEXT_VERSION_OFFSET, StaticType, TPFLAGS_LONG_SUBCLASS, TPFLAGS_UNICODE_SUBCLASS } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strIntern } from './intern.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeNameOf, typeOf } from './subtype.js';
import { intAsNumber } from './int.js';
import { tupleCheckExact, tupleFromArray, tupleGetItem, tupleSize } from './tuple.js';
import { bytesFromHeap } from './bytes.js';
import { formatAddress } from '@ft/atomics';

/** `co_consts`: a tuple. @public */ export const CODE_CONSTS_OFFSET = 20;
/** `co_names`: a tuple of str (globals, attributes). @public */ export const CODE_NAMES_OFFSET = 24;
/** `co_localsplusnames`: a tuple of str (locals, then cells, then free variables). @public */ export const CODE_LOCALSPLUSNAMES_OFFSET = 28;
/** `co_localspluskinds`: the CO_FAST_* kind of each (a bytes-like object). @public */ export const CODE_LOCALSPLUSKINDS_OFFSET = 32;
/** `co_filename`: a str. @public */ export const CODE_FILENAME_OFFSET = 36;
/** `co_name`: a str. @public */ export const CODE_NAME_OFFSET = 40;
/** `co_qualname`: a str. @public */ export const CODE_QUALNAME_OFFSET = 44;
/** `co_linetable` (bytes). @public */ export const CODE_LINETABLE_OFFSET = 48;
/** `co_exceptiontable` (bytes). @public */ export const CODE_EXCEPTIONTABLE_OFFSET = 52;
/** `co_weakreflist`. @internal */ export const CODE_WEAKREFLIST_OFFSET = 56;
/** `co_tlbc`: address of the VM's array of per-thread bytecode copies (0: none yet); owned by the interpreter package, Atomics. @public */ export const CODE_TLBC_OFFSET = 60;
/** `co_argcount`. @public */ export const CODE_ARGCOUNT_OFFSET = 64;
/** `co_posonlyargcount`. @public */ export const CODE_POSONLYARGCOUNT_OFFSET = 68;
/** `co_kwonlyargcount`. @public */ export const CODE_KWONLYARGCOUNT_OFFSET = 72;
/** `co_stacksize`. @public */ export const CODE_STACKSIZE_OFFSET = 76;
/** `co_firstlineno`. @public */ export const CODE_FIRSTLINENO_OFFSET = 80;
/** `co_nlocalsplus`. @public */ export const CODE_NLOCALSPLUS_OFFSET = 84;
/** `co_flags` (CO_*). @public */ export const CODE_FLAGS_OFFSET = 88;
/** `co_framesize`: words of a frame (locals plus stack plus the frame's header). @public */ export const CODE_FRAMESIZE_OFFSET = 92;
/** `co_nlocals`. @public */ export const CODE_NLOCALS_OFFSET = 96;
/** `co_ncellvars`. @public */ export const CODE_NCELLVARS_OFFSET = 100;
/** `co_nfreevars`. @public */ export const CODE_NFREEVARS_OFFSET = 104;
/** Number of code units. @public */ export const CODE_SIZE_OFFSET = 112;
/** The code units (`co_code_adaptive`), u16 each. @public */ export const CODE_UNITS_OFFSET = 116;

/** The object fields, for the collector. */
const OBJECT_FIELDS = [
  CODE_CONSTS_OFFSET,
  CODE_NAMES_OFFSET,
  CODE_LOCALSPLUSNAMES_OFFSET,
  CODE_LOCALSPLUSKINDS_OFFSET,
  CODE_FILENAME_OFFSET,
  CODE_NAME_OFFSET,
  CODE_QUALNAME_OFFSET,
  CODE_LINETABLE_OFFSET,
  CODE_EXCEPTIONTABLE_OFFSET,
] as const;

/** `CO_OPTIMIZED`. @public */ export const CO_OPTIMIZED = 0x0001;
/** `CO_NEWLOCALS`. @public */ export const CO_NEWLOCALS = 0x0002;
/** `CO_VARARGS`: takes `*args`. @public */ export const CO_VARARGS = 0x0004;
/** `CO_VARKEYWORDS`: takes `**kwargs`. @public */ export const CO_VARKEYWORDS = 0x0008;
/** `CO_NESTED`: defined inside another function. @public */ export const CO_NESTED = 0x0010;
/** `CO_GENERATOR`. @public */ export const CO_GENERATOR = 0x0020;
/** `CO_COROUTINE`. @public */ export const CO_COROUTINE = 0x0080;
/** `CO_ITERABLE_COROUTINE`. @public */ export const CO_ITERABLE_COROUTINE = 0x0100;
/** `CO_ASYNC_GENERATOR`. @public */ export const CO_ASYNC_GENERATOR = 0x0200;

/** What a code object is made of (`PyUnstable_Code_NewWithPosOnlyArgs` + `co_qualname`, `co_exceptiontable`). @public */
export interface CodeSpec {
  /** `co_argcount`: positional parameters, the positional-only ones included. */
  readonly argcount: number;
  /** `co_posonlyargcount`. */
  readonly posonlyargcount: number;
  /** `co_kwonlyargcount`. */
  readonly kwonlyargcount: number;
  /** Locals that are plain fast locals (not cells or free variables). */
  readonly nlocals: number;
  /** Cell variables (locals captured by inner functions). */
  readonly ncellvars: number;
  /** Free variables (captured from outer functions). */
  readonly nfreevars: number;
  /** `co_stacksize`: the deepest the value stack gets. */
  readonly stacksize: number;
  /** `co_flags` (CO_*). */
  readonly flags: number;
  /** `co_firstlineno`. */
  readonly firstlineno: number;
  /** The code units: each opcode in the low byte and its oparg in the high byte, as CPython's little-endian layout. */
  readonly code: Uint16Array;
  /** Tuple of constants (borrowed). */
  readonly consts: number;
  /** Tuple of names (borrowed). */
  readonly names: number;
  /** Tuple of the names of locals, cells and free variables (borrowed). */
  readonly localsplusnames: number;
  /** Their CO_FAST_* kinds (bytes; borrowed). */
  readonly localspluskinds: number;
  /** `co_filename` (str; borrowed). */
  readonly filename: number;
  /** `co_name` (str; borrowed). */
  readonly name: number;
  /** `co_qualname` (str; borrowed). */
  readonly qualname: number;
  /** The line table (bytes; borrowed). */
  readonly linetable: number;
  /** The exception table (bytes; borrowed). */
  readonly exceptiontable: number;
}

/** Words a frame of this code needs besides its locals and stack (`FRAME_SPECIALS_SIZE` of the VM). @public */
export const FRAME_SPECIALS_WORDS = 10;

/** Whether `op` is a str (exact or subclass). */
function isStr(t: ObThread, op: number): boolean {
  return op !== 0 && typeHasFlag(t, typeOf(t, op), TPFLAGS_UNICODE_SUBCLASS);
}

/**
 * `PyUnstable_Code_New…`: a new code object, or 0 with SystemError ("bad
 * argument to internal function" for inconsistent counts or wrong field
 * types, as `_PyCode_Validate`) or MemoryError.
 * @public
 */
export function codeNew(t: ObThread, spec: CodeSpec): number {
  const nlocalsplus = spec.localsplusnames !== 0 && tupleCheckExact(t, spec.localsplusnames) ? tupleSize(t, spec.localsplusnames) : -1;
  const ok =
    spec.argcount >= spec.posonlyargcount &&
    spec.posonlyargcount >= 0 &&
    spec.kwonlyargcount >= 0 &&
    spec.stacksize >= 0 &&
    spec.flags >= 0 &&
    spec.nlocals >= 0 &&
    spec.ncellvars >= 0 &&
    spec.nfreevars >= 0 &&
    nlocalsplus === spec.nlocals + spec.ncellvars + spec.nfreevars &&
    spec.argcount + spec.kwonlyargcount + ((spec.flags & CO_VARARGS) !== 0 ? 1 : 0) + ((spec.flags & CO_VARKEYWORDS) !== 0 ? 1 : 0) <= nlocalsplus &&
    spec.consts !== 0 &&
    tupleCheckExact(t, spec.consts) &&
    spec.names !== 0 &&
    tupleCheckExact(t, spec.names) &&
    isStr(t, spec.filename) &&
    isStr(t, spec.name) &&
    isStr(t, spec.qualname) &&
    spec.localspluskinds !== 0 &&
    spec.linetable !== 0 &&
    spec.exceptiontable !== 0;
  if (!ok) return errRaise(t, StaticType.SystemError, 'bad argument to internal function');
  const n = spec.code.length;
  const op = gcNew(t.gc, t.types[StaticType.Code]!, n);
  if (op === 0) return errNoMemory(t);
  const u32 = t.u32;
  immortalizeConstants(t, spec.consts);
  // Its names interned, as CPython's (interned strs are immortal): every function, frame and generator
  // made from this code, on any thread, takes a reference to them without counting on a shared word.
  const name = strIntern(t, spec.name);
  const qualname = strIntern(t, spec.qualname);
  const filename = strIntern(t, spec.filename);
  const values = [spec.consts, spec.names, spec.localsplusnames, spec.localspluskinds, filename, name, qualname, spec.linetable, spec.exceptiontable];
  // SAFETY: not published yet.
  for (let i = 0; i < OBJECT_FIELDS.length; i++) {
    incref(t.rc, values[i]!);
    setMaybeWeakref(t.rc, values[i]!); // other threads read the fields with try-incref (its attributes)
    u32[(op + OBJECT_FIELDS[i]!) >>> 2] = values[i]!;
  }
  u32[(op + CODE_WEAKREFLIST_OFFSET) >>> 2] = 0;
  u32[(op + CODE_TLBC_OFFSET) >>> 2] = 0;
  const i32 = t.i32;
  i32[(op + CODE_ARGCOUNT_OFFSET) >>> 2] = spec.argcount;
  i32[(op + CODE_POSONLYARGCOUNT_OFFSET) >>> 2] = spec.posonlyargcount;
  i32[(op + CODE_KWONLYARGCOUNT_OFFSET) >>> 2] = spec.kwonlyargcount;
  i32[(op + CODE_STACKSIZE_OFFSET) >>> 2] = spec.stacksize;
  i32[(op + CODE_FIRSTLINENO_OFFSET) >>> 2] = spec.firstlineno;
  i32[(op + CODE_NLOCALSPLUS_OFFSET) >>> 2] = nlocalsplus;
  i32[(op + CODE_FLAGS_OFFSET) >>> 2] = spec.flags;
  i32[(op + CODE_FRAMESIZE_OFFSET) >>> 2] = nlocalsplus + spec.stacksize + FRAME_SPECIALS_WORDS;
  i32[(op + CODE_NLOCALS_OFFSET) >>> 2] = spec.nlocals;
  i32[(op + CODE_NCELLVARS_OFFSET) >>> 2] = spec.ncellvars;
  i32[(op + CODE_NFREEVARS_OFFSET) >>> 2] = spec.nfreevars;
  u32[(op + CODE_VERSION_OFFSET) >>> 2] = nextVersion(t);
  u32[(op + CODE_SIZE_OFFSET) >>> 2] = n;
  t.u16.set(spec.code, (op + CODE_UNITS_OFFSET) >>> 1);
  gcTrack(t.rc, op);
  enableDeferredRefcount(t.rc, op);
  return op;
}

/** The constant types CPython's free-threaded build makes immortal in code objects (`should_immortalize_constant`). */
const IMMORTAL_CONSTANT_TYPES = [StaticType.Int, StaticType.Float, StaticType.Complex, StaticType.Str, StaticType.Bytes] as const;

/**
 * The free-threaded build's `intern_constants` (gh-130851): a code
 * object's constants — ints, floats, complex numbers, strs, bytes, and
 * tuples and frozensets of such — become immortal, so that threads
 * running the same code never contend on their counts (`LOAD_CONST` from
 * every thread would otherwise be an atomic add on each constant's shared
 * word). Code objects among the constants are left alone, and a container
 * only when everything in it is immortal already. CPython also interns
 * them to share equal ones; here each stays where it is.
 */
function immortalizeConstants(t: ObThread, consts: number): boolean {
  const rc = t.rc;
  if (isImmortal(rc, consts)) return true;
  const type = typeOf(t, consts);
  if (IMMORTAL_CONSTANT_TYPES.some((k) => t.types[k] === type)) {
    immortalize(rc, consts);
    return true;
  }
  if (type !== t.types[StaticType.Tuple] && type !== t.types[StaticType.FrozenSet]) return false;
  let all = true;
  if (type === t.types[StaticType.Tuple]) {
    for (let i = 0; i < tupleSize(t, consts); i++) all = immortalizeConstants(t, tupleGetItem(t, consts, i)) && all;
  } else all = false; // frozenset items are not walked here: it stays counted
  if (all) immortalize(rc, consts);
  return all;
}

/**
 * `interp->func_state.next_version++`: 0 forever once the counter has
 * passed 2^32 - 1 (CPython: "when this counter overflows, it remains zero
 * and the specializer loses the ability to specialize calls to new
 * functions"). A CAS loop so that the counter never wraps to small values.
 */
function nextVersion(t: ObThread): number {
  const index = (t.state + OS_FUNC_NEXT_VERSION_OFFSET) >>> 2;
  for (;;) {
    const v = Atomics.load(t.u32, index);
    if (v === 0) return 0;
    const next = v === 0xffffffff ? 0 : v + 1;
    if (Atomics.compareExchange(t.u32, index, v, next) === v) return v;
  }
}

/** Whether `op` is a code object (`PyCode_Check`). @public */
export function codeCheck(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Code];
}

/** A word of the code object (see the CODE_* offsets). @internal */
export function codeField(t: ObThread, op: number, offset: number): number {
  return t.i32[(op + offset) >>> 2]!;
}

/** `co_version`. @public */
export function codeVersion(t: ObThread, op: number): number {
  return t.u32[(op + CODE_VERSION_OFFSET) >>> 2]!;
}

/** The code units, a copy. @public */
export function codeUnits(t: ObThread, op: number): Uint16Array {
  const start = (op + CODE_UNITS_OFFSET) >>> 1;
  return t.u16.slice(start, start + t.u32[(op + CODE_SIZE_OFFSET) >>> 2]!);
}

/** `code_repr`: `<code object f at 0x…, file "x.py", line 1>`. @internal */
export function codeReprJs(t: ObThread, op: number): string {
  const name = strToJs(t, t.u32[(op + CODE_NAME_OFFSET) >>> 2]!);
  const file = strToJs(t, t.u32[(op + CODE_FILENAME_OFFSET) >>> 2]!);
  return `<code object ${name} at ${formatAddress(op)}, file "${file}", line ${codeField(t, op, CODE_FIRSTLINENO_OFFSET)}>`;
}

/** `tp_traverse`. @internal */
export function codeTraverse(rc: RcThread, op: number, visit: (child: number) => number): number {
  return fieldsTraverse(rc, op, visit, OBJECT_FIELDS);
}

/**
 * `code_dealloc`: its version leaves the function version cache first
 * (`_PyFunction_ClearCodeByVersion`), then the fields go. The VM's TLBC
 * array is the VM's to free (its dealloc hook runs before this one).
 * @internal
 */
export function codeDealloc(t: ObThread, op: number): void {
  gcUntrack(t.rc, op);
  clearWeakRefs(t, op);
  clearCodeByVersion(t, codeVersion(t, op));
  fieldsClear(t.rc, op, OBJECT_FIELDS);
  gcDel(t.gc, op);
}

/** `CO_FAST_HIDDEN`: a comprehension's inlined local (PEP 709). @public */ export const CO_FAST_HIDDEN = 0x10;
/** `CO_FAST_LOCAL`: a fast local (parameters included). @public */ export const CO_FAST_LOCAL = 0x20;
/** `CO_FAST_CELL`: a cell variable (a local that inner functions capture). @public */ export const CO_FAST_CELL = 0x40;
/** `CO_FAST_FREE`: a free variable (captured from an outer function). @public */ export const CO_FAST_FREE = 0x80;

/**
 * `get_localsplus_names(co, kind)` (`co_varnames`, `co_cellvars`,
 * `co_freevars`): a new tuple of the names of `co_localsplusnames` whose
 * kind has a bit of `kind`, in their order (an argument that is also a
 * cell is in both `co_varnames` and `co_cellvars`); 0 with MemoryError.
 * @internal
 */
export function codeNamesOfKind(t: ObThread, code: number, kind: number): number {
  const names = t.u32[(code + CODE_LOCALSPLUSNAMES_OFFSET) >>> 2]!; // SAFETY: immutable once made
  const kinds = t.u32[(code + CODE_LOCALSPLUSKINDS_OFFSET) >>> 2]!;
  const picked: number[] = [];
  for (let i = 0; i < tupleSize(t, names); i++) {
    if ((t.u8[kinds + BYTES_DATA_OFFSET + i]! & kind) !== 0) picked.push(tupleGetItem(t, names, i));
  }
  return tupleFromArray(t, picked);
}

/** `co_nlocals`: how many names are fast locals (CO_FAST_LOCAL; an argument that is a cell counts). @internal */
export function codeLocalsCount(t: ObThread, code: number): number {
  const names = t.u32[(code + CODE_LOCALSPLUSNAMES_OFFSET) >>> 2]!;
  const kinds = t.u32[(code + CODE_LOCALSPLUSKINDS_OFFSET) >>> 2]!;
  let n = 0;
  for (let i = 0; i < tupleSize(t, names); i++) if ((t.u8[kinds + BYTES_DATA_OFFSET + i]! & CO_FAST_LOCAL) !== 0) n++;
  return n;
}

/**
 * `co_code`: the code units as bytes (each opcode then its oparg,
 * little-endian as CPython's), with the inline caches as they are in the
 * code object (its units are never specialized in place: the VM
 * specializes its per-thread copies). A new bytes object, or 0 with
 * MemoryError.
 * @internal
 */
export function codeBytes(t: ObThread, code: number): number {
  const n = t.u32[(code + CODE_SIZE_OFFSET) >>> 2]!;
  return bytesFromHeap(t, code + CODE_UNITS_OFFSET, 2 * n);
}

/** The `replace()` keywords that are a code object's int fields, and the object ones, by keyword. */
const REPLACE_INTS: Readonly<Record<string, keyof CodeSpec>> = {
  co_argcount: 'argcount',
  co_posonlyargcount: 'posonlyargcount',
  co_kwonlyargcount: 'kwonlyargcount',
  co_stacksize: 'stacksize',
  co_flags: 'flags',
  co_firstlineno: 'firstlineno',
};
const REPLACE_OBJECTS: Readonly<Record<string, keyof CodeSpec>> = {
  co_consts: 'consts',
  co_names: 'names',
  co_filename: 'filename',
  co_name: 'name',
  co_qualname: 'qualname',
  co_linetable: 'linetable',
  co_exceptiontable: 'exceptiontable',
};

/**
 * `code.replace(**changes)`: a new code object with the same bytecode (as
 * first made, before this thread specialized it is not promised: guarded
 * specializations stay valid in a copy) and the given fields changed —
 * the int fields and the object fields by their `co_*` keyword
 * (`co_code` and the variable-name tuples are not replaceable here:
 * TypeError). `changes` maps keyword → value (borrowed). 0 with the
 * exception set.
 * @internal
 */
export function codeReplace(t: ObThread, code: number, changes: ReadonlyMap<string, number>): number {
  const u32 = t.u32;
  const i32 = t.i32;
  const n = u32[(code + CODE_SIZE_OFFSET) >>> 2]!;
  const spec: Record<string, unknown> = {
    argcount: i32[(code + CODE_ARGCOUNT_OFFSET) >>> 2]!,
    posonlyargcount: i32[(code + CODE_POSONLYARGCOUNT_OFFSET) >>> 2]!,
    kwonlyargcount: i32[(code + CODE_KWONLYARGCOUNT_OFFSET) >>> 2]!,
    nlocals: i32[(code + CODE_NLOCALS_OFFSET) >>> 2]!,
    ncellvars: i32[(code + CODE_NCELLVARS_OFFSET) >>> 2]!,
    nfreevars: i32[(code + CODE_NFREEVARS_OFFSET) >>> 2]!,
    stacksize: i32[(code + CODE_STACKSIZE_OFFSET) >>> 2]!,
    flags: i32[(code + CODE_FLAGS_OFFSET) >>> 2]!,
    firstlineno: i32[(code + CODE_FIRSTLINENO_OFFSET) >>> 2]!,
    code: t.u16.slice((code + CODE_UNITS_OFFSET) >>> 1, ((code + CODE_UNITS_OFFSET) >>> 1) + n),
    consts: u32[(code + CODE_CONSTS_OFFSET) >>> 2]!,
    names: u32[(code + CODE_NAMES_OFFSET) >>> 2]!,
    localsplusnames: u32[(code + CODE_LOCALSPLUSNAMES_OFFSET) >>> 2]!,
    localspluskinds: u32[(code + CODE_LOCALSPLUSKINDS_OFFSET) >>> 2]!,
    filename: u32[(code + CODE_FILENAME_OFFSET) >>> 2]!,
    name: u32[(code + CODE_NAME_OFFSET) >>> 2]!,
    qualname: u32[(code + CODE_QUALNAME_OFFSET) >>> 2]!,
    linetable: u32[(code + CODE_LINETABLE_OFFSET) >>> 2]!,
    exceptiontable: u32[(code + CODE_EXCEPTIONTABLE_OFFSET) >>> 2]!,
  };
  for (const [key, value] of changes) {
    const intField = REPLACE_INTS[key];
    const objectField = REPLACE_OBJECTS[key];
    if (intField !== undefined) {
      if (!typeHasFlag(t, typeOf(t, value), TPFLAGS_LONG_SUBCLASS)) return errRaise(t, StaticType.TypeError, `replace() argument '${key}' must be int, not ${typeNameOf(t, value)}`);
      spec[intField] = intAsNumber(t, value);
      if (t.error.type !== 0) return 0;
    } else if (objectField !== undefined) {
      spec[objectField] = value;
    } else {
      return errRaise(t, StaticType.TypeError, `replace() got an unexpected keyword argument '${key}'`);
    }
  }
  return codeNew(t, spec as unknown as CodeSpec);
}
