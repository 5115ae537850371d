"""Tasks: a Task drives one coroutine on its loop, one step per callback, and
is itself a Future of the coroutine's outcome. Also what is built from
tasks: create_task, current_task, all_tasks, ensure_future, sleep, gather,
shield, wait_for, wait, as_completed and run_coroutine_threadsafe.

How a task runs (and why programs print in CPython's order): creating a
task schedules its first step with call_soon; a step sends into the
coroutine until it yields. A bare `yield` (sleep(0)) schedules the next
step with call_soon; a yielded Future gets the task's wakeup as its done
callback, and the future schedules its callbacks with call_soon when it
completes. Cancelling a task cancels the future it waits for, or throws
CancelledError into the coroutine at its next step.

A task whose exception is never retrieved stays silent: CPython logs "Task
exception was never retrieved" through `logging`, which ft does not have."""

import functools
import math
import threading
import types

from . import _format
from . import coroutines
from . import events
from . import exceptions
from . import futures
from . import timeouts

__all__ = (
    'Task', 'create_task',
    'FIRST_COMPLETED', 'FIRST_EXCEPTION', 'ALL_COMPLETED',
    'wait', 'wait_for', 'as_completed', 'sleep',
    'gather', 'shield', 'ensure_future', 'run_coroutine_threadsafe',
    'current_task', 'all_tasks',
    'create_eager_task_factory', 'eager_task_factory',
    '_register_task', '_unregister_task', '_enter_task', '_leave_task',
)

# The same strings as concurrent.futures' constants (that module is only
# imported when threads are involved: it is slow to load on ft).
FIRST_COMPLETED = 'FIRST_COMPLETED'
FIRST_EXCEPTION = 'FIRST_EXCEPTION'
ALL_COMPLETED = 'ALL_COMPLETED'

# Task names are Task-1, Task-2, ... over the whole process, whatever the loop.
_name_lock = threading.Lock()
_name_counter = 0


def _next_task_name():
    global _name_counter
    with _name_lock:
        _name_counter += 1
        return f'Task-{_name_counter}'


# loop -> the task whose step is running on it.
_current_tasks = {}


