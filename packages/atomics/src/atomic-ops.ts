/**
 * Atomic operations named after CPython's `_Py_atomic_*` (DESIGN.md §3), over
 * heap addresses, for 8-, 16-, 32- and 64-bit fields.
 *
 * How the names map onto JavaScript: every `Atomics` operation is sequentially
 * consistent, which is at least as strong as any C11 order, so `…Relaxed`,
 * `…Acquire` and `…Release` all compile to the same `Atomics` call. The names
 * exist so that each call site states the order CPython needs, and so that a
 * relaxed load is never replaced by a plain typed-array read: plain reads are
 * "unordered" (no coherence; the JIT may cache or hoist them), weaker than
 * relaxed. Read-modify-write operations return the PREVIOUS value, as C11's
 * `fetch_*` do; `compareExchange*` returns the value it found (equal to
 * `expected` on success) rather than CPython's bool.
 *
 * Addresses must be aligned to the field's width; the caller guarantees it.
 */

import { HEAP_FENCE_WORD_OFFSET } from './layout.js';
import type { SharedHeap } from './shared-heap.js';

// --- 8-bit unsigned ---

/** Sequentially consistent load of the 8-bit unsigned field at `addr` (`_Py_atomic_load_*`). @public */
export function loadUint8(heap: SharedHeap, addr: number): number {
  return Atomics.load(heap.u8, addr);
}
/** Relaxed load (`_Py_atomic_load_*_relaxed`); an `Atomics.load`, never a plain read. @public */
export function loadUint8Relaxed(heap: SharedHeap, addr: number): number {
  return Atomics.load(heap.u8, addr);
}
/** Acquire load (`_Py_atomic_load_*_acquire`); an `Atomics.load`. @public */
export function loadUint8Acquire(heap: SharedHeap, addr: number): number {
  return Atomics.load(heap.u8, addr);
}
/** Sequentially consistent store (`_Py_atomic_store_*`). @public */
export function storeUint8(heap: SharedHeap, addr: number, value: number): void {
  Atomics.store(heap.u8, addr, value);
}
/** Relaxed store (`_Py_atomic_store_*_relaxed`); an `Atomics.store`. @public */
export function storeUint8Relaxed(heap: SharedHeap, addr: number, value: number): void {
  Atomics.store(heap.u8, addr, value);
}
/** Release store (`_Py_atomic_store_*_release`); an `Atomics.store`. @public */
export function storeUint8Release(heap: SharedHeap, addr: number, value: number): void {
  Atomics.store(heap.u8, addr, value);
}
/** Atomic exchange; returns the previous value (`_Py_atomic_exchange_*`). @public */
export function exchangeUint8(heap: SharedHeap, addr: number, value: number): number {
  return Atomics.exchange(heap.u8, addr, value);
}
/** Strong compare-and-swap; returns the value found, equal to `expected` on success (`_Py_atomic_compare_exchange_*`). @public */
export function compareExchangeUint8(heap: SharedHeap, addr: number, expected: number, desired: number): number {
  return Atomics.compareExchange(heap.u8, addr, expected, desired);
}
/** Atomic add, wrapping at the field's width; returns the previous value (`_Py_atomic_add_*`). @public */
export function fetchAddUint8(heap: SharedHeap, addr: number, value: number): number {
  return Atomics.add(heap.u8, addr, value);
}
/** Atomic bitwise and; returns the previous value (`_Py_atomic_and_*`). @public */
export function fetchAndUint8(heap: SharedHeap, addr: number, value: number): number {
  return Atomics.and(heap.u8, addr, value);
}
/** Atomic bitwise or; returns the previous value (`_Py_atomic_or_*`). @public */
export function fetchOrUint8(heap: SharedHeap, addr: number, value: number): number {
  return Atomics.or(heap.u8, addr, value);
}

// --- 16-bit unsigned ---

