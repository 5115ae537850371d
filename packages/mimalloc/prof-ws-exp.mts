import { SharedHeap } from '@ft/atomics';
import { miCreate, miThreadInit, miStats, miCollect } from './tmp-exp-src/index.ts';
import { makeWorkload, WS_SLOTS } from './bench/malloc.bench.ts'; import { miMalloc, miFree } from './tmp-exp-src/index.ts';
const heap = SharedHeap.create({ size: 128 << 20, threadCapacity: 16 });
const mi = miCreate(heap);
const t = miThreadInit(heap, mi, null);
const work = makeWorkload(0x5eed0001);
const ws = { work, live: new Uint32Array(WS_SLOTS), liveSize: new Uint16Array(WS_SLOTS), cursor: 0, failures: 0, steps: 0 };
miFill(t, ws);
const steps = Number(process.argv[2] ?? 20_000_000);
miSteps(t, ws, 500_000);
for (let r = 0; r < 4; r++) {
  const t0 = performance.now();
  miSteps(t, ws, steps / 4);
  console.log(`${((performance.now() - t0) * 1e6 / (steps / 4)).toFixed(1)} ns/step`);
}
miDrain(t, ws); miCollect(t, true);
const s = miStats(t);
console.log('failures', ws.failures, 'live', s.liveBlocks, 'segments', s.segments, 'pages', s.pages);
function miFill(t: any, ws: any) { for (let i = 0; i < WS_SLOTS; i++) { ws.live[i] = miMalloc(t, ws.work.fillSizes[i]); } }
function miSteps(t: any, ws: any, n: number): number {
  const { live } = ws; const { sizes, slots } = ws.work; let k = ws.cursor; let acc = 0;
  for (let i = 0; i < n; i++) { const slot = slots[k]; miFree(t, live[slot]); const p = miMalloc(t, sizes[k]); if (p === 0) ws.failures++; live[slot] = p; acc = (acc + p) | 0; k = (k + 1) & ((1 << 20) - 1); }
  ws.cursor = k; return acc;
}
function miDrain(t: any, ws: any) { for (let i = 0; i < WS_SLOTS; i++) miFree(t, ws.live[i]); }
