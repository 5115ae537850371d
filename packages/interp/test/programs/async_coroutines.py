# Coroutines (async def / await) driven by hand: send(None) until StopIteration, throw(), close(),
# a round-robin scheduler, coroutine attributes, and CPython's error messages. No asyncio.


class Yield:
    """Awaitable whose __await__ is a generator: yields a value out to the driver and
    returns whatever the driver sends back."""
    def __init__(self, value=None):
        self.value = value

    def __await__(self):
        got = yield self.value
        return got


def run(coro):
    """Send None until the coroutine finishes; return its value."""
    steps = 0
    while True:
        try:
            coro.send(None)
        except StopIteration as e:
            return e.value
        steps += 1


def run_verbose(coro, replies):
    """Print every value the coroutine yields to the driver; answer with replies in order."""
    replies = list(replies)
    value = None
    while True:
        try:
            out = coro.send(value)
        except StopIteration as e:
            print('  finished with', e.value)
            return e.value
        value = replies.pop(0) if replies else None
        print('  driver got', out, 'replies', value)


print('--- chains and return values')
async def leaf(x):
    return x * 2

async def middle(x):
    a = await leaf(x)
    b = await leaf(a)
    return a + b

async def top():
    total = 0
    for i in range(4):
        total += await middle(i)
    return total

print('leaf', run(leaf(21)))
print('middle', run(middle(5)))
print('top', run(top()))

async def no_return():
    pass

print('no_return', run(no_return()))

async def deep(n):
    if n == 0:
        return 'bottom'
    return 'd' + await deep(n - 1)

print('deep', run(deep(50)))

print('--- first send returns through StopIteration')
c = leaf(4)
try:
    c.send(None)
except StopIteration as e:
    print('StopIteration value', e.value, 'args', e.args)

print('--- custom awaitable: values out, replies in')
async def talker():
    a = await Yield('first')
    print('  talker got', a)
    b = await Yield('second')
    print('  talker got', b)
    return (a, b)

print('result', run_verbose(talker(), ['r1', 'r2']))

async def nested_talker():
    x = await talker()
    y = await Yield('third')
    print('  nested got', y)
    return [x, y]

print('result', run_verbose(nested_talker(), ['n1', 'n2', 'n3']))

class Ready:
    """__await__ is a generator that never yields: the await completes immediately."""
    def __await__(self):
        return 'ready-value'
        yield

async def use_ready():
    return await Ready()

print('ready', run(use_ready()))

class IterAwait:
    """__await__ returns a plain iterator (not a generator)."""
    def __await__(self):
        return iter(['i1', 'i2'])

async def use_iter_await():
    r = await IterAwait()
    return ('after iter', r)

print('result', run_verbose(use_iter_await(), []))

print('--- round-robin scheduler')
log = []
async def worker(name, n):
    acc = 0
    for i in range(n):
        log.append(name + str(i))
        acc += await Yield(name)
    return name + '=' + str(acc)

def round_robin(coros):
    queue = [(c, None) for c in coros]
    results = []
    tick = 0
    while queue:
        coro, value = queue.pop(0)
        try:
            coro.send(value)
        except StopIteration as e:
            results.append(e.value)
            continue
        tick += 1
        queue.append((coro, tick))
    return results

print('results', round_robin([worker('a', 3), worker('b', 1), worker('c', 2)]))
print('log', log)

print('--- coroutine attributes')
async def attrs_inner():
    await Yield('inner-yield')
    return 'inner-done'

holder = []
async def attrs_outer():
    me = holder[0]
    print('  inside: cr_running', me.cr_running, 'cr_suspended', me.cr_suspended)
    print('  inside: cr_await is None', me.cr_await is None)
    r = await attrs_inner()
    r2 = await Yield('outer-yield')
    return r

class Holder:
    async def method(self):
        return 'method'

co = attrs_outer()
holder.append(co)
print('type', type(co).__name__)
print('__name__', co.__name__, '__qualname__', co.__qualname__)
print('cr_code.co_name', co.cr_code.co_name)
print('created: cr_running', co.cr_running, 'cr_suspended', co.cr_suspended,
      'cr_await is None', co.cr_await is None, 'cr_frame is None', co.cr_frame is None)
