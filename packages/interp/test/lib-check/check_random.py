"""Development check of packages/interp/lib/random.py against CPython 3.13.

Loads lib/random.py under another name in CPython 3.13 with a stand-in for
ft's ``_random`` (src/modules/random.ts) made of CPython's own generator —
the same low-level operations (seed, random, getrandbits, getstate,
setstate) on a state object — and compares every function's results
(repr) and exceptions (type and message) with CPython's random module for
the same seeds. Also runs with collections.abc hidden (the duck-typed
Sequence check) and subclasses that override random() or getrandbits().
Not run by CI (CI has no CPython); run by hand:

    $(pyenv root)/versions/3.13.0/bin/python3 packages/interp/test/lib-check/check_random.py
"""

import _random as cpython_random
import hashlib
import importlib.util
import os
import random as real
import sys
import types

assert sys.version_info[:2] == (3, 13), sys.version

LIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'lib')


def make_stand_in():
    """ft's _random API over CPython's _random.Random (a state object)."""
    m = types.ModuleType('_random')

    def new_state():
        return cpython_random.Random()

    def seed(state, a=None):
        # random.ts: str (UTF-8), bytes and bytearray hashed as version 2.
        if isinstance(a, str):
            a = a.encode()
        if isinstance(a, (bytes, bytearray)):
            a = int.from_bytes(bytes(a) + hashlib.sha512(a).digest())
        state.seed(a)

    m.new_state = new_state
    m.seed = seed
    m.random = lambda state: state.random()
    m.getrandbits = lambda state, k: state.getrandbits(k)
    m.getstate = lambda state: state.getstate()
    m.setstate = lambda state, words: state.setstate(words)
    m.urandom = os.urandom
    return m


def load(hide_abc=False):
    saved = {name: sys.modules.get(name) for name in ('_random', 'collections.abc')}
    sys.modules['_random'] = make_stand_in()
    if hide_abc:
        sys.modules['collections.abc'] = None  # import raises ImportError
    try:
        spec = importlib.util.spec_from_file_location('ft_random', os.path.join(LIB, 'random.py'))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        for name, value in saved.items():
            if value is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = value
    return module


passed = failed = 0
failures = []


def outcome(fn, m):
    try:
        value = fn(m)
    except Exception as e:
        return 'raise %s: %s' % (type(e).__name__, e)
    return 'value %r' % (value,)


def case(ours, text):
    """text: statements over `m` (the module) and `r` (m.Random(seed)),
    leaving the result in `out`."""
    global passed, failed
    code = compile(text, '<case>', 'exec')

    def run(m):
        env = {'m': m}
        exec(code, env)
        return env.get('out')

    a = outcome(run, ours)
    b = outcome(run, real)
    if a == b:
        passed += 1
    else:
        failed += 1
        failures.append('%s\n    ours: %s\n    real: %s' % (text, a[:300], b[:300]))


SEEDS = ['0', '1', '42', '2**100', '-5', '3.5', "'hello'", "b'bytes'", "bytearray(b'ba')", "''",
         "'h\\u00e9llo \\u20ac'", 'True']

