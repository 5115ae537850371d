/**
 * `BaseExceptionGroup` and `ExceptionGroup` (PEP 654, `Objects/exceptions.c`
 * of CPython 3.13): a group is an exception holding a message and a
 * non-empty tuple of exceptions (groups too). Its constructor checks the
 * arguments and picks the class — `BaseExceptionGroup(...)` of nothing but
 * `Exception`s is an `ExceptionGroup`, an `ExceptionGroup` may not hold a
 * `BaseException` that is not an `Exception`; `str()` counts the
 * sub-exceptions (`repr()` is BaseException's, of the arguments as given);
 * `derive(excs)` makes a group like this one with other exceptions,
 * `split(condition)` / `subgroup(condition)` the parts that match a type, a
 * tuple of types or a predicate, rebuilt along the group's nesting through
 * each group's `derive`, and given the original's `__traceback__`,
 * `__cause__`, `__context__` and a copy of its `__notes__`. For the VM's
 * `except*`: {@link exceptionGroupMatch} (`_PyEval_ExceptionGroupMatch`)
 * and {@link prepReraiseStar} (`_PyExc_PrepReraiseStar`).
 * exception-group-types.ts registers the two static types (ExceptionGroup's
 * bases are `(BaseExceptionGroup, Exception)`).
 *
 * Recursion: CPython counts the nesting of `exceptiongroup_split_recursive`
 * and `collect_exception_group_leaf_ids` against its C recursion limit
 * (`Py_C_RECURSION_LIMIT`, 10000 in a release build) and raises
 * RecursionError past it. Here both walk the nesting with stacks of their
 * own (no JavaScript recursion) and count it with the same limit and
 * message (CPython's counter also holds the C frames below the call, so
 * its threshold is a few levels lower: 9,997 levels split there, 10,000
 * here).
 * Not built: `__class_getitem__` (no `types.GenericAlias` yet).
 *
 * Concurrency: `message` and `exceptions` are written by `__new__` before
 * the group is published and never replaced (read-only members); they are
 * read without a lock. The tuple of exceptions is immutable, so walking it
 * needs none either (CPython 3.14 takes the group's critical section in
 * `derive`/`split`/`subgroup`, which guards nothing more here).
 */

import { criticalSectionBegin, criticalSectionEnd } from '@ft/atomics';
import { decref, incref, OB_MUTEX_OFFSET } from '@ft/refcount';
import { objectIsTrue, typeSlotId } from './abstract.js';
import { callOneArg } from './call.js';
import { errClear, errExceptionMatches, errGivenExceptionMatches, errRaise, errRaiseInt } from './errors.js';
import { exceptionClassCheck, exceptionGetCause, exceptionGetContext, exceptionGetTraceback, exceptionInstanceCheck, exceptionSetCause, exceptionSetContext, exceptionSetTraceback } from './exception-object.js';
import { baseExceptionInit, baseExceptionNew, exceptionCall, noKeywords, objectStrJs, sequenceTuple } from './exceptions.js';
import { objectGetAttr, objectSetAttr } from './generic-attr.js';
import { strInternFromJs } from './intern.js';
import {
  EXC_CAUSE_OFFSET,
  EXC_CONTEXT_OFFSET,
  EXC_NOTES_OFFSET,
  EXC_TRACEBACK_OFFSET,
  EXCGROUP_EXCS_OFFSET,
  EXCGROUP_MSG_OFFSET,
  StaticType,
  TPFLAGS_DICT_SUBCLASS,
  TPFLAGS_TYPE_SUBCLASS,
  TPFLAGS_UNICODE_SUBCLASS,
} from './layout.js';
import { listFromArray, listFromIterable, listGetItemRef, listSize } from './list.js';
import type { ObThread } from './ob-thread.js';
import { strFromJs } from './str.js';
import { objectTypeCheck, typeHasFlag, typeIsSubtype, typeName, typeNameOf, typeOf } from './subtype.js';
import { tupleCheckExact, tupleFromArray, tupleGetItem, tupleSize } from './tuple.js';

