/**
 * The benchmark peer: the textbook three-state futex mutex over
 * `Atomics.wait`/`notify` (Drepper, "Futexes Are Tricky", mutex 2), with no
 * spinning. 0 = unlocked, 1 = locked, 2 = locked with possible waiters. The npm
 * packages for SharedArrayBuffer mutexes that this registry serves are either
 * broken on Node 20 or far slower, so the peer is written here.
 */

export function futexLock(i32: Int32Array, index: number): void {
  let c = Atomics.compareExchange(i32, index, 0, 1);
  if (c === 0) return;
  if (c !== 2) c = Atomics.exchange(i32, index, 2);
  while (c !== 0) {
    Atomics.wait(i32, index, 2);
    c = Atomics.exchange(i32, index, 2);
  }
}

export function futexUnlock(i32: Int32Array, index: number): void {
  if (Atomics.sub(i32, index, 1) !== 1) {
    Atomics.store(i32, index, 0);
    Atomics.notify(i32, index, 1);
  }
}
