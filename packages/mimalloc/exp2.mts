import { SharedHeap } from '@ft/atomics';
import { miCreate, miThreadInit, miMalloc, miFree } from './src/index.ts';
const heap = SharedHeap.create({ size: 128 << 20 });
const mi = miCreate(heap);
const t = miThreadInit(heap, mi, null);
const keep = miMalloc(t, 32);
function real(n: number) { let s = 0; for (let i = 0; i < n; i++) { const p = miMalloc(t, 32); s += p; miFree(t, p); } return s; }
const xs: number[] = [];
for (let r = 0; r < 8; r++) { const tt = performance.now(); real(5e6); xs.push((performance.now() - tt) * 1e6 / 5e6); }
xs.sort((a, b) => a - b); console.log('median', xs[4].toFixed(2), 'min', xs[0].toFixed(2));
void keep;
