# Cells, closures and generators shared across threads: `nonlocal`
# counters under a lock are exact; cell_contents swapped under readers
# holds one of the stored values; a generator driven from several threads
# yields each value exactly once, and a thread that finds it running gets
# "ValueError: generator already executing" (never a crash); generator
# __name__/__qualname__ written from several threads.
import threading
from _harness import CONTROL, SCALE, run_together, check

N = 500 * SCALE


# 1. A closure's counter, incremented under a lock from 3 threads. The
# control drops the lock (and bumps more): increments must then get lost.
class NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


BUMPS = 20000 * SCALE if CONTROL else N


def make_counter():
    count = 0
    lock = NoLock() if CONTROL else threading.Lock()

    def bump():
        nonlocal count
        with lock:
            count += 1

    def value():
        return count
    return bump, value


bump, value = make_counter()


def bumper():
    for _ in range(BUMPS):
        bump()


run_together(bumper, bumper, bumper)
check('closure counter under a lock', value() == 3 * BUMPS, f'{value()} of {3 * BUMPS}')


# 2. cell_contents written by one thread while others read the closure.
def make_reader():
    x = 0

    def read():
        return x
    return read


read = make_reader()
cell = read.__closure__[0]


def make_constant():
    y = -1

    def get():
        return y
    return get


other = make_constant().__closure__[0]  # holds -1: below every value the writer stores


def cell_writer():
    for i in range(1, N + 1):
        cell.cell_contents = i


def cell_reader():
    bad = 0
    last = 0
    for _ in range(N):
        v = read()
        if not (0 <= v <= N) or v < last:
            bad += 1
        last = v
        # (not cell == cell: each side's contents are read on their own, and may differ under a writer)
        if cell == other or not cell > other or not repr(cell).startswith('<cell at'):
            bad += 1
    return bad


res = run_together(cell_writer, cell_reader, cell_reader)
check('cell_contents: readers see stored values in order', res[1:] == [0, 0], res)
check('cell_contents: final value', read() == N)


# 3. One generator driven by 3 threads.
def gen(n):
    for i in range(n):
        s = 0
        for j in range(20):  # some work inside the frame, so that threads meet in it
            s += j
        yield i


g = gen(N)
errors = []


def driver():
    got = []
    while True:
        try:
            got.append(next(g))
        except StopIteration:
            return got
        except ValueError as e:
            errors.append(str(e))


parts = run_together(driver, driver, driver)
items = sorted(x for p in parts for x in p)
check('shared generator: every value exactly once', items == list(range(N)), len(items))
check('shared generator: only "generator already executing"', set(errors) <= {'generator already executing'}, set(errors))
check('shared generator: finished', next(g, 'done') == 'done')


# The same error, deterministic: a generator that advances itself.
def selfish():
    yield next(me)


me = selfish()
try:
    next(me)
except ValueError as e:
    print('re-entered generator:', e)


# 4. A generator's __name__ and __qualname__ written from several threads.
named = (x for x in range(3))


def renamer(k):
    def body():
        ok = True
        for i in range(100 * SCALE):
            named.__name__ = f'n{k}_{i % 7}'
            named.__qualname__ = f'q{k}_{i % 7}'
            ok = ok and len(named.__name__) == 4 and len(named.__qualname__) == 4
        return ok
    return body


res = run_together(renamer(1), renamer(2), renamer(3))
check('generator names: always one written', res == [True] * 3 and named.__name__[0] == 'n', res)
check('generator names: still iterates', list(named) == [0, 1, 2])
