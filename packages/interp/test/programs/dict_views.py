# dict views are live and set-like.
d = {'a': 1, 'b': 2, 'c': 3}
k, v, it = d.keys(), d.values(), d.items()
print(k, v, it, len(k), 'a' in k, 2 in v, ('a', 1) in it, ('a', 2) in it)
d['d'] = 4
del d['a']
print(k, v, it)
print(sorted(k & {'b', 'x'}), sorted(k | {'z'}), sorted(k - {'b'}), sorted(k ^ {'b', 'q'}), k == {'b', 'c', 'd'})
print(sorted(it & {('b', 2), ('c', 9)}), k.isdisjoint({'x'}), k <= {'b', 'c', 'd', 'e'})
print(list(reversed(k)), list(reversed(v)), list(reversed(it)))
print(k.mapping if hasattr(k, 'mapping') else 'nomapping')
it2 = iter(d)
print(next(it2))
d['e'] = 5
try:
    next(it2)
except RuntimeError as e:
    print('RuntimeError', e)
ints = {5: 'a', 1: 'b', 3: 'c'}
print(set(ints) | {2}, ints.keys() - {1})
print(list(zip(ints.keys(), ints.values())), dict(zip(ints.values(), ints.keys())))
try:
    v == v
    print(v == d.values(), 'values compare by identity')
except Exception as e:
    print(type(e).__name__)
