"""asyncio's Future: a result that will be set later, awaited by coroutines,
with done callbacks run by the event loop (never from inside set_result()).
Also wrap_future(), which bridges a concurrent.futures.Future finished in
another thread into the loop.

The messages are those of CPython's C implementation (`_asyncio`), which is
what CPython 3.13 actually runs: "Result is not set.", "invalid state"...

A future whose exception nobody retrieved is dropped silently: CPython logs
"Future exception was never retrieved" when it is collected, through
`logging`, which ft does not have."""

import sys
import types

from . import _format
from . import events
from . import exceptions

__all__ = ('Future', 'wrap_future', 'isfuture')

_PENDING = 'PENDING'
_CANCELLED = 'CANCELLED'
_FINISHED = 'FINISHED'


def isfuture(obj):
    """True for asyncio futures and anything built to act as one (the marker
    is the `_asyncio_future_blocking` attribute, which Tasks look for)."""
    return hasattr(type(obj), '_asyncio_future_blocking') and obj._asyncio_future_blocking is not None


class Future:
    """A result or an exception that arrives later; `await fut` suspends the
    awaiting task until then."""

    _state = _PENDING
    _result = None
    _exception = None
    _exception_tb = None
    _loop = None
    _source_traceback = None
    _cancel_message = None
    # The exception a cancelled Task's coroutine actually raised: result()
    # re-raises that very object, keeping its message and traceback.
    _cancelled_exc = None

    # Set by __await__ just before yielding the future to the Task, which
    # checks and clears it: a future yielded any other way is an error.
    _asyncio_future_blocking = False

    __class_getitem__ = classmethod(types.GenericAlias)

    def __init__(self, *, loop=None):
        self._loop = events.get_event_loop() if loop is None else loop
        self._callbacks = []

    def __repr__(self):
        return '<{} {}>'.format(type(self).__name__, ' '.join(self._repr_info()))

    def _repr_info(self):
        info = [self._state.lower()]
        if self._state == _FINISHED:
            if self._exception is not None:
                info.append(f'exception={self._exception!r}')
            else:
                info.append(f'result={_format.short_repr(self._result)}')
        if self._callbacks:
            info.append(_format.format_callbacks(self._callbacks))
        return info

    def get_loop(self):
        loop = self._loop
        if loop is None:
            raise RuntimeError('Future object is not initialized.')
        return loop

    def _make_cancelled_error(self):
        """The CancelledError to raise for this cancelled future: the one the
        cancelled coroutine raised if there was one (handed out once), else a
        new one carrying the cancel message."""
        exc = self._cancelled_exc
        if exc is not None:
            self._cancelled_exc = None
            return exc
        if self._cancel_message is None:
            return exceptions.CancelledError()
        return exceptions.CancelledError(self._cancel_message)

    def cancel(self, msg=None):
        """Cancels a pending future and schedules its callbacks; False when it
        was already done."""
        if self._state != _PENDING:
            return False
        self._state = _CANCELLED
        self._cancel_message = msg
        self._schedule_callbacks()
        return True

    def _schedule_callbacks(self):
        callbacks = self._callbacks
        if not callbacks:
            return
        self._callbacks = []
        loop = self._loop
        for callback, context in callbacks:
            loop.call_soon(callback, self, context=context)

    def cancelled(self):
        return self._state == _CANCELLED

    def done(self):
        return self._state != _PENDING

    def result(self):
        state = self._state
        if state == _FINISHED:
            exc = self._exception
            if exc is not None:
                raise exc.with_traceback(self._exception_tb)
            return self._result
        if state == _CANCELLED:
            raise self._make_cancelled_error()
        raise exceptions.InvalidStateError('Result is not set.')

    def exception(self):
        state = self._state
        if state == _CANCELLED:
            raise self._make_cancelled_error()
        if state != _FINISHED:
            raise exceptions.InvalidStateError('Exception is not set.')
        return self._exception

    def add_done_callback(self, fn, *, context=None):
        """fn(future) is scheduled with call_soon once the future is done (at
        once if it already is)."""
        if self._state != _PENDING:
            self._loop.call_soon(fn, self, context=context)
        else:
            self._callbacks.append((fn, context))

    def remove_done_callback(self, fn):
        """Removes every registration of fn; returns how many there were."""
        kept = [entry for entry in self._callbacks if entry[0] != fn]
        removed = len(self._callbacks) - len(kept)
        if removed:
            self._callbacks[:] = kept
        return removed

    def set_result(self, result):
        if self._state != _PENDING:
            raise exceptions.InvalidStateError('invalid state')
        self._result = result
        self._state = _FINISHED
        self._schedule_callbacks()

    def set_exception(self, exception):
        if self._state != _PENDING:
            raise exceptions.InvalidStateError('invalid state')
        if isinstance(exception, type):
            if not issubclass(exception, BaseException):
                raise TypeError('invalid exception object')
            exception = exception()
        if not isinstance(exception, BaseException):
            raise TypeError('invalid exception object')
        if isinstance(exception, StopIteration):
            # A StopIteration raised out of `await fut` would end the
            # awaiting generator silently; store a RuntimeError instead.
            wrapped = RuntimeError('StopIteration interacts badly with generators and cannot be raised into a Future')
            wrapped.__cause__ = exception
            wrapped.__context__ = exception
            exception = wrapped
        self._exception = exception
        self._exception_tb = exception.__traceback__
        self._state = _FINISHED
        self._schedule_callbacks()

    def __await__(self):
        if not self.done():
            self._asyncio_future_blocking = True
            yield self
        if not self.done():
            raise RuntimeError("await wasn't used with future")
        return self.result()

    __iter__ = __await__


