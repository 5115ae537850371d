/** A worker of shared-objects.test.ts: opens the shared dict and list, fills its part, reads the other's. */
import { parentPort, workerData } from 'node:worker_threads';
import { joinObjectsRuntime, SharedDict, SharedList, type ObjectsRuntimeHandle, type SharedObjectHandle } from '../../src/index.js';

const { runtime, dict, list, id, count } = (workerData as { data: { runtime: ObjectsRuntimeHandle; dict: SharedObjectHandle; list: SharedObjectHandle; id: number; count: number } }).data;
const rt = joinObjectsRuntime(runtime);
const d = SharedDict.open(rt, dict);
const l = SharedList.open(rt, list);
for (let i = 0; i < count; i++) {
  d.set(`w${id}-${i}`, { worker: id, i, tags: [id, i] });
  l.push(id * 1_000_000 + i);
}
// Wait until the other worker's last key is there, reading lock-free meanwhile.
const other = 1 - id;
let seen = 0;
while (!d.has(`w${other}-${count - 1}`)) seen++;
const last = d.get(`w${other}-${count - 1}`) as SharedDict;
const result = { worker: last.get('worker'), i: last.get('i'), tags: (last.get('tags') as SharedList).toJS(), polls: seen };
last.release();
d.release();
l.release();
rt.close();
parentPort!.postMessage(result);
