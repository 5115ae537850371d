import sys
which = 0
try:
    raise SyntaxError('custom message', ('data.cfg', 3, 9, '\t  key = = value\n', 3, 12))
except SyntaxError as e:
    first = e
try:
    raise SyntaxError('no position', ('data.cfg', None, None, None))
except SyntaxError as e:
    second = e
second.__context__ = first
third = SyntaxError('no offset', ('other.py', 7, None, '    x y\n'))
third.__context__ = second
fourth = IndentationError('wide span', ('<input>', 2, 3, '  abc def\n', 4, 1))
fourth.__context__ = third
raise fourth
