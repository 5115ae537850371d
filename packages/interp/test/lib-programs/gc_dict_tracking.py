# Dicts start untracked by the collector and are tracked once they hold something that may be in a cycle
# (CPython's MAINTAIN_TRACKING); cycles through dicts are still collected.
import gc, weakref
class Node: pass
d = {}
d['self'] = d
n = Node(); n.d = {'n': n}
r = weakref.ref(n)
print(gc.is_tracked(d), gc.is_tracked({}), gc.is_tracked({1: 2}), gc.is_tracked({1: [1]}))
x = {}; print(gc.is_tracked(x)); x['a'] = 1; print(gc.is_tracked(x)); x['b'] = []; print(gc.is_tracked(x))
del d, n
print(gc.collect() >= 2, r())
print(gc.is_tracked(dict(a=1)), gc.is_tracked({**{'a': 1}}), gc.is_tracked({k: k for k in range(3)}), gc.is_tracked(dict.fromkeys('ab')))
