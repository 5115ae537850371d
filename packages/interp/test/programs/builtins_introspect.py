# isinstance, issubclass, type, getattr/setattr/hasattr/delattr, callable, id-free identity, vars, dir, globals.
class A:
    x = 1
class B(A):
    pass
b = B()
print(isinstance(b, A), isinstance(b, (int, str)), isinstance(b, (int, A)), isinstance(3, (float, (int,))))
print(issubclass(B, A), issubclass(B, (int, A)), issubclass(A, A), issubclass(bool, (int,)), issubclass(int, object))
try:
    isinstance(b, 'A')
except TypeError as e:
    print('TypeError', e)
try:
    issubclass(b, A)
except TypeError as e:
    print('TypeError', e)
print(type(b) is B, type(b).__name__, type(type(b)).__name__, type(None).__name__, type(...).__name__, type(NotImplemented).__name__)
print(getattr(b, 'x'), getattr(b, 'y', 'default'), hasattr(b, 'x'), hasattr(b, 'y'))
setattr(b, 'y', 2)
print(b.y, vars(b))
delattr(b, 'y')
print(vars(b), hasattr(b, 'y'))
print(callable(len), callable(A), callable(b), callable(lambda: 0), callable(1), callable(A.__init__))
print(sorted(k for k in vars(A) if not k.startswith('__')), 'x' in dir(b), '__class__' in dir(b))
print(sorted(n for n in dir([]) if not n.startswith('_')))
print(sorted(n for n in dir('') if not n.startswith('_'))[:12])
g = globals()
print(g['__name__'], 'A' in g, type(g).__name__)
def locs(a, b=2):
    c = 3
    return sorted(locals().items())
print(locs(1))
x = object()
y = x
print(x is y, id(x) == id(y), id(x) != id(object()) or True)
print(type('T', (), {})().__class__.__name__, type(3.0)(7), type('')(5), type([])('ab'))
print(isinstance(True, int), isinstance(1, bool), isinstance(None, type(None)), isinstance(int, type), isinstance(type, object))
print(getattr([], '__len__')(), getattr('abc', 'upper')(), getattr(A, '__name__'), getattr(B, '__base__').__name__)
print(hash('abc') == hash('abc'), hash(1) == hash(1.0) == hash(True), len(str(hash(A))) > 0)
print(len.__name__, len.__qualname__, print.__module__ if hasattr(print, '__module__') else '')
print(A.__dict__['x'], type(A.__dict__).__name__, B.__dict__.get('x'), '__module__' in A.__dict__)
import sys
print(sys.modules['__main__'].A is A, __name__, sys.modules[__name__] is sys.modules['__main__'])
print(__builtins__.__name__ if hasattr(__builtins__, '__name__') else 'dict-builtins', len.__self__.__name__)
print(sorted(set(dir(__builtins__)) & {'print', 'len', 'range', 'zip', 'super', 'object', 'ExceptionGroup'}))
