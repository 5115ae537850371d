/**
 * Conformance of the parser with CPython 3.13: every corpus file's tree,
 * dumped with every field and position, equals CPython's (fixtures written by
 * tools/parser/gen_ast_fixtures.py with the pinned CPython).
 */

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/parser/adapter.js';
import { NodeType } from '../../src/parser/ast.js';
import { NODE_FIELDS } from '../../src/parser/ast-fields.js';
import { astToJson } from '../../src/parser/ast-json.js';
import { firstDifference } from './first-difference.js';

const FIXTURES = new URL('../fixtures/parser/', import.meta.url);
const corpus = readdirSync(new URL('corpus/', FIXTURES))
  .filter((name) => name.endsWith('.py'))
  .sort();

describe('parser conformance with CPython 3.13', () => {
  it('has a corpus', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(15);
  });

  for (const name of corpus) {
    it(name, () => {
      const source = readFileSync(new URL(`corpus/${name}`, FIXTURES), 'utf8');
      const expected = JSON.parse(readFileSync(new URL(`ast/${name.replace(/\.py$/, '.json')}`, FIXTURES), 'utf8'));
      const actual = JSON.parse(JSON.stringify(astToJson(parse(source, name, 'exec'))));
      expect(firstDifference(actual, expected)).toBeNull();
    });
  }

  it("has CPython's fields and attributes for every node type", () => {
    const expected = JSON.parse(readFileSync(new URL('ast-fields.json', FIXTURES), 'utf8')) as Record<string, { fields: string[]; attributes: string[] }>;
    const actual: Record<string, { fields: string[]; attributes: string[] }> = {};
    for (const [type, info] of Object.entries(NODE_FIELDS)) {
      actual[NodeType[Number(type)]] = { fields: info.fields.map(([field]) => field), attributes: info.located ? ['lineno', 'col_offset', 'end_lineno', 'end_col_offset'] : [] };
    }
    expect(actual).toEqual(expected);
  });
});
