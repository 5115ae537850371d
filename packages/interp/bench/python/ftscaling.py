"""Free-threading scaling workloads: the same work on 1 thread, then on N at once.

Usage: ftscaling.py WORKLOAD THREADS [ITERATIONS [START_AT]]
       ftscaling.py --list

Our own versions of the workloads CPython's Tools/ftscalingbench measures
(the names are CPython's; the loops are written for this repository). Each
thread runs the workload ITERATIONS times on objects of its own, except where
the point is sharing (a module, a code object's constants, a class). The
threads warm up (a third of the work each), then start together behind a
barrier; the last two lines printed are `elapsed <seconds>` (from the
barrier to the last join) and `checksum <n>`.
With perfect scaling, N threads take as long as one: score = N * T1 / TN.

Given START_AT (a time.time() value), the timed phase starts at that moment (after the warm-up): two processes given the same
moment run their timed phases side by side, which measures what the machine
itself gives two independent runs (the ceiling of any score here). A process
whose warm-up ended after that moment prints `late <seconds>`.
"""

import math
import operator
import sys
import threading
import time
import types

# A module of our own whose function the module_function workload calls.
helpers = types.ModuleType('helpers')
exec('def square(v):\n    return v * v\n', helpers.__dict__)


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm1(self):
        return abs(self.x) + abs(self.y)


def object_cfunction(n):
    # Builtin methods of a list the thread owns.
    items = [0] * 64
    total = 0
    for i in range(n):
        items.append(i)
        total += items.pop(0)
    return total


def cmodule_function(n):
    # A function of a builtin module.
    total = 0.0
    for i in range(n):
        total += math.floor(i * 0.5)
    return int(total)


def mult_constant(n):
    # Float arithmetic with a constant.
    x = 1.0
    for _ in range(n):
        x *= 1.000001
    return int(x)


def _count_up(n):
    i = 0
    while i < n:
        yield i
        i += 1


def generator(n):
    total = 0
    for v in _count_up(n):
        total += v
    return total


def pymethod(n):
    p = Point(3, -4)
    total = 0
    for _ in range(n):
        total += p.norm1()
    return total


def _add(a, b):
    return a + b


def pyfunction(n):
    total = 0
    for i in range(n):
        total = _add(total, i)
    return total


def module_function(n):
    total = 0
    for i in range(n):
        total += helpers.square(i & 7)
    return total


def load_string_const(n):
    # The same str constants compared by every thread.
    hits = 0
    for i in range(n):
        word = 'alpha' if i & 1 else 'beta'
        if word == 'alpha':
            hits += 1
    return hits


def load_tuple_const(n):
    total = 0
    for _ in range(n):
        a, b, c = (1, 2, 3)
        total += a + b + c
    return total


def create_pyobject(n):
    total = 0
    for i in range(n):
        total += Point(i, 1).x
    return total


def create_closure(n):
    total = 0
    for i in range(n):
        def inner(v=i):
            return v
        total += inner()
    return total


def create_dict(n):
    total = 0
    for i in range(n):
        d = {'a': i, 'b': 1}
        total += d['b']
    return total


_local = threading.local()


def thread_local_read(n):
    _local.value = 2
    total = 0
    for _ in range(n):
        total += _local.value
    return total


def method_caller(n):
    call = operator.methodcaller('norm1')
    p = Point(1, 2)
    total = 0
    for _ in range(n):
        total += call(p)
    return total


def sum_of_squares(n):
    # Int arithmetic (the loop of examples/speedup.py): with the work split over threads, the
    # wall time against CPython's, which a GIL keeps from going down.
    total = 0
    for i in range(n):
        total += i * i
    return total


def allocate(n):
    # Small containers made and dropped: each thread's own heaps and free lists.
    total = 0
    for i in range(n):
        total += len([i, (i, i + 1), {'k': i}])
    return total


WORKLOADS = {f.__name__: f for f in (
    object_cfunction, cmodule_function, mult_constant, generator, pymethod, pyfunction, module_function,
    load_string_const, load_tuple_const, create_pyobject, create_closure, create_dict, thread_local_read,
    method_caller, sum_of_squares, allocate,
)}


def main():
    if sys.argv[1:] == ['--list']:
        print(' '.join(WORKLOADS))
        return
    name = sys.argv[1]
    nthreads = int(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
    work = WORKLOADS[name]
    results = [None] * nthreads
    barrier = threading.Barrier(nthreads + 1)

    def body(k):
        # Each thread warms up first (its own specialized bytecode; on ft, its worker's JIT as well),
        # so that the timed phase compares steady states. A third of the work: V8 compiles ft's eval
        # loop several times per worker, 0.1-0.8 s each, and with every core busy a shorter warm-up
        # left part of the timed phase running unoptimized code.
        work(n // 3)
        barrier.wait()
        results[k] = work(n)

    threads = [threading.Thread(target=body, args=(k,)) for k in range(nthreads)]
    for t in threads:
        t.start()
    start_at = sys.argv[4] if len(sys.argv) > 4 else None
    if start_at:
        delay = float(start_at) - time.time()
        if delay > 0:
            time.sleep(delay)
    barrier.wait()
    t0 = time.perf_counter()
    if start_at and time.time() - float(start_at) > 0.05:
        print('late', time.time() - float(start_at))
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    if any(r != results[0] for r in results):
        raise SystemExit('threads disagree: %r' % (results,))
    print('elapsed', elapsed)
    print('checksum', results[0])


main()
