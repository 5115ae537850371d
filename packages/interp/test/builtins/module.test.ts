/**
 * The `builtins` module's dict against CPython 3.13.0's
 * (test/fixtures/builtins/module.json): the same names in the same order
 * once the names others provide are set aside (the VM's functions, the
 * import machinery's attributes, `site`'s helpers, the async builtins that
 * come with `async`), each of the same kind — a builtin function, the
 * type or exception class of that `__name__`, or the constant.
 */

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinFunctionCheck, exceptionClassCheck, listFromIterable, StaticType, strToJs, typeName, typeOf, listSize, listGetItemRef } from '@ft/objects';
import { decref } from '@ft/refcount';
import { builtin, makeHarness, reprOf, type Harness } from './builtins-harness.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/builtins/module.json', import.meta.url), 'utf8')) as { python: string; names: string[]; kinds: Record<string, string> };

/** Set by every module's creation, filled in by the import machinery (their kind is not the builtins' business). */
const IMPORT_ATTRIBUTES = new Set(['__package__', '__loader__', '__spec__']);

/** Names the builtins module gets from elsewhere (the VM, `site`) or later (`memoryview`). */
const PROVIDED_ELSEWHERE = new Set([
  '__build_class__', '__import__', 'breakpoint', 'compile', 'eval', 'exec', 'globals', 'locals', 'open',
  'quit', 'exit', 'copyright', 'credits', 'license', 'help',
  ...('MemoryView' in StaticType ? [] : ['memoryview']),
]);

describe(`the builtins module (CPython ${fixture.python})`, () => {
  let h: Harness;
  beforeAll(() => {
    h = makeHarness();
  });
  afterAll(() => h.close());

  it('holds CPython\'s names in CPython\'s order', () => {
    const keys = listFromIterable(h.t, h.dict);
    const ours: string[] = [];
    for (let i = 0; i < listSize(h.t, keys); i++) {
      const k = listGetItemRef(h.t, keys, i);
      ours.push(strToJs(h.t, k));
      decref(h.t.rc, k);
    }
    decref(h.t.rc, keys);
    expect(ours).toEqual(fixture.names.filter((n) => !PROVIDED_ELSEWHERE.has(n)));
  });

  it('binds each name to an object of the same kind', () => {
    const { t } = h;
    for (const name of fixture.names) {
      if (PROVIDED_ELSEWHERE.has(name) || IMPORT_ATTRIBUTES.has(name)) continue;
      const kind = fixture.kinds[name]!;
      const v = builtin(h, name);
      try {
        if (kind === 'function') {
          expect(builtinFunctionCheck(t, v), name).toBe(true);
          expect(reprOf(h, v)).toBe(`<built-in function ${name}>`);
        } else if (kind.startsWith('type') || kind.startsWith('exception')) {
          const [what, pyName = name] = kind.split(':');
          expect(typeOf(t, typeOf(t, v)) === t.types[StaticType.Type] || typeOf(t, v) === t.types[StaticType.Type], name).toBe(true);
          expect(typeName(t, v), name).toBe(pyName);
          expect(exceptionClassCheck(t, v), name).toBe(what === 'exception');
        } else if (name === '__doc__') {
          expect(reprOf(h, v).startsWith("'")).toBe(true);
        } else {
          expect(`value:${reprOf(h, v)}`.slice(0, kind.length), name).toBe(kind);
        }
      } finally {
        decref(t.rc, v);
      }
    }
  });
});
