import { formatAddress, mutexLock, mutexUnlock, SharedHeap } from '@ft/atomics';
import { HandOffRings, RINGS_DONE_INDEX, runStressWorker } from '@ft/harness';
import { POOL_OVERHEAD, PYMALLOC_POOL_SIZE, PYMALLOC_SMALL_REQUEST_THRESHOLD, pymallocAlloc, pymallocAttach, pymallocBlockSize, pymallocFree } from '../../src/index.js';
import {
  type PymallocGilParams,
  type PymallocGilResult,
} from './pymalloc-gil.scenario.js';

/** Give up draining after this long (a dead peer must not hang the run). */
const DRAIN_DEADLINE_MS = 30_000;

/** The pattern byte at offset `j` of a block with cookie `cookie`. */
function patternByte(cookie: number, j: number): number {
  let x = Math.imul(cookie ^ Math.imul(j + 1, 0x85ebca6b), 0xc2b2ae35);
  x ^= x >>> 15;
  return x & 0xff;
}

runStressWorker<PymallocGilParams>((ctx) => {
  const p = ctx.params;
  const heap = SharedHeap.attach(p.heap);
  const pm = pymallocAttach(heap, p.state);
  const u8 = heap.u8;
  const rings = p.rings;
  const cap = p.ringCapacity;
  const me = ctx.index;
  const workers = ctx.workers;
  const locked = p.mode === 'gil';
  const rng = ctx.rng;
  const result: PymallocGilResult = {
    ops: 0,
    allocs: 0,
    frees: 0,
    sent: 0,
    received: 0,
    ringFull: 0,
    corruptions: 0,
    allocFailures: 0,
    badBlocks: 0,
    refusedFrees: 0,
    gilHolds: 0,
    problems: [],
  };
  const problem = (message: string): void => {
    if (result.problems.length < 4) result.problems.push(message);
    if (p.stopOnCorruption) ctx.fail();
  };

  const slots = p.slots;
  const slotAddr = new Uint32Array(slots);
  const slotSize = new Uint32Array(slots);
  const slotCookie = new Uint32Array(slots);
  const mail = new HandOffRings(rings, { workers, capacity: cap, entryWords: 4 }, me);
  let markedDone = false;
  let holding = false;

  const takeGil = (): void => {
    if (locked) mutexLock(heap, p.gil);
    holding = true;
    result.gilHolds++;
  };
  const dropGil = (): void => {
    holding = false;
    if (locked) mutexUnlock(heap, p.gil);
  };

  // SAFETY (every pymalloc call and every plain access to a block below):
  // under the GIL in 'gil' mode; unguarded in 'nolock' mode, where the race
  // is the point.

  const verifyAndFree = (addr: number, size: number, cookie: number, how: string): void => {
    for (let j = 0; j < size; j++) {
      if (u8[addr + j] !== patternByte(cookie, j)) {
        result.corruptions++;
        problem(`${how} block ${formatAddress(addr)} (${size} bytes, cookie ${cookie >>> 0}) broken at offset ${j}`);
        break;
      }
    }
    if (!pymallocFree(pm, addr)) {
      result.refusedFrees++;
      problem(`pymallocFree(${formatAddress(addr)}) refused a block it handed out`);
    }
    result.frees++;
  };

  const inboxNonEmpty = (): boolean => mail.inboxNonEmpty();

  /** Frees every block other workers sent (caller holds the GIL); returns how many. */
  const drainInboxes = (): number => {
    const n = mail.drain((e) => verifyAndFree(rings[e] >>> 0, rings[e + 1], rings[e + 2] >>> 0, 'received'));
    result.received += n;
    return n;
  };

  /** Sends a block to worker `to`; false when that ring is full. */
  const send = (to: number, addr: number, size: number, cookie: number): boolean => mail.send(to, addr, size, cookie, 0);

  /** Whether `addr` is a block boundary inside a pool whose block size is at least `size`. */
  const goodBlock = (addr: number, size: number): boolean => {
    if ((addr & 15) !== 0) return false;
    const blockSize = pymallocBlockSize(pm, addr);
    if (blockSize < size) return false;
    const offset = addr & (PYMALLOC_POOL_SIZE - 1);
    return offset >= POOL_OVERHEAD && (offset - POOL_OVERHEAD) % blockSize === 0 && offset + blockSize <= PYMALLOC_POOL_SIZE;
  };

  const allocate = (slot: number): void => {
    const size = 1 + rng.nextInt(PYMALLOC_SMALL_REQUEST_THRESHOLD);
    const addr = pymallocAlloc(pm, size);
    if (addr === 0) {
      result.allocFailures++;
      problem(`pymallocAlloc(${size}) returned 0`);
      return;
    }
    if (!goodBlock(addr, size)) {
      // Nothing is written to it: it may be anybody's memory.
      result.badBlocks++;
      problem(`pymallocAlloc(${size}) returned ${formatAddress(addr)} (block size ${pymallocBlockSize(pm, addr)}), not a free block of a pool`);
      return;
    }
    result.allocs++;
    const cookie = rng.nextU32() | 1;
    for (let j = 0; j < size; j++) u8[addr + j] = patternByte(cookie, j);
    slotAddr[slot] = addr;
    slotSize[slot] = size;
    slotCookie[slot] = cookie;
  };

  /** Gets rid of a held block: to another worker one time in `sendOneIn`, else freed here. */
  const release = (slot: number): void => {
    const addr = slotAddr[slot];
    slotAddr[slot] = 0;
    if (workers > 1 && rng.nextInt(p.sendOneIn) === 0) {
      let to = rng.nextInt(workers - 1);
      if (to >= me) to++;
      if (send(to, addr, slotSize[slot], slotCookie[slot])) {
        result.sent++;
        return;
      }
      result.ringFull++;
    }
    verifyAndFree(addr, slotSize[slot], slotCookie[slot], 'own');
  };

  const publish = (): void => {
    ctx.progress(result.ops);
    ctx.setCounter(0, result.allocs);
    ctx.setCounter(1, result.frees);
    ctx.setCounter(2, result.corruptions + result.badBlocks + result.allocFailures + result.refusedFrees);
    ctx.setCounter(3, result.gilHolds);
  };

  try {
    while (!ctx.shouldStop(result.ops)) {
      const batch = 1 + rng.nextInt(p.maxBatch);
      takeGil();
      drainInboxes();
      for (let b = 0; b < batch; b++) {
        const slot = rng.nextInt(slots);
        if (slotAddr[slot] !== 0) release(slot);
        // One step in eight leaves the slot empty: lifetimes vary more.
        if (rng.nextInt(8) !== 0) allocate(slot);
      }
      dropGil();
      result.ops += batch;
      if ((result.gilHolds & 63) === 0) publish();
    }
    publish();

    // Shutdown 1: stop producing and free everything held.
    takeGil();
    for (let slot = 0; slot < slots; slot++) {
      if (slotAddr[slot] === 0) continue;
      verifyAndFree(slotAddr[slot], slotSize[slot], slotCookie[slot], 'own');
      slotAddr[slot] = 0;
    }
    dropGil();
    // Shutdown 2: say so; every send this worker made happened before this add.
    Atomics.add(rings, RINGS_DONE_INDEX, 1);
    Atomics.notify(rings, RINGS_DONE_INDEX);
    markedDone = true;
    // Shutdown 3: drain until every worker is done and, after that was seen, the inboxes are empty.
    const deadline = Date.now() + DRAIN_DEADLINE_MS;
    for (;;) {
      const done = Atomics.load(rings, RINGS_DONE_INDEX);
      let n = 0;
      if (inboxNonEmpty()) {
        takeGil();
        n = drainInboxes();
        dropGil();
      }
      if (done >= workers && n === 0) break;
      if (n === 0) {
        if (Date.now() > deadline) throw new Error(`worker ${me}: peers not done after ${DRAIN_DEADLINE_MS} ms (${done}/${workers})`);
        Atomics.wait(rings, RINGS_DONE_INDEX, done, 1);
      }
    }
    publish();
    heap.close();
    return result;
  } catch (error) {
    // Never die holding the GIL: the others would wait for it forever.
    if (holding) dropGil();
    // A failing worker still counts as done, so that its peers' drain loops end.
    if (!markedDone) {
      Atomics.add(rings, RINGS_DONE_INDEX, 1);
      Atomics.notify(rings, RINGS_DONE_INDEX);
    }
    throw error;
  }
});
