/**
 * Thread-local bytecode (`co_tlbc`, CPython 3.14's free-threaded build,
 * `_PyCode_GetTLBC`): each thread specializes its own copy of a code
 * object's units, so that no thread rewrites instructions another thread
 * is executing. Thread index 0 uses the code object's own units (the main
 * copy); any other index gets a copy made from the deoptimized main units
 * the first time it runs the code, published with a compare-and-swap in
 * the code object's TLBC array (a PyMem block of {@link TLBC_SLOTS} words,
 * entry i the byte address of index i's copy). Under `-X tlbc=0` every
 * thread runs the main copy and nothing specializes.
 *
 * The copies live as long as the process's heap: code objects do not
 * free them yet (a leak bounded by threads × code objects, noted in the
 * package README).
 */

import { CODE_SIZE_OFFSET, CODE_TLBC_OFFSET, CODE_UNITS_OFFSET } from '@ft/objects';
import { pyMemCalloc, pyMemFree, pyMemMalloc } from '@ft/obmalloc';
import { deoptimizedCopy } from './specialize.js';
import type { VmThread } from './vm-thread.js';

/** Thread indices one code object's TLBC array holds (index 0 is the main copy). */
export const TLBC_SLOTS = 256;

/**
 * The u16 index of the code units thread `vm` runs for `code`: the main
 * copy for index 0, else its own copy (made now if needed). A thread
 * whose copy cannot be made (index past the array, or no memory) runs the
 * main copy with specialization off.
 */
export function tlbcUnits(vm: VmThread, code: number): number {
  const index = vm.tlbcIndex;
  const main = (code + CODE_UNITS_OFFSET) >>> 1;
  if (index === 0) return main;
  const t = vm.t;
  const u32 = t.u32;
  if (index >= TLBC_SLOTS) {
    vm.specializing = false;
    return main;
  }
  const slot = (code + CODE_TLBC_OFFSET) >>> 2;
  let array = Atomics.load(u32, slot);
  if (array === 0) {
    const block = pyMemCalloc(t.domains, TLBC_SLOTS, 4);
    if (block === 0) {
      vm.specializing = false;
      return main;
    }
    const seen = Atomics.compareExchange(u32, slot, 0, block);
    if (seen !== 0) {
      pyMemFree(t.domains, block);
      array = seen;
    } else array = block;
  }
  const entry = (array >>> 2) + index;
  let copy = Atomics.load(u32, entry);
  if (copy === 0) {
    const n = u32[(code + CODE_SIZE_OFFSET) >>> 2]!;
    const units = deoptimizedCopy(t.u16.subarray(main, main + n));
    const block = pyMemMalloc(t.domains, Math.max(4, n * 2));
    if (block === 0) {
      vm.specializing = false;
      return main;
    }
    t.u16.set(units, block >>> 1);
    const seen = Atomics.compareExchange(u32, entry, 0, block);
    if (seen !== 0) {
      pyMemFree(t.domains, block);
      copy = seen;
    } else copy = block;
  }
  return copy >>> 1;
}
