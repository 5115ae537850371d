# __eq__ and __hash__: set/dict membership, default identity, unhashable when only __eq__.
class Key:
    def __init__(self, a, b):
        self.a, self.b = a, b
    def __eq__(self, o):
        print(f'eq {self} {o}')
        return isinstance(o, Key) and (self.a, self.b) == (o.a, o.b)
    def __hash__(self):
        print(f'hash {self}')
        return hash((self.a, self.b))
    def __repr__(self):
        return f'Key({self.a}, {self.b})'
d = {Key(1, 2): 'first'}
print(d[Key(1, 2)])
print(Key(1, 3) in d)
s = {Key(0, 0), Key(0, 0)}
print(len(s))
class EqOnly:
    def __eq__(self, o):
        return True
print(EqOnly.__hash__, EqOnly() == 5)
try:
    {EqOnly()}
except TypeError as e:
    print('TypeError', e)
class Plain:
    pass
p1, p2 = Plain(), Plain()
print(p1 == p1, p1 == p2, p1 != p2, hash(p1) == hash(p1), len({p1, p2, p1}))
class Inherit(Key):
    pass
print(Inherit(1, 2) == Key(1, 2), hash(Inherit(5, 5)) == hash(Key(5, 5)))
class Rehash(Key):
    def __eq__(self, o):
        return False
print(Rehash.__hash__ is None)
class CollideAll:
    def __init__(self, v):
        self.v = v
    def __hash__(self):
        return 1
    def __eq__(self, o):
        return self.v == o.v
cs = {CollideAll(i % 5) for i in range(20)}
print(len(cs), sorted(c.v for c in cs))
print(hash(-1), hash(-2), hash(0), hash(True), hash(1.0), hash(2 ** 100), hash((1, 2)) == hash((1, 2)), hash(None) == hash(None))
print(hash(float('inf')), hash(-float('inf')), hash(0.5), hash(1.5), hash(-0.0))
class HashNeg:
    def __hash__(self):
        return -1
print(hash(HashNeg()))
class HashBig:
    def __hash__(self):
        return 2 ** 70
print(hash(HashBig()))
class HashBad:
    def __hash__(self):
        return 'x'
try:
    hash(HashBad())
except TypeError as e:
    print('TypeError', e)
class NaNish:
    def __eq__(self, o):
        return False
    __hash__ = object.__hash__
n = NaNish()
print(n in [n], n == n, [n] == [n], n in {n})
