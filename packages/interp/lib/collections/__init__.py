"""Container datatypes (CPython's collections).

ft's own implementation in Python. ``deque`` is the @ft/objects deque,
exported by the ``_collections`` module (src/modules/collections.ts);
defaultdict, OrderedDict and Counter are dict subclasses (a dict keeps
insertion order, which OrderedDict builds on), and namedtuple builds its
class with ``type()`` rather than by executing generated source.
"""

import sys as _sys
from _collections import deque

__all__ = ['Counter', 'OrderedDict', 'defaultdict', 'deque', 'namedtuple']


# Ids of the containers whose repr is running: a container that contains
# itself shows as '...' (reprlib.recursive_repr's effect, without reprlib).
_repr_running = set()


# ---------------------------------------------------------------------------
# defaultdict
# ---------------------------------------------------------------------------

class defaultdict(dict):
    """defaultdict(default_factory=None, /, [...]) --> dict with default factory.

    A missing key is set to default_factory() and returned; with no
    factory it raises KeyError as a dict does.
    """

    def __init__(self, *args, **kwargs):
        factory = None
        if args:
            factory = args[0]
            args = args[1:]
            if factory is not None and not callable(factory):
                raise TypeError('first argument must be callable or None')
        self.default_factory = factory
        dict.__init__(self, *args, **kwargs)

    def __missing__(self, key):
        factory = self.default_factory
        if factory is None:
            raise KeyError(key)
        value = factory()
        self[key] = value
        return value

    def __repr__(self):
        key = id(self)
        if key in _repr_running:
            return '...'
        _repr_running.add(key)
        try:
            factory = self.default_factory
            factory_repr = 'None' if factory is None else repr(factory)
            return '%s(%s, %s)' % (type(self).__name__, factory_repr, dict.__repr__(self))
        finally:
            _repr_running.discard(key)

    def copy(self):
        """D.copy() -> a shallow copy of D."""
        return type(self)(self.default_factory, self)

    __copy__ = copy

    def __reduce__(self):
        args = () if self.default_factory is None else (self.default_factory,)
        return type(self), args, None, None, iter(self.items())

    def __or__(self, other):
        if not isinstance(other, dict):
            return NotImplemented
        new = self.copy()
        new.update(other)
        return new

    def __ror__(self, other):
        if not isinstance(other, dict):
            return NotImplemented
        new = type(self)(self.default_factory, other)
        new.update(self)
        return new

    def __ior__(self, other):
        self.update(other)
        return self


# ---------------------------------------------------------------------------
# OrderedDict
# ---------------------------------------------------------------------------

class OrderedDict(dict):
    """Dictionary that remembers insertion order, with move_to_end and popitem(last=)."""

    def __init__(self, other=(), /, **kwds):
        self.update(other, **kwds)

    def update(self, other=(), /, **kwds):
        """D.update([E, ]**F) -> None. Update D from mapping/iterable E and F."""
        if isinstance(other, dict) or hasattr(other, 'keys'):
            for key in other.keys():
                self[key] = other[key]
        else:
            for key, value in other:
                self[key] = value
        for key, value in kwds.items():
            self[key] = value

    def popitem(self, last=True):
        """Remove and return a (key, value) pair from the dictionary.

        Pairs are returned in LIFO order if last is true or FIFO order if false.
        """
        if not self:
            raise KeyError('dictionary is empty')
        key = next(reversed(self)) if last else next(iter(self))
        value = dict.pop(self, key)
        return key, value

    def move_to_end(self, key, last=True):
        """Move an existing element to the end (or beginning if last is false).

        Raise KeyError if the element does not exist.
        """
        value = dict.pop(self, key)      # KeyError(key) when absent
        if last:
            dict.__setitem__(self, key, value)
            return
        # The dict has no "insert first": rebuild it with key in front.
        rest = list(dict.items(self))
        dict.clear(self)
        dict.__setitem__(self, key, value)
        for k, v in rest:
            dict.__setitem__(self, k, v)

    def setdefault(self, key, default=None):
        """Insert key with a value of default if key is not in the dictionary."""
        if key in self:
            return self[key]
        self[key] = default
        return default

    def __repr__(self):
        if not self:
            return '%s()' % (type(self).__name__,)
        key = id(self)
        if key in _repr_running:
            return '...'
        _repr_running.add(key)
        try:
            return '%s(%r)' % (type(self).__name__, dict(self.items()))
        finally:
            _repr_running.discard(key)

    def __reduce__(self):
        state = getattr(self, '__dict__', None) or None
        return type(self), (), state, None, iter(list(self.items()))

    def copy(self):
        """od.copy() -> a shallow copy of od"""
        return type(self)(self)

    __copy__ = copy

    @classmethod
    def fromkeys(cls, iterable, value=None):
        """Create a new ordered dictionary with keys from iterable and values set to value."""
        self = cls()
        for key in iterable:
            self[key] = value
        return self

    def __eq__(self, other):
        # Order matters between two OrderedDicts only.
        if isinstance(other, OrderedDict):
            if not dict.__eq__(self, other):
                return False
            for a, b in zip(self, other):
                if not (a is b or a == b):
                    return False
            return True
        return dict.__eq__(self, other)

    def __ne__(self, other):
        result = self.__eq__(other)
        if result is NotImplemented:
            return result
        return not result

    __hash__ = None

    def __or__(self, other):
        if not isinstance(other, dict):
            return NotImplemented
        new = type(self)(self)
        new.update(other)
        return new

    def __ror__(self, other):
        if not isinstance(other, dict):
            return NotImplemented
        new = type(self)(other)
        new.update(self)
        return new

    def __ior__(self, other):
        self.update(other)
        return self


