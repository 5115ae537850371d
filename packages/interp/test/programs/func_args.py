# Defaults, *args/**kwargs, keyword-only and positional-only parameters.
def f(a, b=2, *args, c, d=4, **kw):
    return (a, b, args, c, d, kw)
print(f(1, c=3))
print(f(1, 2, 3, 4, c=5, e=6))
print(f(a=1, c=2, b=9, z=0))
print(f(*[1, 2, 3], **{'c': 7, 'q': 8}))
def pos(a, b, /, c, *, d):
    return a, b, c, d
print(pos(1, 2, 3, d=4), pos(1, 2, c=3, d=4))
def pk(a, /, **kw):
    return a, kw
print(pk(1, a=2))
def defaults(x, acc=[]):
    acc.append(x)
    return acc
print(defaults(1), defaults(2), defaults(3, []), defaults(4))
print(f.__defaults__, f.__kwdefaults__, f.__code__.co_argcount, f.__code__.co_kwonlyargcount, f.__code__.co_posonlyargcount)
print(pos.__name__, pos.__qualname__, f.__code__.co_varnames)
def varargs(*a):
    return a
print(varargs(), varargs(1), varargs(*'abc'), varargs(*range(3), *[9]))
def kwonly(*, x=1, y):
    return x, y
print(kwonly(y=2), kwonly(y=3, x=4))
errors = [
    lambda: f(),
    lambda: f(1),
    lambda: f(1, c=1, a=2),
    lambda: pos(1, b=2, c=3, d=4),
    lambda: pos(1, 2, 3, 4),
    lambda: kwonly(1),
    lambda: kwonly(y=1, z=2),
    lambda: varargs(x=1),
    lambda: defaults(),
    lambda: defaults(1, 2, 3),
    lambda: f(1, c=1, **{'c': 2}),
    lambda: f(1, **{1: 2}),
    lambda: f(1, *5),
    lambda: len(),
    lambda: len([], []),
    lambda: int(x=1),
    lambda: (lambda a, b: 0)(1),
]
for thunk in errors:
    try:
        thunk()
    except TypeError as e:
        print('TypeError:', e)
def annotated(a: int, b: 'str' = 'x') -> list:
    return [a, b]
print(annotated(1), annotated.__annotations__)
def doc():
    """The docstring."""
print(doc.__doc__, doc(), (lambda: None).__doc__)
def outer(n, *, sep=', ', **opts):
    return sep.join(str(i) for i in range(n)) + str(sorted(opts.items()))
print(outer(4), outer(3, sep='-', z=1, a=2))
print(max(3, 1, key=lambda v: -v), sorted('bca', reverse=True), print('inner', end='') or '|')
