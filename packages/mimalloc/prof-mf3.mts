// Floor: the same fast paths written inline over the same memory (falls back to the real functions off the fast path).
import { SharedHeap } from '@ft/atomics';
import { miCreate, miThreadInit, miMalloc, miFree } from './src/index.ts';
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
function realPair(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) { const p = miMalloc(t, 32); acc = (acc + p) | 0; miFree(t, p); }
  return acc;
}
const N = 10_000_000;
inlinePair(1e6); realPair(1e6);
for (let r = 0; r < 3; r++) {
  let t0 = performance.now(); inlinePair(N); const a = (performance.now() - t0) * 1e6 / N;
  t0 = performance.now(); realPair(N); const b = (performance.now() - t0) * 1e6 / N;
  console.log(`inline floor ${a.toFixed(2)} ns/pair, miMalloc+miFree ${b.toFixed(2)} ns/pair`);
}
