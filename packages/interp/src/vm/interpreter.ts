/**
 * Making an interpreter on a thread (`pycore_init_builtins`,
 * `_PySys_Create`, `init_sys_streams`, `pymain_run_python`): the modules
 * dict, `builtins` (its functions and the VM's), `sys` with argv, path,
 * modules and the standard streams, `__main__`, and the thread's VM
 * installed as the objects' `evalFunction`.
 */

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  callArgs,
  dictNew,
  intFromBigInt,
  intFromNumber,
  listFromArray,
  moduleDict,
  moduleFromJs,
  setTypeHooks,
  setUnraisableHook,
  strFromJs,
  tupleFromArray,
  type ObThread,
  type SlotRegistry,
} from '@ft/objects';
import type { Participant } from '@ft/atomics';
import { IS_BUILTINS_OFFSET, IS_MODULES_OFFSET, IS_NEXT_TLBC_INDEX_OFFSET, IS_STDERR_OFFSET, IS_STDOUT_OFFSET, IS_SYS_OFFSET, IS_VM_FLAGS_OFFSET, IS_VM_NO_TLBC } from '../layout.js';
import type { StartThreadOptions, ThreadHandle } from '../runtime/thread-handle.js';
import { decref } from '@ft/refcount';
import { BUILTINS_MODULE } from '../builtins/builtins-module.js';
import { COLLECTIONS_MODULE } from '../modules/collections.js';
import { TIME_MODULE } from '../modules/time.js';
import { GC_MODULE } from '../modules/gc.js';
import { WEAKREF_MODULE } from '../modules/weakref.js';
import { setFrameLocalsHook } from '../builtins/frame-locals-hook.js';
import { dictGetItemStrRef, dictSetItemStr } from '../modules/dict-util.js';
import { FTIO_MODULE, STREAM_CLASS_SOURCE } from '../modules/ftio.js';
import { MATH_MODULE } from '../modules/math.js';
import { moduleAddFunctions, moduleCreate, registerModules, type ModuleDef, type RegisteredModule } from '../modules/module-def.js';
import { OPERATOR_MODULE } from '../modules/operator.js';
import { FROZEN_IMPORTLIB_MODULE } from '../modules/frozen-importlib.js';
import { FTTHREAD_MODULE } from '../modules/ftthread.js';
import { registerThreadLocalSlots } from '../modules/thread-local.js';
import { registerThreadLockSlots } from '../modules/thread-lock.js';
import { GENERIC_ALIAS_MODULE } from '../modules/generic-alias.js';
import { RANDOM_MODULE } from '../modules/random.js';
import { SYS_MODULE } from '../modules/sys.js';
import { VM_BUILTINS, VM_TYPE_HOOKS, frameLocals } from './builtins-vm.js';
import { evalFunction } from './ceval.js';
import { GENERATOR_OPS } from './generator-vm.js';
import { formatException } from './print-exception.js';
import { superArgs } from './super-args.js';
import { compileToCode, evalCode } from './exec.js';
import { setInterp, type Interp, type OutputSink } from './interp-state.js';
import { setVmThread, VmThread } from './vm-thread.js';
import { warmUpEvalLoop } from './warm-up.js';

/** Every built-in module written in TypeScript, in registration order (the same on every thread). */
export const MODULE_DEFS: readonly ModuleDef[] = [BUILTINS_MODULE, VM_BUILTINS, SYS_MODULE, FTIO_MODULE, MATH_MODULE, OPERATOR_MODULE, RANDOM_MODULE, TIME_MODULE, COLLECTIONS_MODULE, GC_MODULE, WEAKREF_MODULE, FTTHREAD_MODULE, FROZEN_IMPORTLIB_MODULE, GENERIC_ALIAS_MODULE];

/** The package's `lib/` (modules we write in Python), on `sys.path`. */
export const LIB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../lib');

/**
 * Registers the interpreter's behaviours (pass as `registerSlots` of the
 * objects runtime on every thread); returns the modules by name.
 */
