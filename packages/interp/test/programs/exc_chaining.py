# Exception chaining: __context__, __cause__, raise from, suppress_context; printed with traceback.
def frames(e):
    out = []
    tb = e.__traceback__
    while tb is not None:
        out.append(f'{tb.tb_frame.f_code.co_name}:{tb.tb_lineno}')
        tb = tb.tb_next
    return out
def show(e, depth=0):
    print('  ' * depth + f'{type(e).__name__}({e}) frames={frames(e)} suppress={e.__suppress_context__}')
    if e.__cause__ is not None:
        print('  ' * depth + 'cause:')
        show(e.__cause__, depth + 1)
    elif e.__context__ is not None and not e.__suppress_context__:
        print('  ' * depth + 'context:')
        show(e.__context__, depth + 1)
def step1():
    raise KeyError('missing')
def step2():
    try:
        step1()
    except KeyError as e:
        raise ValueError('bad value') from e
def step3():
    try:
        step2()
    except ValueError:
        raise RuntimeError('gave up')
try:
    step3()
except RuntimeError as e:
    print(type(e).__name__, e)
    print(' context', type(e.__context__).__name__, e.__context__)
    print(' context.cause', type(e.__context__.__cause__).__name__, e.__context__.__cause__)
    print(' suppress', e.__suppress_context__, e.__context__.__suppress_context__)
    show(e)
try:
    try:
        raise TypeError('a')
    except TypeError as a:
        raise OSError('b') from None
except OSError as b:
    print(b.__context__, b.__cause__, b.__suppress_context__)
    show(b)
try:
    try:
        raise ValueError('first')
    finally:
        print('finally sees exception in flight')
except ValueError as e:
    print('context of first:', e.__context__)
def handler_raises():
    try:
        {}['x']
    except KeyError:
        try:
            [][0]
        except IndexError:
            raise NameError('deep')
try:
    handler_raises()
except NameError as e:
    chain = []
    cur = e
    while cur is not None:
        chain.append(type(cur).__name__)
        cur = cur.__context__
    print(chain)
err = ValueError('manual')
err.__cause__ = TypeError('manual cause')
print(err.__suppress_context__, err.__cause__)
try:
    raise ValueError('x') from 5
except TypeError as e:
    print('TypeError', e)
try:
    raise ValueError('cls cause') from KeyError
except ValueError as e:
    print(repr(e.__cause__))
e1 = Exception('reused')
try:
    try:
        raise e1
    except Exception:
        raise e1
except Exception as e:
    print('self context avoided:', e.__context__ is None)
