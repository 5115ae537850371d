// Floor: the same fast paths written inline over the same memory (falls back to the real functions off the fast path).
import { SharedHeap } from '@ft/atomics';
import { miCreate, miThreadInit, miMalloc, miFree } from './src/index.ts';
import { MemPool } from '@thi.ng/malloc';
const heap = SharedHeap.create({ size: 128 << 20, threadCapacity: 16 });
const mi = miCreate(heap);
const t = miThreadInit(heap, mi, null);
const keep = miMalloc(t, 32);
const u32 = t.u32, u8 = t.u8, tid = t.tid, memHeap = t.memHeap;
function inlinePair(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const page = u32[(memHeap + 64 + 4 * 4) >>> 2];
    let p = u32[(page + 16) >>> 2];
    if (p !== 0) { u32[(page + 16) >>> 2] = u32[p >>> 2]; u32[(page + 20) >>> 2]++; } else p = miMalloc(t, 32);
    acc = (acc + p) | 0;
    const seg = ((p - 1) & ~0x3fffff) >>> 0;
    let idx = (p - seg) >>> 16;
    const entries = u32[(seg + 20) >>> 2];
    if (idx >= entries) idx = entries - 1;
    const rec = seg + 64 + idx * 64;
    const pg = rec - u32[(rec + 4) >>> 2];
    if (u32[(seg + 8) >>> 2] === tid && (u8[pg + 60] & 3) === 0) {
      u32[p >>> 2] = u32[(pg + 24) >>> 2];
      u32[(pg + 24) >>> 2] = p;
      if (--u32[(pg + 20) >>> 2] === 0) throw new Error('unexpected');
    } else miFree(t, p);
  }
  return acc;
}
function inlineViaT(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc = (acc + mallocT(t, t.memHeap, 32)) | 0;
    freeT(t, acc === -1 ? 0 : lastP);
  }
  return acc;
}
let lastP = 0;
function mallocT(t: any, heap: number, size: number): number {
  if (size <= 1024 && size >= 0 && !t.checked) {
    const u32 = t.u32;
    const page = u32[(heap + 64 + ((size + 7) >>> 3) * 4) >>> 2];
    const p = u32[(page + 16) >>> 2];
    if (p !== 0) { u32[(page + 16) >>> 2] = u32[p >>> 2]; u32[(page + 20) >>> 2]++; lastP = p; return p; }
  }
  return (lastP = miMalloc(t, size));
}
function freeT(t: any, p: number): void {
  if (p === 0) return;
  if (t.checked) return;
  const u32 = t.u32;
  const seg = ((p - 1) & ~0x3fffff) >>> 0;
  let idx = (p - seg) >>> 16;
  const entries = u32[(seg + 20) >>> 2];
  if (idx >= entries) idx = entries - 1;
  const rec = seg + 64 + idx * 64;
  const pg = rec - u32[(rec + 4) >>> 2];
  if (u32[(seg + 8) >>> 2] === t.tid && (t.u8[pg + 60] & 3) === 0) {
    u32[p >>> 2] = u32[(pg + 24) >>> 2];
    u32[(pg + 24) >>> 2] = p;
    if (--u32[(pg + 20) >>> 2] === 0) throw new Error('unexpected');
    return;
  }
  miFree(t, p);
}
function realPair(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) { const p = miMalloc(t, 32); acc = (acc + p) | 0; miFree(t, p); }
  return acc;
}
const pool = new MemPool({ buf: new ArrayBuffer(128 << 20), align: 16, compact: true, split: true, minSplit: 16 });
function thingPair(n: number): number { let acc = 0; for (let i = 0; i < n; i++) { const p = pool.malloc(32); acc = (acc + p) | 0; pool.free(p); } return acc; }
function realPairNoKeep(n: number): number { let acc = 0; for (let i = 0; i < n; i++) { const p = miMalloc(t2, 32); acc = (acc + p) | 0; miFree(t2, p); } return acc; }
const heap2 = SharedHeap.create({ size: 64 << 20, threadCapacity: 4 });
const t2 = miThreadInit(heap2, miCreate(heap2), null);
const N = 10_000_000;

const fns: [string, (n: number) => number][] = [
  ['inline floor (views hoisted, one block kept live)', inlinePair],
  ['same code as two functions taking t', inlineViaT],
  ['miMalloc + miFree, one block kept live', realPair],
  ['miMalloc + miFree (as in the bench)', realPairNoKeep],
  ['@thi.ng/malloc malloc + free', thingPair],
];
for (const [, f] of fns) f(2e6);
const best = fns.map(() => Infinity);
for (let r = 0; r < 7; r++) fns.forEach(([, f], j) => { const t0 = performance.now(); f(N); best[j] = Math.min(best[j], (performance.now() - t0) * 1e6 / N); });
fns.forEach(([name], j) => console.log(`${best[j].toFixed(2)} ns/pair (best of 7)  ${name}`));
