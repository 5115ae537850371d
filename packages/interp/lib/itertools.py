"""Iterator building blocks (CPython's itertools, Modules/itertoolsmodule.c).

ft's own implementation in Python: every iterator is a class with
``__iter__``/``__next__``, with CPython 3.13's messages and reprs where
they are cheap.  The inputs that CPython materialises up front (product,
permutations, combinations) are materialised here too, at construction.
"""

from _operator import index as _index

__all__ = ['accumulate', 'batched', 'chain', 'combinations',
           'combinations_with_replacement', 'compress', 'count', 'cycle',
           'dropwhile', 'filterfalse', 'groupby', 'islice', 'pairwise',
           'permutations', 'product', 'repeat', 'starmap', 'takewhile',
           'tee', 'zip_longest']


def _is_number(x):
    # PyNumber_Check: has __index__, __int__, __float__ or __complex__.
    t = type(x)
    return (hasattr(t, '__index__') or hasattr(t, '__int__')
            or hasattr(t, '__float__') or hasattr(t, '__complex__'))


class count:
    """count(start=0, step=1) --> start, start+step, start+2*step, ..."""

    def __init__(self, start=0, step=1):
        if not _is_number(start) or not _is_number(step):
            raise TypeError('a number is required')
        self._value = start
        self._step = step

    def __iter__(self):
        return self

    def __next__(self):
        value = self._value
        self._value = value + self._step
        return value

    def __repr__(self):
        step = self._step
        # CPython leaves the step out when it is the int 1 (or True).
        if isinstance(step, int) and step == 1:
            return 'count(%r)' % (self._value,)
        return 'count(%r, %r)' % (self._value, step)


class cycle:
    """cycle(iterable) --> the elements of iterable, then again, forever."""

    def __init__(self, iterable):
        self._it = iter(iterable)
        self._saved = []
        self._index = -1      # -1: still reading the input

    def __iter__(self):
        return self

    def __next__(self):
        if self._index < 0:
            for item in self._it:
                self._saved.append(item)
                return item
            self._it = None
            if not self._saved:
                raise StopIteration
            self._index = 0
        saved = self._saved
        item = saved[self._index]
        self._index = (self._index + 1) % len(saved)
        return item


class repeat:
    """repeat(object [,times]) --> object, times times, or forever."""

    def __init__(self, object, times=None):
        self._object = object
        if times is None:
            self._left = -1
        else:
            times = _index(times)
            self._left = times if times > 0 else 0

    def __iter__(self):
        return self

    def __next__(self):
        if self._left == 0:
            raise StopIteration
        if self._left > 0:
            self._left -= 1
        return self._object

    def __length_hint__(self):
        if self._left < 0:
            raise TypeError('len() of unsized object')
        return self._left

    def __repr__(self):
        if self._left < 0:
            return 'repeat(%r)' % (self._object,)
        return 'repeat(%r, %d)' % (self._object, self._left)


def _add(a, b):
    return a + b


class accumulate:
    """accumulate(iterable, func=None, *, initial=None): running totals."""

    def __init__(self, iterable, func=None, *, initial=None):
        self._it = iter(iterable)
        self._func = func
        self._total = initial
        self._started = False
        self._initial = initial is not None

    def __iter__(self):
        return self

    def __next__(self):
        if self._initial:
            self._initial = False
            self._started = True
            return self._total
        value = next(self._it)
        if not self._started:
            self._started = True
            self._total = value
        elif self._func is None:
            self._total = self._total + value
        else:
            self._total = self._func(self._total, value)
        return self._total


class batched:
    """batched(iterable, n, *, strict=False) --> tuples of length n."""

    def __init__(self, iterable, n, *, strict=False):
        n = _index(n)
        if n < 1:
            raise ValueError('n must be at least one')
        self._it = iter(iterable)
        self._n = n
        self._strict = strict

    def __iter__(self):
        return self

    def __next__(self):
        it = self._it
        if it is None:
            raise StopIteration
        batch = []
        for item in it:
            batch.append(item)
            if len(batch) == self._n:
                return tuple(batch)
        self._it = None
        if not batch:
            raise StopIteration
        if self._strict:
            raise ValueError('batched(): incomplete batch')
        return tuple(batch)


