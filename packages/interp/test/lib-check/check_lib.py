"""Development check of packages/interp/lib against CPython 3.13.

Loads each lib module under its real name (without touching sys.modules)
in CPython 3.13 and runs the same cases on it and on CPython's module,
comparing results (repr) and exceptions (type and message). Not run by
CI (CI has no CPython); run by hand:

    $(pyenv root)/versions/3.13.0/bin/python3 packages/interp/test/lib-check/check_lib.py
"""

import importlib.util
import os
import re
import sys

import collections as real_collections
import functools as real_functools
import itertools as real_itertools
import operator as real_operator

LIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'lib')


def load(name):
    path = os.path.join(LIB, name + '.py')
    locations = None
    if not os.path.exists(path):
        path = os.path.join(LIB, name, '__init__.py')
        locations = [os.path.dirname(path)]
    spec = importlib.util.spec_from_file_location(name, path, submodule_search_locations=locations)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ours = {n: load(n) for n in ('itertools', 'operator', 'functools', 'collections')}
real = {'itertools': real_itertools, 'operator': real_operator,
        'functools': real_functools, 'collections': real_collections}

passed = failed = 0
failures = []


def outcome(fn, m):
    try:
        value = fn(m)
    except Exception as e:
        return 'raise %s: %s' % (type(e).__name__, e)
    try:
        # Object addresses differ between any two objects: masked.
        return re.sub(r' at 0x[0-9a-f]+', ' at 0x...', 'value %r' % (value,))
    except Exception as e:
        return 'repr raised %s: %s' % (type(e).__name__, e)


def case(modname, text):
    """text: an expression over `m` (the module)."""
    global passed, failed
    code = compile(text, '<case>', 'eval')
    fn = lambda m: eval(code, {'m': m, 'sys': sys})
    a = outcome(fn, ours[modname])
    b = outcome(fn, real[modname])
    if a == b:
        passed += 1
    else:
        failed += 1
        failures.append('%s: %s\n    ours: %s\n    real: %s' % (modname, text, a, b))


def cases(modname, texts):
    for text in texts.splitlines():
        if text.strip():
            case(modname, text.strip())


