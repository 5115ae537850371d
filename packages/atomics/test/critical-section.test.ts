import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  criticalSectionBegin,
  criticalSectionBegin2,
  criticalSectionEnd,
  criticalSectionHolds,
  criticalSectionResumeOnAttach,
  criticalSectionSuspendAll,
  FatalError,
  regionAlloc,
  SharedHeap,
} from '../src/index.js';

let heap: SharedHeap;
let a: number;
let b: number;
let c: number;

beforeEach(() => {
  heap = SharedHeap.create({ size: 4 << 20 });
  const region = regionAlloc(heap, 4096);
  a = region + 100;
  b = region + 200;
  c = region + 300;
});

afterEach(() => {
  heap.criticalSections.depth = 0; // a failed test must not make close() fatal
  heap.close();
});

const bytes = (): number[] => [heap.u8[a], heap.u8[b], heap.u8[c]];

describe('critical sections on one thread', () => {
  it('begin locks, end unlocks, nesting is a stack', () => {
    criticalSectionBegin(heap, a);
    criticalSectionBegin(heap, b);
    expect(bytes()).toEqual([1, 1, 0]);
    expect(heap.criticalSections.depth).toBe(2);
    expect(criticalSectionHolds(heap, b)).toBe(true);
    expect(criticalSectionHolds(heap, a)).toBe(false); // only the innermost section counts
    criticalSectionEnd(heap);
    expect(bytes()).toEqual([1, 0, 0]);
    expect(criticalSectionHolds(heap, a)).toBe(true);
    criticalSectionEnd(heap);
    expect(bytes()).toEqual([0, 0, 0]);
    expect(heap.criticalSections.depth).toBe(0);
  });

  it('two-mutex sections lock both, in address order, and the same mutex once', () => {
    criticalSectionBegin2(heap, c, a);
    expect(bytes()).toEqual([1, 0, 1]);
    const top = heap.criticalSections.depth - 1;
    expect([heap.criticalSections.mutex1[top], heap.criticalSections.mutex2[top]]).toEqual([a, c]);
    criticalSectionEnd(heap);
    expect(bytes()).toEqual([0, 0, 0]);
    criticalSectionBegin2(heap, b, b);
    expect(bytes()).toEqual([0, 1, 0]);
    criticalSectionEnd(heap);
    expect(bytes()).toEqual([0, 0, 0]);
  });

  it('re-entering an object the section holds locks nothing and unlocks nothing', () => {
    criticalSectionBegin(heap, a);
    criticalSectionBegin(heap, a);
    expect(heap.criticalSections.depth).toBe(2);
    expect(criticalSectionHolds(heap, a)).toBe(true);
    criticalSectionEnd(heap);
    expect(bytes()).toEqual([1, 0, 0]); // still held by the outer section
    criticalSectionEnd(heap);
    expect(bytes()).toEqual([0, 0, 0]);
  });

  it('suspendAll releases every active section; attach re-locks only the top one', () => {
    criticalSectionBegin(heap, a);
    criticalSectionBegin2(heap, b, c);
    criticalSectionSuspendAll(heap);
    expect(bytes()).toEqual([0, 0, 0]);
    expect(Array.from(heap.criticalSections.active.subarray(0, 2))).toEqual([0, 0]);
    criticalSectionResumeOnAttach(heap);
    expect(bytes()).toEqual([0, 1, 1]); // the outer section stays suspended
    criticalSectionEnd(heap);
    expect(bytes()).toEqual([1, 0, 0]); // ending the top re-locks the one below
    criticalSectionEnd(heap);
    expect(bytes()).toEqual([0, 0, 0]);
  });

  it('a suspended re-entrant section resumes by re-locking the level that owns the mutex', () => {
    criticalSectionBegin(heap, a);
    criticalSectionBegin(heap, a);
    criticalSectionSuspendAll(heap);
    expect(bytes()).toEqual([0, 0, 0]);
    criticalSectionResumeOnAttach(heap);
    expect(bytes()).toEqual([1, 0, 0]);
    expect(criticalSectionHolds(heap, a)).toBe(true);
    criticalSectionEnd(heap);
    criticalSectionEnd(heap);
    expect(bytes()).toEqual([0, 0, 0]);
  });

  it('suspending stops at sections that are already suspended', () => {
    criticalSectionBegin(heap, a);
    criticalSectionSuspendAll(heap);
    criticalSectionResumeOnAttach(heap);
    expect(bytes()).toEqual([1, 0, 0]);
    criticalSectionBegin(heap, b);
    criticalSectionSuspendAll(heap);
    criticalSectionResumeOnAttach(heap);
    expect(bytes()).toEqual([0, 1, 0]);
    criticalSectionSuspendAll(heap); // top only is active; a is already suspended
    expect(bytes()).toEqual([0, 0, 0]);
    criticalSectionResumeOnAttach(heap);
    criticalSectionEnd(heap);
    criticalSectionEnd(heap);
    expect(bytes()).toEqual([0, 0, 0]);
  });

  it('nesting deeper than the initial stack grows it', () => {
    const region = regionAlloc(heap, 4096);
    for (let i = 0; i < 100; i++) criticalSectionBegin(heap, region + i);
    expect(heap.criticalSections.depth).toBe(100);
    for (let i = 0; i < 100; i++) criticalSectionEnd(heap);
    for (let i = 0; i < 100; i++) expect(heap.u8[region + i]).toBe(0);
  });

  it('ending a section the thread is not in is fatal, and so is closing inside one', () => {
    expect(() => criticalSectionEnd(heap)).toThrow(FatalError);
    criticalSectionBegin(heap, a);
    expect(() => heap.close()).toThrow(/while holding 1 critical section/);
    criticalSectionEnd(heap);
  });
});
