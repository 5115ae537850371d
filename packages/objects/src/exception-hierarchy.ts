/**
 * CPython 3.13's builtin exception hierarchy as static types: one table of
 * the classes (with 3.13's `_interpreters` exceptions, whose `tp_name` is
 * `interpreters.InterpreterError`), the layouts (BaseException's and the
 * larger ones, each with its collector behaviours and its attribute
 * slots), and the registration that gives builtin-types.ts each class's
 * spec: its layout and behaviours are those of its nearest ancestor that
 * has its own (exception-types.ts), every class has the `__dict__` word.
 *
 * `BaseExceptionGroup` and `ExceptionGroup` (a layout of their own, and a
 * second base for ExceptionGroup) are registered apart:
 * exception-group-types.ts.
 */

import { decref, TYPE_FLAG_HAVE_GC, type BehaviourRegistry } from '@ft/refcount';
import { objectRepr } from './abstract.js';
import {
  attributeErrorInit,
  charactersWritten,
  importErrorInit,
  importErrorStr,
  nameErrorInit,
  osErrorInit,
  osErrorNew,
  osErrorStr,
  ssizeMember,
  stopIterationInit,
  syntaxErrorInit,
  syntaxErrorStr,
  systemExitInit,
  unicodeErrorInit,
  unicodeErrorStr,
  type OsErrorIds,
} from './exception-types.js';
import {
  baseExceptionInit,
  baseExceptionNew,
  baseExceptionRepr,
  baseExceptionStr,
  exceptionArgs,
  exceptionAttributes,
  exceptionClear,
  exceptionDealloc,
  exceptionFactory,
  exceptionGetAttro,
  exceptionSetAttro,
  exceptionTraverse,
  objectMember,
  type ExceptionAttributes,
} from './exceptions.js';
import { setExceptionFactory } from './errors.js';
import {
  ATTRIBUTEERROR_NAME_OFFSET,
  ATTRIBUTEERROR_OBJ_OFFSET,
  ATTRIBUTEERROR_SIZE,
  BASE_EXCEPTION_SIZE,
  EXC_DICT_OFFSET,
  EXC_ONE_FIELD_SIZE,
  IMPORTERROR_MSG_OFFSET,
  IMPORTERROR_NAME_FROM_OFFSET,
  IMPORTERROR_NAME_OFFSET,
  IMPORTERROR_PATH_OFFSET,
  IMPORTERROR_SIZE,
  NAMEERROR_NAME_OFFSET,
  OSERROR_ERRNO_OFFSET,
  OSERROR_FILENAME2_OFFSET,
  OSERROR_FILENAME_OFFSET,
  OSERROR_SIZE,
  OSERROR_STRERROR_OFFSET,
  StaticType,
  STOPITERATION_VALUE_OFFSET,
  SYNTAXERROR_END_LINENO_OFFSET,
  SYNTAXERROR_END_OFFSET_OFFSET,
  SYNTAXERROR_FILENAME_OFFSET,
  SYNTAXERROR_LINENO_OFFSET,
  SYNTAXERROR_MSG_OFFSET,
  SYNTAXERROR_OFFSET_OFFSET,
  SYNTAXERROR_PRINT_FILE_AND_LINE_OFFSET,
  SYNTAXERROR_SIZE,
  SYNTAXERROR_TEXT_OFFSET,
  SYSTEMEXIT_CODE_OFFSET,
  TPFLAGS_BASE_EXC_SUBCLASS,
  UNICODEERROR_END_OFFSET,
  UNICODEERROR_ENCODING_OFFSET,
  UNICODEERROR_OBJECT_OFFSET,
  UNICODEERROR_REASON_OFFSET,
  UNICODEERROR_SIZE,
  UNICODEERROR_START_OFFSET,
} from './layout.js';
import type { ObThread, SlotKind } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import { tupleGetItem, tupleSize } from './tuple.js';