# --- itertools ---------------------------------------------------------------
cases('itertools', r'''
list(m.islice(m.count(), 5))
list(m.islice(m.count(2.5, 0.5), 4))
list(m.islice(m.count(10, -3), 4))
repr(m.count())
repr(m.count(3))
repr(m.count(3.5, 2))
repr(m.count(1, 1.0))
repr(m.count(1, True))
m.count('a')
m.count(1, 'a')
list(m.islice(m.cycle('abc'), 8))
list(m.cycle([]))
m.cycle(1)
list(m.repeat(1, 3))
list(m.repeat(1, -3))
repr(m.repeat('a'))
repr(m.repeat('a', 2))
repr(m.repeat('a', -2))
m.repeat(1, 'a')
m.repeat(1).__length_hint__()
m.repeat(1, 4).__length_hint__()
(lambda r: (next(r), repr(r), r.__length_hint__()))(m.repeat(1, 3))
list(m.accumulate([1, 2, 3, 4]))
list(m.accumulate([1, 2, 3, 4], lambda a, b: a * b))
list(m.accumulate([1, 2, 3], initial=100))
list(m.accumulate([], initial=100))
list(m.accumulate([]))
list(m.accumulate('abc'))
list(m.accumulate([3, 1, 4, 1, 5], max))
m.accumulate()
list(m.batched('abcdefg', 3))
list(m.batched('abcdef', 3))
list(m.batched('', 3))
m.batched('abc', 0)
list(m.batched('abcd', 3, strict=True))
list(m.batched('abcdef', 3, strict=True))
m.batched('abc', 'x')
list(m.chain('ab', [1, 2], (), 'c'))
list(m.chain())
list(m.chain.from_iterable(['ab', 'cd']))
list(m.chain.from_iterable([]))
next(m.chain(1))
next(m.chain.from_iterable([1]))
list(m.compress('abcdef', [1, 0, 1, 0, 1, 1]))
list(m.compress('abcdef', [1, 0]))
list(m.compress('ab', [1, 1, 1, 1]))
list(m.dropwhile(lambda x: x < 5, [1, 4, 6, 4, 1]))
list(m.takewhile(lambda x: x < 5, [1, 4, 6, 4, 1]))
list(m.dropwhile(lambda x: True, [1, 2]))
list(m.takewhile(lambda x: True, [1, 2]))
list(m.filterfalse(lambda x: x % 2, range(10)))
list(m.filterfalse(None, [0, 1, '', 'a', None, []]))
[(k, list(g)) for k, g in m.groupby('AAAABBBCCDAABBB')]
[k for k, g in m.groupby('AAAABBBCCD')]
[(k, list(g)) for k, g in m.groupby([1, 2, 3, 4, 5, 7, 9], lambda x: x % 2)]
[(k, list(g)) for k, g in m.groupby([])]
(lambda gs: [list(g) for k, g in gs])(list(m.groupby('aabbc')))
(lambda g: (next(g)[0], next(g)[0], list(next(g)[1])))(m.groupby('aabbc'))
(lambda g: (lambda k1, g1: (next(g1), next(g)[0], list(g1)))(*next(g)))(m.groupby('aaabb'))
list(m.islice('ABCDEFG', 2))
list(m.islice('ABCDEFG', 2, 4))
list(m.islice('ABCDEFG', 2, None))
list(m.islice('ABCDEFG', 0, None, 2))
list(m.islice('ABCDEFG', None))
list(m.islice('ABCDEFG', None, None, None))
list(m.islice('ABCDEFG', 1, 100, 3))
list(m.islice('ABCDEFG', 5, 2))
list(m.islice(m.count(), 3, 20, 5))
m.islice([], -1)
m.islice([], 'a')
m.islice([], 1, 'a')
m.islice([], 'a', 2)
m.islice([], -1, 2)
m.islice([], 1, 2, 0)
m.islice([], 1, 2, -1)
m.islice([], 1, 2, 'x')
m.islice([], 1, 2, 2**64)
m.islice([], 2**64)
m.islice([])
m.islice([], 1, 2, 3, 4)
m.islice(1, 2)
(lambda it: (list(m.islice(it, 2)), list(it)))(iter(range(6)))
(lambda it: (list(m.islice(it, 1, 3)), list(it)))(iter(range(6)))
list(m.pairwise('abcde'))
list(m.pairwise('a'))
list(m.pairwise(''))
list(m.starmap(pow, [(2, 5), (3, 2), (10, 3)]))
list(m.starmap(lambda *a: a, ['ab', [1, 2]]))
next(m.starmap(len, [1]))
list(m.zip_longest('ABCD', 'xy', fillvalue='-'))
list(m.zip_longest('AB', 'xyz'))
list(m.zip_longest())
list(m.zip_longest('ab'))
m.zip_longest([1], x=1)
list(m.product('ab', range(3)))
list(m.product(range(2), repeat=3))
list(m.product('ab', 'cd', repeat=2))
list(m.product())
list(m.product('ab', ''))
list(m.product('ab', repeat=0))
m.product([1], repeat=-1)
list(m.permutations('abcd', 2))
list(m.permutations(range(3)))
list(m.permutations('abc', 0))
list(m.permutations('abc', 4))
list(m.permutations(''))
list(m.permutations(range(4)))
m.permutations([1], -1)
m.permutations([1], 'a')
list(m.combinations('abcd', 2))
list(m.combinations(range(5), 3))
list(m.combinations('abc', 0))
list(m.combinations('abc', 4))
list(m.combinations('', 0))
m.combinations([1], -1)
m.combinations([1])
list(m.combinations_with_replacement('abc', 2))
list(m.combinations_with_replacement(range(3), 3))
list(m.combinations_with_replacement('', 2))
list(m.combinations_with_replacement('', 0))
list(m.combinations_with_replacement('ab', 0))
[list(t) for t in m.tee('abc')]
[list(t) for t in m.tee('abc', 3)]
m.tee('abc', 0)
m.tee('abc', -1)
m.tee(1)
(lambda a, b: (next(a), next(a), next(b), list(a), list(b)))(*m.tee(range(4)))
(lambda a, b: (list(a), list(b), list(a.__copy__())))(*m.tee(range(3)))
(lambda t: [list(x) for x in m.tee(t, 2)] + [list(t)])(m.tee('xyz')[0])
len(m.tee('abc', 5))
''')