print('first send yields', co.send(None))
print('suspended: cr_running', co.cr_running, 'cr_suspended', co.cr_suspended)
print('suspended: cr_await is None', co.cr_await is None,
      'cr_await type', type(co.cr_await).__name__,
      'cr_await name', co.cr_await.cr_code.co_name)
inner = co.cr_await
print('inner: cr_suspended', inner.cr_suspended, 'cr_await type', type(inner.cr_await).__name__)
print('cr_frame.f_code.co_name', co.cr_frame.f_code.co_name)
print('second send yields', co.send(None))
print('now awaiting Yield directly: cr_await type', type(co.cr_await).__name__)
print('inner finished: cr_frame is None', inner.cr_frame is None)
try:
    co.send('last')
except StopIteration as e:
    print('finished with', e.value)
print('done: cr_running', co.cr_running, 'cr_suspended', co.cr_suspended,
      'cr_await is None', co.cr_await is None, 'cr_frame is None', co.cr_frame is None)
m = Holder().method()
print('method __name__', m.__name__, '__qualname__', m.__qualname__)
m.close()

def make_local():
    async def local_coro():
        return 1
    return local_coro()

lc = make_local()
print('local __qualname__', lc.__qualname__)
lc.close()
lc2 = leaf(1)
lc2.__name__ = 'renamed'
lc2.__qualname__ = 'Q.renamed'
print('renamed', lc2.__name__, lc2.__qualname__, 'code name still', lc2.cr_code.co_name)
lc2.close()
try:
    lc2.__name__ = 5
except TypeError as e:
    print(type(e).__name__, e)
print('function flags: async def code is coroutine', bool(leaf.__code__.co_flags & 0x80))

print('--- throw into a coroutine suspended in await')
async def resilient():
    results = []
    for i in range(3):
        try:
            v = await Yield('step' + str(i))
            results.append(('ok', v))
        except ValueError as e:
            results.append(('caught', str(e)))
    return results

r = resilient()
print('start', r.send(None))
print('after send', r.send('A'))
print('after throw', r.throw(ValueError('x')))
try:
    r.send('C')
except StopIteration as e:
    print('finished', e.value)

async def resilient_outer():
    inner_result = await resilient()
    return ('outer', inner_result)

r = resilient_outer()
print('start', r.send(None))
print('throw through outer', r.throw(ValueError('through')))
print('send', r.send('B'))
try:
    r.send('C')
except StopIteration as e:
    print('finished', e.value)

r = resilient()
r.send(None)
try:
    r.throw(KeyError('not caught'))
except KeyError as e:
    print('propagated', type(e).__name__, e)
print('after uncaught throw: cr_frame is None', r.cr_frame is None)
try:
    r.send(None)
except RuntimeError as e:
    print(type(e).__name__, e)

fresh = resilient()
try:
    fresh.throw(ValueError('into unstarted'))
except ValueError as e:
    print('unstarted throw propagates', e)

async def throw_type_only():
    try:
        await Yield(1)
    except IndexError as e:
        return 'caught type ' + type(e).__name__ + ' args ' + repr(e.args)

t = throw_type_only()
t.send(None)
try:
    t.throw(IndexError)
except StopIteration as e:
    print(e.value)

print('--- close() runs finally blocks')
async def with_finally(tag):
    try:
        await Yield(tag + '-1')
        await Yield(tag + '-2')
    finally:
        print('  finally of', tag)

f = with_finally('f1')
f.send(None)
print('close returns', f.close())
print('closed: cr_frame is None', f.cr_frame is None)
f.close()
print('second close is a no-op')

async def outer_finally():
    try:
        await with_finally('inner')
    finally:
        print('  finally of outer')

f = outer_finally()
f.send(None)
f.close()

async def sees_generator_exit():
    try:
        await Yield(1)
    except GeneratorExit:
        print('  GeneratorExit seen, type', type(GeneratorExit()).__name__)
        raise

