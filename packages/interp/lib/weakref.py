"""Weak references and the containers built on them (CPython's weakref).

ft's own implementation in Python. ``ref``, ``proxy``, the counting
functions and the three types come from ``_weakref`` (src/modules/
weakref.ts, the @ft/objects weakref types). The containers keep weak
references whose callbacks remove dead entries; they iterate over a
snapshot of their entries, so an entry that dies during an iteration
is skipped rather than breaking it (CPython defers the removal instead).
``WeakMethod`` keeps its object and its function weakly, as CPython's,
but is not a subclass of ``ref`` here: ``ReferenceType`` cannot be
subclassed yet.
"""

import sys as _sys
from _weakref import (getweakrefcount, getweakrefs, ref, proxy,
                      CallableProxyType, ProxyType, ReferenceType,
                      _remove_dead_weakref)

__all__ = ['ref', 'proxy', 'getweakrefcount', 'getweakrefs',
           'WeakKeyDictionary', 'ReferenceType', 'ProxyType',
           'CallableProxyType', 'ProxyTypes', 'WeakValueDictionary',
           'WeakSet', 'WeakMethod', 'finalize']

ProxyTypes = (ProxyType, CallableProxyType)

_MISSING = object()


def _address(obj):
    return '%#x' % id(obj)


# ---------------------------------------------------------------------------
# WeakMethod
# ---------------------------------------------------------------------------

class WeakMethod:
    """A weak reference to a bound method: calling it gives the bound method
    again while both the object and the function live, else None."""

    __slots__ = ("_obj_ref", "_func_ref", "_alive", "__weakref__")

    def __init__(self, meth, callback=None):
        try:
            obj = meth.__self__
            func = meth.__func__
        except AttributeError:
            raise TypeError("argument should be a bound method, not {}"
                            .format(type(meth))) from None
        self_ref = ref(self)

        def _dead(arg):
            me = self_ref()
            if me is None or not me._alive:
                return
            me._alive = False
            if callback is not None:
                callback(me)

        self._obj_ref = ref(obj, _dead)
        self._func_ref = ref(func, _dead)
        self._alive = True

    def __call__(self):
        obj = self._obj_ref()
        func = self._func_ref()
        if obj is None or func is None:
            return None
        return func.__get__(obj, type(obj))

    def __eq__(self, other):
        if not isinstance(other, WeakMethod):
            return NotImplemented
        if not self._alive or not other._alive:
            return self is other
        return self._obj_ref == other._obj_ref and self._func_ref == other._func_ref

    def __ne__(self, other):
        if not isinstance(other, WeakMethod):
            return NotImplemented
        if not self._alive or not other._alive:
            return self is not other
        return self._obj_ref != other._obj_ref or self._func_ref != other._func_ref

    def __hash__(self):
        return hash((self._obj_ref, self._func_ref))

    def __repr__(self):
        meth = self()
        if meth is None:
            return '<weakref at %s; dead>' % _address(self)
        return "<weakref at %s; to '%s' at %s>" % (_address(self), type(meth).__name__, _address(meth))


# ---------------------------------------------------------------------------
# WeakValueDictionary
# ---------------------------------------------------------------------------

