"""Names for the interpreter's built-in types (our own module, after CPython's `types`)."""

import sys


def _f():
    pass


def _g():
    yield 1


class _C:
    def _m(self):
        pass


FunctionType = type(_f)
LambdaType = type(lambda: None)
CodeType = type(_f.__code__)
MappingProxyType = type(type.__dict__)
GeneratorType = type(_g())
MethodType = type(_C()._m)
BuiltinFunctionType = type(len)
BuiltinMethodType = type([].append)
ModuleType = type(sys)
NoneType = type(None)
NotImplementedType = type(NotImplemented)
EllipsisType = type(...)
GenericAlias = type(list[int])
CellType = type((lambda: _f).__closure__[0]) if (lambda: _f).__closure__ else None

try:
    raise TypeError
except TypeError as _e:
    TracebackType = type(_e.__traceback__)
    FrameType = type(_e.__traceback__.tb_frame)
    del _e


class SimpleNamespace:
    """An attribute bag: SimpleNamespace(a=1) has .a, compares by its attributes, and shows them in its repr."""

    def __init__(self, mapping_or_iterable=(), /, **kwargs):
        self.__dict__.update(dict(mapping_or_iterable))
        self.__dict__.update(kwargs)

    def __repr__(self):
        items = ', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())
        name = 'namespace' if type(self) is SimpleNamespace else type(self).__name__
        return f'{name}({items})'

    def __eq__(self, other):
        if isinstance(self, SimpleNamespace) and isinstance(other, SimpleNamespace):
            return self.__dict__ == other.__dict__
        return NotImplemented


def new_class(name, bases=(), kwds=None, exec_body=None):
    """Creates a class as a class statement would: the metaclass, __prepare__, the body callback."""
    kwds = dict(kwds or {})
    meta = kwds.pop('metaclass', type(bases[0]) if bases else type)
    ns = meta.__prepare__(name, bases, **kwds) if hasattr(meta, '__prepare__') else {}
    if exec_body is not None:
        exec_body(ns)
    return meta(name, bases, ns, **kwds)


async def _co():
    pass


def _ag():
    yield
    return


_c = _co()
CoroutineType = type(_c)
_c.close()
del _c


async def _agf():
    yield


AsyncGeneratorType = type(_agf())

# co_flags bits (inspect's names): a generator function, an async def, types.coroutine's mark.
_CO_GENERATOR = 0x20
_CO_COROUTINE = 0x80
_CO_ITERABLE_COROUTINE = 0x100


class _AwaitableGenerator:
    """What a non-generator function decorated by coroutine() returns for a generator result: awaitable."""

    def __init__(self, gen):
        self._gen = gen

    def __await__(self):
        return self._gen

    def __iter__(self):
        return self._gen

    def __next__(self):
        return next(self._gen)

    def send(self, value):
        return self._gen.send(value)

    def throw(self, *args):
        return self._gen.throw(*args)

    def close(self):
        return self._gen.close()


def coroutine(func):
    """Makes a generator function awaitable from `async def` code (a generator-based coroutine)."""
    if not callable(func):
        raise TypeError('types.coroutine() expects a callable')
    if type(func) is FunctionType:
        flags = func.__code__.co_flags
        if flags & (_CO_COROUTINE | _CO_ITERABLE_COROUTINE):
            return func
        if flags & _CO_GENERATOR:
            # The generators it makes are awaitable: GET_AWAITABLE takes a generator whose code has the mark.
            func.__code__ = func.__code__.replace(co_flags=flags | _CO_ITERABLE_COROUTINE)
            return func

    def wrapped(*args, **kwargs):
        result = func(*args, **kwargs)
        if type(result) is CoroutineType or (type(result) is GeneratorType and result.gi_code.co_flags & _CO_ITERABLE_COROUTINE):
            return result
        if type(result) is GeneratorType:
            return _AwaitableGenerator(result)
        return result

    wrapped.__name__ = getattr(func, '__name__', 'wrapped')
    wrapped.__qualname__ = getattr(func, '__qualname__', wrapped.__name__)
    wrapped.__doc__ = getattr(func, '__doc__', None)
    wrapped.__wrapped__ = func
    return wrapped


del sys, _f, _g, _C, _co, _ag, _agf
