"""The executor-independent half of `concurrent.futures` (our own): the Future
state machine, the Executor interface, wait() and as_completed(), and the
exceptions. Every Future guards its state with a Condition over an RLock;
wait() and as_completed() register a waiter object on each future, which the
future feeds as it finishes."""

import sys
import threading
import time

FIRST_COMPLETED = 'FIRST_COMPLETED'
FIRST_EXCEPTION = 'FIRST_EXCEPTION'
ALL_COMPLETED = 'ALL_COMPLETED'
_AS_COMPLETED = '_AS_COMPLETED'

# A future's states (CPython's values: they show in InvalidStateError's message).
PENDING = 'PENDING'
RUNNING = 'RUNNING'
CANCELLED = 'CANCELLED'  # cancelled, waiters not told yet
CANCELLED_AND_NOTIFIED = 'CANCELLED_AND_NOTIFIED'
FINISHED = 'FINISHED'

_FUTURE_STATES = [PENDING, RUNNING, CANCELLED, CANCELLED_AND_NOTIFIED, FINISHED]

_STATE_TO_DESCRIPTION_MAP = {
    PENDING: 'pending',
    RUNNING: 'running',
    CANCELLED: 'cancelled',
    CANCELLED_AND_NOTIFIED: 'cancelled',
    FINISHED: 'finished',
}

_DONE_STATES = (CANCELLED, CANCELLED_AND_NOTIFIED, FINISHED)
_SETTLED_STATES = (CANCELLED_AND_NOTIFIED, FINISHED)


class Error(Exception):
    """Base class for the module's own exceptions."""


class CancelledError(Error):
    """The Future was cancelled."""


# Since 3.11 the module's TimeoutError is the builtin one.
TimeoutError = TimeoutError


class InvalidStateError(Error):
    """The operation is not allowed in this state."""


class BrokenExecutor(RuntimeError):
    """Raised when an executor has become non-functional after a severe failure."""


def _report(message):
    """Writes `message` and the exception being handled to sys.stderr, as an
    unconfigured `logging` does for LOGGER.exception / LOGGER.critical."""
    exc = sys.exc_info()[1]
    try:
        import traceback
    except ImportError:
        traceback = None
    if traceback is not None and exc is not None:
        text = ''.join(traceback.format_exception(exc))
    elif exc is not None:
        text = _format_exception(exc)
    else:
        text = ''
    stream = sys.stderr
    if stream is None:
        return
    stream.write(message + '\n' + text)


def _format_exception(exc):
    parts = []
    tb = exc.__traceback__
    if tb is not None:
        parts.append('Traceback (most recent call last):\n')
        while tb is not None:
            code = tb.tb_frame.f_code
            parts.append(f'  File "{code.co_filename}", line {tb.tb_lineno}, in {code.co_name}\n')
            tb = tb.tb_next
    name = type(exc).__qualname__
    module = type(exc).__module__
    if module not in ('builtins', '__main__'):
        name = f'{module}.{name}'
    message = str(exc)
    parts.append(f'{name}: {message}\n' if message else f'{name}\n')
    return ''.join(parts)


# Waiters: what wait() and as_completed() hang on every future they watch.

class _Waiter:
    """Collects the futures that finish; subclasses decide when to wake up."""

    def __init__(self):
        self.event = threading.Event()
        self.finished_futures = []

    def add_result(self, future):
        self.finished_futures.append(future)

    def add_exception(self, future):
        self.finished_futures.append(future)

    def add_cancelled(self, future):
        self.finished_futures.append(future)


class _AsCompletedWaiter(_Waiter):
    """as_completed(): wakes up on every future; the consumer swaps the list under the lock."""

    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()

    def add_result(self, future):
        with self.lock:
            super().add_result(future)
            self.event.set()

    def add_exception(self, future):
        with self.lock:
            super().add_exception(future)
            self.event.set()

    def add_cancelled(self, future):
        with self.lock:
            super().add_cancelled(future)
            self.event.set()


class _FirstCompletedWaiter(_Waiter):
    """wait(return_when=FIRST_COMPLETED): the first future to finish wakes it."""

    def add_result(self, future):
        super().add_result(future)
        self.event.set()

    def add_exception(self, future):
        super().add_exception(future)
        self.event.set()

    def add_cancelled(self, future):
        super().add_cancelled(future)
        self.event.set()