export function registerInterpreter(slots: SlotRegistry): Map<string, RegisteredModule> {
  const modules = registerModules(slots, MODULE_DEFS);
  registerThreadLocalSlots(slots);
  registerThreadLockSlots(slots);
  return modules;
}

/** What an interpreter starts with. */
export interface InterpreterOptions extends VmThreadOptions {
  /** `sys.argv`. */
  readonly argv: readonly string[];
  /** `sys.path` before the package's `lib/`. */
  readonly path: readonly string[];
  readonly stdout: OutputSink;
  readonly stderr: OutputSink;
  /** Whether the GIL is on (`sys._is_gil_enabled()`). */
  readonly gil?: boolean;
  /** `-X` options as given (`sys._xoptions`). */
  readonly xoptions?: readonly string[];
  /** The thread's TLBC index (0: the main copy). */
  readonly tlbcIndex?: number;
  /** The runtime's interpreter state: the interpreter's objects are published there for Python threads. */
  readonly interpState?: number;
}

/** What a thread running Python is given besides its interpreter. */
export interface VmThreadOptions {
  /** The thread's participant in the world (its eval breaker is polled by the VM). */
  readonly participant?: Participant;
  /** Thread-local bytecode and specialization (`-X tlbc`); default on. */
  readonly tlbc?: boolean;
  /** Its id (`threading.get_ident()`; the main thread is 1). */
  readonly threadId?: number;
  /** Starts a Python thread (`_thread.start_new_thread`): a body of the runtime's, with its argument. */
  readonly startThread?: (body: string, arg?: number, options?: StartThreadOptions) => ThreadHandle;
}

/** The thread's VM bound to `interp`, with every hook the objects call back through installed. */
function installVm(t: ObThread, interp: Interp, options: VmThreadOptions): VmThread {
  setInterp(t, interp);
  const vm = new VmThread(t, interp, options.participant ?? null);
  vm.specializing = options.tlbc !== false;
  vm.threadId = options.threadId ?? 1;
  vm.startThread = options.startThread ?? null;
  setVmThread(t, vm);
  vm.execModule = (code, globals) => evalCode(vm, code, globals);
  t.evalFunction = (_t, func, args, nargs, kwnames) => evalFunction(vm, func, args, nargs, kwnames);
  t.genOps = GENERATOR_OPS;
  t.superArgs = superArgs;
  setTypeHooks(t, VM_TYPE_HOOKS);
  setFrameLocalsHook(frameLocals);
  // `sys.unraisablehook`'s default: the report with the exception's traceback, on the interpreter's stderr.
  setUnraisableHook(t, (_text, exc, where) => interp.stderr.write(`Exception ignored in: ${where}\n${formatException(t, exc)}`));
  return vm;
}

/**
 * Publishes the interpreter's objects in the runtime's interpreter state
 * (`interpState`), for the Python threads that join it.
 */
function publishInterpreter(t: ObThread, vm: VmThread, interpState: number, tlbc: boolean): void {
  const u32 = t.u32;
  const interp = vm.interp;
  u32[(interpState + IS_SYS_OFFSET) >>> 2] = interp.sys;
  u32[(interpState + IS_BUILTINS_OFFSET) >>> 2] = interp.builtins;
  u32[(interpState + IS_MODULES_OFFSET) >>> 2] = interp.modules;
  u32[(interpState + IS_STDOUT_OFFSET) >>> 2] = interp.stdoutObject;
  u32[(interpState + IS_STDERR_OFFSET) >>> 2] = interp.stderrObject;
  u32[(interpState + IS_VM_FLAGS_OFFSET) >>> 2] = tlbc ? 0 : IS_VM_NO_TLBC;
  // The main thread runs the main copy (index 0); the others count from 1.
  Atomics.store(u32, (interpState + IS_NEXT_TLBC_INDEX_OFFSET) >>> 2, 1);
}

/**
 * A thread joining the interpreter published in `interpState` (a Python
 * thread on a pooled worker): the same `sys`, `builtins` and `sys.modules`,
 * its own sinks, a thread-local bytecode index of its own.
 */
