"""asyncio for ft (our own implementation, written for ft's VM; same API and
callback ordering as CPython 3.13's asyncio): an event loop per thread
running callbacks, timers and Tasks; Futures; sleep, gather, shield,
wait_for, wait, as_completed, timeout; TaskGroup; queues; locks; to_thread
and run_in_executor over concurrent.futures; run() and Runner.

Modules: exceptions, events (handles, policy, get/set/new_event_loop),
base_events (the loop), futures, coroutines, tasks, timeouts, taskgroups,
queues, locks, threads (to_thread), runners (run, Runner).

Not provided (ft has no sockets, pipes, subprocesses or signals): streams,
transports and protocols, subprocesses, add_reader/add_writer, signal
handlers, sendfile, start_server/open_connection. Without `logging` an
exception nobody retrieves from a Future or Task is dropped silently (CPython
logs "Task exception was never retrieved"); without `contextvars` callbacks
run without a context; without `warnings` the DeprecationWarning of
get_event_loop() creating a loop is not shown."""

from .base_events import BaseEventLoop, EventLoop, SelectorEventLoop
from .coroutines import iscoroutine, iscoroutinefunction
from .events import (
    AbstractEventLoop,
    AbstractEventLoopPolicy,
    DefaultEventLoopPolicy,
    Handle,
    TimerHandle,
    _get_running_loop,
    _set_running_loop,
    get_event_loop,
    get_event_loop_policy,
    get_running_loop,
    new_event_loop,
    set_event_loop,
    set_event_loop_policy,
)
from .exceptions import (
    BrokenBarrierError,
    CancelledError,
    IncompleteReadError,
    InvalidStateError,
    LimitOverrunError,
    SendfileNotAvailableError,
    TimeoutError,
)
from .futures import Future, isfuture, wrap_future
from .locks import Barrier, BoundedSemaphore, Condition, Event, Lock, Semaphore
from .queues import LifoQueue, PriorityQueue, Queue, QueueEmpty, QueueFull, QueueShutDown
from .runners import Runner, run
from .taskgroups import TaskGroup
from .tasks import (
    ALL_COMPLETED,
    FIRST_COMPLETED,
    FIRST_EXCEPTION,
    Task,
    all_tasks,
    as_completed,
    create_eager_task_factory,
    create_task,
    current_task,
    eager_task_factory,
    ensure_future,
    gather,
    run_coroutine_threadsafe,
    shield,
    sleep,
    wait,
    wait_for,
)
from .threads import to_thread
from .timeouts import Timeout, timeout, timeout_at

__all__ = (
    'AbstractEventLoop', 'AbstractEventLoopPolicy', 'BaseEventLoop', 'DefaultEventLoopPolicy',
    'EventLoop', 'SelectorEventLoop', 'Handle', 'TimerHandle',
    'get_event_loop', 'get_event_loop_policy', 'get_running_loop', 'new_event_loop',
    'set_event_loop', 'set_event_loop_policy',
    'BrokenBarrierError', 'CancelledError', 'IncompleteReadError', 'InvalidStateError',
    'LimitOverrunError', 'SendfileNotAvailableError', 'TimeoutError',
    'Future', 'isfuture', 'wrap_future', 'iscoroutine', 'iscoroutinefunction',
    'Barrier', 'BoundedSemaphore', 'Condition', 'Event', 'Lock', 'Semaphore',
    'LifoQueue', 'PriorityQueue', 'Queue', 'QueueEmpty', 'QueueFull', 'QueueShutDown',
    'Runner', 'run', 'TaskGroup',
    'ALL_COMPLETED', 'FIRST_COMPLETED', 'FIRST_EXCEPTION', 'Task', 'all_tasks', 'as_completed',
    'create_eager_task_factory', 'create_task', 'current_task', 'eager_task_factory',
    'ensure_future', 'gather', 'run_coroutine_threadsafe', 'shield', 'sleep', 'wait', 'wait_for',
    'to_thread', 'Timeout', 'timeout', 'timeout_at',
)
