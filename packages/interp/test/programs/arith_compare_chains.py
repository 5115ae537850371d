# Comparison chains evaluate each operand once and short-circuit.
calls = []
def v(x):
    calls.append(x)
    return x
print(1 < 2 < 3, 1 < 3 < 2, 3 > 2 > 1 > 0, 1 == 1.0 == True, 1 < 2 > 0 != 5)
print(v(1) < v(2) < v(3), calls); calls.clear()
print(v(3) < v(2) < v(1), calls); calls.clear()
print(v(1) == v(1) != v(2) < v(5) <= v(5) >= v(4), calls); calls.clear()
x = 5
print(0 <= x < 10, 0 <= x < 5, x in [1, 5], x not in (5,), 'a' in 'cat', 'dog' not in 'cat')
print([1, 2] < [1, 3], [1, 2] < [1, 2, 0], (1, 'b') > (1, 'a'), 'abc' < 'abd', 'Z' < 'a', '' < 'a')
print([] == [], [] is [], None is None, None is not None, x is not None)
print(1 < 1.5 < 2, 2 ** 64 > 1e19, 2 ** 64 == 2.0 ** 64, 2 ** 53 + 1 == 2.0 ** 53 + 1)
print(float('nan') < 1, float('nan') == float('nan'), 1 < float('inf'))
print({1, 2} < {1, 2, 3}, {1, 2} <= {1, 2}, {1, 2} > {1}, {1} == frozenset({1}))
print({'a': 1} == {'a': 1}, {'a': 1} != {'a': 2}, (1, 2) == [1, 2])
try:
    print(1 < 'a')
except TypeError as e:
    print('TypeError', e)
try:
    print([1] < (1,))
except TypeError as e:
    print('TypeError', e)
try:
    print({1: 2} < {1: 2})
except TypeError as e:
    print('TypeError', e)
a = b = [1]
print(a is b, a == b, a is [1])
print(sorted([3, 1, 2]) == [1, 2, 3] == list(range(1, 4)))
r = 2 < 3 and 'yes' or 'no'
print(r, (5 > 3) + (2 > 1), (1 < 2) is True)
