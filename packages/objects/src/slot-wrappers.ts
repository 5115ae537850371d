/**
 * Slot wrappers (`wrapper_descriptor`, `method-wrapper` and
 * `tp_new_wrapper` of `Objects/descrobject.c` and `typeobject.c`): what
 * makes a builtin type's slots callable by name — `int.__add__(1, 2)`,
 * `object.__init__(self)`, `super().__eq__(other)`, `object.__new__(C)`.
 * A builtin type's dict gets one per special name its own slots serve
 * (`add_operators`); lists and other unhashable types get `__hash__ =
 * None`.
 *
 * A wrapper descriptor uses the descriptor layout (descr.ts) with the
 * wrapped slot's id and the index of its name in SLOT_DEFS.
 */

import { formatAddress } from '@ft/atomics';
import { decref, incref, type RcThread } from '@ft/refcount';
import { numberAsSsize } from './abstract-number.js';
import { typeSlot } from './abstract.js';
import { builtinFunctionNew, METH_FASTCALL, METH_KEYWORDS } from './builtin-function.js';
import { DESCR_FLAGS_OFFSET, DESCR_FN_OFFSET, DESCR_NAME_OFFSET, DESCR_TYPE_OFFSET, descrNameJs, descrType } from './descr.js';
import { dictGetItemRef, dictNew, dictSetItem } from './dict.js';
import { errRaise, errUnhashable } from './errors.js';
import { fieldGet, fieldsDealloc, fieldsNew, fieldsTraverse } from './field-object.js';
import { hashBySlot } from './hash64.js';
import { intFromBigInt, intFromNumber } from './int.js';
import { strInternFromJs } from './intern.js';
import { StaticType, TP_DICT_OFFSET, TPFLAGS_TYPE_SUBCLASS } from './layout.js';
import type { ObThread, SlotKind } from './ob-thread.js';
import { SLOT_DEFS, type SlotDef, type WrapperShape } from './slot-defs.js';
import type { SlotRegistry } from './slot-registry.js';
import { typeHasFlag, typeIsSubtype, typeName, typeNameOf, typeOf } from './subtype.js';
import { tupleFromArray, tupleGetItem, tupleSize } from './tuple.js';

/** The sequence slots' names, wrapped only (a class's `__add__` fills nb_add, never sq_concat). */
const SEQUENCE_DEFS: readonly SlotDef[] = [
  { name: '__add__', kind: 'concat', shape: 'binary' },
  { name: '__mul__', kind: 'repeat', shape: 'binary' },
  { name: '__rmul__', kind: 'repeat', shape: 'binaryR' },
  { name: '__iadd__', kind: 'inplaceConcat', shape: 'binary' },
  { name: '__imul__', kind: 'inplaceRepeat', shape: 'binary' },
];
/** Every wrapped name; a wrapper records its index here. */
const WRAPPED: readonly SlotDef[] = [...SLOT_DEFS, ...SEQUENCE_DEFS];

/** `check_num_args`: TypeError "expected 1 argument, got 0". */
function checkArgs(t: ObThread, expected: number, got: number): boolean {
  if (expected === got) return true;
  errRaise(t, StaticType.TypeError, `expected ${expected} argument${expected === 1 ? '' : 's'}, got ${got}`);
  return false;
}

function newRef(t: ObThread, op: number): number {
  incref(t.rc, op);
  return op;
}

/** A slot's 0 / -1 status as None or 0. */
function noneOr(t: ObThread, rc: number): number {
  return rc < 0 ? 0 : newRef(t, t.none);
}

/**
 * Calls slot `id` of kind `def.kind` on `self` with the wrapper's
 * arguments (`args[0..nargs)` of the argument area, keywords only where
 * the slot takes them: `__init__`, `__call__`, `__new__`).
 */
