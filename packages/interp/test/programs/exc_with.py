# with statements and context managers: __enter__/__exit__ order, suppression, contextlib.
class contextlib:
    """A small stand-in for the parts of contextlib this program uses."""
    class _GeneratorCM:
        def __init__(self, gen):
            self.gen = gen
        def __enter__(self):
            return next(self.gen)
        def __exit__(self, et, ev, tb):
            if et is None:
                try:
                    next(self.gen)
                except StopIteration:
                    return False
                raise RuntimeError("generator didn't stop")
            try:
                self.gen.throw(ev)
            except StopIteration:
                return True
            except BaseException as e:
                if e is ev:
                    return False
                raise
            raise RuntimeError("generator didn't stop after throw()")
    @staticmethod
    def contextmanager(fn):
        def helper(*a, **k):
            return contextlib._GeneratorCM(fn(*a, **k))
        return helper
    class suppress:
        def __init__(self, *types):
            self.types = types
        def __enter__(self):
            return None
        def __exit__(self, et, ev, tb):
            return et is not None and issubclass(et, self.types)
    class ExitStack:
        def __init__(self):
            self.callbacks = []
        def enter_context(self, cm):
            result = cm.__enter__()
            self.callbacks.append(lambda: cm.__exit__(None, None, None))
            return result
        def callback(self, fn, *args):
            self.callbacks.append(lambda: fn(*args))
        def __enter__(self):
            return self
        def __exit__(self, et, ev, tb):
            while self.callbacks:
                self.callbacks.pop()()
            return False
    class nullcontext:
        def __init__(self, value=None):
            self.value = value
        def __enter__(self):
            return self.value
        def __exit__(self, *exc):
            return False
class CM:
    def __init__(self, name, suppress=False):
        self.name, self.suppress = name, suppress
    def __enter__(self):
        print('enter', self.name)
        return self.name.upper()
    def __exit__(self, et, ev, tb):
        print('exit', self.name, et.__name__ if et else None, ev, tb is not None)
        return self.suppress
with CM('a') as v:
    print('body', v)
with CM('outer') as o, CM('inner') as i:
    print('two managers', o, i)
with CM('sup', suppress=True):
    raise ValueError('swallowed')
print('after suppressed')
try:
    with CM('nosup'):
        raise KeyError('escapes')
except KeyError as e:
    print('escaped', e)
try:
    with CM('x') as x, CM('y', suppress=True) as y:
        raise OSError('y suppresses')
    print('reached after y suppressed')
except OSError:
    print('not reached')
def returns_inside():
    with CM('ret'):
        return 'value from with'
print(returns_inside())
for i in range(3):
    with CM(f'loop{i}'):
        if i == 1:
            continue
        if i == 2:
            break
        print('loop body', i)
@contextlib.contextmanager
def tag(name):
    print(f'<{name}>')
    try:
        yield name
    except ZeroDivisionError:
        print('generator cm handled ZeroDivisionError')
    finally:
        print(f'</{name}>')
with tag('p') as t:
    print('inside', t)
with tag('div'):
    1 / 0
print('continued')
with contextlib.suppress(KeyError, IndexError):
    [][5]
print('suppress worked')
with contextlib.ExitStack() as stack:
    for n in ('s1', 's2', 's3'):
        stack.enter_context(CM(n))
    stack.callback(print, 'callback ran')
    print('stack body')
class Bad:
    pass
try:
    with Bad():
        pass
except TypeError as e:
    print('TypeError', e)
class EnterFails:
    def __enter__(self):
        raise RuntimeError('enter failed')
    def __exit__(self, *a):
        print('exit not called')
try:
    with EnterFails():
        print('not reached')
except RuntimeError as e:
    print('RuntimeError', e)
class ExitRaises:
    def __enter__(self):
        return self
    def __exit__(self, *a):
        raise ValueError('from exit')
try:
    with ExitRaises():
        raise KeyError('original')
except ValueError as e:
    print('ValueError', e, 'context', repr(e.__context__))
with contextlib.nullcontext(5) as n:
    print('nullcontext', n)
class Reentrant:
    depth = 0
    def __enter__(self):
        Reentrant.depth += 1
        return Reentrant.depth
    def __exit__(self, *a):
        Reentrant.depth -= 1
r = Reentrant()
with r as d1:
    with r as d2:
        print('depths', d1, d2)
print('final depth', Reentrant.depth)
with (CM('paren1') as p1,
      CM('paren2') as p2):
    print('parenthesized', p1, p2)
