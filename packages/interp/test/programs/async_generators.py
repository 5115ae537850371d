# Async generators driven by hand (no asyncio): async for, __anext__/asend/athrow/aclose awaited
# with .send(None), awaits inside the generator, attributes, anext()/aiter(), CPython's messages.


class Yield:
    """Awaitable that suspends once: yields its value to the driver, returns the reply."""
    def __init__(self, value=None):
        self.value = value

    def __await__(self):
        got = yield self.value
        return got


def run(coro):
    """Send None until the awaitable finishes; print what it yields; return its value."""
    while True:
        try:
            out = coro.send(None)
        except StopIteration as e:
            return e.value
        print('  (driver got', repr(out) + ')')


def step(awaitable, label):
    """Drive one asend/athrow/aclose/anext awaitable by hand and print how it ended."""
    try:
        value = run(awaitable)
        print(' ', label, '-> value', repr(value))
        return value
    except StopAsyncIteration as e:
        print(' ', label, '-> StopAsyncIteration', e.args)
    except Exception as e:
        print(' ', label, '-> raised', type(e).__name__ + ':', e)


def check(coro):
    try:
        print('  ->', run(coro))
    except Exception as e:
        print('  raised', type(e).__name__ + ':', e)


print('--- type and async for')
async def count(n):
    for i in range(n):
        yield i

ag = count(3)
print('type', type(ag).__name__)
print('__name__', ag.__name__, '__qualname__', ag.__qualname__, 'ag_code.co_name', ag.ag_code.co_name)
print('function code flag CO_ASYNC_GENERATOR', bool(count.__code__.co_flags & 0x200))
print('has __aiter__', hasattr(ag, '__aiter__'), 'has __anext__', hasattr(ag, '__anext__'),
      'has __iter__', hasattr(ag, '__iter__'), 'has __await__', hasattr(ag, '__await__'))

async def consume(agen):
    out = []
    async for x in agen:
        out.append(x)
    return out

check(consume(count(4)))
check(consume(count(0)))

async def consume_with_break():
    out = []
    g = count(10)
    async for x in g:
        if x == 3:
            break
        out.append(x)
    await g.aclose()
    return out

check(consume_with_break())

class Wrapper:
    async def items(self):
        yield 'm1'
        yield 'm2'

check(consume(Wrapper().items()))
print('method qualname', Wrapper().items().__qualname__)

print('--- __anext__() by hand')
ag = count(2)
a = ag.__anext__()
print('asend object type', type(a).__name__)
step(a, 'first __anext__')
step(ag.__anext__(), 'second __anext__')
step(ag.__anext__(), 'third __anext__')
step(ag.__anext__(), 'after exhaustion')
try:
    a.send(None)
except RuntimeError as e:
    print('  reuse of a finished asend:', type(e).__name__ + ':', e)

ag = count(1)
a = ag.__anext__()
try:
    a.send(None)
except StopIteration as e:
    print('  StopIteration carries the yielded value', e.value, 'args', e.args)
a = ag.__anext__()
try:
    a.send(None)
except StopAsyncIteration as e:
    print('  end of generator is StopAsyncIteration', type(e).__name__, e.args)
a = ag.__anext__()
w = a.__await__()
print('  asend.__await__() is itself', w is a)
try:
    next(a)
except StopAsyncIteration:
    print('  next() on asend object works: StopAsyncIteration')

print('--- asend values received by yield')
async def echo():
    received = []
    x = yield 'ready'
    while x is not None:
        received.append(x)
        x = yield 'got ' + str(x)
    yield 'received ' + str(received)

ag = echo()
try:
    ag.asend('too early').send(None)
except TypeError as e:
    print('  ', type(e).__name__ + ':', e)
step(ag.asend(None), 'asend(None)')
step(ag.asend(1), 'asend(1)')
step(ag.asend('two'), "asend('two')")
step(ag.asend(None), 'asend(None)')
step(ag.asend(None), 'asend(None) at end')
a = ag.asend(None)
print('asend type', type(a).__name__)
step(a, 'asend on exhausted generator')

ag = echo()
run(ag.asend(None))
a = ag.asend('via asend')
try:
    a.send('via send')
except StopIteration as e:
    print('  a non-None send() on a fresh asend object replaces its value ->', e.value)
run(ag.aclose())

print('--- awaits inside the generator')
async def ticking(n):
    for i in range(n):
        reply = await Yield('tick ' + str(i))
        yield ('item', i, reply)
    await Yield('finishing')

ag = ticking(2)
a = ag.__anext__()
print('  first send yields the awaited value:', a.send(None))
print('  ag_await type while suspended in await:', type(ag.ag_await).__name__)
try:
    a.send('reply-0')
except StopIteration as e:
    print('  item arrives via StopIteration:', e.value)
print('  ag_await after the yield is None:', ag.ag_await is None)
step(ag.__anext__(), 'second item')
step(ag.__anext__(), 'end')
check(consume(ticking(2)))