class Task(futures.Future):
    """Runs a coroutine on the loop; done when the coroutine returns, raises,
    or is cancelled."""

    # Whether CPython would complain when the task is collected while pending.
    _log_destroy_pending = True

    def __init__(self, coro, *, loop=None, name=None, context=None, eager_start=False):
        super().__init__(loop=loop)
        if not coroutines.iscoroutine(coro):
            self._log_destroy_pending = False
            raise TypeError(f'a coroutine was expected, got {coro!r}')
        self._name = _next_task_name() if name is None else str(name)
        self._num_cancels_requested = 0
        self._must_cancel = False
        self._fut_waiter = None
        self._coro = coro
        self._context = context
        if eager_start and self._loop.is_running():
            self.__eager_start()
        else:
            self._loop.call_soon(self.__step, context=self._context)
            _register_task(self)

    def _repr_info(self):
        info = super()._repr_info()
        if self._num_cancels_requested and not self.done():
            info[0] = 'cancelling'
        info.insert(1, f'name={self._name!r}')
        if self._fut_waiter is not None:
            info.insert(2, f'wait_for={self._fut_waiter!r}')
        if self._coro is not None:
            info.insert(2, f'coro=<{_format.format_coroutine(self._coro)}>')
        return info

    def get_coro(self):
        return self._coro

    def get_context(self):
        return self._context

    def get_name(self):
        return self._name

    def set_name(self, value):
        self._name = str(value)

    def set_result(self, result):
        raise RuntimeError('Task does not support set_result operation')

    def set_exception(self, exception):
        raise RuntimeError('Task does not support set_exception operation')

    def get_stack(self, *, limit=None):
        """The frames the task is suspended in, outermost first (only the
        coroutine chain: ft keeps no traceback for a finished task)."""
        frames = []
        coro = self._coro
        while coro is not None:
            frame = getattr(coro, 'cr_frame', None)
            if frame is None:
                frame = getattr(coro, 'gi_frame', None)
            if frame is None:
                break
            frames.append(frame)
            coro = getattr(coro, 'cr_await', None) or getattr(coro, 'gi_yieldfrom', None)
        if limit is not None:
            frames = frames[-limit:] if limit > 0 else frames[:-limit]
        return frames

    def cancel(self, msg=None):
        """Asks the task to stop: the future it waits for is cancelled, or a
        CancelledError is thrown in at its next step. The coroutine may catch
        it and go on. False when the task is already done."""
        if self.done():
            return False
        self._num_cancels_requested += 1
        waiter = self._fut_waiter
        if waiter is not None and waiter.cancel(msg=msg):
            # The waiter's callbacks will wake us with its CancelledError.
            return True
        self._must_cancel = True
        self._cancel_message = msg
        return True

    def cancelling(self):
        """How many cancel() requests are pending (not undone by uncancel())."""
        return self._num_cancels_requested

    def uncancel(self):
        """Takes back one cancel() request; returns the count left. At zero a
        cancellation not yet delivered is dropped."""
        if self._num_cancels_requested > 0:
            self._num_cancels_requested -= 1
            if self._num_cancels_requested == 0:
                self._must_cancel = False
        return self._num_cancels_requested

    def __eager_start(self):
        previous = _swap_current_task(self._loop, self)
        try:
            self.__step_run_and_handle_result(None)
        finally:
            _swap_current_task(self._loop, previous)
            if not self.done():
                _register_task(self)

    def __step(self, exc=None):
        if self.done():
            raise exceptions.InvalidStateError(f'__step(): already done: {self!r}, {exc!r}')
        if self._must_cancel:
            if not isinstance(exc, exceptions.CancelledError):
                exc = self._make_cancelled_error()
            self._must_cancel = False
        self._fut_waiter = None
        _enter_task(self._loop, self)
        try:
            self.__step_run_and_handle_result(exc)
        finally:
            _leave_task(self._loop, self)
            if self._state != futures._PENDING:
                _unregister_task(self)

    def __step_run_and_handle_result(self, exc):
        coro = self._coro
        try:
            if exc is None:
                result = coro.send(None)
            else:
                result = coro.throw(exc)
        except StopIteration as stop:
            if self._must_cancel:
                # cancel() came while the coroutine was finishing: it still
                # counts, the return value is dropped.
                self._must_cancel = False
                futures.Future.cancel(self, msg=self._cancel_message)
            else:
                futures.Future.set_result(self, stop.value)
        except exceptions.CancelledError as cancelled:
            # Keep the coroutine's own exception so result() re-raises it.
            self._cancelled_exc = _drop_step_frame(cancelled)
            futures.Future.cancel(self)
        except (KeyboardInterrupt, SystemExit) as fatal:
            futures.Future.set_exception(self, fatal)
            raise
        except BaseException as error:
            futures.Future.set_exception(self, _drop_step_frame(error))
        else:
            self.__handle_yield(result)

    def __handle_yield(self, result):
        loop = self._loop
        blocking = getattr(result, '_asyncio_future_blocking', None)
        if blocking is not None:
            if futures._get_loop(result) is not loop:
                error = RuntimeError(f'Task {self!r} got Future {result!r} attached to a different loop')
                loop.call_soon(self.__step, error, context=self._context)
            elif blocking:
                if result is self:
                    error = RuntimeError(f'Task cannot await on itself: {self!r}')
                    loop.call_soon(self.__step, error, context=self._context)
                else:
                    result._asyncio_future_blocking = False
                    result.add_done_callback(self.__wakeup, context=self._context)
                    self._fut_waiter = result
                    if self._must_cancel and result.cancel(msg=self._cancel_message):
                        self._must_cancel = False
            else:
                error = RuntimeError(f'yield was used instead of yield from in task {self!r} with {result!r}')
                loop.call_soon(self.__step, error, context=self._context)
        elif result is None:
            # A bare yield (sleep(0)) gives the other callbacks one turn.
            loop.call_soon(self.__step, context=self._context)
        elif type(result) is types.GeneratorType:
            error = RuntimeError(f'yield was used instead of yield from for generator in task {self!r} with {result!r}')
            loop.call_soon(self.__step, error, context=self._context)
        else:
            error = RuntimeError(f'Task got bad yield: {result!r}')
            loop.call_soon(self.__step, error, context=self._context)

    def __wakeup(self, future):
        try:
            future.result()
        except BaseException as exc:
            self.__step(exc)
        else:
            self.__step()


