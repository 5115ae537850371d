"""Writes test/fixtures/builtins/calls.json and module.json from CPython 3.13.

Each case is one call of a builtin, written as Python source in CASES. The
call and its arguments are encoded as a tree the test rebuilds on ft (calls
of builtins by name, attributes, literal values); the expected outcome is
the repr of the result, or the exception's type name and message.
module.json lists the names of the builtins module in order, with the kind
of object each is bound to.

Run with the pinned CPython and string hashing unrandomized (the tests use
hashSeed 0):  PYTHONHASHSEED=0 $(pyenv root)/versions/3.13.0/bin/python3 \
    tools/builtins/gen_builtins_fixtures.py
"""

import ast
import builtins
import json
import os
import sys

assert sys.version_info[:2] == (3, 13), "generate the fixtures with CPython 3.13"
assert os.environ.get("PYTHONHASHSEED") == "0", "run with PYTHONHASHSEED=0 (the str hashes of the fixtures)"

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "test", "fixtures", "builtins", "calls.json")
MODULE_OUT = os.path.join(HERE, "..", "..", "test", "fixtures", "builtins", "module.json")


def encode_value(v):
    """A Python value as JSON the test decodes into the same object."""
    for name in ("None", "True", "False", "Ellipsis", "NotImplemented"):
        if v is getattr(builtins, name):
            return {"c": name}
    t = type(v)
    if t is int:
        return {"i": str(v)}
    if t is float:
        return {"f": repr(v)}
    if t is complex:
        return {"z": [repr(v.real), repr(v.imag)]}
    if t is str:
        return {"s": v}
    if t is bytes:
        return {"b": list(v)}
    if t is bytearray:
        return {"ba": list(v)}
    if t is list:
        return {"l": [encode_value(x) for x in v]}
    if t is tuple:
        return {"t": [encode_value(x) for x in v]}
    if t is dict:
        return {"d": [[encode_value(k), encode_value(x)] for k, x in v.items()]}
    if t is set:
        return {"set": [encode_value(x) for x in v]}
    if t is frozenset:
        return {"fs": [encode_value(x) for x in v]}
    if t is range:
        return {"r": [v.start, v.stop, v.step]}
    for name, obj in vars(builtins).items():
        if obj is v:
            return {"n": name}
    raise TypeError(f"cannot encode {v!r}")