function callWrapped(t: ObThread, def: SlotDef, id: number, self: number, args: number, nargs: number, kwnames: number): number {
  const nkw = kwnames === 0 ? 0 : tupleSize(t, kwnames);
  const shape: WrapperShape = def.shape;
  if (nkw !== 0 && shape !== 'init' && shape !== 'call') return errRaise(t, StaticType.TypeError, `wrapper ${def.name}() takes no keyword arguments`);
  const arg = (i: number): number => t.u32[(args >>> 2) + i]!;
  const slots = t.slots;
  switch (shape) {
    case 'unary':
      return checkArgs(t, 0, nargs) ? slots[def.kind as 'repr'][id]!(t, self) : 0;
    case 'binary':
    case 'binaryR': {
      if (!checkArgs(t, 1, nargs)) return 0;
      if (def.kind === 'repeat' || def.kind === 'inplaceRepeat') {
        // `wrap_indexargfunc`: `__mul__` and `__rmul__` alike repeat self (`(1,).__rmul__(2)` is `(1, 1)`).
        const n = numberAsSsize(t, arg(0), StaticType.OverflowError);
        return n === -1 && t.error.type !== 0 ? 0 : slots[def.kind][id]!(t, self, n);
      }
      const [a, b] = shape === 'binary' ? [self, arg(0)] : [arg(0), self];
      return slots[def.kind as 'add'][id]!(t, a, b);
    }
    case 'ternary':
    case 'ternaryR': {
      if (nargs < 1 || nargs > 2) return errRaise(t, StaticType.TypeError, `expected 1 or 2 arguments, got ${nargs}`);
      const mod = nargs === 2 ? arg(1) : t.none;
      return shape === 'ternary' ? slots[def.kind as 'power'][id]!(t, self, arg(0), mod) : slots[def.kind as 'power'][id]!(t, arg(0), self, mod);
    }
    case 'richcmp':
      return checkArgs(t, 1, nargs) ? slots.richcompare[id]!(t, self, arg(0), def.op!) : 0;
    case 'hash': {
      if (!checkArgs(t, 0, nargs)) return 0;
      // `int.__hash__(2**61)` is 1, as `hash()` says: the 64-bit hash of this slot (hash64.ts).
      const h = hashBySlot(t, self, id);
      return h === null ? 0 : intFromBigInt(t, h);
    }
    case 'len': {
      if (!checkArgs(t, 0, nargs)) return 0;
      const n = slots.length[id]!(t, self);
      return n < 0 ? 0 : intFromNumber(t, n);
    }
    case 'bool':
    case 'contains': {
      if (!checkArgs(t, shape === 'bool' ? 0 : 1, nargs)) return 0;
      const r = shape === 'bool' ? slots.bool[id]!(t, self) : slots.contains[id]!(t, self, arg(0));
      return r < 0 ? 0 : newRef(t, r === 1 ? t.true : t.false);
    }
    case 'getitem':
      return checkArgs(t, 1, nargs) ? slots.subscript[id]!(t, self, arg(0)) : 0;
    case 'setitem':
      return checkArgs(t, 2, nargs) ? noneOr(t, slots.assSubscript[id]!(t, self, arg(0), arg(1))) : 0;
    case 'delitem':
      return checkArgs(t, 1, nargs) ? noneOr(t, slots.assSubscript[id]!(t, self, arg(0), 0)) : 0;
    case 'getattr':
      return checkArgs(t, 1, nargs) ? slots.getattro[id]!(t, self, arg(0)) : 0;
    case 'setattr':
      return checkArgs(t, 2, nargs) ? noneOr(t, slots.setattro[id]!(t, self, arg(0), arg(1))) : 0;
    case 'delattr':
      return checkArgs(t, 1, nargs) ? noneOr(t, slots.setattro[id]!(t, self, arg(0), 0)) : 0;
    case 'descrGet': {
      if (nargs < 1 || nargs > 2) return errRaise(t, StaticType.TypeError, `expected 1 or 2 arguments, got ${nargs}`);
      const obj = arg(0) === t.none ? 0 : arg(0);
      const type = nargs === 2 && arg(1) !== t.none ? arg(1) : 0;
      if (obj === 0 && type === 0) return errRaise(t, StaticType.TypeError, '__get__(None, None) is invalid');
      return slots.descrGet[id]!(t, self, obj, type);
    }
    case 'descrSet':
      return checkArgs(t, 2, nargs) ? noneOr(t, slots.descrSet[id]!(t, self, arg(0), arg(1))) : 0;
    case 'descrDelete':
      return checkArgs(t, 1, nargs) ? noneOr(t, slots.descrSet[id]!(t, self, arg(0), 0)) : 0;
    case 'next': {
      if (!checkArgs(t, 0, nargs)) return 0;
      const r = slots.iternext[id]!(t, self);
      return r !== 0 || t.error.type !== 0 ? r : errRaise(t, StaticType.StopIteration, '');
    }
    case 'init':
    case 'call': {
      const tuple = tupleFromArray(t, t.u32.subarray(args >>> 2, (args >>> 2) + nargs));
      if (tuple === 0) return 0;
      let kwargs = 0;
      if (nkw !== 0) {
        kwargs = dictNew(t);
        for (let i = 0; kwargs !== 0 && i < nkw; i++) {
          if (dictSetItem(t, kwargs, tupleGetItem(t, kwnames, i), arg(nargs + i)) < 0) {
            decref(t.rc, kwargs);
            kwargs = 0;
          }
        }
        if (kwargs === 0) {
          decref(t.rc, tuple);
          return 0;
        }
      }
      const r = shape === 'init' ? noneOr(t, slots.init[id]!(t, self, tuple, kwargs)) : slots.call[id]!(t, self, tuple, kwargs);
      decref(t.rc, tuple);
      if (kwargs !== 0) decref(t.rc, kwargs);
      return r;
    }
  }
}

