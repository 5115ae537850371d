# A user-defined mapping and sequence: __getitem__/__setitem__/__delitem__/__len__/__iter__/__contains__/__missing__-like fallbacks.
class Registry:
    def __init__(self):
        self._keys, self._vals = [], []
    def __setitem__(self, k, v):
        print('__setitem__', k, v)
        if k in self._keys:
            self._vals[self._keys.index(k)] = v
        else:
            self._keys.append(k)
            self._vals.append(v)
    def __getitem__(self, k):
        if isinstance(k, slice):
            return self._vals[k]
        try:
            return self._vals[self._keys.index(k)]
        except ValueError:
            raise KeyError(k) from None
    def __delitem__(self, k):
        i = self._keys.index(k)
        del self._keys[i], self._vals[i]
    def __len__(self):
        return len(self._keys)
    def __iter__(self):
        return iter(self._keys)
    def __contains__(self, k):
        print('__contains__', k)
        return k in self._keys
    def __bool__(self):
        return bool(self._keys)
    def keys(self):
        return list(self._keys)
r = Registry()
print(bool(r), len(r))
r['a'] = 1
r['b'] = 2
r['a'] += 10
print(r['a'], r[0:2], list(r), len(r), 'a' in r, 'z' not in r, bool(r))
del r['b']
print(list(r), dict(r), {**r})
try:
    r['missing']
except KeyError as e:
    print('KeyError', e)
class Squares:
    def __init__(self, n):
        self.n = n
    def __len__(self):
        return self.n
    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self.n))]
        if i < 0:
            i += self.n
        if not 0 <= i < self.n:
            raise IndexError('Squares index out of range')
        return i * i
s = Squares(6)
print(list(s), s[-1], s[1:4], s[::-2], 16 in s, 15 in s, list(reversed(s)), sorted(s, reverse=True)[:2], sum(s))
a, b, *c = s
print(a, b, c)
try:
    s[10]
except IndexError as e:
    print('IndexError', e)
class Matrix:
    def __init__(self):
        self.cells = {}
    def __getitem__(self, pos):
        r, c = pos
        return self.cells.get((r, c), 0)
    def __setitem__(self, pos, v):
        self.cells[pos] = v
m = Matrix()
m[1, 2] = 5
m[0, 0] += 3
print(m[1, 2], m[0, 0], m[9, 9], sorted(m.cells.items()))
class Bad:
    def __len__(self):
        return -1
try:
    len(Bad())
except ValueError as e:
    print('ValueError', e)
class BigLen:
    def __len__(self):
        return 2 ** 70
try:
    len(BigLen())
except OverflowError as e:
    print('OverflowError', e)