/** `Py_C_RECURSION_LIMIT` of a CPython 3.13 release build (file comment). */
const RECURSION_LIMIT = 10000;
/**
 * How many nested calls of `exceptiongroup_split_recursive` /
 * `collect_exception_group_leaf_ids` this thread is in (module scope is per
 * thread): the walks below keep their own stacks, and count their frames
 * here so that a walk started from inside another one (a predicate or a
 * `derive` calling `split`) sees the depth CPython's counter would.
 */
let depth = 0;

/** `_Py_EnterRecursiveCall(where)` failing: RecursionError ("maximum recursion depth exceeded in …"). */
function recursionError(t: ObThread, where: string): void {
  errRaise(t, StaticType.RecursionError, `maximum recursion depth exceeded${where}`);
}

// --- checks ---------------------------------------------------------------------------------------

/** `_PyBaseExceptionGroup_Check(op)`: whether `op` is a BaseExceptionGroup (of any subclass). @public */
export function exceptionGroupCheck(t: ObThread, op: number): boolean {
  return objectTypeCheck(t, op, t.types[StaticType.BaseExceptionGroup]!);
}

/**
 * `PySequence_Check(op)`: a type with `sq_item`, not a dict. Here the
 * builtin sequences (list, tuple, range, deque) index through `subscript`
 * alone, so either slot counts; a dict subclass never does.
 */
function sequenceCheck(t: ObThread, op: number): boolean {
  const type = typeOf(t, op);
  if (typeHasFlag(t, type, TPFLAGS_DICT_SUBCLASS)) return false;
  return typeSlotId(t, type, 'item') !== 0 || typeSlotId(t, type, 'subscript') !== 0;
}

/** `PyCallable_Check(op)`: a `tp_call` or vectorcall in its type; every class is callable (`type_call`). */
function callableCheck(t: ObThread, op: number): boolean {
  const type = typeOf(t, op);
  return typeSlotId(t, type, 'call') !== 0 || typeSlotId(t, type, 'vectorcall') !== 0 || typeHasFlag(t, type, TPFLAGS_TYPE_SUBCLASS);
}

/** The group's message (borrowed; 0 for a group `__new__` never filled: a subclass's own `__new__`). */
function groupMessage(t: ObThread, op: number): number {
  return t.u32[(op + EXCGROUP_MSG_OFFSET) >>> 2]!; // SAFETY: written before publication, never replaced (file comment)
}

/** The group's tuple of exceptions (borrowed), or 0 with SystemError when `__new__` never filled it. */
function groupExceptions(t: ObThread, op: number): number {
  const excs = t.u32[(op + EXCGROUP_EXCS_OFFSET) >>> 2]!; // SAFETY: written before publication, never replaced (file comment)
  if (excs === 0) errRaise(t, StaticType.SystemError, 'bad argument to internal function');
  return excs;
}

/** `BaseExceptionGroup.message` (`PyBaseExceptionGroupObject.msg`): a new reference (None when unset). @public */
export function exceptionGroupMessage(t: ObThread, op: number): number {
  const msg = groupMessage(t, op);
  const r = msg === 0 ? t.none : msg;
  incref(t.rc, r);
  return r;
}

/** `BaseExceptionGroup.exceptions` (`PyBaseExceptionGroupObject.excs`): the tuple, a new reference (None when unset). @public */
export function exceptionGroupExceptions(t: ObThread, op: number): number {
  const excs = t.u32[(op + EXCGROUP_EXCS_OFFSET) >>> 2]!; // SAFETY: as groupExceptions
  const r = excs === 0 ? t.none : excs;
  incref(t.rc, r);
  return r;
}

// --- construction ------------------------------------------------------------------------------

/**
 * `BaseExceptionGroup_new(type, args, kwargs)`: `(message, exceptions)`
 * with `PyArg_ParseTuple`'s "UO" checks ("BaseExceptionGroup.__new__()
 * takes exactly 2 arguments (1 given)", "… argument 1 must be str, not
 * int"); `exceptions` a non-empty sequence of exceptions, kept as a tuple;
 * the class chosen as the file comment says ("Cannot nest BaseExceptions
 * in an ExceptionGroup", "… in 'MyGroup'" for a subclass of Exception).
 * Keyword arguments are left to `__init__`. A new group, or 0.
 * @internal
 */