# --- operator -----------------------------------------------------------------
cases('operator', r'''
m.itemgetter(1)('abc')
m.itemgetter(1, 0, 2)('abc')
m.itemgetter('a')({'a': 5})
m.itemgetter(slice(1, 3))('abcd')
repr(m.itemgetter(1, 'a'))
repr(m.itemgetter(slice(1, 3)))
m.itemgetter()
m.itemgetter(1)()
m.itemgetter(1)('a', 'b')
m.itemgetter(1)('a', k=1)
m.itemgetter(5)('abc')
m.attrgetter('real')(3)
m.attrgetter('real', 'imag')(3+4j)
m.attrgetter('__class__.__name__')(3)
m.attrgetter('__class__.__name__', 'real')(3)
m.attrgetter('nope')(3)
m.attrgetter('real.nope')(3)
repr(m.attrgetter('a.b', 'c'))
m.attrgetter()
m.attrgetter(1)
m.attrgetter('a', 2)
m.methodcaller('upper')('abc')
m.methodcaller('split', ',')('a,b,c')
m.methodcaller('split', sep=',', maxsplit=1)('a,b,c')
repr(m.methodcaller('f', 1, k=2))
repr(m.methodcaller('f'))
m.methodcaller()
m.methodcaller(1)
m.methodcaller('nope')(3)
m.methodcaller('upper')()
m.add(1, 2), m.__add__(1, 2), m.__not__(0), m.__concat__([1], [2])
m.mul('a', 3), m.matmul.__name__, m.truth([]), m.countOf([1, 2, 1], 1)
sorted(m.__all__)
''')

