a = ValueError('first')
b = TypeError('second')
a.__context__ = b
b.__context__ = a
try:
    raise KeyError('hidden') from None
except KeyError as k:
    a.__cause__ = k
    raise a
