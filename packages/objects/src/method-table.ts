/**
 * A builtin type's Python-visible table as its registration builds it
 * (`PyMethodDef[]`, `PyGetSetDef[]` and the constructor slots of a static
 * type): each method and getter is registered under `owner.name` in the
 * slot registry, in the order the table lists them (ids agree on every
 * thread because every thread registers the same tables in the same order).
 */

import { incref } from '@ft/refcount';
import { METH_CLASS, METH_FASTCALL, METH_KEYWORDS, METH_NOARGS, METH_O } from './builtin-function.js';
import type { GetterFn, ObThread, SetterFn } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import type { BuiltinTypeSpec, GetSetSpec, MethodSpec } from './type-object.js';

/** What a builtin type gains from its table: methods, getsets and slots (`new`, `init`, …). @internal */
export type BuiltinTypeAdditions = Pick<BuiltinTypeSpec, 'methods' | 'getsets' | 'slots'>;

/** A builtin method's behaviour: the vectorcall shape, `self` the instance (the class for a class method). @internal */
export type MethodFn = (t: ObThread, self: number, args: number, nargs: number, kwnames: number) => number;

/** `METH_NOARGS`. @internal */ export const NOARGS = METH_NOARGS;
/** `METH_O`. @internal */ export const ONE_ARG = METH_O;
/** `METH_FASTCALL`: positional arguments only. @internal */ export const FASTCALL = METH_FASTCALL;
/** `METH_FASTCALL | METH_KEYWORDS`. @internal */ export const FASTCALL_KEYWORDS = METH_FASTCALL | METH_KEYWORDS;
/** `METH_CLASS`, to or with the others. @internal */ export const CLASS = METH_CLASS;

/**
 * Collects one type's methods and getsets, registering each behaviour as
 * it is added.
 * @internal
 */
export class MethodTable {
  readonly methods: MethodSpec[] = [];
  readonly getsets: GetSetSpec[] = [];

  constructor(
    private readonly slots: SlotRegistry,
    private readonly owner: string,
  ) {}

  /** A method `name` with METH_* `flags` calling `fn`. */
  method(name: string, flags: number, fn: MethodFn): this {
    this.methods.push({ name, flags, fn: this.slots.add('vectorcall', `${this.owner}.${name}`, fn) });
    return this;
  }

  /** A computed attribute `name`: read by `get`, written by `set` (absent: read-only). */
  getset(name: string, get: GetterFn, set?: SetterFn): this {
    this.getsets.push({ name, get: this.slots.add('getter', `${this.owner}.${name}`, get), set: set === undefined ? 0 : this.slots.add('setter', `${this.owner}.${name}`, set) });
    return this;
  }

  /** The table with the constructor slots `slots`. */
  done(slots?: BuiltinTypeSpec['slots']): BuiltinTypeAdditions {
    return { methods: this.methods, getsets: this.getsets, ...(slots === undefined ? {} : { slots }) };
  }
}

/** `Py_NewRef(op)`. @internal */
export function newRef(t: ObThread, op: number): number {
  incref(t.rc, op);
  return op;
}

/** `Py_RETURN_NONE`. @internal */
export function noneResult(t: ObThread): number {
  return newRef(t, t.none);
}

/** `PyBool_FromLong(v)`: True or False (immortal). @internal */
export function boolResult(t: ObThread, v: boolean): number {
  return v ? t.true : t.false;
}

/** `args[i]` of a vectorcall (borrowed). @internal */
export function arg(t: ObThread, args: number, i: number): number {
  return t.u32[(args >>> 2) + i]!;
}
