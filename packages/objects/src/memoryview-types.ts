/**
 * Registration of the static types StaticType.MemoryView and
 * StaticType.MemoryIter (memoryview.ts): the behaviours, slots, methods
 * (`release`, `tobytes`, `hex`, `tolist`, `cast`, `toreadonly`,
 * `__enter__`, `__exit__`) and getters (`obj`, `nbytes`, `readonly`,
 * `itemsize`, `format`, `ndim`, `shape`, `strides`, `suboffsets`,
 * `c_contiguous`, `f_contiguous`, `contiguous`) of `Objects/memoryobject.c`,
 * with Argument Clinic's argument parsing and messages.
 */

import { decref, TYPE_FLAG_HAVE_GC, type BehaviourRegistry } from '@ft/refcount';
import { badArgument, cIntArg, isStr, unpackKeywords, unpackKeywordsTuple, type ArgSpec } from './arg-parse.js';
import { bytesIterDealloc, bytesIterTraverse } from './bytes.js';
import { bytesHex } from './bytes-methods.js';
import { errRaise } from './errors.js';
import { MEMORYVIEW_SIZE, MEMORYVIEW_WEAKLIST_OFFSET, SEQITER_SIZE, StaticType } from './layout.js';
import {
  memoryIterNext,
  memoryViewAssSubscript,
  memoryViewAttribute,
  memoryViewCast,
  memoryViewClear,
  memoryViewDealloc,
  memoryViewEnter,
  memoryViewFromObject,
  memoryViewHash,
  memoryViewItem,
  memoryViewIter,
  memoryViewLength,
  memoryViewRelease,
  memoryViewReprJs,
  memoryViewRichCompare,
  memoryViewSubscript,
  memoryViewToBytes,
  memoryViewToList,
  memoryViewToReadOnly,
  memoryViewTraverse,
} from './memoryview.js';
import { FASTCALL, FASTCALL_KEYWORDS, MethodTable, newRef, noneResult, NOARGS } from './method-table.js';
import type { ObThread } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import { strFromJs } from './str.js';
import { strToJs } from './str-read.js';
import type { BuiltinTypeSpec } from './type-object.js';

const NEW_SPEC: ArgSpec = { fname: 'memoryview', posonly: 0, names: ['object'], minpos: 1, maxpos: 1 };
const TOBYTES_SPEC: ArgSpec = { fname: 'tobytes', posonly: 0, names: ['order'], minpos: 0, maxpos: 1 };
const HEX_SPEC: ArgSpec = { fname: 'hex', posonly: 0, names: ['sep', 'bytes_per_sep'], minpos: 0, maxpos: 2 };
const CAST_SPEC: ArgSpec = { fname: 'cast', posonly: 0, names: ['format', 'shape'], minpos: 1, maxpos: 2 };

const ATTRIBUTES = ['obj', 'nbytes', 'readonly', 'itemsize', 'format', 'ndim', 'shape', 'strides', 'suboffsets', 'c_contiguous', 'f_contiguous', 'contiguous'] as const;

