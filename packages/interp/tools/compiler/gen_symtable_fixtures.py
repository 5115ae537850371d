"""Writes the fixtures of the symbol table test (test/compiler/symtable.test.ts):

- test/fixtures/compiler/symtable/<name>.json: for every
  test/fixtures/compiler/symtable-corpus/<name>.py, CPython's symbol table
  (`symtable.symtable(source, name, 'exec')`) dumped recursively: each
  block's type, name, lineno, nested flag, parameters and children in order,
  the order in which the visit met its names, and every symbol with its raw
  flags, its scope and the answers of the `symtable.Symbol` predicates;
- test/fixtures/compiler/symtable-errors.json: for each bad snippet below, the
  SyntaxError that building the symbol table raises (class, msg, lineno,
  offset, end_lineno, end_offset; CPython's `None` is written as null), and
  whether `compile()` raises the same one;
- test/fixtures/compiler/symtable-depth.json: for programs nested just below
  and at the depth where CPython gives up, whether building the table raises
  RecursionError.

CPython never runs in CI. Run with the pinned interpreter after editing:

    $(pyenv root)/versions/3.13.0/bin/python3 tools/compiler/gen_symtable_fixtures.py
"""

import glob
import json
import os
import symtable
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', '..', 'test', 'fixtures', 'compiler')
SCOPE_OFF = 12

PREDICATES = ('is_local', 'is_global', 'is_declared_global', 'is_nonlocal', 'is_free', 'is_parameter',
              'is_imported', 'is_assigned', 'is_referenced', 'is_annotated')


def dump_table(table):
    raw = table._table
    symbols = {}
    for name in sorted(raw.symbols):
        symbol = table.lookup(name)
        value = raw.symbols[name]
        entry = {'flags': value & ((1 << SCOPE_OFF) - 1), 'scope': symbol._Symbol__scope}
        for predicate in PREDICATES:
            entry[predicate] = getattr(symbol, predicate)()
        symbols[name] = entry
    # Insertion order tells the order of the visit. Names added by the
    # analysis with no flag of their own (free in a child, passing through)
    # come from a set, in hash order: left out.
    order = [name for name, value in raw.symbols.items() if value & ((1 << SCOPE_OFF) - 1)]
    return {
        'type': raw.type,
        'name': raw.name,
        'lineno': raw.lineno,
        'nested': bool(raw.nested),
        'varnames': list(raw.varnames),
        'order': order,
        'symbols': symbols,
        'children': [dump_table(child) for child in table.get_children()],
    }


def write_json(path, value):
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(value, f, indent=1, ensure_ascii=False, sort_keys=False)
        f.write('\n')


