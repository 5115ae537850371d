# Unpacking: tuples, starred targets, nested, in loops, calls and displays.
a, b, c = 1, 2, 3
print(a, b, c)
a, *rest = [1, 2, 3, 4]
print(a, rest)
*init, last = 'hello'
print(init, last)
first, *mid, end = range(6)
print(first, mid, end)
x, *y = [1]
print(x, y)
(p, q), r = (1, 2), 3
print(p, q, r)
[m, (n, *o)], s = [[1, [2, 3, 4]], 5]
print(m, n, o, s)
for i, (k, v) in enumerate({'a': 1, 'b': 2}.items()):
    print(i, k, v)
for head, *tail in [(1, 2, 3), (4,), 'xy']:
    print(head, tail)
print(*[1, 2], *'ab', *range(2))
print([*range(3), *'xy'], (*[1], 2), {*[1, 2], 3}, {**{'a': 1}, 'b': 2, **dict(c=3)})
def f(*args, **kwargs):
    return args, kwargs
print(f(*[1, 2], 3, *(4,), k=1, **{'j': 2}))
d = {}
d['x'], d['y'] = 'xy'
print(d)
lst = [0, 0, 0]
lst[0], lst[2] = 7, 8
print(lst)
i = 0
i, lst[i] = 1, 'set'
print(i, lst)
try:
    a, b = [1, 2, 3]
except ValueError as e:
    print('ValueError', e)
try:
    a, b, c = [1]
except ValueError as e:
    print('ValueError', e)
try:
    a, *b, c = [1]
except ValueError as e:
    print('ValueError', e)
try:
    a, b = 5
except TypeError as e:
    print('TypeError', e)
class Three:
    def __iter__(self):
        yield from (10, 20, 30)
u, *v = Three()
print(u, v)
a = b = c = 'same'
print(a, b, c)
(a, b), (c, d2) = 'ab', 'cd'
print(a, b, c, d2)
t = 1,
print(t, len(t))
print(*(x * 2 for x in range(3)), sep='|')
