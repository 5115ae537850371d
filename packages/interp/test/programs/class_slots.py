# __slots__.
class P:
    __slots__ = ('x', 'y')
    def __init__(self, x, y):
        self.x, self.y = x, y
p = P(1, 2)
print(p.x, p.y, hasattr(p, '__dict__'), P.__slots__, type(P.x).__name__)
p.x = 10
print(p.x)
try:
    p.z = 3
except AttributeError as e:
    print('AttributeError', e)
del p.y
try:
    p.y
except AttributeError as e:
    print('AttributeError', e)
class Q(P):
    __slots__ = ('z',)
q = Q(1, 2)
q.z = 3
print(q.x, q.y, q.z, hasattr(q, '__dict__'))
class R(P):
    pass
r = R(1, 2)
r.anything = 'ok'
print(r.anything, r.__dict__)
class WithDict:
    __slots__ = ('a', '__dict__')
w = WithDict()
w.a = 1
w.b = 2
print(w.a, w.__dict__)
class Single:
    __slots__ = 'only'
s = Single()
s.only = 'one'
print(s.only, Single.__slots__)
try:
    class Conflict:
        __slots__ = ('v',)
        v = 5
except ValueError as e:
    print('ValueError', e)
class Weak:
    __slots__ = ('__weakref__', 'v')
import weakref
wk = Weak()
print(weakref.ref(wk)() is wk)
try:
    weakref.ref(p)
except TypeError as e:
    print('TypeError', e)
class Defaults:
    __slots__ = ('a', 'b')
    def __init__(self, a, b=None):
        self.a = a
        if b is not None:
            self.b = b
d = Defaults(1)
print(d.a, getattr(d, 'b', 'unset'))
print(sorted(n for n in dir(Q) if not n.startswith('__')))
