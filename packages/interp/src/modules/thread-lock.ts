/**
 * The methods of `_thread.lock` and `_thread.RLock` (CPython's `lockobject`
 * and `rlockobject` in `Modules/_threadmodule.c`): builtin method
 * descriptors that `_ftthread.lock_install` puts into the two classes
 * `lib/_thread.py` defines, so that `lock.acquire()` and `with lock:` run
 * no Python frame.
 *
 * State: each instance's one `__slots__` word, `_state`, holds a private
 * bytes object made by `_ftthread.lock_new(size)` whose data is the lock's
 * memory: a PyMutex byte (any thread may release a lock), and for an RLock
 * two aligned words after it, the owner's thread id and the recursion
 * count. The owner word is written only by the owner and read by others
 * (`Atomics`, CPython's relaxed accesses); the count only by the owner.
 * Blocking acquires park detached (`LOCK_DETACH`), so a waiting thread
 * never holds up a stop-the-world.
 */

import { LOCK_ACQUIRED, LOCK_DETACH, mutexIsLocked, mutexLockTimed, mutexUnlock } from '@ft/atomics';
import {
  bytesCheckExact,
  bytesData,
  bytesFromBytes,
  bytesSize,
  errRaise,
  floatAsDouble,
  floatCheckExact,
  intAsNumber,
  intFromNumber,
  METH_FASTCALL,
  METH_KEYWORDS,
  METH_NOARGS,
  methodDescrNew,
  objectIsTrue,
  objectSetAttr,
  StaticType,
  strInternFromJs,
  strToJs,
  tupleFromArray,
  tupleGetItem,
  tupleSize,
  TPFLAGS_LONG_SUBCLASS,
  typeHasFlag,
  typeName,
  typeOf,
  type ObThread,
  type SlotRegistry,
} from '@ft/objects';
import { decref, immortalize, incref, TP_BASICSIZE_OFFSET } from '@ft/refcount';
import { vmOf } from '../vm/vm-thread.js';
import type { FunctionDef } from './module-def.js';

/** `PY_TIMEOUT_MAX` in seconds, as `threading.TIMEOUT_MAX` reports it. */
const TIMEOUT_MAX = 4294967;
/** Seconds past which CPython cannot even convert a timeout (a 64-bit count of nanoseconds). */
const TIME_T_MAX = 9223372036;

/** Bytes of a lock's state and an RLock's (room to align the two words after the mutex byte). */
export const LOCK_STATE_SIZE = 4;
export const RLOCK_STATE_SIZE = 16;

/** A method of one of the classes: a `PyMethodDef`, as a module function's. */
type MethodDef = FunctionDef;

/** The state bytes object of `self` (the class's slot word), or 0 with TypeError. */
function stateOf(t: ObThread, self: number, size: number): number {
  const slot = self + t.u32[(t.types[StaticType.Object]! + TP_BASICSIZE_OFFSET) >>> 2]!;
  const state = t.u32[slot >>> 2]!;
  if (state === 0 || !bytesCheckExact(t, state) || bytesSize(t, state) !== size) {
    errRaise(t, StaticType.TypeError, `'${typeName(t, typeOf(t, self))}' object is not initialized`);
    return 0;
  }
  return state;
}

/** The address of a lock's mutex byte, or 0 with TypeError. */
function mutexOf(t: ObThread, self: number): number {
  const state = stateOf(t, self, LOCK_STATE_SIZE);
  return state === 0 ? 0 : bytesData(t, state);
}

/** The 4-aligned base of an RLock's memory (mutex byte; owner word at +4, count at +8), or 0 with TypeError. */
function rlockOf(t: ObThread, self: number): number {
  const state = stateOf(t, self, RLOCK_STATE_SIZE);
  return state === 0 ? 0 : (bytesData(t, state) + 3) & ~3;
}

/**
 * `lock_acquire_parse_args`: `(blocking=True, timeout=-1)` by position or
 * keyword, as milliseconds to wait (-1 forever, 0 not at all); -2 with
 * the exception CPython raises.
 */