def encode_node(node):
    """An argument expression: calls of builtins, names and attributes stay calls; the rest is evaluated."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and hasattr(builtins, node.func.id):
        return {
            "call": node.func.id,
            "args": [encode_node(a) for a in node.args],
            "kw": [[k.arg, encode_node(k.value)] for k in node.keywords],
        }
    if isinstance(node, ast.Attribute):
        return {"attr": [encode_node(node.value), node.attr]}
    if isinstance(node, ast.Name) and hasattr(builtins, node.id):
        return {"n": node.id}
    return encode_value(eval(compile(ast.Expression(node), "<arg>", "eval"), {}))


def outcome(src):
    try:
        r = eval(src, {})
    except BaseException as e:  # noqa: BLE001 - every outcome is recorded
        return {"error": type(e).__name__, "message": str(e)}
    return {"repr": repr(r)}


CASES = r"""
len()
len(1, 2)
len(1)
len([1, 2], x=1)
len('abc')
len({1: 2})
abs()
abs('a')
abs(-5)
abs(-2.5)
abs(False)
abs(x=1)
divmod(1)
divmod('a', 1)
divmod(7, 2)
divmod(-7, 2.0)
divmod(1, 0)
divmod(2**100, 7)
pow(1)
pow(2, 3, 5, 6)
pow(2, exp=3)
pow(base=2, exp=3, mod=5)
pow(2, 3, mod=5, x=1)
pow(2, 3, x=1)
pow('a', 2)
pow(2, 'a', 3)
pow(2, -1, 5)
pow(2, 3, 0)
pow(2, -2)
pow(2.0, 0.5)
pow(2, 100)
pow(2, 3, None)
round()
round(1, 2, 3)
round('a')
round(1j)
round(2.5)
round(3.5)
round(-0.5)
round(2.675, 2)
round(1.5, None)
round(number=1.5, ndigits=1)
round(15, -1)
round(25, -1)
round(1.5, 'a')
round(123.456, -2)
round(True)
round(float('inf'))
round(float('nan'))
round(1e300, 2)
bin(1.5)
bin(-5)
bin(0)
bin(True)
oct(8)
oct(-8)
hex(255)
hex(-255)
hex(2**70)
hex('a')
bin()
bin(x=1)
sum()
sum([1], 2, 3)
sum(['a'], 'b')
sum([b'a'], b'')
sum([], bytearray())
sum([1, 2], start=3)
sum([1, 2], start=3.5)
sum(1)
sum(1, 'a')
sum([1, 'a'])
sum([0.1] * 10)
sum([1, 0.1, 0.2, 0.3])
sum([2**62, 2**62, 0.1, 0.2, 0.3])
sum([0.1, 2**70, 0.2])
sum([0.1, 2**1100])
sum([0.1j] * 10)
sum([], start=None)
sum([[1], [2]], [])
sum([(1,), (2,)], ())
sum([1e308, 1e308])
sum([1e308, 1e308, -1e308])
sum([float('inf'), 1.0])
sum([float('inf'), float('-inf')])
sum([-0.0])
sum([-0.0], -0.0)
sum([1, 2.5, 0.1, 0.7, True, 2**40])
sum([2**63 - 1, 1])
sum([-2**63, -1])
sum([2**63 - 1, 1, 0.1, 0.2])
sum([1.5, 2**63])
sum(range(100000))
sum([True, True, False])
sum([], 2**80)
sum([2**80, 1])
sum([1, 2], start='')
sum(iter([0.5, 0.25]), 0.125)
min()
max()
min(1)
min([])
max([], default=5)
min(1, 2, default=3)
min([1], key=None)
min([1, 2], x=1)
min([1, 2], key=len, x=1)
min([1, 2], key=len, default=1, x=1)
max(1, 'a')
min([3, 1, 2])
max([3, 1, 2])
max((1, 2), (1, 3))
max([1], [2], [3], key=len)
min(iterable=[1])
min('hello')
max('hello', key=str.upper)
min([-3, 2, -1], key=abs)
max([-3, 2, 3], key=abs)
min([], key=abs, default=None)
max(1, 1.0)
min(1.0, 1)
max([1, 'a'], key=str)
min([1, 2], key=len)
repr()
repr(1, 2)
repr('a\nb')
repr([1, 'x', (2,)])
ascii('é')
ascii('a€😀')
ascii(['é'])
ascii(1, 2)
format(1.5)
format(1.5, '.3f')
format(1, 2)
format()
format(1, 'x', 3)
format(object(), 'x')
format(value=1)
format(255, '#x')
format('ab', '>5')
format([1], '')
format([1], 's')
format(1234567, ',')
hash([])
hash(1.5)
hash(-1)
hash(-2)
hash(2**61 - 1)
hash(2**61)
hash(-2**61)
hash((1, 2))
hash(float('inf'))
hash(1j)
hash()
hash(True)
hash('abc')
hash('')
hash(b'xyz')
hash(('a', 1))
hash(frozenset())
callable()
callable(len)
callable(1)
callable(int)
callable(str.upper)
callable('a'.upper)
getattr(1)
getattr(1, 2)
getattr(1, 'x')
getattr(1, 'x', 5)
getattr(1, 'real', 5)
getattr(1, 'x', 5, 6)
getattr(1, 2, 3)
getattr(1.5, 'imag')
getattr(int, '__name__')
setattr(1, 'x', 2)
setattr(1, 2, 3)
setattr(1, 'x')
setattr(int, 'x', 1)
hasattr(1, 'x')
hasattr(1, 'real')
hasattr(1, 2)
hasattr(1)
delattr(1, 'x')
delattr(1, 2)
delattr(1)
delattr(int, 'x')
isinstance(1)
isinstance(1, 2)
isinstance(1, (str, 2))
isinstance(1, (int, 2))
isinstance(1, (str, int))
isinstance(1, (str, (float, int)))
isinstance(True, int)
isinstance(1, bool)
isinstance(int, type)
isinstance(1, object)
isinstance(1, ())
isinstance(1, int, x=1)
isinstance(1, 'int')
issubclass(1, int)
issubclass(int, 1)
issubclass(bool, (str, int))
issubclass(int, (str, 1))
issubclass(bool, (int, 1))
issubclass(bool, int)
issubclass(int, bool)
issubclass(int, int)
issubclass(type, object)
issubclass(int, ())
issubclass(KeyError, LookupError)
issubclass(KeyError, (ValueError, (IndexError, Exception)))
issubclass(int)
vars(1)
vars(1, 2)
vars(x=1)
dir(1, 2)
iter()
iter(1)
iter(1, 2)
iter(1, 2, 3)
list(iter([1, 2, 3]))
list(iter(iter([1, 2, 3, 4]).__next__, 3))
list(iter(iter([1, 2]).__next__, 3))
list(iter('ab'))
next()
next(1)
next(iter([]))
next(iter([]), 5)
next(iter([7]), 5)
next(1, 2)
next(iter([]), 1, 2)
next([1])
sorted()
sorted(1)
sorted([3, 1, 2])
sorted([3, 1, 2], reverse=True)
sorted([3, -1, 2], key=abs)
sorted([3, 1, 2], None)
sorted([3, 1, 2], cmp=None)
sorted(iterable=[1])
sorted([1, 'a'])
sorted('banana')
sorted({3: 'a', 1: 'b'})
sorted(['b', 'A', 'c'], key=str.lower)
sorted(['b', 'A', 'c'], key=str.lower, reverse=True)
sorted([1, 2], reverse=None)
sorted([1, 2], reverse=2.5)
sorted([(1, 'b'), (1, 'a'), (0, 'z')])
sorted(1, cmp=None)
all()
all(1)
all([1, 0])
all([])
all([1, 'a', [0]])
all('')
any([0, 1])
any([])
any([0, '', None])
any(1)
any(1, 2)
chr()
chr(-1)
chr(0x110000)
chr(0x10ffff)
chr('a')
chr(1.5)
chr(2**70)
chr(-2**70)
chr(65)
chr(True)
chr(0x20ac)
chr(x=65)
ord()
ord('ab')
ord('')
ord(1)
ord(b'ab')
ord(b'a')
ord(b'')
ord(bytearray(b'z'))
ord(bytearray(b'zz'))
ord(bytearray())
ord('€')
ord('😀')
ord(None)
"""


def main():
    cases = []
    for line in CASES.strip().splitlines():
        node = ast.parse(line, mode="eval").body
        cases.append({"source": line, "call": encode_node(node), **outcome(line)})
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"python": sys.version.split()[0], "cases": cases}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.relpath(OUT)}")
    names = list(vars(builtins))
    kinds = {}
    for name, v in vars(builtins).items():
        if isinstance(v, type):
            kinds[name] = "exception" if issubclass(v, BaseException) else "type"
            if v.__name__ != name:
                kinds[name] += ":" + v.__name__
        elif callable(v) and type(v).__name__ == "builtin_function_or_method":
            kinds[name] = "function"
        else:
            kinds[name] = "value:" + repr(v)[:40]
    with open(MODULE_OUT, "w", encoding="utf-8") as f:
        json.dump({"python": sys.version.split()[0], "names": names, "kinds": kinds}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(names)} names to {os.path.relpath(MODULE_OUT)}")


if __name__ == "__main__":
    main()
