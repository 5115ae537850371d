import { afterEach, describe, expect, it } from 'vitest';
import { gcCollect, gcVisitObjects } from '@ft/gc';
import { getRefcount, OB_TYPE_OFFSET, TP_BASICSIZE_OFFSET, typeUniqueId } from '@ft/refcount';
import {
  dequeAppend,
  dequeGetItem,
  dequeReprJs,
  dequeSize,
  dictGetItemRef,
  dictNew,
  dictSetItem,
  dictSize,
  dictView,
  errFetch,
  formatError,
  frozensetHash,
  intAsNumber,
  intFromNumber,
  iterNext,
  listAppend,
  listCheckExact,
  listFromArray,
  listGetItemRef,
  listSize,
  objectContains,
  objectGetAttr,
  objectGetItem,
  objectGetIter,
  objectHash,
  objectLength,
  objectReprJs,
  objectRichCompareBool,
  objectSetAttr,
  objectSetClass,
  PY_EQ,
  setAdd,
  setContains,
  setNew,
  setSize,
  StaticType,
  strFromJs,
  subtypeNew,
  TPFLAGS_DICT_SUBCLASS,
  TPFLAGS_LIST_SUBCLASS,
  TPFLAGS_TUPLE_SUBCLASS,
  tupleFromArray,
  tupleGetItem,
  tupleHash,
  tupleSize,
  typeGenericAlloc,
  typeHasFlag,
  typeIsSubtype,
  typeMro,
  typeName,
  typeNew,
  typeOf,
  type ObThread,
} from '../src/index.js';
import { instanceDictSlot } from '../src/heap-type.js';
import { TP_DICTOFFSET_OFFSET, TUPLE_ITEMS_OFFSET } from '../src/layout.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

// CPython 3.13.0's messages for the same class statements, taken once with python3.13.
const LAYOUT_CONFLICT = 'TypeError: multiple bases have instance lay-out conflict';
const TUPLE_SLOTS = "TypeError: nonempty __slots__ not supported for subtype of 'tuple'";
const TUPLE_SUBCLASS_SLOTS = "TypeError: nonempty __slots__ not supported for subtype of 'T'";

let r: Runtime;
afterEach(() => r?.close());

function lastError(r: Runtime): string {
  const fetched = errFetch(r.t)!;
  const text = formatError(r.t, fetched);
  // An AttributeError's object holds the instance it was raised for (its `obj`): released with it.
  if (fetched.value !== 0) release(r, fetched.value);
  return text;
}

/** `class name(*bases): ns` with ns a dict of int attributes (0 with the exception set). */
function makeClass(t: ObThread, name: string, bases: number[], attrs: Record<string, number> = {}, slots: string[] | null = null): number {
  const ns = check(t, dictNew(t));
  for (const [k, v] of Object.entries(attrs)) {
    const key = check(t, strFromJs(t, k));
    const value = check(t, intFromNumber(t, v));
    check(t, dictSetItem(t, ns, key, value));
    release(r, key, value);
  }
  const basesTuple = check(t, tupleFromArray(t, bases));
  const type = typeNew(t, t.types[StaticType.Type]!, name, basesTuple, ns, slots);
  release(r, ns, basesTuple);
  return type;
}

function getattr(t: ObThread, obj: number, name: string): number {
  const key = check(t, strFromJs(t, name));
  const v = objectGetAttr(t, obj, key);
  release(r, key);
  return v;
}

function setattr(t: ObThread, obj: number, name: string, value: number): number {
  const key = check(t, strFromJs(t, name));
  const rc = objectSetAttr(t, obj, key, value);
  release(r, key);
  return rc;
}

function ints(t: ObThread, ...values: number[]): number[] {
  return values.map((v) => check(t, intFromNumber(t, v)));
}

function mroNames(t: ObThread, type: number): string[] {
  const mro = typeMro(t, type);
  return Array.from({ length: tupleSize(t, mro) }, (_, i) => typeName(t, tupleGetItem(t, mro, i)));
}

