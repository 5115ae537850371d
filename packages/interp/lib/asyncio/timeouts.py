"""timeout() and timeout_at(): async context managers that cancel the
enclosing task when the deadline passes and turn that cancellation into
TimeoutError on the way out (3.11+ semantics).

Whether the CancelledError is "ours" is decided by counting: entering
remembers task.cancelling(); at the deadline we call task.cancel(); on exit
task.uncancel() gives the count back, and only if no other cancel() came
meanwhile do we convert the error. A cancellation from outside therefore
still propagates as CancelledError."""

from . import events
from . import exceptions

__all__ = ('Timeout', 'timeout', 'timeout_at')

# The states, with the words CPython's repr and messages use.
_CREATED = 'created'
_ENTERED = 'active'
_EXPIRING = 'expiring'
_EXPIRED = 'expired'
_EXITED = 'finished'


class Timeout:
    """The context manager timeout()/timeout_at() return. `when` is a loop
    time (loop.time()) or None for no deadline; reschedule() moves it."""

    def __init__(self, when):
        self._state = _CREATED
        self._timeout_handler = None
        self._task = None
        self._cancelling = 0
        self._when = when

    def when(self):
        return self._when

    def reschedule(self, when):
        if self._state is not _ENTERED:
            if self._state is _CREATED:
                raise RuntimeError('Timeout has not been entered')
            raise RuntimeError(f'Cannot change state of {self._state} Timeout')
        self._when = when
        if self._timeout_handler is not None:
            self._timeout_handler.cancel()
        if when is None:
            self._timeout_handler = None
            return
        loop = events.get_running_loop()
        if when <= loop.time():
            self._timeout_handler = loop.call_soon(self._on_timeout)
        else:
            self._timeout_handler = loop.call_at(when, self._on_timeout)

    def expired(self):
        """Whether the deadline passed (and the task was cancelled for it)."""
        return self._state in (_EXPIRING, _EXPIRED)

    def __repr__(self):
        extra = ''
        if self._state is _ENTERED:
            when = round(self._when, 3) if self._when is not None else None
            extra = f' when={when}'
        return f'<Timeout [{self._state}]{extra}>'

    async def __aenter__(self):
        if self._state is not _CREATED:
            raise RuntimeError('Timeout has already been entered')
        from . import tasks
        task = tasks.current_task()
        if task is None:
            raise RuntimeError('Timeout should be used inside a task')
        self._state = _ENTERED
        self._task = task
        self._cancelling = task.cancelling()
        self.reschedule(self._when)
        return self

    async def __aexit__(self, exc_type, exc_val, exc_tb):
        if self._timeout_handler is not None:
            self._timeout_handler.cancel()
            self._timeout_handler = None
        if self._state is _EXPIRING:
            self._state = _EXPIRED
            if self._task.uncancel() <= self._cancelling and exc_type is not None:
                # No one else asked for a cancellation: this one is ours.
                if issubclass(exc_type, exceptions.CancelledError):
                    raise TimeoutError from exc_val
                if exc_val is not None:
                    # The body turned our CancelledError into another error:
                    # record in its context chain that a timeout caused it.
                    _insert_timeout_error(exc_val)
                    if isinstance(exc_val, ExceptionGroup):
                        for exc in exc_val.exceptions:
                            _insert_timeout_error(exc)
        elif self._state is _ENTERED:
            self._state = _EXITED
        return None

    def _on_timeout(self):
        self._task.cancel()
        self._state = _EXPIRING
        self._timeout_handler = None


def _insert_timeout_error(exc):
    # Put a TimeoutError between the first CancelledError of the context
    # chain and the exception whose context it was.
    while exc.__context__ is not None:
        if isinstance(exc.__context__, exceptions.CancelledError):
            error = TimeoutError()
            error.__context__ = error.__cause__ = exc.__context__
            exc.__context__ = error
            break
        exc = exc.__context__


def timeout(delay):
    """Cancels the task `delay` seconds from now (None: never) and raises
    TimeoutError out of the `async with`."""
    loop = events.get_running_loop()
    return Timeout(loop.time() + delay if delay is not None else None)


def timeout_at(when):
    """Like timeout(), with an absolute deadline in loop.time() terms."""
    return Timeout(when)