export function exceptionGroupNew(t: ObThread, type: number, args: number, kwargs: number): number {
  const n = tupleSize(t, args);
  if (n !== 2) return errRaise(t, StaticType.TypeError, `BaseExceptionGroup.__new__() takes exactly 2 arguments (${n} given)`);
  const message = tupleGetItem(t, args, 0);
  const exceptions = tupleGetItem(t, args, 1);
  if (!typeHasFlag(t, typeOf(t, message), TPFLAGS_UNICODE_SUBCLASS)) {
    const got = message === t.none ? 'None' : typeNameOf(t, message);
    return errRaise(t, StaticType.TypeError, `BaseExceptionGroup.__new__() argument 1 must be str, not ${got}`);
  }
  if (!sequenceCheck(t, exceptions)) return errRaise(t, StaticType.TypeError, 'second argument (exceptions) must be a sequence');
  const excs = sequenceTuple(t, exceptions);
  if (excs === 0) return 0;
  const cls = groupClass(t, type, excs);
  const self = cls === 0 ? 0 : baseExceptionNew(t, cls, args, kwargs);
  if (self === 0) {
    decref(t.rc, excs);
    return 0;
  }
  incref(t.rc, message);
  // SAFETY: not published yet.
  t.u32[(self + EXCGROUP_MSG_OFFSET) >>> 2] = message;
  t.u32[(self + EXCGROUP_EXCS_OFFSET) >>> 2] = excs;
  return self;
}

/** The class a group of `excs` (a tuple) made through `type` gets, or 0 with the exception set. */
function groupClass(t: ObThread, type: number, excs: number): number {
  const n = tupleSize(t, excs);
  if (n === 0) return errRaise(t, StaticType.ValueError, 'second argument (exceptions) must be a non-empty sequence');
  const exception = t.types[StaticType.Exception]!;
  let nestedBaseExceptions = false;
  for (let i = 0; i < n; i++) {
    const exc = tupleGetItem(t, excs, i);
    if (!exceptionInstanceCheck(t, exc)) return errRaise(t, StaticType.ValueError, `Item ${i} of second argument (exceptions) is not an exception`);
    if (!objectTypeCheck(t, exc, exception)) nestedBaseExceptions = true;
  }
  const exceptionGroup = t.types[StaticType.ExceptionGroup]!;
  if (type === exceptionGroup) {
    if (nestedBaseExceptions) return errRaise(t, StaticType.TypeError, 'Cannot nest BaseExceptions in an ExceptionGroup');
    return type;
  }
  if (type === t.types[StaticType.BaseExceptionGroup]) return nestedBaseExceptions ? type : exceptionGroup;
  // A class of the program's.
  if (nestedBaseExceptions && typeIsSubtype(t, type, exception)) return errRaise(t, StaticType.TypeError, `Cannot nest BaseExceptions in '${typeName(t, type)}'`);
  return type;
}

/** `BaseExceptionGroup_init`: no keyword arguments ("ExceptionGroup() takes no keyword arguments"), then `self.args = args`. @internal */
export function exceptionGroupInit(t: ObThread, self: number, args: number, kwargs: number): number {
  if (noKeywords(t, typeNameOf(t, self), kwargs) < 0) return -1;
  return baseExceptionInit(t, self, args, 0);
}

/** `_PyExc_CreateExceptionGroup(msg, excs)`: `BaseExceptionGroup(msg, excs)`, a new reference or 0. @public */
export function exceptionGroupCreate(t: ObThread, message: string, excs: number): number {
  const msg = strFromJs(t, message);
  if (msg === 0) return 0;
  const args = tupleFromArray(t, [msg, excs]);
  decref(t.rc, msg);
  if (args === 0) return 0;
  const eg = exceptionCall(t, t.types[StaticType.BaseExceptionGroup]!, args);
  decref(t.rc, args);
  return eg;
}

// --- str, derive ---------------------------------------------------------------------------------

/** `BaseExceptionGroup_str`: "msg (1 sub-exception)", "msg (2 sub-exceptions)"; a new str or 0. @internal */
export function exceptionGroupStr(t: ObThread, op: number): number {
  const msg = groupMessage(t, op);
  const excs = groupExceptions(t, op);
  if (excs === 0) return 0;
  const text = msg === 0 ? '<NULL>' : objectStrJs(t, msg);
  if (text === null) return 0;
  const n = tupleSize(t, excs);
  return strFromJs(t, `${text} (${n} sub-exception${n > 1 ? 's' : ''})`);
}