function acquireTimeout(t: ObThread, args: number, nargs: number, kwnames: number): number {
  let blockingObj = 0;
  let timeoutObj = 0;
  if (nargs > 2) {
    errRaise(t, StaticType.TypeError, `acquire() takes at most 2 arguments (${nargs} given)`);
    return -2;
  }
  if (nargs >= 1) blockingObj = t.u32[args >>> 2]!;
  if (nargs === 2) timeoutObj = t.u32[(args >>> 2) + 1]!;
  const nkw = kwnames === 0 ? 0 : tupleSize(t, kwnames);
  for (let i = 0; i < nkw; i++) {
    const name = strToJs(t, tupleGetItem(t, kwnames, i));
    const value = t.u32[(args >>> 2) + nargs + i]!;
    if (name === 'blocking' && nargs < 1) blockingObj = value;
    else if (name === 'timeout' && nargs < 2) timeoutObj = value;
    else {
      const position = name === 'blocking' ? 1 : 2;
      errRaise(t, StaticType.TypeError, name === 'blocking' || name === 'timeout' ? `argument for acquire() given by name ('${name}') and position (${position})` : `acquire() got an unexpected keyword argument '${name}'`);
      return -2;
    }
  }
  let blocking = true;
  if (blockingObj !== 0) {
    const truth = objectIsTrue(t, blockingObj);
    if (truth < 0) return -2;
    blocking = truth === 1;
  }
  let timeout = -1;
  if (timeoutObj !== 0) {
    if (floatCheckExact(t, timeoutObj)) timeout = floatAsDouble(t, timeoutObj);
    else if (typeHasFlag(t, typeOf(t, timeoutObj), TPFLAGS_LONG_SUBCLASS)) timeout = intAsNumber(t, timeoutObj);
    else {
      errRaise(t, StaticType.TypeError, `'${typeName(t, typeOf(t, timeoutObj))}' object cannot be interpreted as an integer`);
      return -2;
    }
  }
  if (!blocking && timeout !== -1) {
    errRaise(t, StaticType.ValueError, "can't specify a timeout for a non-blocking call");
    return -2;
  }
  if (timeout < 0 && timeout !== -1) {
    errRaise(t, StaticType.ValueError, 'timeout value must be a non-negative number');
    return -2;
  }
  if (!blocking) return 0;
  if (timeout === -1) return -1;
  if (Number.isNaN(timeout)) {
    errRaise(t, StaticType.ValueError, 'Invalid value NaN (not a number)');
    return -2;
  }
  if (timeout > TIME_T_MAX) {
    errRaise(t, StaticType.OverflowError, 'timestamp out of range for platform time_t');
    return -2;
  }
  if (timeout > TIMEOUT_MAX) {
    errRaise(t, StaticType.OverflowError, 'timeout value is too large');
    return -2;
  }
  // A zero timeout still waits "not at all" but blocking: CPython tries once, as we do.
  return Math.ceil(timeout * 1000);
}

function newBool(t: ObThread, v: boolean): number {
  return v ? t.true : t.false; // True and False are immortal
}

function none(t: ObThread): number {
  incref(t.rc, t.none);
  return t.none;
}

// --- _thread.lock -----------------------------------------------------------------------------

/** `lock.acquire(blocking=True, timeout=-1)`: True when acquired. */
function lockAcquire(t: ObThread, self: number, args: number, nargs: number, kwnames: number): number {
  const addr = mutexOf(t, self);
  if (addr === 0) return 0;
  const ms = acquireTimeout(t, args, nargs, kwnames);
  if (ms === -2) return 0;
  return newBool(t, mutexLockTimed(t.heap, addr, ms, LOCK_DETACH) === LOCK_ACQUIRED);
}

/** `lock.release()`: RuntimeError "release unlocked lock" when it is not held. */
function lockRelease(t: ObThread, self: number): number {
  const addr = mutexOf(t, self);
  if (addr === 0) return 0;
  if (!mutexIsLocked(t.heap, addr)) return errRaise(t, StaticType.RuntimeError, 'release unlocked lock');
  mutexUnlock(t.heap, addr);
  return none(t);
}