print('--- attributes')
holder = []
async def introspect():
    me = holder[0]
    print('  inside: ag_running', me.ag_running)
    yield 1
    await Yield('awaiting')
    yield 2

ag = introspect()
holder.append(ag)
print('created: ag_running', ag.ag_running, 'ag_await is None', ag.ag_await is None,
      'ag_frame is None', ag.ag_frame is None, 'ag_suspended', ag.ag_suspended)
step(ag.__anext__(), 'first')
print('suspended at yield: ag_running', ag.ag_running, 'ag_suspended', ag.ag_suspended,
      'ag_frame.f_code.co_name', ag.ag_frame.f_code.co_name)
a = ag.__anext__()
print('  send ->', a.send(None))
print('suspended in await: ag_running', ag.ag_running, 'ag_await type', type(ag.ag_await).__name__)
try:
    a.send(None)
except StopIteration as e:
    print('  second item', e.value)
step(ag.__anext__(), 'exhaust')
print('exhausted: ag_frame is None', ag.ag_frame is None, 'ag_running', ag.ag_running,
      'ag_await is None', ag.ag_await is None)

ag = count(1)
ag.__name__ = 'renamed'
ag.__qualname__ = 'Q.renamed'
print('renamed', ag.__name__, ag.__qualname__, 'code name still', ag.ag_code.co_name)

print('--- already running')
async def slow():
    await Yield('slow await')
    yield 'slow item'

ag = slow()
first = ag.__anext__()
print('  first asend suspended in await:', first.send(None))
second = ag.__anext__()
try:
    second.send(None)
except RuntimeError as e:
    print('  second __anext__:', type(e).__name__ + ':', e)
try:
    ag.asend(None).send(None)
except RuntimeError as e:
    print('  asend while running:', type(e).__name__ + ':', e)
try:
    ag.athrow(ValueError('x')).send(None)
except RuntimeError as e:
    print('  athrow while running:', type(e).__name__ + ':', e)
try:
    ag.aclose().send(None)
except RuntimeError as e:
    print('  aclose while running:', type(e).__name__ + ':', e)
try:
    first.send(None)
except StopIteration as e:
    print('  first completes:', e.value)
step(ag.__anext__(), 'after the first completed')

holder2 = []
async def self_anext():
    me = holder2[0]
    try:
        await me.__anext__()
    except RuntimeError as e:
        yield 'inner anext: ' + type(e).__name__ + ': ' + str(e)

ag = self_anext()
holder2.append(ag)
step(ag.__anext__(), 'anext from inside itself')
run(ag.aclose())

print('--- athrow')
async def catcher():
    n = 0
    while True:
        try:
            yield n
        except ValueError as e:
            print('  caught inside:', e)
            n += 100
        n += 1

ag = catcher()
step(ag.__anext__(), 'start')
a = ag.athrow(ValueError('thrown-1'))
print('athrow object type', type(a).__name__)
step(a, 'athrow caught, yields again')
step(ag.__anext__(), 'next')
step(ag.athrow(KeyError('uncaught')), 'athrow not caught')
print('after uncaught athrow: ag_frame is None', ag.ag_frame is None)
step(ag.__anext__(), 'next after')

ag = catcher()
step(ag.athrow(ValueError('into unstarted')), 'athrow into unstarted')
step(ag.__anext__(), 'next after athrow into unstarted')

async def throw_then_await():
    try:
        yield 'waiting'
    except ValueError as e:
        got = await Yield('handler awaits')
        yield 'handled ' + str(e) + ' reply ' + str(got)

ag = throw_then_await()
step(ag.__anext__(), 'start')
step(ag.athrow(ValueError('v')), 'athrow with await in handler')
step(ag.__anext__(), 'end')

async def throw_finishes():
    try:
        yield 1
    except ValueError:
        return

ag = throw_finishes()
step(ag.__anext__(), 'start')
step(ag.athrow(ValueError('ends')), 'athrow ending the generator')

ag = count(3)
step(ag.__anext__(), 'start')
step(ag.athrow(IndexError), 'athrow with a class')

a = count(1).athrow(ValueError('reuse'))
step(a, 'athrow on unstarted (propagates)')
try:
    a.send(None)
except RuntimeError as e:
    print('  reuse of athrow object:', type(e).__name__ + ':', e)

print('--- aclose')
async def with_finally(tag):
    try:
        yield tag + '-1'
        yield tag + '-2'
    finally:
        print('  finally of', tag)

ag = with_finally('f')
step(ag.__anext__(), 'start')
a = ag.aclose()
print('aclose object type', type(a).__name__)
step(a, 'aclose')
print('closed: ag_frame is None', ag.ag_frame is None)
step(ag.aclose(), 'second aclose')
step(ag.__anext__(), 'anext after aclose')
step(with_finally('unstarted').aclose(), 'aclose of unstarted (no finally output)')

async def awaits_in_finally():
    try:
        yield 1
    finally:
        got = await Yield('cleanup await')
        print('  cleanup done, reply', got)

ag = awaits_in_finally()
step(ag.__anext__(), 'start')
step(ag.aclose(), 'aclose with await in finally')

