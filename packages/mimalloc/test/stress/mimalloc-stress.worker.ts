import { HandOffRings, RINGS_DONE_INDEX, runStressWorker, type Rng } from '@ft/harness';
import { formatAddress, SharedHeap } from '@ft/atomics';
import { FreeCallbackRegistry, qsbrAttach, qsbrQuiescentState, qsbrRegister, qsbrUnregister } from '@ft/qsbr';
import {
  MI_MEDIUM_OBJ_SIZE_MAX,
  miFree,
  miHeapCalloc,
  miHeapMalloc,
  miHeapRealloc,
  miHeapZalloc,
  miThreadExit,
  miThreadInit,
  miUsableSize,
  type MiThread,
} from '../../src/index.js';
import { findNonZero, findPatternMismatch, writePattern } from './block-pattern.js';
import type { MiStressParams, MiStressResult } from './mimalloc-stress.scenario.js';

/** Tags blocks are spread over: the four standard heaps and one custom heap. */
const TAGS = [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 7];
/** Give up draining after this long (a lost wake-up or a dead peer must not hang the run). */
const DRAIN_DEADLINE_MS = 60_000;

/**
 * A size as test-stress.c picks them: 1–16 words mostly, 1–64 words for a
 * quarter; 1 % of them ×100, a tenth of those ×1000 (up to ~512 KiB), one in
 * 5000 about 1 MiB, and one in `hugeOneIn` past half a segment (a huge
 * segment of its own). Sizes are not rounded to words.
 */
function pickSize(rng: Rng, hugeOneIn: number): number {
  if (hugeOneIn > 0 && rng.nextInt(hugeOneIn) === 0) return (2 << 20) + 1 + rng.nextInt(1 << 20);
  if (rng.nextInt(5000) === 0) return (1 << 20) + rng.nextInt(1 << 18);
  let words = 1 << rng.nextInt(rng.nextInt(4) === 0 ? 7 : 5);
  if (rng.nextInt(100) === 0) words *= rng.nextInt(10) === 0 ? 1000 : 100;
  return Math.max(1, words * 8 - rng.nextInt(8));
}

