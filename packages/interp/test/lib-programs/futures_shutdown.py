# ThreadPoolExecutor.shutdown: wait, cancel_futures, the with statement, what
# happens to queued work, and work still queued when the program ends (the
# interpreter lets it finish before exiting, as CPython 3.9+ does).
import threading
import time
from concurrent.futures import ThreadPoolExecutor, CancelledError, wait

print('--- shutdown(wait=True) waits for the running and queued work')
log = []
lock = threading.Lock()

def slow_append(i):
    time.sleep(0.01)
    with lock:
        log.append(i)
    return i

ex = ThreadPoolExecutor(max_workers=2)
fs = [ex.submit(slow_append, i) for i in range(8)]
ex.shutdown(wait=True)
print(sorted(log), all(f.done() for f in fs), [f.result() for f in fs])
print(all(not t.is_alive() for t in ex._threads))
ex.shutdown()
print('second shutdown is fine')

print('--- shutdown(wait=False) returns at once, the work still runs')
gate = threading.Event()
ex = ThreadPoolExecutor(max_workers=1)
first = ex.submit(lambda: gate.wait(60) and 'first')
second = ex.submit(lambda: 'second')
ex.shutdown(wait=False)
print(first.done(), second.done())
gate.set()
print(first.result(), second.result())
for t in ex._threads:
    t.join()

print('--- shutdown(cancel_futures=True) cancels what has not started')
gate = threading.Event()
started = threading.Event()
def blocker():
    started.set()
    gate.wait()
    return 'finished'
ex = ThreadPoolExecutor(max_workers=1, thread_name_prefix='solo')
running = ex.submit(blocker)
started.wait()
queued = [ex.submit(pow, 2, i) for i in range(5)]
print(running.running(), [f.running() or f.done() for f in queued])
ex.shutdown(wait=False, cancel_futures=True)
print([f.cancelled() for f in queued], running.cancelled())
gate.set()
print(running.result())
for f in queued:
    try:
        f.result()
    except CancelledError:
        pass
    else:
        print('not cancelled!')
print('all queued cancelled')
for t in ex._threads:
    t.join()
print([t.name for t in ex._threads])

print('--- the with statement')
with ThreadPoolExecutor(max_workers=3) as ex:
    fs = [ex.submit(slow_append, i) for i in range(100, 106)]
print(all(f.done() for f in fs), sorted(f.result() for f in fs))
try:
    with ThreadPoolExecutor(max_workers=2) as ex:
        f = ex.submit(slow_append, 200)
        raise KeyError('inside with')
except KeyError as e:
    print('KeyError', e, f.done(), f.result())
print(ex.__enter__() is ex)

print('--- cancel a pending future, then the worker skips it')
gate = threading.Event()
started = threading.Event()
ex = ThreadPoolExecutor(max_workers=1)
head = ex.submit(blocker)
started.wait()
victim = ex.submit(log.append, 'must not run')
tail = ex.submit(lambda: 'tail ran')
print(victim.cancel(), head.cancel())
gate.set()
print(tail.result(), 'must not run' in log)
print(wait([victim]).done == {victim})
ex.shutdown()

print('--- map after shutdown, submit from a callback')
ex = ThreadPoolExecutor(max_workers=2)
chained = []
def chain(fut):
    try:
        chained.append(ex.submit(pow, fut.result(), 2))
    except RuntimeError as e:
        chained.append(str(e))
f = ex.submit(pow, 3, 1)
f.add_done_callback(chain)
f.result()
while not chained:
    time.sleep(0.001)
print(chained[0].result())
ex.shutdown()
f2 = type(f)()
f2.add_done_callback(chain)
f2.set_result(1)
print(chained[1])

print('--- work still queued at exit')
gate = threading.Event()
def last_words(i):
    gate.wait()
    print('finished at exit', i)
ex = ThreadPoolExecutor(max_workers=1)
for i in range(3):
    ex.submit(last_words, i)
print('main program ends')
gate.set()
