/**
 * The per-thread stack of critical sections (CPython links `PyCriticalSection`
 * structs on the C stack through `tstate->critical_section`). Only the owning
 * thread ever reads it, so it is thread-local JavaScript memory, never shared:
 * a thread context holds one (heap-context.ts) and critical-section.ts
 * pushes, suspends and resumes its levels.
 */

/**
 * One thread's stack of critical sections; thread-local, never in shared memory.
 * @public
 */
export class CriticalSectionStack {
  /** Number of sections the thread is in. */
  depth = 0;
  /** First (lower-address) mutex of each level; 0 while being acquired. */
  mutex1: Uint32Array = new Uint32Array(16);
  /** Second mutex of each level; 0 for a single-mutex section. */
  mutex2: Uint32Array = new Uint32Array(16);
  /** 1 while the level's mutexes are held, 0 while suspended. */
  active: Uint8Array = new Uint8Array(16);
  /** 1 for a re-entrant level, which relies on the level below it. */
  reentrant: Uint8Array = new Uint8Array(16);

  /** Pushes a level; grows the arrays when needed. */
  push(m1: number, m2: number, reentrant: number): void {
    const d = this.depth;
    if (d === this.active.length) this.grow();
    this.mutex1[d] = m1;
    this.mutex2[d] = m2;
    this.active[d] = 1;
    this.reentrant[d] = reentrant;
    this.depth = d + 1;
  }

  private grow(): void {
    const n = this.active.length * 2;
    const m1 = new Uint32Array(n);
    const m2 = new Uint32Array(n);
    const active = new Uint8Array(n);
    const reentrant = new Uint8Array(n);
    m1.set(this.mutex1);
    m2.set(this.mutex2);
    active.set(this.active);
    reentrant.set(this.reentrant);
    this.mutex1 = m1;
    this.mutex2 = m2;
    this.active = active;
    this.reentrant = reentrant;
  }
}
