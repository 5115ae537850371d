/**
 * Limits: a large generated program parses (no stack overflow, bounded
 * time), and nesting past what the parser can hold is CPython's error, never
 * a JavaScript RangeError. Sizes scale with FT_STRESS_SCALE.
 */

import { describe, expect, it } from 'vitest';
import { parse } from '../../src/parser/adapter.js';
import { NodeType } from '../../src/parser/ast.js';
import { PyParserOverflowError } from '../../src/parser/parser-overflow-error.js';
import { PySyntaxError } from '../../src/parser/syntax-error.js';

const SCALE = Number(process.env.FT_STRESS_SCALE ?? '1') || 1;

function generatedProgram(lines: number): string {
  const out: string[] = [];
  for (let i = 0; out.length < lines; i++) {
    out.push(`def f${i}(a, b=${i}, *args, **kw):`, `    x = a + b * ${i} - (a // 3)`, `    if x > ${i} and b:`, `        return [y for y in range(x) if y % 2]`, `    s = f"{x!r:>10} {b}" + 'tail'`, `    d = {'k': x, 'v': [1, 2.5, 3j]}`, `    for k, v in d.items():`, `        x += len(str(k))`, `    return x`, '');
  }
  return out.join('\n') + '\n';
}

describe('parser limits', () => {
  it('parses a 100,000-line generated program', () => {
    const lines = 100_000 * SCALE;
    const tree = parse(generatedProgram(lines), 'big.py', 'exec');
    expect(tree.body.length).toBe(lines / 10);
    expect(tree.body.every((s) => s._type === NodeType.FunctionDef)).toBe(true);
  });

  it('builds a 100,000-term sum (a left-nested chain) without recursion', () => {
    const terms = 100_000 * SCALE;
    const tree = parse(`x = ${Array(terms).fill('1').join(' + ')}\n`, 's.py', 'exec');
    let depth = 0;
    let node = (tree.body[0] as { value: { _type: NodeType; left?: unknown } }).value;
    while (node._type === NodeType.BinOp) {
      depth++;
      node = node.left as typeof node;
    }
    expect(depth).toBe(terms - 1);
  });

  it('reports 201 nested brackets as too many nested parentheses, 200 parse', () => {
    expect(() => parse(`x = ${'('.repeat(200)}1${')'.repeat(200)}\n`, 'p.py', 'exec')).not.toThrow();
    let error: unknown;
    try {
      parse(`x = ${'['.repeat(201)}${']'.repeat(201)}\n`, 'p.py', 'exec');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PySyntaxError);
    expect((error as PySyntaxError).msg).toBe('too many nested parentheses');
  });

  for (const [name, source] of [
    ['unary minus', `x = ${'-'.repeat(100_000)}1\n`],
    ['not', `x = ${'not '.repeat(100_000)}a\n`],
    ['lambda', `x = ${'lambda: '.repeat(50_000)}1\n`],
  ] as const) {
    it(`gives CPython's parser overflow, not a RangeError, for 100,000 × ${name}`, () => {
      let error: unknown;
      try {
        parse(source, 'deep.py', 'exec');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PyParserOverflowError);
      expect((error as PyParserOverflowError).type).toBe('MemoryError');
    });
  }
});
