/**
 * memoryview (memoryview.ts, memoryview-format.ts) through its C-level
 * functions: views of bytes and bytearray, the exports they hold on a
 * bytearray (resizes refused until every view is released), a view's own
 * exports (release refused while one is out), slices with steps, casts,
 * item packing and its errors, comparison, hash, and the strided buffer a
 * `PYBUF_FULL_RO` request gets. The Python-visible behaviour is checked
 * against CPython by interp's memoryview_basic program. The heap's live
 * blocks are the same before and after each test.
 */

import { miStats } from '@ft/mimalloc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bufferRelease,
  bufferToContiguous,
  byteArrayExports,
  errFetch,
  formatError,
  memoryViewAssSubscript,
  memoryViewCast,
  memoryViewFromObject,
  memoryViewHash,
  memoryViewIsReleased,
  memoryViewItem,
  memoryViewLength,
  memoryViewRelease,
  memoryViewRichCompare,
  memoryViewSubscript,
  memoryViewToJs,
  memoryViewToList,
  objectGetBuffer,
  PY_EQ,
  PYBUF_FULL_RO,
  PYBUF_SIMPLE,
  PYBUF_WRITABLE,
  type ObThread,
} from '../src/index.js';
import { byteArrayAppend, byteArrayFromBytes, byteArrayToJs } from '../src/bytearray.js';
import { bytesFromBytes, bytesHash } from '../src/bytes.js';
import { intAsNumber, intFromNumber } from '../src/int.js';
import { sliceNew } from '../src/slice.js';
import { listSize } from '../src/list.js';
import { BYTES_DATA_OFFSET } from '../src/layout.js';
import { makeRuntime, release, type Runtime } from './runtime.js';

let r: Runtime;
let t: ObThread;
beforeAll(() => {
  r = makeRuntime();
  t = r.t;
});
afterAll(() => r?.close());

function liveBlocks(): number {
  return miStats(r.rc.mi!).liveBlocks - t.floatFreeList.length - t.intFreeList.length;
}

/** The current exception as `Type: message`, cleared. */
function errorText(): string {
  const fetched = errFetch(t)!;
  const text = formatError(t, fetched);
  if (fetched.value !== 0) release(r, fetched.value);
  return text;
}

/** `op[start:stop:step]` as a new reference. */
function sliced(op: number, start: number | null, stop: number | null, step: number | null): number {
  const n = (v: number | null): number => (v === null ? t.none : intFromNumber(t, v));
  const s = sliceNew(t, n(start), n(stop), n(step));
  const out = memoryViewSubscript(t, op, s);
  release(r, s);
  return out;
}