CASES = []
for s in SEEDS:
    CASES += [
        f"r = m.Random({s}); out = [r.random() for _ in range(5)]",
        f"r = m.Random({s}); out = [r.getrandbits(k) for k in (0, 1, 7, 32, 33, 64, 100, 257)]",
        f"r = m.Random({s}); out = [r.randrange(10) for _ in range(30)]",
        f"r = m.Random({s}); out = [r.randrange(3, 1000, 7) for _ in range(20)] + [r.randrange(100, -100, -3) for _ in range(20)]",
        f"r = m.Random({s}); out = [r.randrange(2**80) for _ in range(5)] + [r.randrange(-2**70, 2**70, 3**20) for _ in range(5)]",
        f"r = m.Random({s}); out = [r.randint(-3, 3) for _ in range(30)]",
        f"r = m.Random({s}); out = [r.choice('abcdefg') for _ in range(20)] + [r.choice(range(10**12))]",
        f"r = m.Random({s}); x = list(range(20)); r.shuffle(x); y = list('abc'); r.shuffle(y); out = (x, y)",
        f"r = m.Random({s}); out = [r.sample(range(100), 10), r.sample(range(10**6), 30), r.sample('abcdefgh', 8), r.sample(range(30), 0)]",
        f"r = m.Random({s}); out = [r.sample(range(n), k) for n, k in ((21, 5), (22, 5), (26, 6), (90, 6), (91, 7), (341, 30), (342, 40), (1365, 100))]",
        f"r = m.Random({s}); out = r.sample(['red', 'blue'], counts=[4, 2], k=5) + r.sample(range(3), counts=(10**9, 1, 7), k=3)",
        f"r = m.Random({s}); out = r.choices('abc', k=10) + r.choices('abc', [5, 1, 1], k=10) + r.choices('abc', cum_weights=[1, 1.5, 9], k=10)",
        f"r = m.Random({s}); out = r.choices(range(5), [0, 0, 1, 0, 0], k=3) + r.choices('xy', [1.5, 2.5]) + r.choices([1], k=0)",
        f"r = m.Random({s}); out = [r.uniform(-2, 5) for _ in range(5)] + [r.uniform(1, 1)]",
        f"r = m.Random({s}); out = [r.triangular() for _ in range(3)] + [r.triangular(2, 10, 3) for _ in range(3)] + [r.triangular(1, 1, 1)]",
        f"r = m.Random({s}); out = [r.gauss() for _ in range(5)] + [r.gauss(10, 2) for _ in range(5)]",
        f"r = m.Random({s}); out = [r.normalvariate() for _ in range(5)] + [r.normalvariate(3, 0.5)]",
        f"r = m.Random({s}); out = [r.lognormvariate(0, 1) for _ in range(3)] + [r.expovariate(2) for _ in range(3)] + [r.expovariate()]",
        f"r = m.Random({s}); out = [r.vonmisesvariate(1, 0.5), r.vonmisesvariate(1, 0), r.vonmisesvariate(0, 4)]",
        f"r = m.Random({s}); out = [r.gammavariate(a, 2) for a in (0.5, 1.0, 2.5, 9)] + [r.betavariate(2, 3), r.betavariate(0.5, 0.5)]",
        f"r = m.Random({s}); out = [r.paretovariate(3), r.weibullvariate(1, 1.5), r.randbytes(7), r.randbytes(0)]",
        f"r = m.Random({s}); st = r.getstate(); a = [r.random() for _ in range(3)]; r.setstate(st); out = (a, [r.random() for _ in range(3)], st[0], len(st[1]), st[2])",
        f"r = m.Random({s}); r.gauss(); st = r.getstate(); a = r.gauss(); r.setstate(st); out = (a, r.gauss(), st[2])",
        f"r = m.Random({s}); out = [r.random() for _ in range(700)][-3:]",
        f"r = m.Random({s}); out = [r.binomialvariate(), r.binomialvariate(1, 0.3), r.binomialvariate(20, 0.1), r.binomialvariate(20, 0.9), r.binomialvariate(1000, 0.3), r.binomialvariate(10**6, 0.5), r.binomialvariate(5, 0.0), r.binomialvariate(5, 1.0), r.binomialvariate(0, 0.5), r.binomialvariate(10, 1e-300)]",
        f"r = m.Random({s}); out = [r.binomialvariate(100, 0.2) for _ in range(30)]",
    ]

