/**
 * The item formats of a memoryview (`Objects/memoryobject.c`:
 * `get_native_fmtchar`, `unpack_single`, `pack_single`): the native
 * single-character struct formats of CPython on x86-64 Linux, little-endian
 * — `c b B ?` one byte, `h H` two, `i I f` four, `l L q Q n N d P` eight —
 * read from and written to the heap at an item's address.
 *
 * An item is read as a JavaScript number (a bigint for the eight-byte
 * integers, whose values pass 2^53) and boxed afterwards, so that the
 * caller can read under the view's critical section and allocate after
 * it. A value to store is converted first (its `__index__`, `__float__`
 * or `__bool__` may run Python code) and written afterwards, under the
 * section, with CPython's errors: TypeError "memoryview: invalid type for
 * format 'B'", ValueError "memoryview: invalid value for format 'B'".
 * (`e`, the half float, is not supported.)
 */

import { decref } from '@ft/refcount';
import { numberIndex } from './abstract-number.js';
import { objectIsTrue } from './abstract.js';
import { bytesCheck, bytesFromBytes, bytesSize, bytesData } from './bytes.js';
import { errClear, errExceptionMatches, errOccurred, errRaise } from './errors.js';
import { floatFromDouble, numberAsDouble } from './float.js';
import { intAsBigInt, intFromBigInt, intFromNumber } from './int.js';
import { StaticType } from './layout.js';
import type { ObThread } from './ob-thread.js';

/** `get_native_fmtchar`: the item size of the native format character `c` (its code), or -1 for any other format. @internal */
export function formatItemSize(c: number): number {
  switch (c) {
    case 0x63: // c
    case 0x62: // b
    case 0x42: // B
    case 0x3f: // ?
      return 1;
    case 0x68: // h
    case 0x48: // H
      return 2;
    case 0x69: // i
    case 0x49: // I
    case 0x66: // f
      return 4;
    case 0x6c: // l
    case 0x4c: // L
    case 0x71: // q
    case 0x51: // Q
    case 0x6e: // n
    case 0x4e: // N
    case 0x64: // d
    case 0x50: // P
      return 8;
    default:
      return -1;
  }
}

/** `IS_BYTE_FORMAT`: 'b', 'B' or 'c'. @internal */
export function isByteFormat(c: number): boolean {
  return c === 0x62 || c === 0x42 || c === 0x63;
}

/** This thread's DataView over the heap (module scope is per thread), made again if the heap's buffer changed. */
let view: DataView | null = null;

function dataView(t: ObThread): DataView {
  const u8 = t.u8;
  if (view === null || view.buffer !== u8.buffer) view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  return view;
}

/**
 * The item at `addr` in format `c` as a JavaScript value: a number (a byte
 * for 'c', 0/1 for '?'), or a bigint for the eight-byte integer formats.
 * SAFETY: the caller holds the view's critical section (the exporter
 * cannot be resized while the view is not released).
 * @internal
 */
export function unpackRaw(t: ObThread, addr: number, c: number): number | bigint {
  const dv = dataView(t);
  switch (c) {
    case 0x42:
    case 0x63:
      return t.u8[addr]!;
    case 0x62:
      return dv.getInt8(addr);
    case 0x3f:
      return t.u8[addr] === 0 ? 0 : 1;
    case 0x68:
      return dv.getInt16(addr, true);
    case 0x48:
      return dv.getUint16(addr, true);
    case 0x69:
      return dv.getInt32(addr, true);
    case 0x49:
      return dv.getUint32(addr, true);
    case 0x66:
      return dv.getFloat32(addr, true);
    case 0x64:
      return dv.getFloat64(addr, true);
    case 0x6c:
    case 0x71:
    case 0x6e:
      return dv.getBigInt64(addr, true);
    default: // L Q N P
      return dv.getBigUint64(addr, true);
  }
}

