"""The event loop (our asyncio has one kind: no sockets or pipes on ft, only
callbacks, timers and threads).

One iteration (_run_once), as on CPython: drop cancelled timers from the
head of the timer heap; wait until the earliest timer is due (not at all if
callbacks are ready or stop() was asked); move every due timer to the ready
queue in deadline order; then run exactly the callbacks that were ready at
that point, first in first out. Callbacks scheduled while they run wait for
the next iteration.

Where CPython blocks in select() on a self-pipe, this loop waits on a
threading.Condition with the timer's timeout: call_soon_threadsafe() appends
under the condition's lock and notifies, so a loop asleep until its next
timer wakes for work handed over by another thread."""

import collections
import math
import sys
import threading
import time
import weakref

from . import _format
from . import _heap
from . import coroutines
from . import events
from . import futures
from . import tasks
from . import timeouts

__all__ = ('BaseEventLoop', 'EventLoop')

# Rebuild the timer heap when it holds more than this many timers and more
# than this fraction of them are cancelled (cheaper than popping them one by one).
_MIN_SCHEDULED_TIMER_HANDLES = 100
_MIN_CANCELLED_TIMER_HANDLES_FRACTION = 0.5

# The longest single wait: long waits are cut so a loop never sleeps for days
# on a far timer (CPython's MAXIMUM_SELECT_TIMEOUT).
_MAXIMUM_WAIT = 24 * 3600

_Handle = events.Handle

# How long run()'s shutdown waits for the default executor's threads.
THREAD_JOIN_TIMEOUT = 300


def _run_until_complete_cb(fut):
    if not fut.cancelled():
        exc = fut.exception()
        if isinstance(exc, (SystemExit, KeyboardInterrupt)):
            # The exception already left run_forever(); nothing to stop.
            return
    futures._get_loop(fut).stop()


def _format_handle(handle):
    # A task step is shown as its task.
    owner = getattr(handle._callback, '__self__', None)
    if isinstance(owner, tasks.Task):
        return repr(owner)
    return str(handle)