class chain:
    """chain(*iterables) --> the elements of each iterable in turn."""

    def __init__(self, *iterables):
        self._sources = iter(iterables)
        self._active = None

    @classmethod
    def from_iterable(cls, iterable):
        """chain.from_iterable(iterable) --> chain over the iterables it yields."""
        self = cls.__new__(cls)
        self._sources = iter(iterable)
        self._active = None
        return self

    def __iter__(self):
        return self

    def __next__(self):
        while self._sources is not None:
            if self._active is None:
                try:
                    source = next(self._sources)
                except StopIteration:
                    self._sources = None
                    break
                self._active = iter(source)
            try:
                return next(self._active)
            except StopIteration:
                self._active = None
        raise StopIteration


class compress:
    """compress(data, selectors) --> the data whose selector is true."""

    def __init__(self, data, selectors):
        self._data = iter(data)
        self._selectors = iter(selectors)

    def __iter__(self):
        return self

    def __next__(self):
        while True:
            item = next(self._data)
            if next(self._selectors):
                return item


class dropwhile:
    """dropwhile(predicate, iterable): skips items while predicate holds."""

    def __init__(self, predicate, iterable):
        self._predicate = predicate
        self._it = iter(iterable)
        self._dropping = True

    def __iter__(self):
        return self

    def __next__(self):
        while True:
            item = next(self._it)
            if not self._dropping:
                return item
            if not self._predicate(item):
                self._dropping = False
                return item


class takewhile:
    """takewhile(predicate, iterable): items while predicate holds."""

    def __init__(self, predicate, iterable):
        self._predicate = predicate
        self._it = iter(iterable)
        self._done = False

    def __iter__(self):
        return self

    def __next__(self):
        if self._done:
            raise StopIteration
        item = next(self._it)
        if self._predicate(item):
            return item
        self._done = True
        raise StopIteration


class filterfalse:
    """filterfalse(function or None, iterable): items for which function is false."""

    def __init__(self, function, iterable):
        self._function = function
        self._it = iter(iterable)

    def __iter__(self):
        return self

    def __next__(self):
        function = self._function
        while True:
            item = next(self._it)
            ok = item if function is None else function(item)
            if not ok:
                return item


class groupby:
    """groupby(iterable, key=None) --> (key, group) for runs of equal keys."""

    def __init__(self, iterable, key=None):
        self._it = iter(iterable)
        self._keyfunc = key
        self._tgtkey = self._currkey = self._currvalue = _MISSING
        self._currgrouper = None

    def __iter__(self):
        return self

    def _step(self):
        value = next(self._it)
        key = value if self._keyfunc is None else self._keyfunc(value)
        self._currvalue = value
        self._currkey = key

    def __next__(self):
        self._currgrouper = None
        # Skip to the next key: past the rest of the current group.
        while True:
            if self._currkey is _MISSING:
                self._step()
            elif self._tgtkey is _MISSING:
                break
            elif not (self._tgtkey == self._currkey):
                break
            else:
                self._step()
        self._tgtkey = self._currkey
        grouper = _grouper(self, self._tgtkey)
        self._currgrouper = grouper
        return (self._currkey, grouper)


class _grouper:
    def __init__(self, parent, tgtkey):
        self._parent = parent
        self._tgtkey = tgtkey

    def __iter__(self):
        return self

    def __next__(self):
        parent = self._parent
        # A group is only valid until its groupby moves on.
        if parent._currgrouper is not self:
            raise StopIteration
        if parent._currvalue is _MISSING:
            parent._step()
        if not (self._tgtkey == parent._currkey):
            raise StopIteration
        value = parent._currvalue
        parent._currvalue = _MISSING
        parent._currkey = _MISSING
        return value


class _Missing:
    def __repr__(self):
        return '<missing>'


_MISSING = _Missing()


def _islice_index(value, message):
    if value is None:
        return None
    try:
        n = _index(value)
    except TypeError:
        raise ValueError(message) from None
    if n < 0 or n > 9223372036854775807:
        raise ValueError(message)
    return n


