# random: seeded sequences of every function equal CPython 3.13's (the
# Mersenne Twister, its seeding from int/str/bytes/float, and the algorithms
# on top), getstate/setstate, Random instances and subclasses, and the errors.
# Results of log/exp/sin/cos-based distributions are printed to 12 digits:
# the last bit of those functions may differ between C libraries.
import random


def error(label, fn):
    try:
        fn()
    except Exception as e:
        print(label, type(e).__name__, e)
    else:
        print(label, 'no error')


def g(xs):
    return [f'{x:.12g}' for x in xs]


for seed in (0, 1, 42, 2**100, -5, 3.5, 'hello', b'bytes', bytearray(b'ba'), '', 'h\u00e9llo \u20ac', True):
    r = random.Random(seed)
    print('seed', repr(seed))
    print(' random', [r.random() for _ in range(4)])
    print(' getrandbits', [r.getrandbits(k) for k in (0, 1, 7, 32, 33, 64, 100)])
    print(' randrange', [r.randrange(10) for _ in range(12)], [r.randrange(3, 100, 7) for _ in range(5)], [r.randrange(50, -50, -3) for _ in range(5)])
    print(' big randrange', r.randrange(2**80), r.randrange(-2**70, 2**70, 3**20))
    print(' randint', [r.randint(-3, 3) for _ in range(12)])
    print(' choice', [r.choice('abcdefg') for _ in range(10)], r.choice(range(10**12)))
    x = list(range(12))
    r.shuffle(x)
    print(' shuffle', x)
    print(' sample', r.sample(range(100), 8), r.sample(range(10**6), 6), r.sample('abcdefgh', 8))
    print(' sample sizes', [r.sample(range(n), k) for n, k in ((21, 3), (22, 3), (26, 6), (91, 7), (342, 12))])
    print(' sample counts', r.sample(['red', 'blue'], counts=[4, 2], k=5))
    print(' choices', r.choices('abc', k=8), r.choices('abc', [5, 1, 1], k=8), r.choices('abc', cum_weights=[1, 1.5, 9], k=8))
    print(' uniform', [r.uniform(-2, 5) for _ in range(3)])
    print(' triangular', [r.triangular() for _ in range(2)], r.triangular(2, 10, 3))
    print(' gauss', g([r.gauss() for _ in range(3)]), g([r.gauss(10, 2)]))
    print(' normalvariate', g([r.normalvariate() for _ in range(3)]), g([r.normalvariate(3, 0.5)]))
    print(' expovariate', g([r.expovariate(2) for _ in range(2)]), g([r.lognormvariate(0, 1)]))
    print(' gamma/beta', g([r.gammavariate(a, 2) for a in (0.5, 1.0, 2.5)]), g([r.betavariate(2, 3)]))
    print(' binomialvariate', [r.binomialvariate(20, 0.1), r.binomialvariate(20, 0.9), r.binomialvariate(1000, 0.3), r.binomialvariate()])
    print(' others', g([r.vonmisesvariate(1, 0.5), r.paretovariate(3), r.weibullvariate(1, 1.5)]), r.randbytes(6))
    state = r.getstate()
    a = [r.random() for _ in range(3)]
    r.setstate(state)
    print(' setstate', a == [r.random() for _ in range(3)], state[0], len(state[1]), state[2])

# The module's functions share one hidden instance.
random.seed(12345)
print('module', random.random(), random.randint(1, 6), random.randrange(5), random.choice([1, 2, 3]), random.uniform(0, 1), random.getrandbits(40))
x = list(range(10))
random.shuffle(x)
print('module', x, random.sample(range(50), 5), random.choices('ab', k=4), g([random.gauss(), random.expovariate(1)]))
random.seed('abc')
print('module str seed', random.random(), random.triangular(0, 1, 0.2), random.randbytes(4))
saved = random.getstate()
first = [random.random() for _ in range(3)]
random.setstate(saved)
print('module setstate', first == [random.random() for _ in range(3)])

# Long runs cross the generator's 624-word blocks.
r = random.Random(2024)
print('long run', [r.random() for _ in range(1000)][-2:], sum(r.randrange(1000) for _ in range(5000)))

