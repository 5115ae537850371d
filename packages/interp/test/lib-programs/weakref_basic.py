# weakref: references, proxies, the weak containers, WeakMethod and finalize
# (objects die at their last reference: the collector is needed only for cycles).
import gc
import weakref


def error(label, fn):
    try:
        fn()
    except Exception as e:
        print(label, type(e).__name__, e)
    else:
        print(label, 'no error')


def addresses_out(text):
    out = []
    i = 0
    while i < len(text):
        if text.startswith('0x', i):
            i += 2
            while i < len(text) and text[i] in '0123456789abcdef':
                i += 1
            out.append('ADDR')
        else:
            out.append(text[i])
            i += 1
    return ''.join(out)


class Obj:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return 'Obj(%s)' % self.name

    def greet(self, other='you'):
        return '%s greets %s' % (self.name, other)

    def __call__(self):
        return 'called ' + self.name


print('types', weakref.ref is weakref.ReferenceType, weakref.ProxyTypes == (weakref.ProxyType, weakref.CallableProxyType))
o = Obj('a')
r = weakref.ref(o)
print('ref', r() is o, r is weakref.ref(o), weakref.getweakrefcount(o), weakref.getweakrefs(o) == [r])
print('repr alive', addresses_out(repr(r)))
log = []
r2 = weakref.ref(o, lambda wr: log.append('dead ' + str(wr() is None)))
print('two refs', weakref.getweakrefcount(o), r2 is not r, r2 == r, hash(r) == hash(o))
del o
print('after del', r(), r2(), log)
print('repr dead', addresses_out(repr(r)))

o = Obj('p')
p = weakref.proxy(o)
cp = weakref.proxy(Obj('c'), lambda _: print('callable proxy referent died'))
print('proxy', p.name, p.greet('the proxy'), type(p).__name__, type(cp).__name__)
p.extra = 5
print('proxy setattr', o.extra)
del o
error('dead proxy', lambda: p.name)

v = weakref.WeakValueDictionary()
keep = [Obj('k%d' % i) for i in range(3)]
for i, obj in enumerate(keep):
    v[i] = obj
v[10] = Obj('temporary')
print('wvd', len(v), sorted(v.keys()), 10 in v, v.get(10), v.get(1))
print('wvd items', sorted(v.items(), key=lambda kv: kv[0]))
print('wvd values', sorted(x.name for x in v.values()))
print('wvd pop', v.pop(0), v.pop(99, 'default'), len(v))
error('wvd missing', lambda: v[99])
print('wvd setdefault', v.setdefault(1, None), v.setdefault(5, keep[0]), len(v))
del keep[1]
print('wvd after value died', sorted(v.keys()), len(v.valuerefs()))
print('wvd repr', addresses_out(repr(v)).startswith('<WeakValueDictionary at ADDR'))
copy = v.copy()
print('wvd copy', type(copy).__name__, sorted(copy.keys()))
del v[5]
print('wvd del', sorted(v.keys()))

k = weakref.WeakKeyDictionary()
a, b, c = Obj('a'), Obj('b'), Obj('c')
k[a] = 1
k[b] = 2
k[c] = 3
print('wkd', len(k), k[a], a in k, k.get(b), sorted(x.name for x in k.keys()))
del b
print('wkd after key died', len(k), sorted((x.name, n) for x, n in k.items()))
print('wkd pop', k.pop(c), len(k), k.setdefault(c, 30), k[c])
print('wkd contains non-weakrefable', 1 in k)
print('wkd repr', addresses_out(repr(k)).startswith('<WeakKeyDictionary at ADDR'))

s = weakref.WeakSet()
x, y, z = Obj('x'), Obj('y'), Obj('z')
s.add(x)
s.update([y, z])
print('ws', len(s), x in s, 1 in s, sorted(o.name for o in s))
del y
print('ws after member died', len(s), sorted(o.name for o in s))
s.discard(z)
print('ws discard', len(s))
t = weakref.WeakSet([x, z])
print('ws ops', sorted(o.name for o in s | t), sorted(o.name for o in t - s), sorted(o.name for o in s & t), s <= t, t >= s, s == weakref.WeakSet([x]))
print('ws pop', t.pop().name in ('x', 'z'), len(t))
try:
    s.remove(Obj('never added'))
except KeyError as e:
    print('ws remove missing KeyError', type(e.args[0]).__name__)

m = Obj('meth')
died = []
wm = weakref.WeakMethod(m.greet, lambda ref: died.append('method died'))
print('weakmethod', wm()(), wm() == m.greet, wm == weakref.WeakMethod(m.greet))
del m
print('weakmethod dead', wm(), died)
error('weakmethod of function', lambda: weakref.WeakMethod(len))

calls = []
target = Obj('target')
f = weakref.finalize(target, calls.append, 'target finalized')
print('finalize', f.alive, f.atexit, f.peek()[1:] == (calls.append, ('target finalized',), {}), addresses_out(repr(f)))
f.atexit = False
print('atexit set', f.atexit)
del target
print('finalize ran', f.alive, calls, f(), addresses_out(repr(f)))
obj2 = Obj('detached')
f2 = weakref.finalize(obj2, print, 'never printed')
detached = f2.detach()
print('detach', detached[0], detached[2], f2.alive, f2.detach(), f2.peek())
del obj2
f3 = weakref.finalize(Obj('now'), print, 'finalizer of a dropped object runs at once')
print('dropped', f3.alive)
kept = Obj('explicit')
f4 = weakref.finalize(kept, lambda *args, **kw: (args, sorted(kw.items())), 1, 2, key='v')
print('explicit call', f4(), f4.alive, f4())

c1, c2 = Obj('c1'), Obj('c2')
c1.other, c2.other = c2, c1
rc = weakref.ref(c1, lambda _: print('cycle member weakref callback'))
del c1, c2
print('cycle alive before collect', rc() is not None)
gc.collect()
print('cycle alive after collect', rc() is not None)

error('ref int', lambda: weakref.ref(1))
error('ref list', lambda: weakref.ref([]))
error('proxy int', lambda: weakref.proxy(1))
error('proxy three', lambda: weakref.proxy(Obj('q'), None, 3))
error('ref three', lambda: weakref.ref(Obj('q'), None, 3))
print('counts of non-weakrefable', weakref.getweakrefcount(1), weakref.getweakrefs(1))
