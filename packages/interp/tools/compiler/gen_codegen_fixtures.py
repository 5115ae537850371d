"""Writes the fixtures of the bytecode compiler test (test/compiler/codegen.test.ts):

- test/fixtures/compiler/codegen/<name>.json: for every
  test/fixtures/compiler/codegen-corpus/<name>.py, the code object CPython
  compiles it to (`compile(source, '<name>.py', 'exec')`), dumped
  recursively: co_code, co_exceptiontable and co_linetable as hex; co_consts
  as repr (nested code objects dumped the same way; a frozenset's items as a
  sorted list of reprs, since their order follows string hashes);
  co_names, co_varnames, co_cellvars, co_freevars, the argument counts,
  co_flags, co_stacksize, co_firstlineno, co_name and co_qualname;
- test/fixtures/compiler/codegen-modes.json: for each (name, mode, source)
  of MODE_SNIPPETS below, the code object of `compile(source, '<name>',
  mode)` in the 'eval' and 'single' modes, dumped the same way;
- test/fixtures/compiler/codegen-warnings.json: for each snippet of
  WARNING_SNIPPETS, the SyntaxWarnings compile() issues (message, lineno;
  the `always` filter) and the SyntaxError it raises instead under the
  `error` filter (or null when there is no warning);
- test/fixtures/compiler/codegen-errors.json: for each bad snippet below,
  the SyntaxError compile() raises from the compiler proper (class, msg,
  lineno, offset, end_lineno, end_offset; None as null).

CPython never runs in CI. Run with the pinned interpreter after editing the
corpus, from packages/interp:

    $(pyenv root)/versions/3.13.0/bin/python3 tools/compiler/gen_codegen_fixtures.py
"""

import glob
import json
import os
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', '..', 'test', 'fixtures', 'compiler')

assert sys.version_info[:3] == (3, 13, 0), 'run with the pinned CPython 3.13.0'


def dump_const(value):
    if isinstance(value, types.CodeType):
        return {'code': dump_code(value)}
    if type(value) is frozenset:
        return {'frozenset': sorted(repr(v) for v in value)}
    if type(value) is tuple and any(isinstance(v, (types.CodeType, frozenset)) for v in value):
        return {'tuple': [dump_const(v) for v in value]}
    return repr(value)


def dump_code(co):
    return {
        'name': co.co_name,
        'qualname': co.co_qualname,
        'firstlineno': co.co_firstlineno,
        'argcount': co.co_argcount,
        'posonlyargcount': co.co_posonlyargcount,
        'kwonlyargcount': co.co_kwonlyargcount,
        'flags': co.co_flags,
        'stacksize': co.co_stacksize,
        'code': co.co_code.hex(),
        'consts': [dump_const(c) for c in co.co_consts],
        'names': list(co.co_names),
        'varnames': list(co.co_varnames),
        'cellvars': list(co.co_cellvars),
        'freevars': list(co.co_freevars),
        'exceptiontable': co.co_exceptiontable.hex(),
        'linetable': co.co_linetable.hex(),
    }


def write_json(path, value):
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(value, f, indent=1, ensure_ascii=False)
        f.write('\n')


