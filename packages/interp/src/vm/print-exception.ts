/**
 * Printing an uncaught exception as CPython 3.13 does. Its `PyErr_Display`
 * hands the exception to `traceback._print_exception_bltin`, so the spec
 * is `traceback.TracebackException` (without colour, as on a pipe):
 *
 * - the exception is first captured (`TracebackException.__init__`): each
 *   traceback entry's file, line, name and instruction span, `str(exc)`
 *   with the "Did you mean …?" suggestions (suggestions-display.ts), the
 *   notes, a SyntaxError's fields; then, through a work list, its
 *   `__cause__`, `__context__` and group members, each exception once
 *   (`_seen`: a cycle ends the chain);
 * - then formatted (`TracebackException.format`): the chain oldest first
 *   with "The above exception was the direct cause …" / "During handling
 *   …" between, each as "Traceback (most recent call last):", its entries
 *   (frame-summary-format.ts; a run of the same entry collapsed after
 *   three into "[Previous line repeated N more times]") and
 *   `module.Type: message` with the notes; exception groups boxed
 *   (`  + Exception Group Traceback …`, `+-+---- 1 ----`, a `| ` margin
 *   per level, `max_group_width` 15 and `max_group_depth` 10);
 * - `sys.tracebacklimit` keeps the last entries, with 3.13's arithmetic.
 */

import {
  errClear,
  errExceptionMatches,
  errGetRaisedException,
  errOccurred,
  exceptionGetCause,
  exceptionGetContext,
  exceptionGetSuppressContext,
  exceptionGetTraceback,
  exceptionGroupCheck,
  frameGetCode,
  intAsNumber,
  intCheckExact,
  iterNext,
  objectGetIter,
  objectRepr,
  objectStr,
  StaticType,
  strCheck,
  strToJs,
  tracebackCheck,
  tracebackFrame,
  tracebackLasti,
  tracebackLineno,
  tracebackNext,
  typeHasFlag,
  typeIsSubtype,
  typeOf,
  TPFLAGS_LIST_SUBCLASS,
  TPFLAGS_LONG_SUBCLASS,
  TPFLAGS_TUPLE_SUBCLASS,
  CODE_FILENAME_OFFSET,
  CODE_NAME_OFFSET,
  type ObThread,
} from '@ft/objects';
import { decref } from '@ft/refcount';
import { getAttrJs } from './ceval-ops.js';
import { codePositionAt } from './code-positions.js';
import { formatFrameSummary, type FrameSummary } from './frame-summary-format.js';
import { sysGetObjectRef } from './interp-state.js';
import { isPySpace, textwrapIndent } from './py-text.js';
import { SourceLines } from './source-lines.js';
import { suggestionSuffix } from './suggestions-display.js';

/** `_RECURSIVE_CUTOFF`: entries of a run shown before "[Previous line repeated …]". */
const RECURSIVE_CUTOFF = 3;
/** `TracebackException`'s defaults: members shown per group, group nesting shown. */
const MAX_GROUP_WIDTH = 15;
const MAX_GROUP_DEPTH = 10;

const CAUSE_MESSAGE = '\nThe above exception was the direct cause of the following exception:\n\n';
const CONTEXT_MESSAGE = '\nDuring handling of the above exception, another exception occurred:\n\n';

/** A SyntaxError's fields as `TracebackException` keeps them. */
interface SyntaxFields {
  /** `str(filename)`, null when None. */
  readonly filename: string | null;
  /** `str(lineno)` / `str(end_lineno)`, null when None. */
  readonly lineno: string | null;
  readonly endLineno: string | null;
  readonly text: string | null;
  readonly offset: number | null;
  readonly endOffset: number | null;
  /** `str(msg)`, '' when None. */
  readonly msg: string;
}

/** `__notes__` as captured: absent, a sequence of note texts, or any other object's repr. */
type Notes = { readonly kind: 'none' } | { readonly kind: 'sequence'; readonly items: readonly string[] } | { readonly kind: 'other'; readonly repr: string };

/** `traceback.TracebackException`: an exception captured for printing. */
interface TbException {
  readonly stack: readonly FrameSummary[];
  readonly str: string;
  readonly notes: Notes;
  readonly typeStr: string;
  readonly syntax: SyntaxFields | null;
  readonly suppressContext: boolean;
  cause: TbException | null;
  context: TbException | null;
  exceptions: TbException[] | null;
}

