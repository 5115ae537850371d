# collections: deque, defaultdict, OrderedDict, Counter, namedtuple, ChainMap.
from collections import deque, defaultdict, OrderedDict, Counter, namedtuple
d = deque([1, 2, 3])
d.append(4); d.appendleft(0); print(d)
print(d.pop(), d.popleft(), d)
d.extend([7, 8]); d.extendleft([-1, -2]); print(d)
d.rotate(2); print(d)
d.rotate(-3); print(d)
print(len(d), d[0], d[-1], 7 in d, d.count(7), d.index(7), list(reversed(d)))
bounded = deque(range(10), maxlen=3)
print(bounded, bounded.maxlen)
bounded.append(99); print(bounded)
bounded.appendleft(-1); print(bounded)
dd = defaultdict(list)
for k, v in [('a', 1), ('b', 2), ('a', 3)]:
    dd[k].append(v)
print(dd, dict(dd), dd['missing'], len(dd))
counts = defaultdict(int)
for ch in 'mississippi':
    counts[ch] += 1
print(sorted(counts.items()), defaultdict(lambda: 'x')['q'])
od = OrderedDict([('b', 1), ('a', 2)])
od['c'] = 3
od.move_to_end('b')
print(od, list(od), od.popitem(), od.popitem(last=False), od)
print(OrderedDict(a=1, b=2) == OrderedDict(b=2, a=1), OrderedDict(a=1, b=2) == dict(b=2, a=1))
c = Counter('abracadabra')
print(c, c.most_common(2), c['a'], c['z'], sorted(c.elements())[:6], c.total())
c.update('aaz'); c.subtract({'b': 5})
print(sorted(c.items()))
print(Counter(a=3, b=1) + Counter(a=1, c=2), Counter(a=3) - Counter(a=5), Counter(a=2, b=1) & Counter(a=1), Counter(a=1) | Counter(a=3, b=1))
Point = namedtuple('Point', ['x', 'y'])
p = Point(1, y=2)
print(p, p.x, p[1], p._asdict(), p._replace(x=9), Point._fields, Point._make([5, 6]), tuple(p), p == (1, 2))
x, y = p
print(x, y, Point.__name__, isinstance(p, tuple), len(p), hash(p) == hash((1, 2)))
P3 = namedtuple('P3', 'a b c', defaults=[0, 1])
print(P3(5), P3(1, 2, 3), P3._field_defaults)
try:
    Point(1, 2, 3)
except TypeError as e:
    print('TypeError', e)
