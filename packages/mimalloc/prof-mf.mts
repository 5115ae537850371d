import { SharedHeap } from '@ft/atomics';
import { miCreate, miThreadInit, miMalloc, miFree } from './src/index.ts';
import { MemPool } from '@thi.ng/malloc';
const heap = SharedHeap.create({ size: 128 << 20, threadCapacity: 16 });
const mi = miCreate(heap);
const t = miThreadInit(heap, mi, null);
function mimalloc(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) { const p = miMalloc(t, 32); acc = (acc + p) | 0; miFree(t, p); }
  return acc;
}
const pool = new MemPool({ buf: new ArrayBuffer(128 << 20), align: 16 });
function thing(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) { const p = pool.malloc(32); acc = (acc + p) | 0; pool.free(p); }
  return acc;
}
const which = process.argv[2] ?? 'mimalloc';
const f = which === 'thing' ? thing : mimalloc;
const N = Number(process.argv[3] ?? 20_000_000);
f(1_000_000);
for (let r = 0; r < 5; r++) { const t0 = performance.now(); f(N / 5); console.log(which, ((performance.now() - t0) * 1e6 / (N / 5)).toFixed(2), 'ns/pair'); }