describe('memoryview', () => {
  it('views a bytearray and holds an export on it until released', () => {
    const before = liveBlocks();
    const ba = byteArrayFromBytes(t, [1, 2, 3, 4]);
    const mv = memoryViewFromObject(t, ba);
    expect(byteArrayExports(t, ba)).toBe(1);
    const half = sliced(mv, null, null, 2);
    expect(byteArrayExports(t, ba)).toBe(2);
    const five = intFromNumber(t, 5);
    expect(byteArrayAppend(t, ba, five)).toBe(-1);
    expect(errorText()).toBe('BufferError: Existing exports of data: object cannot be re-sized');
    expect(memoryViewRelease(t, mv)).toBe(0);
    expect(memoryViewRelease(t, mv)).toBe(0); // idempotent
    expect(memoryViewIsReleased(t, mv)).toBe(true);
    expect(byteArrayExports(t, ba)).toBe(1);
    expect(memoryViewToJs(t, half)).toEqual(new Uint8Array([1, 3]));
    release(r, half); // dealloc releases the slice's export
    expect(byteArrayExports(t, ba)).toBe(0);
    expect(byteArrayAppend(t, ba, five)).toBe(0);
    expect(byteArrayToJs(t, ba)).toEqual(new Uint8Array([1, 2, 3, 4, 5]));
    expect(memoryViewItem(t, mv, 0)).toBe(0);
    expect(errorText()).toBe('ValueError: operation forbidden on released memoryview object');
    expect(memoryViewLength(t, mv)).toBe(-1);
    errorText();
    release(r, five);
    release(r, mv);
    release(r, ba);
    expect(liveBlocks()).toBe(before);
  });

  it("refuses release while buffers of the view itself are exported", () => {
    const before = liveBlocks();
    const b = bytesFromBytes(t, [9, 8, 7]);
    const mv = memoryViewFromObject(t, b);
    const view = objectGetBuffer(t, mv, PYBUF_SIMPLE)!;
    expect(view.len).toBe(3);
    expect(memoryViewRelease(t, mv)).toBe(-1);
    expect(errorText()).toBe('BufferError: memoryview has 1 exported buffer');
    bufferRelease(t, view);
    expect(memoryViewRelease(t, mv)).toBe(0);
    expect(objectGetBuffer(t, mv, PYBUF_SIMPLE)).toBeNull();
    expect(errorText()).toBe('ValueError: operation forbidden on released memoryview object');
    release(r, mv);
    release(r, b);
    expect(liveBlocks()).toBe(before);
  });

  it('hands a strided view only to callers that ask for strides', () => {
    const before = liveBlocks();
    const b = bytesFromBytes(t, [0, 1, 2, 3, 4, 5]);
    const mv = memoryViewFromObject(t, b);
    const back = sliced(mv, null, null, -2);
    expect(objectGetBuffer(t, back, PYBUF_SIMPLE)).toBeNull();
    expect(errorText()).toBe('BufferError: memoryview: underlying buffer is not C-contiguous');
    expect(objectGetBuffer(t, back, PYBUF_WRITABLE | PYBUF_FULL_RO)).toBeNull();
    expect(errorText()).toBe('BufferError: memoryview: underlying buffer is not writable');
    const view = objectGetBuffer(t, back, PYBUF_FULL_RO)!;
    expect([view.len, view.itemsize, view.stride, view.format]).toEqual([3, 1, -2, 'B']);
    const out = bytesFromBytes(t, [0, 0, 0]);
    bufferToContiguous(t, view, out + BYTES_DATA_OFFSET);
    expect(Array.from(t.u8.subarray(out + BYTES_DATA_OFFSET, out + BYTES_DATA_OFFSET + 3))).toEqual([5, 3, 1]);
    bufferRelease(t, view);
    release(r, out);
    release(r, back);
    release(r, mv);
    release(r, b);
    expect(liveBlocks()).toBe(before);
  });

  it('casts, packs items with CPython errors, compares and hashes', () => {
    const before = liveBlocks();
    const ba = byteArrayFromBytes(t, new Array(8).fill(0));
    const mv = memoryViewFromObject(t, ba);
    const ints = memoryViewCast(t, mv, 'i', 0);
    expect(memoryViewLength(t, ints)).toBe(2);
    const minus = intFromNumber(t, -2);
    expect(memoryViewAssSubscript(t, ints, intFromNumber(t, 1), minus)).toBe(0);
    expect(byteArrayToJs(t, ba)).toEqual(new Uint8Array([0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff]));
    const item = memoryViewItem(t, ints, -1);
    expect(intAsNumber(t, item)).toBe(-2);
    release(r, item);
    const big = intFromNumber(t, 2 ** 40);
    expect(memoryViewAssSubscript(t, ints, intFromNumber(t, 0), big)).toBe(-1);
    expect(errorText()).toBe("ValueError: memoryview: invalid value for format 'i'");
    expect(memoryViewAssSubscript(t, ints, intFromNumber(t, 0), t.none)).toBe(-1);
    expect(errorText()).toBe("TypeError: memoryview: invalid type for format 'i'");
    expect(memoryViewCast(t, ints, 'H', 0)).toBe(0);
    expect(errorText()).toBe('TypeError: memoryview: cannot cast between two non-byte formats');
    const list = memoryViewToList(t, ints);
    expect(listSize(t, list)).toBe(2);
    release(r, list);
    expect(memoryViewHash(t, mv)).toBe(-1);
    expect(errorText()).toBe('ValueError: cannot hash writable memoryview object');
    const b = bytesFromBytes(t, [0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff]);
    const ro = memoryViewFromObject(t, b);
    expect(memoryViewHash(t, ro)).toBe(bytesHash(t, b));
    expect(memoryViewRichCompare(t, mv, b, PY_EQ)).toBe(t.true);
    expect(memoryViewRichCompare(t, ints, b, PY_EQ)).toBe(t.false); // 2 ints against 8 bytes
    release(r, ro);
    release(r, b);
    release(r, big);
    release(r, minus);
    release(r, ints);
    release(r, mv);
    expect(byteArrayExports(t, ba)).toBe(0);
    release(r, ba);
    expect(liveBlocks()).toBe(before);
  });

  it('refuses objects without a buffer', () => {
    const n = intFromNumber(t, 3);
    expect(memoryViewFromObject(t, n)).toBe(0);
    expect(errorText()).toBe("TypeError: memoryview: a bytes-like object is required, not 'int'");
    release(r, n);
  });
});