/** `_safe_string(value, what, func)`: `str()` (or `repr()`) as text, `<what str() failed>` when it raises. */
function safeString(t: ObThread, op: number, what: string, useRepr = false): string {
  const s = useRepr ? objectRepr(t, op) : objectStr(t, op);
  if (s === 0) {
    errClear(t);
    return `<${what} ${useRepr ? 'repr' : 'str'}() failed>`;
  }
  const text = strToJs(t, s);
  decref(t.rc, s);
  return text;
}

/** An attribute as a new reference; 0 when absent or failing (the error cleared). */
function attrOrZero(t: ObThread, op: number, name: string): number {
  const v = getAttrJs(t, op, name);
  if (v === 0) errClear(t);
  return v;
}

/** `str(getattr(op, name))`, null when absent or None. */
function attrText(t: ObThread, op: number, name: string): string | null {
  const v = attrOrZero(t, op, name);
  if (v === 0) return null;
  const text = v === t.none ? null : safeString(t, v, 'attribute');
  decref(t.rc, v);
  return text;
}

/** An int attribute as a number, null when absent, None or no int. */
function attrInt(t: ObThread, op: number, name: string): number | null {
  const v = attrOrZero(t, op, name);
  if (v === 0) return null;
  let n: number | null = null;
  if (intCheckExact(t, v) || typeHasFlag(t, typeOf(t, v), TPFLAGS_LONG_SUBCLASS)) n = intAsNumber(t, v);
  decref(t.rc, v);
  return n;
}

/** `exc_type_str`: `__qualname__`, behind `__module__` unless builtins or __main__ ("<unknown>" for a module that is no str). */
function typeDisplayName(t: ObThread, exc: number): string {
  const type = typeOf(t, exc);
  const qualname = attrText(t, type, '__qualname__') ?? '<unknown>';
  const moduleObj = attrOrZero(t, type, '__module__');
  let module = '<unknown>';
  if (moduleObj !== 0) {
    if (strCheck(t, moduleObj)) module = strToJs(t, moduleObj);
    decref(t.rc, moduleObj);
  }
  return module === 'builtins' || module === '__main__' ? qualname : `${module}.${qualname}`;
}

/** `getattr(exc, '__notes__', None)` captured as texts. */
function captureNotes(t: ObThread, exc: number): Notes {
  const notes = getAttrJs(t, exc, '__notes__');
  if (notes === 0) {
    if (errExceptionMatches(t, t.types[StaticType.AttributeError]!)) {
      errClear(t);
      return { kind: 'none' };
    }
    // Any other error becomes the one note (3.13's "Ignored error getting __notes__").
    const raised = errGetRaisedException(t);
    const text = raised === 0 ? '<__notes__ repr() failed>' : safeString(t, raised, '__notes__', true);
    if (raised !== 0) decref(t.rc, raised);
    return { kind: 'sequence', items: [`Ignored error getting __notes__: ${text}`] };
  }
  try {
    if (notes === t.none) return { kind: 'none' };
    const type = typeOf(t, notes);
    // `collections.abc.Sequence` but not str or bytes: the built-in sequences.
    if (typeHasFlag(t, type, TPFLAGS_LIST_SUBCLASS) || typeHasFlag(t, type, TPFLAGS_TUPLE_SUBCLASS)) {
      const items: string[] = [];
      const it = objectGetIter(t, notes);
      if (it === 0) errClear(t);
      else {
        for (let item = iterNext(t, it); item !== 0; item = iterNext(t, it)) {
          items.push(safeString(t, item, 'note'));
          decref(t.rc, item);
        }
        if (errOccurred(t) !== 0) errClear(t);
        decref(t.rc, it);
      }
      return { kind: 'sequence', items };
    }
    return { kind: 'other', repr: safeString(t, notes, '__notes__', true) };
  } finally {
    decref(t.rc, notes);
  }
}

/** A SyntaxError's fields. */
function captureSyntax(t: ObThread, exc: number): SyntaxFields {
  const textObj = attrOrZero(t, exc, 'text');
  let text: string | null = null;
  if (textObj !== 0) {
    if (strCheck(t, textObj)) text = strToJs(t, textObj);
    decref(t.rc, textObj);
  }
  return {
    filename: attrText(t, exc, 'filename'),
    lineno: attrText(t, exc, 'lineno'),
    endLineno: attrText(t, exc, 'end_lineno'),
    text,
    offset: attrInt(t, exc, 'offset'),
    endOffset: attrInt(t, exc, 'end_offset'),
    msg: attrText(t, exc, 'msg') ?? '',
  };
}