def _drop_step_frame(exc):
    # CPython's task step is C code and leaves no traceback entry: start the
    # traceback at the coroutine, as it does.
    tb = exc.__traceback__
    if tb is not None and tb.tb_frame.f_code is _STEP_CODE:
        exc.__traceback__ = tb.tb_next
    return exc


_STEP_CODE = Task._Task__step_run_and_handle_result.__code__


def _task_registry(loop):
    # Each loop keeps its own pending tasks (insertion-ordered), so all_tasks()
    # needs no lock against loops running in other threads.
    registry = getattr(loop, '_asyncio_task_registry', None)
    if registry is None:
        registry = {}
        try:
            loop._asyncio_task_registry = registry
        except AttributeError:
            pass
    return registry


def _register_task(task):
    _task_registry(task._loop)[task] = None


def _unregister_task(task):
    _task_registry(task._loop).pop(task, None)


def _enter_task(loop, task):
    current = _current_tasks.get(loop)
    if current is not None:
        raise RuntimeError(f'Cannot enter into task {task!r} while another task {current!r} is being executed.')
    _current_tasks[loop] = task


def _leave_task(loop, task):
    current = _current_tasks.get(loop)
    if current is not task:
        raise RuntimeError(f'Leaving task {task!r} does not match the current task {current!r}.')
    del _current_tasks[loop]


def _swap_current_task(loop, task):
    previous = _current_tasks.get(loop)
    if task is None:
        _current_tasks.pop(loop, None)
    else:
        _current_tasks[loop] = task
    return previous


def current_task(loop=None):
    """The task running now on `loop` (default: the running loop), or None."""
    if loop is None:
        loop = events.get_running_loop()
    return _current_tasks.get(loop)


def all_tasks(loop=None):
    """The set of the loop's tasks that are not done yet."""
    if loop is None:
        loop = events.get_running_loop()
    return {task for task in list(_task_registry(loop)) if not task.done()}


def _pending_tasks(loop):
    """all_tasks() as a list in creation order."""
    return [task for task in list(_task_registry(loop)) if not task.done()]


def create_task(coro, *, name=None, context=None):
    """Schedules the coroutine as a Task on the running loop."""
    loop = events.get_running_loop()
    if context is None:
        return loop.create_task(coro, name=name)
    return loop.create_task(coro, name=name, context=context)


def create_eager_task_factory(custom_task_constructor):
    """A task factory whose tasks run their first step at once, inside
    create_task(), while the loop is running."""
    def factory(loop, coro, *, name=None, context=None):
        return custom_task_constructor(coro, loop=loop, name=name, context=context, eager_start=True)
    return factory


eager_task_factory = create_eager_task_factory(Task)


async def _wrap_awaitable(awaitable):
    return await awaitable


def _is_awaitable(obj):
    if coroutines.iscoroutine(obj):
        return True
    if type(obj) is types.GeneratorType:
        return bool(obj.gi_code.co_flags & 0x100)
    return callable(getattr(type(obj), '__await__', None))


def ensure_future(coro_or_future, *, loop=None):
    """A future as is; a coroutine or other awaitable wrapped in a Task."""
    if futures.isfuture(coro_or_future):
        if loop is not None and loop is not futures._get_loop(coro_or_future):
            raise ValueError('The future belongs to a different loop than the one specified as the loop argument')
        return coro_or_future
    should_close = True
    if not coroutines.iscoroutine(coro_or_future):
        if _is_awaitable(coro_or_future):
            coro_or_future = _wrap_awaitable(coro_or_future)
            should_close = False
        else:
            raise TypeError('An asyncio.Future, a coroutine or an awaitable is required')
    if loop is None:
        loop = events.get_event_loop()
    try:
        return loop.create_task(coro_or_future)
    except RuntimeError:
        if should_close:
            coro_or_future.close()
        raise


@types.coroutine
def _sleep0():
    # A bare yield: the task reschedules its next step with call_soon.
    yield


async def sleep(delay, result=None):
    """Suspends the current task for `delay` seconds, then returns `result`.
    sleep(0) just lets every other ready callback run once."""
    if delay <= 0:
        await _sleep0()
        return result
    if math.isnan(delay):
        raise ValueError('Invalid delay: NaN (not a number)')
    loop = events.get_running_loop()
    future = loop.create_future()
    handle = loop.call_later(delay, futures._set_result_unless_cancelled, future, result)
    try:
        return await future
    finally:
        handle.cancel()


