class Point:
    def __init__(self):
        self.x = 1
        self._hidden_y = 2
        self.zeta = 3

p = Point()
try:
    raise AttributeError("'Point' object has no attribute 'zetta'", name='zetta', obj=p)
except AttributeError as e:
    first = e
try:
    raise AttributeError("'Point' object has no attribute '_hiden_y'", name='_hiden_y', obj=p)
except AttributeError as e:
    e.__context__ = first
    second = e
third = AttributeError("no", name='hidden_y', obj=p)
third.__context__ = second
raise third
