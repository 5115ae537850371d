/**
 * Registration of the static types StaticType.Code … StaticType.Super:
 * code objects, functions, cells, bound methods, builtin functions, the
 * descriptors of builtin types, modules, staticmethod, classmethod,
 * property and super — their behaviours, slots, attributes and specs, in
 * StaticType order.
 */

import { incref, TYPE_FLAG_HAVE_GC, type BehaviourRegistry } from '@ft/refcount';
import { PY_EQ, PY_NE } from './abstract.js';
import {
  BUILTIN_FN_OFFSET,
  BUILTIN_MODULE_OFFSET,
  BUILTIN_SIZE,
  builtinDealloc,
  builtinFunctionCheck,
  builtinName,
  builtinQualNameJs,
  builtinReprJs,
  builtinSelf,
  builtinTraverse,
  builtinVectorcall,
  METH_FASTCALL,
  METH_KEYWORDS,
  METH_O,
} from './builtin-function.js';
import { cellClear, cellDealloc, cellGetContents, cellReprJs, cellRichCompare, cellSetContents, cellTraverse, CELL_SIZE } from './cell.js';
import {
  staticMethodDescrGet,
  classMethodDescrGet as classMethodGet,
  staticMethodVectorcall,
  wrapperClear,
  wrapperDealloc,
  wrapperGetFunc,
  wrapperReprJs,
  wrapperTraverse,
  wrapperTypeNew,
  WRAPPER_DICT_OFFSET,
  WRAPPER_SIZE,
} from './classmethod.js';
import {
  CODE_ARGCOUNT_OFFSET,
  CODE_CONSTS_OFFSET,
  CODE_FILENAME_OFFSET,
  CODE_FIRSTLINENO_OFFSET,
  CODE_FLAGS_OFFSET,
  CODE_KWONLYARGCOUNT_OFFSET,
  CODE_NAME_OFFSET,
  CODE_LINETABLE_OFFSET,
  CODE_EXCEPTIONTABLE_OFFSET,
  CODE_NAMES_OFFSET,
  CODE_POSONLYARGCOUNT_OFFSET,
  CODE_QUALNAME_OFFSET,
  CODE_STACKSIZE_OFFSET,
  CODE_UNITS_OFFSET,
  CODE_WEAKREFLIST_OFFSET,
  CO_FAST_CELL,
  CO_FAST_FREE,
  CO_FAST_LOCAL,
  codeBytes,
  codeDealloc,
  codeField,
  codeLocalsCount,
  codeNamesOfKind,
  codeReplace,
  codeReprJs,
  codeTraverse,
} from './code.js';
import {
  classMethodDescrGet,
  classMethodDescrVectorcall,
  DESCR_SIZE,
  DESCR_TYPE_OFFSET,
  descrDealloc,
  descrNameJs,
  descrQualName,
  descrReprJs,
  descrTraverse,
  getSetDescrGet,
  getSetDescrSet,
  methodDescrGet,
  methodDescrVectorcall,
} from './descr.js';
import { errRaise, errRaiseInt, errUnhashable } from './errors.js';
import { fieldGetRef } from './field-object.js';
import { FUNC_DICT_OFFSET, FUNC_WEAKREFLIST_OFFSET, FUNCTION_SIZE, functionAttributes, functionClear, functionDealloc, functionDescrGet, functionReprJs, functionTraverse, functionVectorcall } from './function.js';
import { objectGenericGetAttr, objectGetDict, objectSetDict } from './generic-attr.js';
import { weakrefFirst } from './weakref.js';
import { intFromNumber } from './int.js';
import { StaticType } from './layout.js';
import { METHOD_SIZE, methodDealloc, methodGetAttro, methodGetFunc, methodGetSelf, methodHash, methodReprJs, methodRichCompare, methodTraverse, methodVectorcall } from './method.js';
import { MODULE_DICT_OFFSET, MODULE_SIZE, MODULE_WEAKLIST_OFFSET, moduleClear, moduleDealloc, moduleDict, moduleGetAttro, moduleNew, moduleReprJs, moduleTraverse } from './module.js';
import type { GetterFn, ObThread, SetterFn, SlotDispatchIds } from './ob-thread.js';
import { registerSlotDispatchers } from './slot-dispatch.js';
import {
  METHOD_WRAPPER_SIZE,
  methodWrapperDealloc,
  methodWrapperReprJs,
  methodWrapperSelf,
  methodWrapperTraverse,
  methodWrapperVectorcall,
  registerWrapperBehaviours,
  wrapperDescrGet,
  wrapperDescrReprJs,
  wrapperDescrVectorcall,
} from './slot-wrappers.js';
import {
  PROPERTY_DOC_OFFSET,
  PROPERTY_FDEL_OFFSET,
  PROPERTY_FGET_OFFSET,
  PROPERTY_FSET_OFFSET,
  PROPERTY_SIZE,
  propertyClear,
  propertyCopy,
  propertyDealloc,
  propertyDescrGet,
  propertyDescrSet,
  propertyGetField,
  propertySetDoc,
  propertySetName,
  propertyTraverse,
  propertyTypeNew,
} from './property.js';
import type { SlotRegistry } from './slot-registry.js';
import { strFromJs } from './str.js';
import { strToJs } from './str-read.js';
import { superDealloc, superGetAttro, superGetField, superNew, superReprJs, superTraverse, SUPER_OBJ_OFFSET, SUPER_OBJ_TYPE_OFFSET, SUPER_SIZE, SUPER_TYPE_OFFSET } from './super.js';
import { tupleGetItem, tupleSize } from './tuple.js';
import type { BuiltinTypeSpec, GetSetSpec, MethodSpec } from './type-object.js';
import { dictSize } from './dict.js';

