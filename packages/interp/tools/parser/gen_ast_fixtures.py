"""Writes the expected trees of the parser conformance test: for every
test/fixtures/parser/corpus/*.py, test/fixtures/parser/ast/<name>.json holds
CPython's `ast.parse(source)` in the JSON form of ast_json.py. Also writes
test/fixtures/parser/ast-fields.json: every node class's `_fields` and
`_attributes`, which the test compares with src/parser/ast-fields.ts.

Run with the pinned interpreter after changing the corpus:

    $(pyenv root)/versions/3.13.0/bin/python3 tools/parser/gen_ast_fixtures.py
"""

import ast
import glob
import json
import os
import sys

from ast_json import ast_json

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', '..', 'test', 'fixtures', 'parser')


ABSTRACT = (ast.mod, ast.stmt, ast.expr, ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop,
            ast.excepthandler, ast.pattern, ast.type_ignore, ast.type_param)


def node_classes():
    out = {}
    stack = [ast.AST]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub.__module__ != 'ast':
                continue
            stack.append(sub)
            # Leaves only; the deprecated aliases (Num, Str…) and 3.8's slice
            # classes are not produced by the parser.
            if sub in ABSTRACT or sub.__name__ in ('Num', 'Str', 'Bytes', 'NameConstant', 'Ellipsis', 'Index', 'ExtSlice', 'Suite', 'AugLoad', 'AugStore', 'Param', 'slice'):
                continue
            if sub._fields or sub._attributes or cls in (ast.mod, ast.stmt, ast.expr, ast.pattern, ast.type_param, ast.excepthandler, ast.type_ignore) or sub.__name__ in ('arguments', 'comprehension', 'withitem', 'match_case', 'arg', 'keyword', 'alias'):
                out[sub.__name__] = {'fields': list(sub._fields), 'attributes': list(sub._attributes)}
    return dict(sorted(out.items()))


def main():
    assert sys.version_info[:3] == (3, 13, 0), 'run with the pinned CPython 3.13.0'
    out_dir = os.path.join(FIXTURES, 'ast')
    os.makedirs(out_dir, exist_ok=True)
    for path in sorted(glob.glob(os.path.join(FIXTURES, 'corpus', '*.py'))):
        with open(path, encoding='utf-8') as f:
            source = f.read()
        tree = ast.parse(source, os.path.basename(path), 'exec')
        name = os.path.splitext(os.path.basename(path))[0]
        with open(os.path.join(out_dir, name + '.json'), 'w', encoding='utf-8') as f:
            json.dump(ast_json(tree), f, ensure_ascii=False, indent=1)
            f.write('\n')
        print('wrote', name)
    with open(os.path.join(FIXTURES, 'ast-fields.json'), 'w', encoding='utf-8') as f:
        json.dump(node_classes(), f, indent=1)
        f.write('\n')


main()