# ---------------------------------------------------------------------------
# Counter
# ---------------------------------------------------------------------------

def _count_of(pair):
    return pair[1]


class Counter(dict):
    """Dict subclass for counting hashable items (a multiset).

    >>> Counter('abracadabra').most_common(3)
    [('a', 5), ('b', 2), ('r', 2)]
    """

    def __init__(self, iterable=None, /, **kwds):
        self.update(iterable, **kwds)

    def __missing__(self, key):
        """The count of elements not in the Counter is zero."""
        return 0

    def total(self):
        """Sum of the counts"""
        return sum(self.values())

    def most_common(self, n=None):
        """List the n most common elements and their counts from the most
        common to the least.  If n is None, then list all element counts.
        """
        # sorted() is stable: equal counts keep their insertion order.
        ordered = sorted(self.items(), key=_count_of, reverse=True)
        if n is None:
            return ordered
        if n < 0:
            n = 0
        return ordered[:n]

    def elements(self):
        """Iterator over elements repeating each as many times as its count."""
        return _Elements(list(self.items()))

    @classmethod
    def fromkeys(cls, iterable, v=None):
        raise NotImplementedError(
            'Counter.fromkeys() is undefined.  Use Counter(iterable) instead.')

    def update(self, iterable=None, /, **kwds):
        """Like dict.update() but add counts instead of replacing them."""
        if iterable is not None:
            if isinstance(iterable, dict) or hasattr(iterable, 'keys'):
                if self:
                    get = self.get
                    for elem in iterable.keys():
                        self[elem] = iterable[elem] + get(elem, 0)
                else:
                    dict.update(self, iterable)
            else:
                get = self.get
                for elem in iterable:
                    self[elem] = get(elem, 0) + 1
        if kwds:
            self.update(kwds)

    def subtract(self, iterable=None, /, **kwds):
        """Like dict.update() but subtracts counts instead of replacing them."""
        if iterable is not None:
            get = self.get
            if isinstance(iterable, dict) or hasattr(iterable, 'keys'):
                for elem in iterable.keys():
                    self[elem] = get(elem, 0) - iterable[elem]
            else:
                for elem in iterable:
                    self[elem] = get(elem, 0) - 1
        if kwds:
            self.subtract(kwds)

    def copy(self):
        """Return a shallow copy."""
        return type(self)(self)

    def __reduce__(self):
        return type(self), (dict(self),)

    def __delitem__(self, elem):
        """Like dict.__delitem__() but does not raise KeyError for missing values."""
        if elem in self:
            dict.__delitem__(self, elem)

    def __repr__(self):
        if not self:
            return '%s()' % (type(self).__name__,)
        try:
            d = dict(self.most_common())
        except TypeError:
            # Counts that do not order among themselves.
            d = dict(self)
        return '%s(%r)' % (type(self).__name__, d)

    # Multiset comparisons: a missing element counts as zero.
    def __eq__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        return all(self[e] == other[e] for c in (self, other) for e in c)

    def __ne__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        return not self == other

    def __le__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        return all(self[e] <= other[e] for c in (self, other) for e in c)

    def __lt__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        return self <= other and self != other

    def __ge__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        return all(self[e] >= other[e] for c in (self, other) for e in c)

    def __gt__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        return self >= other and self != other

    __hash__ = None

    def __add__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        result = Counter()
        for elem, count in self.items():
            newcount = count + other[elem]
            if newcount > 0:
                result[elem] = newcount
        for elem, count in other.items():
            if elem not in self and count > 0:
                result[elem] = count
        return result

    def __sub__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        result = Counter()
        for elem, count in self.items():
            newcount = count - other[elem]
            if newcount > 0:
                result[elem] = newcount
        for elem, count in other.items():
            if elem not in self and count < 0:
                result[elem] = 0 - count
        return result

    def __or__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        result = Counter()
        for elem, count in self.items():
            other_count = other[elem]
            newcount = other_count if count < other_count else count
            if newcount > 0:
                result[elem] = newcount
        for elem, count in other.items():
            if elem not in self and count > 0:
                result[elem] = count
        return result

    def __and__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        result = Counter()
        for elem, count in self.items():
            other_count = other[elem]
            newcount = count if count < other_count else other_count
            if newcount > 0:
                result[elem] = newcount
        return result

    def __pos__(self):
        """Adds an empty counter, effectively stripping negative and zero counts"""
        result = Counter()
        for elem, count in self.items():
            if count > 0:
                result[elem] = count
        return result

    def __neg__(self):
        """Subtracts from an empty counter.  Strips positive and zero counts,
        and flips the sign on negative counts.
        """
        result = Counter()
        for elem, count in self.items():
            if count < 0:
                result[elem] = 0 - count
        return result

    def _keep_positive(self):
        for elem in [e for e, c in self.items() if not c > 0]:
            dict.__delitem__(self, elem)
        return self

    def __iadd__(self, other):
        for elem, count in other.items():
            self[elem] += count
        return self._keep_positive()

    def __isub__(self, other):
        for elem, count in other.items():
            self[elem] -= count
        return self._keep_positive()

    def __ior__(self, other):
        for elem, other_count in other.items():
            count = self[elem]
            if other_count > count:
                self[elem] = other_count
        return self._keep_positive()

    def __iand__(self, other):
        for elem, count in self.items():
            other_count = other[elem]
            if other_count < count:
                self[elem] = other_count
        return self._keep_positive()