class BaseEventLoop(events.AbstractEventLoop):
    """An event loop running callbacks, timers, tasks and executor work."""

    def __init__(self):
        self._timer_cancelled_count = 0
        self._closed = False
        self._stopping = False
        self._ready = collections.deque()
        self._scheduled = []
        self._default_executor = None
        self._thread_id = None
        self._clock_resolution = 1e-09
        self._exception_handler = None
        self._debug = bool(getattr(getattr(sys, 'flags', None), 'dev_mode', False))
        self.slow_callback_duration = 0.1
        self._current_handle = None
        self._task_factory = None
        # Weak: an abandoned async generator must still be collected, which
        # is what calls the finalizer hook.
        self._asyncgens = weakref.WeakSet()
        self._asyncgens_shutdown_called = False
        self._executor_shutdown_called = False
        self._old_agen_hooks = None
        self._wakeup = threading.Condition(threading.Lock())
        self._asyncio_task_registry = {}

    def __repr__(self):
        return f'<{type(self).__name__} running={self.is_running()} closed={self.is_closed()} debug={self.get_debug()}>'

    # --- futures and tasks

    def create_future(self):
        return futures.Future(loop=self)

    def create_task(self, coro, *, name=None, context=None):
        """A Task running the coroutine on this loop (through the task factory if one is set)."""
        self._check_closed()
        if self._task_factory is None:
            return tasks.Task(coro, loop=self, name=name, context=context)
        if context is None:
            task = self._task_factory(self, coro)
        else:
            task = self._task_factory(self, coro, context=context)
        if name is not None:
            task.set_name(name)
        return task

    def set_task_factory(self, factory):
        if factory is not None and not callable(factory):
            raise TypeError('task factory must be a callable or None')
        self._task_factory = factory

    def get_task_factory(self):
        return self._task_factory

    # --- state

    def _check_closed(self):
        if self._closed:
            raise RuntimeError('Event loop is closed')

    def _check_running(self):
        if self.is_running():
            raise RuntimeError('This event loop is already running')
        if events._get_running_loop() is not None:
            raise RuntimeError('Cannot run the event loop while another loop is running')

    def is_running(self):
        return self._thread_id is not None

    def is_closed(self):
        return self._closed

    def get_debug(self):
        return self._debug

    def set_debug(self, enabled):
        self._debug = bool(enabled)

    def time(self):
        """The loop's clock: time.monotonic()."""
        return time.monotonic()

    # --- running

    def run_forever(self):
        """Runs iterations until stop() is called."""
        self._run_forever_setup()
        try:
            while True:
                self._run_once()
                if self._stopping:
                    break
        finally:
            self._run_forever_cleanup()

    def _run_forever_setup(self):
        self._check_closed()
        self._check_running()
        self._thread_id = threading.get_ident()
        hooks = getattr(sys, 'set_asyncgen_hooks', None)
        if hooks is not None:
            # Only where the VM supports them: track async generators so that
            # run() can aclose() the unfinished ones.
            self._old_agen_hooks = sys.get_asyncgen_hooks()
            hooks(firstiter=self._asyncgen_firstiter_hook, finalizer=self._asyncgen_finalizer_hook)
        events._set_running_loop(self)

    def _run_forever_cleanup(self):
        self._stopping = False
        self._thread_id = None
        events._set_running_loop(None)
        if self._old_agen_hooks is not None:
            sys.set_asyncgen_hooks(*self._old_agen_hooks)
            self._old_agen_hooks = None

    def run_until_complete(self, future):
        """Runs the loop until the future (or the task wrapping a coroutine)
        is done; returns its result or raises its exception."""
        self._check_closed()
        self._check_running()
        new_task = not futures.isfuture(future)
        future = tasks.ensure_future(future, loop=self)
        if new_task:
            future._log_destroy_pending = False
        future.add_done_callback(_run_until_complete_cb)
        try:
            self.run_forever()
        except BaseException:
            if new_task and future.done() and not future.cancelled():
                # The error leaving run_forever() is the task's own: mark it retrieved.
                future.exception()
            raise
        finally:
            future.remove_done_callback(_run_until_complete_cb)
        if not future.done():
            raise RuntimeError('Event loop stopped before Future completed.')
        return future.result()

    def stop(self):
        """Stops after the callbacks of the current iteration have run."""
        self._stopping = True

    def close(self):
        """Drops pending callbacks and shuts the default executor down without
        waiting. The loop cannot run again."""
        if self.is_running():
            raise RuntimeError('Cannot close a running event loop')
        if self._closed:
            return
        self._closed = True
        self._ready.clear()
        self._scheduled.clear()
        self._executor_shutdown_called = True
        executor = self._default_executor
        if executor is not None:
            self._default_executor = None
            executor.shutdown(wait=False)

    def _run_once(self):
        scheduled = self._scheduled
        count = len(scheduled)
        if (count > _MIN_SCHEDULED_TIMER_HANDLES
                and self._timer_cancelled_count / count > _MIN_CANCELLED_TIMER_HANDLES_FRACTION):
            kept = []
            for handle in scheduled:
                if handle._cancelled:
                    handle._scheduled = False
                else:
                    kept.append(handle)
            _heap.heapify(kept)
            self._scheduled = scheduled = kept
            self._timer_cancelled_count = 0
        else:
            while scheduled and scheduled[0]._cancelled:
                self._timer_cancelled_count -= 1
                handle = _heap.heappop(scheduled)
                handle._scheduled = False

        ready = self._ready
        if not ready and not self._stopping:
            timeout = None
            if scheduled:
                timeout = min(max(0, scheduled[0]._when - self.time()), _MAXIMUM_WAIT)
                # Rounded up to whole milliseconds as CPython's epoll wait is:
                # timers due within that millisecond then run in one iteration.
                timeout = math.ceil(timeout * 1e3) * 1e-3
            if timeout is None or timeout > 0:
                wakeup = self._wakeup
                with wakeup:
                    # Checked under the lock call_soon_threadsafe() appends
                    # under: a handle added after this check notifies us.
                    if not ready and not self._stopping:
                        wakeup.wait(timeout)

        end_time = self.time() + self._clock_resolution
        while scheduled:
            handle = scheduled[0]
            if handle._when >= end_time:
                break
            handle = _heap.heappop(scheduled)
            handle._scheduled = False
            ready.append(handle)

        # Only what is ready now: callbacks added meanwhile run next iteration.
        debug = self._debug
        for _ in range(len(ready)):
            handle = ready.popleft()
            if handle._cancelled:
                continue
            if not debug:
                handle._run()
                continue
            self._current_handle = handle
            try:
                started = self.time()
                handle._run()
                took = self.time() - started
                if took >= self.slow_callback_duration:
                    _format.report(f'Executing {_format_handle(handle)} took {took:.3f} seconds')
            finally:
                self._current_handle = None

    # --- scheduling callbacks

    def call_soon(self, callback, *args, context=None):
        """Runs callback(*args) at the next iteration, after the callbacks
        already scheduled."""
        # The hottest path of the loop (every task step comes through here):
        # the closed check is inlined.
        if self._closed:
            raise RuntimeError('Event loop is closed')
        if self._debug:
            self._check_thread()
            self._check_callback(callback, 'call_soon')
        handle = _Handle(callback, args, self, context)
        self._ready.append(handle)
        return handle

    def call_soon_threadsafe(self, callback, *args, context=None):
        """call_soon() for other threads: also wakes the loop if it is waiting."""
        self._check_closed()
        if self._debug:
            self._check_callback(callback, 'call_soon_threadsafe')
        handle = events.Handle(callback, args, self, context)
        with self._wakeup:
            self._ready.append(handle)
            self._wakeup.notify()
        return handle

    def call_later(self, delay, callback, *args, context=None):
        """Runs callback(*args) `delay` seconds from now; returns a TimerHandle."""
        if delay is None:
            raise TypeError('delay must not be None')
        return self.call_at(self.time() + delay, callback, *args, context=context)

    def call_at(self, when, callback, *args, context=None):
        """Runs callback(*args) at loop time `when`; returns a TimerHandle."""
        if when is None:
            raise TypeError('when cannot be None')
        self._check_closed()
        if self._debug:
            self._check_thread()
            self._check_callback(callback, 'call_at')
        timer = events.TimerHandle(when, callback, args, self, context)
        _heap.heappush(self._scheduled, timer)
        timer._scheduled = True
        return timer

    def _timer_handle_cancelled(self, handle):
        if handle._scheduled:
            self._timer_cancelled_count += 1

    def _check_callback(self, callback, method):
        if coroutines.iscoroutine(callback) or coroutines.iscoroutinefunction(callback):
            raise TypeError(f'coroutines cannot be used with {method}()')
        if not callable(callback):
            raise TypeError(f'a callable object was expected by {method}(), got {callback!r}')

    def _check_thread(self):
        if self._thread_id is None:
            return
        if threading.get_ident() != self._thread_id:
            raise RuntimeError('Non-thread-safe operation invoked on an event loop other than the current one')

    # --- threads

    def run_in_executor(self, executor, func, *args):
        """Runs func(*args) in `executor` (None: the loop's default
        ThreadPoolExecutor, made on first use); returns an awaitable future."""
        self._check_closed()
        if self._debug:
            self._check_callback(func, 'run_in_executor')
        if executor is None:
            executor = self._default_executor
            if self._executor_shutdown_called:
                raise RuntimeError('Executor shutdown has been called')
            if executor is None:
                # Imported here: concurrent.futures is slow to load on ft.
                import concurrent.futures
                executor = concurrent.futures.ThreadPoolExecutor(thread_name_prefix='asyncio')
                self._default_executor = executor
        return futures.wrap_future(executor.submit(func, *args), loop=self)

    def set_default_executor(self, executor):
        import concurrent.futures
        if not isinstance(executor, concurrent.futures.ThreadPoolExecutor):
            raise TypeError('executor must be ThreadPoolExecutor')
        self._default_executor = executor

    async def shutdown_default_executor(self, timeout=None):
        """Shuts the default executor down and waits (at most `timeout`
        seconds) for its threads to finish the work queued, the loop running
        meanwhile."""
        self._executor_shutdown_called = True
        executor = self._default_executor
        if executor is None:
            return
        # CPython joins the threads from a helper thread. Starting a thread
        # costs a pooled worker on ft (slow the first time), so the workers
        # are told to stop and watched from the loop instead.
        executor.shutdown(wait=False)
        threads = list(getattr(executor, '_threads', ()))
        try:
            async with timeouts.timeout(timeout):
                pause = 0.0005
                while any(thread.is_alive() for thread in threads):
                    await tasks.sleep(pause)
                    pause = min(pause * 2, 0.05)
        except TimeoutError:
            # CPython also warns (RuntimeWarning) that the threads did not
            # finish joining in time.
            return
        for thread in threads:
            thread.join()

    # --- async generators

    def _asyncgen_finalizer_hook(self, agen):
        self._asyncgens.discard(agen)
        if not self.is_closed():
            self.call_soon_threadsafe(self.create_task, agen.aclose())

    def _asyncgen_firstiter_hook(self, agen):
        self._asyncgens.add(agen)

    async def shutdown_asyncgens(self):
        """aclose()s the async generators still open (those the VM's hooks
        reported; nothing where ft has no sys.set_asyncgen_hooks)."""
        self._asyncgens_shutdown_called = True
        if not self._asyncgens:
            return
        closing = list(self._asyncgens)
        self._asyncgens.clear()
        results = await tasks.gather(*[agen.aclose() for agen in closing], return_exceptions=True)
        for result, agen in zip(results, closing):
            if isinstance(result, Exception):
                self.call_exception_handler({
                    'message': f'an error occurred during closing of asynchronous generator {agen!r}',
                    'exception': result,
                    'asyncgen': agen,
                })

    # --- errors

    def get_exception_handler(self):
        return self._exception_handler

    def set_exception_handler(self, handler):
        """handler(loop, context) replaces the default report of errors in
        callbacks; None restores it."""
        if handler is not None and not callable(handler):
            raise TypeError(f'A callable object or None is expected, got {handler!r}')
        self._exception_handler = handler

    def default_exception_handler(self, context):
        """Writes the context to sys.stderr as CPython's logger.error() would
        (the traceback without source lines)."""
        message = context.get('message') or 'Unhandled exception in event loop'
        exception = context.get('exception')
        lines = [message]
        for key in sorted(context):
            if key in ('message', 'exception'):
                continue
            lines.append(f'{key}: {context[key]!r}')
        _format.report('\n'.join(lines), exception)

    def call_exception_handler(self, context):
        if self._exception_handler is None:
            try:
                self.default_exception_handler(context)
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                _format.report('Exception in default exception handler', exc)
            return
        try:
            self._exception_handler(self, context)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            try:
                self.default_exception_handler({
                    'message': 'Unhandled error in exception handler',
                    'exception': exc,
                    'context': context,
                })
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc2:
                _format.report('Exception in default exception handler while handling an unexpected error '
                               'in custom exception handler', exc2)


class EventLoop(BaseEventLoop):
    """The loop new_event_loop() makes (CPython 3.13 has the same alias)."""


SelectorEventLoop = EventLoop