/** `sys.tracebacklimit` when it is an int (negative: 0), else null. */
function tracebackLimit(t: ObThread): number | null {
  const v = sysGetObjectRef(t, 'tracebacklimit');
  if (v === 0) return null;
  let limit: number | null = null;
  if (intCheckExact(t, v) || typeHasFlag(t, typeOf(t, v), TPFLAGS_LONG_SUBCLASS)) limit = Math.max(0, intAsNumber(t, v));
  decref(t.rc, v);
  return limit;
}

/** `StackSummary._extract_from_extended_frame_gen(_walk_tb_with_full_positions(tb), limit=BUILTIN_EXCEPTION_LIMIT)`. */
function extractStack(t: ObThread, tb: number, limit: number | null): FrameSummary[] {
  const frames: FrameSummary[] = [];
  let cur = tb;
  let owned = false;
  while (cur !== 0) {
    const frame = tracebackFrame(t, cur);
    const code = frameGetCode(t, frame);
    if (code !== 0) {
      const position = codePositionAt(t, code, tracebackLasti(t, cur));
      const tbLineno = tracebackLineno(t, cur);
      frames.push({
        filename: strToJs(t, t.u32[(code + CODE_FILENAME_OFFSET) >>> 2]!),
        name: strToJs(t, t.u32[(code + CODE_NAME_OFFSET) >>> 2]!),
        // Without a line in the table, the entry's own line (`tb_lineno`; -1 reads as None).
        lineno: position.lineno ?? (tbLineno < 0 ? null : tbLineno),
        endLineno: position.endLineno,
        colno: position.colno,
        endColno: position.endColno,
      });
      decref(t.rc, code);
    }
    const next = tracebackNext(t, cur);
    if (owned) decref(t.rc, cur);
    cur = next;
    owned = true;
  }
  if (limit === null) return frames;
  // `frame_gen[len(frame_gen) - limit:]`, Python's slice: a limit above the length counts from the end.
  const start = frames.length - limit;
  return frames.slice(start < 0 ? Math.max(0, frames.length + start) : start);
}

/** `TracebackException.__init__` for one exception, without its chain. */
function captureOne(t: ObThread, exc: number, seen: Set<number>, limit: number | null): TbException {
  seen.add(exc);
  const tb = exceptionGetTraceback(t, exc);
  try {
    // `__traceback__` holds only tracebacks once set from Python; anything else shows no entries.
    const stack = tb === 0 || !tracebackCheck(t, tb) ? [] : extractStack(t, tb, limit);
    let str = safeString(t, exc, 'exception');
    const notes = captureNotes(t, exc);
    const isSyntax = typeIsSubtype(t, typeOf(t, exc), t.types[StaticType.SyntaxError]!);
    const syntax = isSyntax ? captureSyntax(t, exc) : null;
    if (!isSyntax) str += suggestionSuffix(t, exc, tb);
    return {
      stack,
      str,
      notes,
      typeStr: typeDisplayName(t, exc),
      syntax,
      suppressContext: exceptionGetSuppressContext(t, exc),
      cause: null,
      context: null,
      exceptions: null,
    };
  } finally {
    if (tb !== 0) decref(t.rc, tb);
  }
}

/** A group's `exceptions` as new references (empty when unreadable). */
function groupMembers(t: ObThread, group: number): number[] {
  const excs = attrOrZero(t, group, 'exceptions');
  if (excs === 0) return [];
  const out: number[] = [];
  const it = objectGetIter(t, excs);
  if (it === 0) errClear(t);
  else {
    for (let item = iterNext(t, it); item !== 0; item = iterNext(t, it)) out.push(item);
    if (errOccurred(t) !== 0) errClear(t);
    decref(t.rc, it);
  }
  decref(t.rc, excs);
  return out;
}

