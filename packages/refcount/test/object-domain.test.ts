/**
 * Objects go through the object domain of @ft/obmalloc (DESIGN.md §5):
 * with the debug hooks on, every object sits past the hooks' header, the
 * hooks check its frees, and heap visiting finds it at that offset
 * (CPython's gh-112529).
 */

import { FatalError, SharedHeap } from '@ft/atomics';
import { MI_HEAP_GC, MI_HEAP_OBJECT, miCreate, miThreadExit, miThreadInit, miVisitBlocks } from '@ft/mimalloc';
import { createAllocatorDomains, pyObjectMalloc } from '@ft/obmalloc';
import { describe, expect, it } from 'vitest';
import {
  allocObject,
  BehaviourRegistry,
  createMetatype,
  createStaticType,
  decref,
  enableDeferredRefcount,
  freeObject,
  immortalizeDeferredObjects,
  isImmortal,
  OBJECT_DEALLOC,
  objectType,
  rcCreate,
  rcThreadExit,
  rcThreadInit,
  TYPE_FLAG_HAVE_GC,
} from '../src/index.js';

function setup(allocator: 'mimalloc' | 'mimalloc_debug') {
  const heap = SharedHeap.create({ size: 64 << 20 });
  const mi = miThreadInit(heap, miCreate(heap), null);
  const domains = createAllocatorDomains(heap, allocator, { mi });
  const registry = new BehaviourRegistry();
  const rc = rcCreate(heap, registry, { immortalizeDeferredOnThreadStart: true });
  const t = rcThreadInit(heap, rc, registry, { mi, domains });
  const meta = createMetatype(t);
  const plain = createStaticType(t, meta, { basicSize: 32, dealloc: OBJECT_DEALLOC });
  const gc = createStaticType(t, meta, { basicSize: 32, dealloc: OBJECT_DEALLOC, flags: TYPE_FLAG_HAVE_GC });
  const close = (): void => {
    rcThreadExit(t);
    miThreadExit(mi);
    heap.close();
  };
  return { heap, mi, domains, t, plain, gc, close };
}

/** Where visiting heap `tag` finds `op`: [block, object] pairs whose object is `op`. */
function visitFor(env: ReturnType<typeof setup>, tag: number, op: number): number[][] {
  const hits: number[][] = [];
  miVisitBlocks(env.mi, 1 << tag, (block, _size, object) => {
    if (object === op) hits.push([block, object]);
  });
  return hits;
}

describe('objects through the object domain', () => {
  it('plain domains: an object is its block; GC types go to the GC heap, others to the object heap', () => {
    const env = setup('mimalloc');
    try {
      const a = allocObject(env.t, env.plain);
      const b = allocObject(env.t, env.gc);
      expect(visitFor(env, MI_HEAP_OBJECT, a)).toEqual([[a, a]]);
      expect(visitFor(env, MI_HEAP_GC, b)).toEqual([[b, b]]);
      expect(visitFor(env, MI_HEAP_GC, a)).toEqual([]);
      expect(env.mi.currentObjectTag).toBe(MI_HEAP_OBJECT);
      decref(env.t, a);
      decref(env.t, b);
    } finally {
      env.close();
    }
  });

  it('debug hooks: objects sit 16 bytes into their blocks, visiting finds them there, and the hooks check their frees', () => {
    const env = setup('mimalloc_debug');
    try {
      const a = allocObject(env.t, env.gc);
      expect(objectType(env.t, a)).toBe(env.gc);
      expect(visitFor(env, MI_HEAP_GC, a)).toEqual([[a - 16, a]]);
      // The 3.13 measure's sweep reads headers through the visitor: at the offset.
      expect(enableDeferredRefcount(env.t, a)).toBe(true);
      expect(immortalizeDeferredObjects(env.t)).toBe(1);
      expect(isImmortal(env.t, a)).toBe(true);
      // A free the hooks did not hand out is caught by them, not by luck.
      const stray = pyObjectMalloc(env.domains, 32);
      freeObject(env.t, stray);
      expect(() => freeObject(env.t, stray)).toThrow(FatalError);
    } finally {
      env.close();
    }
  });
});