export function joinInterpreter(t: ObThread, registered: ReadonlyMap<string, RegisteredModule>, interpState: number, options: VmThreadOptions & { readonly stdout: OutputSink; readonly stderr: OutputSink }): VmThread {
  const u32 = t.u32;
  const flags = u32[(interpState + IS_VM_FLAGS_OFFSET) >>> 2]!;
  const tlbc = (flags & IS_VM_NO_TLBC) === 0;
  const interp: Interp = {
    modules: u32[(interpState + IS_MODULES_OFFSET) >>> 2]!,
    builtins: u32[(interpState + IS_BUILTINS_OFFSET) >>> 2]!,
    sys: u32[(interpState + IS_SYS_OFFSET) >>> 2]!,
    stdoutObject: u32[(interpState + IS_STDOUT_OFFSET) >>> 2]!,
    stderrObject: u32[(interpState + IS_STDERR_OFFSET) >>> 2]!,
    registered,
    gilEnabled: false,
    stdout: options.stdout,
    stderr: options.stderr,
  };
  if (interp.sys === 0) throw new Error('joinInterpreter: the interpreter has not published its objects');
  const vm = installVm(t, interp, { ...options, tlbc });
  vm.interpState = interpState;
  vm.tlbcIndex = tlbc ? Atomics.add(u32, (interpState + IS_NEXT_TLBC_INDEX_OFFSET) >>> 2, 1) : 0;
  warmUpEvalLoop(vm, false);
  return vm;
}

/** A list of strs from JavaScript strings. */
function strList(t: ObThread, items: readonly string[]): number {
  const strs = items.map((s) => strFromJs(t, s));
  const list = strs.includes(0) ? 0 : listFromArray(t, strs);
  for (const s of strs) if (s !== 0) decref(t.rc, s);
  return list;
}

function fail(what: string): never {
  throw new Error(`ft: the interpreter could not start (${what})`);
}

/**
 * Makes the interpreter's objects with thread `t` and binds this thread's
 * VM to them. @throws Error when start-up itself fails (out of memory).
 */
export function createInterpreter(t: ObThread, registered: ReadonlyMap<string, RegisteredModule>, options: InterpreterOptions): VmThread {
  const interp: Interp = {
    modules: 0,
    builtins: 0,
    sys: 0,
    stdoutObject: 0,
    stderrObject: 0,
    registered,
    gilEnabled: options.gil === true,
    stdout: options.stdout,
    stderr: options.stderr,
  };
  const vm = installVm(t, interp, options);
  vm.tlbcIndex = options.tlbc === false ? 0 : (options.tlbcIndex ?? 0);

  const modules = dictNew(t);
  if (modules === 0) fail('sys.modules');
  interp.modules = modules;
  const builtins = moduleCreate(t, registered.get('builtins')!);
  if (builtins === 0 || moduleAddFunctions(t, builtins, registered.get(VM_BUILTINS.name)!) < 0) fail('builtins');
  interp.builtins = builtins;
  const sys = moduleCreate(t, registered.get('sys')!);
  if (sys === 0) fail('sys');
  interp.sys = sys;
  const sysDict = moduleDict(t, sys);
  const set = (dict: number, key: string, value: number): void => {
    if (value === 0 || dictSetItemStr(t, dict, key, value) < 0) fail(`sys.${key}`);
    decref(t.rc, value);
  };
  dictSetItemStr(t, modules, 'builtins', builtins);
  dictSetItemStr(t, modules, 'sys', sys);
  set(sysDict, 'argv', strList(t, options.argv));
  set(sysDict, 'orig_argv', strList(t, ['ft', ...options.argv]));
  set(sysDict, 'path', strList(t, [...options.path, LIB_DIR]));
  dictSetItemStr(t, sysDict, 'modules', modules);
  set(sysDict, 'platform', strFromJs(t, process.platform === 'win32' ? 'win32' : process.platform));
  set(sysDict, 'byteorder', strFromJs(t, 'little'));
  set(sysDict, 'maxsize', intFromBigInt(t, (1n << 63n) - 1n));
  set(sysDict, 'version', strFromJs(t, '3.13.0 (ft, free-threaded CPython in TypeScript)'));
  set(sysDict, 'executable', strFromJs(t, process.execPath));
  set(sysDict, 'builtin_module_names', builtinNames(t, registered));
  set(sysDict, '_xoptions', dictNew(t));

  // The standard streams: instances of a small Python class writing to this thread's sinks.
  const ftio = moduleCreate(t, registered.get('_ftio')!);
  if (ftio === 0) fail('_ftio');
  dictSetItemStr(t, modules, '_ftio', ftio);
  const ftioDict = moduleDict(t, ftio);
  dictSetItemStr(t, ftioDict, '__builtins__', builtins);
  const code = compileToCode(t, STREAM_CLASS_SOURCE, '<ftio>', 'exec');
  const done = code === 0 ? 0 : evalCode(vm, code, ftioDict);
  if (code !== 0) decref(t.rc, code);
  if (done === 0) fail('the standard streams');
  decref(t.rc, done);
  const cls = dictGetItemStrRef(t, ftioDict, 'TextIOWrapper');
  for (const [fd, name] of [
    [1, '<stdout>'],
    [2, '<stderr>'],
  ] as const) {
    const fdObj = intFromNumber(t, fd);
    const nameObj = strFromJs(t, name);
    const stream = callArgsOrFail(t, cls, [fdObj, nameObj]);
    decref(t.rc, fdObj);
    decref(t.rc, nameObj);
    if (fd === 1) interp.stdoutObject = stream;
    else interp.stderrObject = stream;
    dictSetItemStr(t, sysDict, fd === 1 ? 'stdout' : 'stderr', stream);
    dictSetItemStr(t, sysDict, fd === 1 ? '__stdout__' : '__stderr__', stream);
  }
  decref(t.rc, cls);
  set(sysDict, 'version_info', versionInfo(t, ftioDict));
  decref(t.rc, ftio);
  if (options.interpState !== undefined) {
    vm.interpState = options.interpState;
    publishInterpreter(t, vm, options.interpState, options.tlbc !== false);
  }
  warmUpEvalLoop(vm, true);
  return vm;
}