class _Elements:
    """Counter.elements(): each element as many times as its count (if positive)."""

    def __init__(self, pairs):
        self._pairs = pairs
        self._index = 0
        self._left = 0

    def __iter__(self):
        return self

    def __next__(self):
        pairs = self._pairs
        while self._left <= 0:
            if self._index >= len(pairs):
                raise StopIteration
            self._left = pairs[self._index][1]
            self._index += 1
        self._left -= 1
        return pairs[self._index - 1][0]


# ---------------------------------------------------------------------------
# namedtuple
# ---------------------------------------------------------------------------

_KEYWORDS = frozenset([
    'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await',
    'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except',
    'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is',
    'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try',
    'while', 'with', 'yield'])


def _and_list(names):
    # "'a'", "'a' and 'b'", "'a', 'b', and 'c'": CPython's missing-argument list.
    quoted = ["'%s'" % n for n in names]
    if len(quoted) == 1:
        return quoted[0]
    if len(quoted) == 2:
        return '%s and %s' % (quoted[0], quoted[1])
    return '%s, and %s' % (', '.join(quoted[:-1]), quoted[-1])


def _plural(n, word):
    return '%d %s%s' % (n, word, '' if n == 1 else 's')


class _FieldGetter:
    """The accessor of one field (CPython's _tuplegetter): a read-only descriptor."""

    def __init__(self, index, doc):
        self._index = index
        self.__doc__ = doc

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return tuple.__getitem__(instance, self._index)

    def __set__(self, instance, value):
        raise AttributeError("can't set attribute")

    def __delete__(self, instance):
        raise AttributeError("can't delete attribute")

    def __repr__(self):
        return '_tuplegetter(%d, %r)' % (self._index, self.__doc__)