/**
 * The builtin exception classes: StaticType index, `tp_name`, base. One
 * table for the hierarchy (test/exceptions.test.ts compares it with
 * python3.13's); each class's layout and behaviours come from its nearest
 * ancestor that has its own (below).
 */
const HIERARCHY: readonly (readonly [StaticType, string, StaticType])[] = [
  [StaticType.BaseException, 'BaseException', StaticType.Object],
  [StaticType.Exception, 'Exception', StaticType.BaseException],
  [StaticType.TypeError, 'TypeError', StaticType.Exception],
  [StaticType.ValueError, 'ValueError', StaticType.Exception],
  [StaticType.LookupError, 'LookupError', StaticType.Exception],
  [StaticType.IndexError, 'IndexError', StaticType.LookupError],
  [StaticType.KeyError, 'KeyError', StaticType.LookupError],
  [StaticType.RuntimeError, 'RuntimeError', StaticType.Exception],
  [StaticType.ArithmeticError, 'ArithmeticError', StaticType.Exception],
  [StaticType.OverflowError, 'OverflowError', StaticType.ArithmeticError],
  [StaticType.ZeroDivisionError, 'ZeroDivisionError', StaticType.ArithmeticError],
  [StaticType.MemoryError, 'MemoryError', StaticType.Exception],
  [StaticType.AttributeError, 'AttributeError', StaticType.Exception],
  [StaticType.StopIteration, 'StopIteration', StaticType.Exception],
  [StaticType.SystemError, 'SystemError', StaticType.Exception],
  [StaticType.RecursionError, 'RecursionError', StaticType.RuntimeError],
  [StaticType.NotImplementedError, 'NotImplementedError', StaticType.RuntimeError],
  [StaticType.GeneratorExit, 'GeneratorExit', StaticType.BaseException],
  [StaticType.KeyboardInterrupt, 'KeyboardInterrupt', StaticType.BaseException],
  [StaticType.SystemExit, 'SystemExit', StaticType.BaseException],
  [StaticType.AssertionError, 'AssertionError', StaticType.Exception],
  [StaticType.BufferError, 'BufferError', StaticType.Exception],
  [StaticType.EOFError, 'EOFError', StaticType.Exception],
  [StaticType.ImportError, 'ImportError', StaticType.Exception],
  [StaticType.ModuleNotFoundError, 'ModuleNotFoundError', StaticType.ImportError],
  [StaticType.NameError, 'NameError', StaticType.Exception],
  [StaticType.UnboundLocalError, 'UnboundLocalError', StaticType.NameError],
  [StaticType.OSError, 'OSError', StaticType.Exception],
  [StaticType.BlockingIOError, 'BlockingIOError', StaticType.OSError],
  [StaticType.ChildProcessError, 'ChildProcessError', StaticType.OSError],
  [StaticType.ConnectionError, 'ConnectionError', StaticType.OSError],
  [StaticType.BrokenPipeError, 'BrokenPipeError', StaticType.ConnectionError],
  [StaticType.ConnectionAbortedError, 'ConnectionAbortedError', StaticType.ConnectionError],
  [StaticType.ConnectionRefusedError, 'ConnectionRefusedError', StaticType.ConnectionError],
  [StaticType.ConnectionResetError, 'ConnectionResetError', StaticType.ConnectionError],
  [StaticType.FileExistsError, 'FileExistsError', StaticType.OSError],
  [StaticType.FileNotFoundError, 'FileNotFoundError', StaticType.OSError],
  [StaticType.InterruptedError, 'InterruptedError', StaticType.OSError],
  [StaticType.IsADirectoryError, 'IsADirectoryError', StaticType.OSError],
  [StaticType.NotADirectoryError, 'NotADirectoryError', StaticType.OSError],
  [StaticType.PermissionError, 'PermissionError', StaticType.OSError],
  [StaticType.ProcessLookupError, 'ProcessLookupError', StaticType.OSError],
  [StaticType.TimeoutError, 'TimeoutError', StaticType.OSError],
  [StaticType.ReferenceError, 'ReferenceError', StaticType.Exception],
  [StaticType.StopAsyncIteration, 'StopAsyncIteration', StaticType.Exception],
  [StaticType.SyntaxError, 'SyntaxError', StaticType.Exception],
  [StaticType.IndentationError, 'IndentationError', StaticType.SyntaxError],
  [StaticType.TabError, 'TabError', StaticType.IndentationError],
  [StaticType.IncompleteInputError, '_IncompleteInputError', StaticType.SyntaxError],
  [StaticType.FloatingPointError, 'FloatingPointError', StaticType.ArithmeticError],
  [StaticType.PythonFinalizationError, 'PythonFinalizationError', StaticType.RuntimeError],
  [StaticType.UnicodeError, 'UnicodeError', StaticType.ValueError],
  [StaticType.UnicodeDecodeError, 'UnicodeDecodeError', StaticType.UnicodeError],
  [StaticType.UnicodeEncodeError, 'UnicodeEncodeError', StaticType.UnicodeError],
  [StaticType.UnicodeTranslateError, 'UnicodeTranslateError', StaticType.UnicodeError],
  [StaticType.Warning, 'Warning', StaticType.Exception],
  [StaticType.UserWarning, 'UserWarning', StaticType.Warning],
  [StaticType.DeprecationWarning, 'DeprecationWarning', StaticType.Warning],
  [StaticType.PendingDeprecationWarning, 'PendingDeprecationWarning', StaticType.Warning],
  [StaticType.SyntaxWarning, 'SyntaxWarning', StaticType.Warning],
  [StaticType.RuntimeWarning, 'RuntimeWarning', StaticType.Warning],
  [StaticType.FutureWarning, 'FutureWarning', StaticType.Warning],
  [StaticType.ImportWarning, 'ImportWarning', StaticType.Warning],
  [StaticType.UnicodeWarning, 'UnicodeWarning', StaticType.Warning],
  [StaticType.BytesWarning, 'BytesWarning', StaticType.Warning],
  [StaticType.EncodingWarning, 'EncodingWarning', StaticType.Warning],
  [StaticType.ResourceWarning, 'ResourceWarning', StaticType.Warning],
  [StaticType.InterpreterError, 'interpreters.InterpreterError', StaticType.Exception],
  [StaticType.InterpreterNotFoundError, 'interpreters.InterpreterNotFoundError', StaticType.InterpreterError],
];