/**
 * `BaseExceptionGroup.derive(excs)`: `BaseExceptionGroup(self.message, excs)`
 * — a group of the class `excs` calls for, whatever `self`'s class
 * (subclasses override `derive` to keep theirs); nothing else is copied.
 * A new reference, or 0.
 * @public
 */
export function exceptionGroupDerive(t: ObThread, self: number, excs: number): number {
  const msg = groupMessage(t, self);
  const args = tupleFromArray(t, [msg === 0 ? t.none : msg, excs]);
  if (args === 0) return 0;
  const eg = exceptionCall(t, t.types[StaticType.BaseExceptionGroup]!, args);
  decref(t.rc, args);
  return eg;
}

/** `PyObject_CallMethod(obj, name, "(O)", arg)`: `obj.name(arg)`, a new reference or 0. */
function callMethodOneArg(t: ObThread, obj: number, name: string, arg: number): number {
  const key = strInternFromJs(t, name);
  if (key === 0) return 0;
  const method = objectGetAttr(t, obj, key);
  if (method === 0) return 0;
  const r = callOneArg(t, method, arg);
  decref(t.rc, method);
  return r;
}

/**
 * `exceptiongroup_subset(orig, excs)`: `orig.derive(excs)` (`excs` the
 * parts, new references that stay the caller's) with `orig`'s traceback,
 * context, cause (so `__suppress_context__` is set) and a copy of its
 * `__notes__` (a sequence; other notes are left out); 0 with no parts.
 * Returns -1 with the exception set, else 0 and the group in `out[0]`.
 */
function subset(t: ObThread, orig: number, parts: readonly number[], out: number[]): number {
  out[0] = 0;
  if (parts.length === 0) return 0;
  const list = listFromArray(t, parts);
  if (list === 0) return -1;
  const eg = callMethodOneArg(t, orig, 'derive', list);
  decref(t.rc, list);
  if (eg === 0) return -1;
  if (!exceptionGroupCheck(t, eg)) {
    decref(t.rc, eg);
    return errRaiseInt(t, StaticType.TypeError, 'derive must return an instance of BaseExceptionGroup');
  }
  const tb = exceptionGetTraceback(t, orig);
  if (tb !== 0) {
    exceptionSetTraceback(t, eg, tb);
    decref(t.rc, tb);
  }
  exceptionSetContext(t, eg, exceptionGetContext(t, orig));
  exceptionSetCause(t, eg, exceptionGetCause(t, orig));
  if (copyNotes(t, orig, eg) < 0) {
    decref(t.rc, eg);
    return -1;
  }
  out[0] = eg;
  return 0;
}

/** `eg.__notes__ = list(orig.__notes__)` when `orig` has notes that are a sequence; 0, or -1. */
function copyNotes(t: ObThread, orig: number, eg: number): number {
  const name = strInternFromJs(t, '__notes__');
  if (name === 0) return -1;
  const notes = objectGetAttr(t, orig, name);
  if (notes === 0) {
    // `PyObject_GetOptionalAttr`: no notes is no error.
    if (!errExceptionMatches(t, t.types[StaticType.AttributeError]!)) return -1;
    errClear(t);
    return 0;
  }
  if (!sequenceCheck(t, notes)) {
    // Not a list as it should be: split() is no place to report it (CPython ignores them).
    decref(t.rc, notes);
    return 0;
  }
  const copy = listFromIterable(t, notes);
  decref(t.rc, notes);
  if (copy === 0) return -1;
  const r = objectSetAttr(t, eg, name, copy);
  decref(t.rc, copy);
  return r;
}

// --- split, subgroup ----------------------------------------------------------------------------

/** `_exceptiongroup_split_matcher_type`. */
const BY_TYPE = 0;
const BY_PREDICATE = 1;
const INSTANCE_IDS = 2;

