import { SharedHeap } from '@ft/atomics';
import { miCreate, miThreadInit, miMalloc, miFree } from './src/index.ts';
const heap = SharedHeap.create({ size: 128 << 20, threadCapacity: 16 });
const mi = miCreate(heap);
const t = miThreadInit(heap, mi, null);
function pair(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) { const p = miMalloc(t, 32); acc = (acc + p) | 0; miFree(t, p); }
  return acc;
}
function mallocOnly(n: number, out: Uint32Array): number {
  let acc = 0;
  for (let i = 0; i < n; i++) { const p = miMalloc(t, 32); out[i] = p; acc = (acc + p) | 0; }
  return acc;
}
function freeOnly(n: number, out: Uint32Array): number {
  for (let i = 0; i < n; i++) miFree(t, out[i]);
  return n;
}
const which = process.argv[2];
const N = 10_000_000;
const time = (label: string, f: () => void, ops: number) => { const t0 = performance.now(); f(); console.log(label, ((performance.now() - t0) * 1e6 / ops).toFixed(2), 'ns'); };
if (which === 'pair') { pair(1e6); for (let r = 0; r < 3; r++) time('pair, used 1→0 each time (pageRetire call per free)', () => pair(N), N); }
if (which === 'pair-keep') { const keep = miMalloc(t, 32); pair(1e6); for (let r = 0; r < 3; r++) time('pair with one more block kept live (no pageRetire)', () => pair(N), N); miFree(t, keep); }
if (which === 'split') {
  const M = 100_000; const out = new Uint32Array(M);
  for (let w = 0; w < 50; w++) { mallocOnly(M, out); freeOnly(M, out); }
  for (let r = 0; r < 3; r++) {
    let ms = 0, fs = 0;
    for (let k = 0; k < 50; k++) { let t0 = performance.now(); mallocOnly(M, out); ms += performance.now() - t0; t0 = performance.now(); freeOnly(M, out); fs += performance.now() - t0; }
    console.log(`malloc ${(ms * 1e6 / (50 * M)).toFixed(2)} ns, free ${(fs * 1e6 / (50 * M)).toFixed(2)} ns (100k blocks live at the peak; includes generic path every page)`);
  }
}