/** A str result from JavaScript text (0 with the exception when `text` is null). */
function strResult(t: ObThread, text: string | null): number {
  return text === null ? 0 : strFromJs(t, text);
}

function newRef(t: ObThread, op: number): number {
  incref(t.rc, op);
  return op;
}

/** What {@link registerCallableTypes} returns: the specs in StaticType order and the ids the type machinery needs. @internal */
export interface CallableTypes {
  readonly specs: BuiltinTypeSpec[];
  readonly slotDispatch: SlotDispatchIds;
  readonly newWrapper: number;
  readonly subtypeGetSets: { readonly dictGet: number; readonly dictSet: number; readonly weakrefGet: number };
}

/** Registers the group's behaviours and slots (and the special-method slots of classes); returns its specs in StaticType order. @internal */
export function registerCallableTypes(registry: BehaviourRegistry, slots: SlotRegistry, box: { readonly t: ObThread | null }): CallableTypes {
  const ob = (): ObThread => box.t!;
  const slotDispatch = registerSlotDispatchers(slots);
  const { newWrapper } = registerWrapperBehaviours(slots);
  // A class's `__dict__` and `__weakref__` (heap-type.ts puts the descriptors in its dict).
  const subtypeGetSets = {
    dictGet: slots.add('getter', 'subtype.__dict__', objectGetDict),
    dictSet: slots.add('setter', 'subtype.__dict__', objectSetDict), // `subtype_setdict`: `del obj.__dict__` empties the slot (a fresh dict on the next use)
    weakrefGet: slots.add('getter', 'subtype.__weakref__', weakrefFirst), // a new reference already (the weakref or None)
  };
  const getsets = (owner: string, table: Record<string, { get: GetterFn; set?: SetterFn }>): GetSetSpec[] =>
    Object.entries(table).map(([name, { get, set }]) => ({ name, get: slots.add('getter', `${owner}.${name}`, get), set: set === undefined ? 0 : slots.add('setter', `${owner}.${name}`, set) }));
  const method = (owner: string, name: string, flags: number, fn: (t: ObThread, self: number, args: number, nargs: number, kwnames: number) => number): MethodSpec => ({
    name,
    flags,
    fn: slots.add('vectorcall', `${owner}.${name}`, fn),
  });
  const unhashable = slots.add('hash', 'callables/unhashable', errUnhashable);
  const final = true;

  // code
  const codeInt = (offset: number) => ({ get: (t: ObThread, op: number) => intFromNumber(t, codeField(t, op, offset)) });
  const codeObj = (offset: number) => ({ get: (t: ObThread, op: number) => fieldGetRef(t, op, offset) });
  const code: BuiltinTypeSpec = {
    name: 'code',
    baseIndex: StaticType.Object + 1,
    basicSize: CODE_UNITS_OFFSET,
    itemSize: 2,
    weaklistOffset: CODE_WEAKREFLIST_OFFSET,
    final,
    flags: TYPE_FLAG_HAVE_GC,
    dealloc: registry.add('dealloc', 'objects/code', (_rc, op) => codeDealloc(ob(), op)),
    traverse: registry.add('traverse', 'objects/code', codeTraverse),
    slots: { repr: slots.add('repr', 'code', (t, op) => strFromJs(t, codeReprJs(t, op))) },
    methods: [
      method('code', 'replace', METH_FASTCALL | METH_KEYWORDS, (t, self, args, nargs, kwnames) => {
        if (nargs !== 0) return errRaise(t, StaticType.TypeError, 'replace() takes no positional arguments');
        const changes = new Map<string, number>();
        const n = kwnames === 0 ? 0 : tupleSize(t, kwnames);
        for (let i = 0; i < n; i++) changes.set(strToJs(t, tupleGetItem(t, kwnames, i)), t.u32[(args >>> 2) + i]!);
        return codeReplace(t, self, changes);
      }),
    ],
    getsets: getsets('code', {
      co_argcount: codeInt(CODE_ARGCOUNT_OFFSET),
      co_posonlyargcount: codeInt(CODE_POSONLYARGCOUNT_OFFSET),
      co_kwonlyargcount: codeInt(CODE_KWONLYARGCOUNT_OFFSET),
      co_nlocals: { get: (t: ObThread, op: number) => intFromNumber(t, codeLocalsCount(t, op)) },
      co_stacksize: codeInt(CODE_STACKSIZE_OFFSET),
      co_flags: codeInt(CODE_FLAGS_OFFSET),
      co_firstlineno: codeInt(CODE_FIRSTLINENO_OFFSET),
      co_consts: codeObj(CODE_CONSTS_OFFSET),
      co_names: codeObj(CODE_NAMES_OFFSET),
      co_filename: codeObj(CODE_FILENAME_OFFSET),
      co_name: codeObj(CODE_NAME_OFFSET),
      co_qualname: codeObj(CODE_QUALNAME_OFFSET),
      co_varnames: { get: (t: ObThread, op: number) => codeNamesOfKind(t, op, CO_FAST_LOCAL) },
      co_cellvars: { get: (t: ObThread, op: number) => codeNamesOfKind(t, op, CO_FAST_CELL) },
      co_freevars: { get: (t: ObThread, op: number) => codeNamesOfKind(t, op, CO_FAST_FREE) },
      co_code: { get: codeBytes },
      co_linetable: codeObj(CODE_LINETABLE_OFFSET),
      co_exceptiontable: codeObj(CODE_EXCEPTIONTABLE_OFFSET),
    }),
  };

  // function
  const functionSpec: BuiltinTypeSpec = {
    name: 'function',
    baseIndex: StaticType.Object + 1,
    basicSize: FUNCTION_SIZE,
    flags: TYPE_FLAG_HAVE_GC,
    dictOffset: FUNC_DICT_OFFSET,
    weaklistOffset: FUNC_WEAKREFLIST_OFFSET,
    final,
    dealloc: registry.add('dealloc', 'objects/function', (_rc, op) => functionDealloc(ob(), op)),
    traverse: registry.add('traverse', 'objects/function', functionTraverse),
    clear: registry.add('clear', 'objects/function', functionClear),
    slots: {
      repr: slots.add('repr', 'function', (t, op) => strFromJs(t, functionReprJs(t, op))),
      vectorcall: slots.add('vectorcall', 'function', functionVectorcall),
      descrGet: slots.add('descrGet', 'function', functionDescrGet),
    },
    getsets: getsets('function', {
      ...functionAttributes,
      // `PyObject_GenericGetDict` / `PyObject_GenericSetDict`: the attribute dict, made on first use.
      __dict__: { get: objectGetDict, set: (t, op, value) => (value === 0 ? errRaiseInt(t, StaticType.TypeError, 'cannot delete __dict__') : objectSetDict(t, op, value)) },
    }),
  };

  // cell
  const cell: BuiltinTypeSpec = {
    name: 'cell',
    baseIndex: StaticType.Object + 1,
    basicSize: CELL_SIZE,
    flags: TYPE_FLAG_HAVE_GC,
    final,
    dealloc: registry.add('dealloc', 'objects/cell', (_rc, op) => cellDealloc(ob(), op)),
    traverse: registry.add('traverse', 'objects/cell', cellTraverse),
    clear: registry.add('clear', 'objects/cell', cellClear),
    slots: {
      repr: slots.add('repr', 'cell', (t, op) => strFromJs(t, cellReprJs(t, op))),
      richcompare: slots.add('richcompare', 'cell', cellRichCompare),
      hash: unhashable,
    },
    getsets: getsets('cell', { cell_contents: { get: cellGetContents, set: cellSetContents } }),
  };

  // method (bound)
  const methodGeneric = (t: ObThread, op: number, name: number) => objectGenericGetAttr(t, op, name);
  const methodSpec: BuiltinTypeSpec = {
    name: 'method',
    baseIndex: StaticType.Object + 1,
    basicSize: METHOD_SIZE,
    flags: TYPE_FLAG_HAVE_GC,
    final,
    dealloc: registry.add('dealloc', 'objects/method', (_rc, op) => methodDealloc(ob(), op)),
    traverse: registry.add('traverse', 'objects/method', methodTraverse),
    slots: {
      repr: slots.add('repr', 'method', (t, op) => strResult(t, methodReprJs(t, op))),
      richcompare: slots.add('richcompare', 'method', methodRichCompare),
      hash: slots.add('hash', 'method', methodHash),
      vectorcall: slots.add('vectorcall', 'method', methodVectorcall),
      getattro: slots.add('getattro', 'method', (t, op, name) => methodGetAttro(t, op, name, methodGeneric)),
    },
    getsets: getsets('method', { __func__: { get: methodGetFunc }, __self__: { get: methodGetSelf } }),
  };

  // builtin_function_or_method
  const builtinSpec: BuiltinTypeSpec = {
    name: 'builtin_function_or_method',
    baseIndex: StaticType.Object + 1,
    basicSize: BUILTIN_SIZE,
    flags: TYPE_FLAG_HAVE_GC,
    final,
    dealloc: registry.add('dealloc', 'objects/builtin-function', (_rc, op) => builtinDealloc(ob(), op)),
    traverse: registry.add('traverse', 'objects/builtin-function', builtinTraverse),
    slots: {
      repr: slots.add('repr', 'builtin_function_or_method', (t, op) => strFromJs(t, builtinReprJs(t, op))),
      vectorcall: slots.add('vectorcall', 'builtin_function_or_method', builtinVectorcall),
      // `meth_richcompare`: the same function bound to the identical object.
      richcompare: slots.add('richcompare', 'builtin_function_or_method', (t, a, b, op) => {
        if ((op !== PY_EQ && op !== PY_NE) || !builtinFunctionCheck(t, a) || !builtinFunctionCheck(t, b)) return newRef(t, t.notImplemented);
        const same = builtinSelf(t, a) === builtinSelf(t, b) && t.u32[(a + BUILTIN_FN_OFFSET) >>> 2] === t.u32[(b + BUILTIN_FN_OFFSET) >>> 2];
        return newRef(t, same === (op === PY_EQ) ? t.true : t.false);
      }),
      hash: slots.add('hash', 'builtin_function_or_method', (t, op) => {
        const self = builtinSelf(t, op);
        const x = self === 0 ? 0 : ((self >>> 4) | (self << 28)) | 0;
        const h = x ^ Math.imul(t.u32[(op + BUILTIN_FN_OFFSET) >>> 2]!, 0x9e3779b1);
        return h === -1 ? -2 : h;
      }),
    },
    getsets: getsets('builtin_function_or_method', {
      __name__: { get: (t, op) => newRef(t, builtinName(t, op)) },
      __qualname__: { get: (t, op) => strFromJs(t, builtinQualNameJs(t, op)) },
      __self__: { get: (t, op) => newRef(t, builtinSelf(t, op) || t.none) },
      __module__: { get: (t, op) => newRef(t, t.u32[(op + BUILTIN_MODULE_OFFSET) >>> 2] || t.none) },
      __doc__: { get: (t) => newRef(t, t.none) },
    }),
  };

  // The descriptors of builtin types.
  const descrBehaviours = {
    dealloc: registry.add('dealloc', 'objects/descriptor', (_rc, op) => descrDealloc(ob(), op)),
    traverse: registry.add('traverse', 'objects/descriptor', descrTraverse),
  };
  const descrRepr = slots.add('repr', 'descriptor', (t, op) => strFromJs(t, descrReprJs(t, op)));
  const descrAttributes = (owner: string) =>
    getsets(owner, {
      __name__: { get: (t, op) => strFromJs(t, descrNameJs(t, op)) },
      __qualname__: { get: descrQualName },
      __objclass__: { get: (t, op) => fieldGetRef(t, op, DESCR_TYPE_OFFSET) },
      __doc__: { get: (t) => newRef(t, t.none) },
    });
  const descriptor = (name: string, own: BuiltinTypeSpec['slots']): BuiltinTypeSpec => ({
    name,
    baseIndex: StaticType.Object + 1,
    basicSize: DESCR_SIZE,
    flags: TYPE_FLAG_HAVE_GC,
    final,
    ...descrBehaviours,
    slots: { repr: descrRepr, ...own },
    getsets: descrAttributes(name),
  });
  const methodDescriptor = descriptor('method_descriptor', {
    descrGet: slots.add('descrGet', 'method_descriptor', methodDescrGet),
    vectorcall: slots.add('vectorcall', 'method_descriptor', methodDescrVectorcall),
  });
  const classMethodDescriptor = descriptor('classmethod_descriptor', {
    descrGet: slots.add('descrGet', 'classmethod_descriptor', classMethodDescrGet),
    vectorcall: slots.add('vectorcall', 'classmethod_descriptor', classMethodDescrVectorcall),
  });
  const wrapperDescriptorBase = descriptor('wrapper_descriptor', {
    descrGet: slots.add('descrGet', 'wrapper_descriptor', wrapperDescrGet),
    vectorcall: slots.add('vectorcall', 'wrapper_descriptor', wrapperDescrVectorcall),
  });
  const wrapperDescriptor: BuiltinTypeSpec = {
    ...wrapperDescriptorBase,
    slots: { ...wrapperDescriptorBase.slots, repr: slots.add('repr', 'wrapper_descriptor', (t, op) => strFromJs(t, wrapperDescrReprJs(t, op))) },
  };
  const methodWrapper: BuiltinTypeSpec = {
    name: 'method-wrapper',
    baseIndex: StaticType.Object + 1,
    basicSize: METHOD_WRAPPER_SIZE,
    flags: TYPE_FLAG_HAVE_GC,
    final,
    dealloc: registry.add('dealloc', 'objects/method-wrapper', (_rc, op) => methodWrapperDealloc(ob(), op)),
    traverse: registry.add('traverse', 'objects/method-wrapper', methodWrapperTraverse),
    slots: {
      repr: slots.add('repr', 'method-wrapper', (t, op) => strFromJs(t, methodWrapperReprJs(t, op))),
      vectorcall: slots.add('vectorcall', 'method-wrapper', methodWrapperVectorcall),
    },
    getsets: getsets('method-wrapper', { __self__: { get: methodWrapperSelf } }),
  };
  const getSetDescriptor = descriptor('getset_descriptor', {
    descrGet: slots.add('descrGet', 'getset_descriptor', getSetDescrGet),
    descrSet: slots.add('descrSet', 'getset_descriptor', getSetDescrSet),
  });

  // module
  const moduleSpec: BuiltinTypeSpec = {
    name: 'module',
    baseIndex: StaticType.Object + 1,
    basicSize: MODULE_SIZE,
    flags: TYPE_FLAG_HAVE_GC,
    dictOffset: MODULE_DICT_OFFSET,
    weaklistOffset: MODULE_WEAKLIST_OFFSET,
    dealloc: registry.add('dealloc', 'objects/module', (_rc, op) => moduleDealloc(ob(), op)),
    traverse: registry.add('traverse', 'objects/module', moduleTraverse),
    clear: registry.add('clear', 'objects/module', moduleClear),
    slots: {
      repr: slots.add('repr', 'module', (t, op) => strResult(t, moduleReprJs(t, op))),
      getattro: slots.add('getattro', 'module', moduleGetAttro),
      // `module(name, doc=None)`.
      new: slots.add('new', 'module', (t, _type, args, kwargs) => {
        const n = tupleSize(t, args);
        if (kwargs !== 0 && dictSize(t, kwargs) > 0) return errRaise(t, StaticType.TypeError, 'module() takes no keyword arguments');
        if (n < 1 || n > 2) return errRaise(t, StaticType.TypeError, `module() takes from 1 to 2 positional arguments but ${n} were given`);
        return moduleNew(t, tupleGetItem(t, args, 0), n === 2 ? tupleGetItem(t, args, 1) : 0);
      }),
    },
    // `module_members`' read-only `__dict__`: the module's namespace itself (`vars(m)`).
    getsets: getsets('module', {
      __dict__: { get: (t, op) => newRef(t, moduleDict(t, op) || t.none), set: (t) => errRaiseInt(t, StaticType.AttributeError, 'readonly attribute') },
    }),
  };

  // staticmethod, classmethod
  const wrapperBehaviours = (name: string) => ({
    dealloc: registry.add('dealloc', `objects/${name}`, (_rc, op) => wrapperDealloc(ob(), op)),
    traverse: registry.add('traverse', `objects/${name}`, wrapperTraverse),
    clear: registry.add('clear', `objects/${name}`, wrapperClear),
  });
  const wrapperAttributes = (owner: string) => getsets(owner, { __func__: { get: wrapperGetFunc }, __wrapped__: { get: wrapperGetFunc } });
  const staticMethod: BuiltinTypeSpec = {
    name: 'staticmethod',
    baseIndex: StaticType.Object + 1,
    basicSize: WRAPPER_SIZE,
    flags: TYPE_FLAG_HAVE_GC,
    dictOffset: WRAPPER_DICT_OFFSET,
    ...wrapperBehaviours('staticmethod'),
    slots: {
      repr: slots.add('repr', 'staticmethod', (t, op) => strResult(t, wrapperReprJs(t, op))),
      descrGet: slots.add('descrGet', 'staticmethod', staticMethodDescrGet),
      vectorcall: slots.add('vectorcall', 'staticmethod', staticMethodVectorcall),
      new: slots.add('new', 'staticmethod', (t, type, args, kwargs) => wrapperTypeNew(t, type, args, kwargs, 'staticmethod')),
    },
    getsets: wrapperAttributes('staticmethod'),
  };
  const classMethod: BuiltinTypeSpec = {
    name: 'classmethod',
    baseIndex: StaticType.Object + 1,
    basicSize: WRAPPER_SIZE,
    flags: TYPE_FLAG_HAVE_GC,
    dictOffset: WRAPPER_DICT_OFFSET,
    ...wrapperBehaviours('classmethod'),
    slots: {
      repr: slots.add('repr', 'classmethod', (t, op) => strResult(t, wrapperReprJs(t, op))),
      descrGet: slots.add('descrGet', 'classmethod', classMethodGet),
      new: slots.add('new', 'classmethod', (t, type, args, kwargs) => wrapperTypeNew(t, type, args, kwargs, 'classmethod')),
    },
    getsets: wrapperAttributes('classmethod'),
  };

  // property
  const copier = (which: 0 | 1 | 2) => (t: ObThread, self: number, args: number) => propertyCopy(t, self, which, t.u32[args >>> 2]!);
  const property: BuiltinTypeSpec = {
    name: 'property',
    baseIndex: StaticType.Object + 1,
    basicSize: PROPERTY_SIZE,
    flags: TYPE_FLAG_HAVE_GC,
    dealloc: registry.add('dealloc', 'objects/property', (_rc, op) => propertyDealloc(ob(), op)),
    traverse: registry.add('traverse', 'objects/property', propertyTraverse),
    clear: registry.add('clear', 'objects/property', propertyClear),
    slots: {
      descrGet: slots.add('descrGet', 'property', propertyDescrGet),
      descrSet: slots.add('descrSet', 'property', propertyDescrSet),
      new: slots.add('new', 'property', propertyTypeNew),
    },
    methods: [
      method('property', 'getter', METH_O, copier(0)),
      method('property', 'setter', METH_O, copier(1)),
      method('property', 'deleter', METH_O, copier(2)),
      method('property', '__set_name__', METH_FASTCALL, (t, self, args, nargs) => {
        if (nargs !== 2) return errRaise(t, StaticType.TypeError, `__set_name__() takes 2 positional arguments but ${nargs} were given`);
        propertySetName(t, self, t.u32[(args >>> 2) + 1]!);
        return newRef(t, t.none);
      }),
    ],
    getsets: getsets('property', {
      fget: { get: (t, op) => propertyGetField(t, op, PROPERTY_FGET_OFFSET) },
      fset: { get: (t, op) => propertyGetField(t, op, PROPERTY_FSET_OFFSET) },
      fdel: { get: (t, op) => propertyGetField(t, op, PROPERTY_FDEL_OFFSET) },
      __doc__: { get: (t, op) => propertyGetField(t, op, PROPERTY_DOC_OFFSET), set: propertySetDoc },
    }),
  };

  // super
  const superSpec: BuiltinTypeSpec = {
    name: 'super',
    baseIndex: StaticType.Object + 1,
    basicSize: SUPER_SIZE,
    flags: TYPE_FLAG_HAVE_GC,
    dealloc: registry.add('dealloc', 'objects/super', (_rc, op) => superDealloc(ob(), op)),
    traverse: registry.add('traverse', 'objects/super', superTraverse),
    slots: {
      repr: slots.add('repr', 'super', (t, op) => strFromJs(t, superReprJs(t, op))),
      getattro: slots.add('getattro', 'super', superGetAttro),
      new: slots.add('new', 'super', superNew),
    },
    getsets: getsets('super', {
      __thisclass__: { get: (t, op) => superGetField(t, op, SUPER_TYPE_OFFSET) },
      __self__: { get: (t, op) => superGetField(t, op, SUPER_OBJ_OFFSET) },
      __self_class__: { get: (t, op) => superGetField(t, op, SUPER_OBJ_TYPE_OFFSET) },
    }),
  };

  const specs: BuiltinTypeSpec[] = [
    code,
    functionSpec,
    cell,
    methodSpec,
    builtinSpec,
    methodDescriptor,
    classMethodDescriptor,
    wrapperDescriptor,
    methodWrapper,
    getSetDescriptor,
    moduleSpec,
    staticMethod,
    classMethod,
    property,
    superSpec,
  ];
  if (specs.length !== StaticType.Super - StaticType.Code + 1) throw new Error('callable-types: wrong number of specs');
  return { specs, slotDispatch, newWrapper, subtypeGetSets };
}
