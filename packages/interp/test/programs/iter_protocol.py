# The iterator protocol: __iter__/__next__, iter() with sentinel, __getitem__ fallback, exhaustion.
class CountTo:
    def __init__(self, n):
        self.n = n
    def __iter__(self):
        print('__iter__ called')
        return CountIter(self.n)
class CountIter:
    def __init__(self, n):
        self.i, self.n = 0, n
    def __iter__(self):
        return self
    def __next__(self):
        if self.i >= self.n:
            raise StopIteration
        self.i += 1
        return self.i
print(list(CountTo(3)))
for v in CountTo(2):
    print('loop', v)
print(sum(CountTo(10)), max(CountTo(4)), 3 in CountTo(5), sorted(CountTo(3), reverse=True))
a, b, c = CountTo(3)
print(a, b, c)
it = iter([1, 2, 3])
print(next(it), list(it), list(it), next(it, 'exhausted'))
class OldStyle:
    def __getitem__(self, i):
        if i >= 4:
            raise IndexError
        return i * i
print(list(OldStyle()), 9 in OldStyle(), list(iter(OldStyle())))
vals = iter([5, 4, 3, 0, 2])
print(list(iter(lambda: next(vals), 0)))
class NotIter:
    pass
try:
    iter(NotIter())
except TypeError as e:
    print('TypeError', e)
try:
    for _ in 5:
        pass
except TypeError as e:
    print('TypeError', e)
try:
    next([1])
except TypeError as e:
    print('TypeError', e)
class BadIter:
    def __iter__(self):
        return 5
try:
    iter(BadIter())
except TypeError as e:
    print('TypeError', e)
s = 'abc'
print(list(enumerate(s)), list(zip(s, range(10))), list(reversed(s)), list(map(ord, s)))
r = range(5)
ri = iter(r)
print(type(ri).__name__, next(ri), list(ri), list(r), len(r), r[2], r[-1], 3 in r, r.index(2), r.count(9))
print(list(range(10, 0, -3)), list(range(0)), range(0, 10, 2) == range(0, 9, 2), range(2**64, 2**64 + 3)[1])
d = {'x': 1, 'y': 2}
di = iter(d)
print(type(di).__name__, next(di), type(iter(d.items())).__name__, list(iter(d.values())))
class Revable:
    def __reversed__(self):
        return iter('custom reversed')
    def __iter__(self):
        return iter('forward')
print(''.join(reversed(Revable())), ''.join(Revable()))
class Len:
    def __len__(self):
        return 3
    def __getitem__(self, i):
        if i >= 3:
            raise IndexError(i)
        return 'abc'[i]
print(list(reversed(Len())), len(Len()))
it2 = iter(range(3))
for v in it2:
    print('first pass', v)
    if v == 1:
        break
for v in it2:
    print('resumed', v)
import itertools
counter = itertools.count()
print([next(counter) for _ in range(3)], next(counter))
class Fin:
    def __init__(self):
        self.done = False
    def __iter__(self):
        return self
    def __next__(self):
        if self.done:
            raise StopIteration('stop value')
        self.done = True
        return 'only'
print(list(Fin()))
print(list(zip(*[iter(range(6))] * 2)))
