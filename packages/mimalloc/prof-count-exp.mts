// Counts Atomics calls per working-set step (wrapping the global Atomics methods; slow, counts only).
import { SharedHeap } from '@ft/atomics';
import { miCreate, miThreadInit } from './tmp-exp-src/index.ts';
import { makeWorkload, WS_SLOTS } from './bench/malloc.bench.ts'; import { miMalloc, miFree } from './tmp-exp-src/index.ts';
const heap = SharedHeap.create({ size: 128 << 20, threadCapacity: 16 });
const mi = miCreate(heap);
const t = miThreadInit(heap, mi, null);
const work = makeWorkload(0x5eed0001);
const ws = { work, live: new Uint32Array(WS_SLOTS), liveSize: new Uint16Array(WS_SLOTS), cursor: 0, failures: 0, steps: 0 };
miFill(t, ws);
miSteps(t, ws, 1_000_000);
const delayedIndex = (t.memHeap + 12) >>> 2;
const counts: Record<string, number> = {};
for (const name of ['load', 'store', 'compareExchange', 'exchange', 'add', 'sub'] as const) {
  const orig = (Atomics as any)[name];
  (Atomics as any)[name] = function (ta: any, i: number, ...rest: any[]) {
    const key = name === 'load' && i === delayedIndex ? 'load(heap delayed-free) = mallocGeneric calls' : name;
    counts[key] = (counts[key] ?? 0) + 1;
    return orig.call(Atomics, ta, i, ...rest);
  };
}
const N = 1_000_000;
miSteps(t, ws, N);
for (const [k, v] of Object.entries(counts)) console.log(`${k}: ${(v / N).toFixed(3)} per step`);
function miFill(t: any, ws: any) { for (let i = 0; i < WS_SLOTS; i++) { ws.live[i] = miMalloc(t, ws.work.fillSizes[i]); } }
function miSteps(t: any, ws: any, n: number): number {
  const { live } = ws; const { sizes, slots } = ws.work; let k = ws.cursor; let acc = 0;
  for (let i = 0; i < n; i++) { const slot = slots[k]; miFree(t, live[slot]); const p = miMalloc(t, sizes[k]); if (p === 0) ws.failures++; live[slot] = p; acc = (acc + p) | 0; k = (k + 1) & ((1 << 20) - 1); }
  ws.cursor = k; return acc;
}
function miDrain(t: any, ws: any) { for (let i = 0; i < WS_SLOTS; i++) miFree(t, ws.live[i]); }
