/**
 * Hand-off rings between stress workers: one single-producer/single-consumer
 * ring per ordered pair of workers, after 16 control words the scenario may
 * use (word 0 is the conventional done counter), in an Int32Array over a
 * SharedArrayBuffer of its own (so a broken allocator cannot wreck the
 * test's bookkeeping). Entries have a fixed number of words (1–4), chosen
 * when the rings are made.
 *
 *  index                          field      writer / reader, order
 *  0 .. 15                        control    the scenario's (RINGS_DONE_INDEX = 0 by convention)
 *  RING_BASE_INDEX + r × stride   ring r = sender × workers + receiver:
 *    + 0                          head       receiver (Atomics.store) / sender (Atomics.load)
 *    + 16                         tail       sender (Atomics.store) / receiver (Atomics.load)
 *    + 32 + k·e .. + k·e + k − 1  entry e    k words, written plain by the sender before it
 *                                            publishes tail, read plain by the receiver after it saw
 *                                            that tail (the Atomics are sequentially consistent, so
 *                                            publication orders the plain accesses)
 *
 * Head and tail count entries without wrapping back (a run passes far fewer
 * than 2^31); entry = index % capacity. Head and tail are 64 bytes apart.
 */

/** Int32 index of the done counter (control word 0). */
export const RINGS_DONE_INDEX = 0;
/** Control words before the first ring (indexes 0 .. 15). */
export const RINGS_CONTROL_WORDS = 16;
const RING_HEAD_FIELD = 0;
const RING_TAIL_FIELD = 16;
const RING_ENTRIES_FIELD = 32;

/** The shape of a set of rings: how many workers, entries per ring, words per entry. */
export interface RingShape {
  readonly workers: number;
  readonly capacity: number;
  readonly entryWords: number;
}

function ringIndex(shape: RingShape, sender: number, receiver: number): number {
  const stride = RING_ENTRIES_FIELD + shape.capacity * shape.entryWords;
  return RINGS_CONTROL_WORDS + (sender * shape.workers + receiver) * stride;
}

/** The rings of a shape, all empty. */
export function createHandOffRings(shape: RingShape): Int32Array {
  if (!(shape.entryWords >= 1 && shape.entryWords <= 4)) throw new RangeError(`entryWords must be 1..4, got ${shape.entryWords}`);
  return new Int32Array(new SharedArrayBuffer(4 * ringIndex(shape, shape.workers, 0)));
}

/** Entries still queued in all rings (0 at the end of a clean run). */
export function pendingHandOffs(rings: Int32Array, shape: RingShape): number {
  let pending = 0;
  for (let from = 0; from < shape.workers; from++) {
    for (let to = 0; to < shape.workers; to++) {
      const base = ringIndex(shape, from, to);
      pending += Atomics.load(rings, base + RING_TAIL_FIELD) - Atomics.load(rings, base + RING_HEAD_FIELD);
    }
  }
  return pending;
}

/** One worker's end of the rings: its inboxes (from every other worker) and outboxes. */
export class HandOffRings {
  private readonly outgoing: number[];
  private readonly incoming: number[];
  private readonly workers: number;
  private readonly capacity: number;
  private readonly entryWords: number;

  constructor(
    readonly rings: Int32Array,
    shape: RingShape,
    private readonly me: number,
  ) {
    this.workers = shape.workers;
    this.capacity = shape.capacity;
    this.entryWords = shape.entryWords;
    this.outgoing = Array.from({ length: shape.workers }, (_, to) => ringIndex(shape, me, to));
    this.incoming = Array.from({ length: shape.workers }, (_, from) => ringIndex(shape, from, me));
  }

  /** Whether any inbox has entries (a lock-free peek). */
  inboxNonEmpty(): boolean {
    const rings = this.rings;
    for (let from = 0; from < this.workers; from++) {
      if (from === this.me) continue;
      const base = this.incoming[from]!;
      if (Atomics.load(rings, base + RING_TAIL_FIELD) !== rings[base + RING_HEAD_FIELD]) return true;
    }
    return false;
  }

  /**
   * Takes every waiting entry: `receive` gets the Int32 index of the entry's
   * first word in `rings` and the sender. Returns how many entries were taken.
   */
  drain(receive: (entry: number, from: number) => void): number {
    const rings = this.rings;
    let n = 0;
    for (let from = 0; from < this.workers; from++) {
      if (from === this.me) continue;
      const base = this.incoming[from]!;
      const tail = Atomics.load(rings, base + RING_TAIL_FIELD);
      // SAFETY: only this worker writes the head of its incoming rings.
      let head = rings[base + RING_HEAD_FIELD]!;
      while (head !== tail) {
        receive(base + RING_ENTRIES_FIELD + (head % this.capacity) * this.entryWords, from);
        head++;
        n++;
      }
      Atomics.store(rings, base + RING_HEAD_FIELD, head);
    }
    return n;
  }

  /** Sends an entry (its first `entryWords` of w0..w3) to worker `to`; false when that ring is full. */
  send(to: number, w0: number, w1 = 0, w2 = 0, w3 = 0): boolean {
    const rings = this.rings;
    const base = this.outgoing[to]!;
    // SAFETY: only this worker writes the tail of its outgoing rings.
    const tail = rings[base + RING_TAIL_FIELD]!;
    if (tail - Atomics.load(rings, base + RING_HEAD_FIELD) >= this.capacity) return false;
    const e = base + RING_ENTRIES_FIELD + (tail % this.capacity) * this.entryWords;
    const k = this.entryWords;
    rings[e] = w0 | 0;
    if (k > 1) rings[e + 1] = w1 | 0;
    if (k > 2) rings[e + 2] = w2 | 0;
    if (k > 3) rings[e + 3] = w3 | 0;
    Atomics.store(rings, base + RING_TAIL_FIELD, tail + 1);
    return true;
  }
}
