/**
 * The collector's worklists (`struct worklist` of `gc_free_threading.c`):
 * stacks of object addresses. CPython threads them through the objects'
 * `ob_tid`; here they are typed arrays of the collecting thread, reused from
 * one collection to the next — nothing is allocated in the shared heap while
 * the world is stopped either way, and a JavaScript array that grows to a
 * million entries costs about 100 ns per push on the machines this project
 * runs on (fresh memory for every growth), ten times the collection's work
 * per object.
 */

/** A stack of u32 object addresses that keeps its storage between uses. @internal */
export class WorkList {
  private items = new Uint32Array(1024);
  /** Entries in use. */
  length = 0;

  push(op: number): void {
    if (this.length === this.items.length) {
      const bigger = new Uint32Array(this.items.length * 2);
      bigger.set(this.items);
      this.items = bigger;
    }
    this.items[this.length++] = op;
  }

  /** The top entry, removed; 0 when empty. */
  pop(): number {
    return this.length === 0 ? 0 : this.items[--this.length]!;
  }

  /** Entry `k` (0 = the oldest). */
  get(k: number): number {
    return this.items[k]!;
  }

  /** Overwrites entry `k` (for in-place filtering). */
  set(k: number, op: number): void {
    this.items[k] = op;
  }

  /** Keeps the first `n` entries. */
  truncate(n: number): void {
    this.length = n;
  }
}