/** What a split matches with: the kind, its object (a type, a tuple of types, a callable) or, for INSTANCE_IDS, the leaves' addresses. */
interface Matcher {
  readonly kind: number;
  readonly value: number;
  readonly ids: ReadonlySet<number> | null;
}

/**
 * `get_matcher_type(value)`: a callable that is not a class is a
 * predicate; an exception class or an exact tuple of them matches by type;
 * else null with TypeError.
 */
function matcherOf(t: ObThread, value: number): Matcher | null {
  if (callableCheck(t, value) && !typeHasFlag(t, typeOf(t, value), TPFLAGS_TYPE_SUBCLASS)) return { kind: BY_PREDICATE, value, ids: null };
  let byType = exceptionClassCheck(t, value);
  if (!byType && tupleCheckExact(t, value)) {
    byType = true;
    for (let i = 0; i < tupleSize(t, value); i++) if (!exceptionClassCheck(t, tupleGetItem(t, value, i))) byType = false;
  }
  if (byType) return { kind: BY_TYPE, value, ids: null };
  errRaise(t, StaticType.TypeError, 'expected an exception type, a tuple of exception types, or a callable (other than a class)');
  return null;
}

/** `exceptiongroup_split_check_match`: 1, 0, or -1 with the exception the predicate raised. */
function checkMatch(t: ObThread, exc: number, matcher: Matcher): number {
  switch (matcher.kind) {
    case BY_TYPE:
      return errGivenExceptionMatches(t, exc, matcher.value) ? 1 : 0;
    case BY_PREDICATE: {
      const r = callOneArg(t, matcher.value, exc);
      if (r === 0) return -1;
      const truth = objectIsTrue(t, r);
      decref(t.rc, r);
      return truth;
    }
    default:
      return !exceptionGroupCheck(t, exc) && matcher.ids!.has(exc) ? 1 : 0;
  }
}

/** A group being split: its exceptions, the next one to visit, the parts of those visited. */
interface SplitFrame {
  readonly exc: number;
  readonly excs: number;
  next: number;
  readonly matched: number[];
  readonly rest: number[];
}

/**
 * `exceptiongroup_split_recursive`: the part of `top` that matches
 * (`result[0]`) and, with `constructRest`, the part that does not
 * (`result[1]`), each a new reference or 0 for none. A node that matches
 * is taken whole; a leaf that does not goes to the rest; a group that does
 * not is split child by child and each side rebuilt with {@link subset}.
 * CPython recurses; this walk keeps its own stack of groups (a group nested
 * 10,000 deep would overflow JavaScript's), with CPython's order of calls
 * and its depth limit. 0, or -1 with the exception set (and no parts).
 */
function splitRecursive(t: ObThread, top: number, matcher: Matcher, constructRest: boolean, result: number[]): number {
  result[0] = 0;
  result[1] = 0;
  const stack: SplitFrame[] = [];
  const fail = (): number => {
    depth -= stack.length;
    for (const frame of stack) {
      for (const part of frame.matched) decref(t.rc, part);
      for (const part of frame.rest) decref(t.rc, part);
    }
    return -1;
  };
  const parts = [0, 0];
  let node = top;
  for (;;) {
    // Visit `node`: its parts now (a match, a leaf), or a frame for its exceptions.
    let done = true;
    const isMatch = checkMatch(t, node, matcher);
    if (isMatch < 0) return fail();
    if (isMatch > 0) {
      incref(t.rc, node);
      parts[0] = node;
      parts[1] = 0;
    } else if (!exceptionGroupCheck(t, node)) {
      if (constructRest) incref(t.rc, node);
      parts[0] = 0;
      parts[1] = constructRest ? node : 0;
    } else {
      const excs = groupExceptions(t, node);
      if (excs === 0) return fail();
      stack.push({ exc: node, excs, next: 0, matched: [], rest: [] });
      depth++;
      done = false;
    }
    // Hand finished parts to the group above; rebuild the groups whose exceptions are all visited; or go down.
    for (;;) {
      const frame = stack[stack.length - 1];
      if (frame === undefined) {
        result[0] = parts[0]!;
        result[1] = parts[1]!;
        return 0;
      }
      if (done) {
        if (parts[0] !== 0) frame.matched.push(parts[0]!);
        if (parts[1] !== 0) frame.rest.push(parts[1]!);
        done = false;
      }
      if (frame.next < tupleSize(t, frame.excs)) {
        if (depth > RECURSION_LIMIT) {
          recursionError(t, ' in exceptiongroup_split_recursive');
          return fail();
        }
        node = tupleGetItem(t, frame.excs, frame.next++);
        break;
      }
      stack.pop();
      depth--;
      const ok = rebuild(t, frame, constructRest, parts);
      for (const part of frame.matched) decref(t.rc, part);
      for (const part of frame.rest) decref(t.rc, part);
      if (!ok) return fail();
      done = true;
    }
  }
}

