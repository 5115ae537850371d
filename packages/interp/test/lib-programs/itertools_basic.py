# itertools: every iterator, its edge cases, reprs and messages.
import itertools as it


def show(label, value):
    print(label, value)


def error(label, fn):
    try:
        fn()
    except Exception as e:
        print(label, type(e).__name__, e)
    else:
        print(label, 'no error')


show('count', list(it.islice(it.count(), 5)))
show('count step', list(it.islice(it.count(10, -3), 4)))
show('count float', list(it.islice(it.count(0.5, 0.25), 4)))
show('count repr', [repr(it.count()), repr(it.count(3)), repr(it.count(3, 2)), repr(it.count(1.5, 1.0))])
c = it.count(7)
next(c)
show('count repr after next', repr(c))
error('count bad', lambda: it.count('a'))
show('cycle', list(it.islice(it.cycle('abc'), 8)))
show('cycle empty', list(it.cycle([])))
show('repeat', list(it.repeat('x', 3)), )
show('repeat neg', list(it.repeat('x', -2)))
show('repeat repr', [repr(it.repeat(1)), repr(it.repeat(1, 2))])
r = it.repeat(5, 3)
next(r)
show('repeat hint', r.__length_hint__())
error('repeat hint inf', lambda: it.repeat(1).__length_hint__())
show('accumulate', list(it.accumulate([1, 2, 3, 4, 5])))
show('accumulate func', list(it.accumulate([3, 1, 4, 1, 5, 9, 2], max)))
show('accumulate initial', list(it.accumulate([1, 2, 3], initial=100)))
show('accumulate strings', list(it.accumulate('abc')))
show('batched', list(it.batched('abcdefg', 3)))
error('batched zero', lambda: it.batched('abc', 0))
error('batched strict', lambda: list(it.batched('abcd', 3, strict=True)))
show('chain', list(it.chain('ab', [1, 2], (), 'c')))
show('from_iterable', list(it.chain.from_iterable(['ab', 'cd', ''])))
show('compress', list(it.compress('abcdef', [1, 0, 1, 0, 1, 1])))
show('dropwhile', list(it.dropwhile(lambda x: x < 5, [1, 4, 6, 4, 1])))
show('takewhile', list(it.takewhile(lambda x: x < 5, [1, 4, 6, 4, 1])))
show('filterfalse', list(it.filterfalse(lambda x: x % 2, range(10))))
show('filterfalse None', list(it.filterfalse(None, [0, 1, '', 'a', None, [], [0]])))
show('groupby', [(k, list(g)) for k, g in it.groupby('AAAABBBCCDAABBB')])
show('groupby key', [(k, list(g)) for k, g in it.groupby(range(10), lambda x: x // 3)])
groups = list(it.groupby('aabbc'))
show('groupby stale groups', [(k, list(g)) for k, g in groups])
show('islice', [list(it.islice('ABCDEFG', 2)), list(it.islice('ABCDEFG', 2, 4)),
                list(it.islice('ABCDEFG', 2, None)), list(it.islice('ABCDEFG', 0, None, 2))])
source = iter(range(10))
show('islice consumes', (list(it.islice(source, 1, 3)), list(source)))
error('islice neg', lambda: it.islice([], -1))
error('islice start', lambda: it.islice([], 'a', 2))
error('islice step', lambda: it.islice([], 1, 2, 0))
show('pairwise', list(it.pairwise('abcde')))
show('starmap', list(it.starmap(pow, [(2, 5), (3, 2), (10, 3)])))
show('zip_longest', list(it.zip_longest('ABCD', 'xy', fillvalue='-')))
show('zip_longest none', list(it.zip_longest('AB', 'xyz')))
show('product', list(it.product('ab', range(2))))
show('product repeat', list(it.product([0, 1], repeat=3)))
show('product empty', list(it.product('ab', '')))
show('permutations', list(it.permutations('abc')))
show('permutations r', list(it.permutations(range(4), 2)))
show('permutations big r', list(it.permutations('ab', 3)))
show('combinations', list(it.combinations('abcd', 2)))
show('combinations r0', list(it.combinations('abc', 0)))
show('cwr', list(it.combinations_with_replacement('abc', 2)))
error('combinations neg', lambda: it.combinations('abc', -1))
a, b = it.tee(range(5))
show('tee', (next(a), next(a), list(b), list(a)))
t3 = it.tee('xyz', 3)
show('tee 3', [list(x) for x in t3])
error('tee neg', lambda: it.tee([], -1))
total = 0
for x, y in it.product(range(30), repeat=2):
    total += x * y
show('product sum', total)
show('count of combinations', sum(1 for _ in it.combinations(range(12), 5)))