/** Sequentially consistent load of the 16-bit unsigned field at `addr` (`_Py_atomic_load_*`). @public */
export function loadUint16(heap: SharedHeap, addr: number): number {
  return Atomics.load(heap.u16, addr >>> 1);
}
/** Relaxed load (`_Py_atomic_load_*_relaxed`); an `Atomics.load`, never a plain read. @public */
export function loadUint16Relaxed(heap: SharedHeap, addr: number): number {
  return Atomics.load(heap.u16, addr >>> 1);
}
/** Acquire load (`_Py_atomic_load_*_acquire`); an `Atomics.load`. @public */
export function loadUint16Acquire(heap: SharedHeap, addr: number): number {
  return Atomics.load(heap.u16, addr >>> 1);
}
/** Sequentially consistent store (`_Py_atomic_store_*`). @public */
export function storeUint16(heap: SharedHeap, addr: number, value: number): void {
  Atomics.store(heap.u16, addr >>> 1, value);
}
/** Relaxed store (`_Py_atomic_store_*_relaxed`); an `Atomics.store`. @public */
export function storeUint16Relaxed(heap: SharedHeap, addr: number, value: number): void {
  Atomics.store(heap.u16, addr >>> 1, value);
}
/** Release store (`_Py_atomic_store_*_release`); an `Atomics.store`. @public */
export function storeUint16Release(heap: SharedHeap, addr: number, value: number): void {
  Atomics.store(heap.u16, addr >>> 1, value);
}
/** Atomic exchange; returns the previous value (`_Py_atomic_exchange_*`). @public */
export function exchangeUint16(heap: SharedHeap, addr: number, value: number): number {
  return Atomics.exchange(heap.u16, addr >>> 1, value);
}
/** Strong compare-and-swap; returns the value found, equal to `expected` on success (`_Py_atomic_compare_exchange_*`). @public */
export function compareExchangeUint16(heap: SharedHeap, addr: number, expected: number, desired: number): number {
  return Atomics.compareExchange(heap.u16, addr >>> 1, expected, desired);
}
/** Atomic add, wrapping at the field's width; returns the previous value (`_Py_atomic_add_*`). @public */
export function fetchAddUint16(heap: SharedHeap, addr: number, value: number): number {
  return Atomics.add(heap.u16, addr >>> 1, value);
}
/** Atomic bitwise and; returns the previous value (`_Py_atomic_and_*`). @public */
export function fetchAndUint16(heap: SharedHeap, addr: number, value: number): number {
  return Atomics.and(heap.u16, addr >>> 1, value);
}
/** Atomic bitwise or; returns the previous value (`_Py_atomic_or_*`). @public */
export function fetchOrUint16(heap: SharedHeap, addr: number, value: number): number {
  return Atomics.or(heap.u16, addr >>> 1, value);
}

// --- 32-bit signed ---

/** Sequentially consistent load of the 32-bit signed field at `addr` (`_Py_atomic_load_*`). @public */
export function loadInt32(heap: SharedHeap, addr: number): number {
  return Atomics.load(heap.i32, addr >>> 2);
}
/** Relaxed load (`_Py_atomic_load_*_relaxed`); an `Atomics.load`, never a plain read. @public */
export function loadInt32Relaxed(heap: SharedHeap, addr: number): number {
  return Atomics.load(heap.i32, addr >>> 2);
}
/** Acquire load (`_Py_atomic_load_*_acquire`); an `Atomics.load`. @public */
export function loadInt32Acquire(heap: SharedHeap, addr: number): number {
  return Atomics.load(heap.i32, addr >>> 2);
}
/** Sequentially consistent store (`_Py_atomic_store_*`). @public */
export function storeInt32(heap: SharedHeap, addr: number, value: number): void {
  Atomics.store(heap.i32, addr >>> 2, value);
}
/** Relaxed store (`_Py_atomic_store_*_relaxed`); an `Atomics.store`. @public */
export function storeInt32Relaxed(heap: SharedHeap, addr: number, value: number): void {
  Atomics.store(heap.i32, addr >>> 2, value);
}
/** Release store (`_Py_atomic_store_*_release`); an `Atomics.store`. @public */
export function storeInt32Release(heap: SharedHeap, addr: number, value: number): void {
  Atomics.store(heap.i32, addr >>> 2, value);
}
/** Atomic exchange; returns the previous value (`_Py_atomic_exchange_*`). @public */
export function exchangeInt32(heap: SharedHeap, addr: number, value: number): number {
  return Atomics.exchange(heap.i32, addr >>> 2, value);
}
/** Strong compare-and-swap; returns the value found, equal to `expected` on success (`_Py_atomic_compare_exchange_*`). @public */
export function compareExchangeInt32(heap: SharedHeap, addr: number, expected: number, desired: number): number {
  return Atomics.compareExchange(heap.i32, addr >>> 2, expected, desired);
}
/** Atomic add, wrapping at the field's width; returns the previous value (`_Py_atomic_add_*`). @public */
export function fetchAddInt32(heap: SharedHeap, addr: number, value: number): number {
  return Atomics.add(heap.i32, addr >>> 2, value);
}
/** Atomic bitwise and; returns the previous value (`_Py_atomic_and_*`). @public */
export function fetchAndInt32(heap: SharedHeap, addr: number, value: number): number {
  return Atomics.and(heap.i32, addr >>> 2, value);
}
/** Atomic bitwise or; returns the previous value (`_Py_atomic_or_*`). @public */
export function fetchOrInt32(heap: SharedHeap, addr: number, value: number): number {
  return Atomics.or(heap.i32, addr >>> 2, value);
}

