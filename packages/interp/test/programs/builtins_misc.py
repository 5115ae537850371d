# print options, repr/ascii/format, str/bytes conversions, exec/eval/compile, range, hash, input-free misc.
import sys
print('a', 'b', 'c')
print('a', 'b', sep='')
print('a', 'b', sep=' | ', end=' <end>\n')
print()
print('no newline', end='')
print(' -> continued')
print(1, 2.0, None, True, [1], {'k': 'v'}, (1,), {1}, b'x', 3j, sep=';')
print('to stderr', file=sys.stderr) if False else None
print(*range(5), sep=', ')
print('flush', flush=True)
sys.stdout.write('written directly\n')
print(sys.stdout.write('abc') , '<- chars written')
code = 'x * 2 + 1'
print(eval(code, {'x': 5}), eval('[i for i in range(3)]'), eval('a + b', {}, {'a': 1, 'b': 2}))
ns = {}
exec('def f(v):\n    return v * 10\ny = f(4)', ns)
print(ns['y'], ns['f'](2), sorted(k for k in ns if k != '__builtins__'))
exec('z = 5')
print(z)
c = compile('1 + 2', '<test>', 'eval')
print(eval(c), type(c).__name__, c.co_filename, c.co_name)
c2 = compile('for i in range(2): print("exec compiled", i)', '<exec>', 'exec')
exec(c2)
try:
    eval('1 +')
except SyntaxError as e:
    print('SyntaxError', e.msg, e.lineno, e.filename)
try:
    exec('x = (')
except SyntaxError as e:
    print('SyntaxError', e.msg)
try:
    eval('undefined_thing')
except NameError as e:
    print('NameError', e)
g = {'__builtins__': {}}
try:
    eval('len([])', g)
except NameError as e:
    print('NameError', e)
print(eval('len([1])', {'__builtins__': {'len': len}}))
print(list(range(3)), list(range(2, 10, 3)), list(range(5, 0, -2)), range(3) == range(0, 3), repr(range(1, 2)))
print(repr('x'), ascii('ÿ'), format(3.5, '08.3f'), format('s', '>3'), str(1.0), str([1, 'a']), bytes(2), bytearray(b'z'))
print(isinstance(print, type(len)), type(print).__name__, print.__name__)
print(divmod(-9, 4), pow(3, 3), abs(-3), hex(ord('A')), oct(8), bin(3))
print(list(iter([1, 2].__iter__())), next(iter('q')), vars().get('__name__'))
print(memoryview(b'abc')[0], slice(3).stop, type(...).__name__, Ellipsis is ..., NotImplemented.__class__.__name__)
obj = object()
print(type(obj).__name__, isinstance(obj, object), object.__name__, object.__bases__)
print(id(obj) == id(obj), hash(obj) == hash(obj))
print(sys.version_info[:2] >= (3, 13), sys.version_info.major, sys.byteorder)
print(int.__add__(2, 3), str.__len__('four'), list.__getitem__([5, 6], 1), dict.__contains__({'a': 1}, 'a'))
