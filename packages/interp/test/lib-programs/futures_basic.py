# concurrent.futures: Future states, results, exceptions, callbacks, map order,
# the executor's arguments and error messages. Deterministic whatever the
# thread timing: ordering is forced with Events, addresses are masked.
import sys
import threading
import concurrent.futures as cf
from concurrent.futures import Future, ThreadPoolExecutor


def masked(text, prefix='0x', digits='0123456789abcdef', mark='0x?'):
    """`text` with every `prefix` + digits run replaced by `mark` (addresses, ids)."""
    out = []
    i = 0
    while i < len(text):
        if text.startswith(prefix, i):
            j = i + len(prefix)
            while j < len(text) and text[j] in digits:
                j += 1
            out.append(mark)
            i = j
        else:
            out.append(text[i])
            i += 1
    return ''.join(out)


def _mask_numbers(text):
    out = []
    previous_digit = False
    for ch in text:
        if ch.isdigit():
            if not previous_digit:
                out.append('N')
            previous_digit = True
        else:
            out.append(ch)
            previous_digit = False
    return ''.join(out)


class Capture:
    """Stands in for sys.stderr while a failure is reported."""

    def __init__(self):
        self.parts = []

    def write(self, text):
        self.parts.append(text)
        return len(text)

    def flush(self):
        pass

    def text(self):
        return ''.join(self.parts)


print('--- names')
print(cf.TimeoutError is TimeoutError, issubclass(cf.CancelledError, cf.Error) if hasattr(cf, 'Error') else 'no Error')
print(issubclass(cf.BrokenExecutor, RuntimeError), issubclass(cf.InvalidStateError, Exception))
print(cf.FIRST_COMPLETED, cf.FIRST_EXCEPTION, cf.ALL_COMPLETED)
print(sorted(n for n in cf.__all__ if n != 'ProcessPoolExecutor'))
from concurrent.futures.thread import BrokenThreadPool
print(issubclass(BrokenThreadPool, cf.BrokenExecutor))

print('--- a bare Future')
f = Future()
print(f.done(), f.running(), f.cancelled(), masked(repr(f)))
try:
    f.result(timeout=0.01)
except TimeoutError as e:
    print('result timeout', type(e).__name__, repr(str(e)))
try:
    f.exception(timeout=0)
except TimeoutError:
    print('exception timeout')
print(f.set_running_or_notify_cancel(), f.running(), masked(repr(f)))
print(f.cancel(), f.cancelled())
f.set_result(42)
print(f.done(), f.result(), f.exception(), masked(repr(f)))
try:
    f.set_result(1)
except cf.InvalidStateError as e:
    print('InvalidStateError', masked(str(e)))
try:
    f.set_exception(ValueError())
except cf.InvalidStateError as e:
    print('InvalidStateError', masked(str(e)))
err = Capture()
saved, sys.stderr = sys.stderr, err
try:
    f.set_running_or_notify_cancel()
except RuntimeError as e:
    print('RuntimeError', e)
finally:
    sys.stderr = saved
print(_mask_numbers(err.text()), end='')

g = Future()
g.set_exception(KeyError('k'))
print(masked(repr(g)), repr(g.exception()))
try:
    g.result()
except KeyError as e:
    print('raised', repr(e), e is g.exception())

print('--- cancel')
c = Future()
print(c.cancel(), c.cancel(), c.cancelled(), c.done(), masked(repr(c)))
for call in (c.result, c.exception):
    try:
        call()
    except cf.CancelledError as e:
        print('CancelledError', repr(e))
print(c.set_running_or_notify_cancel(), masked(repr(c)))
try:
    c.set_result(1)
except cf.InvalidStateError as e:
    print('InvalidStateError', masked(str(e)))

print('--- callbacks')
seen = []
h = Future()
h.add_done_callback(lambda fut: seen.append(('first', fut.result())))
h.add_done_callback(lambda fut: seen.append(('second', fut is h)))
print(seen)
h.set_result('v')
print(seen)
h.add_done_callback(lambda fut: seen.append(('late', fut.done())))
print(seen)
k = Future()
k.add_done_callback(lambda fut: seen.append(('cancelled', fut.cancelled())))
k.cancel()
print(seen[-1])

err = Capture()
saved, sys.stderr = sys.stderr, err
try:
    bad = Future()
    bad.add_done_callback(lambda fut: 1 / 0)
    bad.add_done_callback(lambda fut: seen.append('after the bad one'))
    bad.set_result(None)
finally:
    sys.stderr = saved
