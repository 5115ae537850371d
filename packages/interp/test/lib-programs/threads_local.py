# threading.local (our native _thread._local): per-thread attributes, __dict__, errors with
# CPython's messages, subclasses whose __init__ runs again in each thread with the same arguments,
# a failing __init__ retried, __getattr__ hooks, weak references, and a thread's values released
# when the thread ends.
import threading, _thread, gc
loc = threading.local()
print(type(loc), type(loc).__module__)
loc.x = 1
print(loc.x, loc.__dict__)
try:
    loc.y
except AttributeError as e:
    print('AttributeError', e)
try:
    loc.__dict__ = {}
except AttributeError as e:
    print('AttributeError', e)
del loc.x
print(loc.__dict__)
try:
    del loc.x
except AttributeError as e:
    print('AttributeError', e)
try:
    threading.local(1)
except TypeError as e:
    print('TypeError', e)

class My(threading.local):
    inits = 0
    def __init__(self, a, b=2):
        My.inits += 1
        self.a = a
        self.b = b
    def total(self):
        return self.a + self.b

m = My(10, b=5)
print(m.total(), My.inits)
results = []
def worker(i):
    results.append((i, m.a, m.b, m.total(), hasattr(loc, 'x')))
    m.a = i
    loc.x = i
    results.append((i, m.a, loc.x))
ts = [threading.Thread(target=worker, args=(i,)) for i in range(3)]
for t in ts: t.start()
for t in ts: t.join()
print(sorted(results))
print(m.a, My.inits, loc.__dict__)

class G(threading.local):
    def __getattr__(self, name):
        return 'default-' + name
g = G()
g.q = 5
print(g.q, g.zz)
print(_thread._local.__getattribute__(loc, '__dict__'))
try:
    _thread._local.__getattribute__(1, 'x')
except TypeError as e:
    print('TypeError', e)

class Bad(threading.local):
    def __init__(self, fail):
        if fail and threading.current_thread() is not threading.main_thread():
            raise ValueError('no')
        self.ok = True
b = Bad(True)
def w2():
    for _ in range(2):
        try:
            b.ok
        except ValueError as e:
            print('ValueError', e)
t = threading.Thread(target=w2); t.start(); t.join()
import weakref
class W(threading.local): pass
w = W()
r = weakref.ref(w)
del w
import gc; gc.collect()
print(r() is None)
loc = threading.local()
class D:
    def __init__(self, n): self.n = n
    def __del__(self): print('del', self.n)
def w(n):
    loc.d = D(n)
t = threading.Thread(target=w, args=(1,)); t.start(); t.join()
gc.collect()
print('joined')
# many short-lived locals made inside a thread
def maker():
    total = 0
    for i in range(300):
        l = threading.local()
        l.v = i
        total += l.v
    print('maker', total)
t = threading.Thread(target=maker); t.start(); t.join()
# 4 threads each count in their own attribute on a shared local
N = 2000
barrier = threading.Barrier(4)
out = []
def counter(k):
    barrier.wait()
    loc.c = 0
    for _ in range(N):
        loc.c += k
    out.append(loc.c)
ts = [threading.Thread(target=counter, args=(k,)) for k in range(1, 5)]
for t in ts: t.start()
for t in ts: t.join()
print(sorted(out), hasattr(loc, 'c'))