/** `lock.__exit__(*exc)`: releases. */
function lockExit(t: ObThread, self: number): number {
  return lockRelease(t, self);
}

function lockLocked(t: ObThread, self: number): number {
  const addr = mutexOf(t, self);
  return addr === 0 ? 0 : newBool(t, mutexIsLocked(t.heap, addr));
}

/** `lock._at_fork_reinit()`: unlocked again (only meaningful with one thread left). */
function lockAtForkReinit(t: ObThread, self: number): number {
  const addr = mutexOf(t, self);
  if (addr === 0) return 0;
  Atomics.store(t.u8, addr, 0);
  return none(t);
}

// --- _thread.RLock ----------------------------------------------------------------------------

/** `rlock.acquire(blocking=True, timeout=-1)`: the owner acquires again at once, counting. */
function rlockAcquire(t: ObThread, self: number, args: number, nargs: number, kwnames: number): number {
  const base = rlockOf(t, self);
  if (base === 0) return 0;
  const ms = acquireTimeout(t, args, nargs, kwnames);
  if (ms === -2) return 0;
  const me = vmOf(t).threadId;
  const owner = (base + 4) >>> 2;
  const count = (base + 8) >>> 2;
  if (Atomics.load(t.u32, owner) === me) {
    // SAFETY: the count is the owner's.
    if (t.u32[count] === 0xffffffff) return errRaise(t, StaticType.OverflowError, 'Internal lock count overflowed');
    t.u32[count] = t.u32[count]! + 1;
    return t.true;
  }
  if (mutexLockTimed(t.heap, base, ms, LOCK_DETACH) !== LOCK_ACQUIRED) return t.false;
  Atomics.store(t.u32, owner, me);
  t.u32[count] = 1;
  return t.true;
}

/** `rlock.release()`: RuntimeError "cannot release un-acquired lock" unless this thread owns it. */
function rlockRelease(t: ObThread, self: number): number {
  const base = rlockOf(t, self);
  if (base === 0) return 0;
  const owner = (base + 4) >>> 2;
  const count = (base + 8) >>> 2;
  if (Atomics.load(t.u32, owner) !== vmOf(t).threadId || t.u32[count] === 0) return errRaise(t, StaticType.RuntimeError, 'cannot release un-acquired lock');
  const left = t.u32[count]! - 1;
  t.u32[count] = left;
  if (left === 0) {
    Atomics.store(t.u32, owner, 0);
    mutexUnlock(t.heap, base);
  }
  return none(t);
}

function rlockExit(t: ObThread, self: number): number {
  return rlockRelease(t, self);
}

function rlockIsOwned(t: ObThread, self: number): number {
  const base = rlockOf(t, self);
  if (base === 0) return 0;
  return newBool(t, Atomics.load(t.u32, (base + 4) >>> 2) === vmOf(t).threadId && t.u32[(base + 8) >>> 2]! > 0);
}

/** `rlock._recursion_count()`: the count when this thread owns it, else 0. */
function rlockRecursionCount(t: ObThread, self: number): number {
  const base = rlockOf(t, self);
  if (base === 0) return 0;
  const mine = Atomics.load(t.u32, (base + 4) >>> 2) === vmOf(t).threadId;
  return intFromNumber(t, mine ? t.u32[(base + 8) >>> 2]! : 0);
}

/** `rlock._release_save()`: releases completely; (count, owner) for `_acquire_restore` (Condition.wait). */
function rlockReleaseSave(t: ObThread, self: number): number {
  const base = rlockOf(t, self);
  if (base === 0) return 0;
  const owner = (base + 4) >>> 2;
  const count = (base + 8) >>> 2;
  if (t.u32[count] === 0 || Atomics.load(t.u32, owner) !== vmOf(t).threadId) return errRaise(t, StaticType.RuntimeError, 'cannot release un-acquired lock');
  const countObj = intFromNumber(t, t.u32[count]!);
  const ownerObj = countObj === 0 ? 0 : intFromNumber(t, Atomics.load(t.u32, owner));
  const saved = ownerObj === 0 ? 0 : tupleFromArray(t, [countObj, ownerObj]);
  if (countObj !== 0) decref(t.rc, countObj);
  if (ownerObj !== 0) decref(t.rc, ownerObj);
  if (saved === 0) return 0;
  t.u32[count] = 0;
  Atomics.store(t.u32, owner, 0);
  mutexUnlock(t.heap, base);
  return saved;
}

