/**
 * Registration of the static types StaticType.Enumerate … StaticType.Frame:
 * the builtins' iterators (`enumerate`, `reversed`, `zip`, `map`,
 * `filter`: builtin-iterators.ts), the sequence and callable iterators
 * (`iterator`, `callable_iterator`: seq-iterator.ts), tracebacks
 * (traceback.ts) and frames (frame-object.ts) — their collector
 * behaviours, slots, attributes and specs, in StaticType order.
 *
 * enumerate, reversed, zip, map and filter may be subclassed, as in
 * CPython (`Py_TPFLAGS_BASETYPE`); the other four may not. None of them
 * has a `__dict__` or takes weak references (CPython's have neither).
 */

import { incref, TYPE_FLAG_HAVE_GC, type BehaviourRegistry } from '@ft/refcount';
import {
  callIterNext,
  ENUM_OBJECT_SIZE,
  enumerateNext,
  enumerateTypeNew,
  FILTER_OBJECT_SIZE,
  filterNext,
  filterTypeNew,
  ITERATOR_FIELDS,
  iteratorClear,
  iteratorDealloc,
  iteratorTraverse,
  MAP_OBJECT_SIZE,
  mapNext,
  mapTypeNew,
  REVERSED_OBJECT_SIZE,
  reversedLengthHint,
  reversedNext,
  reversedTypeNew,
  seqIterLengthHint,
  seqIterNext,
  ZIP_OBJECT_SIZE,
  zipNext,
  zipTypeNew,
} from './builtin-iterators.js';
import { errRaise } from './errors.js';
import { FRAME_ATTRIBUTES, FRAME_OBJECT_SIZE, frameClear, frameDealloc, frameReprJs, frameTraverse } from './frame-object.js';
import { StaticType } from './layout.js';
import { MethodTable, NOARGS } from './method-table.js';
import type { ObThread } from './ob-thread.js';
import { CALLITER_OBJECT_SIZE, ITER_OBJECT_SIZE } from './seq-iterator.js';
import type { SlotRegistry } from './slot-registry.js';
import { strFromJs } from './str.js';
import { typeName } from './subtype.js';
import { TRACEBACK_ATTRIBUTES, TRACEBACK_OBJECT_SIZE, tracebackClear, tracebackDealloc, tracebackTraverse, tracebackTypeNew } from './traceback.js';
import type { BuiltinTypeSpec } from './type-object.js';

type IteratorKind = keyof typeof ITERATOR_FIELDS;