# --- functools ----------------------------------------------------------------
cases('functools', r'''
m.reduce(lambda a, b: a + b, [1, 2, 3, 4])
m.reduce(lambda a, b: a + b, [1, 2, 3, 4], 10)
m.reduce(lambda a, b: a + b, [], 10)
m.reduce(lambda a, b: a + b, [])
m.reduce(lambda a, b: a + b, [5])
m.reduce(lambda a, b: a + b, 5)
m.partial(int, base=2)('101')
m.partial(max, 1, 2)(3, 4)
repr(m.partial(print, 1, sep=''))
repr(m.partial(m.partial(print, 1), 2, end='x'))
(lambda p: (p.func, p.args, p.keywords))(m.partial(m.partial(pow, 2, mod=5), 3))
(lambda p: (p.args, p.keywords))(m.partial(print, 1, 2, sep='-'))
m.partial()
m.partial(1)
m.partial(min, 1, key=abs)(-2, key=None)
m.WRAPPER_ASSIGNMENTS
m.WRAPPER_UPDATES
(lambda f: m.lru_cache(maxsize=2)(f))(lambda x: x * 2).cache_info()
(lambda c: ([c(i) for i in (1, 2, 1, 3, 1, 2)], c.cache_info()))(m.lru_cache(maxsize=2)(lambda x: x * 2))
(lambda c: ([c(i) for i in (1, 2, 1, 3, 1, 2)], c.cache_info()))(m.lru_cache(maxsize=None)(lambda x: x * 2))
(lambda c: ([c(i) for i in (1, 2, 1, 3, 1, 2)], c.cache_info()))(m.lru_cache(maxsize=0)(lambda x: x * 2))
(lambda c: ([c(i) for i in (1, 1.0, 1, 1.0)], c.cache_info()))(m.lru_cache(typed=True)(lambda x: x * 2))
(lambda c: ([c(i) for i in (1, 1.0, 1, 1.0)], c.cache_info()))(m.lru_cache(typed=False)(lambda x: x * 2))
(lambda c: ([c(1, k=2), c(1, k=2), c(k=2, x=1), c(1)], c.cache_info()))(m.lru_cache()(lambda x, k=0: x + k))
(lambda c: (c(3), c.cache_clear(), c.cache_info()))(m.lru_cache(lambda x: x))
(lambda c: c.cache_parameters())(m.lru_cache(maxsize=7, typed=True)(lambda x: x))
(lambda c: c.cache_parameters())(m.lru_cache(maxsize=-3)(lambda x: x))
(lambda c: c.cache_parameters())(m.cache(lambda x: x))
m.lru_cache('x')
m.lru_cache(3.5)
(lambda c: (c.__name__, c.__doc__, c.__wrapped__.__name__))(m.lru_cache(sum))
type(m.cache(len).cache_info()).__name__
m.cache(len).cache_info()._fields
m.cmp_to_key(lambda a, b: (a > b) - (a < b))
sorted([3, 1, 2], key=m.cmp_to_key(lambda a, b: b - a))
sorted(['bb', 'a', 'ccc'], key=m.cmp_to_key(lambda a, b: len(a) - len(b)))
hash(m.cmp_to_key(lambda a, b: 0)(1))
''')


def _functools_classes(m):
    out = []

    @m.total_ordering
    class V:
        def __init__(self, v):
            self.v = v

        def __eq__(self, o):
            return self.v == o.v

        def __lt__(self, o):
            return self.v < o.v
    out.append([(V(1) <= V(2), V(2) >= V(1), V(2) > V(1), V(1) >= V(1), V(3) <= V(2))])

    @m.total_ordering
    class W:
        def __init__(self, v):
            self.v = v

        def __eq__(self, o):
            return self.v == o.v

        def __ge__(self, o):
            return self.v >= o.v
    out.append([(W(1) <= W(2), W(2) < W(1), W(2) > W(1), W(1) < W(1))])
    try:
        m.total_ordering(type('E', (), {}))
    except ValueError as e:
        out.append(str(e))

    class C:
        calls = 0

        @m.cached_property
        def x(self):
            """doc of x"""
            C.calls += 1
            return 42
    c = C()
    out.append((c.x, c.x, C.calls, c.__dict__, C.x.__doc__, C.x.attrname))
    try:
        class D:
            y = C.__dict__['x']
    except TypeError as e:
        out.append(str(e))
    cp = m.cached_property(lambda self: 1)
    try:
        cp.__get__(C())
    except TypeError as e:
        out.append(str(e))

    class S:
        __slots__ = ('a',)
        z = cp
    cp.__set_name__(S, 'z')
    try:
        S().z
    except TypeError as e:
        out.append(str(e))

    def deco(f):
        @m.wraps(f)
        def w(*a):
            return f(*a)
        return w

    @deco
    def g(x):
        """g doc"""
        return x
    out.append((g.__name__, g.__doc__, g.__qualname__.split('.')[-1], g.__wrapped__.__name__, g(3)))

    @m.singledispatch
    def fun(arg):
        return 'default'

    @fun.register(int)
    def _(arg):
        return 'int'

    @fun.register
    def _(arg: list):
        return 'list'
    out.append((fun(1), fun(True), fun([]), fun('x'), fun(2.0)))

    class Q:
        def f(self, a, b=0):
            return (a, b)
        g = m.partialmethod(f, 1, b=2)
    out.append(Q().g())
    return out


