/**
 * `slotdefs` (`Objects/typeobject.c`): which special method names fill
 * which type slot, and how a call of that name maps onto the slot's
 * arguments. Both directions use it: a builtin type's dict gets a slot
 * wrapper per name its own slots serve (`int.__add__`, `object.__init__`,
 * slot-wrappers.ts), and a class that defines one of the names gets the
 * slot that calls it (`slot_tp_repr`, `slot_nb_add`, …; slot-dispatch.ts).
 */

import type { SlotKind } from './ob-thread.js';

/** How a wrapper maps a call of the name onto the slot (`wrap_binaryfunc_r`, `wrap_richcmpfunc`, …). @internal */
export type WrapperShape =
  | 'unary' // self
  | 'binary' // self, other
  | 'binaryR' // other, self (the reflected operand)
  | 'ternary' // self, other, modulus=None
  | 'ternaryR' // other, self, modulus=None
  | 'richcmp' // self, other with the comparison op
  | 'hash'
  | 'len'
  | 'bool'
  | 'contains'
  | 'getitem'
  | 'setitem'
  | 'delitem'
  | 'getattr'
  | 'setattr'
  | 'delattr'
  | 'descrGet'
  | 'descrSet'
  | 'descrDelete'
  | 'init'
  | 'call'
  | 'next';

/** One name: the slot it fills, the wrapper's shape, the comparison op for richcmp. @internal */
export interface SlotDef {
  readonly name: string;
  readonly kind: SlotKind;
  readonly shape: WrapperShape;
  readonly op?: number;
}

const binary = (name: string, rname: string, kind: SlotKind): SlotDef[] => [
  { name, kind, shape: 'binary' },
  { name: rname, kind, shape: 'binaryR' },
];

/** The names, in CPython's slotdefs order (an earlier name wins when two fill one slot). @internal */
export const SLOT_DEFS: readonly SlotDef[] = [
  { name: '__getattribute__', kind: 'getattro', shape: 'getattr' },
  { name: '__getattr__', kind: 'getattro', shape: 'getattr' },
  { name: '__setattr__', kind: 'setattro', shape: 'setattr' },
  { name: '__delattr__', kind: 'setattro', shape: 'delattr' },
  { name: '__repr__', kind: 'repr', shape: 'unary' },
  { name: '__hash__', kind: 'hash', shape: 'hash' },
  { name: '__call__', kind: 'call', shape: 'call' },
  { name: '__str__', kind: 'str', shape: 'unary' },
  { name: '__lt__', kind: 'richcompare', shape: 'richcmp', op: 0 },
  { name: '__le__', kind: 'richcompare', shape: 'richcmp', op: 1 },
  { name: '__eq__', kind: 'richcompare', shape: 'richcmp', op: 2 },
  { name: '__ne__', kind: 'richcompare', shape: 'richcmp', op: 3 },
  { name: '__gt__', kind: 'richcompare', shape: 'richcmp', op: 4 },
  { name: '__ge__', kind: 'richcompare', shape: 'richcmp', op: 5 },
  { name: '__iter__', kind: 'iter', shape: 'unary' },
  { name: '__next__', kind: 'iternext', shape: 'next' },
  { name: '__get__', kind: 'descrGet', shape: 'descrGet' },
  { name: '__set__', kind: 'descrSet', shape: 'descrSet' },
  { name: '__delete__', kind: 'descrSet', shape: 'descrDelete' },
  { name: '__init__', kind: 'init', shape: 'init' },
  ...binary('__add__', '__radd__', 'add'),
  ...binary('__sub__', '__rsub__', 'subtract'),
  ...binary('__mul__', '__rmul__', 'multiply'),
  ...binary('__mod__', '__rmod__', 'remainder'),
  ...binary('__divmod__', '__rdivmod__', 'divmod'),
  { name: '__pow__', kind: 'power', shape: 'ternary' },
  { name: '__rpow__', kind: 'power', shape: 'ternaryR' },
  { name: '__neg__', kind: 'negative', shape: 'unary' },
  { name: '__pos__', kind: 'positive', shape: 'unary' },
  { name: '__abs__', kind: 'absolute', shape: 'unary' },
  { name: '__bool__', kind: 'bool', shape: 'bool' },
  { name: '__invert__', kind: 'invert', shape: 'unary' },
  ...binary('__lshift__', '__rlshift__', 'lshift'),
  ...binary('__rshift__', '__rrshift__', 'rshift'),
  ...binary('__and__', '__rand__', 'and'),
  ...binary('__xor__', '__rxor__', 'xor'),
  ...binary('__or__', '__ror__', 'or'),
  { name: '__int__', kind: 'int', shape: 'unary' },
  { name: '__float__', kind: 'float', shape: 'unary' },
  { name: '__iadd__', kind: 'inplaceAdd', shape: 'binary' },
  { name: '__isub__', kind: 'inplaceSubtract', shape: 'binary' },
  { name: '__imul__', kind: 'inplaceMultiply', shape: 'binary' },
  { name: '__imod__', kind: 'inplaceRemainder', shape: 'binary' },
  { name: '__ipow__', kind: 'inplacePower', shape: 'ternary' },
  { name: '__ilshift__', kind: 'inplaceLshift', shape: 'binary' },
  { name: '__irshift__', kind: 'inplaceRshift', shape: 'binary' },
  { name: '__iand__', kind: 'inplaceAnd', shape: 'binary' },
  { name: '__ixor__', kind: 'inplaceXor', shape: 'binary' },
  { name: '__ior__', kind: 'inplaceOr', shape: 'binary' },
  ...binary('__floordiv__', '__rfloordiv__', 'floorDivide'),
  ...binary('__truediv__', '__rtruediv__', 'trueDivide'),
  { name: '__ifloordiv__', kind: 'inplaceFloorDivide', shape: 'binary' },
  { name: '__itruediv__', kind: 'inplaceTrueDivide', shape: 'binary' },
  { name: '__index__', kind: 'index', shape: 'unary' },
  ...binary('__matmul__', '__rmatmul__', 'matrixMultiply'),
  { name: '__imatmul__', kind: 'inplaceMatrixMultiply', shape: 'binary' },
  { name: '__len__', kind: 'length', shape: 'len' },
  { name: '__getitem__', kind: 'subscript', shape: 'getitem' },
  { name: '__setitem__', kind: 'assSubscript', shape: 'setitem' },
  { name: '__delitem__', kind: 'assSubscript', shape: 'delitem' },
  { name: '__contains__', kind: 'contains', shape: 'contains' },
];

/** The definitions by name. @internal */
export const SLOT_DEF_BY_NAME: ReadonlyMap<string, SlotDef> = new Map(SLOT_DEFS.map((d) => [d.name, d]));

/** The names each slot kind serves. @internal */
export const SLOT_DEFS_BY_KIND: ReadonlyMap<SlotKind, readonly SlotDef[]> = (() => {
  const m = new Map<SlotKind, SlotDef[]>();
  for (const d of SLOT_DEFS) {
    const list = m.get(d.kind) ?? [];
    list.push(d);
    m.set(d.kind, list);
  }
  return m;
})();
