print('geometry.shapes executing', __name__, __package__)
from .units import scale
from . import units
PI = 3.14159
class Circle:
    def __init__(self, r):
        self.r = r
    def area(self):
        return PI * self.r ** 2
    def scaled(self):
        return Circle(scale(self.r))
    def __repr__(self):
        return f'Circle({self.r})'
class Square:
    def __init__(self, side):
        self.side = side
    def area(self):
        return self.side ** 2 * units.FACTOR / 2
    def __repr__(self):
        return f'Square({self.side})'
