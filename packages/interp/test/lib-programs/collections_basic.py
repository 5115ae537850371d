# collections: deque, defaultdict, OrderedDict, Counter, namedtuple.
from collections import Counter, OrderedDict, defaultdict, deque, namedtuple


def error(label, fn):
    try:
        fn()
    except Exception as e:
        print(label, type(e).__name__, e)
    else:
        print(label, 'no error')


d = deque([1, 2, 3], maxlen=4)
d.append(4)
d.append(5)
d.appendleft(0)
d.rotate(1)
print('deque', d, list(d), d.maxlen, len(d))

dd = defaultdict(list)
for word in 'apple bat bar atom book'.split():
    dd[word[0]].append(word)
print('defaultdict', dd, sorted(dd.items()))
counts = defaultdict(int)
for ch in 'mississippi':
    counts[ch] += 1
print('defaultdict int', dict(counts), counts.default_factory)
print('defaultdict repr', repr(defaultdict()), repr(defaultdict(None, a=1)))
error('defaultdict missing', lambda: defaultdict()['x'])
error('defaultdict bad factory', lambda: defaultdict(3))
merged = defaultdict(int, a=1) | {'b': 2}
print('defaultdict or', merged, type(merged).__name__)
print('defaultdict copy', dd.copy() == dd, type(dd.copy()).__name__)

od = OrderedDict.fromkeys('abcde', 0)
od.move_to_end('b')
od.move_to_end('d', last=False)
print('OrderedDict', od, list(od))
print('popitem', od.popitem(), od.popitem(last=False), list(od))
print('OrderedDict eq', OrderedDict(a=1, b=2) == OrderedDict(b=2, a=1), OrderedDict(a=1, b=2) == dict(b=2, a=1))
print('OrderedDict repr', repr(OrderedDict()), repr(OrderedDict([('x', 1)])))
error('OrderedDict empty pop', lambda: OrderedDict().popitem())
error('move_to_end missing', lambda: OrderedDict().move_to_end('q'))

c = Counter('abracadabra')
print('Counter', c)
print('most_common', c.most_common(3), c.most_common()[-1])
print('elements', sorted(c.elements()))
print('missing', c['z'], c.total())
c.update('aaz')
c.subtract({'b': 5})
print('update/subtract', c)
a, b = Counter(a=3, b=1), Counter(a=1, b=2)
print('arith', a + b, a - b, a | b, a & b, +Counter(x=-1, y=2), -Counter(x=-1, y=2))
print('compare', Counter(a=1) == Counter(a=1, b=0), Counter(a=1) <= Counter(a=2), Counter(a=3) < Counter(a=3))
print('repr empty', repr(Counter()))
error('fromkeys', lambda: Counter.fromkeys('ab'))

Point = namedtuple('Point', ['x', 'y'])
pt = Point(11, y=22)
print('namedtuple', pt, pt.x + pt.y, pt[0], tuple(pt), Point._fields)
print('_make/_asdict/_replace', Point._make([1, 2]), pt._asdict(), pt._replace(x=100))
Point3 = namedtuple('Point3', 'x y z', defaults=[0])
print('defaults', Point3(1, 2), Point3._field_defaults, Point3.__doc__)
print('rename', namedtuple('R', 'a def _c a', rename=True)._fields)
x, y = pt
print('unpack', x, y, isinstance(pt, tuple), pt == (11, 22), hash(pt) == hash((11, 22)))
error('too many', lambda: Point(1, 2, 3))
error('missing', lambda: Point(1))
error('bad kw', lambda: Point(1, 2, z=3))
error('bad name', lambda: namedtuple('P', 'x class'))
error('dup name', lambda: namedtuple('P', 'x x'))
error('replace bad', lambda: pt._replace(w=1))
