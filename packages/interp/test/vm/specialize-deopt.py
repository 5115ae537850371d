import math

class P:
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def norm(self):
        return self.x * self.x + self.y * self.y

def getx(o):
    return o.x

def setx(o, v):
    o.x = v

def call_norm(o):
    return o.norm()

def sqrt_of(v):
    return math.sqrt(v)

def glob():
    return G

def builtin_len(s):
    return len(s)

G = 1
ps = [P(i, i + 1) for i in range(4)]
for i in range(300):
    p = ps[i % 4]
    getx(p); setx(p, i); call_norm(p); sqrt_of(4.0); glob(); builtin_len('ab')

out = []
# LOAD_ATTR_INSTANCE_VALUE: a deleted attribute falls back to the class, then AttributeError
p = P(3, 4)
out.append(getx(p))
P.x = 'class x'
del p.x
out.append(getx(p))
del P.x
try:
    getx(p)
except AttributeError as e:
    out.append(str(e))
# the instance dict replaced, a dict subclass, many attributes (the dict turns combined)
p = P(1, 2)
p.__dict__ = {'x': 'replaced'}
out.append(getx(p))
q = P(5, 6)
for k in range(40):
    setattr(q, 'a%d' % k, k)
out.append(getx(q))
setx(q, 'combined')
out.append(getx(q))
# another class, a property on the class (a data descriptor wins)
class Q:
    pass
qq = Q()
qq.x = 'Q.x'
out.append(getx(qq))
setx(qq, 'Q set')
out.append(qq.x)
class R(P):
    @property
    def x(self):
        return 'property'
    @x.setter
    def x(self, v):
        self.__dict__['_x'] = v
r = R.__new__(R)
r.y = 0
out.append(getx(r))
setx(r, 'through setter')
out.append(r.__dict__)
# __slots__ and __setattr__
class S:
    __slots__ = ('x', 'y')
s = S()
setx(s, 'slot')
out.append(getx(s))
class T(P):
    def __setattr__(self, name, value):
        object.__setattr__(self, name, ('wrapped', value))
t = T(0, 0)
setx(t, 7)
out.append(getx(t))
# LOAD_ATTR_METHOD_WITH_VALUES: an instance attribute shadows the method; the method replaced on the class
p = P(1, 1)
out.append(call_norm(p))
p.norm = lambda: 'instance norm'
out.append(call_norm(p))
P.norm = lambda self: 'new class norm'
out.append(call_norm(P(0, 0)))
other = P(2, 2)
other.z = 3  # a new key in the shared keys
out.append(call_norm(other))
# LOAD_ATTR_MODULE: rebound, deleted, another module object
math.sqrt = lambda v: 'patched'
out.append(sqrt_of(9.0))
del math.sqrt
try:
    sqrt_of(9.0)
except AttributeError as e:
    out.append(str(e))
# LOAD_GLOBAL_MODULE / LOAD_GLOBAL_BUILTIN: rebound, deleted, a global shadowing a builtin
G = 2
out.append(glob())
del G
try:
    glob()
except NameError as e:
    out.append(str(e))
G = 3
out.append(glob())
len = lambda s: 'global len'
out.append(builtin_len('abc'))
del len
out.append(builtin_len('abcd'))
import builtins
builtins.len = lambda s: 'builtin patched'
out.append(builtin_len('abcde'))
for item in out:
    print(item)

# CALL_PY_EXACT_ARGS: the function's code or defaults replaced, a bound method, another function
def add3(a, b, c):
    return a + b + c
def call3(f, x):
    return f(x, 1, 2)
class Acc:
    def __init__(self, v):
        self.v = v
    def bump(self, a, b):
        return self.v + a + b
def call_bound(m):
    return m(10, 20)
for i in range(300):
    call3(add3, i); call_bound(Acc(i).bump)
print(call3(add3, 100), call_bound(Acc(5).bump))
add3.__code__ = (lambda a, b, c: a * b * c).__code__
print(call3(add3, 7))
def add2(a, b, c=100):
    return a - b - c
print(call3(add2, 50), call3(lambda *args: args, 'x'), call3(max, 0))
add3.__defaults__ = (1,)
print(call3(add3, 3))
try:
    call3(lambda a: a, 1)
except TypeError as e:
    print('TypeError', e)
# CALL_ALLOC_AND_ENTER_INIT: __init__ replaced, returning non-None, raising, __new__ overridden, a metaclass __call__
class Pt:
    def __init__(self, x):
        self.x = x
def make(cls, v):
    return cls(v)
for i in range(300):
    make(Pt, i)
print(make(Pt, 42).x)
Pt.__init__ = lambda self, x: setattr(self, 'x', x * 2)
print(make(Pt, 42).x)
def bad_init(self, x):
    return x
Pt.__init__ = bad_init
try:
    make(Pt, 1)
except TypeError as e:
    print('TypeError', e)
def raising_init(self, x):
    raise ValueError('init failed %r' % (x,))
Pt.__init__ = raising_init
try:
    make(Pt, 2)
except ValueError as e:
    print('ValueError', e)
class WithNew(Pt):
    def __new__(cls, x):
        o = object.__new__(cls)
        o.made = 'by __new__'
        return o
    def __init__(self, x):
        self.x = x
print(make(WithNew, 3).made)
class Meta(type):
    def __call__(cls, *args):
        return ('meta call', args)
class M(metaclass=Meta):
    def __init__(self, x):
        pass
print(make(M, 4))
try:
    make(Pt, 1, )
except ValueError as e:
    print('ValueError again', e)
print(make(dict, {'k': 1}), make(int, '12'))
class Deep:
    def __init__(self, n):
        self.child = Deep(n - 1) if n else None
d = Deep(500)
depth = 0
while d is not None:
    depth += 1
    d = d.child
print('depth', depth)
# LOAD_ATTR_METHOD_NO_DICT on a class with __slots__ only: a Python method, then replaced on the class,
# then a subclass instance (another version), then a builtin method descriptor of a slotted subclass
class Slotted:
    __slots__ = ('v',)
    def __init__(self, v):
        self.v = v
    def norm(self):
        return ('slotted', self.v)
def call_norm_slotted(o):
    return o.norm()
sl = Slotted(3)
for i in range(300):
    call_norm_slotted(sl)
print(call_norm_slotted(sl))
Slotted.norm = lambda self: ('replaced', self.v)
print(call_norm_slotted(sl))
class SubSlotted(Slotted):
    __slots__ = ()
    def norm(self):
        return ('sub', self.v)
print(call_norm_slotted(SubSlotted(4)))
class SlottedList(list):
    __slots__ = ()
def appender(o, v):
    o.append(v)
    return len(o)
sll = SlottedList()
for i in range(300):
    appender(sll, i)
print(appender(sll, 'x'), sll[-1])
SlottedList.append = lambda self, v: 'shadowed append'
print(appender(sll, 'y'))
