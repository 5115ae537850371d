"""Low-level threads (our own module after CPython's `_thread`): threads that run
on the runtime's pooled workers at the same time as this one, and locks."""

import _ftthread

error = RuntimeError
TIMEOUT_MAX = 4294967.0


class LockType:
    """A lock any thread may release (`_thread.lock`): acquire(blocking=True, timeout=-1), release(), locked().
    Its methods are native (modules/thread-lock.ts), installed below."""

    __slots__ = ('_state', '__weakref__')

    def __init__(self):
        self._state = _ftthread.lock_new(4)

    def __repr__(self):
        return f"<{'locked' if self.locked() else 'unlocked'} _thread.lock object at {hex(id(self))}>"


class RLock:
    """A reentrant lock (`_thread.RLock`): the owning thread may acquire it again; released as often as
    acquired. Its methods are native (modules/thread-lock.ts), installed below."""

    __slots__ = ('_state', '__weakref__')

    def __init__(self):
        self._state = _ftthread.lock_new(16)

    def __repr__(self):
        owner = _ftthread.rlock_owner(self)
        count = _ftthread.rlock_count(self)
        return f"<{'locked' if owner else 'unlocked'} _thread.RLock object owner={owner} count={count} at {hex(id(self))}>"


_ftthread.lock_install(LockType, RLock)
LockType.__module__ = RLock.__module__ = '_thread'
LockType.__name__ = LockType.__qualname__ = 'lock'


def allocate_lock():
    """A new lock (`_thread.allocate_lock`)."""
    return LockType()


allocate = allocate_lock


def get_ident():
    return _ftthread.get_ident()


get_native_id = get_ident


class _ThreadHandle:
    """The running thread (`_thread._ThreadHandle`): joined at most once really; join() is idempotent."""

    def __init__(self, ident, record):
        self.ident = ident
        self._record = record

    def join(self):
        _ftthread.join(self._record, self.ident)


def start_joinable_thread(function, handle=None, daemon=True, args=(), kwargs=None):
    ident, record = _ftthread.start(function, tuple(args), kwargs, daemon)
    return _ThreadHandle(ident, record)


def start_new_thread(function, args, kwargs=None):
    ident, _record = _ftthread.start(function, args, kwargs, True)
    return ident


start_new = start_new_thread


def _count():
    return _ftthread.count()


def stack_size(size=0):
    if size:
        raise ValueError('setting the stack size is not supported')
    return 0


class _local:
    """Thread-local data"""

    # One word, read by the slots of `_ftthread.local_install` (modules/thread-local.ts): the
    # per-thread dicts and the arguments to run `__init__` with in each new thread.
    __slots__ = ('_local__impl', '__weakref__')

    def __new__(cls, /, *args, **kw):
        if not isinstance(cls, type) or not issubclass(cls, _local):
            raise TypeError(f"_local.__new__(X): X is not a subtype of _thread._local")
        return _ftthread.local_new(cls, args, kw)

    # What `super().__getattribute__(name)` and a subclass's `__getattr__` reach: the same
    # behaviours the class's slots run (installed below), by name.
    def __getattribute__(self, name):
        _check_local(self, '__getattribute__')
        return _ftthread.local_getattr(self, name)

    def __setattr__(self, name, value):
        _check_local(self, '__setattr__')
        _ftthread.local_setattr(self, name, value)

    def __delattr__(self, name):
        _check_local(self, '__delattr__')
        _ftthread.local_setattr(self, name)


def _check_local(obj, method):
    if not isinstance(obj, _local):
        raise TypeError(f"descriptor '{method}' requires a '_thread._local' object but received a '{type(obj).__name__}'")


_ftthread.local_install(_local)
# The name CPython's messages give the type ("'_thread._local' object has no attribute 'x'"): a heap
# type's messages use its __name__, which therefore carries the module too.
_local.__name__ = '_thread._local'
