# __repr__, __str__, __format__ and how containers and print use them.
class Both:
    def __repr__(self):
        return 'Both-repr'
    def __str__(self):
        return 'Both-str'
class ReprOnly:
    def __repr__(self):
        return 'ReprOnly()'
class StrOnly:
    def __str__(self):
        return 'StrOnly-str'
b, r = Both(), ReprOnly()
print(b, r, str(b), repr(b), str(r), [b, r], (b,), {'k': b}, {1: r})
print(f'{b} {b!r} {r} {r!s}', '%s %r' % (b, b), '{} {!r}'.format(b, b), format(b))
print(str(StrOnly()), repr(StrOnly()).startswith('<__main__.StrOnly object at '))
class Fmt:
    def __format__(self, spec):
        return 'Fmt[' + spec + ']'
print(format(Fmt(), 'x'), f'{Fmt():>10}', '{:spec}'.format(Fmt()))
class BadRepr:
    def __repr__(self):
        return 42
try:
    repr(BadRepr())
except TypeError as e:
    print('TypeError', e)
class Raising:
    def __repr__(self):
        raise ValueError('repr failed')
try:
    print([Raising()])
except ValueError as e:
    print('ValueError', e)
print(repr(int), repr(str), repr(Both), str(Both), repr(None), repr(...), repr(NotImplemented))
print(repr(len), repr(print), type(len).__name__)
import math
print(repr(type), repr(object), repr(ValueError('x', 1)), str(ValueError('x', 1)), str(KeyError('k')))
print(repr(range(3)), repr(range(1, 10, 2)), repr(slice(1, None)), repr(frozenset()), repr(set()), repr({}), repr(b''))
print(repr(1.0), repr(1e100), repr(-0.0), repr(complex(1, 2)), repr(1j), repr(True), str(False))
print(repr('\'"'), repr("'"), repr('"'), repr('\x1b'), repr('é'), ascii('é'), repr('\ud800'))
class Default:
    pass
dflt = Default()
print(str(dflt) == repr(dflt), object.__repr__(b).startswith('<__main__.Both object at 0x'))
class Rec:
    def __init__(self):
        self.me = [self]
    def __repr__(self):
        return f'Rec({self.me!r})'
class Safe:
    active = False
    def __repr__(self):
        if Safe.active:
            return '...'
        Safe.active = True
        try:
            return f'Safe({self.inner!r})'
        finally:
            Safe.active = False
s = Safe()
s.inner = [s, {'k': s}]
print(s)
print(repr(Both.__repr__)[:29], str(Both.__str__)[:28])
