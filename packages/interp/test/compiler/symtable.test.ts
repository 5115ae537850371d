/**
 * The symbol table against CPython 3.13's (fixtures written by
 * tools/compiler/gen_symtable_fixtures.py with the pinned CPython):
 * - for every corpus file, our table dumped as the generator dumps
 *   `symtable.symtable()` — every block's type, name, line, nesting,
 *   parameters and children in order, the order its names were met, every
 *   symbol's raw flags, scope and `symtable.Symbol` predicates — equals
 *   CPython's;
 * - for every bad snippet, the SyntaxError has CPython's message and span;
 * - the nesting depth where CPython raises RecursionError is ours too.
 * Plus what `symtable.symtable()` does not show: the flags of blocks and of
 * inlined comprehensions the compiler needs.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PyCompilerRecursionError } from '../../src/compiler/compiler-recursion-error.js';
import { futureFeaturesOf } from '../../src/compiler/future.js';
import { mangle } from '../../src/compiler/mangle.js';
import {
  BlockType,
  ComprehensionType,
  DEF_ANNOT,
  DEF_BOUND,
  DEF_COMP_CELL,
  DEF_COMP_ITER,
  DEF_GLOBAL,
  DEF_IMPORT,
  DEF_LOCAL,
  DEF_NONLOCAL,
  DEF_PARAM,
  flagsOfSymbol,
  Scope,
  scopeOfSymbol,
  USE,
} from '../../src/compiler/scope.js';
import type { SymtableEntry } from '../../src/compiler/symtable-entry.js';
import { buildSymtable, type Symtable } from '../../src/compiler/symtable.js';
import { parse, type ParseMode } from '../../src/parser/adapter.js';
import { NodeType, type Assign, type Call, type ExprNode, type FunctionDef, type Module, type Return, type StmtNode } from '../../src/parser/ast.js';
import { PySyntaxError } from '../../src/parser/syntax-error.js';
import { firstDifference } from '../parser/first-difference.js';

const FIXTURES = new URL('../fixtures/compiler/', import.meta.url);

/** Parse, read the future features and build the table, as `symtable.symtable(source, filename, mode)` does. */
function symtableOf(source: string, filename = '<string>', mode: ParseMode = 'exec'): Symtable {
  const mod = parse(source, filename, mode);
  return buildSymtable(mod, filename, futureFeaturesOf(mod, filename));
}

interface DumpedSymbol {
  flags: number;
  scope: number;
  is_local: boolean;
  is_global: boolean;
  is_declared_global: boolean;
  is_nonlocal: boolean;
  is_free: boolean;
  is_parameter: boolean;
  is_imported: boolean;
  is_assigned: boolean;
  is_referenced: boolean;
  is_annotated: boolean;
}

interface DumpedTable {
  type: number;
  name: string;
  lineno: number;
  nested: boolean;
  varnames: string[];
  order: string[];
  symbols: Record<string, DumpedSymbol>;
  children: DumpedTable[];
}

/** `symtable.Symbol`'s predicates (Lib/symtable.py of 3.13: a table named `top` counts as the module). */
function dumpSymbol(value: number, moduleScope: boolean): DumpedSymbol {
  const scope = scopeOfSymbol(value);
  const moduleBound = moduleScope && (value & DEF_BOUND) !== 0;
  return {
    flags: flagsOfSymbol(value),
    scope,
    is_local: scope === Scope.Local || scope === Scope.Cell || moduleBound,
    is_global: scope === Scope.GlobalImplicit || scope === Scope.GlobalExplicit || moduleBound,
    is_declared_global: scope === Scope.GlobalExplicit,
    is_nonlocal: (value & DEF_NONLOCAL) !== 0,
    is_free: scope === Scope.Free,
    is_parameter: (value & DEF_PARAM) !== 0,
    is_imported: (value & DEF_IMPORT) !== 0,
    is_assigned: (value & DEF_LOCAL) !== 0,
    is_referenced: (value & USE) !== 0,
    is_annotated: (value & DEF_ANNOT) !== 0,
  };
}

function dumpTable(ste: SymtableEntry): DumpedTable {
  const symbols: Record<string, DumpedSymbol> = {};
  for (const name of [...ste.symbols.keys()].sort()) symbols[name] = dumpSymbol(ste.symbols.get(name)!, ste.name === 'top');
  const order = [...ste.symbols].filter(([, value]) => flagsOfSymbol(value) !== 0).map(([name]) => name);
  return { type: ste.type, name: ste.name, lineno: ste.lineno, nested: ste.nested, varnames: [...ste.varnames], order, symbols, children: ste.children.map(dumpTable) };
}