/** The Python object of an item read by {@link unpackRaw} (`unpack_single`'s conversions): a new reference, or 0 with MemoryError. @internal */
export function boxItem(t: ObThread, raw: number | bigint, c: number): number {
  if (typeof raw === 'bigint') {
    // Small values as JavaScript numbers: the int layer caches and allocates them the fast way.
    return raw >= -0x7fffffffn && raw <= 0x7fffffffn ? intFromNumber(t, Number(raw)) : intFromBigInt(t, raw);
  }
  switch (c) {
    case 0x63:
      return bytesFromBytes(t, [raw]);
    case 0x3f:
      return raw === 0 ? t.false : t.true; // immortal
    case 0x66:
    case 0x64:
      return floatFromDouble(t, raw);
    default:
      return intFromNumber(t, raw);
  }
}

/** The range of each integer format: [min, max]. */
function intRange(c: number): readonly [bigint, bigint] {
  switch (c) {
    case 0x62:
      return [-0x80n, 0x7fn];
    case 0x42:
      return [0n, 0xffn];
    case 0x68:
      return [-0x8000n, 0x7fffn];
    case 0x48:
      return [0n, 0xffffn];
    case 0x69:
      return [-0x80000000n, 0x7fffffffn];
    case 0x49:
      return [0n, 0xffffffffn];
    case 0x6c:
    case 0x71:
    case 0x6e:
      return [-(2n ** 63n), 2n ** 63n - 1n];
    default: // L Q N P
      return [0n, 2n ** 64n - 1n];
  }
}

/** `fix_error_int`: a TypeError becomes "invalid type", an OverflowError or ValueError "invalid value"; other errors stay. */
function fixError(t: ObThread, format: string): undefined {
  if (errExceptionMatches(t, t.types[StaticType.TypeError]!)) {
    errClear(t);
    errRaise(t, StaticType.TypeError, `memoryview: invalid type for format '${format}'`);
  } else if (errExceptionMatches(t, t.types[StaticType.OverflowError]!) || errExceptionMatches(t, t.types[StaticType.ValueError]!)) {
    errClear(t);
    errRaise(t, StaticType.ValueError, `memoryview: invalid value for format '${format}'`);
  }
  return undefined;
}

/**
 * The value `pack_single` stores for `item` in format `c` (`format` is
 * the format as the view names it, for the messages), converted before
 * any lock is taken: a number or bigint, or undefined with the exception.
 * @internal
 */
export function packValue(t: ObThread, item: number, c: number, format: string): number | bigint | undefined {
  switch (c) {
    case 0x63: // c: a bytes of length 1
      if (!bytesCheck(t, item)) {
        errRaise(t, StaticType.TypeError, `memoryview: invalid type for format '${format}'`);
        return undefined;
      }
      if (bytesSize(t, item) !== 1) {
        errRaise(t, StaticType.ValueError, `memoryview: invalid value for format '${format}'`);
        return undefined;
      }
      return t.u8[bytesData(t, item)]!;
    case 0x3f: {
      const truth = objectIsTrue(t, item);
      return truth < 0 ? undefined : truth; // the original error kept
    }
    case 0x66:
    case 0x64: {
      const d = numberAsDouble(t, item);
      if (d === -1 && errOccurred(t) !== 0) return fixError(t, format);
      return d;
    }
    default: {
      const index = numberIndex(t, item);
      if (index === 0) return fixError(t, format);
      const v = intAsBigInt(t, index);
      decref(t.rc, index);
      const [min, max] = intRange(c);
      if (v < min || v > max) {
        errRaise(t, StaticType.ValueError, `memoryview: invalid value for format '${format}'`);
        return undefined;
      }
      return formatItemSize(c) === 8 ? v : Number(v);
    }
  }
}

/** Writes a value from {@link packValue} at `addr` in format `c`. SAFETY: the caller holds the view's critical section. @internal */
export function packRaw(t: ObThread, addr: number, c: number, v: number | bigint): void {
  const dv = dataView(t);
  switch (c) {
    case 0x66:
      dv.setFloat32(addr, v as number, true);
      return;
    case 0x64:
      dv.setFloat64(addr, v as number, true);
      return;
    default:
      switch (formatItemSize(c)) {
        case 1:
          t.u8[addr] = Number(v) & 0xff;
          return;
        case 2:
          dv.setUint16(addr, Number(v) & 0xffff, true);
          return;
        case 4:
          dv.setUint32(addr, Number(v) >>> 0, true);
          return;
        default:
          dv.setBigUint64(addr, BigInt.asUintN(64, v as bigint), true);
      }
  }
}