class _AllCompletedWaiter(_Waiter):
    """ALL_COMPLETED counts the pending futures down; FIRST_EXCEPTION also wakes on an exception."""

    def __init__(self, num_pending_calls, stop_on_exception):
        self.num_pending_calls = num_pending_calls
        self.stop_on_exception = stop_on_exception
        self.lock = threading.Lock()
        super().__init__()

    def _count_down(self):
        with self.lock:
            self.num_pending_calls -= 1
            if self.num_pending_calls == 0:
                self.event.set()

    def add_result(self, future):
        super().add_result(future)
        self._count_down()

    def add_exception(self, future):
        super().add_exception(future)
        if self.stop_on_exception:
            self.event.set()
        else:
            self._count_down()

    def add_cancelled(self, future):
        super().add_cancelled(future)
        self._count_down()


class _AcquireFutures:
    """Holds the conditions of several futures at once (always in id order, so two callers never deadlock)."""

    def __init__(self, futures):
        self.futures = sorted(futures, key=id)

    def __enter__(self):
        for future in self.futures:
            future._condition.acquire()

    def __exit__(self, *args):
        for future in self.futures:
            future._condition.release()


def _create_and_install_waiters(fs, return_when):
    if return_when == _AS_COMPLETED:
        waiter = _AsCompletedWaiter()
    elif return_when == FIRST_COMPLETED:
        waiter = _FirstCompletedWaiter()
    else:
        pending = 0
        for f in fs:
            if f._state not in _SETTLED_STATES:
                pending += 1
        if return_when == FIRST_EXCEPTION:
            waiter = _AllCompletedWaiter(pending, stop_on_exception=True)
        elif return_when == ALL_COMPLETED:
            waiter = _AllCompletedWaiter(pending, stop_on_exception=False)
        else:
            raise ValueError('Invalid return condition: %r' % return_when)
    for f in fs:
        f._waiters.append(waiter)
    return waiter


def _uninstall_waiter(fs, waiter):
    for f in fs:
        with f._condition:
            f._waiters.remove(waiter)


def _hand_out(finished, waiter, *holders):
    """Yields the futures of `finished` last first, each one dropped from
    `holders` (and its waiter removed) before it is handed out, so that the
    generator keeps no reference to a future the caller is done with."""
    while finished:
        f = finished[-1]
        for holder in holders:
            holder.remove(f)
        with f._condition:
            f._waiters.remove(waiter)
        del f
        yield finished.pop()


def as_completed(fs, timeout=None):
    """An iterator over the futures of `fs` (duplicates count once) that yields
    each one as it completes, finished or cancelled; the ones already done
    first. TimeoutError if __next__ is called after `timeout` seconds with
    futures still unfinished."""
    if timeout is not None:
        deadline = time.monotonic() + timeout
    fs = set(fs)
    total = len(fs)
    with _AcquireFutures(fs):
        finished = set()
        for f in fs:
            if f._state in _SETTLED_STATES:
                finished.add(f)
        pending = fs - finished
        waiter = _create_and_install_waiters(fs, _AS_COMPLETED)
    finished = list(finished)
    try:
        yield from _hand_out(finished, waiter, fs)
        while pending:
            if timeout is None:
                remaining = None
            else:
                remaining = deadline - time.monotonic()
                if remaining < 0:
                    raise TimeoutError('%d (of %d) futures unfinished' % (len(pending), total))
            waiter.event.wait(remaining)
            with waiter.lock:
                finished = waiter.finished_futures
                waiter.finished_futures = []
                waiter.event.clear()
            # _hand_out yields from the end: reversed, the first to finish comes first.
            finished.reverse()
            yield from _hand_out(finished, waiter, fs, pending)
    finally:
        for f in fs:
            with f._condition:
                f._waiters.remove(waiter)


def _make_done_and_not_done():
    try:
        from collections import namedtuple
    except ImportError:
        namedtuple = None
    if namedtuple is not None:
        return namedtuple('DoneAndNotDoneFutures', 'done not_done')

    class DoneAndNotDoneFutures(tuple):
        __slots__ = ()

        def __new__(cls, done, not_done):
            return tuple.__new__(cls, (done, not_done))

        done = property(lambda self: self[0])
        not_done = property(lambda self: self[1])

        def __repr__(self):
            return f'DoneAndNotDoneFutures(done={self[0]!r}, not_done={self[1]!r})'

    return DoneAndNotDoneFutures


