# Custom exception classes: hierarchy, attributes, __str__, args.
class AppError(Exception):
    """Base of this app's errors."""
class NotFound(AppError):
    def __init__(self, key, where='db'):
        super().__init__(f'{key} not found in {where}')
        self.key = key
        self.where = where
class Invalid(AppError, ValueError):
    def __str__(self):
        return 'Invalid: ' + ', '.join(map(str, self.args))
def lookup(k):
    if k == 'bad':
        raise Invalid('k', k)
    if k != 'ok':
        raise NotFound(k)
    return 'found'
for k in ('ok', 'nope', 'bad'):
    try:
        print(lookup(k))
    except NotFound as e:
        print('NotFound', e, e.key, e.where, e.args, repr(e))
    except AppError as e:
        print('AppError', type(e).__name__, e, e.args, isinstance(e, ValueError))
try:
    lookup('bad')
except ValueError as e:
    print('caught as ValueError:', e)
print([c.__name__ for c in Invalid.__mro__])
class WithRepr(Exception):
    def __repr__(self):
        return 'WithRepr!'
print(repr(WithRepr('x')), str(WithRepr('x')), str(WithRepr()), repr(Exception()), str(Exception('a', 'b')))
class NoInitCall(Exception):
    def __init__(self, code):
        self.code = code
e = NoInitCall(42)
print(e.args, e.code, str(e), repr(e))
class Base(BaseException):
    pass
try:
    try:
        raise Base('not an Exception')
    except Exception:
        print('not reached')
except BaseException as b:
    print('BaseException subclass', b, isinstance(b, Exception))
try:
    raise NotFound
except TypeError as e:
    print('TypeError', e)
try:
    raise 'string'
except TypeError as e:
    print('TypeError', e)
try:
    raise int
except TypeError as e:
    print('TypeError', e)
print(issubclass(KeyError, LookupError), issubclass(ZeroDivisionError, ArithmeticError), issubclass(FileNotFoundError, OSError))
print(issubclass(ModuleNotFoundError, ImportError), issubclass(RecursionError, RuntimeError), issubclass(UnicodeDecodeError, ValueError))
print(issubclass(StopIteration, Exception), issubclass(KeyboardInterrupt, Exception), issubclass(GeneratorExit, BaseException))
print(OSError(2, 'No such file').errno, OSError(2, 'No such file').strerror, str(OSError(2, 'No such file')), type(OSError(2, 'x')).__name__)
print(KeyError('a').args, str(KeyError('a')), str(KeyError()), str(KeyError('a', 'b')), repr(StopIteration(5).value))
se = SystemExit(3)
print(se.code, SystemExit().code, SystemExit('msg').code, SystemExit(1, 2).code)
ie = ImportError('msg', name='mod', path='p')
print(ie.name, ie.path, ie.msg, str(ie))
ue = UnicodeDecodeError('utf-8', b'\xff', 0, 1, 'invalid start byte')
print(ue.encoding, ue.object, ue.start, ue.end, ue.reason, str(ue))
ae = AttributeError('m', name='n', obj=5)
print(ae.name, ae.obj, str(ae))
ne = NameError('n', name='x')
print(ne.name)
class Chained(Exception):
    def __init__(self, *a):
        super().__init__(*a)
        self.extra = len(a)
try:
    raise Chained(1, 2, 3)
except Chained as e:
    print(e.extra, e.args, e.with_traceback(None) is e)
