/**
 * Thread bodies: the functions Python threads run until the VM can run
 * Python functions. A module's exported functions, numbered by their
 * names in sorted order — the same on every thread that loads the same
 * module — so that a thread record names its body with a number in the
 * shared heap (DESIGN.md §2: behaviours by id).
 */

import type { SharedHeap } from '@ft/atomics';
import type { ObjectsThreadState, ObThread } from '@ft/objects';
import type { StartThreadOptions, ThreadHandle } from './thread-handle.js';

/** What a thread body gets. @public */
export interface ThreadContext {
  /** The shared heap. */
  readonly heap: SharedHeap;
  /** The thread's state (its reference counting, `detach`/`attach` around blocking waits), made for this thread and deleted when it ends. */
  readonly ts: ObjectsThreadState;
  /** The thread's context for the object functions. */
  readonly t: ObThread;
  /** The thread id (`threading.get_ident()`'s counterpart; the main thread is 1). */
  readonly id: number;
  /** The argument `startThread` was given: an object's address (borrowed) or 0. */
  readonly arg: number;
  /** Address of the interpreter state. */
  readonly interp: number;
  /** Starts another thread from this one (`_thread.start_new_thread`), as {@link Runtime.startThread}. */
  startThread(body: string, arg?: number, options?: StartThreadOptions): ThreadHandle;
}

/** A thread body: runs on a pooled worker; a thrown error or a Python exception left set is reported. @public */
export type ThreadBody = (ctx: ThreadContext) => void;

/** The bodies of one module, by name and by number (the same on every thread that loads the module). @public */
export interface ThreadBodies {
  /** The exported functions' names, sorted: a body's number is its index here. */
  readonly names: readonly string[];
  /** The number of body `name`, or -1. */
  indexOf(name: string): number;
  /** Body number `index`. @throws Error when there is none. */
  byIndex(index: number): { readonly name: string; readonly fn: ThreadBody };
}

/** Loads the bodies of the module at `href` (null: none). @internal */
export async function loadThreadBodies(href: string | null): Promise<ThreadBodies> {
  const module: Record<string, unknown> = href === null ? {} : ((await import(href)) as Record<string, unknown>);
  const names = Object.keys(module)
    .filter((k) => typeof module[k] === 'function')
    .sort();
  return {
    names,
    indexOf: (name) => names.indexOf(name),
    byIndex: (index) => {
      const name = names[index];
      if (name === undefined) throw new Error(`thread body ${index} does not exist (the module has ${names.length})`);
      return { name, fn: module[name] as ThreadBody };
    },
  };
}
