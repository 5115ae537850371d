/**
 * The object layer's hottest paths under the VM, timed on their own
 * (standalone: `node packages/objects/bench/hot-paths.mjs [rounds [case]]`
 * after `npx turbo run build --filter @ft/objects`; it runs the built
 * dist): an int made from a JavaScript number and dropped (the range
 * iterator's and every int result's path through the free list), the same
 * for a two-digit int (no free list: the allocator and the dealloc
 * dispatch), a float made and dropped, a list item read and released, a
 * dict lookup by a str key and released, an incref + decref pair by the
 * owner, and `typeSlot` with the kind a value and a constant.
 *
 * Each case runs in a process of its own (one case's type feedback must
 * not shape another's code). Each figure is the median of `rounds` timed
 * runs in ns of the process's CPU time per operation (the machines this
 * runs on are shared: wall time swings with their load), after a warm-up;
 * the JavaScript heap's growth during the timed runs shows whether a path
 * allocates JavaScript objects.
 */

import { decref, incref } from '@ft/refcount';
import { createObjectsRuntime, dictGetItemRef, dictNew, dictSetItem, floatFromDouble, intFromNumber, listAppend, listGetItemRef, listNew, StaticType, strFromJs, strIntern, typeSlot } from '../dist/index.js';

const ROUNDS = Number(process.argv[2] ?? 7);
/** The case to time in this process (its index); none: every case, each in a child process. */
const only = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
const N = 2_000_000;

const rt = createObjectsRuntime();
const t = rt.t;
const rc = rt.rc;

function intPair(n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const op = intFromNumber(t, 1000 + (i & 1023));
    s = (s + op) | 0;
    decref(rc, op);
  }
  return s;
}

/** A two-digit int: no free list, so allocObject, the dealloc dispatch and freeObject each time. */
function bigIntPair(n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const op = intFromNumber(t, 2 ** 40 + (i & 1023));
    s = (s + op) | 0;
    decref(rc, op);
  }
  return s;
}

function floatPair(n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const op = floatFromDouble(t, i * 0.5);
    s = (s + op) | 0;
    decref(rc, op);
  }
  return s;
}

const list = listNew(t, 0);
for (let i = 0; i < 1024; i++) {
  const v = intFromNumber(t, 1000 + i);
  listAppend(t, list, v);
  decref(rc, v);
}
function listRead(n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const op = listGetItemRef(t, list, i & 1023);
    s = (s + op) | 0;
    decref(rc, op);
  }
  return s;
}

const dict = dictNew(t);
const keys = [];
for (let i = 0; i < 64; i++) {
  const k = strIntern(t, strFromJs(t, `key${i}`));
  const v = intFromNumber(t, 1000 + i);
  dictSetItem(t, dict, k, v);
  decref(rc, v);
  keys.push(k);
}
const keyArray = Uint32Array.from(keys);
function dictRead(n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const op = dictGetItemRef(t, dict, keyArray[i & 63]);
    s = (s + op) | 0;
    decref(rc, op);
  }
  return s;
}

function increfDecref(n) {
  const op = intFromNumber(t, 123456);
  let s = 0;
  for (let i = 0; i < n; i++) {
    incref(rc, op);
    decref(rc, op);
    s = (s + i) | 0;
  }
  decref(rc, op);
  return s;
}

/** Slot lookups with the kind a value, as in the number protocol: the property loads go megamorphic. */
const KINDS = ['add', 'richcompare', 'hash', 'iter', 'subscript', 'length', 'repr', 'bool'];
const TYPES = Uint32Array.from([StaticType.Int, StaticType.List, StaticType.Str, StaticType.Dict], (i) => t.types[i]);
function slotMany(n) {
  let s = 0;
  for (let i = 0; i < n; i++) if (typeSlot(t, TYPES[i & 3], KINDS[i & 7]) !== null) s++;
  return s;
}
/** One constant kind, after slotMany has seen every kind (a runtime's lookups always have). */
function slotOne(n) {
  let s = 0;
  for (let i = 0; i < n; i++) if (typeSlot(t, TYPES[i & 3], 'hash') !== null) s++;
  return s;
}

const cases = [
  ['intFromNumber + decref (non-small int)', intPair],
  ['intFromNumber + decref (two digits: allocated)', bigIntPair],
  ['floatFromDouble + decref', floatPair],
  ['listGetItemRef + decref', listRead],
  ['dictGetItemRef (str key) + decref', dictRead],
  ['incref + decref (owner)', increfDecref],
  ['typeSlot, 8 kinds (megamorphic)', slotMany],
  ['typeSlot, one constant kind, after 8', slotOne],
];

if (only === undefined) {
  // Each case in a fresh process, so that one case's type feedback does not shape another's code.
  const { execFileSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  for (let c = 0; c < cases.length; c++) process.stdout.write(execFileSync(process.execPath, [fileURLToPath(import.meta.url), String(ROUNDS), String(c)], { encoding: 'utf8' }));
} else {
  const [name, fn] = cases[only];
  if (fn === slotOne) slotMany(N);
  fn(N); // warm-up: optimize the path before timing
  const times = [];
  let heapGrowth = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const before = process.memoryUsage().heapUsed;
    const t0 = process.cpuUsage().user;
    fn(N);
    const t1 = process.cpuUsage().user;
    heapGrowth = Math.max(heapGrowth, process.memoryUsage().heapUsed - before);
    times.push(((t1 - t0) * 1000) / N);
  }
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(42)} ${times[times.length >> 1].toFixed(2).padStart(7)} ns/op  (min ${times[0].toFixed(2)})  JS heap growth ${(heapGrowth / 1024).toFixed(0)} KiB`);
}
rt.close();
