# Dict races: instance dicts (shared keys) created and filled by many
# threads at once, a function's __dict__ filled the same way, `__dict__`
# replaced under readers, get/set/del from many threads on
# one dict, and clear() of an instance's values under readers.
import gc
import weakref
from _harness import SCALE, run_together, check

THREADS = 3

# 1. Every thread stores its own attribute on each of the same fresh objects.
class Plain:
    pass


class IntSub(int):
    pass


def fn_factory():
    def f():
        pass
    return f


def fill_all(objs, store):
    def make(k):
        name = f'a{k}'
        def body():
            for j, obj in enumerate(objs):
                store(obj, name, j * 10 + k)
        return body
    run_together(*[make(k) for k in range(THREADS)])
    want = {f'a{k}': None for k in range(THREADS)}
    return all(
        sorted(o.__dict__) == sorted(want) and all(o.__dict__[f'a{k}'] == j * 10 + k for k in range(THREADS))
        for j, o in enumerate(objs)
    )


def store_via_dict(obj, name, value):
    obj.__dict__[name] = value


def cleared_dict():
    o = Plain()
    o.__dict__ = {}
    del o.__dict__
    return o


OBJS = 80 * SCALE
check('racing creation, shared keys', fill_all([Plain() for _ in range(OBJS)], setattr))
check('racing creation, int subclass', fill_all([IntSub(i) for i in range(OBJS)], setattr))
check('racing creation, dict deleted first', fill_all([cleared_dict() for _ in range(OBJS)], setattr))
check('racing creation, function __dict__', fill_all([fn_factory() for _ in range(OBJS)], store_via_dict))


# 2. __dict__ replaced by writers while readers read an attribute through it.
class MyDict(dict):
    pass


class Box:
    pass


REPLACES = 150 * SCALE
box = Box()
box.__dict__ = {'foo': -1}
refs = []


def replacer(k):
    def body():
        for i in range(REPLACES):
            d = MyDict(foo=k * REPLACES + i)
            if i % 2:
                d['cycle'] = {'back': d}  # a cycle: freed only by the collector
            refs.append(weakref.ref(d))
            box.__dict__ = d
    return body


def foo_reader():
    bad = 0
    for _ in range(REPLACES * 2):
        v = box.foo
        if not (v == -1 or 0 <= v < 2 * REPLACES):
            bad += 1
    return bad


res = run_together(replacer(0), replacer(1), foo_reader)
check('__dict__ replaced under readers: readers saw stored values', res[2] == 0, res)
box.__dict__ = {}
gc.collect()
check('__dict__ replaced: every replaced dict freed', len(refs) == 2 * REPLACES and all(r() is None for r in refs), sum(r() is not None for r in refs))

# 3. get/set/del from many threads on one dict: own keys exact, a shared key always readable.
shared = {'always': 42}
OPS = 800 * SCALE


def getsetdel(k):
    def body():
        bad = 0
        for i in range(OPS):
            key = (k, i % 50)
            shared[key] = i
            if shared.get(key) != i or shared[key] != i:
                bad += 1
            if shared['always'] != 42 or shared.get('always') != 42:
                bad += 1
            if i % 3 == 0:
                del shared[key]
                if key in shared:
                    bad += 1
        return bad
    return body


res = run_together(*[getsetdel(k) for k in range(THREADS)])
expected = {'always': 42}
for k in range(THREADS):
    for i in range(OPS):
        expected[(k, i % 50)] = i
        if i % 3 == 0:
            del expected[(k, i % 50)]
check('get/set/del: each thread saw its own writes', res == [0] * THREADS, res)
check('get/set/del: end state', shared == expected, len(shared))

# 4. clear() of an instance's values while readers look up through __dict__.
obj = Box()


def clearer():
    for _ in range(500 * SCALE):
        obj.x = 1
        obj.y = 2
        obj.__dict__.clear()


def dict_reader():
    bad = 0
    for _ in range(500 * SCALE):
        if obj.__dict__.get('x') not in (None, 1) or obj.__dict__.get('y') not in (None, 2):
            bad += 1
    return bad


res = run_together(clearer, dict_reader, dict_reader)
check('clear vs lookups', res[1:] == [0, 0], res)
check('clear: ends empty', obj.__dict__ == {})