// --- layouts and registration -----------------------------------------------------------------------

/** The layout of a class: its size, the reference fields past BaseException's, its attributes. */
interface Layout {
  readonly key: string;
  readonly size: number;
  readonly words: readonly number[];
  readonly attributes: ExceptionAttributes;
}

const om = objectMember;
const LAYOUTS: Readonly<Record<string, Layout>> = {
  base: { key: 'base', size: BASE_EXCEPTION_SIZE, words: [], attributes: exceptionAttributes([]) },
  stopIteration: { key: 'stopIteration', size: EXC_ONE_FIELD_SIZE, words: [STOPITERATION_VALUE_OFFSET], attributes: exceptionAttributes([['value', om(STOPITERATION_VALUE_OFFSET)]]) },
  systemExit: { key: 'systemExit', size: EXC_ONE_FIELD_SIZE, words: [SYSTEMEXIT_CODE_OFFSET], attributes: exceptionAttributes([['code', om(SYSTEMEXIT_CODE_OFFSET)]]) },
  importError: {
    key: 'importError',
    size: IMPORTERROR_SIZE,
    words: [IMPORTERROR_MSG_OFFSET, IMPORTERROR_NAME_OFFSET, IMPORTERROR_PATH_OFFSET, IMPORTERROR_NAME_FROM_OFFSET],
    attributes: exceptionAttributes([
      ['msg', om(IMPORTERROR_MSG_OFFSET)],
      ['name', om(IMPORTERROR_NAME_OFFSET)],
      ['path', om(IMPORTERROR_PATH_OFFSET)],
      ['name_from', om(IMPORTERROR_NAME_FROM_OFFSET)],
    ]),
  },
  attributeError: {
    key: 'attributeError',
    size: ATTRIBUTEERROR_SIZE,
    words: [ATTRIBUTEERROR_OBJ_OFFSET, ATTRIBUTEERROR_NAME_OFFSET],
    attributes: exceptionAttributes([
      ['name', om(ATTRIBUTEERROR_NAME_OFFSET)],
      ['obj', om(ATTRIBUTEERROR_OBJ_OFFSET)],
    ]),
  },
  nameError: { key: 'nameError', size: EXC_ONE_FIELD_SIZE, words: [NAMEERROR_NAME_OFFSET], attributes: exceptionAttributes([['name', om(NAMEERROR_NAME_OFFSET)]]) },
  osError: {
    key: 'osError',
    size: OSERROR_SIZE,
    words: [OSERROR_ERRNO_OFFSET, OSERROR_STRERROR_OFFSET, OSERROR_FILENAME_OFFSET, OSERROR_FILENAME2_OFFSET],
    attributes: exceptionAttributes([
      ['errno', om(OSERROR_ERRNO_OFFSET)],
      ['strerror', om(OSERROR_STRERROR_OFFSET)],
      ['filename', om(OSERROR_FILENAME_OFFSET)],
      ['filename2', om(OSERROR_FILENAME2_OFFSET)],
      ['characters_written', charactersWritten],
    ]),
  },
  syntaxError: {
    key: 'syntaxError',
    size: SYNTAXERROR_SIZE,
    words: [
      SYNTAXERROR_MSG_OFFSET,
      SYNTAXERROR_FILENAME_OFFSET,
      SYNTAXERROR_LINENO_OFFSET,
      SYNTAXERROR_OFFSET_OFFSET,
      SYNTAXERROR_END_LINENO_OFFSET,
      SYNTAXERROR_END_OFFSET_OFFSET,
      SYNTAXERROR_TEXT_OFFSET,
      SYNTAXERROR_PRINT_FILE_AND_LINE_OFFSET,
    ],
    attributes: exceptionAttributes([
      ['msg', om(SYNTAXERROR_MSG_OFFSET)],
      ['filename', om(SYNTAXERROR_FILENAME_OFFSET)],
      ['lineno', om(SYNTAXERROR_LINENO_OFFSET)],
      ['offset', om(SYNTAXERROR_OFFSET_OFFSET)],
      ['text', om(SYNTAXERROR_TEXT_OFFSET)],
      ['end_lineno', om(SYNTAXERROR_END_LINENO_OFFSET)],
      ['end_offset', om(SYNTAXERROR_END_OFFSET_OFFSET)],
      ['print_file_and_line', om(SYNTAXERROR_PRINT_FILE_AND_LINE_OFFSET)],
    ]),
  },
  unicodeError: {
    key: 'unicodeError',
    size: UNICODEERROR_SIZE,
    words: [UNICODEERROR_ENCODING_OFFSET, UNICODEERROR_OBJECT_OFFSET, UNICODEERROR_REASON_OFFSET],
    attributes: exceptionAttributes([
      ['encoding', om(UNICODEERROR_ENCODING_OFFSET)],
      ['object', om(UNICODEERROR_OBJECT_OFFSET)],
      ['start', ssizeMember(UNICODEERROR_START_OFFSET)],
      ['end', ssizeMember(UNICODEERROR_END_OFFSET)],
      ['reason', om(UNICODEERROR_REASON_OFFSET)],
    ]),
  },
};

