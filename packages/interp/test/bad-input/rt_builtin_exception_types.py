# Every exception class of builtins: its bases, and str/repr/args of an
# instance made with and without arguments.
import builtins

names = sorted(n for n in dir(builtins) if not n.startswith('_') and isinstance(getattr(builtins, n), type) and issubclass(getattr(builtins, n), BaseException))
print(len(names), 'exception types')
for name in names:
    cls = getattr(builtins, name)
    bases = ', '.join(b.__name__ for b in cls.__bases__)
    if name in ('BaseExceptionGroup', 'ExceptionGroup'):
        e = cls('msg', [ValueError(1)])
    elif name == 'UnicodeDecodeError':
        e = cls('utf-8', b'\xff', 0, 1, 'invalid start byte')
    elif name == 'UnicodeEncodeError':
        e = cls('ascii', '\xe9', 0, 1, 'ordinal not in range(128)')
    elif name == 'UnicodeTranslateError':
        e = cls('\xe9', 0, 1, 'no mapping')
    elif issubclass(cls, SyntaxError):
        e = cls('msg', ('f.py', 1, 2, 'text', 1, 3))
        print(f'  {name} fields: {e.filename} {e.lineno} {e.offset} {e.text} {e.end_lineno} {e.end_offset}')
    else:
        e = cls('msg', 2)
        empty = cls()
        print(f'  {name}() -> str={str(empty)!r} repr={empty!r} args={empty.args}')
    print(f'{name}({bases}): str={str(e)!r} repr={e!r}')
