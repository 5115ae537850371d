"""Running callables asynchronously (our own `concurrent.futures`, written over
`threading` and `queue`): Future, Executor, ThreadPoolExecutor, wait() and
as_completed(). Behaviour and messages follow CPython 3.13; worker threads
run in parallel on ft's pooled workers."""

from concurrent.futures._base import (
    FIRST_COMPLETED,
    FIRST_EXCEPTION,
    ALL_COMPLETED,
    CancelledError,
    TimeoutError,
    InvalidStateError,
    BrokenExecutor,
    Future,
    Executor,
    wait,
    as_completed,
)
from concurrent.futures.thread import ThreadPoolExecutor

__all__ = (
    'FIRST_COMPLETED',
    'FIRST_EXCEPTION',
    'ALL_COMPLETED',
    'CancelledError',
    'TimeoutError',
    'InvalidStateError',
    'BrokenExecutor',
    'Future',
    'Executor',
    'wait',
    'as_completed',
    'ThreadPoolExecutor',
)


def __getattr__(name):
    # ft runs no subprocesses, so there is no process pool: asking for one
    # says so (CPython imports it lazily here).
    if name == 'ProcessPoolExecutor':
        raise ImportError('ProcessPoolExecutor is not available on ft (no subprocesses); use ThreadPoolExecutor')
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