f = sees_generator_exit()
f.send(None)
f.close()

async def returns_on_close():
    try:
        await Yield(1)
    except GeneratorExit:
        return 'value on close'

f = returns_on_close()
f.send(None)
print('close returned', f.close())

async def ignores_close():
    try:
        await Yield(1)
    except GeneratorExit:
        await Yield('refuses')

f = ignores_close()
f.send(None)
try:
    f.close()
except RuntimeError as e:
    print(type(e).__name__, e)

f = with_finally('never-started')
f.close()
print('close of unstarted coroutine runs nothing; cr_frame is None', f.cr_frame is None)

async def raises_in_finally():
    try:
        await Yield(1)
    finally:
        raise KeyError('from finally')

f = raises_in_finally()
f.send(None)
try:
    f.close()
except KeyError as e:
    print('close raised', type(e).__name__, e, 'context', type(e.__context__).__name__)

print('--- exceptions through await chains')
async def failing(msg):
    await Yield('before failing')
    raise ValueError(msg)

async def level1():
    return await failing('deep failure')

async def level2():
    try:
        return await level1()
    except ValueError as e:
        print('  level2 caught', e)
        raise KeyError('level2 wrapped') from e

try:
    run(level2())
except KeyError as e:
    print(type(e).__name__, e, '| cause', type(e.__cause__).__name__, e.__cause__)

async def zero():
    return 1 / 0

async def catches_zero():
    try:
        await zero()
    except ZeroDivisionError as e:
        return 'caught ' + str(e)

print(run(catches_zero()))

async def raises_stop():
    raise StopIteration('inside')

try:
    run(raises_stop())
except RuntimeError as e:
    print(type(e).__name__, e, '| cause', type(e.__cause__).__name__, e.__cause__)

async def raises_stop_async():
    raise StopAsyncIteration('inside')

try:
    run(raises_stop_async())
except StopAsyncIteration as e:
    print('StopAsyncIteration is not replaced in a coroutine:', type(e).__name__, e)

print('--- awaiting non-awaitables')
async def await_int():
    await 1

try:
    run(await_int())
except TypeError as e:
    print(type(e).__name__, e)

async def await_none():
    await None

try:
    run(await_none())
except TypeError as e:
    print(type(e).__name__, e)

async def await_list():
    await [1, 2]

try:
    run(await_list())
except TypeError as e:
    print(type(e).__name__, e)

class BadAwait:
    def __await__(self):
        return 1

async def await_bad():
    await BadAwait()

try:
    run(await_bad())
except TypeError as e:
    print(type(e).__name__, e)

class ListAwait:
    def __await__(self):
        return [1, 2]

async def await_list_await():
    await ListAwait()

try:
    run(await_list_await())
except TypeError as e:
    print(type(e).__name__, e)

class CoroAwait:
    def __await__(self):
        return self.c

async def await_coro_await():
    obj = CoroAwait()
    obj.c = leaf(1)
    try:
        await obj
    finally:
        obj.c.close()

try:
    run(await_coro_await())
except TypeError as e:
    print(type(e).__name__, e)

class NotCallableAwait:
    __await__ = None

async def await_none_await():
    await NotCallableAwait()

try:
    run(await_none_await())
except TypeError as e:
    print(type(e).__name__, e)

class RaisingAwait:
    def __await__(self):
        raise LookupError('from __await__')

async def await_raising():
    await RaisingAwait()

try:
    run(await_raising())
except LookupError as e:
    print(type(e).__name__, e)

def plain_generator():
    yield 1

async def await_generator():
    await plain_generator()

try:
    run(await_generator())
except TypeError as e:
    print(type(e).__name__, e)

print('--- reuse and double await')
async def awaits_twice(c):
    first = await c
    second = await c
    return first, second

try:
    run(awaits_twice(leaf(3)))
except RuntimeError as e:
    print(type(e).__name__, e)

shared = with_finally('shared')
async def awaits_shared():
    return await shared

a1 = awaits_shared()
a2 = awaits_shared()
print('a1 yields', a1.send(None))
try:
    a2.send(None)
