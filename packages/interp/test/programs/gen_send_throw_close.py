# Generator send(), throw(), close() and GeneratorExit.
def accumulator():
    total = 0
    while True:
        value = yield total
        if value is None:
            break
        total += value
    return total
acc = accumulator()
print(acc.send(None))
print(acc.send(5), acc.send(10), acc.send(-3))
try:
    acc.send(None)
except StopIteration as e:
    print('returned', e.value)
g = accumulator()
try:
    g.send(1)
except TypeError as e:
    print('TypeError', e)
def catcher():
    while True:
        try:
            x = yield
            print('received', x)
        except ValueError as e:
            print('caught', repr(e))
            yield 'recovered'
c = catcher()
next(c)
c.send('hello')
print(c.throw(ValueError('boom')))
next(c)
c.send('again')
print(c.throw(ValueError, 'by type') if False else c.throw(ValueError('second')))
try:
    c.throw(KeyError('not caught'))
except KeyError as e:
    print('propagated', e)
try:
    next(c)
except StopIteration:
    print('generator finished after uncaught throw')
def closer():
    try:
        yield 1
        yield 2
    except GeneratorExit:
        print('GeneratorExit seen')
        raise
    finally:
        print('finally in closer')
cl = closer()
print(next(cl))
cl.close()
cl.close()
print(list(cl))
def bad_closer():
    try:
        yield 1
    except GeneratorExit:
        yield 'refuses'
b = bad_closer()
next(b)
try:
    b.close()
except RuntimeError as e:
    print('RuntimeError', e)
def returns_on_close():
    try:
        yield 1
    except GeneratorExit:
        return 'value on close'
r = returns_on_close()
next(r)
print('close returned', r.close())
unstarted = closer()
unstarted.close()
print('unstarted close: no output above')
try:
    closer().throw(IndexError('at start'))
except IndexError as e:
    print('thrown at start', e)
def running_avg():
    total = count = 0
    avg = None
    while True:
        x = yield avg
        total += x
        count += 1
        avg = total / count
ra = running_avg()
next(ra)
for x in [10, 20, 30, 5]:
    print('avg', ra.send(x))
def echo():
    r = None
    while True:
        try:
            r = yield r
        except Exception as e:
            r = 'error: ' + type(e).__name__
e = echo()
next(e)
print(e.send(1), e.throw(TypeError), e.send('x'), e.throw(ZeroDivisionError()))
e.close()
