"""Thread objects over `_thread` (our own module after CPython's `threading`):
Thread, Lock, RLock, Condition, Semaphore, BoundedSemaphore, Event, Barrier,
local, current_thread, main_thread, enumerate, active_count."""

import _thread
import time as _time

Lock = _thread.LockType
RLock = _thread.RLock
get_ident = _thread.get_ident
get_native_id = _thread.get_native_id
TIMEOUT_MAX = _thread.TIMEOUT_MAX
ThreadError = _thread.error

_active = {}
_active_lock = Lock()
_counter = 0


def _newname(template='Thread-%d'):
    global _counter
    with _active_lock:
        _counter += 1
        return template % _counter


class Thread:
    def __init__(self, group=None, target=None, name=None, args=(), kwargs=None, *, daemon=None):
        assert group is None, 'group argument must be None for now'
        self._target = target
        self._args = tuple(args)
        self._kwargs = dict(kwargs) if kwargs else {}
        if name is None:
            name = _newname()
            if target is not None:
                name += f' ({getattr(target, "__name__", "target")})'
        self._name = str(name)
        self._daemonic = current_thread().daemon if daemon is None else bool(daemon)
        self._ident = None
        self._handle = None
        self._started = Event()
        self._done = Event()

    def start(self):
        if self._started.is_set():
            raise RuntimeError('threads can only be started once')
        self._handle = _thread.start_joinable_thread(self._bootstrap, daemon=self._daemonic)
        self._started.wait()

    def _bootstrap(self):
        self._ident = get_ident()
        with _active_lock:
            _active[self._ident] = self
        self._started.set()
        try:
            self.run()
        except SystemExit:
            pass
        except BaseException as e:
            excepthook(_ExceptHookArgs(type(e), e, e.__traceback__, self))
        finally:
            with _active_lock:
                _active.pop(self._ident, None)
            self._done.set()

    def run(self):
        try:
            if self._target is not None:
                self._target(*self._args, **self._kwargs)
        finally:
            del self._target, self._args, self._kwargs

    def join(self, timeout=None):
        if not self._started.is_set():
            raise RuntimeError('cannot join thread before it is started')
        if self is current_thread():
            raise RuntimeError('cannot join current thread')
        if timeout is None:
            self._handle.join()
        else:
            self._done.wait(timeout)

    @property
    def name(self):
        return self._name

    @name.setter
    def name(self, name):
        self._name = str(name)

    @property
    def ident(self):
        return self._ident

    native_id = ident

    @property
    def daemon(self):
        return self._daemonic

    @daemon.setter
    def daemon(self, daemonic):
        if self._started.is_set():
            raise RuntimeError('cannot set daemon status of active thread')
        self._daemonic = bool(daemonic)

    def is_alive(self):
        return self._started.is_set() and not self._done.is_set()

    def getName(self):
        return self._name

    def setName(self, name):
        self._name = str(name)

    def isDaemon(self):
        return self._daemonic

    def __repr__(self):
        status = 'initial'
        if self._started.is_set():
            status = 'started'
        if self._done.is_set():
            status = 'stopped'
        if self._daemonic:
            status += ' daemon'
        if self._ident is not None:
            status += f' {self._ident}'
        return f'<{type(self).__name__}({self._name}, {status})>'


class _MainThread(Thread):
    def __init__(self):
        self._target = None
        self._name = 'MainThread'
        self._daemonic = False
        self._ident = get_ident()
        self._handle = None
        self._started = Event()
        self._started.set()
        self._done = Event()


class _DummyThread(Thread):
    def __init__(self):
        self._target = None
        self._name = _newname('Dummy-%d')
        self._daemonic = True
        self._ident = get_ident()
        self._handle = None
        self._started = Event()
        self._started.set()
        self._done = Event()


class _ExceptHookArgs:
    def __init__(self, exc_type, exc_value, exc_traceback, thread):
        self.exc_type = exc_type
        self.exc_value = exc_value
        self.exc_traceback = exc_traceback
        self.thread = thread


def excepthook(args):
    """Prints "Exception in thread NAME:" and the traceback to sys.stderr."""
    import sys
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else get_ident()
    text = _format(args.exc_value)
    print(f'Exception in thread {name}:\n{text}', file=sys.stderr, end='')


def _format(exc):
    import sys
    lines = []
    tb = exc.__traceback__
    if tb is not None:
        lines.append('Traceback (most recent call last):\n')
        while tb is not None:
            code = tb.tb_frame.f_code
            lines.append(f'  File "{code.co_filename}", line {tb.tb_lineno}, in {code.co_name}\n')
            tb = tb.tb_next
    message = str(exc)
    lines.append(f'{type(exc).__qualname__}: {message}\n' if message else f'{type(exc).__qualname__}\n')
    return ''.join(lines)


def current_thread():
    try:
        return _active[get_ident()]
    except KeyError:
        return _DummyThread()


currentThread = current_thread


def main_thread():
    return _main_thread


def enumerate():
    with _active_lock:
        return list(_active.values())


def active_count():
    with _active_lock:
        return len(_active)


activeCount = active_count


