import { formatAddress, SharedHeap } from '@ft/atomics';
import { HandOffRings, RINGS_DONE_INDEX, type Rng, runStressWorker } from '@ft/harness';
import { miThreadExit, miThreadInit, miUsableSize } from '@ft/mimalloc';
import {
  API_ID,
  CLEAN_BYTE,
  createAllocatorDomains,
  DEBUG_S,
  FORBIDDEN_BYTE,
  OBJECT_PROTECTED_BYTES,
  pyMemCalloc,
  pyMemFree,
  pyMemMalloc,
  pyMemRawFree,
  pyMemRawMalloc,
  pyMemRawRealloc,
  pyMemRealloc,
  pyObjectFree,
  pyObjectMalloc,
  pyObjectRealloc,
  type AllocatorDomains,
} from '../../src/index.js';
import {
  DOMAIN_NAMES,
  MEM,
  OBJECT,
  RAW,
  type DomainsParams,
  type DomainsResult,
} from './domains.scenario.js';

/** Give up draining after this long (a dead peer must not hang the run). */
const DRAIN_DEADLINE_MS = 30_000;

/** The pattern byte at offset `j` of a block with cookie `cookie`. */
function patternByte(cookie: number, j: number): number {
  const x = Math.imul(cookie ^ j, 0x9e3779b1);
  return (x ^ (x >>> 16)) & 0xff;
}

/**
 * A request size: 0 one time in 64; else 1–512 bytes mostly (pymalloc's and
 * mimalloc's small classes), 513 B–4 KiB for a fifth, up to 32 KiB (medium
 * pages) for one in fifty.
 */
function pickSize(rng: Rng): number {
  if (rng.nextInt(64) === 0) return 0;
  const r = rng.nextInt(100);
  if (r < 78) return 1 + rng.nextInt(512);
  if (r < 98) return 513 + rng.nextInt(4096 - 512);
  return 4097 + rng.nextInt(32768 - 4096);
}

function realloc(d: AllocatorDomains, domain: number, p: number, n: number): number {
  return domain === RAW ? pyMemRawRealloc(d, p, n) : domain === MEM ? pyMemRealloc(d, p, n) : pyObjectRealloc(d, p, n);
}

function free(d: AllocatorDomains, domain: number, p: number): void {
  if (domain === RAW) pyMemRawFree(d, p);
  else if (domain === MEM) pyMemFree(d, p);
  else pyObjectFree(d, p);
}

