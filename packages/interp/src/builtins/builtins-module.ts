/**
 * The `builtins` module (`Python/bltinmodule.c`'s `builtinsmodule` and
 * `_PyBuiltin_Init`): the builtin functions written in this folder, then
 * the constants, the builtin types and the exception classes, in the
 * order CPython 3.13 puts them in the module dict. The functions that
 * need the VM (`__build_class__`, `__import__`, `exec`, `eval`,
 * `compile`, `globals`, `locals`, `breakpoint`, `open`) are the VM's to
 * add to the dict.
 */

import { getConstantBorrowed, moduleDict, PY_CONSTANT_ELLIPSIS, StaticType, type ObThread } from '@ft/objects';
import { dictSetItemStr } from '../modules/dict-util.js';
import type { FunctionDef, ModuleDef } from '../modules/module-def.js';
import { DIR_FUNCTIONS } from './builtin-dir.js';
import { INPUT_FUNCTIONS } from './builtin-input.js';
import { ISINSTANCE_FUNCTIONS } from './builtin-isinstance.js';
import { ITER_FUNCTIONS } from './builtin-iter.js';
import { NUMERIC_FUNCTIONS } from './builtin-numeric.js';
import { OBJECT_FUNCTIONS } from './builtin-objects.js';
import { TEXT_FUNCTIONS } from './builtin-text.js';

/** `builtin_methods`' order (CPython 3.13), without the VM's functions. */
const FUNCTION_ORDER = [
  'abs', 'all', 'any', 'ascii', 'bin', 'callable', 'chr', 'delattr', 'dir', 'divmod', 'format', 'getattr', 'hasattr', 'hash', 'hex', 'id', 'input',
  'isinstance', 'issubclass', 'iter', 'aiter', 'len', 'max', 'min', 'next', 'anext', 'oct', 'ord', 'pow', 'print', 'repr', 'round', 'setattr', 'sorted', 'sum', 'vars',
];

function orderedFunctions(): FunctionDef[] {
  const all = [...NUMERIC_FUNCTIONS, ...OBJECT_FUNCTIONS, ...DIR_FUNCTIONS, ...ISINSTANCE_FUNCTIONS, ...ITER_FUNCTIONS, ...TEXT_FUNCTIONS, ...INPUT_FUNCTIONS];
  const byName = new Map(all.map((f) => [f.name, f]));
  if (byName.size !== FUNCTION_ORDER.length) throw new Error('builtins: FUNCTION_ORDER and the function tables disagree');
  return FUNCTION_ORDER.map((name) => {
    const f = byName.get(name);
    if (f === undefined) throw new Error(`builtins: no function '${name}'`);
    return f;
  });
}

/**
 * The builtin types by Python name, in `_PyBuiltin_Init`'s order; the
 * `StaticType` key of each. A key the objects layer does not define (yet)
 * is skipped (`memoryview`).
 */
const TYPES: readonly (readonly [string, string])[] = [
  ['bool', 'Bool'],
  ['memoryview', 'MemoryView'],
  ['bytearray', 'ByteArray'],
  ['bytes', 'Bytes'],
  ['classmethod', 'ClassMethod'],
  ['complex', 'Complex'],
  ['dict', 'Dict'],
  ['enumerate', 'Enumerate'],
  ['filter', 'Filter'],
  ['float', 'Float'],
  ['frozenset', 'FrozenSet'],
  ['property', 'Property'],
  ['int', 'Int'],
  ['list', 'List'],
  ['map', 'Map'],
  ['object', 'Object'],
  ['range', 'Range'],
  ['reversed', 'Reversed'],
  ['set', 'Set'],
  ['slice', 'Slice'],
  ['staticmethod', 'StaticMethod'],
  ['str', 'Str'],
  ['super', 'Super'],
  ['tuple', 'Tuple'],
  ['type', 'Type'],
  ['zip', 'Zip'],
];

/** The exception classes in the order `_PyBuiltins_AddExceptions` adds them; `_IncompleteInputError` is `StaticType.IncompleteInputError`. */
const EXCEPTIONS: readonly string[] = [
  'BaseException', 'BaseExceptionGroup', 'Exception', 'GeneratorExit', 'KeyboardInterrupt', 'SystemExit', 'ArithmeticError', 'AssertionError',
  'AttributeError', 'BufferError', 'EOFError', 'ImportError', 'LookupError', 'MemoryError', 'NameError', 'OSError', 'ReferenceError', 'RuntimeError',
  'StopAsyncIteration', 'StopIteration', 'SyntaxError', 'SystemError', 'TypeError', 'ValueError', 'Warning', 'FloatingPointError', 'OverflowError',
  'ZeroDivisionError', 'BytesWarning', 'DeprecationWarning', 'EncodingWarning', 'FutureWarning', 'ImportWarning', 'PendingDeprecationWarning',
  'ResourceWarning', 'RuntimeWarning', 'SyntaxWarning', 'UnicodeWarning', 'UserWarning', 'BlockingIOError', 'ChildProcessError', 'ConnectionError',
  'FileExistsError', 'FileNotFoundError', 'InterruptedError', 'IsADirectoryError', 'NotADirectoryError', 'PermissionError', 'ProcessLookupError',
  'TimeoutError', 'IndentationError', '_IncompleteInputError', 'IndexError', 'KeyError', 'ModuleNotFoundError', 'NotImplementedError',
  'PythonFinalizationError', 'RecursionError', 'UnboundLocalError', 'UnicodeError', 'BrokenPipeError', 'ConnectionAbortedError',
  'ConnectionRefusedError', 'ConnectionResetError', 'TabError', 'UnicodeDecodeError', 'UnicodeEncodeError', 'UnicodeTranslateError', 'ExceptionGroup',
];

/** Old names kept as aliases of OSError. */
const OS_ERROR_ALIASES = ['EnvironmentError', 'IOError'];

function staticTypeIndex(key: string): number | undefined {
  return (StaticType as Readonly<Record<string, number>>)[key];
}

/** `Py_mod_exec` of `builtins`: the constants, the types and the exceptions. 0, or -1 with an exception set. */
function builtinsExec(t: ObThread, module: number): number {
  const dict = moduleDict(t, module);
  const put = (name: string, value: number): boolean => dictSetItemStr(t, dict, name, value) === 0;
  const constants: readonly (readonly [string, number])[] = [
    ['None', t.none],
    ['Ellipsis', getConstantBorrowed(t, PY_CONSTANT_ELLIPSIS)],
    ['NotImplemented', t.notImplemented],
    ['False', t.false],
    ['True', t.true],
  ];
  for (const [name, value] of constants) if (!put(name, value)) return -1;
  for (const [name, key] of TYPES) {
    const index = staticTypeIndex(key);
    if (index === undefined) continue;
    if (!put(name, t.types[index]!)) return -1;
  }
  if (!put('__debug__', t.true)) return -1;
  for (const name of EXCEPTIONS) {
    const index = staticTypeIndex(name.startsWith('_') ? name.slice(1) : name);
    if (index === undefined) throw new Error(`builtins: no static type for exception ${name}`);
    if (!put(name, t.types[index]!)) return -1;
  }
  for (const alias of OS_ERROR_ALIASES) if (!put(alias, t.types[StaticType.OSError]!)) return -1;
  return 0;
}

/** The `builtins` module's definition: register it with `registerModules`, make it with `moduleCreate`. */
export const BUILTINS_MODULE: ModuleDef = {
  name: 'builtins',
  doc: 'The built-in functions, types, exceptions and constants of Python, looked up by name after the globals.',
  functions: orderedFunctions(),
  exec: builtinsExec,
};
