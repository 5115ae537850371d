"""Pseudo-random numbers (CPython's random module).

The generator is CPython's Mersenne Twister, in ft's TypeScript module
``_random`` (src/modules/random.ts): a ``Random`` keeps its state object
(from ``_random.new_state()``) in ``self._state`` and hands it to
``_random``'s functions, which run under the state's critical section as
CPython 3.13's free-threaded ``_random.Random`` methods do. Everything
built on ``random()`` and ``getrandbits()`` is here, using the same
algorithms and drawing the same numbers in the same order as CPython 3.13,
so that a seeded program prints what CPython prints.
"""

import _random
from math import (acos as _acos, ceil as _ceil, cos as _cos, e as _e,
                  exp as _exp, fabs as _fabs, floor as _floor,
                  isfinite as _isfinite, lgamma as _lgamma, log as _log,
                  log2 as _log2, pi as _pi, sin as _sin, sqrt as _sqrt,
                  tau as _TWOPI)
from operator import index as _index

__all__ = ['Random', 'SystemRandom', 'betavariate', 'binomialvariate',
           'choice', 'choices',
           'expovariate', 'gammavariate', 'gauss', 'getrandbits',
           'getstate', 'lognormvariate', 'normalvariate', 'paretovariate',
           'randbytes', 'randint', 'random', 'randrange', 'sample', 'seed',
           'setstate', 'shuffle', 'triangular', 'uniform', 'vonmisesvariate',
           'weibullvariate']

# The constants of the distributions, as CPython defines them.
NV_MAGICCONST = 4 * _exp(-0.5) / _sqrt(2.0)
LOG4 = _log(4.0)
SG_MAGICCONST = 1.0 + _log(4.5)
TWOPI = _TWOPI
BPF = 53                # bits in a float's significand
RECIP_BPF = 2 ** -BPF
_ONE = 1                # randrange's default step, told apart from step=1 by identity

try:
    from collections.abc import Sequence as _Sequence
except ImportError:
    _Sequence = None


def _is_sequence(population):
    """isinstance(population, collections.abc.Sequence), or its nearest
    duck-typed guess when collections.abc is not there."""
    if _Sequence is not None:
        return isinstance(population, _Sequence)
    if isinstance(population, (list, tuple, str, range, bytes, bytearray)):
        return True
    if isinstance(population, (dict, set, frozenset)):
        return False
    cls = type(population)
    return hasattr(cls, '__getitem__') and hasattr(cls, '__len__')