DoneAndNotDoneFutures = _make_done_and_not_done()
DoneAndNotDoneFutures.__module__ = __name__


def wait(fs, timeout=None, return_when=ALL_COMPLETED):
    """Waits for the futures of `fs` (duplicates count once) until `return_when`
    holds or `timeout` seconds pass: FIRST_COMPLETED, FIRST_EXCEPTION (or all
    completed) or ALL_COMPLETED. Returns a named 2-tuple of sets (done,
    not_done)."""
    fs = set(fs)
    with _AcquireFutures(fs):
        done = set()
        for f in fs:
            if f._state in _SETTLED_STATES:
                done.add(f)
        not_done = fs - done
        if done and return_when == FIRST_COMPLETED:
            return DoneAndNotDoneFutures(done, not_done)
        if done and return_when == FIRST_EXCEPTION:
            for f in done:
                if not f.cancelled() and f.exception() is not None:
                    return DoneAndNotDoneFutures(done, not_done)
        if len(done) == len(fs):
            return DoneAndNotDoneFutures(done, not_done)
        waiter = _create_and_install_waiters(fs, return_when)

    waiter.event.wait(timeout)
    _uninstall_waiter(fs, waiter)
    done.update(waiter.finished_futures)
    return DoneAndNotDoneFutures(done, fs - done)


def _result_or_cancel(fut, timeout=None):
    """fut.result(timeout), cancelling fut whatever happens (map's iterator)."""
    try:
        try:
            return fut.result(timeout)
        finally:
            fut.cancel()
    finally:
        # No reference to the future stays in a traceback's frame.
        del fut