runStressWorker<DomainsParams>((ctx) => {
  const p = ctx.params;
  const heap = SharedHeap.attach(p.heap);
  const t = miThreadInit(heap, p.mi, null);
  const domains = createAllocatorDomains(heap, p.allocator, { mi: t });
  const debug = p.allocator === 'mimalloc_debug';
  const u8 = heap.u8;
  const rings = p.rings;
  const cap = p.ringCapacity;
  const me = ctx.index;
  const workers = ctx.workers;
  const rng = ctx.rng;
  const apiCodes = DOMAIN_NAMES.map((name) => API_ID[name].charCodeAt(0));
  const result: DomainsResult = {
    ops: 0,
    allocs: [0, 0, 0],
    frees: [0, 0, 0],
    sent: [0, 0, 0],
    received: [0, 0, 0],
    ringFull: 0,
    reallocs: 0,
    reallocMoves: 0,
    callocs: 0,
    zeroSized: 0,
    corruptions: 0,
    nonZero: 0,
    badBlocks: 0,
    badFrames: 0,
    unclean: 0,
    framesChecked: 0,
    allocFailures: 0,
    misuses: 0,
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
  const slotDomain = new Uint8Array(slots);
  const mail = new HandOffRings(rings, { workers, capacity: cap, entryWords: 4 }, me);
  let markedDone = false;

  // SAFETY (every plain access to a block below): a block is accessed only by
  // the worker that holds it — its allocator until it sends it, then the
  // receiver, which saw the ring's tail (Atomics) published after the
  // sender's last write.

  const writePattern = (addr: number, size: number, cookie: number): void => {
    for (let j = 0; j < size; j++) u8[addr + j] = patternByte(cookie, j);
  };
  /** First offset below `size` where the pattern is broken, or -1. */
  const findMismatch = (addr: number, size: number, cookie: number): number => {
    for (let j = 0; j < size; j++) if (u8[addr + j] !== patternByte(cookie, j)) return j;
    return -1;
  };

  /** Debug mode: what is wrong with a block's frame (size field, API id, guards), or null. */
  const frameProblem = (addr: number, size: number, domain: number): string | null => {
    const id = u8[addr - DEBUG_S];
    if (id !== apiCodes[domain]) return `API id 0x${id.toString(16)} instead of '${API_ID[DOMAIN_NAMES[domain]]}'`;
    for (let i = addr - DEBUG_S + 1; i < addr; i++) {
      if (u8[i] !== FORBIDDEN_BYTE) return `leading guard byte at p-${addr - i} is 0x${u8[i].toString(16)}`;
    }
    const b = addr - 2 * DEBUG_S;
    const high = u8[b] | u8[b + 1] | u8[b + 2] | u8[b + 3];
    const n = ((u8[b + 4] << 24) | (u8[b + 5] << 16) | (u8[b + 6] << 8) | u8[b + 7]) >>> 0;
    if (high !== 0 || n !== size) return `size field ${high !== 0 ? '(high bytes set) ' : ''}${n} instead of ${size}`;
    for (let i = 0; i < DEBUG_S; i++) {
      if (u8[addr + size + i] !== FORBIDDEN_BYTE) return `trailing guard byte at tail+${i} is 0x${u8[addr + size + i].toString(16)}`;
    }
    return null;
  };
  const checkFrame = (addr: number, size: number, domain: number, how: string): void => {
    result.framesChecked++;
    const bad = frameProblem(addr, size, domain);
    if (bad !== null) {
      result.badFrames++;
      problem(`${how} ${DOMAIN_NAMES[domain]} block ${formatAddress(addr)} (${size} bytes): ${bad}`);
    }
  };
  /** Debug mode: fresh bytes [from, to) must be CLEAN_BYTE (the object header bytes excepted). */
  const checkClean = (addr: number, from: number, to: number, domain: number, how: string): void => {
    const start = Math.max(from, domain === OBJECT ? OBJECT_PROTECTED_BYTES : 0);
    for (let j = start; j < to; j++) {
      if (u8[addr + j] !== CLEAN_BYTE) {
        result.unclean++;
        problem(`${how} ${DOMAIN_NAMES[domain]} block ${formatAddress(addr)}: fresh byte ${j} of ${to} is 0x${u8[addr + j].toString(16)}, not 0xcd`);
        return;
      }
    }
  };
  /** Aligned (8 bytes, 16 above 8 bytes) and at least `size` usable bytes. */
  const checkBlock = (addr: number, size: number, domain: number, how: string): void => {
    const usable = debug ? miUsableSize(t, addr - 2 * DEBUG_S) - 3 * DEBUG_S : miUsableSize(t, addr);
    if ((addr & 7) !== 0 || (size > 8 && (addr & 15) !== 0) || usable < size) {
      result.badBlocks++;
      problem(`${how} ${DOMAIN_NAMES[domain]} block ${formatAddress(addr)} for ${size} bytes: ${usable} usable`);
    }
  };

  /** Verifies a block and frees it with its own domain's free (the control excepted). */
  const verifyAndFree = (addr: number, size: number, cookie: number, domain: number, how: string): void => {
    const bad = findMismatch(addr, size, cookie);
    if (bad >= 0) {
      result.corruptions++;
      problem(`${how} ${DOMAIN_NAMES[domain]} block ${formatAddress(addr)} (${size} bytes, cookie ${cookie >>> 0}) broken at offset ${bad}`);
    }
    if (debug) checkFrame(addr, size, domain, how);
    result.frees[domain]++;
    if (p.sabotage === 'wrong-domain' && how === 'received' && domain === MEM && result.misuses === 0) {
      // The control: PyObject_Free on a PyMem_Malloc block. The debug hooks must stop here.
      result.misuses++;
      pyObjectFree(domains, addr);
      return;
    }
    free(domains, domain, addr);
  };

  const inboxNonEmpty = (): boolean => mail.inboxNonEmpty();

  /** Frees every block other workers sent; returns how many. */
  const drainInboxes = (): number =>
    mail.drain((e) => {
      const domain = rings[e + 3];
      result.received[domain]++;
      verifyAndFree(rings[e] >>> 0, rings[e + 1], rings[e + 2] >>> 0, domain, 'received');
    });

  /** Sends a block to worker `to`; false when that ring is full. */
  const send = (to: number, addr: number, size: number, cookie: number, domain: number): boolean => mail.send(to, addr, size, cookie, domain);

  const allocate = (slot: number): void => {
    const size = pickSize(rng);
    const kind = rng.nextInt(20);
    let addr: number;
    let domain: number;
    let zeroed = false;
    if (kind < 6) {
      domain = MEM;
      addr = pyMemMalloc(domains, size);
    } else if (kind < 8) {
      // A calloc whose product is `size` (elsize 1, 2, 4, 8 or 16 when it divides).
      domain = MEM;
      zeroed = true;
      let elsize = 1 << rng.nextInt(5);
      while (size % elsize !== 0) elsize >>= 1;
      addr = pyMemCalloc(domains, size / elsize, elsize);
      result.callocs++;
    } else if (kind < 9) {
      domain = MEM;
      addr = pyMemRealloc(domains, 0, size);
    } else if (kind < 16) {
      domain = OBJECT;
      addr = pyObjectMalloc(domains, size);
    } else {
      domain = RAW;
      addr = pyMemRawMalloc(domains, size);
    }
    if (addr === 0) {
      result.allocFailures++;
      problem(`${DOMAIN_NAMES[domain]} allocation of ${size} bytes returned 0`);
      return;
    }
    result.allocs[domain]++;
    if (size === 0) result.zeroSized++;
    checkBlock(addr, size, domain, 'new');
    if (zeroed) {
      for (let j = 0; j < size; j++) {
        if (u8[addr + j] !== 0) {
          result.nonZero++;
          problem(`calloc block ${formatAddress(addr)} (${size} bytes) has 0x${u8[addr + j].toString(16)} at offset ${j}`);
          break;
        }
      }
    }
    if (debug) {
      checkFrame(addr, size, domain, 'new');
      if (!zeroed) checkClean(addr, 0, size, domain, 'new');
    }
    const cookie = rng.nextU32() | 1;
    writePattern(addr, size, cookie);
    slotAddr[slot] = addr;
    slotSize[slot] = size;
    slotCookie[slot] = cookie;
    slotDomain[slot] = domain;
  };

  /** Resizes a held block with its domain's realloc: the common prefix must survive. */
  const reallocate = (slot: number): void => {
    const oldAddr = slotAddr[slot];
    const oldSize = slotSize[slot];
    const domain = slotDomain[slot];
    const newSize = pickSize(rng);
    if (debug) checkFrame(oldAddr, oldSize, domain, 'to resize');
    const addr = realloc(domains, domain, oldAddr, newSize);
    if (addr === 0) {
      // The old block is still valid and still held.
      result.allocFailures++;
      problem(`${DOMAIN_NAMES[domain]} realloc of ${formatAddress(oldAddr)} to ${newSize} bytes returned 0`);
      return;
    }
    result.reallocs++;
    if (addr !== oldAddr) result.reallocMoves++;
    const keep = Math.min(oldSize, newSize);
    const bad = findMismatch(addr, keep, slotCookie[slot]);
    if (bad >= 0) {
      result.corruptions++;
      problem(`${DOMAIN_NAMES[domain]} realloc ${formatAddress(oldAddr)} → ${formatAddress(addr)} (${oldSize} → ${newSize} bytes) lost the prefix at offset ${bad}`);
    }
    checkBlock(addr, newSize, domain, 'resized');
    if (debug) {
      checkFrame(addr, newSize, domain, 'resized');
      if (newSize > oldSize) checkClean(addr, oldSize, newSize, domain, 'resized');
    }
    const cookie = rng.nextU32() | 1;
    writePattern(addr, newSize, cookie);
    slotAddr[slot] = addr;
    slotSize[slot] = newSize;
    slotCookie[slot] = cookie;
  };

  /** Gets rid of a held block: to another worker one time in `sendOneIn`, else freed here. */
  const release = (slot: number): void => {
    const addr = slotAddr[slot];
    const domain = slotDomain[slot];
    slotAddr[slot] = 0;
    if (workers > 1 && rng.nextInt(p.sendOneIn) === 0) {
      let to = rng.nextInt(workers - 1);
      if (to >= me) to++;
      if (send(to, addr, slotSize[slot], slotCookie[slot], domain)) {
        result.sent[domain]++;
        return;
      }
      result.ringFull++;
    }
    verifyAndFree(addr, slotSize[slot], slotCookie[slot], domain, 'own');
  };

  const publish = (): void => {
    ctx.progress(result.ops);
    ctx.setCounter(0, result.allocs[RAW] + result.allocs[MEM] + result.allocs[OBJECT]);
    ctx.setCounter(1, result.frees[RAW] + result.frees[MEM] + result.frees[OBJECT]);
    ctx.setCounter(2, result.corruptions + result.badBlocks + result.badFrames + result.unclean + result.nonZero + result.allocFailures);
    ctx.setCounter(3, result.received[RAW] + result.received[MEM] + result.received[OBJECT]);
  };

  try {
    while (!ctx.shouldStop(result.ops)) {
      const slot = rng.nextInt(slots);
      if (slotAddr[slot] !== 0 && rng.nextInt(p.reallocOneIn) === 0) {
        reallocate(slot);
      } else {
        if (slotAddr[slot] !== 0) release(slot);
        // One step in eight leaves the slot empty: lifetimes vary more.
        if (rng.nextInt(8) !== 0) allocate(slot);
      }
      if ((result.ops & 7) === 0 && inboxNonEmpty()) drainInboxes();
      result.ops++;
      if ((result.ops & 1023) === 0) publish();
    }
    publish();

    // Shutdown 1: stop producing and free everything held (one block kept in 'leak' mode).
    for (let slot = 0; slot < slots; slot++) {
      if (slotAddr[slot] === 0) continue;
      if (p.sabotage === 'leak' && result.leaked === 0) {
        result.leaked++;
        slotAddr[slot] = 0;
        continue;
      }
      verifyAndFree(slotAddr[slot], slotSize[slot], slotCookie[slot], slotDomain[slot], 'own');
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
      const n = inboxNonEmpty() ? drainInboxes() : 0;
      if (done >= workers && n === 0) break;
      if (n === 0) {
        if (Date.now() > deadline) throw new Error(`worker ${me}: peers not done after ${DRAIN_DEADLINE_MS} ms (${done}/${workers})`);
        Atomics.wait(rings, RINGS_DONE_INDEX, done, 1);
      }
    }
    publish();
    // Pages still holding blocks that peers have yet to free are abandoned here.
    miThreadExit(t);
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
