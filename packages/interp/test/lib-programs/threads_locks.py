# _thread.lock and _thread.RLock (native methods): acquire's arguments and errors as CPython's, `with`,
# the recursion count kept across Condition.wait, an exact counter under a lock on 4 threads, timeouts
# while another thread holds the lock, weak references.
import threading, _thread, time
def addr(s): return s[:s.rindex(' at 0x')] + ' at 0x…>'
l = threading.Lock()
print(type(l), type(l).__name__, type(l).__module__, threading.Lock is _thread.LockType, _thread.allocate_lock is _thread.LockType)
print(addr(repr(l)), l.locked())
print(l.acquire(), addr(repr(l)), l.locked(), l.acquire(False), l.acquire(blocking=False), l.acquire(timeout=0.01))
l.release()
for bad in [lambda: l.release(), lambda: l.acquire(False, 1), lambda: l.acquire(True, -2), lambda: l.acquire(timeout=1e10),
            lambda: l.acquire(1, 2, 3), lambda: l.acquire(foo=1), lambda: l.acquire(True, blocking=True), lambda: l.acquire(timeout='x'),
            lambda: l.release(1)]:
    try:
        bad()
        print('no error')
    except Exception as e:
        print(type(e).__name__, e)
    if l.locked(): l.release()
with l as got:
    print('in with', got, l.locked())
print(l.locked(), l.acquire_lock(), l.locked_lock(), l.release_lock(), l.locked())
r = threading.RLock()
print(type(r), addr(repr(r)))
print(r.acquire(), r.acquire(), r._is_owned(), r._recursion_count(), addr(repr(r)).replace(str(threading.get_ident()), 'ME'))
r.release(); r.release()
try:
    r.release()
except RuntimeError as e:
    print('RuntimeError', e)
with r:
    with r:
        print('nested', r._recursion_count())
out = []
def other():
    out.append(r.acquire(False))
    try:
        r.release()
    except RuntimeError as e:
        out.append(str(e))
    out.append(r._is_owned())
r.acquire()
t = threading.Thread(target=other); t.start(); t.join()
print(out)
r.release()
# Condition over RLock with recursion kept across wait
c = threading.Condition()
items = []
def consumer():
    with c:
        with c:
            c.wait_for(lambda: items)
            items.append(('count', c._lock._recursion_count()))
t = threading.Thread(target=consumer); t.start()
time.sleep(0.05)
with c:
    items.append(1)
    c.notify()
t.join()
print(items)
# counter under a lock across threads
n = 0
lock = threading.Lock()
def inc():
    global n
    for _ in range(3000):
        with lock:
            n += 1
ts = [threading.Thread(target=inc) for _ in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print(n)
# timeout while another thread holds the lock
lock.acquire()
res = []
def waiter():
    t0 = time.monotonic(); res.append(lock.acquire(timeout=0.05)); res.append(time.monotonic() - t0 >= 0.04)
t = threading.Thread(target=waiter); t.start(); t.join()
lock.release()
print(res)
import weakref
print(weakref.ref(lock)() is lock, weakref.ref(r)() is r)
