# The descriptor protocol: data and non-data descriptors, precedence, __set_name__.
class Verbose:
    def __set_name__(self, owner, name):
        print(f'__set_name__ {owner.__name__}.{name}')
        self.name = '_' + name
    def __get__(self, obj, objtype=None):
        if obj is None:
            return f'class access via {objtype.__name__}'
        print('__get__', self.name)
        return getattr(obj, self.name, 'unset')
    def __set__(self, obj, value):
        print('__set__', self.name, value)
        setattr(obj, self.name, value)
    def __delete__(self, obj):
        print('__delete__', self.name)
        delattr(obj, self.name)
class NonData:
    def __get__(self, obj, objtype=None):
        return 'non-data value'
class Host:
    a = Verbose()
    b = Verbose()
    nd = NonData()
print('class created')
h = Host()
print(h.a)
h.a = 5
print(h.a, Host.a, h.__dict__)
h.__dict__['a'] = 'instance dict'
print(h.a)
print(h.nd)
h.__dict__['nd'] = 'instance wins over non-data'
print(h.nd)
del h.a
print(h.a)
class Typed:
    def __init__(self, kind):
        self.kind = kind
    def __set_name__(self, owner, name):
        self.name = name
    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return obj.__dict__[self.name]
    def __set__(self, obj, value):
        if not isinstance(value, self.kind):
            raise TypeError(f'{self.name} must be {self.kind.__name__}, not {type(value).__name__}')
        obj.__dict__[self.name] = value
class Person:
    name = Typed(str)
    age = Typed(int)
    def __init__(self, name, age):
        self.name, self.age = name, age
pp = Person('Ann', 30)
print(pp.name, pp.age, type(Person.age).__name__)
try:
    pp.age = 'old'
except TypeError as e:
    print('TypeError', e)
class Method:
    def __init__(self, fn):
        self.fn = fn
    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return lambda *a: self.fn(obj, *a)
class UsesMethod:
    @Method
    def hello(self, who):
        return f'hello {who} from {type(self).__name__}'
print(UsesMethod().hello('you'))
def plain(self):
    return 'plain'
bound = plain.__get__(Host(), Host)
print(bound(), type(bound).__name__, plain.__get__(None, Host) is plain)
print(type(Host.__dict__['a']).__name__, classmethod(plain).__get__(None, Host)(), staticmethod(len).__get__(None, Host)('abc'))
class Meta(type):
    attr = Verbose()
print('meta-level descriptor done')
class SetNameLate:
    pass
v = Verbose()
SetNameLate.late = v
print(hasattr(v, 'name'))
class Counter:
    def __init__(self):
        self.hits = 0
    def __get__(self, obj, objtype=None):
        self.hits += 1
        return self.hits
class UseCounter:
    c = Counter()
u = UseCounter()
print(u.c, u.c, UseCounter.c)
