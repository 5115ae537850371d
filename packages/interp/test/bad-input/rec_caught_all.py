# Infinite recursion through every kind of re-entry, each caught: the
# RecursionError's type and message, then proof that the interpreter is
# sound afterwards (allocation, dicts, sorting, a collection, deep but
# legal recursion).
import gc


def plain(n):
    return plain(n + 1)


class Init:
    def __init__(self):
        Init()


class Add:
    def __add__(self, other):
        return self + other


class EqKey:
    def __hash__(self):
        return 1

    def __eq__(self, other):
        return {self: 1} == {EqKey(): 1}


class Repr:
    def __repr__(self):
        return repr(self)


class Str:
    def __str__(self):
        return f'{self}'


class GetAttr:
    def __getattr__(self, name):
        return getattr(self, name)


class Len:
    def __len__(self):
        return len(self)


class Iter:
    def __iter__(self):
        return iter(self)


class Hash:
    def __hash__(self):
        return hash(self)


class Bool:
    def __bool__(self):
        return not self


class Lt:
    def __lt__(self, other):
        return self < other


class GetItem:
    def __getitem__(self, i):
        return self[i]


class Call:
    def __call__(self):
        return self()


class Descr:
    def __get__(self, obj, owner):
        return obj.attr


class HasDescr:
    attr = Descr()


def key(x):
    return sorted([x, x], key=key)


def walk():
    yield from walk()


def walk_for():
    for x in walk_for():
        yield x


def mapped(x):
    return list(map(mapped, [x]))


def via_builtin(x):
    return max([x], key=via_builtin)


cases = [
    ('plain', lambda: plain(0)),
    ('__init__', Init),
    ('__add__', lambda: Add() + 1),
    ('__eq__ in a dict', lambda: EqKey() in {EqKey(): 1}),
    ('__repr__', lambda: repr(Repr())),
    ('__str__ via f-string', lambda: str(Str())),
    ('__getattr__', lambda: GetAttr().x),
    ('__len__', lambda: len(Len())),
    ('__iter__', lambda: iter(Iter())),
    ('__hash__', lambda: hash(Hash())),
    ('__bool__', lambda: bool(Bool())),
    ('__lt__', lambda: Lt() < Lt()),
    ('__getitem__', lambda: GetItem()[0]),
    ('__call__', lambda: Call()()),
    ('descriptor __get__', lambda: HasDescr().attr),
    ('sorted key', lambda: sorted([1, 2], key=key)),
    ('generator yield from', lambda: list(walk())),
    ('generator for', lambda: list(walk_for())),
    ('map', lambda: mapped(1)),
    ('max key', lambda: via_builtin(1)),
]
for label, fn in cases:
    try:
        fn()
    except RecursionError as e:
        print(f'{label}: {type(e).__name__}: {e}')
    else:
        print(f'{label}: no error')


def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)


items = sorted({str(i): i * i for i in range(2000)}.items(), key=lambda kv: -kv[1])
print(items[:3], len(items))
print(gc.collect() >= 0)
print(depth(900))
print(repr([Add()] * 0), str(Str.__name__))
