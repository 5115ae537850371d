# concurrent.futures under load: many small tasks on 8 workers collected with
# as_completed, done-callbacks counting under a lock, executors created and
# shut down inside worker threads (nested pools), and map over shared data.
# Every check is an exact end state, whatever the interleaving.
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed, wait


def work(i):
    s = 0
    for k in range(100):
        s += k * i
    return s


N = 300
callbacks = [0]
lock = threading.Lock()


def count(_future):
    with lock:
        callbacks[0] += 1


with ThreadPoolExecutor(max_workers=8) as ex:
    fs = [ex.submit(work, i) for i in range(N)]
    for f in fs:
        f.add_done_callback(count)
    total = sum(f.result() for f in as_completed(fs))
    done, not_done = wait(fs)
print(total == sum(work(i) for i in range(N)), len(done), len(not_done))
print('callbacks:', callbacks[0])


def outer(i):
    with ThreadPoolExecutor(max_workers=2) as inner:
        return sum(inner.map(work, range(i, i + 10)))


with ThreadPoolExecutor(max_workers=4) as ex:
    nested = list(ex.map(outer, range(6)))
print('nested pools:', nested == [sum(work(k) for k in range(i, i + 10)) for i in range(6)])

shared = {i: [] for i in range(10)}


def append_to(i):
    with lock:
        shared[i % 10].append(i)
    return i


with ThreadPoolExecutor(max_workers=6) as ex:
    print('map order kept:', list(ex.map(append_to, range(300))) == list(range(300)))
print('every item once:', sorted(x for items in shared.values() for x in items) == list(range(300)))
print({k: len(v) for k, v in shared.items()})