# --- collections ----------------------------------------------------------------
cases('collections', r'''
m.deque is __import__('collections').deque
repr(m.defaultdict(list))
repr(m.defaultdict(None, a=1))
repr(m.defaultdict(list, {1: 2}))
repr(m.defaultdict())
m.defaultdict(3)
m.defaultdict()[3]
(lambda d: (d[1].append(2), d[1].append(3), d))(m.defaultdict(list))
(lambda d: (d['a'], d['b'] + 1, sorted(d.items())))(m.defaultdict(int))
(lambda d: (d.copy(), type(d.copy()).__name__, d.copy().default_factory))(m.defaultdict(list, x=[1]))
(lambda d: (d | {'b': 2}, type(d | {'b': 2}).__name__, {'c': 3} | d, type({'c': 3} | d).__name__))(m.defaultdict(int, a=1))
(lambda d: (d.get('zz'), 'zz' in d, d.default_factory))(m.defaultdict(int))
isinstance(m.defaultdict(), dict)
repr(m.OrderedDict())
repr(m.OrderedDict(a=1, b=2))
repr(m.OrderedDict([('b', 1), ('a', 2)]))
(lambda d: (d.move_to_end('a'), list(d)))(m.OrderedDict.fromkeys('abcde'))
(lambda d: (d.move_to_end('c', last=False), list(d)))(m.OrderedDict.fromkeys('abcde'))
(lambda d: (d.move_to_end('c', False), list(d)))(m.OrderedDict.fromkeys('abcde'))
m.OrderedDict().move_to_end(1)
(lambda d: (d.popitem(), d.popitem(last=False), list(d)))(m.OrderedDict.fromkeys('abcde', 0))
m.OrderedDict().popitem()
m.OrderedDict(a=1, b=2) == m.OrderedDict(b=2, a=1)
m.OrderedDict(a=1, b=2) == m.OrderedDict(a=1, b=2)
m.OrderedDict(a=1, b=2) == dict(b=2, a=1)
dict(b=2, a=1) == m.OrderedDict(a=1, b=2)
m.OrderedDict(a=1, b=2) != m.OrderedDict(b=2, a=1)
m.OrderedDict(a=1) != m.OrderedDict(a=1)
(lambda d: (d.setdefault('x', 5), d.setdefault('a', 9), list(d.items())))(m.OrderedDict(a=1))
(lambda d: (d | {'z': 0}, type(d | {'z': 0}).__name__, {'z': 0} | d))(m.OrderedDict(a=1))
list(reversed(m.OrderedDict.fromkeys('abc')))
(lambda d: (d.copy(), type(d.copy()).__name__))(m.OrderedDict(a=1))
hash(m.OrderedDict())
repr(m.Counter())
repr(m.Counter('abracadabra'))
repr(m.Counter({'a': 3, 'b': -1, 'c': 0}))
repr(m.Counter(a=1, b=2))
m.Counter('abracadabra').most_common()
m.Counter('abracadabra').most_common(3)
m.Counter('abracadabra').most_common(0)
m.Counter('abracadabra').most_common(-1)
sorted(m.Counter(a=3, b=0, c=-1, d=2).elements())
list(m.Counter(a=2, b=1).elements())
m.Counter('hello')['z']
(lambda c: (c.update('aab'), c.update({'a': 5}), c.update(b=1), c))(m.Counter('a'))
(lambda c: (c.subtract('aab'), c.subtract({'c': 5}), c.subtract(d=1), c))(m.Counter('abc'))
m.Counter(a=3, b=1) + m.Counter(a=1, b=2, c=0)
m.Counter(a=3, b=1) - m.Counter(a=1, b=2, c=-2)
m.Counter(a=3, b=1) | m.Counter(a=1, b=2)
m.Counter(a=3, b=1) & m.Counter(a=1, b=2)
+m.Counter(a=3, b=0, c=-1)
-m.Counter(a=3, b=0, c=-1)
(lambda c: (c.__iadd__(m.Counter(a=-5, b=1)), c))(m.Counter(a=3, b=1))
(lambda c: (c.__isub__(m.Counter(a=1)), c))(m.Counter(a=3, b=1))
(lambda c: (c.__ior__(m.Counter(a=5, c=-1)), c))(m.Counter(a=3, b=1))
(lambda c: (c.__iand__(m.Counter(a=2)), c))(m.Counter(a=3, b=1))
m.Counter(a=1) == m.Counter(a=1, b=0)
m.Counter(a=1) < m.Counter(a=2)
m.Counter(a=1) <= m.Counter(a=1)
m.Counter(a=2) > m.Counter(a=1, b=0)
m.Counter(a=1) == {'a': 1}
m.Counter('abc').total()
m.Counter.fromkeys('ab')
(lambda c: (c.__delitem__('zz'), c))(m.Counter('ab'))
m.Counter('ab').copy()
repr(m.Counter({'a': 'x', 'b': 1}))
''')


