/**
 * The slots of classes that define special methods (`slot_tp_repr`,
 * `slot_nb_add`, `slot_tp_getattr_hook`, … of `Objects/typeobject.c`):
 * each looks the method up on the instance's type — never on the
 * instance — and calls it, checking the result as CPython does
 * ("__init__() should return None, not 'int'", "__bool__ should return
 * bool, returned int", "__len__() should return >= 0").
 *
 * `fixupSlots` (`fixup_slot_dispatchers`) runs when a class is created:
 * a name in its namespace whose value is a builtin type's slot wrapper
 * takes that type's slot directly (no Python-level call); any other
 * value installs the dispatcher. A class defining `__eq__` without
 * `__hash__` becomes unhashable (`__hash__ = None`), as in CPython.
 */

import { decref, incref } from '@ft/refcount';
import { objectHash, objectIsTrue, typeSlot } from './abstract.js';
import { numberIndex } from './abstract-number.js';
import { callArgs, objectCall } from './call.js';
import { dictGetItemRef, dictSetItem } from './dict.js';
import { errClear, errExceptionMatches, errRaise, errRaiseInt, errUnhashable } from './errors.js';
import { objectGenericGetAttr, objectGenericSetAttr } from './generic-attr.js';
import { intCompactValue, intIsCompact, intSign } from './int.js';
import { StaticType, TP_DICT_OFFSET, TP_SLOTS_OFFSET, TP_SUBCLASSES_OFFSET, TPFLAGS_LONG_SUBCLASS } from './layout.js';
import { typeLookupRef } from './method-cache.js';
import { SLOT_INDEX, type ObThread, type SlotDispatchIds, type SlotKind } from './ob-thread.js';
import { SLOT_DEF_BY_NAME, SLOT_DEFS } from './slot-defs.js';
import type { SlotRegistry } from './slot-registry.js';
import { typeHasFlag, typeIsSubtype, typeNameOf, typeOf } from './subtype.js';
import { tupleFromArray, tupleGetItem, tupleSize } from './tuple.js';

import { callSpecial, dunder, MISSING } from './call-special.js';

/** {@link callSpecial}, with AttributeError (the name) when the method is missing. */
function callRequired(t: ObThread, self: number, name: string, args: readonly number[]): number {
  const r = callSpecial(t, self, name, args);
  return r === MISSING ? errRaise(t, StaticType.AttributeError, name) : r;
}

/** NotImplemented (a new reference). */
function notImplemented(t: ObThread): number {
  incref(t.rc, t.notImplemented);
  return t.notImplemented;
}

/** Releases `r` and returns 0 / -1 for a setter-shaped slot. */
function status(t: ObThread, r: number): number {
  if (r === 0) return -1;
  decref(t.rc, r);
  return 0;
}

const RICH_NAMES = ['__lt__', '__le__', '__eq__', '__ne__', '__gt__', '__ge__'];

/**
 * `SLOT1BINFULL`: the binary operator `name` / reflected `rname` of slot
 * `kind` for (a, b) — called by the number protocol for either operand;
 * a subclass's reflected method goes first (`a + B()` tries
 * `B.__radd__` before `A.__add__` when B is a subclass of A that
 * overrides it).
 */
function binaryDispatcher(kind: SlotKind, name: string, rname: string, id: () => number) {
  return (t: ObThread, a: number, b: number): number => {
    const ta = typeOf(t, a);
    const tb = typeOf(t, b);
    const slotOf = (type: number): number => t.u32[((type + TP_SLOTS_OFFSET) >>> 2) + SLOT_INDEX[kind]]!;
    let doOther = ta !== tb && slotOf(tb) === id() && hasAttr(t, tb, rname);
    if (slotOf(ta) === id()) {
      if (doOther && typeIsSubtype(t, tb, ta)) {
        const r = callSpecial(t, b, rname, [a]);
        if (r !== MISSING && r !== t.notImplemented) return r;
        if (r === t.notImplemented) decref(t.rc, r);
        doOther = false;
      }
      const r = callSpecial(t, a, name, [b]);
      if (r === MISSING) {
        if (!doOther) return notImplemented(t);
      } else if (r !== t.notImplemented || ta === tb) return r;
      else decref(t.rc, r);
    }
    if (doOther) {
      const r = callSpecial(t, b, rname, [a]);
      return r === MISSING ? notImplemented(t) : r;
    }
    return notImplemented(t);
  };
}

function hasAttr(t: ObThread, type: number, name: string): boolean {
  const key = dunder(t, name);
  const found = key === 0 ? 0 : typeLookupRef(t, type, key);
  if (found === 0) return false;
  decref(t.rc, found);
  return true;
}



