/**
 * A started thread as its starter sees it (`_thread._ThreadHandle`):
 * its record and id, whether it is done, and join — once, from any number
 * of threads at once, and again at no cost (thread-record.ts).
 */

import type { HeapContext } from '@ft/atomics';
import { THREAD_DONE, TR_STATE_OFFSET } from '../layout.js';
import { recordId, recordJoin } from './thread-record.js';

/** Options of a thread's start. @public */
export interface StartThreadOptions {
  /** A daemon thread is not waited for at shutdown (`daemon=True`). */
  readonly daemon?: boolean;
}

/** A started thread (`_thread._ThreadHandle`). @public */
export class ThreadHandle {
  /** @internal */
  constructor(
    private readonly heap: HeapContext,
    /** Address of the thread's record. */
    readonly record: number,
    /** The thread id. */
    readonly ident: number,
    /** Whether it is a daemon thread. */
    readonly daemon: boolean,
  ) {}

  /** Whether the thread's body has returned (`ThreadHandle.is_done()`). */
  get isDone(): boolean {
    return recordId(this.heap, this.record) !== this.ident || Atomics.load(this.heap.i32, (this.record + TR_STATE_OFFSET) >>> 2) === THREAD_DONE;
  }

  /**
   * Waits until the thread is done (`ThreadHandle.join()`), detached.
   * Concurrent joins from several threads all return once it is done;
   * joining again returns at once.
   */
  join(): void {
    recordJoin(this.heap, this.record, this.ident);
  }
}

/**
 * Joins thread `ident` whose record is `record` from any thread (a thread
 * body joining another): as {@link ThreadHandle.join}. Returns false when
 * it had been joined already.
 * @public
 */
export function joinThread(heap: HeapContext, record: number, ident: number): boolean {
  return recordJoin(heap, record, ident);
}