class Future:
    """The result of an asynchronous computation."""

    def __init__(self):
        """Initializes the future. Should not be called by clients."""
        self._condition = threading.Condition()
        self._state = PENDING
        self._result = None
        self._exception = None
        self._waiters = []
        self._done_callbacks = []

    def _invoke_callbacks(self):
        for callback in self._done_callbacks:
            try:
                callback(self)
            except Exception:
                _report('exception calling callback for %r' % (self,))

    def __repr__(self):
        with self._condition:
            kind = type(self).__name__
            state = _STATE_TO_DESCRIPTION_MAP[self._state]
            if self._state == FINISHED:
                if self._exception:
                    return '<%s at %#x state=%s raised %s>' % (kind, id(self), state, type(self._exception).__name__)
                return '<%s at %#x state=%s returned %s>' % (kind, id(self), state, type(self._result).__name__)
            return '<%s at %#x state=%s>' % (kind, id(self), state)

    def cancel(self):
        """Cancels the future if possible: False if it is running or done, True if it is (now) cancelled."""
        with self._condition:
            if self._state == RUNNING or self._state == FINISHED:
                return False
            if self._state == CANCELLED or self._state == CANCELLED_AND_NOTIFIED:
                return True
            self._state = CANCELLED
            self._condition.notify_all()
        self._invoke_callbacks()
        return True

    def cancelled(self):
        """True if the future was cancelled."""
        with self._condition:
            return self._state == CANCELLED or self._state == CANCELLED_AND_NOTIFIED

    def running(self):
        """True if the future is running now."""
        with self._condition:
            return self._state == RUNNING

    def done(self):
        """True if the future was cancelled or has finished."""
        with self._condition:
            return self._state in _DONE_STATES

    def __get_result(self):
        if self._exception is None:
            return self._result
        try:
            raise self._exception
        finally:
            # Break the cycle future -> exception -> traceback -> this frame -> future.
            self = None

    def add_done_callback(self, fn):
        """Calls fn(future) when the future is cancelled or finishes (now, if it already did).

        Callbacks run in the order added, in the thread that completes the
        future; an exception they raise (an Exception) is reported and ignored."""
        with self._condition:
            if self._state not in _DONE_STATES:
                self._done_callbacks.append(fn)
                return
        try:
            fn(self)
        except Exception:
            _report('exception calling callback for %r' % (self,))

    def result(self, timeout=None):
        """The call's return value, waiting up to `timeout` seconds (None: no limit).

        CancelledError if the future was cancelled, TimeoutError if it did not
        finish in time; the call's exception is raised again."""
        try:
            with self._condition:
                if self._state == CANCELLED or self._state == CANCELLED_AND_NOTIFIED:
                    raise CancelledError()
                if self._state == FINISHED:
                    return self.__get_result()
                self._condition.wait(timeout)
                if self._state == CANCELLED or self._state == CANCELLED_AND_NOTIFIED:
                    raise CancelledError()
                if self._state == FINISHED:
                    return self.__get_result()
                raise TimeoutError()
        finally:
            self = None

    def exception(self, timeout=None):
        """The exception the call raised (None if it returned), waiting up to `timeout` seconds.

        CancelledError if the future was cancelled, TimeoutError if it did not
        finish in time."""
        with self._condition:
            if self._state == CANCELLED or self._state == CANCELLED_AND_NOTIFIED:
                raise CancelledError()
            if self._state == FINISHED:
                return self._exception
            self._condition.wait(timeout)
            if self._state == CANCELLED or self._state == CANCELLED_AND_NOTIFIED:
                raise CancelledError()
            if self._state == FINISHED:
                return self._exception
            raise TimeoutError()

    # For Executor implementations and unit tests only.

    def set_running_or_notify_cancel(self):
        """Marks the future running, or tells its waiters it was cancelled.

        Executors call it just before running the work: False means the future
        was cancelled (and must not run), True that it is now RUNNING and
        cannot be cancelled. RuntimeError if it already ran or finished."""
        with self._condition:
            if self._state == CANCELLED:
                self._state = CANCELLED_AND_NOTIFIED
                for waiter in self._waiters:
                    waiter.add_cancelled(self)
                return False
            if self._state == PENDING:
                self._state = RUNNING
                return True
            _report('Future %s in unexpected state: %s' % (id(self), self._state))
            raise RuntimeError('Future in unexpected state')

    def set_result(self, result):
        """Sets the return value of the work the future stands for."""
        with self._condition:
            if self._state in _DONE_STATES:
                raise InvalidStateError('{}: {!r}'.format(self._state, self))
            self._result = result
            self._state = FINISHED
            for waiter in self._waiters:
                waiter.add_result(self)
            self._condition.notify_all()
        self._invoke_callbacks()

    def set_exception(self, exception):
        """Sets the exception the work the future stands for raised."""
        with self._condition:
            if self._state in _DONE_STATES:
                raise InvalidStateError('{}: {!r}'.format(self._state, self))
            self._exception = exception
            self._state = FINISHED
            for waiter in self._waiters:
                waiter.add_exception(self)
            self._condition.notify_all()
        self._invoke_callbacks()


try:
    import types as _types
    Future.__class_getitem__ = classmethod(_types.GenericAlias)
except Exception:  # no types.GenericAlias (yet): no subscripting
    pass


class Executor:
    """The interface of an executor: submit(), map(), shutdown(), and use in a `with`."""

    def submit(self, fn, /, *args, **kwargs):
        """Schedules fn(*args, **kwargs) and returns the Future standing for it."""
        raise NotImplementedError()

    def map(self, fn, *iterables, timeout=None, chunksize=1):
        """Like map(fn, *iterables), the calls made at once (all submitted now).

        The results come in the order of the arguments. TimeoutError from
        __next__ if a result is not there `timeout` seconds after this call;
        an exception a call raised is raised when its value would come. The
        calls not yet handed out are cancelled when the iterator is closed.
        `chunksize` means nothing for thread pools."""
        if timeout is not None:
            deadline = time.monotonic() + timeout
        fs = [self.submit(fn, *args) for args in zip(*iterables)]

        # A generator of its own, so that the calls are submitted by map() itself.
        def result_iterator():
            try:
                fs.reverse()
                while fs:
                    if timeout is None:
                        yield _result_or_cancel(fs.pop())
                    else:
                        yield _result_or_cancel(fs.pop(), deadline - time.monotonic())
            finally:
                for future in fs:
                    future.cancel()

        return result_iterator()

    def shutdown(self, wait=True, *, cancel_futures=False):
        """Frees the executor's resources once the pending futures are done;
        no submit() after it. `wait`: return only when they are;
        `cancel_futures`: cancel the ones that have not started."""
        pass

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.shutdown(wait=True)
        return False
