import { afterEach, describe, expect, it } from 'vitest';
import { gcCollect } from '@ft/gc';
import {
  dequeAppend,
  dequeAppendLeft,
  dequeContains,
  dequeGetItem,
  dequeIter,
  dequeIterNext,
  dequeNew,
  dequePop,
  dequePopLeft,
  dequeReprJs,
  dequeRotate,
  dequeSize,
  errFetch,
  formatError,
  intAsNumber,
  intFromNumber,
  listFromArray,
  objectHash,
} from '../src/index.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

let r: Runtime;
afterEach(() => r?.close());

function lastError(r: Runtime): string {
  return formatError(r.t, errFetch(r.t)!);
}

describe('deque', () => {
  it('both ends across many blocks, indexing, rotate, maxlen and CPython’s errors', () => {
    r = makeRuntime();
    const t = r.t;
    const d = check(t, dequeNew(t));
    const ints = Array.from({ length: 500 }, (_, i) => check(t, intFromNumber(t, i + 1000)));
    for (let i = 0; i < 250; i++) check(t, dequeAppend(t, d, ints[250 + i]!));
    for (let i = 249; i >= 0; i--) check(t, dequeAppendLeft(t, d, ints[i]!));
    expect(dequeSize(t, d)).toBe(500);
    for (const i of [0, 63, 64, 200, 499, -1, -500]) {
      const x = check(t, dequeGetItem(t, d, i));
      expect(intAsNumber(t, x)).toBe(1000 + (i < 0 ? 500 + i : i));
      release(r, x);
    }
    expect(dequeGetItem(t, d, 500)).toBe(0);
    expect(lastError(r)).toBe('IndexError: deque index out of range');
    dequeRotate(t, d, 3);
    const first = check(t, dequeGetItem(t, d, 0));
    expect(intAsNumber(t, first)).toBe(1497);
    dequeRotate(t, d, -3);
    for (let i = 0; i < 500; i++) {
      const x = check(t, i % 2 === 0 ? dequePopLeft(t, d) : dequePop(t, d));
      release(r, x);
    }
    expect(dequePop(t, d)).toBe(0);
    expect(lastError(r)).toBe('IndexError: pop from an empty deque');
    expect(objectHash(t, d)).toBe(-1);
    expect(lastError(r)).toBe("TypeError: unhashable type: 'collections.deque'");
    release(r, first, d, ...ints);
  });

  it('a bounded deque drops from the other end; repr; iteration raises "deque mutated during iteration"', () => {
    r = makeRuntime();
    const t = r.t;
    const items = [1, 2, 3].map((v) => check(t, intFromNumber(t, v)));
    const lst = check(t, listFromArray(t, items));
    const d = check(t, dequeNew(t, lst, 3));
    const four = check(t, intFromNumber(t, 4));
    check(t, dequeAppend(t, d, four));
    expect(dequeReprJs(t, d)).toBe('deque([2, 3, 4], maxlen=3)');
    expect(dequeContains(t, d, items[0]!)).toBe(0);
    expect(dequeContains(t, d, four)).toBe(1);
    const it = check(t, dequeIter(t, d));
    const x = check(t, dequeIterNext(t, it));
    check(t, dequeAppend(t, d, four));
    expect(dequeIterNext(t, it)).toBe(0);
    expect(lastError(r)).toBe('RuntimeError: deque mutated during iteration');
    expect(dequeNew(t, 0, -2)).toBe(0);
    expect(lastError(r)).toBe('ValueError: maxlen must be non-negative');
    release(r, it, x, d, lst, four, ...items);
    expect(gcCollect(r.gt)).toBe(0);
  });
});