runStressWorker<MiStressParams>((ctx) => {
  const p = ctx.params;
  const heap = SharedHeap.attach(p.heap);
  const u8 = heap.u8;
  const rings = p.rings;
  const q = qsbrRegister(heap, p.qsbr, new FreeCallbackRegistry());
  qsbrAttach(q);
  const t: MiThread = miThreadInit(heap, p.mi, q);
  const rng = ctx.rng;
  const result: MiStressResult = {
    ops: 0,
    allocs: 0,
    frees: 0,
    sent: 0,
    received: 0,
    inboxFull: 0,
    reallocs: 0,
    reallocMoves: 0,
    zeroAllocs: 0,
    hugeAllocs: 0,
    largeAllocs: 0,
    bytesAllocated: 0,
    corruptions: 0,
    nonZero: 0,
    badBlocks: 0,
    allocFailures: 0,
    scribbled: 0,
    leaked: 0,
    problems: [],
  };
  const problem = (message: string): void => {
    if (result.problems.length < 4) result.problems.push(message);
  };

  const slots = p.slots;
  const slotAddr = new Uint32Array(slots);
  const slotSize = new Uint32Array(slots);
  const slotCookie = new Uint32Array(slots);
  const slotTag = new Uint8Array(slots);
  const mail = new HandOffRings(rings, { workers: ctx.workers, capacity: p.ringCapacity, entryWords: 4 }, ctx.index);
  let markedDone = false;

  // SAFETY (every plain access to a block below): a block is accessed only by
  // the worker that holds it — its allocator until it sends it, then the
  // receiver, which saw the ring's tail (Atomics) published after the
  // sender's last write.

  const verifyAndFree = (addr: number, size: number, cookie: number, how: string): void => {
    const bad = findPatternMismatch(u8, addr, size, cookie);
    if (bad >= 0) {
      result.corruptions++;
      problem(`${how} block ${formatAddress(addr)} (${size} bytes, cookie ${cookie >>> 0}) broken at offset ${bad}`);
    }
    miFree(t, addr);
    result.frees++;
  };

  // Entries are (address, size, cookie, tag), stored as Int32: read back unsigned.
  const receive = (entry: number): void => {
    verifyAndFree(rings[entry] >>> 0, rings[entry + 1] >>> 0, rings[entry + 2] >>> 0, 'received');
  };
  const drainInbox = (): number => {
    if (!mail.inboxNonEmpty()) return 0;
    const n = mail.drain(receive);
    result.received += n;
    return n;
  };

  const allocate = (slot: number): void => {
    const size = pickSize(rng, p.hugeOneIn);
    const tag = TAGS[rng.nextInt(TAGS.length)];
    const kind = rng.nextInt(16);
    let addr: number;
    if (kind === 0) addr = miHeapZalloc(t, tag, size);
    else if (kind === 1) addr = miHeapCalloc(t, tag, size, 1);
    else addr = miHeapMalloc(t, tag, size);
    if (addr === 0) {
      result.allocFailures++;
      problem(`allocation of ${size} bytes (tag ${tag}) returned 0`);
      return;
    }
    result.allocs++;
    result.bytesAllocated += size;
    if (size > MI_MEDIUM_OBJ_SIZE_MAX) {
      if (size > 2 << 20) result.hugeAllocs++;
      else result.largeAllocs++;
    }
    if (kind <= 1) {
      result.zeroAllocs++;
      const nz = findNonZero(u8, addr, size);
      if (nz >= 0) {
        result.nonZero++;
        problem(`zeroing allocation ${formatAddress(addr)} (${size} bytes) has byte ${u8[addr + nz]} at offset ${nz}`);
      }
    }
    if (miUsableSize(t, addr) < size || (addr & 7) !== 0 || (size > 8 && (addr & 15) !== 0)) {
      result.badBlocks++;
      problem(`block ${formatAddress(addr)} for ${size} bytes: usable ${miUsableSize(t, addr)}`);
    }
    const cookie = rng.nextU32() | 1;
    writePattern(u8, addr, size, cookie);
    slotAddr[slot] = addr;
    slotSize[slot] = size;
    slotCookie[slot] = cookie;
    slotTag[slot] = tag;
  };

  /** Resizes a held block: the common prefix must survive, then it is re-patterned. */
  const reallocate = (slot: number): void => {
    const oldAddr = slotAddr[slot];
    const oldSize = slotSize[slot];
    const newSize = pickSize(rng, 0);
    const addr = miHeapRealloc(t, slotTag[slot], oldAddr, newSize);
    if (addr === 0) {
      result.allocFailures++;
      problem(`realloc of ${formatAddress(oldAddr)} to ${newSize} bytes returned 0`);
      return;
    }
    result.reallocs++;
    if (addr !== oldAddr) result.reallocMoves++;
    const bad = findPatternMismatch(u8, addr, oldSize, slotCookie[slot], newSize);
    if (bad >= 0) {
      result.corruptions++;
      problem(`realloc ${formatAddress(oldAddr)} → ${formatAddress(addr)} (${oldSize} → ${newSize} bytes) lost the prefix at offset ${bad}`);
    }
    if (miUsableSize(t, addr) < newSize) {
      result.badBlocks++;
      problem(`realloc to ${newSize} bytes gave ${formatAddress(addr)} with usable ${miUsableSize(t, addr)}`);
    }
    const cookie = rng.nextU32() | 1;
    writePattern(u8, addr, newSize, cookie);
    slotAddr[slot] = addr;
    slotSize[slot] = newSize;
    slotCookie[slot] = cookie;
  };

  /** Gets rid of a held block: to another worker one time in `sendOneIn`, else freed here. */
  const release = (slot: number): void => {
    const addr = slotAddr[slot];
    slotAddr[slot] = 0;
    if (ctx.workers > 1 && rng.nextInt(p.sendOneIn) === 0) {
      let to = rng.nextInt(ctx.workers - 1);
      if (to >= ctx.index) to++;
      const scribble = p.sabotage === 'scribble' && (result.sent & 63) === 0;
      // 'scribble': damage the last pattern byte before handing the block over.
      if (scribble) u8[addr + slotSize[slot] - 1] ^= 0x5a;
      if (mail.send(to, addr, slotSize[slot], slotCookie[slot], slotTag[slot])) {
        result.sent++;
        if (scribble) result.scribbled++;
        return;
      }
      if (scribble) u8[addr + slotSize[slot] - 1] ^= 0x5a;
      result.inboxFull++;
    }
    verifyAndFree(addr, slotSize[slot], slotCookie[slot], 'own');
  };

  try {
    while (!ctx.shouldStop(result.ops)) {
      const slot = rng.nextInt(slots);
      if (slotAddr[slot] !== 0 && rng.nextInt(32) === 0) {
        reallocate(slot);
      } else {
        if (slotAddr[slot] !== 0) release(slot);
        // One step in eight leaves the slot empty: lifetimes vary more.
        if (rng.nextInt(8) !== 0) allocate(slot);
      }
      drainInbox();
      result.ops++;
      if ((result.ops & 31) === 0) qsbrQuiescentState(q);
      if ((result.ops & 1023) === 0) {
        ctx.progress(result.ops);
        ctx.setCounter(0, result.allocs);
        ctx.setCounter(1, result.frees);
        ctx.setCounter(2, result.corruptions);
      }
    }
    ctx.progress(result.ops);

    // Shutdown 1: stop producing, free everything held (one block kept in 'leak' mode).
    for (let slot = 0; slot < slots; slot++) {
      if (slotAddr[slot] === 0) continue;
      if (p.sabotage === 'leak' && result.leaked === 0) {
        result.leaked++;
        slotAddr[slot] = 0;
        continue;
      }
      verifyAndFree(slotAddr[slot], slotSize[slot], slotCookie[slot], 'own');
      slotAddr[slot] = 0;
    }
    // Shutdown 2: say so; every send this worker made happened before this add.
    Atomics.add(rings, RINGS_DONE_INDEX, 1);
    Atomics.notify(rings, RINGS_DONE_INDEX);
    markedDone = true;
    // Shutdown 3: drain until every worker is done and, after that was seen, the inboxes are empty.
    const deadline = Date.now() + DRAIN_DEADLINE_MS;
    for (;;) {
      const done = Atomics.load(rings, RINGS_DONE_INDEX);
      const n = drainInbox();
      if (done >= ctx.workers && n === 0) break;
      qsbrQuiescentState(q);
      if (n === 0) {
        if (Date.now() > deadline) throw new Error(`worker ${ctx.index}: peers not done after ${DRAIN_DEADLINE_MS} ms (${done}/${ctx.workers})`);
        Atomics.wait(rings, RINGS_DONE_INDEX, done, 1);
      }
    }
    ctx.setCounter(0, result.allocs);
    ctx.setCounter(1, result.frees);
    ctx.setCounter(3, 1);
    miThreadExit(t);
    qsbrUnregister(q);
    heap.close();
    return result;
  } catch (error) {
    // A failing worker still counts as done, so that its peers' drain loops end.
    if (!markedDone) {
      Atomics.add(rings, RINGS_DONE_INDEX, 1);
      Atomics.notify(rings, RINGS_DONE_INDEX);
    }
    throw error;
  }
});
