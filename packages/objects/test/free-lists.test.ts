/**
 * The int and float free lists that `decref` fills inline (free-lists.ts,
 * `@ft/refcount`'s FreeList), and `typeSlot` / `typeSlotId` against the
 * tables by kind they replaced.
 */
import { miStats } from '@ft/mimalloc';
import { decref, getRefcount, incref, setMaybeWeakref } from '@ft/refcount';
import { afterEach, describe, expect, it } from 'vitest';
import { INT_FREELIST_MAX } from '../src/int.js';
import { FLOAT_FREELIST_MAX } from '../src/float.js';
import { TP_SLOTS_OFFSET } from '../src/layout.js';
import { floatAsDouble, floatFromDouble, intAsNumber, intFromBigInt, intFromNumber, SLOT_INDEX, SLOT_KINDS, StaticType, typeSlot, typeSlotId } from '../src/index.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

let r: Runtime | undefined;
afterEach(() => {
  r?.close();
  r = undefined;
});

describe('int free list', () => {
  it("the owner's last decref of a one-digit int puts it on the thread's list; the next one-digit int reuses it, with a fresh header", () => {
    const rt = (r = makeRuntime());
    const t = rt.t;
    expect(t.intFreeList).toBe(t.rc.freeList0);
    const a = check(t, intFromNumber(t, 1000));
    const before = t.intFreeList.length;
    decref(t.rc, a);
    expect(t.intFreeList.length).toBe(before + 1);
    const b = check(t, intFromNumber(t, -123456));
    expect(b).toBe(a);
    expect(intAsNumber(t, b)).toBe(-123456);
    expect(getRefcount(rt.rc, b)).toBe(1);
    expect(t.intFreeList.length).toBe(before);
    release(rt, b);
  });

  it('two-digit ints, and ints past the capacity, are freed: the allocator sees every one of them go', () => {
    const rt = (r = makeRuntime());
    const t = rt.t;
    const live = (): number => miStats(rt.rc.mi!).liveBlocks - t.intFreeList.length - t.floatFreeList.length;
    const start = live();
    const big = [2 ** 40, -(2 ** 31), 2 ** 30].map((v) => check(t, intFromNumber(t, v)));
    const huge = check(t, intFromBigInt(t, 10n ** 30n));
    release(rt, ...big, huge);
    expect(t.intFreeList.length).toBe(0);
    expect(live()).toBe(start);
    const many = Array.from({ length: INT_FREELIST_MAX + 30 }, (_, i) => check(t, intFromNumber(t, 1000 + i)));
    release(rt, ...many);
    expect(t.intFreeList.length).toBe(INT_FREELIST_MAX);
    expect(live()).toBe(start);
  });

  it('an int whose shared word was touched (a lock-free reader could see it) dies through its dealloc, which still keeps its block', () => {
    const rt = (r = makeRuntime());
    const t = rt.t;
    const a = check(t, intFromNumber(t, 77777));
    setMaybeWeakref(t.rc, a);
    decref(t.rc, a);
    expect(t.intFreeList.length).toBe(1);
    expect(check(t, intFromNumber(t, 5555))).toBe(a);
    release(rt, a);
  });
});

describe('float free list', () => {
  it("the owner's last decref of a float puts it on the thread's list, incref'd or not", () => {
    const rt = (r = makeRuntime());
    const t = rt.t;
    expect(t.floatFreeList).toBe(t.rc.freeList1);
    const x = check(t, floatFromDouble(t, 0.25));
    incref(t.rc, x);
    decref(t.rc, x);
    expect(t.floatFreeList.length).toBe(0);
    decref(t.rc, x);
    expect(t.floatFreeList.length).toBe(1);
    const y = check(t, floatFromDouble(t, -8.5));
    expect(y).toBe(x);
    expect(floatAsDouble(t, y)).toBe(-8.5);
    const many = Array.from({ length: FLOAT_FREELIST_MAX + 3 }, (_, i) => check(t, floatFromDouble(t, i)));
    release(rt, y, ...many);
    expect(t.floatFreeList.length).toBe(FLOAT_FREELIST_MAX);
  });
});

describe('typeSlot and typeSlotId', () => {
  it('give, for every static type and every slot kind, what the type\'s slot word and the tables by kind give', () => {
    const rt = (r = makeRuntime());
    const t = rt.t;
    const wrong: string[] = [];
    for (let i = 0; i < StaticType.Count; i++) {
      const type = t.types[i]!;
      if (type === 0) continue;
      for (const kind of SLOT_KINDS) {
        const id = t.u32[((type + TP_SLOTS_OFFSET) >>> 2) + SLOT_INDEX[kind]]!;
        const expected = id === 0 ? null : ((t.slots[kind][id] as unknown) ?? null);
        if (typeSlotId(t, type, kind) !== id || typeSlot(t, type, kind) !== expected) wrong.push(`static type ${i}.${kind}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("follow each new runtime's tables (a thread that makes one runtime after another)", () => {
    for (let i = 0; i < 3; i++) {
      const rt = makeRuntime();
      try {
        const t = rt.t;
        const int = t.types[StaticType.Int]!;
        expect(typeSlot(t, int, 'add')).toBe(t.slots.add[typeSlotId(t, int, 'add')]);
        expect(typeSlot(t, t.types[StaticType.Str]!, 'add')).toBe(null);
      } finally {
        rt.close();
      }
    }
  });
});
