"""Operators as functions (CPython's operator module).

The plain functions come from ``_operator`` (ft's TypeScript module,
src/modules/operator.ts); this file adds the callable classes
itemgetter, attrgetter and methodcaller, with CPython 3.13's reprs and
messages, and the dunder aliases (``__add__`` = ``add``, ...).
"""

from _operator import *
from _operator import (abs, add, and_, call, concat, contains, countOf,
                       delitem, eq, floordiv, ge, getitem, gt, iadd, iand,
                       iconcat, ifloordiv, ilshift, imatmul, imod, imul,
                       index, indexOf, inv, invert, ior, ipow, irshift, is_,
                       is_not, isub, itruediv, ixor, le, length_hint, lshift,
                       lt, matmul, mod, mul, ne, neg, not_, or_, pos, pow,
                       rshift, setitem, sub, truediv, truth, xor)

__all__ = ['abs', 'add', 'and_', 'attrgetter', 'call', 'concat', 'contains',
           'countOf', 'delitem', 'eq', 'floordiv', 'ge', 'getitem', 'gt',
           'iadd', 'iand', 'iconcat', 'ifloordiv', 'ilshift', 'imatmul',
           'imod', 'imul', 'index', 'indexOf', 'inv', 'invert', 'ior', 'ipow',
           'irshift', 'is_', 'is_not', 'isub', 'itemgetter', 'itruediv',
           'ixor', 'le', 'length_hint', 'lshift', 'lt', 'matmul',
           'methodcaller', 'mod', 'mul', 'ne', 'neg', 'not_', 'or_', 'pos',
           'pow', 'rshift', 'setitem', 'sub', 'truediv', 'truth', 'xor']


def _no_call_args(name, args, kwargs):
    if kwargs:
        raise TypeError('%s() takes no keyword arguments' % name)
    if len(args) != 1:
        raise TypeError('%s expected 1 argument, got %d' % (name, len(args)))


class attrgetter:
    """attrgetter(attr, ...) --> a callable that fetches the named attribute(s).

    Names may be dotted: attrgetter('a.b')(r) is r.a.b.
    """
    __slots__ = ('_attrs', '_paths')

    def __init__(self, *attrs):
        if not attrs:
            raise TypeError('attrgetter expected 1 argument, got 0')
        paths = []
        for attr in attrs:
            if not isinstance(attr, str):
                raise TypeError('attribute name must be a string')
            paths.append(tuple(attr.split('.')))
        self._attrs = attrs
        self._paths = tuple(paths)

    def __call__(self, *args, **kwargs):
        _no_call_args('attrgetter', args, kwargs)
        obj = args[0]
        if len(self._paths) == 1:
            return _resolve(obj, self._paths[0])
        return tuple(_resolve(obj, path) for path in self._paths)

    def __repr__(self):
        return '%s.%s(%s)' % (__name__, type(self).__qualname__,
                              ', '.join(map(repr, self._attrs)))

    def __reduce__(self):
        return type(self), self._attrs


def _resolve(obj, path):
    for name in path:
        obj = getattr(obj, name)
    return obj


class itemgetter:
    """itemgetter(item, ...) --> a callable that fetches the given item(s)."""
    __slots__ = ('_items',)

    def __init__(self, *items):
        if not items:
            raise TypeError('itemgetter expected 1 argument, got 0')
        self._items = items

    def __call__(self, *args, **kwargs):
        _no_call_args('itemgetter', args, kwargs)
        obj = args[0]
        items = self._items
        if len(items) == 1:
            return obj[items[0]]
        return tuple(obj[item] for item in items)

    def __repr__(self):
        return '%s.%s(%s)' % (__name__, type(self).__qualname__,
                              ', '.join(map(repr, self._items)))

    def __reduce__(self):
        return type(self), self._items


class methodcaller:
    """methodcaller(name, /, *args, **kwargs) --> calls the named method with these arguments."""
    __slots__ = ('_name', '_args', '_kwargs')

    def __init__(self, *args, **kwargs):
        if not args:
            raise TypeError('methodcaller needs at least one argument, the method name')
        name = args[0]
        if not isinstance(name, str):
            raise TypeError('method name must be a string')
        self._name = name
        self._args = args[1:]
        self._kwargs = kwargs

    def __call__(self, *args, **kwargs):
        _no_call_args('methodcaller', args, kwargs)
        return getattr(args[0], self._name)(*self._args, **self._kwargs)

    def __repr__(self):
        parts = [repr(self._name)]
        parts.extend(map(repr, self._args))
        parts.extend('%s=%r' % (k, v) for k, v in self._kwargs.items())
        return '%s.%s(%s)' % (__name__, type(self).__qualname__, ', '.join(parts))


# The dunder spellings (operator.__add__ is operator.add).
__lt__ = lt
__le__ = le
__eq__ = eq
__ne__ = ne
__ge__ = ge
__gt__ = gt
__not__ = not_
__abs__ = abs
__add__ = add
__and__ = and_
__call__ = call
__floordiv__ = floordiv
__index__ = index
__inv__ = inv
__invert__ = invert
__lshift__ = lshift
__mod__ = mod
__mul__ = mul
__matmul__ = matmul
__neg__ = neg
__or__ = or_
__pos__ = pos
__pow__ = pow
__rshift__ = rshift
__sub__ = sub
__truediv__ = truediv
__xor__ = xor
__concat__ = concat
__contains__ = contains
__delitem__ = delitem
__getitem__ = getitem
__setitem__ = setitem
__iadd__ = iadd
__iand__ = iand
__iconcat__ = iconcat
__ifloordiv__ = ifloordiv
__ilshift__ = ilshift
__imod__ = imod
__imul__ = imul
__imatmul__ = imatmul
__ior__ = ior
__ipow__ = ipow
__irshift__ = irshift
__isub__ = isub
__itruediv__ = itruediv
__ixor__ = ixor