print(seen[-1])
print(masked(err.text().splitlines()[0]))
print(err.text().splitlines()[-1])

print('--- submit and result')
def square(x):
    return x * x

def fail(kind, message):
    raise kind(message)

with ThreadPoolExecutor(max_workers=4) as ex:
    futures = [ex.submit(square, i) for i in range(30)]
    print([fut.result() for fut in futures])
    print(all(fut.done() for fut in futures), any(fut.running() for fut in futures))
    print(ex.submit(pow, 2, 10).result(), ex.submit(dict, a=1, b=2).result())
    print(ex.submit(lambda *a, **k: (a, k), 1, 2, fn=3, self=4).result())
    bad = ex.submit(fail, ValueError, 'broken')
    try:
        bad.result()
    except ValueError as e:
        print('ValueError', e, e is bad.exception())
    print(repr(bad.exception()), masked(repr(bad)))
    exit_future = ex.submit(fail, SystemExit, 3)
    print(repr(exit_future.exception()))
    keyboard = ex.submit(fail, KeyboardInterrupt, 'ki')
    print(type(keyboard.exception()).__name__)

print('--- map')
with ThreadPoolExecutor(max_workers=3) as ex:
    print(list(ex.map(square, range(12))))
    print(list(ex.map(pow, [2, 3, 4], [5, 6, 7, 8])))
    print(list(ex.map(square, [], timeout=1)))
    print(list(ex.map(square, range(5), chunksize=3)))
    results = ex.map(lambda x: 10 // x, [5, 2, 0, 1])
    print(next(results), next(results))
    try:
        next(results)
    except ZeroDivisionError as e:
        print('ZeroDivisionError', e)
    print(list(results))

print('--- map timeout')
gate = threading.Event()
with ThreadPoolExecutor(max_workers=1) as ex:
    it = ex.map(lambda x: gate.wait() and x, [1, 2, 3], timeout=0.05)
    try:
        next(it)
    except TimeoutError:
        print('map TimeoutError')
    gate.set()

print('--- executor arguments')
for bad_workers in (0, -1):
    try:
        ThreadPoolExecutor(max_workers=bad_workers)
    except ValueError as e:
        print('ValueError', e)
try:
    ThreadPoolExecutor(initializer=5)
except TypeError as e:
    print('TypeError', e)
pool = ThreadPoolExecutor()
print(pool._max_workers >= 5, pool._max_workers <= 32)
pool.shutdown()

names = []
local_state = threading.local()
def init(tag, store):
    local_state.tag = tag
    store.append(tag)

started = []
with ThreadPoolExecutor(max_workers=1, thread_name_prefix='worker', initializer=init, initargs=('ready', started)) as ex:
    print(ex.submit(lambda: (threading.current_thread().name, local_state.tag)).result())
    print(ex.submit(lambda: threading.current_thread().name).result())
print(started)

with ThreadPoolExecutor(max_workers=1) as ex:
    print(_mask_numbers(ex.submit(lambda: threading.current_thread().name).result()))

print('--- broken pool')
def broken_init():
    raise OSError('no init')

err = Capture()
saved, sys.stderr = sys.stderr, err
try:
    ex = ThreadPoolExecutor(max_workers=1, initializer=broken_init)
    doomed = ex.submit(square, 3)
    try:
        doomed.result()
    except BrokenThreadPool as e:
        print('BrokenThreadPool', e)
    try:
        ex.submit(square, 4)
    except BrokenThreadPool as e:
        print('submit: BrokenThreadPool', e)
    ex.shutdown()
finally:
    sys.stderr = saved
lines = err.text().splitlines()
print(lines[0], lines[-1])

print('--- submit after shutdown')
ex = ThreadPoolExecutor(max_workers=2)
ex.shutdown()
try:
    ex.submit(square, 2)
except RuntimeError as e:
    print('RuntimeError', e)
ex.shutdown()
with ThreadPoolExecutor(max_workers=2) as ex:
    pass
try:
    ex.submit(square, 2)
except RuntimeError as e:
    print('RuntimeError', e)
try:
    ex.map(square, [1])
except RuntimeError as e:
    print('map: RuntimeError', e)
print('--- bad arguments')
with ThreadPoolExecutor(max_workers=1) as ex:
    print(repr(ex.submit(5).exception()))
    print(repr(ex.submit(len).exception()))
    try:
        ex.submit()
    except TypeError as e:
        print('TypeError', e)
    try:
        list(ex.map())
    except TypeError as e:
        print('TypeError', e)
try:
    cf.wait([1])
except AttributeError as e:
    print('AttributeError', e)
print('end')