/** The classes that bring a layout of their own (their subclasses share it). */
const OWN_LAYOUT: ReadonlyMap<StaticType, Layout> = new Map([
  [StaticType.BaseException, LAYOUTS.base!],
  [StaticType.StopIteration, LAYOUTS.stopIteration!],
  [StaticType.SystemExit, LAYOUTS.systemExit!],
  [StaticType.ImportError, LAYOUTS.importError!],
  [StaticType.AttributeError, LAYOUTS.attributeError!],
  [StaticType.NameError, LAYOUTS.nameError!],
  [StaticType.OSError, LAYOUTS.osError!],
  [StaticType.SyntaxError, LAYOUTS.syntaxError!],
  [StaticType.UnicodeEncodeError, LAYOUTS.unicodeError!],
  [StaticType.UnicodeDecodeError, LAYOUTS.unicodeError!],
  [StaticType.UnicodeTranslateError, LAYOUTS.unicodeError!],
]);

/** A static exception type's spec, as builtin-types.ts lists them. @internal */
export interface ExceptionSpec {
  readonly name: string;
  readonly baseIndex: number;
  readonly basicSize: number;
  readonly flags: number;
  readonly dictOffset: number;
  readonly dealloc: number;
  readonly traverse: number;
  readonly clear: number;
  readonly slots: Partial<Record<SlotKind, number>>;
}

