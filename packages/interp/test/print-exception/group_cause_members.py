try:
    raise ValueError('root')
except ValueError as v:
    try:
        raise TypeError('member') from v
    except TypeError as t:
        m = t
raise ExceptionGroup('eg', [m, ExceptionGroup('sub', [KeyError(1)])]) from KeyError('c')
