"""How our asyncio shows callbacks, coroutines and exceptions in reprs and in
the default exception handler's report (CPython's `format_helpers` and the
bits of `traceback` the loop needs: ft has no `traceback` or `inspect`)."""

import functools
import sys

_FunctionType = type(lambda: None)


def function_source(func):
    """(filename, first line) of a Python function, through __wrapped__ and
    partials; None for anything else (bound methods and builtins show no source
    on CPython either)."""
    seen = 0
    while hasattr(func, '__wrapped__') and seen < 100:
        func = func.__wrapped__
        seen += 1
    if type(func) is _FunctionType:
        code = func.__code__
        return code.co_filename, code.co_firstlineno
    if isinstance(func, functools.partial):
        return function_source(func.func)
    return None


def format_args(args, kwargs, debug=False):
    # CPython 3.13 hides the arguments unless the loop is in debug mode.
    if not debug:
        return '()'
    items = [repr(a) for a in (args or ())]
    items.extend(f'{k}={v!r}' for k, v in (kwargs or {}).items())
    return '(' + ', '.join(items) + ')'


def format_callback(func, args, kwargs=None, debug=False, suffix=''):
    if isinstance(func, functools.partial):
        suffix = format_args(args, kwargs, debug) + suffix
        return format_callback(func.func, func.args, func.keywords, debug, suffix)
    name = getattr(func, '__qualname__', None) or getattr(func, '__name__', None) or repr(func)
    return name + format_args(args, kwargs, debug) + suffix


def callback_source(func, args, debug=False):
    text = format_callback(func, args, None, debug)
    source = function_source(func)
    if source is not None:
        text += f' at {source[0]}:{source[1]}'
    return text


def format_callbacks(callbacks):
    """The `cb=[...]` part of a pending future's repr: all of one or two
    callbacks, else the first, a count and the last."""
    def one(entry):
        return callback_source(entry[0], ())
    n = len(callbacks)
    if n == 0:
        return ''
    if n == 1:
        body = one(callbacks[0])
    elif n == 2:
        body = f'{one(callbacks[0])}, {one(callbacks[1])}'
    else:
        body = f'{one(callbacks[0])}, <{n - 2} more>, {one(callbacks[-1])}'
    return f'cb=[{body}]'


def format_coroutine(coro):
    """`name() running at file:line` while the coroutine has a frame, else
    `name() done, defined at file:line`."""
    name = getattr(coro, '__qualname__', None) or getattr(coro, '__name__', None) or type(coro).__name__
    name += '()'
    code = getattr(coro, 'cr_code', None) or getattr(coro, 'gi_code', None)
    if code is None:
        running = getattr(coro, 'cr_running', False) or getattr(coro, 'gi_running', False)
        return f'{name} running' if running else name
    frame = getattr(coro, 'cr_frame', None)
    if frame is None:
        frame = getattr(coro, 'gi_frame', None)
    if frame is not None:
        return f'{name} running at {code.co_filename}:{frame.f_lineno}'
    return f'{name} done, defined at {code.co_filename}:{code.co_firstlineno}'


def _format_one(exc, lines):
    tb = exc.__traceback__
    if tb is not None:
        lines.append('Traceback (most recent call last):\n')
        while tb is not None:
            code = tb.tb_frame.f_code
            lines.append(f'  File "{code.co_filename}", line {tb.tb_lineno}, in {code.co_name}\n')
            tb = tb.tb_next
    name = type(exc).__qualname__
    module = type(exc).__module__
    if module not in ('builtins', '__main__', None):
        name = f'{module}.{name}'
    message = str(exc)
    lines.append(f'{name}: {message}\n' if message else f'{name}\n')


def format_exception(exc):
    """A traceback report with its causes and contexts, like
    `traceback.format_exception` without the source lines (no linecache here)."""
    chain = []
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if exc.__cause__ is not None:
            chain.append((exc, '\nThe above exception was the direct cause of the following exception:\n\n'))
            exc = exc.__cause__
        elif exc.__context__ is not None and not exc.__suppress_context__:
            chain.append((exc, '\nDuring handling of the above exception, another exception occurred:\n\n'))
            exc = exc.__context__
        else:
            chain.append((exc, None))
            exc = None
    lines = []
    # chain runs newest first and each link says how its exception follows the
    # older one, so printed oldest first the link goes before its exception.
    for exc, link in reversed(chain):
        if link is not None:
            lines.append(link)
        _format_one(exc, lines)
    return ''.join(lines)


def report(message, exc=None):
    """Writes what an unconfigured `logging` prints for logger.error(message,
    exc_info=exc) to sys.stderr."""
    stream = sys.stderr
    if stream is None:
        return
    text = message + '\n'
    if exc is not None:
        text += format_exception(exc)
    stream.write(text)


# reprlib's default limits, which CPython uses for a future's result.
_MAX_STRING = 30
_MAX_LONG = 40
_MAX_OTHER = 30
_MAX_ITEMS = {'list': 6, 'tuple': 6, 'set': 6, 'frozenset': 6, 'deque': 6, 'dict': 4}
_MAX_LEVEL = 6


def _cut(text, limit):
    # Keep the head and the tail, '...' between: what reprlib does.
    if len(text) <= limit:
        return text
    head = max(0, (limit - 3) // 2)
    tail = max(0, limit - 3 - head)
    return text[:head] + '...' + text[len(text) - tail:]


def short_repr(value, level=_MAX_LEVEL):
    """repr() shortened as reprlib.repr() does."""
    kind = type(value)
    if kind is str:
        text = repr(value[:_MAX_STRING])
        if len(text) > _MAX_STRING:
            head = max(0, (_MAX_STRING - 3) // 2)
            tail = max(0, _MAX_STRING - 3 - head)
            text = repr(value[:head] + value[len(value) - tail:])
            text = text[:head] + '...' + text[len(text) - tail:]
        return text
    if kind is int:
        return _cut(repr(value), _MAX_LONG)
    name = kind.__name__
    if kind in (list, tuple, set, frozenset):
        n = len(value)
        if n == 0:
            return {'list': '[]', 'tuple': '()', 'set': 'set()', 'frozenset': 'frozenset()'}[name]
        left, right = {'list': ('[', ']'), 'tuple': ('(', ')'), 'set': ('{', '}'),
                       'frozenset': ('frozenset({', '})')}[name]
        if level <= 0:
            return left + '...' + right
        items = list(value)
        if kind in (set, frozenset):
            try:
                items = sorted(items)
            except TypeError:
                pass
        limit = _MAX_ITEMS[name]
        pieces = [short_repr(item, level - 1) for item in items[:limit]]
        if n > limit:
            pieces.append('...')
        if n == 1 and kind is tuple:
            right = ',' + right
        return left + ', '.join(pieces) + right
    if kind is dict:
        n = len(value)
        if n == 0:
            return '{}'
        if level <= 0:
            return '{...}'
        keys = list(value)
        try:
            keys = sorted(keys)
        except TypeError:
            pass
        limit = _MAX_ITEMS['dict']
        pieces = [f'{short_repr(k, level - 1)}: {short_repr(value[k], level - 1)}' for k in keys[:limit]]
        if n > limit:
            pieces.append('...')
        return '{' + ', '.join(pieces) + '}'
    return _cut(repr(value), _MAX_OTHER)
