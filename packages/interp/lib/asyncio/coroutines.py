"""What counts as a coroutine for asyncio: iscoroutine() and
iscoroutinefunction() (ft has no `inspect` or `collections.abc`, so the
checks look at the types and code flags directly)."""

import functools
import types

__all__ = ('iscoroutinefunction', 'iscoroutine')

_CO_COROUTINE = 0x80

# Types already seen to behave as coroutines (send/throw/close/__await__),
# so the duck-typing check runs once per type.
_coroutine_types = {types.CoroutineType: True}


def _unwrap_callable(func):
    # Bound methods and partials are coroutine functions when what they wrap is.
    for _ in range(100):
        if isinstance(func, functools.partial):
            func = func.func
        elif type(func) is types.MethodType:
            func = func.__func__
        else:
            break
    return func


def iscoroutinefunction(func):
    """True for an `async def` function (also through bound methods and
    partials)."""
    func = _unwrap_callable(func)
    if getattr(func, '_is_coroutine_marker', None) is _is_coroutine_marker:
        return True
    code = getattr(func, '__code__', None)
    flags = getattr(code, 'co_flags', 0)
    return isinstance(flags, int) and bool(flags & _CO_COROUTINE)


_is_coroutine_marker = object()


def iscoroutine(obj):
    """True for coroutine objects and for objects of any type providing the
    Coroutine protocol (send, throw, close and __await__)."""
    kind = type(obj)
    known = _coroutine_types.get(kind)
    if known is not None:
        return known
    if kind in (int, float, str, bytes, list, tuple, dict, type(None), types.GeneratorType):
        return False
    result = all(callable(getattr(kind, name, None)) for name in ('send', 'throw', 'close', '__await__'))
    if len(_coroutine_types) < 100:
        _coroutine_types[kind] = result
    return result
