# dicts: insertion order, methods, views, merging.
d = {'b': 2, 'a': 1}
d['c'] = 3
d['b'] = 20
print(d, len(d), d['a'], d.get('z'), d.get('z', 0), 'a' in d, 'z' not in d)
print(list(d), list(d.keys()), list(d.values()), list(d.items()))
print(d.pop('a'), d, d.pop('zz', 'dflt'), d.setdefault('e', 5), d.setdefault('e', 6), d)
print(d.popitem(), d)
d.update({'x': 1}, y=2)
d.update([('z', 3)])
print(d)
del d['x']
print(d, d | {'q': 0}, {'b': 0} | d)
d |= {'b': -1, 'new': 9}
print(d)
print(dict(a=1, b=2), dict([(1, 2), (3, 4)]), dict.fromkeys('abc', 0), dict.fromkeys([1, 2]), dict(zip('xy', [7, 8])))
c = d.copy(); c['copy'] = 1; print(len(d), len(c), c == d, {'a': 1, 'b': 2} == {'b': 2, 'a': 1})
d.clear(); print(d)
e = {1: 'int', 1.0: 'float', True: 'bool'}
print(e)
keys = {(1, 2): 'tuple', None: 'none', 'k': 'str', 3: 'int', frozenset({1}): 'fs'}
print(keys[(1, 2)], keys[None], keys[frozenset([1])])
counts = {}
for w in 'a b a c b a'.split():
    counts[w] = counts.get(w, 0) + 1
print(counts, sorted(counts.items(), key=lambda kv: -kv[1]))
sq = {i: i * i for i in range(6)}
print(sq, {v: k for k, v in sq.items() if k % 2})
for k in sq:
    print(k, sq[k], end='; ')
print()
for k, v in reversed(sq.items()):
    print(k, v, end='; ')
print()
print(list(reversed(sq)), min(sq), max(sq.values()), sum(sq), sorted(sq, reverse=True))
try:
    print(sq[99])
except KeyError as e:
    print('KeyError', e, repr(e))
try:
    for k in sq:
        sq[k + 100] = 0
except RuntimeError as e:
    print('RuntimeError', e)
try:
    {}.popitem()
except KeyError as e:
    print('KeyError', e)
try:
    {[1]: 2}
except TypeError as e:
    print('TypeError', e)
m = {'k': [1]}
n = dict(m)
n['k'].append(2)
print(m, n)
print(dict(sorted({'z': 1, 'a': 2}.items())), {**{'a': 1}, **{'b': 2}, 'c': 3})