/** The end of a group's split: its matching and its other parts rebuilt with {@link subset} into `parts`; false with the exception set. */
function rebuild(t: ObThread, frame: SplitFrame, constructRest: boolean, parts: number[]): boolean {
  const out = [0];
  if (subset(t, frame.exc, frame.matched, out) < 0) return false;
  parts[0] = out[0]!;
  parts[1] = 0;
  if (!constructRest) return true;
  if (subset(t, frame.exc, frame.rest, out) < 0) {
    if (parts[0] !== 0) decref(t.rc, parts[0]!);
    parts[0] = 0;
    return false;
  }
  parts[1] = out[0]!;
  return true;
}

/**
 * `BaseExceptionGroup.split(condition)`: `(match, rest)`, each a group
 * rebuilt along `self`'s nesting or None (a node that matches whole is
 * itself); `condition` an exception type, a tuple of them, or a predicate
 * called on every node tried (the group first, then its exceptions in
 * order). A new tuple, or 0 with TypeError for another condition or what
 * the predicate or a `derive` raised.
 * @public
 */
export function exceptionGroupSplit(t: ObThread, self: number, condition: number): number {
  const matcher = matcherOf(t, condition);
  if (matcher === null) return 0;
  const parts = [0, 0];
  if (splitRecursive(t, self, matcher, true, parts) < 0) return 0;
  const r = tupleFromArray(t, [parts[0] || t.none, parts[1] || t.none]);
  if (parts[0] !== 0) decref(t.rc, parts[0]!);
  if (parts[1] !== 0) decref(t.rc, parts[1]!);
  return r;
}

/** `BaseExceptionGroup.subgroup(condition)`: the matching part of {@link exceptionGroupSplit} alone (None for none); a new reference or 0. @public */
export function exceptionGroupSubgroup(t: ObThread, self: number, condition: number): number {
  const matcher = matcherOf(t, condition);
  if (matcher === null) return 0;
  const parts = [0, 0];
  if (splitRecursive(t, self, matcher, false, parts) < 0) return 0;
  if (parts[0] !== 0) return parts[0]!;
  incref(t.rc, t.none);
  return t.none;
}

// --- except* ---------------------------------------------------------------------------------------

/** The match and the rest {@link exceptionGroupMatch} gives, each a new reference (None for none). @public */
export interface ExceptionGroupMatchResult {
  /** What `except*` handles (None: nothing). */
  match: number;
  /** What stays to be raised on (None: nothing). */
  rest: number;
}

/**
 * `_PyEval_ExceptionGroupMatch`: how `except* matchType` splits the
 * exception being handled `excValue` (None: nothing is). A match of the
 * whole is the match (a naked exception wrapped in
 * `ExceptionGroup('', (exc,))`, with no traceback as in CPython 3.13.0, or `tb` when it is not
 * 0: later CPythons give it one of the handling frame); a group is split with its own `split` (which must return a tuple of
 * at least 2: "MyGroup.split must return a tuple, not int", "… a 2-tuple,
 * got tuple of size 1"); anything else is the rest. `matchType` is checked
 * by the VM first (`_PyEval_CheckExceptStarTypeValid`). 0 with `out`
 * filled, or -1 with the exception set.
 * @public
 */
