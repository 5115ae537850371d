/**
 * Registration of StaticType.Coroutine … StaticType.AsyncGenWrappedValue
 * (`PyCoro_Type`, `_PyCoroWrapper_Type`, `PyAsyncGen_Type`,
 * `_PyAsyncGenASend_Type`, `_PyAsyncGenAThrow_Type`,
 * `_PyAsyncGenWrappedValue_Type`), in StaticType order.
 *
 * Coroutines and async generators are laid out as generators
 * (generator.ts) and resumed by the same VM operations; what differs is
 * their Python face: a coroutine is awaitable (`__await__` gives its
 * `coroutine_wrapper` iterator) and not iterable, with `cr_*` attributes;
 * an async generator is an async iterator whose `__anext__`, `asend`,
 * `athrow` and `aclose` give awaitables (async-generator.ts).
 */

import { decref, incref, TYPE_FLAG_HAVE_GC, type BehaviourRegistry } from '@ft/refcount';
import {
  AG_AWAITABLE_FIELDS,
  AG_AWAITABLE_SIZE,
  AG_WRAPPED_FIELDS,
  AG_WRAPPED_SIZE,
  asendNew,
  asendSend,
  asendThrow,
  asyncGenRunning,
  athrowNew,
  athrowSend,
  athrowThrow,
  awaitableClose,
} from './async-generator.js';
import { iterNextRaw } from './abstract.js';
import { objectVectorcall } from './call.js';
import { errClear, errExceptionMatches, errRaise, errSetObject } from './errors.js';
import { objectGetAttr } from './generic-attr.js';
import { strInternFromJs } from './intern.js';
import { fieldsClear, fieldsDealloc, fieldsNew, fieldsTraverse } from './field-object.js';
import { boolRef, fieldRef, setName } from './generator-types.js';
import {
  FrameWord,
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
import { StaticType } from './layout.js';
import { FASTCALL, MethodTable, NOARGS, ONE_ARG } from './method-table.js';
import type { ObThread } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import { strFromJs } from './str.js';
import { typeName, typeOf } from './subtype.js';
import { typeSlotId } from './type-slots.js';
import { tupleFromArray } from './tuple-core.js';
import type { BuiltinTypeSpec } from './type-object.js';

/** `cw_coroutine`: the coroutine a `coroutine_wrapper` iterates (strong). @internal */ export const CORO_WRAPPER_CORO_OFFSET = 20;
/** `anext_awaitable`'s awaitable of `__anext__()` (strong) and its default (strong). */
const ANEXT_WRAPPED_OFFSET = 20;
const ANEXT_DEFAULT_OFFSET = 24;
const ANEXT_SIZE = 28;
const ANEXT_FIELDS = [ANEXT_WRAPPED_OFFSET, ANEXT_DEFAULT_OFFSET] as const;

/**
 * `anext(aiterator, default)`'s awaitable (`anextawaitable_new`): awaits
 * `awaitable`, whose StopAsyncIteration becomes StopIteration(default), the
 * default as the await's result. 0 with MemoryError.
 * @public
 */
export function anextAwaitableNew(t: ObThread, awaitable: number, dflt: number): number {
  return fieldsNew(t, t.types[StaticType.AnextAwaitable]!, ANEXT_FIELDS, [awaitable, dflt]);
}

/**
 * `anextawaitable_proxy`: `method` (`__next__` when null, with `args`
 * as a vectorcall's arguments) of what awaiting the wrapped awaitable
 * iterates; its StopAsyncIteration is StopIteration(default).
 */
function anextProxy(t: ObThread, o: number, method: 'send' | 'throw' | 'close' | null, args: number, nargs: number): number {
  const ops = generatorOps(t);
  if (ops === null) return 0;
  let awaitable = ops.awaitableIter(t, t.u32[(o + ANEXT_WRAPPED_OFFSET) >>> 2]!);
  if (awaitable === 0) return 0;
  if (typeSlotId(t, typeOf(t, awaitable), 'iternext') === 0) {
    // Only a coroutine lacks `__next__`: its `__await__()` is what is iterated.
    const wrapper = fieldsNew(t, t.types[StaticType.CoroutineWrapper]!, CORO_WRAPPER_FIELDS, [awaitable]);
    decref(t.rc, awaitable);
    if (wrapper === 0) return 0;
    awaitable = wrapper;
  }
  let ret: number;
  if (method === null) ret = iterNextRaw(t, awaitable);
  else {
    const name = strInternFromJs(t, method);
    const meth = name === 0 ? 0 : objectGetAttr(t, awaitable, name);
    if (name !== 0) decref(t.rc, name);
    ret = meth === 0 ? 0 : objectVectorcall(t, meth, args, nargs, 0);
    if (meth !== 0) decref(t.rc, meth);
  }
  decref(t.rc, awaitable);
  if (ret !== 0) return ret;
  if (errExceptionMatches(t, t.types[StaticType.StopAsyncIteration]!)) {
    errClear(t);
    const dflt = t.u32[(o + ANEXT_DEFAULT_OFFSET) >>> 2]!;
    const value = tupleFromArray(t, [dflt]);
    if (value === 0) return 0;
    errSetObject(t, t.types[StaticType.StopIteration]!, value);
    decref(t.rc, value);
  }
  return 0;
}
const CORO_WRAPPER_SIZE = 24;
const CORO_WRAPPER_FIELDS = [CORO_WRAPPER_CORO_OFFSET] as const;

function suspended(t: ObThread, gen: number): boolean {
  const s = generatorState(t, gen);
  return s === GEN_SUSPENDED || s === GEN_SUSPENDED_YIELD_FROM;
}

function codeRef(t: ObThread, gen: number, attr: string, kind: string): number {
  const code = t.u32[((gen + GEN_FRAME_OFFSET) >>> 2) + FrameWord.Code]!;
  if (code === 0) return errRaise(t, StaticType.AttributeError, `'${kind}' object has no attribute '${attr}'`);
  incref(t.rc, code);
  return code;
}

/** Registers the group's behaviours and slots; returns its specs in StaticType order. @internal */
export function registerCoroutineTypes(registry: BehaviourRegistry, slots: SlotRegistry, box: { readonly t: ObThread | null }): BuiltinTypeSpec[] {
  const ob = (): ObThread => box.t!;
  const selfIter = slots.add('iter', 'coroutines/self', (t, op) => {
    incref(t.rc, op);
    return op;
  });
  const noNew = slots.add('new', 'coroutines/no-new', (t, type) => errRaise(t, StaticType.TypeError, `cannot create '${typeName(t, type)}' instances`));
  const repr = slots.add('repr', 'coroutines/repr', (t, op) => strFromJs(t, generatorReprJs(t, op)));
  /** The layout and lifetime of a generator, under the names of `owner`. */
  const generatorLike = (owner: string) => ({
    baseIndex: StaticType.Object + 1,
    basicSize: GEN_FRAME_OFFSET,
    itemSize: 4,
    weaklistOffset: GEN_WEAKREFLIST_OFFSET,
    flags: TYPE_FLAG_HAVE_GC,
    final: true,
    dealloc: registry.add('dealloc', `objects/${owner}`, (_rc, op) => generatorDealloc(ob(), op)),
    traverse: registry.add('traverse', `objects/${owner}`, generatorTraverse),
    clear: registry.add('clear', `objects/${owner}`, generatorClear),
    finalize: registry.add('finalize', `objects/${owner}`, (_rc, op) => generatorFinalize(ob(), op)),
  });
  const fieldsType = (name: string, basicSize: number, fields: readonly number[]) => ({
    name,
    baseIndex: StaticType.Object + 1,
    basicSize,
    flags: TYPE_FLAG_HAVE_GC,
    final: true,
    dealloc: registry.add('dealloc', `objects/${name}`, (_rc, op) => fieldsDealloc(ob(), op, fields)),
    traverse: registry.add('traverse', `objects/${name}`, (rc, op, visit) => fieldsTraverse(rc, op, visit, fields)),
    clear: registry.add('clear', `objects/${name}`, (rc, op) => fieldsClear(rc, op, fields)),
  });

  // --- coroutine ---------------------------------------------------------------------------
  const coroutineTable = new MethodTable(slots, 'coroutine')
    .method('send', ONE_ARG, (t, coro, args) => generatorOps(t)?.send(t, coro, t.u32[args >>> 2]!) ?? 0)
    .method('throw', FASTCALL, (t, coro, args, nargs) => generatorOps(t)?.throw(t, coro, args, nargs) ?? 0)
    .method('close', NOARGS, (t, coro) => generatorOps(t)?.close(t, coro) ?? 0)
    .method('__await__', NOARGS, (t, coro) => fieldsNew(t, t.types[StaticType.CoroutineWrapper]!, CORO_WRAPPER_FIELDS, [coro]))
    .getset('cr_await', (t, coro) => generatorOps(t)?.yieldFrom(t, coro) ?? 0)
    .getset('cr_frame', (t, coro) => generatorOps(t)?.frame(t, coro) ?? 0)
    .getset('cr_running', (t, coro) => boolRef(t, generatorState(t, coro) === GEN_EXECUTING))
    .getset('cr_suspended', (t, coro) => boolRef(t, suspended(t, coro)))
    .getset('cr_code', (t, coro) => codeRef(t, coro, 'cr_code', 'coroutine'))
    // Origin tracking (`sys.set_coroutine_origin_tracking_depth`) is off: None.
    .getset('cr_origin', (t) => {
      incref(t.rc, t.none);
      return t.none;
    })
    .getset('__name__', (t, coro) => fieldRef(t, coro, GEN_NAME_OFFSET), (t, coro, value) => setName(t, coro, value, GEN_NAME_OFFSET, '__name__'))
    .getset('__qualname__', (t, coro) => fieldRef(t, coro, GEN_QUALNAME_OFFSET), (t, coro, value) => setName(t, coro, value, GEN_QUALNAME_OFFSET, '__qualname__'));
  const coroutine: BuiltinTypeSpec = { name: 'coroutine', ...generatorLike('coroutine'), ...coroutineTable.done({ repr, new: noNew }) };

  // --- coroutine_wrapper: what `coro.__await__()` returns ------------------------------------------
  const wrapped = (t: ObThread, w: number): number => t.u32[(w + CORO_WRAPPER_CORO_OFFSET) >>> 2]!;
  const wrapperTable = new MethodTable(slots, 'coroutine_wrapper')
    .method('send', ONE_ARG, (t, w, args) => generatorOps(t)?.send(t, wrapped(t, w), t.u32[args >>> 2]!) ?? 0)
    .method('throw', FASTCALL, (t, w, args, nargs) => generatorOps(t)?.throw(t, wrapped(t, w), args, nargs) ?? 0)
    .method('close', NOARGS, (t, w) => generatorOps(t)?.close(t, wrapped(t, w)) ?? 0);
  const coroutineWrapper: BuiltinTypeSpec = {
    ...fieldsType('coroutine_wrapper', CORO_WRAPPER_SIZE, CORO_WRAPPER_FIELDS),
    ...wrapperTable.done({
      iter: selfIter,
      // `coro_wrapper_iternext`: `gen_send_ex(coro, None)`; its return ends the iteration with StopIteration(value).
      iternext: slots.add('iternext', 'coroutine_wrapper', (t, w) => generatorOps(t)?.send(t, wrapped(t, w), t.none) ?? 0),
      new: noNew,
    }),
  };

  // --- async_generator ---------------------------------------------------------------------
  const asyncGenTable = new MethodTable(slots, 'async_generator')
    .method('__aiter__', NOARGS, (t, gen) => {
      incref(t.rc, gen);
      return gen;
    })
    .method('__anext__', NOARGS, (t, gen) => asendNew(t, gen, 0))
    .method('asend', ONE_ARG, (t, gen, args) => asendNew(t, gen, t.u32[args >>> 2]!))
    .method('athrow', FASTCALL, (t, gen, args, nargs) => {
      if (nargs < 1 || nargs > 3) return errRaise(t, StaticType.TypeError, nargs < 1 ? 'athrow expected at least 1 argument, got 0' : `athrow expected at most 3 arguments, got ${nargs}`);
      const items: number[] = [];
      for (let i = 0; i < nargs; i++) items.push(t.u32[(args >>> 2) + i]!);
      const tuple = tupleFromArray(t, items);
      if (tuple === 0) return 0;
      const r = athrowNew(t, gen, tuple);
      decref(t.rc, tuple);
      return r;
    })
    .method('aclose', NOARGS, (t, gen) => athrowNew(t, gen, 0))
    .getset('ag_await', (t, gen) => generatorOps(t)?.yieldFrom(t, gen) ?? 0)
    .getset('ag_frame', (t, gen) => generatorOps(t)?.frame(t, gen) ?? 0)
    .getset('ag_running', (t, gen) => boolRef(t, asyncGenRunning(t, gen)))
    .getset('ag_suspended', (t, gen) => boolRef(t, suspended(t, gen)))
    .getset('ag_code', (t, gen) => codeRef(t, gen, 'ag_code', 'async_generator'))
    .getset('__name__', (t, gen) => fieldRef(t, gen, GEN_NAME_OFFSET), (t, gen, value) => setName(t, gen, value, GEN_NAME_OFFSET, '__name__'))
    .getset('__qualname__', (t, gen) => fieldRef(t, gen, GEN_QUALNAME_OFFSET), (t, gen, value) => setName(t, gen, value, GEN_QUALNAME_OFFSET, '__qualname__'));
  const asyncGenerator: BuiltinTypeSpec = { name: 'async_generator', ...generatorLike('async_generator'), ...asyncGenTable.done({ repr, new: noNew }) };

  // --- the awaitables of async generators -----------------------------------------------------
  const asendTable = new MethodTable(slots, 'async_generator_asend')
    .method('send', ONE_ARG, (t, o, args) => asendSend(t, o, t.u32[args >>> 2]!))
    .method('throw', FASTCALL, asendThrow)
    .method('close', NOARGS, (t, o) => awaitableClose(t, o, asendThrow))
    .method('__await__', NOARGS, (t, o) => {
      incref(t.rc, o);
      return o;
    });
  const asend: BuiltinTypeSpec = {
    ...fieldsType('async_generator_asend', AG_AWAITABLE_SIZE, AG_AWAITABLE_FIELDS),
    ...asendTable.done({ iter: selfIter, iternext: slots.add('iternext', 'async_generator_asend', (t, o) => asendSend(t, o, 0)), new: noNew }),
  };
  const athrowTable = new MethodTable(slots, 'async_generator_athrow')
    .method('send', ONE_ARG, (t, o, args) => athrowSend(t, o, t.u32[args >>> 2]!))
    .method('throw', FASTCALL, athrowThrow)
    .method('close', NOARGS, (t, o) => awaitableClose(t, o, athrowThrow))
    .method('__await__', NOARGS, (t, o) => {
      incref(t.rc, o);
      return o;
    });
  const athrow: BuiltinTypeSpec = {
    ...fieldsType('async_generator_athrow', AG_AWAITABLE_SIZE, AG_AWAITABLE_FIELDS),
    ...athrowTable.done({ iter: selfIter, iternext: slots.add('iternext', 'async_generator_athrow', (t, o) => athrowSend(t, o, t.none)), new: noNew }),
  };
  const wrappedValue: BuiltinTypeSpec = { ...fieldsType('async_generator_wrapped_value', AG_WRAPPED_SIZE, AG_WRAPPED_FIELDS), slots: { new: noNew } };

  // --- anext_awaitable: `anext(aiterator, default)` -------------------------------------------
  const anextTable = new MethodTable(slots, 'anext_awaitable')
    .method('send', ONE_ARG, (t, o, args) => anextProxy(t, o, 'send', args, 1))
    .method('throw', FASTCALL, (t, o, args, nargs) => anextProxy(t, o, 'throw', args, nargs))
    .method('close', NOARGS, (t, o, args) => anextProxy(t, o, 'close', args, 0))
    .method('__await__', NOARGS, (t, o) => {
      incref(t.rc, o);
      return o;
    });
  const anextAwaitable: BuiltinTypeSpec = {
    ...fieldsType('anext_awaitable', ANEXT_SIZE, ANEXT_FIELDS),
    ...anextTable.done({ iter: selfIter, iternext: slots.add('iternext', 'anext_awaitable', (t, o) => anextProxy(t, o, null, 0, 0)), new: noNew }),
  };

  const specs = [coroutine, coroutineWrapper, asyncGenerator, asend, athrow, wrappedValue, anextAwaitable];
  if (specs.length !== StaticType.AnextAwaitable - StaticType.Coroutine + 1) throw new Error('coroutine-types: wrong number of specs');
  return specs;
}