# (name, source): compile() must raise SyntaxError from the compiler (the
# symbol table accepts each of them).
SNIPPETS = [
    ('return-at-module-level', 'x = 1\nreturn x\n'),
    ('return-in-class-body', 'class C:\n    return 1\n'),
    ('break-at-module-level', 'x = 1\nbreak\n'),
    ('break-in-function', 'def f():\n    break\n'),
    ('break-in-loop-else', 'for x in y:\n    pass\nelse:\n    break\n'),
    ('break-in-nested-def', 'while x:\n    def f():\n        break\n'),
    ('continue-at-module-level', 'continue\n'),
    ('continue-in-if', 'if x:\n    continue\n'),
    ('continue-in-class-in-loop', 'for x in y:\n    class C:\n        continue\n'),
    ('yield-at-module-level', 'x = 1\nyield x\n'),
    ('yield-in-class-body', 'class C:\n    yield 1\n'),
    ('yield-from-at-module-level', 'yield from x\n'),
    ('yield-in-module-expression', 'print((yield))\n'),
    ('await-at-module-level', 'await x\n'),
    ('await-in-class-body', 'class C:\n    await x\n'),
    ('await-in-sync-function', 'def f():\n    await x\n'),
    ('assign-debug', '__debug__ = 1\n'),
    ('augassign-debug', '__debug__ += 1\n'),
    ('assign-debug-in-tuple', 'a, __debug__ = 1, 2\n'),
    ('del-debug', 'del __debug__\n'),
    ('assign-debug-attribute', 'x.__debug__ = 1\n'),
    ('debug-parameter', 'def f(__debug__):\n    pass\n'),
    ('debug-keyword-argument', 'f(__debug__=1)\n'),
    ('debug-import-as', 'import os as __debug__\n'),
    ('debug-for-target', 'for __debug__ in x:\n    pass\n'),
    ('debug-function-name', 'def __debug__():\n    pass\n'),
    ('future-after-statement', 'import os\nfrom __future__ import annotations\n'),
    ('future-after-docstring-and-statement', '"""doc"""\nx = 1\nfrom __future__ import annotations\n'),
    ('future-in-function', 'def f():\n    from __future__ import annotations\n'),
    ('match-capture-unreachable', 'match x:\n    case a: pass\n    case 1: pass\n'),
    ('match-wildcard-unreachable', 'match x:\n    case _: pass\n    case 1: pass\n'),
    ('match-or-capture-unreachable', 'match x:\n    case a | b: pass\n'),
    ('match-or-wildcard-unreachable', 'match x:\n    case _ | 1: pass\n'),
    ('match-nested-or-capture-unreachable', 'match x:\n    case 1 | (a | b): pass\n'),
    ('match-duplicate-capture', 'match x:\n    case [a, a]: pass\n'),
    ('match-duplicate-capture-as', 'match x:\n    case (a as b) as a: pass\n'),
    ('match-duplicate-capture-mapping-rest', 'match x:\n    case {"k": a, **a}: pass\n'),
    ('match-duplicate-capture-after-or', 'match x:\n    case [a, (a | a)]: pass\n'),
    ('match-or-different-names', 'match x:\n    case [a] | [b]: pass\n'),
    ('match-or-different-counts', 'match x:\n    case [a] | []: pass\n'),
    ('match-fstring-key', 'match x:\n    case {f"a": 1}: pass\n'),
    ('match-duplicate-key', 'match x:\n    case {1: a, 1: b}: pass\n'),
    ('match-duplicate-key-equal-values', 'match x:\n    case {1: a, 1.0: b}: pass\n'),
    ('match-repeated-keyword', 'match x:\n    case C(a=1, a=2): pass\n'),
    ('match-two-stars', 'match x:\n    case [*a, *b]: pass\n'),
    ('match-capture-debug', 'match x:\n    case __debug__: pass\n'),
    ('match-rest-debug', 'match x:\n    case {**__debug__}: pass\n'),
    ('match-keyword-debug', 'match x:\n    case C(__debug__=1): pass\n'),
    ('match-guarded-capture-then-default-ok-then-bad', 'match x:\n    case a if a: pass\n    case b: pass\n    case 1: pass\n'),
    ('except-star-continue', 'for x in y:\n    try:\n        pass\n    except* E:\n        continue\n'),
    ('except-star-break', 'for x in y:\n    try:\n        pass\n    except* E:\n        break\n'),
    ('except-star-return', 'def f():\n    try:\n        pass\n    except* E:\n        return 1\n'),
    ('except-star-return-in-loop', 'def f():\n    try:\n        pass\n    except* E:\n        for x in y:\n            return 1\n'),
    ('except-star-continue-in-inner-loop-else', 'for x in y:\n    try:\n        pass\n    except* E:\n        for z in x:\n            pass\n        else:\n            continue\n'),
    ('break-in-finally-ok-then-return-outside', 'for x in y:\n    try:\n        pass\n    finally:\n        break\nreturn 1\n'),
]