export function exceptionGroupMatch(t: ObThread, excValue: number, matchType: number, out: ExceptionGroupMatchResult, tb = 0): number {
  out.match = 0;
  out.rest = 0;
  const none = t.none;
  if (excValue === none) {
    incref(t.rc, none);
    incref(t.rc, none);
    out.match = none;
    out.rest = none;
    return 0;
  }
  if (errGivenExceptionMatches(t, excValue, matchType)) {
    let match = excValue;
    if (exceptionGroupCheck(t, excValue)) {
      incref(t.rc, excValue);
    } else {
      const excs = tupleFromArray(t, [excValue]);
      if (excs === 0) return -1;
      match = exceptionGroupCreate(t, '', excs);
      decref(t.rc, excs);
      if (match === 0) return -1;
      if (tb !== 0) exceptionSetTraceback(t, match, tb);
    }
    incref(t.rc, none);
    out.match = match;
    out.rest = none;
    return 0;
  }
  if (exceptionGroupCheck(t, excValue)) {
    const pair = callMethodOneArg(t, excValue, 'split', matchType);
    if (pair === 0) return -1;
    if (!tupleCheckExact(t, pair)) {
      const got = typeNameOf(t, pair);
      decref(t.rc, pair);
      return errRaiseInt(t, StaticType.TypeError, `${typeNameOf(t, excValue)}.split must return a tuple, not ${got}`);
    }
    const n = tupleSize(t, pair);
    if (n < 2) {
      decref(t.rc, pair);
      return errRaiseInt(t, StaticType.TypeError, `${typeNameOf(t, excValue)}.split must return a 2-tuple, got tuple of size ${n}`);
    }
    out.match = tupleGetItem(t, pair, 0);
    out.rest = tupleGetItem(t, pair, 1);
    incref(t.rc, out.match);
    incref(t.rc, out.rest);
    decref(t.rc, pair);
    return 0;
  }
  incref(t.rc, none);
  incref(t.rc, excValue);
  out.match = none;
  out.rest = excValue;
  return 0;
}

/**
 * `collect_exception_group_leaf_ids`: the addresses of `top`'s leaves (None
 * has none) into `ids`, walking the nesting with a stack of its own (as
 * {@link splitRecursive}); 0, or -1 with RecursionError.
 */
function collectLeafIds(t: ObThread, top: number, ids: Set<number>): number {
  if (top === t.none) return 0;
  if (!exceptionGroupCheck(t, top)) {
    ids.add(top);
    return 0;
  }
  const stack: { excs: number; next: number }[] = [];
  const excs = groupExceptions(t, top);
  if (excs === 0) return -1;
  stack.push({ excs, next: 0 });
  depth++;
  let r = 0;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next >= tupleSize(t, frame.excs)) {
      stack.pop();
      depth--;
      continue;
    }
    if (depth > RECURSION_LIMIT) {
      recursionError(t, ' in collect_exception_group_leaf_ids');
      r = -1;
      break;
    }
    const exc = tupleGetItem(t, frame.excs, frame.next++);
    if (!exceptionGroupCheck(t, exc)) {
      ids.add(exc);
      continue;
    }
    const inner = groupExceptions(t, exc);
    if (inner === 0) {
      r = -1;
      break;
    }
    stack.push({ excs: inner, next: 0 });
    depth++;
  }
  depth -= stack.length;
  return r;
}

/**
 * `exception_group_projection(eg, keep)`: the part of `eg` whose leaves are
 * leaves of the groups in `keep`, along `eg`'s nesting; a new reference
 * (None when there is none) or 0.
 */
function projection(t: ObThread, eg: number, keep: readonly number[]): number {
  const ids = new Set<number>();
  for (const e of keep) if (collectLeafIds(t, e, ids) < 0) return 0;
  const parts = [0, 0];
  if (splitRecursive(t, eg, { kind: INSTANCE_IDS, value: 0, ids }, false, parts) < 0) return 0;
  if (parts[0] !== 0) return parts[0]!;
  incref(t.rc, t.none);
  return t.none;
}

/** The words `is_same_exception_metadata` compares: notes, traceback, cause, context (their addresses, read under the exception's critical section). */
function metadataOf(t: ObThread, exc: number): [number, number, number, number] {
  criticalSectionBegin(t.heap, exc + OB_MUTEX_OFFSET);
  const u32 = t.u32;
  // SAFETY: under the exception's critical section; the addresses are compared, never dereferenced.
  const words: [number, number, number, number] = [u32[(exc + EXC_NOTES_OFFSET) >>> 2]!, u32[(exc + EXC_TRACEBACK_OFFSET) >>> 2]!, u32[(exc + EXC_CAUSE_OFFSET) >>> 2]!, u32[(exc + EXC_CONTEXT_OFFSET) >>> 2]!];
  criticalSectionEnd(t.heap);
  return words;
}