// --- 32-bit unsigned ---

/** Sequentially consistent load of the 32-bit unsigned field at `addr` (`_Py_atomic_load_*`). @public */
export function loadUint32(heap: SharedHeap, addr: number): number {
  return Atomics.load(heap.u32, addr >>> 2);
}
/** Relaxed load (`_Py_atomic_load_*_relaxed`); an `Atomics.load`, never a plain read. @public */
export function loadUint32Relaxed(heap: SharedHeap, addr: number): number {
  return Atomics.load(heap.u32, addr >>> 2);
}
/** Acquire load (`_Py_atomic_load_*_acquire`); an `Atomics.load`. @public */
export function loadUint32Acquire(heap: SharedHeap, addr: number): number {
  return Atomics.load(heap.u32, addr >>> 2);
}
/** Sequentially consistent store (`_Py_atomic_store_*`). @public */
export function storeUint32(heap: SharedHeap, addr: number, value: number): void {
  Atomics.store(heap.u32, addr >>> 2, value);
}
/** Relaxed store (`_Py_atomic_store_*_relaxed`); an `Atomics.store`. @public */
export function storeUint32Relaxed(heap: SharedHeap, addr: number, value: number): void {
  Atomics.store(heap.u32, addr >>> 2, value);
}
/** Release store (`_Py_atomic_store_*_release`); an `Atomics.store`. @public */
export function storeUint32Release(heap: SharedHeap, addr: number, value: number): void {
  Atomics.store(heap.u32, addr >>> 2, value);
}
/** Atomic exchange; returns the previous value (`_Py_atomic_exchange_*`). @public */
export function exchangeUint32(heap: SharedHeap, addr: number, value: number): number {
  return Atomics.exchange(heap.u32, addr >>> 2, value);
}
/** Strong compare-and-swap; returns the value found, equal to `expected` on success (`_Py_atomic_compare_exchange_*`). @public */
export function compareExchangeUint32(heap: SharedHeap, addr: number, expected: number, desired: number): number {
  return Atomics.compareExchange(heap.u32, addr >>> 2, expected, desired);
}
/** Atomic add, wrapping at the field's width; returns the previous value (`_Py_atomic_add_*`). @public */
export function fetchAddUint32(heap: SharedHeap, addr: number, value: number): number {
  return Atomics.add(heap.u32, addr >>> 2, value);
}
/** Atomic bitwise and; returns the previous value (`_Py_atomic_and_*`). @public */
export function fetchAndUint32(heap: SharedHeap, addr: number, value: number): number {
  return Atomics.and(heap.u32, addr >>> 2, value);
}
/** Atomic bitwise or; returns the previous value (`_Py_atomic_or_*`). @public */
export function fetchOrUint32(heap: SharedHeap, addr: number, value: number): number {
  return Atomics.or(heap.u32, addr >>> 2, value);
}

