/**
 * "RuntimeWarning: coroutine '…' was never awaited" (`_PyErr_WarnUnawaitedCoroutine`
 * through `warnings._warn_unawaited_coroutine`): written when a coroutine
 * that never ran is freed, as CPython's default warning filter shows it —
 * the location of the Python code running then (`sys:1` when none), its
 * source line, and the note that tracemalloc would say where the coroutine
 * was made. Shown once per location and message, as the "default" action
 * does.
 *
 * There is no `warnings` module yet: the text goes straight to the
 * interpreter's stderr. The location is the running frame's last recorded
 * instruction: a call or a `del` statement (which records it), the
 * usual places a coroutine is dropped.
 */

import { CODE_FILENAME_OFFSET, CODE_SIZE_OFFSET, GEN_QUALNAME_OFFSET, strToJs, type ObThread } from '@ft/objects';
import { lineOf } from './code-info.js';
import { F_CODE, F_INSTR } from './frame.js';
import { SourceLines } from './source-lines.js';
import { vmOf, type VmThread } from './vm-thread.js';

/** The warnings shown so far, by thread (the "default" action's registry). */
const shown = new WeakMap<VmThread, Set<string>>();

/** Writes the warning for `coro` (a coroutine being finalized while never started). */
export function warnUnawaited(t: ObThread, coro: number): void {
  const vm = vmOf(t);
  const message = `coroutine '${strToJs(t, t.u32[(coro + GEN_QUALNAME_OFFSET) >>> 2]!)}' was never awaited`;
  let where = 'sys:1';
  let source = '';
  if (vm.currentFrame !== 0) {
    const fw = vm.currentFrame >>> 2;
    const code = t.u32[fw + F_CODE]!;
    const line = lineOf(t, code, t.i32[fw + F_INSTR]!, t.u32[(code + CODE_SIZE_OFFSET) >>> 2]!);
    const filename = strToJs(t, t.u32[(code + CODE_FILENAME_OFFSET) >>> 2]!);
    where = `${filename}:${line}`;
    source = new SourceLines(t).getline(filename, line).trim();
  }
  let seen = shown.get(vm);
  if (seen === undefined) shown.set(vm, (seen = new Set()));
  const key = `${where}: ${message}`;
  if (seen.has(key)) return;
  seen.add(key);
  vm.interp.stderr.write(`${key.replace(': ', ': RuntimeWarning: ')}\n${source === '' ? '' : `  ${source}\n`}RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n`);
}
