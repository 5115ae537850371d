# try/except/else/finally execution order, return in finally, re-raise, bare except.
def trial(kind):
    log = []
    try:
        log.append('try')
        if kind == 'value':
            raise ValueError('v')
        if kind == 'key':
            raise KeyError('k')
        if kind == 'other':
            raise OSError('o')
    except ValueError as e:
        log.append('except ValueError ' + str(e))
    except (KeyError, IndexError) as e:
        log.append('except tuple ' + type(e).__name__)
    else:
        log.append('else')
    finally:
        log.append('finally')
    return log
for kind in ('none', 'value', 'key'):
    print(kind, trial(kind))
try:
    trial('other')
except OSError as e:
    print('escaped', e)
def finally_return():
    try:
        return 'try'
    finally:
        print('finally runs before return')
print(finally_return())
def finally_overrides():
    try:
        raise ValueError('lost')
    finally:
        return 'finally wins'
print(finally_overrides())
def return_value_order():
    x = 'first'
    try:
        return x
    finally:
        x = 'second'
print(return_value_order())
def nested():
    try:
        try:
            raise TypeError('inner')
        except TypeError:
            print('inner handler')
            raise
        finally:
            print('inner finally')
    except TypeError as e:
        print('outer caught', e)
    finally:
        print('outer finally')
nested()
def name_cleared():
    try:
        raise ValueError('x')
    except ValueError as err:
        pass
    try:
        return err
    except NameError as e:
        return 'NameError: ' + str(e)
print(name_cleared())
try:
    raise IndexError
except:
    print('bare except caught IndexError')
try:
    try:
        1 / 0
    except ZeroDivisionError:
        raise ValueError('replacement')
except ValueError as e:
    print(type(e.__context__).__name__, e.__cause__, e.__suppress_context__)
try:
    raise Exception('multi', 2, [3])
except Exception as e:
    print(e.args, str(e), repr(e))
def loop_with_finally():
    for i in range(3):
        try:
            if i == 1:
                return f'returned at {i}'
        finally:
            print('finally', i)
print(loop_with_finally())
import sys
try:
    raise KeyError('info')
except KeyError:
    t, v, tb = sys.exc_info()
    print(t.__name__, v, tb is not None, sys.exception() is v)
print(sys.exc_info(), sys.exception())
try:
    raise ValueError('tb')
except ValueError as e:
    print(e.__traceback__.tb_lineno, e.__traceback__.tb_frame.f_code.co_name)
def raiser():
    raise RuntimeError('from raiser')
try:
    raiser()
except RuntimeError as e:
    tb = e.__traceback__
    lines = []
    while tb:
        lines.append((tb.tb_frame.f_code.co_name, tb.tb_lineno))
        tb = tb.tb_next
    print(lines)
e2 = ValueError('with note')
e2.add_note('note one')
e2.add_note('note two')
print(e2.__notes__)
try:
    raise ValueError from None
except ValueError as e:
    print(e.__cause__, e.__suppress_context__)
class Resource:
    def __del__(self):
        pass
for exc_type in (ArithmeticError, LookupError, Exception, BaseException):
    try:
        [][1] if exc_type is LookupError else 1 / 0 if exc_type is ArithmeticError else int('x')
    except exc_type as e:
        print(exc_type.__name__, 'caught', type(e).__name__)