/** Registers every dispatcher; returns their ids. @internal */
export function registerSlotDispatchers(slots: SlotRegistry): SlotDispatchIds {
  const ids: Partial<Record<SlotKind | 'unhashable', number>> = {};
  const unary = (kind: 'repr' | 'str' | 'iter' | 'negative' | 'positive' | 'absolute' | 'invert' | 'int' | 'float' | 'index', name: string) => {
    ids[kind] = slots.add(kind, `slot/${name}`, (t, self) => callRequired(t, self, name, []));
  };
  unary('repr', '__repr__');
  unary('str', '__str__');
  unary('iter', '__iter__');
  unary('negative', '__neg__');
  unary('positive', '__pos__');
  unary('absolute', '__abs__');
  unary('invert', '__invert__');
  unary('int', '__int__');
  unary('float', '__float__');
  unary('index', '__index__');
  ids.unhashable = slots.add('hash', 'slot/unhashable', errUnhashable);
  ids.hash = slots.add('hash', 'slot/__hash__', (t, self) => {
    const r = callRequired(t, self, '__hash__', []);
    if (r === 0) return -1;
    if (!typeHasFlag(t, typeOf(t, r), TPFLAGS_LONG_SUBCLASS)) {
      decref(t.rc, r);
      return errRaiseInt(t, StaticType.TypeError, '__hash__ method should return an integer');
    }
    // An int's own hash: equal to its value when small, reduced otherwise (never -1).
    const h = intIsCompact(t, r) && intCompactValue(t, r) !== -1 ? intCompactValue(t, r) | 0 : objectHash(t, r);
    decref(t.rc, r);
    return h === -1 ? -2 : h;
  });
  ids.richcompare = slots.add('richcompare', 'slot/richcompare', (t, a, b, op) => {
    const r = callSpecial(t, a, RICH_NAMES[op]!, [b]);
    return r === MISSING ? notImplemented(t) : r;
  });
  ids.getattro = slots.add('getattro', 'slot/__getattr__', (t, self, name) => {
    // `slot_tp_getattr_hook`: __getattribute__ (the generic lookup unless overridden), then __getattr__ on AttributeError.
    const type = typeOf(t, self);
    const getattribute = typeLookupRef(t, type, dunder(t, '__getattribute__'));
    let r: number;
    if (getattribute === 0 || typeOf(t, getattribute) === t.types[StaticType.WrapperDescriptor]) r = objectGenericGetAttr(t, self, name);
    else r = callArgs(t, getattribute, [self, name]);
    if (getattribute !== 0) decref(t.rc, getattribute);
    if (r !== 0 || !errExceptionMatches(t, t.types[StaticType.AttributeError]!)) return r;
    if (!hasAttr(t, type, '__getattr__')) return 0;
    errClear(t);
    const v = callSpecial(t, self, '__getattr__', [name]);
    return v === MISSING ? 0 : v;
  });
  ids.setattro = slots.add('setattro', 'slot/__setattr__', (t, self, name, value) => {
    const r = value === 0 ? callSpecial(t, self, '__delattr__', [name]) : callSpecial(t, self, '__setattr__', [name, value]);
    if (r === MISSING) return objectGenericSetAttr(t, self, name, value);
    return status(t, r);
  });
  ids.call = slots.add('call', 'slot/__call__', (t, self, args, kwargs) => {
    const key = dunder(t, '__call__');
    const found = key === 0 ? 0 : typeLookupRef(t, typeOf(t, self), key);
    if (found === 0) return errRaise(t, StaticType.TypeError, `'${typeNameOf(t, self)}' object is not callable`);
    const get = typeSlot(t, typeOf(t, found), 'descrGet');
    const bound = get === null ? (incref(t.rc, found), found) : get(t, found, self, typeOf(t, self));
    decref(t.rc, found);
    if (bound === 0) return 0;
    const r = objectCall(t, bound, args, kwargs);
    decref(t.rc, bound);
    return r;
  });
  ids.iternext = slots.add('iternext', 'slot/__next__', (t, self) => {
    const r = callRequired(t, self, '__next__', []);
    // The iteration protocol's end: StopIteration becomes "0 without an exception".
    if (r === 0 && errExceptionMatches(t, t.types[StaticType.StopIteration]!)) errClear(t);
    return r;
  });
  ids.descrGet = slots.add('descrGet', 'slot/__get__', (t, self, obj, type) => callRequired(t, self, '__get__', [obj === 0 ? t.none : obj, type === 0 ? t.none : type]));
  ids.descrSet = slots.add('descrSet', 'slot/__set__', (t, self, obj, value) => status(t, value === 0 ? callRequired(t, self, '__delete__', [obj]) : callRequired(t, self, '__set__', [obj, value])));
  ids.init = slots.add('init', 'slot/__init__', (t, self, args, kwargs) => {
    const key = dunder(t, '__init__');
    const found = key === 0 ? 0 : typeLookupRef(t, typeOf(t, self), key);
    if (found === 0) return t.error.type !== 0 ? -1 : 0;
    const get = typeSlot(t, typeOf(t, found), 'descrGet');
    const bound = get === null ? (incref(t.rc, found), found) : get(t, found, self, typeOf(t, self));
    decref(t.rc, found);
    if (bound === 0) return -1;
    const r = objectCall(t, bound, args, kwargs);
    decref(t.rc, bound);
    if (r === 0) return -1;
    if (r !== t.none) {
      const what = typeNameOf(t, r);
      decref(t.rc, r);
      return errRaiseInt(t, StaticType.TypeError, `__init__() should return None, not '${what}'`);
    }
    decref(t.rc, r);
    return 0;
  });
  ids.new = slots.add('new', 'slot/__new__', (t, type, args, kwargs) => {
    // `slot_tp_new`: type.__new__(type, *args, **kwargs), the function found on the type (a staticmethod unwraps to it).
    const key = dunder(t, '__new__');
    const found = key === 0 ? 0 : typeLookupRef(t, type, key);
    if (found === 0) return t.error.type !== 0 ? 0 : errRaise(t, StaticType.TypeError, `cannot create '${typeNameOf(t, type)}' instances`);
    const get = typeSlot(t, typeOf(t, found), 'descrGet');
    const fn = get === null ? (incref(t.rc, found), found) : get(t, found, 0, type);
    decref(t.rc, found);
    if (fn === 0) return 0;
    const items = [type];
    for (let i = 0; i < tupleSize(t, args); i++) items.push(tupleGetItem(t, args, i));
    const withType = tupleFromArray(t, items);
    if (withType === 0) {
      decref(t.rc, fn);
      return 0;
    }
    const r = objectCall(t, fn, withType, kwargs);
    decref(t.rc, withType);
    decref(t.rc, fn);
    return r;
  });
  ids.length = slots.add('length', 'slot/__len__', (t, self) => {
    const r = callRequired(t, self, '__len__', []);
    if (r === 0) return -1;
    const index = numberIndex(t, r);
    decref(t.rc, r);
    if (index === 0) return -1;
    const small = intIsCompact(t, index);
    const v = small ? intCompactValue(t, index) : -1;
    const negative = small ? v < 0 : intSign(t, index) < 0;
    decref(t.rc, index);
    if (negative) return errRaiseInt(t, StaticType.ValueError, '__len__() should return >= 0');
    if (!small) return errRaiseInt(t, StaticType.OverflowError, "cannot fit 'int' into an index-sized integer");
    return v;
  });
  ids.subscript = slots.add('subscript', 'slot/__getitem__', (t, self, key) => callRequired(t, self, '__getitem__', [key]));
  ids.assSubscript = slots.add('assSubscript', 'slot/__setitem__', (t, self, key, value) => status(t, value === 0 ? callRequired(t, self, '__delitem__', [key]) : callRequired(t, self, '__setitem__', [key, value])));
  ids.contains = slots.add('contains', 'slot/__contains__', (t, self, value) => {
    const r = callRequired(t, self, '__contains__', [value]);
    if (r === 0) return -1;
    const truth = objectIsTrue(t, r);
    decref(t.rc, r);
    return truth;
  });
  ids.bool = slots.add('bool', 'slot/__bool__', (t, self) => {
    const r = callRequired(t, self, '__bool__', []);
    if (r === 0) return -1;
    if (r !== t.true && r !== t.false) {
      const what = typeNameOf(t, r);
      decref(t.rc, r);
      return errRaiseInt(t, StaticType.TypeError, `__bool__ should return bool, returned ${what}`);
    }
    decref(t.rc, r);
    return r === t.true ? 1 : 0;
  });
  for (const def of SLOT_DEFS) {
    if (def.shape !== 'binary' || ids[def.kind] !== undefined) continue;
    const reflected = SLOT_DEFS.find((d) => d.kind === def.kind && d.shape === 'binaryR');
    if (reflected === undefined) {
      // In-place operators: the method or NotImplemented.
      ids[def.kind] = slots.add(def.kind as 'inplaceAdd', `slot/${def.name}`, (t, a, b) => {
        const r = callSpecial(t, a, def.name, [b]);
        return r === MISSING ? notImplemented(t) : r;
      });
      continue;
    }
    const kind = def.kind;
    ids[kind] = slots.add(kind as 'add', `slot/${def.name}`, binaryDispatcher(kind, def.name, reflected.name, () => ids[kind]!));
  }
  // `slot_nb_power`: with a modulus, only the left operand's __pow__ is tried.
  const powerBinary = binaryDispatcher('power', '__pow__', '__rpow__', () => ids.power!);
  ids.power = slots.add('power', 'slot/__pow__', (t, a, b, c) => {
    if (c === t.none) return powerBinary(t, a, b);
    const r = callSpecial(t, a, '__pow__', [b, c]);
    return r === MISSING ? notImplemented(t) : r;
  });
  ids.inplacePower = slots.add('inplacePower', 'slot/__ipow__', (t, a, b, c) => {
    const r = callSpecial(t, a, '__ipow__', c === t.none ? [b] : [b, c]);
    return r === MISSING ? notImplemented(t) : r;
  });
  return ids;
}

