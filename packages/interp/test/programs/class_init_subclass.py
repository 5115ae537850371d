# __init_subclass__, __set_name__ ordering, class decorators, __class_getitem__.
class PluginBase:
    registry = []
    def __init_subclass__(cls, /, name=None, **kwargs):
        print('__init_subclass__', cls.__name__, name, kwargs)
        super().__init_subclass__(**kwargs)
        cls.plugin_name = name or cls.__name__.lower()
        PluginBase.registry.append(cls.plugin_name)
class Alpha(PluginBase, name='alpha-plugin'):
    pass
class Beta(PluginBase):
    pass
class Gamma(Beta, name='g'):
    pass
print(PluginBase.registry, Alpha.plugin_name, Gamma.plugin_name, hasattr(PluginBase, 'plugin_name'))
try:
    class Bad(PluginBase, unknown=1, name='x'):
        pass
except TypeError as e:
    print('TypeError', e)
class Noisy:
    def __init__(self, label):
        self.label = label
    def __set_name__(self, owner, name):
        print(f'set_name {self.label} -> {owner.__name__}.{name}')
class Order:
    def __init_subclass__(cls):
        print('init_subclass of', cls.__name__, 'after set_name')
class Host(Order):
    first = Noisy('1')
    second = Noisy('2')
def add_repr(cls):
    fields = [k for k in vars(cls) if not k.startswith('_')]
    def __repr__(self):
        return cls.__name__ + '(' + ', '.join(f'{f}={getattr(self, f)!r}' for f in fields) + ')'
    cls.__repr__ = __repr__
    return cls
def add_counter(cls):
    cls.instances = 0
    orig = cls.__init__
    def __init__(self, *a, **k):
        type(self).instances += 1
        orig(self, *a, **k)
    cls.__init__ = __init__
    return cls
@add_repr
@add_counter
class Item:
    name = 'default'
    price = 0
    def __init__(self, name, price):
        self.name, self.price = name, price
print(Item('pen', 2), Item('ink', 5), Item.instances)
def replace_class(cls):
    return 'replaced ' + cls.__name__
@replace_class
class Gone:
    pass
print(Gone)
import functools
@functools.total_ordering
class Version:
    def __init__(self, *parts):
        self.parts = parts
    def __eq__(self, o):
        return self.parts == o.parts
    def __lt__(self, o):
        return self.parts < o.parts
    def __repr__(self):
        return 'v' + '.'.join(map(str, self.parts))
vs = [Version(1, 2), Version(1, 10), Version(0, 9), Version(1, 2, 1)]
print(sorted(vs), Version(1, 0) >= Version(0, 9), Version(1) <= Version(1), Version(2) > Version(10))
class Base:
    def __init_subclass__(cls, **kw):
        cls.depth = getattr(cls, 'depth', -1) + 1
class L1(Base): pass
class L2(L1): pass
class L3(L2): pass
print(L1.depth, L2.depth, L3.depth)
class Q:
    __qualname_check = 1
    class Inner:
        class Deeper:
            pass
print(Q.Inner.Deeper.__qualname__, Q.Inner.__name__, Q._Q__qualname_check)
class Mangle:
    def __init__(self):
        self.__secret = 'hidden'
    def reveal(self):
        return self.__secret
m = Mangle()
print(m.reveal(), m._Mangle__secret, '__secret' in vars(m), sorted(vars(m)))
