"""The JSON form of a CPython `ast` tree that `src/parser/ast-json.ts` writes
for ours: every field in `_fields` order, then the `_attributes`; see that
file for the encoding of enumerations and constant values. Shared by the
fixture generators; run them with the pinned CPython 3.13.0."""

import ast
import math


def _float(value):
    if math.isinf(value):
        return 'inf' if value > 0 else '-inf'
    if math.isnan(value):
        return 'nan'
    return value


def constant_json(value):
    if value is None or value is True or value is False:
        return value
    if value is Ellipsis:
        return {'Ellipsis': True}
    if isinstance(value, int):
        return {'int': str(value)}
    if isinstance(value, float):
        return {'float': _float(value)}
    if isinstance(value, complex):
        return {'complex': [_float(value.real), _float(value.imag)]}
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return {'bytes': value.hex()}
    raise TypeError(f'unexpected constant {value!r}')


def ast_json(node):
    if isinstance(node, list):
        return [ast_json(item) for item in node]
    if node is None or isinstance(node, (str, int)):
        return node
    if isinstance(node, (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)):
        return type(node).__name__
    out = {'_type': type(node).__name__}
    for name in node._fields:
        value = getattr(node, name)
        if name == 'value' and isinstance(node, (ast.Constant, ast.MatchSingleton)):
            out[name] = constant_json(value)
        else:
            out[name] = ast_json(value)
    for name in node._attributes:
        out[name] = getattr(node, name)
    return out
