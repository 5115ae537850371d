/**
 * Hand-off rings between stress workers: one single-producer/single-consumer
 * ring per ordered pair of workers, plus a done counter, in an Int32Array over
 * a SharedArrayBuffer of its own (so a broken allocator cannot wreck the
 * test's bookkeeping).
 *
 *  index                          field      writer / reader, order
 *  0                              done       workers (Atomics.add + notify) / workers (Atomics.load, Atomics.wait)
 *  RING_BASE_INDEX + r × stride   ring r = sender × workers + receiver:
 *    + 0                          head       receiver (Atomics.store) / sender (Atomics.load)
 *    + 16                         tail       sender (Atomics.store) / receiver (Atomics.load)
 *    + 32 + 4e .. + 4e + 3        entry e    four words, written plain by the sender before it
 *                                            publishes tail, read plain by the receiver after it saw
 *                                            that tail (the Atomics are sequentially consistent, so
 *                                            publication orders the plain accesses)
 *
 * Head and tail count entries without wrapping back (a run passes far fewer
 * than 2^31); entry = index % capacity. Head and tail are 64 bytes apart.
 */

/** Int32 index of the done counter. */
export const RINGS_DONE_INDEX = 0;
/** First ring. */
const RING_BASE_INDEX = 16;
const RING_HEAD_FIELD = 0;
const RING_TAIL_FIELD = 16;
const RING_ENTRIES_FIELD = 32;
/** Words per entry. */
export const RING_ENTRY_WORDS = 4;

function ringStride(capacity: number): number {
  return RING_ENTRIES_FIELD + capacity * RING_ENTRY_WORDS;
}

function ringIndex(workers: number, capacity: number, sender: number, receiver: number): number {
  return RING_BASE_INDEX + (sender * workers + receiver) * ringStride(capacity);
}

/** The rings of `workers` workers with `capacity` entries each. */
export function createPairRings(workers: number, capacity: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * (RING_BASE_INDEX + workers * workers * ringStride(capacity))));
}

/** Entries still queued in all rings (0 at the end of a clean run). */
export function pendingEntries(rings: Int32Array, workers: number, capacity: number): number {
  let pending = 0;
  for (let from = 0; from < workers; from++) {
    for (let to = 0; to < workers; to++) {
      const base = ringIndex(workers, capacity, from, to);
      pending += Atomics.load(rings, base + RING_TAIL_FIELD) - Atomics.load(rings, base + RING_HEAD_FIELD);
    }
  }
  return pending;
}

/** One worker's end of the rings: its inboxes (from every other worker) and outboxes. */
export class PairRings {
  private readonly outgoing: number[];
  private readonly incoming: number[];

  constructor(
    readonly rings: Int32Array,
    private readonly workers: number,
    private readonly capacity: number,
    private readonly me: number,
  ) {
    this.outgoing = Array.from({ length: workers }, (_, to) => ringIndex(workers, capacity, me, to));
    this.incoming = Array.from({ length: workers }, (_, from) => ringIndex(workers, capacity, from, me));
  }

  /** Whether any inbox has entries (a lock-free peek). */
  inboxNonEmpty(): boolean {
    const rings = this.rings;
    for (let from = 0; from < this.workers; from++) {
      if (from === this.me) continue;
      const base = this.incoming[from];
      if (Atomics.load(rings, base + RING_TAIL_FIELD) !== rings[base + RING_HEAD_FIELD]) return true;
    }
    return false;
  }

  /**
   * Takes every waiting entry: `receive` gets the Int32 index of the entry's
   * first word in `rings`. Returns how many entries were taken.
   */
  drain(receive: (entry: number) => void): number {
    const rings = this.rings;
    let n = 0;
    for (let from = 0; from < this.workers; from++) {
      if (from === this.me) continue;
      const base = this.incoming[from];
      const tail = Atomics.load(rings, base + RING_TAIL_FIELD);
      // SAFETY: only this worker writes the head of its incoming rings.
      let head = rings[base + RING_HEAD_FIELD];
      while (head !== tail) {
        receive(base + RING_ENTRIES_FIELD + (head % this.capacity) * RING_ENTRY_WORDS);
        head++;
        n++;
      }
      Atomics.store(rings, base + RING_HEAD_FIELD, head);
    }
    return n;
  }

  /** Sends an entry of four words to worker `to`; false when that ring is full. */
  send(to: number, w0: number, w1: number, w2: number, w3: number): boolean {
    const rings = this.rings;
    const base = this.outgoing[to];
    // SAFETY: only this worker writes the tail of its outgoing rings.
    const tail = rings[base + RING_TAIL_FIELD];
    if (tail - Atomics.load(rings, base + RING_HEAD_FIELD) >= this.capacity) return false;
    const e = base + RING_ENTRIES_FIELD + (tail % this.capacity) * RING_ENTRY_WORDS;
    rings[e] = w0 | 0;
    rings[e + 1] = w1 | 0;
    rings[e + 2] = w2 | 0;
    rings[e + 3] = w3 | 0;
    Atomics.store(rings, base + RING_TAIL_FIELD, tail + 1);
    return true;
  }
}
