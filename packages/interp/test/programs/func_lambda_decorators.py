# Lambdas and decorators (with arguments, stacked, functools.wraps, on methods).
import functools
sq = lambda x: x * x
print(sq(7), (lambda: 'no args')(), (lambda *a, **k: (a, k))(1, b=2), sq.__name__)
print(sorted([(1, 'b'), (2, 'a')], key=lambda p: p[1]), list(map(lambda x, y: x + y, [1, 2], [10, 20])))
calls = []
def trace(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        calls.append(fn.__name__)
        result = fn(*args, **kwargs)
        print(f'{fn.__name__}{args} -> {result}')
        return result
    return wrapper
@trace
def add(a, b):
    """Adds."""
    return a + b
add(1, 2)
print(add.__name__, add.__doc__, add.__wrapped__(5, 5), calls)
def repeat(times):
    def deco(fn):
        def wrapper(*a):
            return [fn(*a) for _ in range(times)]
        return wrapper
    return deco
@repeat(3)
def hello(name):
    return 'hi ' + name
print(hello('bob'))
def tag(label):
    def deco(fn):
        def w():
            return f'<{label}>{fn()}</{label}>'
        return w
    return deco
@tag('b')
@tag('i')
def text():
    return 'x'
print(text())
order = []
def mark(name):
    order.append('factory ' + name)
    def deco(fn):
        order.append('apply ' + name)
        return fn
    return deco
@mark('outer')
@mark('inner')
def marked():
    pass
print(order)
registry = {}
def register(fn):
    registry[fn.__name__] = fn
    return fn
@register
def alpha():
    return 'a'
@register
def beta():
    return 'b'
print(sorted(registry), registry['beta']())
class Counter:
    def __init__(self, fn):
        self.fn = fn
        self.count = 0
    def __call__(self, *a):
        self.count += 1
        return self.fn(*a)
@Counter
def triple(x):
    return 3 * x
print(triple(2), triple(3), triple.count)
class Service:
    def __repr__(self):
        return 'Service()'
    @staticmethod
    @trace
    def ping(x):
        return x
    @trace
    def method(self, y):
        return y * 2
Service.ping('p')
Service().method(4)
@(lambda fn: fn())
def evaluated():
    return 'evaluated at definition'
print(evaluated)
comp = functools.reduce(lambda f, g: lambda x: g(f(x)), [lambda x: x + 1, lambda x: x * 2, str])
print(repr(comp(4)))