/** `rlock._acquire_restore((count, owner))`: waits for the lock, then restores what `_release_save` returned. */
function rlockAcquireRestore(t: ObThread, self: number, args: number, nargs: number): number {
  const base = rlockOf(t, self);
  if (base === 0) return 0;
  const saved = nargs === 1 ? t.u32[args >>> 2]! : 0;
  if (saved === 0 || typeOf(t, saved) !== t.types[StaticType.Tuple] || tupleSize(t, saved) !== 2) {
    return errRaise(t, StaticType.TypeError, '_acquire_restore() argument must be a (count, owner) tuple');
  }
  const countValue = intAsNumber(t, tupleGetItem(t, saved, 0));
  const ownerValue = intAsNumber(t, tupleGetItem(t, saved, 1));
  if (t.error.type !== 0) return 0;
  mutexLockTimed(t.heap, base, -1, LOCK_DETACH);
  Atomics.store(t.u32, (base + 4) >>> 2, ownerValue);
  t.u32[(base + 8) >>> 2] = countValue;
  return none(t);
}

/** `rlock._at_fork_reinit()`. */
function rlockAtForkReinit(t: ObThread, self: number): number {
  const base = rlockOf(t, self);
  if (base === 0) return 0;
  Atomics.store(t.u32, (base + 4) >>> 2, 0);
  t.u32[(base + 8) >>> 2] = 0;
  Atomics.store(t.u8, base, 0);
  return none(t);
}

/** `_ftthread.rlock_owner(rlock)`: the owner's thread id (0: none), for the repr. */
function rlockOwner(t: ObThread, _module: number, args: number, nargs: number): number {
  if (nargs !== 1) return errRaise(t, StaticType.TypeError, 'rlock_owner expected 1 argument');
  const base = rlockOf(t, t.u32[args >>> 2]!);
  return base === 0 ? 0 : intFromNumber(t, Atomics.load(t.u32, (base + 4) >>> 2));
}

/** `_ftthread.rlock_count(rlock)`: the recursion count whoever owns it, for the repr. */
function rlockCount(t: ObThread, _module: number, args: number, nargs: number): number {
  if (nargs !== 1) return errRaise(t, StaticType.TypeError, 'rlock_count expected 1 argument');
  const base = rlockOf(t, t.u32[args >>> 2]!);
  return base === 0 ? 0 : intFromNumber(t, t.u32[(base + 8) >>> 2]!);
}

const ACQUIRE_FLAGS = METH_FASTCALL | METH_KEYWORDS;

const LOCK_METHODS: readonly MethodDef[] = [
  { name: 'acquire', flags: ACQUIRE_FLAGS, fn: lockAcquire },
  { name: 'acquire_lock', flags: ACQUIRE_FLAGS, fn: lockAcquire },
  { name: '__enter__', flags: ACQUIRE_FLAGS, fn: lockAcquire },
  { name: 'release', flags: METH_NOARGS, fn: lockRelease },
  { name: 'release_lock', flags: METH_NOARGS, fn: lockRelease },
  { name: '__exit__', flags: METH_FASTCALL, fn: lockExit },
  { name: 'locked', flags: METH_NOARGS, fn: lockLocked },
  { name: 'locked_lock', flags: METH_NOARGS, fn: lockLocked },
  { name: '_at_fork_reinit', flags: METH_NOARGS, fn: lockAtForkReinit },
];

const RLOCK_METHODS: readonly MethodDef[] = [
  { name: 'acquire', flags: ACQUIRE_FLAGS, fn: rlockAcquire },
  { name: '__enter__', flags: ACQUIRE_FLAGS, fn: rlockAcquire },
  { name: 'release', flags: METH_NOARGS, fn: rlockRelease },
  { name: '__exit__', flags: METH_FASTCALL, fn: rlockExit },
  { name: '_is_owned', flags: METH_NOARGS, fn: rlockIsOwned },
  { name: '_recursion_count', flags: METH_NOARGS, fn: rlockRecursionCount },
  { name: '_release_save', flags: METH_NOARGS, fn: rlockReleaseSave },
  { name: '_acquire_restore', flags: METH_FASTCALL, fn: rlockAcquireRestore },
  { name: '_at_fork_reinit', flags: METH_NOARGS, fn: rlockAtForkReinit },
];

