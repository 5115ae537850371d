# Weak references made and dropped from many threads: callbacks of refs to
# a live object never run; each thread's objects die with their callbacks
# run exactly once per ref; refs to one shared object, made on several
# threads, all call back exactly once when it dies; `__weakref__` read
# while other threads make and drop refs is None or a ref to the object.
import gc
import sys
import weakref
from _harness import SCALE, run_together, check

N = 150 * SCALE


class Target:
    pass


# 1. Refs (with callbacks) to a live shared object, made and dropped at once.
alive = Target()
fired_alive = []


def churn_live():
    for _ in range(N):
        weakref.ref(alive, fired_alive.append)
        r = weakref.ref(alive)
        if r() is not alive:
            return False
    return True


res = run_together(churn_live, churn_live, churn_live)
check('refs to a live object: always resolve', res == [True, True, True], res)
check('refs to a live object: no callback ran', fired_alive == [])

# 2. Each thread's own objects die; every callback runs exactly once.
fired = []


def own_objects(k):
    def body():
        refs = []
        for i in range(N):
            o = Target()
            refs.append(weakref.ref(o, lambda r, tag=(k, i): fired.append(tag)))
            del o  # dies here: its callback runs on this thread
        return sum(r() is None for r in refs)
    return body


res = run_together(*[own_objects(k) for k in range(3)])
check('own objects: every ref dead', res == [N] * 3, res)
check('own objects: each callback exactly once', sorted(fired) == sorted((k, i) for k in range(3) for i in range(N)), len(fired))

# 3. Refs to shared objects made on several threads; the objects die on the main thread.
shared = [Target() for _ in range(50)]
fired_shared = []
kept = [[], [], []]


def ref_shared(k):
    def body():
        for j, o in enumerate(shared):
            kept[k].append(weakref.ref(o, lambda r, tag=(k, j): fired_shared.append(tag)))
    return body


run_together(*[ref_shared(k) for k in range(3)])
shared.clear()
gc.collect()
check('shared objects: every callback exactly once', sorted(fired_shared) == [(k, j) for k in range(3) for j in range(50)], len(fired_shared))
check('shared objects: every ref dead', all(r() is None for refs in kept for r in refs))

# 4. __weakref__ read while other threads make and drop refs with callbacks.
obj = Target()
first = weakref.ref(obj)
before = sys.getrefcount(first)
for _ in range(100):
    obj.__weakref__
check('__weakref__ returns a new reference, no more', sys.getrefcount(first) == before, sys.getrefcount(first) - before)
del first


def weakref_reader():
    bad = 0
    for _ in range(N):
        r = obj.__weakref__
        if r is not None and (type(r) is not weakref.ref or r() is not obj):
            bad += 1
    return bad


def weakref_maker():
    for _ in range(N):
        weakref.ref(obj, lambda r: None)
    return 0


res = run_together(weakref_reader, weakref_reader, weakref_maker)
check('__weakref__ under churn: None or a ref to the object', res == [0, 0, 0], res)
check('__weakref__ after churn: None', obj.__weakref__ is None)

# 5. A WeakValueDictionary filled and emptied from several threads.
wvd = weakref.WeakValueDictionary()
holders = [[], [], []]


def fill(k):
    def body():
        for i in range(60 * SCALE):
            o = Target()
            wvd[(k, i)] = o
            if i % 2 == 0:
                holders[k].append(o)
    return body


run_together(*[fill(k) for k in range(3)])
gc.collect()
check('WeakValueDictionary: only the held values remain', sorted(wvd.keys()) == sorted((k, i) for k in range(3) for i in range(0, 60 * SCALE, 2)), len(wvd))