# (name, mode, source): compile() in 'eval' or 'single' mode (the
# interactive prompt's: each expression statement of the top level is
# printed through CALL_INTRINSIC_1 INTRINSIC_PRINT).
MODE_SNIPPETS = [
    ('eval-name', 'eval', 'x'),
    ('eval-constant', 'eval', '42'),
    ('eval-expression', 'eval', 'a + b * f(c, *d, k=1)'),
    ('eval-lambda', 'eval', 'lambda x, y=2: x + y'),
    ('eval-comprehension', 'eval', '[x * y for x in range(3) for y in z if x]'),
    ('eval-generator', 'eval', '(x for x in y)'),
    ('eval-walrus', 'eval', '(n := 10) + n'),
    ('eval-conditional', 'eval', 'a if b else c'),
    ('eval-folded', 'eval', '(1, 2) + (3,)'),
    ('eval-multiline', 'eval', '(a\n + b)\n'),
    ('eval-fstring', 'eval', 'f"{a!r:>{w}}"'),
    ('eval-chained-compare', 'eval', 'a < b < c'),
    ('eval-dict-set', 'eval', '{1: a, **b}, {c, *d}'),
    ('single-expression', 'single', '1 + 2\n'),
    ('single-name', 'single', 'x\n'),
    ('single-constant', 'single', '"text"\n'),
    ('single-none', 'single', 'None\n'),
    ('single-assignment', 'single', 'x = 1\n'),
    ('single-call', 'single', 'print(x)\n'),
    ('single-if', 'single', 'if x:\n    y\nelse:\n    z\n\n'),
    ('single-for', 'single', 'for i in range(3):\n    i\n\n'),
    ('single-while', 'single', 'while x:\n    x -= 1\n    x\n\n'),
    ('single-with', 'single', 'with open(p) as f:\n    f.read()\n\n'),
    ('single-try', 'single', 'try:\n    a\nexcept E as e:\n    e\nfinally:\n    b\n\n'),
    ('single-def', 'single', 'def f(x):\n    x\n    return x\n\n'),
    ('single-class', 'single', 'class C:\n    x = 1\n    x\n\n'),
    ('single-lambda', 'single', 'lambda: 1\n'),
    ('single-comprehension', 'single', '[x for x in y]\n'),
    ('single-annotation', 'single', 'x: int = 1\n'),
    ('single-annotation-in-if', 'single', 'if a:\n    x: int\n\n'),
    ('single-import', 'single', 'import os\n'),
    ('single-match', 'single', 'match x:\n    case [a]:\n        a\n    case _:\n        x\n\n'),
    ('single-pass', 'single', 'pass\n'),
    ('single-del', 'single', 'del x\n'),
    ('single-global', 'single', 'global x\n'),
    ('single-await-free-walrus', 'single', '(y := 5)\n'),
    ('single-yield-free-genexp', 'single', '(x for x in y)\n'),
    # (name, mode, source, optimize): compile(..., optimize=N), the -O levels.
    ('exec-optimize-1', 'exec', '"doc"\nassert x, "m"\nif __debug__:\n    y = 1\ndef f():\n    "fdoc"\n    assert f\n    return __debug__\nclass C:\n    "cdoc"\n', 1),
    ('exec-optimize-2', 'exec', '"doc"\nassert x, "m"\nif __debug__:\n    y = 1\ndef f():\n    "fdoc"\n    assert f\n    return __debug__\nclass C:\n    "cdoc"\n', 2),
    ('exec-optimize-2-docstring-only-body', 'exec', 'def f():\n    "only a docstring"\nclass C:\n    "doc"\nlambda: "not a doc"\n', 2),
    ('eval-optimize-1-debug', 'eval', '__debug__ and x', 1),
    ('single-optimize-1-assert', 'single', 'assert False\n', 1),
]


