/**
 * Heap visiting acts as every thread of the interpreter, so it needs the
 * world stopped; a thread with a world participant has that asserted.
 */

import { groupCreate, participantCreate, participantDelete, SharedHeap, startTheWorld, stopTheWorld } from '@ft/atomics';
import { describe, expect, it } from 'vitest';
import { miCreate, miMalloc, miFree, miThreadExit, miThreadInit, miVisitBlocks } from '../src/index.js';

describe('miVisitBlocks and the world', () => {
  it('is refused while the caller’s group runs, and visits once the caller has stopped it', () => {
    const heap = SharedHeap.create({ size: 32 << 20 });
    const t = miThreadInit(heap, miCreate(heap), null);
    const group = groupCreate(heap);
    const p = participantCreate(heap, group);
    try {
      const block = miMalloc(t, 48);
      expect(() => miVisitBlocks(t, 0xffff, () => {})).toThrow(/needs the world stopped/);
      stopTheWorld(heap, group);
      let seen = 0;
      try {
        miVisitBlocks(t, 0xffff, (b) => {
          if (b === block) seen++;
        });
      } finally {
        startTheWorld(heap, group);
      }
      expect(seen).toBe(1);
      miFree(t, block);
    } finally {
      participantDelete(p);
      miThreadExit(t);
      heap.close();
    }
  });
});