# (name, source); building the symbol table of each must raise SyntaxError.
SNIPPETS = [
    # global / nonlocal declarations (symtable_visit_stmt)
    ('param-and-global', 'def f(x):\n    global x\n'),
    ('param-and-nonlocal', 'def g():\n    x = 1\n    def f(x):\n        nonlocal x\n'),
    ('assigned-before-global', 'def f():\n    x = 1\n    global x\n'),
    ('used-before-global', 'def f():\n    print(x)\n    global x\n'),
    ('assigned-before-global-module', 'x = 1\nglobal x\n'),
    ('used-before-global-class', 'class C:\n    y = x\n    global x\n'),
    ('annotated-before-global', 'def f():\n    x: int\n    global x\n'),
    ('assigned-before-nonlocal', 'def g():\n    x = 1\n    def f():\n        x = 2\n        nonlocal x\n'),
    ('used-before-nonlocal', 'def g():\n    x = 1\n    def f():\n        print(x)\n        nonlocal x\n'),
    ('annotated-before-nonlocal', 'def g():\n    x = 1\n    def f():\n        x: int\n        nonlocal x\n'),
    ('global-then-annotated', 'def f():\n    global x\n    x: int = 1\n'),
    ('nonlocal-then-annotated', 'def g():\n    x = 1\n    def f():\n        nonlocal x\n        x: int\n'),
    ('global-second-name', 'def f(a, b):\n    global c, b\n'),
    ('used-before-global-mangled', 'class C:\n    def f(self):\n        __x\n        global __x\n'),
    # analysis (analyze_name, at the directive)
    ('nonlocal-at-module-level', 'nonlocal x\n'),
    ('nonlocal-after-assignment-at-module-level', 'x = 1\nnonlocal x\n'),
    ('no-binding-for-nonlocal', 'def f():\n    nonlocal x\n'),
    ('no-binding-nonlocal-global-outer', 'x = 1\ndef f():\n    nonlocal x\n'),
    ('no-binding-nonlocal-through-global', 'def g():\n    global x\n    x = 1\n    def f():\n        nonlocal x\n'),
    ('no-binding-nonlocal-class', 'def g():\n    class C:\n        x = 1\n        def f(self):\n            nonlocal x\n'),
    ('nonlocal-in-class-body', 'def g():\n    x = 1\n    class C:\n        nonlocal y\n'),
    ('nonlocal-and-global', 'def g():\n    x = 1\n    def f():\n        global x\n        nonlocal x\n'),
    ('nonlocal-mangled-message', 'class C:\n    def f(self):\n        nonlocal __x\n'),
    ('nonlocal-second-of-two', 'def g():\n    a = 1\n    def f():\n        nonlocal a\n        nonlocal b\n'),
    # parameters
    ('duplicate-argument', 'def f(x, x):\n    pass\n'),
    ('duplicate-argument-kwonly', 'def f(a, *, a):\n    pass\n'),
    ('duplicate-argument-varargs', 'def f(a, *a):\n    pass\n'),
    ('duplicate-argument-kwargs', 'def f(a, **a):\n    pass\n'),
    ('duplicate-argument-posonly', 'def f(a, /, a):\n    pass\n'),
    ('duplicate-argument-lambda', 'f = lambda x, y, x: 0\n'),
    ('duplicate-argument-mangled', 'class C:\n    def f(self, __a, _C__a):\n        pass\n'),
    ('duplicate-argument-non-ascii', 'def f(é, ü, é):\n    pass\n'),
    # imports
    ('import-star-in-function', 'def f():\n    from os import *\n'),
    ('import-star-in-class', 'class C:\n    from os import *\n'),
    ('import-star-in-nested', 'def f():\n    def g():\n        from os.path import *\n'),
    # yield in comprehensions
    ('yield-in-listcomp', 'def f():\n    return [(yield x) for x in y]\n'),
    ('yield-in-setcomp', 'def f():\n    return {(yield x) for x in y}\n'),
    ('yield-in-dictcomp', 'def f():\n    return {x: (yield x) for x in y}\n'),
    ('yield-in-genexp', 'def f():\n    return ((yield x) for x in y)\n'),
    ('yield-from-in-listcomp', 'def f():\n    return [(yield from x) for x in y]\n'),
    ('yield-in-comp-condition', 'def f():\n    return [x for x in y if (yield x)]\n'),
    # assignment expressions in comprehensions
    ('walrus-in-comp-iterable', '[x for x in (y := [1, 2])]\n'),
    ('walrus-in-inner-comp-iterable', '[x for z in w for x in (y := z)]\n'),
    ('walrus-in-lambda-in-comp-iterable', '[x for x in (lambda: (y := 1))()]\n'),
    ('walrus-in-nested-comp-in-iterable', '[x for x in [(y := 1) for z in w]]\n'),
    ('walrus-rebinds-iteration-variable', '[i := 0 for i in range(5)]\n'),
    ('walrus-rebinds-inner-iteration-variable', '[(j := 0) for i in range(5) for j in range(i)]\n'),
    ('walrus-rebinds-outer-comp-variable', '[[(j := k) for k in range(j)] for j in range(5)]\n'),
    ('walrus-rebinds-tuple-target', '[(b := 0) for a, b in pairs]\n'),
    ('walrus-rebinds-mangled-iteration-variable', 'class C:\n    def m(self):\n        return [(__x := 0) for __x in y]\n'),
    ('walrus-in-genexp-rebinds', 'def f():\n    return ((x := 1) for x in y)\n'),
    ('inner-loop-rebinds-walrus-target', '[x for y in z if (i := y) for i in w]\n'),
    ('walrus-comp-in-class-body', 'class C:\n    [(y := x) for x in range(3)]\n'),
    ('walrus-nested-comp-in-class-body', 'class C:\n    [[(y := x) for x in z] for z in w]\n'),
    ('walrus-genexp-in-class-body', 'class C:\n    g = ((y := x) for x in range(3))\n'),
    ('walrus-comp-class-in-function', 'def f():\n    class C:\n        [(y := x) for x in range(3)]\n'),
    # future annotations: annotation blocks
    ('walrus-in-future-annotation', 'from __future__ import annotations\nx: (y := 1)\n'),
    ('yield-in-future-annotation', 'from __future__ import annotations\ndef f(x: (yield)):\n    pass\n'),
    ('await-in-future-annotation', 'from __future__ import annotations\nasync def f() -> (await x):\n    pass\n'),
    ('yield-in-future-return-annotation', 'from __future__ import annotations\ndef f() -> (yield):\n    pass\n'),
    # future statements (_PyFuture_FromAST, run first)
    ('future-braces', 'from __future__ import braces\n'),
    ('future-undefined', 'from __future__ import spam\n'),
    ('future-undefined-second', '"""doc"""\nfrom __future__ import annotations, spam\n'),
    ('future-undefined-after-future', 'from __future__ import division\nfrom __future__ import nope\n'),
    ('dictcomp-value-visited-before-key', 'def f():\n    return {(x := 0): (yield) for x in y}\n'),
    # the first error wins
    ('first-error-in-source-order', 'def f(a, a):\n    pass\ndef g():\n    from os import *\n'),
    ('collect-error-before-analysis-error', 'def f():\n    nonlocal x\ndef g(b, b):\n    pass\n'),
    ('analysis-error-order-by-block', 'def f():\n    nonlocal x\ndef g():\n    nonlocal y\n'),
]

