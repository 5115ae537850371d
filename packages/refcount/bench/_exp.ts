import { SharedHeap } from '@ft/atomics';
import { miCreate, miThreadInit } from '@ft/mimalloc';
import { allocObject, BehaviourRegistry, createMetatype, createStaticType, rcCreate, rcThreadInit, incref, decref, type RcThread } from '../src/index.js';
const heap = SharedHeap.create({ size: 64 << 20 });
const registry = new BehaviourRegistry();
const rc = rcCreate(heap, registry);
const t = rcThreadInit(heap, rc, registry, { mi: miThreadInit(heap, miCreate(heap), null) });
const type = createStaticType(t, createMetatype(t), { basicSize: 32 });
const objs = new Uint32Array(8); for (let i = 0; i < 8; i++) objs[i] = allocObject(t, type);
function a(t: RcThread, objects: Uint32Array, n: number) { let s = 0; for (let i = 0; i < n; i++) { const op = objects[i & 7]; incref(t, op); decref(t, op); s += op; } return s; }
function inc2(t: RcThread, op: number) { const u32 = t.u32; const i = op >>> 2; const local = u32[i + 2]; if (local === 0xffffffff) return; if (u32[i] === t.tid) u32[i + 2] = local + 1; else Atomics.add(t.i32, i + 3, 4); }
function dec2(t: RcThread, op: number) { const u32 = t.u32; const i = op >>> 2; const local = u32[i + 2]; if (local === 0xffffffff) return; if (u32[i] === t.tid) { if (local > 1) u32[i + 2] = local - 1; else throw new Error(); } else Atomics.sub(t.i32, i + 3, 4); }
function b(t: RcThread, objects: Uint32Array, n: number) { let s = 0; for (let i = 0; i < n; i++) { const op = objects[i & 7]; inc2(t, op); dec2(t, op); s += op; } return s; }
const u32 = heap.u32; const tid = t.tid;
function c(objects: Uint32Array, n: number) { let s = 0; for (let i = 0; i < n; i++) { const op = objects[i & 7]; const k = op >>> 2; let l = u32[k + 2]; if (l !== 0xffffffff && u32[k] === tid) u32[k + 2] = l + 1; l = u32[k + 2]; if (l !== 0xffffffff && u32[k] === tid) u32[k + 2] = l - 1; s += op; } return s; }
for (let r = 0; r < 4; r++) {
  let t0 = performance.now(); a(t, objs, 20e6); const ta = performance.now() - t0;
  t0 = performance.now(); b(t, objs, 20e6); const tb = performance.now() - t0;
  t0 = performance.now(); c(objs, 20e6); const tc = performance.now() - t0;
  console.log((ta / 20e6 * 1e6).toFixed(2), (tb / 20e6 * 1e6).toFixed(2), (tc / 20e6 * 1e6).toFixed(2));
}