class WeakValueDictionary:
    """A mapping whose values are weakly referenced: an entry leaves the
    mapping when its value dies."""

    def __init__(self, other=(), /, **kw):
        self_ref = ref(self)

        def remove(wr, key, selfref=self_ref):
            me = selfref()
            if me is not None:
                # Deletes only if the entry is still this dead weakref (a new value may have replaced it).
                _remove_dead_weakref(me.data, key)

        self._remove = remove
        self.data = {}
        self.update(other, **kw)

    def _ref(self, key, value):
        remove = self._remove
        return ref(value, lambda wr: remove(wr, key))

    def __getitem__(self, key):
        o = self.data[key]()
        if o is None:
            raise KeyError(key)
        return o

    def __delitem__(self, key):
        del self.data[key]

    def __len__(self):
        return sum(1 for wr in list(self.data.values()) if wr() is not None)

    def __contains__(self, key):
        try:
            wr = self.data[key]
        except KeyError:
            return False
        return wr() is not None

    def __repr__(self):
        return '<%s at %s>' % (self.__class__.__name__, _address(self))

    def __setitem__(self, key, value):
        self.data[key] = self._ref(key, value)

    def copy(self):
        new = WeakValueDictionary()
        for key, value in self.items():
            new[key] = value
        return new

    __copy__ = copy

    def __deepcopy__(self, memo):
        from copy import deepcopy
        new = self.__class__()
        for key, value in self.items():
            new[deepcopy(key, memo)] = value
        return new

    def get(self, key, default=None):
        try:
            wr = self.data[key]
        except KeyError:
            return default
        o = wr()
        return default if o is None else o

    def items(self):
        for key, wr in list(self.data.items()):
            value = wr()
            if value is not None:
                yield key, value

    def keys(self):
        for key, wr in list(self.data.items()):
            if wr() is not None:
                yield key

    __iter__ = keys

    def itervaluerefs(self):
        """The weak references to the values, one by one."""
        yield from list(self.data.values())

    def valuerefs(self):
        """A list of the weak references to the values."""
        return list(self.data.values())

    def values(self):
        for wr in list(self.data.values()):
            obj = wr()
            if obj is not None:
                yield obj

    def popitem(self):
        while True:
            key, wr = self.data.popitem()
            o = wr()
            if o is not None:
                return key, o

    def pop(self, key, *args):
        try:
            o = self.data.pop(key)()
        except KeyError:
            o = None
        if o is None:
            if args:
                return args[0]
            raise KeyError(key)
        return o

    def setdefault(self, key, default=None):
        try:
            o = self.data[key]()
        except KeyError:
            o = None
        if o is None:
            self[key] = default
            return default
        return o

    def update(self, other=None, /, **kwargs):
        if other is not None:
            if hasattr(other, 'keys'):
                for key in other.keys():
                    self[key] = other[key]
            else:
                for key, value in other:
                    self[key] = value
        for key, value in kwargs.items():
            self[key] = value

    def __eq__(self, other):
        if isinstance(other, WeakValueDictionary):
            return dict(self.items()) == dict(other.items())
        if isinstance(other, dict):
            return dict(self.items()) == other
        return NotImplemented

    def __or__(self, other):
        if isinstance(other, (dict, WeakValueDictionary)):
            c = self.copy()
            c.update(other)
            return c
        return NotImplemented

    def __ror__(self, other):
        if isinstance(other, (dict, WeakValueDictionary)):
            c = self.__class__()
            c.update(other)
            c.update(self)
            return c
        return NotImplemented

    def __ior__(self, other):
        self.update(other)
        return self


# ---------------------------------------------------------------------------
# WeakKeyDictionary
# ---------------------------------------------------------------------------