def namedtuple(typename, field_names, *, rename=False, defaults=None, module=None):
    """Returns a new subclass of tuple with named fields.

    >>> Point = namedtuple('Point', ['x', 'y'])
    >>> Point(11, y=22)
    Point(x=11, y=22)
    """
    if isinstance(field_names, str):
        field_names = field_names.replace(',', ' ').split()
    field_names = list(map(str, field_names))
    typename = str(typename)

    if rename:
        seen = set()
        for index, name in enumerate(field_names):
            if (not name.isidentifier() or name in _KEYWORDS
                    or name.startswith('_') or name in seen):
                field_names[index] = '_%d' % index
            seen.add(name)

    for name in [typename] + field_names:
        if type(name) is not str:
            raise TypeError('Type names and field names must be strings')
        if not name.isidentifier():
            raise ValueError('Type names and field names must be valid '
                             'identifiers: %r' % (name,))
        if name in _KEYWORDS:
            raise ValueError('Type names and field names cannot be a '
                             'keyword: %r' % (name,))

    seen = set()
    for name in field_names:
        if name.startswith('_') and not rename:
            raise ValueError('Field names cannot start with an underscore: %r' % (name,))
        if name in seen:
            raise ValueError('Encountered duplicate field name: %r' % (name,))
        seen.add(name)

    field_defaults = {}
    if defaults is not None:
        defaults = tuple(defaults)
        if len(defaults) > len(field_names):
            raise TypeError('Got more default values than field names')
        field_defaults = dict(reversed(list(zip(reversed(field_names),
                                                reversed(defaults)))))

    fields = tuple(field_names)
    nfields = len(fields)
    nrequired = nfields - len(field_defaults)
    arg_list = ', '.join(fields)
    qualname_new = typename + '.__new__'

    def __new__(_cls, *args, **kwargs):
        # The checks of a generated `def __new__(_cls, x, y)`, by hand.
        nargs = len(args)
        if nargs > nfields:
            if nrequired == nfields:
                takes = _plural(nfields + 1, 'positional argument')
            else:
                takes = 'from %d to %d positional arguments' % (nrequired + 1, nfields + 1)
            raise TypeError('%s() takes %s but %d %s given'
                            % (qualname_new, takes, nargs + 1, 'was' if nargs == 0 else 'were'))
        values = list(args)
        for name in kwargs:
            if name not in fields:
                raise TypeError('%s() got an unexpected keyword argument %r'
                                % (qualname_new, name))
            if fields.index(name) < nargs:
                raise TypeError('%s() got multiple values for argument %r'
                                % (qualname_new, name))
        missing = []
        for index in range(nargs, nfields):
            name = fields[index]
            if name in kwargs:
                values.append(kwargs[name])
            elif name in field_defaults:
                values.append(field_defaults[name])
            else:
                missing.append(name)
        if missing:
            raise TypeError('%s() missing %d required positional argument%s: %s'
                            % (qualname_new, len(missing), '' if len(missing) == 1 else 's',
                               _and_list(missing)))
        return tuple.__new__(_cls, values)

    __new__.__name__ = '__new__'
    __new__.__qualname__ = qualname_new
    __new__.__doc__ = 'Create new instance of %s(%s)' % (typename, arg_list)

    def _make(cls, iterable):
        result = tuple.__new__(cls, iterable)
        if len(result) != nfields:
            raise TypeError('Expected %d arguments, got %d' % (nfields, len(result)))
        return result

    def _replace(self, /, **kwds):
        values = []
        for index, name in enumerate(fields):
            values.append(kwds.pop(name) if name in kwds else self[index])
        if kwds:
            raise TypeError('Got unexpected field names: %r' % (list(kwds),))
        return self._make(values)

    def __repr__(self):
        return self.__class__.__name__ + '(' + ', '.join(
            '%s=%r' % (name, value) for name, value in zip(fields, self)) + ')'

    def _asdict(self):
        """Return a new dict which maps field names to their values."""
        return dict(zip(self._fields, self))

    def __getnewargs__(self):
        """Return self as a plain tuple.  Used by copy and pickle."""
        return tuple(self)

    _make.__doc__ = 'Make a new %s object from a sequence or iterable' % (typename,)
    _replace.__doc__ = 'Return a new %s object replacing specified fields with new values' % (typename,)
    __repr__.__doc__ = 'Return a nicely formatted representation string'

    namespace = {
        '__doc__': '%s(%s)' % (typename, arg_list),
        '__slots__': (),
        '_fields': fields,
        '_field_defaults': field_defaults,
        '__new__': __new__,
        '_make': classmethod(_make),
        '_replace': _replace,
        '__repr__': __repr__,
        '_asdict': _asdict,
        '__getnewargs__': __getnewargs__,
        '__match_args__': fields,
    }
    for index, name in enumerate(fields):
        namespace[name] = _FieldGetter(index, 'Alias for field number %d' % index)
    for method in (__new__, _make, _replace, __repr__, _asdict, __getnewargs__):
        method.__qualname__ = '%s.%s' % (typename, method.__name__)

    result = type(typename, (tuple,), namespace)

    if module is None:
        try:
            module = _sys._getframe(1).f_globals.get('__name__', '__main__')
        except (AttributeError, ValueError):
            pass
    if module is not None:
        result.__module__ = module
    return result