async def sees_exit():
    try:
        yield 1
    except GeneratorExit as e:
        print('  GeneratorExit seen:', type(e).__name__)
        raise

ag = sees_exit()
step(ag.__anext__(), 'start')
step(ag.aclose(), 'aclose re-raising GeneratorExit')

async def ignores_exit():
    try:
        yield 1
    except GeneratorExit:
        yield 'refuses'

ag = ignores_exit()
step(ag.__anext__(), 'start')
step(ag.aclose(), 'aclose when generator yields in except GeneratorExit')

async def ignores_exit_returning():
    try:
        yield 1
    except GeneratorExit:
        return

ag = ignores_exit_returning()
step(ag.__anext__(), 'start')
step(ag.aclose(), 'aclose when generator returns')

async def raises_on_exit():
    try:
        yield 1
    finally:
        raise KeyError('from finally')

ag = raises_on_exit()
step(ag.__anext__(), 'start')
step(ag.aclose(), 'aclose with a raising finally')

async def async_with_inside():
    class CM:
        async def __aenter__(self):
            print('  cm enter')
            return 'cm'

        async def __aexit__(self, *exc):
            print('  cm exit with', None if exc[0] is None else exc[0].__name__)
            return False

    async with CM() as c:
        yield c
        yield 'second'

ag = async_with_inside()
step(ag.__anext__(), 'start')
step(ag.aclose(), 'aclose inside async with')

print('--- errors raised inside')
async def raises_stop_async():
    yield 1
    raise StopAsyncIteration('inside')

ag = raises_stop_async()
step(ag.__anext__(), 'start')
try:
    run(ag.__anext__())
except RuntimeError as e:
    print('  ', type(e).__name__ + ':', e, '| cause', type(e.__cause__).__name__)

async def raises_stop():
    yield 1
    raise StopIteration('inside')

ag = raises_stop()
step(ag.__anext__(), 'start')
try:
    run(ag.__anext__())
except RuntimeError as e:
    print('  ', type(e).__name__ + ':', e, '| cause', type(e.__cause__).__name__)

async def raises_value():
    yield 1
    raise ValueError('plain error')

check(consume(raises_value()))

print('--- anext() and aiter() builtins')
ag = count(2)
print('aiter(ag) is ag', aiter(ag) is ag)
n = anext(ag)
print('anext(ag) type', type(n).__name__)
step(n, 'anext(ag)')
step(anext(ag), 'anext(ag)')
step(anext(ag), 'anext(ag) exhausted')
d = anext(ag, 'default')
print('anext(ag, default) type', type(d).__name__)
step(d, 'anext(ag, default) exhausted')
ag2 = count(1)
step(anext(ag2, 'unused'), 'anext(ag2, default) with an item')
step(anext(ag2, None), 'anext(ag2, None) exhausted')

async def use_builtins():
    g = ticking(3)
    first = await anext(g)
    second = await anext(g, 'dflt')
    rest = [x async for x in aiter(g)]
    after = await anext(g, 'dflt')
    return first, second, rest, after

check(use_builtins())

try:
    aiter(1)
except TypeError as e:
    print(type(e).__name__ + ':', e)
try:
    anext(1)
except TypeError as e:
    print(type(e).__name__ + ':', e)
try:
    anext([1])
except TypeError as e:
    print(type(e).__name__ + ':', e)
try:
    iter(count(1))
except TypeError as e:
    print(type(e).__name__ + ':', e)
try:
    next(count(1))
except TypeError as e:
    print(type(e).__name__ + ':', e)

class AIterOnly:
    def __aiter__(self):
        return count(2)

it = aiter(AIterOnly())
print('aiter of a class returns', type(it).__name__)
step(anext(it), 'anext of it')
run(it.aclose())

class BadAIter:
    def __aiter__(self):
        return 1

try:
    aiter(BadAIter())
except TypeError as e:
    print(type(e).__name__ + ':', e)

print('--- async generators in comprehensions and expressions')
async def squares(n):
    for i in range(n):
        await Yield('sq ' + str(i))
        yield i * i

async def comps():
    a = [x async for x in squares(3)]
    b = {x async for x in count(5) if x % 2 == 0}
    c = {x: y async for x in count(2) async for y in count(2)}
    return a, sorted(b), c

check(comps())

async def genexp_of_agen():
    ge = (x + 1 async for x in count(3))
    return [y async for y in ge]

check(genexp_of_agen())

async def delegate(n):
    async for x in count(n):
        yield 'delegated ' + str(x)
    yield 'own'

check(consume(delegate(2)))

print('--- return with a value is a SyntaxError')
for src in ['async def f():\n    yield 1\n    return 2\n',
            'async def f():\n    yield 1\n    return\n',
            'async def f():\n    yield from g()\n',
            'async def f():\n    x = [(yield 1) async for a in b]\n']:
    try:
        compile(src, 's', 'exec')
        print('compiled', repr(src))
    except SyntaxError as e:
        print(type(e).__name__, e.msg, 'line', e.lineno)

print('--- done')
