# property, classmethod, staticmethod.
class Temperature:
    def __init__(self, celsius):
        self._c = celsius
    @property
    def celsius(self):
        """Degrees Celsius."""
        return self._c
    @celsius.setter
    def celsius(self, v):
        if v < -273.15:
            raise ValueError('below absolute zero')
        self._c = v
    @celsius.deleter
    def celsius(self):
        print('deleting')
        del self._c
    @property
    def fahrenheit(self):
        return self._c * 9 / 5 + 32
    @classmethod
    def from_f(cls, f):
        return cls((f - 32) * 5 / 9)
    @staticmethod
    def valid(v):
        return v >= -273.15
t = Temperature(25)
print(t.celsius, t.fahrenheit, Temperature.celsius.__doc__, type(Temperature.celsius).__name__)
t.celsius = 100
print(t.celsius, t.fahrenheit)
try:
    t.celsius = -300
except ValueError as e:
    print('ValueError', e)
try:
    t.fahrenheit = 5
except AttributeError as e:
    print('AttributeError', e)
del t.celsius
print(hasattr(t, '_c'))
print(Temperature.from_f(212).celsius, t.valid(-500), Temperature.valid(0))
class Sub(Temperature):
    @property
    def celsius(self):
        return 'sub ' + str(super().celsius)
print(Sub(5).celsius, Sub.from_f(32).__class__.__name__)
def get_x(self):
    return self._x * 2
def set_x(self, v):
    self._x = v
class Old:
    x = property(get_x, set_x, None, 'x doc')
o = Old()
o.x = 21
print(o.x, Old.x.__doc__, Old.x.fget is get_x)
class Counter:
    _count = 0
    @classmethod
    def incr(cls):
        cls._count += 1
        return cls._count
    @staticmethod
    def describe():
        return 'static'
class SubCounter(Counter):
    pass
print(Counter.incr(), Counter.incr(), SubCounter.incr(), Counter._count, SubCounter._count)
print(Counter().describe(), Counter.describe(), type(Counter.__dict__['incr']).__name__)
print(Counter.__dict__['describe'].__func__(), Counter.__dict__['incr'].__func__(SubCounter))
class Lazy:
    def __init__(self):
        self.computed = 0
    @property
    def value(self):
        self.computed += 1
        return 42
lz = Lazy()
print(lz.value, lz.value, lz.computed)
import functools
class Cached:
    def __init__(self):
        self.runs = 0
    @functools.cached_property
    def heavy(self):
        self.runs += 1
        return 'heavy result'
c = Cached()
print(c.heavy, c.heavy, c.runs, 'heavy' in vars(c))
try:
    property().__get__(o, Old)
except AttributeError as e:
    print('AttributeError', e)
