// TEMPORARY (deleted after use): steady-state deopt check of qsbrQuiescentState and freeDelayed.
import { regionAlloc, SharedHeap } from '@ft/atomics';
import {
  FreeCallbackRegistry,
  freeDelayed,
  pendingDelayed,
  processDelayed,
  qsbrAdvance,
  qsbrAttach,
  qsbrCreate,
  qsbrQuiescentState,
  qsbrRegister,
} from './src/index.js';

const status = new Function('f', 'return %GetOptimizationStatus(f)') as (f: unknown) => number;
function describe(name: string, f: unknown): string {
  const s = status(f);
  const flags = [];
  if (s & 16) flags.push('optimized');
  if (s & 32) flags.push('turbofanned');
  if (s & 64) flags.push('interpreted');
  if (s & 128) flags.push('marked');
  if (s & 8192) flags.push('baseline(sparkplug)');
  if (s & 32768) flags.push('maglev');
  return `${name}: 0x${s.toString(16)} [${flags.join(',')}]`;
}

const heap = SharedHeap.create({ size: 64 << 20 });
let freed = 0;
function freeBlock(h: SharedHeap, a: number): void {
  h.u32[a >>> 2] = 0xdd;
  freed++;
}
const registry = new FreeCallbackRegistry();
const FREE = registry.register('b', freeBlock);
const pool = regionAlloc(heap, 4096 * 16);

const initial = Number(process.argv[2] ?? '1');
const qsbr = qsbrCreate(heap, { initialSequence: initial });
const t = qsbrRegister(heap, qsbr, registry);
qsbrAttach(t);

function qsLoop(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    qsbrQuiescentState(t);
    acc = (acc + t.publishedSeq) | 0;
  }
  return acc;
}
function advanceQsLoop(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    qsbrAdvance(t);
    qsbrQuiescentState(t);
    acc = (acc + t.publishedSeq) | 0;
  }
  return acc;
}
function freeLoop(n: number): number {
  const start = freed;
  for (let i = 0; i < n; i++) {
    freeDelayed(t, pool + ((i & 4095) << 4), FREE);
    if ((i & 63) === 63) qsbrQuiescentState(t);
  }
  qsbrAdvance(t);
  qsbrQuiescentState(t);
  processDelayed(t);
  if (freed - start !== n || pendingDelayed(t) !== 0) throw new Error('lost items');
  return freed - start;
}

function phase(name: string, f: (n: number) => number, n: number, reps: number): void {
  console.log(`=== PHASE ${name} begin (wrSeq=${Atomics.load(heap.u32, t.wrSeqIndex)})`);
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    f(n);
    const dt = performance.now() - t0;
    console.log(`--- ${name} rep ${r}: ${((dt * 1e6) / n).toFixed(2)} ns/op`);
  }
  console.log(`=== PHASE ${name} end (wrSeq=${Atomics.load(heap.u32, t.wrSeqIndex)})`);
}

const advances = Number(process.argv[3] ?? '2000000');
phase('qs-unchanged', qsLoop, 5_000_000, 6);
phase('advance+qs', advanceQsLoop, advances, 6);
phase('qs-unchanged-2', qsLoop, 5_000_000, 3);
phase('freeDelayed', freeLoop, 2_000_000, 6);
console.log(describe('qsLoop', qsLoop));
console.log(describe('advanceQsLoop', advanceQsLoop));
console.log(describe('freeLoop', freeLoop));
console.log(describe('qsbrQuiescentState', qsbrQuiescentState));
console.log(describe('freeDelayed', freeDelayed));
console.log(describe('processDelayed', processDelayed));