class _GatheringFuture(futures.Future):
    """gather()'s outer future: cancelling it cancels the children."""

    def __init__(self, children, *, loop):
        super().__init__(loop=loop)
        self._children = children
        self._cancel_requested = False

    def cancel(self, msg=None):
        if self.done():
            return False
        cancelled_any = False
        for child in self._children:
            if child.cancel(msg=msg):
                cancelled_any = True
        if cancelled_any:
            # The outer future ends cancelled once the children report back.
            self._cancel_requested = True
        return cancelled_any


def gather(*coros_or_futures, return_exceptions=False):
    """A future of the list of the awaitables' results, in argument order.
    Without return_exceptions the first exception (or cancellation) of a child
    is the outer future's; the other children keep running. With it,
    exceptions are results. The same awaitable passed twice runs once."""
    if not coros_or_futures:
        loop = events.get_event_loop()
        outer = loop.create_future()
        outer.set_result([])
        return outer

    children = []
    by_arg = {}
    finished = 0
    count = 0
    already_done = []
    loop = None
    outer = None

    def child_done(fut):
        nonlocal finished
        finished += 1
        if outer is None or outer.done():
            if not fut.cancelled():
                # Mark the exception as retrieved: the outer one was reported.
                fut.exception()
            return
        if not return_exceptions:
            if fut.cancelled():
                outer.set_exception(fut._make_cancelled_error())
                return
            exc = fut.exception()
            if exc is not None:
                outer.set_exception(exc)
                return
        if finished == count:
            results = []
            for child in children:
                if child.cancelled():
                    # A new error with the child's own cancel message (None
                    # when the cancel went to the future it waited for).
                    message = child._cancel_message
                    value = exceptions.CancelledError('' if message is None else message)
                else:
                    value = child.exception()
                    if value is None:
                        value = child.result()
                results.append(value)
            if outer._cancel_requested:
                # Cancelling the gather cancels it whatever return_exceptions
                # says; CPython takes the error of the last child.
                outer.set_exception(children[-1]._make_cancelled_error())
            else:
                outer.set_result(results)

    for arg in coros_or_futures:
        if arg in by_arg:
            fut = by_arg[arg]
        else:
            fut = ensure_future(arg, loop=loop)
            if loop is None:
                loop = futures._get_loop(fut)
            if fut is not arg:
                fut._log_destroy_pending = False
            count += 1
            by_arg[arg] = fut
            if fut.done():
                already_done.append(fut)
            else:
                fut.add_done_callback(child_done)
        children.append(fut)

    outer = _GatheringFuture(children, loop=loop)
    for fut in already_done:
        child_done(fut)
    return outer


def shield(arg):
    """Awaiting the result protects `arg` from cancellation: cancelling the
    awaiting task cancels only the outer future."""
    inner = ensure_future(arg)
    if inner.done():
        return inner
    loop = futures._get_loop(inner)
    outer = loop.create_future()

    def inner_done(inner):
        if outer.cancelled():
            if not inner.cancelled():
                inner.exception()
            return
        if inner.cancelled():
            outer.cancel()
        else:
            exc = inner.exception()
            if exc is not None:
                outer.set_exception(exc)
            else:
                outer.set_result(inner.result())

    def outer_done(outer):
        if not inner.done():
            inner.remove_done_callback(inner_done)

    inner.add_done_callback(inner_done)
    outer.add_done_callback(outer_done)
    return outer


def _release_waiter(waiter, *args):
    if not waiter.done():
        waiter.set_result(None)


async def _cancel_and_wait(fut):
    """Cancels fut and waits until it is really done (it may take steps)."""
    loop = events.get_running_loop()
    waiter = loop.create_future()
    callback = functools.partial(_release_waiter, waiter)
    fut.add_done_callback(callback)
    try:
        fut.cancel()
        await waiter
    finally:
        fut.remove_done_callback(callback)


async def wait_for(fut, timeout):
    """Awaits fut, cancelling it and raising TimeoutError after `timeout`
    seconds. A coroutine is awaited in the current task (3.12+), through
    timeout()."""
    if timeout is not None and timeout <= 0:
        fut = ensure_future(fut)
        if fut.done():
            return fut.result()
        await _cancel_and_wait(fut)
        try:
            return fut.result()
        except exceptions.CancelledError as exc:
            raise TimeoutError from exc
    async with timeouts.timeout(timeout):
        return await fut