except RuntimeError as e:
    print(type(e).__name__, e)
a1.close()
print('a1 closed; shared cr_frame is None', shared.cr_frame is None)

done = leaf(7)
print('finished:', run(done))
try:
    done.send(None)
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    done.throw(ValueError('late'))
except RuntimeError as e:
    print(type(e).__name__, e)
except ValueError as e:
    print('throw into finished raises its argument:', type(e).__name__, e)
print('close of finished coroutine:', done.close())

fresh = leaf(1)
try:
    fresh.send(5)
except TypeError as e:
    print(type(e).__name__, e)
print('after refused send, still runs:', run(fresh))

async def self_send():
    me = holder2[0]
    try:
        me.send(None)
    except ValueError as e:
        return type(e).__name__ + ': ' + str(e)

holder2 = []
ss = self_send()
holder2.append(ss)
print(run(ss))

async def self_await():
    me = holder3[0]
    await me

holder3 = []
sa = self_await()
holder3.append(sa)
try:
    run(sa)
except ValueError as e:
    print(type(e).__name__, e)

print('--- coroutines are not iterators')
c = leaf(1)
try:
    iter(c)
except TypeError as e:
    print(type(e).__name__, e)
try:
    next(c)
except TypeError as e:
    print(type(e).__name__, e)
try:
    for x in c:
        pass
except TypeError as e:
    print(type(e).__name__, e)
try:
    list(c)
except TypeError as e:
    print(type(e).__name__, e)
print('has __iter__', hasattr(c, '__iter__'), 'has __next__', hasattr(c, '__next__'),
      'has __await__', hasattr(c, '__await__'))

def delegating():
    yield from c

try:
    next(delegating())
except TypeError as e:
    print(type(e).__name__, e)
c.close()

print('--- __await__ wrapper')
c = talker()
w = c.__await__()
print('wrapper type', type(w).__name__)
print('iter(w) is w', iter(w) is w)
print('next(w)', next(w))
print('w.send', w.send('via-wrapper'))
try:
    w.send('end')
except StopIteration as e:
    print('wrapper StopIteration value', e.value)

c = resilient()
w = c.__await__()
print('next(w)', next(w))
print('w.throw', w.throw(ValueError('w-throw')))
w.close()
print('w.close closed the coroutine: cr_frame is None', c.cr_frame is None)

c = leaf(10)
w = c.__await__()
try:
    next(w)
except StopIteration as e:
    print('wrapper of immediate coroutine: StopIteration', e.value)

def gen_over_wrapper():
    c = talker()
    result = yield from c.__await__()
    return result

g = gen_over_wrapper()
print('gen over wrapper', next(g))
print('gen over wrapper', g.send('g1'))
try:
    g.send('g2')
except StopIteration as e:
    print('gen over wrapper returned', e.value)

print('--- await in expressions')
async def value(v):
    return v

async def expressions():
    a = [await value(i) for i in range(3)]
    b = {await value(k): await value(k * k) for k in range(3)}
    c = (await value(1)) + (await value(2)) * (await value(3))
    d = await value(await value('nested'))
    e = [await Yield(i) for i in range(2)]
    f = await value(5) if await value(True) else await value(6)
    return a, b, c, d, e, f

print(run_verbose(expressions(), ['e0', 'e1']))

async def lambda_user():
    fns = [lambda: 1, lambda: 2]
    return [f() for f in fns]

print(run(lambda_user()))

async def async_in_class():
    class K:
        async def m(self, x):
            return await value(x + 1)
    return await K().m(41)

print(run(async_in_class()))

print('--- compile-time errors')
for src in ['def f():\n    await x\n',
            'await x\n',
            'async def f():\n    yield from x\n',
            'def f():\n    async with x:\n        pass\n',
            'def f():\n    async for a in x:\n        pass\n',
            'def f():\n    return [a async for a in x]\n']:
    try:
        compile(src, 's', 'exec')
        print('compiled', repr(src))
    except SyntaxError as e:
        print(type(e).__name__, e.msg, 'line', e.lineno)

print('--- all coroutines closed')