class islice:
    """islice(iterable, stop) or islice(iterable, start, stop[, step])."""

    def __init__(self, iterable, *args):
        nargs = len(args)
        if nargs < 1:
            raise TypeError('islice expected at least 2 arguments, got 1')
        if nargs > 3:
            raise TypeError('islice expected at most 4 arguments, got %d' % (nargs + 1))
        stop_message = ('Stop argument for islice() must be None or an integer: '
                        '0 <= x <= sys.maxsize.')
        if nargs == 1:
            start, stop, step = 0, _islice_index(args[0], stop_message), 1
        else:
            stop = _islice_index(args[1], stop_message)
            start = _islice_index(args[0], 'Indices for islice() must be None or '
                                  'an integer: 0 <= x <= sys.maxsize.')
            if start is None:
                start = 0
            step = 1
            if nargs == 3 and args[2] is not None:
                try:
                    step = _index(args[2])
                except TypeError:
                    step = -1
                if step < 1 or step > 9223372036854775807:
                    raise ValueError('Step for islice() must be a positive '
                                     'integer or None.')
        self._it = iter(iterable)
        self._next = start
        self._stop = stop
        self._step = step
        self._count = 0

    def __iter__(self):
        return self

    def __next__(self):
        it = self._it
        if it is None:
            raise StopIteration
        stop = self._stop
        while self._count < self._next:
            try:
                next(it)
            except StopIteration:
                self._it = None
                raise
            self._count += 1
        if stop is not None and self._count >= stop:
            self._it = None
            raise StopIteration
        try:
            item = next(it)
        except StopIteration:
            self._it = None
            raise
        self._count += 1
        old = self._next
        self._next += self._step
        if self._next < old or (stop is not None and self._next > stop):
            self._next = stop
        return item


class pairwise:
    """pairwise(iterable) --> (a, b), (b, c), (c, d), ..."""

    def __init__(self, iterable):
        self._it = iter(iterable)
        self._old = _MISSING

    def __iter__(self):
        return self

    def __next__(self):
        it = self._it
        if it is None:
            raise StopIteration
        try:
            if self._old is _MISSING:
                self._old = next(it)
            new = next(it)
        except StopIteration:
            self._it = None
            self._old = None
            raise
        result = (self._old, new)
        self._old = new
        return result


class starmap:
    """starmap(function, iterable) --> function(*args) for each args."""

    def __init__(self, function, iterable):
        self._function = function
        self._it = iter(iterable)

    def __iter__(self):
        return self

    def __next__(self):
        args = next(self._it)
        if type(args) is not tuple:
            args = tuple(args)
        return self._function(*args)


class zip_longest:
    """zip_longest(*iterables, fillvalue=None): zip, padded to the longest."""

    def __init__(self, *iterables, **kwargs):
        fillvalue = None
        if kwargs:
            if len(kwargs) != 1 or 'fillvalue' not in kwargs:
                raise TypeError('zip_longest() got an unexpected keyword argument')
            fillvalue = kwargs['fillvalue']
        self._its = [iter(x) for x in iterables]
        self._active = len(self._its)
        self._fillvalue = fillvalue

    def __iter__(self):
        return self

    def __next__(self):
        its = self._its
        if not its or self._active == 0:
            raise StopIteration
        result = []
        for i in range(len(its)):
            it = its[i]
            if it is None:
                result.append(self._fillvalue)
                continue
            try:
                item = next(it)
            except StopIteration:
                self._active -= 1
                if self._active == 0:
                    raise
                its[i] = None
                item = self._fillvalue
            result.append(item)
        return tuple(result)


class product:
    """product(*iterables, repeat=1) --> the Cartesian product as tuples."""

    def __init__(self, *iterables, repeat=1):
        repeat = _index(repeat)
        if repeat < 0:
            raise ValueError('repeat argument cannot be negative')
        self._pools = [tuple(pool) for pool in iterables] * repeat
        self._indices = None
        self._done = False

    def __iter__(self):
        return self

    def __next__(self):
        if self._done:
            raise StopIteration
        pools = self._pools
        indices = self._indices
        if indices is None:
            for pool in pools:
                if not pool:
                    self._done = True
                    raise StopIteration
            self._indices = [0] * len(pools)
            return tuple(pool[0] for pool in pools)
        # Odometer: advance the rightmost index that has room.
        i = len(pools) - 1
        while i >= 0:
            indices[i] += 1
            if indices[i] < len(pools[i]):
                break
            indices[i] = 0
            i -= 1
        if i < 0:
            self._done = True
            raise StopIteration
        return tuple(pools[k][indices[k]] for k in range(len(pools)))


def _r_arg(r):
    if not isinstance(r, int):
        raise TypeError('Expected int as r')
    if r < 0:
        raise ValueError('r must be non-negative')
    return r


