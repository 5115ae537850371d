# ExceptionGroup, BaseExceptionGroup and except*.
eg = ExceptionGroup('several', [ValueError('v1'), TypeError('t1'), ValueError('v2'), ExceptionGroup('nested', [KeyError('k')])])
print(repr(eg), str(eg), len(eg.exceptions), eg.message)
match, rest = eg.split(ValueError)
print(repr(match), repr(rest))
print(repr(eg.subgroup(lambda e: isinstance(e, (TypeError, KeyError)))))
print(eg.subgroup(OSError))
def handle(group):
    try:
        raise group
    except* ValueError as g:
        print('ValueError part:', repr(g))
    except* (TypeError, KeyError) as g:
        print('Type/Key part:', repr(g))
handle(eg)
try:
    try:
        raise ExceptionGroup('mix', [ValueError(1), OSError(2)])
    except* ValueError:
        print('handled ValueError, OSError continues')
except ExceptionGroup as rest:
    print('rest:', repr(rest))
try:
    raise ValueError('naked')
except* ValueError as g:
    print('naked wrapped:', repr(g), type(g).__name__)
try:
    try:
        raise ExceptionGroup('g', [ValueError('a')])
    except* ValueError:
        raise KeyError('raised in except*')
except Exception as e:
    print('raised in handler:', repr(e), repr(e.__context__))
bg = BaseExceptionGroup('base', [KeyboardInterrupt(), ValueError()])
print(type(bg).__name__, type(BaseExceptionGroup('b', [ValueError()])).__name__)
try:
    ExceptionGroup('bad', [KeyboardInterrupt()])
except TypeError as e:
    print('TypeError', e)
try:
    ExceptionGroup('empty', [])
except ValueError as e:
    print('ValueError', e)
def derive():
    class MyGroup(ExceptionGroup):
        def derive(self, excs):
            return MyGroup(self.message + '+', excs)
    g = MyGroup('mine', [ValueError(1), TypeError(2)])
    m, r = g.split(ValueError)
    print(type(m).__name__, m.message, r.message)
derive()
log = []
try:
    raise ExceptionGroup('eg', [ValueError(1), ValueError(2), TypeError(3)])
except* ValueError as g:
    log.append(('V', len(g.exceptions)))
except* TypeError as g:
    log.append(('T', len(g.exceptions)))
else:
    log.append('else')
finally:
    log.append('finally')
print(log)
