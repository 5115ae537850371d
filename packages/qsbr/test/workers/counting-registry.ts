import { FreeCallbackRegistry } from '../../src/index.js';

/** The registry of the exit tests: one callback that counts frees per word. */
export function countingRegistry(): { registry: FreeCallbackRegistry; countFree: number } {
  const registry = new FreeCallbackRegistry();
  const countFree = registry.register('test/count-free', (heap, addr) => {
    Atomics.add(heap.i32, addr >>> 2, 1);
  });
  return { registry, countFree };
}