/** Registers the group's behaviours and slots; returns its specs in StaticType order. @internal */
export function registerIteratorTypes(registry: BehaviourRegistry, slots: SlotRegistry, box: { readonly t: ObThread | null }): BuiltinTypeSpec[] {
  const ob = (): ObThread => box.t!;
  // `PyObject_SelfIter`: every iterator's `__iter__`.
  const selfIter = slots.add('iter', 'iterators/self', (t, op) => {
    incref(t.rc, op);
    return op;
  });
  // No `tp_new` in CPython: "cannot create 'iterator' instances".
  const noNew = slots.add('new', 'iterators/no-new', (t, type) => errRaise(t, StaticType.TypeError, `cannot create '${typeName(t, type)}' instances`));
  const behaviours = (kind: IteratorKind) => {
    const fields = ITERATOR_FIELDS[kind];
    return {
      dealloc: registry.add('dealloc', `objects/${kind}`, (_rc, op) => iteratorDealloc(ob(), op, fields)),
      traverse: registry.add('traverse', `objects/${kind}`, (rc, op, visit) => iteratorTraverse(rc, op, visit, fields)),
      clear: registry.add('clear', `objects/${kind}`, (rc, op) => iteratorClear(rc, op, fields)),
    };
  };
  const iterator = (name: string, kind: IteratorKind, basicSize: number, own: BuiltinTypeSpec['slots'], final: boolean): BuiltinTypeSpec => ({
    name,
    baseIndex: StaticType.Object + 1,
    basicSize,
    flags: TYPE_FLAG_HAVE_GC,
    final,
    ...behaviours(kind),
    slots: { iter: selfIter, ...own },
  });

  const enumerate = iterator('enumerate', 'enumerate', ENUM_OBJECT_SIZE, { iternext: slots.add('iternext', 'enumerate', enumerateNext), new: slots.add('new', 'enumerate', enumerateTypeNew) }, false);
  const reversedTable = new MethodTable(slots, 'reversed').method('__length_hint__', NOARGS, (t, self) => reversedLengthHint(t, self)).done();
  const reversed = {
    ...iterator('reversed', 'reversed', REVERSED_OBJECT_SIZE, { iternext: slots.add('iternext', 'reversed', reversedNext), new: slots.add('new', 'reversed', reversedTypeNew) }, false),
    ...reversedTable,
  };
  const zip = iterator('zip', 'zip', ZIP_OBJECT_SIZE, { iternext: slots.add('iternext', 'zip', zipNext), new: slots.add('new', 'zip', zipTypeNew) }, false);
  const map = iterator('map', 'map', MAP_OBJECT_SIZE, { iternext: slots.add('iternext', 'map', mapNext), new: slots.add('new', 'map', mapTypeNew) }, false);
  const filter = iterator('filter', 'filter', FILTER_OBJECT_SIZE, { iternext: slots.add('iternext', 'filter', filterNext), new: slots.add('new', 'filter', filterTypeNew) }, false);
  const seqIterTable = new MethodTable(slots, 'iterator').method('__length_hint__', NOARGS, (t, self) => seqIterLengthHint(t, self)).done();
  const seqIter = { ...iterator('iterator', 'iterator', ITER_OBJECT_SIZE, { iternext: slots.add('iternext', 'iterator', seqIterNext), new: noNew }, true), ...seqIterTable };
  const callIter = iterator('callable_iterator', 'callableIterator', CALLITER_OBJECT_SIZE, { iternext: slots.add('iternext', 'callable_iterator', callIterNext), new: noNew }, true);

  const tracebackTable = new MethodTable(slots, 'traceback');
  for (const [name, { get, set }] of Object.entries(TRACEBACK_ATTRIBUTES)) tracebackTable.getset(name, get, set);
  const traceback: BuiltinTypeSpec = {
    name: 'traceback',
    baseIndex: StaticType.Object + 1,
    basicSize: TRACEBACK_OBJECT_SIZE,
    flags: TYPE_FLAG_HAVE_GC,
    final: true,
    dealloc: registry.add('dealloc', 'objects/traceback', (_rc, op) => tracebackDealloc(ob(), op)),
    traverse: registry.add('traverse', 'objects/traceback', tracebackTraverse),
    clear: registry.add('clear', 'objects/traceback', tracebackClear),
    ...tracebackTable.done({ new: slots.add('new', 'traceback', tracebackTypeNew) }),
  };

  const frameTable = new MethodTable(slots, 'frame');
  for (const [name, { get, set }] of Object.entries(FRAME_ATTRIBUTES)) frameTable.getset(name, get, set);
  const frame: BuiltinTypeSpec = {
    name: 'frame',
    baseIndex: StaticType.Object + 1,
    basicSize: FRAME_OBJECT_SIZE,
    flags: TYPE_FLAG_HAVE_GC,
    final: true,
    dealloc: registry.add('dealloc', 'objects/frame', (_rc, op) => frameDealloc(ob(), op)),
    traverse: registry.add('traverse', 'objects/frame', frameTraverse),
    clear: registry.add('clear', 'objects/frame', frameClear),
    ...frameTable.done({ new: noNew, repr: slots.add('repr', 'frame', (t, op) => strFromJs(t, frameReprJs(t, op))) }),
  };

  const specs: BuiltinTypeSpec[] = [
    enumerate, // StaticType.Enumerate
    reversed, // StaticType.Reversed
    zip, // StaticType.Zip
    map, // StaticType.Map
    filter, // StaticType.Filter
    seqIter, // StaticType.SeqIter
    callIter, // StaticType.CallIter
    traceback, // StaticType.Traceback
    frame, // StaticType.Frame
  ];
  if (specs.length !== StaticType.Frame - StaticType.Enumerate + 1) throw new Error('iterator-types: wrong number of specs');
  return specs;
}
