# Properties, __getitem__ and __call__ of classes run as frames (no JavaScript re-entry): they nest as
# deep as Python calls, and keep CPython's results, errors and fallbacks.
import sys
class Node:
    def __init__(self, parent):
        self.parent = parent
    @property
    def depth(self):
        return 1 + (self.parent.depth if self.parent is not None else 0)
n = None
for i in range(800):
    n = Node(n)
print('property depth', n.depth)

class Seq:
    def __getitem__(self, i):
        return 0 if i == 0 else 1 + self[i - 1]
print('getitem depth', Seq()[700])

class Fact:
    def __call__(self, k):
        return 1 if k <= 1 else k * self(k - 1)
print('call depth', Fact()(600) % 1000003)

class Bad:
    @property
    def boom(self):
        raise ValueError('from getter')
    def __getitem__(self, k):
        raise KeyError(k)
    def __call__(self, a, b=2, *, c=3):
        return (a, b, c)
try:
    Bad().boom
except ValueError as e:
    print('ValueError', e)
try:
    Bad()['k']
except KeyError as e:
    print('KeyError', e)
print(Bad()(1), Bad()(1, c=5), Bad()(1, 7))
try:
    Bad()()
except TypeError as e:
    print('TypeError', e)
class Inf:
    @property
    def x(self):
        return self.x
try:
    Inf().x
except RecursionError as e:
    print('RecursionError', e)
class G:
    @property
    def gen(self):
        yield 1
        yield 2
    def __getitem__(self, k):
        yield k
print(list(G().gen), list(G()[5]))
class Meta(type):
    def __call__(cls, *a):
        return ('meta', cls.__name__, a)
class M(metaclass=Meta): pass
print(M(1, 2))
class Sub(Fact):
    pass
print(Sub()(5))
class WithGetattr:
    def __getattr__(self, name):
        return 'fallback ' + name
    @property
    def p(self):
        raise AttributeError('nope')
print(WithGetattr().p)
class S:
    __slots__ = ('v',)
    def __init__(self): self.v = 1
    @property
    def pv(self): return self.v * 10
print(S().pv)