/** `TracebackException(type(exc), exc, exc.__traceback__, compact=True)` with its chain and members, in CPython's order. */
function capture(t: ObThread, exc: number): TbException {
  const seen = new Set<number>();
  const limit = tracebackLimit(t);
  const root = captureOne(t, exc, seen, limit);
  // Held until the end: `seen` compares identities, which must not be reused meanwhile.
  const held: number[] = [];
  const queue: [TbException, number][] = [[root, exc]];
  while (queue.length > 0) {
    const [te, e] = queue.pop()!;
    const causeObj = exceptionGetCause(t, e);
    const contextObj = exceptionGetContext(t, e);
    if (causeObj !== 0) held.push(causeObj);
    if (contextObj !== 0) held.push(contextObj);
    const cause = causeObj !== 0 && !seen.has(causeObj) ? captureOne(t, causeObj, seen, limit) : null;
    const needContext = cause === null && !te.suppressContext;
    const context = contextObj !== 0 && needContext && !seen.has(contextObj) ? captureOne(t, contextObj, seen, limit) : null;
    let members: number[] | null = null;
    if (exceptionGroupCheck(t, e)) {
      members = groupMembers(t, e);
      held.push(...members);
      te.exceptions = members.map((m) => captureOne(t, m, seen, limit));
    }
    te.cause = cause;
    te.context = context;
    if (cause !== null) queue.push([cause, causeObj]);
    if (context !== null) queue.push([context, contextObj]);
    if (members !== null) for (let i = 0; i < members.length; i++) queue.push([te.exceptions![i]!, members[i]!]);
  }
  for (const op of held) decref(t.rc, op);
  return root;
}

/** `StackSummary.format()`: the entries, runs of one entry collapsed after three. */
function formatStack(stack: readonly FrameSummary[], source: SourceLines): string[] {
  const result: string[] = [];
  let last: FrameSummary | null = null;
  let count = 0;
  const repeated = (n: number): string => `  [Previous line repeated ${n} more time${n > 1 ? 's' : ''}]\n`;
  for (const fs of stack) {
    if (last === null || last.filename !== fs.filename || last.lineno === null || last.lineno !== fs.lineno || last.name !== fs.name) {
      if (count > RECURSIVE_CUTOFF) result.push(repeated(count - RECURSIVE_CUTOFF));
      last = fs;
      count = 0;
    }
    count++;
    if (count > RECURSIVE_CUTOFF) continue;
    result.push(formatFrameSummary(fs, source));
  }
  if (count > RECURSIVE_CUTOFF) result.push(repeated(count - RECURSIVE_CUTOFF));
  return result;
}

/** `_format_syntax_error`: the `File` line, the source line and its markers, `Type: msg`. */
function formatSyntaxError(stype: string, s: SyntaxFields): string[] {
  const out: string[] = [];
  let filenameSuffix = '';
  if (s.lineno !== null) out.push(`  File "${s.filename || '<string>'}", line ${s.lineno}\n`);
  else if (s.filename !== null) filenameSuffix = ` (${s.filename})`;
  if (s.text !== null) {
    const rtext = Array.from(s.text.replace(/\n+$/, ''));
    let lead = 0;
    while (lead < rtext.length && (rtext[lead] === ' ' || rtext[lead] === '\n' || rtext[lead] === '\f')) lead++;
    const ltext = rtext.slice(lead);
    const textLength = Array.from(s.text).length;
    if (s.offset === null) out.push(`    ${ltext.join('')}\n`);
    else {
      let offset = s.offset;
      let endOffset: number;
      if (s.lineno === s.endLineno) endOffset = s.endOffset === null || s.endOffset === 0 ? offset : s.endOffset;
      else endOffset = rtext.length + 1;
      if (textLength > 0 && offset > textLength) offset = rtext.length + 1;
      if (textLength > 0 && endOffset > textLength) endOffset = rtext.length + 1;
      if (offset >= endOffset || endOffset < 0) endOffset = offset + 1;
      // 1-based columns into the stripped text.
      const colno = offset - 1 - lead;
      const endColno = endOffset - 1 - lead;
      out.push(`    ${ltext.join('')}\n`);
      if (colno >= 0) {
        // Tabs and other whitespace stay, so the caret lines up.
        const caretSpace = ltext
          .slice(0, colno)
          .map((c) => (isPySpace(c) ? c : ' '))
          .join('');
        out.push(`    ${caretSpace}${'^'.repeat(Math.max(0, endColno - colno))}\n`);
      }
    }
  }
  out.push(`${stype}: ${s.msg || '<no detail available>'}${filenameSuffix}\n`);
  return out;
}