/** The behaviour ids of the methods, by class (the same on every thread: registered in one order). */
let lockIds: number[] = [];
let rlockIds: number[] = [];

/** Registers the methods' behaviours (every thread, in the interpreter's fixed order). */
export function registerThreadLockSlots(slots: SlotRegistry): void {
  lockIds = LOCK_METHODS.map((m) => slots.add('vectorcall', `_thread.lock.${m.name}`, m.fn));
  rlockIds = RLOCK_METHODS.map((m) => slots.add('vectorcall', `_thread.RLock.${m.name}`, m.fn));
}

/** Puts method descriptors for `methods` into `cls` (through `type.__setattr__`: the caches see it). 0, or -1. */
function installMethods(t: ObThread, cls: number, methods: readonly MethodDef[], ids: readonly number[]): number {
  for (let i = 0; i < methods.length; i++) {
    const name = strInternFromJs(t, methods[i]!.name);
    if (name === 0) return -1;
    const descr = methodDescrNew(t, cls, name, ids[i]!, methods[i]!.flags);
    if (descr === 0) return -1;
    // As a builtin type's descriptors are: every thread's `lock.acquire()` loads it without counting on
    // one shared word. No other thread has seen it yet.
    immortalize(t.rc, descr);
    const r = objectSetAttr(t, cls, name, descr);
    decref(t.rc, descr);
    if (r < 0) return -1;
  }
  return 0;
}

/** `lock_install(LockType, RLock)`: the classes of `lib/_thread.py` get their native methods. */
function lockInstall(t: ObThread, _module: number, args: number, nargs: number): number {
  if (nargs !== 2) return errRaise(t, StaticType.TypeError, 'lock_install expected 2 arguments');
  const objectSize = t.u32[(t.types[StaticType.Object]! + TP_BASICSIZE_OFFSET) >>> 2]!;
  for (let i = 0; i < 2; i++) {
    const cls = t.u32[(args >>> 2) + i]!;
    // The state is the class's first slot word (stateOf reads it there), and a weakref word follows.
    if (t.u32[(cls + TP_BASICSIZE_OFFSET) >>> 2] !== objectSize + 8) return errRaise(t, StaticType.TypeError, "lock_install: the classes must have __slots__ = ('_state', '__weakref__')");
  }
  if (installMethods(t, t.u32[args >>> 2]!, LOCK_METHODS, lockIds) < 0) return 0;
  if (installMethods(t, t.u32[(args >>> 2) + 1]!, RLOCK_METHODS, rlockIds) < 0) return 0;
  return none(t);
}

/** `lock_new(size)`: a fresh, unlocked state of `size` bytes (LOCK_STATE_SIZE or RLOCK_STATE_SIZE). */
function lockNew(t: ObThread, _module: number, args: number, nargs: number): number {
  const size = nargs === 1 ? intAsNumber(t, t.u32[args >>> 2]!) : LOCK_STATE_SIZE;
  if (size !== LOCK_STATE_SIZE && size !== RLOCK_STATE_SIZE) return errRaise(t, StaticType.ValueError, 'lock_new: bad size');
  return bytesFromBytes(t, new Array<number>(size).fill(0));
}

/** The `_ftthread` functions behind the locks. */
export const THREAD_LOCK_FUNCTIONS: readonly FunctionDef[] = [
  { name: 'lock_install', flags: METH_FASTCALL, fn: lockInstall },
  { name: 'lock_new', flags: METH_FASTCALL, fn: lockNew },
  { name: 'rlock_owner', flags: METH_FASTCALL, fn: rlockOwner },
  { name: 'rlock_count', flags: METH_FASTCALL, fn: rlockCount },
];