/** What {@link registerExceptionTypes} gives builtin-types.ts. @internal */
export interface ExceptionTypes {
  /** The spec of the exception class at StaticType `index`. */
  spec(index: StaticType): ExceptionSpec;
}

/**
 * Registers the exceptions' behaviours and slots (in one fixed order, as
 * every registration), installs errors.ts's exception factory, and returns
 * the static types' specs.
 * @internal
 */
export function registerExceptionTypes(registry: BehaviourRegistry, slots: SlotRegistry, box: { readonly t: ObThread | null }): ExceptionTypes {
  const ob = (): ObThread => box.t!;
  setExceptionFactory(exceptionFactory);

  // Collector behaviours and attribute slots, one set per layout.
  const layoutIds = new Map<string, { dealloc: number; traverse: number; clear: number; getattro: number; setattro: number }>();
  for (const layout of Object.values(LAYOUTS)) {
    const { words, attributes } = layout;
    const name = `objects/exception/${layout.key}`;
    layoutIds.set(layout.key, {
      dealloc: registry.add('dealloc', name, (_rc, op) => exceptionDealloc(ob(), op, words)),
      traverse: registry.add('traverse', name, (rc, op, visit) => exceptionTraverse(rc, op, visit, words)),
      clear: registry.add('clear', name, (rc, op) => exceptionClear(rc, op, words)),
      getattro: slots.add('getattro', `exception/${layout.key}`, (t, op, attr) => exceptionGetAttro(t, op, attr, attributes)),
      setattro: slots.add('setattro', `exception/${layout.key}`, (t, op, attr, value) => exceptionSetAttro(t, op, attr, value, attributes)),
    });
  }

  const osIds: OsErrorIds = { new: 0, init: 0 };
  osIds.new = slots.add('new', 'OSError', (t, type, args, kwargs) => osErrorNew(t, type, args, kwargs, osIds));
  osIds.init = slots.add('init', 'OSError', (t, self, args, kwargs) => osErrorInit(t, self, args, kwargs, osIds));
  const own: ReadonlyMap<StaticType, Partial<Record<SlotKind, number>>> = new Map<StaticType, Partial<Record<SlotKind, number>>>([
    [
      StaticType.BaseException,
      {
        repr: slots.add('repr', 'BaseException', baseExceptionRepr),
        str: slots.add('str', 'BaseException', baseExceptionStr),
        new: slots.add('new', 'BaseException', baseExceptionNew),
        init: slots.add('init', 'BaseException', baseExceptionInit),
      },
    ],
    [
      StaticType.KeyError,
      {
        // `KeyError_str`: the repr of the one argument, so that `{}['']` prints `KeyError: ''`.
        str: slots.add('str', 'KeyError', (t, op) => {
          const args = exceptionArgs(t, op);
          const r = tupleSize(t, args) === 1 ? objectRepr(t, tupleGetItem(t, args, 0)) : baseExceptionStr(t, op);
          decref(t.rc, args);
          return r;
        }),
      },
    ],
    [StaticType.StopIteration, { init: slots.add('init', 'StopIteration', stopIterationInit) }],
    [StaticType.SystemExit, { init: slots.add('init', 'SystemExit', systemExitInit) }],
    [StaticType.ImportError, { init: slots.add('init', 'ImportError', importErrorInit), str: slots.add('str', 'ImportError', importErrorStr) }],
    [StaticType.AttributeError, { init: slots.add('init', 'AttributeError', attributeErrorInit) }],
    [StaticType.NameError, { init: slots.add('init', 'NameError', nameErrorInit) }],
    [StaticType.OSError, { new: osIds.new, init: osIds.init, str: slots.add('str', 'OSError', osErrorStr) }],
    [StaticType.SyntaxError, { init: slots.add('init', 'SyntaxError', syntaxErrorInit), str: slots.add('str', 'SyntaxError', syntaxErrorStr) }],
    [
      StaticType.UnicodeEncodeError,
      {
        init: slots.add('init', 'UnicodeEncodeError', (t, self, args, kwargs) => unicodeErrorInit(t, self, args, kwargs, 'UUnnU')),
        str: slots.add('str', 'UnicodeEncodeError', (t, op) => unicodeErrorStr(t, op, 'encode')),
      },
    ],
    [
      StaticType.UnicodeDecodeError,
      {
        init: slots.add('init', 'UnicodeDecodeError', (t, self, args, kwargs) => unicodeErrorInit(t, self, args, kwargs, 'UOnnU')),
        str: slots.add('str', 'UnicodeDecodeError', (t, op) => unicodeErrorStr(t, op, 'decode')),
      },
    ],
    [
      StaticType.UnicodeTranslateError,
      {
        init: slots.add('init', 'UnicodeTranslateError', (t, self, args, kwargs) => unicodeErrorInit(t, self, args, kwargs, 'UnnU')),
        str: slots.add('str', 'UnicodeTranslateError', (t, op) => unicodeErrorStr(t, op, 'translate')),
      },
    ],
  ]);

  const byIndex = new Map(HIERARCHY.map((row) => [row[0], row]));
  const layoutOf = (index: StaticType): Layout => {
    for (let i: StaticType | undefined = index; i !== undefined && i !== StaticType.Object; i = byIndex.get(i)?.[2]) {
      const layout = OWN_LAYOUT.get(i);
      if (layout !== undefined) return layout;
    }
    throw new Error(`exception-types: no layout for static type ${index}`);
  };
  return {
    spec(index) {
      const row = byIndex.get(index);
      if (row === undefined) throw new Error(`exception-types: static type ${index} is not an exception`);
      const layout = layoutOf(index);
      const ids = layoutIds.get(layout.key)!;
      const ownSlots = own.get(index) ?? {};
      // The attribute slots go with the layout: a class whose base has the same layout inherits them.
      const baseLayout = row[2] === StaticType.Object ? null : layoutOf(row[2]);
      const attrSlots = baseLayout === layout ? {} : { getattro: ids.getattro, setattro: ids.setattro };
      return {
        name: row[1],
        baseIndex: row[2] + 1,
        basicSize: layout.size,
        flags: TYPE_FLAG_HAVE_GC | TPFLAGS_BASE_EXC_SUBCLASS,
        dictOffset: EXC_DICT_OFFSET,
        dealloc: ids.dealloc,
        traverse: ids.traverse,
        clear: ids.clear,
        slots: { ...attrSlots, ...ownSlots },
      };
    },
  };
}

/** The hierarchy table, for the tests: [StaticType, tp_name, base]. @internal */
export function exceptionHierarchy(): readonly (readonly [StaticType, string, StaticType])[] {
  return HIERARCHY;
}
