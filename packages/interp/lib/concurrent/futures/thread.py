"""ThreadPoolExecutor (our own): work items on one SimpleQueue, taken by up to
max_workers threads that are started as the work comes and stay for the
executor's life. On ft they really run at the same time, each on its own
pooled worker.

A worker blocks on the queue; a None in it means "look whether you should
stop" (the executor shut down, was garbage collected, or the interpreter is
exiting); a worker that stops puts the None back for the next one. At exit
`threading._shutdown` runs `_python_exit`, which lets every worker finish
the work already queued and then joins them (CPython 3.9+ behaviour)."""

import itertools
import queue
import threading
import weakref

from concurrent.futures import _base

# Every live worker thread -> its executor's queue, for _python_exit. A plain
# dict (CPython's is weak-keyed): each worker takes its own entry out as it
# leaves, so no weakref callback runs when a Thread object dies (on ft that
# can happen while the thread that made it is being torn down).
_threads_queues = {}
# Set once the interpreter is exiting: no new work, workers leave.
_shutdown = False
# Taken by submit() and _python_exit: no work can be queued after the exit sweep.
_global_shutdown_lock = threading.Lock()


def _python_exit():
    global _shutdown
    with _global_shutdown_lock:
        _shutdown = True
        items = list(_threads_queues.items())
    for _thread, work_queue in items:
        work_queue.put(None)
    for thread, _queue in items:
        thread.join()


# Run before the non-daemon threads are joined at exit (CPython registers the
# same hook; an interpreter without it leaves the workers to the shutdown()
# the program calls).
_register_atexit = getattr(threading, '_register_atexit', None)
if _register_atexit is not None:
    _register_atexit(_python_exit)


def _cpu_count():
    try:
        import os
    except ImportError:
        os = None
    if os is not None:
        count = getattr(os, 'process_cpu_count', os.cpu_count)()
    else:
        import _ftthread
        count = _ftthread.cpu_count()
    return count or 1


class _WorkItem:
    """One submitted call and the future that stands for it."""

    def __init__(self, future, fn, args, kwargs):
        self.future = future
        self.fn = fn
        self.args = args
        self.kwargs = kwargs

    def run(self):
        if not self.future.set_running_or_notify_cancel():
            return
        try:
            result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:
            self.future.set_exception(exc)
            # No cycle through the exception's traceback back to this item.
            self = None
        else:
            self.future.set_result(result)

    try:
        import types as _types
        __class_getitem__ = classmethod(_types.GenericAlias)
    except Exception:  # no types.GenericAlias (yet): no subscripting
        pass


def _worker(executor_reference, work_queue, initializer, initargs):
    try:
        _work(executor_reference, work_queue, initializer, initargs)
    finally:
        with _global_shutdown_lock:
            _threads_queues.pop(threading.current_thread(), None)


def _work(executor_reference, work_queue, initializer, initargs):
    if initializer is not None:
        try:
            initializer(*initargs)
        except BaseException:
            _base._report('Exception in initializer:')
            executor = executor_reference()
            if executor is not None:
                executor._initializer_failed()
            return
    try:
        while True:
            try:
                work_item = work_queue.get_nowait()
            except queue.Empty:
                # Nothing to do: count this worker idle (submit() then starts no new one).
                executor = executor_reference()
                if executor is not None:
                    executor._idle_semaphore.release()
                del executor
                work_item = work_queue.get(block=True)

            if work_item is not None:
                work_item.run()
                # Drop the item (and with it the call's arguments) now.
                del work_item
                continue

            # A wake-up: leave if the interpreter exits, the executor is gone or shut down.
            executor = executor_reference()
            if _shutdown or executor is None or executor._shutdown:
                if executor is not None:
                    executor._shutdown = True
                # Pass the wake-up on to the next worker.
                work_queue.put(None)
                return
            del executor
    except BaseException:
        _base._report('Exception in worker')


class BrokenThreadPool(_base.BrokenExecutor):
    """Raised when a worker thread of a ThreadPoolExecutor failed initializing."""


class ThreadPoolExecutor(_base.Executor):
    # Numbers the executors for their default thread name prefix.
    _counter = itertools.count().__next__

    def __init__(self, max_workers=None, thread_name_prefix='', initializer=None, initargs=()):
        """A pool of at most `max_workers` threads (default min(32, CPUs + 4))
        named `thread_name_prefix`_N, each running initializer(*initargs)
        first."""
        if max_workers is None:
            # At least 5 workers for I/O-bound work, at most 32 so that many-core machines do not start hundreds.
            max_workers = min(32, _cpu_count() + 4)
        if max_workers <= 0:
            raise ValueError('max_workers must be greater than 0')
        if initializer is not None and not callable(initializer):
            raise TypeError('initializer must be a callable')

        self._max_workers = max_workers
        self._work_queue = queue.SimpleQueue()
        self._idle_semaphore = threading.Semaphore(0)
        self._threads = set()
        self._broken = False
        self._shutdown = False
        self._shutdown_lock = threading.Lock()
        self._thread_name_prefix = thread_name_prefix or ('ThreadPoolExecutor-%d' % self._counter())
        self._initializer = initializer
        self._initargs = initargs

    def submit(self, fn, /, *args, **kwargs):
        with self._shutdown_lock, _global_shutdown_lock:
            if self._broken:
                raise BrokenThreadPool(self._broken)
            if self._shutdown:
                raise RuntimeError('cannot schedule new futures after shutdown')
            if _shutdown:
                raise RuntimeError('cannot schedule new futures after interpreter shutdown')
            future = _base.Future()
            self._work_queue.put(_WorkItem(future, fn, args, kwargs))
            self._adjust_thread_count()
            return future

    submit.__doc__ = _base.Executor.submit.__doc__

    def _adjust_thread_count(self):
        # An idle worker will take the new item: no new thread.
        if self._idle_semaphore.acquire(timeout=0):
            return

        # When the executor is collected, wake the workers so that they leave.
        def weakref_cb(_, q=self._work_queue):
            q.put(None)

        count = len(self._threads)
        if count < self._max_workers:
            name = '%s_%d' % (self._thread_name_prefix or self, count)
            t = threading.Thread(
                name=name,
                target=_worker,
                args=(weakref.ref(self, weakref_cb), self._work_queue, self._initializer, self._initargs),
            )
            # Listed before it starts, so that its own removal comes after
            # (submit() holds _global_shutdown_lock).
            _threads_queues[t] = self._work_queue
            try:
                t.start()
            except BaseException:
                del _threads_queues[t]
                raise
            self._threads.add(t)

    def _take_queued(self):
        # The work items no worker has taken yet, taken off the queue (the None wake-ups dropped).
        while True:
            try:
                work_item = self._work_queue.get_nowait()
            except queue.Empty:
                return
            if work_item is not None:
                yield work_item

    def _initializer_failed(self):
        with self._shutdown_lock:
            self._broken = 'A thread initializer failed, the thread pool is not usable anymore'
            # Everything still queued fails the same way.
            for work_item in self._take_queued():
                work_item.future.set_exception(BrokenThreadPool(self._broken))

    def shutdown(self, wait=True, *, cancel_futures=False):
        with self._shutdown_lock:
            self._shutdown = True
            if cancel_futures:
                # Cancel what no worker has taken yet.
                for work_item in self._take_queued():
                    work_item.future.cancel()
            # Wake a worker: it sees the shutdown and passes the None on.
            self._work_queue.put(None)
        if wait:
            for t in self._threads:
                t.join()

    shutdown.__doc__ = _base.Executor.shutdown.__doc__
