# Builtins over iterables: sorted, min, max, zip, enumerate, map, filter, reversed, any, all, sum, len, iter, next.
data = [5, 3, 8, 1, 9, 2]
words = ['kiwi', 'Apple', 'fig', 'banana', 'Cherry']
print(sorted(data), sorted(data, reverse=True), sorted(words), sorted(words, key=str.lower), sorted(words, key=len))
print(sorted('hello'), sorted({3: 'a', 1: 'b'}), sorted((2, 1)), sorted([]), sorted([[2, 1], [1, 9], [1, 2]]))
stable = sorted([('b', 1), ('a', 2), ('b', 0), ('a', 1)], key=lambda p: p[0])
print(stable)
print(min(data), max(data), min(words, key=len), max(words, key=len), min('bca'), max([1, 2], [1, 3]))
print(min([], default='empty'), max((), default=None), min(4, 2, 8), max(4, 2, 8, key=lambda v: -v))
print(min([3, 1, 1, 2], key=lambda v: v), max([('a', 2), ('b', 2)], key=lambda p: p[1]))
print(list(zip([1, 2, 3], 'abc', (True, False, None))), list(zip()), list(zip([1, 2, 3], 'ab')))
try:
    list(zip([1, 2, 3], 'ab', strict=True))
except ValueError as e:
    print('ValueError', e)
print(list(enumerate('xyz')), list(enumerate('xy', start=10)), dict(enumerate('ab')))
print(list(map(abs, [-1, -2, 3])), list(map(pow, [2, 3], [3, 2])), list(map(lambda a, b, c: a + b + c, 'ab', 'cd', 'ef')))
print(list(filter(lambda v: v % 2, data)), list(filter(None, [0, '', [], 'x', 1, None, False, True])))
print(list(reversed(data)), list(reversed(range(4))), list(reversed('abc')), list(reversed((1, 2))))
print(any([]), all([]), any([0, '', 1]), all([1, 'a', [0]]), any(x > 8 for x in data), all(x > 0 for x in data))
print(sum(data), sum(data, 100), sum([0.1] * 10), sum([[1], [2]], []), sum(range(101)), sum([1.5, 2.5]), sum([True, True, False]))
try:
    sum(['a', 'b'], '')
except TypeError as e:
    print('TypeError', e)
print(len('abc'), len([1, 2]), len({1: 2}), len(range(0, 100, 7)), len(b'xy'), len(set('aab')))
it = iter(data)
print(next(it), next(it), next(iter([]), 'default'))
print(list(map(str.upper, ['a', 'b'])), ''.join(map(chr, range(97, 102))), list(zip(*[(1, 'a'), (2, 'b')])))
print(sorted(data, key=lambda v: (v % 3, v)), [i for i, _ in sorted(enumerate(data), key=lambda p: p[1])])
try:
    min([])
except ValueError as e:
    print('ValueError', e)
try:
    max(1)
except TypeError as e:
    print('TypeError', e)
try:
    sorted([1, 2], lambda v: v)
except TypeError as e:
    print('TypeError', e)
print(list(map(int, '123')), tuple(filter(str.isdigit, 'a1b2c3')), set(map(len, words)) == {3, 4, 5, 6})
print(frozenset(zip('ab', 'ab')) == {('a', 'a'), ('b', 'b')}, list(enumerate(zip('ab', 'cd'))))