const corpus = readdirSync(new URL('symtable-corpus/', FIXTURES))
  .filter((name) => name.endsWith('.py'))
  .sort();

describe('symbol tables equal CPython 3.13', () => {
  it('has the corpus', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
  });

  for (const name of corpus) {
    it(name, () => {
      const source = readFileSync(new URL(`symtable-corpus/${name}`, FIXTURES), 'utf8');
      const expected = JSON.parse(readFileSync(new URL(`symtable/${name.replace(/\.py$/, '.json')}`, FIXTURES), 'utf8'));
      const actual = JSON.parse(JSON.stringify(dumpTable(symtableOf(source, name).top)));
      expect(firstDifference(actual, expected)).toBeNull();
    });
  }
});

interface ErrorCase {
  name: string;
  source: string;
  type: string;
  msg: string;
  lineno: number;
  offset: number;
  end_lineno: number;
  end_offset: number | null;
  compile_same: boolean;
}

const errorCases = JSON.parse(readFileSync(new URL('symtable-errors.json', FIXTURES), 'utf8')) as ErrorCase[];

describe("the symbol table's SyntaxErrors are CPython's", () => {
  it('has the fixture', () => {
    expect(errorCases.length).toBeGreaterThanOrEqual(60);
  });

  for (const c of errorCases) {
    it(c.name, () => {
      let error: unknown = null;
      try {
        symtableOf(c.source);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PySyntaxError);
      const e = error as PySyntaxError;
      // -1 stands for CPython's None (an error without an end column).
      const actual = { type: e.type, msg: e.msg, lineno: e.lineno, offset: e.offset, end_lineno: e.end_lineno, end_offset: e.end_offset === -1 ? null : e.end_offset };
      const expected = { type: c.type, msg: c.msg, lineno: c.lineno, offset: c.offset, end_lineno: c.end_lineno, end_offset: c.end_offset };
      expect(actual).toEqual(expected);
    });
  }
});

interface DepthCase {
  shape: 'sum' | 'calls' | 'sum-in-def';
  size: number;
  raises: boolean;
}

const SHAPES: Record<DepthCase['shape'], (n: number) => string> = {
  sum: (n) => `x = ${Array(n).fill('a').join('+')}\n`,
  calls: (n) => `x = a${'()'.repeat(n)}\n`,
  'sum-in-def': (n) => `def f():\n    return ${Array(n).fill('a').join('+')}\n`,
};

/**
 * The tree of `source`. A call chain 10,000 deep is beyond our parser (py-ast
 * overflows; CPython parses it): that tree is made from `x = a()` by
 * nesting its call.
 */
function depthTree(c: DepthCase): Module {
  if (c.shape !== 'calls') return parse(SHAPES[c.shape](c.size), '<string>', 'exec');
  const mod = parse('x = a()\n', '<string>', 'exec');
  const assign = mod.body[0] as Assign;
  let call = assign.value as Call;
  for (let i = 1; i < c.size; i++) call = { ...call, func: call };
  assign.value = call;
  return mod;
}

describe('RecursionError at the depth where CPython raises it', () => {
  const depthCases = JSON.parse(readFileSync(new URL('symtable-depth.json', FIXTURES), 'utf8')) as DepthCase[];
  it('has the fixture', () => {
    expect(depthCases.length).toBe(6);
  });
  for (const c of depthCases) {
    it(`${c.shape} of ${c.size}: ${c.raises ? 'raises' : 'builds'}`, () => {
      const mod = depthTree(c);
      const build = (): Symtable => buildSymtable(mod, '<string>', futureFeaturesOf(mod, '<string>'));
      if (c.raises) {
        expect(build).toThrow(PyCompilerRecursionError);
      } else {
        const st = build();
        const block = c.shape === 'sum-in-def' ? st.top.children[0] : st.top;
        expect(scopeOfSymbol(block.symbols.get('a')!)).toBe(Scope.GlobalImplicit);
      }
    });
  }

  it('visits a long chain in CPython order (first operand first)', () => {
    const st = symtableOf(`x = ${Array.from({ length: 3000 }, (_, i) => `v${i}`).join('+')}.attr(w)[k]\n`);
    expect([...st.top.symbols.keys()].slice(0, 4)).toEqual(['x', 'v0', 'v1', 'v2']);
    expect([...st.top.symbols.keys()].slice(-3)).toEqual(['v2999', 'w', 'k']);
  });
});