# Programs CPython rejects but not in its symbol table: not in the fixture,
# listed so that nobody adds them expecting the symbol table to raise.
NOT_SYMTABLE_ERRORS = [
    'yield 1\n',
    'await x\n',
    '__debug__ = 1\n',
    'def f():\n    [x async for x in y]\n',
    'import os\nfrom __future__ import annotations\n',
]


def error_case(name, source):
    try:
        symtable.symtable(source, '<string>', 'exec')
    except SyntaxError as e:
        error = e
    else:
        raise SystemExit(f'{name}: no error from the symbol table')
    try:
        compile(source, '<string>', 'exec')
    except SyntaxError as e:
        same = (type(e), e.msg, e.lineno, e.offset, e.end_lineno, e.end_offset) == \
            (type(error), error.msg, error.lineno, error.offset, error.end_lineno, error.end_offset)
    else:
        raise SystemExit(f'{name}: compile() accepts it')
    return {
        'name': name,
        'source': source,
        'type': type(error).__name__,
        'msg': error.msg,
        'lineno': error.lineno,
        'offset': error.offset,
        'end_lineno': error.end_lineno,
        'end_offset': error.end_offset,
        'compile_same': same,
    }


# Recursion depth: (shape, size) just below and at CPython's limit.
DEPTH_SHAPES = {
    'sum': lambda n: 'x = ' + '+'.join(['a'] * n) + '\n',
    'calls': lambda n: 'x = a' + '()' * n + '\n',
    'sum-in-def': lambda n: 'def f():\n    return ' + '+'.join(['a'] * n) + '\n',
}


def depth_cases():
    out = []
    for shape, make in DEPTH_SHAPES.items():
        lo, hi = 1, 20000
        while lo < hi:
            mid = (lo + hi + 1) // 2
            try:
                symtable.symtable(make(mid), '<string>', 'exec')
                lo = mid
            except RecursionError:
                hi = mid - 1
        for size in (lo, lo + 1):
            try:
                symtable.symtable(make(size), '<string>', 'exec')
                raises = False
            except RecursionError:
                raises = True
            out.append({'shape': shape, 'size': size, 'raises': raises})
    return out


def main():
    if sys.version_info[:3] != (3, 13, 0):
        raise SystemExit('run with the pinned CPython 3.13.0')
    corpus = sorted(glob.glob(os.path.join(FIXTURES, 'symtable-corpus', '*.py')))
    out_dir = os.path.join(FIXTURES, 'symtable')
    os.makedirs(out_dir, exist_ok=True)
    for path in corpus:
        name = os.path.basename(path)
        with open(path, encoding='utf-8') as f:
            source = f.read()
        table = symtable.symtable(source, name, 'exec')
        write_json(os.path.join(out_dir, name[:-3] + '.json'), dump_table(table))
    for source in NOT_SYMTABLE_ERRORS:
        symtable.symtable(source, '<string>', 'exec')
    names = [n for n, _ in SNIPPETS]
    if len(set(names)) != len(names):
        raise SystemExit('duplicate snippet names')
    write_json(os.path.join(FIXTURES, 'symtable-errors.json'), [error_case(n, s) for n, s in SNIPPETS])
    write_json(os.path.join(FIXTURES, 'symtable-depth.json'), depth_cases())
    print(f'{len(corpus)} tables, {len(SNIPPETS)} errors')


if __name__ == '__main__':
    main()