class WeakKeyDictionary:
    """A mapping whose keys are weakly referenced: an entry leaves the
    mapping when its key dies."""

    def __init__(self, dict=None):
        self.data = {}
        self_ref = ref(self)

        def remove(k, selfref=self_ref):
            me = selfref()
            if me is not None:
                # The dead weakref still hashes as its referent did: it finds its entry.
                me.data.pop(k, None)

        self._remove = remove
        if dict is not None:
            self.update(dict)

    def __delitem__(self, key):
        del self.data[ref(key)]

    def __getitem__(self, key):
        return self.data[ref(key)]

    def __len__(self):
        return sum(1 for wr in list(self.data) if wr() is not None)

    def __repr__(self):
        return '<%s at %s>' % (self.__class__.__name__, _address(self))

    def __setitem__(self, key, value):
        self.data[ref(key, self._remove)] = value

    def copy(self):
        new = WeakKeyDictionary()
        for key, value in self.items():
            new[key] = value
        return new

    __copy__ = copy

    def __deepcopy__(self, memo):
        from copy import deepcopy
        new = self.__class__()
        for key, value in self.items():
            new[key] = deepcopy(value, memo)
        return new

    def get(self, key, default=None):
        return self.data.get(ref(key), default)

    def __contains__(self, key):
        try:
            wr = ref(key)
        except TypeError:
            return False
        return wr in self.data

    def items(self):
        for wr, value in list(self.data.items()):
            key = wr()
            if key is not None:
                yield key, value

    def keys(self):
        for wr in list(self.data):
            obj = wr()
            if obj is not None:
                yield obj

    __iter__ = keys

    def values(self):
        for wr, value in list(self.data.items()):
            if wr() is not None:
                yield value

    def keyrefs(self):
        """A list of the weak references to the keys."""
        return list(self.data)

    def popitem(self):
        while True:
            wr, value = self.data.popitem()
            o = wr()
            if o is not None:
                return o, value

    def pop(self, key, *args):
        return self.data.pop(ref(key), *args)

    def setdefault(self, key, default=None):
        return self.data.setdefault(ref(key, self._remove), default)

    def update(self, dict=None, /, **kwargs):
        if dict is not None:
            if hasattr(dict, 'items'):
                dict = dict.items()
            for key, value in dict:
                self[key] = value
        if kwargs:
            self.update(kwargs)

    def __eq__(self, other):
        if isinstance(other, WeakKeyDictionary):
            return self.data == other.data
        return NotImplemented

    def __or__(self, other):
        if isinstance(other, (dict, WeakKeyDictionary)):
            c = self.copy()
            c.update(other)
            return c
        return NotImplemented

    def __ror__(self, other):
        if isinstance(other, (dict, WeakKeyDictionary)):
            c = self.__class__()
            c.update(other)
            c.update(self)
            return c
        return NotImplemented

    def __ior__(self, other):
        self.update(other)
        return self


# ---------------------------------------------------------------------------
# WeakSet
# ---------------------------------------------------------------------------

class WeakSet:
    """A set whose members are weakly referenced: a member leaves the set
    when its last strong reference goes."""

    def __init__(self, data=None):
        self.data = set()
        self_ref = ref(self)

        def remove(item, selfref=self_ref):
            me = selfref()
            if me is not None:
                me.data.discard(item)

        self._remove = remove
        if data is not None:
            self.update(data)

    def __iter__(self):
        for wr in list(self.data):
            item = wr()
            if item is not None:
                yield item

    def __len__(self):
        return sum(1 for wr in list(self.data) if wr() is not None)

    def __contains__(self, item):
        try:
            wr = ref(item)
        except TypeError:
            return False
        return wr in self.data

    def __reduce__(self):
        return self.__class__, (list(self),), self.__getstate__()

    def __getstate__(self):
        return getattr(self, '__dict__', None)

    def add(self, item):
        self.data.add(ref(item, self._remove))

    def clear(self):
        self.data.clear()

    def copy(self):
        return self.__class__(self)

    __copy__ = copy

    def pop(self):
        while True:
            try:
                wr = self.data.pop()
            except KeyError:
                raise KeyError('pop from empty WeakSet') from None
            item = wr()
            if item is not None:
                return item

    def remove(self, item):
        self.data.remove(ref(item))

    def discard(self, item):
        self.data.discard(ref(item))

    def update(self, other):
        for element in other:
            self.add(element)

    def __ior__(self, other):
        self.update(other)
        return self

    def difference(self, other):
        new = self.copy()
        new.difference_update(other)
        return new

    __sub__ = difference

    def difference_update(self, other):
        self.__isub__(other)

    def __isub__(self, other):
        if self is other:
            self.data.clear()
        else:
            self.data.difference_update(ref(item) for item in other)
        return self

    def intersection(self, other):
        return self.__class__(item for item in other if item in self)

    __and__ = intersection

    def intersection_update(self, other):
        self.__iand__(other)

    def __iand__(self, other):
        self.data.intersection_update(ref(item) for item in other)
        return self

    def issubset(self, other):
        return self.data.issubset(ref(item) for item in other)

    __le__ = issubset

    def __lt__(self, other):
        return self.data < set(map(ref, other))

    def issuperset(self, other):
        return self.data.issuperset(ref(item) for item in other)

    __ge__ = issuperset

    def __gt__(self, other):
        return self.data > set(map(ref, other))

    def __eq__(self, other):
        if not isinstance(other, self.__class__):
            return NotImplemented
        return self.data == set(map(ref, other))

    def symmetric_difference(self, other):
        new = self.copy()
        new.symmetric_difference_update(other)
        return new

    __xor__ = symmetric_difference

    def symmetric_difference_update(self, other):
        self.__ixor__(other)

    def __ixor__(self, other):
        if self is other:
            self.data.clear()
        else:
            self.data.symmetric_difference_update(ref(item, self._remove) for item in other)
        return self

    def union(self, other):
        return self.__class__(e for s in (self, other) for e in s)

    __or__ = union

    def isdisjoint(self, other):
        return len(self.intersection(other)) == 0

    def __repr__(self):
        return repr(self.data)