def _concurrent():
    # concurrent.futures is imported lazily (it is slow to load on ft): if it
    # is not loaded yet, no object can be one of its futures.
    return sys.modules.get('concurrent.futures')


def _is_concurrent_future(obj):
    module = _concurrent()
    return module is not None and isinstance(obj, module.Future)


def _get_loop(fut):
    get_loop = getattr(fut, 'get_loop', None)
    if get_loop is not None:
        return get_loop()
    return fut._loop


def _set_result_unless_cancelled(fut, result):
    """The timer callback of sleep(): a cancelled sleeper is left alone."""
    if fut.cancelled():
        return
    fut.set_result(result)


def _convert_future_exc(exc):
    module = _concurrent()
    if module is None:
        return exc
    kind = type(exc)
    if kind is module.CancelledError:
        return exceptions.CancelledError(*exc.args).with_traceback(exc.__traceback__)
    if kind is module.InvalidStateError:
        return exceptions.InvalidStateError(*exc.args).with_traceback(exc.__traceback__)
    return exc


def _set_concurrent_future_state(concurrent, source):
    """Copies a finished asyncio future's outcome into a concurrent.futures.Future."""
    if source.cancelled():
        concurrent.cancel()
    if not concurrent.set_running_or_notify_cancel():
        return
    exc = source.exception()
    if exc is not None:
        concurrent.set_exception(_convert_future_exc(exc))
    else:
        concurrent.set_result(source.result())


def _copy_future_state(source, dest):
    """Copies a finished future's outcome into a pending asyncio future (left
    alone if it was cancelled meanwhile)."""
    if dest.cancelled():
        return
    if source.cancelled():
        dest.cancel()
        return
    exc = source.exception()
    if exc is not None:
        dest.set_exception(_convert_future_exc(exc))
    else:
        dest.set_result(source.result())


def _chain_future(source, destination):
    """Makes `destination` follow `source` (either may be an asyncio or a
    concurrent future); cancelling the destination cancels the source. A
    future bound to another loop, or a concurrent one, is updated through
    that loop's call_soon_threadsafe."""
    if not isfuture(source) and not _is_concurrent_future(source):
        raise TypeError('A future is required for source argument')
    if not isfuture(destination) and not _is_concurrent_future(destination):
        raise TypeError('A future is required for destination argument')
    source_loop = _get_loop(source) if isfuture(source) else None
    dest_loop = _get_loop(destination) if isfuture(destination) else None

    def set_state(future, other):
        if isfuture(future):
            _copy_future_state(other, future)
        else:
            _set_concurrent_future_state(future, other)

    def on_destination_done(destination):
        if destination.cancelled():
            if source_loop is None or source_loop is dest_loop:
                source.cancel()
            else:
                source_loop.call_soon_threadsafe(source.cancel)

    def on_source_done(source):
        if destination.cancelled() and dest_loop is not None and dest_loop.is_closed():
            return
        if dest_loop is None or dest_loop is source_loop:
            set_state(destination, source)
        elif not dest_loop.is_closed():
            dest_loop.call_soon_threadsafe(set_state, destination, source)

    destination.add_done_callback(on_destination_done)
    source.add_done_callback(on_source_done)


def wrap_future(future, *, loop=None):
    """An asyncio future of `loop` that follows a concurrent.futures.Future."""
    if isfuture(future):
        return future
    if not _is_concurrent_future(future):
        # CPython checks this with an assert; same exception type here.
        raise AssertionError(f'concurrent.futures.Future is expected, got {future!r}')
    if loop is None:
        loop = events.get_event_loop()
    new_future = loop.create_future()
    _chain_future(future, new_future)
    return new_future
