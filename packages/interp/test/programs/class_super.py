# super() in all its forms.
class Base:
    def __init__(self, v):
        self.v = v
        print('Base.__init__', v)
    def describe(self):
        return f'Base({self.v})'
    @classmethod
    def create(cls, v):
        print('Base.create for', cls.__name__)
        return cls(v)
    @staticmethod
    def helper():
        return 'Base.helper'
    @property
    def prop(self):
        return 'Base.prop'
class Mid(Base):
    def __init__(self, v):
        print('Mid.__init__ before')
        super().__init__(v * 10)
        print('Mid.__init__ after')
    def describe(self):
        return 'Mid<' + super().describe() + '>'
    @classmethod
    def create(cls, v):
        print('Mid.create')
        return super().create(v + 1)
    @property
    def prop(self):
        return 'Mid+' + super().prop
class Leaf(Mid):
    def describe(self):
        return 'Leaf<' + super(Leaf, self).describe() + '>'
    def skip(self):
        return super(Mid, self).describe()
    def helper_via_super(self):
        return super().helper()
leaf = Leaf.create(1)
print(leaf.describe(), leaf.skip(), leaf.prop, leaf.helper_via_super())
print(super(Leaf, leaf).describe(), super(Mid, Leaf).describe(leaf))
class A:
    def go(self):
        return ['A']
class B(A):
    def go(self):
        return ['B'] + super().go()
class C(A):
    def go(self):
        return ['C'] + super().go()
class D(B, C):
    def go(self):
        return ['D'] + super().go()
print(D().go(), super(B, D()).go())
class Kw:
    def __init__(self, **kw):
        self.kw = kw
class KwChild(Kw):
    def __init__(self, a, **kw):
        super().__init__(**kw)
        self.a = a
k = KwChild(1, b=2)
print(k.a, k.kw)
class WithNew:
    def __new__(cls, *args):
        print('__new__', cls.__name__, args)
        inst = super().__new__(cls)
        inst.created = True
        return inst
    def __init__(self, x):
        self.x = x
class NewChild(WithNew):
    pass
n = NewChild(5)
print(n.created, n.x)
s = super(Leaf, leaf)
print(type(s).__name__, s.__thisclass__.__name__, s.__self__ is leaf, s.__self_class__.__name__)
def outside_method(self):
    return super(Leaf, self).describe()
print(outside_method(leaf))
class Repr:
    def __repr__(self):
        return 'Repr:' + super().__repr__()[:9]
print(repr(Repr()))
class Slotted(list):
    def append(self, x):
        super().append(x * 2)
sl = Slotted()
sl.append(3)
print(sl)
class Noarg:
    def m(self):
        def inner():
            return super().m()
        return inner()
try:
    Noarg().m()
except RuntimeError as e:
    print('RuntimeError', e)
try:
    super(int, 'str')
except TypeError as e:
    print('TypeError', e)
class AttrChain(Mid):
    def __init__(self):
        super().__init__(7)
        self.extra = super().describe()
print(AttrChain().extra)