# ---------------------------------------------------------------------------
# finalize
# ---------------------------------------------------------------------------

class finalize:
    """finalize(obj, func, /, *args, **kwargs): calls func(*args, **kwargs)
    once, when obj dies, when the finalizer is called, or at exit (while
    its atexit attribute is true, newest first); a finalizer that has run
    or was detached is dead."""

    # Every live finalizer -> [weakref, func, args, kwargs, atexit, index].
    _registry = {}
    _shutdown = False
    _index = 0
    _registered_with_atexit = False

    __slots__ = ('__weakref__',)

    def __init__(self, obj, func, /, *args, **kwargs):
        if not finalize._registered_with_atexit:
            try:
                import atexit
            except ImportError:
                pass
            else:
                atexit.register(finalize._exitfunc)
            finalize._registered_with_atexit = True
        finalize._index += 1
        # The weakref's callback is the finalizer itself: called with the dead weakref.
        finalize._registry[self] = [ref(obj, self), func, args, kwargs or None, True, finalize._index]

    def __call__(self, _=None):
        """Runs the callback once if alive (its result), else None."""
        info = self._registry.pop(self, None)
        if info and not self._shutdown:
            return info[1](*info[2], **(info[3] or {}))

    def detach(self):
        """Kills the finalizer; (obj, func, args, kwargs) if it was alive."""
        info = self._registry.get(self)
        obj = info and info[0]()
        if obj is not None and self._registry.pop(self, None):
            return (obj, info[1], info[2], info[3] or {})

    def peek(self):
        """(obj, func, args, kwargs) if alive, else None."""
        info = self._registry.get(self)
        obj = info and info[0]()
        if obj is not None:
            return (obj, info[1], info[2], info[3] or {})

    @property
    def alive(self):
        """Whether the finalizer has neither run nor been detached."""
        return self in self._registry

    @property
    def atexit(self):
        """Whether the finalizer runs at exit if still alive."""
        info = self._registry.get(self)
        return bool(info) and info[4]

    @atexit.setter
    def atexit(self, value):
        info = self._registry.get(self)
        if info:
            info[4] = bool(value)

    def __repr__(self):
        info = self._registry.get(self)
        obj = info and info[0]()
        if obj is None:
            return '<%s object at %s; dead>' % (type(self).__name__, _address(self))
        return '<%s object at %s; for %r at %s>' % (type(self).__name__, _address(self),
                                                    type(obj).__name__, _address(obj))

    @classmethod
    def _select_for_exit(cls):
        # The finalizers to run at exit, newest first.
        pending = [(info[5], f) for f, info in list(cls._registry.items()) if info[4]]
        pending.sort(key=lambda pair: pair[0], reverse=True)
        return [f for _, f in pending]

    @classmethod
    def _exitfunc(cls):
        try:
            if cls._registry:
                for f in cls._select_for_exit():
                    try:
                        f()
                    except Exception:
                        _sys.excepthook(*_sys.exc_info())
        finally:
            cls._shutdown = True
