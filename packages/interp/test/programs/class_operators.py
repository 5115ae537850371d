# Operator dunders, reflected and in-place variants, NotImplemented fallbacks.
class V:
    def __init__(self, *c):
        self.c = tuple(c)
    def __repr__(self):
        return 'V' + repr(self.c)
    def __add__(self, o):
        if isinstance(o, V):
            return V(*(a + b for a, b in zip(self.c, o.c)))
        if isinstance(o, (int, float)):
            return V(*(a + o for a in self.c))
        return NotImplemented
    def __radd__(self, o):
        print('__radd__ with', o)
        return self + o
    def __sub__(self, o):
        return V(*(a - b for a, b in zip(self.c, o.c)))
    def __mul__(self, k):
        return V(*(a * k for a in self.c))
    __rmul__ = __mul__
    def __matmul__(self, o):
        return sum(a * b for a, b in zip(self.c, o.c))
    def __truediv__(self, k):
        return V(*(a / k for a in self.c))
    def __floordiv__(self, k):
        return V(*(a // k for a in self.c))
    def __mod__(self, k):
        return V(*(a % k for a in self.c))
    def __pow__(self, k, mod=None):
        return V(*(pow(a, k, mod) for a in self.c))
    def __neg__(self):
        return V(*(-a for a in self.c))
    def __pos__(self):
        return self
    def __abs__(self):
        return sum(a * a for a in self.c) ** 0.5
    def __invert__(self):
        return V(*reversed(self.c))
    def __len__(self):
        return len(self.c)
    def __getitem__(self, i):
        return self.c[i]
    def __contains__(self, x):
        return x in self.c
    def __bool__(self):
        return any(self.c)
    def __lt__(self, o):
        return abs(self) < abs(o)
    def __eq__(self, o):
        return isinstance(o, V) and self.c == o.c
    __hash__ = None
    def __iadd__(self, o):
        print('__iadd__')
        self.c = (self + o).c
        return self
    def __lshift__(self, n):
        return V(*(self.c[n:] + self.c[:n]))
    def __and__(self, o):
        return 'and'
    def __rand__(self, o):
        return 'rand'
    def __or__(self, o):
        return 'or'
    def __xor__(self, o):
        return 'xor'
    def __rshift__(self, o):
        return 'rshift'
    def __rsub__(self, o):
        return 'rsub from ' + repr(o)
    def __rtruediv__(self, o):
        return 'rtruediv'
    def __rpow__(self, o):
        return 'rpow ' + repr(o)
    def __call__(self, *a):
        return ('called', a)
    def __index__(self):
        return len(self.c)
    def __int__(self):
        return 99
    def __float__(self):
        return 1.5
    def __round__(self, n=None):
        return ('round', n)
a, b = V(1, 2, 3), V(4, 5, 6)
print(a + b, a - b, a * 2, 3 * a, a @ b, b / 2, b // 4, b % 4, a ** 2, pow(a, 2, 3))
print(-a, +a is a, abs(V(3, 4)), ~a, len(a), a[1], a[::-1], 2 in a, 7 in a, bool(V(0, 0)), bool(a))
print(a < b, a > b, a == V(1, 2, 3), a != b, a == 5, sorted([b, a]))
print(a + 1, 1 + a, sum([a, b], V(0, 0, 0)))
c = a
c += b
print(c, a, c is a)
print(a << 1, a & 1, 1 & a, a | 0, a ^ 0, a >> 1, 5 - a, 1 / a, 2 ** a, a(1, 2))
print([10, 20, 30, 40][V(1)], hex(V(1, 2)), int(a), float(a), round(a), round(a, 2), bin(a))
try:
    hash(a)
except TypeError as e:
    print('TypeError', e)
try:
    a + 'str'
except TypeError as e:
    print('TypeError', e)
try:
    'str' + a
except TypeError as e:
    print('TypeError', e)
class Only:
    def __eq__(self, o):
        print('Only.__eq__')
        return NotImplemented
print(Only() == Only(), Only() != 5)
class Sub(V):
    def __radd__(self, o):
        return 'Sub.__radd__ wins'
print(V(1) + Sub(1))
class Cmp:
    def __init__(self, v):
        self.v = v
    def __lt__(self, o):
        print(f'{self.v}.__lt__({o.v})')
        return self.v < o.v
    def __gt__(self, o):
        print(f'{self.v}.__gt__({o.v})')
        return self.v > o.v
print(Cmp(1) < Cmp(2), Cmp(1) > Cmp(2))
print(max(Cmp(3), Cmp(9)).v)
try:
    Cmp(1) <= Cmp(2)
except TypeError as e:
    print('TypeError', e)
class Num:
    def __init__(self, v):
        self.v = v
    def __iadd__(self, o):
        return NotImplemented
    def __add__(self, o):
        return Num(self.v + o)
n = Num(1)
n += 5
print(n.v)
