/**
 * The builtin functions against CPython 3.13.0: every call of
 * test/fixtures/builtins/calls.json (written by
 * tools/builtins/gen_builtins_fixtures.py with the pinned CPython) is
 * rebuilt on ft and must give the same repr, or raise the same exception
 * type with the same message.
 */

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PyError, typeName } from '@ft/objects';
import { decref } from '@ft/refcount';
import { decode, makeHarness, reprOf, type Encoded, type Harness } from './builtins-harness.js';

interface Case {
  source: string;
  call: Encoded;
  repr?: string;
  error?: string;
  message?: string;
}

/**
 * Cases that fail for a gap of the objects layer, not of the builtins
 * (each must still fail: `it.fails`; remove it when the gap closes).
 */
const KNOWN_GAPS = new Map<string, string>([
  ["delattr(1, 'x')", "@ft/objects' generic setattr says only \"has no attribute 'x'\" when deleting from an object without __dict__"],
]);

const fixture = JSON.parse(readFileSync(new URL('../fixtures/builtins/calls.json', import.meta.url), 'utf8')) as { python: string; cases: Case[] };

describe(`builtins calls (CPython ${fixture.python})`, () => {
  let h: Harness;
  beforeAll(() => {
    h = makeHarness();
  });
  afterAll(() => h.close());

  for (const c of fixture.cases) {
    const gap = KNOWN_GAPS.get(c.source);
    (gap === undefined ? it : it.fails)(gap === undefined ? c.source : `${c.source} [known gap: ${gap}]`, () => {
      let outcome: string;
      try {
        const r = decode(h, c.call);
        outcome = `-> ${reprOf(h, r)}`;
        decref(h.t.rc, r);
      } catch (e) {
        if (!(e instanceof PyError)) throw e;
        outcome = `!! ${typeName(h.t, e.pyType)}: ${e.message.slice(typeName(h.t, e.pyType).length + 2)}`;
      }
      const expected = c.repr !== undefined ? `-> ${c.repr}` : `!! ${c.error}: ${c.message}`;
      expect(outcome).toBe(expected);
    });
  }
});
