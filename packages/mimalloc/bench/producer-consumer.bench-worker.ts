/**
 * The two workers of `mimalloc/producer-consumer`: worker 0 allocates blocks
 * of random sizes and passes their addresses through the single-producer /
 * single-consumer ring described in malloc.bench.ts; worker 1 frees them, so
 * every free is mimalloc's cross-thread free. With `allocate` false both pass
 * fake addresses and nothing is allocated: the cost of the ring alone.
 *
 * Each side keeps a private copy of the other side's index and reads the
 * shared one (Atomics.load) only when its copy says the ring is full (the
 * producer) or empty (the consumer), and publishes its own index
 * (Atomics.exchange) every RING_BATCH items and always before it waits, so
 * that the two cache lines of the indexes move between the cores once per
 * batch rather than once per item. A side that finds no progress spins
 * RING_SPINS loads, then sets the sleep bit on the other side's word with a
 * compare-exchange and sleeps in Atomics.wait on it; the other side's next
 * exchange clears the bit and tells it to notify. (A side only waits after
 * publishing everything it did, so both can never wait at once.)
 *
 * Warm-up items go through the ring first (not timed); then both meet at a
 * barrier and time the measured items. The producer reports the items, the
 * consumer 0, so the harness divides the longer of the two times by the items
 * passed: wall-clock ns per alloc + free pair. Counts and address checksums
 * go to the control words for the main thread to compare; the producer calls
 * miThreadExit only after the consumer has freed everything, so its emptied
 * pages are freed rather than abandoned.
 */

import { SharedHeap } from '@ft/atomics';
import { makeWorkload, runBenchWorker, WS_STEP_MASK } from '@ft/harness';
import { miFree, miMalloc, miThreadExit, miThreadInit, type MiThread } from '../src/index.js';
import {
  RESULT_CHECKSUM,
  RESULT_DONE,
  RESULT_EMPTY_WAITS,
  RESULT_FAILURES,
  RESULT_OPS,
  RESULT_SLEEPS,
  RESULT_STRIDE,
  RING_CAPACITY,
  RING_COUNT_MASK,
  RING_HEAD_OFFSET,
  RING_SLEEP_BIT,
  RING_SLOTS_OFFSET,
  RING_TAIL_OFFSET,
  type ProducerConsumerParams,
} from './malloc.bench.js';

/**
 * Items between publications of an index (a power of two): one exchange and
 * one move of the index's cache line per 64 items; the ring (1024) still
 * holds 16 batches.
 */
const RING_BATCH = 64;
/**
 * Loads of the other side's index before sleeping (~45 µs): the producer's
 * slow paths (collecting a page's thread-free list walks blocks whose cache
 * lines the consumer wrote last) can take tens of µs, and a sleep costs the
 * side that wakes it an Atomics.notify and the sleeper ~50 µs; with 1000
 * spins (~9 µs) the consumer slept about 4 times as often.
 */
const RING_SPINS = 5000;
/** A sleep is woken by the other side's notify; the timeout only bounds a lost wake-up. */
const SLEEP_TIMEOUT_MS = 50;
/** Control word the consumer sets once it has freed every item. */
const CONSUMER_FINISHED = 1;

const RING_MASK = RING_CAPACITY - 1;
// A local copy: an imported binding costs a TDZ check at each use in a loop.
const STEP_MASK = WS_STEP_MASK;

let i32: Int32Array;
let u32: Uint32Array;
let headIndex = 0;
let tailIndex = 0;
let slotsIndex = 0;

// Producer state.
let tail = 0;
let tailPublished = 0;
let headSeen = 0;
let produced = 0;
let failures = 0;
// Consumer state.
let head = 0;
let headPublished = 0;
let tailSeen = 0;
let consumed = 0;
let emptyWaits = 0;
// Both.
let sleeps = 0;
let checksum = 0;

/**
 * Waits until the ring has room for one more item; returns the consumer's
 * head. SAFETY: head is read with Atomics.load; the sleep bit is set by CAS.
 */
function waitForSpace(): number {
  for (let spins = 0; ; spins++) {
    const h = Atomics.load(i32, headIndex);
    if (tail - (h & RING_COUNT_MASK) < RING_CAPACITY) return h & RING_COUNT_MASK;
    if (spins >= RING_SPINS) {
      const sleeping = (h | RING_SLEEP_BIT) | 0;
      if (h === sleeping || Atomics.compareExchange(i32, headIndex, h, sleeping) === h) {
        sleeps++;
        Atomics.wait(i32, headIndex, sleeping, SLEEP_TIMEOUT_MS);
      }
      spins = 0;
    }
  }
}

/** Waits until the ring holds an item; returns the producer's tail. */
function waitForItems(): number {
  for (let spins = 0; ; spins++) {
    const tl = Atomics.load(i32, tailIndex);
    if ((tl & RING_COUNT_MASK) !== head) return tl & RING_COUNT_MASK;
    if (spins === 0) emptyWaits++;
    if (spins >= RING_SPINS) {
      const sleeping = (tl | RING_SLEEP_BIT) | 0;
      if (tl === sleeping || Atomics.compareExchange(i32, tailIndex, tl, sleeping) === tl) {
        sleeps++;
        Atomics.wait(i32, tailIndex, sleeping, SLEEP_TIMEOUT_MS);
      }
      spins = 1;
    }
  }
}