# (name, source): compiles, with SyntaxWarnings from the compiler proper.
WARNING_SNIPPETS = [
    ('is-int', 'x is 1\n'),
    ('is-not-str', 'if x is not "a":\n    pass\n'),
    ('is-left-literal', '() is x\n'),
    ('is-chain', 'a is b is 1.5\n'),
    ('is-chain-in-if', 'if a < b is ():\n    pass\n'),
    ('is-singletons-ok', 'x is None or x is True or x is ... or x is not False\n'),
    ('is-folded-tuple', 'x is (1, 2)\n'),
    ('is-list', 'x is []\n'),
    ('is-bytes', 'x is not b"a"\n'),
    ('is-fstring-no-warning', 'x is f"{y}"\n'),
    ('is-in-finally-twice', 'try:\n    pass\nfinally:\n    x is 0\n'),
    ('call-tuple', '(1, 2)(3)\n'),
    ('call-folded-tuple', '[(1, 2) (3, 4)]\n'),
    ('call-list', '[1, 2](3)\n'),
    ('call-str', '"abc"()\n'),
    ('call-fstring', 'f"{x}"()\n'),
    ('call-genexp', '(x for x in y)()\n'),
    ('call-dict-comp', '{k: v for k, v in y}()\n'),
    ('call-set', '{1, 2}()\n'),
    ('call-int', '1()\n'),
    ('call-none', 'None()\n'),
    ('call-name-ok', 'f()\n'),
    ('call-method-no-warning', '"a".join(x)\n'),
    ('subscript-int', '1[0]\n'),
    ('subscript-none', 'None[0]\n'),
    ('subscript-set', '{1, 2}[0]\n'),
    ('subscript-genexp', '(x for x in y)[0]\n'),
    ('subscript-lambda', '(lambda: 1)[0]\n'),
    ('subscript-float', '1.5[0]\n'),
    ('subscript-store-no-warning', '1[0] = 2\n'),
    ('index-list-by-float', '[1, 2][1.5]\n'),
    ('index-tuple-by-tuple', '[(1, 2) [3, 4]]\n'),
    ('index-str-by-str', '"abc"["a"]\n'),
    ('index-list-by-list', '[1][[0]]\n'),
    ('index-by-int-ok', '[1, 2][True]\n'),
    ('index-by-slice-ok', '[1, 2][1:]\n'),
    ('index-fstring-by-none', 'f"{x}"[None]\n'),
    ('index-listcomp-by-dict', '[x for x in y][{}]\n'),
    ('assert-tuple', 'assert (x, "message")\n'),
    ('assert-constant-tuple', 'assert (1, 2)\n'),
    ('assert-empty-tuple-ok', 'assert ()\n'),
    ('assert-in-function', 'def f():\n    assert (x, y)\n'),
    ('multiple-warnings', 'def f():\n    x is 1\n    (1)()\n    2[0]\n'),
]


def warning_case(name, source):
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        compile(source, '<string>', 'exec')
    issued = [{'category': w.category.__name__, 'message': str(w.message), 'lineno': w.lineno} for w in caught]
    error = None
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        try:
            compile(source, '<string>', 'exec')
        except SyntaxError as e:
            error = {'type': type(e).__name__, 'msg': e.msg, 'lineno': e.lineno, 'offset': e.offset, 'end_lineno': e.end_lineno, 'end_offset': e.end_offset}
    return {'name': name, 'source': source, 'warnings': issued, 'error': error}


def error_case(name, source):
    try:
        compile(source, '<string>', 'exec')
    except SyntaxError as e:
        error = e
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
    }


def main():
    corpus = sorted(glob.glob(os.path.join(FIXTURES, 'codegen-corpus', '*.py')))
    out_dir = os.path.join(FIXTURES, 'codegen')
    os.makedirs(out_dir, exist_ok=True)
    wanted = set()
    for path in corpus:
        name = os.path.splitext(os.path.basename(path))[0]
        with open(path, encoding='utf-8') as f:
            source = f.read()
        code = compile(source, name + '.py', 'exec')
        write_json(os.path.join(out_dir, name + '.json'), dump_code(code))
        wanted.add(name + '.json')
    for stale in set(os.listdir(out_dir)) - wanted:
        os.remove(os.path.join(out_dir, stale))
    write_json(os.path.join(FIXTURES, 'codegen-errors.json'), [error_case(n, s) for n, s in SNIPPETS])
    modes = []
    for n, m, s, *rest in MODE_SNIPPETS:
        optimize = rest[0] if rest else 0
        case = {'name': n, 'mode': m, 'source': s}
        if optimize:
            case['optimize'] = optimize
        case['code'] = dump_code(compile(s, '<' + n + '>', m, optimize=optimize))
        modes.append(case)
    write_json(os.path.join(FIXTURES, 'codegen-modes.json'), modes)
    write_json(os.path.join(FIXTURES, 'codegen-warnings.json'), [warning_case(n, s) for n, s in WARNING_SNIPPETS])
    print(f'{len(corpus)} programs, {len(MODE_SNIPPETS)} eval/single snippets, {len(SNIPPETS)} errors')


main()