// --- 64-bit signed (BigInt; 64-bit fields are only ever accessed with Atomics, plain accesses may tear) ---

/** Sequentially consistent load of the 64-bit signed field at `addr` (`_Py_atomic_load_*`). @public */
export function loadInt64(heap: SharedHeap, addr: number): bigint {
  return Atomics.load(heap.i64, addr >>> 3);
}
/** Relaxed load (`_Py_atomic_load_*_relaxed`); an `Atomics.load`, never a plain read. @public */
export function loadInt64Relaxed(heap: SharedHeap, addr: number): bigint {
  return Atomics.load(heap.i64, addr >>> 3);
}
/** Acquire load (`_Py_atomic_load_*_acquire`); an `Atomics.load`. @public */
export function loadInt64Acquire(heap: SharedHeap, addr: number): bigint {
  return Atomics.load(heap.i64, addr >>> 3);
}
/** Sequentially consistent store (`_Py_atomic_store_*`). @public */
export function storeInt64(heap: SharedHeap, addr: number, value: bigint): void {
  Atomics.store(heap.i64, addr >>> 3, value);
}
/** Relaxed store (`_Py_atomic_store_*_relaxed`); an `Atomics.store`. @public */
export function storeInt64Relaxed(heap: SharedHeap, addr: number, value: bigint): void {
  Atomics.store(heap.i64, addr >>> 3, value);
}
/** Release store (`_Py_atomic_store_*_release`); an `Atomics.store`. @public */
export function storeInt64Release(heap: SharedHeap, addr: number, value: bigint): void {
  Atomics.store(heap.i64, addr >>> 3, value);
}
/** Atomic exchange; returns the previous value (`_Py_atomic_exchange_*`). @public */
export function exchangeInt64(heap: SharedHeap, addr: number, value: bigint): bigint {
  return Atomics.exchange(heap.i64, addr >>> 3, value);
}
/** Strong compare-and-swap; returns the value found, equal to `expected` on success (`_Py_atomic_compare_exchange_*`). @public */
export function compareExchangeInt64(heap: SharedHeap, addr: number, expected: bigint, desired: bigint): bigint {
  return Atomics.compareExchange(heap.i64, addr >>> 3, expected, desired);
}
/** Atomic add, wrapping at the field's width; returns the previous value (`_Py_atomic_add_*`). @public */
export function fetchAddInt64(heap: SharedHeap, addr: number, value: bigint): bigint {
  return Atomics.add(heap.i64, addr >>> 3, value);
}
/** Atomic bitwise and; returns the previous value (`_Py_atomic_and_*`). @public */
export function fetchAndInt64(heap: SharedHeap, addr: number, value: bigint): bigint {
  return Atomics.and(heap.i64, addr >>> 3, value);
}
/** Atomic bitwise or; returns the previous value (`_Py_atomic_or_*`). @public */
export function fetchOrInt64(heap: SharedHeap, addr: number, value: bigint): bigint {
  return Atomics.or(heap.i64, addr >>> 3, value);
}

// --- fences ---

/**
 * Full fence (`_Py_atomic_fence_seq_cst`): an `Atomics.add` of 0 on a heap
 * word nobody reads, which V8 emits as a locked instruction.
 * @public
 */
export function fenceSeqCst(heap: SharedHeap): void {
  Atomics.add(heap.i32, HEAP_FENCE_WORD_OFFSET >>> 2, 0);
}
/** Acquire fence (`_Py_atomic_fence_acquire`); a full fence here. @public */
export function fenceAcquire(heap: SharedHeap): void {
  Atomics.add(heap.i32, HEAP_FENCE_WORD_OFFSET >>> 2, 0);
}
/** Release fence (`_Py_atomic_fence_release`); a full fence here. @public */
export function fenceRelease(heap: SharedHeap): void {
  Atomics.add(heap.i32, HEAP_FENCE_WORD_OFFSET >>> 2, 0);
}
