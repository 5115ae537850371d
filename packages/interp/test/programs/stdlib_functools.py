# functools: reduce, partial, wraps, lru_cache, cache, total_ordering, cmp_to_key, singledispatch-free.
import functools
print(functools.reduce(lambda a, b: a * b, range(1, 8)), functools.reduce(lambda a, b: a + b, [], 'init'), functools.reduce(max, [3, 9, 2]))
try:
    functools.reduce(lambda a, b: a, [])
except TypeError as e:
    print('TypeError', e)
def power(base, exp, *, mod=None):
    return pow(base, exp, mod)
square = functools.partial(power, exp=2)
cube_mod = functools.partial(power, exp=3, mod=7)
two_to = functools.partial(power, 2)
print(square(9), cube_mod(4), two_to(10), square.func is power, square.args, square.keywords, two_to.args)
print(functools.partial(square, mod=5)(4), repr(functools.partial(max, 1))[:27])
calls = []
@functools.lru_cache(maxsize=3)
def slow(n):
    calls.append(n)
    return n * n
for n in [1, 2, 1, 3, 4, 1, 2]:
    slow(n)
print(calls, slow.cache_info())
slow.cache_clear()
print(slow.cache_info())
@functools.cache
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(100), fib.cache_info().currsize)
@functools.lru_cache
def typed_default(x):
    return type(x).__name__
print(typed_default(1), typed_default(1.0), typed_default.cache_info().hits)
def deco(fn):
    @functools.wraps(fn)
    def inner(*a):
        return fn(*a)
    return inner
@deco
def documented(x):
    """Doc here."""
    return x
print(documented.__name__, documented.__doc__, documented.__wrapped__.__name__, documented.__qualname__)
@functools.total_ordering
class Money:
    def __init__(self, c):
        self.c = c
    def __eq__(self, o):
        return self.c == o.c
    def __lt__(self, o):
        return self.c < o.c
print(Money(1) <= Money(2), Money(3) > Money(2), Money(2) >= Money(2), Money(5) != Money(5))
def cmp(a, b):
    return (a > b) - (a < b) if len(a) == len(b) else len(a) - len(b)
print(sorted(['ccc', 'a', 'bb', 'aa', 'b'], key=functools.cmp_to_key(cmp)))
class Cell:
    def __init__(self):
        self.n = 0
    @functools.cached_property
    def expensive(self):
        self.n += 1
        return 'computed'
c = Cell()
print(c.expensive, c.expensive, c.n)
print(functools.partial(print, 'partial', sep='-')('print'))
