# weakref: ref, callbacks, proxy, WeakValueDictionary, WeakKeyDictionary, WeakSet, finalize (refcounting frees at once).
import weakref, gc
class Obj:
    def __init__(self, name):
        self.name = name
    def __repr__(self):
        return f'Obj({self.name})'
    def hello(self):
        return 'hello from ' + self.name
o = Obj('a')
r = weakref.ref(o)
print(r() is o, r(), weakref.getweakrefcount(o), type(r).__name__)
del o
print(r(), 'dead after del')
log = []
o2 = Obj('b')
r2 = weakref.ref(o2, lambda ref: log.append(('callback', ref() is None)))
del o2
print(log)
o3 = Obj('c')
p = weakref.proxy(o3)
print(p.name, p.hello(), repr(p)[:25] if False else 'proxy ok', type(p).__name__)
del o3
try:
    p.name
except ReferenceError as e:
    print('ReferenceError', e)
wvd = weakref.WeakValueDictionary()
keep = Obj('kept')
wvd['k'] = keep
wvd['t'] = Obj('temporary')
print(sorted(wvd.keys()), wvd.get('k'), len(wvd))
wkd = weakref.WeakKeyDictionary()
k1, k2 = Obj('k1'), Obj('k2')
wkd[k1] = 1
wkd[k2] = 2
del k2
print(list(wkd.items()), len(wkd))
ws = weakref.WeakSet()
a, b = Obj('sa'), Obj('sb')
ws.add(a); ws.add(b)
print(len(ws), a in ws)
del a
print(len(ws), [x.name for x in ws])
fin_log = []
victim = Obj('victim')
f = weakref.finalize(victim, fin_log.append, 'finalized victim')
print(f.alive, fin_log)
del victim
print(f.alive, fin_log)
f2 = weakref.finalize(Obj('x'), print, 'finalize runs at once for an unreferenced object')
print(f2.alive)
f3 = weakref.finalize(keep, print, 'called explicitly')
print(f3(), f3.alive, f3())
class Cyc:
    pass
c1, c2 = Cyc(), Cyc()
c1.other, c2.other = c2, c1
rc = weakref.ref(c1, lambda _: print('cycle member collected'))
del c1, c2
print('before collect, alive:', rc() is not None)
gc.collect()
print('after collect, alive:', rc() is not None)
try:
    weakref.ref(1)
except TypeError as e:
    print('TypeError', e)
m = Obj('meth')
wm = weakref.WeakMethod(m.hello)
print(wm()(), weakref.ref(m) == weakref.ref(m), hash(weakref.ref(m)) == hash(m))
del m
print(wm())
