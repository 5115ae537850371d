# gc: the module's API over the collector — collect's count for cycles, enable/disable,
# thresholds, debug flags, callbacks, freeze, tracking, and CPython 3.13's errors.
import gc


def error(label, fn):
    try:
        fn()
    except Exception as e:
        print(label, type(e).__name__, e)
    else:
        print(label, 'no error')


class Node:
    def __init__(self, name):
        self.name = name
        self.other = None


gc.collect()
a, b = Node('a'), Node('b')
a.other, b.other = b, a
del a, b
print('cycle of two nodes and their dicts found', gc.collect() >= 2)
print('nothing left', gc.collect())

print('enabled', gc.isenabled())
gc.disable()
print('after disable', gc.isenabled())
gc.enable()
print('after enable', gc.isenabled())

old = gc.get_threshold()
print('threshold', type(old).__name__, len(old))
gc.set_threshold(500)
print('set one', gc.get_threshold()[0])
gc.set_threshold(700, 5, 6)
print('set three', gc.get_threshold())
gc.set_threshold(*old)
count = gc.get_count()
print('count', type(count).__name__, len(count), all(isinstance(c, int) and c >= 0 for c in count))

print('debug flags', gc.DEBUG_STATS, gc.DEBUG_COLLECTABLE, gc.DEBUG_UNCOLLECTABLE, gc.DEBUG_SAVEALL, gc.DEBUG_LEAK)
print('debug', gc.get_debug())
gc.set_debug(gc.DEBUG_SAVEALL)
print('debug now', gc.get_debug())
x = Node('saved')
x.other = x
del x
gc.collect()
print('saved in garbage', [o.name for o in gc.garbage if isinstance(o, Node)])
gc.set_debug(0)
del gc.garbage[:]
print('garbage emptied', gc.garbage)

events = []


def callback(phase, info):
    events.append((phase, sorted(info), info['generation']))


gc.callbacks.append(callback)
gc.collect()
gc.collect(1)
gc.callbacks.remove(callback)
print('callbacks', events)
print('callbacks list', gc.callbacks)

print('tracked', gc.is_tracked([]), gc.is_tracked(Node('n')), gc.is_tracked(1), gc.is_tracked('s'))
print('finalized', gc.is_finalized(Node('f')))
stats = gc.get_stats()
print('stats', len(stats), [sorted(s) for s in stats])
print('collect kw', gc.collect(generation=0) >= 0)

gc.freeze()
print('frozen some', gc.get_freeze_count() > 0)
gc.unfreeze()
print('frozen after unfreeze', gc.get_freeze_count())

holder = [Node('held')]
print('referents', gc.get_referents(holder)[0].name)
print('referrers', any(r is holder for r in gc.get_referrers(holder[0])))
print('objects', any(o is holder for o in gc.get_objects()))

error('collect 3', lambda: gc.collect(3))
error('collect -1', lambda: gc.collect(-1))
error('collect str', lambda: gc.collect('a'))
error('collect two', lambda: gc.collect(1, 2))
error('collect kw', lambda: gc.collect(x=1))
error('set_threshold none', lambda: gc.set_threshold())
error('set_threshold four', lambda: gc.set_threshold(1, 2, 3, 4))
error('set_threshold str', lambda: gc.set_threshold('a'))
error('set_threshold big', lambda: gc.set_threshold(2 ** 40))
error('set_debug str', lambda: gc.set_debug('x'))
error('get_objects 5', lambda: gc.get_objects(5))
error('get_objects -2', lambda: gc.get_objects(-2))
error('get_objects str', lambda: gc.get_objects(generation='x'))
