/**
 * The name a builtin function gives itself in the argument errors the
 * call checks raise (`_PyObject_FunctionStr`): behind its module's name
 * when `__module__` is set and is not `builtins`. Expected messages from
 * python3.13:
 *
 *   >>> math.trunc()            TypeError: math.trunc() takes exactly one argument (0 given)
 *   >>> math.floor(x=1)         TypeError: math.floor() takes no keyword arguments
 *   >>> sys.getrecursionlimit(1) TypeError: sys.getrecursionlimit() takes no arguments (1 given)
 *   >>> len()                   TypeError: len() takes exactly one argument (0 given)
 */

import { afterEach, describe, expect, it } from 'vitest';
import { builtinFunctionFromJs, errFetch, formatError, METH_FASTCALL, METH_NOARGS, METH_O, strFromJs, tupleFromArray, type SlotRegistry } from '../src/index.js';
import { callArgs } from '../src/call.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

let r: Runtime;
afterEach(() => r?.close());

const ids = { fn: 0 };
function register(slots: SlotRegistry): void {
  ids.fn = slots.add('vectorcall', 'test/builtin-function-name', (t) => t.none);
}

/** The error a call of a builtin `name` of module `module` (null: none) with METH_* `flags` raises for `args` and keywords `kw`. */
function callError(name: string, module: string | null, flags: number, nargs: number, kw: string[] = []): string {
  const t = r.t;
  const moduleStr = module === null ? 0 : check(t, strFromJs(t, module));
  const fn = check(t, builtinFunctionFromJs(t, name, ids.fn, flags, moduleStr));
  const kwStrs = kw.map((k) => check(t, strFromJs(t, k)));
  const kwnames = kwStrs.length === 0 ? 0 : check(t, tupleFromArray(t, kwStrs));
  const args = [...Array.from({ length: nargs }, () => t.none), ...kw.map(() => t.none)];
  expect(callArgs(t, fn, args, kwnames)).toBe(0);
  const fetched = errFetch(t)!;
  const text = formatError(t, fetched);
  if (fetched.value !== 0) release(r, fetched.value);
  release(r, fn, ...kwStrs);
  if (kwnames !== 0) release(r, kwnames);
  if (moduleStr !== 0) release(r, moduleStr);
  return text;
}

describe('builtin functions name their module in argument errors', () => {
  it('module.name() for a module other than builtins; name() for builtins and for none', () => {
    r = makeRuntime({ registerSlots: register });
    expect(callError('trunc', 'math', METH_O, 0)).toBe('TypeError: math.trunc() takes exactly one argument (0 given)');
    expect(callError('trunc', 'math', METH_O, 2)).toBe('TypeError: math.trunc() takes exactly one argument (2 given)');
    expect(callError('floor', 'math', METH_O, 0, ['x'])).toBe('TypeError: math.floor() takes no keyword arguments');
    expect(callError('getrecursionlimit', 'sys', METH_NOARGS, 1)).toBe('TypeError: sys.getrecursionlimit() takes no arguments (1 given)');
    expect(callError('gcd', 'math', METH_FASTCALL, 0, ['a'])).toBe('TypeError: math.gcd() takes no keyword arguments');
    expect(callError('len', 'builtins', METH_O, 0)).toBe('TypeError: len() takes exactly one argument (0 given)');
    expect(callError('f', null, METH_O, 0)).toBe('TypeError: f() takes exactly one argument (0 given)');
  });
});
