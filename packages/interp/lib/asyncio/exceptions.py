"""The exceptions of our asyncio (the names CPython 3.13's `asyncio.exceptions`
defines; the module name matches so uncaught errors print the same).

CancelledError is a BaseException since 3.8 so that `except Exception` does
not swallow a cancellation; TimeoutError is the builtin one since 3.11."""

__all__ = (
    'BrokenBarrierError',
    'CancelledError',
    'InvalidStateError',
    'TimeoutError',
    'IncompleteReadError',
    'LimitOverrunError',
    'SendfileNotAvailableError',
)


class CancelledError(BaseException):
    """The Task or Future was cancelled."""


TimeoutError = TimeoutError


class InvalidStateError(Exception):
    """The operation is not allowed in the Future's or Task's current state."""


class SendfileNotAvailableError(RuntimeError):
    """sendfile is not available (ft has no sockets: kept for the name)."""


class IncompleteReadError(EOFError):
    """A read ended before `expected` bytes arrived; `partial` holds what came."""

    def __init__(self, partial, expected):
        what = 'undefined' if expected is None else repr(expected)
        super().__init__(f'{len(partial)} bytes read on a total of {what} expected bytes')
        self.partial = partial
        self.expected = expected

    def __reduce__(self):
        return type(self), (self.partial, self.expected)


class LimitOverrunError(Exception):
    """The buffer limit was reached while looking for a separator."""

    def __init__(self, message, consumed):
        super().__init__(message)
        self.consumed = consumed

    def __reduce__(self):
        return type(self), (self.args[0], self.consumed)


class BrokenBarrierError(RuntimeError):
    """The Barrier was reset or broken while a task waited on it."""
