import { formatAddress, SharedHeap } from '@ft/atomics';
import { runStressWorker } from '@ft/harness';
import { miFree, miThreadExit, miThreadInit } from '@ft/mimalloc';
import {
  createAllocatorDomains,
  interpreterAllocatedBlocks,
  obmallocForeignOwner,
  obmallocStateAttach,
  obmallocStateCreate,
  obmallocStateEnd,
  pymallocBlockSize,
  pyObjectFree,
  pyObjectMalloc,
  type AllocatorDomains,
  type ObmallocState,
} from '../../src/index.js';
import { PUBLISHED_STRIDE, type InterpreterStatesParams, type InterpreterStatesResult } from './interpreter-states.scenario.js';

/** The debug hooks' header before each data pointer. */
const DEBUG_HEADER = 16;
/** Operations a creator counts per interpreter it creates and ends. */
const OPS_PER_INTERPRETER = 20;

function patternByte(cookie: number, j: number): number {
  let x = Math.imul(cookie ^ Math.imul(j + 1, 0x85ebca6b), 0xc2b2ae35);
  x ^= x >>> 15;
  return x & 0xff;
}

runStressWorker<InterpreterStatesParams>((ctx) => {
  const p = ctx.params;
  const heap = SharedHeap.attach(p.heap);
  const u8 = heap.u8;
  const mt = miThreadInit(heap, p.mi, null);
  const rng = ctx.rng;
  const published = p.published;
  const result: InterpreterStatesResult = {
    role: ctx.role,
    ops: 0,
    allocs: 0,
    frees: 0,
    corruptions: 0,
    badCounts: 0,
    badOwners: 0,
    ownersFound: 0,
    interpretersCreated: 0,
    interpretersEnded: 0,
    badReports: 0,
    leaksKept: 0,
    problems: [],
  };
  const problem = (message: string): void => {
    if (result.problems.length < 4) result.problems.push(message);
    ctx.fail();
  };
  const newInterpreter = (id: number): { s: ObmallocState; d: AllocatorDomains } => {
    const s = obmallocStateAttach(heap, obmallocStateCreate(heap, p.runtime, { id, mi: p.mi }), mt);
    result.interpretersCreated++;
    return { s, d: createAllocatorDomains(heap, 'pymalloc_debug', { mi: mt, mode: 'gil', interpreter: s }) };
  };
  const write = (addr: number, size: number, cookie: number): void => {
    for (let j = 0; j < size; j++) u8[addr + j] = patternByte(cookie, j);
  };
  const verify = (addr: number, size: number, cookie: number): void => {
    for (let j = 0; j < size; j++) {
      if (u8[addr + j] !== patternByte(cookie, j)) {
        result.corruptions++;
        problem(`block ${formatAddress(addr)} (${size} bytes) broken at offset ${j}`);
        return;
      }
    }
  };

  if (ctx.role === 'creator') {
    const me = ctx.index;
    const seqIndex = me * PUBLISHED_STRIDE;
    const n = p.creatorBlocks;
    const addrs = new Uint32Array(n);
    const sizes = new Uint32Array(n);
    let done = 0;
    for (let round = 0; !ctx.shouldStop(done); round++) {
      const id = (me + 1) * 1_000_000 + round;
      const { s, d } = newInterpreter(id);
      for (let i = 0; i < n; i++) {
        // Block 0 is pymalloc's (published); a third of the others go to raw.
        const size = i === 0 ? 1 + rng.nextInt(400) : rng.nextInt(3) === 0 ? 600 + rng.nextInt(2000) : 1 + rng.nextInt(480);
        const a = pyObjectMalloc(d, size);
        if (a === 0) {
          problem(`interpreter ${id}: pyObjectMalloc(${size}) returned 0`);
          return result;
        }
        addrs[i] = a;
        sizes[i] = size;
        write(a, size, id ^ i);
        result.allocs++;
        if (i === 0) {
          // Publish block 0 (a seqlock: odd while writing) for the rest of the interpreter's life.
          Atomics.add(published, seqIndex, 1);
          Atomics.store(published, seqIndex + 1, id);
          Atomics.store(published, seqIndex + 2, addrs[0]);
          Atomics.add(published, seqIndex, 1);
          // The control keeps the first interpreter and its block alive until
          // an allocator has died of freeing it (its failure stops the run).
          if (p.mode === 'wrong-owner' && round === 0) while (!ctx.stopRequested()) Atomics.wait(published, seqIndex + 3, 0, 5);
        }
      }
      if (interpreterAllocatedBlocks(s) !== n) {
        result.badCounts++;
        problem(`interpreter ${id}: ${interpreterAllocatedBlocks(s)} blocks counted, ${n} allocated`);
      }
      if (obmallocForeignOwner(s, addrs[0]) !== -1) {
        result.badOwners++;
        problem(`interpreter ${id}: its own block ${formatAddress(addrs[0])} has a foreign owner`);
      }
      const keep = rng.nextInt(4);
      // Withdraw the publication before block 0 can be freed or the interpreter ends.
      Atomics.add(published, seqIndex, 1);
      Atomics.store(published, seqIndex + 1, 0);
      Atomics.store(published, seqIndex + 2, 0);
      Atomics.add(published, seqIndex, 1);
      for (let i = keep; i < n; i++) {
        verify(addrs[i], sizes[i], id ^ i);
        pyObjectFree(d, addrs[i]);
        result.frees++;
      }
      const rawKept: number[] = [];
      for (let i = 0; i < keep; i++) if (pymallocBlockSize(s.pymalloc, addrs[i] - DEBUG_HEADER) === 0) rawKept.push(addrs[i]);
      const report = obmallocStateEnd(s);
      result.interpretersEnded++;
      result.leaksKept += keep;
      if (report.leakedBlocks !== keep || !report.ownedState || report.id !== id) {
        result.badReports++;
        problem(`interpreter ${id}: end report ${JSON.stringify(report)}, ${keep} blocks kept`);
      }
      // The pymalloc blocks kept went with the arenas; the raw ones are still mimalloc's.
      for (const a of rawKept) miFree(mt, a - DEBUG_HEADER);
      done += OPS_PER_INTERPRETER;
      result.ops = done;
      ctx.progress(done);
    }
  } else {
    const id = 1000 + ctx.index;
    const { s, d } = newInterpreter(id);
    const slots = p.slots;
    const slotAddr = new Uint32Array(slots);
    const slotSize = new Uint32Array(slots);
    const slotCookie = new Uint32Array(slots);
    let live = 0;
    let wrongOwnerTried = false;
    const creators = Math.ceil(ctx.workers / 2);
    let done = 0;
    for (; !ctx.shouldStop(done); done++) {
      const k = rng.nextInt(slots);
      if (slotAddr[k] !== 0) {
        verify(slotAddr[k], slotSize[k], slotCookie[k]);
        pyObjectFree(d, slotAddr[k]);
        slotAddr[k] = 0;
        live--;
        result.frees++;
      }
      const size = rng.nextInt(3) === 0 ? 513 + rng.nextInt(1000) : 1 + rng.nextInt(500);
      const a = pyObjectMalloc(d, size);
      if (a === 0) {
        problem(`pyObjectMalloc(${size}) returned 0`);
        break;
      }
      const cookie = rng.nextU32();
      write(a, size, cookie);
      slotAddr[k] = a;
      slotSize[k] = size;
      slotCookie[k] = cookie;
      live++;
      result.allocs++;
      if ((done & 63) === 0) {
        if (interpreterAllocatedBlocks(s) !== live) {
          result.badCounts++;
          problem(`interpreter ${id}: ${interpreterAllocatedBlocks(s)} blocks counted, ${live} live`);
        }
        if (obmallocForeignOwner(s, a) !== -1) {
          result.badOwners++;
          problem(`interpreter ${id}: its own block ${formatAddress(a)} has a foreign owner`);
        }
        const c = 2 * rng.nextInt(creators);
        if (c < ctx.workers) {
          const base = c * PUBLISHED_STRIDE;
          const s1 = Atomics.load(published, base);
          const owner = Atomics.load(published, base + 1);
          const addr = Atomics.load(published, base + 2) >>> 0;
          if ((s1 & 1) === 0 && owner !== 0) {
            if (p.mode === 'wrong-owner' && !wrongOwnerTried) {
              wrongOwnerTried = true;
              pyObjectFree(d, addr); // the control: must be a fatal error
            }
            const found = obmallocForeignOwner(s, addr);
            if (Atomics.load(published, base) === s1) {
              // Still published after the lookup: its interpreter was alive throughout.
              if (found === owner) result.ownersFound++;
              else {
                result.badOwners++;
                problem(`published block ${formatAddress(addr)} of interpreter ${owner}: lookup said ${found}`);
              }
            }
          }
        }
        ctx.progress(done);
      }
    }
    for (let k = 0; k < slots; k++) {
      if (slotAddr[k] === 0) continue;
      verify(slotAddr[k], slotSize[k], slotCookie[k]);
      pyObjectFree(d, slotAddr[k]);
      result.frees++;
    }
    const report = obmallocStateEnd(s);
    result.interpretersEnded++;
    if (report.leakedBlocks !== 0) {
      result.badReports++;
      problem(`interpreter ${id}: end report ${JSON.stringify(report)} after freeing everything`);
    }
    result.ops = done;
  }
  miThreadExit(mt);
  heap.close();
  return result;
});