/** Makes the producer's items visible; wakes the consumer if it sleeps. */
function flushTail(): void {
  if (tail === tailPublished) return;
  tailPublished = tail;
  if ((Atomics.exchange(i32, tailIndex, tail) & RING_SLEEP_BIT) !== 0) Atomics.notify(i32, tailIndex);
}

/** Gives the consumed slots back to the producer; wakes it if it sleeps. */
function flushHead(): void {
  if (head === headPublished) return;
  headPublished = head;
  if ((Atomics.exchange(i32, headIndex, head) & RING_SLEEP_BIT) !== 0) Atomics.notify(i32, headIndex);
}

/** Puts one item in the ring. */
function publish(address: number): void {
  if (tail - headSeen >= RING_CAPACITY) {
    flushTail();
    headSeen = waitForSpace();
  }
  // SAFETY: the slot is the producer's until an exchange of tail publishes it.
  u32[slotsIndex + (tail & RING_MASK)] = address;
  tail++;
  if ((tail & (RING_BATCH - 1)) === 0) flushTail();
}

/** Takes one item from the ring. */
function take(): number {
  if (head === tailSeen) {
    flushHead();
    tailSeen = waitForItems();
  }
  // SAFETY: the producer published this slot with the tail we loaded, and does
  // not write it again until an exchange of head gives it back.
  const address = u32[slotsIndex + (head & RING_MASK)];
  head++;
  if ((head & (RING_BATCH - 1)) === 0) flushHead();
  return address;
}

function produceAllocated(t: MiThread, sizes: Uint16Array, n: number): void {
  let k = produced & STEP_MASK;
  let acc = checksum;
  let failed = 0;
  for (let i = 0; i < n; i++) {
    const p = miMalloc(t, sizes[k]);
    if (p === 0) failed++;
    acc = (acc + p) | 0;
    publish(p);
    k = (k + 1) & STEP_MASK;
  }
  flushTail();
  checksum = acc;
  failures += failed;
  produced += n;
}

function consumeFreeing(t: MiThread, n: number): void {
  let acc = checksum;
  for (let i = 0; i < n; i++) {
    const p = take();
    acc = (acc + p) | 0;
    miFree(t, p);
  }
  flushHead();
  checksum = acc;
  consumed += n;
}

/** The ring alone: non-zero fake addresses, nothing allocated or freed. */
function produceFake(n: number): void {
  let acc = checksum;
  for (let i = 0; i < n; i++) {
    const p = ((produced + i) << 4) | 16;
    acc = (acc + p) | 0;
    publish(p);
  }
  flushTail();
  checksum = acc;
  produced += n;
}

function consumeFake(n: number): void {
  let acc = checksum;
  for (let i = 0; i < n; i++) acc = (acc + take()) | 0;
  flushHead();
  checksum = acc;
  consumed += n;
}

runBenchWorker<ProducerConsumerParams>(({ index, workers, params }) => {
  if (workers !== 2) throw new Error(`producer-consumer needs 2 workers, got ${workers}`);
  const heap = SharedHeap.attach(params.heap);
  i32 = heap.i32;
  u32 = heap.u32;
  headIndex = (params.ring + RING_HEAD_OFFSET) >>> 2;
  tailIndex = (params.ring + RING_TAIL_OFFSET) >>> 2;
  slotsIndex = (params.ring + RING_SLOTS_OFFSET) >>> 2;
  const control = params.control;
  const t = miThreadInit(heap, params.mi, null);
  const producer = index === 0;
  const sizes = producer ? makeWorkload(params.seed).sizes : new Uint16Array(0);
  const run = (n: number): void => {
    if (producer) {
      if (params.allocate) produceAllocated(t, sizes, n);
      else produceFake(n);
    } else if (params.allocate) consumeFreeing(t, n);
    else consumeFake(n);
  };

  run(params.warmItems);
  // After the warm-up the ring is empty again (the consumer took every warm
  // item before it arrives here); both start timing together.
  Atomics.add(control, 0, 1);
  for (let spins = 0; Atomics.load(control, 0) < 2; spins++) {
    if (spins > 100_000) Atomics.wait(control, 0, Atomics.load(control, 0), 1);
  }
  const start = performance.now();
  run(params.items);
  const elapsedMs = performance.now() - start;

  const base = RESULT_STRIDE * (index + 1);
  control[base + RESULT_OPS] = producer ? produced : consumed;
  control[base + RESULT_FAILURES] = failures;
  control[base + RESULT_CHECKSUM] = checksum;
  control[base + RESULT_SLEEPS] = sleeps;
  control[base + RESULT_EMPTY_WAITS] = emptyWaits;
  if (producer) {
    // Exit only once every block came back, so that the pages are freed, not abandoned.
    while (Atomics.load(control, CONSUMER_FINISHED) === 0) Atomics.wait(control, CONSUMER_FINISHED, 0, 10);
  } else {
    Atomics.store(control, CONSUMER_FINISHED, 1);
    Atomics.notify(control, CONSUMER_FINISHED);
  }
  miThreadExit(t);
  heap.close();
  Atomics.store(control, base + RESULT_DONE, 1);
  return { ops: producer ? params.items : 0, elapsedMs };
});
