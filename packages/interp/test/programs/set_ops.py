# sets and frozensets (ints only where iteration order is printed: str hashes vary with the seed).
a = {1, 2, 3, 4}
b = {3, 4, 5}
print(a | b, a & b, a - b, b - a, a ^ b, a <= b, {3} < a, a.isdisjoint({9}))
print(a.union([7], (8,)), a.intersection(b, {4}), a.difference({1}, {2}), a.symmetric_difference([1, 10]))
s = set()
for x in [5, 3, 5, 1, 3]:
    s.add(x)
print(s, len(s), 3 in s, 4 in s)
s.discard(100); s.discard(5); print(s)
s.remove(1); print(s)
s.update([10, 11], {12}); print(s)
s |= {0}; s &= {0, 3, 10, 99}; print(s)
s -= {0}; s ^= {3, 4}; print(s)
print(s.pop(), s, s.copy() == s)
s.clear(); print(s, set(), frozenset(), type({}).__name__)
f = frozenset([3, 2, 1])
print(f, f | {9}, hash(f) == hash(frozenset({1, 2, 3})), {f: 'key'}[frozenset([1, 2, 3])])
print(set(range(10)) - set(range(0, 10, 2)), {x % 4 for x in range(20)}, set('aaa'), sorted(set('mississippi')))
print(sorted({'pear', 'apple', 'fig'}), len({'x', 'y', 'x'}), 'x' in {'x'}, {1, 2} == {2, 1}, {1} != {1.0})
big = {i * 7919 % 1000 for i in range(50)}
print(sorted(big)[:10], len(big), min(big), max(big), sum(big))
print({True, 1, 1.0}, {0, False, 0.0, -0.0}, {(1, 2), (1, 2)}, {None})
try:
    set().pop()
except KeyError as e:
    print('KeyError', e)
try:
    {1}.remove(2)
except KeyError as e:
    print('KeyError', e)
try:
    {[1]}
except TypeError as e:
    print('TypeError', e)
try:
    f.add(4)
except AttributeError as e:
    print('AttributeError', e)
fs = {frozenset({1}), frozenset({1, 2})}
print(sorted(len(x) for x in fs), set([1, 2, 3]) >= {1}, {1, 2}.issubset([1, 2, 3]), {1, 2, 3}.issuperset([2]))