/** `is_same_exception_metadata(a, b)`: the same notes, traceback, cause and context objects (what a re-raise keeps and `split` copies). */
function sameMetadata(t: ObThread, a: number, b: number): boolean {
  const ma = metadataOf(t, a);
  const mb = metadataOf(t, b);
  return ma[0] === mb[0] && ma[1] === mb[1] && ma[2] === mb[2] && ma[3] === mb[3];
}

/**
 * `_PyExc_PrepReraiseStar(orig, excs)`: what a `try`/`except*` raises at its
 * end. `orig` is the exception caught (raised: it has a traceback), `excs`
 * a list of what the clauses raised or re-raised and the unhandled rest
 * (None where nothing was). Re-raised parts (same metadata as `orig`) keep
 * `orig`'s nesting (its projection on their leaves); newly raised ones are
 * siblings of it in `ExceptionGroup('', [...])`; a naked `orig` gives the
 * first item. A new reference (None: nothing to raise), or 0.
 * @public
 */
export function prepReraiseStar(t: ObThread, orig: number, excs: number): number {
  const n = listSize(t, excs);
  if (n === 0) {
    incref(t.rc, t.none);
    return t.none;
  }
  if (!exceptionGroupCheck(t, orig)) {
    // A naked exception was caught and wrapped: only one clause ran, so there is at most one to raise.
    return listGetItemRef(t, excs, 0);
  }
  const raised: number[] = [];
  const reraised: number[] = [];
  let result = 0;
  let failed = false;
  for (let i = 0; i < n; i++) {
    const e = listGetItemRef(t, excs, i);
    if (e === 0) {
      failed = true;
      break;
    }
    if (e === t.none) decref(t.rc, e);
    else (sameMetadata(t, e, orig) ? reraised : raised).push(e);
  }
  if (!failed) {
    const reraisedEg = projection(t, orig, reraised);
    if (reraisedEg !== 0) {
      if (raised.length === 0) {
        result = reraisedEg;
      } else {
        if (reraisedEg !== t.none) raised.push(reraisedEg);
        else decref(t.rc, reraisedEg);
        if (raised.length > 1) {
          const list = listFromArray(t, raised);
          result = list === 0 ? 0 : exceptionGroupCreate(t, '', list);
          if (list !== 0) decref(t.rc, list);
        } else {
          result = raised[0]!;
          incref(t.rc, result);
        }
      }
    }
  }
  for (const e of raised) decref(t.rc, e);
  for (const e of reraised) decref(t.rc, e);
  return result;
}

/**
 * `PyUnstable_Exc_PrepReraiseStar(orig, excs)`: {@link prepReraiseStar}
 * after checking its arguments ("orig must be an exception instance",
 * "excs must be a list of exception instances", "item 1 of excs is not an
 * exception", ValueError "orig must be a raised exception" when `orig` has
 * no traceback).
 * @public
 */
export function prepReraiseStarChecked(t: ObThread, orig: number, excs: number): number {
  if (orig === 0 || !exceptionInstanceCheck(t, orig)) return errRaise(t, StaticType.TypeError, 'orig must be an exception instance');
  if (excs === 0 || !objectTypeCheck(t, excs, t.types[StaticType.List]!)) return errRaise(t, StaticType.TypeError, 'excs must be a list of exception instances');
  const n = listSize(t, excs);
  for (let i = 0; i < n; i++) {
    const e = listGetItemRef(t, excs, i);
    if (e === 0) return 0;
    const ok = e === t.none || exceptionInstanceCheck(t, e);
    decref(t.rc, e);
    if (!ok) return errRaise(t, StaticType.TypeError, `item ${i} of excs is not an exception`);
  }
  const tb = exceptionGetTraceback(t, orig);
  if (tb === 0) return errRaise(t, StaticType.ValueError, 'orig must be a raised exception');
  decref(t.rc, tb);
  return prepReraiseStar(t, orig, excs);
}