/** The first statement of `source`'s module, of the given type. */
function stmt<T extends StmtNode>(mod: Module, index: number): T {
  return mod.body[index] as T;
}

describe('block facts the compiler needs', () => {
  it('finds every block by its node, inlined comprehensions included', () => {
    const mod = parse('def f(a):\n    return [x for x in a]\n', '<string>', 'exec');
    const st = buildSymtable(mod, '<string>', futureFeaturesOf(mod, '<string>'));
    const f = stmt<FunctionDef>(mod, 0);
    const comp = (f.body[0] as Return).value as ExprNode;
    expect(st.lookup(mod)).toBe(st.top);
    expect(st.lookup(f).name).toBe('f');
    const compEntry = st.lookup(comp);
    expect(compEntry.name).toBe('listcomp');
    expect(compEntry.compInlined).toBe(true);
    expect(compEntry.comprehension).toBe(ComprehensionType.List);
    expect(compEntry.varnames).toEqual(['.0']);
    // Inlined: not a child of f; its names are f's locals.
    expect(st.lookup(f).children).toEqual([]);
    expect(scopeOfSymbol(st.lookup(f).symbols.get('x')!)).toBe(Scope.Local);
    expect(st.lookup(f).symbols.get('x')! & DEF_COMP_ITER).toBe(DEF_COMP_ITER);
    expect(() => st.lookup({})).toThrow('unknown symbol table entry');
  });

  it('keeps generator expressions as blocks of their own, with the implicit .0 parameter', () => {
    const st = symtableOf('def f(a):\n    return (x for x in a)\n');
    const g = st.top.children[0].children[0];
    expect(g.name).toBe('genexpr');
    expect(g.comprehension).toBe(ComprehensionType.Generator);
    expect(g.generator).toBe(true);
    expect(g.compInlined).toBe(false);
    expect(g.varnames).toEqual(['.0']);
    expect(g.nested).toBe(true);
  });

  it('records generators, coroutines, returns, varargs and varkeywords', () => {
    const st = symtableOf(
      'def gen():\n    yield 1\nasync def co():\n    await x\ndef plain(*a, **k):\n    return 1\nasync def agen():\n    yield 2\ndef has_async_comp():\n    return [y async for y in z]\n',
    );
    const [gen, co, plain, agen, comp] = st.top.children;
    expect([gen.generator, gen.coroutine, gen.returnsValue]).toEqual([true, false, false]);
    expect([co.generator, co.coroutine]).toEqual([false, true]);
    expect([plain.varargs, plain.varkeywords, plain.returnsValue, plain.generator]).toEqual([true, true, true, false]);
    expect([agen.generator, agen.coroutine]).toEqual([true, true]);
    // An async list comprehension makes its parent a coroutine (the compiler rejects it outside async def).
    expect(comp.coroutine).toBe(true);
  });

  it('marks classes whose methods need the __class__ cell', () => {
    const st = symtableOf('class A:\n    def f(self):\n        return super().f()\nclass B:\n    def g(self):\n        return 1\nclass C:\n    x = [__class__ for _ in y]\n');
    const [a, b, c] = st.top.children;
    expect(a.needsClassClosure).toBe(true);
    expect(scopeOfSymbol(a.children[0].symbols.get('__class__')!)).toBe(Scope.Free);
    expect(a.symbols.has('__class__')).toBe(false);
    expect(b.needsClassClosure).toBe(false);
    // In a class body, a comprehension's __class__ is a global lookup, not the cell.
    expect(c.needsClassClosure).toBe(false);
    expect(scopeOfSymbol(c.symbols.get('__class__')!)).toBe(Scope.GlobalImplicit);
    expect(a.needsClassdict || b.needsClassdict || c.needsClassdict).toBe(false);
    // The inlined comprehension gave up its __class__ (it reads the global).
    const comp = [...st.blocks.values()].find((block) => block.name === 'listcomp')!;
    expect(comp.compInlined).toBe(true);
    expect(comp.symbols.has('__class__')).toBe(false);
    expect(comp.symbols.has('_')).toBe(true);
  });

  it('tracks free variables of blocks and children (ste_free, ste_child_free)', () => {
    const st = symtableOf('def outer():\n    v = 1\n    def inner():\n        return v\n    return inner\ndef lone():\n    return 1\n');
    const [outer, lone] = st.top.children;
    const inner = outer.children[0];
    expect([outer.free, outer.childFree]).toEqual([false, true]);
    expect([inner.free, inner.childFree]).toEqual([true, false]);
    expect(scopeOfSymbol(outer.symbols.get('v')!)).toBe(Scope.Cell);
    expect([lone.free, lone.childFree]).toEqual([false, false]);
    expect(st.top.childFree).toBe(true);
    // A nested block that reads a global counts as having free variables.
    const nestedGlobal = symtableOf('def f():\n    def g():\n        return some_global\n    return g\n').top.children[0];
    expect([nestedGlobal.free, nestedGlobal.childFree, nestedGlobal.children[0].free]).toEqual([false, true, true]);
  });

  it('marks cells of inlined comprehensions on the enclosing symbol (DEF_COMP_CELL)', () => {
    const st = symtableOf('def f():\n    return [lambda: i for i in range(3)]\n');
    const f = st.top.children[0];
    const i = f.symbols.get('i')!;
    expect(scopeOfSymbol(i)).toBe(Scope.Cell);
    expect(i & DEF_COMP_CELL).toBe(DEF_COMP_CELL);
    // The lambda became f's child.
    expect(f.children.map((c) => c.name)).toEqual(['lambda']);
  });

  it('binds a walrus target of a comprehension in the enclosing function', () => {
    const st = symtableOf('def f(xs):\n    return [y := x for x in xs], y\n');
    const f = st.top.children[0];
    expect(scopeOfSymbol(f.symbols.get('y')!)).toBe(Scope.Local);
    const comp = [...st.blocks.values()].find((b) => b.name === 'listcomp')!;
    expect(comp.symbols.get('y')! & (DEF_NONLOCAL | DEF_LOCAL)).toBe(DEF_NONLOCAL | DEF_LOCAL);
    expect(comp.directives?.map((d) => d.name)).toEqual(['y']);
    const mod = symtableOf('[y := x for x in xs]\n');
    expect(mod.top.symbols.get('y')! & DEF_GLOBAL).toBe(DEF_GLOBAL);
  });

  it('does not build annotation blocks as children (future annotations)', () => {
    const mod = parse('from __future__ import annotations\ndef f(a: [q for q in Q]) -> R:\n    pass\n', '<string>', 'exec');
    const st = buildSymtable(mod, '<string>', futureFeaturesOf(mod, '<string>'));
    expect(st.top.symbols.has('A')).toBe(false);
    expect(st.top.symbols.has('Q')).toBe(false);
    expect(st.top.symbols.has('R')).toBe(false);
    expect(st.top.children.map((c) => c.name)).toEqual(['f']);
    // The parameters' annotation block shares the def's node; the function's block is what the node finds.
    const f = stmt<FunctionDef>(mod, 1);
    expect(st.lookup(f).type).toBe(BlockType.Function);
    expect(st.lookup(f.returns!).type).toBe(BlockType.Annotation);
  });

  it('handles eval and single modes', () => {
    const ev = symtableOf('[a for a in b] + c', '<string>', 'eval');
    expect(Object.keys(dumpTable(ev.top).symbols)).toEqual(['a', 'b', 'c']);
    const single = symtableOf('x = y\n', '<string>', 'single');
    expect(scopeOfSymbol(single.top.symbols.get('x')!)).toBe(Scope.Local);
  });

  it('refuses PEP 695 type parameters with a SyntaxError', () => {
    for (const source of ['def f[T](x: T): pass\n', 'class C[T]: pass\n', 'type X = int\n', 'type Y[T] = list[T]\n']) {
      expect(() => symtableOf(source)).toThrow(PySyntaxError);
      try {
        symtableOf(source);
      } catch (e) {
        expect((e as PySyntaxError).msg).toBe('type parameters are not supported yet');
        expect((e as PySyntaxError).lineno).toBe(1);
      }
    }
  });

  it('mangles private names as _Py_Mangle does', () => {
    expect(mangle('C', '__x')).toBe('_C__x');
    expect(mangle('_C', '__x')).toBe('_C__x');
    expect(mangle('__C__', '__x')).toBe('_C____x');
    expect(mangle('___', '__x')).toBe('__x');
    expect(mangle('C', '__x__')).toBe('__x__');
    expect(mangle('C', '__')).toBe('__');
    expect(mangle('C', '_x')).toBe('_x');
    expect(mangle('C', '__a.b')).toBe('__a.b');
    expect(mangle(null, '__x')).toBe('__x');
    expect(mangle('Clé', '__é')).toBe('_Clé__é');
  });

  it('has block types numbered as CPython', () => {
    expect([BlockType.Function, BlockType.Class, BlockType.Module, BlockType.Annotation]).toEqual([0, 1, 2, 3]);
    expect(NodeType.Module).toBeGreaterThan(0);
  });
});
