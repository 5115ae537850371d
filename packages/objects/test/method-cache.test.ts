/**
 * The thread's private first level of the method cache (method-cache.ts):
 * it answers by (version, name) without the shared entry, never answers
 * for a version the type no longer has, and holds its names strongly until
 * the thread releases them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getRefcount } from '@ft/refcount';
import { intAsNumber, intFromNumber, objectSetAttr, strFromJs, typeCacheRelease, typeLookupRef, typeVersionTag } from '../src/index.js';
import { MC_VERSION_OFFSET } from '../src/layout.js';
import { cacheEntryOf, makeClass } from './stress/types.scenario.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

let r: Runtime;
afterEach(() => r?.close());

describe('method cache, first level', () => {
  it('a hit needs no shared entry; a class change gives the new value', () => {
    r = makeRuntime();
    const t = r.t;
    const name = check(t, strFromJs(t, 'm'));
    const v1 = check(t, intFromNumber(t, 1000));
    const C = makeClass(t, 'C', [], [[name, v1]]);
    release(r, check(t, typeLookupRef(t, C, name)));
    const version = typeVersionTag(t, C);
    // Spoil the shared entry: only the private copy can still answer.
    const entry = cacheEntryOf(t, version, name);
    expect(t.u32[(entry + MC_VERSION_OFFSET) >>> 2]).toBe(version);
    Atomics.store(t.u32, (entry + MC_VERSION_OFFSET) >>> 2, 0);
    const hit = typeLookupRef(t, C, name);
    expect(hit).toBe(v1);
    expect(t.u32[(entry + MC_VERSION_OFFSET) >>> 2]).toBe(0); // answered without the slow path
    const v2 = check(t, intFromNumber(t, 2000));
    check(t, objectSetAttr(t, C, name, v2));
    const after = typeLookupRef(t, C, name);
    expect(intAsNumber(t, after)).toBe(2000);
    expect(typeVersionTag(t, C)).not.toBe(version);
    release(r, hit, after, v1, v2, C);
    typeCacheRelease(t);
    release(r, name);
  });

  it('holds its names strongly until the thread releases them', () => {
    r = makeRuntime();
    const t = r.t;
    const name = check(t, strFromJs(t, 'not_interned_name'));
    const C = makeClass(t, 'C', []);
    const before = getRefcount(r.rc, name);
    expect(typeLookupRef(t, C, name)).toBe(0); // a miss is cached too
    // One reference in the shared entry, one in the thread's first level.
    expect(getRefcount(r.rc, name)).toBe(before + 2);
    expect(typeLookupRef(t, C, name)).toBe(0);
    expect(getRefcount(r.rc, name)).toBe(before + 2);
    typeCacheRelease(t);
    expect(getRefcount(r.rc, name)).toBe(before + 1);
    expect(t.typeCache.every((w) => w === 0)).toBe(true);
    release(r, C, name);
  });
});
