# concurrent.futures.wait and as_completed: every return_when, timeouts, the
# order as_completed hands futures out, duplicates. The work waits on Events
# the main thread sets, so what is done when is fixed whatever the timing.
import threading
from concurrent.futures import (ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, Future,
                                ThreadPoolExecutor, as_completed, wait)


def gated(gate, value):
    gate.wait()
    return value


def gated_fail(gate, message):
    gate.wait()
    raise ValueError(message)


def names(futures, labels):
    return sorted(labels[f] for f in futures)


ex = ThreadPoolExecutor(max_workers=4)

print('--- wait FIRST_COMPLETED')
g1, g2 = threading.Event(), threading.Event()
slow = ex.submit(gated, g1, 'slow')
quick = ex.submit(gated, g2, 'quick')
labels = {slow: 'slow', quick: 'quick'}
g2.set()
result = wait([slow, quick], return_when=FIRST_COMPLETED)
print(type(result).__name__, names(result.done, labels), names(result.not_done, labels))
done, not_done = result
print(names(done, labels), names(not_done, labels), result.done is done)
g1.set()
slow.result()
print(names(wait([slow, quick], return_when=FIRST_COMPLETED).done, labels))
print(wait([], return_when=FIRST_COMPLETED))

print('--- wait FIRST_EXCEPTION')
g1, g2, g3 = threading.Event(), threading.Event(), threading.Event()
a = ex.submit(gated, g1, 'a')
b = ex.submit(gated_fail, g2, 'b failed')
c = ex.submit(gated, g3, 'c')
labels = {a: 'a', b: 'b', c: 'c'}
g1.set()
a.result()
g2.set()
done, not_done = wait([a, b, c], return_when=FIRST_EXCEPTION)
print(names(done, labels), names(not_done, labels), repr(b.exception()))
g3.set()
c.result()
print([names(part, labels) for part in wait([a, b, c], return_when=FIRST_EXCEPTION)])
ok1, ok2 = ex.submit(pow, 2, 3), ex.submit(pow, 3, 2)
done, not_done = wait([ok1, ok2], return_when=FIRST_EXCEPTION)
print(sorted(f.result() for f in done), not_done)

print('--- wait ALL_COMPLETED and timeouts')
g = threading.Event()
fs = [ex.submit(gated, g, i) for i in range(3)] + [ex.submit(pow, 2, 5)]
fs[3].result()
done, not_done = wait(fs, timeout=0.05)
print(len(done), len(not_done), [f.result() for f in done])
done, not_done = wait(fs, timeout=0, return_when=FIRST_COMPLETED)
print(len(done), len(not_done))
g.set()
done, not_done = wait(fs)
print(sorted(f.result() for f in done), not_done)
done, not_done = wait(fs + fs, return_when=ALL_COMPLETED)
print(len(done), len(not_done))

print('--- wait with cancelled futures')
bare = Future()
bare.cancel()
bare.set_running_or_notify_cancel()
finished = Future()
finished.set_result('x')
done, not_done = wait([bare, finished])
print(len(done), not_done, bare in done)
print(len(wait([bare], return_when=FIRST_EXCEPTION).done))

print('--- wait: an invalid return_when')
pending = Future()
try:
    wait([pending], timeout=0, return_when='SOMETIMES')
except ValueError as e:
    print('ValueError', e)
print(wait([finished], return_when='SOMETIMES').done == {finished})

print('--- as_completed in completion order')
gates = [threading.Event() for _ in range(4)]
fs = [ex.submit(gated, gates[i], 'task%d' % i) for i in range(4)]
it = as_completed(fs)
order = []
for i in (2, 0, 3, 1):
    gates[i].set()
    order.append(next(it).result())
print(order)
try:
    next(it)
except StopIteration:
    print('StopIteration')

print('--- as_completed: done ones first, duplicates once')
already = [ex.submit(pow, 2, i) for i in range(3)]
wait(already)
late_gate = threading.Event()
late = ex.submit(gated, late_gate, 'late')
it = as_completed(already + already + [late])
first = sorted(next(it).result() for _ in range(3))
print(first)
late_gate.set()
print(next(it).result(), list(it))
print(list(as_completed([])))

print('--- as_completed timeout')
gate = threading.Event()
fs = [ex.submit(pow, 3, 2), ex.submit(gated, gate, 'blocked'), ex.submit(gated, gate, 'blocked too')]
wait([fs[0]])
got = []
try:
    for f in as_completed(fs, timeout=0.05):
        got.append(f.result())
except TimeoutError as e:
    print('TimeoutError', e)
print(got)
gate.set()
print(sorted((f.result() for f in as_completed(fs, timeout=60)), key=str))

print('--- as_completed with a cancelled future')
solo = ThreadPoolExecutor(max_workers=1)
hold = threading.Event()
running = solo.submit(gated, hold, 'ran')
queued = solo.submit(pow, 5, 2)
print(queued.cancel(), queued.cancelled())
it = as_completed([running, queued])
hold.set()
out = []
for f in it:
    out.append('cancelled' if f.cancelled() else f.result())
print(sorted(out, key=str))
solo.shutdown()

ex.shutdown()
print('end')