CASES += [
    # module-level functions on the hidden instance
    "m.seed(12345); out = [m.random(), m.randint(1, 6), m.randrange(5), m.choice([1, 2, 3]), m.uniform(0, 1), m.getrandbits(40)]",
    "m.seed(7); x = list(range(10)); m.shuffle(x); out = [x, m.sample(range(50), 5), m.choices('ab', k=4), m.gauss(), m.expovariate(1)]",
    "m.seed('abc'); out = [m.random(), m.triangular(0, 1, 0.2), m.normalvariate(), m.randbytes(4)]",
    "m.seed(1); a = m.getstate(); m.random(); m.setstate(a); out = m.random()",
    # version 1 and other versions
    "r = m.Random(); r.seed('hello', version=1); out = r.random()",
    "r = m.Random(); r.seed(b'hello', version=1); out = r.random()",
    "r = m.Random(); r.seed('', version=1); out = r.random()",
    "r = m.Random(); r.seed(12, version=1); out = r.random()",
    "r = m.Random(); r.seed(bytearray(b'x'), version=1)",
    "r = m.Random(); r.seed(2.0, version=2.0); out = r.random()",
    "r = m.Random(); r.seed('x', version=2.0); out = r.random()",
    # errors
    "m.Random([1])",
    "m.Random({})",
    "m.Random().seed(object())",
    "m.Random(1).randrange(0)",
    "m.Random(1).randrange(-3)",
    "m.Random(1).randrange(5, 5)",
    "m.Random(1).randrange(5, 2)",
    "m.Random(1).randrange(0, 10, 0)",
    "m.Random(1).randrange(0, 10, -1)",
    "m.Random(1).randrange(10, 0, 2)",
    "m.Random(1).randrange(1.5)",
    "m.Random(1).randrange(1, 2.5)",
    "m.Random(1).randrange(1, 5, 1.0)",
    "m.Random(1).randrange(5, step=2)",
    "m.Random(1).randrange(5, None, 1)",
    "out = m.Random(1).randrange(True, 5)",
    "m.Random(1).randint(3, 1)",
    "m.Random(1).randint(1.0, 3)",
    "m.Random(1).choice([])",
    "m.Random(1).choice('')",
    "m.Random(1).sample({1, 2, 3}, 2)",
    "m.Random(1).sample({1: 2}, 1)",
    "m.Random(1).sample(range(3), 4)",
    "m.Random(1).sample(range(3), -1)",
    "m.Random(1).sample('ab', 1, counts=[1])",
    "m.Random(1).sample('ab', 1, counts=[1, 1.5])",
    "m.Random(1).sample('ab', 1, counts=[0, 0])",
    "m.Random(1).sample('ab', 3, counts=[1, 1])",
    "m.Random(1).choices('abc', 3)",
    "m.Random(1).choices('abc', [1, 2], k=3)",
    "m.Random(1).choices('abc', [1, 2, 3], cum_weights=[1, 2, 3])",
    "m.Random(1).choices('abc', [0, 0, 0])",
    "m.Random(1).choices('abc', [1, float('inf'), 1])",
    "m.Random(1).choices('abc', k=2.5)",
    "m.Random(1).choices('abc', None)",
    "m.Random(1).choices([], k=1)",
    "m.Random(1).choices('abc', [1, 'x', 3])",
    "m.Random(1).getrandbits(-1)",
    "m.Random(1).gammavariate(0, 1)",
    "m.Random(1).gammavariate(1, -1)",
    "m.Random(1).randbytes(-1)",
    "out = m.Random(1).expovariate(0)",
    "m.Random(1).setstate((4, (), None))",
    "m.Random(1).setstate((3, (1, 2), None))",
    "r = m.Random(1); st = r.getstate(); r.setstate((2, tuple(x - 2**32 for x in st[1][:-1]) + (st[1][-1],), None)); out = r.random()",
    "r = m.Random(1); st = r.getstate(); r.setstate((2, st[1][:-1] + (1.5,), None))",
    "out = m.Random(1).triangular(1, 1)",
    # subclasses: the _randbelow choice of __init_subclass__
    """
class OnlyRandom(m.Random):
    def random(self):
        return 0.3
r = OnlyRandom(1)
out = [r.randrange(10), r.choice('abcdef'), r.randint(1, 100), r._randbelow.__func__.__name__]
""",
    """
class OnlyBits(m.Random):
    def getrandbits(self, k):
        return (1 << k) - 1 >> 1
r = OnlyBits(1)
out = [r.randrange(10), r._randbelow.__func__.__name__]
""",
    """
class Both(m.Random):
    def random(self):
        return 0.5
    def getrandbits(self, k):
        return 0
out = [Both(1).randrange(10), Both(1)._randbelow.__func__.__name__]
""",
    """
class Own(m.Random):
    def __init__(self, x):
        self.x = x
r = Own(5)
r.seed(5)
out = [r.x, r.random()]
""",
    "import copy; r = m.Random(3); r.random(); c = copy.copy(r); out = (c.random(), r.random(), type(c).__name__)",
    "import pickle; r = m.Random(3); r.random(); c = pickle.loads(pickle.dumps(r)) if m is not None else None; out = (c.random(), r.random())",
    "out = sorted(m.__all__) == sorted(n for n in m.__all__ if hasattr(m, n))",
    "out = sorted(m.__all__)",
    "m.Random(1).binomialvariate(-1)",
    "m.Random(1).binomialvariate(5, 1.5)",
    "m.Random(1).binomialvariate(5, -0.5)",
    "s = m.SystemRandom(); x = s.random(); out = (0 <= x < 1, s.getrandbits(0), s.getrandbits(8) < 256, len(s.randbytes(5)), s.seed(1))",
    "m.SystemRandom().getstate()",
    "m.SystemRandom().getrandbits(-1)",
    "m.SystemRandom().randbytes(-1)",
    "out = (m.Random(2).random(), m.Random(x=2).random())",
    "out = (m.NV_MAGICCONST, m.SG_MAGICCONST, m.LOG4, m.TWOPI, m.BPF, m.RECIP_BPF)",
]

for hide_abc in (False, True):
    ours = load(hide_abc)
    assert (ours._Sequence is None) == hide_abc
    for text in CASES:
        if hide_abc and 'pickle' in text:
            continue  # pickling looks the class up as ft_random.Random, which is not importable
        if 'pickle' in text:
            sys.modules['ft_random'] = ours
        case(ours, text)
        sys.modules.pop('ft_random', None)

print('passed %d, failed %d' % (passed, failed))
for f in failures:
    print('FAIL', f)
sys.exit(1 if failed else 0)
