# Classes: attributes, methods, class vs instance state, bound methods, __dict__.
class Point:
    """A 2-D point."""
    dims = 2
    count = 0
    def __init__(self, x, y):
        self.x = x
        self.y = y
        Point.count += 1
    def norm2(self):
        return self.x ** 2 + self.y ** 2
    def moved(self, dx, dy=0):
        return Point(self.x + dx, self.y + dy)
    def __repr__(self):
        return f'Point({self.x}, {self.y})'
p = Point(3, 4)
q = p.moved(1)
print(p, q, p.norm2(), Point.count, p.dims, Point.__doc__, Point.__name__, Point.__qualname__, Point.__module__)
print(p.__dict__, sorted(k for k in Point.__dict__ if not k.startswith('__')))
p.z = 10
print(p.__dict__, hasattr(p, 'z'), hasattr(q, 'z'), getattr(q, 'z', 'none'))
p.dims = 3
print(p.dims, q.dims, Point.dims)
del p.dims
print(p.dims)
m = p.norm2
print(m(), m.__self__ is p, m.__func__ is Point.norm2, Point.norm2(q), type(m).__name__)
setattr(q, 'label', 'Q')
print(q.label, vars(q))
delattr(q, 'label')
print(vars(q), isinstance(p, Point), isinstance(p, object), type(p) is Point, type(Point).__name__)
class Empty:
    pass
e = Empty()
print(type(e).__name__, Empty.__bases__, Empty.__mro__, e.__class__ is Empty, bool(e))
class WithClassAttrs:
    items = []
    def add(self, v):
        self.items.append(v)
a, b = WithClassAttrs(), WithClassAttrs()
a.add(1); b.add(2)
print(WithClassAttrs.items, a.items is b.items)
def external(self):
    return 'external ' + type(self).__name__
Empty.method = external
print(e.method(), Empty.method(e))
Empty.attr = 'late class attr'
print(e.attr)
class Chain:
    def __init__(self):
        self.ops = []
    def push(self, v):
        self.ops.append(v)
        return self
print(Chain().push(1).push(2).push(3).ops)
try:
    Point(1)
except TypeError as e:
    print('TypeError', e)
try:
    p.missing
except AttributeError as e:
    print('AttributeError', e)
try:
    Point.norm2()
except TypeError as e:
    print('TypeError', e)
class Temp:
    def __init__(self):
        return None
print(type(Temp()).__name__)
class BadInit:
    def __init__(self):
        return 5
try:
    BadInit()
except TypeError as e:
    print('TypeError', e)
Dyn = type('Dyn', (Point,), {'extra': lambda self: self.x * 100})
d = Dyn(2, 3)
print(d, d.extra(), Dyn.__mro__[1].__name__, Dyn.__name__)
print(callable(Point), callable(p), callable(p.norm2), Point.__init__.__name__)