/** The definition a wrapper descriptor wraps. */
function wrappedDef(t: ObThread, descr: number): SlotDef {
  return WRAPPED[t.u32[(descr + DESCR_FLAGS_OFFSET) >>> 2]!]!;
}

/** The wrapped slot's id when `descr` is a slot wrapper for slot `kind`, else 0 (slot-dispatch.ts's fixup). @internal */
export function wrapperSlotId(t: ObThread, descr: number, kind: SlotKind): number {
  if (typeOf(t, descr) !== t.types[StaticType.WrapperDescriptor]) return 0;
  return wrappedDef(t, descr).kind === kind ? t.u32[(descr + DESCR_FN_OFFSET) >>> 2]! : 0;
}

/** `wrapperdescr_call` (vectorcall): `int.__add__(1, 2)`; self checked against the defining type. @internal */
export function wrapperDescrVectorcall(t: ObThread, descr: number, args: number, nargs: number, kwnames: number): number {
  const type = descrType(t, descr);
  if (nargs < 1) return errRaise(t, StaticType.TypeError, `descriptor '${descrNameJs(t, descr)}' of '${typeName(t, type)}' object needs an argument`);
  const self = t.u32[args >>> 2]!;
  if (!typeIsSubtype(t, typeOf(t, self), type)) {
    return errRaise(t, StaticType.TypeError, `descriptor '${descrNameJs(t, descr)}' requires a '${typeName(t, type)}' object but received a '${typeNameOf(t, self)}'`);
  }
  return callWrapped(t, wrappedDef(t, descr), t.u32[(descr + DESCR_FN_OFFSET) >>> 2]!, self, args + 4, nargs - 1, kwnames);
}

/** `wrapperdescr_get`: the descriptor from the class, a method-wrapper bound to an instance. @internal */
export function wrapperDescrGet(t: ObThread, descr: number, obj: number, _type: number): number {
  if (obj === 0) return newRef(t, descr);
  const type = descrType(t, descr);
  if (!typeIsSubtype(t, typeOf(t, obj), type)) {
    return errRaise(t, StaticType.TypeError, `descriptor '${descrNameJs(t, descr)}' for '${typeName(t, type)}' objects doesn't apply to a '${typeNameOf(t, obj)}' object`);
  }
  return fieldsNew(t, t.types[StaticType.MethodWrapper]!, METHOD_WRAPPER_FIELDS, [descr, obj]);
}

