/**
 * `_collections` (src/modules/collections.ts): it exports the @ft/objects
 * deque type, which lib/collections/__init__.py re-exports.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticType } from '@ft/objects';
import { decref } from '@ft/refcount';
import { makeStdModules, type StdModules } from './std-modules-harness.js';

let m: StdModules;
beforeAll(() => {
  m = makeStdModules();
});
afterAll(() => m.close());

describe('_collections', () => {
  it('deque is the objects deque type', () => {
    const deque = m.attr('_collections', 'deque');
    expect(deque).toBe(m.t.types[StaticType.Deque]);
    decref(m.t.rc, deque);
  });
});
