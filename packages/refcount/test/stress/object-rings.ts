/**
 * Hand-off rings between the BRC stress workers (the same protocol as
 * obmalloc's test/stress/pair-rings.ts, with two-word entries): one
 * single-producer/single-consumer ring per ordered pair of workers, plus a
 * done counter, in an Int32Array over a SharedArrayBuffer of its own. An
 * entry is a reference: the object's address and its serial; the sender
 * gives up the reference it held, the receiver now holds it.
 *
 *  index                          field      writer / reader, order
 *  0                              done       workers (Atomics.add + notify) / workers (Atomics.load, Atomics.wait)
 *  1                              quiet      peers that finished draining (the sampling barrier)
 *  2                              sampled    set by the peer that sampled the heap at the barrier
 *  3                              exited     set by the early worker once it has called rcThreadExit
 *  RING_BASE_INDEX + r × stride   ring r = sender × workers + receiver:
 *    + 0                          head       receiver (Atomics.store) / sender (Atomics.load)
 *    + 16                         tail       sender (Atomics.store) / receiver (Atomics.load)
 *    + 32 + 2e, + 2e + 1          entry e    written plain by the sender before it publishes tail,
 *                                            read plain by the receiver after it saw that tail
 *
 * Head and tail count entries without wrapping back; entry = index % capacity.
 */

/** Int32 index of the done counter. */
export const RINGS_DONE_INDEX = 0;
/** Int32 index of the count of peers that finished draining. */
export const RINGS_QUIET_INDEX = 1;
/** Int32 index of the flag the sampling peer sets. */
export const RINGS_SAMPLED_INDEX = 2;
/** Int32 index of the flag the early worker sets after its rcThreadExit. */
export const RINGS_EARLY_EXITED_INDEX = 3;
const RING_BASE_INDEX = 16;
const RING_HEAD_FIELD = 0;
const RING_TAIL_FIELD = 16;
const RING_ENTRIES_FIELD = 32;
const ENTRY_WORDS = 2;

function ringStride(capacity: number): number {
  return RING_ENTRIES_FIELD + capacity * ENTRY_WORDS;
}

function ringIndex(workers: number, capacity: number, sender: number, receiver: number): number {
  return RING_BASE_INDEX + (sender * workers + receiver) * ringStride(capacity);
}

/** The rings of `workers` workers with `capacity` entries each. */
export function createObjectRings(workers: number, capacity: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * (RING_BASE_INDEX + workers * workers * ringStride(capacity))));
}

/** Entries still queued in all rings (0 at the end of a clean run). */
export function pendingReferences(rings: Int32Array, workers: number, capacity: number): number {
  let pending = 0;
  for (let from = 0; from < workers; from++) {
    for (let to = 0; to < workers; to++) {
      const base = ringIndex(workers, capacity, from, to);
      pending += Atomics.load(rings, base + RING_TAIL_FIELD) - Atomics.load(rings, base + RING_HEAD_FIELD);
    }
  }
  return pending;
}

/** One worker's end of the rings. */
export class ObjectRings {
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

  /** Takes every waiting reference: `receive(op, serial, sender)`. Returns how many. */
  drain(receive: (op: number, serial: number, from: number) => void): number {
    const rings = this.rings;
    let n = 0;
    for (let from = 0; from < this.workers; from++) {
      if (from === this.me) continue;
      const base = this.incoming[from];
      const tail = Atomics.load(rings, base + RING_TAIL_FIELD);
      // SAFETY: only this worker writes the head of its incoming rings.
      let head = rings[base + RING_HEAD_FIELD];
      while (head !== tail) {
        const e = base + RING_ENTRIES_FIELD + (head % this.capacity) * ENTRY_WORDS;
        receive(rings[e] >>> 0, rings[e + 1] >>> 0, from);
        head++;
        n++;
      }
      Atomics.store(rings, base + RING_HEAD_FIELD, head);
    }
    return n;
  }

  /** Sends a reference to worker `to`; false when that ring is full. */
  send(to: number, op: number, serial: number): boolean {
    const rings = this.rings;
    const base = this.outgoing[to];
    // SAFETY: only this worker writes the tail of its outgoing rings.
    const tail = rings[base + RING_TAIL_FIELD];
    if (tail - Atomics.load(rings, base + RING_HEAD_FIELD) >= this.capacity) return false;
    const e = base + RING_ENTRIES_FIELD + (tail % this.capacity) * ENTRY_WORDS;
    rings[e] = op | 0;
    rings[e + 1] = serial | 0;
    Atomics.store(rings, base + RING_TAIL_FIELD, tail + 1);
    return true;
  }
}