/** `wrapperdescr_repr`: `<slot wrapper '__add__' of 'int' objects>`. @internal */
export function wrapperDescrReprJs(t: ObThread, descr: number): string {
  return `<slot wrapper '${descrNameJs(t, descr)}' of '${typeName(t, descrType(t, descr))}' objects>`;
}

/** `method-wrapper`: its descriptor. @internal */ export const METHOD_WRAPPER_DESCR_OFFSET = 20;
/** `method-wrapper`: the bound object. @internal */ export const METHOD_WRAPPER_SELF_OFFSET = 24;
/** Bytes of a method-wrapper. @internal */ export const METHOD_WRAPPER_SIZE = 28;
const METHOD_WRAPPER_FIELDS = [METHOD_WRAPPER_DESCR_OFFSET, METHOD_WRAPPER_SELF_OFFSET] as const;

/** `wrapper_call`: `(1).__add__(2)`. @internal */
export function methodWrapperVectorcall(t: ObThread, op: number, args: number, nargs: number, kwnames: number): number {
  const descr = fieldGet(t, op, METHOD_WRAPPER_DESCR_OFFSET);
  return callWrapped(t, wrappedDef(t, descr), t.u32[(descr + DESCR_FN_OFFSET) >>> 2]!, fieldGet(t, op, METHOD_WRAPPER_SELF_OFFSET), args, nargs, kwnames);
}

/** `wrapper_repr`: `<method-wrapper '__add__' of int object at 0x…>`. @internal */
export function methodWrapperReprJs(t: ObThread, op: number): string {
  const self = fieldGet(t, op, METHOD_WRAPPER_SELF_OFFSET);
  return `<method-wrapper '${descrNameJs(t, fieldGet(t, op, METHOD_WRAPPER_DESCR_OFFSET))}' of ${typeNameOf(t, self)} object at ${formatAddress(self)}>`;
}

/** `__self__` of a method-wrapper. @internal */
export function methodWrapperSelf(t: ObThread, op: number): number {
  return newRef(t, fieldGet(t, op, METHOD_WRAPPER_SELF_OFFSET));
}

/** `tp_traverse` of method-wrappers. @internal */
export function methodWrapperTraverse(rc: RcThread, op: number, visit: (child: number) => number): number {
  return fieldsTraverse(rc, op, visit, METHOD_WRAPPER_FIELDS);
}

/** `tp_dealloc` of method-wrappers. @internal */
export function methodWrapperDealloc(t: ObThread, op: number): void {
  fieldsDealloc(t, op, METHOD_WRAPPER_FIELDS);
}

/**
 * `tp_new_wrapper`: `T.__new__(S, *args, **kwargs)` — a builtin method
 * bound to the type T whose `tp_new` it calls for the subtype S ("T.__new__():
 * not enough arguments", "T.__new__(X): X is not a type object (int)",
 * "T.__new__(S): S is not a subtype of T").
 * @internal
 */