def _namedtuple_cases(m):
    P = m.namedtuple('P', 'x y z', defaults=[3])
    Q = m.namedtuple('Q', ['a', 'b', 'c', 'd'])
    R = m.namedtuple('R', '')
    out = [repr(P(1, 2)), repr(P(1, 2, 4)), repr(P(x=1, y=2)), P._fields, P._field_defaults,
           P.__doc__, P.__new__.__doc__, repr(P.x), P.x.__doc__, P(1, 2)._asdict(),
           repr(P._make([4, 5, 6])), repr(P(1, 2)._replace(z=9, x=0)), P(1, 2).__getnewargs__(),
           P.__match_args__, P.__name__, P.__qualname__, isinstance(P(1, 2), tuple),
           P(1, 2) == (1, 2, 3), P(7, 8).y, P(7, 8)[0], repr(R()), R._fields, hash(P(1, 2)) == hash((1, 2, 3)),
           P.__new__.__qualname__, P._make.__doc__, P.__slots__]
    for fn in (lambda: P(), lambda: P(1), lambda: P(1, 2, 3, 4), lambda: P(1, 2, q=3),
               lambda: P(1, 2, x=3), lambda: Q(), lambda: Q(1, 2, 3, 4, 5), lambda: R(1),
               lambda: P._make([1]), lambda: P(1, 2)._replace(w=1),
               lambda: m.namedtuple('a-b', 'x'), lambda: m.namedtuple('ab', 'x def'),
               lambda: m.namedtuple('ab', 'x _y'), lambda: m.namedtuple('ab', 'x x'),
               lambda: m.namedtuple('ab', 'x', defaults=[1, 2]),
               lambda: m.namedtuple('ab', 'x def _y x 1', rename=True)._fields,
               lambda: m.namedtuple('ab', ['x', 3]), lambda: m.namedtuple(3, ['x']),
               lambda: m.namedtuple('ab', 'x,y  z')._fields,
               lambda: m.namedtuple('ab', 'x', module='mymod').__module__,
               lambda: m.namedtuple('ab', 'x').__module__,
               lambda: setattr(P(1, 2), 'x', 5), lambda: P(1, 2).__dict__,
               lambda: Q(1, 2, 3, d=4)):
        try:
            out.append(repr(fn()))
        except Exception as e:
            out.append('%s: %s' % (type(e).__name__, e))
    return out


def compare_fn(modname, label, fn):
    global passed, failed
    a = outcome(fn, ours[modname])
    b = outcome(fn, real[modname])
    if a == b:
        passed += 1
    else:
        # Show the first differing element of list results.
        failed += 1
        failures.append('%s: %s\n    ours: %s\n    real: %s' % (modname, label, a, b))


compare_fn('functools', 'classes (total_ordering, cached_property, wraps, singledispatch, partialmethod)', _functools_classes)
compare_fn('collections', 'namedtuple', _namedtuple_cases)

for f in failures:
    print('FAIL', f)
print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
