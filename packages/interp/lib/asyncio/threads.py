"""to_thread(): run a blocking function in the loop's default executor (a
ThreadPoolExecutor) and await its result. On ft those threads run in
parallel with the loop's."""

import functools

from . import events

__all__ = ('to_thread',)


async def to_thread(func, /, *args, **kwargs):
    """Runs func(*args, **kwargs) in a worker thread; returns its result.
    (CPython also copies the contextvars context; ft has no contextvars.)"""
    loop = events.get_running_loop()
    call = functools.partial(func, *args, **kwargs)
    return await loop.run_in_executor(None, call)
