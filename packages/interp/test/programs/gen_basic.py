# Generators: laziness, state, StopIteration, return value, generator expressions.
def countdown(n):
    print('start', n)
    while n > 0:
        yield n
        n -= 1
    print('done')
    return 'finished'
g = countdown(3)
print(type(g).__name__, g.__name__, g.__qualname__)
print(next(g))
print(next(g), next(g))
try:
    next(g)
except StopIteration as e:
    print('StopIteration', e.value, e.args)
print(next(g, 'default'))
print(list(countdown(4)))
def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
f = fib()
print([next(f) for _ in range(15)])
def take(n, it):
    for i, v in enumerate(it):
        if i >= n:
            return
        yield v
print(list(take(5, fib())), list(take(3, 'abcdef')))
def pipeline():
    nums = (i for i in range(20))
    evens = (n for n in nums if n % 2 == 0)
    squares = (n * n for n in evens)
    return list(squares)
print(pipeline())
gen = (x * 10 for x in [1, 2, 3])
print(list(gen), list(gen))
print(sum(i for i in range(100) if i % 7 == 0), any(x > 5 for x in range(10)), all(x < 5 for x in range(3)))
def with_finally():
    try:
        yield 1
        yield 2
    finally:
        print('cleanup')
for v in with_finally():
    print('got', v)
for v in with_finally():
    print('got once', v)
    break
import gc
gc.collect()
def gen_state():
    yield 1
s = gen_state()
print(s.gi_running, s.gi_frame is not None, s.gi_suspended)
next(s)
print(s.gi_suspended)
list(s)
print(s.gi_frame)
def early_return(flag):
    if flag:
        return 'early'
    yield 'never'
try:
    next(early_return(True))
except StopIteration as e:
    print('early value', e.value)
def reenter():
    yield next(me)
me = reenter()
try:
    next(me)
except ValueError as e:
    print('ValueError', e)
def gen_raises():
    yield 1
    raise KeyError('inside')
try:
    for v in gen_raises():
        print('v', v)
except KeyError as e:
    print('KeyError', e)
def stop_inside():
    yield 1
    raise StopIteration('bad')
try:
    list(stop_inside())
except RuntimeError as e:
    print('RuntimeError', e, type(e.__cause__).__name__)
def infinite_squares():
    n = 0
    while True:
        n += 1
        yield n * n
for sq in infinite_squares():
    if sq > 50:
        break
    print(sq, end=' ')
print()
def lines():
    yield from ['a\n', 'b\n']
print(''.join(lines()), end='')
print(list(zip(fib(), 'xyz')), dict(enumerate(take(3, fib()))))
