# Metaclasses: __new__, __init__, __call__, __prepare__, class keywords, registries.
class Meta(type):
    @classmethod
    def __prepare__(mcs, name, bases, **kw):
        print('__prepare__', name, kw)
        return {'injected': 'by prepare'}
    def __new__(mcs, name, bases, ns, **kw):
        print('Meta.__new__', name, [b.__name__ for b in bases], sorted(k for k in ns if not k.startswith('__')), kw)
        cls = super().__new__(mcs, name, bases, ns)
        cls.tag = kw.get('tag', 'none')
        return cls
    def __init__(cls, name, bases, ns, **kw):
        print('Meta.__init__', name)
        super().__init__(name, bases, ns)
    def __call__(cls, *args, **kwargs):
        print('Meta.__call__', cls.__name__, args)
        return super().__call__(*args, **kwargs)
    def describe(cls):
        return f'{cls.__name__} tagged {cls.tag}'
class Base(metaclass=Meta, tag='base'):
    def __init__(self, v):
        print('Base.__init__', v)
        self.v = v
class Child(Base, tag='child'):
    extra = 1
print(Base.injected, Base.tag, Child.tag, type(Child).__name__, Child.describe())
c = Child(5)
print(c.v, isinstance(Child, Meta), isinstance(c, Base))
try:
    c.describe()
except AttributeError as e:
    print('AttributeError', e)
class Registry(type):
    classes = {}
    def __new__(mcs, name, bases, ns):
        cls = super().__new__(mcs, name, bases, ns)
        mcs.classes[name] = cls
        return cls
class Plugin(metaclass=Registry): pass
class One(Plugin): pass
class Two(Plugin): pass
print(sorted(Registry.classes))
class Singleton(type):
    _inst = {}
    def __call__(cls, *a):
        if cls not in cls._inst:
            cls._inst[cls] = super().__call__(*a)
        return cls._inst[cls]
class Config(metaclass=Singleton):
    def __init__(self):
        print('Config created once')
print(Config() is Config())
Dyn = Meta('Dyn', (), {'x': 1}, tag='dyn')
print(Dyn.describe(), Dyn.x, Dyn.injected if hasattr(Dyn, 'injected') else 'no prepare via direct call')
print(type(int), type(type), type.__mro__, Meta.__mro__[1].__name__)
class M1(type): pass
class M2(type): pass
class A1(metaclass=M1): pass
class A2(metaclass=M2): pass
try:
    class Both(A1, A2): pass
except TypeError as e:
    print('TypeError', e)
class SubM(M1): pass
class B1(metaclass=SubM): pass
class Mixed(A1, B1): pass
print(type(Mixed).__name__)
class Ordered(type):
    def __new__(mcs, name, bases, ns):
        ns['order'] = [k for k in ns if not k.startswith('__')]
        return super().__new__(mcs, name, bases, ns)
class Fields(metaclass=Ordered):
    zeta = 1
    alpha = 2
    def mid(self): pass
print(Fields.order)
class WithInstCheck(type):
    def __instancecheck__(cls, obj):
        return obj == 'magic'
    def __subclasscheck__(cls, sub):
        return sub is int
class Duck(metaclass=WithInstCheck): pass
print(isinstance('magic', Duck), isinstance('other', Duck), issubclass(int, Duck), issubclass(str, Duck))
class MetaRepr(type):
    def __repr__(cls):
        return f'<MetaRepr {cls.__name__}>'
    def __len__(cls):
        return 7
    def __getitem__(cls, k):
        return f'{cls.__name__}[{k}]'
class R(metaclass=MetaRepr): pass
print(repr(R), len(R), R[int])
class G:
    def __class_getitem__(cls, item):
        return f'G of {item!r}'
print(G[int], G['x'], list[int], dict[str, int])
