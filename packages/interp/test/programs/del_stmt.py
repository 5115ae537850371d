# del: names, attributes, items, slices, tuples of targets, in functions and classes.
x = 1
del x
try:
    x
except NameError as e:
    print('NameError', e)
d = {'a': 1, 'b': 2, 'c': 3}
del d['a']
print(d)
lst = [0, 1, 2, 3, 4, 5]
del lst[0], lst[-1]
print(lst)
del lst[1:3]
print(lst)
class O:
    pass
o = O()
o.p = 1
o.q = 2
del o.p
print(vars(o))
a = b = c = 'v'
del a, (b, c)
print('a' in dir(), 'b' in globals(), 'c' in globals())
def local_del():
    v = 'local'
    del v
    try:
        print(v)
    except UnboundLocalError as e:
        print('UnboundLocalError', e)
local_del()
class WithDelItem:
    def __delitem__(self, k):
        print('__delitem__', k)
    def __delattr__(self, n):
        print('__delattr__', n)
w = WithDelItem()
del w[1], w['k'], w[1:2]
del w.anything
try:
    del d['zz']
except KeyError as e:
    print('KeyError', e)
try:
    del lst[99]
except IndexError as e:
    print('IndexError', e)
try:
    del undefined_name
except NameError as e:
    print('NameError', e)
class K:
    attr = 1
    del attr
print(hasattr(K, 'attr'))
for i in range(3):
    pass
del i
print('i' in globals())
nested = {'x': [1, {'y': 2}]}
del nested['x'][1]['y']
print(nested)
try:
    del (1, 2)[0]
except TypeError as e:
    print('TypeError', e)
try:
    del 'abc'[0]
except TypeError as e:
    print('TypeError', e)
g = 'global'
def del_global():
    global g
    del g
del_global()
print('g' in globals())
