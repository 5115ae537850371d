# types.coroutine: a generator function turned into an awaitable ("generator-based coroutine"),
# awaited from async def and driven by hand. Kept apart from async_coroutines.py because it
# needs the `types` module.
import types


@types.coroutine
def suspend(value):
    got = yield value
    return 'suspend got ' + str(got)


@types.coroutine
def immediate(value):
    return value
    yield


print('decorated is the same function', suspend.__name__, type(suspend).__name__)
print('CO_ITERABLE_COROUTINE flag set', bool(suspend.__code__.co_flags & 0x100))
print('not a coroutine function code', bool(suspend.__code__.co_flags & 0x80))
g = suspend('x')
print('calling gives a', type(g).__name__)
print('next works on it', next(g))
g.close()


async def uses_suspend():
    a = await suspend('out-1')
    b = await suspend('out-2')
    c = await immediate('imm')
    return [a, b, c]


co = uses_suspend()
print('first', co.send(None))
print('cr_await type', type(co.cr_await).__name__, co.cr_await.gi_code.co_name)
print('second', co.send('reply-1'))
try:
    co.send('reply-2')
except StopIteration as e:
    print('finished', e.value)


async def inner():
    return await suspend('inner-out')


@types.coroutine
def gen_awaiting_coroutine():
    # yield from a coroutine is allowed inside an iterable-coroutine generator
    result = yield from inner()
    return 'wrapped ' + result


async def top():
    return await gen_awaiting_coroutine()


co = top()
print('top first', co.send(None))
try:
    co.send('R')
except StopIteration as e:
    print('top finished', e.value)


@types.coroutine
def catches():
    try:
        yield 'waiting'
    except ValueError as e:
        return 'caught ' + str(e)


async def uses_catches():
    return await catches()


co = uses_catches()
print(co.send(None))
try:
    co.throw(ValueError('thrown'))
except StopIteration as e:
    print(e.value)


class NotGen:
    def __call__(self):
        return iter([1, 2])


wrapped = types.coroutine(NotGen())
w = wrapped()
print('non-generator callable result type', type(w).__name__)
try:
    types.coroutine(1)
except TypeError as e:
    print(type(e).__name__, e)
