// Bisect the malloc+free pair: verbatim copies of heapMalloc/miFree with one change at a time.
import { SharedHeap } from '@ft/atomics';
import { miCreate, miThreadInit, miMalloc, miFree, type MiThread } from './src/index.ts';
import { pageOf, segmentOf } from './src/segment.ts';
import { pageRetire } from './src/page.ts';
const heap = SharedHeap.create({ size: 128 << 20, threadCapacity: 16 });
const t = miThreadInit(heap, miCreate(heap), null);
const keep = miMalloc(t, 32);

// V1: verbatim fast paths; slow paths call the real (non-inlined-here) exported functions.
function mallocV1(t: MiThread, heap: number, size: number): number {
  if (size <= 1024 && size >= 0 && !t.checked) {
    const u32 = t.u32;
    const page = u32[(heap + 64 + ((size + 7) >>> 3) * 4) >>> 2];
    const block = u32[(page + 16) >>> 2];
    if (block !== 0) {
      u32[(page + 16) >>> 2] = u32[block >>> 2];
      u32[(page + 20) >>> 2]++;
      return block;
    }
  }
  return miMalloc(t, size);
}
function freeV1(t: MiThread, p: number): void {
  if (p === 0) return;
  if (t.checked) { miFree(t, p); return; }
  const u32 = t.u32;
  const segment = segmentOf(p);
  const page = pageOf(t, segment, p);
  if (u32[(segment + 8) >>> 2] === t.tid && (t.u8[page + 60] & 3) === 0) {
    u32[p >>> 2] = u32[(page + 24) >>> 2];
    u32[(page + 24) >>> 2] = p;
    if (--u32[(page + 20) >>> 2] === 0) pageRetire(t, page);
    return;
  }
  miFree(t, p);
}
function pairV1(n: number): number { let acc = 0; for (let i = 0; i < n; i++) { const p = mallocV1(t, t.memHeap, 32); acc = (acc + p) | 0; freeV1(t, p); } return acc; }
function pairReal(n: number): number { let acc = 0; for (let i = 0; i < n; i++) { const p = miMalloc(t, 32); acc = (acc + p) | 0; miFree(t, p); } return acc; }
// V2: V1 without the `t.checked` tests.
function mallocV2(t: MiThread, heap: number, size: number): number {
  if (size <= 1024 && size >= 0) {
    const u32 = t.u32;
    const page = u32[(heap + 64 + ((size + 7) >>> 3) * 4) >>> 2];
    const block = u32[(page + 16) >>> 2];
    if (block !== 0) { u32[(page + 16) >>> 2] = u32[block >>> 2]; u32[(page + 20) >>> 2]++; return block; }
  }
  return miMalloc(t, size);
}
function freeV2(t: MiThread, p: number): void {
  if (p === 0) return;
  const u32 = t.u32;
  const segment = segmentOf(p);
  const page = pageOf(t, segment, p);
  if (u32[(segment + 8) >>> 2] === t.tid && (t.u8[page + 60] & 3) === 0) {
    u32[p >>> 2] = u32[(page + 24) >>> 2];
    u32[(page + 24) >>> 2] = p;
    if (--u32[(page + 20) >>> 2] === 0) pageRetire(t, page);
    return;
  }
  miFree(t, p);
}
function pairV2(n: number): number { let acc = 0; for (let i = 0; i < n; i++) { const p = mallocV2(t, t.memHeap, 32); acc = (acc + p) | 0; freeV2(t, p); } return acc; }
// V3: V2 with the views and tid in module-scope `let`s (thread-local in JS), no t.* loads on the fast path.
let U32 = t.u32; let U8 = t.u8; let TID = t.tid; let MEMHEAP = t.memHeap;
function mallocV3(size: number): number {
  if (size <= 1024 && size >= 0) {
    const u32 = U32;
    const page = u32[(MEMHEAP + 64 + ((size + 7) >>> 3) * 4) >>> 2];
    const block = u32[(page + 16) >>> 2];
    if (block !== 0) { u32[(page + 16) >>> 2] = u32[block >>> 2]; u32[(page + 20) >>> 2]++; return block; }
  }
  return miMalloc(t, size);
}
function freeV3(p: number): void {
  if (p === 0) return;
  const u32 = U32;
  const segment = ((p - 1) & ~0x3fffff) >>> 0;
  let index = (p - segment) >>> 16;
  const entries = u32[(segment + 20) >>> 2];
  if (index >= entries) index = entries - 1;
  const record = segment + 64 + index * 64;
  const page = record - u32[(record + 4) >>> 2];
  if (u32[(segment + 8) >>> 2] === TID && (U8[page + 60] & 3) === 0) {
    u32[p >>> 2] = u32[(page + 24) >>> 2];
    u32[(page + 24) >>> 2] = p;
    if (--u32[(page + 20) >>> 2] === 0) pageRetire(t, page);
    return;
  }
  miFree(t, p);
}
function pairV3(n: number): number { let acc = 0; for (let i = 0; i < n; i++) { const p = mallocV3(32); acc = (acc + p) | 0; freeV3(p); } return acc; }
if (Math.random() > 2) { U32 = new Uint32Array(4); U8 = new Uint8Array(4); TID = 0; MEMHEAP = 0; }
const fns: [string, (n: number) => number][] = [
  ['V3 = V2 with views/tid/heap in module-scope lets', pairV3],
  ['real miMalloc + miFree', pairReal],
  ['V1 verbatim fast paths, slow paths via the real exports (not inlined)', pairV1],
  ['V2 = V1 without the t.checked tests', pairV2],
];
const N = 10_000_000;
for (const [, f] of fns) f(2e6);
const best = fns.map(() => Infinity);
for (let r = 0; r < 7; r++) fns.forEach(([, f], j) => { const t0 = performance.now(); f(N); best[j] = Math.min(best[j], (performance.now() - t0) * 1e6 / N); });
fns.forEach(([name], j) => console.log(`${best[j].toFixed(2)} ns/pair (best of 7)  ${name}`));
