# functools: reduce, partial, wraps, lru_cache, cache, cached_property, total_ordering, cmp_to_key, singledispatch.
import functools as ft


def error(label, fn):
    try:
        fn()
    except Exception as e:
        print(label, type(e).__name__, e)
    else:
        print(label, 'no error')


print('reduce', ft.reduce(lambda a, b: a * b, range(1, 8)), ft.reduce(lambda a, b: a + b, [], 'start'))
error('reduce empty', lambda: ft.reduce(lambda a, b: a + b, []))
error('reduce not iterable', lambda: ft.reduce(lambda a, b: a + b, 5))

int2 = ft.partial(int, base=2)
print('partial', int2('1011'), int2.func is int, int2.args, int2.keywords)
p = ft.partial(ft.partial(max, 1), 5, key=abs)
print('partial flattened', p.func is max, p.args, p.keywords, p(-7))
print('partial repr', repr(ft.partial(max, 1, key=abs)))
error('partial not callable', lambda: ft.partial(1))


def greet(greeting, name, punct='!'):
    return greeting + ', ' + name + punct


hello = ft.partial(greet, 'Hello', punct='?')
print('partial call', hello('Ann'), hello('Bob', punct='.'))


def deco(f):
    @ft.wraps(f)
    def wrapper(*args, **kwargs):
        return f(*args, **kwargs)
    return wrapper


@deco
def documented(x):
    """Doubles x."""
    return 2 * x


print('wraps', documented.__name__, documented.__doc__, documented.__wrapped__(4), documented(5))
print('WRAPPER_ASSIGNMENTS', ft.WRAPPER_ASSIGNMENTS, ft.WRAPPER_UPDATES)

calls = []


@ft.lru_cache(maxsize=2)
def square(n):
    calls.append(n)
    return n * n


print('lru', [square(i) for i in (1, 2, 1, 3, 1, 2)], calls)
print('lru info', square.cache_info())
square.cache_clear()
print('lru cleared', square.cache_info(), square.cache_parameters())


@ft.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print('fib', fib(80), fib.cache_info())


@ft.lru_cache(typed=True)
def kind(x):
    return type(x).__name__


print('typed', kind(1), kind(1.0), kind(True), kind.cache_info())


@ft.cache
def triple(x):
    return 3 * x


print('cache', triple(3), triple(3), triple.cache_info())
error('lru bad maxsize', lambda: ft.lru_cache('x'))


class Circle:
    computed = 0

    def __init__(self, r):
        self.r = r

    @ft.cached_property
    def area(self):
        Circle.computed += 1
        return 3 * self.r * self.r


c = Circle(2)
print('cached_property', c.area, c.area, Circle.computed, 'area' in c.__dict__)
del c.area
print('recomputed', c.area, Circle.computed)


@ft.total_ordering
class Version:
    def __init__(self, n):
        self.n = n

    def __eq__(self, other):
        return self.n == other.n

    def __lt__(self, other):
        return self.n < other.n


print('total_ordering', Version(1) <= Version(2), Version(3) > Version(2), Version(2) >= Version(2), Version(5) <= Version(4))
error('total_ordering none', lambda: ft.total_ordering(type('E', (), {})))
print('cmp_to_key', sorted([5, 2, 9, 1], key=ft.cmp_to_key(lambda a, b: b - a)))
print('cmp_to_key words', sorted(['ccc', 'a', 'bb'], key=ft.cmp_to_key(lambda a, b: len(a) - len(b))))


@ft.singledispatch
def describe(x):
    return 'thing'


@describe.register(int)
def _(x):
    return 'int %d' % x


@describe.register
def _(x: list):
    return 'list of %d' % len(x)


print('singledispatch', describe(3), describe(True), describe([1, 2]), describe('s'), describe(2.5))