/**
 * `fixup_slot_dispatchers` for a new class: each special name in its own
 * dict installs the matching dispatcher (or, for a builtin slot wrapper,
 * that slot); `__eq__` without `__hash__` makes the class unhashable.
 * 0, or -1 with MemoryError.
 * @internal
 */
export function fixupSlots(t: ObThread, type: number, ids: SlotDispatchIds, wrappedSlot: (t: ObThread, descr: number, kind: SlotKind) => number, only?: string): number {
  const u32 = t.u32;
  const dict = u32[(type + TP_DICT_OFFSET) >>> 2]!;
  const slotsIndex = (type + TP_SLOTS_OFFSET) >>> 2;
  const has = (name: string): number => {
    const key = dunder(t, name);
    return key === 0 ? 0 : dictGetItemRef(t, dict, key);
  };
  for (const def of SLOT_DEFS) {
    if (only !== undefined && def.name !== only) continue;
    const value = has(def.name);
    if (value === 0) continue;
    const wrapped = wrappedSlot(t, value, def.kind);
    const id = def.kind === 'hash' && value === t.none ? ids.unhashable! : wrapped !== 0 ? wrapped : ids[def.kind];
    decref(t.rc, value);
    if (id === undefined) continue;
    u32[slotsIndex + SLOT_INDEX[def.kind]] = id;
    // `update_slot` after `C.__add__ = f`: subclasses that do not define the name inherit the new slot.
    if (only !== undefined) inheritIntoSubclasses(t, type, def.name, SLOT_INDEX[def.kind], id);
  }
  if (only !== undefined && only !== '__new__') return 0;
  const newFn = has('__new__');
  if (newFn !== 0) {
    decref(t.rc, newFn);
    u32[slotsIndex + SLOT_INDEX.new] = ids.new!;
  }
  const eq = only === undefined ? has('__eq__') : 0;
  if (eq !== 0) {
    decref(t.rc, eq);
    const hash = has('__hash__');
    if (hash !== 0) decref(t.rc, hash);
    else {
      // `type_new_set_hash`… CPython's `inherit_slots`: a class that overrides __eq__ only gets __hash__ = None.
      const key = dunder(t, '__hash__');
      if (key === 0 || dictSetItem(t, dict, key, t.none) < 0) return -1;
      u32[slotsIndex + SLOT_INDEX.hash] = ids.unhashable!;
    }
  }
  return 0;
}

/**
 * `update_subclasses`: the slot word `k` becomes `id` in every subclass
 * (recursively) whose own dict does not define `name`. The caller holds
 * the type lock (the subclass arrays change under it).
 */
function inheritIntoSubclasses(t: ObThread, type: number, name: string, k: number, id: number): void {
  const u32 = t.u32;
  const array = u32[(type + TP_SUBCLASSES_OFFSET) >>> 2]!;
  if (array === 0) return;
  const count = u32[array >>> 2]!;
  for (let i = 0; i < count; i++) {
    const sub = u32[(array >>> 2) + 2 + i]!;
    const key = dunder(t, name);
    const own = key === 0 ? 0 : dictGetItemRef(t, u32[(sub + TP_DICT_OFFSET) >>> 2]!, key);
    if (own !== 0) {
      decref(t.rc, own);
      continue;
    }
    u32[((sub + TP_SLOTS_OFFSET) >>> 2) + k] = id;
    inheritIntoSubclasses(t, sub, name, k, id);
  }
}

/** The names that have a dispatcher (for tests and the VM's checks). @internal */
export function isSpecialName(name: string): boolean {
  return SLOT_DEF_BY_NAME.has(name) || name === '__new__';
}