# gauss keeps its second value in the state.
r = random.Random(9)
r.gauss()
st = r.getstate()
print('gauss_next kept', g([r.gauss()]), st[2] is not None)
r.setstate(st)
print('gauss_next restored', g([r.gauss()]))

# Version 1 seeding of str and bytes, and other versions.
for s in ('hello', b'hello', ''):
    r = random.Random()
    r.seed(s, version=1)
    print('version 1', repr(s), r.random())
r.seed(2.0, version=2.0)
print('version 2.0', r.random())

# Subclasses: random() alone is enough (integers then come from random()).
class OnlyRandom(random.Random):
    def random(self):
        return 0.3


class OnlyBits(random.Random):
    def getrandbits(self, k):
        return (1 << k) - 1 >> 1


class Own(random.Random):
    def __init__(self, x):
        self.x = x


print('subclass random', OnlyRandom(1).randrange(10), OnlyRandom(1).choice('abcdef'), OnlyRandom(1).randint(1, 100))
print('subclass getrandbits', OnlyBits(1).randrange(10), OnlyBits(1).random() < 1)
o = Own(5)
o.seed(5)
print('subclass __init__', o.x, o.random())
print('keyword x', random.Random(x=2).random() == random.Random(2).random())

# The errors, with CPython's messages.
r = random.Random(1)
error('seed list', lambda: random.Random([1]))
error('seed dict', lambda: random.Random({}))
error('seed object', lambda: r.seed(object()))
error('seed bytearray v1', lambda: r.seed(bytearray(b'x'), version=1))
error('randrange(0)', lambda: r.randrange(0))
error('randrange(5, 5)', lambda: r.randrange(5, 5))
error('randrange(5, 2)', lambda: r.randrange(5, 2))
error('randrange step 0', lambda: r.randrange(0, 10, 0))
error('randrange empty step', lambda: r.randrange(0, 10, -1))
error('randrange(1.5)', lambda: r.randrange(1.5))
error('randrange(1, 2.5)', lambda: r.randrange(1, 2.5))
error('randrange step float', lambda: r.randrange(1, 5, 1.0))
error('randrange step no stop', lambda: r.randrange(5, step=2))
error('randint(3, 1)', lambda: r.randint(3, 1))
error('choice([])', lambda: r.choice([]))
error('sample set', lambda: r.sample({1, 2, 3}, 2))
error('sample too many', lambda: r.sample(range(3), 4))
error('sample negative', lambda: r.sample(range(3), -1))
error('sample counts length', lambda: r.sample('ab', 1, counts=[1]))
error('sample counts float', lambda: r.sample('ab', 1, counts=[1, 1.5]))
error('sample counts zero', lambda: r.sample('ab', 1, counts=[0, 0]))
error('choices k positional', lambda: r.choices('abc', 3))
error('choices weights length', lambda: r.choices('abc', [1, 2], k=3))
error('choices both weights', lambda: r.choices('abc', [1, 2, 3], cum_weights=[1, 2, 3]))
error('choices zero weights', lambda: r.choices('abc', [0, 0, 0]))
error('choices infinite', lambda: r.choices('abc', [1, float('inf'), 1]))
error('getrandbits(-1)', lambda: r.getrandbits(-1))
error('gammavariate(0, 1)', lambda: r.gammavariate(0, 1))
error('randbytes(-1)', lambda: r.randbytes(-1))
error('binomialvariate(-1)', lambda: r.binomialvariate(-1))
error('binomialvariate(5, 1.5)', lambda: r.binomialvariate(5, 1.5))
error('expovariate(0)', lambda: r.expovariate(0))
error('setstate version', lambda: r.setstate((4, (), None)))
error('setstate size', lambda: r.setstate((3, (1, 2), None)))
error('setstate index', lambda: r.setstate((3, r.getstate()[1][:-1] + (625,), None)))
error('setstate not tuple', lambda: r.setstate((3, list(r.getstate()[1]), None)))
error('SystemRandom getstate', lambda: random.SystemRandom().getstate())
s = random.SystemRandom()
print('SystemRandom', 0 <= s.random() < 1, s.getrandbits(0), s.getrandbits(8) < 256, len(s.randbytes(5)), s.seed(1))
