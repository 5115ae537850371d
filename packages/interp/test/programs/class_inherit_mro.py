# Inheritance, overriding, multiple inheritance and the C3 MRO.
class Animal:
    sound = '...'
    def __init__(self, name):
        self.name = name
    def speak(self):
        return f'{self.name} says {self.sound}'
    def kind(self):
        return 'animal'
class Dog(Animal):
    sound = 'woof'
    def kind(self):
        return 'dog, an ' + super().kind()
class Puppy(Dog):
    def speak(self):
        return Animal.speak(self) + '!'
for a in (Animal('generic'), Dog('rex'), Puppy('bit')):
    print(type(a).__name__, a.speak(), a.kind())
print(Puppy.__mro__)
print(issubclass(Puppy, Animal), issubclass(Animal, Dog), isinstance(Puppy('x'), Dog), issubclass(bool, int))
print(Dog.__bases__, Puppy.__base__, Animal.__subclasses__())
class A:
    def who(self):
        return 'A'
class B(A):
    def who(self):
        return 'B>' + super().who()
class C(A):
    def who(self):
        return 'C>' + super().who()
class D(B, C):
    def who(self):
        return 'D>' + super().who()
print(D().who(), [k.__name__ for k in D.__mro__], [k.__name__ for k in D.mro()])
class X: pass
class Y: pass
class Z: pass
class K1(X, Y): pass
class K2(Y, Z): pass
class K3(X, Z): pass
class M(K1, K2, K3): pass
print([k.__name__ for k in M.__mro__])
try:
    class Bad(X, K1): pass
except TypeError as e:
    print('TypeError', e)
class Base:
    def template(self):
        return f'[{self.hook()}]'
    def hook(self):
        return 'base'
class Derived(Base):
    def hook(self):
        return 'derived'
print(Base().template(), Derived().template())
class MyList(list):
    def total(self):
        return sum(self)
ml = MyList([1, 2, 3])
ml.append(4)
print(ml, ml.total(), type(ml).__name__, type(ml + [5]).__name__, len(ml), isinstance(ml, list))
class MyDict(dict):
    def __missing__(self, key):
        return f'<{key}>'
md = MyDict(a=1)
print(md['a'], md['zz'], md.get('zz'), md)
class MyInt(int):
    def __repr__(self):
        return f'MyInt({int(self)})'
mi = MyInt(5)
print(mi, mi + 1, type(mi + 1).__name__, mi * 2, repr(mi), str(mi), f'{mi}')
class MyStr(str):
    def shout(self):
        return self.upper() + '!'
print(MyStr('hey').shout(), MyStr('a') + 'b', type(MyStr('a') + 'b').__name__)
class Excl(Exception):
    pass
print(Excl.__mro__)
class Counted:
    instances = 0
    def __init__(self):
        type(self).instances += 1
class Sub1(Counted): pass
Sub1(); Sub1(); Counted()
print(Counted.instances, Sub1.instances)
