/**
 * What a collection writes: `DEBUG_*` lines (CPython's `PySys_WriteStderr`)
 * and errors it must not propagate (`PyErr_FormatUnraisable`), through the
 * thread's hooks or, by default, to the process's stderr.
 */

import { formatAddress } from '@ft/atomics';
import type { GcThread } from './gc-thread.js';

/** Writes a `DEBUG_*` line. @internal */
export function writeDebug(gt: GcThread, text: string): void {
  const write = gt.hooks.write;
  if (write !== undefined) write(text);
  else process.stderr.write(text);
}

/** Reports an error the collector swallows: "Exception ignored <where>". @internal */
export function reportUnraisable(gt: GcThread, where: string, error: unknown): void {
  const unraisable = gt.hooks.unraisable;
  if (unraisable !== undefined) {
    try {
      unraisable(`Exception ignored ${where}`, error);
      return;
    } catch {
      // A failing reporter falls back to the default, as CPython's hook does.
    }
  }
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  writeDebug(gt, `Exception ignored ${where}:\n${detail}\n`);
}

/** A type's name for messages (`tp_name`), through the hook, else "object". @internal */
export function typeNameOf(gt: GcThread, type: number): string {
  const typeName = gt.hooks.typeName;
  if (typeName === undefined) return 'object';
  try {
    return typeName(gt.rc, type);
  } catch {
    return `type at ${formatAddress(type)}`;
  }
}
