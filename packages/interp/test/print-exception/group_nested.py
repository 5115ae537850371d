def fail(kind, i):
    raise kind(f'job {i}')

def collect(kind, n):
    errors = []
    for i in range(n):
        try:
            fail(kind, i)
        except Exception as e:
            errors.append(e)
    return errors

inner = ExceptionGroup('inner', collect(ValueError, 2))
try:
    try:
        raise OSError('disk')
    except OSError:
        raise ExceptionGroup('with context', [TypeError('t')])
except ExceptionGroup as g:
    ctx_group = g
outer = ExceptionGroup('outer', [inner, ctx_group, KeyError('k')])
outer.add_note('note on the group')
raise outer
