# tuples: packing, immutability, comparisons, hashing.
t = (1, 'two', 3.0, None, (4, 5))
print(t, len(t), t[1], t[-1][0], t[1:3], t[::-1], t.count(1), t.index(None))
print((), (1,), tuple(), tuple([1, 2]), tuple('ab'), tuple(range(3)), type((1)).__name__, type((1,)).__name__)
p = 1, 2, 3
print(p, p + (4,), p * 2, (0,) * 3, 2 in p, (1, 2) < (1, 3), (1, 2, 3) > (1, 2))
print(hash((1, 2)) == hash((1, 2)), {(1, 2): 'pair'}[(1, 2)], sorted([(2, 1), (1, 2), (1, 1)]))
a, b = b, a = 1, 2
print(a, b)
x, y = 10, 20
x, y = y, x
print(x, y)
nested = ((1, 2), (3, 4))
for (m, n) in nested:
    print(m, n, m * n)
try:
    t[0] = 5
except TypeError as e:
    print('TypeError', e)
try:
    hash(([1],))
except TypeError as e:
    print('TypeError', e)
mut = ([1], [2])
mut[0].append(9)
print(mut)
try:
    mut[0] += [10]
except TypeError as e:
    print('TypeError', e, mut)
print(repr((1,)), str(('a',)), max((3, 9, 1)), sum((1, 2, 3)), tuple(x * 2 for x in (1, 2)))
print(divmod(7, 2), (lambda *a: a)(1, 2), tuple.__len__((1, 2)))