export function typeNewWrapper(t: ObThread, type: number, args: number, nargs: number, kwnames: number): number {
  const name = typeName(t, type);
  if (nargs < 1) return errRaise(t, StaticType.TypeError, `${name}.__new__(): not enough arguments`);
  const sub = t.u32[args >>> 2]!;
  if (!typeHasFlag(t, typeOf(t, sub), TPFLAGS_TYPE_SUBCLASS)) return errRaise(t, StaticType.TypeError, `${name}.__new__(X): X is not a type object (${typeNameOf(t, sub)})`);
  if (!typeIsSubtype(t, sub, type)) return errRaise(t, StaticType.TypeError, `${name}.__new__(${typeName(t, sub)}): ${typeName(t, sub)} is not a subtype of ${name}`);
  const construct = typeSlot(t, type, 'new');
  if (construct === null) return errRaise(t, StaticType.TypeError, `cannot create '${name}' instances`);
  // Repack the rest as the tuple and dict tp_new takes.
  const rest = tupleFromArray(t, t.u32.subarray((args >>> 2) + 1, (args >>> 2) + nargs));
  if (rest === 0) return 0;
  let kwargs = 0;
  const nkw = kwnames === 0 ? 0 : tupleSize(t, kwnames);
  if (nkw !== 0) {
    kwargs = dictNew(t);
    for (let i = 0; kwargs !== 0 && i < nkw; i++) {
      if (dictSetItem(t, kwargs, tupleGetItem(t, kwnames, i), t.u32[(args >>> 2) + nargs + i]!) < 0) {
        decref(t.rc, kwargs);
        kwargs = 0;
      }
    }
    if (kwargs === 0) {
      decref(t.rc, rest);
      return 0;
    }
  }
  const r = construct(t, sub, rest, kwargs);
  decref(t.rc, rest);
  if (kwargs !== 0) decref(t.rc, kwargs);
  return r;
}

/** The ids slot-wrappers.ts registers. @internal */
export interface WrapperIds {
  /** `tp_new_wrapper`'s behaviour (a `vectorcall` slot id). */
  readonly newWrapper: number;
}

/** Registers `tp_new_wrapper`. @internal */
export function registerWrapperBehaviours(slots: SlotRegistry): WrapperIds {
  return { newWrapper: slots.add('vectorcall', 'type.__new__', typeNewWrapper) };
}

/**
 * `add_operators` + `add_tp_new_wrapper`: the slot wrappers of a builtin
 * type for the slots it defines itself (`own`: kind → id), `__hash__ =
 * None` for an unhashable one, and `__new__` when it has its own
 * `tp_new`. Immortal and untracked, as the dict. False when out of memory.
 * @internal
 */
export function addSlotWrappers(t: ObThread, type: number, own: Partial<Record<SlotKind, number>>, newWrapper: number, finish: (descr: number) => void): boolean {
  const dict = t.u32[(type + TP_DICT_OFFSET) >>> 2]!;
  const put = (name: string, value: number): boolean => {
    const key = strInternFromJs(t, name);
    if (key === 0) return false;
    const existing = dictGetItemRef(t, dict, key);
    if (existing !== 0) {
      decref(t.rc, existing); // an earlier definition (a method, or a name two slots serve) wins
      return true;
    }
    return dictSetItem(t, dict, key, value) >= 0;
  };
  for (let i = 0; i < WRAPPED.length; i++) {
    const def = WRAPPED[i]!;
    const id = own[def.kind];
    if (id === undefined || id === 0) continue;
    if (def.name === '__getattr__') continue; // object's lookup is __getattribute__ only
    if (def.kind === 'hash' && t.slots.hash[id] === errUnhashable) {
      if (!put('__hash__', t.none)) return false;
      continue;
    }
    const name = strInternFromJs(t, def.name);
    if (name === 0) return false;
    const descr = fieldsNew(t, t.types[StaticType.WrapperDescriptor]!, [DESCR_TYPE_OFFSET, DESCR_NAME_OFFSET], [type, name]);
    if (descr === 0) return false;
    t.u32[(descr + DESCR_FN_OFFSET) >>> 2] = id; // SAFETY: not published yet
    t.u32[(descr + DESCR_FLAGS_OFFSET) >>> 2] = i;
    finish(descr);
    if (!put(def.name, descr)) return false;
  }
  if (own.new !== undefined && own.new !== 0) {
    const name = strInternFromJs(t, '__new__');
    if (name === 0) return false;
    const fn = builtinFunctionNew(t, name, newWrapper, METH_FASTCALL | METH_KEYWORDS, type, 0);
    if (fn === 0) return false;
    finish(fn);
    if (!put('__new__', fn)) return false;
  }
  return true;
}
