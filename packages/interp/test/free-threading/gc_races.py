# The collector's introspection while other threads allocate:
# gc.get_objects() always includes objects that stay alive the whole
# time; gc.get_referrers() always finds a holder that stays alive;
# gc.freeze() + collect + unfreeze on a thread while an object owned by
# the main thread is released there (its refcount goes through the merge
# queue): its __del__ runs exactly once; set_threshold() racing
# allocators of cycles: every cycle is collected in the end.
import gc
import threading
import weakref
from _harness import SCALE, Until, run_together, check


class MyObj:
    pass


# 1. get_objects() vs allocating threads.
keep = [MyObj() for _ in range(50)]
keep_ids = {id(o) for o in keep}
scanning = Until()


def scanner():
    bad = 0
    for _ in range(4 * SCALE):
        ids = {id(o) for o in gc.get_objects()}
        if not keep_ids <= ids:
            bad += 1
    return bad


def allocator():
    n = 0
    for _ in scanning.rounds(20):
        a, b, c = MyObj(), MyObj(), [MyObj()]
        a.other = b
        n += 1
    return n > 0


res = run_together(scanning.finishing(scanner), allocator, allocator)
check('get_objects: live objects always listed', res[0] == 0, res[0])
check('get_objects: allocators ran', res[1:] == [True, True])

# 2. get_referrers() vs threads making dicts that refer to the object.
target = MyObj()
holder = {'key': target}
referring = Until()


def referrers():
    bad = 0
    for _ in range(4 * SCALE):
        if not any(r is holder for r in gc.get_referrers(target)):
            bad += 1
    return bad


def dict_maker():
    for _ in referring.rounds(20):
        d1 = {'key': target}
        d2 = {'key': target}


res = run_together(referring.finishing(referrers), dict_maker, dict_maker)
check('get_referrers: the holder always found', res[0] == 0, res[0])

# 3. freeze() while an object owned by the main thread is released on another thread.
dels = []


class Weird:
    def __del__(self):
        dels.append(1)


weird = Weird()


def evil():
    global weird
    gc.freeze()
    del weird  # a decref from a thread that does not own it
    gc.collect()
    gc.unfreeze()
    gc.collect()


t = threading.Thread(target=evil)
t.start()
t.join()
gc.collect()
check('freeze with the object in a merge queue: __del__ exactly once', dels == [1], dels)
check('unfreeze left nothing frozen', gc.get_freeze_count() == 0, gc.get_freeze_count())

# 4. set_threshold() racing allocators of self-cycles.
class Cyclic:
    def __init__(self):
        self.me = self


samples = []
old = gc.get_threshold()


def cycles():
    for i in range(1000 * SCALE):
        c = Cyclic()
        if i % 100 == 0:
            samples.append(weakref.ref(c))


def setter():
    for i in range(1000 * SCALE):
        gc.set_threshold(100 + i % 100, 10 + i % 10, 10 + i % 10)


run_together(cycles, cycles, setter)
gc.set_threshold(*old)
gc.collect()
check('set_threshold race: threshold restored', gc.get_threshold() == old)
check('set_threshold race: every cycle collected', len(samples) == 20 * SCALE and all(r() is None for r in samples), sum(r() is not None for r in samples))