/** `format_exception_only()` at depth 0: the type line (or SyntaxError block) and the notes. */
function formatExceptionOnly(te: TbException): string[] {
  const out: string[] = [];
  if (te.syntax === null) out.push(te.str === '' ? `${te.typeStr}\n` : `${te.typeStr}: ${te.str}\n`);
  else out.push(...formatSyntaxError(te.typeStr, te.syntax));
  if (te.notes.kind === 'sequence') {
    for (const note of te.notes.items) for (const line of note.split('\n')) out.push(`${line}\n`);
  } else if (te.notes.kind === 'other') out.push(`${te.notes.repr}\n`);
  return out;
}

/** `_ExceptionPrintContext`: the group nesting and whether a box still needs its closing line. */
class PrintContext {
  exceptionGroupDepth = 0;
  needClose = false;

  indent(): string {
    return ' '.repeat(2 * this.exceptionGroupDepth);
  }

  /** Each line of `texts` behind the margin of the current depth. */
  emit(out: string[], texts: string | readonly string[], marginChar = '|'): void {
    let prefix = this.indent();
    if (this.exceptionGroupDepth > 0) prefix += `${marginChar} `;
    for (const text of typeof texts === 'string' ? [texts] : texts) out.push(textwrapIndent(text, prefix, () => true));
  }
}

/** `TracebackException.format(chain=True)`. */
function formatTb(te: TbException, ctx: PrintContext, source: SourceLines, out: string[]): void {
  const chain: [string | null, TbException][] = [];
  let exc: TbException | null = te;
  while (exc !== null) {
    let msg: string | null = null;
    let next: TbException | null = null;
    if (exc.cause !== null) {
      msg = CAUSE_MESSAGE;
      next = exc.cause;
    } else if (exc.context !== null && !exc.suppressContext) {
      msg = CONTEXT_MESSAGE;
      next = exc.context;
    }
    chain.push([msg, exc]);
    exc = next;
  }
  for (let k = chain.length - 1; k >= 0; k--) {
    const [msg, e] = chain[k]!;
    if (msg !== null) ctx.emit(out, msg);
    if (e.exceptions === null) {
      if (e.stack.length > 0) {
        ctx.emit(out, 'Traceback (most recent call last):\n');
        ctx.emit(out, formatStack(e.stack, source));
      }
      ctx.emit(out, formatExceptionOnly(e));
    } else if (ctx.exceptionGroupDepth > MAX_GROUP_DEPTH) {
      ctx.emit(out, `... (max_group_depth is ${MAX_GROUP_DEPTH})\n`);
    } else {
      const isToplevel = ctx.exceptionGroupDepth === 0;
      if (isToplevel) ctx.exceptionGroupDepth++;
      if (e.stack.length > 0) {
        ctx.emit(out, 'Exception Group Traceback (most recent call last):\n', isToplevel ? '+' : '|');
        ctx.emit(out, formatStack(e.stack, source));
      }
      ctx.emit(out, formatExceptionOnly(e));
      const numExcs = e.exceptions.length;
      const n = numExcs <= MAX_GROUP_WIDTH ? numExcs : MAX_GROUP_WIDTH + 1;
      ctx.needClose = false;
      for (let i = 0; i < n; i++) {
        const lastExc = i === n - 1;
        // The closing line may be added by a nested group's own box.
        if (lastExc) ctx.needClose = true;
        const truncated = i >= MAX_GROUP_WIDTH;
        const title = truncated ? '...' : `${i + 1}`;
        out.push(`${ctx.indent()}${i === 0 ? '+-' : '  '}+---------------- ${title} ----------------\n`);
        ctx.exceptionGroupDepth++;
        if (!truncated) formatTb(e.exceptions[i]!, ctx, source, out);
        else {
          const remaining = numExcs - MAX_GROUP_WIDTH;
          ctx.emit(out, `and ${remaining} more exception${remaining > 1 ? 's' : ''}\n`);
        }
        if (lastExc && ctx.needClose) {
          out.push(`${ctx.indent()}+------------------------------------\n`);
          ctx.needClose = false;
        }
        ctx.exceptionGroupDepth--;
      }
      if (isToplevel) ctx.exceptionGroupDepth = 0;
    }
  }
}

/** `PyErr_Display(exc)`: the text CPython 3.13 writes to stderr for an uncaught exception. */
export function formatException(t: ObThread, exc: number): string {
  const te = capture(t, exc);
  const out: string[] = [];
  formatTb(te, new PrintContext(), new SourceLines(t), out);
  return out.join('');
}
