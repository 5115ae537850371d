# gc: collect() return counts for unreachable cycles, enable/disable, __del__ on cycles, get_referents.
import gc
class Node:
    def __init__(self, name):
        self.name = name
        self.ref = None
gc.collect()
print(gc.isenabled())
gc.disable()
print(gc.isenabled())
a, b = Node('a'), Node('b')
a.ref, b.ref = b, a
del a, b
print('collected at least the two nodes', gc.collect() >= 2)
gc.enable()
print(gc.isenabled())
class Finalized:
    def __init__(self, log, name):
        self.log, self.name = log, name
        self.me = self
    def __del__(self):
        self.log.append('__del__ ' + self.name)
log = []
Finalized(log, 'x')
Finalized(log, 'y')
print(log)
gc.collect()
print(sorted(log))
l = [1, 'two']
print(1 in gc.get_referents(l), gc.is_tracked(l), gc.is_tracked(1), gc.is_tracked('s'), gc.is_tracked({}), gc.is_tracked({'a': []}))
print(gc.collect(), gc.collect(0), type(gc.get_count()).__name__, len(gc.get_count()))
print(isinstance(gc.get_threshold(), tuple), callable(gc.collect))
resurrected = []
class Phoenix:
    def __del__(self):
        resurrected.append(self)
p = Phoenix()
p.cycle = p
del p
gc.collect()
print(len(resurrected), type(resurrected[0]).__name__)
garbage_before = len(gc.garbage)
print(garbage_before)