/** Tracked objects whose type is `type` (the collector's view of the heap). */
function live(type: number): number {
  let n = 0;
  gcVisitObjects(r.gt, (op) => {
    if (r.t.u32[(op + OB_TYPE_OFFSET) >>> 2] === type) n++;
    return true;
  });
  return n;
}

/**
 * References to a heap type beyond those it had when {@link baseline} was taken: one per live
 * instance. Instances count theirs per thread (the type's unique id); a collection merges those
 * counts into the type's own, and `__class__` assignment moves references with plain incref and
 * decref, so both counts are summed.
 */
function extraRefs(type: number): number {
  const index = typeUniqueId(r.rc, type) - 1;
  const perThread = index < r.rc.countsSize ? r.rc.i32[r.rc.countsIndex + index]! : 0; // the array grows on first use
  const total = perThread + getRefcount(r.rc, type);
  return total - baselines.get(type)!;
}

const baselines = new Map<number, number>();
function baseline(...types: number[]): void {
  for (const type of types) {
    baselines.set(type, 0);
    baselines.set(type, extraRefs(type));
  }
}

describe('subclasses of the builtin containers', () => {
  it('list: instances are working lists (PyList_Check, append, len, getitem, iter, repr, ==, unhashable) with an instance dict', () => {
    r = makeRuntime();
    const t = r.t;
    const list = t.types[StaticType.List]!;
    const L = check(t, makeClass(t, 'L', [list]));
    baseline(L);
    expect(typeHasFlag(t, L, TPFLAGS_LIST_SUBCLASS)).toBe(true);
    expect(typeIsSubtype(t, L, list)).toBe(true);
    expect(typeIsSubtype(t, list, L)).toBe(false);
    const l = check(t, subtypeNew(t, L));
    expect(typeOf(t, l)).toBe(L);
    expect(listCheckExact(t, l)).toBe(false);
    expect(listSize(t, l)).toBe(0);
    const [a, b, c] = ints(t, 1, 2, 3);
    for (const x of [a!, b!, c!]) check(t, listAppend(t, l, x));
    expect(listSize(t, l)).toBe(3);
    expect(objectLength(t, l)).toBe(3);
    expect(listGetItemRef(t, l, 1)).toBe(b);
    release(r, b!);
    const one = check(t, intFromNumber(t, 1));
    const item = check(t, objectGetItem(t, l, one));
    expect(item).toBe(b);
    const it = check(t, objectGetIter(t, l));
    const seen: number[] = [];
    for (let x = iterNext(t, it); x !== 0; x = iterNext(t, it)) {
      seen.push(intAsNumber(t, x));
      release(r, x);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(objectReprJs(t, l)).toBe('[1, 2, 3]');
    expect(objectContains(t, l, c!)).toBe(1);
    const plain = check(t, listFromArray(t, [a!, b!, c!]));
    expect(objectRichCompareBool(t, l, plain, PY_EQ)).toBe(1);
    expect(objectRichCompareBool(t, plain, l, PY_EQ)).toBe(1);
    expect(objectHash(t, l)).toBe(-1);
    expect(lastError(r)).toBe("TypeError: unhashable type: 'L'");
    // Attributes in the instance dict (generic getattr / setattr).
    const v = check(t, intFromNumber(t, 4000));
    check(t, setattr(t, l, 'x', v));
    const got = check(t, getattr(t, l, 'x'));
    expect(got).toBe(v);
    expect(listSize(t, l)).toBe(3);
    // typeGenericAlloc of a list subclass is a working empty list too; subtypeNew(L, iterable) holds its items.
    const g = check(t, typeGenericAlloc(t, L));
    check(t, listAppend(t, g, a!));
    expect(objectReprJs(t, g)).toBe('[1]');
    const fromIt = check(t, subtypeNew(t, L, plain));
    expect(objectReprJs(t, fromIt)).toBe('[1, 2, 3]');
    // Three instances, and l's instance dict (split over L's shared keys, it keeps L: dict-keys.ts, valuesNew).
    expect(extraRefs(L)).toBe(4);
    release(r, fromIt, g, got, v, plain, it, item, one, l, a!, b!, c!);
    expect(extraRefs(L)).toBe(0);
    expect(gcCollect(r.gt)).toBe(0);
    release(r, L);
  });

  it('dict: items, views, lookups, == with a plain dict, unhashable, attributes; subtypeNew copies a dict', () => {
    r = makeRuntime();
    const t = r.t;
    const D = check(t, makeClass(t, 'D', [t.types[StaticType.Dict]!]));
    baseline(D);
    expect(typeHasFlag(t, D, TPFLAGS_DICT_SUBCLASS)).toBe(true);
    const d = check(t, subtypeNew(t, D));
    expect(dictSize(t, d)).toBe(0);
    const ka = check(t, strFromJs(t, 'a'));
    const kb = check(t, strFromJs(t, 'b'));
    const [one, two] = ints(t, 1, 2);
    check(t, dictSetItem(t, d, ka, one!));
    check(t, dictSetItem(t, d, kb, two!));
    expect(dictSize(t, d)).toBe(2);
    const found = check(t, dictGetItemRef(t, d, kb));
    expect(found).toBe(two);
    const sub = check(t, objectGetItem(t, d, ka));
    expect(sub).toBe(one);
    const items = check(t, dictView(t, d, 2));
    expect(objectReprJs(t, items)).toBe("dict_items([('a', 1), ('b', 2)])");
    expect(objectReprJs(t, d)).toBe("{'a': 1, 'b': 2}");
    const plain = check(t, dictNew(t));
    check(t, dictSetItem(t, plain, ka, one!));
    check(t, dictSetItem(t, plain, kb, two!));
    expect(objectRichCompareBool(t, d, plain, PY_EQ)).toBe(1);
    expect(objectRichCompareBool(t, plain, d, PY_EQ)).toBe(1);
    expect(objectHash(t, d)).toBe(-1);
    expect(lastError(r)).toBe("TypeError: unhashable type: 'D'");
    check(t, setattr(t, d, 'attr', two!));
    const attr = check(t, getattr(t, d, 'attr'));
    expect(attr).toBe(two);
    expect(dictSize(t, d)).toBe(2); // the attribute is in the instance's __dict__, not in the dict itself
    const copy = check(t, subtypeNew(t, D, plain));
    expect(objectReprJs(t, copy)).toBe("{'a': 1, 'b': 2}");
    release(r, copy, attr, plain, items, sub, found, d, ka, kb, one!, two!);
    expect(extraRefs(D)).toBe(0);
    expect(gcCollect(r.gt)).toBe(0);
    release(r, D);
  });

  it('tuple: the items given, hashing and comparing as a plain tuple with the same items; its __dict__ word after the items', () => {
    r = makeRuntime();
    const t = r.t;
    const tuple = t.types[StaticType.Tuple]!;
    const T = check(t, makeClass(t, 'T', [tuple]));
    baseline(T);
    expect(typeHasFlag(t, T, TPFLAGS_TUPLE_SUBCLASS)).toBe(true);
    const [a, b] = ints(t, 10, 2 ** 40);
    const plain = check(t, tupleFromArray(t, [a!, b!]));
    const list = check(t, listFromArray(t, [a!, b!]));
    const x = check(t, subtypeNew(t, T, list));
    const y = check(t, subtypeNew(t, T, plain));
    expect(tupleSize(t, x)).toBe(2);
    expect(tupleGetItem(t, x, 0)).toBe(a);
    expect(tupleGetItem(t, y, 1)).toBe(b);
    expect(objectHash(t, x)).toBe(tupleHash(t, plain));
    expect(objectHash(t, y)).toBe(objectHash(t, plain));
    expect(objectRichCompareBool(t, x, plain, PY_EQ)).toBe(1);
    expect(objectRichCompareBool(t, plain, y, PY_EQ)).toBe(1);
    expect(objectReprJs(t, x)).toBe('(10, 1099511627776)');
    const empty = check(t, subtypeNew(t, T));
    expect(tupleSize(t, empty)).toBe(0);
    expect(empty).not.toBe(t.emptyTuple);
    expect(objectHash(t, empty)).toBe(objectHash(t, t.emptyTuple));
    // tp_dictoffset -4: the __dict__ word is the last word of the instance, after its items.
    expect(t.i32[(T + TP_DICTOFFSET_OFFSET) >>> 2]).toBe(-4);
    expect(t.u32[(T + TP_BASICSIZE_OFFSET) >>> 2]).toBe(t.u32[(tuple + TP_BASICSIZE_OFFSET) >>> 2]! + 4);
    expect(instanceDictSlot(t, x)).toBe(x + TUPLE_ITEMS_OFFSET + 2 * 4);
    expect(instanceDictSlot(t, empty)).toBe(empty + TUPLE_ITEMS_OFFSET);
    expect(instanceDictSlot(t, plain)).toBe(0);
    release(r, empty, x, y, plain, list, a!, b!);
    expect(extraRefs(T)).toBe(0);
    release(r, T);
  });

  it('set and frozenset: membership, == across set, frozenset and subclasses, frozenset hash, set unhashable', () => {
    r = makeRuntime();
    const t = r.t;
    const S = check(t, makeClass(t, 'S', [t.types[StaticType.Set]!]));
    const F = check(t, makeClass(t, 'F', [t.types[StaticType.FrozenSet]!]));
    baseline(S, F);
    const [one, two, three] = ints(t, 1, 2, 3);
    const items = check(t, listFromArray(t, [one!, two!]));
    const s = check(t, subtypeNew(t, S));
    expect(setSize(t, s)).toBe(0);
    check(t, setAdd(t, s, one!));
    check(t, setAdd(t, s, two!));
    expect(setSize(t, s)).toBe(2);
    expect(setContains(t, s, two!)).toBe(1);
    expect(setContains(t, s, three!)).toBe(0);
    expect(objectContains(t, s, one!)).toBe(1);
    const plainSet = check(t, setNew(t, items));
    const plainFrozen = check(t, setNew(t, items, true));
    const f = check(t, subtypeNew(t, F, items));
    expect(setSize(t, f)).toBe(2);
    expect(objectRichCompareBool(t, s, plainSet, PY_EQ)).toBe(1);
    expect(objectRichCompareBool(t, plainSet, s, PY_EQ)).toBe(1);
    expect(objectRichCompareBool(t, s, f, PY_EQ)).toBe(1);
    expect(objectRichCompareBool(t, f, plainFrozen, PY_EQ)).toBe(1);
    expect(objectHash(t, f)).toBe(frozensetHash(t, plainFrozen));
    expect(objectHash(t, s)).toBe(-1);
    expect(lastError(r)).toBe("TypeError: unhashable type: 'S'");
    release(r, f, plainSet, plainFrozen, s, items, one!, two!, three!);
    expect(extraRefs(S)).toBe(0);
    expect(extraRefs(F)).toBe(0);
    expect(gcCollect(r.gt)).toBe(0);
    release(r, S, F);
  });

  it('deque: append, len, index, maxlen from subtypeNew; unhashable', () => {
    r = makeRuntime();
    const t = r.t;
    const Q = check(t, makeClass(t, 'Q', [t.types[StaticType.Deque]!]));
    baseline(Q);
    const items = ints(t, 1, 2, 3);
    const q = check(t, subtypeNew(t, Q, 0, 2));
    for (const x of items) check(t, dequeAppend(t, q, x));
    expect(dequeSize(t, q)).toBe(2);
    const first = check(t, dequeGetItem(t, q, 0));
    expect(intAsNumber(t, first)).toBe(2);
    expect(objectHash(t, q)).toBe(-1);
    expect(lastError(r)).toBe("TypeError: unhashable type: 'Q'");
    release(r, first, q, ...items);
    expect(extraRefs(Q)).toBe(0);
    release(r, Q);
  });

  it('a mixin over object beside a container: CPython’s MRO, the container’s slots win over the ones the mixin inherited', () => {
    r = makeRuntime();
    const t = r.t;
    const list = t.types[StaticType.List]!;
    const Mixin = check(t, makeClass(t, 'Mixin', [], { tag: 7000 }));
    const M = check(t, makeClass(t, 'M', [Mixin, list]));
    expect(mroNames(t, M)).toEqual(['M', 'Mixin', 'list', 'object']);
    expect(typeIsSubtype(t, M, Mixin)).toBe(true);
    expect(typeIsSubtype(t, M, list)).toBe(true);
    expect(typeHasFlag(t, M, TPFLAGS_LIST_SUBCLASS)).toBe(true);
    const m = check(t, subtypeNew(t, M));
    const [one] = ints(t, 1);
    check(t, listAppend(t, m, one!));
    expect(objectReprJs(t, m)).toBe('[1]');
    expect(objectHash(t, m)).toBe(-1);
    expect(lastError(r)).toBe("TypeError: unhashable type: 'M'");
    const tag = check(t, getattr(t, m, 'tag'));
    expect(intAsNumber(t, tag)).toBe(7000);
    check(t, setattr(t, m, 'own', one!));
    const own = check(t, getattr(t, m, 'own'));
    expect(own).toBe(one);
    // Two classes that each add only a __dict__ beside each other, and one over both.
    const L1 = check(t, makeClass(t, 'L1', [list]));
    const L2 = check(t, makeClass(t, 'L2', [list]));
    const Both = check(t, makeClass(t, 'Both', [L1, L2]));
    const both = check(t, subtypeNew(t, Both));
    check(t, listAppend(t, both, one!));
    check(t, setattr(t, both, 'own', one!));
    expect(objectReprJs(t, both)).toBe('[1]');
    release(r, both, own, tag, m, one!, Both, L2, L1, M, Mixin);
    expect(gcCollect(r.gt)).toBeGreaterThan(0); // the classes (their MROs refer back to them)
  });

  it('__slots__ on subclasses: list members after the list’s fields; on a tuple subclass CPython’s TypeError', () => {
    r = makeRuntime();
    const t = r.t;
    const list = t.types[StaticType.List]!;
    const LS = check(t, makeClass(t, 'LS', [list], {}, ['a', 'b']));
    expect(t.u32[(LS + TP_BASICSIZE_OFFSET) >>> 2]).toBe(t.u32[(list + TP_BASICSIZE_OFFSET) >>> 2]! + 8);
    expect(t.i32[(LS + TP_DICTOFFSET_OFFSET) >>> 2]).toBe(0);
    const LD = check(t, makeClass(t, 'LD', [LS]));
    const LD2 = check(t, makeClass(t, 'LD2', [LS]));
    baseline(LS, LD, LD2);
    const ls = check(t, subtypeNew(t, LS));
    const [one, two] = ints(t, 1, 2);
    check(t, setattr(t, ls, 'b', two!));
    check(t, listAppend(t, ls, one!));
    const b = check(t, getattr(t, ls, 'b'));
    expect(b).toBe(two);
    expect(getattr(t, ls, 'a')).toBe(0);
    expect(lastError(r)).toBe("AttributeError: 'LS' object has no attribute 'a'");
    expect(setattr(t, ls, 'c', one!)).toBe(-1);
    expect(lastError(r)).toBe("AttributeError: 'LS' object has no attribute 'c' and no __dict__ for setting new attributes");
    expect(objectReprJs(t, ls)).toBe('[1]');
    // A subclass of it adds a __dict__ after the slots; __class__ moves between equal layouts.
    const ld = check(t, subtypeNew(t, LD));
    check(t, setattr(t, ld, 'a', one!));
    check(t, setattr(t, ld, 'z', two!));
    const z = check(t, getattr(t, ld, 'z'));
    expect(z).toBe(two);
    check(t, objectSetClass(t, ld, LD2));
    expect(objectSetClass(t, ld, LS)).toBe(-1);
    expect(lastError(r)).toBe("TypeError: __class__ assignment: 'LS' object layout differs from 'LD2'");
    // Tuple: empty __slots__ allowed, nonempty refused (naming the base).
    const tuple = t.types[StaticType.Tuple]!;
    expect(makeClass(t, 'T', [tuple], {}, ['a'])).toBe(0);
    expect(lastError(r)).toBe(TUPLE_SLOTS);
    const T = check(t, makeClass(t, 'T', [tuple]));
    expect(makeClass(t, 'T2', [T], {}, ['a'])).toBe(0);
    expect(lastError(r)).toBe(TUPLE_SUBCLASS_SLOTS);
    const TE = check(t, makeClass(t, 'TE', [tuple], {}, []));
    expect(t.i32[(TE + TP_DICTOFFSET_OFFSET) >>> 2]).toBe(0);
    expect(t.u32[(TE + TP_BASICSIZE_OFFSET) >>> 2]).toBe(t.u32[(tuple + TP_BASICSIZE_OFFSET) >>> 2]);
    release(r, z, b, ld, ls, one!, two!);
    for (const C of [LS, LD, LD2]) expect(extraRefs(C)).toBe(0);
    release(r, TE, T, LD2, LD, LS);
  });

  it('lay-out conflicts raise CPython’s TypeError; an int subclass is refused for now', () => {
    r = makeRuntime();
    const t = r.t;
    const ty = (i: StaticType): number => t.types[i]!;
    const Slotted = check(t, makeClass(t, 'Slotted', [], {}, ['a']));
    for (const bases of [
      [ty(StaticType.List), ty(StaticType.Dict)],
      [ty(StaticType.List), ty(StaticType.Tuple)],
      [ty(StaticType.Dict), ty(StaticType.Set)],
      [ty(StaticType.Set), ty(StaticType.FrozenSet)],
      [ty(StaticType.List), ty(StaticType.Deque)],
      [Slotted, ty(StaticType.List)],
    ]) {
      expect(makeClass(t, 'X', bases)).toBe(0);
      expect(lastError(r)).toBe(LAYOUT_CONFLICT);
    }
    const L = check(t, makeClass(t, 'L', [ty(StaticType.List)]));
    const D = check(t, makeClass(t, 'D', [ty(StaticType.Dict)]));
    expect(makeClass(t, 'X', [L, D])).toBe(0);
    expect(lastError(r)).toBe(LAYOUT_CONFLICT);
    expect(makeClass(t, 'X', [ty(StaticType.Int), ty(StaticType.Str)])).toBe(0);
    expect(lastError(r)).toBe(LAYOUT_CONFLICT);
    expect(makeClass(t, 'F', [ty(StaticType.Float)])).toBe(0);
    expect(lastError(r)).toMatch(/^TypeError: type 'float' cannot be subclassed in ft yet/);
    release(r, D, L, Slotted);
  });

  it('dealloc of an instance releases its dict and slots, then the base’s items; the class’s per-thread count is balanced', () => {
    r = makeRuntime({ allocator: 'mimalloc_debug' });
    const t = r.t;
    const W = check(t, makeClass(t, 'W', []));
    baseline(W);
    const witness = (): number => check(t, typeGenericAlloc(t, W));
    const bases = [StaticType.List, StaticType.Tuple, StaticType.Dict, StaticType.Set, StaticType.FrozenSet, StaticType.Deque] as const;
    for (const index of bases) {
      const C = check(t, makeClass(t, `C${index}`, [t.types[index]!]));
      baseline(C);
      const w1 = witness();
      const w2 = witness();
      const w3 = witness();
      let op: number;
      if (index === StaticType.Dict) {
        const src = check(t, dictNew(t));
        check(t, dictSetItem(t, src, w1, w2));
        op = check(t, subtypeNew(t, C, src));
        release(r, src);
      } else {
        const src = check(t, listFromArray(t, [w1, w2]));
        op = check(t, subtypeNew(t, C, src));
        release(r, src);
      }
      if (index === StaticType.Tuple) {
        // The __dict__ word of a tuple subclass, filled as generic-attr will fill it (a dict holding w3).
        const dict = check(t, dictNew(t));
        const key = check(t, strFromJs(t, 'w'));
        check(t, dictSetItem(t, dict, key, w3));
        t.u32[instanceDictSlot(t, op) >>> 2] = dict;
        release(r, key);
      } else {
        check(t, setattr(t, op, 'w', w3));
      }
      release(r, w1, w2, w3);
      expect(live(W)).toBe(3);
      // The instance, and its dict when setattr made it (split over C's shared keys, it keeps C).
      expect(extraRefs(C)).toBe(index === StaticType.Tuple ? 1 : 2);
      expect(extraRefs(W)).toBe(3);
      release(r, op);
      expect(live(W)).toBe(0);
      expect(extraRefs(C)).toBe(0);
      expect(extraRefs(W)).toBe(0);
      release(r, C);
    }
    expect(gcCollect(r.gt)).toBeGreaterThan(0); // the classes
    release(r, W);
  });

  it('the collector sees both the base’s items and the __dict__: cycles through either are collected', () => {
    r = makeRuntime({ allocator: 'mimalloc_debug' });
    const t = r.t;
    const W = check(t, makeClass(t, 'W', []));
    const L = check(t, makeClass(t, 'L', [t.types[StaticType.List]!]));
    const D = check(t, makeClass(t, 'D', [t.types[StaticType.Dict]!]));
    const T = check(t, makeClass(t, 'T', [t.types[StaticType.Tuple]!]));
    baseline(L, D, T, W);
    // l.append(w); w.back = l: only the list's own traverse (the base's) sees w.
    let l = check(t, subtypeNew(t, L));
    let w = check(t, typeGenericAlloc(t, W));
    check(t, listAppend(t, l, w));
    check(t, setattr(t, w, 'back', l));
    release(r, l, w);
    expect(gcCollect(r.gt)).toBe(3); // l, w, w's __dict__
    expect(live(L) + live(W)).toBe(0);
    // l.w = w; w.back = l: only the instance's __dict__ sees w.
    l = check(t, subtypeNew(t, L));
    w = check(t, typeGenericAlloc(t, W));
    check(t, setattr(t, l, 'w', w));
    check(t, setattr(t, w, 'back', l));
    release(r, l, w);
    expect(gcCollect(r.gt)).toBe(4); // l, its __dict__, w, w's __dict__
    // A list subclass holding itself both ways, and a dict subclass holding itself as a value.
    l = check(t, subtypeNew(t, L));
    check(t, listAppend(t, l, l));
    check(t, setattr(t, l, 'me', l));
    const d = check(t, subtypeNew(t, D));
    const key = check(t, strFromJs(t, 'self'));
    check(t, dictSetItem(t, d, key, d));
    release(r, l, d, key);
    expect(gcCollect(r.gt)).toBe(3); // l, its __dict__, d
    // A tuple subclass whose __dict__ holds it (through the word after its items).
    w = check(t, typeGenericAlloc(t, W));
    const items = check(t, listFromArray(t, [w]));
    const tup = check(t, subtypeNew(t, T, items));
    const dict = check(t, dictNew(t));
    const name = check(t, strFromJs(t, 'me'));
    check(t, dictSetItem(t, dict, name, tup));
    t.u32[instanceDictSlot(t, tup) >>> 2] = dict;
    release(r, tup, items, w, name);
    expect(gcCollect(r.gt)).toBe(3); // the tuple, its __dict__, w
    expect(live(L) + live(D) + live(T) + live(W)).toBe(0);
    for (const C of [L, D, T, W]) expect(extraRefs(C)).toBe(0);
    release(r, T, D, L, W);
    expect(gcCollect(r.gt)).toBeGreaterThan(0);
  });
});

// Behaviour of the subclasses that lives outside heap-type.ts.
describe('subclasses: comparison, repr and the __dict__ word outside heap-type.ts', () => {
  it('dict.ts dictRichCompare: PyDict_Check(b), not dictCheckExact — D(a=1) == D2(a=1) is True', () => {
    r = makeRuntime();
    const t = r.t;
    const D = check(t, makeClass(t, 'D', [t.types[StaticType.Dict]!]));
    const D2 = check(t, makeClass(t, 'D2', [t.types[StaticType.Dict]!]));
    const key = check(t, strFromJs(t, 'a'));
    const [one] = ints(t, 1);
    const a = check(t, subtypeNew(t, D));
    const b = check(t, subtypeNew(t, D2));
    check(t, dictSetItem(t, a, key, one!));
    check(t, dictSetItem(t, b, key, one!));
    expect(objectRichCompareBool(t, a, b, PY_EQ)).toBe(1);
    release(r, a, b, key, one!, D2, D);
  });

  it("set.ts setReprJs: a subclass prints its name — S() and S({1}), F() and F({1})", () => {
    r = makeRuntime();
    const t = r.t;
    const S = check(t, makeClass(t, 'S', [t.types[StaticType.Set]!]));
    const F = check(t, makeClass(t, 'F', [t.types[StaticType.FrozenSet]!]));
    const [one] = ints(t, 1);
    const items = check(t, listFromArray(t, [one!]));
    const s0 = check(t, subtypeNew(t, S));
    const s1 = check(t, subtypeNew(t, S, items));
    const f0 = check(t, subtypeNew(t, F));
    const f1 = check(t, subtypeNew(t, F, items));
    expect([s0, s1, f0, f1].map((x) => objectReprJs(t, x))).toEqual(['S()', 'S({1})', 'F()', 'F({1})']);
    release(r, s0, s1, f0, f1, items, one!, F, S);
  });

  it('deque.ts dequeReprJs: a subclass prints its name — Q([1], maxlen=2)', () => {
    r = makeRuntime();
    const t = r.t;
    const Q = check(t, makeClass(t, 'Q', [t.types[StaticType.Deque]!]));
    const [one] = ints(t, 1);
    const items = check(t, listFromArray(t, [one!]));
    const q = check(t, subtypeNew(t, Q, items, 2));
    expect(dequeReprJs(t, q)).toBe('Q([1], maxlen=2)');
    release(r, q, items, one!, Q);
  });

  it('generic-attr.ts dictSlot: the __dict__ word of a tuple subclass through instanceDictSlot (tp_dictoffset < 0)', () => {
    r = makeRuntime();
    const t = r.t;
    const T = check(t, makeClass(t, 'T', [t.types[StaticType.Tuple]!]));
    const [one, two] = ints(t, 1, 2);
    const items = check(t, listFromArray(t, [one!, two!]));
    const x = check(t, subtypeNew(t, T, items));
    check(t, setattr(t, x, 'attr', two!));
    const got = check(t, getattr(t, x, 'attr'));
    expect(got).toBe(two);
    expect(tupleGetItem(t, x, 1)).toBe(two); // the items are untouched
    expect(t.u32[instanceDictSlot(t, x) >>> 2]).not.toBe(0);
    release(r, got, x, items, one!, two!, T);
  });
});