def _bisect_right(a, x, lo, hi):
    """bisect.bisect_right(a, x, lo, hi): the first index whose item is > x."""
    while lo < hi:
        mid = (lo + hi) // 2
        if x < a[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _running_totals(values):
    """list(itertools.accumulate(values)): the first item as is, then sums."""
    totals = []
    total = None
    for v in values:
        total = v if not totals else total + v
        totals.append(total)
    return totals


class Random:
    """A Mersenne Twister generator with its own state; the module's
    functions are the methods of one hidden instance. A subclass may bring
    its own random() (and getrandbits(), for integer ranges past 2**53).
    """

    VERSION = 3     # the format of getstate()'s tuple

    def __new__(cls, *args, **kwargs):
        # The state exists before __init__ runs (CPython's tp_new makes it),
        # so a subclass's __init__ that does not call ours still works.
        self = super().__new__(cls)
        self._state = _random.new_state()
        return self

    def __init__(self, x=None):
        self.seed(x)
        self.gauss_next = None

    def __init_subclass__(cls, /, **kwargs):
        # The nearest class in the MRO that defines one of these decides
        # how integers below n are drawn: a subclass that only overrides
        # random() must not use our getrandbits().
        for klass in cls.__mro__:
            if '_randbelow' in klass.__dict__:
                break
            if 'getrandbits' in klass.__dict__:
                cls._randbelow = cls._randbelow_with_getrandbits
                break
            if 'random' in klass.__dict__:
                cls._randbelow = cls._randbelow_without_getrandbits
                break

    # --- the generator ---------------------------------------------------

    def seed(self, a=None, version=2):
        """Seed the generator from a.

        None seeds from the operating system's randomness; an int uses all
        its bits (its absolute value); a str, bytes or bytearray uses all
        its bytes (version 2) or CPython 2's narrower hash (version 1); a
        float seeds from its hash.
        """
        if version == 1 and isinstance(a, (str, bytes)):
            text = a.decode('latin-1') if isinstance(a, bytes) else a
            x = ord(text[0]) << 7 if text else 0
            for ch in text:
                x = ((1000003 * x) ^ ord(ch)) & 0xFFFFFFFFFFFFFFFF
            x ^= len(text)
            a = -2 if x == -1 else x
        elif version != 2 and isinstance(a, (str, bytes, bytearray)):
            # Only version 2 hashes the bytes themselves (in _random); any
            # other version seeds from hash(a), as the C type would.
            a = hash(a) & 0xFFFFFFFFFFFFFFFF
        elif not isinstance(a, (type(None), int, float, str, bytes, bytearray)):
            raise TypeError('The only supported seed types are:\n'
                            'None, int, float, str, bytes, and bytearray.')
        _random.seed(self._state, a)
        self.gauss_next = None

    def random(self):
        """A float in [0, 1): 53 random bits over 2**53."""
        return _random.random(self._state)

    def getrandbits(self, k, /):
        """A non-negative int of k random bits."""
        return _random.getrandbits(self._state, k)

    def getstate(self):
        """The generator's state, as a tuple that setstate() accepts."""
        return self.VERSION, _random.getstate(self._state), self.gauss_next

    def setstate(self, state):
        """Restore a state that getstate() returned."""
        version = state[0]
        if version == 3:
            version, internalstate, self.gauss_next = state
        elif version == 2:
            version, internalstate, self.gauss_next = state
            # Version 2 states were written by builds whose words could be
            # signed or 64-bit: reduce them to 32 bits.
            try:
                internalstate = tuple(x % (2 ** 32) for x in internalstate)
            except ValueError as e:
                raise TypeError from e
        else:
            raise ValueError("state with version %s passed to "
                             "Random.setstate() of version %s" %
                             (version, self.VERSION))
        _random.setstate(self._state, internalstate)

    # Pickling and copying go through getstate()/setstate().

    def __getstate__(self):
        return self.getstate()

    def __setstate__(self, state):
        self.setstate(state)

    def __reduce__(self):
        return self.__class__, (), self.getstate()

    # --- integers ----------------------------------------------------------

    def _randbelow_with_getrandbits(self, n):
        """An int in [0, n) for n > 0: draws of n.bit_length() bits until
        one is below n (on average fewer than two draws)."""
        getrandbits = self.getrandbits
        k = n.bit_length()
        r = getrandbits(k)
        while r >= n:
            r = getrandbits(k)
        return r

    def _randbelow_without_getrandbits(self, n, maxsize=1 << BPF):
        """An int in [0, n) from random() alone: random() scaled to
        [0, maxsize), redrawn in the top partial stripe so that every
        residue mod n is equally likely."""
        random = self.random
        if n >= maxsize:
            try:
                from warnings import warn
            except ImportError:
                pass
            else:
                warn("Underlying random() generator does not supply \n"
                     "enough bits to choose from a population range this large.\n"
                     "To remove the range limitation, add a getrandbits() method.")
            return _floor(random() * n)
        rem = maxsize % n
        limit = (maxsize - rem) / maxsize
        r = random()
        while r >= limit:
            r = random()
        return _floor(r * maxsize) % n

    _randbelow = _randbelow_with_getrandbits

    def randbytes(self, n):
        """n random bytes."""
        return self.getrandbits(n * 8).to_bytes(n, 'little')

    def randrange(self, start, stop=None, step=_ONE):
        """A random int of range(start, stop, step) (or range(start)),
        without building the range."""
        istart = _index(start)
        if stop is None:
            if step is not _ONE:
                raise TypeError("Missing a non-None stop argument")
            if istart > 0:
                return self._randbelow(istart)
            raise ValueError("empty range for randrange()")
        istop = _index(stop)
        width = istop - istart
        istep = _index(step)
        if istep == 1:
            if width > 0:
                return istart + self._randbelow(width)
            raise ValueError(f"empty range in randrange({start}, {stop})")
        if istep > 0:
            count = (width + istep - 1) // istep
        elif istep < 0:
            count = (width + istep + 1) // istep
        else:
            raise ValueError("zero step for randrange()")
        if count <= 0:
            raise ValueError(f"empty range in randrange({start}, {stop}, {step})")
        return istart + istep * self._randbelow(count)

    def randint(self, a, b):
        """A random int n with a <= n <= b."""
        return self.randrange(a, b + 1)

    # --- sequences -----------------------------------------------------------

    def choice(self, seq):
        """A random item of the non-empty sequence seq."""
        if not len(seq):
            raise IndexError('Cannot choose from an empty sequence')
        return seq[self._randbelow(len(seq))]

    def shuffle(self, x):
        """Put the items of the mutable sequence x in random order, in place."""
        randbelow = self._randbelow
        # Fisher-Yates from the end: position i takes a random item of x[:i+1].
        i = len(x) - 1
        while i > 0:
            j = randbelow(i + 1)
            x[i], x[j] = x[j], x[i]
            i -= 1

    def sample(self, population, k, *, counts=None):
        """k items of population drawn without replacement, as a new list in
        the order drawn; with counts, item i stands for counts[i] copies of
        itself."""
        if not _is_sequence(population):
            raise TypeError("Population must be a sequence.  "
                            "For dicts or sets, use sorted(d).")
        n = len(population)
        if counts is not None:
            cum_counts = _running_totals(counts)
            if len(cum_counts) != n:
                raise ValueError('The number of counts does not match the population')
            total = cum_counts.pop()
            if not isinstance(total, int):
                raise TypeError('Counts must be integers')
            if total <= 0:
                raise ValueError('Total of counts must be greater than zero')
            selections = self.sample(range(total), k=k)
            return [population[_bisect_right(cum_counts, s, 0, len(cum_counts))]
                    for s in selections]
        randbelow = self._randbelow
        if not 0 <= k <= n:
            raise ValueError("Sample larger than population or is negative")
        result = [None] * k
        # Two strategies, chosen as CPython chooses (the numbers decide
        # which draws are made, so they must be CPython's): for a small
        # population, a partial shuffle of a copy; else, indexes drawn
        # until unseen, tracked in a set. The threshold compares the
        # copy's size with the set's table size for k entries.
        setsize = 21
        if k > 5:
            setsize += 4 ** _ceil(_log(k * 3, 4))
        if n <= setsize:
            pool = list(population)
            for i in range(k):
                j = randbelow(n - i)
                result[i] = pool[j]
                pool[j] = pool[n - i - 1]    # the last unpicked item fills the hole
        else:
            seen = set()
            for i in range(k):
                j = randbelow(n)
                while j in seen:
                    j = randbelow(n)
                seen.add(j)
                result[i] = population[j]
        return result

    def choices(self, population, weights=None, *, cum_weights=None, k=1):
        """k items of population drawn with replacement, each in proportion
        to its weight (all alike without weights)."""
        random = self.random
        n = len(population)
        if cum_weights is None:
            if weights is None:
                n += 0.0
                return [population[_floor(random() * n)] for _ in range(k)]
            try:
                cum_weights = _running_totals(weights)
            except TypeError:
                if not isinstance(weights, int):
                    raise
                k = weights
                raise TypeError(
                    f'The number of choices must be a keyword argument: {k=}'
                ) from None
        elif weights is not None:
            raise TypeError('Cannot specify both weights and cumulative weights')
        if len(cum_weights) != n:
            raise ValueError('The number of weights does not match the population')
        total = cum_weights[-1] + 0.0
        if total <= 0.0:
            raise ValueError('Total of weights must be greater than zero')
        if not _isfinite(total):
            raise ValueError('Total of weights must be finite')
        hi = n - 1
        return [population[_bisect_right(cum_weights, random() * total, 0, hi)]
                for _ in range(k)]

    # --- real-valued distributions ----------------------------------------------

    def uniform(self, a, b):
        """A float between a and b: a + (b - a) * random()."""
        return a + (b - a) * self.random()

    def triangular(self, low=0.0, high=1.0, mode=None):
        """Triangular distribution on [low, high] peaking at mode."""
        u = self.random()
        try:
            c = 0.5 if mode is None else (mode - low) / (high - low)
        except ZeroDivisionError:
            return low
        if u > c:
            # Mirror: draw from the other side of the peak.
            u = 1.0 - u
            c = 1.0 - c
            low, high = high, low
        return low + (high - low) * _sqrt(u * c)

    def normalvariate(self, mu=0.0, sigma=1.0):
        """Normal distribution (Kinderman and Monahan's ratio method)."""
        random = self.random
        while True:
            u1 = random()
            u2 = 1.0 - random()
            z = NV_MAGICCONST * (u1 - 0.5) / u2
            if z * z / 4.0 <= -_log(u2):
                break
        return mu + z * sigma

    def gauss(self, mu=0.0, sigma=1.0):
        """Gaussian distribution (Box-Muller: every other call uses the
        second value of the previous pair). Not thread-safe without a lock."""
        random = self.random
        z = self.gauss_next
        self.gauss_next = None
        if z is None:
            angle = random() * TWOPI
            radius = _sqrt(-2.0 * _log(1.0 - random()))
            z = _cos(angle) * radius
            self.gauss_next = _sin(angle) * radius
        return mu + z * sigma

    def lognormvariate(self, mu, sigma):
        """Log normal distribution: exp of normalvariate(mu, sigma)."""
        return _exp(self.normalvariate(mu, sigma))

    def expovariate(self, lambd=1.0):
        """Exponential distribution with rate lambd (mean 1/lambd)."""
        return -_log(1.0 - self.random()) / lambd

    def vonmisesvariate(self, mu, kappa):
        """Circular data distribution (Best and Fisher's method)."""
        random = self.random
        if kappa <= 1e-6:
            return TWOPI * random()
        s = 0.5 / kappa
        r = s + _sqrt(1.0 + s * s)
        while True:
            u1 = random()
            z = _cos(_pi * u1)
            d = z / (r + z)
            u2 = random()
            if u2 < 1.0 - d * d or u2 <= (1.0 - d) * _exp(d):
                break
        q = 1.0 / r
        f = (q + z) / (1.0 + q * z)
        u3 = random()
        if u3 > 0.5:
            return (mu + _acos(f)) % TWOPI
        return (mu - _acos(f)) % TWOPI

    def gammavariate(self, alpha, beta):
        """Gamma distribution (alpha > 0, beta > 0). Not the gamma function."""
        if alpha <= 0.0 or beta <= 0.0:
            raise ValueError('gammavariate: alpha and beta must be > 0.0')
        random = self.random
        if alpha > 1.0:
            # Cheng's rejection method (1977).
            ainv = _sqrt(2.0 * alpha - 1.0)
            bbb = alpha - LOG4
            ccc = alpha + ainv
            while True:
                u1 = random()
                if not 1e-7 < u1 < 0.9999999:
                    continue
                u2 = 1.0 - random()
                v = _log(u1 / (1.0 - u1)) / ainv
                x = alpha * _exp(v)
                z = u1 * u1 * u2
                r = bbb + ccc * v - x
                if r + SG_MAGICCONST - 4.5 * z >= 0.0 or r >= _log(z):
                    return x * beta
        if alpha == 1.0:
            return -_log(1.0 - random()) * beta
        # alpha < 1: Ahrens and Dieter's GS method.
        while True:
            u = random()
            b = (_e + alpha) / _e
            p = b * u
            if p <= 1.0:
                x = p ** (1.0 / alpha)
            else:
                x = -_log((b - p) / alpha)
            u1 = random()
            if p > 1.0:
                if u1 <= x ** (alpha - 1.0):
                    break
            elif u1 <= _exp(-x):
                break
        return x * beta

    def betavariate(self, alpha, beta):
        """Beta distribution (alpha > 0, beta > 0), values in [0, 1]."""
        y = self.gammavariate(alpha, 1.0)
        if y:
            return y / (y + self.gammavariate(beta, 1.0))
        return 0.0

    def paretovariate(self, alpha):
        """Pareto distribution; alpha is the shape."""
        u = 1.0 - self.random()
        return u ** (-1.0 / alpha)

    def weibullvariate(self, alpha, beta):
        """Weibull distribution; alpha is the scale, beta the shape."""
        u = 1.0 - self.random()
        return alpha * (-_log(u)) ** (1.0 / beta)

    # --- discrete distributions -------------------------------------------------

    def binomialvariate(self, n=1, p=0.5):
        """Successes in n independent trials of probability p each: an int
        in [0, n], distributed as sum(random() < p for i in range(n))."""
        if n < 0:
            raise ValueError("n must be non-negative")
        if p <= 0.0 or p >= 1.0:
            if p == 0.0:
                return 0
            if p == 1.0:
                return n
            raise ValueError("p must be in the range 0.0 <= p <= 1.0")
        random = self.random
        if n == 1:
            return _index(random() < p)
        if p > 0.5:
            # Count the failures instead, so that p <= 0.5 below.
            return n - self.binomialvariate(n, 1.0 - p)
        if n * p < 10.0:
            # Few successes expected: skip over the failures between them,
            # each gap a geometric variate (Devroye), O(n*p) draws.
            successes = trials = 0
            c = _log2(1.0 - p)
            if not c:
                return successes
            while True:
                trials += _floor(_log2(random()) / c) + 1
                if trials > n:
                    return successes
                successes += 1
        # Many successes expected: Hoermann's BTRS, transformed rejection
        # with a squeeze; the log-likelihood setup is made on first need.
        spq = _sqrt(n * p * (1.0 - p))
        b = 1.15 + 2.53 * spq
        a = -0.0873 + 0.0248 * b + 0.01 * p
        c = n * p + 0.5
        vr = 0.92 - 4.2 / b
        ready = False
        while True:
            u = random() - 0.5
            us = 0.5 - _fabs(u)
            k = _floor((2.0 * a / us + b) * u + c)
            if k < 0 or k > n:
                continue
            v = random()
            if us >= 0.07 and v <= vr:
                return k
            if not ready:
                alpha = (2.83 + 5.1 / b) * spq
                lpq = _log(p / (1.0 - p))
                mode = _floor((n + 1) * p)
                h = _lgamma(mode + 1) + _lgamma(n - mode + 1)
                ready = True
            v *= alpha / (a / (us * us) + b)
            if _log(v) <= h - _lgamma(k + 1) - _lgamma(n - k + 1) + (k - mode) * lpq:
                return k


class SystemRandom(Random):
    """Random numbers from the operating system's randomness
    (_random.urandom); there is no state to seed, save or restore."""

    def random(self):
        """A float in [0, 1) from 53 bits of the OS's randomness."""
        return (int.from_bytes(_random.urandom(7)) >> 3) * RECIP_BPF

    def getrandbits(self, k):
        """A non-negative int of k random bits."""
        if k < 0:
            raise ValueError('number of bits must be non-negative')
        numbytes = (k + 7) // 8
        x = int.from_bytes(_random.urandom(numbytes))
        return x >> (numbytes * 8 - k)

    def randbytes(self, n):
        """n random bytes."""
        return _random.urandom(n)

    def seed(self, *args, **kwds):
        """Does nothing: the OS's randomness takes no seed."""
        return None

    def _notimplemented(self, *args, **kwds):
        """The OS's randomness has no state to save or restore."""
        raise NotImplementedError('System entropy source does not have state.')

    getstate = setstate = _notimplemented


# The module's functions are the bound methods of one hidden instance,
# seeded from the operating system's randomness at import.
_inst = Random()
seed = _inst.seed
random = _inst.random
uniform = _inst.uniform
triangular = _inst.triangular
randint = _inst.randint
choice = _inst.choice
randrange = _inst.randrange
sample = _inst.sample
shuffle = _inst.shuffle
choices = _inst.choices
normalvariate = _inst.normalvariate
lognormvariate = _inst.lognormvariate
expovariate = _inst.expovariate
vonmisesvariate = _inst.vonmisesvariate
gammavariate = _inst.gammavariate
gauss = _inst.gauss
betavariate = _inst.betavariate
binomialvariate = _inst.binomialvariate
paretovariate = _inst.paretovariate
weibullvariate = _inst.weibullvariate
getstate = _inst.getstate
setstate = _inst.setstate
getrandbits = _inst.getrandbits
randbytes = _inst.randbytes
