/**
 * Registration of StaticType.Generator (`PyGen_Type`): its collector
 * behaviours, its slots (`__iter__` is itself, `__next__` resumes it, the
 * finalizer closes a suspended one) and its methods and attributes
 * (`send`, `throw`, `close`, `gi_frame`, `gi_running`, `gi_suspended`,
 * `gi_code`, `gi_yieldfrom`, `__name__`, `__qualname__`), the VM's work
 * reached through the thread's generator operations.
 */

import { criticalSectionBegin, criticalSectionEnd } from '@ft/atomics';
import { decref, incref, OB_MUTEX_OFFSET, TYPE_FLAG_HAVE_GC, type BehaviourRegistry } from '@ft/refcount';
import { errRaise, errRaiseInt } from './errors.js';
import {
  FrameWord,
  GEN_CREATED,
  GEN_EXECUTING,
  GEN_FRAME_OFFSET,
  GEN_NAME_OFFSET,
  GEN_QUALNAME_OFFSET,
  GEN_SUSPENDED,
  GEN_SUSPENDED_YIELD_FROM,
  GEN_WEAKREFLIST_OFFSET,
  generatorClear,
  generatorDealloc,
  generatorFinalize,
  generatorOps,
  generatorReprJs,
  generatorState,
  generatorTraverse,
} from './generator.js';
import { StaticType, TPFLAGS_UNICODE_SUBCLASS } from './layout.js';
import { FASTCALL, MethodTable, NOARGS, ONE_ARG } from './method-table.js';
import type { ObThread } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import { strFromJs } from './str.js';
import { typeHasFlag, typeOf } from './subtype.js';
import type { BuiltinTypeSpec } from './type-object.js';

/** Registers the generator type's behaviours and slots; returns its spec. @internal */
export function registerGeneratorType(registry: BehaviourRegistry, slots: SlotRegistry, box: { readonly t: ObThread | null }): BuiltinTypeSpec {
  const ob = (): ObThread => box.t!;
  const table = new MethodTable(slots, 'generator')
    .method('send', ONE_ARG, (t, gen, args) => generatorOps(t)?.send(t, gen, t.u32[args >>> 2]!) ?? 0)
    .method('throw', FASTCALL, (t, gen, args, nargs) => generatorOps(t)?.throw(t, gen, args, nargs) ?? 0)
    .method('close', NOARGS, (t, gen) => generatorOps(t)?.close(t, gen) ?? 0)
    .getset('gi_frame', (t, gen) => generatorOps(t)?.frame(t, gen) ?? 0)
    .getset('gi_yieldfrom', (t, gen) => generatorOps(t)?.yieldFrom(t, gen) ?? 0)
    .getset('gi_running', (t, gen) => boolRef(t, generatorState(t, gen) === GEN_EXECUTING))
    .getset('gi_suspended', (t, gen) => {
      const s = generatorState(t, gen);
      return boolRef(t, s === GEN_SUSPENDED || s === GEN_SUSPENDED_YIELD_FROM);
    })
    .getset('gi_code', (t, gen) => {
      const code = t.u32[((gen + GEN_FRAME_OFFSET) >>> 2) + FrameWord.Code]!;
      if (code === 0) return errRaise(t, StaticType.AttributeError, "'generator' object has no attribute 'gi_code'");
      incref(t.rc, code);
      return code;
    })
    .getset('__name__', (t, gen) => fieldRef(t, gen, GEN_NAME_OFFSET), (t, gen, value) => setName(t, gen, value, GEN_NAME_OFFSET, '__name__'))
    .getset('__qualname__', (t, gen) => fieldRef(t, gen, GEN_QUALNAME_OFFSET), (t, gen, value) => setName(t, gen, value, GEN_QUALNAME_OFFSET, '__qualname__'));
  return {
    name: 'generator',
    baseIndex: StaticType.Object + 1,
    basicSize: GEN_FRAME_OFFSET,
    itemSize: 4,
    weaklistOffset: GEN_WEAKREFLIST_OFFSET,
    flags: TYPE_FLAG_HAVE_GC,
    final: true,
    dealloc: registry.add('dealloc', 'objects/generator', (_rc, op) => generatorDealloc(ob(), op)),
    traverse: registry.add('traverse', 'objects/generator', generatorTraverse),
    clear: registry.add('clear', 'objects/generator', generatorClear),
    // PEP 442: a generator collected while suspended is closed first (`_PyGen_Finalize`).
    finalize: registry.add('finalize', 'objects/generator', (_rc, op) => generatorFinalize(ob(), op)),
    ...table.done({
      iter: slots.add('iter', 'generator', (t, op) => {
        incref(t.rc, op);
        return op;
      }),
      iternext: slots.add('iternext', 'generator', (t, gen) => generatorOps(t)?.iternext(t, gen) ?? 0),
      repr: slots.add('repr', 'generator', (t, op) => strFromJs(t, generatorReprJs(t, op))),
      new: slots.add('new', 'generator', (t) => errRaise(t, StaticType.TypeError, "cannot create 'generator' instances")),
    }),
  };
}

/** `PyBool_FromLong`. @internal */
export function boolRef(t: ObThread, b: boolean): number {
  return b ? t.true : t.false;
}

/**
 * The object word at `offset` (`__name__`, `__qualname__`), a new
 * reference, read under the object's critical section: another thread's
 * {@link setName} may be swapping it and releasing the old one.
 * @internal
 */
export function fieldRef(t: ObThread, gen: number, offset: number): number {
  criticalSectionBegin(t.heap, gen + OB_MUTEX_OFFSET);
  const v = t.u32[(gen + offset) >>> 2]!;
  incref(t.rc, v);
  criticalSectionEnd(t.heap);
  return v;
}

/** `gen_set_name`/`gen_set_qualname`: a str, not deletable. @internal */
export function setName(t: ObThread, gen: number, value: number, offset: number, what: string): number {
  if (value === 0 || !typeHasFlag(t, typeOf(t, value), TPFLAGS_UNICODE_SUBCLASS)) return errRaiseInt(t, StaticType.TypeError, `${what} must be set to a string object`);
  incref(t.rc, value);
  // Under the object's critical section (CPython 3.14's `@critical_section` setter): two setters racing
  // would both release the same old name (a negative reference count, seen under
  // test/free-threading's generator-names scenario), a reader would take a released one.
  criticalSectionBegin(t.heap, gen + OB_MUTEX_OFFSET);
  const old = t.u32[(gen + offset) >>> 2]!;
  t.u32[(gen + offset) >>> 2] = value;
  criticalSectionEnd(t.heap);
  decref(t.rc, old);
  return 0;
}