/** Registers both types' behaviours, slots and methods; returns their specs in StaticType order. @internal */
export function registerMemoryViewTypes(registry: BehaviourRegistry, slots: SlotRegistry, box: { readonly t: ObThread | null }): BuiltinTypeSpec[] {
  const ob = (): ObThread => box.t!;
  const parsed: number[] = [];
  const table = new MethodTable(slots, 'memoryview')
    .method('release', NOARGS, (t, self) => (memoryViewRelease(t, self) < 0 ? 0 : noneResult(t)))
    // `order` is 'C', 'F', 'A' or None: a view of at most one dimension reads the same in each.
    .method('tobytes', FASTCALL_KEYWORDS, (t, self, args, nargs, kwnames) => {
      if (!unpackKeywords(t, TOBYTES_SPEC, args, nargs, kwnames, parsed)) return 0;
      const order = parsed[0]!;
      if (order !== 0 && order !== t.none) {
        if (!isStr(t, order)) return badArgument(t, 'tobytes', 'order', 'str or None', order);
        const text = strToJs(t, order);
        if (text !== 'C' && text !== 'F' && text !== 'A') return errRaise(t, StaticType.ValueError, "order must be 'C', 'F' or 'A'");
      }
      return memoryViewToBytes(t, self);
    })
    // `_Py_strhex_with_sep` over the bytes in C order: the same function, and messages, as bytes.hex.
    .method('hex', FASTCALL_KEYWORDS, (t, self, args, nargs, kwnames) => {
      if (!unpackKeywords(t, HEX_SPEC, args, nargs, kwnames, parsed)) return 0;
      const sep = parsed[0]!;
      let perSep = 1;
      if (parsed[1] !== 0) {
        const v = cIntArg(t, parsed[1]!);
        if (v === undefined) return 0;
        perSep = v;
      }
      const bytes = memoryViewToBytes(t, self);
      if (bytes === 0) return 0;
      const r = bytesHex(t, bytes, sep, perSep);
      decref(t.rc, bytes);
      return r;
    })
    .method('tolist', NOARGS, (t, self) => memoryViewToList(t, self))
    .method('cast', FASTCALL_KEYWORDS, (t, self, args, nargs, kwnames) => {
      if (!unpackKeywords(t, CAST_SPEC, args, nargs, kwnames, parsed)) return 0;
      const format = parsed[0]!;
      if (!isStr(t, format)) return badArgument(t, 'cast', 'format', 'str', format);
      return memoryViewCast(t, self, strToJs(t, format), parsed[1]!);
    })
    .method('toreadonly', NOARGS, (t, self) => memoryViewToReadOnly(t, self))
    // `memory_enter`: the view itself while it is not released.
    .method('__enter__', NOARGS, (t, self) => memoryViewEnter(t, self))
    // `memory_exit` (METH_VARARGS): any arguments, ignored; release().
    .method('__exit__', FASTCALL, (t, self) => (memoryViewRelease(t, self) < 0 ? 0 : noneResult(t)));
  for (const name of ATTRIBUTES) table.getset(name, (t, op) => memoryViewAttribute(t, op, name));
  const additions = table.done({
    new: slots.add('new', 'memoryview', (t, _type, args, kwargs) => (unpackKeywordsTuple(t, NEW_SPEC, args, kwargs, parsed) ? memoryViewFromObject(t, parsed[0]!) : 0)),
    repr: slots.add('repr', 'memoryview', (t, op) => strFromJs(t, memoryViewReprJs(t, op))),
    hash: slots.add('hash', 'memoryview', memoryViewHash),
    richcompare: slots.add('richcompare', 'memoryview', memoryViewRichCompare),
    length: slots.add('length', 'memoryview', memoryViewLength),
    subscript: slots.add('subscript', 'memoryview', memoryViewSubscript),
    assSubscript: slots.add('assSubscript', 'memoryview', memoryViewAssSubscript),
    item: slots.add('item', 'memoryview', memoryViewItem),
    iter: slots.add('iter', 'memoryview', memoryViewIter),
  });
  const memoryView: BuiltinTypeSpec = {
    name: 'memoryview',
    baseIndex: StaticType.Object + 1,
    basicSize: MEMORYVIEW_SIZE,
    weaklistOffset: MEMORYVIEW_WEAKLIST_OFFSET,
    flags: TYPE_FLAG_HAVE_GC,
    final: true,
    dealloc: registry.add('dealloc', 'objects/memoryview', (_rc, op) => memoryViewDealloc(ob(), op)),
    traverse: registry.add('traverse', 'objects/memoryview', memoryViewTraverse),
    clear: registry.add('clear', 'objects/memoryview', (_rc, op) => memoryViewClear(ob(), op)),
    ...additions,
  };
  const memoryIter: BuiltinTypeSpec = {
    name: 'memory_iterator',
    baseIndex: StaticType.Object + 1,
    basicSize: SEQITER_SIZE,
    flags: TYPE_FLAG_HAVE_GC,
    final: true,
    dealloc: registry.add('dealloc', 'objects/memory-iter', (_rc, op) => bytesIterDealloc(ob(), op)),
    traverse: registry.add('traverse', 'objects/memory-iter', bytesIterTraverse),
    slots: { iter: slots.add('iter', 'memory_iterator', newRef), iternext: slots.add('iternext', 'memory_iterator', memoryIterNext) },
  };
  return [memoryView, memoryIter];
}
