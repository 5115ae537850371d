"""Event-loop plumbing of our asyncio: the callbacks a loop runs (Handle,
TimerHandle), the loop interface (AbstractEventLoop), the policy that keeps
one current loop per thread, and get_running_loop / get_event_loop /
set_event_loop / new_event_loop.

The running loop is recorded per thread (a dict keyed by thread id: threads
run in parallel on ft, each with its own loop)."""

import _thread
import threading

from . import _format

__all__ = (
    'AbstractEventLoopPolicy',
    'AbstractEventLoop',
    'Handle',
    'TimerHandle',
    'get_event_loop_policy',
    'set_event_loop_policy',
    'get_event_loop',
    'set_event_loop',
    'new_event_loop',
    '_set_running_loop',
    'get_running_loop',
    '_get_running_loop',
)


class Handle:
    """A callback and its arguments, queued by call_soon(); cancel() keeps it
    from running."""

    __slots__ = ('_callback', '_args', '_cancelled', '_loop', '_context', '_repr', '__weakref__')

    def __init__(self, callback, args, loop, context=None):
        self._loop = loop
        self._callback = callback
        self._args = args
        self._cancelled = False
        self._repr = None
        self._context = context

    def _repr_info(self):
        info = [type(self).__name__]
        if self._cancelled:
            info.append('cancelled')
        if self._callback is not None:
            debug = self._loop.get_debug() if self._loop is not None else False
            info.append(_format.callback_source(self._callback, self._args, debug))
        return info

    def __repr__(self):
        if self._repr is not None:
            return self._repr
        return '<{}>'.format(' '.join(self._repr_info()))

    def get_context(self):
        return self._context

    def cancel(self):
        if not self._cancelled:
            self._cancelled = True
            # Drop the references now: a cancelled handle may sit in the
            # loop's queues for a while and should not keep its arguments alive.
            self._callback = None
            self._args = None

    def cancelled(self):
        return self._cancelled

    def _run(self):
        try:
            if self._context is None:
                self._callback(*self._args)
            else:
                self._context.run(self._callback, *self._args)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            debug = self._loop.get_debug()
            source = _format.callback_source(self._callback, self._args, debug)
            self._loop.call_exception_handler({
                'message': f'Exception in callback {source}',
                'exception': exc,
                'handle': self,
            })


class TimerHandle(Handle):
    """A Handle due at loop time `when`. Timers compare by deadline only (the
    loop keeps them in a heap)."""

    __slots__ = ('_scheduled', '_when')

    def __init__(self, when, callback, args, loop, context=None):
        super().__init__(callback, args, loop, context)
        self._when = when
        self._scheduled = False

    def _repr_info(self):
        info = super()._repr_info()
        pos = 2 if self._cancelled else 1
        info.insert(pos, f'when={self._when}')
        return info

    def __hash__(self):
        return hash(self._when)

    def __lt__(self, other):
        if isinstance(other, TimerHandle):
            return self._when < other._when
        return NotImplemented

    def __le__(self, other):
        if isinstance(other, TimerHandle):
            return self._when < other._when or self.__eq__(other)
        return NotImplemented

    def __gt__(self, other):
        if isinstance(other, TimerHandle):
            return self._when > other._when
        return NotImplemented

    def __ge__(self, other):
        if isinstance(other, TimerHandle):
            return self._when > other._when or self.__eq__(other)
        return NotImplemented

    def __eq__(self, other):
        if isinstance(other, TimerHandle):
            return (self._when == other._when and self._callback == other._callback
                    and self._args == other._args and self._cancelled == other._cancelled)
        return NotImplemented

    def cancel(self):
        if not self._cancelled:
            # The loop counts cancelled timers still in its heap, to decide
            # when rebuilding the heap is worth it.
            self._loop._timer_handle_cancelled(self)
        super().cancel()

    def when(self):
        """The loop time at which the callback is due (a float)."""
        return self._when