class permutations:
    """permutations(iterable, r=None) --> r-length orderings of the items."""

    def __init__(self, iterable, r=None):
        pool = tuple(iterable)
        n = len(pool)
        r = n if r is None else _r_arg(r)
        self._pool = pool
        self._r = r
        self._indices = list(range(n))
        self._cycles = list(range(n, n - r, -1))
        self._first = True
        self._done = r > n

    def __iter__(self):
        return self

    def __next__(self):
        if self._done:
            raise StopIteration
        pool, r, indices, cycles = self._pool, self._r, self._indices, self._cycles
        n = len(pool)
        if self._first:
            self._first = False
            return tuple(pool[i] for i in indices[:r])
        i = r - 1
        while i >= 0:
            cycles[i] -= 1
            if cycles[i] == 0:
                # Rotate indices[i:] left by one; this position is spent.
                moved = indices[i]
                indices[i:n - 1] = indices[i + 1:]
                indices[n - 1] = moved
                cycles[i] = n - i
            else:
                j = n - cycles[i]
                indices[i], indices[j] = indices[j], indices[i]
                return tuple(pool[k] for k in indices[:r])
            i -= 1
        self._done = True
        raise StopIteration


class combinations:
    """combinations(iterable, r) --> r-length subsequences, in order."""

    def __init__(self, iterable, r):
        pool = tuple(iterable)
        r = _r_arg(r)
        self._pool = pool
        self._r = r
        self._indices = list(range(r))
        self._first = True
        self._done = r > len(pool)

    def __iter__(self):
        return self

    def __next__(self):
        if self._done:
            raise StopIteration
        pool, r, indices = self._pool, self._r, self._indices
        n = len(pool)
        if self._first:
            self._first = False
            return tuple(pool[i] for i in indices)
        i = r - 1
        while i >= 0 and indices[i] == i + n - r:
            i -= 1
        if i < 0:
            self._done = True
            raise StopIteration
        indices[i] += 1
        for j in range(i + 1, r):
            indices[j] = indices[j - 1] + 1
        return tuple(pool[k] for k in indices)


class combinations_with_replacement:
    """combinations_with_replacement(iterable, r) --> r-length multisets, in order."""

    def __init__(self, iterable, r):
        pool = tuple(iterable)
        r = _r_arg(r)
        self._pool = pool
        self._r = r
        self._indices = [0] * r
        self._first = True
        self._done = not pool and r > 0

    def __iter__(self):
        return self

    def __next__(self):
        if self._done:
            raise StopIteration
        pool, r, indices = self._pool, self._r, self._indices
        n = len(pool)
        if self._first:
            self._first = False
            return tuple(pool[i] for i in indices)
        i = r - 1
        while i >= 0 and indices[i] == n - 1:
            i -= 1
        if i < 0:
            self._done = True
            raise StopIteration
        value = indices[i] + 1
        for j in range(i, r):
            indices[j] = value
        return tuple(pool[k] for k in indices)


class _tee_link:
    """One cell of the buffer the tees of one iterator share."""
    __slots__ = ('value', 'next')

    def __init__(self):
        self.value = None
        self.next = None


class _tee_source:
    __slots__ = ('it',)

    def __init__(self, it):
        self.it = it


class _tee:
    """An iterator of tee(): reads the shared buffer, filling it as needed."""

    def __init__(self, iterable):
        if isinstance(iterable, _tee):
            self._source = iterable._source
            self._link = iterable._link
        else:
            self._source = _tee_source(iter(iterable))
            self._link = _tee_link()

    def __iter__(self):
        return self

    def __next__(self):
        link = self._link
        if link.next is None:
            value = next(self._source.it)
            # Re-check: the call above may have run another tee's next().
            if link.next is None:
                link.value = value
                link.next = _tee_link()
        self._link = link.next
        return link.value

    def __copy__(self):
        return _tee(self)


_tee.__name__ = '_tee'


def tee(iterable, n=2):
    """tee(iterable, n=2) --> a tuple of n independent iterators."""
    n = _index(n)
    if n < 0:
        raise ValueError('n must be >= 0')
    if n == 0:
        return ()
    it = iter(iterable)
    copy = getattr(it, '__copy__', None)
    if copy is None:
        first = _tee(it)
        copy = first.__copy__
    else:
        first = it
    result = [first]
    for _ in range(n - 1):
        result.append(copy())
    return tuple(result)