async def wait(fs, *, timeout=None, return_when=ALL_COMPLETED):
    """Waits for the futures/tasks of `fs`; returns (done, pending) sets.
    Nothing is cancelled at the timeout."""
    if futures.isfuture(fs) or coroutines.iscoroutine(fs):
        raise TypeError(f'expect a list of futures, not {type(fs).__name__}')
    if not fs:
        raise ValueError('Set of Tasks/Futures is empty.')
    if return_when not in (FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED):
        raise ValueError(f'Invalid return_when value: {return_when}')
    fs = set(fs)
    if any(coroutines.iscoroutine(f) for f in fs):
        raise TypeError('Passing coroutines is forbidden, use tasks explicitly.')
    loop = events.get_running_loop()
    return await _wait(fs, timeout, return_when, loop)


async def _wait(fs, timeout, return_when, loop):
    waiter = loop.create_future()
    timeout_handle = None
    if timeout is not None:
        timeout_handle = loop.call_later(timeout, _release_waiter, waiter)
    remaining = len(fs)

    def on_completion(f):
        nonlocal remaining
        remaining -= 1
        if (remaining <= 0 or return_when == FIRST_COMPLETED
                or (return_when == FIRST_EXCEPTION and not f.cancelled() and f.exception() is not None)):
            if timeout_handle is not None:
                timeout_handle.cancel()
            if not waiter.done():
                waiter.set_result(None)

    for f in fs:
        f.add_done_callback(on_completion)
    try:
        await waiter
    finally:
        if timeout_handle is not None:
            timeout_handle.cancel()
        for f in fs:
            f.remove_done_callback(on_completion)
    done = set()
    pending = set()
    for f in fs:
        (done if f.done() else pending).add(f)
    return done, pending


class _AsCompletedIterator:
    """as_completed()'s result. Iterated plainly it yields awaitables giving
    the next result (in completion order); iterated with `async for` it gives
    the next finished future itself."""

    def __init__(self, aws, timeout):
        from . import queues
        self._done = queues.Queue()
        self._timeout_handle = None
        loop = events.get_event_loop()
        todo = {ensure_future(aw, loop=loop) for aw in set(aws)}
        for f in todo:
            f.add_done_callback(self._handle_completion)
        if todo and timeout is not None:
            self._timeout_handle = loop.call_later(timeout, self._handle_timeout)
        self._todo = todo
        self._todo_left = len(todo)

    def __aiter__(self):
        return self

    def __iter__(self):
        return self

    async def __anext__(self):
        if not self._todo_left:
            raise StopAsyncIteration
        self._todo_left -= 1
        return await self._wait_for_one()

    def __next__(self):
        if not self._todo_left:
            raise StopIteration
        self._todo_left -= 1
        return self._wait_for_one(resolve=True)

    def _handle_timeout(self):
        # One None per unfinished future: each waiting _wait_for_one() raises.
        for f in self._todo:
            f.remove_done_callback(self._handle_completion)
            self._done.put_nowait(None)
        self._todo.clear()

    def _handle_completion(self, f):
        if not self._todo:
            return
        self._todo.remove(f)
        self._done.put_nowait(f)
        if not self._todo and self._timeout_handle is not None:
            self._timeout_handle.cancel()

    async def _wait_for_one(self, resolve=False):
        f = await self._done.get()
        if f is None:
            raise exceptions.TimeoutError
        return f.result() if resolve else f


def as_completed(fs, *, timeout=None):
    """Results of `fs` as they finish: `for aw in as_completed(fs): x = await aw`
    or `async for fut in as_completed(fs)`. TimeoutError once `timeout` runs out."""
    if futures.isfuture(fs) or _is_awaitable(fs):
        raise TypeError(f'expects an iterable of awaitables, not {type(fs).__name__}')
    return _AsCompletedIterator(fs, timeout)


def run_coroutine_threadsafe(coro, loop):
    """Submits the coroutine to `loop` from another thread; returns a
    concurrent.futures.Future of its outcome."""
    if not coroutines.iscoroutine(coro):
        raise TypeError('A coroutine object is required')
    import concurrent.futures
    future = concurrent.futures.Future()

    def start():
        try:
            futures._chain_future(ensure_future(coro, loop=loop), future)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            if future.set_running_or_notify_cancel():
                future.set_exception(exc)
            raise

    loop.call_soon_threadsafe(start)
    return future