class AbstractEventLoop:
    """The interface of an event loop. Our one implementation is
    base_events.BaseEventLoop; this class is what isinstance() checks use."""

    def run_forever(self):
        raise NotImplementedError

    def run_until_complete(self, future):
        raise NotImplementedError

    def stop(self):
        raise NotImplementedError

    def is_running(self):
        raise NotImplementedError

    def is_closed(self):
        raise NotImplementedError

    def close(self):
        raise NotImplementedError

    async def shutdown_asyncgens(self):
        raise NotImplementedError

    async def shutdown_default_executor(self):
        raise NotImplementedError

    def call_soon(self, callback, *args, context=None):
        raise NotImplementedError

    def call_later(self, delay, callback, *args, context=None):
        raise NotImplementedError

    def call_at(self, when, callback, *args, context=None):
        raise NotImplementedError

    def time(self):
        raise NotImplementedError

    def create_future(self):
        raise NotImplementedError

    def create_task(self, coro, *, name=None, context=None):
        raise NotImplementedError

    def call_soon_threadsafe(self, callback, *args, context=None):
        raise NotImplementedError

    def run_in_executor(self, executor, func, *args):
        raise NotImplementedError

    def set_default_executor(self, executor):
        raise NotImplementedError

    def set_task_factory(self, factory):
        raise NotImplementedError

    def get_task_factory(self):
        raise NotImplementedError

    def get_exception_handler(self):
        raise NotImplementedError

    def set_exception_handler(self, handler):
        raise NotImplementedError

    def default_exception_handler(self, context):
        raise NotImplementedError

    def call_exception_handler(self, context):
        raise NotImplementedError

    def get_debug(self):
        raise NotImplementedError

    def set_debug(self, enabled):
        raise NotImplementedError


class AbstractEventLoopPolicy:
    """Decides what get_event_loop() / set_event_loop() / new_event_loop() mean."""

    def get_event_loop(self):
        raise NotImplementedError

    def set_event_loop(self, loop):
        raise NotImplementedError

    def new_event_loop(self):
        raise NotImplementedError


class BaseDefaultEventLoopPolicy(AbstractEventLoopPolicy):
    """One current loop per thread. The main thread gets one made on demand
    the first time get_event_loop() is asked before any set_event_loop();
    other threads must set theirs."""

    def __init__(self):
        # Per thread (a thread-local rather than a dict by thread id: ids are
        # reused once a thread ends): .loop and .set_called.
        self._local = threading.local()

    def get_event_loop(self):
        local = self._local
        loop = getattr(local, 'loop', None)
        if (loop is None and not getattr(local, 'set_called', False)
                and threading.current_thread() is threading.main_thread()):
            # CPython also warns "There is no current event loop"
            # (DeprecationWarning) here; ft has no warnings module.
            self.set_event_loop(self.new_event_loop())
            loop = local.loop
        if loop is None:
            raise RuntimeError(f'There is no current event loop in thread {threading.current_thread().name!r}.')
        return loop

    def set_event_loop(self, loop):
        self._local.set_called = True
        if loop is not None and not isinstance(loop, AbstractEventLoop):
            raise TypeError(f"loop must be an instance of AbstractEventLoop or None, not '{type(loop).__name__}'")
        self._local.loop = loop

    def new_event_loop(self):
        from .base_events import EventLoop
        return EventLoop()


DefaultEventLoopPolicy = BaseDefaultEventLoopPolicy

_policy = None
_policy_lock = threading.Lock()

# thread id -> the loop running in that thread.
_running_loops = {}


def get_running_loop():
    """The loop running in this thread; RuntimeError when there is none."""
    loop = _running_loops.get(_thread.get_ident())
    if loop is None:
        raise RuntimeError('no running event loop')
    return loop


def _get_running_loop():
    """The loop running in this thread, or None."""
    return _running_loops.get(_thread.get_ident())


def _set_running_loop(loop):
    ident = _thread.get_ident()
    if loop is None:
        _running_loops.pop(ident, None)
    else:
        _running_loops[ident] = loop


def get_event_loop_policy():
    global _policy
    if _policy is None:
        with _policy_lock:
            if _policy is None:
                _policy = DefaultEventLoopPolicy()
    return _policy


def set_event_loop_policy(policy):
    global _policy
    if policy is not None and not isinstance(policy, AbstractEventLoopPolicy):
        raise TypeError(f"policy must be an instance of AbstractEventLoopPolicy or None, not '{type(policy).__name__}'")
    _policy = policy


def get_event_loop():
    """The running loop when called from a coroutine or callback; otherwise
    the policy's current loop for this thread."""
    loop = _get_running_loop()
    if loop is not None:
        return loop
    return get_event_loop_policy().get_event_loop()


def set_event_loop(loop):
    get_event_loop_policy().set_event_loop(loop)


def new_event_loop():
    return get_event_loop_policy().new_event_loop()