class Condition:
    def __init__(self, lock=None):
        self._lock = RLock() if lock is None else lock
        self.acquire = self._lock.acquire
        self.release = self._lock.release
        self._waiters = []

    def __enter__(self):
        return self._lock.__enter__()

    def __exit__(self, *args):
        return self._lock.__exit__(*args)

    # A lock that knows its owner (an RLock) answers for itself and saves its recursion count across
    # wait(); a plain lock is probed, and there is nothing to save.
    def _is_owned(self):
        owned = getattr(self._lock, '_is_owned', None)
        if owned is not None:
            return owned()
        if self._lock.acquire(False):
            self._lock.release()
            return False
        return True

    def _release_save(self):
        save = getattr(self._lock, '_release_save', None)
        if save is not None:
            return save()
        self._lock.release()
        return None

    def _acquire_restore(self, saved):
        restore = getattr(self._lock, '_acquire_restore', None)
        if restore is not None:
            restore(saved)
        else:
            self._lock.acquire()

    def wait(self, timeout=None):
        if not self._is_owned():
            raise RuntimeError('cannot wait on un-acquired lock')
        waiter = _thread.allocate_lock()
        waiter.acquire()
        self._waiters.append(waiter)
        saved = self._release_save()
        got = False
        try:
            if timeout is None:
                waiter.acquire()
                got = True
            else:
                got = waiter.acquire(True, timeout) if timeout > 0 else waiter.acquire(False)
            return got
        finally:
            self._acquire_restore(saved)
            if not got:
                try:
                    self._waiters.remove(waiter)
                except ValueError:
                    pass

    def wait_for(self, predicate, timeout=None):
        endtime = None
        result = predicate()
        while not result:
            if timeout is not None:
                if endtime is None:
                    endtime = _time.monotonic() + timeout
                remaining = endtime - _time.monotonic()
                if remaining <= 0:
                    break
                self.wait(remaining)
            else:
                self.wait()
            result = predicate()
        return result

    def notify(self, n=1):
        if not self._is_owned():
            raise RuntimeError('cannot notify on un-acquired lock')
        for waiter in self._waiters[:n]:
            self._waiters.remove(waiter)
            waiter.release()

    def notify_all(self):
        self.notify(len(self._waiters))

    notifyAll = notify_all


class Semaphore:
    def __init__(self, value=1):
        if value < 0:
            raise ValueError('semaphore initial value must be >= 0')
        self._cond = Condition(Lock())
        self._value = value

    def acquire(self, blocking=True, timeout=None):
        if not blocking and timeout is not None:
            raise ValueError("can't specify timeout for non-blocking acquire")
        with self._cond:
            if not blocking:
                if self._value == 0:
                    return False
            elif not self._cond.wait_for(lambda: self._value > 0, timeout):
                return False
            self._value -= 1
            return True

    __enter__ = acquire

    def release(self, n=1):
        if n < 1:
            raise ValueError('n must be one or more')
        with self._cond:
            self._value += n
            self._cond.notify(n)

    def __exit__(self, *args):
        self.release()


class BoundedSemaphore(Semaphore):
    def __init__(self, value=1):
        super().__init__(value)
        self._initial_value = value

    def release(self, n=1):
        with self._cond:
            if self._value + n > self._initial_value:
                raise ValueError('Semaphore released too many times')
        super().release(n)


class Event:
    def __init__(self):
        self._cond = Condition(Lock())
        self._flag = False

    def is_set(self):
        return self._flag

    isSet = is_set

    def set(self):
        with self._cond:
            self._flag = True
            self._cond.notify_all()

    def clear(self):
        with self._cond:
            self._flag = False

    def wait(self, timeout=None):
        with self._cond:
            signaled = self._flag
            if not signaled:
                signaled = self._cond.wait_for(lambda: self._flag, timeout)
            return signaled


class BrokenBarrierError(RuntimeError):
    pass


class Barrier:
    def __init__(self, parties, action=None, timeout=None):
        if parties < 1:
            raise ValueError('parties must be >= 1')
        self._cond = Condition(Lock())
        self._parties = parties
        self._action = action
        self._timeout = timeout
        self._count = 0
        self._generation = 0
        self._broken = False

    def wait(self, timeout=None):
        if timeout is None:
            timeout = self._timeout
        with self._cond:
            if self._broken:
                raise BrokenBarrierError
            generation = self._generation
            index = self._count
            self._count += 1
            if self._count == self._parties:
                if self._action:
                    self._action()
                self._count = 0
                self._generation += 1
                self._cond.notify_all()
                return index
            if not self._cond.wait_for(lambda: self._generation != generation or self._broken, timeout):
                self._broken = True
                self._cond.notify_all()
                raise BrokenBarrierError
            if self._broken:
                raise BrokenBarrierError
            return index

    def abort(self):
        with self._cond:
            self._broken = True
            self._cond.notify_all()

    @property
    def parties(self):
        return self._parties

    @property
    def n_waiting(self):
        return self._count

    @property
    def broken(self):
        return self._broken


class Timer(Thread):
    def __init__(self, interval, function, args=None, kwargs=None):
        Thread.__init__(self)
        self.interval = interval
        self.function = function
        self.args = args if args is not None else []
        self.kwargs = kwargs if kwargs is not None else {}
        self.finished = Event()

    def cancel(self):
        self.finished.set()

    def run(self):
        self.finished.wait(self.interval)
        if not self.finished.is_set():
            self.function(*self.args, **self.kwargs)
        self.finished.set()


local = _thread._local


_main_thread = _MainThread()
_active[_main_thread._ident] = _main_thread


# Exit hooks (CPython's `threading._register_atexit`): the interpreter calls
# `_shutdown()` once the main program is done and before it waits for the
# non-daemon threads; it calls the registered functions, the last registered
# first (concurrent.futures lets its workers finish their queued work there).
_threading_atexits = []
_SHUTTING_DOWN = False


def _register_atexit(func, *arg, **kwargs):
    if _SHUTTING_DOWN:
        raise RuntimeError("can't register atexit after shutdown")
    _threading_atexits.append((func, arg, kwargs))


def _shutdown():
    global _SHUTTING_DOWN
    if _SHUTTING_DOWN:
        return
    _SHUTTING_DOWN = True
    for func, arg, kwargs in reversed(_threading_atexits):
        func(*arg, **kwargs)