function callArgsOrFail(t: ObThread, callable: number, args: readonly number[]): number {
  const r = callArgs(t, callable, args);
  if (r === 0) fail('a standard stream');
  return r;
}

/**
 * `sys.version_info`, (3, 13, 0, 'final', 0) as an instance of `_ftio`'s
 * `version_info` tuple subclass (CPython's struct sequence: the items are
 * also the attributes `major`, `minor`, …).
 */
function versionInfo(t: ObThread, ftioDict: number): number {
  const items = [intFromNumber(t, 3), intFromNumber(t, 13), intFromNumber(t, 0), strFromJs(t, 'final'), intFromNumber(t, 0)];
  const tuple = tupleFromArray(t, items);
  for (const i of items) decref(t.rc, i);
  if (tuple === 0) return 0;
  const cls = dictGetItemStrRef(t, ftioDict, 'version_info');
  const info = cls === 0 ? 0 : callArgs(t, cls, [tuple]);
  if (cls !== 0) decref(t.rc, cls);
  decref(t.rc, tuple);
  return info;
}

function builtinNames(t: ObThread, registered: ReadonlyMap<string, RegisteredModule>): number {
  const names = [...registered.keys()].filter((n) => !n.includes(' ')).sort();
  const strs = names.map((n) => strFromJs(t, n));
  const tuple = tupleFromArray(t, strs);
  for (const s of strs) decref(t.rc, s);
  return tuple;
}

/** `__main__`: a module whose dict has `__builtins__` and the file's name. */
export function createMainModule(vm: VmThread, file: string | null): number {
  const t = vm.t;
  const main = moduleFromJs(t, '__main__');
  if (main === 0) fail('__main__');
  const dict = moduleDict(t, main);
  dictSetItemStr(t, dict, '__builtins__', vm.interp.builtins);
  if (file !== null) {
    const f = strFromJs(t, file);
    dictSetItemStr(t, dict, '__file__', f);
    decref(t.rc, f);
  }
  dictSetItemStr(t, vm.interp.modules, '__main__', main);
  return main;
}
