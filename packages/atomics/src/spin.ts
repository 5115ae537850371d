/**
 * Waiting without a kernel round trip. JavaScript has neither a pause
 * instruction nor `sched_yield`, so a "spin" here re-reads the awaited word
 * with `Atomics.load` (DESIGN.md §3: never a plain read in a wait loop) for a
 * bounded number of rounds, and {@link yieldThread} gives the core away by
 * sleeping on a private word for the shortest time the OS grants (~50–70 µs).
 */

const YIELD_WORD = new Int32Array(new SharedArrayBuffer(4));

/**
 * Gives up the CPU briefly (the nearest thing to `sched_yield()` in a worker).
 * @public
 */
export function yieldThread(): void {
  Atomics.wait(YIELD_WORD, 0, 0, 0.001);
}
